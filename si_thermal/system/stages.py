"""Stage bookkeeping shared by the system models: a stage that cannot run for a system (no package
file, no MTBF in the sources, no channel for a link group) is skipped visibly (:class:`StageSkipped`,
with the reason), never filled with invented numbers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StageSkipped:
    """A stage that did not run: which stage, and why (an input the sources do not give)."""

    stage: str
    reason: str
