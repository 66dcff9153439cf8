"""Per-GPU power against the cooling limits of the thermal solver (issue 5).

For a GPU package file (``boards/gpu_package_*.toml``) and each cooling technology the package
offers (cold plate, microchannel lid), :func:`si_thermal.thermal.package.PackageModel` solves the
steady conjugate problem (FEM in the package, correlations plus energy balance in the coolant) at a
few powers for the Tj-versus-power curve, and :func:`si_thermal.thermal.limit.power_limit` finds
the power at which Tj reaches ``tj_limit`` by root finding on the same model.
A rack whose per-GPU power is above the limit of its cooling technology gets a failing verdict;
above every technology's limit, "exceeds every cooling limit".

Sources: the thermal models are documented in :mod:`si_thermal.thermal.package`; the claims checked
here are S0 section 7 (2,000 W per GPU as the cold-plate limit, ~2.5 W/mm^2; microchannel lids
cutting the die temperature spread from 10-15 degC to under 5 degC).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from si_thermal import config, paths
from si_thermal.config import RackFile
from si_thermal.system.stages import StageSkipped
from si_thermal.caches import cached
from si_thermal.constants import ZERO_CELSIUS_K

POWERS_W = (800.0, 1600.0, 2400.0)


@dataclass(frozen=True)
class CoolingCurve:
    """Tj and die temperature spread versus package power for one package and cooling technology."""

    package: str
    cooling: str
    power_w: np.ndarray
    tj_max_c: np.ndarray
    die_delta_t_k: np.ndarray
    r_th_k_per_w: np.ndarray
    tj_limit_c: float
    inlet_c: float
    die_area_mm2: float
    limit_w: float  # package power at which Tj reaches tj_limit_c
    limit_method: str
    n_dofs: int
    field_xy_m: np.ndarray | None = field(default=None, repr=False)  # (n, 2) plan-view points
    field_t_c: np.ndarray | None = field(default=None, repr=False)  # temperature there, at power_w[-1]
    die_max_minus_mean_k: np.ndarray | None = None  # within-die max - mean (worst die), by power
    tj_error_k: np.ndarray | None = None  # discretization-error estimate of each tj_max_c (K)
    mesh_note: str = ""  # mesh size, DOFs and how the error was estimated

    def tj_at(self, power_w: float) -> float:
        return float(np.interp(power_w, self.power_w, self.tj_max_c, left=np.nan, right=np.nan)) \
            if self.power_w[0] <= power_w <= self.power_w[-1] else float(np.polyval(
                np.polyfit(self.power_w, self.tj_max_c, 1), power_w))


@dataclass(frozen=True)
class SystemCooling:
    system: str
    technology: str
    package: str
    gpu_power_w: float
    tj_c: float  # at the rack's per-GPU power with its own technology
    limit_w: float  # of its own technology
    margin_w: float  # limit - power
    best_limit_w: float  # best technology of the package
    heat_flux_w_per_mm2: float  # per-GPU power over the package's die area
    verdict: str
    curves: tuple[CoolingCurve, ...] = ()


def _plan_view(sol, pkg, n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Temperature (degC) on a grid over the dies' footprint, in the plane of the hottest point."""
    from dolfinx import geometry

    T = sol.temperature
    mesh = T.function_space.mesh
    coords = T.function_space.tabulate_dof_coordinates()
    z_hot = coords[int(np.argmax(T.x.array)), 2]
    xs = [d.center_x + s * d.size_x / 2 for d in pkg.dies for s in (-1, 1)]
    ys = [d.center_y + s * d.size_y / 2 for d in pkg.dies for s in (-1, 1)]
    pad = 3e-3
    gx, gy = np.meshgrid(np.linspace(min(xs) - pad, max(xs) + pad, n), np.linspace(min(ys) - pad, max(ys) + pad, n))
    pts = np.column_stack([gx.ravel(), gy.ravel(), np.full(gx.size, z_hot)])
    tree = geometry.bb_tree(mesh, mesh.topology.dim)
    cand = geometry.compute_collisions_points(tree, pts)
    hit = geometry.compute_colliding_cells(mesh, cand, pts)
    cells = np.array([hit.links(i)[0] if len(hit.links(i)) else -1 for i in range(len(pts))])
    ok = cells >= 0
    vals = T.eval(pts[ok], cells[ok]).ravel() - ZERO_CELSIUS_K
    return pts[ok, :2], vals


@cached(16, files=lambda package, *a, **k: [paths.boards_dir() / package], follow=True)
def cooling_curve(package: str, cooling: str, powers_w: tuple[float, ...] = POWERS_W,
                  tj_limit_c: float | None = None) -> CoolingCurve:
    """Solve ``package`` (file in boards/) with ``cooling`` at ``powers_w`` (sorted)."""
    from si_thermal.thermal.limit import power_limit
    from si_thermal.thermal.package import PackageModel

    pkg_path = paths.boards_dir() / package
    model = PackageModel(config.load_package(pkg_path), cooling, source=pkg_path)
    results = [model.solve(p) for p in powers_w]
    tj = np.array([r.tj_max_c for r in results])
    p = np.array(powers_w)
    limit_c = model.pkg.package.tj_limit - ZERO_CELSIUS_K if tj_limit_c is None else tj_limit_c
    inlet_c = results[0].inlet_c
    xy, t = _plan_view(results[-1].solution, model.pkg)
    # the same model: its mesh, multigrid hierarchy and last solution serve the limit's solves
    res = power_limit(paths.boards_dir() / package, cooling, tj_limit_c=limit_c, inlet_c=inlet_c, model=model,
                      known=results)
    limit_w, method = float(res.power_limit_w), "si_thermal.thermal.limit.power_limit"
    return CoolingCurve(package, cooling, p, tj, np.array([r.die_delta_t_k for r in results]),
                        np.array([r.r_th_k_per_w for r in results]), limit_c, inlet_c,
                        model.die_area_m2 * 1e6, limit_w, method, results[0].n_dofs, xy, t,
                        np.array([r.die_max_minus_mean_k for r in results]),
                        np.array([r.tj_error_k for r in results]), results[0].mesh_note)


def technologies(package: str) -> tuple[str, ...]:
    """Cooling technologies the package file describes."""
    from si_thermal import config
    from si_thermal.thermal.package import COOLINGS

    pkg = config.load_package(paths.boards_dir() / package)
    return tuple(c for c in COOLINGS if getattr(pkg, c, None) is not None)


def system_cooling(system: str, rack: RackFile, *, gpu_power_w: float | None = None,
                   powers_w: tuple[float, ...] = POWERS_W) -> SystemCooling | StageSkipped:
    """The rack's per-GPU power against the limits of its package under each cooling technology."""
    if rack.cooling is None:
        return StageSkipped("cooling", f"{rack.rack.name}: no [cooling] table (no package file for its accelerator)")
    power = rack.rack.gpu_power if gpu_power_w is None else gpu_power_w
    if power <= 0:
        return StageSkipped("cooling", f"{rack.rack.name}: per-GPU power 0 W")
    return package_cooling(system, rack.cooling.package, rack.cooling.technology, power, powers_w)


def aux_cooling(system: str, rack: RackFile, powers_w: tuple[float, ...] = POWERS_W) -> SystemCooling | StageSkipped | None:
    """The auxiliary accelerator's package (Rubin CPX) at its package file's power, under its own
    cooling; None when the rack has none."""
    c = rack.cooling
    if c is None or c.aux_package is None:
        return None
    from si_thermal import config

    pkg = config.load_package(paths.boards_dir() / c.aux_package)
    return package_cooling(system, c.aux_package, c.aux_technology, pkg.package.power, powers_w)


def package_cooling(system: str, package: str, technology: str, power: float,
                    powers_w: tuple[float, ...] = POWERS_W) -> SystemCooling | StageSkipped:
    """``power`` on ``package`` against the limits of each cooling technology the package offers."""
    try:
        curves = tuple(cooling_curve(package, c, powers_w) for c in technologies(package))
    except ImportError as err:
        return StageSkipped("cooling", str(err))
    own = next((c for c in curves if c.cooling == technology), None)
    if own is None:
        return StageSkipped("cooling", f"package {package} has no '{technology}' cooling")
    best = max(c.limit_w for c in curves)
    margin = own.limit_w - power
    if margin >= 0:
        verdict = "within limit"
    elif power <= best:
        verdict = "exceeds its cooling limit (another technology suffices)"
    else:
        verdict = "exceeds every cooling limit"
    return SystemCooling(system, own.cooling, package, power, own.tj_at(power), own.limit_w, margin, best,
                         power / own.die_area_mm2, verdict, curves)
