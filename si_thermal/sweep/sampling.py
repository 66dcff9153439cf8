"""Designs of experiments over :class:`~si_thermal.sweep.params.Factor` s: full grid, Latin hypercube,
Sobol (``scipy.stats.qmc``), each reproducible from its seed.

A unit-cube sample ``u`` in [0, 1) maps to a continuous span as ``lo + u (hi - lo)`` and to ``k``
levels as level ``floor(u k)`` (each level an equal share of the axis, McKay et al. 1979 for LHS;
Owen-scrambled Sobol, Joe & Kuo 2008 direction numbers, as scipy implements them).
Each point is a dict {name: value}; its key (:func:`point_key`) depends only on those values, so a
point is recognised again by ``--resume`` whatever its position or batch.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import warnings

import numpy as np

from si_thermal.errors import InputError
from si_thermal.sweep.params import MAX_POINTS, Factor

METHODS = ("grid", "lhs", "sobol")


def point_key(params: dict) -> str:
    """Stable 16-hex-digit key of a point's parameter values (order of names does not matter)."""
    text = json.dumps(params, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _grid(factors: list[Factor]) -> list[dict]:
    for f in factors:
        if f.span is not None:
            raise InputError(None, "--param", f"{f.name}: a full grid needs levels or START:STOP:STEP, "
                                              f"not the continuous range LO:HI (use --design lhs or sobol)")
    names = [f.name for f in factors]
    total = math.prod(len(f.levels) for f in factors)
    if total > MAX_POINTS:  # refused before the product is built
        raise InputError(None, "--param", f"the grid has {total:,} points; at most {MAX_POINTS:,}")
    return [dict(zip(names, combo)) for combo in itertools.product(*(f.levels for f in factors))]


def _map(factors: list[Factor], u: np.ndarray) -> list[dict]:
    out = []
    for row in u:
        p = {}
        for f, x in zip(factors, row):
            if f.span is not None:
                lo, hi = f.span
                p[f.name] = float(lo + float(x) * (hi - lo))
            else:
                p[f.name] = f.levels[min(int(math.floor(float(x) * len(f.levels))), len(f.levels) - 1)]
        out.append(p)
    return out


def design(factors: list[Factor], method: str = "grid", samples: int | None = None,
           seed: int | None = 0) -> list[dict]:
    """Points of the design, in order; repeated points (a sampled design over few levels) kept once."""
    if method not in METHODS:
        raise InputError(None, "--design", f"unknown design {method!r}; use {', '.join(METHODS)}")
    if method == "grid" or not factors:
        if samples is not None and method == "grid":
            raise InputError(None, "--samples", "a full grid takes no --samples (its size is the product of levels)")
        pts = _grid(factors)
    else:
        from scipy.stats import qmc

        if samples is None or not 1 <= samples <= MAX_POINTS:
            raise InputError(None, "--samples", f"a {method} design needs --samples N with 1 <= N <= {MAX_POINTS:,}")
        d = len(factors)
        if method == "lhs":
            u = qmc.LatinHypercube(d, seed=seed).random(samples)
        else:
            with warnings.catch_warnings():  # n not a power of two: balance is lost, still a valid sample
                warnings.simplefilter("ignore")
                u = qmc.Sobol(d, scramble=True, seed=seed).random(samples)
        pts = _map(factors, u)
    seen, unique = set(), []
    for p in pts:
        k = point_key(p)
        if k not in seen:
            seen.add(k)
            unique.append(p)
    return unique


def cross(points: list[dict], name: str, values: tuple) -> list[dict]:
    """Every point at every value of ``name`` (e.g. each SerDes rate), rate varying fastest."""
    if not values:
        return points
    return [{**p, name: v} for p in points for v in values]
