"""Benchmark of the GPU-package thermal solve against the same problem solved the plain DOLFINx way.

For each in-plane element size, in one process session: the direct mesh build (every rank its
share, no file), model set-up, and the project's coupled solve at 1400 W (conduction + k(T) +
coolant energy balance, first solve of a fresh model: multigrid set-up included), then the raw
reference of ``benchmarks/raw_poisson.py`` (the same mesh, conductivities, sources and Robin face,
one CG + GAMG solve, no coupling) — alternately, ``--repeats`` times, medians reported. The ratio
``project solve / raw solve`` (same DOFs) is the per-DOF overhead; ``end to end / raw solve``
adds meshing and set-up. Then the growth exponent of the solve time over the sizes and the same
figures under ``mpirun -n 2`` at the largest size. JIT (form compilation) is warmed up first.

    .venv/bin/python benchmarks/bench_thermal.py                  # default sizes, ~1 M DOFs last
    .venv/bin/python benchmarks/bench_thermal.py --sizes 2,1.2 --no-mpi --repeats 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "boards" / "gpu_package_b200class.toml"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def one(size_mm: float, cooling: str, repeats: int) -> dict:
    """Time one size in this process (MPI.COMM_WORLD); returns a dict on every rank."""
    from mpi4py import MPI
    from raw_poisson import raw_solve

    from si_thermal import config
    from si_thermal.thermal import package as pk
    from si_thermal.thermal.geometry import mesh_stack, package_geometry

    comm = MPI.COMM_WORLD

    def timed(fn):
        comm.barrier()
        t0 = time.perf_counter()
        out = fn()
        comm.barrier()
        return out, comm.allreduce(time.perf_counter() - t0, op=MPI.MAX)

    geom = package_geometry(config.load_package(PKG), cooling, size_mm * 1e-3)
    rows = []
    for _ in range(repeats):
        tm, t_mesh = timed(lambda: mesh_stack(geom, comm))
        pk._MESHES[(geom.key(), MPI.Comm.py2f(comm), "hexahedron")] = tm
        model, t_setup = timed(lambda: pk.PackageModel(PKG, cooling, comm=comm, mesh_size=size_mm * 1e-3,
                                                         estimate_error=False))
        r, t_solve = timed(lambda: model.solve(1400.0))
        raw = raw_solve(model)
        rows.append((t_mesh, t_setup, t_solve, raw["raw_solve_s"], r, raw))
        del model
        pk._MESHES.clear()
    med = lambda i: statistics.median(row[i] for row in rows)  # noqa: E731
    r, raw = rows[-1][4], rows[-1][5]
    return {"size_mm": size_mm, "dofs": r.n_dofs, "ranks": comm.size, "mesh_s": med(0), "setup_s": med(1),
            "solve_s": med(2), "raw_solve_s": med(3), "ratio": statistics.median(row[2] / row[3] for row in rows),
            "end_to_end_ratio": statistics.median((row[0] + row[1] + row[2]) / row[3] for row in rows),
            "tj_max_c": r.tj_max_c, "coolant_iterations": r.coolant_iterations,
            "raw_krylov_its": raw["raw_krylov_its"], "energy_balance_error": r.energy_balance_error}


def warmup(cooling: str) -> float:
    """JIT-compile every form on a tiny model; returns the seconds it took (0 if cached)."""
    from raw_poisson import raw_solve

    from si_thermal.thermal.package import PackageModel

    t0 = time.perf_counter()
    m = PackageModel(PKG, cooling, mesh_size=8e-3, estimate_error=False)
    m.solve(1400.0)
    raw_solve(m)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="2.0,1.2,0.8,0.6,0.45", help="in-plane element sizes, mm")
    ap.add_argument("--cooling", default="coldplate")
    ap.add_argument("--repeats", type=int, default=3, help="alternating project/raw runs per size (median)")
    ap.add_argument("--no-mpi", action="store_true", help="skip the mpirun -n 2 run")
    ap.add_argument("--single", type=float, help=argparse.SUPPRESS)  # internal: one size under mpirun
    args = ap.parse_args()
    if args.single is not None:
        warmup(args.cooling)
        res = one(args.single, args.cooling, args.repeats)
        from mpi4py import MPI

        if MPI.COMM_WORLD.rank == 0:
            print("RESULT " + json.dumps(res))
        return

    import numpy as np

    jit_s = warmup(args.cooling)
    print(f"warm-up (JIT of all forms + tiny solve): {jit_s:.1f} s; medians of {args.repeats} alternating runs")
    head = (f"{'size mm':>8} {'DOFs':>9} {'mesh s':>7} {'setup s':>8} {'solve s':>8} {'raw s':>7} "
            f"{'solve/raw':>9} {'e2e/raw':>8} {'Tj degC':>9} {'outer it':>8} {'raw its':>7}")
    print(head)

    def show(r: dict) -> None:
        print(f"{r['size_mm']:8.2f} {r['dofs']:9d} {r['mesh_s']:7.2f} {r['setup_s']:8.2f} {r['solve_s']:8.2f} "
              f"{r['raw_solve_s']:7.2f} {r['ratio']:9.2f} {r['end_to_end_ratio']:8.2f} {r['tj_max_c']:9.4f} "
              f"{r['coolant_iterations']:8d} {r['raw_krylov_its']:7d}", flush=True)

    rows = []
    for size in (float(s) for s in args.sizes.split(",")):
        rows.append(one(size, args.cooling, args.repeats))
        show(rows[-1])
    big = [r for r in rows if r["dofs"] >= 50_000]
    if len(big) >= 4:
        slope = np.polyfit(np.log([r["dofs"] for r in big]), np.log([r["solve_s"] for r in big]), 1)[0]
        raw_slope = np.polyfit(np.log([r["dofs"] for r in big]), np.log([r["raw_solve_s"] for r in big]), 1)[0]
        print(f"solve time ~ DOFs^{slope:.2f}, raw ~ DOFs^{raw_slope:.2f} (fit over {len(big)} sizes >= 50 k DOFs)")
    if not args.no_mpi:
        largest = rows[-1]
        mpirun = Path(sys.executable).parent / "mpirun"
        cmd = [str(mpirun), "-n", "2", sys.executable, __file__, "--single", str(largest["size_mm"]),
               "--cooling", args.cooling, "--repeats", str(args.repeats)]
        out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
        lines = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
        if out.returncode != 0 or not lines:
            print("mpirun -n 2 failed:", out.stderr[-2000:])
            sys.exit(1)
        par = json.loads(lines[-1][7:])
        print("mpirun -n 2:")
        show(par)
        print(f"2-rank speedup of the solve {largest['solve_s'] / par['solve_s']:.2f}, of the raw solve "
              f"{largest['raw_solve_s'] / par['raw_solve_s']:.2f}; Tj {par['tj_max_c']:.6f} vs serial "
              f"{largest['tj_max_c']:.6f} degC")


if __name__ == "__main__":
    main()
