"""The package's conduction problem written the plain DOLFINx way: the reference for bench_thermal.

Same mesh (:func:`si_thermal.thermal.geometry.mesh_stack`), same piecewise conductivity (at the
reference temperature), the same heat sources and the same Robin condition ``h(x) (T - T_in)`` on
the coolant face, solved once with ``dolfinx.fem.petsc.LinearProblem`` (CG + PETSc GAMG, default
GAMG options) to the same Krylov tolerance. It leaves out what the project adds on top: the
temperature-dependent conductivity and the coolant's energy balance. ``project solve time / raw
solve time`` at the same DOFs is the per-DOF overhead of the project's solve.
"""

from __future__ import annotations

import time

import dolfinx_solver  # noqa: F401
import numpy as np
import ufl
from dolfinx import fem
from dolfinx.fem.petsc import LinearProblem
from mpi4py import MPI


def raw_solve(model, *, rtol: float = 1e-8) -> dict:
    """Solve the linear problem of a :class:`si_thermal.thermal.package.PackageModel` (after one
    ``model.solve``, which sets ``h`` and the sources) the plain way; returns timings and Tmax."""
    comm = model.comm
    tm = model.tm
    msh = tm.mesh
    comm.barrier()
    t0 = time.perf_counter()
    Q = fem.functionspace(msh, ("DG", 0))
    k = fem.Function(Q)
    k.x.array[:] = model.problem.k[2].x.array  # through-plane k of each cell (isotropic regions)
    kx = fem.Function(Q)
    kx.x.array[:] = model.problem.k[0].x.array
    K = ufl.as_matrix([[kx, 0, 0], [0, kx, 0], [0, 0, k]])
    q = model.problem.q
    V = fem.functionspace(msh, ("Lagrange", 1))
    u, v = ufl.TrialFunction(V), ufl.TestFunction(V)
    h = model.h
    t_in = fem.Constant(msh, float(model.tc.x.array.min()))
    dx = ufl.Measure("dx", domain=msh, metadata={"quadrature_degree": 3})
    ds = ufl.Measure("ds", domain=msh, subdomain_data=tm.facet_tags)
    cool = tm.boundaries["coolant"]
    a = ufl.inner(K * ufl.grad(u), ufl.grad(v)) * dx + h * u * v * ds(cool)
    L = q * v * dx + h * t_in * v * ds(cool)
    problem = LinearProblem(a, L, petsc_options_prefix="raw_", petsc_options={
        "ksp_type": "cg", "pc_type": "gamg", "ksp_rtol": rtol, "ksp_atol": 1e-14})
    comm.barrier()
    t_setup = time.perf_counter() - t0
    t1 = time.perf_counter()
    uh = problem.solve()
    comm.barrier()
    t_solve = time.perf_counter() - t1
    its = problem.solver.getIterationNumber()
    n = V.dofmap.index_map.size_local
    tmax = comm.allreduce(float(np.max(uh.x.array[:n])) if n else -np.inf, op=MPI.MAX)
    return {"raw_forms_s": t_setup, "raw_solve_s": t_solve, "raw_total_s": t_setup + t_solve,
            "raw_krylov_its": its, "raw_tmax_c": tmax - 273.15,
            "raw_dofs": V.dofmap.index_map.size_global}
