"""Physics checks added after mutation testing (issue 18, ``benchmarks/MUTATION.md``): scaling laws,
limits and invariants of the reliability models that the hand-calculation tests left open."""

from __future__ import annotations

import math

import numpy as np
import pytest

from si_thermal import config
from si_thermal.reliability import acceleration as acc
from si_thermal.reliability import cycles, pth, solder
from si_thermal.reliability.weibull import Weibull
from si_thermal.reliability.damage import JointSite, PthSite, joint_damage, median_life_days, pth_damage


# ---- acceleration factors -------------------------------------------------------------------------

@pytest.mark.parametrize("field, args", [
    ("dt_test_k", (0.0, 40, 72, 1, 373.15, 333.15)),
    ("dt_field_k", (100, 0.0, 72, 1, 373.15, 333.15)),
    ("f_test_per_day", (100, 40, 0.0, 1, 373.15, 333.15)),
    ("f_field_per_day", (100, 40, 72, 0.0, 373.15, 333.15)),
    ("tmax_test_k", (100, 40, 72, 1, 0.0, 333.15)),
    ("tmax_field_k", (100, 40, 72, 1, 373.15, 0.0)),
])
def test_norris_landzberg_rejects_a_zero_input_and_names_it(field, args):
    """A zero range, rate or absolute temperature has no acceleration factor (0/0 or 1/0)."""
    with pytest.raises(ValueError, match=rf"^{field} must be positive"):
        acc.norris_landzberg_af(*args)


@pytest.mark.parametrize("field, args", [("t_use_k", (0.7, 0.0, 398.15)), ("t_test_k", (0.7, 328.15, 0.0))])
def test_arrhenius_rejects_absolute_zero_and_names_it(field, args):
    with pytest.raises(ValueError, match=rf"^{field} must be positive"):
        acc.arrhenius_af(*args)


def test_norris_landzberg_factors_separate():
    """Each factor of N-L alone: same rate and peak temperature leave Coffin-Manson's range law; same
    range and rate leave Arrhenius with Ea/k; integer inputs give the same numbers as floats."""
    c = acc.SAC
    assert acc.norris_landzberg_af(100, 50, 24, 24, 400.0, 400.0) == pytest.approx(2.0**c.n, rel=1e-12)
    assert acc.norris_landzberg_af(50, 50, 2, 16, 400.0, 400.0) == pytest.approx(8.0**c.m, rel=1e-12)
    assert acc.norris_landzberg_af(50, 50, 2, 2, 400, 350) == pytest.approx(
        math.exp(c.ea_over_k_k * (1 / 350 - 1 / 400)), rel=1e-12)
    assert acc.coffin_manson_af(3, 2, 2) == pytest.approx(2.25, rel=1e-15)


# ---- cycle histogram ------------------------------------------------------------------------------

def _random_cycles(n=500, seed=2):
    rng = np.random.default_rng(seed)
    r = rng.uniform(0.1, 60.0, n)
    return cycles.Cycles(r, rng.uniform(20, 80, n), rng.choice([0.5, 1.0], n), rng.uniform(1, 1e4, n))


@pytest.mark.parametrize("bins", [1, 7, 200])
def test_histogram_conserves_counts_and_is_conservative(bins):
    """Binning keeps the number of cycles and the count-weighted mean temperature and duration, puts
    every cycle in a bin no lower than its range, and each bin's range is a range that occurs."""
    c = _random_cycles()
    rng, mean, cnt, dur = c.histogram(bins)
    assert len(rng) <= bins
    assert cnt.sum() == pytest.approx(c.total, rel=1e-12)
    assert np.sum(cnt * mean) == pytest.approx(np.sum(c.count * c.mean), rel=1e-12)
    assert np.sum(cnt * dur) == pytest.approx(np.sum(c.count * c.duration_s), rel=1e-12)
    assert rng.max() == c.range.max()  # the largest cycle is kept exactly
    assert np.all(np.isin(rng, c.range))
    # conservative: every cycle's range is <= the range of the bin holding it, so damage never drops
    for e in (1.0, 2.0, 4.0):
        assert np.sum(cnt * rng**e) >= np.sum(c.count * c.range**e) * (1 - 1e-12)
    # mean of each bin is a weighted mean of the cycles' means: inside their range
    assert np.all((mean >= c.mean.min() - 1e-9) & (mean <= c.mean.max() + 1e-9))
    assert np.all(cnt > 0)


def test_histogram_default_bins_and_empty():
    r = np.linspace(0.05, 60.0, 4000)  # every bin of 200 (or 1000) holds some cycles
    c = cycles.Cycles(r, r, np.ones_like(r), r)
    assert len(c.histogram()[0]) == 200  # the documented default
    assert len(c.histogram(1000)[0]) == 1000
    empty = cycles.Cycles(np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0))
    assert all(a.shape == (0,) for a in empty.histogram())


def test_histogram_with_fine_bins_reproduces_distinct_ranges():
    """Bins finer than the spacing of the ranges: every cycle alone in its bin, the histogram is the
    count itself (range, mean, count, duration per cycle, in increasing range)."""
    c = cycles.Cycles(np.array([4.0, 1.0, 9.0, 2.5]), np.array([30.0, 40.0, 50.0, 60.0]),
                      np.array([1.0, 0.5, 1.0, 0.5]), np.array([10.0, 20.0, 30.0, 40.0]))
    rng, mean, cnt, dur = c.histogram(1000)
    o = np.argsort(c.range)
    for got, want in ((rng, c.range), (mean, c.mean), (cnt, c.count), (dur, c.duration_s)):
        assert got == pytest.approx(want[o], rel=1e-12)


# ---- Miner damage ---------------------------------------------------------------------------------

def _copper():
    return pth.BarrelCopper.from_material("copper", config.load_materials()["copper"])


def _cyc(rng_k=(20.0, 60.0), counts=(100.0, 10.0)):
    r = np.asarray(rng_k)
    return cycles.Cycles(r, np.full(r.size, 50.0), np.asarray(counts), np.full(r.size, 3600.0))


def test_joint_damage_is_linear_in_the_strain_without_an_elastic_range():
    """Syed: N_f = sqrt(3) / (C' dgamma), so Miner damage is proportional to the strain (strain factor,
    swing scale) and to C'; Monte Carlo columns give per-sample damages equal to scalar runs."""
    site, c = JointSite(0.02, 0.35e-3, 8e-6, 0.0), _cyc()
    d1 = joint_damage(c, site)
    per_k = 0.02 * 8e-6 / 0.35e-3
    assert d1 == pytest.approx(0.0468 * per_k * (100 * 20 + 10 * 60) / math.sqrt(3), rel=1e-12)
    assert joint_damage(c, site, strain_factor=2.0) == pytest.approx(2 * d1, rel=1e-12)
    assert joint_damage(c, site, swing_scale=0.5) == pytest.approx(0.5 * d1, rel=1e-12)
    assert joint_damage(c, site, creep_coefficient=3 * 0.0468) == pytest.approx(3 * d1, rel=1e-12)
    assert joint_damage(c, site, cycle_rate_factor=2) == pytest.approx(2 * d1, rel=1e-12)
    col = joint_damage(c, site, strain_factor=np.array([1.0, 2.0, 4.0]), swing_scale=np.array([1.0, 1.0, 0.5]))
    assert col.shape == (3,) and col == pytest.approx([d1, 2 * d1, 2 * d1], rel=1e-12)


def test_pth_damage_follows_copper_properties():
    """Giving the library's own ductility changes nothing; less ductile or weaker copper cracks sooner;
    the rate factor multiplies; per-sample columns reduce over the cycles only."""
    cu = _copper()
    site, c = PthSite(pth.PthGeometry(1.6e-3, 0.3e-3, 25e-6), cu, 60e-6, 3.5e9), _cyc((80.0, 150.0))
    d = pth_damage(c, site)
    assert pth_damage(c, site, ductility=cu.ductility) == pytest.approx(d, rel=1e-12)
    assert pth_damage(c, site, ductility=0.5 * cu.ductility) > 1.2 * d
    assert pth_damage(c, site, ultimate_scale=0.7) > 1.05 * d
    assert pth_damage(c, site, cycle_rate_factor=3) == pytest.approx(3 * d, rel=1e-12)
    col = pth_damage(c, site, ductility=np.array([cu.ductility, 0.5 * cu.ductility]),
                     ultimate_scale=np.array([1.0, 1.0]))
    assert col.shape == (2,) and col[0] == pytest.approx(d, rel=1e-12) and col[1] > 1.2 * d


def test_median_life_is_duration_over_damage():
    year = 365 * 86400.0
    assert median_life_days(0.5, year) == pytest.approx(730.0, rel=1e-12)  # half a life used per year
    assert median_life_days(2.0, year) == pytest.approx(182.5, rel=1e-12)
    got = median_life_days(np.array([0.0, 0.25, 1.0]), year)
    assert got[0] == np.inf and got[1:] == pytest.approx([1460.0, 365.0], rel=1e-12)
    assert median_life_days(np.array([1, 4]), 86400) == pytest.approx([1.0, 0.25])  # integer damages


# ---- solder ---------------------------------------------------------------------------------------

def test_elastic_shear_range_of_a_reversed_cycle():
    """Masing: 2 tau_y / G with tau_y = S_y/sqrt(3), G = E/(2(1+nu)); SAC305-like 40 MPa, 51 GPa, 0.36."""
    got = solder.elastic_shear_range(40e6, 51e9, 0.36)
    assert got == pytest.approx(2 * 40e6 / math.sqrt(3) * 2 * 1.36 / 51e9, rel=1e-12)
    assert solder.elastic_shear_range(40e6, 51e9, 0.0) == pytest.approx(got / 1.36, rel=1e-12)
    for bad in ((0.0, 51e9, 0.3), (40e6, 0.0, 0.3), (40e6, 51e9, 0.5), (40e6, 51e9, -0.1)):
        with pytest.raises(ValueError):
            solder.elastic_shear_range(*bad)


def test_sac_joint_cycles_uses_only_the_inelastic_strain():
    """A joint whose Engelmaier strain is below the elastic range never fails; above it, life is
    sqrt(3) / (C' (dgamma - dgamma_el))."""
    dg = solder.engelmaier_shear_strain(0.02, 0.35e-3, 8e-6, 30.0)
    assert solder.sac_joint_cycles(0.02, 0.35e-3, 8e-6, 30.0, elastic_range=1.01 * dg) == math.inf
    n = solder.sac_joint_cycles(0.02, 0.35e-3, 8e-6, 30.0, elastic_range=0.25 * dg)
    assert n == pytest.approx(math.sqrt(3) / (0.0468 * 0.75 * dg), rel=1e-12)
    assert solder.sac_joint_cycles(0.02, 0.35e-3, 8e-6, 30.0, factor=2.0) == pytest.approx(
        math.sqrt(3) / (0.0468 * 2 * dg), rel=1e-12)
    assert solder.sac_joint_cycles(0.02, 0.35e-3, 8e-6, 30.0, creep_coefficient=0.0234) == pytest.approx(
        math.sqrt(3) / (0.0234 * dg), rel=1e-12)


def test_solder_input_guards():
    """The documented validity limits raise instead of extrapolating."""
    with pytest.raises(ValueError, match="strain_range"):
        solder.coffin_manson_cycles(-0.01, 0.325, -0.5)
    for eps_f, c in ((0.0, -0.5), (0.325, 0.0), (0.325, 0.1)):
        with pytest.raises(ValueError, match="eps_f > 0 and c < 0"):
            solder.coffin_manson_cycles(0.01, eps_f, c)
    assert solder.coffin_manson_cycles(0.0, 0.325, -0.5) == math.inf
    for f in (0.99, 1000.5):
        with pytest.raises(ValueError, match="cycles_per_day"):
            solder.engelmaier_exponent(50.0, f)
    assert solder.engelmaier_exponent(50.0, 1.0) < solder.engelmaier_exponent(50.0, 1000.0)  # both ends allowed
    for dnp, h in ((0.0, 1e-4), (0.01, 0.0)):
        with pytest.raises(ValueError, match="positive"):
            solder.engelmaier_shear_strain(dnp, h, 1e-5, 10.0)
    assert solder.engelmaier_shear_strain(0.01, 1e-4, -1e-5, 10.0) == pytest.approx(0.01, rel=1e-12)  # |da|
    assert solder.engelmaier_shear_strain(0.01, 1e-4, 1e-5, 0.0) == 0.0
    with pytest.raises(ValueError, match="shear_strain_range"):
        solder.sac_cycles(np.array([0.01, -0.01]))
    with pytest.raises(ValueError, match="creep_coefficient"):
        solder.sac_cycles(0.01, 0.0)
    assert solder.sac_cycles(np.array([0.0]))[0] == np.inf


# ---- rainflow: durations, means, turning points ---------------------------------------------------

def test_cycle_duration_and_mean_of_a_triangle_wave():
    """A triangle wave between 20 and 80 with a 40-sample period at 0.5 s: every reversal pair is a
    half cycle of range 60, mean 50 and duration 20 s (twice the 10 s between its two reversals); the
    closed period counts 10 full cycles of it."""
    one = np.concatenate([np.linspace(20, 80, 21)[:-1], np.linspace(80, 20, 21)[:-1]])
    c = cycles.count(np.tile(one, 6), dt_s=0.5)
    assert c.range[:-1] == pytest.approx(60.0) and c.mean[:-1] == pytest.approx(50.0)
    assert c.duration_s[:-1] == pytest.approx(20.0) and c.count == pytest.approx(0.5)
    per = cycles.count_periodic(one, 10, dt_s=0.5)
    assert per.total == pytest.approx(10.0) and per.duration_s == pytest.approx(20.0)
    assert per.mean == pytest.approx(50.0)
    # ASTM E1049 by hand: 0 100 40 60 40 100 0 closes 40-60 (range 20, mean 50, 1 s) and 40-100
    # (range 60, mean 70, reversals 3 samples apart: 3 s at 0.5 s), leaving 0-100-0 as two halves
    h = cycles.count(np.array([0, 100, 40, 60, 40, 100, 0.0]), dt_s=0.5)
    assert h.range == pytest.approx([20.0, 60.0, 100.0, 100.0]) and h.mean == pytest.approx([50.0, 70.0, 50.0, 50.0])
    assert h.count == pytest.approx([1.0, 1.0, 0.5, 0.5]) and h.duration_s == pytest.approx([1.0, 3.0, 5.0, 1.0])
    assert cycles.count(np.array([5.0])).range.size == 0 and cycles.count(np.array([])).range.size == 0


def test_turning_points_of_short_and_unit_step_histories():
    assert list(cycles.turning_points(np.array([0.0, 1.0, 2.0]))) == [0, 2]  # monotone: the two ends
    assert list(cycles.turning_points(np.array([0.0, 1.0, 2.0, 3.0, 2.0]))) == [0, 3, 4]
    assert list(cycles.turning_points(np.array([3.0, 3.0, 3.0, 3.0]))) == [3]  # a flat history has none
    assert list(cycles.turning_points(np.array([1.0, 2.0]))) == [0, 1]
    with pytest.raises(ValueError, match="one-dimensional"):
        cycles.turning_points(np.zeros((2, 3)))


def test_repeating_count_keeps_time_step_and_short_histories():
    """The settled-period shortcut scales with dt_s like the full count, and a history of fewer than
    three periods (or a zero period) is counted in full."""
    rng = np.random.default_rng(8)
    one = np.sin(np.linspace(0, 2 * np.pi, 50, endpoint=False)) * 5 + rng.normal(0, 0.3, 50)
    x = np.concatenate([np.linspace(0, 3, 30), np.tile(one, 20), one[:17]])
    rep, full = cycles.count_repeating(x, 50, dt_s=2.0), cycles.count(x, dt_s=2.0)
    assert rep.total == pytest.approx(full.total, abs=3.0)
    assert np.sum(rep.count * rep.duration_s) == pytest.approx(np.sum(full.count * full.duration_s), rel=0.05)
    assert np.sum(rep.count * rep.range**2) == pytest.approx(np.sum(full.count * full.range**2), rel=0.02)
    for short, p in ((np.tile(one, 2), 50), (x, 0)):
        a, b = cycles.count_repeating(short, p, dt_s=2.0), cycles.count(short, dt_s=2.0)
        assert a.range == pytest.approx(b.range) and a.duration_s == pytest.approx(b.duration_s)
    # a period that never settles is counted in full; an explicit tolerance accepts the noise
    noisy = np.tile(one, 6) + rng.normal(0, 1e-3, 300)
    assert cycles.count_repeating(noisy, 50).range == pytest.approx(cycles.count(noisy).range)
    tol, full = cycles.count_repeating(noisy, 50, atol=0.1), cycles.count(noisy)
    # the same damage-like sum to the residue: two half cycles of the largest range in 6 periods
    assert np.sum(tol.count * tol.range**2) == pytest.approx(np.sum(full.count * full.range**2), rel=0.06)
    assert tol.total < full.total - 3  # the settled periods were counted once, without their noise


# ---- Weibull ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("beta", [0.7, 1.0, 3.5])
def test_weibull_pdf_is_the_derivative_and_hazard_the_ratio(beta):
    w = Weibull(beta, 1000.0)
    t = np.array([50.0, 400.0, 1000.0, 2500.0])
    h = 1e-3
    assert w.pdf(t) == pytest.approx((w.cdf(t + h) - w.cdf(t - h)) / (2 * h), rel=1e-6)
    assert w.hazard(t) == pytest.approx(w.pdf(t) / w.reliability(t), rel=1e-5)  # 1 - F loses digits in the tail
    assert w.reliability(t) + w.cdf(t) == pytest.approx(np.ones(4), rel=1e-14)
    assert w.cdf(-5.0) == 0.0 and w.reliability(-5.0) == 1.0  # no failures before t = 0
    if beta > 1:
        assert w.pdf(-5.0) == 0.0 and w.hazard(0.0) == 0.0
    # the same population in another unit: cdf(t * f) of the scaled = cdf(t)
    s = w.scaled(24.0)
    assert s.beta == beta and s.cdf(t * 24.0) == pytest.approx(w.cdf(t), rel=1e-12)


def test_weibull_mean_and_guards():
    assert Weibull(2.0, 100.0).mean == pytest.approx(100.0 * math.sqrt(math.pi) / 2, rel=1e-12)  # Rayleigh
    for bad in ((0.0, 1.0), (1.0, 0.0), (-1.0, 5.0)):
        with pytest.raises(ValueError):
            Weibull(*bad)
    for p in (0.0, 1.0):
        with pytest.raises(ValueError):
            Weibull(2.0, 1.0).quantile(p)


# ---- PTH (vectorized IPC-TR-579) -------------------------------------------------------------------

def test_pth_array_guards_limits_and_copper_scaling():
    cu = _copper()
    geom = pth.PthGeometry(1.6e-3, 0.3e-3, 25e-6)
    with pytest.raises(ValueError, match="delta_t_k"):
        pth.barrel_strain_array(np.array([10.0, -1.0]), 60e-6, 3.5e9, geom, cu)
    assert pth.barrel_strain_array(np.array([0.0]), 60e-6, 3.5e9, geom, cu)[0] == 0.0  # no swing, no strain
    # board CTE below copper's: no tensile mismatch
    assert pth.barrel_strain_array(np.array([100.0]), 0.5 * cu.cte_per_k, 3.5e9, geom, cu)[0] == 0.0
    big = np.array([250.0])
    e = pth.barrel_strain_array(big, 60e-6, 3.5e9, geom, cu)
    assert pth.barrel_strain_array(big, 60e-6, 3.5e9, geom, cu, ductility=cu.ductility) == pytest.approx(e)
    assert pth.barrel_strain_array(big, 60e-6, 3.5e9, geom, cu, ultimate_scale=2.0) < e  # stiffer hardening
    for kd in (0.99, 10.01):
        with pytest.raises(ValueError, match="strain_distribution_factor"):
            pth.cycles_to_failure_array(np.array([1e-3]), cu, strain_distribution_factor=kd)
    ends = pth.cycles_to_failure_array(np.array([1e-3, 1e-3]), cu, strain_distribution_factor=np.array([1.0, 10.0]))
    assert np.all(np.isfinite(ends)) and ends[0] > ends[1]
    n = pth.cycles_to_failure_array(np.array([0.0, 1e-3, 10.0]), cu)
    assert n[0] == np.inf and n[2] == 1.0  # below reach: inf; beyond the one-cycle strain: 1
    assert n[1] == pytest.approx(pth.cycles_to_failure(1e-3, cu), rel=1e-9)
    # D_f and S_u enter the universal-slopes equation: more ductile or stronger copper lasts longer
    assert pth.cycles_to_failure_array(np.array([1e-3]), cu, ductility=2 * cu.ductility)[0] > n[1]
    assert pth.cycles_to_failure_array(np.array([1e-3]), cu, ultimate_scale=2.0)[0] > n[1]
    assert pth.cycles_to_failure_array(np.array([1e-3]), cu, ultimate_scale=1.0, ductility=cu.ductility)[0] == \
        pytest.approx(n[1], rel=1e-9)


# ---- fleet --------------------------------------------------------------------------------------

def test_fleet_rate_conversions_and_limits():
    from si_thermal.reliability import fleet

    assert fleet.fit_from_mtbf(1e6) == pytest.approx(1000.0, rel=1e-15)
    assert fleet.fit_from_mtbf(0.5) == pytest.approx(2e9, rel=1e-15)  # an MTBF below an hour is valid
    with pytest.raises(ValueError, match="mtbf_h"):
        fleet.fit_from_mtbf(0.0)
    assert fleet.mtbf_from_fit(0.0) == np.inf
    with pytest.raises(ValueError, match="fit"):
        fleet.mtbf_from_fit(-1.0)
    assert fleet.random_events_per_month(0, 8000.0) == 0.0  # an empty fleet has no events
    assert fleet.random_events_per_month(0.5, 100.0, 0.5) == pytest.approx(0.0025)
    with pytest.raises(ValueError, match="units"):
        fleet.random_events_per_month(-1, 8000.0)
    with pytest.raises(ValueError, match="hours_per_month"):
        fleet.random_events_per_month(10, 8000.0, 0.0)
    assert fleet.availability(8000.0, 0.0) == 1.0  # instant repair
    assert fleet.availability(100.0, 0.5) == pytest.approx(100 / 100.5)
    with pytest.raises(ValueError, match="mttr_h"):
        fleet.availability(100.0, -1.0)
    with pytest.raises(ValueError, match="sites"):
        fleet.weakest_link(Weibull(2.0, 1.0), 0)
    with pytest.raises(ValueError):
        fleet.wearout_events_by_month(10, Weibull(2.0, 1e4), 0)
    with pytest.raises(ValueError):
        fleet.wearout_events_by_month(-1, Weibull(2.0, 1e4), 3)


def test_mil217_planes_and_hand_soldered_holes():
    """MIL-HDBK-217F N2 16.1: pi_C = 1 up to two planes, 0.65 P^0.63 above; a hand-soldered hole
    counts (pi_C + 13); quality and environment multiply; lambda in 1e-6/h, returned in FIT."""
    from si_thermal.reliability import fleet

    lam_b = 1.7e-5
    assert fleet.mil217_pwb_fit(100, 2) == pytest.approx(lam_b * 100 * 1e3, rel=1e-12)
    assert fleet.mil217_pwb_fit(100, 1) == pytest.approx(lam_b * 100 * 1e3, rel=1e-12)
    pc = 0.65 * 3**0.63
    assert fleet.mil217_pwb_fit(100, 3) == pytest.approx(lam_b * 100 * pc * 1e3, rel=1e-12)
    assert fleet.mil217_pwb_fit(0, 3, hand_soldered=10) == pytest.approx(lam_b * 10 * (pc + 13) * 1e3, rel=1e-12)
    assert fleet.mil217_pwb_fit(100, 3, quality_factor=2.0, environment_factor=3.0) == pytest.approx(
        6 * fleet.mil217_pwb_fit(100, 3), rel=1e-12)
    for bad in ((-1, 3), (10, 0)):
        with pytest.raises(ValueError):
            fleet.mil217_pwb_fit(*bad)
    with pytest.raises(ValueError):
        fleet.mil217_pwb_fit(10, 3, hand_soldered=-1)


def test_fleet_mixed_modes_availability_and_events():
    """One constant-rate mode and one wear-out mode: random events N h FIT 1e-9 per month; unavailability
    adds lambda MTTR of each mode, the wear-out rate being its month's events per rack-hour."""
    from si_thermal.reliability import fleet

    life = Weibull(3.0, 20_000.0)
    modes = [fleet.FailureMode("r", 10.0, fit_per_rack=50_000.0), fleet.FailureMode("w", 100.0, life_h=life)]
    res = fleet.fleet_reliability("x", modes, 200, 12, 730.0)
    assert res.random_events_per_month == pytest.approx(200 * 730 * 50_000e-9, rel=1e-12)
    wear = fleet.wearout_events_by_month(200, life, 12, 730.0)
    assert res.wearout_events_by_month == pytest.approx(wear, rel=1e-12)
    u = 50_000e-9 * 10.0 + wear / (200 * 730.0) * 100.0
    assert res.availability_by_month == pytest.approx(1 / (1 + u), rel=1e-12)
    assert res.events_by_month == pytest.approx(res.random_events_per_month + wear, rel=1e-12)
    assert res.fit_random == pytest.approx(50_000.0) and res.mtbf_random_h == pytest.approx(2e4)
    d = res.to_dict()
    assert d["modes"][1]["wearout_eta_h"] == 20_000.0 and d["modes"][1]["wearout_beta"] == 3.0
    assert d["modes"][0]["wearout_eta_h"] is None
    none = fleet.fleet_reliability("y", [fleet.FailureMode("w", 1.0, life_h=life)], 5, 3)
    assert none.fit_random == 0.0 and none.mtbf_random_h == np.inf
    with pytest.raises(ValueError, match="racks"):
        fleet.fleet_reliability("z", modes, 0, 3)
    # renewal: month k gets the replacements of earlier months failing at age k-1-j (hand recursion)
    f = np.diff(life.cdf(np.arange(4) * 730.0))
    m0 = 200 * f[0]
    m1 = 200 * f[1] + m0 * f[0]
    m2 = 200 * f[2] + m1 * f[0] + m0 * f[1]
    assert fleet.wearout_events_by_month(200, life, 3, 730.0) == pytest.approx([m0, m1, m2], rel=1e-12)


def test_die_hours_lost_per_month_of_each_option():
    from si_thermal.reliability import fleet

    a = fleet.fleet_reliability("a", [fleet.FailureMode("r", 10.0, fit_per_rack=1e5)], 100, 2, 730.0)
    b = fleet.fleet_reliability("b", [fleet.FailureMode("r", 500.0, fit_per_rack=1e4)], 100, 2, 730.0)
    cmp = fleet.InterconnectComparison(100, 2, a, b, 72, 144)
    assert cmp.die_hours_lost_per_month("cable_tray") == pytest.approx((1 - a.availability) * 100 * 72 * 730.0)
    assert cmp.die_hours_lost_per_month("backplane") == pytest.approx((1 - b.availability) * 100 * 144 * 730.0)


# ---- Monte Carlo sampling -------------------------------------------------------------------------

def _param(**kw):
    from si_thermal.config.uncertainty import UncertainParameter

    return UncertainParameter(source="test", **kw)


def test_samples_follow_their_distributions():
    from si_thermal.reliability import montecarlo as mc

    rng, n = np.random.default_rng(1), 40_000
    x = mc.sample(_param(distribution="fixed", nominal=2.5), 7, rng)
    assert x.shape == (7,) and np.all(x == 2.5)
    u = mc.sample(_param(distribution="uniform", low=1.0, high=3.0), n, rng)
    assert u.min() >= 1.0 and u.max() <= 3.0 and u.mean() == pytest.approx(2.0, abs=0.02)
    t = mc.sample(_param(distribution="triangular", low=0.0, nominal=1.0, high=4.0), n, rng)
    assert t.mean() == pytest.approx(5.0 / 3.0, abs=0.03) and t.min() >= 0.0 and t.max() <= 4.0
    flat = mc.sample(_param(distribution="triangular", low=2.0, nominal=2.0, high=2.0), 5, rng)
    assert np.all(flat == 2.0)
    g = mc.sample(_param(distribution="normal", nominal=10.0, sigma=2.0), n, rng)
    assert g.mean() == pytest.approx(10.0, abs=0.05) and g.std() == pytest.approx(2.0, rel=0.02)
    ln = mc.sample(_param(distribution="lognormal", nominal=3.0, cov=0.5), n, rng)
    assert np.median(ln) == pytest.approx(3.0, rel=0.02)  # median = nominal
    assert ln.std() / ln.mean() == pytest.approx(0.5, rel=0.05)  # coefficient of variation = cov
    # a named parameter is clipped to its physical range, an unnamed one is not
    k = mc.sample(_param(distribution="normal", nominal=2.0, sigma=5.0), n, rng, "strain_distribution_factor")
    assert k.min() == 1.0 and k.max() == 10.0
    assert mc.sample(_param(distribution="normal", nominal=2.0, sigma=5.0), n, rng).min() < 1.0


def test_draw_without_a_file_and_with_one():
    from si_thermal.config.uncertainty import Uncertain
    from si_thermal.reliability import montecarlo as mc

    d = mc.draw(None, {"gradient": 20, "cycle_rate_factor": 1.0})
    assert d["gradient"].shape == (1,) and d["gradient"][0] == 20.0
    assert mc.draw(None, {"gradient": 20}, n=4)["gradient"].shape == (4,)
    unc = Uncertain(name="u", source="t", samples=50, seed=3,
                    parameters={"gradient": _param(distribution="uniform", low=10.0, high=30.0)})
    a, b = mc.draw(unc, {"gradient": 20.0, "cycle_rate_factor": 2.0}), mc.draw(unc, {"gradient": 20.0})
    assert a["gradient"].shape == (50,) and np.all(a["cycle_rate_factor"] == 2.0)
    assert a["gradient"] == pytest.approx(b["gradient"])  # the seed fixes the draws
    assert mc.draw(unc, {"gradient": 20.0}, n=7)["gradient"].shape == (7,)


def test_years_to_fraction_guards_and_band():
    from si_thermal.reliability import montecarlo as mc

    for f in (0.0, 1.0):
        with pytest.raises(ValueError, match="fraction"):
            mc.years_to_fraction([np.array([100.0])], [np.array([2.0])], f)
    y = mc.years_to_fraction([np.array([365.0])], [np.array([1.0])], 0.5)  # exponential, eta one year
    assert y[0] == pytest.approx(math.log(2.0), rel=1e-9)
    assert mc.years_to_fraction([np.array([np.inf])], [np.array([2.0])])[0] == np.inf
    b = mc.Band.of(np.arange(1.0, 12.0))
    assert (b.p10, b.p50, b.p90, b.samples) == (2.0, 6.0, 10.0, 11)
    inf = mc.Band.of(np.array([1.0, 2.0, np.inf]))
    assert inf.p50 == 2.0 and inf.to_dict()["p90"] is None
    for bad in (np.array([1.0, np.nan]), np.array([])):
        with pytest.raises(ValueError):
            mc.Band.of(bad)


# ---- fleet file -> failure modes (hand calculations on the shipped files) ------------------------

def test_fleet_file_modes_against_hand_calculation():
    """Each mode of the shipped fleet file becomes the rate or life its source states: the cable tray's
    5,000 x 20 FIT, MIL-217 on the backplane's copper-plane count, and the wear-out modes a Weibull of
    the stated shape whose median is the given median cycles x 24 h / cycles-per-day, weakest of n."""
    from si_thermal.mechanics.laminate import effective_properties
    from si_thermal.reliability import fleet
    from si_thermal.system import fleet as system_fleet

    inputs = system_fleet.load_fleet()
    board = inputs.boards["backplane_78L_m9.toml"]
    cmp = fleet.compare_cable_vs_backplane(inputs, 200, months=6, cycles_per_day=2.0,
                                           pth_median_cycles=4e5, joint_median_cycles=9e5, renewal=False)
    assert cmp.fleet_racks == 200 and cmp.months == 6 and cmp.cable_tray.racks == 200
    ct, bp = cmp.cable_tray, cmp.backplane
    assert ct.name == "NVL72 copper cable tray" and ct.modes[0].name == "twinax cable assembly"
    assert ct.modes[0].fit_per_rack == pytest.approx(5000 * 20.0) and ct.modes[0].mttr_h == pytest.approx(4.0)
    assert ct.hours_per_month == pytest.approx(730.0)
    planes = sum(layer.type == "copper" for layer in board.layers)
    by_name = {m.name: m for m in bp.modes}  # the file may hold more modes (press-fit)
    random_bp = by_name["plated holes, random"]
    pth_mode = by_name["plated-hole barrel fatigue, wear-out"]
    joint_mode = by_name["connector solder joints, wear-out"]
    assert random_bp.fit_per_rack == pytest.approx(fleet.mil217_pwb_fit(41472, planes), rel=1e-12)
    assert random_bp.mttr_h == pytest.approx(3 * 7 * 24.0) and "extrapolated" in random_bp.note
    for mode, median, n in ((pth_mode, 4e5, 41472), (joint_mode, 9e5, 8000)):
        site = Weibull.from_median(median * 12.0, 4.0)  # 2 cycles a day: 12 h per cycle
        assert mode.life_h.beta == 4.0
        assert mode.life_h.eta == pytest.approx(site.eta * n ** -0.25, rel=1e-12)
        assert mode.note and mode.name
    # first failures only (renewal off): the fleet's month-by-month wear-out events are N dF
    wear = sum(fleet.wearout_events_by_month(200, m.life_h, 6, 730.0, renewal=False) for m in bp.modes if m.life_h)
    assert bp.wearout_events_by_month == pytest.approx(wear, rel=1e-12)
    renewed = fleet.compare_cable_vs_backplane(inputs, 200, months=6, cycles_per_day=2.0,
                                               pth_median_cycles=4e5, joint_median_cycles=9e5)
    assert renewed.backplane.wearout_events_by_month.sum() >= bp.wearout_events_by_month.sum()
    # the file's own fleet size when asked; no cycling: no wear-out
    assert fleet.compare_cable_vs_backplane(inputs, None, months=2).fleet_racks == 1000
    idle = fleet.compare_cable_vs_backplane(inputs, 10, months=2, cycles_per_day=0.0)
    idle_pth = {m.name: m for m in idle.backplane.modes}["plated-hole barrel fatigue, wear-out"]
    assert idle_pth.life_h is None and "no wear-out" in idle_pth.note
    with pytest.raises(ValueError, match="cycles_per_day"):
        fleet.compare_cable_vs_backplane(inputs, 10, cycles_per_day=-0.5)
    # the closed forms: IPC-TR-579 on the homogenized board, Syed on the outermost joint (L/2 from centre)
    eff = effective_properties(board)
    bpd = board.backplane
    cu = pth.BarrelCopper.from_material("copper", config.load_materials()["copper"])
    want = pth.pth_fatigue(30.0, eff.cte_z_per_k, eff.e_z_pa, pth.PthGeometry(eff.thickness_m, bpd.via_drill,
                                                                              bpd.via_plating), cu).cycles_to_failure
    assert fleet._closed_form_pth_cycles(board, 30.0) == pytest.approx(want, rel=1e-12)
    lib = config.load_materials()
    con = bpd.connector
    a_h = lib[con.housing_material].require(con.housing_material, "cte_xy")
    el = solder.joint_elastic_range(con.joint_material, lib[con.joint_material])
    dgamma = (con.length / 2) * abs(eff.cte_x_per_k - a_h) * 30.0 / con.joint_height
    got = fleet._closed_form_joint_cycles(board, 30.0, 1.0)
    assert got == pytest.approx(math.sqrt(3) / (0.0468 * (dgamma - el)), rel=1e-12)
    assert fleet._closed_form_joint_cycles(board, 0.0, 1.0) == math.inf
    assert fleet._closed_form_joint_cycles(board, 0.5, 1.0) > got  # a small swing: long (or inf) life
    assert fleet._closed_form_joint_cycles(board, None, 1.0) == pytest.approx(
        fleet._closed_form_joint_cycles(board, bpd.gradient, 1.0), rel=1e-12)
    assert fleet._closed_form_pth_cycles(board, None) == pytest.approx(
        fleet._closed_form_pth_cycles(board, bpd.gradient), rel=1e-12)


# ---- second round: the survivors of the first re-run ---------------------------------------------

def test_pth_damage_parameters_act_as_a_different_copper():
    """Scaling S_u (or giving D_f) in the Monte Carlo path is the same as a copper with that S_u (or
    D_f) on the default path: Miner damage of the vectorized model is consistent with its inputs."""
    from dataclasses import replace

    cu = _copper()
    geom = pth.PthGeometry(1.6e-3, 0.3e-3, 25e-6)
    c = _cyc((80.0, 200.0))
    weak = replace(cu, ultimate_strength_pa=0.7 * cu.ultimate_strength_pa)
    brittle = replace(cu, ductility=0.5 * cu.ductility)
    base = PthSite(geom, cu, 60e-6, 3.5e9)
    assert pth_damage(c, base, ultimate_scale=0.7) == pytest.approx(pth_damage(c, PthSite(geom, weak, 60e-6, 3.5e9)),
                                                                   rel=1e-9)
    assert pth_damage(c, base, ductility=0.5 * cu.ductility) == pytest.approx(
        pth_damage(c, PthSite(geom, brittle, 60e-6, 3.5e9)), rel=1e-9)
    big = np.array([250.0])
    assert pth.barrel_strain_array(big, 60e-6, 3.5e9, geom, cu, ductility=0.5 * cu.ductility) == pytest.approx(
        pth.barrel_strain_array(big, 60e-6, 3.5e9, geom, brittle), rel=1e-12)


def test_pth_geometry_and_scalar_guards_at_their_limits():
    with pytest.raises(ValueError, match="board_thickness_m"):
        pth.PthGeometry(0.0, 0.3e-3, 25e-6)
    with pytest.raises(ValueError, match="half the drill"):
        pth.PthGeometry(1.6e-3, 0.3e-3, 0.15e-3)  # 2 t = d: no hole left
    assert pth.PthGeometry(1.6e-3, 0.3e-3, 0.12e-3).barrel_area_m2 > 0  # 2 t = 0.8 d is a (thick) barrel
    cu, geom = _copper(), pth.PthGeometry(1.6e-3, 0.3e-3, 25e-6)
    assert pth.barrel_stress(0.0, 60e-6, 3.5e9, geom, cu) == (0.0, 0.0, False)
    s_half = pth.barrel_stress(0.5, 60e-6, 3.5e9, geom, cu)
    assert s_half[1] > 0 and not s_half[2]
    with pytest.raises(ValueError, match="delta_t_k"):
        pth.barrel_stress(-0.1, 60e-6, 3.5e9, geom, cu)
    assert pth.cycles_to_failure(1e-3, cu) == pytest.approx(pth.cycles_to_failure(1e-3, cu, strain_distribution_factor=2.5))
    for kd in (1.0, 10.0):  # IPC-TR-579's range is inclusive
        assert math.isfinite(pth.cycles_to_failure(1e-3, cu, strain_distribution_factor=kd))
    with pytest.raises(ValueError, match="strain_distribution_factor"):
        pth.cycles_to_failure(1e-3, cu, strain_distribution_factor=10.5)
    # a strain that fails in 3 cycles solves to 3, not to the 1-cycle floor
    d, su, e = cu.ductility, cu.ultimate_strength_pa, cu.youngs_modulus_pa
    lg = math.log10(3.0)
    eff = 10 ** (-0.6 * lg) * d**0.75 + 0.9 * su / e * (math.exp(d) / 0.36) ** (0.1785 * (5 - lg))
    assert pth.cycles_to_failure(eff / 2.5, cu) == pytest.approx(3.0, rel=1e-9)
    assert pth.cycles_to_failure_array(np.array([eff / 2.5]), cu)[0] == pytest.approx(3.0, rel=1e-9)
    r = pth.pth_fatigue(100.0, 60e-6, 3.5e9, geom, cu)
    assert r.stress_pa == pytest.approx(pth.barrel_stress(100.0, 60e-6, 3.5e9, geom, cu)[0])
    assert r.aspect_ratio == pytest.approx(1.6 / 0.3) and r.within_validity is True


def test_solder_factor_and_tiny_but_valid_moduli():
    c = solder.engelmaier_exponent(50.0, 1.0)
    n1 = solder.engelmaier_cycles(0.01, 1e-4, 1e-5, 50.0, 50.0, 1.0)
    assert solder.engelmaier_cycles(0.01, 1e-4, 1e-5, 50.0, 50.0, 1.0, factor=0.5) == pytest.approx(
        n1 * 0.5 ** (1 / c), rel=1e-12)  # half the strain: life x 2^(-1/c)
    assert solder.elastic_shear_range(0.5, 0.8, 0.0) == pytest.approx(2 * 0.5 / math.sqrt(3) / 0.4, rel=1e-12)


def test_monte_carlo_clips_named_file_parameters_and_band_interpolates():
    from si_thermal.config.uncertainty import Uncertain
    from si_thermal.reliability import montecarlo as mc

    unc = Uncertain(name="u", source="t", samples=4000, seed=1,
                    parameters={"strain_distribution_factor": _param(distribution="normal", nominal=2.0, sigma=5.0)})
    kd = mc.draw(unc, {"strain_distribution_factor": 2.5})["strain_distribution_factor"]
    assert kd.min() == 1.0 and kd.max() == 10.0  # clipped to IPC-TR-579's [1, 10]
    b = mc.Band.of(np.arange(1.0, 11.0))
    assert (b.p10, b.p50, b.p90) == pytest.approx((1.9, 5.5, 9.1))  # linear between order statistics
    assert b.to_dict() == {"p10": pytest.approx(1.9), "p50": pytest.approx(5.5), "p90": pytest.approx(9.1),
                           "samples": 10}
    # a sample with one mechanism that never wears out: the other alone sets the life
    y = mc.years_to_fraction([np.array([365.0]), np.array([np.inf])], [np.array([1.0]), np.array([2.0])], 0.5)
    assert y[0] == pytest.approx(math.log(2.0), rel=1e-9)


def test_rainflow_durations_scale_with_the_time_step_on_every_path():
    """A cycle's duration is (reversal separation) x dt_s on every counting path: full count, the
    settled-period shortcut with its transient and leftover, and the never-settling fallback; the
    default step is 1 s; an empty count has empty arrays in every field."""
    rng = np.random.default_rng(11)
    one = np.sin(np.linspace(0, 2 * np.pi, 40, endpoint=False)) * 4 + rng.normal(0, 0.2, 40)
    settled = np.concatenate([np.linspace(-6, 2, 25), np.tile(one, 12), one[:13]])
    never = np.tile(one, 8) + rng.normal(0, 0.05, 320)
    for x in (settled, never):
        a, b = cycles.count_repeating(x, 40, dt_s=3.0), cycles.count_repeating(x, 40)
        assert a.range == pytest.approx(b.range) and a.duration_s == pytest.approx(3.0 * b.duration_s)
    c1 = cycles.count(np.array([0, 100, 40, 60, 40, 100, 0.0]))
    assert c1.duration_s == pytest.approx([2.0, 6.0, 10.0, 2.0])  # dt_s = 1 s by default
    assert cycles.count_periodic(one, 3).duration_s.max() <= 2 * 40  # at most twice the period in samples
    empty = cycles.count(np.array([3.0, 3.0, 3.0]))
    assert all(isinstance(a, np.ndarray) and a.size == 0 for a in (empty.range, empty.mean, empty.count, empty.duration_s))


def test_fleet_boundaries_are_valid_inputs():
    from si_thermal.reliability import fleet

    life = Weibull(2.0, 5000.0)
    assert fleet.wearout_events_by_month(10, life, 1, 730.0) == pytest.approx([10 * life.cdf(730.0)])
    assert np.all(fleet.wearout_events_by_month(0, life, 3) == 0.0)
    assert fleet.weakest_link(life, 1) == life
    one = fleet.fleet_reliability("one", [fleet.FailureMode("w", 10.0, life_h=life)], 1, 2, 500.0)
    assert one.wearout_events_by_month == pytest.approx(fleet.wearout_events_by_month(1, life, 2, 500.0))
    assert one.wearout_events_by_month[0] == pytest.approx(life.cdf(500.0))  # the month's own hours


def test_fleet_defaults_delta_t_and_stated_factors(tmp_path):
    """Defaults: 1,000 racks, one cycle a day (24 h per cycle), failed units replaced (renewal); a
    stated swing reaches both closed forms; quality and environment factors of the file multiply."""
    from si_thermal.reliability import fleet
    from si_thermal.system import fleet as system_fleet
    from si_thermal import paths

    inputs = system_fleet.load_fleet()
    board = inputs.boards["backplane_78L_m9.toml"]
    d = fleet.compare_cable_vs_backplane(inputs, months=24, pth_median_cycles=150.0, joint_median_cycles=9e5)
    assert d.fleet_racks == 1000
    pth_mode = {m.name: m for m in d.backplane.modes}["plated-hole barrel fatigue, wear-out"]
    assert pth_mode.life_h.eta == pytest.approx(Weibull.from_median(150.0 * 24.0, 4.0).eta * 41472 ** -0.25, rel=1e-12)
    first = fleet.compare_cable_vs_backplane(inputs, months=24, pth_median_cycles=150.0, joint_median_cycles=9e5,
                                             renewal=False)
    assert d.backplane.wearout_events_by_month.sum() > 1.01 * first.backplane.wearout_events_by_month.sum()
    hot = fleet.compare_cable_vs_backplane(inputs, 10, months=2, delta_t_k=60.0)
    hot_modes = {m.name: m for m in hot.backplane.modes}
    for mode, n_cyc, sites in ((hot_modes["plated-hole barrel fatigue, wear-out"],
                                fleet._closed_form_pth_cycles(board, 60.0), 41472),
                               (hot_modes["connector solder joints, wear-out"],
                                fleet._closed_form_joint_cycles(board, 60.0, 1.0), 8000)):
        assert mode.life_h.eta == pytest.approx(Weibull.from_median(n_cyc * 24.0, 4.0).eta * sites ** -0.25, rel=1e-9)
    assert hot.backplane.modes[0].name == "plated holes, random"
    text = (paths.racks_dir() / "fleet_reliability.toml").read_text()
    f = tmp_path / "fleet.toml"
    f.write_text(text.replace("quality_factor = 1.0", "quality_factor = 2.0")
                 .replace("environment_factor = 1.0", "environment_factor = 3.0"))
    stated = fleet.compare_cable_vs_backplane(system_fleet.load_fleet(f), 10, months=2)
    assert stated.backplane.modes[0].fit_per_rack == pytest.approx(6 * hot.backplane.modes[0].fit_per_rack, rel=1e-12)
    idle = fleet.compare_cable_vs_backplane(inputs, 10, months=2, cycles_per_day=0.0)
    assert "plated-hole barrel fatigue, wear-out" in {m.name for m in idle.backplane.modes}


# ---- press-fit relaxation (Larson-Miller + Robinson) -----------------------------------------------

def test_time_at_level_conserves_time_and_bins_conservatively():
    """Every second of the history is kept, in a bin whose level is at or above the sample and less
    than one bin width above it; a flat history is one level; the default is 200 bins."""
    from si_thermal.reliability import pressfit as pf

    rng = np.random.default_rng(4)
    x = rng.uniform(5.0, 45.0, 5000)
    for bins in (7, 200):
        lv, dur = pf.time_at_level(x, 2.0, bins)
        assert dur.sum() == pytest.approx(x.size * 2.0) and len(lv) <= bins and np.all(dur > 0)
        width = (x.max() - x.min()) / bins
        idx = np.searchsorted(lv, x - 1e-9)  # the bin each sample sits in: first level >= it
        assert np.all(lv[idx] >= x - 1e-9) and np.all(lv[idx] - x < width + 1e-9)
    ramp = np.linspace(0.0, 10.0, 4000)
    assert len(pf.time_at_level(ramp, 1.0)[0]) == 200 and pf.time_at_level(ramp, 1.0)[0][-1] == 10.0
    lv, dur = pf.time_at_level(np.full(30, 12.5), 3.0)
    assert list(lv) == [12.5] and list(dur) == [90.0]
    assert pf.time_at_level(np.array([0.0, 10.0, 3.0]), 0.5, 4)[1].sum() == 1.5  # half-second bins kept
    lv, dur = pf.time_at_level(np.array([-3.0, -3.0, -3.0]), 0.5)  # a flat negative history too
    assert list(lv) == [-3.0] and list(dur) == [1.5]


def test_robinson_damage_is_one_at_the_larson_miller_life():
    """Held at T for t_f(T) = 10^(P_f/T - C) hours the life fraction is 1; half the time, 1/2; the swing
    scale multiplies the rise above idle; C and P_f broadcast as Monte Carlo columns."""
    from si_thermal.reliability import pressfit as pf

    p_fail, t_idle = 9000.0, 300.0
    t_f = pf.time_to_failure_h(340.0, p_fail)
    assert t_f == pytest.approx(10 ** (p_fail / 340.0 - 20.0), rel=1e-12)
    assert pf.larson_miller(340.0, t_f) == pytest.approx(p_fail, rel=1e-12)
    d = pf.relaxation_damage(np.array([40.0]), np.array([t_f * 3600.0]), t_idle, p_fail=p_fail)
    assert d == pytest.approx(1.0, rel=1e-9)
    half = pf.relaxation_damage(np.array([40.0]), np.array([t_f * 1800.0]), t_idle, p_fail=p_fail)
    assert half == pytest.approx(0.5, rel=1e-9)
    assert pf.relaxation_damage(np.array([20.0]), np.array([t_f * 3600.0]), t_idle, p_fail=p_fail,
                                swing_scale=2.0) == pytest.approx(1.0, rel=1e-9)
    col = pf.relaxation_damage(np.array([40.0]), np.array([t_f * 3600.0]), t_idle,
                               p_fail=np.array([p_fail, p_fail]), c=np.array([20.0, 21.0]))
    assert col.shape == (2,) and col == pytest.approx([1.0, 10.0], rel=1e-9)  # C + 1: ten times the rate
    assert pf.time_to_failure_h(0.5, 10.0) == pytest.approx(10 ** (20.0 - 20.0))  # any positive kelvin
    with pytest.raises(ValueError, match="positive kelvin"):
        pf.time_to_failure_h(np.array([300.0, 0.0]), p_fail)
