"""Pulse response (IEEE 802.3 93A-24), band extension, terminations and port-order checks."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import skrf as rf

from si_thermal.errors import InputError
from si_thermal.paths import shared_dir
from si_thermal.si import pulse as pl

TS = shared_dir() / "data" / "touchstone"
needs_data = pytest.mark.skipif(not (TS / "example2_THRU.s4p").exists(), reason="../shared data absent")


def _two_port(f, s21, name="dut"):
    s = np.zeros((len(f), 2, 2), complex)
    s[:, 1, 0] = s[:, 0, 1] = s21
    return rf.Network(frequency=rf.Frequency.from_f(f, unit="Hz"), s=s, z0=50.0, name=name)


def test_ideal_lossless_line_gives_the_delayed_pulse():
    """S21 = exp(-j 2 pi f tau): the pulse is the 1-UI rectangle (centred on t = 0, 93A-24) delayed by tau."""
    fb, tau = 25e9, 1.0e-9
    f = np.linspace(0, 500e9, 5001)
    pr = pl.channel_pulse(_two_port(f, np.exp(-2j * np.pi * f * tau)), fb, samples_per_ui=32, n_ui=128)
    dt = pr.t_s[1]
    ui = 1 / fb
    area = pr.v.sum() * dt
    centroid = (pr.t_s * pr.v).sum() * dt / area
    assert area == pytest.approx(ui, rel=1e-3)
    assert centroid == pytest.approx(tau, abs=0.01 * dt)
    inside = np.abs(pr.t_s - tau) < ui / 2 - 3 * dt
    outside = np.abs(pr.t_s - tau) > ui / 2 + 3 * dt
    assert np.max(np.abs(pr.v[inside] - 1)) < 0.06     # Gibbs ripple of the band-limited edges
    assert np.max(np.abs(pr.v[outside])) < 0.06
    assert np.mean(np.abs(pr.v[outside])) < 2e-3


def test_rc_low_pass_matches_the_analytic_pulse_and_dc_is_extrapolated():
    """H = e^(-j w d)/(1 + j w RC), data from 10 MHz (no DC point): pulse = (1 - e^-t/RC), then decay."""
    fb, rc, d = 10e9, 20e-12, 0.2e-9
    f = np.linspace(10e6, 400e9, 40000)
    h = np.exp(-2j * np.pi * f * d) / (1 + 2j * np.pi * f * rc)
    pr = pl.channel_pulse(_two_port(f, h), fb, samples_per_ui=32, n_ui=64)
    assert any("extended to DC" in n for n in pr.notes)
    ui = 1 / fb
    t = pr.t_s - d + ui / 2                 # time since the rectangle's rising edge
    exact = np.where(t < 0, 0.0, np.where(t < ui, 1 - np.exp(-t / rc),
                                          (1 - np.exp(-ui / rc)) * np.exp(-(t - ui) / rc)))
    err = np.abs(pr.v - exact)
    assert err.max() < 0.02                 # worst at the rectangle's corners (finite band)
    assert np.sqrt(np.mean(err**2)) < 2e-3
    # causality: nothing before t = 0, i.e. in the wrapped end of the window
    assert pl.wrapped_fraction(pr.v, 32) < 1e-6


def test_band_extension_says_how_and_keeps_loss_monotone():
    f = np.linspace(0, 40e9, 401)
    h = 10 ** (-(2 * np.sqrt(f / 1e9) + 0.5 * f / 1e9) / 20) * np.exp(-2j * np.pi * f * 1e-9)
    fo = np.linspace(0, 100e9, 1001)
    out, notes = pl.extend_tf(h, f, fo, method="fit", name="x")
    assert "extrapolated" in notes[0] and "sqrt(f/GHz)" in notes[0] and "group delay" in notes[0]
    exact = 10 ** (-(2 * np.sqrt(fo / 1e9) + 0.5 * fo / 1e9) / 20)
    hi = fo > 40e9
    assert np.allclose(20 * np.log10(np.abs(out[hi])), 20 * np.log10(exact[hi]), atol=0.05)
    assert np.allclose(np.angle(out[hi] / np.exp(-2j * np.pi * fo[hi] * 1e-9)), 0, atol=1e-6)
    with pytest.raises(InputError):
        pl.extend_tf(h, f, fo, method="spline")


def test_terminated_tf_matches_93a_18_for_a_matched_line_and_the_packages_are_reciprocal():
    f = np.linspace(0, 60e9, 601)
    s = np.zeros((len(f), 2, 2), complex)
    s[:, 1, 0] = s[:, 0, 1] = np.exp(-2j * np.pi * f * 0.5e-9)
    h = pl.terminated_tf(s, 100.0, f, r0_ohm=50.0, rd_ohm=50.0, tx_pkg=None, rx_pkg=None)
    assert np.allclose(h, s[:, 1, 0])
    # mismatched terminations, line of 100 ohm on 2 R_0 = 100: (1 - G)(1 + G) scaling only
    h2 = pl.terminated_tf(s, 100.0, f, r0_ohm=50.0, rd_ohm=55.0, tx_pkg=None, rx_pkg=None)
    g = 5 / 105
    assert np.allclose(h2, s[:, 1, 0] * (1 - g) * (1 + g) / (1 - g * g * s[:, 1, 0] ** 2 * -1 * -1))
    pkg = pl.Package((40e-15, 90e-15), (0.13e-9,), 30e-15, 40e-15, (87.5, 92.5), (33e-3, 1.8e-3),
                     5e-4, 8.9e-4, 2e-4, 6.141e-3)
    abcd = pl.package_abcd(pkg, f[1:], receiver=False)
    sp = pl.abcd_to_s(abcd, 92.5)
    assert np.allclose(sp[:, 0, 1], sp[:, 1, 0])               # reciprocal
    assert np.all(np.abs(sp[:, 1, 0]) <= 1 + 1e-12)            # passive
    assert np.allclose(pl.abcd_to_s(pl.s_to_abcd(sp, 92.5), 92.5), sp)


@needs_data
def test_port_order_is_detected_for_every_numbering_of_the_thru():
    n = rf.Network(str(TS / "example2_THRU.s4p"))
    ref, order, notes = pl.to_sdd(n, "thru", role="thru")
    assert order == "1-2/3-4" and "detected" in notes[0]
    for perm in itertools.permutations(range(4)):
        m = n.copy()
        m.renumber(list(range(4)), list(perm))
        sdd, _, _ = pl.to_sdd(m, "thru", role="thru")
        assert np.allclose(sdd.s[:, 1, 0], ref.s[:, 1, 0], atol=1e-7)


@needs_data
def test_crosstalk_file_given_as_thru_and_polarity_swap_are_caught():
    with pytest.raises(InputError, match="not a thru"):
        pl.to_sdd(rf.Network(str(TS / "example2_FEXT1.s4p")), "fext", role="thru")
    n = rf.Network(str(TS / "example2_THRU.s4p"))
    ref, _, _ = pl.to_sdd(n, "thru", role="thru")
    crossed, _, notes = pl.to_sdd(n, "thru", role="thru", port_order="1-4/3-2")  # outputs P/N crossed
    assert any("polarity corrected" in x for x in notes)
    with pytest.raises(InputError):
        pl.to_sdd(n, "thru", role="thru", port_order="1-2/2-4")


@needs_data
def test_sdd_equals_skrf_se2gmm():
    n = rf.Network(str(TS / "example2_THRU.s4p"))
    sdd, _, _ = pl.to_sdd(n, "thru", role="thru", port_order="1-2/3-4")
    m = n.copy()
    m.renumber([0, 2, 1, 3], [0, 1, 2, 3])
    m.se2gmm(p=2)
    assert np.allclose(sdd.s, m.s[:, :2, :2], atol=1e-12)
    assert np.allclose(sdd.z0, m.z0[:, :2])
