"""One verdict per system for the report's first page (issue 11): does it work, what limits it, by how
much, and what would change the answer; plus the red flags. Plain data from the stage results; the
report only lays it out.

A link's margin is the smaller of its IL margin (budget - IL at Nyquist) and, where COM ran, its COM
margin (COM - 3 dB). A link group "closes" when every link's margin is >= 0. Cooling margin is the
package power limit of the rack's cooling technology minus the per-GPU power.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from si_thermal.system.cooling import SystemCooling
from si_thermal.system.power import PowerBudget
from si_thermal.system.reliability import RackReliabilityResult

# what moves each kind of verdict (the inputs the sources leave open), for the 'what would change it' column
LINK_LEVERS = ("host-trace length and laminate", "connector IL/RL", "reference receiver (COM) and package case",
               "budget reference planes")


def link_margin_db(g) -> np.ndarray:
    """Per-link margin: min(IL margin, COM margin) (dB)."""
    m = np.asarray(g.il_margin_db, float)
    if g.com_margin_db is not None and not getattr(g, "com_advisory", False):
        m = np.minimum(m, np.asarray(g.com_margin_db, float))
    return m


@dataclass(frozen=True)
class SystemVerdict:
    key: str
    name: str
    works: str  # "yes" | "no (model)" | "not judged"
    limit: str  # what limits it
    margin: str  # by how much
    change: str  # what would change the answer
    availability: str
    flags: tuple[str, ...] = ()


def _link_change(g, limit: str) -> str:
    """What would move a link group's verdict, with the reach that the numbers give."""
    c = g.curve
    if "(COM" in limit:
        reach = getattr(c, "reach_com_m", float("nan"))
        head = f"COM reach {reach:.2f} m vs longest {g.longest_m:.2f} m" if np.isfinite(reach) else "COM"
        if g.rate == "pcie6":
            return head + ("; PCIe 6.0 reference CTLE range and Tx presets (a COM approximation of PCIe's "
                           "statistical eye), package case, trace length")
        return head + "; host-trace length, connector RL, package case, crosstalk (the tornado bars)"
    head = f"IL reach {c.reach_il_m:.2f} m vs longest {g.longest_m:.2f} m"
    tail = "; shorter path, lower-loss laminate/cable, host traces"
    if g.com_margin_db is None:
        tail += f"; no COM set for {g.rate} (IL only)"
    return head + tail


def whatif_text(si, g) -> str:
    """The alternate channels of ``g``'s link group (what-ifs of the rack file) with the share of links
    each closes and its worst margin, e.g. a cabled path where the filed PCB path fails ('' if none)."""
    alts = [a for a in si.groups if not a.primary and a.group == g.group]
    out = []
    for a in alts:
        m = link_margin_db(a)
        if np.isfinite(m).all():
            out.append(f"what-if {a.channel.removesuffix('.toml')}: {a.closing_fraction * 100:.0f} % close "
                       f"(worst {m.min():+.1f} dB)")
    return "; ".join(out)


def _fmt_group(g) -> str:
    return f"{g.group} @ {g.rate}"


def system_verdict(r) -> SystemVerdict:
    k = r.rack.rack
    flags, limits = [], []
    prim = [g for g in r.si.groups if g.primary]
    for g in prim:
        m = link_margin_db(g)
        if not np.isfinite(m).all():
            flags.append(f"{k.name}: {_fmt_group(g)} has a non-finite margin (solver failure): no verdict")
            continue
        crit = "COM" if g.com_margin_db is not None and not getattr(g, "com_advisory", False) \
            and np.min(g.com_margin_db) < np.min(g.il_margin_db) else "IL"
        limits.append((float(m.min()), "dB", f"{_fmt_group(g)} ({crit}, longest {g.longest_m:.2f} m)", g))
        if g.closing_fraction < 1.0:
            alt = whatif_text(r.si, g)
            flags.append(f"{k.name}: links that do not close - {_fmt_group(g)}: {g.closing_fraction * 100:.0f} % of "
                         f"{g.length_m.size} close, worst margin {m.min():+.1f} dB ({crit})" + (f"; {alt}" if alt else ""))
    c = r.cooling
    cool_margin = None
    if isinstance(c, SystemCooling):
        cool_margin = c.margin_w
        if c.margin_w < 0:
            flags.append(f"{k.name}: {c.gpu_power_w:.0f} W per GPU {c.verdict} ({c.technology}, limit {c.limit_w:.0f} W)")
    aux = r.aux_cooling
    if isinstance(aux, SystemCooling) and aux.margin_w < 0:
        flags.append(f"{k.name}: {k.aux_name} {aux.gpu_power_w:.0f} W {aux.verdict} (limit {aux.limit_w:.0f} W)")
    rel = r.reliability
    if isinstance(rel, RackReliabilityResult):
        av = f"{rel.availability * 100:.1f} %"
        if rel.availability_range:
            lo, hi = rel.availability_range
            av += f" ({lo * 100:.1f}-{hi * 100:.1f})"
        if rel.physics is not None:
            av += f"; physics, interconnect only: {rel.physics.mean * 100:.1f} % ({rel.physics.months}-month mean)"
        if rel.availability < 0.99:
            flags.append(f"{k.name}: availability {av} (MTBF {rel.mtbf_h:,.0f} h, MTTR {rel.mttr_h / 168:.0f} weeks, "
                         f"factory return); {rel.events_per_month:.0f} rack returns per month per {rel.fleet_racks:,} racks")
    else:
        av = "not given"
    p = r.power
    if isinstance(p, PowerBudget) and p.quoted and p.headroom_w < 0.05 * p.rack_power_w:
        flags.append(f"{k.name}: components draw {p.input_w / 1e3:.0f} kW of the quoted {p.rack_power_w / 1e3:.0f} kW "
                     f"(headroom {p.headroom_w / 1e3:.1f} kW; {p.share_estimated * 100:.0f} % of the sum on estimated powers)")
    if not limits and cool_margin is None:
        return SystemVerdict(r.key, k.name, "not judged", "no link group or package evaluated", "-", "-", av, tuple(flags))
    works = "yes"
    if any(g.closing_fraction < 1.0 for g in prim) or (cool_margin is not None and cool_margin < 0):
        works = "no (model)"
    if limits:
        worst = min(limits, key=lambda x: x[0])
        limit, margin = worst[2], f"{worst[0]:+.1f} dB"
        change = _link_change(worst[3], worst[2])
        alt = whatif_text(r.si, worst[3]) if worst[3].closing_fraction < 1.0 else ""
        change += f"; {alt}" if alt else ""
    else:
        limit, margin, change = "", "", ""
    if isinstance(c, SystemCooling):
        cool = f"cooling {c.technology}: {c.margin_w:+.0f} W ({c.gpu_power_w:.0f} of {c.limit_w:.0f} W)"
        if cool_margin < 0 or not limits:
            limit, margin = f"{c.technology} on {c.package.removesuffix('.toml')}", f"{c.margin_w:+.0f} W"
            change = "cooling technology, coolant flow/inlet, per-GPU power"
        else:
            margin += f"; {cool}"
    return SystemVerdict(r.key, k.name, works, limit, margin, change, av, tuple(flags))
