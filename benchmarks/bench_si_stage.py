"""Benchmark: the report's signal-integrity stage (every system, every link group) old vs new, side by side.

Run: ``.venv/bin/python benchmarks/bench_si_stage.py [OLD_TREE]``. OLD_TREE is a checkout of the
previous code (``git worktree add /tmp/old10 d101b82``); each tree runs in its own subprocess (same
interpreter, same machine, back to back, alternating) so that the ratio is meaningful on a shared
machine whose absolute speed moves by 2x. Goal (issue 10): new / old <= 2.
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
t0 = time.perf_counter()
for key, path in model.resolve(None).items():
    rack, lengths = model.geometry_stage(key, path)
    system_si(key, rack, lengths)
print(f"{time.perf_counter() - t0:.3f}")
"""


def run(tree: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(tree), SI_THERMAL_ROOT=str(tree))
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, cwd=tree)
    if out.returncode:
        raise SystemExit(f"{tree}: SI stage failed:\n{out.stderr[-3000:]}")
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    new = Path(__file__).resolve().parent.parent
    old = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    reps = int(os.environ.get("BENCH_REPS", "1"))
    rows = []
    for _ in range(reps):
        t_old = run(old) if old else float("nan")
        t_new = run(new)
        rows.append((t_old, t_new))
        print(f"SI stage, all systems: old {t_old:.1f} s, new {t_new:.1f} s, ratio {t_new / t_old:.2f}", flush=True)
    if old:
        r = sorted(n / o for o, n in rows)[len(rows) // 2]
        print(f"median ratio new/old over {reps} run(s): {r:.2f} (goal <= 2)")


if __name__ == "__main__":
    t = time.perf_counter()
    main()
    print(f"wall {time.perf_counter() - t:.0f} s")
