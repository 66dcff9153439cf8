"""Discretization error of the package results and the cheapest mesh that meets a tolerance.

The in-plane element size runs down a geometric sequence ``h_i = 8 mm / sqrt(2)^i`` (through
the thickness each layer gets ``ceil(t / (h/2))`` elements, at most 12). From the last three
meshes the error of the finest is estimated Richardson-style with the order taken as one:

    err_i = max(|Q_i - Q_(i-1)|, |Q_(i-1) - Q_(i-2)|) / (r - 1),      r = sqrt(2)

(Roache, *Verification and Validation in Computational Science and Engineering*, 1998, ch. 5:
the grid-convergence estimate ``|Q_i - Q_(i-1)| / (r^p - 1)``). Order one is conservative for
P1 elements (two for a smooth field in the energy norm's square), and the larger of the last two
differences guards against a nodal maximum that converges non-monotonically as it moves between
nodes (seen on the shipped package: two meshes can agree by chance). The default mesh is the
first whose estimate meets the tolerance (0.2 K on Tj unless stated); the estimate at other
powers scales with the junction rise ``Tj - T_in`` (the problem is nearly linear in power).
``tests/thermal/test_convergence.py`` checks the estimate against a mesh two steps finer.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from si_thermal.errors import InputError

COARSEST_M = 8e-3
RATIO = math.sqrt(2.0)
DEFAULT_TJ_TOL_K = 0.2
BYTES_PER_DOF = 4e3  # hex P1 conduction: matrix, multigrid hierarchy, vectors (measured ~2-3 kB)


@dataclass(frozen=True)
class MeshEstimate:
    """The discretization error of one mesh of a package model, from a sequence of coarser ones."""

    mesh_size_m: float
    tj_error_k: float  # estimated |Tj(mesh) - Tj(exact)| at the calibration power
    spread_error_k: float  # same for the within-die spread
    tolerance_k: float | None  # the Tj tolerance the mesh was chosen for (None: size given)
    power_w: float  # calibration power
    rise_k: float  # Tj - T_in at the calibration power
    sizes_m: tuple[float, ...]
    tj_c: tuple[float, ...]
    dofs: tuple[int, ...]
    method: str = "Richardson, order 1, three meshes, ratio sqrt(2)"

    def tj_error_at(self, rise_k: float) -> float:
        """The estimate scaled to a junction rise ``Tj - T_in`` (K) at another power or inlet."""
        return self.tj_error_k * abs(rise_k) / max(abs(self.rise_k), 1e-12)

    def spread_error_at(self, rise_k: float) -> float:
        return self.spread_error_k * abs(rise_k) / max(abs(self.rise_k), 1e-12)


def sequence(finest_m: float | None = None, n: int = 40) -> list[float]:
    """The mesh sizes, coarsest first; with ``finest_m``: the two coarser steps and it."""
    if finest_m is not None:
        return [finest_m * RATIO**2, finest_m * RATIO, finest_m]
    return [COARSEST_M / RATIO**i for i in range(n)]


def error(values: list[float]) -> float:
    """Error estimate of the last of three or more values on the sequence (module docstring)."""
    if len(values) < 3:
        return math.inf
    d = max(abs(values[-1] - values[-2]), abs(values[-2] - values[-3]))
    return d / (RATIO - 1.0)


def max_dofs_default(ranks: int = 1) -> int:
    """DOFs that fit in half of the memory available now (``MemAvailable``), all ranks together."""
    try:
        with open("/proc/meminfo") as f:
            avail = next(int(line.split()[1]) * 1024 for line in f if line.startswith("MemAvailable"))
    except (OSError, StopIteration, ValueError):
        avail = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return int(0.5 * avail / BYTES_PER_DOF)


def unreachable(tol_k: float, sizes: list[float], tjs: list[float], dofs: list[int], limit: int) -> InputError:
    """The error for a tolerance no mesh within the memory limit meets."""
    if len(tjs) >= 3:
        tried = (f"the finest mesh tried, {sizes[len(tjs) - 1] * 1e3:.3g} mm ({dofs[len(tjs) - 1]} DOFs), "
                 f"has an estimated Tj error of {error(tjs):.3g} K")
    else:
        tried = "not even three meshes fit to estimate the error"
    return InputError(None, "--tj-tol-k", f"no mesh within the memory limit ({limit} DOFs) meets "
                      f"{tol_k:g} K on Tj: {tried}")
