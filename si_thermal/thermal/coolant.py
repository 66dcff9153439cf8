"""Coolant energy balance along the channels, coupled to the conduction solve.

The coolant flows in +x through parallel channels spread evenly over the cooled rectangle. Each
strip of channels (one per row of mesh nodes in y, its width the node's tributary width) carries
the capacity rate ``C_s = m_dot c_p w_s / span``; its bulk temperature rises along the flow by the
heat it has picked up upstream (steady 1-D advection, no axial conduction in the fluid):

    T_c(x_k) = T_in + (sum_{j<k} Q_j + Q_k / 2) / C_s,      Q_j = int h (T - T_c) phi_j ds

with ``phi_j`` the P1 hat functions of the surface nodes (a partition of unity, so sum_j Q_j is the
exact discrete heat into the coolant). This is the discrete form of ``C_s dT_c/dx = q'(x)``
(e.g. Incropera & DeWitt, 6th ed., sec. 8.3, the mean-temperature energy balance), applied per
strip so channels over a die heat up more than channels at the edge of the field. The wall
temperature field, the temperature-dependent conductivity (lagged, :meth:`HeatProblem.picard_step`)
and the coolant profile are solved together by a fixed-point iteration, with the
matrix and its multigrid preconditioner built once, accelerated by Anderson mixing of the joint
(solid, coolant) temperatures (:mod:`.anderson`), until both change by less than ``tol_k`` per
iteration.
"""

from __future__ import annotations

from dataclasses import dataclass

import dolfinx_solver  # noqa: F401
import numpy as np
import ufl
from dolfinx import fem, la
from mpi4py import MPI

from si_thermal.errors import ConvergenceError
from si_thermal.thermal.anderson import Anderson
from si_thermal.thermal.heat import HeatProblem, HeatSolution


@dataclass(frozen=True)
class CoolantState:
    """The converged coolant: outlet profile per strip and the totals."""

    heat_w: float  # heat into the coolant (sum of Q_j)
    outlet_mixed_k: float  # mixed-mean outlet temperature
    outlet_max_k: float
    iterations: int
    change_k: float  # last change of the coolant temperatures


def _unique_global(comm, values: np.ndarray, tol: float = 1e-10) -> np.ndarray:
    """Sorted distinct coordinates over all ranks, values closer than ``tol`` (m) merged (rounding
    to fixed decimals would split two floats either side of a rounding tie)."""
    v = np.sort(np.concatenate(comm.allgather(np.unique(values))))
    if v.size == 0:
        return v
    return v[np.concatenate([[True], np.diff(v) > tol])]


def _index(grid: np.ndarray, values: np.ndarray, tol: float = 1e-10) -> np.ndarray:
    """Index of each value's entry in ``grid`` (from :func:`_unique_global`, same ``tol``)."""
    return np.clip(np.searchsorted(grid, values - tol), 0, grid.size - 1)


def _tributary(positions: np.ndarray, lo: float, hi: float) -> np.ndarray:
    mids = 0.5 * (positions[1:] + positions[:-1])
    edges = np.concatenate([[lo], mids, [hi]])
    return np.diff(edges)


def _zone_rise(q: np.ndarray, cap: np.ndarray, zone: np.ndarray, fz: np.ndarray, inlet_k: float) -> np.ndarray:
    """Coolant temperature at the surface nodes (strips x columns): the heat picked up upstream
    within each zone (each restarts from the inlet), over the zone's share of the capacity rate."""
    out = np.empty_like(q)
    for z in range(fz.size):
        cols = zone == z
        qz = q[:, cols]
        out[:, cols] = inlet_k + (np.cumsum(qz, axis=1) - 0.5 * qz) / (cap[:, None] * fz[z])
    return out


def _surface(problem: HeatProblem, tag: int, h: fem.Function, t_coolant: fem.Function):
    """The cooled surface's dofs, dof coordinates, distinct x over all ranks, each dof's x index
    and the form of the nodal heat into the coolant; computed once per problem and surface."""
    key = ("coolant_surface", tag, id(h), id(t_coolant))
    if key not in problem._post:
        V1 = t_coolant.function_space
        mesh = V1.mesh
        dofs = fem.locate_dofs_topological(V1, mesh.topology.dim - 1, problem.facet_tags.find(tag))
        coords = V1.tabulate_dof_coordinates()
        xs_all = _unique_global(problem.comm, coords[dofs, 0])
        ds = ufl.Measure("ds", domain=mesh, subdomain_data=problem.facet_tags)
        q_form = fem.form(h * (problem.u - t_coolant) * ufl.TestFunction(V1) * ds(tag))
        # the form holds h and t_coolant, so their ids in the key stay theirs
        problem._post[key] = (dofs, coords, xs_all, _index(xs_all, coords[:, 0]), q_form)
    return problem._post[key]


def solve_with_coolant(problem: HeatProblem, tag: int, h: fem.Function, t_coolant: fem.Function,
                       rect: tuple[float, float, float, float], capacity_rate_w_k: float, inlet_k: float,
                       *, tol_k: float = 1e-3, max_iter: int = 80, relax: float = 1.0,
                       cross_axis: int | None = 1, depth: int = 5, forcing: float = 0.1,
                       warm_start: bool = False, zone_starts_m=None,
                       zone_flow_fractions=None) -> tuple[HeatSolution, CoolantState]:
    """Solve conduction with the Robin condition ``h (T - T_c)`` on facet ``tag`` while the coolant
    temperature ``t_coolant`` (a P1 function, updated in place) follows the energy balance.

    The flow is along x over ``rect = (x0, x1, y0, y1)``; channels are grouped in strips along
    ``cross_axis`` (1 = y). ``cross_axis=None`` is a 2-D section (x, z) per metre of depth: one
    strip, ``capacity_rate_w_k`` then in W/K per metre of depth. ``depth``: Anderson memory (0:
    plain fixed point). ``warm_start``: start from the caller's temperature and coolant fields
    (e.g. the solution at another power, scaled) instead of a first linear solve. ``forcing``:
    each conduction solve reduces its residual by this factor only (inexact fixed point).
    ``zone_starts_m``, ``zone_flow_fractions``: parallel flow paths along x (issue 13), each zone
    fed from the inlet with its fraction of the capacity rate; the coolant restarts at each zone's start.
    """
    comm = problem.comm
    V1 = t_coolant.function_space
    n_owned = V1.dofmap.index_map.size_local
    dofs, coords, xs_all, ix, q_form = _surface(problem, tag, h, t_coolant)
    starts = np.array([rect[0]] if zone_starts_m is None else sorted(zone_starts_m), dtype=float)
    fz = np.array([1.0] if zone_flow_fractions is None else zone_flow_fractions, dtype=float)
    if fz.size != starts.size or np.any(fz <= 0):
        raise ValueError("one positive flow fraction per zone")
    zone = np.clip(np.searchsorted(starts, xs_all + 1e-12, side="right") - 1, 0, starts.size - 1)
    if cross_axis is None:
        ys_all = np.zeros(1)
        iy = np.zeros(coords.shape[0], dtype=np.int64)
        cap = np.array([capacity_rate_w_k])
    else:
        ys_all = _unique_global(comm, coords[dofs, cross_axis])
        iy = _index(ys_all, coords[:, cross_axis])
        width = _tributary(ys_all, rect[2], rect[3])
        cap = capacity_rate_w_k * width / (rect[3] - rect[2])
    owned = dofs[dofs < n_owned]
    flat = iy[owned] * xs_all.size + ix[owned]
    n_t = problem.V.dofmap.index_map.size_local * problem.V.dofmap.index_map_bs
    root = comm.rank == 0

    def set_coolant(nodes: np.ndarray) -> None:
        t_coolant.x.array[:] = nodes[iy, ix]

    change = change_t = np.inf
    if warm_start:  # the caller has set the temperature and the coolant profile
        local = np.zeros(ys_all.size * xs_all.size)
        local[flat] = t_coolant.x.array[owned]
        tc_nodes = np.empty_like(local)
        comm.Allreduce(local, tc_nodes, op=MPI.MAX)  # buffer form: elementwise over the ranks
        tc_nodes = tc_nodes.reshape(ys_all.size, xs_all.size)
        problem.refreeze()  # k(T) linearised about the caller's field (the matrix is new anyway)
    else:
        # first guess: the coolant rising linearly along x as if the heat entered uniformly
        frac = (xs_all - rect[0]) / (rect[1] - rect[0])
        tc_nodes = inlet_k + np.outer(np.ones(ys_all.size), frac) * problem.power_in_w() / cap.sum()
        set_coolant(tc_nodes)
        problem.u.x.array[:] = inlet_k
    mixer = Anderson(comm, depth)
    for it in range(1, max_iter + 1):
        q_vec = fem.assemble_vector(q_form)
        q_vec.scatter_reverse(la.InsertMode.add)
        local = np.bincount(flat, weights=q_vec.array[owned], minlength=ys_all.size * xs_all.size)
        q = comm.allreduce(local, op=MPI.SUM).reshape(ys_all.size, xs_all.size)
        target = _zone_rise(q, cap, zone, fz, inlet_k)
        new = tc_nodes + relax * (target - tc_nodes)
        change = float(np.max(np.abs(new - tc_nodes)))
        if change < tol_k and change_t < tol_k:
            tc_nodes = new
            set_coolant(tc_nodes)
            break
        x_old = np.concatenate([problem.u.x.array[:n_t], tc_nodes.ravel() if root else []])
        tc_nodes = new
        set_coolant(tc_nodes)
        # one fixed-point step of the conduction problem (k(T) lagged) with the new coolant profile,
        # inexact while far from the fixed point: the Krylov tolerance follows the outer change
        change_t = problem.picard_step(ksp_rtol=1e-10, reduction=forcing)
        x_new = np.concatenate([problem.u.x.array[:n_t], tc_nodes.ravel() if root else []])
        mixed = mixer.step(x_old, x_new)
        problem.u.x.array[:n_t] = mixed[:n_t]
        problem.u.x.scatter_forward()
        tc_nodes = comm.bcast(mixed[n_t:].reshape(tc_nodes.shape) if root else None, root=0)
        set_coolant(tc_nodes)
    else:
        raise ConvergenceError(
            f"coolant coupling did not converge in {max_iter} iterations (last change "
            f"{max(change, change_t):.3g} K)")
    sol = problem.solution(it)
    outlet = np.concatenate([inlet_k + q[:, zone == z].sum(axis=1) / (cap * fz[z]) for z in range(fz.size)])
    cap = np.concatenate([cap * fz[z] for z in range(fz.size)])
    heat = float(q.sum())
    mixed = float(np.sum(cap * outlet) / np.sum(cap))
    return sol, CoolantState(heat, mixed, float(outlet.max()), it, change)
