"""Run every stage for the chosen systems, time each, draw the figures and write the PDF."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from si_thermal.report import figures as figs
from si_thermal.report.pdf import write_report
from si_thermal.system import model
from si_thermal.system.claims import claims_table
from si_thermal.system.cooling import aux_cooling, system_cooling
from si_thermal.system.links import system_si
from si_thermal.system.power import power_budget
from si_thermal.system.reliability import rack_reliability, system_availability
from si_thermal.system.sensitivity import system_sensitivity
from si_thermal.system.stages import StageSkipped

STAGES = ("geometry", "signal integrity", "SI sensitivity", "cooling", "reliability", "cost", "claims", "figures", "pdf")


def build_report(names: list[str] | None, out: Path, *, with_cooling: bool = True,
                 on_stage: Callable[[str, int, int], None] | None = None) -> tuple[Path, dict[str, float]]:
    """Evaluate ``names`` (all systems when empty), write the report to ``out``; return (path, timings)."""
    chosen = model.resolve(names)
    timings = {s: 0.0 for s in STAGES}
    total = len(chosen) * 6 + 3
    done = 0

    def tick(stage: str, t0: float):
        nonlocal done
        timings[stage] += time.perf_counter() - t0
        done += 1
        if on_stage:
            on_stage(stage, done, total)

    results = {}
    for key, path in chosen.items():
        t = time.perf_counter()
        rack, lengths = model.geometry_stage(key, path)
        tick("geometry", t)
        t = time.perf_counter()
        si = system_si(key, rack, lengths)
        tick("signal integrity", t)
        t = time.perf_counter()
        si = system_sensitivity(si)
        tick("SI sensitivity", t)
        t = time.perf_counter()
        cool = system_cooling(key, rack) if with_cooling else StageSkipped("cooling", "not requested (--no-cooling)")
        aux = aux_cooling(key, rack) if with_cooling else None
        tick("cooling", t)
        t = time.perf_counter()
        rel = rack_reliability(key, rack)
        tick("reliability", t)
        t = time.perf_counter()
        cost = model.cost_stage(rack, system_availability(rel))  # the system's one availability
        power = power_budget(key, rack)
        tick("cost", t)
        results[key] = model.SystemResult(key, Path(path), rack, lengths, si, cool, rel, cost, aux, power)
    t = time.perf_counter()
    claims = claims_table(results)
    tick("claims", t)
    t = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="si_thermal_report_") as tmp:
        tmp = Path(tmp)
        figures = [f for f in (fn(results, tmp) for fn in figs.ALL) if f is not None]
        tick("figures", t)
        t = time.perf_counter()
        path = write_report(Path(out), results, claims, figures, timings)
        tick("pdf", t)
    return path, timings
