"""Progress for command-line runs longer than a few seconds: a Rich bar on stderr when it is a
terminal (and ``--quiet`` was not given), otherwise INFO log lines (``-v``) at each tenth.

Library functions take a plain ``progress(done, total)`` callback; the CLI passes :func:`bar`'s.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterator

from si_thermal import log

_logger = logging.getLogger("si_thermal.cli")

Callback = Callable[[int, int], None]


@contextlib.contextmanager
def bar(description: str, total: int | None = None) -> Iterator[Callback]:
    """Yield ``update(done, total)``; shows a bar while the block runs."""
    if log.is_quiet() or not sys.stderr.isatty():
        last = [-1]

        def update(done: int, tot: int | None = None) -> None:
            tot = tot or total or 0
            tenth = int(10 * done / tot) if tot else 0
            if tenth != last[0]:
                last[0] = tenth
                _logger.info("%s: %d/%d", description, done, tot)

        yield update
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=Console(stderr=True), transient=True) as prog:
        task = prog.add_task(description, total=total)

        def update(done: int, tot: int | None = None) -> None:
            prog.update(task, completed=done, total=tot or total)

        yield update
