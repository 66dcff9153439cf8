"""Metrics (fitted IL, ILD, FOM_ILD, RL) and reach (root finding, 200G vs 224G over 26 AWG twinax)."""

import numpy as np
import pytest
import skrf

from si_thermal import paths
from si_thermal.si import metrics
from si_thermal.si.rates import serdes_rate
from si_thermal.si.reach import max_length, reach_il, il_at_nyquist


def _net(il_db, f):
    s = np.zeros((len(f), 2, 2), dtype=complex)
    s[:, 1, 0] = s[:, 0, 1] = 10 ** (-il_db / 20)
    s[:, 0, 0] = 0.1
    return skrf.Network(frequency=skrf.Frequency.from_f(f, unit="Hz"), s=s, z0=100.0)


def test_fitted_il_recovers_polynomial_and_ild_is_zero():
    f = np.linspace(10e6, 106.25e9, 800)
    fg = f / 1e9
    il = 0.5 + 1.2 * np.sqrt(fg) + 0.3 * fg + 0.001 * fg**2
    net = _net(il, f)
    fit = metrics.fitted_il(net, 106.25e9)
    assert fit(f) == pytest.approx(il, abs=1e-9)
    assert np.nanmax(np.abs(metrics.ild(net, 106.25e9))) < 1e-9
    assert metrics.fom_ild(net, 106.25e9) < 1e-9
    assert metrics.il_at_db(net, 53.125e9) == pytest.approx(np.interp(53.125e9, f, il))
    assert metrics.rl_db(net)[0] == pytest.approx(20.0)


def test_fom_ild_sees_ripple():
    f = np.linspace(10e6, 106.25e9, 2000)
    il = 2 * np.sqrt(f / 1e9) + 0.5 * np.sin(2 * np.pi * f / 2e9)
    assert 0.05 < metrics.fom_ild(_net(il, f), 106.25e9) < 0.5


def test_fom_ild_weight_follows_the_transition_time_filter():
    """The same ILD ripple placed near Nyquist (45-55 GHz) and low (5-15 GHz): the FOM ratio is the
    square root of the weight ratio W(50 GHz)/W(10 GHz) with ft = 0.2365/T_t, T_t = 4 ps (0.55;
    the former default ft = 0.2 fb gave 0.12, i.e. ILD near Nyquist barely counted)."""
    fb = 106.25e9
    f = np.linspace(10e6, fb, 4001)
    fg = f / 1e9

    def fom(lo, hi):
        ripple = 0.3 * np.sin(2 * np.pi * fg) * np.exp(-(((fg - (lo + hi) / 2) / ((hi - lo) / 4)) ** 2))
        return metrics.fom_ild(_net(2 * np.sqrt(fg) + ripple, f), fb)

    ft = 0.2365 / 4e-12

    def w(x):
        return np.sinc(x / fb) ** 2 / (1 + (x / ft) ** 4) / (1 + (x / (0.75 * fb)) ** 8)

    assert fom(45, 55) / fom(5, 15) == pytest.approx(np.sqrt(w(50e9) / w(10e9)), rel=0.05)


def test_max_length_exact_root_and_edges():
    assert max_length(lambda x: 40.0 - 8.0 * x, 0.0, 1.0) == pytest.approx(5.0, abs=1e-4)  # bracket expands
    assert max_length(lambda x: -1.0 - x, 0.0, 1.0) == 0.0  # nothing closes
    assert max_length(lambda x: 1.0, 0.0, 1.0, expand=False) == 1.0


def test_rates_table():
    r200, r224 = serdes_rate("200g"), serdes_rate("224g")
    assert r200.nyquist_hz == pytest.approx(53.125e9) and r224.nyquist_hz == pytest.approx(56e9)
    assert r200.il_budget == r224.il_budget == 40.0


def test_reach_il_meets_budget_at_reach():
    path = paths.channels_dir() / "nvl72_spine_26awg.toml"
    res = reach_il(path, "200g")
    assert il_at_nyquist(path, res.nyquist_hz, res.reach_m, rate="200g") == pytest.approx(res.budget_db, abs=2e-3)
    assert res.closes and res.criterion == "il"


def test_224g_reach_shorter_than_200g_over_26awg(tmp_path):
    """Cable assembly only (connector + 26 AWG twinax + connector) against the 40 dB bump-to-bump
    budget less two 8 dB host allocations (802.3dj-style host/cable split): 24 dB. Physics and S0
    (224G copper ~1-2 m, 200G ~2-3 m) put the reach between 1 and 3 m, 224G shorter by about the
    sqrt(56/53.125) - f ratio of the loss, i.e. 3-8 %."""
    p = tmp_path / "cable.toml"
    p.write_text("""
[channel]
name = "26 AWG cable assembly"
description = "test"
source = "test"
variable_segment = "cable"
[[segments]]
name = "c1"
medium = "connector"
insertion_loss = "1.0 dB"
return_loss = "15 dB"
f_ref = "53.125 GHz"
[[segments]]
name = "cable"
medium = "twinax"
awg = 26
dielectric = "fep_foamed"
conductor = "silver_plated_copper"
length = "1 m"
[[segments]]
name = "c2"
medium = "connector"
insertion_loss = "1.0 dB"
return_loss = "15 dB"
f_ref = "53.125 GHz"
""")
    r200 = reach_il(p, "200g", budget_db=24.0)
    r224 = reach_il(p, "224g", budget_db=24.0)
    assert 1.0 < r224.reach_m < r200.reach_m < 3.0
    assert 0.03 < 1 - r224.reach_m / r200.reach_m < 0.08
