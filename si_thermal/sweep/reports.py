"""Reports at scale: one PDF per rack file (or variant) built in parallel, and two designs side by side,
on the same engines as sweeps (:mod:`si_thermal.sweep.engine`: local processes or a Dask cluster).

Each system is one task (:func:`si_thermal.sweep.engine.run_batch` of a one-point batch), so a
failing system is recorded with its error and the others go on. On a Dask cluster the PDFs are
written by the workers: ``out_dir`` must be a folder they share with this machine.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from si_thermal.sweep.engine import open_engine


@dataclass(frozen=True)
class ReportStudy:
    """Point ``{"system": rack file}`` -> that system's full PDF report in ``out_dir``."""

    out_dir: str
    with_cooling: bool = True
    kind = "report"

    def evaluate(self, params: dict) -> dict:
        from si_thermal.report.build import build_report

        path = Path(params["system"])
        t = time.perf_counter()
        pdf, _ = build_report([str(path)], Path(self.out_dir) / f"{path.stem}.pdf", with_cooling=self.with_cooling)
        return {"pdf": str(pdf), "wall_s": time.perf_counter() - t}


@dataclass(frozen=True)
class SystemRowsStudy:
    """Point ``{"system": rack file}`` -> the rows of the report's system table (quantity, value, source)."""

    with_cooling: bool = True
    with_com: bool = True
    kind = "system_rows"

    def evaluate(self, params: dict) -> dict:
        from si_thermal.report.pdf import system_rows
        from si_thermal.system.model import evaluate_system

        path = Path(params["system"])
        r = evaluate_system(path.stem, path, with_com=self.with_com, with_cooling=self.with_cooling)
        return {"name": r.rack.rack.name, "rows": [list(map(str, row)) for row in system_rows(r)[1:]]}


def run_each(study, systems: dict[str, Path], *, jobs: int | None = None, scheduler: str | None = None,
             on_done=None) -> tuple[dict[str, dict], str]:
    """``study.evaluate({"system": path})`` for every system, one task each; ({key: row}, engine name).
    A row holds ``error`` ("" or the message)."""
    jobs = jobs or min(len(systems), os.cpu_count() or 1)
    batches = [[(key, {"system": str(path)})] for key, path in systems.items()]
    out = {}
    with open_engine(scheduler, None if scheduler else jobs) as engine:
        for results in engine.map(study, batches):
            for key, row in results:
                out[key] = row
                if on_done:
                    on_done(key, row)
        name = engine.name
    return {k: out[k] for k in systems}, name


def side_by_side(a: dict, b: dict) -> list[list[str]]:
    """[quantity, design A, design B] aligned by quantity; a link group's row is keyed by the group
    (its channel and rate go into the value, since two designs may use different channels)."""

    def keyed(rows):
        out = {}
        for quantity, value, *_ in rows:
            group, sep, rest = quantity.partition(" over ")
            key = quantity
            if sep:  # "GROUP over CHANNEL[ (alternate)] @ RATE"
                key, n = (f"{group} (alternate)" if "(alternate)" in rest else group), 1
                while key in out:
                    n += 1
                    key = f"{group} (alternate {n})"
                value = f"over {rest}: {value}"
            out[key] = value
        return out

    ka, kb = keyed(a["rows"]), keyed(b["rows"])
    order = list(dict.fromkeys([*ka, *kb]))
    return [[q, ka.get(q, "-"), kb.get(q, "-")] for q in order]


def write_compare_pdf(out: Path, a: dict, b: dict, table: list[list[str]]) -> Path:
    """A one-table PDF: the two designs' system tables side by side (written atomically)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from si_thermal.atomic import atomic_path
    from si_thermal.provenance import collect

    ss = getSampleStyleSheet()
    cell = ss["BodyText"].clone("cell", fontSize=7, leading=8.4)

    def p(text):
        return Paragraph(str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), cell)

    data = [[p("quantity"), p(a["name"]), p(b["name"])]] + [[p(c) for c in row] for row in table]
    t = Table(data, colWidths=[55 * mm, 105 * mm, 105 * mm], repeatRows=1)
    style = [("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ee"))]
    style += [("BACKGROUND", (1, i), (2, i), colors.HexColor("#fff4d6"))
              for i, row in enumerate(table, start=1) if row[1] != row[2]]
    t.setStyle(TableStyle(style))
    prov = collect([a["path"], b["path"]])
    story = [Paragraph(f"Side by side: {a['name']} and {b['name']}", ss["Title"]),
             Paragraph("Every value is computed by the same stages as the full report (geometry, SI, cooling, "
                       "reliability, cost); rows that differ are shaded.", ss["BodyText"]), t,
             Paragraph(f"si_thermal {prov.version}; command: {prov.command}; inputs: "
                       + "; ".join(f"{Path(k).name} sha256 {v[:12]}" for k, v in prov.inputs.items()), cell)]
    with atomic_path(out) as tmp:
        SimpleDocTemplate(str(tmp), pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                          topMargin=12 * mm, bottomMargin=12 * mm).build(story)
    return out
