"""Benchmark of the channel physics: one evaluation with 2,000 frequency points to 60 GHz, and
parameter sweeps, with their scaling in points and in worker processes.

Run: ``.venv/bin/python benchmarks/bench_channel.py [--quick]``. Targets (issue 3): one evaluation
< 20 ms; a 1,000-point sweep < 30 s on 2 cores. Timings on a shared machine are pessimistic.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from si_thermal import config, paths
from si_thermal.sweep import ChannelStudy, Sweep, parse_factor, run_sweep
from si_thermal.si.channel import channel_network


def best_of(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller sweeps")
    args = ap.parse_args()
    path = paths.channels_dir() / "nvl72_spine_26awg.toml"
    f = np.linspace(0.0, 60e9, 2000)
    ch = config.load_channel(path)
    channel_network((ch, path), f)  # warm caches (materials, stackups)
    t_loaded = best_of(lambda: channel_network((ch, path), f), 20)
    t_file = best_of(lambda: channel_network(path, f), 20)
    print(f"one evaluation, 2,000 points to 60 GHz: {t_loaded * 1e3:.2f} ms (channel loaded), "
          f"{t_file * 1e3:.2f} ms (from the TOML file)  [target < 20 ms]")
    for name in ("nvl576_backplane.toml", "vr_nvl72_midplane.toml"):
        p = paths.channels_dir() / name
        c = config.load_channel(p)
        channel_network((c, p), f)
        print(f"  {name}: {best_of(lambda: channel_network((c, p), f), 10) * 1e3:.2f} ms")

    cores = os.cpu_count() or 1
    sizes = (100, 300) if args.quick else (250, 500, 1000)
    for jobs in [*sorted({1, min(2, cores)}), None]:
        for n in sizes:
            sweep = Sweep(ChannelStudy(str(path)), (parse_factor(f"length_m=0.25:3:{2.75 / (n - 1)!r}"),),
                          rates=("200g", "224g"))
            with tempfile.TemporaryDirectory() as tmp:
                t = time.perf_counter()
                res = run_sweep(sweep, Path(tmp) / "s.parquet", jobs=jobs)
                dt = time.perf_counter() - t
            assert res.failed == 0
            label = "auto" if jobs is None else f"{jobs} process(es)"
            print(f"sweep {n:5d} points x 2 rates (IL, RL, FOM_ILD each), {label}: {dt:6.2f} s "
                  f"({dt / n * 1e3:.2f} ms/point)" + ("  [target < 30 s for 1,000 points]" if n == 1000 else ""))


if __name__ == "__main__":
    main()
