"""Old commit vs this tree, side by side in one run: the report's cooling and reliability stages.

Each measurement is a fresh process (no in-process caches) running one stage exactly as the
report does: ``system_cooling`` of GB300 NVL72 (Tj curves and power limits of the package under
both cooling technologies) and ``rack_reliability`` of Rubin Ultra NVL576 (the backplane analysed
at every gradient of the sweep). The old tree is a ``git worktree`` of ``--old`` (default: the
commit before issue 15); runs alternate old/new ``--repeats`` times after one JIT warm-up each,
the medians of wall and of CPU seconds (user + system, children included; the shared machine's
load moves wall time much more than CPU time) and their ratios are printed with the load average.

    .venv/bin/python benchmarks/bench_stages.py --old d101b82 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGE = r'''
import json, resource, sys, time
from si_thermal import config, paths
stage = sys.argv[1]
def cpu():
    return sum(resource.getrusage(w).ru_utime + resource.getrusage(w).ru_stime
               for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
t0, c0 = time.perf_counter(), cpu()
if stage == "cooling":
    from si_thermal.system.cooling import system_cooling
    r = system_cooling("gb300_nvl72", config.load_rack(paths.racks_dir() / "gb300_nvl72.toml"))
    out = {c.cooling: round(c.limit_w, 1) for c in r.curves}
else:
    from si_thermal.system.reliability import rack_reliability
    r = rack_reliability("rubin_ultra_nvl576", config.load_rack(paths.racks_dir() / "rubin_ultra_nvl576.toml"))
    out = {"availability": r.availability}
print("RESULT " + json.dumps({"s": time.perf_counter() - t0, "cpu": cpu() - c0, "out": out}))
'''


def run(tree: Path, stage: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree), "SI_THERMAL_ROOT": str(tree), "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-c", STAGE, stage], cwd=tree, env=env, capture_output=True, text=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"{tree} {stage} failed:\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1][7:])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", default="d101b82", help="commit to compare against")
    ap.add_argument("--old-tree", default="/tmp/si_thermal_old", help="where its worktree goes")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--stages", default="cooling,reliability")
    args = ap.parse_args()
    old = Path(args.old_tree)
    if not old.is_dir():
        subprocess.run(["git", "worktree", "add", "--detach", str(old), args.old], cwd=ROOT, check=True)
    for stage in args.stages.split(","):
        run(old, stage), run(ROOT, stage)  # JIT warm-up of both trees' forms
        times: dict[str, list[float]] = {"old": [], "new": []}
        cpus: dict[str, list[float]] = {"old": [], "new": []}
        outs = {}
        for _ in range(args.repeats):
            for name, tree in (("old", old), ("new", ROOT)):
                r = run(tree, stage)
                times[name].append(r["s"])
                cpus[name].append(r["cpu"])
                outs[name] = r["out"]
        o, n = statistics.median(times["old"]), statistics.median(times["new"])
        print(f"{stage:12s} old {o:7.1f} s  new {n:7.1f} s  speedup {o / n:5.2f}  "
              f"(runs old {[round(t, 1) for t in times['old']]}, new {[round(t, 1) for t in times['new']]})")
        oc, nc = statistics.median(cpus["old"]), statistics.median(cpus["new"])
        print(f"{'':12s} cpu old {oc:7.1f} s  new {nc:7.1f} s  speedup {oc / nc:5.2f}  "
              f"(runs old {[round(t, 1) for t in cpus['old']]}, new {[round(t, 1) for t in cpus['new']]})  "
              f"load {os.getloadavg()[0]:.1f}")
        print(f"{'':12s} old {outs['old']}  new {outs['new']}", flush=True)


if __name__ == "__main__":
    main()
