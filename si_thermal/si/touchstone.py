"""Measured or simulated blocks from Touchstone files, checked and resampled onto the channel's grid.

Accepted: a 2-port (taken as Sdd, renormalised to 100 ohm) or a 4-port single-ended file whose pairs
are named by ``port_order`` as their two thru paths, as in :mod:`.pulse` ("1-3/2-4": thru 1 -> 3 and
2 -> 4, i.e. input pair = ports 1, 2 and output pair = ports 3, 4, the scikit-rf ``se2gmm(p=2)``
convention and that of :func:`.channel.channel_network_4port`; "1-2/3-4": thru 1 -> 2 and 3 -> 4,
input pair = ports 1, 3 and output pair = ports 2, 4, as in the IEEE example2 files).

Checks (each names the file):
- unreadable/corrupt file or wrong port count: :class:`InputError`;
- a 4-port whose ``port_order`` pairs the ports wrongly (mean |Sdd21| below 1 GHz under 0.1, where
  any thru block is close to 1): :class:`InputError` naming the order that works, if one does;
- non-passive data (largest singular value of S above 1): :class:`TouchstoneWarning`, and the
  offending frequencies are scaled down to a singular value of 1;
- band short of the requested maximum frequency: :class:`TouchstoneWarning` naming the
  extrapolation: |S| in dB continued linearly in f from a fit over the top quarter of the measured
  band, phase continued linearly (constant group delay), and passivity enforced on the extension as
  on the data; below the band the lowest point is held.

Resampling interpolates magnitude (dB) and unwrapped phase (Touchstone v1/v2 via scikit-rf).
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import skrf

from si_thermal import caches
from si_thermal.errors import InputError

Z_DIFF = 100.0


class TouchstoneWarning(UserWarning):
    """Touchstone data used with a correction (passivity) or an extrapolation (band)."""


@lru_cache(maxsize=32)
def _read(path: str, mtime: float) -> skrf.Network:
    try:
        return skrf.Network(path)
    except Exception as err:  # skrf raises many types on malformed files
        raise InputError(path, None, f"cannot read Touchstone file: {type(err).__name__}: {err}") from None


caches.register(_read.cache_clear)


def _sdd_of_4port(net: skrf.Network, port_order: str) -> skrf.Network:
    """Sdd of a single-ended 4-port whose thru paths are named by ``port_order``."""
    net = net.copy()
    if port_order == "1-2/3-4":
        net.renumber([0, 1, 2, 3], [0, 2, 1, 3])
    net.se2gmm(p=2)
    return skrf.Network(frequency=net.frequency, s=net.s[:, :2, :2], z0=net.z0[:, :2])


def _low_band_s21(sdd: skrf.Network) -> float:
    """Mean |Sdd21| below 1 GHz (or over the first 6 points): about 1 for any thru block; a wrong
    pairing of the single-ended ports gives a crosstalk-like value well below 0.1."""
    f = sdd.frequency.f
    low = f <= max(1e9, f[min(5, len(f) - 1)])
    return float(np.abs(sdd.s[low, 1, 0]).mean())


def read_sdd(path: str | Path, port_order: str = "1-3/2-4", field: str | None = None) -> skrf.Network:
    """The differential 2-port of a Touchstone file, 100 ohm reference, with passivity enforced."""
    p = Path(path)
    if not p.is_file():
        raise InputError(p, field, "Touchstone file not found")
    net = _read(str(p), p.stat().st_mtime).copy()
    if net.nports == 4:
        sdd = _sdd_of_4port(net, port_order)
        s21 = _low_band_s21(sdd)
        if s21 < 0.1:
            other = "1-2/3-4" if port_order == "1-3/2-4" else "1-3/2-4"
            hint = (f"; port_order = \"{other}\" gives {_low_band_s21(_sdd_of_4port(net, other)):.3g}"
                    if _low_band_s21(_sdd_of_4port(net, other)) >= 0.1 else ": not a thru block")
            raise InputError(p, field or "port_order", f"|Sdd21| = {s21:.3g} below 1 GHz with port_order = "
                             f"\"{port_order}\" (thru paths){hint}")
    elif net.nports == 2:
        sdd = net
    else:
        raise InputError(p, field, f"Touchstone file has {net.nports} ports; expected 2 (Sdd) or 4 (single-ended)")
    if not np.allclose(sdd.z0, Z_DIFF):
        sdd.renormalize(Z_DIFF)
    s = sdd.s
    if not np.all(np.isfinite(s)):
        raise InputError(p, field, "Touchstone file holds non-finite S-parameters")
    s = _passive(s, str(p))
    return skrf.Network(frequency=sdd.frequency, s=s, z0=Z_DIFF, name=p.stem)


def _passive(s: np.ndarray, label: str, what: str = "") -> np.ndarray:
    """``s`` (N, n, n) with every frequency whose largest singular value exceeds 1 scaled down to 1,
    with a warning naming ``label`` and how many frequencies were corrected."""
    sv = np.linalg.svd(s, compute_uv=False)[:, 0]
    bad = sv > 1.0 + 1e-6
    if not np.any(bad):
        return s
    warnings.warn(f"{label}: {what}not passive at {bad.sum()} of {len(sv)} frequencies (max singular value "
                  f"{sv.max():.4f}); scaled to 1 there", TouchstoneWarning, stacklevel=3)
    s = s.copy()
    s[bad] /= sv[bad, None, None]
    return s


def resample(net: skrf.Network, freq_hz, label: str = "") -> np.ndarray:
    """S (N, 2, 2) of ``net`` at ``freq_hz``, extrapolating above its band with a warning."""
    f_new = np.asarray(freq_hz, dtype=float)
    f = net.frequency.f
    s = net.s
    mag_db = 20.0 * np.log10(np.maximum(np.abs(s), 1e-15))
    phase = np.unwrap(np.angle(s), axis=0)
    out_db = np.empty((len(f_new), 2, 2))
    out_ph = np.empty((len(f_new), 2, 2))
    top = f >= f[0] + 0.75 * (f[-1] - f[0])
    above = f_new > f[-1]
    if np.any(above):
        warnings.warn(f"{label or net.name}: data end at {f[-1] / 1e9:.4g} GHz, below the {f_new.max() / 1e9:.4g} GHz "
                      f"needed; |S| extrapolated linearly in dB (fit over {f[top][0] / 1e9:.4g}-{f[-1] / 1e9:.4g} GHz) "
                      "and phase linearly", TouchstoneWarning, stacklevel=2)
    for i in range(2):
        for j in range(2):
            out_db[:, i, j] = np.interp(f_new, f, mag_db[:, i, j])
            out_ph[:, i, j] = np.interp(f_new, f, phase[:, i, j])
            if np.any(above):
                slope, icpt = np.polyfit(f[top], mag_db[top, i, j], 1)
                out_db[above, i, j] = np.minimum(slope * f_new[above] + icpt, 0.0)
                ph_slope = (phase[-1, i, j] - phase[top, i, j][0]) / (f[-1] - f[top][0])
                out_ph[above, i, j] = phase[-1, i, j] + ph_slope * (f_new[above] - f[-1])
    out = 10.0 ** (out_db / 20.0) * np.exp(1j * out_ph)
    if np.any(above):  # each |S_ij| <= 1 does not make the block passive: check the extension too
        out[above] = _passive(out[above], label or net.name, "extrapolated band ")
    return out
