"""The ``si-thermal`` command line: a thin layer that loads inputs, calls solvers, writes outputs.

Each command group lives in its own module of this package and registers itself on :data:`app`.
Bad input raises :class:`si_thermal.errors.SiThermalError`; :func:`main` prints its one line to
stderr and exits with its status (2 for bad input), never with a traceback.
"""

from __future__ import annotations

import sys

import typer

from si_thermal import __version__
from si_thermal.errors import SiThermalError

app = typer.Typer(
    name="si-thermal",
    help="Signal integrity, thermal FEM and reliability of AI rack interconnects (NVL72 to NVL576).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"si-thermal {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """si_thermal command line."""


def _register() -> None:
    from si_thermal.cli import backplane, basics, channel

    from si_thermal.cli import report

    from si_thermal.cli import thermal

    from si_thermal.cli import link

    from si_thermal.cli import sweep

    for module in (basics, channel, backplane, report, thermal, link, sweep):
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
