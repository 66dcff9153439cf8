"""Parameter sweeps of a channel: a grid of points, each evaluated independently, in parallel.

A parameter is ``length_m`` (the variable segment's length, m) or ``SEGMENT.FIELD`` (a numeric field of
one segment, in SI units: ``cable.awg=26:30:2``, ``gpu_host_trace.length=0.05:0.2:0.05``). Values come
from ``NAME=START:STOP:STEP`` (STOP included when it falls on the grid) or ``NAME=V1,V2,...``.

:func:`evaluate_point` is a plain top-level function of a picklable :class:`Point`, so it runs in a
``ProcessPoolExecutor`` with the spawn start method; a point that fails is returned with its error
message instead of stopping the sweep.
"""

from __future__ import annotations

import itertools
import math
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import get_context

import numpy as np

from si_thermal import config
from si_thermal.errors import InputError, SiThermalError

RESULT_KEYS = ("rate", "nyquist_hz", "il_db_at_nyquist", "rl_db_at_nyquist", "fom_ild_db", "budget_db", "margin_db",
               "error")
FOM_POINTS = 1001  # frequency points from 0 to the highest symbol rate (FOM_ILD integrates to fb)
MAX_POINTS = 100_000  # values per parameter and points per sweep (each point is a channel evaluation)
SERIAL_BELOW_S = 4.0  # automatic mode: run serially when the estimated work is below this


def parse_param(spec: str) -> tuple[str, tuple[float, ...]]:
    """``NAME=START:STOP:STEP`` or ``NAME=V1,V2`` -> (name, values)."""
    if "=" not in spec:
        raise InputError(None, "--param", f"expected NAME=START:STOP:STEP or NAME=V1,V2, got {spec!r}")
    name, rhs = (p.strip() for p in spec.split("=", 1))
    try:
        if ":" in rhs:
            start, stop, step = (float(x) for x in rhs.split(":"))
            if not step > 0 or stop < start:
                raise ValueError
            count = (stop - start) / step  # a float: overflow (inf) and NaN fail the check below
            if not count < MAX_POINTS:
                raise InputError(None, "--param", f"{spec!r} gives {count + 1:.3g} values; at most {MAX_POINTS:,} "
                                                  "per parameter (use a larger STEP)")
            n = int(math.floor(count + 1e-9)) + 1
            values = tuple(float(start + i * step) for i in range(n))
        else:
            values = tuple(float(x) for x in rhs.split(","))
    except ValueError:
        raise InputError(None, "--param", f"cannot read the values of {spec!r}: use START:STOP:STEP with "
                                          "STEP > 0 and STOP >= START, or V1,V2,...") from None
    if not values or not all(math.isfinite(v) for v in values):
        raise InputError(None, "--param", f"no finite values in {spec!r}")
    return name, values


@dataclass(frozen=True)
class Point:
    """One sweep point: channel file, parameter overrides {name: value}, rate keys."""

    channel_path: str
    overrides: tuple[tuple[str, float], ...]
    rates: tuple[str, ...]
    index: int = 0


def grid(channel_path: str, params: Sequence[tuple[str, Sequence[float]]], rates: Sequence[str]) -> list[Point]:
    """Cartesian product of the parameter values, one :class:`Point` each."""
    names = [n for n, _ in params]
    combos = itertools.product(*(v for _, v in params)) if params else [()]
    return [Point(str(channel_path), tuple(zip(names, combo)), tuple(rates), i) for i, combo in enumerate(combos)]


@lru_cache(maxsize=8)
def _channel(path: str) -> config.ChannelFile:
    return config.load_channel(path)


def apply_overrides(ch: config.ChannelFile, overrides, path: str) -> tuple[config.ChannelFile, float | None]:
    """Channel with segment fields replaced; returns (channel, length_m override or None)."""
    length = None
    segs = list(ch.segments)
    for name, value in overrides:
        if name == "length_m":
            _check_range(config.TwinaxSegment, "length", value, path, name)  # the segment length range
            length = value
            continue
        i, fld = _field(segs, name, path)
        # the schema's checks (AWG an integer in 20-36, lengths >= 0 and below the cap) still apply
        _check_range(type(segs[i]), fld, value, path, name)
        if isinstance(getattr(segs[i], fld), int):
            value = int(value)
        segs[i] = segs[i].model_copy(update={fld: value})
    return ch.model_copy(update={"segments": segs}), length


def _field(segs, name: str, path: str) -> tuple[int, str]:
    """(segment index, field) that the parameter ``name`` (SEGMENT.FIELD) sets; InputError if none."""
    names = [s.name for s in segs]
    seg_name, _, fld = name.partition(".")
    if seg_name not in names or not fld:
        raise InputError(path, name, f"unknown parameter; use length_m or SEGMENT.FIELD with SEGMENT in "
                                     f"{', '.join(names)}")
    i = names.index(seg_name)
    if fld not in type(segs[i]).model_fields or fld in ("name", "medium", "source"):
        raise InputError(path, name, f"segment '{seg_name}' ({segs[i].medium}) has no numeric field '{fld}'")
    return i, fld


def check_names(ch: config.ChannelFile, names: Sequence[str], path: str) -> None:
    """Raise InputError for a parameter name no point could use (checked once, before a sweep runs;
    a value out of a field's range stays a per-point error row)."""
    for name in names:
        if name == "length_m":
            if ch.channel.variable_segment is None:
                raise InputError(path, name, "this channel has no variable segment to set a length on")
            continue
        _field(list(ch.segments), name, path)


def _check_range(model, fld: str, value: float, path: str, name: str) -> None:
    """Hold ``value`` (SI) to the schema's checks of ``fld``: finite, physical range, integer fields."""
    why = config.check_si(model, fld, value)
    if why is not None:
        raise InputError(path, name, why)


def evaluate_point(point: Point) -> list[dict]:
    """Rows (one per rate) for one point: IL and RL at Nyquist, FOM_ILD, budget, margin; or the error."""
    from si_thermal.si.channel import channel_network
    from si_thermal.si.metrics import fom_ild, il_db, rl_db
    from si_thermal.si.rates import serdes_rate

    base = {"point": point.index, **dict(point.overrides)}
    rows = []
    try:
        ch, length = apply_overrides(_channel(point.channel_path), point.overrides, point.channel_path)
        rates = [(key, serdes_rate(key)) for key in point.rates]
        fb_max = max(r.symbol_rate for _, r in rates)
        freqs = np.union1d(np.linspace(0.0, fb_max, FOM_POINTS), [r.nyquist_hz for _, r in rates])
        net = channel_network((ch, point.channel_path), freqs, length_m=length)
        il, rl = il_db(net), rl_db(net)
        for key, r in rates:
            i = int(np.searchsorted(freqs, r.nyquist_hz))
            rows.append({**base, "rate": key, "nyquist_hz": r.nyquist_hz, "il_db_at_nyquist": float(il[i]),
                         "rl_db_at_nyquist": float(rl[i]), "fom_ild_db": fom_ild(net, r.symbol_rate),
                         "budget_db": r.il_budget, "margin_db": r.il_budget - float(il[i]), "error": ""})
    except (SiThermalError, ValueError) as err:
        rows = [{**base, **{k: math.nan for k in RESULT_KEYS[1:-1]}, "rate": key, "error": str(err)}
                for key in point.rates]
    return rows


def evaluate_batch(points: Sequence[Point]) -> list[dict]:
    """Rows of several points (one task per batch keeps process overhead small)."""
    return [row for p in points for row in evaluate_point(p)]


def run(points: Sequence[Point], jobs: int | None = None,
        progress: Callable[[int], None] | None = None) -> list[dict]:
    """Evaluate ``points`` over ``jobs`` processes (spawn); rows in point order. ``jobs=None`` picks:
    serial when the work is estimated below SERIAL_BELOW_S seconds, else one process per core.
    ``progress(n)`` is called with the number of points finished by each completed batch."""
    rows: list[dict] = []
    if jobs is None and points:
        # automatic: time one point here; spawning workers costs ~1-3 s each (imports), so small
        # sweeps run serially
        t0 = time.perf_counter()
        rows.extend(evaluate_point(points[0]))
        if progress:
            progress(1)
        points = points[1:]
        serial = (time.perf_counter() - t0) * len(points) < SERIAL_BELOW_S
        jobs = 1 if serial else (os.cpu_count() or 1)
    jobs = max(1, jobs or 1)
    if jobs == 1 or len(points) < 2:
        for p in points:
            rows.extend(evaluate_point(p))
            if progress:
                progress(1)
        return rows
    n_batches = min(len(points), jobs * 8)
    batches = [list(points[i::n_batches]) for i in range(n_batches)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures = [(pool.submit(evaluate_batch, b), len(b)) for b in batches]
        for fut, n in futures:
            rows.extend(fut.result())
            if progress:
                progress(n)
    return sorted(rows, key=lambda r: (r["point"], r["rate"]))
