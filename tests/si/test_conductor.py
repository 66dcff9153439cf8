"""Conductor models: DC resistance, skin depth, internal impedance limits, roughness factors."""

import math

import numpy as np
import pytest

from si_thermal.si import conductor as c

SIGMA = 5.8e7


@pytest.mark.parametrize("awg, ohm_per_km", [(26, 133.9), (28, 212.9), (30, 338.6)])
def test_awg_dc_resistance_matches_astm_table(awg, ohm_per_km):
    # ASTM B258 / NBS Copper Wire Tables: annealed copper at 20 degC (100 % IACS = 58.0 MS/m)
    r = c.dc_resistance_round(c.awg_diameter(awg) / 2, SIGMA)
    assert r * 1e3 == pytest.approx(ohm_per_km, rel=3e-3)


def test_skin_depth_copper_1mhz():
    # 1/sqrt(pi f mu0 sigma) with sigma = 58 MS/m: 66.09 um at 1 MHz, scaling as f^-1/2
    assert c.skin_depth(1e6, SIGMA) == pytest.approx(66.09e-6, rel=1e-3)
    assert c.skin_depth(1e10, SIGMA) == pytest.approx(66.09e-6 / 100, rel=1e-3)
    assert c.surface_resistance(1e10, SIGMA) == pytest.approx(1 / (SIGMA * c.skin_depth(1e10, SIGMA)))


def test_round_wire_low_and_high_frequency_limits():
    a = 0.2e-3
    z_lo = c.round_wire_internal_impedance(np.array([1.0, 10.0]), a, SIGMA)
    assert z_lo.real[0] == pytest.approx(c.dc_resistance_round(a, SIGMA), rel=1e-6)
    # DC internal inductance of a round wire: mu0 / (8 pi) = 50 nH/m
    assert z_lo.imag[1] / (2 * math.pi * 10.0) == pytest.approx(c.MU0 / (8 * math.pi), rel=1e-4)
    f = 50e9  # a / delta ~ 680
    z_hi = c.round_wire_internal_impedance(f, a, SIGMA)
    rs = c.surface_resistance(f, SIGMA)
    assert z_hi.real == pytest.approx(rs / (2 * math.pi * a), rel=2e-3)
    assert z_hi.imag == pytest.approx(z_hi.real, rel=2e-3)  # internal reactance = resistance (skin effect)


def test_slab_limits():
    w, t = 100e-6, 17e-6
    assert c.slab_internal_impedance(1.0, w, t, SIGMA).real == pytest.approx(1 / (SIGMA * w * t), rel=1e-6)
    z = c.slab_internal_impedance(60e9, w, t, SIGMA)
    assert z == pytest.approx((1 + 1j) * c.surface_resistance(60e9, SIGMA) / (2 * w), rel=1e-6)


def test_roughness_factor_limits():
    f = np.array([1e3, 1e20])
    k = c.huray_factor(f, SIGMA, 0.5e-6, 2.0)
    assert k[0] == pytest.approx(1.0, abs=1e-3) and k[1] == pytest.approx(1 + 1.5 * 2.0, rel=1e-3)
    for fn in (c.hammerstad_factor, c.groisse_factor):
        kk = fn(f, SIGMA, 1e-6)
        assert kk[0] == pytest.approx(1.0, abs=1e-3) and kk[1] == pytest.approx(2.0, abs=1e-3)
    assert np.all(np.diff(c.huray_factor(np.geomspace(1e6, 1e12, 50), SIGMA, 0.5e-6, 2.0)) > 0)


def test_cannonball_geometry():
    rz = 3.0e-6
    a, ratio = c.cannonball_huray(rz)
    # sphere centres of the 3x3 + 2x2 + 1 square pyramid: each layer sits a*sqrt(2) above the last
    z_top = a + 2 * math.sqrt((2 * a) ** 2 - (a * math.sqrt(2)) ** 2)
    assert z_top + a == pytest.approx(rz, rel=1e-12)
    assert ratio == pytest.approx(14 * 4 * math.pi * a**2 / (6 * a) ** 2, rel=1e-12)


def test_materials_library_foils_follow_derivation():
    from si_thermal import config

    for name, mat in config.load_materials().items():
        if mat.kind == "foil":
            a, _ = c.cannonball_huray(mat.rz)
            ratio = c.huray_ratio_from_rq(mat.rq, a)
            assert mat.huray_radius == pytest.approx(a, rel=1e-3), name
            assert mat.huray_ratio == pytest.approx(ratio, rel=1e-3), name


def test_huray_ratio_matches_hammerstad_small_roughness_limit():
    a, rq = 0.3e-6, 0.25e-6
    ratio = c.huray_ratio_from_rq(rq, a)
    f = np.array([1e4, 1e5])  # delta >> a, Rq
    kh = c.huray_factor(f, SIGMA, a, ratio) - 1
    kj = c.hammerstad_factor(f, SIGMA, rq) - 1
    assert kh == pytest.approx(kj, rel=0.01)
