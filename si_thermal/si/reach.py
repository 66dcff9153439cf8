"""Reach: the longest length of a channel's variable segment that meets a criterion.

:func:`max_length` is the generic root finder (Brent's method on a margin that decreases with length);
:func:`reach_il` applies it to the insertion-loss budget at the Nyquist frequency of a SerDes rate
(the budget of ``channels/serdes.toml`` between its stated reference planes, :mod:`.planes`). The COM criterion lives in
:mod:`si_thermal.si.com_reach` and uses the same :func:`max_length`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from si_thermal.errors import ConvergenceError, InputError
from si_thermal.si import channel as chan
from si_thermal.si.metrics import il_db
from si_thermal.si.rates import serdes_rate

HI_MAX_M = 1000.0


def max_length(margin_fn: Callable[[float], float], lo_m: float, hi_m: float, *, xtol_m: float = 1e-4,
               expand: bool = True) -> float:
    """Largest length in [lo_m, ...] with margin_fn(length) >= 0, for a margin decreasing in length.

    Returns ``lo_m`` if the margin is already negative there (nothing closes). If the margin is still
    positive at ``hi_m`` the bracket is doubled up to 1 km when ``expand`` (else ``hi_m`` is returned).
    Raises :class:`ConvergenceError` if Brent's method does not converge.
    """
    m_lo = margin_fn(lo_m)
    if m_lo < 0:
        return lo_m
    m_hi = margin_fn(hi_m)
    while m_hi >= 0:
        if not expand or hi_m >= HI_MAX_M:
            return hi_m
        lo_m, hi_m = hi_m, min(2.0 * hi_m, HI_MAX_M)
        m_hi = margin_fn(hi_m)
    try:
        root, info = brentq(margin_fn, lo_m, hi_m, xtol=xtol_m, full_output=True, disp=False)
    except (ValueError, RuntimeError) as err:
        raise ConvergenceError(f"reach: Brent's method failed on [{lo_m:g}, {hi_m:g}] m: {err}") from None
    if not info.converged:
        raise ConvergenceError(f"reach: Brent's method did not converge after {info.iterations} iterations "
                               f"on [{lo_m:g}, {hi_m:g}] m")
    return float(root)


@dataclass(frozen=True)
class ReachResult:
    """Reach of one channel at one rate. Lengths in m, losses in dB, frequency in Hz."""

    channel: str
    rate: str
    criterion: str
    reach_m: float
    length_m: float  # the channel's stated length of its variable segment
    il_db_at_nyquist: float  # at the stated length
    budget_db: float
    nyquist_hz: float
    il_db_per_m: float  # slope of IL at Nyquist with the variable length
    closes: bool  # False when even zero length exceeds the budget
    reference_planes: str = "ball-to-ball"  # where the budget (and the IL here) is measured
    il_db_fixed: float = float("nan")  # IL at zero variable length: what the fixed elements spend

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def il_at_nyquist(channel, nyquist_hz: float, length_m: float | None = None, *, rate: str | None = None) -> float:
    """IL (dB) of the channel at one frequency, optionally with the variable length set. With ``rate``:
    between that rate's budget planes (packages added for a bump-to-bump budget), worst package case."""
    if rate is not None:
        from si_thermal.si.planes import il_between_planes

        return max(il_between_planes(channel, rate, nyquist_hz, length_m))
    net = chan.channel_network(channel, np.array([nyquist_hz]), length_m=length_m)
    return float(il_db(net)[0])


def reach_il(channel, rate: str, *, budget_db: float | None = None, hi_m: float = 5.0,
             xtol_m: float = 1e-4) -> ReachResult:
    """Longest variable-segment length whose IL at the rate's Nyquist frequency, between the budget's
    reference planes (:mod:`si_thermal.si.planes`: the packages for a bump-to-bump budget, worst
    package case), is within the budget."""
    ch, path = chan.load(channel)
    stated = chan.variable_length(ch)
    if stated is None:
        raise InputError(path, "channel.variable_segment", "reach needs a channel with a variable_segment")
    r = serdes_rate(rate)
    budget = r.il_budget if budget_db is None else float(budget_db)
    fn = r.nyquist_hz
    pair = (ch, path)
    from si_thermal.si.planes import il_between_planes_fn

    il_at = il_between_planes_fn(pair, rate, fn)     # fixed segments and packages once
    il = lambda x: max(il_at(x))  # noqa: E731  (= il_at_nyquist(pair, fn, x, rate=rate))
    reach = max_length(lambda x: budget - il(x), 0.0, hi_m, xtol_m=xtol_m)
    il0 = il(0.0)
    return ReachResult(channel=ch.channel.name, rate=rate, criterion="il", reach_m=reach, length_m=stated,
                       il_db_at_nyquist=il(None), budget_db=budget, nyquist_hz=fn,
                       il_db_per_m=il(1.0) - il0, closes=il0 <= budget, reference_planes=r.reference_planes,
                       il_db_fixed=il0)
