"""Where a sparse factorization beats multigrid: the package model's Tj curve (file power, then
800 / 1600 / 2400 W, as the report's cooling stage solves it) with the frozen-operator solves
preconditioned by MUMPS Cholesky or by GAMG, per in-plane size, CPU seconds (mesh, set-up and
the four coupled solves), alternately ``--repeats`` times, medians. Sets
:data:`si_thermal.thermal.heat.DIRECT_MAX_DOFS` (the switch) from these numbers.

    .venv/bin/python benchmarks/bench_solver_choice.py --sizes 4,2.83,2,1.41,1
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "boards" / "gpu_package_b200class.toml"


def curve(size_m: float, cooling: str, direct: bool) -> tuple[int, float]:
    from si_thermal import config
    from si_thermal.thermal import heat
    from si_thermal.thermal import package as pk

    heat.DIRECT_MAX_DOFS = 10**12 if direct else 0
    pk._MESHES.clear()
    t0 = time.process_time()
    model = pk.PackageModel(config.load_package(PKG), cooling, mesh_size=size_m, estimate_error=False, source=PKG)
    for p in (float(model.pkg.package.power), 800.0, 1600.0, 2400.0):
        model.solve(p)
    return model.n_dofs, time.process_time() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="4,2.83,2,1.41,1", help="in-plane element sizes, mm")
    ap.add_argument("--cooling", default="coldplate")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    curve(4e-3, args.cooling, True), curve(4e-3, args.cooling, False)  # JIT warm-up
    print(f"{'size mm':>8s} {'DOFs':>8s} {'direct s':>9s} {'gamg s':>8s} {'gamg/direct':>12s}")
    for s in (float(x) * 1e-3 for x in args.sizes.split(",")):
        t = {True: [], False: []}
        for _ in range(args.repeats):
            for direct in (True, False):
                n, dt = curve(s, args.cooling, direct)
                t[direct].append(dt)
        d, g = statistics.median(t[True]), statistics.median(t[False])
        print(f"{s * 1e3:8.3g} {n:8d} {d:9.2f} {g:8.2f} {g / d:12.2f}", flush=True)


if __name__ == "__main__":
    main()
