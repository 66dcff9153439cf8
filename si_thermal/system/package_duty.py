"""A GPU package under a workload profile: junction temperature history (transient FEM + Duhamel,
:mod:`si_thermal.thermal.package_transient`), its swing and its ASTM E1049 rainflow cycles per die.

The package model has no bump, underfill or substrate-joint geometry, so no fatigue mechanism is
applied at the junction: the result is the Tj history, its swing and its cycle counts (the inputs a
joint model would take), and the check of the superposition against direct time stepping.
"""

from __future__ import annotations

import numpy as np

from si_thermal import config
from si_thermal.reliability.cycles import count_periodic

THRESHOLDS_K = (1.0, 5.0, 10.0)  # cycle counts reported at and above these ranges


def _summary(x: np.ndarray, dt_s: float, period_s: float) -> dict:
    cyc = count_periodic(x, 1.0, dt_s)
    per_day = 86400.0 / period_s
    out = {"tj_max_c": float(x.max()), "tj_min_c": float(x.min()), "tj_mean_c": float(x.mean()),
           "swing_k": float(np.ptp(x)), "cycles_per_day": cyc.total * per_day,
           "largest_range_k": float(cyc.range.max()) if cyc.range.size else 0.0}
    for k in THRESHOLDS_K:
        out[f"cycles_per_day_over_{k:g}k"] = float(cyc.count[cyc.range >= k].sum()) * per_day
    return out


def package_duty(pkg_model, profile: config.Profile, *, power_w: float | None = None,
                 inlet_c: float | None = None, check_s: float = 600.0) -> dict:
    """Tj history of every die of ``pkg_model`` (a P1 :class:`PackageModel`, serial) under
    ``profile`` scaled to ``power_w`` at load 1 (default: the package file's power), counted over
    one settled period; ``check_s`` seconds of direct time stepping check the superposition (0: none)."""
    from si_thermal.thermal.package_transient import direct_check, package_transient, tj_history

    pt = package_transient(pkg_model, power_w, inlet_c=inlet_c)
    hist = tj_history(pt, profile)
    per = hist.period_steps
    last = hist.tj_c[:, -per:]
    dies = {d: _summary(last[i], hist.dt_s, profile.period) for i, d in enumerate(pt.dies)}
    out = {
        "profile": profile.name, "period_h": profile.period / 3600.0, "resolution_s": hist.dt_s,
        "power_w": pt.power_w, "inlet_c": pt.inlet_c,
        "junction": _summary(last.max(axis=0), hist.dt_s, profile.period),
        "dies": dies,
        "linearisation_k": pt.linearisation_k,
        "step_response_solves": hist.step.solves, "step_response_settled_s": float(hist.step.t[-1]),
        "model_build_s": pt.build_s, "step_response_s": hist.step_response_s,
        "superposition_s": hist.superposition_s, "history_s": hist.tj_c.shape[1] * hist.dt_s,
        "damage": "none applied: the package model has no bump/underfill joints (Tj history, swing and cycles only)",
    }
    if check_s > 0:
        out["check"] = direct_check(pt, hist, int(round(check_s / hist.dt_s)))
    return out
