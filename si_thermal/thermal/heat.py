"""General steady heat conduction on a tagged dolfinx mesh.

Solves  -div(k(T) grad T) = q  in the body, with piecewise (per cell tag) isotropic or
orthotropic conductivity ``k``, optionally temperature-dependent, and the boundary conditions

- Dirichlet   T = T_D                               (fixed temperature),
- Neumann     -k grad T . n = -q_s                  (``flux_w_per_m2`` is heat INTO the body),
- Robin       -k grad T . n = h (T - T_inf)         (convection to an ambient or a coolant).

Weak form (Galerkin, Lagrange P1/P2; e.g. Larson & Bengzon, *The Finite Element Method*, ch. 3):
``sum_r int_r (K(T) grad T).grad v dx + sum_R int_R h T v ds = sum_r int_r q v dx
+ sum_N int_N q_s v ds + sum_R int_R h T_inf v ds``.

Temperature-dependent conductivity follows ``k(T) = k_ref (1 + beta (T - T_ref))`` (a linear fit
of e.g. Glassbrenner & Slack 1964 for silicon about 300 K) and is solved by Newton's method
(PETSc SNES with a backtracking line search) from the solution with ``k(T_ref)``, or by a Picard
(defect-correction) iteration with the operator frozen at the first solution's k(T), which needs
one matrix and one multigrid set-up (used by the coolant coupling); a solve that does not
converge raises :class:`si_thermal.errors.ConvergenceError`.

Linear systems: conjugate gradients with smoothed-aggregation algebraic multigrid (PETSc GAMG)
by default (GMRES for the non-symmetric Newton Jacobian); if the iterative solve fails the same
system is solved directly with MUMPS. Everything is MPI-parallel: the communicator is the mesh's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dolfinx_solver  # noqa: F401  (orders MPI ahead of the dolfinx bindings)
import numpy as np
import ufl
from dolfinx import fem, io, la
from dolfinx.fem import petsc as fem_petsc
from mpi4py import MPI
from petsc4py import PETSc

from si_thermal.atomic import atomic_xdmf
from si_thermal.errors import ConvergenceError, InputError

# A spatially varying value: a float, a function of points x (shape (3, n)) returning (n,) values,
# or a dolfinx Function the caller may update in place between solves.
Field = float | Callable[[np.ndarray], np.ndarray] | fem.Function

#: Up to this many unknowns the frozen-operator solves use a sparse Cholesky factorization (MUMPS) as
#: CG's preconditioner, kept while the operator changes (h, k(T)) like the multigrid hierarchy
#: above it. Measured on the package problem (``benchmarks/bench_solver_choice.py``, CPU seconds of a
#: four-power Tj curve, direct / multigrid): 4.4k DOFs 0.24 / 0.32, 11k 0.59 / 0.76, 19k 1.09 / 1.28,
#: 53k 4.5 / 4.5; above that the factorization falls behind (nested dissection on a 3-D grid costs
#: about N^2 operations, George 1973; multigrid about N).
DIRECT_MAX_DOFS = 20_000


@dataclass(frozen=True)
class Region:
    """A cell tag with its conductivity (W/(m K)): isotropic, or orthotropic diagonal (kx, ky, kz).

    ``k(T) = k * (1 + dk_dt_per_k * (T - t_ref_k))``; ``source_w_per_m3`` is a uniform heat source.
    """

    tag: int
    k_w_per_mk: float | tuple[float, float, float]
    dk_dt_per_k: float = 0.0
    t_ref_k: float = 293.15
    source_w_per_m3: float = 0.0
    name: str = ""


@dataclass(frozen=True)
class Dirichlet:
    """Fixed temperature (K) on a facet tag."""

    tag: int
    temperature_k: float


@dataclass(frozen=True)
class Neumann:
    """Uniform heat flux (W/m^2) INTO the body through a facet tag."""

    tag: int
    flux_w_per_m2: float


@dataclass(frozen=True)
class Robin:
    """Convection ``q_out = h (T - T_inf)`` on a facet tag; ``h`` and ``T_inf`` may vary in space."""

    tag: int
    h_w_per_m2k: Field
    t_ambient_k: Field


@dataclass(frozen=True)
class SurfaceSource:
    """A surface power map (W/m^2, INTO the body) on a facet tag: hot spots as a function of x."""

    tag: int
    flux_w_per_m2: Field


@dataclass(frozen=True)
class VolumeSource:
    """A volumetric power map (W/m^3) on a cell tag, added to the region's uniform source."""

    tag: int
    power_w_per_m3: Field


BoundaryCondition = Dirichlet | Neumann | Robin


@dataclass(frozen=True)
class HeatSolution:
    """A converged temperature field (kelvin) and what is needed to post-process it."""

    temperature: fem.Function
    iterations: int
    converged: bool
    linear_solver: str
    cell_tags: Any = field(repr=False)
    facet_tags: Any = field(repr=False)
    _problem: HeatProblem = field(repr=False)

    @property
    def comm(self) -> MPI.Comm:
        return self.temperature.function_space.mesh.comm

    def max_k(self, tag: int | None = None) -> float:
        """Largest nodal temperature (K) over the cells of ``tag`` (all cells if None)."""
        return _reduce_over_cells(self, tag, np.max, MPI.MAX)

    def min_k(self, tag: int | None = None) -> float:
        """Smallest nodal temperature (K) over the cells of ``tag`` (all cells if None)."""
        return _reduce_over_cells(self, tag, np.min, MPI.MIN)

    def mean_k(self, tag: int) -> float:
        """Volume-averaged temperature (K) over the cells of ``tag``."""
        return self._problem.integral(self.temperature, tag) / self._problem.volume(tag)

    def heat_out_w(self, tag: int) -> float:
        """Heat flow (W) LEAVING the body through facet tag ``tag``.

        Robin and Neumann facets: from their boundary condition (exact for the discrete solution);
        other facets: the normal flux ``-(K grad T).n`` integrated over the facets.
        """
        return self._problem.heat_out_w(self.temperature, tag)

    def source_w(self) -> float:
        """Total heat (W) put into the body by sources and Neumann fluxes."""
        return self._problem.power_in_w()

    def write_xdmf(self, path: str | Path, name: str = "temperature") -> Path:
        """Write mesh, tags and temperature (P1, kelvin) to ``path`` (.xdmf + .h5), atomically."""
        return write_xdmf(path, self.temperature, self.cell_tags, self.facet_tags, name=name)


def _reduce_over_cells(sol: HeatSolution, tag, local_op, mpi_op) -> float:
    u = sol.temperature
    V = u.function_space
    tdim = V.mesh.topology.dim
    n_local = V.mesh.topology.index_map(tdim).size_local
    dofs = sol._problem.tag_dofs(tag) if V is sol._problem.V else _cell_dofs(V, sol.cell_tags, tag, n_local)
    if dofs.size:
        local = float(local_op(u.x.array[dofs]))
    else:
        local = -np.inf if mpi_op == MPI.MAX else np.inf
    value = sol.comm.allreduce(local, op=mpi_op)
    if not np.isfinite(value):
        raise InputError(None, f"cell tag {tag}", "no cells carry this tag")
    return value


def _cell_dofs(V, cell_tags, tag, n_local: int) -> np.ndarray:
    """The dofs of the owned cells of ``tag`` (every owned cell if None)."""
    cells = np.arange(n_local, dtype=np.int32) if tag is None else cell_tags.find(tag)
    cells = cells[cells < n_local]
    return np.unique(V.dofmap.list[cells].ravel()) if cells.size else np.zeros(0, dtype=np.int32)


def _assemble_scalar(form, comm) -> float:
    return comm.allreduce(fem.assemble_scalar(fem.form(form)), op=MPI.SUM)


class HeatProblem:
    """The discrete heat problem, built once; :meth:`solve` may be called again after the caller
    updated a :class:`dolfinx.fem.Function` given as a Robin ambient temperature or coefficient
    (the coolant coupling of :mod:`si_thermal.thermal.coolant` does so)."""

    def __init__(self, mesh, cell_tags, facet_tags, regions: Sequence[Region],
                 bcs: Sequence[BoundaryCondition], *, degree: int = 1,
                 surface_sources: Sequence[SurfaceSource] = (),
                 volume_sources: Sequence[VolumeSource] = (),
                 petsc_options: dict | None = None, rtol: float = 1e-8, max_iter: int = 30,
                 source_file: str | Path | None = None, space: fem.FunctionSpace | None = None):
        """``space``: the Lagrange space of ``degree`` on ``mesh`` to solve in, when the caller
        already has one (its Robin fields live there); built here otherwise."""
        self.mesh = mesh
        self.comm = mesh.comm
        self.cell_tags = cell_tags
        self.facet_tags = facet_tags
        self.regions = tuple(regions)
        self.bcs = tuple(bcs)
        self.rtol = rtol
        self.max_iter = max_iter
        self.user_options = dict(petsc_options or {})
        self._file = source_file
        self._check_regions()
        tdim = mesh.topology.dim
        mesh.topology.create_connectivity(tdim - 1, tdim)
        self.V = space if space is not None else fem.functionspace(mesh, ("Lagrange", degree))
        self.V1 = self.V if degree == 1 else fem.functionspace(mesh, ("Lagrange", 1))
        self._post: dict = {}  # per-tag dofs, integration weights and compiled post-processing forms
        self.dx = ufl.Measure("dx", domain=mesh, subdomain_data=cell_tags)
        # conduction terms: degree 3p integrates (p-1) + (p-1) + p exactly on simplices with a
        # linear k(T); the default estimate for hexahedra with coefficients is far higher
        self.dx_k = ufl.Measure("dx", domain=mesh, subdomain_data=cell_tags,
                                metadata={"quadrature_degree": 3 * degree})
        self.ds = ufl.Measure("ds", domain=mesh, subdomain_data=facet_tags)
        self.u = fem.Function(self.V, name="temperature")
        self.nonlinear = any(r.dk_dt_per_k != 0.0 for r in self.regions)
        self._build_coefficients()
        self._build_forms(surface_sources, volume_sources)
        self._ksp = None
        self._A = None
        self._P = None
        self._keep_pc = False
        self._nl = None
        self._a_form = None
        self._A_empty = None  # the operator's matrix created by prepare(), not yet assembled
        opts = self._ksp_options(True)
        self.linear_solver = f"{opts['ksp_type']}+{opts.get('pc_factor_mat_solver_type', opts['pc_type'])}"
        self.krylov_iterations = 0  # all Krylov iterations of this problem so far

    def reset_matrix(self, keep_preconditioner: bool = False) -> None:
        """Forget the assembled matrix: call after changing a Robin coefficient ``h`` in place.
        ``keep_preconditioner``: precondition the re-assembled matrix with the multigrid hierarchy
        already built (no new set-up; fine while the operator changes moderately)."""
        self._A = None
        self._keep_pc = keep_preconditioner and self._ksp is not None

    # -- input checks --------------------------------------------------------------------------
    def _check_regions(self) -> None:
        tags = [r.tag for r in self.regions]
        dup = sorted({t for t in tags if tags.count(t) > 1})
        if dup:
            raise InputError(self._file, f"region tag {dup[0]}", "overlapping regions: tag given twice")
        for r in self.regions:
            ks = np.atleast_1d(np.asarray(r.k_w_per_mk, dtype=float))
            if ks.size not in (1, 3) or not np.all(np.isfinite(ks)) or np.any(ks <= 0):
                raise InputError(self._file, r.name or f"region {r.tag}",
                                 f"thermal conductivity must be positive, got {r.k_w_per_mk}")
        tdim = self.mesh.topology.dim
        n_local = self.mesh.topology.index_map(tdim).size_local
        covered = np.zeros(n_local, dtype=np.int32)
        values = self.cell_tags.values
        idx = self.cell_tags.indices
        own = idx < n_local
        np.add.at(covered, idx[own], 1)
        overlap = self.comm.allreduce(int(np.sum(covered > 1)), op=MPI.SUM)
        if overlap:
            raise InputError(self._file, "cell tags", f"overlapping regions: {overlap} cells carry two tags")
        region_tags = set(tags)
        in_region = np.isin(values[own], list(region_tags))
        hit = np.zeros(n_local, dtype=bool)
        hit[idx[own][in_region]] = True
        missing = self.comm.allreduce(int(np.sum(~hit)), op=MPI.SUM)
        if missing:
            present = _all_tags(self.comm, values[own])
            lacking = sorted(present - region_tags)
            what = f"cell tag {lacking[0]} has no region" if lacking else "cells without any tag"
            raise InputError(self._file, "regions", f"missing region: {missing} cells not covered ({what})")
        present = _all_tags(self.comm, values[own])
        unknown = sorted(region_tags - present)
        if unknown:
            raise InputError(self._file, f"region tag {unknown[0]}", "no cells of the mesh carry this tag")

    # -- coefficients ----------------------------------------------------------------------------
    def _build_coefficients(self) -> None:
        Q = fem.functionspace(self.mesh, ("DG", 0))
        gdim = self.mesh.geometry.dim
        self.k = [fem.Function(Q, name=f"k{i}") for i in range(gdim)]
        self.beta = fem.Function(Q, name="dk_dt")
        self.tref = fem.Function(Q, name="t_ref")
        self.q = fem.Function(Q, name="q")
        self.kscale = fem.Function(Q, name="k_frozen_factor")  # k(T)/k of the frozen operator
        self.kscale.x.array[:] = 1.0
        for r in self.regions:
            cells = self.cell_tags.find(r.tag)
            ks = np.broadcast_to(np.atleast_1d(np.asarray(r.k_w_per_mk, dtype=float)), (3,))
            for i in range(gdim):
                self.k[i].x.array[cells] = ks[i]
            self.beta.x.array[cells] = r.dk_dt_per_k
            self.tref.x.array[cells] = r.t_ref_k
            self.q.x.array[cells] = r.source_w_per_m3
        for f in (*self.k, self.beta, self.tref, self.q):
            f.x.scatter_forward()
        self.K = ufl.as_matrix([[self.k[i] if i == j else 0 for j in range(gdim)] for i in range(gdim)])

    def _field(self, value: Field, name: str):
        if isinstance(value, fem.Function):
            return value
        if callable(value):
            f = fem.Function(self.V1, name=name)
            f.interpolate(lambda x: np.asarray(value(x), dtype=float) * np.ones(x.shape[1]))
            return f
        return fem.Constant(self.mesh, PETSc.ScalarType(float(value)))

    def _build_forms(self, surface_sources, volume_sources) -> None:
        u, v = self.u, ufl.TestFunction(self.V)
        self._v = v
        T = ufl.TrialFunction(self.V)
        factor = 1 + self.beta * (u - self.tref)
        self._robin: dict[int, tuple[Any, Any]] = {}
        self._neumann: dict[int, Any] = {}
        facet_values = _all_tags(self.comm, self.facet_tags.values)
        self._values: list[tuple[BoundaryCondition, Any]] = []  # (bc, the Constant carrying its value)
        dirichlet = []
        fdim = self.mesh.topology.dim - 1
        for bc in self.bcs:
            if bc.tag not in facet_values:
                raise InputError(self._file, f"boundary tag {bc.tag}", "no facets of the mesh carry this tag")
            if isinstance(bc, Dirichlet):
                dofs = fem.locate_dofs_topological(self.V, fdim, self.facet_tags.find(bc.tag))
                value = fem.Constant(self.mesh, PETSc.ScalarType(bc.temperature_k))  # updatable in place
                self._values.append((bc, value))
                dirichlet.append(fem.dirichletbc(value, dofs, self.V))
            elif isinstance(bc, Neumann):
                self._neumann[bc.tag] = fem.Constant(self.mesh, PETSc.ScalarType(bc.flux_w_per_m2))
                self._values.append((bc, self._neumann[bc.tag]))
            elif isinstance(bc, Robin):
                h = self._field(bc.h_w_per_m2k, f"h{bc.tag}")
                ta = self._field(bc.t_ambient_k, f"t_inf{bc.tag}")
                self._values.append((bc, ta))
                self._robin[bc.tag] = (h, ta)
        for s in surface_sources:
            if s.tag not in facet_values:
                raise InputError(self._file, f"surface source tag {s.tag}", "no facets carry this tag")
            f = self._field(s.flux_w_per_m2, f"qs{s.tag}")
            self._neumann[s.tag] = self._neumann[s.tag] + f if s.tag in self._neumann else f
        self._volume = [(s.tag, self._field(s.power_w_per_m3, f"qv{s.tag}")) for s in volume_sources]
        self.dirichlet = dirichlet

        # source side (power in) and its linear form
        # the uniform sources live in the regions that declare one (the caller may rescale
        # ``self.q`` there between solves); integrating only there keeps assembly cheap
        heated = tuple(r.tag for r in self.regions if r.source_w_per_m3 != 0.0)
        src = self.q * v * self.dx(heated) if heated else fem.Constant(self.mesh, 0.0) * v * self.dx
        for tag, qv in self._volume:
            src += qv * v * self.dx(tag)
        for tag, qs in self._neumann.items():
            src += qs * v * self.ds(tag)
        robin_lhs_u = 0
        robin_lhs_T = 0
        robin_rhs = 0
        for tag, (h, ta) in self._robin.items():
            robin_lhs_u += h * u * v * self.ds(tag)
            robin_lhs_T += h * T * v * self.ds(tag)
            robin_rhs += h * ta * v * self.ds(tag)
        self._src = src
        # linear problem (k at T_ref), also the Newton initial guess
        self.a_lin = ufl.inner(self.kscale * self.K * ufl.grad(T), ufl.grad(v)) * self.dx_k + robin_lhs_T
        self.L_lin = src + robin_rhs if self._robin else src
        # nonlinear residual
        self.F = (ufl.inner(factor * self.K * ufl.grad(u), ufl.grad(v)) * self.dx_k
                  + robin_lhs_u - self.L_lin)

    # -- solving -----------------------------------------------------------------------------------
    @property
    def direct(self) -> bool:
        """Whether the frozen-operator solves are preconditioned by a sparse factorization (MUMPS)
        rather than multigrid: below :data:`DIRECT_MAX_DOFS` unknowns, where it costs less."""
        return self.V.dofmap.index_map.size_global * self.V.dofmap.index_map_bs <= DIRECT_MAX_DOFS

    def _ksp_options(self, symmetric: bool) -> dict:
        opts = {
            "ksp_type": "cg" if symmetric else "gmres",
            "pc_type": "gamg",
            "ksp_rtol": min(1e-10, self.rtol * 1e-2),
            "ksp_atol": 1e-14,
            "ksp_max_it": 2000,
            "ksp_norm_type": "unpreconditioned",  # tolerances on the true residual (W)
            "mg_levels_ksp_type": "chebyshev",
            "mg_levels_pc_type": "jacobi",
        }
        if symmetric and self.direct:  # CG on the current operator, the first one's factorization kept
            opts = {k: v for k, v in opts.items() if not k.startswith("mg_")}
            opts.update({"pc_type": "cholesky", "pc_factor_mat_solver_type": "mumps"})
        opts.update(self.user_options)
        return opts

    def linear_solve(self, picard: bool = False, ksp_rtol: float | None = None,
                     reduction: float | None = None) -> int:
        """Solve with the operator frozen at k(T_ref) (matrix and preconditioner built once).

        ``picard``: the right-hand side carries the conductivity change of the current iterate,
        ``-int beta (u - T_ref) K grad u . grad v``, so repeated calls are a fixed-point
        (defect-correction) iteration for k(T) that needs no re-assembly of the matrix.
        ``ksp_rtol`` overrides the Krylov tolerance (inexact early steps of an outer iteration).
        ``reduction``: stop once the residual has fallen by this factor from its value at the
        initial guess (the forcing term of an inexact outer iteration; Eisenstat & Walker, SIAM J.
        Sci. Comput. 17 (1996) 16), or at ``ksp_rtol`` relative to the right-hand side, whichever
        comes first. Returns the number of Krylov iterations.
        """
        self.prepare(matrix=False)
        a = self._a_form
        if self._A is None:
            if self._keep_pc and self._P is not None:
                # same sparsity: assemble into a copy of the preconditioner's matrix
                self._A = self._P.duplicate()
                self._A.zeroEntries()
                fem_petsc.assemble_matrix(self._A, a, bcs=self.dirichlet)
            elif self._A_empty is not None:  # the pattern made at set-up (:meth:`prepare`)
                self._A, self._A_empty = self._A_empty, None
                fem_petsc.assemble_matrix(self._A, a, bcs=self.dirichlet)
            else:
                self._A = fem_petsc.assemble_matrix(a, bcs=self.dirichlet)
            self._A.assemble()
            if self._keep_pc and self._ksp is not None:
                # re-linearised operator, same multigrid hierarchy (built for the previous matrix)
                self._ksp.setOperators(self._A, self._P)
            else:
                self._b = fem_petsc.create_vector(self.V)
                self._P = self._A
                self._ksp = self._make_ksp(self._ksp_options(True), "heat_lin_")
            self._keep_pc = False
        return self._solve_frozen(picard, ksp_rtol, reduction)

    def prepare(self, matrix: bool = True) -> None:
        """Compile the frozen-operator solve's forms and (``matrix``) create its sparse matrix, the
        pattern only, ahead of the first solve: model set-up, as DOLFINx's ``LinearProblem`` does
        in its constructor (``benchmarks/raw_poisson.py`` times its solve the same way)."""
        if self._a_form is None:
            self._a_form = fem.form(self.a_lin)
            self._L_form = fem.form(self.L_lin)
            v = self._v
            hot = tuple(r.tag for r in self.regions if r.dk_dt_per_k != 0.0)  # only where k varies
            change = 1 + self.beta * (self.u - self.tref) - self.kscale
            correction = ufl.inner(change * self.K * ufl.grad(self.u), ufl.grad(v)) * self.dx_k(hot)
            self._Lp_form = fem.form(self.L_lin - correction) if self.nonlinear else self._L_form
        if matrix and self._A is None and self._ksp is None and self._A_empty is None:
            self._A_empty = fem_petsc.create_matrix(self._a_form)

    def _solve_frozen(self, picard: bool, ksp_rtol: float | None, reduction: float | None) -> int:
        a = self._a_form
        b = self._b
        with b.localForm() as loc:
            loc.set(0.0)
        fem_petsc.assemble_vector(b, self._Lp_form if picard else self._L_form)
        if self.dirichlet:  # lifting packs the operator coefficients over the whole mesh (40 ms at 1 M DOFs)
            fem_petsc.apply_lifting(b, [a], bcs=[self.dirichlet])
        b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        if self.dirichlet:
            fem_petsc.set_bc(b, self.dirichlet)
        x = self.u.x.petsc_vec
        rtol = ksp_rtol if ksp_rtol is not None else self._ksp_options(True)["ksp_rtol"]
        atol = self._ksp_options(True)["ksp_atol"]
        if reduction is not None:
            r = b.duplicate()
            self._A.mult(x, r)
            r.aypx(-1.0, b)  # r = b - A x
            atol = max(atol, reduction * r.norm())
            r.destroy()
        self._ksp.setTolerances(rtol=rtol, atol=atol)
        self._ksp.setInitialGuessNonzero(True)
        self._ksp.solve(b, x)
        self.krylov_iterations += self._ksp.getIterationNumber()
        if self._ksp.getConvergedReason() <= 0:
            # a direct solve of this system only: kept as the problem's solver, the LU (a "preonly"
            # KSP) would refuse the next call's nonzero initial guess and, after refreeze, apply the
            # old operator's factors to the new one
            self.linear_solver = "mumps (cg+gamg failed)"
            lu = self._make_ksp({"ksp_type": "preonly", "pc_type": "lu", "pc_factor_mat_solver_type": "mumps"},
                                "heat_lu_")
            lu.solve(b, x)
            reason = lu.getConvergedReason()
            lu.destroy()
            if reason <= 0:
                raise ConvergenceError(f"heat solver: linear solve failed (PETSc reason {reason})")
        self.u.x.scatter_forward()
        return self._ksp.getIterationNumber()

    def refreeze(self) -> None:
        """Re-linearise the frozen operator of :meth:`linear_solve` about the current temperature
        (``k`` of each cell at its temperature); the next solve re-assembles the matrix. The
        fixed-point contraction then drops from ``|beta (T - T_ref)|`` to ``|beta dT|``, with
        ``dT`` the change of temperature since this call."""
        if not self.nonlinear:
            return
        if "kscale" not in self._post:
            Q = self.kscale.function_space
            self._post["kscale"] = fem.Expression(1 + self.beta * (self.u - self.tref), Q.element.interpolation_points)
        self.kscale.interpolate(self._post["kscale"])
        self.kscale.x.scatter_forward()
        self._A = None
        self._keep_pc = self._ksp is not None

    def picard_step(self, ksp_rtol: float | None = None, reduction: float | None = None) -> float:
        """One fixed-point step (see :meth:`linear_solve`); returns the largest change of T (K).

        Converges when ``|beta (T - T_ref)| < 1`` everywhere (contraction factor about that value;
        much smaller after :meth:`refreeze`).
        """
        old = self.u.x.array.copy()
        self.linear_solve(picard=True, ksp_rtol=ksp_rtol, reduction=reduction)
        n = self.V.dofmap.index_map.size_local
        local = float(np.max(np.abs(self.u.x.array[:n] - old[:n]))) if n else 0.0
        return self.comm.allreduce(local, op=MPI.MAX)

    def solution(self, iterations: int) -> HeatSolution:
        """The current iterate as a :class:`HeatSolution` (for callers that iterate themselves)."""
        if not np.all(np.isfinite(self.u.x.array)):
            raise ConvergenceError("heat solver: the temperature is not finite (check the inputs)")
        # a copy: later solves of this problem (other powers) do not overwrite this result
        return HeatSolution(self.u.copy(), iterations, True, self.linear_solver, self.cell_tags,
                            self.facet_tags, self)

    def _make_ksp(self, options: dict, prefix: str):
        ksp = PETSc.KSP().create(self.comm)
        ksp.setOperators(self._A)
        ksp.setOptionsPrefix(prefix)
        db = PETSc.Options()
        for key, val in options.items():
            db[prefix + key] = val
        ksp.setFromOptions()
        ksp.setUp()  # the multigrid levels read their (mg_levels_) options here
        for key in options:
            del db[prefix + key]
        return ksp

    def _newton_solve(self) -> int:
        opts = {
            "snes_type": "newtonls",
            "snes_linesearch_type": "bt",
            "snes_rtol": self.rtol,
            "snes_atol": 1e-10,
            "snes_stol": 0.0,
            "snes_max_it": self.max_iter,
            **self._ksp_options(False),
        }
        if self._nl is None:
            self._nl = fem_petsc.NonlinearProblem(self.F, self.u, bcs=self.dirichlet,
                                                  petsc_options_prefix=f"heat_nl_{uuid.uuid4().hex[:8]}_",
                                                  petsc_options=opts)
        problem = self._nl
        problem.solve()
        snes = problem.solver
        reason = snes.getConvergedReason()
        its = snes.getIterationNumber()
        if reason <= 0:
            # one retry with a direct linear solver before giving up
            opts = {k: v for k, v in opts.items() if k.startswith("snes_")}
            opts.update({"ksp_type": "preonly", "pc_type": "lu", "pc_factor_mat_solver_type": "mumps"})
            problem = fem_petsc.NonlinearProblem(self.F, self.u, bcs=self.dirichlet,
                                                 petsc_options_prefix=f"heat_nl_{uuid.uuid4().hex[:8]}_",
                                                 petsc_options=opts)
            problem.solve()
            snes = problem.solver
            reason = snes.getConvergedReason()
            its += snes.getIterationNumber()
            self.linear_solver = "mumps (newton)"
            if reason <= 0:
                raise ConvergenceError(
                    f"heat solver: Newton iteration did not converge in {self.max_iter} iterations "
                    f"(residual {snes.getFunctionNorm():.3g} W, PETSc reason {reason})")
        else:
            self.linear_solver = "gmres+gamg (newton)"
        self.u.x.scatter_forward()
        return its

    def solve(self, *, warm_start: bool = False, method: str = "newton") -> HeatSolution:
        """Solve. ``method``: "newton" (SNES, quadratic) or "picard" (frozen operator, linear rate)
        for k(T); ``warm_start`` starts from the previous solution."""
        iterations = 1
        if not (warm_start and self.nonlinear):
            self.linear_solve()
        if self.nonlinear and method == "newton":
            iterations = self._newton_solve()
        elif self.nonlinear:
            self.refreeze()
            iterations, change = 0, np.inf
            while change > self.rtol * self.comm.allreduce(float(np.max(np.abs(self.u.x.array))), op=MPI.MAX):
                iterations += 1
                if iterations > self.max_iter:
                    raise ConvergenceError(
                        f"heat solver: Picard iteration did not converge in {self.max_iter} iterations "
                        f"(last change {change:.3g} K)")
                change = self.picard_step()
            self.linear_solver = "cg+gamg (picard)"
        return self.solution(iterations)

    # -- post-processing ---------------------------------------------------------------------------
    # Forms are compiled once per problem and evaluated on a scratch copy of the field asked about;
    # integrals over a tag are dot products with the tag's weights int phi_i dx (exact for any
    # field of the space), so a post-processed solve builds no forms.
    def tag_dofs(self, tag: int | None) -> np.ndarray:
        """The dofs of the owned cells of ``tag`` (every owned cell if None), cached."""
        key = ("dofs", tag)
        if key not in self._post:
            n_local = self.mesh.topology.index_map(self.mesh.topology.dim).size_local
            self._post[key] = _cell_dofs(self.V, self.cell_tags, tag, n_local)
        return self._post[key]

    def _weights(self, tag: int) -> tuple[np.ndarray, float]:
        key = ("weights", tag)
        if key not in self._post:
            w = fem.assemble_vector(fem.form(self._v * self.dx(tag)))
            w.scatter_reverse(la.InsertMode.add)
            n = self.V.dofmap.index_map.size_local
            owned = w.array[:n].copy()
            self._post[key] = (owned, self.comm.allreduce(float(owned.sum()), op=MPI.SUM))
        return self._post[key]

    def volume(self, tag: int) -> float:
        """Volume (m^3) of the cells of ``tag``."""
        return self._weights(tag)[1]

    def integral(self, u: fem.Function, tag: int) -> float:
        """``int_tag u dx`` of a field ``u`` (of this problem's space: a dot product with weights)."""
        if u.function_space is not self.V:
            return _assemble_scalar(u * self.dx(tag), self.comm)
        w, _ = self._weights(tag)
        return self.comm.allreduce(float(w @ u.x.array[:w.size]), op=MPI.SUM)

    def _scratch_form(self, key, build: Callable[[fem.Function], Any]) -> tuple[fem.Function, Any]:
        if "scratch" not in self._post:
            self._post["scratch"] = fem.Function(self.V, name="post")
        scratch = self._post["scratch"]
        if key not in self._post:
            self._post[key] = fem.form(build(scratch))
        return scratch, self._post[key]

    def heat_out_w(self, u: fem.Function, tag: int) -> float:
        if tag in self._neumann and tag not in self._robin:
            return -_assemble_scalar(self._neumann[tag] * self.ds(tag), self.comm)
        if u.function_space is not self.V:  # a field of another space: a form of its own
            h, ta = self._robin.get(tag, (None, None))
            n = ufl.FacetNormal(self.mesh)
            expr = h * (u - ta) if h is not None else -ufl.inner(
                (1 + self.beta * (u - self.tref)) * self.K * ufl.grad(u), n)
            return _assemble_scalar(expr * self.ds(tag), self.comm)
        if tag in self._robin:
            h, ta = self._robin[tag]
            scratch, form = self._scratch_form(("heat_out", tag), lambda w: h * (w - ta) * self.ds(tag))
        else:
            n = ufl.FacetNormal(self.mesh)
            scratch, form = self._scratch_form(("heat_out", tag), lambda w: -ufl.inner(
                (1 + self.beta * (w - self.tref)) * self.K * ufl.grad(w), n) * self.ds(tag))
        scratch.x.array[:] = u.x.array
        return self.comm.allreduce(fem.assemble_scalar(form), op=MPI.SUM)

    def power_in_w(self) -> float:
        one = fem.Constant(self.mesh, PETSc.ScalarType(1.0))
        return _assemble_scalar(ufl.replace(self._src, {self._v: one}), self.comm)


def _all_tags(comm, values: np.ndarray) -> set[int]:
    local = set(np.unique(values).tolist())
    return set().union(*comm.allgather(local))


# the last linear problems by what defines their operator (mesh, tags, regions, boundary-condition
# kinds and h): a sweep over boundary values (a backplane's edge gradient) assembles and sets up once
# per mesh; two are kept, the result's mesh and the companion of its error estimate
KEPT_OPERATORS = 2
_PROBLEMS: dict[tuple, HeatProblem] = {}


def _operator_key(mesh, cell_tags, facet_tags, regions, bcs, degree, surface_sources, volume_sources,
                  petsc_options, rtol) -> tuple | None:
    if surface_sources or volume_sources or any(r.dk_dt_per_k != 0.0 for r in regions):
        return None
    kinds = []
    for bc in bcs:
        values = (bc.h_w_per_m2k, bc.t_ambient_k) if isinstance(bc, Robin) else ()
        if any(not isinstance(v, (int, float)) for v in values):
            return None  # fields (functions) have no reliable identity
        kinds.append((type(bc).__name__, bc.tag, float(bc.h_w_per_m2k) if isinstance(bc, Robin) else None))
    return (id(mesh), id(cell_tags), id(facet_tags), tuple(regions), tuple(kinds), degree,
            tuple(sorted((petsc_options or {}).items())), rtol)


def _update_values(problem: HeatProblem, bcs: Sequence[BoundaryCondition]) -> None:
    """Set the boundary values of ``bcs`` (same kinds and tags as the problem's) in place."""
    for (_, const), bc in zip(problem._values, bcs):
        value = {Dirichlet: lambda b: b.temperature_k, Neumann: lambda b: b.flux_w_per_m2,
                 Robin: lambda b: b.t_ambient_k}[type(bc)](bc)
        const.value = PETSc.ScalarType(float(value))


def solve_heat(mesh, cell_tags, facet_tags, regions: Sequence[Region], bcs: Sequence[BoundaryCondition],
               *, degree: int = 1, surface_sources: Sequence[SurfaceSource] = (),
               volume_sources: Sequence[VolumeSource] = (), petsc_options: dict | None = None,
               rtol: float = 1e-8, max_iter: int = 30, method: str = "newton") -> HeatSolution:
    """Solve steady conduction on ``mesh`` (see the module docstring); returns a :class:`HeatSolution`.

    ``regions`` must cover every tagged cell exactly once; ``bcs`` name facet tags (untagged or
    unnamed boundary facets are adiabatic). The communicator is ``mesh.comm``. ``method`` picks
    Newton (default) or Picard for temperature-dependent conductivity.
    """
    key = _operator_key(mesh, cell_tags, facet_tags, regions, bcs, degree, surface_sources, volume_sources,
                        petsc_options, rtol)
    if key is not None and key in _PROBLEMS:  # same operator: new boundary values, same matrix and solver
        problem = _PROBLEMS[key]
        _update_values(problem, bcs)
        return problem.solve(method=method)
    problem = HeatProblem(mesh, cell_tags, facet_tags, regions, bcs, degree=degree,
                          surface_sources=surface_sources, volume_sources=volume_sources,
                          petsc_options=petsc_options, rtol=rtol, max_iter=max_iter)
    if key is not None:
        while len(_PROBLEMS) >= KEPT_OPERATORS:  # the oldest goes
            _PROBLEMS.pop(next(iter(_PROBLEMS)))
        _PROBLEMS[key] = problem
        problem._keep_alive = (mesh, cell_tags, facet_tags)  # the ids in the key stay theirs
    return problem.solve(method=method)


def write_xdmf(path: str | Path, u: fem.Function, cell_tags=None, facet_tags=None, *,
               name: str = "temperature") -> Path:
    """Write the mesh, its tags and ``u`` (interpolated to P1) as XDMF + HDF5, atomically.

    Both files are written into a fresh folder beside ``path`` and renamed into place once
    complete, so a failed run leaves no half-written pair. Opens in ParaView.
    """
    path = Path(path).with_suffix(".xdmf")
    mesh = u.function_space.mesh
    out = u
    if u.function_space.element.basix_element.degree != 1:
        out = fem.Function(fem.functionspace(mesh, ("Lagrange", 1)), name=u.name)
        out.interpolate(u)
    out.name = name
    with atomic_xdmf(mesh.comm, path) as tmp, io.XDMFFile(mesh.comm, tmp, "w") as xdmf:
        xdmf.write_mesh(mesh)
        mesh.topology.create_connectivity(mesh.topology.dim - 1, mesh.topology.dim)
        if cell_tags is not None:
            cell_tags.name = "cell_tags"
            xdmf.write_meshtags(cell_tags, mesh.geometry)
        if facet_tags is not None:
            facet_tags.name = "facet_tags"
            xdmf.write_meshtags(facet_tags, mesh.geometry)
        xdmf.write_function(out)
    return path
