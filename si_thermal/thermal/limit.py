"""Cooling limit: the largest GPU power that keeps the junction below its limit, per technology.

``Tj_max(P)`` rises monotonically with ``P`` (more heat, hotter coolant, lower silicon
conductivity), so the limit is the root of ``Tj_max(P) - Tj_limit``: bracketed from a first solve
(``P_guess = (Tj_limit - T_in) / R_th``) and found by Brent's method (scipy.optimize.brentq;
Brent, *Algorithms for Minimization without Derivatives*, 1973) to ``xtol_w``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from mpi4py import MPI
from scipy.optimize import brentq

from si_thermal.errors import ConvergenceError, InputError
from si_thermal.thermal.package import DEFAULT_MESH_SIZE_M, PackageModel, PackageResult

from si_thermal.constants import ZERO_CELSIUS_K as T0


@dataclass(frozen=True)
class LimitResult:
    """The cooling limit of one package and cooling technology."""

    package: str
    cooling: str
    tj_limit_c: float
    inlet_c: float
    power_limit_w: float
    heat_flux_w_per_mm2: float  # power limit over the total die area
    r_th_k_per_w: float  # at the limit
    pressure_drop_pa: float
    pumping_power_w: float
    coolant_rise_k: float
    solves: int
    at_limit: PackageResult | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "at_limit"}


def power_limit(package_path: str | Path, cooling: str, *, tj_limit_c: float | None = None,
                inlet_c: float | None = None, comm: MPI.Comm | None = None,
                mesh_size: float = DEFAULT_MESH_SIZE_M, xtol_w: float = 1.0,
                model: PackageModel | None = None) -> LimitResult:
    """Largest GPU power (W) with ``Tj_max < tj_limit_c`` (default: the file's, 105 degC) at coolant
    inlet ``inlet_c`` (default: the file's, 35 degC)."""
    model = model or PackageModel(package_path, cooling, comm=comm, mesh_size=mesh_size)
    tj_limit = model.pkg.package.tj_limit - T0 if tj_limit_c is None else tj_limit_c
    inlet = model.spec.inlet - T0 if inlet_c is None else inlet_c
    if tj_limit <= inlet:
        raise InputError(None, "tj_limit", f"junction limit {tj_limit:g} degC is not above the inlet {inlet:g} degC")
    results: dict[float, PackageResult] = {}

    def excess(p: float) -> float:
        if p not in results:
            results[p] = model.solve(p, inlet_c=inlet)
        return results[p].tj_max_c - tj_limit

    p0 = 1000.0
    r0 = (excess(p0) + tj_limit - inlet) / p0
    guess = (tj_limit - inlet) / r0
    lo, hi = 0.9 * guess, 1.1 * guess
    for _ in range(20):
        if excess(lo) < 0:
            break
        hi, lo = lo, lo / 1.5
    else:
        raise ConvergenceError("cooling limit: no power below the limit found")
    for _ in range(20):
        if excess(hi) > 0:
            break
        lo, hi = hi, hi * 1.5
    else:
        raise ConvergenceError("cooling limit: no power above the limit found")
    p_lim = brentq(excess, lo, hi, xtol=xtol_w)
    at = results.get(p_lim) or model.solve(p_lim, inlet_c=inlet)
    return LimitResult(model.pkg.package.name, cooling, tj_limit, inlet, p_lim,
                       p_lim / (model.die_area_m2 * 1e6), at.r_th_k_per_w, at.pressure_drop_pa,
                       at.pumping_power_w, at.coolant_rise_k, len(results), at)


def tj_curve(package_path: str | Path, cooling: str, powers_w, *, inlet_c: float | None = None,
             comm: MPI.Comm | None = None, mesh_size: float = DEFAULT_MESH_SIZE_M,
             model: PackageModel | None = None) -> list[PackageResult]:
    """Package results at each power of ``powers_w`` (e.g. 1000-3000 W), one mesh for all."""
    model = model or PackageModel(package_path, cooling, comm=comm, mesh_size=mesh_size)
    return [model.solve(float(p), inlet_c=inlet_c) for p in np.atleast_1d(powers_w)]
