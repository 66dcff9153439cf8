"""Fleet arithmetic: events per month, FIT, wear-out by month, availability, the comparison."""

from __future__ import annotations

import numpy as np
import pytest

from si_thermal.reliability import fleet
from si_thermal.system import fleet as system_fleet
from si_thermal.reliability.weibull import Weibull


def test_article_fleet_arithmetic():
    """S0 sec. 10.1: 1,000 racks at 8,000 h MTBF -> about 90 events per 730-hour month."""
    events = fleet.random_events_per_month(1000, 8000.0, 730.0)
    assert events == pytest.approx(91.25, rel=1e-12)
    assert fleet.fit_from_mtbf(8000.0) == pytest.approx(125_000.0)
    assert fleet.mtbf_from_fit(125_000.0) == pytest.approx(8000.0)


def test_availability_constant_rate():
    assert fleet.availability(8000.0, 504.0) == pytest.approx(8000 / 8504)
    res = fleet.fleet_reliability("x", [fleet.FailureMode("r", 504.0, fit_per_rack=125_000.0)], 1000, 12)
    assert res.availability == pytest.approx(8000 / 8504, rel=1e-12)
    assert res.mean_events_per_month == pytest.approx(91.25)


def test_wearout_first_failures_sum_to_cdf_and_renewal_adds():
    life = Weibull(3.0, 20 * 730.0)
    first = fleet.wearout_events_by_month(1000, life, 60, renewal=False)
    assert first.sum() == pytest.approx(1000 * life.cdf(60 * 730.0), rel=1e-12)
    renew = fleet.wearout_events_by_month(1000, life, 60, renewal=True)
    assert np.all(renew >= first - 1e-12) and renew.sum() > first.sum()
    # renewal density tends to units / mean cycle (elementary renewal theorem); replacement at the
    # end of the month adds half a month to the mean cycle
    long = fleet.wearout_events_by_month(1000, life, 600, renewal=True)
    assert long[-60:].mean() == pytest.approx(1000 / (life.mean / 730.0 + 0.5), rel=0.005)
    assert first[1] > first[0]  # wear-out grows month by month, unlike the constant rate


def test_renewal_of_exponential_life_is_memoryless():
    """beta = 1 with replacement at the end of each month: every slot fails in a month with the same
    probability 1 - exp(-T/eta), so the renewal count is exactly constant (an off-by-one in the
    renewal convolution's age index breaks this)."""
    life = Weibull(1.0, 8000.0)
    renew = fleet.wearout_events_by_month(1000, life, 24, renewal=True)
    assert renew == pytest.approx(np.full(24, 1000 * -np.expm1(-730.0 / 8000.0)), rel=1e-12)


def test_weakest_link_and_mil217():
    site = Weibull(4.0, 1e6)
    rack = fleet.weakest_link(site, 10_000)
    assert rack.cdf(5e4) == pytest.approx(1 - (1 - site.cdf(5e4)) ** 10_000, rel=1e-9)
    # 217F 16.1: 1000 holes, 10 planes: 1.7e-5 * 1000 * 0.65 * 10^0.63 per 1e6 h
    assert fleet.mil217_pwb_fit(1000, 10) == pytest.approx(1.7e-5 * 1000 * 0.65 * 10**0.63 * 1e3, rel=1e-12)


def test_cable_vs_backplane_same_basis():
    cmp = system_fleet.compare_cable_vs_backplane(1000, months=24)
    ct, bp = cmp.cable_tray, cmp.backplane
    assert ct.racks == bp.racks == 1000 and ct.months == bp.months == 24
    # cable tray: 5,000 cables at the file's FIT -> events per month by hand
    assert ct.random_events_per_month == pytest.approx(1000 * 730 * 5000 * 20.0e-9, rel=1e-12)
    # factory return (weeks) costs more availability per event than a cable swap (hours)
    per_event_ct = (1 - ct.availability) / ct.mean_events_per_month
    per_event_bp = (1 - bp.availability) / max(bp.mean_events_per_month, 1e-30)
    assert per_event_bp > 50 * per_event_ct
    # dies idled per rack come from the rack files (one source of truth): 72 x 2 and 144 x 4
    assert (cmp.cable_tray_dies_per_rack, cmp.backplane_dies_per_rack) == (144, 576)
    d = cmp.to_dict()
    assert set(d) >= {"fleet_racks", "cable_tray", "backplane"}
    assert d["backplane"]["die_hours_lost_per_month"] > 0
    # a short PTH life turns on the wear-out mode month by month
    worn = system_fleet.compare_cable_vs_backplane(1000, months=24, pth_median_cycles=5e5)
    assert worn.backplane.wearout_events_by_month.sum() > 0
    assert worn.backplane.availability < bp.availability


def test_fleet_file_bad_input(tmp_path):
    from si_thermal import config, paths
    from si_thermal.errors import InputError

    text = (paths.racks_dir() / "fleet_reliability.toml").read_text()
    bad = tmp_path / "fleet.toml"
    bad.write_text(text.replace('mttr = "4 h"', 'mttr = "-4 h"'))
    with pytest.raises(InputError, match=r"options.cable_tray.modes\[0\].mttr"):
        config.load(bad)
    bad.write_text(text.replace("fit_per_unit = 20.0\n", ""))
    with pytest.raises(InputError, match="fit_per_unit"):
        config.load(bad)
    with pytest.raises(ValueError, match="cycles_per_day"):
        system_fleet.compare_cable_vs_backplane(1000, cycles_per_day=-1.0)


def test_first_failure_quantile_of_competing_modes():
    a, b = Weibull(4.0, 1e5), Weibull(2.0, 3e5)
    t = fleet.first_failure_quantile([a, b], 0.01)
    assert 1 - a.reliability(t) * b.reliability(t) == pytest.approx(0.01, rel=1e-9)
    assert fleet.first_failure_quantile([a], 0.01) == pytest.approx(a.quantile(0.01), rel=1e-9)
    assert fleet.first_failure_quantile([], 0.01) == np.inf


def test_joint_wearout_mode_from_fleet_file(tmp_path):
    """The shipped fleet file has the 'wearout_joint' mode (SAC closed form on the board's in-plane CTE
    against the housing); without it the backplane fails less."""
    from si_thermal import paths

    text = (paths.racks_dir() / "fleet_reliability.toml").read_text()
    assert 'model = "wearout_joint"' in text
    head, _, _ = text.rpartition("[[options.backplane.modes]]")
    f = tmp_path / "fleet.toml"
    f.write_text(head)
    without = system_fleet.compare_cable_vs_backplane(1000, months=60, fleet_file=f)
    with_joints = system_fleet.compare_cable_vs_backplane(1000, months=60)
    assert with_joints.backplane.wearout_events_by_month.sum() > without.backplane.wearout_events_by_month.sum()
    assert with_joints.backplane.availability < without.backplane.availability
    # a larger swing shortens the joints' life
    hot = system_fleet.compare_cable_vs_backplane(1000, months=60, delta_t_k=50.0)
    assert hot.backplane.wearout_events_by_month.sum() > with_joints.backplane.wearout_events_by_month.sum()
