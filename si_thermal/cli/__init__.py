"""The ``si-thermal`` command line: a thin layer that loads inputs, calls solvers, writes outputs.

Each command group lives in its own module of this package and registers itself on :data:`app`.
Bad input raises :class:`si_thermal.errors.SiThermalError`; :func:`main` prints its one line to
stderr and exits with its status (2 for bad input), never with a traceback.

Root options (before the command): ``--verbose/-v`` (repeat for DEBUG), ``--quiet/-q``,
``--log-file PATH``, ``--version``; ``--install-completion``/``--show-completion`` for the shell.
Plotting picks the non-interactive Agg backend here, in the CLI only (a library import never
changes a notebook's backend).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from si_thermal import __version__, log
from si_thermal.errors import SiThermalError, one_line

app = typer.Typer(
    name="si-thermal",
    help="Signal integrity, thermal FEM and reliability of AI rack interconnects (NVL72 to NVL576).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,  # help text is plain: "[backplane]" is an extra, not Rich markup
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"si-thermal {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, show_default=False,
                                help="More log output on stderr: -v INFO, -vv DEBUG."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors on stderr; no progress bars."),
    log_file: Path | None = typer.Option(None, "--log-file", help="Also write every log record (DEBUG) to this file."),
) -> None:
    """si_thermal command line."""
    log.setup(verbose=verbose, quiet=quiet, log_file=log_file)
    _use_agg()


def _use_agg() -> None:
    """The CLI writes image files and never opens a window: matplotlib's Agg backend."""
    import matplotlib

    matplotlib.use("Agg")


def _register() -> None:
    from si_thermal.cli import backplane, basics, channel

    from si_thermal.cli import report

    from si_thermal.cli import thermal

    from si_thermal.cli import link

    from si_thermal.cli import sweep

    from si_thermal.cli import xsection

    for module in (basics, channel, backplane, report, thermal, link, xsection, sweep):
        module.register(app)


_register()


def main() -> None:
    """Console-script entry point: run the app, turning project errors into one line + status.

    Ctrl-C (SIGINT) and SIGTERM raise :class:`~si_thermal.signals.Interrupted` in the main thread, so
    ``finally`` blocks run (temporary files removed, workers stopped) and nothing partial is left
    under a final name; the process then exits 130 or 143 with one line.
    """
    from si_thermal import signals, warn_once

    warn_once.install()  # each distinct warning once per run (a catch_warnings block resets the registry)
    with signals.interrupts_as_exceptions() as received:
        try:
            status = app(standalone_mode=False)
        except SiThermalError as err:
            typer.echo(f"error: {one_line(str(err))}", err=True)
            sys.exit(err.exit_code)
        except typer.Exit as exc:
            sys.exit(exc.exit_code)
        except SystemExit as exc:  # a command that reported its own interrupt (sweep: rows kept) exits as is
            if received and exc.code in (130, 143):
                sys.exit(128 + received[0])
            raise
        except KeyboardInterrupt as exc:
            _interrupted(exc)
        except BaseException as exc:  # noqa: BLE001 - sorted below, everything else re-raised
            cause = signals.interrupt_of(exc)
            if cause is not None:  # click turns KeyboardInterrupt into Abort
                _interrupted(cause)
            if type(exc).__name__ == "Abort":
                typer.echo("aborted", err=True)
                sys.exit(1)
            # usage errors: click's, or typer._click's (typer >= 0.2x vendors click)
            if callable(getattr(exc, "format_message", None)) and isinstance(getattr(exc, "exit_code", None), int):
                ctx = getattr(exc, "ctx", None)
                hint = f" (see {ctx.command_path} --help)" if ctx is not None else ""
                typer.echo(one_line(f"error: {exc.format_message()}{hint}".replace("\n", " ")), err=True)
                sys.exit(exc.exit_code)
            if isinstance(exc, OSError) and exc.filename is not None:
                typer.echo(one_line(f"error: {exc.filename}: {exc.strerror or exc}"), err=True)
                sys.exit(2)
            if isinstance(exc, MemoryError):
                typer.echo("error: out of memory (reduce the points, grid or workers)", err=True)
                sys.exit(1)
            raise
        # typer turns KeyboardInterrupt into Exit(130) and, outside standalone mode, *returns* the
        # exit status (this used to end as a silent exit 0 after Ctrl-C)
        if received:
            _interrupted(signals.Interrupted(received[0]))
        if status == 130:
            _interrupted(KeyboardInterrupt())
        if isinstance(status, int) and not isinstance(status, bool) and status:
            sys.exit(status)


def _interrupted(exc: BaseException) -> None:
    from si_thermal import signals

    signum = signals.signal_number(exc)
    typer.echo(f"error: {signals.describe(signum)}; stopped, no partial output left", err=True)
    sys.exit(128 + signum)
