"""Per-link COM verdicts rest on the root-found COM reach, not on interpolation between solves: a link
closes by COM when its length is within the reach (root-finding on COM, COM_XTOL_M = 0.02 m), checked
against COM solved directly 0.05 m (the issue's bar) either side of the reach; and, since COM is not
always monotone in length (reflections and over-equalization of short channels), a link whose COM
margin at its own length is negative does not close even inside the reach."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from si_thermal import config, paths
from si_thermal.si import channel as chan
from si_thermal.si.com import COM_THRESHOLD_DB
from si_thermal.si.com_reach import com_params_for, link_com
from si_thermal.system import links
from si_thermal.system.geometry import LinkLengths

CH, RATE = "cpx_pcie6_midplane.toml", "pcie6"  # the cheapest COM set here (32 GBd, no Rx FFE)


def test_reach_brackets_the_verdict_within_5_cm():
    c = links.channel_curve(CH, RATE, 1.0, True, None, 0.3, True)
    assert links.COM_XTOL_M <= 0.05
    reach = c.reach_com_m
    assert 0.35 < reach < 1.0 and not c.com_reach_beyond  # an interior root for this channel
    pair = chan.load(paths.channels_dir() / CH)
    params = com_params_for(RATE)
    assert link_com(pair, params, reach - 0.05).worst_db >= COM_THRESHOLD_DB > link_com(pair, params, reach + 0.05).worst_db


def test_a_short_link_failing_com_does_not_close_inside_the_reach(monkeypatch):
    rack = config.load_rack(paths.racks_dir() / "vr_nvl72.toml")
    link = next(g for g in rack.links if g.rate == "224g")
    x = np.array([0.05, 0.3, 0.6])
    lengths = LinkLengths(link.name, x, x, 0.0, x, 1)
    base = links.ChannelCurve(channel="synthetic", rate="224g", nyquist_hz=56e9, length_m=np.array([0.0, 1.0]),
                              il_db=np.array([10.0, 20.0]), budget_db=40.0, reach_il_m=3.0,
                              com_db=np.array([1.0, 6.0, 3.5]), com_length_m=np.array([0.0, 0.5, 1.0]),
                              com_db_cases=np.array([[1.0, 6.0, 3.5]]), reach_com_m=1.0, com_reach_beyond=True)
    monkeypatch.setattr(links, "channel_curve", lambda *a, **k: base)
    g = links.group_si(rack, link, lengths, "synthetic", primary=True, rate="224g", with_budget=False)
    # COM(0.05 m) interpolates to 1.5 dB < 3 dB: that link fails although it lies within the reach
    assert g.closing_fraction == 2 / 3
    assert g.com_margin_db[0] < 0 <= g.com_margin_db[1]
    monkeypatch.setattr(links, "channel_curve", lambda *a, **k: replace(base, com_db=np.array([4.0, 6.0, 3.5])))
    assert links.group_si(rack, link, lengths, "synthetic", primary=True, rate="224g",
                          with_budget=False).closing_fraction == 1.0


def test_reach_at_the_rounded_longest_link_closes_the_longest_link(monkeypatch):
    """The curve is solved at the longest link rounded to 1 mm: a reach 'at least the longest link'
    (0.688 m) must not fail the unrounded longest link (0.688325 m)."""
    rack = config.load_rack(paths.racks_dir() / "vr_nvl72.toml")
    link = next(g for g in rack.links if g.rate == "224g")
    x = np.array([0.3, 0.688325])
    lengths = LinkLengths(link.name, x, x, 0.0, x, 1)
    curve = links.ChannelCurve(channel="synthetic", rate="224g", nyquist_hz=56e9, length_m=np.array([0.0, 1.0]),
                               il_db=np.array([10.0, 20.0]), budget_db=40.0, reach_il_m=3.0,
                               com_db=np.array([4.2, 4.1]), com_length_m=np.array([0.0, 0.688]),
                               com_db_cases=np.array([[4.2, 4.1]]), reach_com_m=0.688, com_reach_beyond=True)
    monkeypatch.setattr(links, "channel_curve", lambda *a, **k: curve)
    g = links.group_si(rack, link, lengths, "synthetic", primary=False, rate="224g", with_budget=False)
    assert g.closing_fraction == 1.0
