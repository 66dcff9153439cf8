"""The project's error types: each carries what the CLI needs to print one line and exit."""

from __future__ import annotations

from pathlib import Path


class SiThermalError(Exception):
    """Base class: an error the CLI reports in one line, without a traceback."""

    exit_code = 2


class InputError(SiThermalError):
    """Bad input: a file, and the field in it, that cannot be used.

    ``str(err)`` is the one line the CLI prints: ``FILE: FIELD: MESSAGE``.
    """

    def __init__(self, file: str | Path | None, field: str | None, message: str):
        self.file = str(file) if file is not None else None
        self.field = field
        self.message = message
        super().__init__(self.line())

    def line(self) -> str:
        parts = [p for p in (self.file, self.field) if p]
        return ": ".join([*parts, self.message])


class ConvergenceError(SiThermalError):
    """A solver that did not converge: says which solver, after how many iterations, how far off."""

    exit_code = 3
