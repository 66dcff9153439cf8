"""Console-script entry point that is safe from the first instruction.

Importing the CLI (typer, rich, numpy, scikit-rf) takes 1-5 s. A SIGINT or SIGTERM in that window
would otherwise get Python's default behaviour (a KeyboardInterrupt traceback, or a silent death by
signal). This module uses the standard library only: it installs handlers that print one line and
exit 130/143 (128 + signal number) before anything is imported; nothing has been written yet, so
there is nothing to clean up. :func:`si_thermal.cli.main` then installs the handlers that unwind
running commands. The only window left is the interpreter's own start-up (tens of ms, before any
project code runs).
"""

from __future__ import annotations

import os
import signal


def _early(signum: int, _frame) -> None:
    what = "interrupted (SIGINT, Ctrl-C)" if signum == signal.SIGINT else f"terminated ({signal.Signals(signum).name})"
    try:
        os.write(2, f"{what}\n".encode())
    finally:
        os._exit(128 + signum)


def main() -> None:
    """Install the start-up handlers, then import and run the CLI."""
    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, _early)
    from si_thermal.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
