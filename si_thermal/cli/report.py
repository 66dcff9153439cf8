"""``si-thermal report [SYSTEM...] [-o reports/rack_report.pdf]``: the PDF engineering report."""

from __future__ import annotations

import time
from pathlib import Path

import typer


def report(
    systems: list[str] = typer.Argument(None, help="Systems (rack file stems in boards/racks/); all when omitted."),
    output: Path = typer.Option(Path("reports/rack_report.pdf"), "-o", "--output", help="PDF to write."),
    cooling: bool = typer.Option(True, "--cooling/--no-cooling", help="Run the package FEM (cooling stage)."),
    each: bool = typer.Option(False, "--each", help="One PDF per system (rack stem or rack file), built in "
                                                    "parallel, into --out-dir."),
    out_dir: Path = typer.Option(Path("reports"), "--out-dir", help="Folder for --each reports."),
    compare: bool = typer.Option(False, "--compare", help="Two systems (or rack-file variants) side by side: "
                                                          "one table, to -o."),
    jobs: int = typer.Option(0, "--jobs", min=0, help="--each/--compare: local worker processes (0: one per "
                                                      "system, up to the cores)."),
    scheduler: str = typer.Option(None, "--scheduler", help="--each/--compare on a Dask cluster: tcp://HOST:PORT "
                                                            "(workers must share the output folder)."),
) -> None:
    """Evaluate the rack systems (geometry, SI, cooling, reliability, cost, claims) and write the PDF."""
    from si_thermal.files import check_output_path

    check_output_path(out_dir if each else output, "--out-dir" if each else "--output", folder=each)  # before work
    if each or compare:
        _batch(systems, output, out_dir, each=each, compare=compare, cooling=cooling, jobs=jobs,
               scheduler=scheduler)
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from si_thermal.report.build import build_report

    from si_thermal import config
    from si_thermal.system.model import resolve

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
    table = Table(title="time by stage (summed over the worker processes; total: wall)")
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    for k, v in timings.items():
        table.add_row(k, f"{v:.1f}")
    table.add_row("total", f"{time.perf_counter() - t0:.1f}")
    console.print(table)
    typer.echo(f"wrote {path}")


def _batch(systems, output: Path, out_dir: Path, *, each: bool, compare: bool, cooling: bool, jobs: int,
           scheduler: str | None) -> None:
    """``--each`` (one PDF per system) or ``--compare`` (two side by side) on the sweep engines."""
    from rich.console import Console
    from rich.table import Table

    from si_thermal.errors import InputError, SiThermalError
    from si_thermal.sweep import reports
    from si_thermal.system.model import resolve

    if each and compare:
        raise InputError(None, "--compare", "choose --each or --compare, not both")
    chosen = resolve(systems or None)  # an unknown system fails here, before any work
    console = Console(stderr=True)
    t0 = time.perf_counter()
    if each:
        if output.suffix.lower() != ".pdf":
            raise InputError(output, "-o", "report file must end in .pdf")
        study = reports.ReportStudy(str(out_dir.resolve()), cooling)
        done = lambda k, r: console.print(f"{k}: {r.get('pdf') or 'failed: ' + r['error']}")  # noqa: E731
        rows, engine = reports.run_each(study, chosen, jobs=jobs or None, scheduler=scheduler, on_done=done)
        failed = [k for k, r in rows.items() if r["error"]]
        typer.echo(f"{len(rows) - len(failed)} reports in {out_dir} ({engine}, {time.perf_counter() - t0:.0f} s)"
                   + (f"; failed: {', '.join(failed)}" if failed else ""))
        if failed:
            raise SiThermalError(f"{len(failed)} of {len(rows)} reports failed: "
                                 + "; ".join(f"{k}: {rows[k]['error']}" for k in failed))
        return
    if len(chosen) != 2:
        raise InputError(None, "--compare", f"give exactly two systems to compare, got {len(chosen)}")
    if output.suffix.lower() != ".pdf":
        raise InputError(output, "-o", "report file must end in .pdf")
    rows, engine = reports.run_each(reports.SystemRowsStudy(with_cooling=cooling), chosen, jobs=jobs or None,
                                    scheduler=scheduler)
    for k, r in rows.items():
        if r["error"]:
            raise SiThermalError(f"{k}: {r['error']}")
        r["path"] = str(chosen[k])
    a, b = rows.values()
    table = reports.side_by_side(a, b)
    reports.write_compare_pdf(output, a, b, table)
    t = Table(title=f"{a['name']} vs {b['name']}")
    for col in ("quantity", a["name"], b["name"]):
        t.add_column(col, overflow="fold")
    for row in table:
        t.add_row(*row)
    Console(width=200).print(t)
    typer.echo(f"wrote {output} ({engine}, {time.perf_counter() - t0:.0f} s)")


def register(app: typer.Typer) -> None:
    app.command()(report)
