"""Rainflow counting (ASTM E1049), Miner damage per mechanism, Monte Carlo lives."""

from __future__ import annotations

import numpy as np
import pytest

from si_thermal import config
from si_thermal.reliability import cycles, montecarlo, pth, solder
from si_thermal.reliability.damage import JointSite, PthSite, joint_damage, median_life_days, pth_damage
from si_thermal.reliability.weibull import Weibull


def test_rainflow_matches_astm_e1049_example():
    """ASTM E1049-85 (2017) Fig. 6 / Table 4: -2 1 -3 5 -1 3 -4 4 -2 gives ranges 3 (0.5), 4 (1.5),
    6 (0.5), 8 (1.0), 9 (0.5)."""
    c = cycles.count(np.array([-2, 1, -3, 5, -1, 3, -4, 4, -2.0]))
    got = {}
    for r, n in zip(c.range, c.count):
        got[float(r)] = got.get(float(r), 0.0) + float(n)
    assert got == {3.0: 0.5, 4.0: 1.5, 6.0: 0.5, 8.0: 1.0, 9.0: 0.5}


def test_turning_points_keep_the_count():
    rng = np.random.default_rng(3)
    x = np.repeat(np.cumsum(rng.normal(size=2000)), 3)  # plateaus and monotone runs
    import rainflow

    ref = sorted(rainflow.count_cycles(x))
    c = cycles.count(x)
    assert c.total == pytest.approx(sum(n for _, n in ref))
    assert np.sum(c.range * c.count) == pytest.approx(sum(r * n for r, n in ref), rel=1e-12)


def test_periodic_count_is_the_long_history_count():
    """A history repeated 50 times: one period counted and scaled vs the whole history counted."""
    rng = np.random.default_rng(5)
    one = np.sin(np.linspace(0, 2 * np.pi, 400, endpoint=False)) * 10 + rng.normal(0, 1, 400)
    long = np.tile(one, 50)
    full, per = cycles.count(long), cycles.count_periodic(one, 50)
    # the rotated period closes every cycle: only the largest one remains as two equal half cycles
    half = per.count == 25.0
    assert half.sum() == 2 and per.range[half][0] == pytest.approx(per.range[half][1])
    # damage-like sums agree to the residue's few half cycles out of 50 periods
    for expo in (1.0, 2.0, 4.0):
        a, b = np.sum(full.count * full.range**expo), np.sum(per.count * per.range**expo)
        assert a == pytest.approx(b, rel=0.02)


def _copper():
    return pth.BarrelCopper.from_material("copper", config.load_materials()["copper"])


def test_vectorized_pth_matches_scalar():
    cu, geom = _copper(), pth.PthGeometry(1.6e-3, 0.3e-3, 25e-6)
    swings = np.array([5.0, 25.0, 80.0, 150.0, 250.0])
    for kd in (2.5, 5.0):
        ref = [pth.pth_fatigue(d, 60e-6, 3.5e9, geom, cu, strain_distribution_factor=kd) for d in swings]
        strain = pth.barrel_strain_array(swings, 60e-6, 3.5e9, geom, cu)
        assert strain == pytest.approx([r.strain_range for r in ref], rel=1e-12)
        n = pth.cycles_to_failure_array(strain, cu, strain_distribution_factor=kd)
        assert n == pytest.approx([r.cycles_to_failure for r in ref], rel=1e-9)
    assert any(r.plastic for r in ref) and not all(r.plastic for r in ref)  # both branches exercised


def test_miner_damage_of_constant_amplitude_is_n_over_nf():
    cu, geom = _copper(), pth.PthGeometry(1.6e-3, 0.3e-3, 25e-6)
    site = PthSite(geom, cu, 60e-6, 3.5e9)
    c = cycles.Cycles(np.array([100.0]), np.array([75.0]), np.array([365.0]), np.array([86400.0]))
    nf = pth.pth_fatigue(100.0, 60e-6, 3.5e9, geom, cu).cycles_to_failure
    d = pth_damage(c, site)
    assert d == pytest.approx(365.0 / nf, rel=1e-9)
    assert median_life_days(d, 365 * 86400.0) == pytest.approx(nf, rel=1e-9)  # one cycle a day
    # Monte Carlo columns broadcast: K_d 5 is worse than 2.5
    d2 = pth_damage(c, site, strain_distribution_factor=np.array([2.5, 5.0]))
    assert d2[0] == pytest.approx(d, rel=1e-12) and d2[1] > 2 * d2[0]


def test_sac_joint_damage_and_elastic_range():
    site = JointSite(0.02, 0.35e-3, 8e-6, 0.0)
    c = cycles.Cycles(np.array([30.0]), np.array([50.0]), np.array([1.0]), np.array([86400.0]))
    dg = 0.02 * 8e-6 * 30.0 / 0.35e-3
    assert joint_damage(c, site) == pytest.approx(solder.SYED_SAC_CREEP_COEFF * dg / np.sqrt(3), rel=1e-12)
    sac = config.load_materials()["sac305"]
    el = solder.joint_elastic_range("sac305", sac)
    g = 51e9 / (2 * 1.36)
    assert el == pytest.approx(2 * 35e6 / np.sqrt(3) / g, rel=1e-12)
    small = cycles.Cycles(np.array([0.3]), np.array([50.0]), np.array([1e4]), np.array([10.0]))
    assert joint_damage(small, JointSite(0.02, 0.35e-3, 8e-6, el)) == 0.0  # a ripple stays elastic
    with pytest.raises(ValueError):
        solder.sac_cycles(0.01, -0.1)


def test_years_to_fraction_matches_weibull_quantiles():
    a, b = Weibull(4.0, 3000.0), Weibull(2.0, 9000.0)  # days
    y = montecarlo.years_to_fraction([np.array([a.eta]), np.array([b.eta])], [np.array([4.0]), np.array([2.0])])
    t = y[0] * 365
    assert 1 - a.reliability(t) * b.reliability(t) == pytest.approx(0.01, rel=1e-9)
    only = montecarlo.years_to_fraction([np.array([a.eta, np.inf])], [np.array([4.0, 4.0])])
    assert only[0] * 365 == pytest.approx(a.quantile(0.01), rel=1e-9) and only[1] == np.inf
    # weakest of n sites
    eta = montecarlo.unit_weibull_eta_days(1000.0, 4.0, 16)
    assert eta == pytest.approx(Weibull.from_median(1000.0, 4.0).eta / 2.0, rel=1e-12)


def test_monte_carlo_draws_follow_the_file(tmp_path):
    f = tmp_path / "u.toml"
    f.write_text("""
[uncertain]
name = "t"
source = "test"
samples = 20000
seed = 1
[uncertain.parameters.strain_distribution_factor]
distribution = "uniform"
low = 2.5
high = 5.0
source = "IPC-TR-579"
[uncertain.parameters.gradient]
distribution = "triangular"
low = "20 K"
nominal = "25 K"
high = "30 K"
source = "S0"
[uncertain.parameters.sac_creep_coefficient]
distribution = "lognormal"
nominal = 0.0468
cov = 0.3
source = "Syed"
""")
    u = config.load_uncertainty(f).uncertain
    s = montecarlo.draw(u, {"strain_distribution_factor": 2.5, "gradient": 25.0, "copper_ductility": 0.12,
                            "sac_creep_coefficient": 0.0468})
    assert s["strain_distribution_factor"].min() >= 2.5 and s["strain_distribution_factor"].max() <= 5.0
    assert np.mean(s["strain_distribution_factor"]) == pytest.approx(3.75, abs=0.03)
    assert np.median(s["gradient"]) == pytest.approx(25.0, abs=0.2)
    assert np.median(s["sac_creep_coefficient"]) == pytest.approx(0.0468, rel=0.02)
    assert np.all(s["copper_ductility"] == 0.12)  # not stated: fixed at the default
    band = montecarlo.Band.of(s["gradient"])
    assert band.p10 < band.p50 < band.p90


@pytest.mark.parametrize("edit, field", [
    (('low = 2.5', 'low = 0.5'), "strain_distribution_factor"),         # outside IPC-TR-579's physical range
    (('high = 5.0', 'high = 2.0'), "negative spread"),
    (('cov = 0.3', 'cov = -0.3'), "cov"),
    (('nominal = 0.0468', 'nominal = 5.0'), "sac_creep_coefficient"),  # fatigue constant out of range
])
def test_bad_uncertainty_files(tmp_path, edit, field):
    from si_thermal.errors import InputError

    text = """
[uncertain]
name = "t"
source = "test"
[uncertain.parameters.strain_distribution_factor]
distribution = "uniform"
low = 2.5
high = 5.0
source = "IPC-TR-579"
[uncertain.parameters.sac_creep_coefficient]
distribution = "lognormal"
nominal = 0.0468
cov = 0.3
source = "Syed"
"""
    f = tmp_path / "u.toml"
    f.write_text(text.replace(*edit))
    with pytest.raises(InputError, match=field):
        config.load_uncertainty(f)


def test_repeating_history_count_equals_the_full_count():
    """A start-up transient, then 40 settled periods and a partial one: the shortcut's damage-like
    sums match the full ASTM count within 1 %; a history that never settles is counted in full."""
    rng = np.random.default_rng(7)
    p = 500
    one = 10 * np.sin(np.linspace(0, 2 * np.pi, p, endpoint=False)) + rng.normal(0, 1, p)
    x = np.concatenate([np.tile(one, 40), one[:123]])
    x[:p] *= 1 - np.exp(-np.arange(p) / 100.0)  # the first period is the start-up
    full, fast = cycles.count(x), cycles.count_repeating(x, p)
    for expo in (1.0, 2.0, 4.0):
        assert np.sum(fast.count * fast.range**expo) == pytest.approx(np.sum(full.count * full.range**expo), rel=0.01)
    drift = x + np.linspace(0, 1, x.size)
    d_full, d_fast = cycles.count(drift), cycles.count_repeating(drift, p)
    assert np.array_equal(d_full.range, d_fast.range)
