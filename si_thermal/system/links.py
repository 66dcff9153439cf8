"""Per-link signal integrity at rack level: routed length + medium + rate -> IL margin and COM margin.

For every link group of a rack the channel of that group (``channels/*.toml``, its variable segment
set to the routed length from :mod:`si_thermal.system.geometry`) is evaluated by the SI solvers of
:mod:`si_thermal.si`: insertion loss at the rate's Nyquist frequency against the rate's
bump-to-bump budget (IEEE 802.3dj / 802.3ck / OIF CEI-224G / PCIe 6.0, see ``channels/serdes.toml``)
and, unless switched off (``with_com``), Channel Operating Margin (IEEE 802.3 Annex 93A) against its
3 dB threshold. The solvers run on a grid of lengths spanning the group's links (IL is smooth in
length: a matched line's loss grows linearly, reflections add a small ripple) and every link's
value is interpolated on that grid; the grid's step is printed with the result.

Per group the result gives the fraction of links that close, the longest feasible link, the worst
margin, the IL reach of the channel and the rack scale (height and width stretched together) at
which the longest link stops closing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from si_thermal import paths
from si_thermal.config import LinkGroup, RackFile
from si_thermal.system.geometry import LinkLengths, _pairs, allowances, endpoints
from si_thermal.system.stages import StageSkipped

N_GRID = 9  # lengths per channel curve (IL)
N_COM = 5  # lengths per COM curve (COM costs ~1.5 s per length)
COM_DF_HZ = 100e6  # frequency step of the network handed to COM


@dataclass(frozen=True)
class ChannelCurve:
    """IL (and COM) of one channel at one rate versus its variable length."""

    channel: str  # file name in channels/
    rate: str
    nyquist_hz: float
    length_m: np.ndarray
    il_db: np.ndarray
    budget_db: float
    reach_il_m: float  # longest length with IL <= budget (si.reach.reach_il)
    com_db: np.ndarray | None = None
    com_threshold_db: float = 3.0
    com_skipped: str | None = None  # why COM is absent
    com_length_m: np.ndarray | None = None  # lengths of the COM solves

    @property
    def reach_com_m(self) -> float:
        """Longest length with COM >= threshold, interpolated linearly between the COM solves
        (0 when even the shortest fails, nan without COM)."""
        if self.com_db is None:
            return float("nan")
        m = self.com_db - self.com_threshold_db
        if m[0] < 0:
            return 0.0
        bad = np.nonzero(m < 0)[0]
        if bad.size == 0:
            return float(self.com_length_m[-1])
        i = bad[0]
        x0, x1, y0, y1 = self.com_length_m[i - 1], self.com_length_m[i], m[i - 1], m[i]
        return float(x0 + (x1 - x0) * y0 / (y0 - y1))


@dataclass(frozen=True)
class GroupSI:
    """Signal-integrity result of one link group over one channel."""

    group: str
    medium: str
    channel: str
    rate: str
    primary: bool  # False for an alternate channel (another cable gauge or material)
    curve: ChannelCurve
    length_m: np.ndarray  # every link
    il_margin_db: np.ndarray  # budget - IL, every link
    com_margin_db: np.ndarray | None  # COM - threshold, every link
    closing_fraction: float  # IL within budget and, where COM ran, COM >= threshold
    il_closing_fraction: float  # IL within budget only
    longest_m: float
    longest_feasible_m: float  # longest link that closes (nan if none)
    worst_margin_db: float
    limit_scale: float  # rack scale at which the longest link stops closing (inf: any)
    limit_height_m: float


@dataclass(frozen=True)
class SystemSI:
    system: str
    groups: tuple[GroupSI, ...] = ()
    skipped: tuple[StageSkipped, ...] = field(default=())


@lru_cache(maxsize=64)
def channel_curve(channel: str, rate: str, l_max_m: float, with_com: bool = True,
                  awg: int | None = None) -> ChannelCurve:
    """Run the SI solvers for ``channel`` (file in channels/) at ``rate`` on lengths 0..l_max_m;
    ``awg`` replaces the gauge of every twinax segment (system sweeps over cable gauge)."""
    from si_thermal.si.reach import il_at_nyquist, reach_il

    from si_thermal.si.rates import serdes_rate

    path = paths.channels_dir() / channel
    r = serdes_rate(rate)
    lengths = np.linspace(0.0, l_max_m, N_GRID)
    from si_thermal.si import channel as chan

    pair = _with_awg(chan.load(path), awg)
    il = np.array([il_at_nyquist(pair, r.nyquist_hz, float(x)) for x in lengths])
    reach = reach_il(pair, rate).reach_m
    com_l, com, why = (None, None, "COM not requested") if not with_com else _com_curve(pair, rate, lengths)
    return ChannelCurve(channel, rate, r.nyquist_hz, lengths, il, r.il_budget, reach, com, 3.0, why, com_l)


def _with_awg(pair, awg: int | None):
    """(ChannelFile, path) with every twinax segment at ``awg`` (unchanged when None)."""
    if awg is None:
        return pair
    from si_thermal.config import TwinaxSegment

    ch, path = pair
    segs = [sg.model_copy(update={"awg": int(awg)}) if isinstance(sg, TwinaxSegment) else sg for sg in ch.segments]
    if not any(isinstance(sg, TwinaxSegment) for sg in ch.segments):
        return pair
    return ch.model_copy(update={"segments": segs}), path


def com_standard(rate: str) -> str | None:
    """The COM parameter set of ``channels/com_params.toml`` for a SerDes rate: the set that names the
    rate, else the set with the rate's symbol rate; None when there is none (e.g. PCIe)."""
    from si_thermal.config import read_toml
    from si_thermal.si.rates import serdes_rate
    from si_thermal.units import parse_quantity

    sets = read_toml(paths.com_params_file()).get("std", {})
    for name, body in sets.items():
        if body.get("rate") == rate:
            return name
    fb = serdes_rate(rate).symbol_rate
    for name, body in sets.items():
        if "rate" not in body and abs(parse_quantity(body["symbol_rate"], "symbol_rate") / fb - 1) < 1e-6:
            return name
    return None


def _com_curve(pair, rate: str, lengths: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None, str | None]:
    std = com_standard(rate)
    if std is None:
        return None, None, f"no COM parameter set for rate {rate} in channels/com_params.toml"
    from si_thermal.si import channel as chan
    from si_thermal.si.com import compute_com
    from si_thermal.si.rates import serdes_rate

    f = np.arange(0.0, 1.1 * serdes_rate(rate).symbol_rate, COM_DF_HZ)
    grid = np.linspace(lengths[0], lengths[-1], N_COM)
    com = np.array([compute_com(chan.channel_network(pair, f, length_m=float(x)), params=std, rate=rate).com_db
                    for x in grid])
    return grid, com, None


def _limit_scale(rack: RackFile, link: LinkGroup, reach_m: float) -> float:
    """Largest factor by which the rack's height and width may grow before the longest link of
    ``link`` exceeds ``reach_m`` (routed length = s (|dx| + |dz|) + |dy| + allowances)."""
    if link.in_tray_lengths:
        return float("inf")  # inside a tray: the rack's size does not enter
    g = rack.geometry
    a, b = endpoints(rack, link.from_kind), endpoints(rack, link.to_kind)
    ia, ib = _pairs(a, b, link)
    d = np.abs(a.xyz_m[ia] - b.xyz_m[ib])
    loop, brk = allowances(rack, link)
    fixed = d[:, 1] + loop + 2 * brk
    if link.route == "over_top":
        scalable = d[:, 0] + (2 * g.height - a.xyz_m[ia, 2] - b.xyz_m[ib, 2])
    else:
        scalable = d[:, 0] + d[:, 2]
    if reach_m <= fixed.max():
        return 0.0
    return float(np.min((reach_m - fixed) / np.maximum(scalable, 1e-12)))


def group_si(rack: RackFile, link: LinkGroup, lengths: LinkLengths, channel: str, *,
             primary: bool, rate: str | None = None, with_com: bool = True, awg: int | None = None) -> GroupSI:
    """IL and COM margin of every link of ``link`` over ``channel``."""
    rate = rate or link.rate
    l_max = max(1.0, float(np.ceil(lengths.length_m.max() * 1.25 * 2) / 2))  # 0.5 m steps: shared cache
    curve = channel_curve(channel, rate, l_max, with_com, awg)
    il = np.interp(lengths.length_m, curve.length_m, curve.il_db)
    margin = curve.budget_db - il
    com_margin = None
    ok = margin >= 0
    if curve.com_db is not None:
        com_margin = np.interp(lengths.length_m, curve.com_length_m, curve.com_db) - curve.com_threshold_db
        ok &= com_margin >= 0
    scale = _limit_scale(rack, link, curve.reach_il_m)
    return GroupSI(
        group=link.name, medium=link.medium, channel=channel, rate=rate, primary=primary, curve=curve,
        length_m=lengths.length_m, il_margin_db=margin, com_margin_db=com_margin,
        closing_fraction=float(ok.mean()), il_closing_fraction=float((margin >= 0).mean()),
        longest_m=float(lengths.length_m.max()),
        longest_feasible_m=float(lengths.length_m[ok].max()) if ok.any() else float("nan"),
        worst_margin_db=float(margin.min()), limit_scale=scale,
        limit_height_m=scale * rack.geometry.height,
    )


def system_si(system: str, rack: RackFile, lengths: dict[str, LinkLengths], *, rate: str | None = None,
              with_com: bool = True, awg: int | None = None, primary_only: bool = False) -> SystemSI:
    """Every link group over its channel and its alternate channels."""
    groups, skipped = [], []
    for link in rack.links:
        channels = ([link.channel] if link.channel else []) + list(link.alternate_channels)
        if not channels:
            skipped.append(StageSkipped(f"SI of '{link.name}'", "the rack file names no channel for this link group"))
        for i, ch in enumerate(channels):
            primary = i == 0 and link.channel is not None
            if primary_only and not primary:
                continue
            groups.append(group_si(rack, link, lengths[link.name], ch, primary=primary, rate=rate,
                                   with_com=with_com, awg=awg))
    return SystemSI(system, tuple(groups), tuple(skipped))
