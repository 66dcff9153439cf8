"""Physics checks added after mutation testing (issue 18, ``benchmarks/MUTATION.md``) of the pulse
response, equalizer and COM modules."""
