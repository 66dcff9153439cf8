"""Stage bookkeeping shared by the system models: a stage whose solver has not landed is skipped
visibly (:class:`StageSkipped`), never filled with invented numbers."""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class StageSkipped:
    """A stage that did not run: which stage, and why (usually a solver module that is missing)."""

    stage: str
    reason: str


def solver(module: str, *names: str):
    """Import ``names`` from ``module``; return them, or a :class:`StageSkipped` reason string."""
    try:
        mod = importlib.import_module(module)
    except ImportError as err:
        return f"solver module {module} is not available ({err})"
    missing = [n for n in names if not hasattr(mod, n)]
    if missing:
        return f"solver {module} has no {', '.join(missing)}"
    objs = tuple(getattr(mod, n) for n in names)
    return objs[0] if len(objs) == 1 else objs
