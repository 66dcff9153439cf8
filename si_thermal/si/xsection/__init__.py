"""2-D cross-section field solver (dolfinx, P2 electrostatics) for per-unit-length RLGC(f).

geometry -> mesh (gmsh) -> electrostatics (C, L, surface currents) -> rlgc (frequency dependence,
modes) -> media (skrf). ``stackup`` and ``cables`` build cross-sections; ``solver`` caches solutions.
"""
