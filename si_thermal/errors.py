"""The project's error types: each carries what the CLI needs to print one line and exit."""

from __future__ import annotations

from pathlib import Path


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped (``\\r``, ``\\x00``): an error
    quoting a user's value stays one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


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
        return one_line(": ".join([*parts, self.message]))


class ConvergenceError(SiThermalError):
    """A solver that did not converge: says which solver, after how many iterations, how far off."""

    exit_code = 3
