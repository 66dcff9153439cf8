"""COM of a channel file as a link sees it, and reach by COM.

:func:`link_com`: COM (IEEE 802.3 Annex 93A / P802.3dj Annex 178A, :mod:`si_thermal.si.com`) of a
``channels/*.toml`` channel at one length, for **every package test case** of the rate's COM set (COM
is the worst of them, both are reported), with the NEXT/FEXT aggressors that the channel's connectors
state (:mod:`si_thermal.si.crosstalk`); a run without aggressors says so (``aggressors == ()``).

:func:`com_reach_m`: the longest length of the variable segment with worst-case COM >= the threshold
(:data:`si_thermal.si.com.COM_THRESHOLD_DB`, the pass limit of 802.3ck/802.3dj, e.g. 163.10, 178.10),
found by root-finding on COM itself (inverse quadratic interpolation with an ``xtol``-aware closing
step and a bisection safeguard, on the worst package case; the bracket's solves are reused), to
``xtol_m``. COM falls with length as loss and ISI grow.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from si_thermal.errors import ConvergenceError, InputError
from si_thermal.si import channel as chan
from si_thermal.si.com import COM_THRESHOLD_DB, ComParams, com_from_prepared, load_com_params, prepare
from si_thermal.si.rates import serdes_rate
from si_thermal.si.reach import ReachResult, il_at_nyquist
from si_thermal.si.tline import abcd_to_s

#: Default COM parameter set per SerDes rate key of channels/serdes.toml (else: the set that names the rate).
DEFAULT_STD = {"200g": "802.3dj", "224g": "224g", "112g": "802.3ck", "448g": "448g", "pcie6": "pcie6"}
DF_HZ = 100e6  # largest frequency step of the channel handed to COM (see :func:`com_df_hz`)


def com_df_hz(channel, length_m: float | None, abcd_at=None) -> float:
    """Frequency step for the channel handed to COM: ``DF_HZ``, or finer so that the phase of S21 moves by
    at most pi/4 per step (``df <= 1 / (8 tau)``, tau from the phase at 10 MHz). At 100 MHz a 5 ns channel
    aliased its unwrapped phase (COM -3 dB at 0.8 m of NVLink cable between +5 dB at 0.7 and 0.9 m).
    ``abcd_at``: :func:`si_thermal.si.channel.channel_abcd_fn` of the channel at 10 MHz (many lengths)."""
    if abcd_at is None:
        s21 = chan.channel_network(channel, np.array([10e6]), length_m=length_m).s[0, 1, 0]
    else:
        s21 = abcd_to_s(abcd_at(length_m), chan.Z_DIFF, reciprocal=True)[0, 1, 0]
    tau = max(-float(np.angle(s21)) / (2 * np.pi * 10e6), 1e-12)
    return float(min(DF_HZ, max(5e6, 1.0 / (8.0 * tau))))


def com_params_for(rate: str, std: str | None = None) -> ComParams:
    """The COM parameter set for a rate: ``std`` moved to the rate, or the rate's default set."""
    name = std or DEFAULT_STD.get(rate, "802.3dj")
    return load_com_params(name, rate=rate)


@dataclass(frozen=True)
class LinkCom:
    """COM of one channel at one length: per package case, the worst, and the aggressors used."""

    length_m: float | None
    com_db: tuple[float, ...]  # per package case
    case_names: tuple[str, ...]
    aggressors: tuple[str, ...]  # names of the NEXT/FEXT aggressors (empty: thru only)
    results: tuple = field(default=(), repr=False, compare=False)  # ComResult per case

    @property
    def worst_db(self) -> float:
        return float(min(self.com_db))

    @property
    def worst_case(self) -> int:
        return int(np.argmin(self.com_db))


def case_name(params: ComParams, i: int) -> str:
    pkg = params.package_cases[i] if params.package_cases else params.package
    return f"case {i + 1} (z_p {'+'.join(f'{z * 1e3:g}' for z in pkg.z_p_m)} mm)"


def link_com(channel, params: ComParams, length_m: float | None = None, *, crosstalk: bool = True,
             cases: tuple[int, ...] | None = None, seed: tuple[int, int] | None = None,
             built: dict | None = None) -> LinkCom:
    """COM of the channel with its variable segment at ``length_m``, per package case. ``seed``: the
    equalizer (``ComResult.choice``) of a solve at a nearby length to start the fast search from.
    ``built``: a dict the caller keeps for one channel and parameter set; the thru and aggressor networks
    of each length are kept there, so another package case at the same length does not rebuild them."""
    net, aggs = _link_networks(channel, params.symbol_rate_hz, length_m, crosstalk, built)
    fext = [a.network for a in aggs if a.kind == "fext"]
    nxt = [a.network for a in aggs if a.kind == "next"]
    n_cases = max(len(params.package_cases), 1)
    idx = tuple(range(n_cases)) if cases is None else cases
    res = []
    for i in idx:
        p = params.with_package_case(i)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            prep = prepare(net, fext, nxt, p, check=False)   # our own models: passive by construction
        start = (res[0].choice,) if res else ((seed,) if seed is not None else None)  # case 2 climbs from case 1
        r = com_from_prepared(prep, eye=False, seed=start)
        if not math.isfinite(r.com_db):
            raise ConvergenceError(f"COM is not finite ({r.com_db}) for {net.name} at {length_m} m, "
                                   f"{case_name(params, i)}")
        res.append(r)
    return LinkCom(length_m, tuple(r.com_db for r in res), tuple(case_name(params, i) for i in idx),
                   tuple(a.name for a in aggs), tuple(res))


def _link_networks(channel, fb: float, length_m: float | None, crosstalk: bool, built: dict | None):
    """(thru Network, aggressors) handed to COM at ``length_m`` (from ``built`` when it holds them)."""
    from si_thermal.si.crosstalk import aggressors

    key = (None if length_m is None else float(length_m), float(fb), bool(crosstalk))
    if built is not None and key in built:
        return built[key]
    abcd_at = None
    if built is not None:   # the channel at 10 MHz for every length (fixed segments once)
        abcd_at = built.setdefault("abcd at 10 MHz", chan.channel_abcd_fn(channel, np.array([10e6])))
    f = np.arange(0.0, 1.1 * fb, com_df_hz(channel, length_m, abcd_at))
    net, blocks = chan.channel_network_blocks(channel, f, length_m=length_m)
    aggs = aggressors(channel, f, length_m=length_m, blocks=blocks) if crosstalk else ()
    if built is not None:
        built[key] = (net, aggs)
    return net, aggs


def com_at_length(channel, params: ComParams, length_m: float | None, *, crosstalk: bool = True) -> float:
    """Worst-case COM (dB) over the package cases at ``length_m``, with the connectors' aggressors."""
    return link_com(channel, params, length_m, crosstalk=crosstalk).worst_db


def com_reach_m(fn, lo_m: float, hi_m: float, *, known: dict[float, float] | None = None,
                xtol_m: float = 0.01, hi_max_m: float = 20.0, max_iter: int = 30) -> float:
    """Largest length with ``fn(length) >= 0`` for a margin falling with length, to ``xtol_m``.

    Bracketing root-finder with an ``xtol``-aware step (in the manner of Brent's method): each step
    estimates the root by inverse quadratic interpolation through the bracket ends and the point last
    dropped from the bracket (secant while there are only two), bisects after three steps in a row that
    moved the same end, and, when the estimate lies within ``xtol_m / 2`` of an end, solves ``xtol_m`` inside that
    end, which closes the bracket when the estimate is right. Returns the bracket's lower end, a length
    solved with margin >= 0. ``known`` caches margins already solved (it is filled in). Returns ``lo_m``
    when the margin is negative there; expands ``hi_m`` (doubling, up to ``hi_max_m``, then returns
    ``hi_max_m``). Lengths are solved to 1 um; a non-finite margin is a :class:`ConvergenceError`.
    COM is solved per length, so the count of solves is the cost (about 4 per root from a
    bracket of the two ends, against 5-8 for the regula falsi this replaced, on the report's links).
    """
    cache = {} if known is None else known

    def m(x: float) -> float:
        x = round(float(x), 6)
        if x not in cache:
            v = float(fn(x))
            if not math.isfinite(v):   # a NaN would pass every `>= 0` and `< 0` test the wrong way
                raise ConvergenceError(f"COM reach: the margin at {x:g} m is not finite ({v})")
            cache[x] = v
        return cache[x]

    a, fa = lo_m, m(lo_m)
    if fa < 0:
        return lo_m
    b, fb = hi_m, m(hi_m)
    while fb >= 0:
        if b >= hi_max_m:
            return hi_max_m
        a, fa = b, fb
        b = min(2.0 * b if b > 0 else 1.0, hi_max_m)
        fb = m(b)
    tol = xtol_m * (1.0 + 1e-9)   # a bracket of exactly xtol (a + xtol_m - a rounds above xtol_m) is done
    dropped: tuple[float, float] | None = None
    same_end, last_end = 0, 0
    for _ in range(max_iter):
        if b - a <= tol:
            return a
        e = a - fa * (b - a) / (fb - fa)
        if dropped is not None and len({fa, fb, dropped[1]}) == 3:
            q = _inverse_quadratic((a, b, dropped[0]), (fa, fb, dropped[1]))
            e = q if a < q < b else e
        if same_end >= 2:
            e = 0.5 * (a + b)
        if e - a < 0.5 * xtol_m:
            e = a + xtol_m
        elif b - e < 0.5 * xtol_m:
            e = b - xtol_m
        c = round(min(max(e, a + 0.1 * xtol_m), b - 0.1 * xtol_m), 6)   # the length solved: returned as such
        fc = m(c)
        end = 1 if fc >= 0 else -1
        if end == 1:
            dropped, a, fa = (a, fa), c, fc
        else:
            dropped, b, fb = (b, fb), c, fc
        same_end = same_end + 1 if end == last_end else 0
        last_end = end
    raise ConvergenceError(f"COM reach: no convergence to {xtol_m} m in {max_iter} steps on [{a:g}, {b:g}] m")


def _inverse_quadratic(x: tuple[float, float, float], y: tuple[float, float, float]) -> float:
    """x at y = 0 of the quadratic x(y) through three points with distinct y (Lagrange form)."""
    return sum(x[i] * math.prod(-y[j] / (y[i] - y[j]) for j in range(3) if j != i) for i in range(3))


def reach_com(channel_path, rate: str, threshold_db: float = COM_THRESHOLD_DB, *, std: str | None = None,
              hi_m: float = 5.0, xtol_m: float = 5e-3, params: ComParams | None = None,
              crosstalk: bool = True) -> ReachResult:
    """Longest variable-segment length with worst-case COM >= ``threshold_db`` at ``rate``.

    ``budget_db`` of the result holds the COM threshold; ``closes`` says whether COM at zero length
    meets it. ``params`` overrides the parameter set (e.g. a reduced equalizer grid).
    """
    ch, path = chan.load(channel_path)
    stated = chan.variable_length(ch)
    if stated is None:
        raise InputError(path, "channel.variable_segment", "reach needs a channel with a variable_segment")
    p = params or com_params_for(rate, std)
    pair = (ch, path)
    reach = com_reach_m(lambda x: com_at_length(pair, p, x, crosstalk=crosstalk) - threshold_db, 0.0, hi_m,
                        xtol_m=xtol_m)
    fn = p.symbol_rate_hz / 2
    il = lambda x: il_at_nyquist(pair, fn, x, rate=rate)  # noqa: E731
    il0 = il(0.0)
    return ReachResult(channel=ch.channel.name, rate=rate, criterion="com", reach_m=reach, length_m=stated,
                       il_db_at_nyquist=il(None), budget_db=threshold_db, nyquist_hz=fn,
                       il_db_per_m=il(1.0) - il0, closes=reach > 0.0,
                       reference_planes=serdes_rate(rate).reference_planes, il_db_fixed=il0)


__all__ = ["DEFAULT_STD", "LinkCom", "com_at_length", "com_params_for", "com_reach_m", "link_com", "reach_com"]
