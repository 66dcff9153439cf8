"""Thermal finite elements (dolfinx): general heat conduction, GPU-package geometry, cooling
correlations, package solves and cooling limits. Import submodules directly; they load dolfinx."""

from si_thermal._lazy import exports  # noqa: E402

__all__, __getattr__, __dir__ = exports(__name__, {
    ".package": ["PackageModel", "PackageResult", "solve_package"],
    ".limit": ["power_limit", "tj_curve", "LimitResult"],
    ".heat": ["HeatProblem", "HeatSolution", "Region", "Dirichlet", "Neumann", "Robin"],
    ".probe": ["values_at", "temperature_c_at"],
}, modules=["heat", "geometry", "package", "cooling", "coolant", "limit", "elastic", "backplane", "transient",
            "unitcell", "validation", "plot", "probe"])
