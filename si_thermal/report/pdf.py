"""PDF assembly (reportlab platypus): title and summary with the claims' verdicts, a table per
system, numbered figures, and an appendix with every input, its source, software versions and the
SHA-256 of every input file. Written atomically. The layout only places what the stages computed."""

from __future__ import annotations

import hashlib
import platform
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import numpy as np
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (Image, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer,
                                Table, TableStyle)

from si_thermal import paths
from si_thermal.atomic import atomic_path
from si_thermal.errors import InputError
from si_thermal.report.finite import first_non_finite
from si_thermal.system.claims import Claim
from si_thermal.system.cooling import SystemCooling
from si_thermal.system.model import SystemResult
from si_thermal.system.power import PowerBudget
from si_thermal.system.reliability import RackReliabilityResult
from si_thermal.system.stages import StageSkipped
from si_thermal.system.verdict import system_verdict

_SS = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_SS["BodyText"], fontSize=8.5, leading=10.5)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=7, leading=8.4)
CAPTION = ParagraphStyle("caption", parent=BODY, fontSize=8, leading=10, textColor=colors.HexColor("#333333"))
VERDICT_COLOURS = {"supported": "#d8f0d8", "contradicted": "#f5d0d0", "depends": "#fff1c2", "not evaluated": "#e6e6e6",
                   "consistent": "#d8f0d8", "inconsistent": "#f5d0d0"}
WORKS_COLOURS = {"yes": "#d8f0d8", "no (model)": "#f5d0d0", "not judged": "#e6e6e6"}
TITLE = ParagraphStyle("title", parent=_SS["Title"], fontSize=15, leading=18, spaceAfter=2)
FLAG = ParagraphStyle("flag", parent=BODY, textColor=colors.HexColor("#9b1c1c"), leftIndent=8, bulletIndent=0)
PACKAGES = ("numpy", "scipy", "scikit-rf", "matplotlib", "reportlab", "pydantic", "gmsh", "fenics-dolfinx",
            "dolfinx-solver-real", "si_thermal")


MODEL_LIMITS = (
    "COM uses the IEEE 802.3dj reference equalizer (Tx FFE, CTLE, 15 fixed Rx FFE taps, 1 DFE tap) without "
    "MLSD and without the floating Rx FFE tap groups; it agrees with pychopmarg to 0.04 dB in that "
    "configuration and is conservative against the full reference receiver, so a small negative COM margin "
    "at 224G reads as 'needs the full receiver or a shorter path', not as 'cannot work'.",
    "Link lengths come from the rack geometry (Manhattan routes plus service loops and breakouts); host-trace "
    "lengths, connector IL/RL and via stubs in channels/*.toml are engineering estimates with their sources.",
    "Package FEM: uniform power over each die, fin model for the cold plate and the microchannel lid "
    "(validated against a resolved channel cell), coolant warming along the flow; the Blackwell-class two-die "
    "package stands in for R200 (no drawing is public); Rubin Ultra (four dies, '2+2') and Rubin CPX (one die, "
    "FC-BGA) have their own package files with estimated dimensions.",
    "Rack power sums add count x power per component; only the accelerator powers and the rack totals are "
    "quoted, every other component power is marked [Estimated] in the rack file and the share it carries is "
    "printed with the sum.",
    "The fleet figure of earlier versions is dropped: with IPC-TR-579 outside its data the backplane wear-out "
    "never starts within five years, so it showed two flat lines; the fleet numbers (events per month with the "
    "MTBF range, availability with its range) are in the system tables.",
    "Plated-hole fatigue uses IPC-TR-579 (ANSI/VITA 51.1 App. F) far outside its data (aspect ratio about 39 "
    "against at most 9); treat its lives as an ordering of designs, not as calendar predictions.",
)


def _p(text, style=CELL) -> Paragraph:
    return Paragraph(str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), style)


def _table(rows, widths, header=True, shade=None) -> Table:
    data = [[_p(c) if not isinstance(c, Paragraph) else c for c in row] for row in rows]
    t = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ee")))
    for (r, c), colour in (shade or {}).items():
        style.append(("BACKGROUND", (c, r), (c, r), colors.HexColor(colour)))
    t.setStyle(TableStyle(style))
    return t


class _Numbers:
    def __init__(self):
        self.table = 0
        self.figure = 0

    def table_caption(self, text) -> Paragraph:
        self.table += 1
        return Paragraph(f"<b>Table {self.table}.</b> {text}", CAPTION)

    def figure_caption(self, text) -> Paragraph:
        self.figure += 1
        return Paragraph(f"<b>Figure {self.figure}.</b> {text}", CAPTION)


def _fmt(x, unit="", digits=3):
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "none"
    return f"{x:.{digits}g}{(' ' + unit) if unit else ''}"


def system_rows(r: SystemResult) -> list[list[str]]:
    """The rows of a system's table: every number from a stage result or the rack file."""
    k = r.rack.rack
    rows = [["quantity", "value", "source / stage"],
            ["GPU packages x dies", f"{k.gpus} x {k.dies_per_gpu}", k.sources.get("gpus", k.source)],
            ["per-GPU power", _fmt(k.gpu_power, "W", 4), k.sources.get("gpu_power", k.source)],
            ["rack power", _fmt(k.rack_power / 1e3, "kW", 4), k.sources.get("rack_power", k.source)],
            ["NVLink generation, SerDes", f"{k.nvlink_generation or 'none'}, {k.serdes_rate}", k.sources.get("serdes_rate", k.source)],
            ["interconnect medium", k.medium, k.sources.get("medium", k.source)],
            ["switch topology", k.topology or "-", k.sources.get("topology", k.source)]]
    if k.fp4_pflops or k.fp4_pflops_sparse:
        rows.append(["FP4 compute (dense / sparse)", f"{_fmt(k.fp4_pflops, 'PFLOPS', 4)} / {_fmt(k.fp4_pflops_sparse, 'PFLOPS', 4)}",
                     k.sources.get("fp4_pflops", k.source)])
    if k.aux_accelerators:
        rows.append([f"{k.aux_name} accelerators", f"{k.aux_accelerators} x {k.aux_dies} die, {_fmt(k.aux_power, 'W', 4)} each; "
                     f"FP4 dense {_fmt(k.aux_fp4_pflops, 'PFLOPS', 4)}", k.sources.get("aux_power", k.source)])
    if isinstance(r.power, PowerBudget):
        pb = r.power
        rows.append(["power sum (components)", f"{pb.components_w / 1e3:,.1f} kW, {pb.input_w / 1e3:,.1f} kW at the rack input "
                     f"of {pb.rack_power_w / 1e3:,.0f} kW {'quoted' if pb.quoted else '(estimate, no source)'}: headroom "
                     f"{pb.headroom_w / 1e3:+,.1f} kW; one compute tray {pb.tray_input_w / 1e3:,.2f} kW; "
                     f"{pb.share_estimated * 100:.0f} % of the sum on estimated powers", pb.source])
    for name, L in r.lengths.items():
        rows.append([f"{name}: links, pairs", f"{L.count}, {L.pairs} (total pair length {L.total_pair_length_m / 1e3:.2f} km)",
                     "geometry (Manhattan route + allowances)"])
        rows.append([f"{name}: routed length min/mean/max",
                     f"{L.length_m.min():.2f} / {L.length_m.mean():.2f} / {L.length_m.max():.2f} m", "geometry"])
    for g in r.si.groups:
        tag = "" if g.primary else " (alternate)"
        rows.append([f"{g.group} over {g.channel}{tag} @ {g.rate}",
                     f"{g.closing_fraction * 100:.0f} % close (IL alone {g.il_closing_fraction * 100:.0f} %); worst IL margin {g.worst_margin_db:+.1f} dB; "
                     f"IL reach {g.curve.reach_il_m:.2f} m"
                     + ("" if g.com_margin_db is None else f", COM reach {g.curve.reach_com_m:.2f} m")
                     + f"; longest feasible {_fmt(g.longest_feasible_m, 'm')}; "
                     + ("in-tray links (rack size does not enter)" if not np.isfinite(g.limit_scale) else
                        f"medium stops at rack scale x{g.limit_scale:.2f} (height {g.limit_height_m:.2f} m)")
                     + ("" if g.com_margin_db is None else f"; worst COM margin {g.com_margin_db.min():+.1f} dB"),
                     "si_thermal.si (channel, reach)" + ("" if g.curve.com_skipped is None else "; COM: not run")])
    c = r.cooling
    if isinstance(c, SystemCooling):
        rows.append(["cooling", f"{c.technology} on {c.package}: Tj {c.tj_c:.0f} degC at {c.gpu_power_w:.0f} W; "
                     f"limit {c.limit_w:.0f} W (margin {c.margin_w:+.0f} W); {c.heat_flux_w_per_mm2:.2f} W/mm^2; {c.verdict}",
                     "si_thermal.thermal.package FEM"])
    aux = r.aux_cooling
    if isinstance(aux, SystemCooling):
        rows.append([f"cooling ({k.aux_name})", f"{aux.technology} on {aux.package}: Tj {aux.tj_c:.0f} degC at {aux.gpu_power_w:.0f} W; "
                     f"limit {aux.limit_w:.0f} W (margin {aux.margin_w:+.0f} W); {aux.heat_flux_w_per_mm2:.2f} W/mm^2; {aux.verdict}",
                     "si_thermal.thermal.package FEM"])
    rel = r.reliability
    if isinstance(rel, RackReliabilityResult):
        rng = "" if not rel.availability_range else \
            f" (range {rel.availability_range[0] * 100:.1f}-{rel.availability_range[1] * 100:.1f} % over the sources' MTBF/MTTR ranges)"
        rows.append(["availability (the system's one value)", f"MTBF {rel.mtbf_h:,.0f} h, MTTR {rel.mttr_h:,.0f} h "
                     f"({rel.mttr_h / 168:.0f} weeks): {rel.availability * 100:.1f} %{rng}; {rel.events_per_month:.1f} "
                     f"rack failure events per month per {rel.fleet_racks:,} racks", rel.source])
    if not isinstance(r.cost, StageSkipped):
        ci = r.cost.inputs
        av_src = "the system's modelled availability" if r.availability is not None else "not modelled: S0's equal-availability assumption"
        rows.append(["cost per million tokens", f"${r.cost.usd_per_million_tokens:.2f} (depreciation ${ci.depreciation_usd_per_yr / 1e6:.2f}M/yr, "
                     f"power ${ci.power_cost_usd_per_yr / 1e6:.2f}M/yr, {ci.throughput_tok_per_s:,.0f} tok/s, availability "
                     f"{ci.availability * 100:.1f} % = {av_src})", ci.source])
    for mm_ in r.rack.mismatches:
        rows.append([f"S0 vs S1: {mm_.field}", f"used: {mm_.used}", f"{mm_.s0} | {mm_.s1}"])
    for s in r.skipped:
        rows.append([f"not computed: {s.stage}", s.reason, "stage skipped"])
    return rows


def _link_verdicts(results: dict[str, SystemResult], n) -> list:
    """Section 'Link verdicts: where the dB go' (issue 10): rows from si_thermal.report.si_section."""
    from si_thermal.report import si_section

    rows = si_section.verdict_rows(results)
    if len(rows) == 1:
        return []
    out = [PageBreak(), Paragraph("Link verdicts: where the dB go", _SS["Heading1"])]
    out += [_p(f"- {t}", BODY) for t in si_section.NOTES]
    out += [n.table_caption("Primary link groups: verdict, IL and COM (both package cases) at the longest link, "
                            "crosstalk, and what limits the group."),
            _table(rows, [30 * mm, 17 * mm, 27 * mm, 30 * mm, 17 * mm, 20 * mm, 41 * mm])]
    sens = si_section.sensitivity_rows(results)
    if len(sens) > 1:
        out += [Spacer(1, 3 * mm), n.table_caption("Sensitivity (tornado) of the longest link's margin, the single input "
                                                   "change that closes a failing group, and the 448G what-if (a "
                                                   "projection: 224 GBd PAM4, no standard exists yet)."),
                _table(sens, [34 * mm, 16 * mm, 48 * mm, 40 * mm, 44 * mm])]
    out += [Spacer(1, 3 * mm), n.table_caption("Where the dB go at the longest link of each primary link group."),
            _table(si_section.budget_rows(results), [50 * mm, 45 * mm, 25 * mm, 30 * mm, 32 * mm])]
    return out


# field-name -> (scale from SI, unit) for the appendix (issue 11: engineering units, never raw SI)
_ENG = {
    "gpu_power": (1.0, "W"), "aux_power": (1.0, "W"), "power": (1.0, "W"), "rack_power": (1e-3, "kW"),
    "die_area": (1e6, "mm^2"), "fp4_pflops": (1.0, "PFLOPS"), "fp4_pflops_sparse": (1.0, "PFLOPS"),
    "aux_fp4_pflops": (1.0, "PFLOPS"), "hardware_cost": (1e-6, "MUSD"), "depreciation_per_year": (1e-6, "MUSD/yr"),
    "power_cost_per_year": (1e-6, "MUSD/yr"), "operations_cost_per_year": (1e-6, "MUSD/yr"),
    "throughput": (1.0, "tok/s"), "throughput_theoretical": (1.0, "tok/s"), "depreciation_life": (1 / 3.15576e7, "yr"),
    "mtbf": (1 / 3600, "h"), "mttr": (1 / 3600, "h"), "mtbf_range": (1 / 3600, "h"), "mttr_range": (1 / 604800, "weeks"),
    "availability": (100.0, "%"), "conversion_efficiency": (100.0, "%"),
}


def _value(v, name: str = "") -> str:
    """An input value as the appendix prints it: engineering units by field name, '-' when not given."""
    if v is None:
        return "- (not given)"
    scale, unit = _ENG.get(name, (None, ""))
    if isinstance(v, list):
        return ", ".join(_value(x, name) for x in v) if v else "-"
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    if scale is None:
        return f"{v:,}" if isinstance(v, int) else f"{v:.4g}"
    x = v * scale
    return f"{x:,.4g} {unit}" if abs(x) < 1e4 else f"{x:,.0f} {unit}"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def input_files(results: dict[str, SystemResult]) -> list[Path]:
    """Every input file of the report: the rack files and what they name, transitively (channels,
    boards, packages, Touchstone), the fleet file, and the packaged tables (:mod:`si_thermal.provenance`)."""
    from si_thermal.provenance import input_files as named_files

    fleet = paths.racks_dir() / "fleet_reliability.toml"
    return named_files([r.path for r in results.values()] + ([fleet] if fleet.is_file() else []))


def versions() -> list[list[str]]:
    rows = [["python", platform.python_version()], ["platform", platform.platform()]]
    for p in PACKAGES:
        try:
            rows.append([p, metadata.version(p)])
        except metadata.PackageNotFoundError:
            continue
    return rows


def _figure(f, n: _Numbers, max_h=200 * mm):
    img = Image(str(f.path))
    scale = min(180 * mm / img.imageWidth, max_h / img.imageHeight)
    img.drawWidth, img.drawHeight = img.imageWidth * scale, img.imageHeight * scale
    return KeepTogether([img, n.figure_caption(f.caption), Spacer(1, 4 * mm)])


def first_page(results: dict[str, SystemResult], claims: list[Claim], n: _Numbers) -> list:
    """Red flags, then per system: does it work, what limits it, by how much, what would change it."""
    verdicts = [system_verdict(r) for r in results.values()]
    story = [Paragraph("Rack interconnect, cooling, reliability and cost: engineering report", TITLE),
             Paragraph(f"si_thermal, generated {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}, {len(results)} systems "
                       "of S0 (supernode evolution, May 2026) and S1 (Rubin CPX, Sep 2025).", BODY),
             Paragraph("Red flags", _SS["Heading2"])]
    flags = [f for v in verdicts for f in v.flags]
    bad = [c for c in claims if c.verdict in ("inconsistent", "contradicted")]
    inc = [c for c in bad if c.verdict == "inconsistent"]
    con = [c for c in bad if c.verdict == "contradicted"]
    if con:
        flags.append(f"{len(con)} claims contradicted by the models (Table 2): " + "; ".join(_short(c.claim) for c in con))
    if inc:
        flags.append(f"{len(inc)} source figures disagree with the sources' own numbers (Table 2): "
                     + "; ".join(_short(c.claim) for c in inc))
    story += [Paragraph(_esc(f), FLAG, bulletText="\u25b2") for f in flags] or [_p("none", BODY)]
    story += [Paragraph("Does each system work, what limits it, by how much", _SS["Heading2"])]
    rows = [["system", "works?", "limited by", "margin", "what would change the answer", "availability", "$/M tok"]]
    shade = {}
    order = {"no (model)": 0, "yes": 1, "not judged": 2}
    pairs = sorted(zip(verdicts, results.values()), key=lambda vr: order.get(vr[0].works, 3))
    for i, (v, r) in enumerate(pairs, start=1):
        cost = f"{r.cost.usd_per_million_tokens:.2f}" if not isinstance(r.cost, StageSkipped) else "-"
        rows.append([v.name, v.works, v.limit, v.margin, v.change, v.availability, cost])
        shade[(i, 1)] = WORKS_COLOURS.get(v.works, "#ffffff")
    story += [n.table_caption("Per system: 'works?' = every primary link group closes (IL within budget and COM >= 3 dB "
                              "where a COM set exists) and the per-GPU power is within the package's cooling limit. "
                              "'limited by' = the element with the least margin (link margin = min(IL, COM) margin of the "
                              "worst link). Availability = MTBF/(MTBF+MTTR) of the sources, computed once (range over the "
                              "sources' MTBF/MTTR ranges); the cost column uses it. '-': not given in the sources."),
              _table(rows, [28 * mm, 13 * mm, 38 * mm, 27 * mm, 44 * mm, 18 * mm, 12 * mm], shade=shade)]
    kinds = {}
    for c in claims:
        kinds.setdefault(c.kind, {}).setdefault(c.verdict, 0)
        kinds[c.kind][c.verdict] += 1
    story += [Spacer(1, 2 * mm), _p("Claims (Table 2): " + "; ".join(
        f"{k} {sum(v.values())} (" + ", ".join(f"{m} {x}" for m, x in v.items()) + ")" for k, v in kinds.items()), BODY)]
    return story


def _short(text: str, n: int = 48) -> str:
    """A claim's text cut at a word boundary near ``n`` characters."""
    text = text.split(":")[0] if len(text.split(":")[0]) > 12 else text
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + "..."


def _esc(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_report(out: Path, results: dict[str, SystemResult], claims: list[Claim], figures: list,
                 timings: dict[str, float]) -> Path:
    """Lay out the report and write it atomically to ``out``."""
    n = _Numbers()
    story = first_page(results, claims, n)
    story.append(PageBreak())
    margin_figs = [f for f in figures if f.path.name == "link_margins.png"]
    for f in margin_figs:
        story.append(_figure(f, n, max_h=238 * mm))  # a full page: one panel per link group
    story += [PageBreak(), Paragraph("Claims of the two articles against the models", _SS["Heading2"]),
              Paragraph("Kind: <b>physics</b> = the solvers computed the evidence; <b>arithmetic</b> = the source's own "
                        "arithmetic redone on the source's own inputs (a 'supported' confirms the sum, not the physics); "
                        "<b>consistency</b> = the sources' numbers checked against each other. S0: 'supernode evolution "
                        "NVL72 to NVL576'; S1: 'Rubin CPX disaggregated prefill'. 'depends' names the open input in the "
                        "conditions.", BODY), Spacer(1, 2 * mm)]
    rows = [["claim", "source", "kind", "model value", "conditions", "verdict"]]
    shade = {}
    for i, c in enumerate(claims, start=1):
        rows.append([c.claim, c.source, c.kind, c.model_value, c.conditions, c.verdict])
        shade[(i, 5)] = VERDICT_COLOURS.get(c.verdict, "#ffffff")
    story += [n.table_caption("Claims check, physics first."),
              _table(rows, [36 * mm, 17 * mm, 14 * mm, 48 * mm, 51 * mm, 16 * mm], shade=shade)]
    story += [Spacer(1, 3 * mm), Paragraph("How to read the verdicts", _SS["Heading2"])]
    story += [_p(f"- {text}", BODY) for text in MODEL_LIMITS]
    story.append(PageBreak())
    story.append(Paragraph("Systems", _SS["Heading1"]))
    for r in results.values():
        block = [Paragraph(f"{r.rack.rack.name} ({r.key})", _SS["Heading3"]), _p(r.rack.rack.description, BODY),
                 Spacer(1, 1.5 * mm), n.table_caption(f"{r.rack.rack.name}: inputs and results."),
                 _table(system_rows(r), [45 * mm, 75 * mm, 60 * mm]), Spacer(1, 3 * mm)]
        story.append(KeepTogether(block))
    story += _link_verdicts(results, n)
    story.append(PageBreak())
    story.append(Paragraph("Figures", _SS["Heading1"]))
    for f in figures:
        if f.path.name != "link_margins.png":
            story.append(_figure(f, n))
    story.append(PageBreak())
    story.append(Paragraph("Appendix A: inputs and their sources", _SS["Heading1"]))
    for r in results.values():
        k = r.rack.rack
        rows = [["field", "value", "source"]]
        for name, val in k.model_dump().items():
            if name in ("sources", "description", "name") or (name.startswith("aux_") and not k.aux_accelerators):
                continue
            rows.append([name, _value(val, name), k.sources.get(name, "" if name == "source" else "as 'source' above")])
        if r.rack.geometry is not None:
            g = r.rack.geometry
            rows.append(["geometry", f"{g.height * 1e3:.0f} x {g.width * 1e3:.0f} x {g.depth * 1e3:.0f} mm (H x W x D); "
                         f"service loop {g.service_loop * 1e3:.0f} mm, breakout {g.breakout * 1e3:.0f} mm", g.source])
        for t in r.rack.trays:
            rows.append([f"trays ({t.kind})", f"slots {t.slots}; {t.endpoints} endpoints", t.source])
        for link in r.rack.links:
            where = (f"in each {link.from_kind} tray, variable segment "
                     + ", ".join(f"{x * 1e3:.0f}" for x in link.in_tray_lengths) + " mm") if link.in_tray_lengths \
                else f"{link.from_kind}->{link.to_kind}, {link.pattern}, {link.scope}"
            alt = f", alternates {', '.join(link.alternate_channels)}" if link.alternate_channels else ""
            rows.append([f"link group {link.name}", f"{where}; {link.lanes} lanes, {link.rate}, channel {link.channel}{alt}",
                         link.source])
        for tab in ("cooling", "cost", "reliability"):
            obj = getattr(r.rack, tab)
            if obj is not None:
                rows.append([tab, ", ".join(f"{a} = {_value(b, a)}" for a, b in obj.model_dump().items()
                                            if a != "source" and b not in (None, [])), obj.source])
        if r.rack.power is not None:
            pw = r.rack.power
            for comp in pw.components:
                rows.append([f"power: {comp.name}", f"{comp.count} x {comp.power:,.0f} W = {comp.count * comp.power / 1e3:,.1f} kW"
                             + (f" ({comp.per_tray} per tray)" if comp.per_tray else ""), comp.source])
            rows.append(["power: conversion efficiency", f"{pw.conversion_efficiency * 100:.0f} %", pw.source])
        for mis in r.rack.mismatches:
            rows.append([f"S0/S1 mismatch: {mis.field}", f"S0: {mis.s0} | S1: {mis.s1}", f"used: {mis.used}"])
        story += [Paragraph(f"{k.name} ({r.path.name})", _SS["Heading3"]),
                  n.table_caption(f"Inputs of {r.path.name}, in engineering units with their unit ('-': the sources give none)."), _table(rows, [32 * mm, 70 * mm, 78 * mm])]
    story.append(Paragraph("Appendix B: reproducibility", _SS["Heading1"]))
    story += [n.table_caption("Software versions."), _table([["package", "version"]] + versions(), [60 * mm, 120 * mm])]
    root = paths.project_root()
    hashes = [["input file", "SHA-256"]] + [[str(f.relative_to(root)) if f.is_relative_to(root) else str(f), sha256(f)]
                                            for f in input_files(results)]
    story += [Spacer(1, 2 * mm), n.table_caption("Input files and their SHA-256 hashes."), _table(hashes, [62 * mm, 118 * mm])]
    story += [Spacer(1, 2 * mm), n.table_caption("Wall time per stage of this run (the PDF layout itself is timed after "
                                                 "writing and printed by the command)."),
              _table([["stage", "seconds"]] + [[k, f"{v:.1f}"] for k, v in timings.items() if k != "pdf"],
                     [60 * mm, 30 * mm])]

    def _page(canvas, doc):
        canvas.setFont("Helvetica", 7)
        canvas.drawRightString(A4[0] - 15 * mm, 8 * mm, f"page {doc.page}")

    bad = first_non_finite(story)
    if bad is not None:  # checked before anything is written: no half-report under the final name
        raise InputError(None, None, f"the report would print a non-finite value under '{bad[0]}' ({bad[1]!r}): "
                                     "an input takes a model outside its range, so there is no verdict to report")
    with atomic_path(out) as tmp:
        doc = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm,
                                topMargin=14 * mm, bottomMargin=14 * mm, title="si_thermal rack report",
                                author="si_thermal")
        doc.build(story, onFirstPage=_page, onLaterPages=_page)
    return Path(out)
