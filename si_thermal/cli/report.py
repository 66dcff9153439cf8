"""``si-thermal report [SYSTEM...] [-o reports/rack_report.pdf]``: the PDF engineering report."""

from __future__ import annotations

import time
from pathlib import Path

import typer


def report(
    systems: list[str] = typer.Argument(None, help="Systems (rack file stems in boards/racks/); all when omitted."),
    output: Path = typer.Option(Path("reports/rack_report.pdf"), "-o", "--output", help="PDF to write."),
    cooling: bool = typer.Option(True, "--cooling/--no-cooling", help="Run the package FEM (cooling stage)."),
) -> None:
    """Evaluate the rack systems (geometry, SI, cooling, reliability, cost, claims) and write the PDF."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from si_thermal.report.build import build_report

    from si_thermal.system.model import resolve

    resolve(systems or None)  # an unknown system fails here, before any progress output
    console = Console(stderr=True)
    t0 = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("report", total=None)

        def on_stage(stage: str, done: int, total: int) -> None:
            progress.update(task, description=f"report: {stage}", completed=done, total=total)

        path, timings = build_report(systems or None, output, with_cooling=cooling, on_stage=on_stage)
    table = Table(title="wall time by stage")
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    for k, v in timings.items():
        table.add_row(k, f"{v:.1f}")
    table.add_row("total", f"{time.perf_counter() - t0:.1f}")
    console.print(table)
    typer.echo(f"wrote {path}")


def register(app: typer.Typer) -> None:
    app.command()(report)
