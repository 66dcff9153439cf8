"""Cycle counting of a temperature history: ASTM E1049-85 (2017) rainflow counting, sec. 5.4.4.

The counting itself is the maintained ``rainflow`` package (Janiszewski, PyPI ``rainflow``, an
implementation of ASTM E1049 5.4.4: full cycles count 1, the unclosed residue counts as half
cycles). Before it, the history is reduced to its turning points (peaks and valleys) with numpy:
points between two reversals cannot close a cycle, so the count is unchanged, and a year at 1 s
resolution shrinks to its reversals.

A history that repeats (a workload profile's period, once the start-up transient has died out) is
counted once per period with the rule of ASTM E1049 for repeated histories: start and end the
period at its largest value, then every cycle closes and the counts scale with the repetitions
(:func:`count_periodic`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Cycles:
    """Counted cycles: range (K), mean (K or degC as the history), count (1 or 0.5 each, or
    scaled), and the cycle's duration (s: twice the time between its two turning points)."""

    range: np.ndarray
    mean: np.ndarray
    count: np.ndarray
    duration_s: np.ndarray

    @property
    def total(self) -> float:
        return float(self.count.sum())

    def scaled(self, factor: float) -> Cycles:
        """The same cycles counted ``factor`` times (a history repeated ``factor`` times)."""
        return Cycles(self.range, self.mean, self.count * factor, self.duration_s)

    def histogram(self, bins: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(range, mean, count, duration) collapsed to ``bins`` range bins: each bin takes its
        largest range (conservative: damage grows with the range) and the count-weighted mean of
        the means and durations."""
        if self.range.size == 0:
            z = np.zeros(0)
            return z, z, z, z
        edges = np.linspace(0.0, float(self.range.max()) * (1 + 1e-12), bins + 1)
        k = np.clip(np.searchsorted(edges, self.range, side="right") - 1, 0, bins - 1)
        cnt = np.bincount(k, self.count, bins)
        rng = np.zeros(bins)
        np.maximum.at(rng, k, self.range)
        w = np.where(cnt > 0, cnt, 1.0)
        mean = np.bincount(k, self.count * self.mean, bins) / w
        dur = np.bincount(k, self.count * self.duration_s, bins) / w
        keep = cnt > 0
        return rng[keep], mean[keep], cnt[keep], dur[keep]


def turning_points(x: np.ndarray) -> np.ndarray:
    """Indices of the reversals of ``x`` (first and last point included; plateaus kept once)."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError("a history is one-dimensional")
    if x.size < 3:
        return np.arange(x.size)
    keep = np.flatnonzero(np.diff(x) != 0)  # drop repeats: i where x[i+1] != x[i]
    idx = np.concatenate([keep, [x.size - 1]])  # last point of each plateau
    y = x[idx]
    d = np.sign(np.diff(y))
    rev = np.flatnonzero(d[1:] != d[:-1]) + 1
    return idx[np.concatenate([[0], rev, [len(idx) - 1]])] if len(idx) > 1 else idx


def count(x: np.ndarray, dt_s: float = 1.0) -> Cycles:
    """ASTM E1049 rainflow count of a history sampled every ``dt_s`` seconds."""
    import rainflow

    x = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(x)):
        raise ValueError("the history has non-finite values")
    tp = turning_points(x)
    if tp.size < 2:
        z = np.zeros(0)
        return Cycles(z, z, z, z)
    out = np.array(list(rainflow.extract_cycles(x[tp])), dtype=float).reshape(-1, 5)
    i0, i1 = tp[out[:, 3].astype(int)], tp[out[:, 4].astype(int)]
    return Cycles(out[:, 0], out[:, 1], out[:, 2], 2.0 * np.abs(i1 - i0) * dt_s)


def count_periodic(x_period: np.ndarray, repeats: float, dt_s: float = 1.0) -> Cycles:
    """Cycles of a history that repeats ``repeats`` times: one period, rotated to start at its
    largest value and closed there (every cycle then full), counted and scaled."""
    x = np.asarray(x_period, dtype=float)
    i = int(np.argmax(x))
    rolled = np.concatenate([x[i:], x[:i], x[i : i + 1]])
    return count(rolled, dt_s).scaled(repeats)


def concatenate(*parts: Cycles) -> Cycles:
    """All cycles of several counts together."""
    return Cycles(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("range", "mean", "count", "duration_s")))


def count_repeating(x: np.ndarray, period_steps: int, dt_s: float = 1.0, *, atol: float | None = None) -> Cycles:
    """Rainflow count of a long history that settles into a repeating period (a periodic input
    through a linear system, after its start-up transient): the periods before it settles are
    counted in full, the settled period once with :func:`count_periodic` and scaled by the number
    of settled periods, the leftover partial period in full. Equal to counting the whole history
    to within the few half cycles at the joints (tests). A history that never repeats (to ``atol``,
    default 1e-6 of its range) is counted in full."""
    x = np.asarray(x, dtype=float)
    p = int(period_steps)
    n_per = x.size // p if p > 0 else 0
    if n_per < 3:
        return count(x, dt_s)
    tol = atol if atol is not None else 1e-6 * max(float(np.ptp(x)), 1e-300)
    whole = x[: n_per * p].reshape(n_per, p)
    last = whole[-1]
    same = np.all(np.abs(whole - last) <= tol, axis=1)
    if not same[-2]:
        return count(x, dt_s)
    k = n_per - int(np.argmin(same[::-1])) if not same.all() else 0  # first settled period
    parts = [count_periodic(last, n_per - k, dt_s)]
    if k:
        parts.append(count(x[: k * p], dt_s))
    if x.size > n_per * p:
        parts.append(count(x[n_per * p - 1 :], dt_s))
    return concatenate(*parts)
