"""The articles' quantitative physical claims against the models' values.

Each claim: its text, its source (S0 = supernode-evolution article, section given), the model's
value, the conditions behind that value, and a verdict: ``supported`` (the model lands inside the
claimed range, or within the stated tolerance), ``contradicted`` (outside it), ``depends``
(the answer turns on an input the articles leave open, named in the conditions), or
``not evaluated`` (the solver it needs has not run; the reason is given). Nothing is scored
without a model value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from si_thermal.reliability.fleet import HOURS_PER_MONTH
from si_thermal.system import cost as cost_mod
from si_thermal.system.cooling import SystemCooling
from si_thermal.system.model import SystemResult
from si_thermal.system.reliability import RackReliabilityResult
from si_thermal.system.stages import StageSkipped


@dataclass(frozen=True)
class Claim:
    claim: str
    source: str
    model_value: str
    conditions: str
    verdict: str  # supported | contradicted | depends | not evaluated


def _range(value: float, lo: float, hi: float) -> str:
    return "supported" if lo <= value <= hi else "contradicted"


def _group(results: dict[str, SystemResult], key: str, name: str, primary_only: bool = False):
    r = results.get(key)
    if r is None:
        return None
    for g in r.si.groups:
        if g.group == name and (g.primary or not primary_only):
            return g
    return None


def _reach_claim(results) -> Claim:
    text, src = "224G copper reach ~1-2 m (S0 2.4), ~2 m vs 200G's 2-3 m (S0 8)", "S0 sections 2.4 and 8"
    curves = {}
    for r in results.values():
        for g in r.si.groups:
            if g.medium in ("copper_cable", "cross_rack_cable") and g.curve.rate in ("200g", "224g"):
                curves.setdefault((g.curve.channel, g.curve.rate), g.curve)
    by_rate = {}
    for (ch, rate), c in curves.items():
        by_rate.setdefault(ch, {})[rate] = c
    both = {ch: v for ch, v in by_rate.items() if "200g" in v and "224g" in v}
    if not both:
        return Claim(text, src, "-", "needs one cable channel evaluated at both 200G and 224G", "not evaluated")
    ch, v = next(iter(both.items()))
    r200, r224 = v["200g"].reach_il_m, v["224g"].reach_il_m
    c200, c224 = v["200g"].reach_com_m, v["224g"].reach_com_m
    il_ok = 1.0 <= r224 <= 2.0 and 2.0 <= r200 <= 3.0
    value = (f"{ch}: IL reach {r200:.2f} m at 200G, {r224:.2f} m at 224G ({(1 - r224 / r200) * 100:.0f} % shorter)")
    cond = (f"IL at Nyquist <= {v['224g'].budget_db:.0f} dB bump-to-bump, host traces and connectors of the channel "
            "file included; reach = length of the variable cable segment")
    if np.isfinite(c200) and np.isfinite(c224):
        value += f"; COM >= 3 dB reach {c200:.2f} m at 200G, {c224:.2f} m at 224G"
        cond += "; COM reach interpolated between 5 COM solves"
        com_ok = 1.0 <= c224 <= 2.0 and 2.0 <= c200 <= 3.0
        verdict = "supported" if il_ok and com_ok else ("depends" if il_ok or com_ok else "contradicted")
        if verdict == "depends":
            cond = "on the criterion (IL budget vs COM); " + cond
    else:
        verdict = "supported" if il_ok else "contradicted"
    return Claim(text, src, value, cond, verdict)


@dataclass(frozen=True)
class MediaLoss:
    """Matched-line loss per metre of a backplane stripline and a cable at one frequency."""

    pcb_channel: str
    pcb_db_per_m: float
    cable_channel: str
    cable_db_per_m: float
    freq_hz: float


def pcb_vs_cable_loss(results) -> MediaLoss | None:
    """Attenuation per metre (dB/m) of the variable segment of the primary backplane channel
    (stripline) and of the primary copper-cable channel (twinax), at the backplane rate's Nyquist
    frequency; None when the results hold no such pair."""

    def primary(medium):
        return next((g for r in results.values() for g in r.si.groups if g.medium == medium and g.primary), None)

    pcb, cable = primary("orthogonal_backplane"), primary("copper_cable")
    if pcb is None or cable is None:
        return None
    from si_thermal import paths
    from si_thermal.si.channel import load, segment_loss_db_per_m
    from si_thermal.si.rates import serdes_rate

    f_hz = serdes_rate(pcb.rate).nyquist_hz
    loss = []
    for g in (pcb, cable):
        path = paths.channels_dir() / g.channel
        ch, _ = load(path)
        loss.append(float(segment_loss_db_per_m(path, f_hz)[ch.channel.variable_segment][0]))
    return MediaLoss(pcb.channel, loss[0], cable.channel, loss[1], f_hz)


def _pcb_vs_cable_claim(results) -> Claim:
    """S0 2.4 says PCB traces "compensate for the skin effect ... something copper cables cannot do".
    Both media carry skin-effect loss growing as sqrt(f); what decides the loss per metre is the
    conductor perimeter and the dielectric's loss tangent, which favour the cable."""
    text = "PCB traces can compensate for the skin effect, which copper cables cannot"
    src = "S0 section 2.4"
    m = pcb_vs_cable_loss(results)
    if m is None:
        return Claim(text, src, "-", "needs a backplane and a copper-cable link group", "not evaluated")
    value = (f"{m.pcb_channel} trace {m.pcb_db_per_m:.1f} dB/m vs {m.cable_channel} cable "
             f"{m.cable_db_per_m:.1f} dB/m at {m.freq_hz / 1e9:.3g} GHz "
             f"({m.pcb_db_per_m / m.cable_db_per_m:.1f}x more loss per metre on the PCB)")
    cond = ("matched-line attenuation of the channels' variable segments (conductor with roughness + causal "
            "dielectric); precise PCB geometry controls impedance and skew, not the per-metre skin loss, "
            "which grows as sqrt(f) in both media")
    return Claim(text, src, value, cond, "supported" if m.pcb_db_per_m <= m.cable_db_per_m else "contradicted")


def _nvl144_claim(results) -> Claim:
    text, src = "NVL144 cross-rack copper cannot close at 224G", "S0 section 8"
    groups = [x for x in (results["vr_nvl144_dual"].si.groups if "vr_nvl144_dual" in results else ())
              if "cross" in x.group]
    if not groups:
        return Claim(text, src, "-", "needs the vr_nvl144_dual system with a cross-rack channel", "not evaluated")
    il_all = all(g.il_closing_fraction == 1.0 for g in groups)
    parts = []
    for g in groups:
        com = "" if g.com_margin_db is None else f", COM margin {g.com_margin_db.min():+.1f} to {g.com_margin_db.max():+.1f} dB"
        parts.append(f"{g.channel}: IL closes for {g.il_closing_fraction * 100:.0f} % (worst {g.worst_margin_db:+.1f} dB){com}")
    have_com = all(g.com_margin_db is not None for g in groups)
    all_close = all(g.closing_fraction == 1.0 for g in groups)
    ref = _group(results, "gb200_nvl72", "NVLink 5 spine", primary_only=True)
    cond = (f"{groups[0].length_m.size} links {groups[0].length_m.min():.2f}-{groups[0].longest_m:.2f} m routed between "
            "adjacent racks through the side walls (best case)")
    ref_closes = ref is not None and ref.com_margin_db is not None and ref.closing_fraction == 1.0
    if ref is not None and ref.com_margin_db is not None:
        cond += (f"; the same COM setup {'closes' if ref_closes else 'does not close'} the shipping GB200 NVL72 "
                 f"spine at 200G (worst COM margin {ref.com_margin_db.min():+.2f} dB)")
    if not il_all:
        verdict = "supported"
    elif have_com and not all_close:
        if ref_closes:
            verdict = "supported"
            cond = "by COM (the IL budget alone would close); " + cond
        else:
            verdict = "depends"
            cond = ("on the criterion: the IL budget closes, COM >= 3 dB does not, and COM fails the shipping "
                    "NVL72 too, so it ranks channels rather than certifying them; " + cond)
    else:
        verdict = "contradicted"
    return Claim(text, src, "; ".join(parts), cond, verdict)


def _cooling_of(results) -> SystemCooling | None:
    for r in results.values():
        if isinstance(r.cooling, SystemCooling):
            return r.cooling
    return None


def _coldplate_claims(results) -> list[Claim]:
    c = _cooling_of(results)
    t1 = ("2,000 W per GPU is the cold-plate limit", "S0 section 7")
    t2 = ("~800 mm^2 die -> 2.5 W/mm^2 at 2,000 W", "S0 section 7")
    t3 = ("microchannel lids cut the die temperature spread from 10-15 degC to under 5 degC", "S0 section 7")
    if c is None:
        return [Claim(*t, "-", "cooling stage did not run", "not evaluated") for t in (t1, t2, t3)]
    curves = {x.cooling: x for x in c.curves}
    out = []
    cp = curves.get("coldplate")
    if cp is not None:
        out.append(Claim(*t1, f"cold plate reaches Tj {cp.tj_limit_c:.0f} degC at {cp.limit_w:.0f} W",
                         f"package {cp.package}, inlet {cp.inlet_c:.0f} degC, {cp.limit_method}; tolerance +-15 %",
                         "supported" if abs(cp.limit_w / 2000.0 - 1) <= 0.15 else "contradicted"))
        flux = 2000.0 / cp.die_area_mm2
        out.append(Claim(*t2, f"{flux:.2f} W/mm^2 over the package's {cp.die_area_mm2:.0f} mm^2 of die "
                         f"(2.5 W/mm^2 only if all 2,000 W crossed one 800 mm^2 die)",
                         "Rubin/Blackwell packages carry two reticle-size dies", "depends"))
    mc = curves.get("microchannel")
    if cp is not None and mc is not None:
        p = 2000.0
        d_cp = float(np.interp(p, cp.power_w, cp.die_delta_t_k))
        d_mc = float(np.interp(p, mc.power_w, mc.die_delta_t_k))
        ok = 10 <= d_cp <= 15 and d_mc < 5
        both = cp.die_max_minus_mean_k is not None and mc.die_max_minus_mean_k is not None
        if both:  # the spread read both ways (issue 13): max - min and max - mean within one die
            m_cp = float(np.interp(p, cp.power_w, cp.die_max_minus_mean_k))
            m_mc = float(np.interp(p, mc.power_w, mc.die_max_minus_mean_k))
            ok_mean = 10 <= m_cp <= 15 and m_mc < 5
            verdict = "supported" if ok and ok_mean else "contradicted" if not (ok or ok_mean) else "depends"
            value = (f"die spread max-min {d_cp:.1f} K (cold plate) vs {d_mc:.1f} K (microchannel lid); "
                     f"max-mean {m_cp:.1f} vs {m_mc:.1f} K, at {p:.0f} W")
        else:
            verdict, value = ("supported" if ok else "contradicted",
                              f"die spread {d_cp:.1f} K (cold plate) vs {d_mc:.1f} K (microchannel lid) at {p:.0f} W")
        out.append(Claim(*t3, value,
                         "spread = hottest minus coolest junction point within one die (max-min), and hottest "
                         "minus the die's volume-mean junction temperature (max-mean), worst die; the package "
                         "file's power map; same package, flow and inlet for both; the dies share the coolant in "
                         "series along the flow; the spread comes from lateral spreading at the die edges and the "
                         "coolant rise, which a microchannel lid reduces but does not remove; 'depends' when the "
                         "two readings disagree",
                         verdict))
    return out


def _backplane_claim(results) -> Claim:
    text, src = "20-30 degC in-rack gradient -> backplane inter-layer microcracks after 3-5 years", "S0 section 2.4"
    r = results.get("rubin_ultra_nvl576")
    rel = r.reliability if r else None
    if not isinstance(rel, RackReliabilityResult) or rel.backplane_sweep is None:
        return Claim(text, src, "-", "backplane stage did not run", "not evaluated")
    sw = rel.backplane_sweep
    in_band = (sw["gradient_k"] >= 20) & (sw["gradient_k"] <= 30)
    years = sw.get("pth_years_to_1pct_failure", sw["years_to_1pct_failure"])[in_band]  # the plated-hole mode
    lo, hi = float(years.min()), float(years.max())
    verdict = "supported" if lo <= 5 and hi >= 3 else "contradicted"
    cond = (f"FEM thermoelastic board + IPC-TR-579 PTH fatigue, {rel.backplane.get('cycles_per_day', 1):g} "
            "thermal cycle(s) per day; life scales inversely with the cycling rate")
    if not rel.backplane.get("pth_within_validity", True):
        # IPC-TR-579's round-robin data stop near aspect ratio 9; outside them the life is an ordering of
        # designs, not a calendar figure, so it can neither confirm nor refute a 3-5 year claim
        verdict = "depends"
        cond += (f"; aspect ratio {rel.backplane.get('pth_aspect_ratio', float('nan')):.0f} is far outside "
                 "IPC-TR-579's data (<= 9), and barrel fatigue is not the inter-layer cracking claimed: "
                 "depends on coupon (IST / thermal-cycling) data for this stackup")
    return Claim(text, src, f"{lo:,.0f}-{hi:,.0f} years to 1 % of backplanes failing (plated holes) at 20-30 K; "
                 f"warpage {sw['max_warpage_um'][in_band].min():.0f}-{sw['max_warpage_um'][in_band].max():.0f} um",
                 cond, verdict)


def _fleet_claim(results) -> Claim:
    text, src = "8,000 h MTBF over 1,000 racks -> ~90 factory returns per month", "S0 section 10.1"
    r = results.get("rubin_ultra_nvl576")
    rel = r.reliability if r else None
    if not isinstance(rel, RackReliabilityResult):
        return Claim(text, src, "-", "reliability stage did not run", "not evaluated")
    return Claim(text, src, f"{rel.events_per_month:.1f} events per month; availability {rel.availability * 100:.1f} %",
                 f"constant rate, {rel.fleet_racks} racks x {HOURS_PER_MONTH:.0f} h/month / {rel.mtbf_h:.0f} h; MTTR {rel.mttr_h / 168:.0f} weeks",
                 "supported" if 80 <= rel.events_per_month <= 100 else "contradicted")


def _cost_claim(results) -> Claim:
    text, src = "per-token cost of NVL576 ~35-40 % of dual NVL72 (~$4.2 vs ~$1.5 per M tokens)", "S0 section 2.5"
    a, b = results.get("gb300_nvl72"), results.get("rubin_ultra_nvl576")
    if a is None or b is None or isinstance(a.cost, StageSkipped) or isinstance(b.cost, StageSkipped):
        return Claim(text, src, "-", "needs gb300_nvl72 and rubin_ultra_nvl576 cost inputs", "not evaluated")
    ratio = b.cost.usd_per_million_tokens / a.cost.usd_per_million_tokens
    cond = "S0 inputs: $/yr depreciation + power over throughput x 8,760 h"
    val = f"${a.cost.usd_per_million_tokens:.2f} vs ${b.cost.usd_per_million_tokens:.2f} per M tokens, ratio {ratio * 100:.0f} %"
    if isinstance(b.reliability, RackReliabilityResult):
        b_av = cost_mod.rack_cost(b.rack, availability=b.reliability.availability)
        val += f"; {ratio * 100:.0f} -> {b_av.usd_per_million_tokens / a.cost.usd_per_million_tokens * 100:.0f} % at the " \
               f"modelled availability {b.reliability.availability * 100:.1f} %"
    return Claim(text, src, val, cond + "; turns on the 135,000 tok/s NVL576 throughput estimate", "depends"
                 if not 0.35 <= ratio <= 0.40 else "supported")


def _power_claim(results) -> Claim:
    text, src = "power per FP4 EFLOPS: Blackwell 167 kW, Rubin 56 kW, Rubin Ultra 27 kW", "S0 sections 7 and 10.4"
    keys = ("gb200_nvl72", "vr_nvl72", "rubin_ultra_nvl576")
    vals = {}
    for k in keys:
        r = results.get(k)
        if r is not None and r.rack.rack.fp4_pflops:
            vals[k] = r.rack.rack.rack_power / 1e3 / (r.rack.rack.fp4_pflops / 1e3)
    if len(vals) < 3:
        return Claim(text, src, "-", "needs gb200_nvl72, vr_nvl72 and rubin_ultra_nvl576", "not evaluated")
    ref = dict(zip(keys, (167, 56, 27)))
    ok = all(abs(vals[k] / ref[k] - 1) < 0.05 for k in keys)
    return Claim(text, src, ", ".join(f"{vals[k]:.0f} kW/EF" for k in keys),
                 "rack power over FP4 rack compute, both from the rack files", "supported" if ok else "contradicted")


def claims_table(results: dict[str, SystemResult]) -> list[Claim]:
    """Every claim checked against the systems in ``results`` (keyed by system name)."""
    return [_reach_claim(results), _pcb_vs_cable_claim(results), _nvl144_claim(results), *_coldplate_claims(results), _backplane_claim(results),
            _fleet_claim(results), _cost_claim(results), _power_claim(results)]
