"""The report's link-verdict section: per primary link group, the verdict and how it was reached,
where the dB go at the longest link, the COM of both package cases and the aggressors, and, where a
link group fails, the limiting segment, the deficit and the input change that would close it.

Plain rows (lists of strings) for :mod:`si_thermal.report.pdf`; the numbers come from
:mod:`si_thermal.system.links` (physics: si_thermal.si channel, planes, COM).
"""

from __future__ import annotations

import math

from si_thermal.si.com.params import COM_THRESHOLD_DB
from si_thermal.system.links import COM_XTOL_M
from si_thermal.system.model import SystemResult


def _f(x: float, fmt: str = "+.2f", none: str = "-") -> str:
    return none if x is None or not math.isfinite(x) else format(x, fmt)


def verdict_rows(results: dict[str, SystemResult]) -> list[list[str]]:
    """One row per primary link group: system, group, rate + planes, IL margin, COM per case + margin,
    aggressors, verdict, limiting segment / deficit / change that closes."""
    rows = [["system / link group", "rate, planes", "IL in planes (worst case) vs budget",
             "COM per package case (worst), margin", "crosstalk", "verdict", "limiting segment, deficit, what closes it"]]
    for r in results.values():
        for g in r.si.groups:
            if not g.primary:
                continue
            c = g.curve
            il_long = c.budget_db - g.worst_margin_db
            if c.com_db is None:
                com = f"not run ({c.com_skipped})"
                com_m = math.nan
            else:
                i = int(abs(c.com_length_m - g.longest_m).argmin())
                at_longest = abs(c.com_length_m[i] - g.longest_m) < 2e-3  # solved at mm rounding
                per = ", ".join(f"{v:.2f}" for v in c.com_db_cases[:, i]) if at_longest else ""
                com_m = float(g.com_margin_db.min())
                com = (f"{per} dB at {g.longest_m:.2f} m; " if per else "") + f"margin {com_m:+.2f} dB; COM reach " \
                      + (f">= {c.reach_com_m:.2f} m" if c.com_reach_beyond else f"{c.reach_com_m:.2f} m")
            if g.com_advisory:
                com += (" [advisory, not the verdict: COM with the PCIe 6.0 reference equalizer at FBER 1e-6 "
                        "approximates PCIe's statistical-eye compliance; the verdict is the IL budget's]")
            xt = ("thru only (no stated NEXT/FEXT)" if c.com_db is not None and not c.aggressors
                  else f"{len(c.aggressors)} aggressors" if c.aggressors else "-")
            closes = g.closing_fraction == 1.0
            verdict = f"{'closes' if closes else 'FAILS'}: {g.closing_fraction * 100:.0f} % of {g.length_m.size} links"
            rows.append([f"{r.rack.rack.name}: {g.group} ({g.channel})",
                         f"{g.rate}, {c.reference_planes}",
                         f"{il_long:.1f} dB vs {c.budget_db:g} dB ({g.worst_margin_db:+.1f}); IL reach {c.reach_il_m:.2f} m",
                         com, xt, verdict, "; ".join(x for x in (limiting_text(g), _whatif(r, g)) if x and x != "-")
                         or "-"])
    return rows


def _whatif(r: SystemResult, g) -> str:
    from si_thermal.system.verdict import whatif_text

    return whatif_text(r.si, g) if g.closing_fraction < 1.0 else ""


def limiting_text(g) -> str:
    """The segment that spends the most, the deficit and the input change that closes the group."""
    b = g.budget
    if b is None:
        return "-"
    seg = [x for x in b.rows if x.kind not in ("mismatch", "crosstalk")]
    top = max(seg, key=lambda x: x.il_db)
    com_pen = max(((k, v) for k, v in (b.com_penalty_db or {}).items()), key=lambda kv: kv[1], default=None)
    parts = [f"largest IL: {top.name} ({top.kind}) {top.il_db:.1f} dB"]
    if com_pen is not None:
        parts.append(f"largest COM penalty: {com_pen[0]} {com_pen[1]:.1f} dB")
    if g.closing_fraction < 1.0:
        il_def = -g.worst_margin_db if g.worst_margin_db < 0 else 0.0
        com_def = -float(g.com_margin_db.min()) if g.com_margin_db is not None and not g.com_advisory \
            and g.com_margin_db.min() < 0 else 0.0
        parts.append(f"deficit IL {il_def:.1f} dB, COM {com_def:.1f} dB at the longest link")
        reach = g.curve.reach_il_m if g.com_margin_db is None else min(g.curve.reach_il_m, g.curve.reach_com_m)
        parts.append(f"closes if the longest link is cut from {g.longest_m:.2f} m to {reach:.2f} m"
                     + (f" or {top.name} loses {il_def:.1f} dB" if il_def > 0 else ""))
    return "; ".join(parts)


def sensitivity_rows(results: dict[str, SystemResult]) -> list[list[str]]:
    """Per system: the tornado's widest bar, the change that closes a failing group, and the 448G projection."""
    rows = [["system / link group", "base margin (dB)", "most sensitive input", "what closes a failing link",
             "448G what-if (projection)"]]
    for r in results.values():
        proj = dict(r.si.projection)
        for t in r.si.tornado:
            wide = max(t.bars, key=lambda b: abs(b.high_db - b.low_db))
            p = proj.get(t.group)
            pj = "-" if p is None else (f"PROJECTION at {t.length_m:.2f} m: IL {p.il_db:.1f} dB vs {p.budget_db:g} dB, "
                                        f"COM {p.com_db:.2f} dB (cases " + ", ".join(f"{c:.2f}" for c in p.com_db_cases)
                                        + f"): {'would close' if p.il_db <= p.budget_db and p.com_db >= COM_THRESHOLD_DB else 'would not close'}")
            rows.append([f"{r.rack.rack.name}: {t.group}", f"{t.base_db:+.2f}",
                         f"{wide.name}: {wide.low_db:+.2f} ({wide.low_label}) to {wide.high_db:+.2f} ({wide.high_label})",
                         t.closing_change() or "closes", pj])
    return rows


def budget_rows(results: dict[str, SystemResult]) -> list[list[str]]:
    """Where the dB go at the longest link of each primary group: one row per element."""
    rows = [["system / link group (longest link)", "element", "class", "IL at Nyquist (dB)", "COM penalty of the class (dB)"]]
    for r in results.values():
        for g in r.si.groups:
            if not g.primary or g.budget is None:
                continue
            b = g.budget
            head = f"{r.rack.rack.name}: {g.group} at {g.longest_m:.2f} m ({b.reference_planes}, {b.package_case})"
            for i, x in enumerate(b.rows):
                rows.append([head if i == 0 else "", x.name, x.kind, _f(x.il_db, ".2f"), _f(x.com_penalty_db, ".2f")])
            rows.append(["", "total", "", f"{b.total_il_db:.2f} (budget {b.budget_db:g})",
                         "" if not math.isfinite(b.com_db) else f"COM {b.com_db:.2f} dB"])
    return rows


NOTES = (
    "Reference planes: each budget of channels/serdes.toml states its planes; for a bump-to-bump budget the "
    "evaluated channel holds the Annex 93A/178A device package at each end (the COM set's package model, both "
    "package test cases, the worst counted), so IL reach and COM use the same planes.",
    "COM: both package cases, with the NEXT/FEXT aggressors the connectors state (power-sum isolation at f_ref, "
    f"si_thermal.si.crosstalk); COM reach by root-finding on COM ({COM_XTOL_M:g} m). Verdicts are computed by the "
    "physics from the channel files; connector IL/RL/crosstalk, trace lengths and package case 2 are stated estimates.",
    "COM penalty of a class: COM with every element of that class removed minus COM of the whole channel "
    "(package: its lines at zero length; crosstalk: thru only). COM is not additive: penalties do not sum to the deficit.",
)
