"""Time the threads of this process and its descendants spent runnable but waiting for a CPU, from
``/proc/PID/task/TID/schedstat`` (run ns, run-queue wait ns), sampled by a background thread: on a
machine shared with other work, ``wall - wait`` of the threads doing the work is the wall a free
machine would have given. A process that exits between two samples loses at most one interval.
Linux only; elsewhere nothing is sampled and every wait is 0."""

from __future__ import annotations

import os
import threading
import time


def _children(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/children") as f:
                    kids = [int(c) for c in f.read().split()]
                out += kids
                todo += kids
        except OSError:
            pass
    return out


def _threads(pid: int) -> dict[tuple[int, int], tuple[float, float]]:
    out = {}
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                run, wait = f.read().split()[:2]
            out[(pid, int(t))] = (int(run) / 1e9, int(wait) / 1e9)
    except (OSError, ValueError):
        pass
    return out


class CpuWait:
    """``with CpuWait() as w: m = w.mark(); ...; w.busiest(m, 2)``: (run s, wait s) of the two threads
    that ran most since the mark."""

    def __init__(self, interval_s: float = 0.2):
        self.interval_s = interval_s
        self.last: dict[tuple[int, int], tuple[float, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            me = os.getpid()
            for p in [me, *_children(me)]:
                self.last.update(_threads(p))
            self._stop.wait(self.interval_s)

    def __enter__(self) -> CpuWait:
        if os.path.exists(f"/proc/{os.getpid()}/schedstat"):
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def mark(self) -> dict:
        time.sleep(2 * self.interval_s)  # the latest state is sampled
        return dict(self.last)

    def busiest(self, since: dict, k: int) -> list[tuple[float, float]]:
        time.sleep(2 * self.interval_s)
        d = [(r - since.get(key, (0.0, 0.0))[0], w - since.get(key, (0.0, 0.0))[1]) for key, (r, w) in self.last.items()]
        return sorted(d, reverse=True)[:k] or [(0.0, 0.0)]
