"""Where the dB go: per-segment insertion loss and COM penalty of a channel between its budget's planes.

IL rows: each element inside the budget's reference planes (:mod:`.planes`: Tx package, every
segment of the channel file, Rx package) as a matched 2-port on 100 ohm, |S21| at the rate's Nyquist
frequency; the row ``mismatch`` is what the cascade loses beyond the sum (reflections between the
elements: negative when they happen to add up in phase). The rows sum to the total exactly.

COM penalty by class (``package``, ``host trace``, ``via``, ``connector``, the variable segment's
class (``cable``, ``backplane trace``, ...), ``crosstalk``): COM of the channel with every element of
that class removed (a package: its transmission lines set to zero length, die and pad capacitances
kept; crosstalk: thru only) minus COM of the whole channel, both at the binding (worst) package case.
COM is not additive, so the penalties do not sum to the COM deficit; each says how much COM that class
costs with everything else in place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from si_thermal import config
from si_thermal.si import channel as chan
from si_thermal.si.planes import package_il_db, planes_for
from si_thermal.si.rates import serdes_rate
from si_thermal.si.tline import abcd_to_s


@dataclass(frozen=True)
class BudgetRow:
    name: str
    kind: str  # class: package, host trace, via, connector, cable, backplane trace, mismatch, crosstalk
    il_db: float  # at Nyquist (nan for crosstalk)
    com_penalty_db: float = float("nan")  # of the row's class (repeated on each row of the class)


@dataclass(frozen=True)
class Budget:
    channel: str
    rate: str
    length_m: float | None
    reference_planes: str
    package_case: str
    nyquist_hz: float
    budget_db: float
    total_il_db: float
    rows: tuple[BudgetRow, ...]
    com_db: float = float("nan")
    com_penalty_db: dict | None = None  # class -> dB

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "rows"}
        d["rows"] = [r.__dict__ for r in self.rows]
        return d


def segment_kind(seg, variable: str | None) -> str:
    """Class of a channel segment for the accounting."""
    if isinstance(seg, config.ConnectorSegment):
        return "connector"
    if isinstance(seg, config.ViaSegment):
        return "via"
    if isinstance(seg, config.TwinaxSegment):
        return "cable"
    if isinstance(seg, config.TouchstoneSegment):
        return "measured block"
    if seg.name == variable:
        return "backplane trace" if "backplane" in seg.board or "midplane" in seg.board else "board trace"
    return "host trace"


def il_rows(channel, rate: str, length_m: float | None = None) -> tuple[tuple[BudgetRow, ...], float, str]:
    """(rows, total IL, package case name) at the rate's Nyquist frequency, worst package case."""
    ch, path = chan.load(channel)
    ch = chan.with_length(ch, length_m, path)
    r = serdes_rate(rate)
    pl = planes_for(rate, ch.channel.reference_planes, where=path)
    fn = np.array([r.nyquist_hz])
    blocks = chan.segment_blocks(ch, fn, path)
    core = blocks[0]
    for b in blocks[1:]:
        core = core @ b
    var = ch.channel.variable_segment
    seg_rows = [BudgetRow(s.name, segment_kind(s, var), float(-20 * np.log10(abs(abcd_to_s(b, chan.Z_DIFF)[0, 1, 0]))))
                for s, b in zip(ch.segments, blocks)]
    case = "none"
    if pl.packages:
        from si_thermal.si.pulse import package_abcd

        totals = []
        for p in pl.packages:
            m = package_abcd(p, fn, receiver=False) @ core @ package_abcd(p, fn, receiver=True)
            totals.append(float(-20 * np.log10(abs(abcd_to_s(m, chan.Z_DIFF)[0, 1, 0]))))
        k = int(np.argmax(totals))
        total, pkg, case = totals[k], pl.packages[k], pl.case_names[k]
        pil = package_il_db(pkg, r.nyquist_hz)
        seg_rows = [BudgetRow("Tx package", "package", pil), *seg_rows, BudgetRow("Rx package", "package", pil)]
    else:
        total = float(-20 * np.log10(abs(abcd_to_s(core, chan.Z_DIFF)[0, 1, 0])))
    seg_rows.append(BudgetRow("mismatch", "mismatch", total - sum(x.il_db for x in seg_rows)))
    return tuple(seg_rows), total, case


def _without(ch: config.ChannelFile, kind: str) -> config.ChannelFile | None:
    var = ch.channel.variable_segment
    keep = [s for s in ch.segments if segment_kind(s, var) != kind]
    if not keep or len(keep) == len(ch.segments):
        return None
    name = var if any(s.name == var for s in keep) else None
    return ch.model_copy(update={"segments": keep, "channel": ch.channel.model_copy(update={"variable_segment": name})})


def channel_budget(channel, rate: str, length_m: float | None = None, *, with_com: bool = True,
                   full_com=None) -> Budget:
    """IL rows and (``with_com``) COM penalty per class of ``channel`` at ``length_m``. ``full_com``:
    the whole channel's :class:`~si_thermal.si.com_reach.LinkCom` at ``length_m`` (every package case)
    when already solved (the rack SI stage's), so it is not solved again."""
    from si_thermal.si.com_reach import com_params_for, link_com

    ch, path = chan.load(channel)
    ch = chan.with_length(ch, length_m, path)
    r = serdes_rate(rate)
    rows, total, case = il_rows((ch, path), rate)
    out = Budget(ch.channel.name, rate, length_m, r.reference_planes, case, r.nyquist_hz, r.il_budget, total, rows)
    if not with_com:
        return out
    params = com_params_for(rate)
    full = link_com((ch, path), params) if full_com is None else full_com
    k = full.worst_case
    pk = params.with_package_case(k)
    base = full.com_db[k]
    pen: dict[str, float] = {}
    for kind in dict.fromkeys(x.kind for x in rows if x.kind not in ("mismatch", "package")):
        sub = _without(ch, kind)
        if sub is not None:
            pen[kind] = link_com((sub, path), params, cases=(k,)).com_db[0] - base
    no_lines = replace(pk, package=replace(pk.package, z_p_m=tuple(0.0 for _ in pk.package.z_p_m)), package_cases=())
    pen["package"] = link_com((ch, path), no_lines).com_db[0] - base
    if full.aggressors:
        pen["crosstalk"] = link_com((ch, path), params, crosstalk=False, cases=(k,)).com_db[0] - base
    rows = tuple(replace(x, com_penalty_db=pen.get(x.kind, math.nan)) for x in rows)
    if "crosstalk" in pen:
        rows += (BudgetRow("crosstalk (" + ", ".join(full.aggressors) + ")", "crosstalk", math.nan, pen["crosstalk"]),)
    return replace(out, rows=rows, com_db=base, com_penalty_db=pen)
