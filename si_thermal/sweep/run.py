"""A sweep from specification to results file: design -> skip finished points -> engine -> sink.

Validation (parameter names, ranges, resume file, scheduler) happens before anything is written, so
bad input leaves a previous results file as it was. Rows stream to the sink as batches finish; an
interrupt (Ctrl-C, or SIGTERM while the sweep runs) stops the workers, writes what finished and
re-raises, so ``--resume`` continues from there.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shlex
import signal
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from si_thermal.errors import InputError
from si_thermal.sweep import sampling
from si_thermal.sweep.engine import open_engine, run_batch
from si_thermal.sweep.params import Factor
from si_thermal.sweep.sink import open_sink

TARGET_BATCH_S = 1.0  # aim for about this much work per task: per-task overhead stays a few per cent
BATCHES_PER_SLOT = 4  # at least this many batches per worker slot, for balance
SERIAL_BELOW_S = 4.0  # local default: a sweep estimated below this runs in this process (spawn costs ~2 s)


@dataclass(frozen=True)
class Sweep:
    """A study (what to compute per point) and a design (which points)."""

    study: object  # ChannelStudy | RackStudy
    factors: tuple[Factor, ...] = ()
    method: str = "grid"
    samples: int | None = None
    seed: int | None = 0
    rates: tuple[str, ...] = ()  # crossed with the design (every point at every rate)

    def points(self) -> list[dict]:
        pts = sampling.design(list(self.factors), self.method, self.samples, self.seed)
        if self.rates:
            if any(f.name == "rate" for f in self.factors):
                raise InputError(None, "--rate", "give rates either with --rate or as --param rate=..., not both")
            pts = sampling.cross(pts, "rate", self.rates)
        if not pts:
            raise InputError(None, "--param", "the design has no points")
        return pts

    def names(self) -> list[str]:
        return [f.name for f in self.factors] + (["rate"] if self.rates else [])

    def spec(self) -> dict:
        """Everything that decides the points and their rows (the fingerprint's content)."""
        return {"kind": self.study.kind, "file": Path(self.study.path).name, "design": self.method,
                "samples": self.samples, "seed": self.seed if self.method != "grid" else None,
                "factors": [f.as_dict() for f in self.factors], "rates": list(self.rates),
                **self.study.options()}


@dataclass
class Summary:
    out: Path
    points: int
    ran: int
    resumed: int
    failed: int
    rows: int
    engine: str
    batch_size: int
    wall_s: float
    failed_keys: list[str] = field(default_factory=list)


def provenance(sweep: Sweep, columns, command: list[str] | None) -> dict:
    """:func:`si_thermal.provenance.collect` (version, command, SHA-256 of the input file and every
    file it names, transitively, and the packaged tables) plus the sweep's specification, its
    fingerprint (hash of the specification and the input hashes) and the column types."""
    from si_thermal import provenance as prov

    files = sweep.study.input_paths() if hasattr(sweep.study, "input_paths") else [sweep.study.path]
    p = prov.collect(files, command=None if command is None else shlex.join(command)).to_dict()
    spec = sweep.spec()
    fp = hashlib.sha256(json.dumps({"spec": spec, "inputs": sorted(p["inputs_sha256"].values())},
                                   sort_keys=True).encode())
    return {**p, "sweep": spec, "fingerprint": fp.hexdigest(), "columns": columns}


def _columns(sweep: Sweep, points: list[dict]) -> list[tuple[str, str]]:
    params = []
    for name in sweep.names():
        numeric = all(isinstance(p[name], float) for p in points)
        params.append((name, "float" if numeric else "str"))
    return [("point", "int"), ("point_key", "str"), *params, *sweep.study.columns(), ("error", "str")]


@contextmanager
def _sigterm_as_interrupt():
    """During the sweep SIGTERM raises KeyboardInterrupt (so the finally blocks run); afterwards the
    signal is delivered again to whatever handler was there before (default: exit 143)."""
    got = []

    def handler(signum, frame):
        got.append(signum)
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        if got:
            os.kill(os.getpid(), signal.SIGTERM)


def _batches(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def run_sweep(sweep: Sweep, out: Path, *, resume: bool = False, scheduler: str | None = None,
              jobs: int | None = None, batch_size: int | None = None, command: list[str] | None = None,
              on_progress: Callable[[int, int], None] | None = None, flush_s: float = 2.0,
              connect_timeout_s: float = 10.0) -> Summary:
    """Run ``sweep`` into ``out`` (.parquet or .csv). ``jobs``: local processes (None: all cores, serial
    when the sweep is small; 1: serial); ``scheduler``: a Dask scheduler address instead.
    ``on_progress(done, total)`` after each batch."""
    t0 = time.perf_counter()
    out = Path(out)
    points = sweep.points()
    sweep.study.check(sweep.names())
    columns = _columns(sweep, points)
    meta = provenance(sweep, columns, command)
    sink = open_sink(out, columns, meta, resume, flush_s=flush_s)
    done = sink.open()
    keyed = [(i, sampling.point_key(p), p) for i, p in enumerate(points)]
    todo = [(i, k, p) for i, k, p in keyed if k not in done]
    index = {k: (i, p) for i, k, p in keyed}
    resumed = len(points) - len(todo)
    total = len(points)
    counter = {"done": resumed, "failed": 0, "failed_keys": []}

    def take(results) -> None:
        rows = []
        for key, row in results:
            i, p = index[key]
            rows.append(sink.row(i, key, p, row))
            if row.get("error"):
                counter["failed"] += 1
                counter["failed_keys"].append(key)
        sink.add(rows)
        counter["done"] += len(results)
        if on_progress:
            on_progress(counter["done"], total)

    with _sigterm_as_interrupt(), ExitStack() as stack:
        pre, dt = [], None
        if scheduler is not None:  # connect first: an unreachable scheduler changes nothing on disk
            engine = stack.enter_context(open_engine(scheduler, None, connect_timeout_s))
        if todo and batch_size is None:
            # time a point here (a second one: the first pays for imports and caches); it sizes the
            # batches and, by default, says whether worker processes pay for their start
            for _ in range(min(2, len(todo))):
                t1 = time.perf_counter()
                pre += run_batch(sweep.study, [(todo[0][1], todo[0][2])])
                dt = max(time.perf_counter() - t1, 1e-4)
                todo = todo[1:]
        if scheduler is None:
            if jobs is None:
                jobs = 1 if dt is None or dt * len(todo) < SERIAL_BELOW_S else (os.cpu_count() or 1)
            engine = stack.enter_context(open_engine(None, jobs))
        size = batch_size or 1
        name = engine.name
        sink.start()
        if on_progress:
            on_progress(resumed, total)
        try:
            if pre:
                take(pre)
            if todo:
                if batch_size is None:
                    size = max(1, min(math.ceil(TARGET_BATCH_S / dt),
                                      math.ceil(len(todo) / (BATCHES_PER_SLOT * engine.slots))))
                for results in engine.map(sweep.study, _batches([(k, p) for _, k, p in todo], size)):
                    take(results)
        finally:
            rows = sink.close()
    return Summary(out=out, points=total, ran=total - resumed, resumed=resumed, failed=counter["failed"],
                   rows=rows, engine=name, batch_size=size, wall_s=time.perf_counter() - t0,
                   failed_keys=counter["failed_keys"])
