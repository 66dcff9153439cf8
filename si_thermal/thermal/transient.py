"""Transient heat conduction: implicit time stepping, step responses per heat source, and the
Duhamel superposition that turns them into the temperature under any power history.

The conduction problem at fixed conductivity is linear and time invariant in the temperature rise
``theta = T - T_idle`` (Carslaw & Jaeger, *Conduction of Heat in Solids*, 2nd ed., 1959, sec. 1.14):

    rho c_p d(theta)/dt - div(k grad theta) = sum_j p_j(t) q_j        in the body
    theta = sum_j p_j(t) g_j  (Dirichlet),   -k grad theta . n = h (theta - sum_j p_j(t) theta_inf,j)  (Robin)

with each *load* ``j`` a unit heat source (a surface flux, a volume source, a raised edge or
ambient temperature) scaled by its amplitude history ``p_j(t)``. Galerkin P1 in space (mass ``M``,
conductance ``K`` with the Robin terms), backward Euler in time (A-stable, first order; e.g. Larson
& Bengzon, *The Finite Element Method*, 2013, ch. 6)::

    (M/dt + K) theta^{n+1} = M/dt theta^n + sum_j p_j(t_{n+1}) f_j

The step response ``G_j(t)`` (``p_j`` = 1 from t = 0, everything else 0) is solved once per load
with time steps that grow geometrically once the fast start is resolved (a few factorizations in all),
and interpolated onto the history's uniform grid. For an input held constant over each step,
Duhamel's theorem (Carslaw & Jaeger sec. 1.14) in discrete form is the convolution

    theta[n] = sum_{m<n} (G[n-m] - G[n-m-1]) p[m]

evaluated with overlap-add real FFTs (:func:`_overlap_add`); the response kernel stops where the
step response has settled and its last entry carries the rest of the way to the steady state, so a
history's steady level is exact. :func:`TransientModel.simulate` time-steps the same problem
directly with a uniform step: the check of the superposition (tests and ``benchmarks/``).

Temperatures are read at *probes* (points: the P1 interpolation, a sparse row per point). Serial:
the mesh must live on one process (``MPI.COMM_SELF``); sparse LU (SuperLU) via scipy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from si_thermal.errors import InputError


@dataclass(frozen=True)
class Capacity:
    """Volumetric heat capacity ``rho c_p`` (J/(m^3 K)) of a cell tag."""

    tag: int
    rho_cp_j_per_m3k: float


@dataclass(frozen=True)
class Load:
    """One heat source at unit amplitude. ``dirichlet``: (facet tag, temperature rise K) pairs;
    ``flux``: (facet tag, W/m^2 into the body); ``ambient``: (Robin facet tag, ambient rise K);
    ``volume``: (cell tag, W/m^3). Flux, ambient and volume values may be dolfinx Functions (a
    power map, the coolant's rise along the flow)."""

    name: str
    dirichlet: tuple[tuple[int, float], ...] = ()
    flux: tuple[tuple[int, float], ...] = ()
    ambient: tuple[tuple[int, float], ...] = ()
    volume: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True)
class StepResponses:
    """Probe step responses: ``g[p, j, i]`` is the rise (K) at probe ``p`` at time ``t[i]`` (s) after
    load ``j`` switched on at unit amplitude; ``steady[p, j]`` the limit."""

    t: np.ndarray
    g: np.ndarray
    steady: np.ndarray
    loads: tuple[str, ...]
    probes: tuple[str, ...]
    solves: int
    factorizations: int

    def kernel(self, dt_s: float, settle_tol: float = 1e-4) -> np.ndarray:
        """Discrete impulse responses ``h[p, j, k] = G(t_{k+1}) - G(t_k)`` on the uniform grid
        ``t_k = k dt``, up to where every response is within ``settle_tol`` of its steady value
        (relative to the largest); the last entry closes the gap to the steady state."""
        scale = max(float(np.abs(self.steady).max()), 1e-300)
        err = np.abs(self.g - self.steady[..., None]).max(axis=(0, 1)) / scale
        late = np.flatnonzero(err > settle_tol)
        t_end = self.t[min(late[-1] + 1, len(self.t) - 1)] if late.size else self.t[1]
        n = max(int(np.ceil(t_end / dt_s)), 1)
        tk = np.arange(n + 1) * dt_s
        gk = np.stack([[np.interp(tk, self.t, self.g[p, j]) for j in range(self.g.shape[1])]
                       for p in range(self.g.shape[0])])
        h = np.diff(gk, axis=-1)
        h[..., -1] += self.steady - gk[..., -1]
        return h


def _overlap_add(x: np.ndarray, k: np.ndarray, chunk_blocks: int = 256) -> np.ndarray:
    """Linear convolution ``(x * k_p)[:len(x)]`` for each row ``k_p`` of ``k``: overlap-add with real
    FFTs (scipy.fft) over blocks of ``L = nfft - K + 1`` samples, a chunk of blocks at a time (bounded
    memory); the tail of each block (``K - 1 <= L``) adds onto the next one's start."""
    import scipy.fft as sf

    n, kl = x.size, k.shape[-1]
    nfft = max(4096, 1 << int(np.ceil(np.log2(8 * kl))))
    L = nfft - kl + 1
    H = sf.rfft(k, n=nfft, axis=-1)
    out = np.empty((k.shape[0], n))
    carry = np.zeros((k.shape[0], kl - 1))
    step = chunk_blocks * L
    for s0 in range(0, n, step):
        seg = x[s0 : s0 + step]
        nb = -(-seg.size // L)
        xp = np.zeros(nb * L)
        xp[: seg.size] = seg
        X = sf.rfft(xp.reshape(nb, L), n=nfft, axis=-1)
        for p in range(k.shape[0]):
            y = sf.irfft(X * H[p], n=nfft, axis=-1)
            blk = y[:, :L].copy()
            blk[1:, : kl - 1] += y[:-1, L : L + kl - 1]
            blk[0, : kl - 1] += carry[p]
            carry[p] = y[-1, L : L + kl - 1]
            out[p, s0 : s0 + seg.size] = blk.reshape(-1)[: seg.size]
    return out


def duhamel(kernel: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    """Rise history ``theta[p, n]`` for n = 1..N (the state after each step) from kernels
    ``(P, J, K)`` and inputs ``(J, N)`` held over each step; one input row ``(1, N)`` drives every
    load. Loads with identical inputs are summed before the FFT convolution (one convolution per
    probe and distinct input)."""
    kernel = np.asarray(kernel, dtype=float)
    inputs = np.atleast_2d(np.asarray(inputs, dtype=float))
    if inputs.shape[0] == 1 and kernel.shape[1] != 1:
        return _overlap_add(inputs[0], kernel.sum(axis=1))
    if kernel.shape[1] != inputs.shape[0]:
        raise ValueError(f"{kernel.shape[1]} loads in the kernel, {inputs.shape[0]} input histories")
    n = inputs.shape[1]
    groups: list[tuple[np.ndarray, list[int]]] = []
    for j in range(inputs.shape[0]):
        for row, members in groups:
            if np.array_equal(row, inputs[j]):
                members.append(j)
                break
        else:
            groups.append((inputs[j], [j]))
    out = np.zeros((kernel.shape[0], n))
    for row, members in groups:
        out += _overlap_add(row, kernel[:, members, :].sum(axis=1))
    return out


class TransientModel:
    """The assembled transient problem on a tagged serial mesh (P1).

    ``regions``: :class:`si_thermal.thermal.heat.Region` (conductivity, isotropic or diagonal;
    temperature dependence is ignored: the conductivity at ``t_ref_k``), ``capacities`` per cell
    tag, ``robin``: (facet tag, h W/(m^2 K)) pairs (ambient at zero rise unless a load raises it),
    ``fixed``: facet tags held at zero rise unless a load sets them, ``loads``: the sources.

    The conductance matrix is the steady problem's own linear operator (``HeatProblem.a_lin``:
    conduction plus Robin terms), so the steady and transient models share one set of forms;
    :meth:`from_problem` builds the transient model of an existing steady problem (fields for h,
    the conductivity frozen where the steady solve left it).
    """

    def __init__(self, mesh, cell_tags, facet_tags, regions: Sequence, capacities: Sequence[Capacity],
                 robin: Sequence[tuple[int, float]], fixed: Sequence[int], loads: Sequence[Load],
                 probes: dict[str, tuple[float, float, float]]):
        from si_thermal.thermal.heat import Dirichlet, HeatProblem, Robin

        if mesh.comm.size != 1:
            raise ValueError("TransientModel is serial: build its mesh on MPI.COMM_SELF")
        tags = {tag for ld in loads for tag, _ in ld.dirichlet}
        bcs = [Robin(tag, h, 0.0) for tag, h in robin] + [Dirichlet(tag, 0.0) for tag in dict.fromkeys([*fixed, *sorted(tags)])]
        self._setup(HeatProblem(mesh, cell_tags, facet_tags, regions, bcs), capacities, loads, probes)

    @classmethod
    def from_problem(cls, problem, capacities: Sequence[Capacity], loads: Sequence[Load],
                     probes: dict[str, tuple[float, float, float]]) -> TransientModel:
        """The transient model of a steady :class:`si_thermal.thermal.heat.HeatProblem` (P1, serial):
        its conduction and Robin operator, its Dirichlet facets held at zero rise unless a load sets
        them; a load's ``ambient`` rise on a Robin facet uses that facet's h (a field or a number)."""
        if problem.mesh.comm.size != 1:
            raise ValueError("TransientModel is serial: build its mesh on MPI.COMM_SELF")
        self = cls.__new__(cls)
        self._setup(problem, capacities, loads, probes)
        return self

    def _setup(self, problem, capacities: Sequence[Capacity], loads: Sequence[Load], probes: dict) -> None:
        import scipy.sparse as sp
        import ufl
        from dolfinx import fem

        from si_thermal.thermal.heat import Dirichlet

        mesh, facet_tags = problem.mesh, problem.facet_tags
        if problem.V.element.basix_element.degree != 1:
            raise ValueError("TransientModel is P1: build the steady problem with degree 1")
        self.loads = tuple(loads)
        self.V = V = problem.V
        dx, ds = problem.dx, problem.ds
        u, v = ufl.TrialFunction(V), ufl.TestFunction(V)
        cap = {c.tag: c.rho_cp_j_per_m3k for c in capacities}
        a_m = 0
        for r in problem.regions:
            if r.tag not in cap:
                raise InputError(None, f"region {r.name or r.tag}", "no heat capacity given")
            if not cap[r.tag] > 0:
                raise InputError(None, f"region {r.name or r.tag}", "heat capacity must be positive")
            a_m += cap[r.tag] * u * v * dx(r.tag)
        self.K = fem.assemble_matrix(fem.form(problem.a_lin)).to_scipy().tocsr()
        self.M = fem.assemble_matrix(fem.form(a_m)).to_scipy().tocsr()
        n = self.K.shape[0]
        fdim = mesh.topology.dim - 1
        mesh.topology.create_connectivity(fdim, mesh.topology.dim)
        dtags = {bc.tag for bc in problem.bcs if isinstance(bc, Dirichlet)}
        for ld in self.loads:
            for tag, _ in ld.dirichlet:
                if tag not in dtags:
                    raise InputError(None, f"load {ld.name}", f"facet tag {tag} is not a fixed (Dirichlet) boundary")
        d_dofs = {tag: fem.locate_dofs_topological(V, fdim, facet_tags.find(tag)) for tag in dtags}
        for tag, dofs in d_dofs.items():
            if dofs.size == 0:
                raise InputError(None, f"boundary tag {tag}", "no facets of the mesh carry this tag")
        is_d = np.zeros(n, bool)
        for dofs in d_dofs.values():
            is_d[dofs] = True
        self.D, self.F = np.flatnonzero(is_d), np.flatnonzero(~is_d)
        robin_h = {tag: h for tag, (h, _) in problem._robin.items()}
        self.f = np.zeros((len(self.loads), n))
        self.g = np.zeros((len(self.loads), n))  # Dirichlet values at unit amplitude (full length)
        for j, ld in enumerate(self.loads):
            form = 0
            for tag, q in ld.flux:
                form += q * v * ds(tag)
            for tag, rise in ld.ambient:
                if tag not in robin_h:
                    raise InputError(None, f"load {ld.name}", f"ambient rise on facet tag {tag}, which has no convection")
                form += robin_h[tag] * rise * v * ds(tag)
            for tag, q in ld.volume:
                form += q * v * dx(tag)
            if form != 0:
                self.f[j] = fem.assemble_vector(fem.form(form)).array[:n]
            for tag, value in ld.dirichlet:
                self.g[j, d_dofs[tag]] = value
        self.P = sp.csr_matrix(self._probe_rows(mesh, list(probes.values())))
        self.probe_names = tuple(probes)
        self._sp = sp
        self._lu: dict[float, object] = {}
        self.factorizations = 0

    def _probe_rows(self, mesh, points) -> np.ndarray:
        """Rows of P1 interpolation weights at the points (n_points, n_dofs)."""
        from dolfinx import fem, geometry

        pts = np.ascontiguousarray(np.atleast_2d(np.asarray(points, dtype=float)))
        tree = geometry.bb_tree(mesh, mesh.topology.dim)
        cells = geometry.compute_colliding_cells(mesh, geometry.compute_collisions_points(tree, pts), pts)
        w = np.zeros((len(pts), self.V.dofmap.index_map.size_local + self.V.dofmap.index_map.num_ghosts))
        f = fem.Function(self.V)
        for i in range(len(pts)):
            c = cells.links(i)
            if len(c) == 0:
                raise ValueError(f"probe point {pts[i]} is outside the mesh")
            for dof in self.V.dofmap.cell_dofs(c[0]):
                f.x.array[:] = 0.0
                f.x.array[dof] = 1.0
                w[i, dof] = f.eval(pts[i : i + 1], np.array([c[0]], dtype=np.int32))[0]
        return w

    # -- linear algebra ---------------------------------------------------------------------------
    def _factor(self, dt: float):
        if dt not in self._lu:
            from scipy.sparse.linalg import splu

            a = (self.M / dt + self.K).tocsr()
            self._lu[dt] = splu(a[self.F][:, self.F].tocsc(), permc_spec="COLAMD")
            self.factorizations += 1
        return self._lu[dt]

    def steady(self) -> np.ndarray:
        """Steady rise at the probes for each load at unit amplitude, (n_probes, n_loads)."""
        from scipy.sparse.linalg import splu

        F, D = self.F, self.D
        lu = splu(self.K[F][:, F].tocsc(), permc_spec="COLAMD")
        out = np.zeros((len(self.probe_names), len(self.loads)))
        for j in range(len(self.loads)):
            th = self.g[j].copy()
            th[F] = lu.solve(self.f[j, F] - self.K[F][:, D] @ self.g[j, D])
            out[:, j] = self.P @ th
        return out

    def _advance(self, th: np.ndarray, dt: float, g_old: np.ndarray, g_new: np.ndarray,
                 f_new: np.ndarray) -> np.ndarray:
        """One backward-Euler step of the full state (Dirichlet rows set to ``g_new``)."""
        F, D = self.F, self.D
        rhs = (self._MFF @ th[F] + self._MFD @ (g_old[D] - g_new[D])) / dt + f_new[F] - self._KFD @ g_new[D]
        out = g_new.copy()
        out[F] = self._factor(dt).solve(rhs)
        return out

    def _blocks(self):
        if not hasattr(self, "_MFF"):
            F, D = self.F, self.D
            self._MFF, self._MFD, self._KFD = self.M[F][:, F], self.M[F][:, D], self.K[F][:, D]

    def step_responses(self, dt0_s: float, *, t_max_s: float = 1e7, fine_steps: int = 64, steps_per_level: int = 32,
                       settle_tol: float = 1e-5) -> StepResponses:
        """Step response of every load at the probes: ``fine_steps`` steps of ``dt0_s``, then the
        step doubles every ``steps_per_level`` steps, until every probe is within ``settle_tol``
        (relative) of its steady value or ``t_max_s``."""
        self._blocks()
        steady = self.steady()
        scale = max(float(np.abs(steady).max()), 1e-300)
        nl, n = len(self.loads), self.K.shape[0]
        th = np.zeros((nl, n))
        ts, gs = [0.0], [np.zeros((len(self.probe_names), nl))]
        t, dt, k, solves = 0.0, dt0_s, 0, 0
        zero = np.zeros(n)
        while t < t_max_s:
            for j in range(nl):
                th[j] = self._advance(th[j], dt, self.g[j] if k else zero, self.g[j], self.f[j])
            solves += nl
            t += dt
            k += 1
            ts.append(t)
            gs.append(self.P @ th.T)
            if k >= fine_steps and (k - fine_steps) % steps_per_level == 0:
                if np.abs(gs[-1] - steady).max() / scale < settle_tol:
                    break
                dt *= 2.0
        return StepResponses(np.array(ts), np.stack(gs, axis=-1), steady,
                             tuple(ld.name for ld in self.loads), self.probe_names, solves, self.factorizations)

    def simulate(self, inputs: np.ndarray, dt_s: float) -> np.ndarray:
        """Direct backward-Euler time stepping with a uniform step: probe rises after each step
        ``(n_probes, N)`` for inputs ``(n_loads, N)`` held over each step (zero before the first)."""
        self._blocks()
        inputs = np.atleast_2d(np.asarray(inputs, dtype=float))
        F, D = self.F, self.D
        # per-load parts of the right-hand side, so a step is one sparse product and one solve:
        # rhs = M_FF th/dt + E (p_old - p_new) + C p_new
        E = np.column_stack([self._MFD @ self.g[j, D] / dt_s for j in range(len(self.loads))])
        C = np.column_stack([self.f[j, F] - self._KFD @ self.g[j, D] for j in range(len(self.loads))])
        m_dt = (self._MFF / dt_s).tocsr()
        lu = self._factor(dt_s)
        PF, PD = self.P[:, F], self.P[:, D]
        gD = self.g[:, D]
        th = np.zeros(F.size)
        p_old = np.zeros(inputs.shape[0])
        out = np.zeros((len(self.probe_names), inputs.shape[1]))
        for m in range(inputs.shape[1]):
            p = inputs[:, m]
            th = lu.solve(m_dt @ th + E @ (p_old - p) + C @ p)
            out[:, m] = PF @ th + PD @ (p @ gD)
            p_old = p
        return out
