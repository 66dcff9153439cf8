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

STAGES = (*model.STAGES, "claims", "figures", "pdf")


def build_report(names: list[str] | None, out: Path, *, with_cooling: bool = True,
                 on_stage: Callable[[str, int, int], None] | None = None) -> tuple[Path, dict[str, float]]:
    """Evaluate ``names`` (all systems when empty), write the report to ``out``; return (path, timings).
    Systems run in local worker processes (:mod:`si_thermal.system.batch`); a stage's time is then
    the sum over the workers (CPU-side), not wall time."""
    chosen = model.resolve(names)
    timings = {s: 0.0 for s in STAGES}
    total = len(chosen) * len(model.STAGES) + 3
    done = 0

    def stage_done(stage: str, seconds: float) -> None:
        nonlocal done
        timings[stage] += seconds
        done += 1
        if on_stage:
            on_stage(stage, done, total)

    def tick(stage: str, t0: float) -> None:
        stage_done(stage, time.perf_counter() - t0)

    from si_thermal.system.batch import evaluate_systems

    results = evaluate_systems(chosen, with_cooling=with_cooling, on_stage=stage_done)  # worker processes
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
