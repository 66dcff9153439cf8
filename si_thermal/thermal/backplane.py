"""The backplane region problem: temperature field, thermoelastic response, via and joint fatigue,
and fleet reliability of one stackup file with a ``[backplane]`` section.

Chain (each step a function of the previous one's result):

1. Homogenized stackup (:mod:`laminate`): effective orthotropic stiffness and CTE (Sun & Li 1988),
   effective conductivity (in-plane: thickness mean of the layers; through the thickness: series
   sum; copper layers as copper/resin mixtures by coverage, the parallel rule of mixtures).
2. Geometry (gmsh OCC): a box of the region and the board's thickness; the screw discs and
   stiffener strips are fragments of its bottom face, the connector fields fragments of its top face,
   so every boundary condition acts on exactly its stated area; cells are refined under the
   connector fields.
3. Steady heat conduction (:mod:`heat`, P2): the stated edge-to-edge gradient as Dirichlet
   temperatures on the x = 0 and x = L edges, connector fields as uniform heat fluxes (power / area)
   into the top face, convection on both faces to air at the mean edge temperature; the y faces are
   cuts of a larger board (adiabatic, traction free).
4. Thermoelasticity (:mod:`elastic`, P2 tetrahedra) with ``dT = T - T_idle``; mounting as stated:
   screws clamp their discs of the bottom face (all displacement zero: a rigid rack frame),
   stiffeners hold their strips of the bottom face flat (out-of-plane displacement zero). Warpage
   (best-fit plane removed) over the top face.
5. The via column: the centre of the connector field whose through-thickness mean temperature is
   highest. Along it: the mean swing, the thickness change (the board's z-expansion that the barrel
   must follow), in-plane stresses, interlaminar peel and shear, and the copper and dielectric layer
   stresses recovered from the homogenized strain (:func:`laminate.layer_stresses`). Screw discs are
   stress singularities of the clamped-disc idealization; values there are not reported.
6. Reliability: IPC-TR-579 barrel strain with the FEM thickness change as the board's expansion (and
   the closed form on the laminate z-CTE, for comparison); Engelmaier on the connector joints with
   the FEM stretch of the top face under the connector and the connector field's mean temperature;
   Weibull of the weakest of all plated holes; fleet events and availability from
   :func:`si_thermal.reliability.fleet.compare_cable_vs_backplane`.

A power cycle is idle (uniform ``ambient``, stress free) to full load (the solved field), repeated
``cycles_per_day`` times a day.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from dataclasses import fields as dc_fields
from pathlib import Path

import numpy as np

from si_thermal import config
from si_thermal.errors import InputError
from si_thermal.reliability import fleet as fleet_mod
from si_thermal.reliability import pth as pth_mod
from si_thermal.constants import HOURS_PER_YEAR
from si_thermal.reliability import acceleration, solder
from si_thermal.reliability.weibull import Weibull
from si_thermal.thermal import laminate as lam

# mesh levels: (element size away from the connector fields, element size under them), m
MESHES = {"coarse": (24e-3, 4e-3), "medium": (16e-3, 2.7e-3), "fine": (10e-3, 2e-3)}
JOINT_WEIBULL_SHAPE = 4.0  # Engelmaier: thermal-cycling solder fatigue populations, beta about 4
TAG_BOARD, TAG_COLD, TAG_HOT, TAG_TOP, TAG_BOTTOM = 1, 1, 2, 3, 4
TAG_SPOT0, TAG_SCREW0, TAG_STIFF0 = 100, 200, 300


@dataclass(frozen=True)
class BackplaneResult:
    """What ``si-thermal backplane`` reports (SI unless the name says otherwise)."""

    stackup: str
    layers: int
    thickness_mm: float
    cte_xy_ppm_per_k: float
    cte_z_ppm_per_k: float
    e_xy_gpa: float
    e_z_gpa: float
    gradient_k: float
    t_max_c: float
    delta_t_hot_k: float  # hottest point minus idle temperature: the cycle's swing there
    above_tg: bool
    max_warpage_um: float
    max_displacement_um: float
    inplane_stress_mpa: float  # homogenized board, largest |sigma_xx|, |sigma_yy| in the via column
    copper_inplane_stress_mpa: float  # recovered in the copper layers along the via column
    dielectric_inplane_stress_mpa: float
    via_delta_t_k: float  # mean temperature swing along the via column
    z_strain: float  # thickness change / thickness along the via column
    interlaminar_peel_mpa: float  # largest |sigma_zz| in the via column
    interlaminar_shear_mpa: float  # largest sqrt(tau_xz^2 + tau_yz^2) in the via column
    pth_strain: float  # IPC-TR-579 barrel strain with the FEM thickness change as the board's expansion
    pth_strain_closed_form: float  # same, laminate z-CTE and the via column's swing
    pth_plastic: bool
    pth_cycles_to_failure: float  # median, one hole
    pth_aspect_ratio: float
    pth_within_validity: bool
    joint_cycles_to_failure: float  # Engelmaier, connector joints (inf when no connector given)
    cycles_per_day: float
    years_to_1pct_failure: float  # of backplanes, all wear-out modes of the fleet file; inf when none
    joint_years_to_1pct_failure: float
    joint_tc1_cycles_for_5_years: float  # IPC-9701 TC1 (0/100 degC) cycles equal to 5 field years
    fleet_racks: int
    mtbf_h: float  # backplane, constant-rate modes
    failures_per_month: float  # backplane, mean over the horizon (random + wear-out)
    availability: float  # backplane rack, mean over the horizon
    dofs_thermal: int
    dofs_elastic: int
    solve_time_s: float  # mesh to fleet, wall clock
    thermal_time_s: float  # heat solve
    elastic_time_s: float  # elastic assembly + solve
    ranks: int
    comparison: dict = field(default_factory=dict)
    fields: object = field(default=None, repr=False, compare=False)  # (heat, elastic) solutions

    def to_dict(self) -> dict:
        """JSON-ready: the solution fields left out, infinities (no failure within the model) as None."""
        return _clean({f.name: getattr(self, f.name) for f in dc_fields(self) if f.name != "fields"})


def _clean(v):
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if isinstance(v, (float, np.floating)):
        return float(v) if np.isfinite(v) else None
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def _conductivity(stackup: config.StackupFile) -> tuple[float, float, float]:
    """Effective (k_x, k_y, k_z) of the stack, W/(m K): parallel in-plane, series through it."""
    lib = config.load_materials()
    t, kp, kz = [], [], []
    for i, layer in enumerate(stackup.layers):
        mat = lib[layer.material]
        if layer.type == "dielectric":
            k_in = mat.require(layer.material, "thermal_conductivity")
            k_z = mat.thermal_conductivity_z or k_in
        else:
            fill_name = lam._fill_material(stackup.layers, i)
            fill = lib[fill_name]
            k_f = fill.require(fill_name, "thermal_conductivity")
            k_fz = fill.thermal_conductivity_z or k_f
            k_cu = mat.require(layer.material, "thermal_conductivity")
            k_in = layer.coverage * k_cu + (1 - layer.coverage) * k_f
            k_z = layer.coverage * k_cu + (1 - layer.coverage) * k_fz
        t.append(layer.thickness)
        kp.append(k_in)
        kz.append(k_z)
    t = np.array(t)
    k_in = float(t @ np.array(kp) / t.sum())
    return k_in, k_in, float(t.sum() / np.sum(t / np.array(kz)))


def _check(name: str, value: float, path) -> None:
    if not np.isfinite(value) or value < 0:
        raise InputError(path, name, f"must be a non-negative number, got {value}")


def analyze_backplane(stackup_path: str | Path, *, gradient_k: float | None = None,
                      cycles_per_day: float | None = None, fleet_racks: int = 1000, comm=None,
                      mesh: str = "coarse", fleet_file: str | Path | None = None, months: int | None = None,
                      strain_distribution_factor: float = 2.5, solver: str = "auto",
                      keep_fields: bool = False) -> BackplaneResult:
    """Thermal + elastic + reliability analysis of a backplane region (see the module docstring).

    ``gradient_k`` and ``cycles_per_day`` override the file's ``[backplane]`` values. ``mesh`` is
    "coarse" (seconds), "medium" or "fine". ``comm`` is the MPI communicator (default COMM_WORLD).
    ``solver`` is the elastic solver: "auto", "direct" (MUMPS) or "iterative" (CG + GAMG).
    """
    path = Path(stackup_path)
    stack = config.load_stackup(path)
    if stack.backplane is None:
        raise InputError(path, "backplane", "missing [backplane] table (region, gradient, mounting, via geometry)")
    bp = stack.backplane
    gradient = bp.gradient if gradient_k is None else float(gradient_k)
    cpd = bp.cycles_per_day if cycles_per_day is None else float(cycles_per_day)
    _check("--gradient-k", gradient, path if gradient_k is None else None)
    _check("--cycles-per-day", cpd, path if cycles_per_day is None else None)
    if fleet_racks < 1:
        raise InputError(None, "--fleet-racks", f"must be at least 1, got {fleet_racks}")
    if mesh not in MESHES:
        raise InputError(None, "--mesh", f"unknown mesh '{mesh}'; use one of {', '.join(MESHES)}")
    layers = lam.layer_properties(stack)  # a missing mechanical property fails here, before any FEM

    import dolfinx_solver  # noqa: F401
    from dolfinx import fem
    from mpi4py import MPI

    from si_thermal.thermal import elastic as el
    from si_thermal.thermal import heat

    comm = comm or MPI.COMM_WORLD
    t0 = time.perf_counter()

    eff = lam.homogenize(layers)
    h = eff.thickness_m
    msh, cell_tags, facet_tags = region_mesh(bp, h, MESHES[mesh], comm)

    import ufl

    ds = ufl.Measure("ds", domain=msh, subdomain_data=facet_tags)
    t_idle = bp.ambient
    t_air = t_idle + gradient / 2
    bcs = [heat.Dirichlet(TAG_COLD, t_idle), heat.Dirichlet(TAG_HOT, t_idle + gradient),
           heat.Robin(TAG_TOP, bp.heat_transfer_coefficient, t_air),
           heat.Robin(TAG_BOTTOM, bp.heat_transfer_coefficient, t_air)]
    for i, st in enumerate(bp.stiffeners):  # the bottom face under a stiffener still convects
        bcs.append(heat.Robin(TAG_STIFF0 + i, bp.heat_transfer_coefficient, t_air))
    for i, spot in enumerate(bp.hot_spots):
        bcs.append(heat.Neumann(TAG_SPOT0 + i, spot.power / (spot.size_x * spot.size_y)))
    k = _conductivity(stack)
    t1 = time.perf_counter()
    hsol = heat.solve_heat(msh, cell_tags, facet_tags, [heat.Region(TAG_BOARD, k)], bcs, degree=2)
    t_thermal = comm.allreduce(time.perf_counter() - t1, op=MPI.MAX)
    temp = hsol.temperature
    t_max = hsol.max_k()
    tg = lam.glass_transition_k(stack)
    above = t_max > tg
    if above:  # conservative: the whole region with the above-Tg laminate
        layers = lam.layer_properties(stack, above_tg=True)
        eff = lam.homogenize(layers)

    # elastic: dT = T - T_idle; screws clamp their discs, stiffeners hold their strips flat
    dtf = fem.Function(temp.function_space, name="delta_t")
    dtf.x.array[:] = temp.x.array - t_idle
    fixes = [el.Fix(TAG_SCREW0 + i, (0, 1, 2), name=f"backplane.screws[{i}]") for i in range(len(bp.screws))]
    fixes += [el.Fix(TAG_STIFF0 + i, (2,), name=f"backplane.stiffeners[{i}]") for i in range(len(bp.stiffeners))]
    t1 = time.perf_counter()
    esol = el.solve_elastic(msh, cell_tags, {TAG_BOARD: el.ElasticMaterial.from_properties(eff)}, dtf, fixes,
                            facet_tags=facet_tags, degree=2, solver=solver)
    t_elastic = comm.allreduce(time.perf_counter() - t1, op=MPI.MAX)
    stress, strain = esol.stress(), esol.strain()

    # the via column at the hottest connector field (or the hottest node): through-thickness values
    x0, y0, spot = _hot_column(bp, hsol, comm)
    zs = np.linspace(0.0, h, 9)
    col = np.column_stack([np.full_like(zs, x0), np.full_like(zs, y0), zs])
    t_col = _eval(temp, col, comm)[:, 0]
    u_col = _eval(esol.displacement, col[[0, -1]], comm)
    s_col, e_col = _eval(stress, col[1:-1], comm), _eval(strain, col[1:-1], comm)
    dt_via = float(np.mean(t_col) - t_idle)  # mean swing along the barrel
    z_strain = float((u_col[1, 2] - u_col[0, 2]) / h)  # the board's thickness change over the barrel
    dt_top = float(t_col[-1] - t_idle)
    dt_hot = t_max - t_idle

    inplane_board = float(np.abs(s_col[:, [0, 1]]).max())
    peel = float(np.abs(s_col[:, 2]).max())
    shear = float(np.hypot(s_col[:, 3], s_col[:, 4]).max())
    is_cu = np.array([p.copper_fraction > 0 for p in layers])
    cu_max, d_max = 0.0, 0.0
    for e_pt, s_pt, t_pt in zip(e_col, s_col, t_col[1:-1]):
        ls = lam.layer_stresses(layers, e_pt[[0, 1, 5]], s_pt[[2, 3, 4]], t_pt - t_idle)
        mag = np.max(np.abs(ls[:, [0, 1]]), axis=1)
        cu_max = max(cu_max, float(mag[is_cu].max()) if is_cu.any() else 0.0)
        d_max = max(d_max, float(mag[~is_cu].max()) if (~is_cu).any() else 0.0)

    # plated holes: the FEM thickness change as the board's expansion, vs the closed form
    copper = pth_mod.BarrelCopper.from_material("copper", config.load_materials()["copper"])
    geom = pth_mod.PthGeometry(h, bp.via_drill, bp.via_plating)
    if dt_via > 0:
        pth_fem = pth_mod.pth_fatigue(dt_via, z_strain / dt_via, eff.e_z_pa, geom, copper,
                                      strain_distribution_factor=strain_distribution_factor)
    else:
        pth_fem = pth_mod.pth_fatigue(0.0, eff.cte_z_per_k, eff.e_z_pa, geom, copper)
    pth_cf = pth_mod.pth_fatigue(max(dt_via, 0.0), eff.cte_z_per_k, eff.e_z_pa, geom, copper,
                                 strain_distribution_factor=strain_distribution_factor)

    # connector joints: Engelmaier, with the board's top-face stretch under the connector from FEM
    joint_n = np.inf
    dt_joint = dt_top
    if spot is not None:  # the connector sits on the field: its mean temperature rise
        one = fem.Constant(msh, 1.0)
        area = comm.allreduce(fem.assemble_scalar(fem.form(one * ds(TAG_SPOT0 + spot))), op=MPI.SUM)
        t_mean = comm.allreduce(fem.assemble_scalar(fem.form(temp * ds(TAG_SPOT0 + spot))), op=MPI.SUM) / area
        dt_joint = t_mean - t_idle
    if bp.connector is not None and dt_joint > 0:
        name = bp.connector.housing_material
        a_housing = config.load_materials()[name].require(name, "cte_xy")
        half = bp.connector.length / 2
        ends = np.array([[x0 - half, y0, h], [x0 + half, y0, h], [x0, y0 - half, h], [x0, y0 + half, h]])
        ends[:, 0] = np.clip(ends[:, 0], 0.0, bp.region_length)
        ends[:, 1] = np.clip(ends[:, 1], 0.0, bp.region_width)
        u_ends = _eval(esol.displacement, ends, comm)
        stretch = max((u_ends[1, 0] - u_ends[0, 0]) / (ends[1, 0] - ends[0, 0]),
                      (u_ends[3, 1] - u_ends[2, 1]) / (ends[3, 1] - ends[2, 1]))
        joint_n = solder.engelmaier_cycles(half, bp.connector.joint_height, stretch / dt_joint - a_housing,
                                           dt_joint, t_idle - 273.15 + dt_joint / 2, float(np.clip(cpd, 1, 1000)))

    # test-to-field: IPC-9701 TC1 (0 to 100 degC, 10-min dwells: 36 cycles a day) cycles that consume
    # as much joint life as five field years (Norris-Landzberg, SAC constants)
    tc1_5y = np.inf
    if bp.connector is not None and dt_joint > 0 and cpd > 0:
        af = float(acceleration.norris_landzberg_af(100.0, dt_joint, 36.0, float(np.clip(cpd, 1e-3, None)),
                                                    373.15, t_idle + dt_joint, acceleration.SAC))
        tc1_5y = 5 * 365 * cpd / af

    # fleet: wear-out from the FEM-based PTH life, random rates and repair times from the fleet file
    cmp = fleet_mod.compare_cable_vs_backplane(fleet_racks, fleet_file=fleet_file, months=months,
                                               cycles_per_day=cpd, pth_median_cycles=pth_fem.cycles_to_failure,
                                               joint_median_cycles=joint_n)
    wear = [m for m in cmp.backplane.modes if m.life_h is not None]
    years_1pct = fleet_mod.first_failure_quantile([m.life_h for m in wear], 0.01) / HOURS_PER_YEAR
    joint_years = np.inf
    if np.isfinite(joint_n) and cpd > 0:
        joint_years = float(Weibull.from_median(joint_n, JOINT_WEIBULL_SHAPE).quantile(0.01) / cpd / 365.0)

    return BackplaneResult(
        stackup=stack.stackup.name, layers=sum(layer.type == "copper" for layer in stack.layers),
        thickness_mm=h * 1e3, cte_xy_ppm_per_k=eff.cte_x_per_k * 1e6, cte_z_ppm_per_k=eff.cte_z_per_k * 1e6,
        e_xy_gpa=eff.e_x_pa / 1e9, e_z_gpa=eff.e_z_pa / 1e9, gradient_k=gradient,
        t_max_c=t_max - 273.15, delta_t_hot_k=dt_hot, above_tg=bool(above),
        max_warpage_um=esol.warpage_m() * 1e6, max_displacement_um=esol.max_displacement_m() * 1e6,
        inplane_stress_mpa=inplane_board / 1e6, copper_inplane_stress_mpa=cu_max / 1e6,
        dielectric_inplane_stress_mpa=d_max / 1e6, via_delta_t_k=dt_via,
        z_strain=z_strain, interlaminar_peel_mpa=peel / 1e6, interlaminar_shear_mpa=shear / 1e6,
        pth_strain=pth_fem.strain_range, pth_strain_closed_form=pth_cf.strain_range, pth_plastic=pth_fem.plastic,
        pth_cycles_to_failure=pth_fem.cycles_to_failure, pth_aspect_ratio=geom.aspect_ratio,
        pth_within_validity=geom.within_validity, joint_cycles_to_failure=float(joint_n), cycles_per_day=cpd,
        years_to_1pct_failure=years_1pct, joint_years_to_1pct_failure=joint_years,
        joint_tc1_cycles_for_5_years=tc1_5y, fleet_racks=fleet_racks,
        mtbf_h=cmp.backplane.mtbf_random_h, failures_per_month=cmp.backplane.mean_events_per_month,
        availability=cmp.backplane.availability,
        dofs_thermal=temp.function_space.dofmap.index_map.size_global, dofs_elastic=esol.num_dofs,
        solve_time_s=comm.allreduce(time.perf_counter() - t0, op=MPI.MAX), thermal_time_s=t_thermal,
        elastic_time_s=t_elastic, ranks=comm.size, comparison=cmp.to_dict(),
        fields=(hsol, esol) if keep_fields else None,
    )


def region_mesh(bp: config.BackplaneLoad, thickness_m: float, sizes_m: tuple[float, float], comm):
    """gmsh model of the region: a box of the board's thickness whose bottom face carries the screw
    discs and stiffener strips and whose top face carries the connector fields as their own surfaces
    (OCC fragments), so each boundary condition acts on exactly its stated area. Returns the dolfinx
    mesh, cell tags (all ``TAG_BOARD``) and facet tags (``TAG_*`` constants), distributed over ``comm``."""
    import threading

    import gmsh
    from dolfinx.io import gmsh as dgmsh

    lx, ly, h = bp.region_length, bp.region_width, thickness_m
    size_m, fine_spot = sizes_m
    error = None
    if comm.rank == 0:
        gmsh.initialize(interruptible=threading.current_thread() is threading.main_thread())
        gmsh.option.setNumber("General.Terminal", 0)
        try:
            gmsh.model.add("backplane_region")
            occ = gmsh.model.occ
            box = occ.addBox(0, 0, 0, lx, ly, h)
            tools = [occ.addDisk(s.x, s.y, 0.0, s.diameter / 2, s.diameter / 2) for s in bp.screws]
            for st in bp.stiffeners:
                if st.axis == "x":
                    y0, y1 = max(st.position - st.width / 2, 0.0), min(st.position + st.width / 2, ly)
                    tools.append(occ.addRectangle(0, y0, 0.0, lx, y1 - y0))
                else:
                    x0, x1 = max(st.position - st.width / 2, 0.0), min(st.position + st.width / 2, lx)
                    tools.append(occ.addRectangle(x0, 0, 0.0, x1 - x0, ly))
            for sp in bp.hot_spots:
                x0, x1 = max(sp.x - sp.size_x / 2, 0.0), min(sp.x + sp.size_x / 2, lx)
                y0, y1 = max(sp.y - sp.size_y / 2, 0.0), min(sp.y + sp.size_y / 2, ly)
                tools.append(occ.addRectangle(x0, y0, h, x1 - x0, y1 - y0))
            occ.fragment([(3, box)], [(2, t) for t in tools])
            occ.synchronize()
            vols = gmsh.model.getEntities(3)
            gmsh.model.addPhysicalGroup(3, [v[1] for v in vols], TAG_BOARD)
            faces = gmsh.model.getBoundary(vols, oriented=False)
            groups: dict[int, list[int]] = {}
            eps = 1e-6 * max(lx, ly)
            for _, f in faces:
                cx, cy, cz = gmsh.model.occ.getCenterOfMass(2, f)
                tag = _classify(bp, cx, cy, cz, lx, h, eps)
                if tag is not None:
                    groups.setdefault(tag, []).append(f)
            for tag, fs in groups.items():
                gmsh.model.addPhysicalGroup(2, fs, tag)
            gmsh.option.setNumber("Mesh.CharacteristicLengthMax", size_m)
            # connector fields: finer cells to resolve the steep through-thickness temperature
            # under the heat input
            boxes = []
            for sp in bp.hot_spots:
                f = gmsh.model.mesh.field.add("Box")
                gmsh.model.mesh.field.setNumber(f, "VIn", fine_spot)
                gmsh.model.mesh.field.setNumber(f, "VOut", size_m)
                for key, val in (("XMin", sp.x - sp.size_x / 2), ("XMax", sp.x + sp.size_x / 2),
                                 ("YMin", sp.y - sp.size_y / 2), ("YMax", sp.y + sp.size_y / 2),
                                 ("ZMin", -h), ("ZMax", 2 * h), ("Thickness", size_m)):
                    gmsh.model.mesh.field.setNumber(f, key, val)
                boxes.append(f)
            if boxes:
                fmin = gmsh.model.mesh.field.add("Min")
                gmsh.model.mesh.field.setNumbers(fmin, "FieldsList", boxes)
                gmsh.model.mesh.field.setAsBackgroundMesh(fmin)
            fine = [(0, p[1]) for t in tools[: len(bp.screws)] for p in gmsh.model.getBoundary([(2, t)], recursive=True)]
            small = min([s.diameter / 2 for s in bp.screws] + [size_m])
            if fine:
                gmsh.model.mesh.setSize(fine, small)
            gmsh.model.mesh.generate(3)
        except Exception as err:  # gmsh raises plain Exceptions
            error = f"gmsh cannot mesh the backplane region: {err}"
    error = comm.bcast(error, root=0)
    if error:
        if comm.rank == 0:
            gmsh.finalize()
        raise InputError(None, "backplane", error)
    try:
        data = dgmsh.model_to_mesh(gmsh.model if comm.rank == 0 else None, comm, 0, gdim=3)
    finally:
        if comm.rank == 0:
            gmsh.finalize()
    return data.mesh, data.cell_tags, data.facet_tags


def _classify(bp, cx: float, cy: float, cz: float, lx: float, h: float, eps: float) -> int | None:
    """Facet tag of a boundary surface of the fragmented box from its centre of mass."""
    if abs(cx) < eps:
        return TAG_COLD
    if abs(cx - lx) < eps:
        return TAG_HOT
    if abs(cz - h) < eps:
        for i, sp in enumerate(bp.hot_spots):
            if abs(cx - sp.x) <= sp.size_x / 2 and abs(cy - sp.y) <= sp.size_y / 2:
                return TAG_SPOT0 + i
        return TAG_TOP
    if abs(cz) < eps:
        for i, s in enumerate(bp.screws):
            if (cx - s.x) ** 2 + (cy - s.y) ** 2 <= (s.diameter / 2) ** 2:
                return TAG_SCREW0 + i
        for i, st in enumerate(bp.stiffeners):
            c = cy if st.axis == "x" else cx
            if abs(c - st.position) <= st.width / 2:
                return TAG_STIFF0 + i
        return TAG_BOTTOM
    return None  # the y = 0 and y = W cut faces: adiabatic and traction free


def _eval(f, points: np.ndarray, comm) -> np.ndarray:
    """Values of a dolfinx Function at points (n, 3), on every rank (averaged where cells meet)."""
    from dolfinx import geometry
    from mpi4py import MPI

    msh = f.function_space.mesh
    tree = geometry.bb_tree(msh, msh.topology.dim)
    pts = np.ascontiguousarray(points, dtype=np.float64)
    cells = geometry.compute_colliding_cells(msh, geometry.compute_collisions_points(tree, pts), pts)
    size = int(np.prod(f.ufl_shape)) if f.ufl_shape else 1
    n_own = msh.topology.index_map(msh.topology.dim).size_local
    vals, found = np.zeros((len(pts), size)), np.zeros(len(pts))
    for i in range(len(pts)):
        own = [c for c in cells.links(i) if c < n_own]
        if own:
            vals[i] = f.eval(pts[i : i + 1], np.array(own[:1], dtype=np.int32)).reshape(-1)
            found[i] = 1.0
    vals, found = comm.allreduce(vals, op=MPI.SUM), comm.allreduce(found, op=MPI.SUM)
    if np.any(found == 0):
        raise ValueError(f"points outside the mesh: {pts[found == 0]}")
    return vals / found[:, None]


def _hot_column(bp, hsol, comm) -> tuple[float, float, int | None]:
    """(x, y, hot-spot index) of the via column: the centre of the connector field with the hottest
    through-thickness mean temperature, else the hottest node (index None)."""
    T = hsol.temperature
    if bp.hot_spots:
        from mpi4py import MPI

        h = comm.allreduce(float(T.function_space.mesh.geometry.x[:, 2].max()), op=MPI.MAX)
        zs = np.linspace(0.0, h, 9)
        cols = np.array([[sp.x, sp.y, z] for sp in bp.hot_spots for z in zs])
        mean_t = _eval(T, cols, comm)[:, 0].reshape(len(bp.hot_spots), len(zs)).mean(axis=1)
        i = int(np.argmax(mean_t))  # the barrel sees the column's mean swing
        return float(bp.hot_spots[i].x), float(bp.hot_spots[i].y), i
    n = T.function_space.dofmap.index_map.size_local
    x = T.function_space.tabulate_dof_coordinates()[:n]
    local = (float(T.x.array[:n].max()), tuple(x[int(np.argmax(T.x.array[:n]))][:2])) if n else (-np.inf, (0.0, 0.0))
    x, y = max(comm.allgather(local))[1]
    return x, y, None
