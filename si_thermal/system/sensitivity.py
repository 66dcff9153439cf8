"""Sensitivity of a rack's link verdict (tornado) and the 448G what-if (a projection).

Tornado: the margin of the longest link of a primary link group, ``min(IL margin, COM margin)`` (dB),
recomputed by the physics with one input moved at a time to a low and a high value:

- host-trace length (every stripline segment but the variable one) x0.5 and x1.5,
- connector IL x0.75 and x1.25, connector RL envelope +3 dB (better) and -3 dB (worse),
- via stub 0 mm and twice the back-drill default (where the channel has vias),
- package case (test case 2 and test case 1 of the COM set; IL and COM of each are solved anyway),
- IL budget -2 dB and +2 dB.

COM is solved at the package case that binds at the base point (one COM per bar end). The 448G row
evaluates the same link at 224 GBd PAM4 (rate ``448g`` of channels/serdes.toml, itself a projection:
no 448G standard exists yet) and is labelled as such.
"""

from __future__ import annotations


from dataclasses import dataclass, replace
from functools import lru_cache

from si_thermal import config, paths
from si_thermal.caches import cached, register


#: Rates whose link groups get the 448G what-if (the NVLink/Ethernet SerDes line; not PCIe).
PROJECTED_FROM = ("200g", "224g")


@dataclass(frozen=True)
class Bar:
    name: str
    low_label: str
    high_label: str
    low_db: float  # margin with the input at its low value
    high_db: float


@dataclass(frozen=True)
class Tornado:
    system: str
    group: str
    channel: str
    rate: str
    length_m: float
    base_db: float
    bars: tuple[Bar, ...]

    def closing_change(self) -> str:
        """The single input change among the bars that closes a failing link ('' if none or closing)."""
        if self.base_db >= 0:
            return ""
        best = max(((b, lab, v) for b in self.bars for lab, v in ((b.low_label, b.low_db), (b.high_label, b.high_db))),
                   key=lambda t: t[2])
        if best[2] < 0:
            return f"no single input change of the tornado closes it (best: {best[0].name} {best[1]}, {best[2]:+.2f} dB)"
        return f"{best[0].name} {best[1]} closes it ({best[2]:+.2f} dB)"


@dataclass(frozen=True)
class Projection:
    rate: str
    il_db: float
    budget_db: float
    com_db: float  # worst package case, with crosstalk
    com_db_cases: tuple[float, ...]


def _edit(ch: config.ChannelFile, path=None, **kw) -> config.ChannelFile:
    """A copy of ``ch`` with one input class moved (host: length factor; conn_il: IL factor; conn_rl: RL
    shift in dB; stub: via stub in m, capped by the room left below the barrel in the board)."""
    from si_thermal.si.channel import board_thickness_m

    var = ch.channel.variable_segment
    segs = []
    for s in ch.segments:
        upd = {}
        if isinstance(s, config.StriplineSegment) and s.name != var and "host" in kw:
            upd["length"] = s.length * kw["host"]
        if isinstance(s, config.ConnectorSegment):
            if "conn_il" in kw:
                upd["insertion_loss"] = s.insertion_loss * kw["conn_il"]
            if "conn_rl" in kw:
                upd["return_loss"] = s.return_loss + kw["conn_rl"]
        if isinstance(s, config.ViaSegment) and "stub" in kw:
            room = board_thickness_m(str(config.board_path(s.board, path))) - s.barrel_length
            upd["stub_length"] = max(min(kw["stub"], room), 0.0)
        segs.append(s.model_copy(update=upd) if upd else s)
    return ch.model_copy(update={"segments": segs})


def _margin(pair, rate: str, length_m: float, case: int, budget_shift: float = 0.0) -> float:
    from si_thermal.si.com import COM_THRESHOLD_DB
    from si_thermal.si.com_reach import com_params_for, link_com
    from si_thermal.si.planes import il_between_planes
    from si_thermal.si.rates import serdes_rate

    r = serdes_rate(rate)
    il = il_between_planes(pair, rate, r.nyquist_hz, length_m)[case]
    com = link_com(pair, com_params_for(rate), length_m, cases=(case,)).com_db[0]
    return min(r.il_budget + budget_shift - il, com - COM_THRESHOLD_DB)


#: COM per package case at a link already solved by the SI stage, keyed by :func:`_key` (channel, rate,
#: length and the state of every input file of the channel): seeds for the tornado and the COM
#: accounting, which would otherwise solve that point again. An edited input never meets an old seed.
_KNOWN: dict[tuple, tuple[float, ...]] = {}
register(_KNOWN.clear)


def _key(channel: str, rate: str, length_m: float) -> tuple:
    from si_thermal.caches import file_state
    from si_thermal.provenance import input_files

    return channel, rate, round(float(length_m), 6), file_state(input_files([paths.channels_dir() / channel]))


def known_com(g) -> tuple[float, ...] | None:
    """COM per package case that the SI stage solved at the longest link of group ``g`` (both cases),
    or None (no COM, or the curve's COM set is not the one the sensitivity uses)."""
    import numpy as np

    from si_thermal.si.com_reach import DEFAULT_STD
    from si_thermal.system.links import com_standard

    c = g.curve
    if c.com_db_cases is None or c.com_length_m is None:
        return None
    if com_standard(g.rate) != DEFAULT_STD.get(g.rate, "802.3dj"):
        return None
    hit = np.flatnonzero(np.abs(np.asarray(c.com_length_m) - round(g.longest_m, 3)) < 1e-9)
    return tuple(float(v) for v in np.asarray(c.com_db_cases)[:, hit[0]]) if hit.size else None


def _seeded_link_com(pair, params, length_m: float, seed: tuple[float, ...] | None):
    """:func:`si_thermal.si.com_reach.link_com` at ``length_m`` (both cases), or the SI stage's values."""
    from si_thermal.si.com_reach import LinkCom, case_name, link_com

    n = max(len(params.package_cases), 1)
    if seed is None or len(seed) != n:
        return link_com(pair, params, length_m)
    from si_thermal.si.crosstalk import aggressors

    aggs = tuple(a.name for a in aggressors(pair, [1e9], length_m=length_m))
    return LinkCom(length_m, tuple(seed), tuple(case_name(params, i) for i in range(n)), aggs)


def tornado(system: str, group: str, channel: str, rate: str, length_m: float,
            known: tuple[float, ...] | None = None) -> Tornado:
    """Tornado of the margin at ``length_m`` of ``channel`` at ``rate`` (see the module docstring).
    ``known``: COM per package case at ``length_m`` already solved (the SI stage's), reused. Cached by
    channel, rate and length: systems that share a channel and a longest link share the solves."""
    if known is not None:
        _KNOWN[_key(channel, rate, length_m)] = tuple(known)
    return replace(_tornado(channel, rate, length_m), system=system, group=group)


@cached(32, files=lambda channel, *a, **k: [paths.channels_dir() / channel], follow=True)
def _tornado(channel: str, rate: str, length_m: float) -> Tornado:
    from si_thermal.si import channel as chan
    from si_thermal.si.com import COM_THRESHOLD_DB
    from si_thermal.si.com_reach import com_params_for
    from si_thermal.si.planes import il_between_planes
    from si_thermal.si.rates import serdes_rate

    ch, path = chan.load(paths.channels_dir() / channel)
    r = serdes_rate(rate)
    params = com_params_for(rate)
    lc = _seeded_link_com((ch, path), params, length_m, _KNOWN.get(_key(channel, rate, length_m)))
    il = il_between_planes((ch, path), rate, r.nyquist_hz, length_m)
    per_case = [min(r.il_budget - il[min(k, len(il) - 1)], lc.com_db[k] - COM_THRESHOLD_DB) for k in range(len(lc.com_db))]
    k = lc.worst_case
    base = min(per_case)
    bars = []

    def m(**kw):
        return _margin((_edit(ch, path, **kw), path), rate, length_m, k)

    if any(isinstance(s, config.StriplineSegment) and s.name != ch.channel.variable_segment for s in ch.segments):
        bars.append(Bar("host-trace length", "x0.5", "x1.5", m(host=0.5), m(host=1.5)))
    if any(isinstance(s, config.ConnectorSegment) for s in ch.segments):
        bars.append(Bar("connector IL", "x0.75", "x1.25", m(conn_il=0.75), m(conn_il=1.25)))
        bars.append(Bar("connector RL", "+3 dB", "-3 dB", m(conn_rl=3.0), m(conn_rl=-3.0)))
    if any(isinstance(s, config.ViaSegment) and s.stub_length != 0.0 for s in ch.segments):
        bars.append(Bar("via stub", "0 mm", f"{2 * config.BACKDRILL_STUB_M * 1e3:g} mm", m(stub=0.0),
                        m(stub=2 * config.BACKDRILL_STUB_M)))
    if len(per_case) > 1:
        bars.append(Bar("package case", lc.case_names[1].split(" (")[0], lc.case_names[0].split(" (")[0],
                        per_case[1], per_case[0]))
    bars.append(Bar("IL budget", "+2 dB", "-2 dB", min(r.il_budget + 2 - max(il), min(lc.com_db) - COM_THRESHOLD_DB),
                    min(r.il_budget - 2 - max(il), min(lc.com_db) - COM_THRESHOLD_DB)))
    return Tornado("", "", channel, rate, length_m, base, tuple(bars))


@lru_cache(maxsize=32)
def projection(channel: str, length_m: float, rate: str = "448g") -> Projection:
    """IL in planes and COM (both package cases, crosstalk) of ``channel`` at ``length_m`` at a projected rate."""
    from si_thermal.si import channel as chan
    from si_thermal.si.com_reach import com_params_for, link_com
    from si_thermal.si.planes import il_between_planes
    from si_thermal.si.rates import serdes_rate

    pair = chan.load(paths.channels_dir() / channel)
    r = serdes_rate(rate)
    il = max(il_between_planes(pair, rate, r.nyquist_hz, length_m))
    lc = link_com(pair, com_params_for(rate), length_m)   # the models are passive to 1.5 fb (tests/si)
    return Projection(rate, il, r.il_budget, lc.worst_db, lc.com_db)


@cached(32, files=lambda channel, *a, **k: [paths.channels_dir() / channel], follow=True)
def _com_budget(channel: str, rate: str, length_m: float):
    from si_thermal.si import channel as chan
    from si_thermal.si.budget import channel_budget
    from si_thermal.si.com_reach import com_params_for

    pair = chan.load(paths.channels_dir() / channel)
    seed = _KNOWN.get(_key(channel, rate, length_m))
    full = None if seed is None else _seeded_link_com(pair, com_params_for(rate), length_m, seed)
    return channel_budget(pair, rate, length_m, with_com=True, full_com=full)


def system_sensitivity(si):
    """A copy of a :class:`si_thermal.system.links.SystemSI` with, for its primary groups with COM: the
    COM penalty of each segment class at the longest link, one tornado (the group with the least COM
    margin) and the 448G projection of each group. COM at the longest link is taken from the SI stage
    (both package cases were solved there), not solved again."""
    prim = [g for g in si.groups if g.primary and g.curve.com_db is not None and not g.com_advisory]
    if not prim:
        return si
    for g in prim:
        seed = known_com(g)
        if seed is not None:
            _KNOWN[_key(g.channel, g.rate, round(g.longest_m, 3))] = seed
    groups = tuple(replace(g, budget=_com_budget(g.channel, g.rate, round(g.longest_m, 3)))
                   if any(g is p for p in prim) and g.budget is not None else g for g in si.groups)
    g = min(prim, key=lambda x: float(x.com_margin_db.min()))
    torn = (tornado(si.system, g.group, g.channel, g.rate, round(g.longest_m, 3)),)
    proj = tuple((g.group, projection(g.channel, round(g.longest_m, 3))) for g in prim
                 if g.rate in PROJECTED_FROM)
    return replace(si, groups=groups, tornado=torn, projection=proj)
