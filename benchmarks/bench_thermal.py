"""Benchmark of the GPU-package thermal solve (dolfinx, hexahedral P1, CG + GAMG).

For each in-plane element size: gmsh mesh generation (uncached), reading/distributing the mesh,
model setup, and the coupled solve (conduction + k(T) + coolant energy balance) at 1400 W, reported
apart; JIT (form compilation) is measured on a small warm-up model first. Then the growth exponent
of solve time versus DOFs (least squares in log-log over the sizes >= 50 k DOFs) and the speedup
of ``mpirun -n 2`` at the largest size.

    .venv/bin/python benchmarks/bench_thermal.py                  # default sizes, ~1 M DOFs last
    .venv/bin/python benchmarks/bench_thermal.py --sizes 2,1.2 --no-mpi
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "boards" / "gpu_package_b200class.toml"


def one(size_mm: float, cooling: str, fresh_mesh: bool) -> dict:
    """Time one size in this process (MPI.COMM_WORLD); returns a dict on every rank."""
    from mpi4py import MPI

    from si_thermal import config, paths
    from si_thermal.thermal import package as pk
    from si_thermal.thermal.geometry import _build_gmsh, mesh_stack, package_geometry

    comm = MPI.COMM_WORLD
    geom = package_geometry(config.load_package(PKG), cooling, size_mm * 1e-3)
    path = paths.mesh_cache_dir() / f"{geom.key()}.msh"
    t_gen = float("nan")
    if comm.rank == 0 and (fresh_mesh or not path.is_file()):
        path.unlink(missing_ok=True)
        t0 = time.perf_counter()
        _build_gmsh(geom, path)
        t_gen = time.perf_counter() - t0
    comm.barrier()
    t0 = time.perf_counter()
    pk._MESHES[(geom.key(), MPI.Comm.py2f(comm))] = mesh_stack(geom, comm)
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = pk.PackageModel(PKG, cooling, comm=comm, mesh_size=size_mm * 1e-3)
    t_setup = time.perf_counter() - t0
    comm.barrier()
    t0 = time.perf_counter()
    r = model.solve(1400.0)
    comm.barrier()
    t_solve = time.perf_counter() - t0
    return {"size_mm": size_mm, "dofs": model.n_dofs, "ranks": comm.size, "mesh_gen_s": t_gen,
            "mesh_read_s": t_read, "setup_s": t_setup, "solve_s": t_solve, "tj_max_c": r.tj_max_c,
            "coolant_iterations": r.coolant_iterations, "energy_balance_error": r.energy_balance_error}


def warmup(cooling: str) -> float:
    """JIT-compile every form on a tiny model; returns the seconds it took (0 if cached)."""
    from si_thermal.thermal.package import PackageModel

    t0 = time.perf_counter()
    PackageModel(PKG, cooling, mesh_size=8e-3).solve(1400.0)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="2.0,1.2,0.8,0.6,0.45", help="in-plane element sizes, mm")
    ap.add_argument("--cooling", default="coldplate")
    ap.add_argument("--no-mpi", action="store_true", help="skip the mpirun -n 2 run")
    ap.add_argument("--single", type=float, help=argparse.SUPPRESS)  # internal: one size under mpirun
    args = ap.parse_args()
    if args.single is not None:
        res = one(args.single, args.cooling, fresh_mesh=False)
        from mpi4py import MPI

        if MPI.COMM_WORLD.rank == 0:
            print("RESULT " + json.dumps(res))
        return

    import numpy as np

    jit_s = warmup(args.cooling)
    print(f"warm-up (JIT of all forms + tiny solve): {jit_s:.1f} s")
    rows = []
    print(f"{'size mm':>8} {'DOFs':>9} {'mesh gen s':>10} {'read s':>7} {'setup s':>8} {'solve s':>8} "
          f"{'Tj degC':>8} {'outer it':>8}")
    for size in (float(s) for s in args.sizes.split(",")):
        r = one(size, args.cooling, fresh_mesh=True)
        rows.append(r)
        print(f"{size:8.2f} {r['dofs']:9d} {r['mesh_gen_s']:10.1f} {r['mesh_read_s']:7.1f} {r['setup_s']:8.1f} "
              f"{r['solve_s']:8.1f} {r['tj_max_c']:8.3f} {r['coolant_iterations']:8d}", flush=True)
    big = [r for r in rows if r["dofs"] >= 50_000]
    if len(big) >= 3:
        slope = np.polyfit(np.log([r["dofs"] for r in big]), np.log([r["solve_s"] for r in big]), 1)[0]
        print(f"solve time ~ DOFs^{slope:.2f} (fit over {len(big)} sizes >= 50 k DOFs; goal <= 1.15)")
    if not args.no_mpi:
        largest = rows[-1]
        mpirun = Path(sys.executable).parent / "mpirun"
        cmd = [str(mpirun), "-n", "2", sys.executable, __file__, "--single", str(largest["size_mm"]),
               "--cooling", args.cooling]
        out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
        lines = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
        if out.returncode != 0 or not lines:
            print("mpirun -n 2 failed:", out.stderr[-2000:])
            sys.exit(1)
        par = json.loads(lines[-1][7:])
        print(f"mpirun -n 2 at {par['dofs']} DOFs: solve {par['solve_s']:.1f} s "
              f"(serial {largest['solve_s']:.1f} s): speedup {largest['solve_s'] / par['solve_s']:.2f}; "
              f"read {par['mesh_read_s']:.1f} s, setup {par['setup_s']:.1f} s; "
              f"Tj {par['tj_max_c']:.6f} vs serial {largest['tj_max_c']:.6f} degC")


if __name__ == "__main__":
    main()
