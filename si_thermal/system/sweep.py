"""System-level sweeps: one rack, a grid of rack parameters, margins per point.

:func:`evaluate_rack_point` is a plain, picklable function of (rack file path, parameter dict), so
a sweep runs in a process pool (one point per task). Parameters (SI units, names carry them):

- ``rate``: SerDes rate key for every link group (``"200g"``, ``"224g"``, ...)
- ``awg``: gauge of every twinax segment of the link channels
- ``gpu_power_w``: per-GPU power for the cooling check (runs the package FEM)
- ``height_scale`` / ``width_scale``: rack geometry stretched (slot pitch, origins, connectors)
- ``rack_height_m``: the same as ``height_scale = rack_height_m / height``
- ``service_loop_m``, ``breakout_m``: routing allowances of every link
- ``com``: 1 to run COM as well (slow), 0 (default) for IL only
"""

from __future__ import annotations

import itertools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from si_thermal import config
from si_thermal.errors import InputError
from si_thermal.system.cooling import SystemCooling, system_cooling
from si_thermal.system.geometry import all_link_lengths, scaled
from si_thermal.system.links import system_si

PARAMS = ("rate", "awg", "gpu_power_w", "height_scale", "width_scale", "rack_height_m", "service_loop_m",
          "breakout_m", "com")


def evaluate_rack_point(rack_path: str, params: dict) -> dict:
    """Margins of one rack at one parameter point: per primary link group the share of links that
    close, worst IL margin (dB), longest link and IL reach (m); with ``gpu_power_w`` the cooling
    verdict. Returns a flat dict (the parameters first)."""
    unknown = set(params) - set(PARAMS)
    if unknown:
        raise InputError(None, "params", f"unknown rack parameter(s) {', '.join(sorted(unknown))}; "
                         f"use: {', '.join(PARAMS)}")
    rack = config.load_rack(rack_path)
    if rack.geometry is None:
        raise InputError(rack_path, "geometry", "a rack sweep needs a [geometry] table")
    hs = params.get("height_scale", 1.0)
    if "rack_height_m" in params:
        hs = params["rack_height_m"] / rack.geometry.height
    ws = params.get("width_scale", 1.0)
    if hs <= 0 or ws <= 0:
        raise InputError(rack_path, "height_scale", "scales must be positive")
    if hs != 1.0 or ws != 1.0:
        rack = scaled(rack, height_scale=hs, width_scale=ws)
    over = {k: params[k] for k in ("service_loop_m", "breakout_m") if k in params}
    lengths = all_link_lengths(rack, **over)
    awg = params.get("awg")
    si = system_si(Path(rack_path).stem, rack, lengths, rate=params.get("rate"), with_com=bool(params.get("com", 0)),
                   awg=None if awg is None else int(awg), primary_only=True)
    row = dict(params)
    row["rack_height_m"] = rack.geometry.height
    for g in si.groups:
        tag = g.group
        row[f"{tag}: closing"] = g.closing_fraction
        row[f"{tag}: worst IL margin (dB)"] = g.worst_margin_db
        row[f"{tag}: longest (m)"] = g.longest_m
        row[f"{tag}: IL reach (m)"] = g.curve.reach_il_m
        if g.com_margin_db is not None:
            row[f"{tag}: worst COM margin (dB)"] = float(g.com_margin_db.min())
    for s in si.skipped:
        row[f"skipped: {s.stage}"] = s.reason
    if "gpu_power_w" in params:
        c = system_cooling(Path(rack_path).stem, rack, gpu_power_w=float(params["gpu_power_w"]))
        if isinstance(c, SystemCooling):
            row.update({"Tj (degC)": c.tj_c, "cooling limit (W)": c.limit_w, "cooling margin (W)": c.margin_w,
                        "cooling verdict": c.verdict})
        else:
            row["skipped: cooling"] = c.reason
    return row


def rack_grid(params: list[tuple[str, tuple]]) -> list[dict]:
    """Cartesian product of (name, values) pairs as a list of parameter dicts."""
    names = [n for n, _ in params]
    return [dict(zip(names, combo)) for combo in itertools.product(*(v for _, v in params))]


def evaluate_or_record(rack_path: str, params: dict) -> dict:
    """:func:`evaluate_rack_point`, with a failed point recorded as its parameters and its error
    (one line) instead of aborting the sweep. Bad command-line parameters still raise."""
    try:
        row = evaluate_rack_point(rack_path, params)
    except InputError as err:
        if err.field == "params":
            raise
        row = {**params, "error": str(err)}
    except Exception as err:  # a solver failing at one point must not stop the others
        row = {**params, "error": f"{type(err).__name__}: {err}"}
    else:
        row["error"] = ""
    return row


def run_rack_sweep(rack_path: str, points: list[dict], jobs: int = 1, progress=None) -> list[dict]:
    """Evaluate every point (in ``jobs`` spawned processes when > 1), in order."""
    if jobs <= 1:
        out = []
        for p in points:
            out.append(evaluate_or_record(str(rack_path), p))
            if progress:
                progress(1)
        return out
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(evaluate_or_record, str(rack_path), p) for p in points]
        out = []
        for f in futures:
            out.append(f.result())
            if progress:
                progress(1)
        return out
