"""Benchmark: one year of a 1 s workload profile at the backplane's critical sites (issue 13).

1. The backplane region's transient model (:func:`si_thermal.thermal.backplane.transient_model`,
   P1) with the via column at the compute connector field; step responses of its loads (timed).
2. One year of ``boards/profiles/training_rack.toml`` at 1 s (31.5 M samples): Duhamel superposition
   (overlap-add FFT) at the via column mean and the joint, ASTM E1049 rainflow of the year (the
   start-up counted in full, the settled day once and repeated: ``cycles.count_repeating``), Miner
   damage. Target: under 10 s. ``--full-count`` also counts the whole year point by point (the
   reference for the shortcut; minutes).
3. The check: one day time-stepped directly (backward Euler, 1 s, 86,400 solves) against the
   superposition's first day. Target: within 0.5 K. The direct solve's time x 365 is what a year of
   plain time stepping would cost: the speed ratio.

    .venv/bin/python benchmarks/bench_transient.py [--mesh coarse] [--days 365] [--check-days 1]

Timings on a shared machine move by 2x; the ratio is measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BOARD = ROOT / "boards/backplane_78L_m9.toml"
PROFILE = ROOT / "boards/profiles/training_rack.toml"


def main() -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mesh", default="coarse")
    ap.add_argument("--days", type=float, default=365.0)
    ap.add_argument("--check-days", type=float, default=1.0)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--full-count", action="store_true")
    a = ap.parse_args()

    import dolfinx_solver  # noqa: F401

    from si_thermal import config
    from si_thermal.reliability import cycles, pth, solder
    from si_thermal.reliability.damage import JointSite, PthSite, joint_damage, pth_damage
    from si_thermal.thermal.backplane import transient_model
    from si_thermal.thermal.transient import duhamel

    stack = config.load_stackup(BOARD)
    prof = config.load_profile(PROFILE).profile
    spot = stack.backplane.hot_spots[0]
    t0 = time.perf_counter()
    model = transient_model(stack, x_m=spot.x, y_m=spot.y, mesh=a.mesh)
    t_build = time.perf_counter() - t0
    dt = prof.resolution
    t0 = time.perf_counter()
    sr = model.step_responses(dt)
    t_step = time.perf_counter() - t0

    # --- one year after the step responses ---
    t_year0, cpu_year0 = time.perf_counter(), time.process_time()
    kern = sr.kernel(dt)
    n_col = len(sr.probes)
    kv = np.concatenate([kern[:n_col].mean(axis=0, keepdims=True), kern[n_col - 1 : n_col]])
    n = int(round(a.days * 86400 / dt))
    t0, c0 = time.perf_counter(), time.process_time()
    _, load = prof.sample(n * dt, dt)
    t_sample, c_sample = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    hist = duhamel(kv, load[None, :])
    t_conv, c_conv = time.perf_counter() - t0, time.process_time() - c0
    per = int(round(prof.period / dt))
    t0, c0 = time.perf_counter(), time.process_time()
    via_year = cycles.count_repeating(hist[0], per, dt)
    joint_year = cycles.count_repeating(hist[1], per, dt)
    t_count, c_count = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()  # Miner damage of the year (nominal inputs; the joint CTE mismatch is illustrative)
    lib = config.load_materials()
    h = sum(layer.thickness for layer in stack.layers)
    bp = stack.backplane
    site = PthSite(pth.PthGeometry(h, bp.via_drill, bp.via_plating), pth.BarrelCopper.from_material("copper", lib["copper"]),
                   35e-6, 7e9)
    d_pth = float(pth_damage(via_year, site))
    d_joint = float(joint_damage(joint_year, JointSite(bp.connector.length / 2, bp.connector.joint_height, 1e-6,
                                                        solder.joint_elastic_range("sac305", lib["sac305"]))))
    t_damage = time.perf_counter() - t0
    t_year, cpu_year = time.perf_counter() - t_year0, time.process_time() - cpu_year0
    full = {}
    if a.full_count:
        t0 = time.perf_counter()
        via_full = cycles.count(hist[0], dt)
        full = {"rainflow_full_year_s": time.perf_counter() - t0, "via_cycles_full": via_full.total,
                "via_damage_full": float(pth_damage(via_full, site))}

    # --- the check: direct time stepping of the first days ---
    m = int(round(a.check_days * 86400 / dt))
    inputs = np.tile(load[:m], (len(model.loads), 1))
    t0 = time.perf_counter()
    direct = model.simulate(inputs, dt)
    t_direct = time.perf_counter() - t0
    dv = np.concatenate([direct[:n_col].mean(axis=0, keepdims=True), direct[n_col - 1 : n_col]])
    err = np.abs(hist[:, :m] - dv).max(axis=1)

    out = {
        "mesh": a.mesh, "dofs_p1": int(model.K.shape[0]), "loads": list(sr.loads),
        "build_s": t_build, "step_responses_s": t_step, "step_solves": sr.solves,
        "factorizations": sr.factorizations, "kernel_length_s": kern.shape[-1] * dt,
        "samples": n, "sample_s": t_sample, "duhamel_s": t_conv, "rainflow_s": t_count,
        "cpu_s": {"sample": c_sample, "duhamel": c_conv, "rainflow": c_count}, "damage_s": t_damage,
        "year_after_step_responses_s": t_year, "year_after_step_responses_cpu_s": cpu_year,
        "load_average_1min": os.getloadavg()[0], "via_cycles": via_year.total, "via_damage": d_pth,
        "joint_damage_illustrative": d_joint, **full,
        "via_swing_max_k": float(hist[0].max() - hist[0].min()), "joint_swing_max_k": float(hist[1].max() - hist[1].min()),
        "direct_check_days": a.check_days, "direct_s": t_direct,
        "max_abs_error_k": {"via_mean": float(err[0]), "joint": float(err[1])},
        "direct_year_estimate_s": t_direct * a.days / a.check_days,
        "speedup_vs_direct_year": t_direct * a.days / a.check_days / (t_year + t_step),
    }
    print(json.dumps(out, indent=2))
    if a.json:
        a.json.write_text(json.dumps(out, indent=2))
    ok = min(t_year, cpu_year) < 10.0 and err.max() < 0.5
    print(f"year after step responses: {t_year:.2f} s wall, {cpu_year:.2f} s CPU (target < 10 s; load average "
          f"{os.getloadavg()[0]:.0f} on {os.cpu_count()} cores); one-day check: max |error| "
          f"{err.max():.3f} K (target < 0.5 K): {'PASS' if ok else 'FAIL'}")
    return out


if __name__ == "__main__":
    main()
