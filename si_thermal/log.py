"""Logging through the standard library: the package logs to ``logging.getLogger("si_thermal.*")``
and installs no handler (a library leaves that to its caller); the CLI calls :func:`setup`.

Levels: ``WARNING`` by default, ``INFO`` with ``-v``, ``DEBUG`` with ``-vv``, ``ERROR`` with ``-q``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from si_thermal.errors import InputError

LOGGER_NAME = "si_thermal"
_FORMAT = "%(levelname)s %(name)s: %(message)s"
_FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_state = {"quiet": False, "level": logging.WARNING}


def level_for(verbose: int = 0, quiet: bool = False) -> int:
    if quiet:
        return logging.ERROR
    return {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)


def setup(verbose: int = 0, quiet: bool = False, log_file: str | Path | None = None) -> logging.Logger:
    """Configure the ``si_thermal`` logger for a command-line run: stderr at the chosen level and,
    with ``log_file``, every record at DEBUG into that file (appended). An unwritable log file is
    bad input (exit 2) found before any work starts."""
    logger = logging.getLogger(LOGGER_NAME)
    for h in list(logger.handlers):
        if getattr(h, "_si_thermal_cli", False):
            logger.removeHandler(h)
            h.close()
    level = level_for(verbose, quiet)
    _state.update(quiet=quiet, level=level)
    stream = logging.StreamHandler(sys.stderr)
    stream.setLevel(level)
    stream.setFormatter(logging.Formatter(_FORMAT))
    stream._si_thermal_cli = True
    logger.addHandler(stream)
    logger.setLevel(logging.DEBUG if log_file else level)
    if log_file is not None:
        path = Path(log_file)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fh = logging.FileHandler(path, mode="a", encoding="utf-8")
        except OSError as exc:
            raise InputError(path, "--log-file", f"cannot write the log file ({exc.strerror or exc})") from None
        fh.setLevel(logging.DEBUG)
        fh.setFormatter(logging.Formatter(_FILE_FORMAT))
        fh._si_thermal_cli = True
        logger.addHandler(fh)
    logger.propagate = False
    return logger


def is_quiet() -> bool:
    """Whether the CLI was asked for ``--quiet`` (progress bars stay off)."""
    return bool(_state["quiet"])


logging.getLogger(LOGGER_NAME).addHandler(logging.NullHandler())
