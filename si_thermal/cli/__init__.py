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
from si_thermal.errors import SiThermalError

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
    """Console-script entry point: run the app, turning project errors into one line + status."""
    try:
        app(standalone_mode=False)
    except SiThermalError as err:
        typer.echo(f"error: {err}", err=True)
        sys.exit(err.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # usage errors: click's, or typer._click's (typer >= 0.2x vendors click)
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        raise
