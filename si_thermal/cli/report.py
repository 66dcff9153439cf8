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

    from si_thermal import config

    for path in resolve(systems or None).values():  # an unknown system or a bad rack file fails here,
        config.load_rack(path)  # before any progress output or file is written

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


def _values(text: str) -> tuple:
    """``V1,V2,...`` (numbers or words such as rate keys) or ``START:STOP:STEP``."""
    if ":" in text:
        from si_thermal.si.sweep import parse_param

        return parse_param(f"x={text}")[1]
    out = []
    for v in text.split(","):
        v = v.strip()
        try:
            out.append(int(v) if v.lstrip("-").isdigit() else float(v))
        except ValueError:
            out.append(v)
    return tuple(out)


def rack_sweep(rack: Path, param: list[str], rates: list[str] | None, out: Path, jobs: int) -> None:
    """The rack branch of ``si-thermal sweep``: margins per point of a grid of rack parameters
    (rate, awg, gpu_power_w, height_scale, width_scale, rack_height_m, service_loop_m, breakout_m, com)."""
    import csv
    import io
    import json

    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from si_thermal import config
    from si_thermal.atomic import write_text
    from si_thermal.errors import InputError
    from si_thermal.system.sweep import rack_grid, run_rack_sweep

    config.load_rack(rack)
    pairs = []
    for spec in param:
        if "=" not in spec:
            raise InputError(None, "--param", f"expected NAME=V1,V2 or NAME=START:STOP:STEP, got '{spec}'")
        name, vals = spec.split("=", 1)
        pairs.append((name.strip(), _values(vals)))
    if rates:
        pairs.append(("rate", tuple(rates)))
    points = rack_grid(pairs) if pairs else [{}]
    with Progress(transient=True) as bar:
        task = bar.add_task(f"rack sweep, {len(points)} points", total=len(points))
        rows = run_rack_sweep(str(rack), points, jobs, progress=lambda n: bar.advance(task, n))
    keys = list(dict.fromkeys(k for r in rows for k in r))
    table = Table(title=f"{rack.name}: margins per point")
    for k in keys:
        table.add_column(k, overflow="fold")
    for r in rows:
        table.add_row(*[f"{r[k]:.4g}" if isinstance(r.get(k), float) else str(r.get(k, "")) for k in keys])
    Console(width=220).print(table)
    if out.suffix.lower() == ".json":
        write_text(out, json.dumps(rows, indent=1))
    else:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)
        write_text(out, buf.getvalue())
    failed = sum(1 for r in rows if r.get("error"))
    typer.echo(f"{len(points)} points -> {out}" + (f" ({failed} points failed)" if failed else ""))


def register(app: typer.Typer) -> None:
    app.command()(report)
