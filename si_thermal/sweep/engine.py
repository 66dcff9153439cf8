"""Where the points run: in this process, in local worker processes, or on a Dask distributed cluster.

Every engine runs the same plain function, :func:`run_batch`, on batches of points and hands back each
batch's rows as it finishes, so results do not depend on the engine. A batch lost with its worker is
run again (local pool: the pool is rebuilt; Dask: the scheduler reassigns it, and a batch that ends
in ``KilledWorker`` is resubmitted) up to ``retries`` times. Leaving the ``with`` block, normally or
by an exception (KeyboardInterrupt, SIGTERM turned into one), cancels what is left and stops the
local workers, so no process outlives the sweep. Every process that runs a batch first pins glibc's
malloc thresholds (:mod:`si_thermal.sweep.malloc`): Dask's workers, and processes spawned next to a
Dask nanny, start without glibc's dynamic mmap threshold, which doubles the CPU of a COM point.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context

from si_thermal.errors import InputError, SiThermalError
from si_thermal.sweep import malloc

Batch = list[tuple[str, dict]]  # (point key, parameters)
RETRIES = 3
CONNECT_TIMEOUT_S = 10.0


def run_batch(study, batch: Batch) -> list[tuple[str, dict]]:
    """(key, row) per point: the study's columns and ``error`` ("" or one line); a failing point is
    recorded, not raised (a solver failing at one point must not stop the others). Warnings of single
    points (band extension, closed-form range) are not kept: Python's warning state is shared by a
    process's threads, so they could not be told apart; ``si-thermal channel`` / ``link`` show them."""
    import warnings

    malloc.pin()  # once per process: a Dask worker (or one spawned beside it) lost glibc's dynamic thresholds
    out = []
    for key, params in batch:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                row = study.evaluate(params)
            row["error"] = ""
        except Exception as err:  # noqa: BLE001 - recorded per point
            msg = str(err) if isinstance(err, SiThermalError) else f"{type(err).__name__}: {err}"
            row = {"error": " ".join(msg.split()) or type(err).__name__}
        out.append((key, row))
    return out


def _ignore_sigint() -> None:
    """Worker initializer: Ctrl-C reaches the whole process group; the parent alone handles it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class SerialEngine:
    """Every batch in this process, in order."""

    name = "serial"
    slots = 1

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def map(self, study, batches: Iterable[Batch]) -> Iterator[list]:
        for b in batches:
            yield run_batch(study, b)


#: One BLAS/OpenMP thread per worker process (the parallelism is across processes; more threads only
#: contend for the same cores). Dask's nanny sets the same for its workers. A value the user set is kept.
WORKER_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class ProcessEngine:
    """``jobs`` local worker processes (spawn start method: no state inherited from the parent)."""

    def __init__(self, jobs: int):
        self.slots = max(1, int(jobs))
        self.name = f"{self.slots} local processes"
        self._pool: ProcessPoolExecutor | None = None
        self._env_set: list[str] = []

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.slots, mp_context=get_context("spawn"), initializer=_ignore_sigint)

    def __enter__(self):
        # spawned workers read the environment when they start (which is on demand, while the pool lives)
        self._env_set = [k for k in WORKER_ENV if k not in os.environ]
        os.environ.update({k: WORKER_ENV[k] for k in self._env_set})
        self._pool = self._new_pool()
        return self

    def _stop(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        procs = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
                p.join(timeout=5)

    def __exit__(self, exc_type, *exc) -> None:
        try:
            if exc_type is None and self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
            self._stop()
        finally:
            for k in self._env_set:
                os.environ.pop(k, None)

    def submit(self, fn, *args):
        """One call of ``fn(*args)`` in a worker: its future (for callers that are not batch sweeps)."""
        return self._pool.submit(fn, *args)

    def map(self, study, batches: Iterable[Batch]) -> Iterator[list]:
        todo = list(batches)
        attempts = [0] * len(todo)
        queue = list(range(len(todo)))
        running: dict = {}
        limit = 2 * self.slots  # batches in flight: little is lost to an interrupt
        while queue or running:
            while queue and len(running) < limit:
                i = queue.pop(0)
                running[self._pool.submit(run_batch, study, todo[i])] = i
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                i = running.pop(fut)
                try:
                    rows = fut.result()
                except BrokenProcessPool:
                    broken = True
                    attempts[i] += 1
                    if attempts[i] > RETRIES:
                        raise SiThermalError(f"a batch of {len(todo[i])} points lost its worker process "
                                             f"{attempts[i]} times; giving up") from None
                    queue.insert(0, i)
                    continue
                yield rows
            if broken:  # a worker died: every batch in flight is lost; rebuild the pool and rerun them
                for fut, i in running.items():
                    if not fut.done() or fut.exception() is not None:
                        queue.insert(0, i)
                    else:
                        yield fut.result()
                running.clear()
                self._stop()
                self._pool = self._new_pool()


class DaskEngine:
    """Batches as tasks on the Dask distributed scheduler at ``address`` (``tcp://HOST:PORT``)."""

    def __init__(self, address: str, connect_timeout_s: float = CONNECT_TIMEOUT_S):
        self.address = address
        self.timeout = connect_timeout_s
        self.client = None
        self.slots = 1
        self.name = f"Dask scheduler {address}"
        self._futures: list = []

    def __enter__(self):
        try:
            from distributed import Client
        except ImportError as err:
            raise InputError(None, "--scheduler", f"Dask distributed is not installed ({err})") from None
        try:
            self.client = Client(self.address, timeout=self.timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as err:
            raise InputError(None, "--scheduler", f"cannot reach the Dask scheduler at {self.address} "
                                                  f"within {self.timeout:g} s ({' '.join(str(err).split())[:160]})") from None
        try:
            self.client.wait_for_workers(1, timeout=self.timeout)
        except (TimeoutError, OSError):
            self.client.close()
            raise InputError(None, "--scheduler", f"the Dask scheduler at {self.address} has no workers "
                                                  f"(waited {self.timeout:g} s)") from None
        workers = self.client.scheduler_info().get("workers", {})
        self.slots = max(1, sum(w.get("nthreads", 1) for w in workers.values()))
        self.name = f"Dask scheduler {self.address} ({len(workers)} worker(s), {self.slots} thread(s))"
        return self

    def __exit__(self, *exc) -> None:
        if self.client is None:
            return
        try:
            if self._futures:
                self.client.cancel(self._futures, force=True)
        finally:
            self.client.close(timeout=5)
            self.client = None

    def map(self, study, batches: Iterable[Batch]) -> Iterator[list]:
        from distributed import as_completed

        todo = list(batches)
        attempts = {}
        futs = {}
        for i, b in enumerate(todo):
            f = self.client.submit(run_batch, study, b, pure=False, retries=RETRIES)
            futs[f.key] = i
            self._futures.append(f)
        ac = as_completed(self._futures, loop=self.client.loop)
        for fut in ac:
            i = futs[fut.key]
            try:
                rows = fut.result()
            except Exception as err:  # noqa: BLE001 - KilledWorker, lost connection to a worker
                attempts[i] = attempts.get(i, 0) + 1
                if attempts[i] > RETRIES:
                    raise SiThermalError(f"a batch failed on the cluster {attempts[i]} times: "
                                         f"{type(err).__name__}: {err}") from None
                f = self.client.submit(run_batch, study, todo[i], pure=False, retries=RETRIES)
                futs[f.key] = i
                self._futures.append(f)
                ac.add(f)
                continue
            yield rows
            fut.release()


def open_engine(scheduler: str | None = None, jobs: int | None = None, connect_timeout_s: float = CONNECT_TIMEOUT_S):
    """The engine for ``--scheduler`` (a Dask cluster) or ``--jobs`` (local processes; 1: serial)."""
    if scheduler:
        return DaskEngine(scheduler, connect_timeout_s)
    jobs = jobs or os.cpu_count() or 1
    return SerialEngine() if jobs <= 1 else ProcessEngine(jobs)
