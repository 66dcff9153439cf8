"""Physics checks added after mutation testing (issue 18, ``benchmarks/MUTATION.md``) of the closed-form
thermal models: duct correlations, coolant properties, fins, Anderson mixing, mesh convergence."""
