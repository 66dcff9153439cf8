"""Physics checks added after mutation testing (issue 18, ``benchmarks/MUTATION.md``) of the closed-form
thermal models: duct correlations, coolant properties, fins, Anderson mixing, mesh convergence."""

from __future__ import annotations

import math

import numpy as np
import pytest
from mpi4py import MPI

from si_thermal.errors import InputError
from si_thermal.thermal import convergence as conv
from si_thermal.thermal import cooling as cool
from si_thermal.thermal.anderson import Anderson

WATER = cool.coolant_properties("water", 300.0)


def test_water_properties_against_incropera_table_a6():
    """Saturated water at 300 K (Incropera & DeWitt Table A.6): rho 997, cp 4179, k 0.613,
    mu 855e-6, Pr 5.83; boiling at 373.15 K; the table's end values held outside it."""
    assert WATER.density_kg_m3 == pytest.approx(997.0, rel=0.01)
    assert WATER.specific_heat_j_kgk == pytest.approx(4179.0, rel=0.01)
    assert WATER.conductivity_w_mk == pytest.approx(0.613, rel=0.01)
    # linear interpolation between the 20 and 40 degC rows overstates mu by ~3 % mid-interval
    assert WATER.viscosity_pa_s == pytest.approx(855e-6, rel=0.04)
    assert WATER.prandtl == pytest.approx(5.83, rel=0.05)
    at40 = cool.coolant_properties("water", 313.15)  # a table row: CRC / Incropera, 40 degC
    assert at40.viscosity_pa_s == pytest.approx(653e-6, rel=0.01) and at40.density_kg_m3 == pytest.approx(992.2, rel=1e-3)
    assert WATER.boiling_point_k == pytest.approx(373.15, abs=0.1)
    cold, colder = cool.coolant_properties("water", 250.0), cool.coolant_properties("water", 200.0)
    assert cold.viscosity_pa_s == colder.viscosity_pa_s and cold.viscosity_pa_s > WATER.viscosity_pa_s


def _colebrook_smooth(re: float) -> float:
    f = 0.02
    for _ in range(50):
        f = (-2.0 * math.log10(2.51 / (re * math.sqrt(f)))) ** -2
    return f


@pytest.mark.parametrize("re", [1e4, 1e5, 1e6])
def test_filonenko_friction_matches_colebrook_smooth_pipe(re):
    """Filonenko's explicit factor vs Colebrook's smooth-pipe equation: within 3 % (Moody chart)."""
    assert cool.friction_turbulent(re) == pytest.approx(_colebrook_smooth(re), rel=0.03)


@pytest.mark.parametrize("re, pr", [(1e4, 0.7), (1e5, 0.7), (3e4, 7.0), (1e5, 3.0)])
def test_gnielinski_against_dittus_boelter(re, pr):
    """Two independent turbulent correlations agree within Dittus-Boelter's stated 25 % (Incropera 8.5)."""
    assert cool.nu_gnielinski(re, pr) == pytest.approx(0.023 * re**0.8 * pr**0.4, rel=0.25)
    # Pr = 1 leaves the Reynolds-analogy core: Nu = (f/8)(Re - 1000)
    assert cool.nu_gnielinski(re, 1.0) == pytest.approx(cool.friction_turbulent(re) / 8 * (re - 1000), rel=1e-12)


def test_fin_heat_limits_and_tip_conductance():
    """Adiabatic tip: sqrt(2hkt) tanh(mH) = eta h 2H; convective tip h t: Incropera's corrected length
    H + t/2 within 1 % (ht/k << 1); a very conducting tip: sqrt(2hkt) coth(mH)."""
    h, k, t, H = 8000.0, 398.0, 2e-4, 3e-3
    m = math.sqrt(2 * h / (k * t))
    big_m = math.sqrt(2 * h * k * t)
    adiabatic = cool.fin_heat(h, k, t, H)
    assert adiabatic == pytest.approx(big_m * math.tanh(m * H), rel=1e-12)
    assert adiabatic == pytest.approx(cool.fin_efficiency(h, k, t, H) * h * 2 * H, rel=1e-12)
    assert cool.fin_heat(h, k, t, H, h * t) == pytest.approx(big_m * math.tanh(m * (H + t / 2)), rel=0.01)
    assert cool.fin_heat(h, k, t, H, 1e12) == pytest.approx(big_m / math.tanh(m * H), rel=1e-6)
    # a fin of infinite conductivity convects at base temperature over both faces
    assert cool.fin_heat(h, 1e9, t, H) == pytest.approx(2 * h * H, rel=1e-4)
    assert cool.fin_efficiency(h, 1e9, t, H) == pytest.approx(1.0, rel=1e-4)


def test_cover_conductance_limits():
    """Narrow cover: its whole underside at fin-tip temperature, h w; wide cover: two semi-infinite
    fins, 2 sqrt(h k t)."""
    h, k, t = 5000.0, 398.0, 1e-3
    assert cool.cover_conductance(h, k, t, 1e-6) == pytest.approx(h * 1e-6, rel=1e-6)
    assert cool.cover_conductance(h, k, t, 10.0) == pytest.approx(2 * math.sqrt(h * k * t), rel=1e-9)


def test_channel_geometry():
    sq = cool.ChannelArray(1e-3, 1e-3, 0.5e-3, 0.05, 0.03, 398.0)
    assert sq.hydraulic_diameter_m == pytest.approx(1e-3) and sq.aspect == 1.0 and sq.count == 20
    flat = cool.ChannelArray(0.1e-3, 10e-3, 0.1e-3, 0.05, 0.03, 398.0)
    assert flat.hydraulic_diameter_m == pytest.approx(2 * 0.1e-3, rel=0.011)  # parallel plates: 2 gap
    assert flat.aspect == pytest.approx(0.01) and cool.ChannelArray(10e-3, 0.1e-3, 0.1e-3, 1, 1, 1).aspect == 0.01
    assert cool.ChannelArray(1e-3, 1e-3, 1e-3, 0.05, 1e-3, 398.0).count == 1  # at least one channel
    assert "adiabatic" in sq.ceiling
    covered = cool.ChannelArray(1e-3, 1e-3, 0.5e-3, 0.05, 0.03, 398.0, 1e-3, 200.0)
    assert "1 mm" in covered.ceiling and "200" in covered.ceiling


def test_laminar_pressure_drop_is_hagen_poiseuille_plus_entrance():
    """Square duct, laminar: the length-proportional part is dp/L = 2 (f Re) mu u / Dh^2 with Shah &
    London's f Re = 14.227; the rest is (K(inf) + k_minor) rho u^2 / 2."""
    short = cool.ChannelArray(1e-3, 1e-3, 1e-3, 0.02, 0.02, 398.0)
    long = cool.ChannelArray(1e-3, 1e-3, 1e-3, 0.06, 0.02, 398.0)
    q = 2e-6
    a, b = cool.channel_flow(short, WATER, q), cool.channel_flow(long, WATER, q)
    u = q / (short.count * 1e-6)
    assert a.velocity_m_s == pytest.approx(u) and a.regime == "laminar"
    assert a.reynolds == pytest.approx(WATER.density_kg_m3 * u * 1e-3 / WATER.viscosity_pa_s, rel=1e-12)
    slope = (b.pressure_drop_pa - a.pressure_drop_pa) / 0.04
    assert slope == pytest.approx(2 * 14.227 * WATER.viscosity_pa_s * u / 1e-6, rel=3e-3)
    dyn = 0.5 * WATER.density_kg_m3 * u**2
    intercept = a.pressure_drop_pa - slope * 0.02
    assert intercept == pytest.approx((cool.k_infinity(1.0) + 1.5) * dyn, rel=1e-6)
    assert cool.channel_flow(short, WATER, q, k_minor=0.0).pressure_drop_pa == pytest.approx(
        a.pressure_drop_pa - 1.5 * dyn, rel=1e-9)
    assert a.capacity_rate_w_k == pytest.approx(WATER.density_kg_m3 * q * WATER.specific_heat_j_kgk)
    assert a.pumping_power_w == pytest.approx(a.pressure_drop_pa * q)
    assert a.h_fully_developed_w_m2k == pytest.approx(cool.nu_laminar(1.0) * WATER.conductivity_w_mk / 1e-3)
    with pytest.raises(InputError, match="flow"):
        cool.channel_flow(short, WATER, 0.0)


def test_k_infinity_parallel_plates():
    """Shah & London's incremental pressure defect for parallel plates, K(inf) = 0.686 (to the fit's 1 %)."""
    assert cool.k_infinity(0.0) == pytest.approx(0.686, rel=0.01)
    assert cool.k_infinity(1.0) > cool.k_infinity(0.0)  # the square duct's core accelerates more


def test_turbulent_and_transitional_flow():
    ch = cool.ChannelArray(2e-3, 2e-3, 1e-3, 0.1, 0.03, 398.0)
    area = ch.count * ch.area_m2
    u_of = lambda re: re * WATER.viscosity_pa_s / (WATER.density_kg_m3 * ch.hydraulic_diameter_m)  # noqa: E731
    turb = cool.channel_flow(ch, WATER, u_of(5e4) * area)
    assert turb.regime == "turbulent" and turb.reynolds == pytest.approx(5e4)
    assert turb.nu_fully_developed == pytest.approx(cool.nu_gnielinski(5e4, WATER.prandtl), rel=1e-12)
    dyn = 0.5 * WATER.density_kg_m3 * u_of(5e4) ** 2
    assert turb.pressure_drop_pa == pytest.approx((cool.friction_turbulent(5e4) * 0.1 / 2e-3 + 1.5) * dyn, rel=1e-9)
    assert np.all(turb.h_wall(np.array([1e-4, 0.05])) == turb.h_fully_developed_w_m2k)  # no entry effect
    # the transition interpolation meets Gnielinski at Re = 1e4 and is half-way at its middle
    below, above = cool.channel_flow(ch, WATER, u_of(9999.0) * area), cool.channel_flow(ch, WATER, u_of(1e4) * area)
    assert below.regime == "transitional" and above.regime == "turbulent"
    assert below.nu_fully_developed == pytest.approx(above.nu_fully_developed, rel=1e-3)
    mid = cool.channel_flow(ch, WATER, u_of(6150.0) * area)
    assert mid.nu_fully_developed == pytest.approx(
        0.5 * (cool.nu_laminar(1.0) + cool.nu_gnielinski(1e4, WATER.prandtl)), rel=1e-9)
    # just above laminar, the friction never drops below the laminar f Re / Re
    lam = cool.channel_flow(ch, WATER, u_of(2400.0) * area)
    f_lam = 4 * cool.fre_laminar(1.0) / 2400.0
    dyn = 0.5 * WATER.density_kg_m3 * u_of(2400.0) ** 2
    assert lam.pressure_drop_pa >= (f_lam * 0.1 / 2e-3 + 1.5) * dyn * (1 - 1e-12)


def test_stated_h_and_friction_replace_the_correlations():
    ch = cool.ChannelArray(1e-3, 2e-3, 1e-3, 0.05, 0.05, 398.0)
    q = 1e-6
    f = cool.channel_flow(ch, WATER, q, h_stated=((0.0, 0.05), (2e4, 1e4)), friction_factor=0.05)
    assert f.h_fully_developed_w_m2k == pytest.approx(1.5e4)
    assert f.h_wall(np.array([0.0, 0.025, 0.05])) == pytest.approx([2e4, 1.5e4, 1e4])
    u = f.velocity_m_s
    dh = ch.hydraulic_diameter_m
    assert f.pressure_drop_pa == pytest.approx((0.05 * 0.05 / dh + 1.5) * 0.5 * WATER.density_kg_m3 * u**2)
    assert f.nu_fully_developed == pytest.approx(1.5e4 * dh / WATER.conductivity_w_mk)
    assert "0.05" in f.friction_basis and "table of 2" in f.h_basis
    one = cool.channel_flow(ch, WATER, q, h_stated=((0.0,), (3e4,)))
    assert one.h_wall(0.01) == pytest.approx(3e4) and "h = 30000 W/(m^2 K)" in one.h_basis


def test_laminar_entry_h_and_footprint_coefficient():
    """Far from the inlet the local h is the fully developed one; near it, larger. With perfectly
    conducting walls the footprint coefficient is h (w + 2 H) / pitch."""
    ch = cool.ChannelArray(0.3e-3, 3e-3, 0.2e-3, 0.064, 0.06, 1e9)
    flow = cool.channel_flow(ch, WATER, 1e-5)
    assert flow.regime == "laminar"
    far, near = flow.h_wall(np.array([10.0]))[0], flow.h_wall(np.array([1e-4]))[0]
    assert far == pytest.approx(flow.h_fully_developed_w_m2k, rel=1e-6) and near > 1.5 * far
    x = np.array([1e-3, 0.03])
    h = flow.h_wall(x)
    assert flow.h_footprint(x) == pytest.approx(h * (0.3e-3 + 2 * 3e-3) / 0.5e-3, rel=1e-4)
    capped = cool.ChannelArray(0.3e-3, 3e-3, 0.2e-3, 0.064, 0.06, 1e9, 1e-3, 1e9)
    fc = cool.channel_flow(capped, WATER, 1e-5)
    # a perfectly conducting cover adds its underside: h (2 w + 2 H) / pitch
    assert fc.h_footprint(x) == pytest.approx(h * (2 * 0.3e-3 + 2 * 3e-3) / 0.5e-3, rel=1e-3)


def test_boiling_check_outlet_at_the_boiling_point():
    flow = 1e-5
    p_boil = (WATER.boiling_point_k - 300.0) * WATER.density_kg_m3 * flow * WATER.specific_heat_j_kgk
    assert cool.check_boiling(WATER, 300.0, 0.99 * p_boil, flow) < WATER.boiling_point_k
    with pytest.raises(InputError, match="would boil"):
        cool.check_boiling(WATER, 300.0, 1.0001 * p_boil, flow)
    with pytest.raises(InputError, match="inlet"):
        cool.check_boiling(WATER, WATER.boiling_point_k, 1.0, flow)


# ---- mesh convergence (Richardson) ----------------------------------------------------------------

def test_richardson_estimate_is_exact_for_a_first_order_sequence():
    """T(h) = T* + C h on the sqrt(2) sequence: the estimate, the larger of the last two differences over
    (sqrt 2 - 1), is C h of the middle mesh: the true error of the finest times sqrt 2 (conservative)."""
    sizes = conv.sequence(1e-3)
    assert sizes == pytest.approx([2e-3, math.sqrt(2) * 1e-3, 1e-3])
    t = [80.0 + 500.0 * h for h in sizes]
    assert conv.error(t) == pytest.approx(500.0 * 1e-3 * math.sqrt(2), rel=1e-9)
    assert conv.error(t) >= t[-1] - 80.0  # bounds the true error of the finest mesh
    t2 = [80.0 + 500.0 * h * h for h in sizes]  # second order: the last difference is the smaller too
    assert t2[-1] - 80.0 <= conv.error(t2) == pytest.approx(500.0 * (sizes[0] ** 2 - sizes[1] ** 2) / (math.sqrt(2) - 1))
    default = conv.sequence(n=4)
    assert default[0] == conv.COARSEST_M and default[1] / default[2] == pytest.approx(math.sqrt(2))
    assert len(default) == 4
    est = conv.MeshEstimate(1e-3, 0.5, 0.2, 0.2, 1000.0, 50.0, tuple(sizes), tuple(t), (1, 2, 3))
    assert est.tj_error_at(25.0) == pytest.approx(0.25) and est.spread_error_at(-100.0) == pytest.approx(0.4)


def test_memory_limit_and_unreachable_message():
    assert conv.max_dofs_default() > 1000
    assert conv.max_dofs_default(4) == conv.max_dofs_default(1) or conv.max_dofs_default(4) > 0
    err = conv.unreachable(0.01, [4e-3, 2.8e-3, 2e-3], [80.0, 81.0, 81.5], [100, 200, 400], 500)
    assert "2 mm (400 DOFs)" in str(err) and f"{1.0 / (math.sqrt(2) - 1):.3g} K" in str(err)
    assert "500 DOFs" in str(err) and "0.01 K" in str(err)
    assert "not even three meshes" in str(conv.unreachable(0.01, [4e-3], [80.0], [100], 50))


# ---- Anderson mixing ------------------------------------------------------------------------------

def test_anderson_depth_zero_is_picard_and_full_depth_solves_a_linear_map():
    rng = np.random.default_rng(4)
    n = 4
    m = 0.5 * rng.standard_normal((n, n)) / math.sqrt(n)
    b = rng.standard_normal(n)
    exact = np.linalg.solve(np.eye(n) - m, b)
    picard = Anderson(MPI.COMM_SELF, 0)
    x = np.zeros(n)
    assert np.array_equal(picard.step(x, m @ x + b), b)
    assert np.array_equal(picard.step(b, m @ b + b), m @ b + b)  # still plain G(x), no mixing
    mixer, x = Anderson(MPI.COMM_SELF, n), np.zeros(n)
    for _ in range(n + 2):  # GMRES-like: exact after n + 1 linearly independent differences
        x = mixer.step(x, m @ x + b)
    assert x == pytest.approx(exact, rel=1e-8)


# ---- added after the mutation run (not re-measured) ----------------------------------------------

def test_thermal_entry_uses_the_graetz_coordinate():
    """h_wall(x) = Nu_fd(a) Nu_x,circ(x*) / 4.364 k / Dh with x* = x / (Dh Re Pr), by hand at x* = 0.01."""
    ch = cool.ChannelArray(0.3e-3, 3e-3, 0.2e-3, 0.064, 0.06, 398.0)
    flow = cool.channel_flow(ch, WATER, 1e-5)
    dh = ch.hydraulic_diameter_m
    x = 0.01 * dh * flow.reynolds * WATER.prandtl
    nu_x = 4.364 + 8.68 * 10.0 ** (-0.506) * math.exp(-0.41)
    want = cool.nu_laminar(ch.aspect) * nu_x / 4.364 * WATER.conductivity_w_mk / dh
    assert flow.h_wall(np.array([x]))[0] == pytest.approx(want, rel=1e-9)


def test_gnielinski_by_hand():
    """Gnielinski (1975) at Re 1e4, Pr 7 with Filonenko's f: Nu = (f/8)(Re - 1000) Pr / (1 + 12.7
    sqrt(f/8)(Pr^(2/3) - 1))."""
    f = (0.790 * math.log(1e4) - 1.64) ** -2
    want = f / 8 * 9000 * 7 / (1 + 12.7 * math.sqrt(f / 8) * (7 ** (2 / 3) - 1))
    assert cool.nu_gnielinski(1e4, 7.0) == pytest.approx(want, rel=1e-12)


def test_richardson_estimate_takes_the_larger_difference_and_scales_small_rises():
    assert conv.error([10.0, 10.1, 10.5]) == pytest.approx(0.4 / (math.sqrt(2) - 1))  # the last is larger
    assert conv.error([9.0, 10.0, 10.1, 10.5]) == pytest.approx(0.4 / (math.sqrt(2) - 1))  # only the last three
    assert len(conv.sequence()) == 40
    est = conv.MeshEstimate(1e-3, 0.1, 0.05, 0.2, 1000.0, 0.5, (), (), ())  # a 0.5 K rise
    assert est.tj_error_at(1.0) == pytest.approx(0.2) and est.spread_error_at(1.0) == pytest.approx(0.1)


def test_memory_limit_is_half_of_the_available_memory_at_4_kb_per_dof(monkeypatch):
    """The default DOF limit: half of ``MemAvailable`` (kB in /proc/meminfo) at BYTES_PER_DOF each; where
    /proc/meminfo cannot be read, half of the physical memory (page size x pages). Fixed fake machines, so
    the assertion does not depend on the memory free now."""
    import io

    real_open = open

    def fake_open(path, *a, **k):
        if path == "/proc/meminfo":
            return io.StringIO("MemTotal:       32000000 kB\nMemFree:         1000000 kB\n"
                               "MemAvailable:    8000000 kB\nBuffers:          100 kB\n")
        return real_open(path, *a, **k)

    monkeypatch.setattr(conv, "open", fake_open, raising=False)
    assert conv.BYTES_PER_DOF == 4e3
    assert conv.max_dofs_default() == int(0.5 * 8000000 * 1024 / 4e3) == 1024000

    def no_proc(path, *a, **k):
        raise OSError("no /proc")

    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 2_000_000}
    monkeypatch.setattr(conv, "open", no_proc, raising=False)
    monkeypatch.setattr(conv.os, "sysconf", lambda name: pages[name])
    assert conv.max_dofs_default() == int(0.5 * 4096 * 2_000_000 / 4e3) == 1024000


def test_unreachable_error_names_the_field_and_the_finest_mesh_of_the_sequence():
    """The error of an unreachable tolerance: field ``--tj-tol-k``, the finest size in mm to 3 digits
    (8 mm / sqrt(2)^5 = 1.41 mm), its DOFs, its estimate; fewer than three meshes: says so."""
    sizes = conv.sequence(n=8)
    err = conv.unreachable(0.05, sizes, [70.0, 71.0, 71.6, 71.9, 72.1, 72.2], [10, 20, 40, 80, 160, 320], 400)
    assert err.field == "--tj-tol-k" and err.file is None
    assert "the finest mesh tried, 1.41 mm (320 DOFs)" in err.message
    assert f"{0.2 / (math.sqrt(2) - 1):.3g} K" in err.message and "(400 DOFs) meets 0.05 K on Tj" in err.message
    short = conv.unreachable(0.05, sizes, [70.0, 71.0], [10, 20], 25)
    assert short.field == "--tj-tol-k" and short.message.endswith("not even three meshes fit to estimate the error")
