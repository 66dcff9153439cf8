"""P2 electrostatics of a meshed cross-section: capacitance matrices and surface-current integrals.

For each signal conductor k, div(eps grad phi_k) = 0 with phi_k = 1 on conductor k and 0 on every
other conductor and on the enclosure (planes or shield); magnetic side walls are natural (Neumann).
The Maxwell capacitance matrix is the field energy, C_kl = eps0 int eps_r grad phi_k . grad phi_l,
which is variational (its error is the square of the field's energy-norm error).

Results per unit length (frequency-independent; :mod:`.rlgc` adds the frequency dependence):

- ``c0``: vacuum capacitance matrix (F/m); the external inductance is L = mu0 eps0 c0^-1.
- ``k_regions``: region matrices K_r = eps0 int_r grad phi_k . grad phi_l (F/m per unit eps_r),
  with phi solved for the dielectric's Dk at ``f_ref``; C(f) = sum_r eps_r(f) K_r. Exact for one
  dielectric; for several, first-order in the change of Dk from f_ref (the energy is stationary),
  and the loss term is the standard perturbational G = w sum_r eps_r'' K_r (Pozar section 2.7).
- ``p_surfaces``: surface-current matrices P_s = int_s J_k J_l ds (1/m) for unit currents on the
  signal conductors, J = rho_s c in the vacuum (TEM) solution, rho_s = -eps0 dphi/dn; the skin-effect
  resistance of surface s is Rs K P_s (Wheeler's incremental-inductance rule in its surface-integral
  form, Wheeler 1942; Collin, *Foundations for Microwave Engineering*, 2nd ed., section 3.9).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import dolfinx_solver  # noqa: F401
import numpy as np
import scipy.sparse.linalg as spla

from si_thermal.constants import EPS0
from si_thermal.si.xsection.geometry import CrossSection
from si_thermal.si.xsection.mesh import XMesh


@dataclass(frozen=True)
class FieldSolution:
    """Frequency-independent per-unit-length matrices of the signal conductors (see module doc)."""

    signals: tuple[str, ...]
    regions: tuple[str, ...]
    surfaces: tuple[str, ...]
    c0: np.ndarray  # (N, N) F/m
    k_regions: np.ndarray  # (R, N, N) F/m
    p_surfaces: np.ndarray  # (S, N, N) 1/m; NaN where a zero-thickness strip makes it infinite
    n_dofs: int
    n_cells: int
    h_min_m: float
    solve_s: float

    def to_dict(self) -> dict:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for k in ("c0", "k_regions", "p_surfaces"):
            out[k] = np.asarray(out[k]).tolist()
        for k in ("signals", "regions", "surfaces"):
            out[k] = list(out[k])
        return out

    @classmethod
    def from_dict(cls, d: dict) -> FieldSolution:
        d = dict(d)
        for k in ("c0", "k_regions", "p_surfaces"):
            d[k] = np.array(d[k], dtype=float)
        for k in ("signals", "regions", "surfaces"):
            d[k] = tuple(d[k])
        return cls(**d)


@dataclass
class Potentials:
    """The potentials behind a :class:`FieldSolution` (for plots): dolfinx functions per signal."""

    vacuum: list
    dielectric: list


def solve(xs: CrossSection, xm: XMesh, keep_fields: bool = False):
    """Solve the electrostatics; returns a :class:`FieldSolution` (and :class:`Potentials` if asked)."""
    import ufl
    from dolfinx import fem

    t0 = time.perf_counter()
    msh = xm.mesh
    V = fem.functionspace(msh, ("Lagrange", 2))
    u, v = ufl.TrialFunction(V), ufl.TestFunction(V)
    n_reg = len(xs.regions)
    dx = ufl.Measure("dx", domain=msh, subdomain_data=xm.cell_tags)
    weights = [fem.Constant(msh, 0.0) for _ in range(n_reg)]
    a = sum(weights[r] * ufl.inner(ufl.grad(u), ufl.grad(v)) * dx(r + 1) for r in range(n_reg))
    a_form = fem.form(a)
    mats = []
    for r in range(n_reg):
        for q, w in enumerate(weights):
            w.value = 1.0 if q == r else 0.0
        mats.append(fem.assemble_matrix(a_form).to_scipy().tocsr())

    signal_idx = [i for i, c in enumerate(xs.conductors) if c.role == "signal"]
    cond_dofs = [fem.locate_dofs_topological(V, 1, f) for f in xm.conductor_facets]
    ground = [xm.ground_facets] + [xm.conductor_facets[i] for i, c in enumerate(xs.conductors) if c.role != "signal"]
    ground_dofs = fem.locate_dofs_topological(V, 1, np.concatenate(ground).astype(np.int32))
    n = V.dofmap.index_map.size_local * V.dofmap.index_map_bs
    fixed = np.unique(np.concatenate([ground_dofs, *cond_dofs]))
    free = np.setdiff1d(np.arange(n), fixed)
    phi_c = np.zeros((n, len(signal_idx)))
    for k, i in enumerate(signal_idx):
        phi_c[cond_dofs[i], k] = 1.0

    def potentials(a_tot):
        a_tot = a_tot.tocsr()
        lu = spla.splu(a_tot[free][:, free].tocsc())
        rhs = -(a_tot[free][:, fixed] @ phi_c[fixed])
        phi = phi_c.copy()
        phi[free] = lu.solve(np.ascontiguousarray(rhs))
        return phi

    a_vac = sum(mats)
    phi_v = potentials(a_vac)
    c0 = EPS0 * phi_v.T @ (a_vac @ phi_v)
    dk = [float(r.eps.dk(xs.f_ref_hz)) for r in xs.regions]
    phi_d = phi_v if xs.homogeneous() else potentials(sum(e * m for e, m in zip(dk, mats)))
    k_regions = np.array([EPS0 * phi_d.T @ (m @ phi_d) for m in mats])
    c0, k_regions = _sym(c0), _sym(k_regions)
    p = _surface_currents(xs, xm, V, phi_v, c0)
    h_min = float(np.min(msh.h(1, np.arange(msh.topology.index_map(1).size_local, dtype=np.int32))))
    sol = FieldSolution(tuple(xs.conductors[i].name for i in signal_idx), tuple(r.material for r in xs.regions),
                        xs.surfaces(), c0, k_regions, p, n, msh.topology.index_map(2).size_local, h_min,
                        time.perf_counter() - t0)
    if not keep_fields:
        return sol
    return sol, Potentials(_functions(V, phi_v), _functions(V, phi_d))


def _sym(m: np.ndarray) -> np.ndarray:
    return 0.5 * (m + np.swapaxes(m, -1, -2))


def _functions(V, phi: np.ndarray) -> list:
    from dolfinx import fem

    out = []
    for k in range(phi.shape[1]):
        f = fem.Function(V)
        f.x.array[: phi.shape[0]] = phi[:, k]
        out.append(f)
    return out


def _surface_currents(xs: CrossSection, xm: XMesh, V, phi_v: np.ndarray, c0: np.ndarray) -> np.ndarray:
    """P_s = eps0^2 c0^-1 M_s c0^-1 with M_s = int_s (dphi_k/dn)(dphi_l/dn) ds."""
    import ufl
    from dolfinx import fem

    msh = xm.mesh
    u, v = ufl.TrialFunction(V), ufl.TestFunction(V)
    nrm = ufl.FacetNormal(msh)
    ds = ufl.Measure("ds", domain=msh, subdomain_data=xm.facet_tags, metadata={"quadrature_degree": 6})
    surfaces = xs.surfaces()
    weights = [fem.Constant(msh, 0.0) for _ in surfaces]
    b = sum(w * ufl.dot(ufl.grad(u), nrm) * ufl.dot(ufl.grad(v), nrm) * ds(s + 1) for s, w in enumerate(weights))
    b_form = fem.form(b)
    c0_inv = np.linalg.inv(c0)
    out = []
    for s in range(len(surfaces)):
        if s in xm.slits:  # a zero-thickness strip: the edge current is not square-integrable
            out.append(np.full_like(c0, np.nan))
            continue
        for q, w in enumerate(weights):
            w.value = 1.0 if q == s else 0.0
        m = fem.assemble_matrix(b_form).to_scipy().tocsr()
        m_s = phi_v.T @ (m @ phi_v)
        out.append(EPS0**2 * c0_inv @ m_s @ c0_inv)
    return _sym(np.array(out))
