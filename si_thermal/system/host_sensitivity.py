"""How a link verdict moves with one uncertain input: the host-trace length of a channel (issue 11).

The host traces at both ends of a rack channel (``*host_trace`` segments) are engineering estimates
(3-4 in in the channel files). For a channel, a rate and a variable-segment length (the group's longest
link), IL at Nyquist and COM are recomputed with every host trace set to each of a few lengths. Same
solvers as :mod:`si_thermal.system.links`; one COM solve per length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from si_thermal import paths
from si_thermal.config import StriplineSegment

INCH = 0.0254
HOST_IN = (1.0, 2.0, 4.0, 6.0)  # host-trace lengths tried, inches


@dataclass(frozen=True)
class HostTraceSensitivity:
    channel: str
    rate: str
    length_m: float  # variable segment held at this length
    host_in: np.ndarray  # host-trace length at each end, in
    il_margin_db: np.ndarray  # budget - IL at Nyquist
    com_margin_db: np.ndarray | None  # COM - 3 dB (None: no COM parameter set for the rate)

    def closes(self) -> np.ndarray:
        ok = self.il_margin_db >= 0
        return ok if self.com_margin_db is None else ok & (self.com_margin_db >= 0)


def host_trace_sensitivity(channel: str, rate: str, length_m: float, host_in=HOST_IN) -> HostTraceSensitivity:
    from si_thermal.si import channel as chan
    from si_thermal.si.com import compute_com
    from si_thermal.si.rates import serdes_rate
    from si_thermal.si.reach import il_at_nyquist
    from si_thermal.system.links import COM_DF_HZ, com_standard

    ch, path = chan.load(paths.channels_dir() / channel)
    r = serdes_rate(rate)
    std = com_standard(rate)
    f = np.arange(0.0, 1.1 * r.symbol_rate, COM_DF_HZ)
    il, com = [], []
    for h in host_in:
        segs = [s.model_copy(update={"length": h * INCH})
                if isinstance(s, StriplineSegment) and s.name.endswith("host_trace") else s for s in ch.segments]
        pair = (ch.model_copy(update={"segments": segs}), path)
        il.append(r.il_budget - il_at_nyquist(pair, r.nyquist_hz, length_m))
        if std is not None:
            net = chan.channel_network(pair, f, length_m=length_m)
            com.append(compute_com(net, params=std, rate=rate).com_db - 3.0)
    return HostTraceSensitivity(channel, rate, float(length_m), np.asarray(host_in, float), np.array(il),
                                np.array(com) if com else None)
