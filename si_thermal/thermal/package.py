"""The GPU package problem: stack geometry + materials + channel cooling + coolant energy balance.

Heat is generated in each die's active layer (flip chip: the transistors face the interposer),
flows up through the die, TIM1 and the lid (and, with a cold plate, TIM2 and the cold-plate base)
into the channels. The channels are not meshed: their footprint is a Robin boundary with the
fin-corrected, entrance-enhanced coefficient ``h_eff(x)`` of :mod:`.cooling` and the coolant
temperature ``T_c(x, y)`` that rises along the flow (:mod:`.coolant`). The board side and all
other surfaces are adiabatic, so all the power reaches the coolant (checked: ``energy_balance``).

Silicon conductivity falls with temperature (``conductivity_temperature_coefficient`` of the
material, Glassbrenner & Slack 1964), so the solve is nonlinear (Newton, :mod:`.heat`); coolant
properties are taken at the mean bulk temperature ``T_in + P / (2 m_dot c_p)``.

The dies share the coolant as the cooling table's ``dies_in`` says: ``series`` (default), one
channel field along x over every die, or ``parallel``, the flow split evenly into one path per die
(split between adjacent dies' centres), each path from the inlet; the paths' pressure drops are
equal and the pump moves the total flow. Within-die spread is reported both ways: max - min and
max - volume mean of each die's active layer.
A large model's first solve starts from the converged fields of a coarse companion mesh (nested
iteration, :mod:`.nested`); the answer is the fine mesh's, to the same tolerance.
Every result carries the discretization error of its Tj and die spread (:mod:`.convergence`);
the default mesh is the cheapest meeting a Tj tolerance. Out of scope: two heated dies sharing one
coolant cavity (stacked dies with inter-tier cooling) — a package has one channel field, on its lid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import dolfinx_solver  # noqa: F401
import numpy as np
from dolfinx import fem
from mpi4py import MPI

from si_thermal import config, paths
from si_thermal.errors import InputError
from si_thermal.thermal import cooling as cool
from si_thermal.thermal.coolant import solve_with_coolant
from si_thermal.thermal import convergence as conv
from si_thermal.thermal.convergence import DEFAULT_TJ_TOL_K, MeshEstimate
from si_thermal.thermal.geometry import COOLANT, TaggedMesh, grid_lines, grid_nodes, mesh_stack, package_geometry
from si_thermal.thermal.heat import DIRECT_MAX_DOFS, HeatProblem, HeatSolution, Region, Robin
from si_thermal.thermal.nested import NESTED_MIN_DOFS, coarse_size, grid_transfer

COOLINGS = ("coldplate", "microchannel")
DEFAULT_MESH_SIZE_M = None  # None: the mesh is chosen for a Tj tolerance (:mod:`.convergence`)
from si_thermal.constants import ZERO_CELSIUS_K as T0


@dataclass(frozen=True)
class PackageResult:
    """One package solve. Temperatures in degC, differences in K, SI otherwise."""

    package: str
    cooling: str
    power_w: float
    inlet_c: float
    tj_max_c: float
    die_delta_t_k: float  # largest within-die junction spread (max - min over one die), K
    r_th_k_per_w: float
    heat_flux_w_per_mm2: float
    coolant_rise_k: float
    coolant_outlet_max_c: float
    pressure_drop_pa: float
    pumping_power_w: float
    flow_l_per_min: float
    reynolds: float
    flow_regime: str
    h_footprint_mean_w_per_m2k: float
    heat_to_coolant_w: float
    energy_balance_error: float  # (heat into coolant - power) / power
    die_max_c: dict
    n_dofs: int
    mesh_size_m: float
    newton_iterations: int
    coolant_iterations: int
    linear_solver: str
    solution: HeatSolution | None = field(default=None, repr=False, compare=False)
    # within-die spread both ways (issue 13): the worst die's max - volume mean of its active layer,
    # and per die {"max_minus_min_k", "max_minus_mean_k", "mean_c"}
    die_max_minus_mean_k: float = float("nan")
    die_spread_k: dict = field(default_factory=dict)
    h_basis: str = ""  # where the channel heat-transfer coefficient comes from
    friction_basis: str = ""
    ceiling: str = ""  # how the channel ceiling is modelled
    channels: int = 0
    # discretization error (:mod:`.convergence`): estimated |Tj - Tj(exact)| and the same for the
    # die spread, K (nan when the model was built without an estimate)
    tj_error_k: float = float("nan")
    die_delta_t_error_k: float = float("nan")
    mesh_note: str = ""

    def to_dict(self) -> dict:
        """The scalar results (JSON-serializable), without the temperature field."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "solution"}


def _region_conductivity(mat) -> float | tuple[float, float, float]:
    k = mat.thermal_conductivity
    if k is None:
        raise InputError(paths.materials_file(), mat.description, "material has no thermal_conductivity")
    return (k, k, mat.thermal_conductivity_z) if mat.thermal_conductivity_z is not None else k


_MESHES: dict[tuple[str, int, str], TaggedMesh] = {}


def _mesh(geom, comm, cell: str = "hexahedron") -> TaggedMesh:
    key = (geom.key(), MPI.Comm.py2f(comm), cell)
    if key not in _MESHES:
        _MESHES[key] = mesh_stack(geom, comm, cell)
    return _MESHES[key]


class PackageModel:
    """A package meshed and set up once for one cooling technology; :meth:`solve` per power."""

    def __init__(self, package_path: str | Path | config.PackageFile, cooling: str, *, comm: MPI.Comm | None = None,
                 mesh_size: float | None = None, degree: int = 1, source: str | Path | None = None,
                 tj_tol_k: float = DEFAULT_TJ_TOL_K, estimate_error: bool = True, max_dofs: int | None = None,
                 cell: str = "hexahedron"):
        """``mesh_size`` (m): in-plane element size; None picks the cheapest mesh of the sequence of
        :mod:`.convergence` whose estimated Tj error meets ``tj_tol_k`` (K) at the file's power.
        Either way the model carries the estimate (``self.estimate``) unless ``estimate_error`` is
        False (benchmarks); ``max_dofs`` bounds the search (default: half the available memory).
        ``cell``: "hexahedron" (default: the cheaper for the same Tj error, measured in
        ``benchmarks/bench_elements.py``) or "tetrahedron"."""
        self.estimate: MeshEstimate | None = None
        if mesh_size is None:
            chosen = _choose_mesh(package_path, cooling, comm, degree, tj_tol_k, max_dofs, source, cell)
            self.__dict__.update(chosen.__dict__)  # the chosen mesh's model, solved and estimated
            return
        # a validated package (the system layer reads the file; ``source`` names it in messages) or,
        # for scripts, a path read here
        if isinstance(package_path, config.PackageFile):
            self.pkg, self.path = package_path, Path(source) if source is not None else None
        else:
            self.path = Path(package_path)
            self.pkg = config.load_package(self.path)
        if cooling not in COOLINGS:
            raise InputError(None, "cooling", f"unknown cooling '{cooling}'; use coldplate or microchannel")
        spec = getattr(self.pkg, cooling)
        if spec is None:
            raise InputError(self.path, cooling, f"the package has no [{cooling}] table")
        if not mesh_size > 0:
            raise InputError(None, "mesh_size", "mesh size must be positive")
        self.cooling, self.spec, self.cell = cooling, spec, cell
        self.comm = comm or MPI.COMM_WORLD
        self.geometry = package_geometry(self.pkg, cooling, mesh_size)
        self.tm = _mesh(self.geometry, self.comm, cell)
        self.channels = self._channels()
        self.die_area_m2 = sum(d.size_x * d.size_y for d in self.pkg.dies)
        regions = []
        self._unit_q: dict[int, float] = {}
        self._junction: dict[str, list[int]] = {}  # die -> active-layer tags (hot spots included)
        for d in self.pkg.dies:
            blocks = self.pkg.power_map(d)  # hot spots or floorplan blocks
            self._junction[d.name] = []
            if f"{d.name}_active" in self.tm.regions:  # the area no block covers
                tag = self.tm.regions[f"{d.name}_active"]
                hot_area = sum(h.size_x * h.size_y for h in blocks)
                hot_power = sum(h.power_fraction for h in blocks)
                background = max(1.0 - hot_power, 0.0) / (d.size_x * d.size_y - hot_area)
                self._unit_q[tag] = d.power_fraction * background / d.active_thickness
                self._junction[d.name].append(tag)
            for i, h in enumerate(blocks):
                hot_tag = self.tm.regions[f"{d.name}_hot{i}"]
                self._unit_q[hot_tag] = d.power_fraction * h.power_fraction / (h.size_x * h.size_y * d.active_thickness)
                self._junction[d.name].append(hot_tag)
        for name, tag in self.tm.regions.items():
            mat_name = self._material_of(name)
            mat = config.material(mat_name, None, self.path, name, local=self.pkg.materials)
            beta = mat.conductivity_temperature_coefficient or 0.0
            regions.append(Region(tag, _region_conductivity(mat), dk_dt_per_k=beta, t_ref_k=293.15,
                                  source_w_per_m3=self._unit_q.get(tag, 0.0), name=name))
        V1 = fem.functionspace(self.tm.mesh, ("Lagrange", 1))
        self.h = fem.Function(V1, name="h_eff")
        self.tc = fem.Function(V1, name="t_coolant")
        self.problem = HeatProblem(self.tm.mesh, self.tm.cell_tags, self.tm.facet_tags, regions,
                                   [Robin(self.tm.boundaries[COOLANT], self.h, self.tc)],
                                   degree=degree, source_file=self.path, space=V1 if degree == 1 else None)
        self._cells = {tag: self.tm.cell_tags.find(tag) for tag in self._unit_q}
        self._previous: tuple | None = None  # (power W, inlet K, T, T_coolant) of the last solve
        self._older: tuple | None = None  # and of the one before
        self._top: np.ndarray | None = None  # dofs on the top face (where h_eff acts)
        self._nested = False  # the first solve started from a coarse mesh's solution
        self._dof_xyz: np.ndarray | None = None
        self._companion = False  # the coarse companion of another model (starts cold)
        self.problem.prepare()  # forms compiled and the matrix pattern made here, in the set-up
        if estimate_error:
            self.estimate = _estimate(self, degree)

    def _material_of(self, region: str) -> str:
        pkg = self.pkg
        fixed = {"substrate": pkg.substrate.material, "interposer": pkg.interposer.material,
                 "tim1": pkg.tim1.material, "lid": pkg.lid.material}
        if pkg.mold is not None:
            fixed["mold"] = pkg.mold.material
        if pkg.tim2 is not None:
            fixed["tim2"] = pkg.tim2.material
        if pkg.coldplate is not None:
            fixed["coldplate"] = pkg.coldplate.material
        if region in fixed:
            return fixed[region]
        for d in pkg.dies:
            if region in (d.name, f"{d.name}_active") or region.startswith(f"{d.name}_hot"):
                return d.material
        raise InputError(self.path, region, "region has no material")

    def _parallel_zones(self) -> list[tuple[float, float]] | None:
        """The x-ranges of the parallel paths (split between adjacent dies), or None in series."""
        if getattr(self.spec, "dies_in", "series") != "parallel" or len(self.pkg.dies) < 2:
            return None
        x0, x1 = self.geometry.cooled[0], self.geometry.cooled[1]
        cx = sorted(d.center_x for d in self.pkg.dies)
        cuts = [x0] + [0.5 * (a + b) for a, b in zip(cx[:-1], cx[1:])] + [x1]
        return list(zip(cuts[:-1], cuts[1:]))

    def _channels(self) -> cool.ChannelArray:
        s, local = self.spec, self.pkg.materials
        wall_material = s.material if self.cooling == "coldplate" else self.pkg.lid.material
        field = "coldplate.material" if self.cooling == "coldplate" else "lid.material"
        k = config.material(wall_material, None, self.path, field, local=local).thermal_conductivity
        k_cover = None
        if s.cover_thickness is not None:
            name = s.cover_material or wall_material
            k_cover = config.material(name, None, self.path, f"{self.cooling}.cover_material",
                                      local=local).thermal_conductivity
        if self.cooling == "coldplate":
            return cool.ChannelArray(s.channel_width, s.fin_height, s.fin_thickness, s.size_x, s.size_y, k,
                                     s.cover_thickness, k_cover)
        return cool.ChannelArray(s.channel_width, s.channel_depth, s.wall_thickness, s.size_x, s.size_y, k,
                                 s.cover_thickness, k_cover)

    def _stated(self) -> dict:
        """What the file states instead of the correlations (wall h, friction factor), as keyword
        arguments of :func:`.cooling.channel_flow`; series and parallel paths both use them."""
        s = self.spec
        stated = None
        if s.heat_transfer_coefficient is not None:
            stated = ((0.0,), (s.heat_transfer_coefficient,))
        elif s.heat_transfer_table is not None:
            stated = (s.heat_transfer_table.x, s.heat_transfer_table.h)
        return {"h_stated": stated, "friction_factor": s.friction_factor,
                "source": f"stated in {self.path.name if self.path else 'the package'} [{self.cooling}]"}

    def _flow(self, props: cool.CoolantProperties) -> cool.ChannelFlow:
        return cool.channel_flow(self.channels, props, self.spec.flow, **self._stated())

    @property
    def n_dofs(self) -> int:
        V = self.problem.V
        return V.dofmap.index_map.size_global * V.dofmap.index_map_bs

    def solve(self, power_w: float, *, inlet_c: float | None = None) -> PackageResult:
        """Solve at GPU power ``power_w`` (W) and coolant inlet ``inlet_c`` (degC, default: the file's)."""
        sol, state, flow, inlet_k = self._solve_field(power_w, inlet_c)
        spec = self.spec
        tj, spread = self._junction_max_spread(sol)
        maxes = {name: max(sol.max_k(t) for t in tags) - T0 for name, tags in self._junction.items()}
        per_die = _die_spreads(sol, self._junction)
        heat = sol.heat_out_w(self.tm.boundaries[COOLANT])
        mean_h = float(np.mean(flow.h_footprint(np.linspace(0, flow.channels.length_m, 200))))
        return PackageResult(
            package=self.pkg.package.name, cooling=self.cooling, power_w=power_w,
            inlet_c=inlet_k - T0, tj_max_c=tj, die_delta_t_k=spread,
            r_th_k_per_w=(tj + T0 - inlet_k) / power_w,
            heat_flux_w_per_mm2=power_w / (self.die_area_m2 * 1e6),
            coolant_rise_k=state.outlet_mixed_k - inlet_k, coolant_outlet_max_c=state.outlet_max_k - T0,
            pressure_drop_pa=flow.pressure_drop_pa, pumping_power_w=flow.pumping_power_w,
            flow_l_per_min=spec.flow * 6e4, reynolds=flow.reynolds, flow_regime=flow.regime,
            h_footprint_mean_w_per_m2k=mean_h, heat_to_coolant_w=heat,
            energy_balance_error=(heat - power_w) / power_w, die_max_c=maxes, n_dofs=self.n_dofs,
            mesh_size_m=self.geometry.mesh_size_m, newton_iterations=sol.iterations,
            coolant_iterations=state.iterations, linear_solver=sol.linear_solver, solution=sol,
            h_basis=flow.h_basis, friction_basis=flow.friction_basis, ceiling=self.channels.ceiling,
            channels=self.channels.count,
            die_max_minus_mean_k=max(d["max_minus_mean_k"] for d in per_die.values()), die_spread_k=per_die,
            **self._error_fields(tj + T0 - inlet_k))

    def _junction_max_spread(self, sol: HeatSolution) -> tuple[float, float]:
        """Tj (degC) and the largest within-die spread max - min over one die's active layer (K)."""
        # the articles' "die temperature gradient": max - min over one die, the worst die; the
        # dies differ further by the coolant's rise between them
        ext = {name: (max(sol.max_k(t) for t in tags), min(sol.min_k(t) for t in tags))
               for name, tags in self._junction.items()}
        return max(hi for hi, _ in ext.values()) - T0, max(hi - lo for hi, lo in ext.values())

    def _solve_field(self, power_w: float, inlet_c: float | None):
        """The coupled solve: (solution, coolant state, channel flow, inlet K)."""
        if not power_w > 0:
            raise InputError(None, "power", f"GPU power must be positive, got {power_w:g} W")
        spec = self.spec
        inlet_k = spec.inlet if inlet_c is None else inlet_c + T0
        props_in = cool.coolant_properties(spec.coolant, inlet_k, self.pkg.materials)
        cool.check_boiling(props_in, inlet_k, power_w, spec.flow, self.path, f"{self.cooling}.flow")
        rise = power_w / (props_in.density_kg_m3 * spec.flow * props_in.specific_heat_j_kgk)
        props = cool.coolant_properties(spec.coolant, inlet_k + rise / 2, self.pkg.materials)
        zones = self._parallel_zones()
        if zones is None:  # series: one channel field along x over every die
            flow = self._flow(props)
            x0 = self.geometry.cooled[0]
            self._set_h(lambda x: flow.h_footprint(np.maximum(x[0] - x0, 0.0)))
            coupling_kw = {}
        else:  # parallel: one path per die, the flow split evenly, each path from the inlet
            flow, h_of_x = _parallel_flow(self.channels, props, spec.flow, zones, **self._stated())
            self._set_h(h_of_x)
            coupling_kw = {"zone_starts_m": [z[0] for z in zones],
                           "zone_flow_fractions": [1.0 / len(zones)] * len(zones)}
        prev = self._previous
        # the operator changes with h (coolant properties) and k(T): one assembly per solve, the
        # multigrid hierarchy of the first solve kept for all later ones
        self.problem.reset_matrix(keep_preconditioner=prev is not None)
        older = self._older if prev is not None else None
        if older is not None and older[1] == prev[1] == inlet_k and older[0] != prev[0]:
            # warm start from the last two solutions at this inlet: linear in power through both
            # (Tj(P) bends slowly: the start is off by the curvature only)
            w = (power_w - prev[0]) / (prev[0] - older[0])
            self.problem.u.x.array[:] = prev[2] + w * (prev[2] - older[2])
            self.tc.x.array[:] = prev[3] + w * (prev[3] - older[3])
        elif prev is not None:  # warm start: the last solution, its rise scaled to this power
            scale = power_w / prev[0]
            self.problem.u.x.array[:] = inlet_k + (prev[2] - prev[1]) * scale
            self.tc.x.array[:] = inlet_k + (prev[3] - prev[1]) * scale
        elif self.n_dofs >= NESTED_MIN_DOFS and not self._companion:
            self._coarse_start(power_w, inlet_k)
        else:
            self.tc.x.array[:] = inlet_k
        nested = prev is None and self._nested
        if nested:
            # near the fixed point (k(T) linearised at the start, the coolant nearly converged) the
            # plain iteration contracts fast; Anderson's mixing of inexact iterates only added steps
            # (measured at 459k DOFs: 31 Krylov iterations in 7 steps against 46 in 9)
            coupling_kw["depth"] = 0
        q = self.problem.q
        q.x.array[:] = 0.0
        for tag, unit in self._unit_q.items():
            q.x.array[self._cells[tag]] = unit * power_w
        q.x.scatter_forward()
        sol, state = solve_with_coolant(self.problem, self.tm.boundaries[COOLANT], self.h, self.tc,
                                        self.geometry.cooled, flow.capacity_rate_w_k, inlet_k,
                                        warm_start=prev is not None or nested, **coupling_kw)
        self._older, self._previous = prev, (power_w, inlet_k, self.problem.u.x.array.copy(), self.tc.x.array.copy())
        return sol, state, flow, inlet_k

    def _set_h(self, h_of_x) -> None:
        """``h_eff`` (W/(m^2 K)) at the dofs of the stack's top face, the only ones the coolant's
        Robin term reads; zero elsewhere (evaluating the correlation over the whole mesh cost 1-2 s
        at 1 M DOFs)."""
        if self._top is None:
            xyz = self._xyz()
            z_top = grid_lines(self.geometry)[2][-1]
            self._top = np.flatnonzero(np.abs(xyz[:, 2] - z_top) <= 1e-9 * max(1.0, z_top))
            self._top_x = np.ascontiguousarray(xyz[self._top].T)
        self.h.x.array[:] = 0.0
        self.h.x.array[self._top] = h_of_x(self._top_x)

    def _xyz(self) -> np.ndarray:
        """Coordinates (m) of the P1 dofs (local and ghost), tabulated once."""
        if self._dof_xyz is None:
            self._dof_xyz = self.h.function_space.tabulate_dof_coordinates()
        return self._dof_xyz

    def _coarse_start(self, power_w: float, inlet_k: float) -> None:
        """Set the temperature and coolant fields to the converged solution of a coarse companion
        mesh (:mod:`.nested`): the first solve of a large model then starts near its answer."""
        size = coarse_size(self.geometry.mesh_size_m,
                           lambda s: grid_nodes(package_geometry(self.pkg, self.cooling, s)), DIRECT_MAX_DOFS)
        coarse = PackageModel(self.pkg, self.cooling, comm=self.comm, mesh_size=size, source=self.path,
                              estimate_error=False, cell=self.cell)
        coarse._companion = True
        coarse._solve_field(power_w, inlet_k - T0)
        lines = grid_lines(coarse.geometry)
        same = self.problem.V is self.tc.function_space
        grid_transfer(coarse.problem.u, lines, self.problem.u, self._xyz() if same else None)
        grid_transfer(coarse.tc, lines, self.tc, self._xyz())
        self._nested = True

    def _error_fields(self, rise_k: float) -> dict:
        e = self.estimate
        if e is None:
            return {"mesh_note": f"{self.geometry.mesh_size_m * 1e3:.3g} mm, no error estimate"}
        what = f"chosen for {e.tolerance_k:g} K on Tj" if e.tolerance_k is not None else "size given"
        return {"tj_error_k": e.tj_error_at(rise_k), "die_delta_t_error_k": e.spread_error_at(rise_k),
                "mesh_note": f"{e.mesh_size_m * 1e3:.3g} mm ({self.n_dofs} DOFs, {what}); error: {e.method}"}


def _calibrate(model: PackageModel) -> tuple[float, float, float]:
    """(Tj degC, die spread K, Tj - T_in K) of ``model`` at the file's power (no other post-processing)."""
    sol, _, _, inlet_k = model._solve_field(float(model.pkg.package.power), None)
    tj, spread = model._junction_max_spread(sol)
    return tj, spread, tj + T0 - inlet_k


def _estimate(model: PackageModel, degree: int) -> MeshEstimate:
    """Error estimate of an explicitly sized model from the two coarser meshes of its sequence."""
    sizes = conv.sequence(model.geometry.mesh_size_m)
    models = [PackageModel(model.pkg, model.cooling, comm=model.comm, mesh_size=h, degree=degree,
                           source=model.path, estimate_error=False, cell=model.cell) for h in sizes[:-1]] + [model]
    runs = [_calibrate(m) for m in models]
    dofs = [m.n_dofs for m in models]
    return MeshEstimate(sizes[-1], conv.error([r[0] for r in runs]), conv.error([r[1] for r in runs]), None,
                        float(model.pkg.package.power), runs[-1][2], tuple(sizes), tuple(r[0] for r in runs),
                        tuple(dofs))


def _choose_mesh(path, cooling, comm, degree, tol_k, max_dofs, source=None, cell="hexahedron") -> PackageModel:
    """The coarsest model of the sequence whose Tj error estimate meets ``tol_k``."""
    if not (tol_k > 0 and np.isfinite(tol_k)):
        raise InputError(None, "--tj-tol-k", f"the Tj tolerance must be a positive number of kelvin, got {tol_k}")
    comm = comm or MPI.COMM_WORLD
    limit = max_dofs if max_dofs is not None else conv.max_dofs_default()
    sizes, tjs, spreads, dofs = conv.sequence(), [], [], []
    pkg = path if isinstance(path, config.PackageFile) else config.load_package(Path(path))
    for h in sizes:
        if grid_nodes(package_geometry(pkg, cooling, h)) > limit:
            break
        model = PackageModel(pkg, cooling, comm=comm, mesh_size=h, degree=degree, estimate_error=False,
                             source=source if isinstance(path, config.PackageFile) else path, cell=cell)
        tj, spread, rise = _calibrate(model)
        tjs.append(tj)
        spreads.append(spread)
        dofs.append(model.n_dofs)
        if conv.error(tjs) <= tol_k:
            model.estimate = MeshEstimate(h, conv.error(tjs), conv.error(spreads), tol_k,
                                          float(pkg.package.power), rise, tuple(sizes[:len(tjs)]),
                                          tuple(tjs), tuple(dofs))
            return model
    raise conv.unreachable(tol_k, sizes, tjs, dofs, limit)


def _parallel_flow(channels: cool.ChannelArray, props, flow_m3_s: float, zones: list[tuple[float, float]],
                   **stated):
    """Parallel paths: each zone a channel field of its own length carrying ``flow / n``; the
    paths see the same pressure drop (equal split of identical paths), the pump moves the total flow.
    ``stated``: the file's wall h and friction factor (:func:`.cooling.channel_flow` keywords), which
    hold on every path. Returns (the first path's flow with the whole-array pressure drop, pumping
    power and capacity rate, h(x) on the footprint)."""
    from dataclasses import replace

    n = len(zones)
    flows = [cool.channel_flow(replace(channels, length_m=b - a), props, flow_m3_s / n, **stated) for a, b in zones]
    starts = np.array([a for a, _ in zones])
    dp = max(f.pressure_drop_pa for f in flows)

    def h_of_x(x):
        iz = np.clip(np.searchsorted(starts, x[0] + 1e-12, side="right") - 1, 0, n - 1)
        out = np.empty(x.shape[1])
        for z, f in enumerate(flows):
            m = iz == z
            out[m] = f.h_footprint(np.maximum(x[0][m] - starts[z], 0.0))
        return out

    whole = replace(flows[0], pressure_drop_pa=dp, pumping_power_w=dp * flow_m3_s, flow_m3_s=flow_m3_s,
                    capacity_rate_w_k=sum(f.capacity_rate_w_k for f in flows))
    return whole, h_of_x


def _die_spreads(sol: HeatSolution, junction: dict[str, list[int]]) -> dict:
    """Per die: max - min and max - mean (volume mean over the active layer and its hot spots), K."""
    p = sol._problem
    out = {}
    for name, tags in junction.items():
        vols = [p.volume(t) for t in tags]
        mean = sum(sol.mean_k(t) * v for t, v in zip(tags, vols)) / sum(vols)
        tmax, tmin = max(sol.max_k(t) for t in tags), min(sol.min_k(t) for t in tags)
        out[name] = {"max_minus_min_k": tmax - tmin, "max_minus_mean_k": tmax - mean, "mean_c": mean - T0}
    return out


def solve_package(package_path: str | Path, cooling: str, power_w: float, *, inlet_c: float | None = None,
                  comm: MPI.Comm | None = None, mesh_size: float | None = None) -> PackageResult:
    """Solve the package of ``package_path`` under ``cooling`` ("coldplate" | "microchannel") at
    ``power_w``; returns Tj max, die spread, R_th (junction to coolant inlet), coolant rise, pressure
    drop and pumping power (see :class:`PackageResult`)."""
    return PackageModel(package_path, cooling, comm=comm, mesh_size=mesh_size).solve(power_w, inlet_c=inlet_c)
