"""System-level reach limits (issue 7 acceptance; issue 10 calibration), margins printed:

- every GB200 NVL72 copper link closes at 200G: IL at Nyquist between the bump-to-bump planes
  (packages counted) within the 802.3dj 40 dB budget, and COM >= 3 dB for both package cases with the
  connectors' crosstalk (the shipping system closes with its stated inputs),
- the VR NVL144 cross-rack links do not all close at 224G over the cable types shipped (IL budget
  and COM >= 3 dB together), and they are worse than the in-rack NVL72 spine at 200G.

The numbers come from the SI solvers (si_thermal.si) on the channel files of channels/.
"""

from __future__ import annotations

import numpy as np
import pytest

from si_thermal import config
from si_thermal.system import geometry as geo
from si_thermal.system import links, model


def _rack(key):
    return config.load_rack(model.systems()[key])


def _print(g):
    com = "" if g.com_margin_db is None else f", COM margin {g.com_margin_db.min():+.2f}..{g.com_margin_db.max():+.2f} dB"
    print(f"{g.group} over {g.channel} @ {g.rate}: {g.length_m.size} links {g.length_m.min():.2f}-{g.longest_m:.2f} m, "
          f"IL margin {g.il_margin_db.min():+.2f}..{g.il_margin_db.max():+.2f} dB, IL reach {g.curve.reach_il_m:.2f} m{com}")


def test_every_nvl72_copper_link_closes_at_200g():
    """GB200 NVL72 ships: with the cited inputs every link closes by IL and by COM (worst package case,
    4 connector aggressors); the margins are a calibration, not a fit: no input was tuned to this test."""
    rack = _rack("gb200_nvl72")
    link = rack.links[0]
    L = geo.link_lengths(rack, link)
    g = links.group_si(rack, link, L, link.channel, primary=True)
    _print(g)
    assert g.rate == "200g" and g.medium == "copper_cable"
    assert g.curve.reference_planes == "bump-to-bump" and len(g.curve.package_cases) == 2
    assert len(g.curve.aggressors) == 4  # NEXT + FEXT of both connectors: never silently thru-only
    assert g.il_closing_fraction == 1.0 and g.worst_margin_db >= 0.0
    assert g.closing_fraction == 1.0 and float(g.com_margin_db.min()) >= 0.0
    assert g.longest_feasible_m == pytest.approx(g.longest_m)
    assert g.curve.reach_il_m > g.longest_m and g.limit_scale > 1.0
    # the COM reach is a root of COM itself: the worst case solved there meets the threshold within 0.1 dB
    i = int(np.argmin(abs(g.curve.com_length_m - g.curve.reach_com_m)))
    assert g.curve.com_db[i] == pytest.approx(g.curve.com_threshold_db, abs=0.1)


def test_nvl144_cross_rack_links_do_not_close_at_224g():
    rack = _rack("vr_nvl144_dual")
    link = next(x for x in rack.links if "cross" in x.name)
    L = geo.link_lengths(rack, link)
    shipped = [link.channel]
    assert "nvl144_cross_rack.toml" in shipped  # 26 AWG: the thickest gauge shipped
    results = [links.group_si(rack, link, L, ch, primary=True) for ch in shipped]
    for g in results:
        _print(g)
        assert g.rate == "224g"
        assert g.closing_fraction < 1.0  # not every cross-rack link closes
    ref_rack = _rack("gb200_nvl72")
    ref = links.group_si(ref_rack, ref_rack.links[0], geo.link_lengths(ref_rack, ref_rack.links[0]),
                         "nvl72_spine_26awg.toml", primary=True)
    _print(ref)
    worst_cross = min(float(np.min(g.com_margin_db)) for g in results)
    assert worst_cross < float(np.min(ref.com_margin_db))  # cross-rack at 224G is worse than NVL72 at 200G
    assert min(g.worst_margin_db for g in results) < ref.worst_margin_db


def test_longer_links_lose_margin_and_224g_reach_is_shorter():
    c200 = links.channel_curve("nvl72_spine_26awg.toml", "200g", 2.0, False)
    c224 = links.channel_curve("nvl72_spine_26awg.toml", "224g", 2.0, False)
    print(f"26 AWG spine IL reach: {c200.reach_il_m:.2f} m at 200G, {c224.reach_il_m:.2f} m at 224G")
    assert np.all(np.diff(c200.il_db) > 0)
    assert c224.reach_il_m < c200.reach_il_m
    thin = links.channel_curve("nvl72_spine_26awg.toml", "200g", 2.0, False, 30)
    assert thin.reach_il_m < c200.reach_il_m  # thinner cable, shorter reach
