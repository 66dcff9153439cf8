"""Physics checks added after mutation testing (issue 18, ``benchmarks/MUTATION.md``): limits,
symmetries and published values of the line models that the existing tests left open."""

from __future__ import annotations

import math

import numpy as np
import pytest
import skrf

from si_thermal.si import conductor as c
from si_thermal.si import metrics, reach, twinax, via
from si_thermal.si.dielectric import djordjevic_sarkar
from si_thermal.si.tline import C0, ETA0, abcd_to_s

SIGMA = 5.8e7


# ---- conductor -------------------------------------------------------------------------------------

def test_roughness_factors_at_their_characteristic_points():
    """Hammerstad: 1.4 (Rq/delta)^2 = 1 gives 1 + (2/pi)(pi/4) = 1.5; Groisse: delta = 2 Rq gives
    1 + 1/e; Huray: delta = a gives 1 + 1.5 ratio / 2.5."""
    f = 10e9
    d = float(c.skin_depth(f, SIGMA))
    assert c.hammerstad_factor(f, SIGMA, d / math.sqrt(1.4)) == pytest.approx(1.5, rel=1e-12)
    assert c.groisse_factor(f, SIGMA, d / 2) == pytest.approx(1 + math.exp(-1), rel=1e-12)
    assert c.huray_factor(f, SIGMA, d, 2.0) == pytest.approx(1 + 3.0 / 2.5, rel=1e-12)
    assert c.roughness_factor(f, SIGMA, "hammerstad", rq_m=d / math.sqrt(1.4)) == pytest.approx(1.5)
    assert c.roughness_factor(f, SIGMA, "groisse", rq_m=d / 2) == pytest.approx(1 + math.exp(-1))
    assert c.roughness_factor(f, SIGMA, "huray", radius_m=d, ratio=2.0) == pytest.approx(2.2)
    assert np.all(c.roughness_factor(np.array([1e9, 5e10]), SIGMA, "none") == 1.0)
    with pytest.raises(ValueError, match="unknown roughness model"):
        c.roughness_factor(f, SIGMA, "smooth")
    # at DC the factor is 1 (no skin effect), not NaN
    assert c.hammerstad_factor(0.0, SIGMA, 1e-6) == pytest.approx(1.0) and c.huray_factor(0.0, SIGMA, 1e-6, 2) == 1.0


def test_foil_factor_uses_the_foils_own_parameters():
    class Foil:
        huray_radius, huray_ratio, rq = 0.5e-6, 1.2, 0.4e-6

    f = np.array([1e9, 3e10])
    assert c.foil_factor(f, SIGMA, None) == pytest.approx([1.0, 1.0])
    assert c.foil_factor(f, SIGMA, Foil, "none") == pytest.approx([1.0, 1.0])
    assert c.foil_factor(f, SIGMA, Foil) == pytest.approx(c.huray_factor(f, SIGMA, 0.5e-6, 1.2))
    assert c.foil_factor(f, SIGMA, Foil, "hammerstad") == pytest.approx(c.hammerstad_factor(f, SIGMA, 0.4e-6))
    assert c.foil_factor(f, SIGMA, Foil, "groisse") == pytest.approx(c.groisse_factor(f, SIGMA, 0.4e-6))


def test_skin_depth_scales_with_permeability_and_conductivity():
    """delta ~ 1/sqrt(f mu sigma); Rs = 1/(sigma delta) ~ sqrt(f mu / sigma)."""
    d = c.skin_depth(1e9, SIGMA)
    assert c.skin_depth(1e9, SIGMA, mu_r=4.0) == pytest.approx(d / 2, rel=1e-12)
    assert c.skin_depth(1e9, SIGMA / 4) == pytest.approx(2 * d, rel=1e-12)
    rs = c.surface_resistance(1e9, SIGMA)
    assert c.surface_resistance(1e9, SIGMA, mu_r=4.0) == pytest.approx(2 * rs, rel=1e-12)
    assert c.surface_resistance(1e9, SIGMA / 4) == pytest.approx(2 * rs, rel=1e-12)
    assert c.dc_resistance_rect(100e-6, 10e-6, SIGMA) == pytest.approx(1 / (SIGMA * 1e-9), rel=1e-12)
    assert c.awg_diameter(36) == pytest.approx(0.127e-3) and c.awg_diameter(-3) == pytest.approx(0.46 * 25.4e-3, rel=1e-3)


def test_slab_small_argument_branch_is_continuous():
    """The series branch R_dc (1 + u^2/3) for |u| < 1e-3 meets u coth u on either side."""
    w, t = 100e-6, 17e-6
    # |u| = sqrt(2) t / (2 delta) = 1e-3 at delta = t / sqrt(2) / 1e-3
    f_edge = 1 / (math.pi * c.MU0 * SIGMA * (t / math.sqrt(2) / 1e-3) ** 2)
    lo, hi = c.slab_internal_impedance(np.array([0.99 * f_edge, 1.01 * f_edge]), w, t, SIGMA)
    assert lo == pytest.approx(hi, rel=1e-6)
    rdc = 1 / (SIGMA * w * t)
    u = (1 + 1j) * t / (2 * c.skin_depth(0.5 * f_edge, SIGMA))
    assert c.slab_internal_impedance(0.5 * f_edge, w, t, SIGMA) == pytest.approx(rdc * (1 + u**2 / 3), rel=1e-12)
    # low-frequency internal inductance of a slab carrying current on both faces: mu0 t / (12 w)
    z = c.slab_internal_impedance(1e3, w, t, SIGMA)
    assert z.imag / (2 * math.pi * 1e3) == pytest.approx(c.MU0 * t / (12 * w), rel=1e-3)


def test_round_wire_array_and_dc_point():
    a = 0.1e-3
    z = c.round_wire_internal_impedance(np.array([0.0, 1e9]), a, SIGMA)
    assert z[0] == pytest.approx(1 / (SIGMA * math.pi * a * a)) and z[0].imag == 0.0
    assert z[1] == pytest.approx(c.round_wire_internal_impedance(1e9, a, SIGMA), rel=1e-12)


# ---- dielectric -------------------------------------------------------------------------------------

def test_djordjevic_sarkar_static_and_optical_limits():
    """eps(0) = eps_inf + d_eps, eps(inf) = eps_inf; eps' falls with f; eps'' > 0 (passive); Df nearly
    flat inside the pole band (within 10 % over 1 MHz-100 GHz)."""
    m = djordjevic_sarkar(3.5, 0.004, 10e9)
    assert m.eps(np.array([0.0]))[0].real == pytest.approx(m.eps_inf + m.d_eps, rel=1e-9)
    assert m.eps(np.array([1e20]))[0].real == pytest.approx(m.eps_inf, rel=1e-6)
    f = np.geomspace(1e6, 1e11, 30)
    e = m.eps(f)
    assert np.all(np.diff(e.real) < 0) and np.all(e.imag < 0)
    df = m.df(f)
    assert df.max() / df.min() < 1.1 and m.df(10e9) == pytest.approx(0.004, rel=1e-12)
    assert m.dk(10e9) == pytest.approx(3.5, rel=1e-12)
    # the band edges are the model's: a wider band at the same datasheet point is flatter
    wide = djordjevic_sarkar(3.5, 0.004, 10e9, f1_hz=1e2, f2_hz=1e14)
    assert wide.f1_hz == 1e2 and wide.f2_hz == 1e14
    assert wide.df(f).max() / wide.df(f).min() < df.max() / df.min()
    for f_ref in (1e4, 1e12, 1e3):
        with pytest.raises(ValueError, match="pole band"):
            djordjevic_sarkar(3.5, 0.004, f_ref)


# ---- via ----------------------------------------------------------------------------------------

def test_via_stub_notch_at_the_quarter_wave():
    """A via on a near-lossless laminate, on its own impedance: the barrel alone passes everything
    (|S21| = 1, delay l sqrt(eps)/c); the open stub notches |S21| to zero at c / (4 l sqrt(eps))."""
    diel = djordjevic_sarkar(3.6, 1e-7, 10e9)
    kw = dict(drill_m=0.25e-3, pitch_m=1.0e-3, antipad_m=0.7e-3, dielectric=diel)
    z_via = via.via_impedance_air(0.25e-3, 1.0e-3, 0.7e-3) / math.sqrt(3.6)
    assert via.via_impedance_air(0.25e-3, 1.0e-3, 0.7e-3) == pytest.approx(twinax.z_diff_air(0.25e-3, 1.0e-3, 1.7e-3))
    f_notch = via.stub_resonance_hz(1.0e-3, 3.6)
    assert f_notch == pytest.approx(C0 / (4e-3 * math.sqrt(3.6)), rel=1e-12)  # 39.5 GHz
    f = np.array([1e9, 0.5 * f_notch, f_notch])
    s_barrel = abcd_to_s(via.via_abcd(f, barrel_m=3e-3, stub_m=0.0, **kw), z_via)
    assert np.abs(s_barrel[:, 1, 0]) == pytest.approx(1.0, abs=1e-4)
    assert np.all(np.abs(s_barrel[:, 0, 0]) < 1e-3)
    phase = -np.unwrap(np.angle(s_barrel[:, 1, 0]))
    assert phase[0] == pytest.approx(2 * math.pi * 1e9 * 3e-3 * math.sqrt(3.6) / C0, rel=1e-3)
    s_stub = abcd_to_s(via.via_abcd(f, barrel_m=3e-3, stub_m=1.0e-3, **kw), z_via)
    assert abs(s_stub[2, 1, 0]) < 1e-3 and abs(s_stub[0, 1, 0]) > 0.99
    s_none = abcd_to_s(via.via_abcd(f, barrel_m=0.0, stub_m=0.0, **kw), 100.0)
    assert np.abs(s_none[:, 1, 0]) == pytest.approx(1.0) and via.stub_resonance_hz(0.0, 3.6) == math.inf
    for bad in ((1e-3, 1e-3, 2e-3), (0.25e-3, 1e-3, 0.2e-3)):
        with pytest.raises(ValueError):
            via.via_impedance_air(*bad)


# ---- twinax -------------------------------------------------------------------------------------

def test_twinax_unshielded_limit_is_the_twin_lead():
    """Without a shield (D -> inf) Z_diff = (eta0/pi) acosh(s/d) (Ramo et al. table 5.11), which for s >> d
    is the familiar 276 log10(2 s/d) ohm."""
    d, s = 0.4e-3, 4e-3
    assert twinax.z_diff_air(d, s, 1e6) == pytest.approx(ETA0 / math.pi * math.acosh(s / d), rel=1e-9)
    assert twinax.z_diff_air(d, s, 1e6) == pytest.approx(276 * math.log10(2 * s / d), rel=0.01)
    # a tighter shield lowers the impedance (image charges)
    assert twinax.z_diff_air(d, s, 2 * s) < twinax.z_diff_air(d, s, 4 * s) < twinax.z_diff_air(d, s, 1e6)


def test_twinax_spacing_solver_round_trip():
    d = 0.4e-3
    s = twinax.spacing_for_impedance(d, 100.0, 1.5)
    assert twinax.z_diff_air(d, s, 2 * s) / math.sqrt(1.5) == pytest.approx(100.0, rel=1e-9)
    with pytest.raises(ValueError, match="no twinax geometry"):
        twinax.spacing_for_impedance(d, 1000.0, 1.5)  # beyond s = 100 d
    assert twinax.validity_issue(d, 4 * d, 8 * d) is None and twinax.validity_issue(d, 2.5 * d, 12.5 * d) is None
    assert twinax.validity_issue(d, 2.46 * d, 4.92 * d) is not None


# ---- metrics / reach -----------------------------------------------------------------------------

def _net(s21, s11=0.0, s22=0.0, f=None):
    f = np.linspace(1e9, 50e9, 50) if f is None else f
    s = np.zeros((f.size, 2, 2), complex)
    s[:, 1, 0] = s[:, 0, 1] = s21
    s[:, 0, 0], s[:, 1, 1] = s11, s22
    return skrf.Network(frequency=skrf.Frequency.from_f(f, unit="hz"), s=s)


def test_il_rl_and_interpolation():
    n = _net(0.5, 0.1, 0.2)
    assert metrics.il_db(n) == pytest.approx(20 * math.log10(2), rel=1e-12)
    assert metrics.rl_db(n) == pytest.approx(20.0) and metrics.rl_db(n, 2) == pytest.approx(20 * math.log10(5))
    f = np.linspace(1e9, 50e9, 50)
    ramp = _net(10 ** (-(f / 1e9) / 20), f=f)  # IL = f in GHz
    assert metrics.il_at_db(ramp, 25.5e9) == pytest.approx(25.5, rel=1e-9)  # between grid points
    assert metrics.il_at_db(ramp, 1e9) == pytest.approx(1.0) and metrics.il_at_db(ramp, 50e9) == pytest.approx(50.0)
    for bad in (0.5e9, 51e9):
        with pytest.raises(ValueError, match="outside"):
            metrics.il_at_db(ramp, bad)
    assert metrics.loss_db_per_m(2.0) == pytest.approx(2 * 8.685889638, rel=1e-9)  # two nepers


def test_ild_band_and_fom_of_a_pure_ripple():
    """IL = smooth + A sin(2 pi f / P): the ILD inside the fit band is the ripple (the fit absorbs the
    smooth part), NaN outside it; FOM_ILD is its weighted RMS with the 802.3 93A.4 weight."""
    f = np.linspace(50e6, 60e9, 1200)
    smooth = 2 + 0.5 * np.sqrt(f / 1e9) + 0.2 * f / 1e9
    ripple = 0.3 * np.sin(2 * np.pi * f / 1.3e9)
    n = _net(10 ** (-(smooth + ripple) / 20), f=f)
    dev = metrics.ild(n, 40e9)
    inside = f <= 40e9
    assert np.all(np.isnan(dev[~inside]))
    assert np.sqrt(np.nanmean((dev - ripple)[inside] ** 2)) < 0.03  # the fit leaves the ripple
    fb = 53.125e9
    m = f <= fb
    dev_fb = metrics.ild(n, fb)[m]
    w = np.sinc(f[m] / fb) ** 2 / (1 + (f[m] * 4e-12 / 0.2365) ** 4) / (1 + (f[m] / (0.75 * fb)) ** 8)
    assert metrics.fom_ild(n, fb) == pytest.approx(math.sqrt(np.mean(w * dev_fb**2)), rel=1e-12)
    assert metrics.fom_ild(n, fb, fr_ratio=100.0, t_t_s=1e-15) > metrics.fom_ild(n, fb)  # less filtering
    with pytest.raises(ValueError, match="at least 4"):
        metrics.fitted_il(n, 0.1e9)
    # the band is closed: four points exactly on [f_min, f_max] are enough and fit a cubic in sqrt f exactly
    f4 = np.array([1e9, 4e9, 9e9, 16e9])
    il4 = 1.0 + 2.0 * np.sqrt(f4 / 1e9) + 0.3 * f4 / 1e9 + 0.01 * (f4 / 1e9) ** 2
    fit = metrics.fitted_il(_net(10 ** (-il4 / 20), f=f4), 16e9, 1e9)
    assert fit(f4) == pytest.approx(il4, rel=1e-9) and (fit.f_min_hz, fit.f_max_hz) == (1e9, 16e9)
    assert fit.a4 == pytest.approx(0.01 / 1e18, rel=1e-6) and fit.a1 == pytest.approx(2.0 / math.sqrt(1e9), rel=1e-6)


def test_max_length_expands_and_caps_the_bracket():
    assert reach.max_length(lambda x: 12.5 - x, 0.0, 5.0) == pytest.approx(12.5, abs=1e-4)  # 5 -> 10 -> 20
    assert reach.max_length(lambda x: 12.5 - x, 0.0, 5.0, expand=False) == 5.0
    assert reach.max_length(lambda x: 1.0, 0.0, 5.0) == reach.HI_MAX_M  # never fails within 1 km
    assert reach.max_length(lambda x: -1.0, 0.3, 5.0) == 0.3
    assert reach.max_length(lambda x: 2.0 - x, 0.0, 5.0, xtol_m=1e-9) == pytest.approx(2.0, abs=1e-8)


# ---- stripline ----------------------------------------------------------------------------------

def test_stripline_offset_is_symmetric_and_validity_is_reported():
    from si_thermal.si import stripline as sl

    g = sl.StriplineGeometry(140e-6, 17e-6, 200e-6, 100e-6, 160e-6)
    flipped = sl.StriplineGeometry(140e-6, 17e-6, 200e-6, 160e-6, 100e-6)
    for mode in ("odd", "even", "single"):
        assert sl.mode_impedance_air(g, mode) == pytest.approx(sl.mode_impedance_air(flipped, mode), rel=1e-12)
    # the offset pair lies between the two centred pairs it is built from (parallel capacitances)
    z1 = sl.cohn_centered_air(140e-6, 17e-6, 200e-6, 2 * 100e-6 + 17e-6, "odd")
    z2 = sl.cohn_centered_air(140e-6, 17e-6, 200e-6, 2 * 160e-6 + 17e-6, "odd")
    assert z1 < sl.mode_impedance_air(g, "odd") < z2
    assert sl.mode_impedance_air(g, "odd") == pytest.approx(2 * z1 * z2 / (z1 + z2), rel=1e-12)
    assert sl.validity_issues(sl.StriplineGeometry(140e-6, 17e-6, 200e-6, 127e-6, 127e-6)) == []
    narrow = sl.validity_issues(sl.StriplineGeometry(50e-6, 17e-6, 200e-6, 127e-6, 127e-6))
    assert any(i.startswith("w/b = ") and "< 0.35" in i for i in narrow)
    thick = sl.validity_issues(sl.StriplineGeometry(140e-6, 40e-6, 200e-6, 127e-6, 127e-6))
    assert any(i.startswith("t/b = ") and "> 0.1" in i for i in thick)
    offset = sl.validity_issues(sl.StriplineGeometry(140e-6, 17e-6, 200e-6, 127e-6, 50e-6))
    assert any(i.startswith("offset h_min/h_max = ") for i in offset)
    assert not any("offset" in i for i in sl.validity_issues(sl.StriplineGeometry(140e-6, 17e-6, 200e-6, 127e-6, 64e-6)))
    with pytest.warns(UserWarning, match="outside its validity range"):
        sl.warn_validity(sl.StriplineGeometry(50e-6, 17e-6, 200e-6, 127e-6, 127e-6))
    # the zero-thickness fringe term is 2 ln 2 (Cohn's t -> 0 limit of C_f)
    assert sl._fringe(0.0, 1e-3) == pytest.approx(2 * math.log(2)) and sl._fringe(1e-9, 1e-3) == pytest.approx(
        2 * math.log(2), rel=1e-4)


def test_stripline_mode_impedances_and_conductor_loss_split():
    """z_mode is the per-line impedance of the mode; a smooth strip and planes of infinite conductivity
    leave only the dielectric loss; rough foils add loss, the strip's more than the planes' for an
    odd-mode pair (the current crowds on the strip)."""
    from si_thermal.si import stripline as sl

    g = sl.StriplineGeometry(140e-6, 17e-6, 200e-6, 127e-6, 127e-6)
    diel = djordjevic_sarkar(3.2, 0.002, 10e9)
    f = np.array([1e9, 26.5e9])
    for mode in ("odd", "even", "single"):
        line = sl.Stripline(f, g, SIGMA, diel, mode=mode)
        assert abs(line.z_mode[1]) == pytest.approx(sl.mode_impedance_air(g, mode) / math.sqrt(3.2), rel=0.01)
    smooth = sl.Stripline(f, g, SIGMA, diel)
    ideal = sl.Stripline(f, g, 1e30, diel)
    a_d = ideal.gamma.real[1]
    assert a_d == pytest.approx(math.pi * 26.5e9 * math.sqrt(3.2) * 0.002 / C0, rel=0.02)  # pi f sqrt(eps) Df / c
    k = np.array([1.0, 2.0])
    strip_rough = sl.Stripline(f, g, SIGMA, diel, strip_roughness=k)
    plane_rough = sl.Stripline(f, g, SIGMA, diel, plane_roughness=k)
    a_c = smooth.gamma.real[1] - a_d
    assert strip_rough.gamma.real[1] - a_d > plane_rough.gamma.real[1] - a_d > a_c
    # the strip and plane shares of the conductor loss add up (doubling both doubles the HF conductor loss)
    both = sl.Stripline(f, g, SIGMA, diel, strip_roughness=k, plane_roughness=k)
    assert both.gamma.real[1] - a_d == pytest.approx(2 * a_c, rel=0.03)
    assert strip_rough.gamma.real[0] == pytest.approx(smooth.gamma.real[0], rel=1e-12)  # K = 1 at 1 GHz here
    assert smooth.g_strip > 0 and smooth.g_plane > 0


# ---- connector --------------------------------------------------------------------------------------

def test_connector_delay_and_bad_inputs():
    """The line between the launches carries the stated delay: the phase of S21 at low frequency is
    w tau to 5 % (the launch capacitances add w Z C and the causal dielectric's Dk below f_ref is a
    little higher than at f_ref: both make it slightly longer, never shorter)."""
    from si_thermal.si import connector

    f = np.array([0.2e9])
    s = abcd_to_s(connector.connector_abcd(f, il_db=1.0, rl_db=20.0, f_ref_hz=53e9, delay_s=120e-12), 100.0)
    wt = 2 * math.pi * 0.2e9 * 120e-12
    assert wt <= -np.angle(s[0, 1, 0]) <= 1.05 * wt
    with pytest.raises(ValueError, match="delay"):
        connector.design(1.0, 20.0, 53e9, 0.0)
    with pytest.raises(ValueError, match="loss tangent above 1"):
        connector.design(30.0, 25.0, 53e9, 1e-12)
    c_f, line_db = connector.design(1.0, 20.0, 53e9, 120e-12)
    assert c_f > 0 and 0 < line_db < 1.0  # the launches' mismatch takes part of the IL
    # all of the loss conductor-like (share 1) or all dielectric (share 0): IL at f_ref still met
    for share in (0.0, 1.0):
        s = abcd_to_s(connector.connector_abcd(np.array([53e9]), il_db=1.0, rl_db=20.0, f_ref_hz=53e9,
                                               delay_s=120e-12, conductor_share=share), 100.0)
        assert -20 * math.log10(abs(s[0, 1, 0])) == pytest.approx(1.0, abs=1e-3)


def test_twinax_series_impedance_dc_and_skin_effect_limits():
    """Differential mode: the two wires in series, 2 R_dc at DC; at high frequency with a distant shield,
    R = 2 Rs/(pi d) x (s/d)/sqrt((s/d)^2 - 1) (exact twin lead) and the internal reactance equals the
    resistance (skin effect, (1 + j)); a close shield adds its own (1 + j) surface loss."""
    import warnings

    from si_thermal.si.tline import ClosedFormRangeWarning

    d, s = 0.4e-3, 0.9e-3
    diel = djordjevic_sarkar(2.1, 2e-4, 10e9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ClosedFormRangeWarning)
        far = twinax.Twinax(np.array([1.0, 50e9]), d, s, 1000 * s, SIGMA, diel)
        near = twinax.Twinax(np.array([50e9]), d, s, 2.2 * s, SIGMA, diel)
    rdc = 1 / (SIGMA * math.pi * (d / 2) ** 2)
    assert far.z_series[0].real == pytest.approx(2 * rdc, rel=1e-6)
    w = 2 * math.pi * 50e9
    l_ext = twinax.z_diff_air(d, s, 1000 * s) / C0
    z_int = far.z_series[1] - 1j * w * l_ext
    v = s / d
    rs = float(c.surface_resistance(50e9, SIGMA))
    assert z_int.real == pytest.approx(2 * rs / (math.pi * d) * v / math.sqrt(v * v - 1), rel=5e-3)
    assert z_int.imag == pytest.approx(z_int.real, rel=5e-3)
    zn = near.z_series[0] - 1j * w * twinax.z_diff_air(d, s, 2.2 * s) / C0
    assert zn.real > 1.01 * z_int.real and zn.imag == pytest.approx(zn.real, rel=5e-3)
    with pytest.raises(ValueError, match="spacing"):
        twinax.Twinax(np.array([1e9]), d, d, 4 * d, SIGMA, diel)
    with pytest.raises(ValueError, match="shield"):
        twinax.Twinax(np.array([1e9]), d, s, s + d, SIGMA, diel)
    with pytest.warns(ClosedFormRangeWarning):
        twinax.Twinax(np.array([1e9]), d, 2.46 * d, 4.92 * d, SIGMA, diel)


def test_material_dielectric_and_il_at_nyquist():
    """``from_material`` fits the library's own Dk, Df at its f_ref; the IL at Nyquist of a channel is
    its network's IL there, and reach reports IL per metre as the slope between 0 and 1 m."""
    from si_thermal import config, paths
    from si_thermal.si import channel as chan
    from si_thermal.si.dielectric import from_material

    lib = config.load_materials()
    name = next(k for k, m in lib.items() if getattr(m, "dk", None) and getattr(m, "df", None))
    m = lib[name]
    model = from_material(m)
    assert model.dk(m.f_ref) == pytest.approx(m.dk, rel=1e-12) and model.df(m.f_ref) == pytest.approx(m.df, rel=1e-12)
    ch = paths.channels_dir() / "nvl72_spine_26awg.toml"
    net = chan.channel_network(str(ch), np.array([26.5625e9]), length_m=0.7)
    assert reach.il_at_nyquist(str(ch), 26.5625e9, 0.7) == pytest.approx(metrics.il_db(net)[0], rel=1e-12)
    assert reach.il_at_nyquist(str(ch), 26.5625e9, 0.2) < reach.il_at_nyquist(str(ch), 26.5625e9, 0.7)
    res = reach.reach_il(str(ch), "224g")
    il = lambda x: reach.il_at_nyquist(str(ch), res.nyquist_hz, x, rate="224g")  # noqa: E731
    assert res.il_db_per_m == pytest.approx(il(1.0) - il(0.0), rel=1e-9)
    assert res.il_db_fixed == pytest.approx(il(0.0), rel=1e-9)
    assert res.il_db_at_nyquist == pytest.approx(il(None), rel=1e-9) and res.closes == (il(0.0) <= res.budget_db)
    assert il(res.reach_m) == pytest.approx(res.budget_db, abs=0.01)
    assert res.as_dict()["reach_m"] == res.reach_m and res.as_dict()["channel"] == res.channel


def test_shielded_pair_formula_value_and_validity_edges():
    """Z_diff = (eta0/pi) [acosh(s/d) + ln((1 - q^2)/(1 + q^2))] at s/d = 2.5, q = 0.5 by hand (Reference
    Data for Engineers ch. 29 with the exact twin-lead term); the solver reaches spacings below 2 d;
    the stated validity edges are inclusive."""
    d = 0.4e-3
    z = twinax.z_diff_air(d, 2.5 * d, 5 * d)
    assert z == pytest.approx(ETA0 / math.pi * (math.acosh(2.5) + math.log(0.75 / 1.25)), rel=1e-12)
    s = twinax.spacing_for_impedance(d, twinax.z_diff_air(d, 1.5 * d, 3 * d) / math.sqrt(2.0), 2.0)
    assert s == pytest.approx(1.5 * d, rel=1e-9)
    assert twinax.validity_issue(d, 2.4 * d, 12 * d) is None  # s/d = 2.4, s/D = 0.2: inside
    assert twinax.validity_issue(d, 4 * d, 4 * d / 0.6) is not None  # s/D = 0.6 > 0.5
    with pytest.raises(ValueError, match="antipad"):
        via.via_impedance_air(0.3e-3, 1e-3, 0.3e-3)


def test_stripline_internal_reactance_equals_resistance_at_high_frequency():
    """Skin effect on strip and planes: the internal impedance is (1 + j) R at high frequency."""
    from si_thermal.si import stripline as sl

    g = sl.StriplineGeometry(140e-6, 17e-6, 200e-6, 127e-6, 127e-6)
    f = np.array([40e9])
    line = sl.Stripline(f, g, SIGMA, djordjevic_sarkar(3.2, 0.002, 10e9), mode="single")
    z_int = line.z_series[0] - 1j * 2 * math.pi * 40e9 * sl.mode_impedance_air(g, "single") / C0
    assert z_int.imag == pytest.approx(z_int.real, rel=0.02)
