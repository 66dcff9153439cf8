"""SIGINT and SIGTERM as exceptions, so an interrupted command unwinds (``finally`` blocks remove
temporary files and stop workers) and exits 130 or 143 (128 + the signal number) with one line."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread on SIGINT or SIGTERM; a KeyboardInterrupt, so code written for
    Ctrl-C (worker pools shutting down) handles SIGTERM the same way."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def signal_number(exc: BaseException) -> int:
    """The signal behind an interrupt exception (SIGINT for a plain KeyboardInterrupt)."""
    return getattr(exc, "signum", signal.SIGINT)


def describe(signum: int) -> str:
    return "interrupted (SIGINT, Ctrl-C)" if signum == signal.SIGINT else \
        f"terminated ({signal.Signals(signum).name})"


def interrupt_of(exc: BaseException) -> KeyboardInterrupt | None:
    """The KeyboardInterrupt in ``exc``'s cause/context chain (click wraps it in Abort), or None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


@contextlib.contextmanager
def interrupts_as_exceptions() -> Iterator[list[int]]:
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted` in the main thread; a second
    signal while the first unwinds ends the process at once with 128 + signum. Yields the list of
    signals received (so a caller whose framework swallowed the exception still knows)."""
    hits: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield hits
        return
    owner = os.getpid()

    def handler(signum, _frame):
        if os.getpid() != owner:  # a forked worker inherited the handler: behave as Python's default
            if signum == signal.SIGINT:
                raise KeyboardInterrupt
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if hits:
            os._exit(128 + signum)
        hits.append(signum)
        raise Interrupted(signum)

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield hits
    finally:
        for s, h in old.items():
            signal.signal(s, h)
