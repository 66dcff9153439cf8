"""Element and cell type by measured cost for the same accuracy: the package problem (cold plate,
coupled coolant and k(T), the file's power) on hexahedra and on tetrahedra (each grid cell of
the same tensor grid cut into six, so the P1 nodes are the same), P1 and P2.

For each element and in-plane size of the ``sqrt(2)`` sequence of :mod:`si_thermal.thermal.convergence`:
Tj, DOFs and the CPU seconds of a fresh model (mesh, set-up, one coupled solve). The reference Tj
is the finest hexahedral P2 solution extrapolated Richardson-style with the order observed on its
last three meshes (reference A), and the midpoint of the finest hexahedral and tetrahedral P1 runs,
which converge from opposite sides (reference B); the error of every run is |Tj - reference|.
For each target error the cheapest
run meeting it (and every finer run of the same element meeting it too: no lucky crossing) is
reported, with a figure of error against CPU seconds.

    .venv/bin/python benchmarks/bench_elements.py --out benchmarks/out/elements.png
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "boards" / "gpu_package_b200class.toml"
ELEMENTS = (("hexahedron", 1), ("tetrahedron", 1), ("hexahedron", 2), ("tetrahedron", 2))


def run(cell: str, degree: int, size_m: float, cooling: str) -> dict:
    from si_thermal import config
    from si_thermal.thermal import package as pk

    pkg = config.load_package(PKG)
    pk._MESHES.clear()
    t0 = time.process_time()
    model = pk.PackageModel(pkg, cooling, mesh_size=size_m, degree=degree, cell=cell, estimate_error=False,
                            source=PKG)
    tj = pk._calibrate(model)[0]
    return {"cell": cell, "degree": degree, "size_mm": size_m * 1e3, "dofs": model.n_dofs, "tj_c": tj,
            "cpu_s": time.process_time() - t0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cooling", default="coldplate")
    ap.add_argument("--max-dofs", type=int, default=150_000, help="largest model per element")
    ap.add_argument("--targets", default="0.2,0.1,0.05", help="Tj errors (K) to compare the cost at")
    ap.add_argument("--out", default=None, help="figure (PNG) of error against CPU seconds")
    ap.add_argument("--rows", default=None, help="the JSON lines of an earlier run: tables and figure only")
    args = ap.parse_args()
    from si_thermal.thermal import convergence as conv

    if args.rows:
        rows = [json.loads(line) for line in Path(args.rows).read_text().splitlines() if line.startswith("{")]
    else:
        for cell, degree in ((ELEMENTS[0][0], 1), (ELEMENTS[1][0], 1)):  # JIT warm-up of both cell types' forms
            run(cell, degree, conv.COARSEST_M, args.cooling)
            run(cell, 2, conv.COARSEST_M, args.cooling)
        rows = []
        for cell, degree in ELEMENTS:
            for h in conv.sequence():
                r = run(cell, degree, h, args.cooling)
                if r["dofs"] > args.max_dofs:
                    break
                rows.append(r)
                print(json.dumps(r), flush=True)
    # reference: the finest hexahedral P2 runs extrapolated with their observed order
    q2 = [r for r in rows if r["cell"] == "hexahedron" and r["degree"] == 2]
    a, b, c = (r["tj_c"] for r in q2[-3:])
    ratio = conv.RATIO
    p = math.log(abs((b - a) / (c - b))) / math.log(ratio) if (c - b) and (b - a) / (c - b) > 0 else 2.0
    ref = c + (c - b) / (ratio**p - 1)
    print(f"reference A: Tj {ref:.4f} degC (hex P2, order {p:.2f} observed on its last three meshes, "
          f"finest {c:.4f})")
    # reference B: hexahedral and tetrahedral P1 converge from opposite sides; the midpoint of their
    # finest runs (the half gap its uncertainty)
    hp1, tp1 = ([r for r in rows if r["cell"] == cell and r["degree"] == 1][-1] for cell in ("hexahedron", "tetrahedron"))
    ref_b = 0.5 * (hp1["tj_c"] + tp1["tj_c"])
    print(f"reference B: Tj {ref_b:.4f} degC +- {abs(hp1['tj_c'] - tp1['tj_c']) / 2:.4f} (midpoint of the finest "
          f"hex P1 {hp1['tj_c']:.4f} and tet P1 {tp1['tj_c']:.4f})")
    targets = [float(t) for t in args.targets.split(",")]
    refs = (q2[-1], hp1, tp1)  # runs that define a reference are left out of its table
    for name, value in (("A", ref), ("B", ref_b)):
        for r in rows:
            r["error_k"] = abs(r["tj_c"] - value)
        print(f"reference {name}: {'element':10s}" + "".join(f"  <= {t:g} K: DOFs / CPU s" for t in targets))
        for cell, degree in ELEMENTS:
            mine = [r for r in rows if r["cell"] == cell and r["degree"] == degree
                    and not (r is refs[0] and name == "A") and not (name == "B" and r in refs[1:])]
            cells = []
            for t in targets:
                ok = [i for i, r in enumerate(mine) if all(s["error_k"] <= t for s in mine[i:])]
                cells.append(f"{mine[ok[0]]['dofs']:>9d} / {mine[ok[0]]['cpu_s']:6.2f}" if ok
                             else f"{'not reached':>18s}")
            print(f"{'':12s}{cell[:3]} P{degree:<7d}" + "".join(f"  {c:>22s}" for c in cells), flush=True)
    for r in rows:  # the figure against reference A
        r["error_k"] = abs(r["tj_c"] - ref)
    if args.out:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(5.5, 4))
        for cell, degree in ELEMENTS:
            mine = [r for r in rows if r["cell"] == cell and r["degree"] == degree and r is not q2[-1]]
            ax.loglog([r["cpu_s"] for r in mine], [max(r["error_k"], 1e-4) for r in mine], "o-",
                      label=f"{cell} P{degree}")
        for t in targets:
            ax.axhline(t, color="grey", lw=0.5)
        ax.set_xlabel("CPU seconds (mesh, set-up, one coupled solve)")
        ax.set_ylabel("|Tj - reference| (K)")
        ax.set_title(f"package ({args.cooling}): cost for the same Tj error")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3, which="both")
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(args.out, dpi=120, bbox_inches="tight")
        print(f"figure: {args.out}")


if __name__ == "__main__":
    sys.exit(main())
