"""Each distinct warning printed once per command-line run.

Python's "default" warning action prints a warning once per code location, but every
``warnings.catch_warnings()`` block (the COM and channel code use several) resets that memory, so a
warning raised inside a loop comes back on every pass (``make report`` printed the twinax
``ClosedFormRangeWarning`` 137 times). :func:`install` wraps :func:`warnings.showwarning` for the CLI
process: a warning whose (category, message) was already shown is dropped. The library itself is
unchanged (a test or a caller that records warnings still sees each one).
"""

from __future__ import annotations

import warnings

_seen: set[tuple[type, str]] = set()


def install() -> None:
    """Show each distinct (category, message) once in this process (idempotent)."""
    show = warnings.showwarning
    if getattr(show, "_si_thermal_once", False):
        return

    def once(message, category, filename, lineno, file=None, line=None):
        key = (category, str(message))
        if key in _seen:
            return
        _seen.add(key)
        show(message, category, filename, lineno, file, line)

    once._si_thermal_once = True
    warnings.showwarning = once
