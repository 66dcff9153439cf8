"""The backplane region problem: temperature field, thermoelastic response and the transient model of
one stackup with a ``[backplane]`` section (the loads the via and joint fatigue models take).

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
6. Under the connector: the mean temperature rise of the connector field and the FEM stretch of the
   top face over the connector's length (what the connector's solder joints must follow).
7. Transient (:func:`transient_model`): the same region on a P1 mesh, the edge gradient (hot edge and
   air together) and each connector field as loads of :mod:`transient`, probes along the via column.

The reliability models (:mod:`si_thermal.reliability`) take these values in the system layer
(:mod:`si_thermal.system.backplane`); this module imports none of them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from si_thermal import config
from si_thermal.errors import InputError
from si_thermal.constants import ZERO_CELSIUS_K
from si_thermal.mechanics import laminate as lam

# mesh levels: (element size away from the connector fields, element size under them), m
MESHES = {"coarse": (24e-3, 4e-3), "medium": (16e-3, 2.7e-3), "fine": (10e-3, 2e-3)}
TAG_BOARD, TAG_COLD, TAG_HOT, TAG_TOP, TAG_BOTTOM = 1, 1, 2, 3, 4
TAG_SPOT0, TAG_SCREW0, TAG_STIFF0 = 100, 200, 300


@dataclass(frozen=True)
class BackplaneFields:
    """The steady thermo-mechanical response of a backplane region at full load (SI unless the
    name says otherwise): what the reliability models need, and the solution fields."""

    stackup: str
    layers: int
    effective: object  # laminate.EffectiveProperties of the region (above Tg where the board exceeds it)
    gradient_k: float
    t_idle_k: float
    t_max_c: float
    delta_t_hot_k: float  # hottest point minus idle temperature: the cycle's swing there
    above_tg: bool
    max_warpage_um: float
    max_displacement_um: float
    inplane_stress_mpa: float  # homogenized board, largest |sigma_xx|, |sigma_yy| in the via column
    copper_inplane_stress_mpa: float  # recovered in the copper layers along the via column
    dielectric_inplane_stress_mpa: float
    via_x_m: float
    via_y_m: float
    via_delta_t_k: float  # mean temperature swing along the via column
    z_strain: float  # thickness change / thickness along the via column
    interlaminar_peel_mpa: float  # largest |sigma_zz| in the via column
    interlaminar_shear_mpa: float  # largest sqrt(tau_xz^2 + tau_yz^2) in the via column
    joint_delta_t_k: float  # mean rise of the connector field (or the column's top)
    connector_stretch: float  # top-face strain over the connector's length (nan without a connector)
    dofs_thermal: int
    dofs_elastic: int
    solve_time_s: float
    thermal_time_s: float
    elastic_time_s: float
    ranks: int
    fields: object = field(default=None, repr=False, compare=False)  # (heat, elastic) solutions
    # estimated discretization error of each FEM output (same units) and how it was estimated
    discretization_error: dict = field(default_factory=dict, compare=False)


def _conductivity(stackup: config.StackupFile) -> tuple[float, float, float]:
    """Effective (k_x, k_y, k_z) of the stack, W/(m K): parallel in-plane, series through it."""
    lib = stackup.library()
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


def _heat_capacity(stackup: config.StackupFile) -> float:
    """Effective volumetric heat capacity of the stack, J/(m^3 K): thickness mean of the layers'
    rho c_p, copper layers as copper/fill mixtures by coverage (heat capacities add by volume)."""
    lib = stackup.library()
    t, c = [], []
    for i, layer in enumerate(stackup.layers):
        mat = lib[layer.material]
        rc = np.prod(mat.require(layer.material, "density", "specific_heat"))
        if layer.type != "dielectric":
            fill_name = lam._fill_material(stackup.layers, i)
            rc_f = np.prod(lib[fill_name].require(fill_name, "density", "specific_heat"))
            rc = layer.coverage * rc + (1 - layer.coverage) * rc_f
        t.append(layer.thickness)
        c.append(rc)
    t = np.array(t)
    return float(t @ np.array(c) / t.sum())


def transient_model(stack: config.StackupFile, *, x_m: float, y_m: float, gradient_k: float | None = None,
                    mesh: str = "coarse", column_points: int = 9):
    """The region's :class:`si_thermal.thermal.transient.TransientModel` (P1, serial) at full load.

    Loads (unit amplitude = the full-load value): ``gradient`` (the hot edge raised by the gradient
    and the air by half of it, as in the steady problem) and ``connector[i]`` per connector field
    (its power as a flux). Probes: ``column[k]``, ``column_points`` points through the thickness at
    ``(x_m, y_m)`` (the via column; their mean is the barrel's swing); the top one is the joint's."""
    from mpi4py import MPI

    from si_thermal.thermal.heat import Region
    from si_thermal.thermal.transient import Capacity, Load, TransientModel

    bp = stack.backplane
    if bp is None:
        raise InputError(None, "backplane", "missing [backplane] table")
    gradient = bp.gradient if gradient_k is None else float(gradient_k)
    h = lam.homogenize(lam.layer_properties(stack)).thickness_m
    msh, ct, ft = region_mesh(bp, h, MESHES[mesh], MPI.COMM_SELF)
    air = [TAG_TOP, TAG_BOTTOM] + [TAG_STIFF0 + i for i in range(len(bp.stiffeners))]
    hc = bp.heat_transfer_coefficient
    loads = [Load("gradient", dirichlet=((TAG_HOT, gradient),), ambient=tuple((t, gradient / 2) for t in air))]
    loads += [Load(f"connector[{i}]", flux=((TAG_SPOT0 + i, sp.power / (sp.size_x * sp.size_y)),))
              for i, sp in enumerate(bp.hot_spots)]
    zs = np.linspace(0.0, h, column_points)
    probes = {f"column[{k}]": (x_m, y_m, z) for k, z in enumerate(zs)}
    return TransientModel(msh, ct, ft, [Region(TAG_BOARD, _conductivity(stack))],
                          [Capacity(TAG_BOARD, _heat_capacity(stack))], [(t, hc) for t in air],
                          [TAG_COLD, TAG_HOT], loads, probes)


def _check(name: str, value: float, path) -> None:
    if not np.isfinite(value) or value < 0:
        raise InputError(path, name, f"must be a non-negative number, got {value}")


def solve_backplane(stack: config.StackupFile, *, gradient_k: float | None = None, comm=None,
                    mesh: str = "coarse", solver: str = "auto", keep_fields: bool = False,
                    source: str | Path | None = None, estimate_error: bool = True) -> BackplaneFields:
    """Steady thermal + elastic response of a backplane region at full load (module docstring).

    ``stack`` is a validated stackup with a ``[backplane]`` table (``source``: its file, for
    messages); ``gradient_k`` overrides its gradient. ``mesh`` is "coarse" (seconds), "medium" or
    "fine". ``comm`` is the MPI communicator (default COMM_WORLD). ``solver`` is the elastic
    solver: "auto", "direct" (MUMPS) or "iterative" (CG + GAMG). ``estimate_error``: solve the
    region again on a mesh ``ERROR_RATIO`` coarser and carry the discretization-error estimate of
    every FEM output (:func:`discretization_error`).
    """
    path = source
    if stack.backplane is None:
        raise InputError(path, "backplane", "missing [backplane] table (region, gradient, mounting, via geometry)")
    bp = stack.backplane
    gradient = bp.gradient if gradient_k is None else float(gradient_k)
    _check("backplane.gradient" if gradient_k is None else "gradient_k", gradient, path if gradient_k is None else None)
    if mesh not in MESHES:
        raise InputError(None, "mesh", f"unknown mesh '{mesh}'; use one of {', '.join(MESHES)}")
    layers = lam.layer_properties(stack)  # a missing mechanical property fails here, before any FEM
    t0 = time.perf_counter()
    eff = lam.homogenize(layers)
    out = _solve(stack, layers, eff, gradient, MESHES[mesh], comm, solver, keep_fields)
    if not estimate_error:
        return out
    rough = _solve(stack, layers, eff, gradient, tuple(ERROR_RATIO * s for s in MESHES[mesh]), comm, solver, False)
    errors = discretization_error(out, rough)
    from mpi4py import MPI

    total = (comm or MPI.COMM_WORLD).allreduce(time.perf_counter() - t0, op=MPI.MAX)
    return replace(out, discretization_error=errors, solve_time_s=total)


#: the companion mesh of the error estimate: every element size this factor larger (the refinement ratio r)
ERROR_RATIO = 1.5
#: Roache's factor of safety for a two-grid estimate (GCI), and the order assumed (one: the loads
#: are not smooth, flux patches and clamped discs; P2 would give two to three on smooth fields)
SAFETY_FACTOR, ASSUMED_ORDER = 3.0, 1.0
#: the FEM outputs that carry an estimate
ERROR_KEYS = ("t_max_c", "delta_t_hot_k", "via_delta_t_k", "joint_delta_t_k", "z_strain", "connector_stretch",
              "max_warpage_um", "max_displacement_um", "inplane_stress_mpa", "copper_inplane_stress_mpa",
              "dielectric_inplane_stress_mpa", "interlaminar_peel_mpa", "interlaminar_shear_mpa")


def discretization_error(fine: BackplaneFields, rough: BackplaneFields) -> dict:
    """Estimated |Q(mesh) - Q(exact)| of each output of ``ERROR_KEYS`` from the same region solved on
    a mesh ``ERROR_RATIO`` coarser: Roache's grid convergence index for two grids,
    ``Fs |Q_h - Q_rh| / (r^p - 1)`` with ``Fs = 3``, ``p = 1`` (P. J. Roache, *Verification and
    Validation in Computational Science and Engineering*, Hermosa 1998, ch. 5). Also ``method``,
    the companion's DOFs and the ratio. ``tests/thermal/test_backplane_error.py`` checks the
    estimate against a finer mesh."""
    factor = SAFETY_FACTOR / (ERROR_RATIO**ASSUMED_ORDER - 1.0)
    out: dict = {k: factor * abs(float(getattr(fine, k)) - float(getattr(rough, k))) for k in ERROR_KEYS}
    out = {k: (v if np.isfinite(v) else float("nan")) for k, v in out.items()}
    out["method"] = (f"two-grid GCI (Roache): {SAFETY_FACTOR:g} |Q_h - Q_rh| / (r^p - 1), r = {ERROR_RATIO:g}, "
                     f"p = {ASSUMED_ORDER:g}; companion {rough.dofs_thermal} + {rough.dofs_elastic} DOF")
    return out


def _solve(stack, layers, eff, gradient: float, sizes: tuple[float, float], comm, solver: str,
           keep_fields: bool) -> BackplaneFields:
    """The region solved on one mesh (``sizes``: element size away from and under the connector
    fields); ``eff``: the homogenized ``layers``."""
    bp = stack.backplane
    import dolfinx_solver  # noqa: F401
    from dolfinx import fem
    from mpi4py import MPI

    from si_thermal.thermal import elastic as el
    from si_thermal.thermal import heat

    comm = comm or MPI.COMM_WORLD
    t0 = time.perf_counter()

    h = eff.thickness_m
    msh, cell_tags, facet_tags = region_mesh(bp, h, sizes, comm)

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

    # under the connector: the field's mean temperature rise and the top face's stretch over its length
    dt_joint = dt_top
    if spot is not None:  # the connector sits on the field: its mean temperature rise
        one = fem.Constant(msh, 1.0)
        area = comm.allreduce(fem.assemble_scalar(fem.form(one * ds(TAG_SPOT0 + spot))), op=MPI.SUM)
        t_mean = comm.allreduce(fem.assemble_scalar(fem.form(temp * ds(TAG_SPOT0 + spot))), op=MPI.SUM) / area
        dt_joint = t_mean - t_idle
    stretch = np.nan
    if bp.connector is not None and dt_joint > 0:
        half = bp.connector.length / 2
        ends = np.array([[x0 - half, y0, h], [x0 + half, y0, h], [x0, y0 - half, h], [x0, y0 + half, h]])
        ends[:, 0] = np.clip(ends[:, 0], 0.0, bp.region_length)
        ends[:, 1] = np.clip(ends[:, 1], 0.0, bp.region_width)
        u_ends = _eval(esol.displacement, ends, comm)
        stretch = max((u_ends[1, 0] - u_ends[0, 0]) / (ends[1, 0] - ends[0, 0]),
                      (u_ends[3, 1] - u_ends[2, 1]) / (ends[3, 1] - ends[2, 1]))

    return BackplaneFields(
        stackup=stack.stackup.name, layers=sum(layer.type == "copper" for layer in stack.layers),
        effective=eff, gradient_k=gradient, t_idle_k=t_idle, t_max_c=t_max - ZERO_CELSIUS_K, delta_t_hot_k=dt_hot,
        above_tg=bool(above), max_warpage_um=esol.warpage_m() * 1e6,
        max_displacement_um=esol.max_displacement_m() * 1e6, inplane_stress_mpa=inplane_board / 1e6,
        copper_inplane_stress_mpa=cu_max / 1e6, dielectric_inplane_stress_mpa=d_max / 1e6,
        via_x_m=float(x0), via_y_m=float(y0), via_delta_t_k=dt_via, z_strain=z_strain,
        interlaminar_peel_mpa=peel / 1e6, interlaminar_shear_mpa=shear / 1e6, joint_delta_t_k=float(dt_joint),
        connector_stretch=float(stretch),
        dofs_thermal=temp.function_space.dofmap.index_map.size_global, dofs_elastic=esol.num_dofs,
        solve_time_s=comm.allreduce(time.perf_counter() - t0, op=MPI.MAX), thermal_time_s=t_thermal,
        elastic_time_s=t_elastic, ranks=comm.size, fields=(hsol, esol) if keep_fields else None,
    )


_REGION_MESHES: dict[tuple, tuple] = {}


def region_mesh(bp: config.BackplaneLoad, thickness_m: float, sizes_m: tuple[float, float], comm):
    """:func:`_region_mesh`, built once per region, thickness, sizes and communicator in a process
    (a sweep over loads reuses the mesh, and with it the elastic operator of :mod:`.elastic`)."""
    from mpi4py import MPI

    key = (bp.model_dump_json(), float(thickness_m), tuple(sizes_m), MPI.Comm.py2f(comm))
    if key not in _REGION_MESHES:
        if len(_REGION_MESHES) >= 4:
            _REGION_MESHES.pop(next(iter(_REGION_MESHES)))
        _REGION_MESHES[key] = _region_mesh(bp, thickness_m, sizes_m, comm)
    return _REGION_MESHES[key]


def _region_mesh(bp: config.BackplaneLoad, thickness_m: float, sizes_m: tuple[float, float], comm):
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
            # the fragment renumbers the tools (a screw disc crossing the region's edge is split): its
            # map gives each tool's surfaces, in the order given (the box first)
            _, pieces = occ.fragment([(3, box)], [(2, t) for t in tools])
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
            discs = [dt for i in range(len(bp.screws)) for dt in pieces[1 + i] if dt[0] == 2]
            fine = [(0, p[1]) for p in gmsh.model.getBoundary(discs, combined=False, recursive=True)] if discs else []
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


_TREES: dict[int, tuple] = {}


def _tree(msh):
    """The cells' bounding-box tree of ``msh``, built once per mesh (the region meshes are kept)."""
    from dolfinx import geometry

    hit = _TREES.get(id(msh))
    if hit is None or hit[0] is not msh:
        if len(_TREES) >= 8:
            _TREES.pop(next(iter(_TREES)))
        hit = _TREES[id(msh)] = (msh, geometry.bb_tree(msh, msh.topology.dim))
    return hit[1]


def _eval(f, points: np.ndarray, comm) -> np.ndarray:
    """Values of a dolfinx Function at points (n, 3), on every rank (averaged where cells meet)."""
    from dolfinx import geometry
    from mpi4py import MPI

    msh = f.function_space.mesh
    tree = _tree(msh)
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
