"""Thermal finite elements (dolfinx): general heat conduction, GPU-package geometry, cooling
correlations, package solves and cooling limits. Import submodules directly; they load dolfinx."""
