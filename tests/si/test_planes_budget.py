"""Reference planes of the loss budgets and the per-segment accounting (issue 10, items 1-2)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from si_thermal import config, paths
from si_thermal.errors import InputError
from si_thermal.si import channel as chan
from si_thermal.si.budget import il_rows
from si_thermal.si.planes import il_between_planes, package_il_db, planes_for
from si_thermal.si.reach import reach_il

SPINE = paths.channels_dir() / "nvl72_spine_26awg.toml"
FN = 53.125e9


def test_every_budget_states_its_planes_and_bump_to_bump_names_a_package():
    for key, r in config.load_serdes().rates.items():
        assert r.reference_planes in ("bump-to-bump", "ball-to-ball"), key
        if r.reference_planes == "bump-to-bump":
            assert planes_for(key).packages, key  # the package model that lies inside the planes


def test_zero_length_variable_segment_reports_the_fixed_elements_alone():
    """At zero cable length the IL between the bump-to-bump planes is exactly that of the fixed
    elements: the two packages, host traces and connectors (the channel without its cable), and the
    per-segment rows report 0 dB for the cable and sum to the total."""
    ch = config.load_channel(SPINE)
    fixed = ch.model_copy(update={"segments": [s for s in ch.segments if s.name != "cable"],
                                  "channel": ch.channel.model_copy(update={"variable_segment": None})})
    il0 = il_between_planes(SPINE, "200g", FN, 0.0)
    il_fixed = il_between_planes((fixed, SPINE), "200g", FN)
    assert il0 == pytest.approx(il_fixed, abs=1e-9)
    rows, total, case = il_rows(SPINE, "200g", 0.0)
    by = {r.name: r for r in rows}
    assert by["cable"].il_db == pytest.approx(0.0, abs=1e-9)
    assert sum(r.il_db for r in rows) == pytest.approx(total, abs=1e-9)
    assert total == pytest.approx(max(il0), abs=1e-9) and "33" in case  # worst: the long package
    # the packages are inside the budget: ~6 dB each at 53 GHz for the 33 mm case (93A-9..14 loss)
    bare = float(-20 * np.log10(abs(chan.channel_network(SPINE, [FN], length_m=0.0).s[0, 1, 0])))
    assert 10.0 < max(il0) - bare < 14.0
    assert by["Tx package"].il_db == pytest.approx(by["Rx package"].il_db)


def test_package_cases_both_counted_the_long_one_loses_more():
    pl = planes_for("200g")
    assert len(pl.packages) == 2
    il = [package_il_db(p, FN) for p in pl.packages]
    assert il[0] > il[1] + 2.0  # 33 mm vs 12 mm of package line


def test_il_reach_uses_the_same_planes_as_the_budget():
    """The 26 AWG spine's IL reach with the packages counted is ~2 m (3.6 m without them: 12 dB optimistic)."""
    r = reach_il(SPINE, "200g")
    assert r.reference_planes == "bump-to-bump"
    assert 1.7 < r.reach_m < 2.4
    assert max(il_between_planes(SPINE, "200g", FN, r.reach_m)) == pytest.approx(40.0, abs=1e-3)


def test_bump_to_bump_channel_against_a_ball_to_ball_budget_is_an_input_error(tmp_path):
    rates = tmp_path / "serdes.toml"
    text = (paths.channels_dir() / "serdes.toml").read_text()
    rates.write_text(text.replace('reference_planes = "bump-to-bump"\npackage = "802.3dj"',
                                  'reference_planes = "ball-to-ball"', 1))
    ch = config.load_channel(SPINE)
    measured = ch.model_copy(update={"channel": ch.channel.model_copy(update={"reference_planes": "bump-to-bump"})})
    import si_thermal.si.rates as rates_mod

    orig = rates_mod.serdes_rates
    try:
        rates_mod.serdes_rates = lambda: dict(config.load_serdes(rates).rates)
        with pytest.raises(InputError, match="planes do not match"):
            planes_for("200g", "bump-to-bump", where=SPINE)
        with pytest.raises(InputError, match="planes do not match"):
            il_between_planes((measured, SPINE), "200g", FN)
    finally:
        rates_mod.serdes_rates = orig


def test_bump_to_bump_budget_without_a_package_is_rejected(tmp_path):
    rates = tmp_path / "serdes.toml"
    text = (paths.channels_dir() / "serdes.toml").read_text()
    rates.write_text(text.replace('package = "802.3dj"\n', "", 1))
    with pytest.raises(InputError, match="package"):
        config.load_serdes(rates)


def test_com_reach_root_finder_on_an_analytic_margin():
    """Inverse quadratic interpolation with the xtol-aware closing step: a root within xtol, on the safe
    side, in 4 solves for a smooth falling margin (the regula falsi it replaced took 6); cached solves are
    reused; a strongly convex margin and a step (where interpolation is useless) still converge through
    the bisection safeguard; no root: the ends."""
    from si_thermal.si.com_reach import com_reach_m

    calls = []

    def margin(x):
        calls.append(x)
        return 3.0 - 2.0 * x - 0.4 * x**2  # root at 1.2047...

    root = (-2.0 + (4.0 + 4 * 0.4 * 3.0) ** 0.5) / 0.8
    known = {0.0: 3.0, 3.0: margin(3.0)}
    calls.clear()
    r = com_reach_m(margin, 0.0, 3.0, known=known, xtol_m=0.02)
    n_solves = len(calls)
    assert root - 0.02 <= r <= root and margin(r) >= 0
    assert n_solves <= 4 and 0.0 not in calls and 3.0 not in calls  # the bracket's solves reused
    for fn, exact in ((lambda x: math.exp(-3.0 * x) - 0.01, math.log(100.0) / 3.0),   # convex
                      (lambda x: 1.0 if x < 1.5 else -1.0, 1.5)):                      # a step
        calls.clear()
        r = com_reach_m(lambda x, fn=fn: (calls.append(x), fn(x))[1], 0.0, 5.0, xtol_m=0.02)
        assert exact - 0.02 <= r <= exact and fn(r) >= 0 and len(calls) <= 12
    assert com_reach_m(lambda x: -1.0, 0.0, 2.0) == 0.0
    assert com_reach_m(lambda x: 1.0, 0.0, 2.0, hi_max_m=2.0) == 2.0
