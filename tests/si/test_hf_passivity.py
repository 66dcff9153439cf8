"""Channel models stay passive at every frequency (here to 400 GHz, beyond 1.5 fb of the 448G projection).

Each connector (shunt launch capacitances + a line with causal skin and Djordjevic-Sarkar loss) and via
(barrel line + open stub in shunt, tanh(gamma l) / Z) is a lossless or lossy reciprocal structure whose
|S| has no singular value above 1 at any frequency. A whole channel is a cascade of such blocks; through a
long lossy cascade the ABCD determinant AD - BC (= 1) is lost to rounding once the loss passes ~160 dB,
which made ``a2s``'s S12 blow up (a "non-passive" 3 m channel at 330 GHz, max singular value ~1e14);
:func:`si_thermal.si.tline.abcd_to_s` with ``reciprocal=True`` takes S12 = S21.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from si_thermal import config, paths
from si_thermal.si import channel as chan
from si_thermal.si.tline import abcd_to_s

F = np.linspace(1e9, 400e9, 400)
CHANNELS = sorted(p for p in paths.channels_dir().glob("*.toml") if p.name not in ("com_params.toml", "serdes.toml"))


def _max_sv(s: np.ndarray) -> float:
    return float(np.linalg.svd(s, compute_uv=False)[:, 0].max())


@pytest.mark.parametrize("path", CHANNELS, ids=lambda p: p.stem)
def test_connectors_vias_and_whole_channels_are_passive_to_400_ghz(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ch, p = chan.load(path)
        for seg in ch.segments:
            if isinstance(seg, (config.ConnectorSegment, config.ViaSegment)):
                assert _max_sv(abcd_to_s(chan.segment_abcd(seg, F, p), chan.Z_DIFF)) <= 1 + 1e-9, seg.name
        for length in (0.0, 3.0):
            net = chan.channel_network((ch, p), F, length_m=length)
            assert np.all(np.isfinite(net.s)) and _max_sv(net.s) <= 1 + 1e-9, length


def test_the_plain_abcd_conversion_loses_s12_through_a_long_lossy_cascade():
    """The failure the reciprocal conversion removes (so the test above can fail)."""
    path = paths.channels_dir() / "nvl576_backplane.toml"
    ch, p = chan.load(path)
    core = chan.channel_abcd((ch, p), F, length_m=3.0)
    assert _max_sv(abcd_to_s(core, chan.Z_DIFF)) > 10
    assert _max_sv(abcd_to_s(core, chan.Z_DIFF, reciprocal=True)) <= 1 + 1e-9


def test_448g_projection_computes_com():
    """The 448G what-if (1.5 fb = 336 GHz of channel data) now gets a COM, both package cases, finite."""
    from si_thermal.system.sensitivity import projection

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pj = projection("nvl576_backplane.toml", 0.3)
    assert pj.rate == "448g" and len(pj.com_db_cases) == 2
    assert np.isfinite(pj.com_db) and pj.com_db == min(pj.com_db_cases)
    assert pj.il_db > pj.budget_db and pj.com_db < 3.0    # 81 dB of IL: a projection that does not close
