"""Per-link signal integrity at rack level: routed length + channel + rate -> IL margin and COM margin.

For every link group of a rack the channel of that group (``channels/*.toml``, its variable segment
set to the routed length from :mod:`si_thermal.system.geometry`) is evaluated by the SI solvers of
:mod:`si_thermal.si`:

- insertion loss at the rate's Nyquist frequency **between the budget's reference planes**
  (``channels/serdes.toml``; a bump-to-bump budget adds the device packages of the rate's COM set,
  :mod:`si_thermal.si.planes`), worst package case, against the budget; IL reach by Brent's method;
- COM (IEEE 802.3 Annex 93A / 178A) for **both package test cases** (the worst is the verdict) with
  the NEXT/FEXT aggressors of the channel's connectors (:mod:`si_thermal.si.crosstalk`; a channel
  without stated crosstalk is reported as thru-only), against :data:`si_thermal.si.com.COM_THRESHOLD_DB`;
  COM reach by root-finding on COM itself (:func:`si_thermal.si.com_reach.com_reach_m`, to 0.01 m).
  A link closes by COM when its length is within the COM reach (COM falls with length); per-link COM
  margins interpolate linearly between the solved lengths (0, the reach, the longest link);
- for primary groups, where the dB go at the longest link (:mod:`si_thermal.si.budget`: IL rows here;
  the COM penalty of each class, the tornado and the 448G what-if come from
  :func:`si_thermal.system.sensitivity.system_sensitivity`, the report's "SI sensitivity" stage).

Per group the result gives the fraction of links that close, the longest feasible link, the worst
margin, the reaches and the rack scale at which the longest link stops closing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from si_thermal import paths
from si_thermal.config import LinkGroup, RackFile
from si_thermal.system.geometry import LinkLengths, _pairs, allowances, endpoints
from si_thermal.system.stages import StageSkipped
from si_thermal.caches import cached
from si_thermal.si.com.params import COM_THRESHOLD_DB

N_GRID = 9  # lengths per IL curve
#: Rates whose COM set only approximates the standard's own compliance method (PCIe 6.0: a statistical
#: eye, not COM): their COM margin is computed and reported, labelled, but the verdict is the IL budget's.
ADVISORY_COM_RATES = ("pcie6",)
COM_XTOL_M = 0.01  # COM reach tolerance (root-finding), m: the reach is a solved length at most this below the root


@dataclass(frozen=True)
class ChannelCurve:
    """IL (and COM) of one channel at one rate versus its variable length."""

    channel: str  # file name in channels/
    rate: str
    nyquist_hz: float
    length_m: np.ndarray
    il_db: np.ndarray  # between the budget's planes, worst package case
    budget_db: float
    reach_il_m: float  # longest length with IL <= budget (Brent)
    com_db: np.ndarray | None = None  # worst-case COM at com_length_m
    com_threshold_db: float = COM_THRESHOLD_DB
    com_skipped: str | None = None  # why COM is absent
    com_length_m: np.ndarray | None = None  # lengths of the COM solves (both package cases)
    reference_planes: str = "ball-to-ball"
    package_cases: tuple[str, ...] = ()
    com_db_cases: np.ndarray | None = None  # (cases, len(com_length_m))
    aggressors: tuple[str, ...] = ()  # empty: thru only
    reach_com_m: float = float("nan")  # root-found; com_reach_beyond: at least this (the curve's end)
    com_reach_beyond: bool = False
    il_db_fixed: float = float("nan")  # IL at zero variable length: the fixed elements alone

    @property
    def thru_only(self) -> bool:
        return self.com_db is not None and not self.aggressors


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
    budget: object | None = None  # si.budget.Budget at the longest link (primary groups)

    @property
    def com_advisory(self) -> bool:
        """COM reported but not part of the verdict (:data:`ADVISORY_COM_RATES`)."""
        return self.com_margin_db is not None and self.rate in ADVISORY_COM_RATES

    @property
    def limiting(self) -> str:
        """The segment that spends the most IL at the longest link (from the budget), or ''."""
        if self.budget is None:
            return ""
        rows = [r for r in self.budget.rows if r.kind not in ("mismatch", "crosstalk")]
        return max(rows, key=lambda r: r.il_db).name if rows else ""


@dataclass(frozen=True)
class SystemSI:
    system: str
    groups: tuple[GroupSI, ...] = ()
    skipped: tuple[StageSkipped, ...] = field(default=())
    tornado: tuple = ()  # system.sensitivity.Tornado of the primary group with the least COM margin
    projection: tuple = ()  # (group name, system.sensitivity.Projection) at 448G, a what-if


@cached(64, files=lambda channel, *a, **k: [paths.channels_dir() / channel], follow=True)
def channel_curve(channel: str, rate: str, l_max_m: float, with_com: bool = True,
                  awg: int | None = None, longest_m: float | None = None, beyond: bool = True) -> ChannelCurve:
    """Run the SI solvers for ``channel`` (file in channels/) at ``rate`` on lengths 0..l_max_m (COM
    solved at 0, at ``longest_m`` (default l_max_m) and at the COM reach; ``beyond=False``: a reach
    past ``longest_m`` is not searched, it is reported as 'at least longest_m'); ``awg`` replaces the
    gauge of every twinax segment (system sweeps over cable gauge)."""
    longest_m = l_max_m if longest_m is None else min(float(longest_m), l_max_m)
    from si_thermal.si import channel as chan
    from si_thermal.si.com import COM_THRESHOLD_DB
    from si_thermal.si.planes import il_between_planes_fn, planes_for
    from si_thermal.si.rates import serdes_rate
    from si_thermal.si.reach import reach_il

    path = paths.channels_dir() / channel
    r = serdes_rate(rate)
    pair = _with_awg(chan.load(path), awg)
    lengths = np.linspace(0.0, l_max_m, N_GRID)
    il_at = il_between_planes_fn(pair, rate, r.nyquist_hz)   # fixed segments and packages once
    il_cases = np.array([il_at(float(x)) for x in lengths]).T
    reach = reach_il(pair, rate)
    pl = planes_for(rate, pair[0].channel.reference_planes, where=path)
    base = dict(channel=channel, rate=rate, nyquist_hz=r.nyquist_hz, length_m=lengths, il_db=il_cases.max(axis=0),
                budget_db=r.il_budget, reach_il_m=reach.reach_m, com_threshold_db=COM_THRESHOLD_DB,
                reference_planes=r.reference_planes, package_cases=pl.case_names, il_db_fixed=reach.il_db_fixed)
    if not with_com:
        return ChannelCurve(**base, com_skipped="COM not requested")
    std = com_standard(rate)
    if std is None:
        return ChannelCurve(**base, com_skipped=f"no COM parameter set for rate {rate} in channels/com_params.toml")
    return ChannelCurve(**base, **_com_curve(pair, std, rate, longest_m, l_max_m if beyond else longest_m,
                                             COM_THRESHOLD_DB))


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
    from si_thermal.config import ComParamsFile, read_toml, validate
    from si_thermal.si.rates import serdes_rate

    path = paths.com_params_file()
    sets = validate(ComParamsFile, read_toml(path), path).std
    for name, body in sets.items():
        if body.rate == rate:
            return name
    fb = serdes_rate(rate).symbol_rate
    for name, body in sets.items():
        if body.rate is None and body.symbol_rate is not None and abs(body.symbol_rate / fb - 1) < 1e-6:
            return name
    return None


def _com_curve(pair, std: str, rate: str, longest_m: float, l_max_m: float, threshold: float) -> dict:
    """Worst-case COM over the package cases at 0 and the longest link, and the COM reach by
    root-finding on COM: first on the case that binds at the longest link, then the other case is
    solved at that root and, when it fails there, root-found below it (reach = the smaller root)."""
    from si_thermal.si.com import load_com_params
    from si_thermal.si.com_reach import com_reach_m, link_com

    params = load_com_params(std, rate=rate)
    n = max(len(params.package_cases), 1)
    solved: dict[float, list[float | None]] = {}
    choice: dict[tuple[float, int], tuple[int, int]] = {}   # equalizer of each solve: seeds the next
    built: dict = {}   # thru + aggressor networks per length (both package cases use them)

    def com(x: float, k: int) -> float:
        x = round(float(x), 6)
        row = solved.setdefault(x, [None] * n)
        if row[k] is None:
            near = min((c for c in choice if c[1] == k), key=lambda c: abs(c[0] - x), default=None)
            r = link_com(pair, params, x, cases=(k,), seed=choice[near] if near else None, built=built).results[0]
            row[k], choice[(x, k)] = r.com_db, r.choice
        return row[k]

    ends = {x: link_com(pair, params, x, built=built) for x in (0.0, round(float(longest_m), 6))}
    for x, lc in ends.items():
        solved[x] = list(lc.com_db)
        choice.update({(x, k): r.choice for k, r in enumerate(lc.results)})
    aggs = ends[0.0].aggressors
    binding = ends[round(float(longest_m), 6)].worst_case
    order = [binding] + [k for k in range(n) if k != binding]
    hi = round(float(longest_m), 6) if longest_m > 0 else l_max_m
    reach, beyond = None, False
    for k in order:
        top = hi if reach is None else reach
        if com(top, k) >= threshold:
            if reach is not None:
                continue  # this case passes where the binding one reaches: not the limit
            if com(l_max_m, k) >= threshold:
                reach, beyond = l_max_m, True
                continue
            top = l_max_m
        r = com_reach_m(lambda x, k=k: com(x, k) - threshold, 0.0, top, xtol_m=COM_XTOL_M, hi_max_m=top)
        reach = r if reach is None else min(reach, r)
    for k in range(n):  # both cases where the verdicts are read
        com(reach, k)
    xs = np.array(sorted(x for x, row in solved.items() if all(v is not None for v in row)))
    cases = np.array([solved[x] for x in xs], dtype=float).T
    return dict(com_db=cases.min(axis=0), com_length_m=xs, com_db_cases=cases, aggressors=aggs,
                reach_com_m=float(reach), com_reach_beyond=bool(beyond))


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
             primary: bool, rate: str | None = None, with_com: bool = True, awg: int | None = None,
             with_budget: bool = False) -> GroupSI:
    """IL and COM margin of every link of ``link`` over ``channel``; ``with_budget``: where the dB go
    at the longest link (COM penalties when ``with_com``)."""
    rate = rate or link.rate
    l_max = max(1.0, float(np.ceil(lengths.length_m.max() * 1.25 * 2) / 2))  # 0.5 m steps: shared cache
    # the COM reach past the longest link is searched for primary groups and for cables (the reach claims)
    beyond = primary or link.medium in ("copper_cable", "cross_rack_cable")
    curve = channel_curve(channel, rate, l_max, with_com, awg, round(float(lengths.length_m.max()), 3), beyond)
    il = np.interp(lengths.length_m, curve.length_m, curve.il_db)
    margin = curve.budget_db - il
    com_margin = None
    ok = margin >= 0
    if curve.com_db is not None:
        com_margin = np.interp(lengths.length_m, curve.com_length_m, curve.com_db) - curve.com_threshold_db
        if rate not in ADVISORY_COM_RATES:
            # within the root-found reach AND a non-negative margin where solved/interpolated: COM is not
            # always monotone in length (a short channel can fail on reflections or over-equalization)
            # (+0.5 mm: the curve is solved at the longest link rounded to 1 mm, so a reach "at least the
            # longest link" may sit up to 0.5 mm below the unrounded longest link)
            ok &= (lengths.length_m <= curve.reach_com_m + 5e-4) & (com_margin >= -1e-9)
        bad = ~np.isfinite(com_margin)
        if bad.any():  # never let a non-finite value pass as a verdict
            raise ValueError(f"non-finite COM margin for {link.name} over {channel}")
    longest = float(lengths.length_m.max())
    budget = _budget(channel, rate, longest, False, awg) if with_budget else None  # IL rows; COM penalties:
    # system.sensitivity (a stage of its own)
    reach = curve.reach_il_m if curve.com_db is None else min(curve.reach_il_m, curve.reach_com_m)
    scale = _limit_scale(rack, link, reach)
    return GroupSI(
        group=link.name, medium=link.medium, channel=channel, rate=rate, primary=primary, curve=curve,
        length_m=lengths.length_m, il_margin_db=margin, com_margin_db=com_margin,
        closing_fraction=float(ok.mean()), il_closing_fraction=float((margin >= 0).mean()),
        longest_m=longest,
        longest_feasible_m=float(lengths.length_m[ok].max()) if ok.any() else float("nan"),
        worst_margin_db=float(margin.min()), limit_scale=scale,
        limit_height_m=scale * rack.geometry.height, budget=budget,
    )


@cached(64, files=lambda channel, *a, **k: [paths.channels_dir() / channel], follow=True)
def _budget(channel: str, rate: str, length_m: float, with_com: bool, awg: int | None):
    from si_thermal.si import channel as chan
    from si_thermal.si.budget import channel_budget

    return channel_budget(_with_awg(chan.load(paths.channels_dir() / channel), awg), rate, round(length_m, 3),
                          with_com=with_com)


def system_si(system: str, rack: RackFile, lengths: dict[str, LinkLengths], *, rate: str | None = None,
              with_com: bool = True, awg: int | None = None, primary_only: bool = False,
              with_budget: bool = True, with_sensitivity: bool = False) -> SystemSI:
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
                                   with_com=with_com, awg=awg, with_budget=with_budget and primary))
    out = SystemSI(system, tuple(groups), tuple(skipped))
    if with_sensitivity and with_com:
        from si_thermal.system.sensitivity import system_sensitivity

        out = system_sensitivity(out)
    return out
