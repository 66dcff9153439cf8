"""Cooling limit: the largest GPU power that keeps the junction below its limit, per technology.

``Tj_max(P)`` rises monotonically with ``P`` (more heat, hotter coolant, lower silicon
conductivity), so the limit is the root of ``Tj_max(P) - Tj_limit``. It is nearly linear, so
secant steps find it in three or four solves: from the file's power and the guess
``P = (Tj_limit - T_in) / R_th`` there, safeguarded by bisection inside the bracket of powers
seen below and above the limit, to ``xtol_w`` (the last secant step). Every solve reuses the
model's mesh, multigrid hierarchy and last solution (:class:`.package.PackageModel`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from mpi4py import MPI

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
                model: PackageModel | None = None, known: Sequence[PackageResult] = ()) -> LimitResult:
    """Largest GPU power (W) with ``Tj_max < tj_limit_c`` (default: the file's, 105 degC) at coolant
    inlet ``inlet_c`` (default: the file's, 35 degC). ``known``: results of ``model`` already solved
    (a Tj curve); those at this inlet seed the secant iteration instead of new solves."""
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

    # Tj(P) is close to linear (R_th grows slowly with P): secant steps from the file's power and
    # the R_th estimate there, kept inside the bracket once one is known (regula falsi, Illinois)
    for r in known:
        if abs(r.inlet_c - inlet) < 1e-9:
            results[float(r.power_w)] = r
    if len(results) >= 2:  # the two known powers nearest the limit (by their excess) start the secant
        near = sorted(results, key=lambda p: abs(results[p].tj_max_c - tj_limit))[:3]
        p0, p1 = near[:2]
        f0 = excess(p0)
        if len(near) == 3:  # three known: the root of the parabola through them (one solve confirms it)
            p1 = _parabola_root(near, [excess(p) for p in near], p0, p1)
    else:
        p0 = float(model.pkg.package.power)
        f0 = excess(p0)
        p1 = p0 * (tj_limit - inlet) / (f0 + tj_limit - inlet)
    below = [p for p, r in results.items() if r.tj_max_c < tj_limit]
    above = [p for p, r in results.items() if r.tj_max_c >= tj_limit]
    lo, hi = max(below, default=0.0), min(above, default=np.inf)
    for _ in range(40):
        if not (np.isfinite(p1) and p1 > 0):
            raise ConvergenceError("cooling limit: the secant iteration left the positive powers")
        f1 = excess(p1)
        if f1 < 0:
            lo = max(lo, p1)
        else:
            hi = min(hi, p1)
        step = -f1 * (p1 - p0) / (f1 - f0) if f1 != f0 else np.inf
        if f1 == 0.0:
            break
        # the secant step is the distance to the root only while its slope is local: from a far point on a
        # steep Tj(P) it is tiny with Tj still far from the limit (the secant stagnates at a bracket end).
        # So the distance by the junction's own R_th at p1, |f1| / R_th(p1), must be small too
        rise = f1 + tj_limit - inlet  # Tj(p1) - T_in
        small = abs(step) < xtol_w
        if small and rise > 0 and abs(f1) * p1 / rise < xtol_w:
            break
        p_next = p1 + step
        if small or not lo < p_next < hi:  # stagnating, or outside the bracket: bisect (or widen while unbounded)
            p_next = 0.5 * (lo + hi) if np.isfinite(hi) else 1.5 * lo
        p0, f0, p1 = p1, f1, p_next
    else:
        raise ConvergenceError(f"cooling limit: no power within {xtol_w:g} W of the limit found in 40 solves")
    p_lim = p1
    at = results.get(p_lim) or model.solve(p_lim, inlet_c=inlet)
    return LimitResult(model.pkg.package.name, cooling, tj_limit, inlet, p_lim,
                       p_lim / (model.die_area_m2 * 1e6), at.r_th_k_per_w, at.pressure_drop_pa,
                       at.pumping_power_w, at.coolant_rise_k, len(results), at)


def _parabola_root(ps: Sequence[float], fs: Sequence[float], p0: float, p1: float) -> float:
    """The root nearest ``p0`` of the parabola through ``(ps, fs)`` (Tj(P) bends slowly, so it lands
    within a watt or two of the limit and one secant step confirms it); the secant root of
    ``p0, p1`` where the parabola has no real root."""
    a, b, c = np.polyfit(np.asarray(ps, float), np.asarray(fs, float), 2)
    f0, f1 = fs[0], fs[1]
    secant = p1 - f1 * (p1 - p0) / (f1 - f0) if f1 != f0 else p1
    if abs(a) < 1e-300:
        return secant
    disc = b * b - 4 * a * c
    if disc < 0:
        return secant
    # the stable pair q/a, c/q (Press et al., Numerical Recipes, 3rd ed., sec. 5.6): (-b +- sqrt(disc))/(2a)
    # loses the small root to cancellation when |a c| << b^2, as on a nearly straight Tj(P)
    q = -0.5 * (b + np.copysign(np.sqrt(disc), b))
    roots = [q / a] + ([c / q] if q != 0.0 else [])
    return float(min(roots, key=lambda r: abs(r - p0)))


def tj_curve(package_path: str | Path, cooling: str, powers_w, *, inlet_c: float | None = None,
             comm: MPI.Comm | None = None, mesh_size: float = DEFAULT_MESH_SIZE_M,
             model: PackageModel | None = None) -> list[PackageResult]:
    """Package results at each power of ``powers_w`` (e.g. 1000-3000 W), one mesh for all."""
    model = model or PackageModel(package_path, cooling, comm=comm, mesh_size=mesh_size)
    return [model.solve(float(p), inlet_c=inlet_c) for p in np.atleast_1d(powers_w)]
