"""Benchmark: the report's signal-integrity stage (every system, every link group) old vs new, side by side.

Run: ``.venv/bin/python benchmarks/bench_si_stage.py [OLD_TREE]``. OLD_TREE is a checkout of the
previous code (``git worktree add /tmp/old10 d101b82``); each tree runs in its own subprocess (same
interpreter, same machine, back to back, alternating) so that the ratio is meaningful on a shared
machine whose absolute speed moves by 2x; CPU time (``time.process_time``, single-threaded numpy) is
reported beside wall time because it moves far less with the machine's load. Goal (issue 10): new / old <= 2.
The new tree runs the SI stage as the report does: crosstalk, both package cases, COM reach by
root-finding, IL where-the-dB-go at the longest link; its "SI sensitivity" stage (COM penalty per
segment class, tornado, 448G what-if) is timed beside it.

Measured 2026-11-30 18:15-18:37 UTC (issue 10 speed work, floating Rx FFE taps and MLSD on; 2 cores
shared with three other engineers, load average 3.1-6.6), ``BENCH_REPS=2``, three invocations, six
old/new pairs (the first two before the last two same-result commits): new/old CPU 1.96 1.96 1.92 1.69
1.72 2.07 (median 1.92), wall 1.82 1.26 1.98 2.00 1.77 1.67 (median 1.80); old 13.3-16.6 s CPU, new
26.2-29.2 s CPU. Before the speed work: CPU 2.81, wall 2.31 (16.0 s -> 45.0 s CPU). The ratio moves by
+-0.2 with the load: run it with ``BENCH_REPS=3`` or more.
Quiet re-run 19:23-19:25 UTC (load 1.1-1.5, nothing else running), ``BENCH_REPS=2``: old 12.9 / 14.0 s
CPU, new 26.0 / 26.7 s CPU, ratios CPU 2.02 and 1.90, wall 2.01 and 1.91: on the 2x line, not inside it.
After the COM reach root-finder went from regula falsi to inverse quadratic interpolation with an
xtol-aware closing step (92 -> 78 reach solves, at a tolerance of 0.01 m instead of 0.02 m), quiet
re-run 21:20-21:24 UTC (load 1.0-1.5, nothing else running), ``BENCH_REPS=3``: old 18.0 / 16.5 / 17.0 s
CPU, new 28.6 / 28.8 / 27.3 s CPU, ratios CPU 1.59 / 1.75 / 1.60 (median 1.60), wall 1.58 / 1.76 / 1.61;
under load (three mutation runs at autogroup nice 19) 1.72-1.84.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

CHILD = r"""
import time, warnings
warnings.simplefilter("ignore")
from si_thermal.system import model
from si_thermal.system.links import system_si
try:
    from si_thermal.system.sensitivity import system_sensitivity
except ImportError:  # the old tree has no sensitivity stage
    system_sensitivity = None
wall = cpu = swall = scpu = 0.0
for key, path in model.resolve(None).items():
    rack, lengths = model.geometry_stage(key, path)
    t0, c0 = time.perf_counter(), time.process_time()
    si = system_si(key, rack, lengths)
    wall += time.perf_counter() - t0
    cpu += time.process_time() - c0
    if system_sensitivity is not None:
        t0, c0 = time.perf_counter(), time.process_time()
        system_sensitivity(si)
        swall += time.perf_counter() - t0
        scpu += time.process_time() - c0
print(f"{wall:.3f} {cpu:.3f} {swall:.3f} {scpu:.3f}")
"""


def run(tree: Path) -> tuple[float, float, float, float]:
    """(wall s, CPU s) of the SI stage of every system in ``tree``, then (wall s, CPU s) of its SI
    sensitivity stage (COM penalties per class, tornado, 448G; zero where the tree has none)."""
    env = dict(os.environ, PYTHONPATH=str(tree), SI_THERMAL_ROOT=str(tree), OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, cwd=tree)
    if out.returncode:
        raise SystemExit(f"{tree}: SI stage failed:\n{out.stderr[-3000:]}")
    return tuple(float(x) for x in out.stdout.strip().splitlines()[-1].split())


def main() -> None:
    new = Path(__file__).resolve().parent.parent
    old = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    reps = int(os.environ.get("BENCH_REPS", "1"))
    rows = []
    nan = (float("nan"),) * 4
    for _ in range(reps):
        t_old = run(old) if old else nan
        t_new = run(new)
        rows.append((t_old, t_new))
        print(f"SI stage, all systems: old {t_old[0]:.1f} s wall / {t_old[1]:.1f} s CPU, new {t_new[0]:.1f} s wall / "
              f"{t_new[1]:.1f} s CPU; ratio wall {t_new[0] / t_old[0]:.2f}, CPU {t_new[1] / t_old[1]:.2f}; "
              f"new SI sensitivity stage {t_new[2]:.1f} s wall / {t_new[3]:.1f} s CPU", flush=True)
    if old:
        r = sorted(n[1] / o[1] for o, n in rows)[len(rows) // 2]
        print(f"median CPU-time ratio new/old over {reps} run(s): {r:.2f} (goal <= 2; CPU time, since the wall "
              "time of a shared machine moves with its load)")


if __name__ == "__main__":
    t = time.perf_counter()
    main()
    print(f"wall {time.perf_counter() - t:.0f} s")
