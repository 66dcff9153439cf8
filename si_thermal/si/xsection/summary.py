"""What ``si-thermal xsection`` reports: impedances, eps_eff, RLGC and loss per metre over frequency.

Pairs report the differential (odd) and common (even) modes: Z_diff = 2 Z_odd, Z_comm = Z_even / 2,
Z0 = sqrt(Z_odd Z_even) (the uncoupled single-ended impedance), and the RLGC of the differential
2-port line (R_d = 2 (R11 - R12), L_d = 2 (L11 - L12), G_d = (G11 - G12) / 2, C_d = (C11 - C12) / 2).
A single-signal line (coax) reports its own Z0 and RLGC. Full matrices are in the JSON.
"""

from __future__ import annotations

import numpy as np

from si_thermal.constants import NEPER_DB

from si_thermal.si.xsection import solver
from si_thermal.si.xsection.rlgc import modes, rlgc
from si_thermal.si.xsection.stackup import Section



def _finite(a) -> list:
    """A list for JSON: NaN (a zero-thickness strip's conductor loss) becomes None, never a number."""
    return [None if not np.isfinite(v) else float(v) for v in np.ravel(a)]


def summarize(section: Section, freq_hz, level: float = solver.DEFAULT_LEVEL) -> dict:
    xs = section.xs
    f = np.atleast_1d(np.asarray(freq_hz, dtype=float))
    key = xs.key(level)
    hit = solver.is_cached(xs, level)
    sol = solver.field_solution(xs, level)
    line = rlgc(xs, sol, f, section.roughness(f))
    m = modes(line)
    pair = len(sol.signals) == 2
    if pair:
        r_d = 2 * (line.r[:, 0, 0] - line.r[:, 0, 1])
        l_d = 2 * (line.l[:, 0, 0] - line.l[:, 0, 1])
        g_d = 0.5 * (line.g[:, 0, 0] - line.g[:, 0, 1])
        c_d = 0.5 * (line.c[:, 0, 0] - line.c[:, 0, 1])
    else:
        r_d, l_d, g_d, c_d = line.r[:, 0, 0], line.l[:, 0, 0], line.g[:, 0, 0], line.c[:, 0, 0]
    out = {
        "label": xs.label, "key": key, "cache_hit": hit, "signals": list(sol.signals),
        "mesh": {"level": level, "dofs": sol.n_dofs, "cells": sol.n_cells, "h_min_m": sol.h_min_m},
        "f_ref_hz": xs.f_ref_hz, "roughness_model": section.roughness_model,
        "mode": "differential" if pair else "single",
        "freq_hz": f.tolist(),
        "z0_ohm": _finite(m.z0.real),
        "z_diff_ohm": _finite(m.z_diff.real) if pair else None,
        "z_comm_ohm": _finite(m.z_comm.real) if pair else None,
        "eps_eff": _finite(m.eps_eff_odd),
        "eps_eff_common": _finite(m.eps_eff_even) if pair else None,
        "r_ohm_per_m": _finite(r_d), "l_h_per_m": _finite(l_d), "g_s_per_m": _finite(g_d), "c_f_per_m": _finite(c_d),
        "loss_db_per_m": _finite(NEPER_DB * m.gamma_odd.real),
        "loss_db_per_m_common": _finite(NEPER_DB * m.gamma_even.real) if pair else None,
        "matrices": {"r_ohm_per_m": line.r.tolist(), "l_h_per_m": line.l.tolist(), "g_s_per_m": line.g.tolist(),
                     "c_f_per_m": line.c.tolist(), "c0_f_per_m": sol.c0.tolist(), "l_ext_h_per_m": line.l_ext.tolist()},
    }
    if not line.conductor_loss:
        out["note"] = "zero-thickness strip: conductors taken as perfect (R = 0; loss is dielectric only)"
    return out
