"""The report's last guard against a NaN verdict: every string the PDF will show is scanned for a
non-finite number ('nan', 'inf', 'infinity' as a token) before anything is written. Values that
were not evaluated are printed as words ('none', 'not evaluated'), never as NaN."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from reportlab.platypus import KeepTogether, Paragraph, Table

_NON_FINITE = re.compile(r"(?<![A-Za-z0-9_])[+-]?(nan|inf|infinity)(?![A-Za-z0-9_])", re.IGNORECASE)


def _texts(flowable) -> Iterator[str]:
    if isinstance(flowable, Paragraph):
        yield flowable.getPlainText()
    elif isinstance(flowable, Table):
        for row in flowable._cellvalues:
            for cell in row:
                yield from (_texts(cell) if not isinstance(cell, str) else [cell])
    elif isinstance(flowable, KeepTogether):
        for f in flowable._content:
            yield from _texts(f)
    elif isinstance(flowable, (list, tuple)):
        for f in flowable:
            yield from _texts(f)
    elif isinstance(flowable, str):
        yield flowable


def first_non_finite(story: Iterable) -> tuple[str, str] | None:
    """``(where, text)`` for the first string in ``story`` that shows a non-finite number, else None.
    ``where`` is the last heading or caption before it, so the error points at the table."""
    where = "the first page"
    for flowable in story:
        for text in _texts(flowable):
            if isinstance(flowable, Paragraph) and (text.startswith(("Table ", "Figure ")) or
                                                    flowable.style.name.startswith("Heading")):
                where = text[:80]
            if _NON_FINITE.search(text):
                return where, text.strip()[:120]
    return None
