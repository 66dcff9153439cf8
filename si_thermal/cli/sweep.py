"""``si-thermal sweep``: a design of experiments over a channel or a rack file (see :mod:`si_thermal.sweep`)."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import typer

from si_thermal.errors import InputError
from si_thermal.si.com.params import COM_THRESHOLD_DB


@contextmanager
def progress_bar(total_label: str):
    """A rich progress bar on stderr with rate (points/s) and ETA, shown from the first update (after
    validation: bad input prints its one line only); yields the update callback."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task):
            return Text("-- pts/s" if task.speed is None else f"{task.speed:.3g} pts/s")

    console = Console(stderr=True)
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(),
                   TextColumn("ETA"), TimeRemainingColumn(), TimeElapsedColumn(), console=console, transient=True,
                   disable=not console.is_terminal)
    task = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task(total_label, total=total, completed=done)
        bar.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        if task is not None:
            bar.stop()


def _list(text: str | None) -> tuple[str, ...]:
    return tuple(k.strip() for k in (text or "").split(",") if k.strip())


def sweep(
    file: Path = typer.Argument(..., help="Channel TOML file, or a rack file (boards/racks/*.toml)."),
    param: list[str] = typer.Option([], "--param", help="NAME=V1,V2 | NAME=START:STOP:STEP | NAME=LO:HI (SI units "
                                    "or quantity strings). Channel: length_m, rate or SEGMENT.FIELD. Rack: rate, awg, "
                                    "gpu_power_w, height_scale, width_scale, rack_height_m, service_loop_m, breakout_m. "
                                    "Repeatable."),
    rate: str = typer.Option(None, "--rate", help="SerDes rate key(s), crossed with the design (channel default "
                                                  "200g,224g; rack default: each link's own rate)."),
    design: str = typer.Option("grid", "--design", help="grid (full factorial), lhs (Latin hypercube) or sobol."),
    samples: int = typer.Option(None, "--samples", help="Points of an lhs or sobol design."),
    seed: int = typer.Option(0, "--seed", help="Seed of an lhs or sobol design."),
    metrics: str = typer.Option(None, "--metrics", help="Channel: il,com,il_reach,com_reach (default il). "
                                                        "Rack: si,com,cooling (default si)."),
    std: str = typer.Option(None, "--std", help="COM parameter set (as in `link`; default: the rate's own)."),
    extrapolation: str = typer.Option("fit", "--extrapolation", help="COM band extension: fit or com."),
    search: str = typer.Option("fast", "--search", help="COM equalizer search: fast or full."),
    com_threshold_db: float = typer.Option(COM_THRESHOLD_DB, "--com-threshold-db", help="COM pass threshold, dB."),
    fext: list[Path] = typer.Option([], "--fext", help="FEXT aggressor Touchstone file for COM (repeatable)."),
    next_: list[Path] = typer.Option([], "--next", help="NEXT aggressor Touchstone file for COM (repeatable)."),
    out: Path = typer.Option(..., "--out", help="results.parquet (streamed, with provenance) or results.csv."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted sweep: skip points in --out."),
    jobs: int = typer.Option(0, "--jobs", min=0, help="Local worker processes (0: all cores, serial when small)."),
    scheduler: str = typer.Option(None, "--scheduler", help="Run on a Dask distributed cluster: tcp://HOST:PORT."),
    batch_size: int = typer.Option(None, "--batch-size", min=1, help="Points per task (default: about 1 s of work)."),
    flush_s: float = typer.Option(2.0, "--flush-s", min=0.0, help="Write finished rows at least this often, s."),
    connect_timeout_s: float = typer.Option(10.0, "--connect-timeout-s", help="How long to wait for the scheduler "
                                                                              "and its first worker, s."),
) -> None:
    """Sweep channel or rack parameters over a design; one row per point, failed points keep their error."""
    from si_thermal import config
    from si_thermal.sweep import ChannelStudy, RackStudy, Sweep, parse_factors, run_sweep
    from si_thermal.sweep.sink import FORMATS

    if out.suffix.lower() not in FORMATS:
        raise InputError(out, "--out", f"results file must end in {' or '.join(FORMATS)}")
    from si_thermal.cli.output import check_writable

    check_writable(out, "--out")  # before any point runs
    max_jobs = 4 * (os.cpu_count() or 1)
    if jobs > max_jobs:
        raise InputError(None, "--jobs", f"{jobs} workers; at most {max_jobs} (4 per core) on this machine")
    if scheduler is not None and jobs:
        raise InputError(None, "--jobs", "--jobs is for local processes; the cluster decides with --scheduler")
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
        raise InputError(None, "--scheduler", f"expected tcp://HOST:PORT, got {scheduler!r}")
    if not file.exists():
        raise InputError(file, None, "file not found")
    kind = config.file_kind(config.read_toml(file), file)
    factors = tuple(parse_factors(param))
    rates = _list(rate)
    if rates:
        from si_thermal.si.rates import serdes_rate

        for k in rates:
            serdes_rate(k)
    if kind == "rack":
        if fext or next_:
            raise InputError(None, "--fext", "aggressor files are for channel sweeps")
        config.load_rack(file)
        for f in factors:  # a gauge must be one: awg = 26.4 used to run as 26
            for v in (f.levels if f.name == "awg" else ()):
                why = config.check_si(config.TwinaxSegment, "awg", v) if isinstance(v, float) else "not a number"
                if why is not None:
                    raise InputError(None, "--param", f"awg = {v}: {why}")
        m = _list(metrics) or ("si",)
        if any(f.name == "gpu_power_w" for f in factors) and "cooling" not in m:
            m = (*m, "cooling")
        study = RackStudy(str(file.resolve()), m)  # absolute: workers may run elsewhere
    elif kind == "channel":
        config.load_channel(file)
        if not rates and not any(f.name == "rate" for f in factors):
            rates = ("200g", "224g")
        study = ChannelStudy(str(file.resolve()), _list(metrics) or ("il",), std=std, extrapolation=extrapolation,
                             search=search, com_threshold_db=com_threshold_db,
                             fext=tuple(str(f.resolve()) for f in fext),
                             next=tuple(str(f.resolve()) for f in next_))
    else:
        raise InputError(file, None, f"a sweep takes a channel or a rack file, not a {kind} file")
    spec = Sweep(study, factors, design, samples, seed, rates)
    try:
        with progress_bar(f"sweep {file.name}") as update:
            res = run_sweep(spec, out, resume=resume, scheduler=scheduler, jobs=jobs or None,
                            batch_size=batch_size, command=["si-thermal", *sys.argv[1:]], on_progress=update,
                            connect_timeout_s=connect_timeout_s, flush_s=flush_s)
    except KeyboardInterrupt as exc:  # after run_sweep stopped the workers and wrote the finished rows
        from si_thermal.signals import signal_number

        typer.echo(f"interrupted: finished rows are in {out}; run the same command with --resume to go on",
                   err=True)
        sys.exit(128 + signal_number(exc))  # 130 Ctrl-C, 143 SIGTERM
    rate_s = res.ran / res.wall_s if res.wall_s > 0 else float("nan")
    if res.ran == 0:
        typer.echo(f"{res.points} points -> {out}: all {res.resumed} already done, nothing to run")
        return
    tail = f", {res.resumed} already done" if res.resumed else ""
    tail += f", {res.failed} failed (see the error column)" if res.failed else ""
    typer.echo(f"{res.points} points -> {out} ({res.rows} rows; ran {res.ran} on {res.engine}, batches of "
               f"{res.batch_size}, {res.wall_s:.1f} s, {rate_s:.3g} points/s{tail})")


def register(app: typer.Typer) -> None:
    from si_thermal.cli.channel import _one_line_warnings

    app.command(name="sweep")(_one_line_warnings(sweep))
