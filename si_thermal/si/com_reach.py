"""Reach by COM: the longest length of a channel's variable segment with COM >= threshold (default 3 dB).

COM (IEEE 802.3 Annex 93A / P802.3dj Annex 178A, :mod:`si_thermal.si.com`) falls with length as loss and
ISI grow; :func:`si_thermal.si.reach.max_length` (Brent's method) finds where ``COM(length) - threshold``
crosses zero. The 3 dB threshold is the COM pass limit of 802.3ck/802.3dj backplane and cable clauses
(e.g. 163.10, 178.10). The channel comes from ``channels/*.toml`` through
:func:`si_thermal.si.channel.channel_network`, evaluated up to 1.5 times the symbol rate (the receiver
filter of 93A-20 removes what lies above; :mod:`si_thermal.si.pulse` extends the band with a warning).
"""

from __future__ import annotations

import warnings

import numpy as np

from si_thermal.errors import InputError
from si_thermal.si import channel as chan
from si_thermal.si.com import ComParams, com_from_prepared, load_com_params, prepare
from si_thermal.si.reach import ReachResult, il_at_nyquist, max_length

#: Default COM parameter set per SerDes rate key of channels/serdes.toml.
DEFAULT_STD = {"200g": "802.3dj", "224g": "224g"}


def com_params_for(rate: str, std: str | None = None) -> ComParams:
    """The COM parameter set for a rate: ``std`` moved to the rate, or the rate's default set."""
    name = std or DEFAULT_STD.get(rate, "802.3dj")
    return load_com_params(name, rate=rate)


def com_at_length(channel, params: ComParams, length_m: float | None, *, df_hz: float = 25e6) -> float:
    """COM (dB) of the channel with its variable segment at ``length_m`` (no aggressors)."""
    fb = params.symbol_rate_hz
    f = np.arange(0.0, 1.5 * fb + df_hz, df_hz)
    net = chan.channel_network(channel, f, length_m=length_m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prep = prepare(net, (), (), params)
    return com_from_prepared(prep, eye=False).com_db


def reach_com(channel_path, rate: str, threshold_db: float = 3.0, *, std: str | None = None,
              hi_m: float = 5.0, xtol_m: float = 5e-3, params: ComParams | None = None) -> ReachResult:
    """Longest variable-segment length with COM >= ``threshold_db`` at ``rate``; a :class:`ReachResult`.

    ``budget_db`` of the result holds the COM threshold; ``closes`` says whether COM at zero length
    meets it. ``params`` overrides the parameter set (e.g. a reduced equalizer grid).
    """
    ch, path = chan.load(channel_path)
    stated = chan.variable_length(ch)
    if stated is None:
        raise InputError(path, "channel.variable_segment", "reach needs a channel with a variable_segment")
    p = params or com_params_for(rate, std)
    pair = (ch, path)
    margin = lambda x: com_at_length(pair, p, x) - threshold_db  # noqa: E731
    reach = max_length(margin, 0.0, hi_m, xtol_m=xtol_m)
    fn = p.symbol_rate_hz / 2
    il0 = il_at_nyquist(pair, fn, 0.0)
    il1 = il_at_nyquist(pair, fn, 1.0)
    return ReachResult(channel=ch.channel.name, rate=rate, criterion="com", reach_m=reach, length_m=stated,
                       il_db_at_nyquist=il_at_nyquist(pair, fn, None), budget_db=threshold_db, nyquist_hz=fn,
                       il_db_per_m=il1 - il0, closes=reach > 0.0)


__all__ = ["DEFAULT_STD", "com_at_length", "com_params_for", "reach_com"]
