"""Benchmark of the cross-section field solver (issue 14).

1. One coupled stripline at 50 frequencies, warm (FFCx forms compiled, modules imported): a full
   solve (gmsh mesh + P2 electrostatics + RLGC at 50 frequencies, no result cache) and a cached
   evaluation; target < 2 s. Side by side: the closed-form Stripline at the same 50 frequencies.
2. Error against Cohn's exact zero-thickness coupled stripline at the default mesh; target < 0.3 %.
3. Mesh-convergence tables: the Cohn stripline (odd/even) and the coax (C and surface-current
   integral), with observed orders.

Run: ``.venv/bin/python benchmarks/bench_xsection.py``. Wall and CPU times both printed: on the
shared 2-core machine wall time runs 2-4x the CPU time.
"""

from __future__ import annotations

import math
import time

import numpy as np

from si_thermal import config, paths
from si_thermal.si.channel import stripline_media
from si_thermal.si.dielectric import djordjevic_sarkar
from si_thermal.constants import C0
from si_thermal.si.xsection import cables, exact, solver
from si_thermal.si.xsection.geometry import Conductor, CrossSection, PlaneBox, Region, Trapezoid
from si_thermal.si.xsection.rlgc import modes, rlgc
from si_thermal.si.xsection.stackup import trace_section

W, S, B = 0.3, 0.2, 1.0  # w/b = 0.3: below the closed form's range
F = np.geomspace(1e8, 60e9, 50)


def cohn_pair(eps) -> CrossSection:
    return CrossSection(PlaneBox(B, S + W + 6 * B), (
        Conductor("p", Trapezoid(-(S + W) / 2, B / 2, W, W, 0.0), 5.8e7),
        Conductor("n", Trapezoid((S + W) / 2, B / 2, W, W, 0.0), 5.8e7)), (Region("air", eps),))


def timed(fn):
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t, time.process_time() - c


def best(fn, n=3):
    runs = [timed(fn) for _ in range(n)]
    return min(runs, key=lambda r: r[1])


def main() -> None:
    air = djordjevic_sarkar(1.0, 0.0, 1e9)
    # warm-up: compile the forms once (cached on disk by FFCx afterwards)
    solver.field_solution(cohn_pair(air), 0.5, disk_cache=False)
    board = str(paths.boards_dir() / "host_tray_m7.toml")
    section = trace_section(board, "diff85_L03")

    print("== 1. one coupled stripline, 50 frequencies, warm  [target < 2 s]")

    def full(xs, rough=None):
        solver._MEMORY.clear()
        sol = solver.field_solution(xs, disk_cache=False)
        return modes(rlgc(xs, sol, F, rough(F) if rough else None)), sol

    for label, xs, rough in (("Cohn zero-thickness pair", cohn_pair(air), None),
                             ("host_tray_m7 diff85_L03 (t = 17 um, 2 laminates, Huray)", section.xs, section.roughness)):
        (m, sol), wall, cpu = best(lambda: full(xs, rough))
        _, wall_c, cpu_c = best(lambda: modes(rlgc(xs, solver.field_solution(xs, disk_cache=False), F,
                                                   rough(F) if rough else None)), 5)
        print(f"  {label}: full solve {wall:.2f} s wall / {cpu:.2f} s CPU ({sol.n_cells} cells, {sol.n_dofs} dofs); "
              f"cached {wall_c * 1e3:.1f} ms wall / {cpu_c * 1e3:.1f} ms CPU")
    seg = config.StriplineSegment(name="x", medium="stripline", length="1 m", board="host_tray_m7.toml",
                                  trace="diff85_L03")
    _, wall_cf, _ = best(lambda: stripline_media(seg, F, paths.boards_dir() / "host_tray_m7.toml").loss_db_per_m(), 5)
    print(f"  closed-form Stripline, same 50 frequencies: {wall_cf * 1e3:.2f} ms wall "
          f"(field full solve / closed form = {wall / wall_cf:.0f}x; cached field / closed form = "
          f"{wall_c / wall_cf:.1f}x)")

    print("\n== 2./3. Cohn exact zero-thickness coupled stripline (w/b = 0.3, s/b = 0.2): mesh convergence")
    ex_o, ex_e = exact.cohn_zero_thickness(W, S, B, "odd"), exact.cohn_zero_thickness(W, S, B, "even")
    print(f"  exact: Z_odd = {ex_o:.4f} ohm, Z_even = {ex_e:.4f} ohm (air)")
    print(f"  {'level':>6} {'cells':>7} {'dofs':>7} {'Z_odd err %':>12} {'Z_even err %':>13} {'order':>6} {'CPU s':>6}")
    prev = None
    for level in (0.5, 0.7, 1.0, 1.4, 2.0, 4.0):
        sol, _, cpu = timed(lambda: solver.field_solution(cohn_pair(air), level, disk_cache=False))
        c = sol.c0
        eo = 1 / (C0 * (c[0, 0] - c[0, 1])) / ex_o - 1
        ee = 1 / (C0 * (c[0, 0] + c[0, 1])) / ex_e - 1
        order = "" if prev is None else f"{math.log(abs(prev[1] / eo)) / math.log(level / prev[0]):.2f}"
        tag = "  <- default" if level == 1.0 else ""
        print(f"  {level:>6g} {sol.n_cells:>7} {sol.n_dofs:>7} {eo * 100:>12.4f} {ee * 100:>13.4f} {order:>6} {cpu:>6.2f}{tag}")
        prev = (level, eo)

    print("\n  coax a = 0.5 mm, b = 1.7 mm: capacitance and inner-surface current integral vs exact")
    a, b = 0.5e-3, 1.7e-3
    c_ex, p_ex = exact.coax_capacitance(a, b), 1 / (2 * math.pi * a)
    print(f"  {'level':>6} {'dofs':>7} {'C err':>10} {'order':>6} {'P err':>10} {'order':>6}")
    prev = None
    for level in (0.5, 1.0, 2.0, 4.0):
        sol = solver.field_solution(cables.coax(a, b, 5.8e7, air), level, disk_cache=False)
        ec, ep = abs(sol.c0[0, 0] / c_ex - 1), abs(sol.p_surfaces[0, 0, 0] / p_ex - 1)
        oc = "" if prev is None else f"{math.log2(prev[0] / ec) / math.log2(level / prev[2]):.2f}"
        op = "" if prev is None else f"{math.log2(prev[1] / ep) / math.log2(level / prev[2]):.2f}"
        print(f"  {level:>6g} {sol.n_dofs:>7} {ec:>10.2e} {oc:>6} {ep:>10.2e} {op:>6}")
        prev = (ec, ep, level)


if __name__ == "__main__":
    main()
