"""Physics checks added after mutation testing (issue 18, ``benchmarks/MUTATION.md``): limits,
symmetries and published values of the line models that the existing tests left open."""
