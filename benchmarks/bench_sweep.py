"""Benchmark of the sweep engines: throughput of an IL sweep and a COM sweep run serially, on 2 local
worker processes and on a 2-worker Dask cluster (LocalCluster, worker processes, 127.0.0.1), the
parallel efficiency ``T_serial / (2 T_2)`` and the per-task overhead of each engine (empty tasks).

Run: ``.venv/bin/python benchmarks/bench_sweep.py [--il-points 10000] [--com-points 500] [--quick]``.
Targets (issue 16): parallel efficiency >= 0.8 on 2 workers. The engines' own start (spawning the
pool, the cluster) is inside the local-process time; the Dask cluster is started and warmed (workers
have imported the models) before its timing, as a user's long-lived cluster would be.

Two efficiencies are printed: wall-clock ``T_1 / (2 T_2)``, which needs two free cores (on a machine
shared with other work it measures the share of the CPU the sweep got), and CPU work
``C_1 / C_2`` (CPU seconds of the serial run over CPU seconds of all processes of the parallel run),
which is the engine's own cost (spawn, imports, pickling, scheduling) whatever the load. "cores busy"
(CPU s over wall s) shows the share a run got: on a free machine about 1 serial, about 2 on 2 workers.
A third, "wall less CPU wait", takes from each wall the time the working threads were runnable but
waited for a CPU (/proc schedstat, :mod:`cpu_wait`): the wall-clock efficiency a free machine gives.
Where the kernel has ``sched_autogroup`` on (the shared development machine), each session is one
scheduling group and ``nice`` orders processes only inside their own group: niced jobs of other
sessions still take their share.

Every run uses one BLAS/OpenMP thread per process, as the engines' workers do (``sweep.engine.WORKER_ENV``):
otherwise the serial run's batched matrix products spread over both cores (COM: 305 s CPU in 191 s wall)
and "2 workers vs 1" would compare two cores with two cores.

Starting the LocalCluster puts ``MALLOC_TRIM_THRESHOLD_=65536`` into this process's environment (Dask's
nanny does so before spawning its workers), so the local workers spawned later inherit it too; without
:func:`si_thermal.sweep.malloc.pin` every numpy temporary above 128 KiB would then be a fresh mmap
(COM: ~90,000 minor page faults a point instead of ~1,000, 1.7-1.8x the CPU, efficiency 0.51-0.55).
"""

from __future__ import annotations

import os

for _k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_k, "1")  # before numpy is imported: the serial run is one worker

import argparse
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from si_thermal import paths
from si_thermal.sweep import ChannelStudy, Sweep, parse_factor, read_results, run_sweep

from cpu_wait import CpuWait  # benchmarks/, next to this script

SPINE = str(paths.channels_dir() / "nvl72_spine_26awg.toml")


@dataclass(frozen=True)
class EmptyStudy:
    """A study whose points cost nothing: what remains is the engine's per-task overhead."""

    path: str = SPINE
    kind = "empty"

    def check(self, names):
        return None

    def columns(self):
        return []

    def options(self):
        return {}

    def evaluate(self, params):
        return {}


def _cpu_s(client=None) -> float:
    """CPU seconds so far of this process, its reaped children and (with ``client``) the Dask workers."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = time.process_time() + ru.ru_utime + ru.ru_stime
    if client is not None:
        total += sum(client.run(time.process_time).values())
    return total


def timed(sweep: Sweep, tmp: Path, name: str, waits: CpuWait, client=None, **kw) -> tuple[float, float, float, list]:
    """(wall s, CPU s, CPU wait s, rows) of one run; the wait is the mean run-queue wait of the threads
    that did the work (the serial run's main thread, the two workers' busiest threads)."""
    out = tmp / f"{name}.parquet"
    mark = waits.mark()
    c0, t = _cpu_s(client), time.perf_counter()
    res = run_sweep(sweep, out, **kw)
    dt = time.perf_counter() - t
    cpu = _cpu_s(client) - c0
    busy = waits.busiest(mark, 1 if kw.get("jobs") == 1 else 2)
    assert res.failed == 0, f"{res.failed} points failed"
    return dt, cpu, sum(w for _, w in busy) / len(busy), read_results(out)[0]


def engines(sweep: Sweep, tmp: Path, label: str, client, repeat: int = 1) -> None:
    """Each engine ``repeat`` times, the engines taking turns (so a change of load hits them alike);
    the fastest run of each counts."""
    n = len(sweep.points())
    runs = {"serial": {"jobs": 1}, "2 local processes": {"jobs": 2},
            "Dask, 2 workers": {"client": client, "scheduler": client.scheduler.address}}
    best, rows = {}, {}
    with CpuWait() as waits:
        for _ in range(repeat):
            for name, kw in runs.items():
                t, c, w, r = timed(sweep, tmp, name.split()[0].lower(), waits, **kw)
                if name not in best or t < best[name][0]:
                    best[name] = (t, c, w)
                rows[name] = r
    ref = rows["serial"]
    same = all(r == ref for r in rows.values())
    print(f"{label}: {n} points; rows identical (bit for bit) on every engine: {same}; "
          f"load average {os.getloadavg()[0]:.1f}; best of {repeat}")
    t1, c1, w1 = best["serial"]
    for name, (t, c, w) in best.items():
        eff = "" if name == "serial" else (f"   efficiency: wall {t1 / (2 * t):.2f}, wall less CPU wait "
                                           f"{(t1 - w1) / (2 * (t - w)):.2f}, CPU work {c1 / c:.2f}  [target >= 0.8]")
        print(f"  {name:18s} {t:8.1f} s  {n / t:8.1f} points/s  {t / n * 1e3:7.2f} ms/point  "
              f"CPU {c:7.1f} s ({c / t:4.2f} cores busy), waiting for a CPU {w:6.1f} s{eff}")


def overhead(tmp: Path, address: str, sizes: tuple[int, int] = (100, 500)) -> None:
    """Per-task overhead as the marginal cost of an empty one-point task: (T(n2) - T(n1)) / (n2 - n1),
    so the engine's start (spawning, connecting) drops out; the start is printed apart."""
    for name, kw in (("serial", {"jobs": 1}), ("2 local processes", {"jobs": 2}),
                     ("Dask, 2 workers", {"scheduler": address})):
        times = []
        for n in sizes:
            sweep = Sweep(EmptyStudy(), (parse_factor(f"i=0:{n - 1}:1"),))
            t = time.perf_counter()
            run_sweep(sweep, tmp / f"empty-{n}.parquet", batch_size=1, **kw)
            times.append(time.perf_counter() - t)
        per = (times[1] - times[0]) / (sizes[1] - sizes[0])
        print(f"  per-task overhead, {name:18s}: {per * 1e3:6.2f} ms/task; start and finish {times[0] - sizes[0] * per:5.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--il-points", type=int, default=10_000)
    ap.add_argument("--com-points", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=1, help="runs per engine, taking turns; the best counts")
    ap.add_argument("--quick", action="store_true", help="1,000 IL and 40 COM points")
    ap.add_argument("--only", choices=("il", "com"), help="run one of the two sweeps")
    args = ap.parse_args()
    if args.quick:
        args.il_points, args.com_points = 1000, 40
    from distributed import Client, LocalCluster

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    il = Sweep(ChannelStudy(SPINE), (parse_factor("length_m=0.25:3"),), "lhs", args.il_points, 1, ("200g",))
    com = Sweep(ChannelStudy(SPINE, metrics=("il", "com")), (parse_factor("length_m=0.25:3"),), "lhs",
                args.com_points, 2, ("200g",))
    with tempfile.TemporaryDirectory() as tmp, \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address=None) as cluster:
        tmp = Path(tmp)
        warm = Sweep(ChannelStudy(SPINE, metrics=("il", "com")), (parse_factor("length_m=1,2"),), rates=("200g",))
        with Client(cluster.scheduler_address) as client:
            client.wait_for_workers(2)
            run_sweep(warm, tmp / "warm.parquet", scheduler=cluster.scheduler_address, batch_size=1)
            if args.only != "com":
                engines(il, tmp, "IL sweep (IL, RL, FOM_ILD at 200G; LHS over length)", client, args.repeat)
            if args.only != "il":
                engines(com, tmp, "COM sweep (IL metrics + COM 802.3dj at 200G)", client, args.repeat)
            overhead(tmp, cluster.scheduler_address)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
