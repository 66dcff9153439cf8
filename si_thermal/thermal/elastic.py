"""Linear thermoelasticity on a tagged dolfinx mesh: displacement, strain, stress, warpage.

Small strain, linear anisotropic Hooke's law with thermal strain (e.g. Timoshenko & Goodier,
*Theory of Elasticity*, 3rd ed., 1970, ch. 13; Jones, *Mechanics of Composite Materials*, ch. 2)::

    sigma = C : (eps(u) - alpha dT),   div sigma = 0,   eps(u) = sym grad u

Weak form, summed over cell tags r with their 6x6 (Voigt) stiffness C_r and CTE alpha_r::

    sum_r int_r (C_r e(u)) . e(v) dx = sum_r int_r (C_r alpha_r dT) . e(v) dx

with the Voigt strain e = (xx, yy, zz, 2yz, 2xz, 2xy). ``dT`` is a number or a dolfinx Function on
the same mesh (e.g. a heat solution minus the stress-free temperature). Boundary conditions fix
chosen displacement components on boundary facets (by tag) or on any entities a marker function
selects (faces, edges, points): screws, stiffeners and symmetry planes are all of this kind.

Linear solve: MUMPS LU for small systems; conjugate gradients with smoothed-aggregation AMG (PETSc
GAMG) with the six rigid-body modes as near-nullspace for large ones (Adams et al., "Algebraic
multigrid methods for constrained linear systems with applications to contact problems in solid
mechanics", 2004). No hypre. A solve that does not converge raises ConvergenceError.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import dolfinx_solver  # noqa: F401  (orders MPI ahead of the dolfinx bindings)
import numpy as np
import ufl
from dolfinx import fem, io, mesh as dmesh
from dolfinx.fem import petsc as fem_petsc
from mpi4py import MPI
from petsc4py import PETSc

from si_thermal.atomic import atomic_xdmf
from si_thermal.errors import ConvergenceError, InputError

DIRECT_DOF_LIMIT = 150_000  # above this many unknowns the default solver is CG + GAMG


@dataclass(frozen=True)
class ElasticMaterial:
    """Stiffness (6x6, Pa, Voigt order xx yy zz yz xz xy) and CTE (6, 1/K) of one cell tag."""

    stiffness_pa: np.ndarray
    cte_per_k: np.ndarray

    def __post_init__(self) -> None:
        c = np.asarray(self.stiffness_pa, dtype=float)
        if c.shape != (6, 6) or not np.allclose(c, c.T, rtol=1e-9, atol=1e-9 * np.abs(c).max()):
            raise ValueError("stiffness_pa must be a symmetric 6x6 matrix")
        if np.any(np.linalg.eigvalsh(c) <= 0):
            raise ValueError("stiffness_pa must be positive definite")
        if np.asarray(self.cte_per_k).shape != (6,):
            raise ValueError("cte_per_k must have 6 Voigt components")

    @classmethod
    def isotropic(cls, youngs_modulus_pa: float, poisson: float, cte_per_k: float) -> ElasticMaterial:
        e, nu = youngs_modulus_pa, poisson
        lam, mu = e * nu / ((1 + nu) * (1 - 2 * nu)), e / (2 * (1 + nu))
        c = np.zeros((6, 6))
        c[:3, :3] = lam
        c[np.arange(3), np.arange(3)] = lam + 2 * mu
        c[np.arange(3, 6), np.arange(3, 6)] = mu
        return cls(c, np.array([cte_per_k] * 3 + [0.0] * 3))

    @classmethod
    def from_properties(cls, props) -> ElasticMaterial:
        """From :class:`laminate.LayerProperties` or :class:`laminate.EffectiveProperties`."""
        if hasattr(props, "stiffness_pa"):
            return cls(np.asarray(props.stiffness_pa), np.asarray(props.cte_per_k))
        return cls(props.stiffness(), props.cte())


@dataclass(frozen=True)
class Fix:
    """Zero (or ``value_m``) displacement of ``components`` (0=x, 1=y, 2=z) on some entities.

    ``where`` is a facet tag (int) of ``facet_tags``, or a marker ``f(x) -> bool array`` over points
    x of shape (3, n), applied to entities of dimension ``dim`` (2 faces, 1 edges, 0 vertices).
    """

    where: int | Callable[[np.ndarray], np.ndarray]
    components: tuple[int, ...] = (0, 1, 2)
    dim: int = 2
    value_m: float = 0.0
    name: str = ""


def voigt_strain(u) -> ufl.core.expr.Expr:
    e = ufl.sym(ufl.grad(u))
    return ufl.as_vector([e[0, 0], e[1, 1], e[2, 2], 2 * e[1, 2], 2 * e[0, 2], 2 * e[0, 1]])


@dataclass
class ElasticSolution:
    """Displacement and derived fields of one thermoelastic solve (SI units)."""

    displacement: fem.Function
    cell_tags: dmesh.MeshTags | None
    materials: dict[int, ElasticMaterial]
    delta_t: float | fem.Function
    iterations: int
    _stress: fem.Function | None = field(default=None, repr=False)
    _strain: fem.Function | None = field(default=None, repr=False)

    @property
    def mesh(self):
        return self.displacement.function_space.mesh

    @property
    def comm(self) -> MPI.Comm:
        return self.mesh.comm

    @property
    def num_dofs(self) -> int:
        V = self.displacement.function_space
        return V.dofmap.index_map.size_global * V.dofmap.index_map_bs

    def _cells(self, tag: int | None) -> np.ndarray:
        tdim = self.mesh.topology.dim
        n_local = self.mesh.topology.index_map(tdim).size_local
        if tag is None or self.cell_tags is None:
            return np.arange(n_local, dtype=np.int32)
        cells = self.cell_tags.find(tag)
        return cells[cells < n_local]

    def _dg0(self, which: str) -> fem.Function:
        """Cell-wise (DG0) Voigt strain or stress, interpolated tag by tag."""
        V = fem.functionspace(self.mesh, ("DG", 0, (6,)))
        out = fem.Function(V, name=which)
        u = self.displacement
        dt = self.delta_t
        for tag, mat in self.materials.items():
            cells = self._cells(None if tag < 0 else tag)
            if which == "strain":
                expr = voigt_strain(u)
            else:
                c = ufl.as_matrix(mat.stiffness_pa.tolist())
                alpha = ufl.as_vector(mat.cte_per_k.tolist())
                expr = c * (voigt_strain(u) - alpha * dt)
            e = fem.Expression(expr, V.element.interpolation_points)
            out.interpolate(e, cells0=cells)
        out.x.scatter_forward()
        return out

    def stress(self) -> fem.Function:
        """Cell-wise stress, Voigt order (xx, yy, zz, yz, xz, xy), Pa."""
        if self._stress is None:
            self._stress = self._dg0("stress")
        return self._stress

    def strain(self) -> fem.Function:
        """Cell-wise total strain, Voigt order with engineering shears."""
        if self._strain is None:
            self._strain = self._dg0("strain")
        return self._strain

    def cell_values(self, f: fem.Function, tag: int | None = None) -> np.ndarray:
        """Local (this rank's owned cells) DG0 values of ``f`` in cells of ``tag``, shape (n, 6)."""
        return f.x.array.reshape(-1, 6)[self._cells(tag)]

    def max_abs(self, f: fem.Function, component: int, tag: int | None = None) -> float:
        vals = self.cell_values(f, tag)[:, component]
        local = float(np.abs(vals).max()) if vals.size else 0.0
        return self.comm.allreduce(local, op=MPI.MAX)

    def mean(self, f: fem.Function, component: int, tag: int | None = None) -> float:
        """Volume-weighted mean of a DG0 component over cells of ``tag`` (all cells if None)."""
        dx = ufl.Measure("dx", domain=self.mesh, subdomain_data=self.cell_tags)
        meas = dx if tag is None or self.cell_tags is None else dx(tag)
        num = fem.assemble_scalar(fem.form(f[component] * meas))
        den = fem.assemble_scalar(fem.form(fem.Constant(self.mesh, 1.0) * meas))
        return self.comm.allreduce(num, op=MPI.SUM) / self.comm.allreduce(den, op=MPI.SUM)

    def nodal_displacement(self) -> tuple[np.ndarray, np.ndarray]:
        """All ranks' node coordinates (n, 3) and displacements (n, 3), gathered (small meshes)."""
        V = self.displacement.function_space
        n = V.dofmap.index_map.size_local
        x = V.tabulate_dof_coordinates()[:n]
        u = self.displacement.x.array.reshape(-1, 3)[:n]
        xs, us = self.comm.allgather(x), self.comm.allgather(u)
        return np.vstack(xs), np.vstack(us)

    def max_displacement_m(self) -> float:
        _, u = self.nodal_displacement()
        return float(np.linalg.norm(u, axis=1).max())

    def warpage_m(self, face_z: float | None = None, tol: float = 1e-9) -> float:
        """Peak-to-valley out-of-plane displacement about the best-fit plane (bow and twist without
        rigid tilt, in the spirit of IPC-TM-650 2.4.22), over the nodes of the face ``z = face_z``
        (default: the top face)."""
        x, u = self.nodal_displacement()
        z0 = x[:, 2].max() if face_z is None else face_z
        on = np.abs(x[:, 2] - z0) <= tol + 1e-9 * np.abs(x).max()
        a = np.column_stack([np.ones(on.sum()), x[on, 0], x[on, 1]])
        w = u[on, 2]
        resid = w - a @ np.linalg.lstsq(a, w, rcond=None)[0]
        return float(resid.max() - resid.min())

    def von_mises(self) -> np.ndarray:
        """Local cell-wise von Mises stress, Pa."""
        s = self.cell_values(self.stress())
        dev = (s[:, 0] - s[:, 1]) ** 2 + (s[:, 1] - s[:, 2]) ** 2 + (s[:, 2] - s[:, 0]) ** 2
        return np.sqrt(0.5 * dev + 3.0 * (s[:, 3] ** 2 + s[:, 4] ** 2 + s[:, 5] ** 2))

    def write_xdmf(self, path: str | Path) -> Path:
        """Displacement (P1 vector) and cell-wise stresses (scalars, Pa) to ``path`` (.xdmf + .h5),
        written in a scratch folder beside it and renamed into place (atomic per file)."""
        path = Path(path).with_suffix(".xdmf")
        V1 = fem.functionspace(self.mesh, ("Lagrange", 1, (3,)))
        u1 = fem.Function(V1, name="displacement_m")
        u1.interpolate(self.displacement)
        W = fem.functionspace(self.mesh, ("DG", 0))
        stress = self.stress().x.array.reshape(-1, 6)
        fields = []
        for name, col in (("sigma_xx_pa", 0), ("sigma_yy_pa", 1), ("sigma_zz_pa", 2), ("tau_xz_pa", 4),
                          ("tau_yz_pa", 3)):
            f = fem.Function(W, name=name)
            f.x.array[:] = stress[: f.x.array.size, col]
            fields.append(f)
        with atomic_xdmf(self.comm, path) as tmp, io.XDMFFile(self.comm, tmp, "w") as xdmf:
            xdmf.write_mesh(self.mesh)
            xdmf.write_function(u1)
            for f in fields:
                xdmf.write_function(f)
        return path


def rigid_body_modes(V: fem.FunctionSpace, A: PETSc.Mat) -> PETSc.NullSpace:
    """The six rigid-body modes (3 translations, 3 rotations) as an orthonormal PETSc near-nullspace."""
    n = V.dofmap.index_map.size_local
    x = V.tabulate_dof_coordinates()[:n]
    modes = np.zeros((6, n, 3))
    for i in range(3):
        modes[i, :, i] = 1.0
    modes[3, :, 0], modes[3, :, 1] = -x[:, 1], x[:, 0]
    modes[4, :, 0], modes[4, :, 2] = x[:, 2], -x[:, 0]
    modes[5, :, 2], modes[5, :, 1] = x[:, 1], -x[:, 2]
    vecs = []
    for m in modes:
        v = A.createVecLeft()
        v.array[:] = m.reshape(-1)
        vecs.append(v)
    # modified Gram-Schmidt
    for i, v in enumerate(vecs):
        for w in vecs[:i]:
            v.axpy(-v.dot(w), w)
        v.scale(1.0 / v.norm())
    return PETSc.NullSpace().create(vectors=vecs, comm=V.mesh.comm)


def _dirichlet(V, msh, facet_tags, fix: Fix) -> list[fem.DirichletBC]:
    tdim = msh.topology.dim
    if isinstance(fix.where, int):
        if facet_tags is None:
            raise InputError(None, fix.name or "bcs", "a facet tag needs facet_tags")
        entities, dim = facet_tags.find(fix.where), tdim - 1
    else:
        dim = fix.dim
        msh.topology.create_connectivity(dim, tdim)
        entities = dmesh.locate_entities(msh, dim, fix.where)
    n_found = msh.comm.allreduce(len(entities), op=MPI.SUM)
    if n_found == 0:
        raise InputError(None, fix.name or "bcs", "boundary condition selects no mesh entity")
    bcs = []
    for c in fix.components:
        dofs = fem.locate_dofs_topological(V.sub(c), dim, entities)
        bcs.append(fem.dirichletbc(PETSc.ScalarType(fix.value_m), dofs, V.sub(c)))
    return bcs


def solve_elastic(msh, cell_tags, materials: dict[int, ElasticMaterial] | ElasticMaterial,
                  delta_t: float | fem.Function, bcs: Sequence[Fix], *, facet_tags=None, degree: int = 1,
                  solver: str = "auto", rtol: float = 1e-10, prefix: str | None = None) -> ElasticSolution:
    """Solve the thermoelastic problem; ``materials`` maps cell tag -> material (or one material).

    ``solver``: "direct" (MUMPS), "iterative" (CG + GAMG with rigid-body near-nullspace) or "auto".
    """
    if isinstance(materials, ElasticMaterial):
        materials = {-1: materials}
    if not bcs:
        raise InputError(None, "bcs", "at least one displacement constraint is needed (rigid-body motion)")
    if cell_tags is not None and -1 not in materials:
        present = set().union(*msh.comm.allgather(set(np.unique(cell_tags.values).tolist())))
        missing = present - set(materials)
        if missing:
            raise InputError(None, "materials", f"cell tags {sorted(missing)} have no material")
    V = fem.functionspace(msh, ("Lagrange", degree, (3,)))
    u, v = ufl.TrialFunction(V), ufl.TestFunction(V)
    dx = ufl.Measure("dx", domain=msh, subdomain_data=cell_tags)
    dt = delta_t if isinstance(delta_t, fem.Function) else fem.Constant(msh, PETSc.ScalarType(delta_t))
    a_form, l_form = 0, 0
    for tag, mat in materials.items():
        meas = dx if tag < 0 else dx(tag)
        c = ufl.as_matrix(mat.stiffness_pa.tolist())
        alpha = ufl.as_vector(mat.cte_per_k.tolist())
        a_form += ufl.dot(c * voigt_strain(u), voigt_strain(v)) * meas
        l_form += ufl.dot(c * alpha * dt, voigt_strain(v)) * meas
    n_dofs = V.dofmap.index_map.size_global * V.dofmap.index_map_bs
    kind = solver if solver != "auto" else ("direct" if n_dofs <= DIRECT_DOF_LIMIT else "iterative")
    key = _operator_key(msh, cell_tags, facet_tags, materials, bcs, degree, kind, rtol)
    cached = _OPERATORS.get(key) if key is not None else None
    if cached is not None:  # same operator: only the right-hand side (the temperature) is new
        V, a, dbcs, A, ksp = cached[1:6]
        u, v = ufl.TrialFunction(V), ufl.TestFunction(V)
        l_form = 0
        for tag, mat in materials.items():
            l_form += ufl.dot(ufl.as_matrix(mat.stiffness_pa.tolist()) * ufl.as_vector(mat.cte_per_k.tolist()) * dt,
                              voigt_strain(v)) * (dx if tag < 0 else dx(tag))
        return _solve_rhs(V, a, fem.form(l_form), dbcs, A, ksp, cell_tags, materials, delta_t, kind, keep=True)
    dbcs = [bc for fix in bcs for bc in _dirichlet(V, msh, facet_tags, fix)]
    a, L = fem.form(a_form), fem.form(l_form)
    A = fem_petsc.assemble_matrix(a, bcs=dbcs)
    A.assemble()
    ksp = PETSc.KSP().create(msh.comm)
    ksp.setOperators(A)
    opts = PETSc.Options()
    pfx = prefix or f"elastic_{id(ksp)}_"
    ksp.setOptionsPrefix(pfx)
    if kind == "direct":
        settings = {"ksp_type": "preonly", "pc_type": "lu", "pc_factor_mat_solver_type": "mumps"}
    else:
        A.setNearNullSpace(rigid_body_modes(V, A))
        settings = {"ksp_type": "cg", "pc_type": "gamg", "ksp_rtol": rtol, "ksp_max_it": 2000,
                    "pc_gamg_coarse_eq_limit": 1000, "mg_levels_ksp_type": "chebyshev",
                    "mg_levels_pc_type": "jacobi", "mg_levels_esteig_ksp_type": "cg"}
        A.setBlockSize(3)
    for k, val in settings.items():
        opts[f"{pfx}{k}"] = val
    ksp.setFromOptions()
    ksp.setUp()  # the factorization (or multigrid set-up), kept with the operator when cached
    for k in settings:
        del opts[f"{pfx}{k}"]
    if key is not None:
        # two operators kept (the result's mesh and the companion of its error estimate): a
        # factorization can take much memory
        while len(_OPERATORS) >= 2:
            _OPERATORS.pop(next(iter(_OPERATORS)))
        _OPERATORS[key] = (msh, V, a, dbcs, A, ksp, (cell_tags, facet_tags))  # tags kept alive: ids stay theirs
    return _solve_rhs(V, a, L, dbcs, A, ksp, cell_tags, materials, delta_t, kind, keep=key is not None)


# the last operator (matrix and its factorization or multigrid hierarchy), by what defines it: the
# thermal load enters only the right-hand side, so a sweep over loads assembles and factors once
_OPERATORS: dict[tuple, tuple] = {}


def _operator_key(msh, cell_tags, facet_tags, materials, bcs, degree, kind, rtol) -> tuple | None:
    fixes = []
    for fix in bcs:
        if not isinstance(fix.where, int):
            return None  # a marker function: no reliable identity, no caching
        fixes.append((fix.where, tuple(fix.components), float(fix.value_m)))
    mats = tuple(sorted((tag, np.asarray(m.stiffness_pa, dtype=float).tobytes(),
                         np.asarray(m.cte_per_k, dtype=float).tobytes()) for tag, m in materials.items()))
    return (id(msh), id(cell_tags), id(facet_tags), mats, tuple(fixes), degree, kind, rtol)


def _solve_rhs(V, a, L, dbcs, A, ksp, cell_tags, materials, delta_t, kind, keep: bool) -> ElasticSolution:
    b = fem_petsc.assemble_vector(L)
    fem_petsc.apply_lifting(b, [a], bcs=[dbcs])
    b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
    fem_petsc.set_bc(b, dbcs)
    uh = fem.Function(V, name="displacement")
    ksp.solve(b, uh.x.petsc_vec)
    reason, its = ksp.getConvergedReason(), ksp.getIterationNumber()
    b.destroy()
    if not keep:
        ksp.destroy()
        A.destroy()
    if reason < 0:
        raise ConvergenceError(f"elastic solve ({kind}) did not converge: PETSc reason {reason} after {its} iterations")
    uh.x.scatter_forward()
    return ElasticSolution(uh, cell_tags, dict(materials), delta_t, its)

