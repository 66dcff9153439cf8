"""Measured or simulated blocks from Touchstone files, checked and resampled onto the channel's grid.

Accepted: a 2-port (taken as Sdd, renormalised to 100 ohm) or a 4-port single-ended file whose pairs
are named by ``port_order`` as their two thru paths, as in :mod:`.pulse` ("1-3/2-4": thru 1 -> 3 and
2 -> 4, i.e. input pair = ports 1, 2 and output pair = ports 3, 4, the scikit-rf ``se2gmm(p=2)``
convention and that of :func:`.channel.channel_network_4port`; "1-2/3-4": thru 1 -> 2 and 3 -> 4,
input pair = ports 1, 3 and output pair = ports 2, 4, as in the IEEE example2 files).

Checks (each names the file; :func:`read_network`, used by every reader of the package):
- read as text only (scikit-rf's ``Network(path)`` would first try to unpickle it), a regular file
  within the input size cap (:mod:`si_thermal.files`);
- unreadable/corrupt file or wrong port count: :class:`InputError`;
- fewer than :data:`MIN_POINTS` points, non-finite values, negative or not strictly increasing
  frequencies: :class:`InputError`;
- a band that does not fit the option line's unit (top below 100 MHz or above 2 THz, e.g. ``# HZ``
  on a file written in GHz): :class:`InputError` naming the likely unit; outside 1-500 GHz: warning;
- largest singular value of S above :data:`MAX_GAIN` (gain, not measurement noise): :class:`InputError`;
- a 4-port whose ``port_order`` pairs the ports wrongly (mean |Sdd21| below 1 GHz under 0.1, where
  any thru block is close to 1): :class:`InputError` naming the order that works, if one does;
- non-passive data (largest singular value of S in (1, MAX_GAIN]): :class:`TouchstoneWarning` saying
  by how much (dB), and the offending frequencies are scaled down to a singular value of 1;
- band short of the requested maximum frequency: :class:`TouchstoneWarning` naming the
  extrapolation: |S| in dB continued linearly in f from a fit over the top quarter of the measured
  band, phase continued linearly (constant group delay), and passivity enforced on the extension as
  on the data; below the band the lowest point is held.

Resampling interpolates magnitude (dB) and unwrapped phase (Touchstone v1/v2 via scikit-rf).
"""

from __future__ import annotations

import io
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import skrf

from si_thermal import caches
from si_thermal.errors import InputError
from si_thermal.files import check_input_file, read_input_text

Z_DIFF = 100.0


class TouchstoneWarning(UserWarning):
    """Touchstone data used with a correction (passivity) or an extrapolation (band)."""


MIN_POINTS = 10  # fewer frequency points cannot describe a channel (a 1- or 2-point file gave a passing COM)
F_TOP_MIN_HZ = 100e6  # band top below this: the '# unit' option line is wrong (a GHz file read as Hz)
F_TOP_MAX_HZ = 2e12  # band top above this: wrong unit the other way (a MHz file read as GHz)
F_TOP_USUAL_HZ = (1e9, 500e9)  # a band top outside this range is read, with a warning
MAX_GAIN = 1.1  # largest singular value repaired with a warning; above it the data are not a passive block


@lru_cache(maxsize=32)
def _read(path: str, mtime: float, size: int) -> skrf.Network:
    """Parse a Touchstone file from its text. scikit-rf's ``Network(path)`` first tries ``pickle.load``
    on the file, which runs code from a crafted file; the text goes to its Touchstone parser only."""
    text = read_input_text(path)
    buf = io.StringIO(text)
    buf.name = Path(path).name  # the parser takes the port count of a v1 file from the extension
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # skrf's own notes on comments and v2 keywords
            return skrf.Network(buf, name=Path(path).stem)
    except Exception as err:  # skrf raises many types on malformed files
        msg = str(err).splitlines()[0] if str(err) else ""
        raise InputError(path, None, f"cannot read Touchstone file: {type(err).__name__}: {msg}"[:300]) from None


_FACTORS = {"hz": 1.0, "khz": 1e3, "mhz": 1e6, "ghz": 1e9, "thz": 1e12}


def _unit_hint(f_top: float, declared: str) -> str:
    """The unit in which the file's numbers would put its band top at 5-500 GHz."""
    number = f_top / _FACTORS.get(declared.lower(), 1.0)
    for unit in ("GHz", "MHz", "kHz", "Hz"):
        if 5e9 <= number * _FACTORS[unit.lower()] <= 500e9:
            return unit
    return "another unit"


def check_network(net: skrf.Network, label: str | Path, field: str | None = None) -> skrf.Network:
    """``net`` after the strict checks (module docstring): finite, enough strictly increasing
    non-negative frequencies, a band that fits the option line's unit, passive (repaired with a
    warning up to :data:`MAX_GAIN`). Returns a network with the passivity repair applied."""
    f, s = np.asarray(net.frequency.f, float), net.s
    if getattr(net, "noisy", False):  # Touchstone v1: a frequency that decreases starts the noise block
        raise InputError(label, field, f"frequencies must increase strictly: they decrease after point {len(f)} "
                                       "(a v1 file's noise-parameter block starts there; none is expected)")
    if net.nports not in (2, 4):
        raise InputError(label, field, f"Touchstone file has {net.nports} ports; expected 2 (Sdd) or 4 (single-ended)")
    if len(f) < MIN_POINTS:
        raise InputError(label, field, f"{len(f)} frequency points; at least {MIN_POINTS} are needed to describe "
                                       "a channel")
    if not np.all(np.isfinite(f)):
        raise InputError(label, field, "non-finite frequency values")
    if f[0] < 0:
        raise InputError(label, field, f"negative frequency {f[0]:g} Hz")
    steps = np.diff(f)
    if np.any(steps <= 0):
        i = int(np.argmax(steps <= 0))
        raise InputError(label, field, f"frequencies must increase strictly: point {i + 2} ({f[i + 1]:g} Hz) "
                                       f"follows {f[i]:g} Hz")
    z0 = np.asarray(net.z0)
    if not (np.all(np.isfinite(z0)) and np.all(np.real(z0) > 0)):
        raise InputError(label, field, "reference impedance must be finite and positive (option line 'R')")
    if not np.all(np.isfinite(s)):
        i = int(np.argmax(~np.all(np.isfinite(s.reshape(len(f), -1)), axis=1)))
        raise InputError(label, field, f"non-finite S-parameters (NaN or inf) at {f[i]:g} Hz")
    top = f[-1]
    if top < F_TOP_MIN_HZ or top > F_TOP_MAX_HZ:
        unit = getattr(net.frequency, "unit", "Hz") or "Hz"  # the option line's unit
        raise InputError(label, field, f"the data end at {top:.4g} Hz, outside {F_TOP_MIN_HZ / 1e6:g} MHz to "
                                       f"{F_TOP_MAX_HZ / 1e12:g} THz: the option line's frequency unit ({unit}) "
                                       f"does not fit the data (written in {_unit_hint(top, unit)}?)")
    if not F_TOP_USUAL_HZ[0] <= top <= F_TOP_USUAL_HZ[1]:
        warnings.warn(f"{label}: the data end at {top / 1e9:.4g} GHz, outside the usual {F_TOP_USUAL_HZ[0] / 1e9:g}-"
                      f"{F_TOP_USUAL_HZ[1] / 1e9:g} GHz of a channel measurement: check the option line's "
                      "frequency unit", TouchstoneWarning, stacklevel=2)
    sv = np.linalg.svd(s, compute_uv=False)[:, 0]
    if sv.max() > MAX_GAIN:
        i = int(np.argmax(sv))
        raise InputError(label, field, f"not passive: largest singular value of S {sv[i]:.4g} "
                                       f"(+{20 * np.log10(sv[i]):.2f} dB) at {f[i] / 1e9:.4g} GHz; repairs are made "
                                       f"up to {MAX_GAIN:g} (measurement noise), this is not a passive block")
    fixed = _passive(s, str(label))
    if fixed is s:
        return net
    out = net.copy()
    out.s = fixed
    return out


def read_network(path: str | Path, field: str | None = None) -> skrf.Network:
    """A Touchstone file as an skrf Network, read without pickle, within the input size cap, and
    checked by :func:`check_network` (errors name the file and ``field``)."""
    p = check_input_file(path, field)
    st = p.stat()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # skrf's monotonicity note: check_network says it in one line
            net = _read(str(p), st.st_mtime, st.st_size).copy()
    except InputError as err:
        raise InputError(p, field, err.message) from None
    return check_network(net, p, field)


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
    if not p.exists():
        raise InputError(p, field, "Touchstone file not found")
    net = read_network(p, field)
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
                  f"{sv.max():.4f}, +{20 * np.log10(sv.max()):.3f} dB); scaled down to 1 there, by up to "
                  f"{20 * np.log10(sv.max()):.3f} dB", TouchstoneWarning, stacklevel=3)
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
