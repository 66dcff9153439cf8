"""Fast checks of the package model for the mutation run (issue 18, group ``thermal-package`` of
``benchmarks/mutation_run.py``): package, package_transient, nested, probe and limit on a TINY package
(an 8 x 4 mm stack of two 4 x 4 mm dies, meshed with 2 mm cells: ~100 DOFs, a solve in ~0.03 s).

The package is built so that closed forms hold:
- every layer covers the same 8 x 4 mm footprint (the dies fill the interposer), the board side and the
  edges are adiabatic, so with a uniform coolant temperature the field depends on z only and P1 on the
  tensor hexahedra is nodally exact (the 1-D discrete Green's function interpolates): the junction
  (bottom of the active layer) sits ``q'' R`` above the coolant, ``R`` the series resistance
  ``(t_die - t_a)/k + t_a/(2 k) + t_tim/k_tim + t_lid/k_lid (+ t_tim2/k_tim2 + t_base/k_cp) + 1/h_fp``
  (the active layer's uniform source: half its thickness counts);
- the die, TIM1 and substrate conduct only along z (in-plane k = 1e-6 W/(m K)): each column is 1-D,
  so the coolant's rise along x moves every node by the coolant temperature of its column only;
- silicon's k(T) is off (a local constant-k silicon), so Tj is exactly affine in power;
- the coolant is a local liquid of constant properties (rho c_p = 4e6 J/(m^3 K)): its rise is P/(rho c_p Q);
- a stated wall coefficient h (constant, or a table along the flow): the footprint coefficient of the
  adiabatic-tip fins is written out by hand, ``(h w + sqrt(2 h k t) tanh(m H)) / pitch`` (Incropera &
  DeWitt sec. 3.6).
"""

from __future__ import annotations

import math

import dolfinx_solver  # noqa: F401
import numpy as np
import pytest
from dolfinx import fem, mesh as dmesh
from mpi4py import MPI

from si_thermal import caches, config
from si_thermal.errors import ConvergenceError, InputError
from si_thermal.thermal import heat
from si_thermal.thermal import nested
from si_thermal.thermal import package as pk
from si_thermal.thermal import package_transient as ptr
from si_thermal.thermal import probe
from si_thermal.thermal.limit import LimitResult, _parabola_root, power_limit, tj_curve

COMM = MPI.COMM_SELF
T0 = 273.15

# -- the tiny package ------------------------------------------------------------------------------

TOML = """
[package]
name = "tiny"
description = "two 4 x 4 mm dies"
source = "test"
power = "20 W"
tj_limit = "70 degC"
[substrate]
material = "sub_c"
size_x = "8 mm"
size_y = "4 mm"
thickness = "1 mm"
[interposer]
material = "sub_c"
size_x = "8 mm"
size_y = "4 mm"
thickness = "0.1 mm"
__DIES__
[tim1]
material = "tim_c"
thickness = "0.1 mm"
[lid]
material = "lid_c"
size_x = "8 mm"
size_y = "4 mm"
thickness = "1 mm"
[tim2]
material = "tim_c"
thickness = "0.2 mm"
[coldplate]
material = "cp_c"
size_x = "8 mm"
size_y = "4 mm"
base_thickness = "0.4 mm"
fin_height = "1 mm"
fin_thickness = "0.1 mm"
channel_width = "0.3 mm"
coolant = "cool_c"
flow = "100 L/min"
inlet = "30 degC"
heat_transfer_coefficient = "5000 W/(m^2*K)"
[microchannel]
base_thickness = "0.5 mm"
channel_width = "200 um"
channel_depth = "500 um"
wall_thickness = "200 um"
size_x = "8 mm"
size_y = "4 mm"
coolant = "cool_c"
flow = "100 L/min"
inlet = "30 degC"
heat_transfer_coefficient = "10000 W/(m^2*K)"
[materials.si_c]
kind = "semiconductor"
description = "constant-k silicon, conducting along z only"
source = "test"
thermal_conductivity = "1e-6 W/(m*K)"
thermal_conductivity_z = "100 W/(m*K)"
density = "2000 kg/m^3"
specific_heat = "500 J/(kg*K)"
[materials.sub_c]
kind = "polymer"
description = "d"
source = "test"
thermal_conductivity = "1e-6 W/(m*K)"
thermal_conductivity_z = "1 W/(m*K)"
density = "1000 kg/m^3"
specific_heat = "1000 J/(kg*K)"
[materials.tim_c]
kind = "tim"
description = "d"
source = "test"
thermal_conductivity = "1e-6 W/(m*K)"
thermal_conductivity_z = "5 W/(m*K)"
density = "3000 kg/m^3"
specific_heat = "300 J/(kg*K)"
[materials.lid_c]
kind = "metal"
description = "d"
source = "test"
thermal_conductivity = "200 W/(m*K)"
density = "8000 kg/m^3"
specific_heat = "400 J/(kg*K)"
[materials.cp_c]
kind = "metal"
description = "d"
source = "test"
thermal_conductivity = "300 W/(m*K)"
density = "9000 kg/m^3"
specific_heat = "350 J/(kg*K)"
[materials.cool_c]
kind = "coolant"
description = "constant-property liquid"
source = "test"
boiling_point = "100 degC"
[materials.cool_c.table]
temperature = ["0 degC", "100 degC"]
density = ["1000 kg/m^3", "1000 kg/m^3"]
specific_heat = ["4000 J/(kg*K)", "4000 J/(kg*K)"]
thermal_conductivity = ["0.6 W/(m*K)", "0.6 W/(m*K)"]
dynamic_viscosity = ["1 mPa*s", "1 mPa*s"]
"""
_DIE = """[[dies]]
name = "{name}"
material = "si_c"
center_x = "{x}"
center_y = "0 mm"
size_x = "4 mm"
size_y = "4 mm"
thickness = "0.5 mm"
active_thickness = "0.1 mm"
power_fraction = 0.5"""
TOML = TOML.replace("__DIES__", "\n".join(_DIE.format(name=n, x=x) for n, x in (("a", "-2 mm"), ("b", "2 mm"))))
AREA = 8e-3 * 4e-3  # m^2, every layer
RHO_CP = 4e6  # J/(m^3 K), the coolant
K_SI, K_TIM, K_LID, K_CP = 100.0, 5.0, 200.0, 300.0
T_DIE, T_ACT, T_TIM1, T_TIM2 = 0.5e-3, 0.1e-3, 0.1e-3, 0.2e-3
T_SUB, T_INT = 1e-3, 0.1e-3
Z_JUNCTION = T_SUB + T_INT  # m: the bottom of the active layer


@pytest.fixture(autouse=True)
def _fresh_caches():
    """mutmut forks each mutant from the process that ran the clean tests: start from empty caches
    (meshes, heat operators, loaded files) so a mutant is judged on what it computed itself."""
    pk._MESHES.clear()
    heat._PROBLEMS.clear()
    caches.clear()
    yield
    pk._MESHES.clear()
    heat._PROBLEMS.clear()
    caches.clear()


def _write(tmp_path, *edits, name="tiny.toml"):
    text = TOML
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    p = tmp_path / name
    p.write_text(text)
    return p


def _model(path, cooling="microchannel", mesh=2e-3, **kw):
    kw.setdefault("estimate_error", False)
    return pk.PackageModel(path, cooling, mesh_size=mesh, comm=COMM, **kw)


def _h_fp(h, k, wall, depth, width):
    """Footprint coefficient of a channel array with adiabatic-tip fins (Incropera & DeWitt 3.6)."""
    m = math.sqrt(2 * h / (k * wall))
    return (h * width + math.sqrt(2 * h * k * wall) * math.tanh(m * depth)) / (width + wall)


H_MC = _h_fp(1e4, K_LID, 200e-6, 500e-6, 200e-6)
H_CP = _h_fp(5e3, K_CP, 0.1e-3, 1e-3, 0.3e-3)
# per unit area (m^2 K/W), from the bottom of the active layer to the coolant
R_DIE = (T_DIE - T_ACT) / K_SI + T_ACT / (2 * K_SI) + T_TIM1 / K_TIM
R_MC = R_DIE + 0.5e-3 / K_LID + 1 / H_MC
R_CP = R_DIE + 1e-3 / K_LID + T_TIM2 / K_TIM + 0.4e-3 / K_CP + 1 / H_CP


# -- package.py: the series stack -------------------------------------------------------------------

@pytest.mark.parametrize("cooling,r_area", [("microchannel", R_MC), ("coldplate", R_CP)])
def test_stack_is_a_series_thermal_circuit(tmp_path, cooling, r_area):
    """100 L/min: the coolant rises P/(rho c_p Q) = 3 mK; Tj lies between T_in + q'' R and that plus
    the rise (a node's coolant temperature is between the inlet and the outlet)."""
    p, q = 20.0, 20.0 / AREA
    r = _model(_write(tmp_path), cooling).solve(p)
    flow = 100 / 6e4
    rise = p / (RHO_CP * flow)
    assert r.coolant_rise_k == pytest.approx(rise, rel=1e-9)
    assert r.inlet_c == pytest.approx(30.0, abs=1e-12)
    assert T0 + 30.0 + q * r_area - 1e-6 <= r.tj_max_c + T0 <= T0 + 30.0 + rise + q * r_area + 1e-6
    assert r.r_th_k_per_w == pytest.approx((r.tj_max_c - 30.0) / p, rel=1e-12)
    assert r.heat_flux_w_per_mm2 == pytest.approx(p / (AREA * 1e6), rel=1e-12)
    assert r.heat_to_coolant_w == pytest.approx(p, rel=1e-6)
    assert abs(r.energy_balance_error) < 1e-6
    assert r.energy_balance_error == pytest.approx((r.heat_to_coolant_w - p) / p, abs=1e-15)
    assert r.flow_l_per_min == pytest.approx(100.0, rel=1e-12)
    # uniform flux across the flow: every strip of channels carries the same heat, so the hottest strip's
    # outlet is the mixed outlet
    assert r.coolant_outlet_max_c == pytest.approx(30.0 + rise, abs=1e-9)
    assert r.flow_regime in ("laminar", "transitional", "turbulent")
    assert r.h_footprint_mean_w_per_m2k == pytest.approx(H_MC if cooling == "microchannel" else H_CP, rel=1e-9)
    assert r.pumping_power_w == pytest.approx(r.pressure_drop_pa * flow, rel=1e-9)
    assert r.power_w == p and r.package == "tiny" and r.cooling == cooling
    # per die: both dies see the same column; the junction spread of each die is the active layer's
    # drop q'' t_a / (2 k) (plus at most the rise); P1 with one element layer across the active layer:
    # the volume mean is the mean of its two nodal planes, so max - mean is half of that drop
    drop = q * T_ACT / (2 * K_SI)
    assert set(r.die_max_c) == {"a", "b"}
    for d in ("a", "b"):
        s = r.die_spread_k[d]
        assert drop - 1e-6 <= s["max_minus_min_k"] <= drop + rise + 1e-6
        assert drop / 2 - 1e-6 <= s["max_minus_mean_k"] <= drop / 2 + rise + 1e-6
        assert s["mean_c"] == pytest.approx(r.die_max_c[d] - s["max_minus_mean_k"], abs=1e-9)
        assert T0 + 30.0 + q * r_area - 1e-6 <= r.die_max_c[d] + T0 <= T0 + 30.0 + rise + q * r_area + 1e-6
    assert r.tj_max_c == pytest.approx(max(r.die_max_c.values()), abs=1e-12)
    assert r.die_delta_t_k == pytest.approx(max(s["max_minus_min_k"] for s in r.die_spread_k.values()), abs=1e-12)
    assert r.die_max_minus_mean_k == pytest.approx(max(s["max_minus_mean_k"] for s in r.die_spread_k.values()),
                                                   abs=1e-12)
    d = r.to_dict()
    assert "solution" not in d and d["tj_max_c"] == r.tj_max_c and len(d) == len(r.__dataclass_fields__) - 1


def test_result_bookkeeping_matches_the_file(tmp_path):
    """Channel count floor(span / pitch), the mesh's DOFs counted by hand (a 5 x 3 grid in-plane; z lines:
    substrate 1 mm at h/2 = 1 mm per layer -> 1, interposer, active, die, TIM1, lid base: 1 each -> 7 lines)."""
    m = _model(_write(tmp_path))
    r = m.solve(20.0)
    assert r.channels == 10  # 4 mm / 0.4 mm
    assert r.n_dofs == m.n_dofs == 5 * 3 * 7
    assert r.mesh_size_m == 2e-3
    assert "10000" in r.h_basis and "tiny.toml" in r.h_basis
    assert r.ceiling.startswith("adiabatic")
    assert r.solution is not None and r.newton_iterations >= 1 and r.coolant_iterations >= 1
    assert m.die_area_m2 == pytest.approx(AREA, rel=1e-12)
    assert math.isnan(r.tj_error_k) and r.mesh_note == "2 mm, no error estimate"


def test_tj_is_affine_in_power_and_inlet(tmp_path):
    """Constant k and properties: Tj - T_in = R_th P, the same R_th at every power and inlet; warm
    starts (the last solution scaled, the linear extrapolation of the last two) reach the cold answer."""
    m = _model(_write(tmp_path, ('flow = "100 L/min"\ninlet = "30 degC"\nheat_transfer_coefficient = "10000',
                                 'flow = "1 L/min"\ninlet = "30 degC"\nheat_transfer_coefficient = "10000')))
    rs = [m.solve(p) for p in (10.0, 20.0, 35.0)]
    rs.append(m.solve(20.0, inlet_c=45.0))
    cold = _model(tmp_path / "tiny.toml").solve(35.0)
    assert rs[2].tj_max_c == pytest.approx(cold.tj_max_c, abs=1e-6)
    for r in rs:
        assert r.r_th_k_per_w == pytest.approx(rs[0].r_th_k_per_w, rel=1e-6)
        assert r.coolant_rise_k == pytest.approx(r.power_w / (RHO_CP * 1 / 6e4), rel=1e-9)
    assert rs[3].tj_max_c - 45.0 == pytest.approx(rs[1].tj_max_c - 30.0, abs=1e-6)
    assert rs[3].inlet_c == pytest.approx(45.0)
    with pytest.raises(InputError, match="positive"):
        m.solve(0.0)


# -- package.py: parallel paths, h along the flow ---------------------------------------------------

# die b narrowed to 2 mm at x = 2..4 mm (a void in the die layer from 0 to 2 mm, no mold): the
# parallel paths split half-way between the die centres, at x = (-2 + 3)/2 = 0.5 mm
NARROW_B = ('center_x = "2 mm"\ncenter_y = "0 mm"\nsize_x = "4 mm"', 'center_x = "3 mm"\ncenter_y = "0 mm"\nsize_x = "2 mm"')
H_TABLE = ('heat_transfer_coefficient = "10000 W/(m^2*K)"',
           'heat_transfer_table = {x = ["0 mm", "4 mm"], h = ["5000 W/(m^2*K)", "15000 W/(m^2*K)"]}')


def _h_table(x):
    return np.interp(x, [0.0, 4e-3], [5000.0, 15000.0])


NARROW_A = ('center_x = "-2 mm"\ncenter_y = "0 mm"\nsize_x = "4 mm"', 'center_x = "-3 mm"\ncenter_y = "0 mm"\nsize_x = "2 mm"')


@pytest.mark.parametrize("dies_in", ["series", "parallel"])
@pytest.mark.parametrize("layout", ["equal", "narrow_a"])
def test_footprint_h_along_the_flow_of_each_path(tmp_path, dies_in, layout):
    """A wall-h table along the flow, held beyond its ends: each top node carries the fin-corrected h of
    its distance from its path's start. Series: one path from the field's start x = -4 mm. Parallel: the
    paths split half-way between the die centres, at x = 0 for equal dies (a grid line: the node on it
    starts die b's path) or at -0.5 mm when die a is 2 mm wide at x = -4..-2 mm (then die b's path is the
    longer, 4.5 mm). The pressure drop is the longest path's at its share of the flow, the pump moves the
    whole flow; the mean footprint h is over the first path's length (0.5 %: 200 samples with both ends
    against the integral)."""
    flow_edit = ('flow = "100 L/min"\ninlet = "30 degC"\nheat_transfer_coefficient = "10000 W/(m^2*K)"',
                 f'flow = "1 L/min"\ninlet = "30 degC"\ndies_in = "{dies_in}"\n' + H_TABLE[1])
    edits = (NARROW_A,) if layout == "narrow_a" else ()
    m = _model(_write(tmp_path, *edits, flow_edit))
    r = m.solve(20.0)
    xyz = m._xyz()
    z = xyz[:, 2]
    top = np.flatnonzero(np.isclose(z, z.max(), rtol=0, atol=1e-12))
    x = xyz[top, 0]
    cut = 0.0 if layout == "equal" else -0.5e-3
    if dies_in == "series":
        start = np.full_like(x, -4e-3)
        zones = [(-4e-3, 4e-3)]
    else:
        start = np.where(x >= cut - 1e-15, cut, -4e-3)
        zones = [(-4e-3, cut), (cut, 4e-3)]
        assert layout != "equal" or np.any(np.abs(x) < 1e-15)  # a node on the cut
    expect = np.array([_h_fp(h, K_LID, 200e-6, 500e-6, 200e-6) for h in _h_table(x - start)])
    assert np.allclose(m.h.x.array[top], expect, rtol=1e-9, atol=0)
    others = np.setdiff1d(np.arange(len(z)), top)
    assert np.all(m.h.x.array[others] == 0.0)
    # the mixed outlet: every path's rise is its power over its share of rho c_p Q; the whole is P / (rho c_p Q)
    q = 1 / 6e4
    assert r.coolant_rise_k == pytest.approx(20.0 / (RHO_CP * q), rel=1e-6)
    from dataclasses import replace

    from si_thermal.thermal import cooling as cool
    props = cool.CoolantProperties("cool_c", 303.15, 1000.0, 4000.0, 0.6, 1e-3, 373.15)
    arr = cool.ChannelArray(200e-6, 500e-6, 200e-6, 8e-3, 4e-3, K_LID)
    dp = max(cool.channel_flow(replace(arr, length_m=b - a), props, q / len(zones)).pressure_drop_pa for a, b in zones)
    assert r.pressure_drop_pa == pytest.approx(dp, rel=1e-9)
    assert r.pumping_power_w == pytest.approx(dp * q, rel=1e-9)
    assert r.flow_l_per_min == pytest.approx(1.0)
    assert r.heat_to_coolant_w == pytest.approx(20.0, rel=1e-6)
    path = cool.channel_flow(replace(arr, length_m=zones[0][1] - zones[0][0]), props, q / len(zones))
    assert r.reynolds == pytest.approx(path.reynolds, rel=1e-9) and r.flow_regime == path.regime
    xs = np.linspace(0.0, zones[0][1] - zones[0][0], 4001)
    hs = np.array([_h_fp(h, K_LID, 200e-6, 500e-6, 200e-6) for h in _h_table(xs)])
    assert r.h_footprint_mean_w_per_m2k == pytest.approx(np.trapezoid(hs, xs) / xs[-1], rel=5e-3)
    assert "stated in tiny.toml [microchannel]" in r.h_basis


def test_correlations_when_nothing_is_stated(tmp_path):
    """No stated h: the built-in correlations of cooling.channel_flow (at the mean coolant temperature,
    the flow split over the channels), in series and in parallel paths; a validated PackageFile given
    without a source names "the package" where a stated h is quoted."""
    from dataclasses import replace

    from si_thermal.thermal import cooling as cool
    props = cool.CoolantProperties("cool_c", 303.15, 1000.0, 4000.0, 0.6, 1e-3, 373.15)
    arr = cool.ChannelArray(200e-6, 500e-6, 200e-6, 8e-3, 4e-3, K_LID)
    q = 1 / 6e4
    for dies_in, length, share in (("series", 8e-3, 1), ("parallel", 4e-3, 2)):
        edit = ('flow = "100 L/min"\ninlet = "30 degC"\nheat_transfer_coefficient = "10000 W/(m^2*K)"',
                f'flow = "1 L/min"\ninlet = "30 degC"\ndies_in = "{dies_in}"')
        r = _model(_write(tmp_path, edit, name=f"{dies_in}.toml")).solve(20.0)
        flow = cool.channel_flow(replace(arr, length_m=length), props, q / share)
        want = np.mean(flow.h_footprint(np.linspace(0, length, 200)))
        assert r.h_footprint_mean_w_per_m2k == pytest.approx(want, rel=1e-9)
        assert r.h_basis == flow.h_basis and r.pressure_drop_pa == pytest.approx(flow.pressure_drop_pa, rel=1e-9)
    pkg = config.load_package(_write(tmp_path))
    m = pk.PackageModel(pkg, "microchannel", mesh_size=2e-3, comm=COMM, estimate_error=False)
    assert m.path is None and m.solve(20.0).h_basis.startswith("stated in the package [microchannel]")


LIDZ = ('[materials.cp_c]', '[materials.lidz_c]\nkind = "metal"\ndescription = "d"\nsource = "t"\n'
        'thermal_conductivity = "1e-6 W/(m*K)"\nthermal_conductivity_z = "200 W/(m*K)"\n[materials.cp_c]')


def test_parallel_paths_cool_the_upstream_die_less_and_the_downstream_die_more(tmp_path):
    """Two equal dies under a cold plate, 0.1 L/min (rise P/(rho c_p Q) = 3 K); the lid conducts along z
    only and the cold-plate base is 20 um thin, so each column is nearly 1-D (lateral conductance of the
    base ~1.4 % of a die's convective one). In series die a sees the coolant's first half (mean
    T_in + rise/4), die b its second (T_in + 3 rise/4): b's mean is rise/2 above a's (10 %: the P1
    coolant profile's half cells at the ends; 1 mm cells give 1.43 K of 1.5). In parallel each die has a
    path from the inlet with half the flow and the same rise over its die: die a is warmer and die b cooler
    than in series, ideally by rise/4 = 0.75 K each; the path start on the grid line x = 0 gives that
    shared node to die b's path (the discretisation note of MUTATION.md, thermal-fem), so only about half
    of it shows at 1 mm cells (0.39 and 0.33 K): asserted > rise/12."""
    rise = 20.0 / (RHO_CP * 0.1 / 6e4)
    out = {}
    for dies_in in ("series", "parallel"):
        edit = ('flow = "100 L/min"\ninlet = "30 degC"\nheat_transfer_coefficient = "5000',
                f'flow = "0.1 L/min"\ninlet = "30 degC"\ndies_in = "{dies_in}"\nheat_transfer_coefficient = "5000')
        path = _write(tmp_path, edit, LIDZ, ('material = "lid_c"', 'material = "lidz_c"'),
                      ('base_thickness = "0.4 mm"', 'base_thickness = "0.02 mm"'), name=f"{dies_in}.toml")
        r = _model(path, "coldplate", mesh=1e-3).solve(20.0)
        out[dies_in] = {d: r.die_spread_k[d]["mean_c"] for d in ("a", "b")}
        assert r.coolant_rise_k == pytest.approx(rise, rel=1e-9)
    s, p = out["series"], out["parallel"]
    assert s["b"] - s["a"] == pytest.approx(rise / 2, rel=0.1)
    assert p["a"] - s["a"] > rise / 12
    assert s["b"] - p["b"] > rise / 12


# -- package.py: the power map -----------------------------------------------------------------------

SPOT = ('power_fraction = 0.5\n[[dies]]', 'power_fraction = 0.5\n[[dies.hot_spots]]\ncenter_x = "-1 mm"\n'
        'center_y = "1 mm"\nsize_x = "2 mm"\nsize_y = "2 mm"\npower_fraction = 0.4\n[[dies]]')


def test_source_density_of_hot_spots_and_background(tmp_path):
    """Die a: 40 % of its power in a 2 x 2 mm hot spot (the die's upper-left quarter), 60 % over the
    other 12 mm^2; die b uniform: q''' = P f_die f_block / (A_block t_a) in each active region; the
    source integrates to P, all of which reaches the coolant."""
    p = 30.0
    m = _model(_write(tmp_path, SPOT))
    r = m.solve(p)
    q = m.problem.q.x.array
    ct = m.tm.cell_tags
    want = {"a_hot0": p * 0.5 * 0.4 / (4e-6 * T_ACT), "a_active": p * 0.5 * 0.6 / (12e-6 * T_ACT),
            "b_active": p * 0.5 / (16e-6 * T_ACT)}
    for region, value in want.items():
        cells = ct.find(m.tm.regions[region])
        assert cells.size > 0
        assert np.allclose(q[cells], value, rtol=1e-12)
    heated = np.concatenate([ct.find(m.tm.regions[n]) for n in want])
    assert np.all(np.delete(q, heated) == 0.0)
    assert m.problem.power_in_w() == pytest.approx(p, rel=1e-9)
    assert r.heat_to_coolant_w == pytest.approx(p, rel=1e-6)
    # the spot's column carries (0.4/4) / (0.6/12) = 2x the background flux of die a and 0.4/4 / (1/16)
    # = 1.6x die b's: die a is the hottest
    assert r.die_max_c["a"] > r.die_max_c["b"]
    assert r.tj_max_c == pytest.approx(r.die_max_c["a"])
    assert set(m._junction["a"]) == {m.tm.regions["a_active"], m.tm.regions["a_hot0"]}


def test_a_hot_spot_taking_all_the_power_leaves_no_background(tmp_path):
    """Hot-spot fractions adding up to 1: the rest of the die carries no source (max(1 - 1, 0) = 0)."""
    m = _model(_write(tmp_path, (SPOT[0], SPOT[1].replace("power_fraction = 0.4", "power_fraction = 1.0"))))
    m.solve(10.0)
    q = m.problem.q.x.array
    ct = m.tm.cell_tags
    assert np.all(q[ct.find(m.tm.regions["a_active"])] == 0.0)
    assert np.allclose(q[ct.find(m.tm.regions["a_hot0"])], 10.0 * 0.5 / (4e-6 * T_ACT), rtol=1e-12)
    assert m.problem.power_in_w() == pytest.approx(10.0, rel=1e-9)


def test_regions_take_their_materials(tmp_path):
    """Each region's conductivity from its layer's material; a mold fill, a die material of its own."""
    edit = ('[[dies]]\nname = "a"\nmaterial = "si_c"', '[[dies]]\nname = "a"\nmaterial = "si2_c"')
    mold = ('[tim1]', '[mold]\nmaterial = "mold_c"\n[tim1]')
    extra = ('[materials.si_c]', '[materials.si2_c]\nkind = "semiconductor"\ndescription = "d"\nsource = "t"\n'
             'thermal_conductivity = "7 W/(m*K)"\n[materials.mold_c]\nkind = "polymer"\ndescription = "d"\n'
             'source = "t"\nthermal_conductivity = "0.7 W/(m*K)"\n[materials.si_c]')
    m = _model(_write(tmp_path, NARROW_B, edit, mold, extra), "coldplate")
    got = {name: m._material_of(name) for name in m.tm.regions}
    assert got["a"] == got["a_active"] == "si2_c" and got["b"] == got["b_active"] == "si_c"
    assert got["mold"] == "mold_c" and got["substrate"] == got["interposer"] == "sub_c"
    assert got["tim1"] == got["tim2"] == "tim_c" and got["lid"] == "lid_c" and got["coldplate"] == "cp_c"
    with pytest.raises(InputError, match="no material"):
        m._material_of("nowhere")
    regions = {r.name: r for r in m.problem.regions}
    assert set(regions) == set(m.tm.regions) and all(regions[n].tag == m.tm.regions[n] for n in regions)
    assert regions["a"].k_w_per_mk == 7.0 and regions["mold"].k_w_per_mk == 0.7
    assert regions["b"].k_w_per_mk == (1e-6, 1e-6, 100.0) and regions["lid"].k_w_per_mk == 200.0
    assert all(r.dk_dt_per_k == 0.0 and r.t_ref_k == 293.15 for r in regions.values())
    assert regions["a_active"].source_w_per_m3 == pytest.approx(0.5 / (16e-6 * T_ACT), rel=1e-12)  # per watt
    assert regions["b_active"].source_w_per_m3 == pytest.approx(0.5 / (8e-6 * T_ACT), rel=1e-12)  # 2 x 4 mm
    assert regions["a"].source_w_per_m3 == 0.0


def test_silicon_conductivity_falls_with_temperature(tmp_path):
    """The library's silicon carries its d(ln k)/dT (Glassbrenner & Slack) into the region, referred to
    20 degC: R_th grows with power (k falls as the die warms)."""
    lib = config.load_materials()["silicon"]
    m = _model(_write(tmp_path, ('name = "a"\nmaterial = "si_c"', 'name = "a"\nmaterial = "silicon"'),
                      ('name = "b"\nmaterial = "si_c"', 'name = "b"\nmaterial = "silicon"')))
    regions = {r.name: r for r in m.problem.regions}
    assert regions["a"].dk_dt_per_k == lib.conductivity_temperature_coefficient < 0
    assert regions["a"].k_w_per_mk == lib.thermal_conductivity and regions["a"].t_ref_k == 293.15
    lo, hi = m.solve(10.0), m.solve(60.0)
    assert hi.r_th_k_per_w > lo.r_th_k_per_w


# -- package.py: mesh choice and the error estimate -------------------------------------------------

def _nodes_by_hand(h):
    """Grid nodes of the tiny microchannel stack at in-plane size h (m): x lines every h over 8 mm (and at
    the die edges x = 0), y every h over 4 mm; z: one line per element layer, ceil(t / (h/2)) per layer."""
    nx = len(np.unique(np.concatenate([np.linspace(-4e-3, 4e-3, max(1, math.ceil(8e-3 / h - 1e-9)) + 1), [0.0]])))
    ny = max(1, math.ceil(4e-3 / h - 1e-9)) + 1
    nz = 1 + sum(max(1, math.ceil(t / (h / 2) - 1e-9)) for t in (T_SUB, T_INT, T_ACT, T_DIE - T_ACT, T_TIM1, 0.5e-3))
    return nx, ny, nz


def test_mesh_chosen_for_a_tj_tolerance_and_its_estimate(tmp_path):
    """mesh_size None: the coarsest of 8, 8/sqrt(2), 4, ... mm whose Richardson estimate
    max(|Tj3 - Tj2|, |Tj2 - Tj1|)/(sqrt(2) - 1) meets the tolerance. The stack is 1-D up to the 3 mK rise
    (Tj changes with the mesh by less than that), so the third mesh (4 mm) is chosen at 0.01 K; its
    estimate is computed from the three Tj of the sequence, each that of a model of that size alone.
    A given size carries the estimate from its two coarser steps; at another power it scales with the rise."""
    path = _write(tmp_path)
    m = pk.PackageModel(path, "microchannel", comm=COMM, tj_tol_k=0.01)
    e = m.estimate
    assert m.geometry.mesh_size_m == pytest.approx(4e-3, rel=1e-12)
    assert e.sizes_m == pytest.approx((8e-3, 8e-3 / math.sqrt(2), 4e-3), rel=1e-12)
    tjs = [_model(path, mesh=h).solve(20.0).tj_max_c for h in e.sizes_m]
    assert e.tj_c == pytest.approx(tuple(tjs), abs=1e-9)
    want = max(abs(tjs[2] - tjs[1]), abs(tjs[1] - tjs[0])) / (math.sqrt(2) - 1)
    assert e.tj_error_k == pytest.approx(want, rel=1e-6, abs=1e-12) and e.tj_error_k <= 0.01
    assert e.tolerance_k == 0.01 and e.power_w == 20.0
    assert e.rise_k == pytest.approx(tjs[2] - 30.0, abs=1e-9)
    assert e.dofs[-1] == m.n_dofs == int(np.prod(_nodes_by_hand(4e-3)))
    assert m.problem is not None and m.solve(20.0).tj_max_c == pytest.approx(tjs[2], abs=1e-9)
    r = m.solve(40.0)
    assert r.tj_error_k == pytest.approx(e.tj_error_k * (r.tj_max_c - 30.0) / e.rise_k, rel=1e-9, abs=1e-15)
    assert "chosen for 0.01 K on Tj" in r.mesh_note and f"({m.n_dofs} DOFs" in r.mesh_note
    # a memory cap below the third mesh: no mesh can be judged
    with pytest.raises(InputError, match="memory limit"):
        pk.PackageModel(path, "microchannel", comm=COMM, tj_tol_k=0.01,
                        max_dofs=int(np.prod(_nodes_by_hand(4e-3))) - 1)
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(InputError, match="tolerance"):
            pk.PackageModel(path, "microchannel", comm=COMM, tj_tol_k=bad)
    # a given size: the estimate from 2h, sqrt(2) h and h
    g = pk.PackageModel(path, "microchannel", comm=COMM, mesh_size=2e-3)
    ge = g.estimate
    assert ge.sizes_m == pytest.approx((4e-3, 2e-3 * math.sqrt(2), 2e-3), rel=1e-12) and ge.tolerance_k is None
    gt = [_model(path, mesh=h).solve(20.0) for h in ge.sizes_m]
    assert ge.tj_c == pytest.approx(tuple(r.tj_max_c for r in gt), abs=1e-9)
    spreads = [r.die_delta_t_k for r in gt]
    assert ge.spread_error_k == pytest.approx(max(abs(spreads[2] - spreads[1]), abs(spreads[1] - spreads[0]))
                                              / (math.sqrt(2) - 1), rel=1e-6, abs=1e-12)
    assert ge.dofs == tuple(int(np.prod(_nodes_by_hand(h))) for h in ge.sizes_m)
    gtj = [r.tj_max_c for r in gt]
    assert ge.tj_error_k == pytest.approx(max(abs(gtj[2] - gtj[1]), abs(gtj[1] - gtj[0])) / (math.sqrt(2) - 1),
                                          rel=1e-6, abs=1e-12)
    assert ge.mesh_size_m == 2e-3 and ge.power_w == 20.0 and ge.rise_k == pytest.approx(gtj[2] - 30.0, abs=1e-12)
    assert "size given" in g.solve(20.0).mesh_note
    # the memory cap exactly at the third mesh's nodes still admits it; a validated PackageFile works too
    cap = int(np.prod(_nodes_by_hand(4e-3)))
    pkg = config.load_package(path)
    c = pk.PackageModel(pkg, "microchannel", comm=COMM, tj_tol_k=0.01, max_dofs=cap, source=path)
    assert c.n_dofs == cap and c.estimate.tolerance_k == 0.01


@pytest.mark.parametrize("cell,degree", [("tetrahedron", 1), ("hexahedron", 2)])
def test_estimate_and_choice_keep_the_element(tmp_path, cell, degree):
    """The coarser models of an estimate and the candidates of a mesh choice use the model's own cell type
    and degree: their Tj are those of models of that element built alone."""
    path = _write(tmp_path)
    # (Tj of the coarsest mesh: 68.4230 K hexahedra P1, 68.5779 tetrahedra, 68.42296 P2 hexahedra)
    ref = _model(path, mesh=8e-3, cell=cell, degree=degree).solve(20.0).tj_max_c
    g = pk.PackageModel(path, "microchannel", comm=COMM, mesh_size=4e-3, cell=cell, degree=degree)
    assert g.estimate.sizes_m[0] == pytest.approx(8e-3) and g.estimate.tj_c[0] == pytest.approx(ref, abs=1e-9)
    c = pk.PackageModel(path, "microchannel", comm=COMM, tj_tol_k=0.05, cell=cell, degree=degree)
    assert c.estimate.sizes_m[0] == pytest.approx(8e-3) and c.estimate.tj_c[0] == pytest.approx(ref, abs=1e-9)
    assert c.cell == cell and c.problem.V.element.basix_element.degree == degree
    for model in (g, c):  # meshed with that cell (not only labelled with it)
        assert model.tm.mesh.topology.cell_name() == cell


def test_bad_model_arguments_are_input_errors(tmp_path):
    path = _write(tmp_path)
    with pytest.raises(InputError, match="unknown cooling"):
        _model(path, "immersion")
    with pytest.raises(InputError, match="positive"):
        _model(path, mesh=0.0)
    text = TOML[:TOML.index("[coldplate]")] + TOML[TOML.index("[microchannel]"):]
    no_cp = tmp_path / "no_cp.toml"
    no_cp.write_text(text)
    with pytest.raises(InputError, match=r"no \[coldplate\] table"):
        _model(no_cp, "coldplate")
    # a validated PackageFile, named in messages by ``source``
    pkg = config.load_package(path)
    m = pk.PackageModel(pkg, "microchannel", mesh_size=2e-3, comm=COMM, estimate_error=False, source=path)
    assert m.path == path and m.solve(20.0).tj_max_c == pytest.approx(_model(path).solve(20.0).tj_max_c, abs=1e-9)


# -- nested.py ---------------------------------------------------------------------------------------

def test_grid_transfer_is_exact_for_a_linear_field(tmp_path):
    """A linear field on the coarse package mesh (2 mm) reaches every fine dof (1 mm) exactly, through the
    void beside die b: the dies are 5 mm thick (several element layers), die b only 1 mm wide at x = 3-4 mm
    and there is no mold, so coarse grid nodes at x = 2 mm inside the die layer lie in no cell; they take
    their nearest solid node's value, which fine points on the void's faces (grid lines of both meshes)
    never weigh. Into a space of another mesh with and without the caller's coordinates."""
    thick = ('thickness = "0.5 mm"', 'thickness = "5 mm"')
    narrow = ('center_x = "2 mm"\ncenter_y = "0 mm"\nsize_x = "4 mm"', 'center_x = "3.5 mm"\ncenter_y = "0 mm"\nsize_x = "1 mm"')
    path = _write(tmp_path, thick, thick, narrow)
    coarse, fine = _model(path, mesh=2e-3), _model(path, mesh=1e-3)
    from si_thermal.thermal.geometry import grid_lines
    lines = grid_lines(coarse.geometry)
    xc = coarse.problem.u.function_space.tabulate_dof_coordinates()
    on_grid = np.prod([lines[d].size for d in range(3)])
    assert xc.shape[0] < on_grid  # the void: grid nodes without a dof
    f = lambda x: 300.0 + 1e3 * x[0] - 2e3 * x[1] + 5e4 * x[2]  # noqa: E731
    coarse.problem.u.x.array[:] = f(xc.T)
    nested.grid_transfer(coarse.problem.u, lines, fine.problem.u)
    xf = fine.problem.u.function_space.tabulate_dof_coordinates()
    assert np.allclose(fine.problem.u.x.array, f(xf.T), rtol=0, atol=1e-9)
    fine.tc.x.array[:] = 0.0
    nested.grid_transfer(coarse.problem.u, lines, fine.tc, xf)
    assert np.allclose(fine.tc.x.array, f(xf.T), rtol=0, atol=1e-9)


def test_coarse_size_doubles_then_grows_by_sqrt2_to_the_node_budget():
    """Node count ~ (1 cm / size)^2: from 2 h up by sqrt(2) until at most max_nodes; capped at 1 m."""
    count = lambda s: (1e-2 / s) ** 2  # noqa: E731
    assert nested.coarse_size(1e-3, count, 1e9) == pytest.approx(2e-3)
    assert nested.coarse_size(1e-3, count, 25) == pytest.approx(2e-3)
    assert nested.coarse_size(1e-3, count, 24.9) == pytest.approx(2e-3 * math.sqrt(2))
    assert nested.coarse_size(1e-3, count, 12.4) == pytest.approx(4e-3)
    assert nested.coarse_size(1e-3, lambda s: 1e12, 10) == pytest.approx(2e-3 * math.sqrt(2) ** 18)  # first >= 1 m
    assert nested.NESTED_MIN_DOFS == 60_000


def test_nested_start_reaches_the_cold_start_answer(tmp_path, monkeypatch):
    """A fine model started from its coarse companion's converged fields (forced below 60k DOFs) gives the
    cold start's answer; the companion is meshed at coarse_size of the fine size."""
    path = _write(tmp_path, ('flow = "100 L/min"\ninlet = "30 degC"\nheat_transfer_coefficient = "10000',
                             'flow = "0.5 L/min"\ninlet = "30 degC"\nheat_transfer_coefficient = "10000'))
    cold = _model(path, mesh=1e-3).solve(20.0)
    monkeypatch.setattr(pk, "NESTED_MIN_DOFS", _model(path, mesh=1e-3).n_dofs)  # exactly at the threshold
    seen = []
    real = nested.grid_transfer

    def spy(src, lines, dst, xyz=None):
        seen.append(len(src.x.array))
        return real(src, lines, dst, xyz)

    monkeypatch.setattr(pk, "grid_transfer", spy)
    m = _model(path, mesh=1e-3)
    r = m.solve(20.0)
    assert m._nested and len(seen) == 2 and seen[0] < m.n_dofs
    assert r.tj_max_c == pytest.approx(cold.tj_max_c, abs=1e-6)
    assert r.coolant_rise_k == pytest.approx(cold.coolant_rise_k, rel=1e-9)
    assert r.die_delta_t_k == pytest.approx(cold.die_delta_t_k, abs=1e-6)
    # P2: the temperature's space is not the coolant's P1 space (the P2 dofs' own coordinates)
    cold2 = _model(path, mesh=2e-3, degree=2)
    monkeypatch.setattr(pk, "NESTED_MIN_DOFS", 10 ** 9)
    want = cold2.solve(20.0).tj_max_c
    monkeypatch.setattr(pk, "NESTED_MIN_DOFS", 0)
    m2 = _model(path, mesh=2e-3, degree=2)
    assert m2.solve(20.0).tj_max_c == pytest.approx(want, abs=1e-6) and m2._nested


# -- probe.py ----------------------------------------------------------------------------------------

def _linear_box(vector=False):
    msh = dmesh.create_box(COMM, [np.zeros(3), np.array([2e-3, 1e-3, 1e-3])], [2, 2, 1], dmesh.CellType.hexahedron)
    if vector:
        V = fem.functionspace(msh, ("Lagrange", 1, (3,)))
        u = fem.Function(V)
        u.interpolate(lambda x: np.vstack([1e-3 * x[0], -2e-3 * x[1] + 1e-9, 3e-3 * x[2]]))
    else:
        V = fem.functionspace(msh, ("Lagrange", 1))
        u = fem.Function(V)
        u.interpolate(lambda x: 300.0 + 1e4 * x[0] - 3e4 * x[1] + 2e4 * x[2])
    return u


def test_probe_values_of_linear_fields_and_what_holds_them():
    """A linear field (exact in P1/Q1) read at points inside cells, on a shared face and outside (NaN);
    a displacement field comes back (n, 3); the field is found in a Function, a HeatSolution-like
    holder, a result holding ``solution``, and the (heat, elastic) pair of ``fields``."""
    from types import SimpleNamespace

    u = _linear_box()
    pts = np.array([[0.3e-3, 0.2e-3, 0.7e-3], [1.0e-3, 0.5e-3, 0.5e-3], [1.9e-3, 0.9e-3, 0.1e-3], [5e-3, 0, 0]])
    want = 300.0 + 1e4 * pts[:, 0] - 3e4 * pts[:, 1] + 2e4 * pts[:, 2]
    got = probe.values_at(u, pts)
    assert got.shape == (4,)
    assert np.allclose(got[:3], want[:3], rtol=0, atol=1e-9) and np.isnan(got[3])
    one = probe.values_at(u, pts[1])
    assert one.shape == (1,) and one[0] == pytest.approx(want[1], abs=1e-9)
    assert np.allclose(probe.temperature_c_at(u, pts[:3]), want[:3] - 273.15, atol=1e-9)
    heat_sol = SimpleNamespace(temperature=u)
    # a holder with a function_space attribute but no dof vector is not itself a Function
    assert np.allclose(probe.values_at(SimpleNamespace(function_space=None, temperature=u), pts[:3]), want[:3],
                       atol=1e-9)
    assert np.allclose(probe.values_at(heat_sol, pts[:3]), want[:3], atol=1e-9)
    assert np.allclose(probe.values_at(SimpleNamespace(solution=heat_sol), pts[:3]), want[:3], atol=1e-9)
    d = _linear_box(vector=True)
    el_sol = SimpleNamespace(displacement=d)
    pair = SimpleNamespace(fields=(heat_sol, el_sol))
    assert np.allclose(probe.values_at(pair, pts[:3]), want[:3], atol=1e-9)
    disp = probe.values_at(pair, pts, field="displacement")
    assert disp.shape == (4, 3) and np.all(np.isnan(disp[3]))
    dwant = np.column_stack([1e-3 * pts[:3, 0], -2e-3 * pts[:3, 1] + 1e-9, 3e-3 * pts[:3, 2]])
    assert np.allclose(disp[:3], dwant, rtol=0, atol=1e-15)
    assert np.allclose(probe.values_at(el_sol, pts[:3]), dwant, atol=1e-15)  # no temperature: the displacement
    with pytest.raises(InputError, match="holds no temperature"):
        probe.values_at(SimpleNamespace(solution=None), pts)
    with pytest.raises(InputError, match="holds no displacement"):
        probe.values_at(heat_sol, pts, field="displacement")
    with pytest.raises(InputError, match=r"\(n, 3\)"):
        probe.values_at(u, np.zeros((2, 2)))


def test_probe_of_a_package_result(tmp_path):
    """The package's junction plane (z = 1.1 mm) under die b at the outlet edge reads the result's Tj."""
    r = _model(_write(tmp_path)).solve(20.0)
    t = probe.temperature_c_at(r, [[4e-3, 0.0, Z_JUNCTION]])
    assert t[0] == pytest.approx(r.die_max_c["b"], abs=1e-9)


# -- limit.py ----------------------------------------------------------------------------------------

def test_power_limit_of_an_affine_tj(tmp_path):
    """Constant k and coolant properties: Tj = T_in + R_th P exactly, so the limit is
    (Tj_limit - T_in) / R_th, found by the first secant step from the file's power (two solves)."""
    m = _model(_write(tmp_path))
    r_th = m.solve(20.0).r_th_k_per_w
    lim = power_limit(None, "microchannel", model=m)
    assert lim.tj_limit_c == pytest.approx(70.0) and lim.inlet_c == pytest.approx(30.0)
    assert lim.power_limit_w == pytest.approx(40.0 / r_th, rel=1e-9)
    assert lim.solves == 2
    assert lim.heat_flux_w_per_mm2 == pytest.approx(lim.power_limit_w / (AREA * 1e6), rel=1e-12)
    assert lim.r_th_k_per_w == pytest.approx(r_th, rel=1e-9)
    assert lim.coolant_rise_k == pytest.approx(lim.power_limit_w / (RHO_CP * 100 / 6e4), rel=1e-9)
    assert lim.at_limit.tj_max_c == pytest.approx(70.0, abs=1e-9)
    assert lim.pressure_drop_pa == lim.at_limit.pressure_drop_pa and lim.pumping_power_w == lim.at_limit.pumping_power_w
    assert lim.package == "tiny" and lim.cooling == "microchannel"
    d = lim.to_dict()
    assert "at_limit" not in d and d["power_limit_w"] == lim.power_limit_w
    other = power_limit(None, "microchannel", model=m, tj_limit_c=50.0, inlet_c=40.0)
    assert other.power_limit_w == pytest.approx(10.0 / r_th, rel=1e-9)
    with pytest.raises(InputError, match="not above the inlet"):
        power_limit(None, "microchannel", model=m, tj_limit_c=30.0)


def test_power_limit_of_a_nonlinear_tj_and_from_known_results(tmp_path):
    """Library silicon (k falls with T): Tj(P) bends up; the limit holds Tj at the limit to the secant's
    last step (xtol 1e-3 W times dTj/dP ~ 2 K/W); seeded by a Tj curve's known results (two: secant,
    three: the parabola's root) it lands on the same power with fewer new solves."""
    path = _write(tmp_path, ('name = "a"\nmaterial = "si_c"', 'name = "a"\nmaterial = "silicon"'),
                  ('name = "b"\nmaterial = "si_c"', 'name = "b"\nmaterial = "silicon"'))
    m = _model(path)
    lim = power_limit(None, "microchannel", model=m, xtol_w=1e-3, tj_limit_c=90.0)
    assert m.solve(lim.power_limit_w).tj_max_c == pytest.approx(90.0, abs=5e-3)
    curve = tj_curve(None, "microchannel", [15.0, 25.0, 40.0], model=m)
    assert [c.power_w for c in curve] == [15.0, 25.0, 40.0]
    assert curve[1].tj_max_c == pytest.approx(m.solve(25.0).tj_max_c, abs=1e-4)  # Newton's tolerance
    two = power_limit(None, "microchannel", model=m, xtol_w=1e-3, tj_limit_c=90.0, known=curve[:2])
    three = power_limit(None, "microchannel", model=m, xtol_w=1e-3, tj_limit_c=90.0, known=curve)
    other_inlet = power_limit(None, "microchannel", model=m, xtol_w=1e-3, tj_limit_c=90.0, known=curve,
                              inlet_c=31.0)
    for x in (two, three):
        assert x.power_limit_w == pytest.approx(lim.power_limit_w, abs=0.01)
    assert three.solves <= 6 and two.solves <= 6
    assert other_inlet.power_limit_w < lim.power_limit_w


def test_parabola_root_nearest_the_start():
    """f = (p - 3)(p - 7) sampled at 2, 4, 9: the roots 3 and 7, the one nearest p0 returned; data on a
    line (a = 0) or a parabola with no real root fall back to the secant of (p0, f0), (p1, f1)."""
    ps = [2.0, 4.0, 9.0]
    fs = [(p - 3) * (p - 7) for p in ps]
    assert _parabola_root(ps, fs, 4.0, 2.0) == pytest.approx(3.0, abs=1e-9)
    assert _parabola_root(ps, fs, 9.0, 4.0) == pytest.approx(7.0, abs=1e-9)
    # nearly straight data (polyfit's a ~ 1e-17, not 0): the root of the line, 5, to 1e-9; the textbook
    # (-b + sqrt(disc))/(2a) gave 5.40 here (cancellation; fixed with the stable q/a, c/q pair)
    assert _parabola_root(ps, [2 * p - 10 for p in ps], 2.0, 4.0) == pytest.approx(5.0, abs=1e-9)
    assert _parabola_root(ps, [1e-9 * (p - 5) * (p + 1e9) for p in ps], 2.0, 4.0) == pytest.approx(5.0, abs=1e-6)
    assert _parabola_root([0.0, 1.0, 3.0], [1.0, 3.0, 7.0], 0.0, 1.0) == pytest.approx(-0.5, abs=1e-12)  # a = 0
    up = [(p - 5) ** 2 + 1 for p in ps]  # no real root: the secant of (2, 10) and (4, 2): 4 - 2 (2 / -8) = 4.5
    assert _parabola_root(ps, up, 2.0, 4.0) == pytest.approx(4.5, abs=1e-9)
    # f0 == f1 and no real root: the secant is undefined, p1 itself is returned
    assert _parabola_root([0.0, 1.0, 2.0], [1.0, 1.0, 2.0], 0.0, 1.0) == 1.0


# -- package_transient.py ----------------------------------------------------------------------------

def test_capacities_are_rho_cp_of_each_region(tmp_path):
    m = _model(_write(tmp_path), "coldplate")
    caps = {c.tag: c for c in ptr._capacities(m)}
    rho_cp = {"sub_c": 1e6, "si_c": 1e6, "tim_c": 9e5, "lid_c": 3.2e6, "cp_c": 3.15e6}
    assert set(caps) == set(m.tm.regions.values())
    for name, tag in m.tm.regions.items():
        assert caps[tag].rho_cp_j_per_m3k == pytest.approx(rho_cp[m._material_of(name)], rel=1e-12)
    for gone in ('density = "8000 kg/m^3"\n', 'specific_heat = "400 J/(kg*K)"\n'):
        no_c = _write(tmp_path, (gone, ''), name="nocap.toml")
        with pytest.raises(InputError, match="lid_c.*no density or specific_heat"):
            ptr._capacities(_model(no_c))


def _profile(segments, period=20.0, resolution=0.5):
    return config.Profile(name="p", source="test", period=f"{period} s", rated_power="30 W",
                          resolution=f"{resolution} s",
                          segments=[{"t": f"{t} s", "power": f"{p} W"} for t, p in segments])


def test_package_transient_is_the_linear_model_at_rated_power(tmp_path):
    """Constant k: the linear model reproduces the steady FEM exactly (linearisation 0); the probes sit at
    the junction plane (z = 1.1 mm) at the outlet end of each die's column (die a: x = 0, die b: x = 4 mm,
    the coolant's warmest column over it); under a constant full load the history settles at the steady
    rise, at no load it stays at the inlet, at half load half the rise (linear); direct stepping agrees."""
    path = _write(tmp_path, ('flow = "100 L/min"\ninlet = "30 degC"\nheat_transfer_coefficient = "10000',
                             'flow = "1 L/min"\ninlet = "30 degC"\nheat_transfer_coefficient = "10000'))
    m = _model(path)
    pt = ptr.package_transient(m, 30.0, inlet_c=25.0)
    assert pt.dies == ("a", "b") and pt.power_w == 30.0 and pt.inlet_c == pytest.approx(25.0)
    assert pt.linearisation_k < 1e-6 and pt.build_s >= 0
    ref = _model(path).solve(30.0, inlet_c=25.0)
    for d in ("a", "b"):
        assert pt.steady_rise_k[d] == pytest.approx(ref.die_max_c[d] - 25.0, abs=1e-9)
    hot = ptr._hottest_points(ref.solution, m._junction)
    assert hot["a"][0] == pytest.approx(0.0, abs=1e-12) and hot["b"][0] == pytest.approx(4e-3, abs=1e-12)
    assert hot["a"][2] == pytest.approx(Z_JUNCTION, abs=1e-12) and hot["b"][2] == pytest.approx(Z_JUNCTION, abs=1e-12)
    default = ptr.package_transient(_model(path))
    assert default.power_w == 20.0 and default.inlet_c == pytest.approx(30.0)  # the file's power and inlet
    # profiles in W of a 30 W rated power, sampled every 0.5 s
    full = ptr.tj_history(pt, _profile([(0, 30.0)]))
    assert full.tj_c.shape[0] == 2 and full.period_steps == 40 and full.dt_s == 0.5 and full.dies == ("a", "b")
    assert np.allclose(full.load, 1.0) and full.step_response_s >= 0 and full.superposition_s >= 0
    for i, d in enumerate(pt.dies):
        assert full.tj_c[i, -1] == pytest.approx(25.0 + pt.steady_rise_k[d], abs=1e-3)
    idle = ptr.tj_history(pt, _profile([(0, 0.0)]))
    assert np.allclose(idle.tj_c, 25.0, atol=1e-9)
    half = ptr.tj_history(pt, _profile([(0, 15.0)]))
    assert np.allclose(half.tj_c - 25.0, 0.5 * (full.tj_c - 25.0), rtol=1e-9, atol=1e-9)
    # a 1 s square wave (on 0.5 s, off 0.5 s) sampled every 0.25 s, shorter than the settling of the step
    # response (~5 s): the
    # history covers the kernel and one period more, and its last period is the periodic steady state
    # (the same superposition over 40 more periods)
    step = ptr.tj_history(pt, _profile([(0, 30.0), (0.5, 0.0)], period=1.0, resolution=0.25))
    per = step.period_steps
    kern = step.step.kernel(0.25)
    assert per == 4 and kern.shape[-1] > 2 * per and step.dt_s == 0.25
    n = step.tj_c.shape[1]
    assert n % per == 0 and n >= kern.shape[-1] + per
    from si_thermal.thermal.transient import duhamel
    long_load = np.tile([1.0, 1.0, 0.0, 0.0], n // per + 40)
    settled = 25.0 + duhamel(kern, long_load[None, :])[:, -per:]
    assert np.allclose(step.tj_c[:, -per:], settled, rtol=0, atol=1e-9)
    assert np.allclose(step.load[:per], [1, 1, 0, 0])
    # backward Euler stepping against the superposition (the step responses' time schedule: the transient
    # module's accuracy): 2-3 mK of a 50 K rise; 0.1 % of the rise allowed
    chk = ptr.direct_check(pt, step, 20)
    assert chk["check_steps"] == 20 and chk["check_s"] == pytest.approx(5.0) and chk["direct_stepping_s"] >= 0
    assert 0 <= chk["max_abs_diff_k"] < 1e-3 * max(pt.steady_rise_k.values())
    assert chk["direct_swing_k"] > 0.1 * max(pt.steady_rise_k.values())
    big = ptr.direct_check(pt, step, 10 ** 6)
    assert big["check_steps"] == n


def _scripted(tj, power=20.0, inlet_c=30.0, tj_limit_c=70.0):
    """A stand-in package model whose Tj(P, inlet) is a given function (the limit search sees only
    ``solve``): the secant/bracket logic against closed-form roots, and the solves it asks for."""
    from types import SimpleNamespace as NS

    calls = []

    def solve(p, inlet_c=None):
        calls.append(float(p))
        t = tj(p, inlet_c)
        return NS(tj_max_c=t, inlet_c=inlet_c, power_w=p, r_th_k_per_w=(t - inlet_c) / p, pressure_drop_pa=1.0,
                  pumping_power_w=2.0, coolant_rise_k=3.0)

    m = NS(pkg=NS(package=NS(name="s", power=power, tj_limit=tj_limit_c + T0)), spec=NS(inlet=inlet_c + T0),
           die_area_m2=1e-4, solve=solve)
    return m, calls


def test_power_limit_secant_and_bracket_on_scripted_tj():
    """Roots in closed form (limit 70 degC, inlet 30 degC: Tj - T_in = 40 K): linear 2 P (20 W, the first
    secant step from 10 W lands on it: two solves); quadratic P + 0.01 P^2 ((-1 + sqrt(2.6))/0.02 W);
    concave 10 sqrt(P) (16 W); 100 P (0.4 W, below a watt) and 100 P + 50 P^2 (0.342 W, reached inside the
    loop from below: the bracket starts at 0 W); a plateau 30 K up to 50 W, then + (P - 50)
    (60 W: the secant is flat, the search widens by 1.5 from the last power below, 26.7 -> 40 -> 60 W).
    xtol 1e-6 W: the root to 1e-5 W; the default 1 W: within 1 W. A steep 40 (P/30)^8 (30 W): the first
    step overshoots to 512 W and the secant from there lands 6.5e-8 W above 20 W, a step far below xtol
    with Tj still 38 K under the limit; that point was returned as the limit before the fix (20.0 W for 30):
    now a tiny step counts only if |f| / R_th is small too, else the bracket is bisected."""
    cases = [(lambda p, t: t + 2 * p, 20.0, 10.0), (lambda p, t: t + p + 0.01 * p * p, (math.sqrt(2.6) - 1) / 0.02, 20.0),
             (lambda p, t: t + 10 * math.sqrt(p), 16.0, 20.0), (lambda p, t: t + 100 * p, 0.4, 20.0),
             (lambda p, t: t + 100 * p + 50 * p * p, (math.sqrt(18000) - 100) / 100, 20.0), (lambda p, t: t + 30 + max(0.0, p - 50), 60.0, 20.0)]
    for tj, root, start in cases:
        m, calls = _scripted(tj, power=start)
        lim = power_limit(None, "x", model=m, xtol_w=1e-6)
        assert lim.power_limit_w == pytest.approx(root, abs=1e-5)
        assert lim.solves == len(set(calls)) and lim.tj_limit_c == pytest.approx(70.0)
        m, calls = _scripted(tj, power=start)
        assert abs(power_limit(None, "x", model=m).power_limit_w - root) < 1.0
    m, calls = _scripted(lambda p, t: t + 2 * p, power=10.0)
    lim = power_limit(None, "x", model=m)
    assert calls == [10.0, 20.0] and lim.solves == 2
    assert lim.heat_flux_w_per_mm2 == pytest.approx(20.0 / 100.0) and lim.r_th_k_per_w == pytest.approx(2.0)
    assert (lim.pressure_drop_pa, lim.pumping_power_w, lim.coolant_rise_k) == (1.0, 2.0, 3.0)
    m, calls = _scripted(lambda p, t: t + 30 + max(0.0, p - 50))
    power_limit(None, "x", model=m, xtol_w=1e-6)
    assert calls[:4] == pytest.approx([20.0, 80 / 3, 40.0, 60.0])
    m, calls = _scripted(lambda p, t: t + 40 * (p / 30) ** 8)
    lim = power_limit(None, "x", model=m)
    assert abs(lim.power_limit_w - 30.0) < 1.0 and lim.at_limit.tj_max_c == pytest.approx(70.0, abs=8 * 40 / 30)
    assert calls[1] == pytest.approx(20 * 40 / (40 * (2 / 3) ** 8)) and 0 < calls[2] - 20.0 < 1e-6
    assert calls[3] == pytest.approx(0.5 * (calls[2] + calls[1]))  # the stagnating step: bisection
    # a limit 0.5 K above the inlet (Tj - T_in = 0.01 P + 1e-4 P^2: 36.6 W): the convergence test holds
    # for junction rises below a kelvin too
    m, calls = _scripted(lambda p, t: t + 0.01 * p + 1e-4 * p * p, tj_limit_c=30.5)
    assert power_limit(None, "x", model=m, xtol_w=1e-6).power_limit_w == pytest.approx(
        (math.sqrt(3e-4) - 0.01) / 2e-4, abs=1e-5)
    # the same at a 80 degC inlet (limit 120 degC): the check uses the rise above the inlet, not the temperature
    m, calls = _scripted(lambda p, t: t + 40 * (p / 30) ** 8, inlet_c=80.0, tj_limit_c=120.0)
    assert abs(power_limit(None, "x", model=m, xtol_w=5.0).power_limit_w - 30.0) < 5.0
    # a junction below the inlet at the file's power: the first secant step is negative
    m, calls = _scripted(lambda p, t: t - 1.0)
    with pytest.raises(ConvergenceError, match="left the positive powers"):
        power_limit(None, "x", model=m)
    # a junction that never reaches the limit: the powers grow without bound, then the search stops
    m, calls = _scripted(lambda p, t: t + 39.0 * (1 - math.exp(-p)))
    with pytest.raises(ConvergenceError):
        power_limit(None, "x", model=m)


def test_power_limit_from_known_results_on_scripted_tj():
    """Known results at this inlet seed the search: three on a parabola (Tj - T_in = P + 0.01 P^2) give
    its root at once (one new solve, at the root); two give the secant through them (not the file's
    power first); the three nearest the limit are used (not the lowest powers); results at another inlet
    (30.5 degC) are ignored."""
    tj = lambda p, t: t + p + 0.01 * p * p  # noqa: E731
    root = (math.sqrt(2.6) - 1) / 0.02

    def known(ps, inlet=30.0):
        m, _ = _scripted(tj)
        return [m.solve(p, inlet_c=inlet) for p in ps]

    m, calls = _scripted(tj, power=5.0)
    lim = power_limit(None, "x", model=m, known=known([20.0, 25.0, 40.0]))
    assert calls == pytest.approx([root], abs=1e-9) and lim.power_limit_w == pytest.approx(root, abs=1e-9)
    assert lim.solves == 4
    m, calls = _scripted(tj, power=5.0)
    power_limit(None, "x", model=m, known=known([25.0, 40.0]))
    assert 5.0 not in calls
    assert calls[0] == pytest.approx(25 - (25 + 6.25 - 40) * 15 / (40 + 16 - 25 - 6.25))
    # four known, the lowest far from the limit: a cubic through the nearest three is not the one through
    # the lowest three; on the parabola both give the root, so the first new solve tells which were taken
    cub = lambda p, t: t + 1e-3 * p ** 3  # noqa: E731
    m, calls = _scripted(cub, power=5.0)
    m0, _ = _scripted(cub)
    ks = [m0.solve(p, inlet_c=30.0) for p in (1.0, 30.0, 33.0, 36.0)]
    power_limit(None, "x", model=m, known=ks)
    a, b, c = np.polyfit([33.0, 30.0, 36.0], [1e-3 * p ** 3 - 40 for p in (33.0, 30.0, 36.0)], 2)
    want = min(np.roots([a, b, c]), key=lambda r: abs(r - 33.0))
    assert calls[0] == pytest.approx(want, rel=1e-9)
    # a flatter parabola (Tj - T_in = 0.2 P + 0.001 P^2, discriminant 0.2 K^2, below 1 in these units): its root
    flat = lambda p, t: t + 0.2 * p + 0.001 * p * p  # noqa: E731
    m, calls = _scripted(flat, power=5.0)
    m0, _ = _scripted(flat)
    power_limit(None, "x", model=m, known=[m0.solve(p, inlet_c=30.0) for p in (100.0, 120.0, 150.0)])
    assert calls[0] == pytest.approx((math.sqrt(0.2) - 0.2) / 0.002, rel=1e-9)
    m, calls = _scripted(tj, power=5.0)
    power_limit(None, "x", model=m, known=known([20.0, 25.0, 40.0], inlet=30.5))
    assert calls[0] == 5.0


def test_power_limit_and_tj_curve_build_their_model(tmp_path):
    """Without a model, both build one from the file at the given mesh size (and its estimate)."""
    path = _write(tmp_path)
    lim = power_limit(path, "microchannel", mesh_size=2e-3, comm=COMM)
    assert lim.at_limit.mesh_size_m == 2e-3 and lim.at_limit.tj_max_c == pytest.approx(70.0, abs=1e-6)
    assert lim.cooling == "microchannel"
    curve = tj_curve(path, "coldplate", [10.0, 20.0], mesh_size=2e-3, comm=COMM, inlet_c=40.0)
    assert [c.mesh_size_m for c in curve] == [2e-3, 2e-3] and [c.inlet_c for c in curve] == pytest.approx([40.0, 40.0])
    assert curve[0].cooling == "coldplate" and curve[1].tj_max_c - 40.0 == pytest.approx(2 * (curve[0].tj_max_c - 40.0))
    assert pk.solve_package(path, "coldplate", 20.0, mesh_size=2e-3, comm=COMM, inlet_c=40.0).tj_max_c == \
        pytest.approx(curve[1].tj_max_c, abs=1e-9)


@pytest.mark.parametrize("cooling", ["microchannel", "coldplate"])
def test_channel_cover_conducts_from_the_fin_tips(tmp_path, cooling):
    """A conducting channel cover (cover_thickness): the fin tips pass heat into it (cooling.ChannelArray
    with the cover, built by hand); its material is cover_material, else the fins' own."""
    from dataclasses import replace

    from si_thermal.thermal import cooling as cool
    props = cool.CoolantProperties("cool_c", 303.15, 1000.0, 4000.0, 0.6, 1e-3, 373.15)
    if cooling == "microchannel":
        arr, anchor, h = cool.ChannelArray(200e-6, 500e-6, 200e-6, 8e-3, 4e-3, K_LID), 'wall_thickness = "200 um"', 1e4
    else:
        arr, anchor, h = cool.ChannelArray(0.3e-3, 1e-3, 0.1e-3, 8e-3, 4e-3, K_CP), 'fin_thickness = "0.1 mm"', 5e3
    for extra, k_cover in (("", arr.wall_conductivity_w_mk), ('\ncover_material = "sub_c"', 1e-6)):
        path = _write(tmp_path, (anchor, anchor + '\ncover_thickness = "0.3 mm"' + extra))
        r = _model(path, cooling).solve(20.0)
        flow = cool.channel_flow(replace(arr, cover_m=0.3e-3, cover_conductivity_w_mk=k_cover), props, 100 / 6e4,
                                 h_stated=((0.0,), (h,)))
        assert r.h_footprint_mean_w_per_m2k == pytest.approx(float(flow.h_footprint(0.0)), rel=1e-9)
        assert r.ceiling.startswith("conducting cover 0.3 mm")
    bare = cool.channel_flow(arr, props, 100 / 6e4, h_stated=((0.0,), (h,)))
    assert float(flow.h_footprint(0.0)) != pytest.approx(float(bare.h_footprint(0.0)), rel=1e-6)


def test_coolant_properties_at_the_mean_bulk_temperature(tmp_path):
    """A coolant whose c_p falls with T (4000 J/(kg K) at 0 degC to 2000 at 100 degC, rho 1000): the inlet
    c_p gives the rise P / (rho c_p(T_in) Q) for the mean temperature T_in + rise/2, where c_p sets the
    capacity rate; the mixed outlet is P over that capacity rate (0.2 L/min, 60 W: ~4.6 K)."""
    edits = (('specific_heat = ["4000 J/(kg*K)", "4000 J/(kg*K)"]', 'specific_heat = ["4000 J/(kg*K)", "2000 J/(kg*K)"]'),
             ('flow = "100 L/min"\ninlet = "30 degC"\nheat_transfer_coefficient = "10000',
              'flow = "0.2 L/min"\ninlet = "30 degC"\nheat_transfer_coefficient = "10000'))
    r = _model(_write(tmp_path, *edits)).solve(60.0)
    q = 0.2 / 6e4
    cp = lambda t_c: 4000.0 - 20.0 * t_c  # noqa: E731
    rise_in = 60.0 / (1000.0 * q * cp(30.0))
    assert r.coolant_rise_k == pytest.approx(60.0 / (1000.0 * q * cp(30.0 + rise_in / 2)), rel=1e-9)
    assert r.heat_to_coolant_w == pytest.approx(60.0, rel=1e-6)


def test_die_spread_mean_is_volume_weighted_and_results_report_their_bases(tmp_path):
    """The mean of a die's junction layer weights each region by its volume (a 4 mm^2 hot spot and the
    12 mm^2 around it); the result carries the solver's label and the friction basis of the channels; the
    error estimate scales with the junction rise (Tj - T_in) at another power."""
    from si_thermal.thermal import cooling as cool
    edit = ('flow = "100 L/min"\ninlet = "30 degC"\nheat_transfer_coefficient = "10000',
            'flow = "0.5 L/min"\ninlet = "30 degC"\nheat_transfer_coefficient = "10000')
    m = pk.PackageModel(_write(tmp_path, SPOT, edit), "microchannel", mesh_size=1e-3, comm=COMM)
    r = m.solve(20.0)
    sol = r.solution
    hot, bg = m.tm.regions["a_hot0"], m.tm.regions["a_active"]
    mean = (4.0 * sol.mean_k(hot) + 12.0 * sol.mean_k(bg)) / 16.0
    assert r.die_spread_k["a"]["mean_c"] == pytest.approx(mean - T0, abs=1e-9)
    assert sol.mean_k(hot) - sol.mean_k(bg) > 0.1  # the weighting matters
    assert r.linear_solver == sol.linear_solver and isinstance(r.linear_solver, str) and r.linear_solver
    props = cool.CoolantProperties("cool_c", 303.15, 1000.0, 4000.0, 0.6, 1e-3, 373.15)
    flow = cool.channel_flow(cool.ChannelArray(200e-6, 500e-6, 200e-6, 8e-3, 4e-3, K_LID), props, 0.5 / 6e4)
    assert r.friction_basis == flow.friction_basis
    e = m.estimate
    assert e.tj_error_k > 0 and len(set(e.dofs)) == 3 and len(set(e.tj_c)) == 3  # three distinct grids
    assert e.rise_k == pytest.approx(r.tj_max_c - 30.0, abs=1e-9)  # the model's own mesh, not a coarser one
    assert r.tj_error_k == pytest.approx(e.tj_error_k, rel=1e-9)
    r2 = m.solve(50.0)
    assert r2.tj_error_k == pytest.approx(e.tj_error_k * (r2.tj_max_c - 30.0) / (r.tj_max_c - 30.0), rel=1e-9)
    assert r2.die_delta_t_error_k == pytest.approx(e.spread_error_k * (r2.tj_max_c - 30.0) / (r.tj_max_c - 30.0),
                                                   rel=1e-9)
    low = m.solve(0.5)  # half a watt is a power too
    assert low.tj_max_c - 30.0 == pytest.approx((r.tj_max_c - 30.0) / 40.0, rel=1e-3)


def test_three_parallel_paths_split_between_each_pair_of_dies(tmp_path):
    """Three 2 mm dies at x = -3, 0, 3 mm in parallel paths: the cuts half-way between adjacent centres
    (-1.5 and 1.5 mm), each top node's h from its own path's start (the wall-h table along the flow)."""
    text = TOML.replace(H_TABLE[0], 'dies_in = "parallel"\n' + H_TABLE[1])
    dies = "".join(f'[[dies]]\nname = "d{i}"\nmaterial = "si_c"\ncenter_x = "{cx} mm"\ncenter_y = "0 mm"\nsize_x = "2 mm"\n'
                   f'size_y = "4 mm"\nthickness = "0.5 mm"\nactive_thickness = "0.1 mm"\npower_fraction = {f}\n'
                   for i, (cx, f) in enumerate([(-3, 0.25), (0, 0.5), (3, 0.25)]))
    text = text[:text.index("[[dies]]")] + dies + text[text.index("[tim1]"):]
    path = tmp_path / "three.toml"
    path.write_text(text)
    m = _model(path, mesh=1e-3)
    m.solve(20.0)
    xyz = m._xyz()
    top = np.flatnonzero(np.isclose(xyz[:, 2], xyz[:, 2].max(), rtol=0, atol=1e-12))
    x = xyz[top, 0]
    start = np.where(x >= 1.5e-3, 1.5e-3, np.where(x >= -1.5e-3, -1.5e-3, -4e-3))
    expect = np.array([_h_fp(h, K_LID, 200e-6, 500e-6, 200e-6) for h in _h_table(x - start)])
    assert np.allclose(m.h.x.array[top], expect, rtol=1e-9, atol=0)
