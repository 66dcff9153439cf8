"""Benchmark: the backplane region solve (thermal + elastic) of boards/backplane_78L_m9.toml.

Prints DOF counts and wall times on 1 rank and under ``mpirun -n 2`` for each mesh level, the
speedup, and the outputs (warpage, via swing, PTH and joint median lives) by mesh level: a mesh
convergence check. Run from the repository root:

    .venv/bin/python benchmarks/bench_backplane.py [--meshes coarse medium] [--solver auto]

The machine's cores may be shared with other jobs: treat the timings as pessimistic.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOARD = ROOT / "boards/backplane_78L_m9.toml"


def _run(mesh: str, solver: str, repeats: int) -> dict:
    import dolfinx_solver  # noqa: F401
    from mpi4py import MPI

    from si_thermal.system.backplane import analyze_backplane

    best = None
    for _ in range(repeats + 1):  # the first run compiles the forms (JIT); it is not timed
        r = analyze_backplane(BOARD, mesh=mesh, solver=solver)
        if best is None or r.solve_time_s < best.solve_time_s:
            best = r
    out = {"mesh": mesh, "ranks": MPI.COMM_WORLD.size, "dofs_thermal": best.dofs_thermal,
           "dofs_elastic": best.dofs_elastic, "total_s": best.solve_time_s, "thermal_s": best.thermal_time_s,
           "elastic_s": best.elastic_time_s, "warpage_um": best.max_warpage_um, "via_dt_k": best.via_delta_t_k,
           "pth_cycles": best.pth_cycles_to_failure, "joint_cycles": best.joint_cycles_to_failure}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--meshes", nargs="+", default=["coarse", "medium"])
    ap.add_argument("--solver", default="auto")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        from mpi4py import MPI

        res = [_run(m, args.solver, args.repeats) for m in args.meshes]
        if MPI.COMM_WORLD.rank == 0:
            print("RESULT " + json.dumps(res))
        return
    mpirun = Path(sys.executable).parent / "mpirun"
    rows = {}
    for n in (1, 2):
        cmd = [sys.executable, __file__, "--worker", "--solver", args.solver, "--repeats", str(args.repeats),
               "--meshes", *args.meshes]
        if n > 1:
            cmd = [str(mpirun), "-n", str(n), *cmd]
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True)
        line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
        rows[n] = json.loads(line[7:])
    print(f"backplane region solve, {BOARD.name}, elastic solver '{args.solver}' (cores shared: timings pessimistic)")
    print(f"{'mesh':8s} {'DOF T':>8s} {'DOF u':>9s} {'ranks':>5s} {'thermal s':>10s} {'elastic s':>10s} "
          f"{'total s':>8s} {'speedup':>8s} {'warpage um':>11s} {'via dT K':>9s} {'PTH N50':>9s} {'joint N50':>9s}")
    for i, m in enumerate(args.meshes):
        base = rows[1][i]["total_s"]
        for n in (1, 2):
            r = rows[n][i]
            print(f"{m:8s} {r['dofs_thermal']:8d} {r['dofs_elastic']:9d} {n:5d} {r['thermal_s']:10.2f} "
                  f"{r['elastic_s']:10.2f} {r['total_s']:8.2f} {base / r['total_s']:8.2f} {r['warpage_um']:11.2f} "
                  f"{r['via_dt_k']:9.2f} {r['pth_cycles']:9.3g} {r['joint_cycles']:9.3g}")


if __name__ == "__main__":
    main()
