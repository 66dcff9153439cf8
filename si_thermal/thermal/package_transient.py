"""The GPU package under a power history: the package's transient model, its step response, and the
junction temperature of every die under a workload profile by Duhamel superposition (:mod:`.transient`).

The steady package problem (:class:`si_thermal.thermal.package.PackageModel`) is nonlinear (silicon's
k(T)) and couples the coolant's energy balance. Its transient model is the linearisation about the
steady solution at the rated power ``P`` (the unit amplitude of the one load, "package"):

- conduction and convection: the steady problem's own operator (``HeatProblem.a_lin``) with the
  conductivity frozen at the steady full-load field (:meth:`HeatProblem.refreeze`), the fin-corrected
  ``h(x)`` of the channels; so at ``P`` the linear model reproduces the nonlinear steady junction
  temperature (checked: ``linearisation_k``), and at other powers it is a linearisation (silicon's
  k changes by -0.43 %/K; the error grows with the distance from ``P``);
- heat capacity ``rho c_p`` of every region from the materials library (a missing one is an input
  error naming the material);
- sources: the package's power map at ``P`` (active layers, hot spots or floorplan blocks);
- coolant: quasi-static. Its rise along the flow is that of the steady solve, scaled with the power
  at each instant (the coolant's transit time, milliseconds, and its own heat capacity are neglected:
  early in a power step the coolant is taken warmer than it is, so the junction rise leads slightly).

Temperatures are read at the hottest node of each die's junction layer at ``P`` (a probe per die):
the junction history of that die. The hot spot of a die does not move with a uniform scaling of the
power map, so the steady argmax is the transient one except during fast transients.
Serial: the package must be meshed on one process (``MPI.COMM_SELF``, or a plain ``python`` run).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from si_thermal import config
from si_thermal.constants import ZERO_CELSIUS_K as T0
from si_thermal.errors import InputError
from si_thermal.thermal.geometry import COOLANT
from si_thermal.thermal.transient import Capacity, Load, StepResponses, TransientModel, duhamel


@dataclass(frozen=True)
class PackageTransient:
    """The package's transient model at rated power ``power_w`` (W), coolant inlet ``inlet_c``
    (degC); ``steady_rise_k[die]``: the nonlinear steady junction rise above the inlet at the probe."""

    model: TransientModel = field(repr=False)
    dies: tuple[str, ...]
    power_w: float
    inlet_c: float
    steady_rise_k: dict
    linearisation_k: float  # largest |linear steady - nonlinear steady| at the probes, K
    build_s: float


@dataclass(frozen=True)
class TjHistory:
    """Junction temperature (degC) of every die under a profile: ``tj_c[die_index, n]`` after each
    step of ``dt_s``; the last ``period_steps`` samples are one settled period."""

    dies: tuple[str, ...]
    dt_s: float
    tj_c: np.ndarray = field(repr=False)
    period_steps: int
    load: np.ndarray = field(repr=False)  # the load fraction that drove it
    step: StepResponses = field(repr=False)
    step_response_s: float
    superposition_s: float


def _capacities(pkg_model) -> list[Capacity]:
    caps = []
    for name, tag in pkg_model.tm.regions.items():
        mat_name = pkg_model._material_of(name)
        mat = config.material(mat_name, None, pkg_model.path, name, local=pkg_model.pkg.materials)
        if mat.density is None or mat.specific_heat is None:
            raise InputError(pkg_model.path, name, f"material '{mat_name}' has no density or specific_heat "
                             "(the transient needs its heat capacity)")
        caps.append(Capacity(tag, float(mat.density * mat.specific_heat)))
    return caps


def _hottest_points(sol, junction: dict[str, list[int]]) -> dict[str, tuple[float, float, float]]:
    """The coordinates of the hottest node of each die's junction layer (P1 field)."""
    u = sol.temperature
    V = u.function_space
    coords = V.tabulate_dof_coordinates()
    out = {}
    for name, tags in junction.items():
        cells = np.concatenate([sol.cell_tags.find(t) for t in tags])
        dofs = np.unique(V.dofmap.list[cells].ravel())
        i = dofs[int(np.argmax(u.x.array[dofs]))]
        out[name] = tuple(float(c) for c in coords[i])
    return out


def package_transient(pkg_model, power_w: float | None = None, *, inlet_c: float | None = None) -> PackageTransient:
    """The transient model of a (P1, serial) :class:`PackageModel` linearised at ``power_w``
    (default: the package file's power); see the module docstring."""
    t0 = time.perf_counter()
    problem = pkg_model.problem
    if problem.mesh.comm.size != 1:
        raise InputError(None, "--profile", "the package transient runs on one process (run without mpirun)")
    power = float(pkg_model.pkg.package.power if power_w is None else power_w)
    res = pkg_model.solve(power, inlet_c=inlet_c)
    inlet_k = res.inlet_c + T0
    problem.refreeze()  # k frozen at the converged full-load field: the linear model's steady state is the FEM's
    q = problem.q.copy()
    rise = pkg_model.tc.copy()
    rise.x.array[:] -= inlet_k
    heated = tuple(pkg_model._unit_q)
    load = Load("package", volume=tuple((tag, q) for tag in heated),
                ambient=((pkg_model.tm.boundaries[COOLANT], rise),))
    points = _hottest_points(res.solution, pkg_model._junction)
    model = TransientModel.from_problem(problem, _capacities(pkg_model), [load], points)
    steady_nl = {d: float(res.die_max_c[d] + T0 - inlet_k) for d in points}
    lin = model.steady()[:, 0]
    err = float(max(abs(lin[i] - steady_nl[d]) for i, d in enumerate(points)))
    return PackageTransient(model, tuple(points), power, res.inlet_c, steady_nl, err, time.perf_counter() - t0)


def tj_history(pt: PackageTransient, profile: config.Profile) -> TjHistory:
    """Junction temperatures under a workload profile (load fraction ``power / rated_power`` of
    ``pt.power_w``, held over each step of the profile's resolution, from the idle state): step
    response once, then Duhamel superposition by overlap-add FFT over enough whole periods for the
    start-up to die out (the response kernel's length, plus one period)."""
    dt = profile.resolution
    t0 = time.perf_counter()
    sr = pt.model.step_responses(dt)
    t1 = time.perf_counter()
    kern = sr.kernel(dt)
    per = int(round(profile.period / dt))
    n_per = max(int(np.ceil(kern.shape[-1] / per)) + 1, 2)
    _, load = profile.sample(n_per * per * dt, dt)
    rise = duhamel(kern, load[None, :])
    t2 = time.perf_counter()
    return TjHistory(pt.dies, dt, pt.inlet_c + rise, per, load, sr, t1 - t0, t2 - t1)


def direct_check(pt: PackageTransient, hist: TjHistory, steps: int) -> dict:
    """Direct backward-Euler stepping of the first ``steps`` steps against the superposition:
    the largest difference (K) at any die's junction, and the seconds each took."""
    load = hist.load
    steps = int(min(steps, load.size))
    t0 = time.perf_counter()
    direct = pt.model.simulate(np.asarray(load[:steps], dtype=float)[None, :], hist.dt_s)
    t_direct = time.perf_counter() - t0
    diff = np.abs(direct + pt.inlet_c - hist.tj_c[:, :steps])
    return {"check_steps": steps, "check_s": steps * hist.dt_s, "max_abs_diff_k": float(diff.max()),
            "direct_stepping_s": t_direct, "direct_swing_k": float(np.ptp(direct))}
