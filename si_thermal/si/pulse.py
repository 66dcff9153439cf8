"""Pulse response of a channel: terminated transfer function, band extension, packages, pulse.

Sources (IEEE Std 802.3-2022 Annex 93A, as amended by 802.3ck-2022 and IEEE P802.3dj Annex 178A):

- Differential S-parameters from a single-ended 4-port: mixed-mode conversion with scikit-rf
  ``se2gmm`` (Bockelman and Eisenstadt, IEEE T-MTT 43(7), 1995).
- Device package (93A.1.2, 178A.1.4): die ladder of shunt ``C_d[i]`` and series ``L_s[i]``, bump
  ``C_b``, package transmission lines of impedance ``z_c[i]`` and length ``z_p[i]`` with the
  propagation constant of (93A-9..93A-14), and the board-side pad ``C_p``.
- Voltage transfer function of the terminated two-port (93A-18) with the termination reflection
  ``Gamma = (R_d - R_0) / (R_d + R_0)`` (93A-17).
- Transmitter rise-time filter (93A-46) and receiver noise/anti-alias filter (93A-20).
- Pulse response of a 1-UI rectangle through ``H(f)`` (93A-24).

Band extension and DC: Touchstone data rarely reach the ``samples_per_ui * fb / 2`` that the pulse
needs, and many start above DC. Above the band, the magnitude in dB is extrapolated by a least-squares
fit ``IL(f) = a + b sqrt(f) + c f`` (conductor + dielectric loss shape) to the upper half of the
band, never rising above its last value, and the phase by the group delay of the top 10 % of the band
(method ``"fit"``, the default), or by MATLAB COM's ``interp_Sparam`` default (linear magnitude trend,
method ``"com"``, used to cross-check against pychopmarg). Below the first point, the magnitude is
extended linearly and the phase by the low-frequency group delay, and ``H(0)`` is made real, as a real,
causal impulse response needs. Each extension is reported in a note that says how it was done.

Causality: the impulse response is checked for energy that wrapped around the end of the time window
(a window too short for the channel, or a non-causal model); the window is chosen from the channel's
own impulse duration, and the response is truncated after its last sample above 1e-3 of its peak
(MATLAB COM ``s21_to_impulse_DC``), which bounds what a short band or noisy data can add.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import fft as sp_fft

from si_thermal import caches
from si_thermal.errors import InputError
from si_thermal.si.tline import abcd_to_s, cascade, line_abcd, s_to_abcd, series_abcd, shunt_abcd

# ------------------------------------------------------------------------------------------------
# Mixed-mode conversion and port-order checks
# ------------------------------------------------------------------------------------------------

#: Port orders of a single-ended 4-port are named by the two thru paths: "1-3/2-4" means port 1 -> 3
#: and port 2 -> 4 (inputs 1 and 2: the usual Touchstone convention, and that of the 4-ports written by
#: :mod:`si_thermal.si.channel`); "1-2/3-4" means 1 -> 2 and 3 -> 4 (inputs 1 and 3).
PORT_ORDER_NAMES = ("1-3/2-4", "1-2/3-4")


def _order_indices(order: str) -> tuple[int, int, int, int]:
    """0-based [in P, in N, out P, out N] of an order name "a-b/c-d" (thru a -> b and c -> d).

    That is the port order skrf ``se2gmm`` needs (its thru paths are s0 -> s2 and s1 -> s3, its
    differential ports (s0, s1) and (s2, s3)).
    """
    try:
        (a, b), (c, d) = (tuple(int(x) - 1 for x in part.split("-")) for part in order.split("/"))
    except ValueError:
        raise InputError(None, "port_order", f"cannot read port order {order!r}: write it as '1-3/2-4'") from None
    if sorted((a, b, c, d)) != [0, 1, 2, 3]:
        raise InputError(None, "port_order", f"port order {order!r} must name ports 1-4 once each")
    return a, c, b, d


def detect_port_order(s: np.ndarray, f: np.ndarray) -> str:
    """Port order of a thru 4-port from its data: the thru partner of port 1 at low frequency.

    The thru path is the strongest single-ended transmission out of port 1 below 1 GHz (mean of |S|).
    Of the two remaining ports, the N input is the one more strongly coupled to port 1 over the band
    (near-end coupling between the P and N inputs exceeds the far-end one). A P/N crossing shows up as
    a negative Sdd21 and is corrected in :func:`to_sdd`.
    """
    low = f <= max(1e9, f[min(5, len(f) - 1)])
    mag = np.abs(s[low]).mean(axis=0)
    partner = int(np.argmax(mag[1:, 0])) + 1
    a, b = sorted({1, 2, 3} - {partner})
    full = np.abs(s).mean(axis=0)
    n_in, n_out = (a, b) if full[a, 0] >= full[b, 0] else (b, a)
    return f"1-{partner + 1}/{n_in + 1}-{n_out + 1}"


def sdd_from_se(s: np.ndarray, order: tuple[int, int, int, int]) -> np.ndarray:
    """Differential-mode block Sdd (N, 2, 2) of a single-ended 4-port (N, 4, 4) with equal real z0.

    ``order`` = 0-based (in P, in N, out P, out N). ``Sdd_ij = (S_PiPj - S_PiNj - S_NiPj + S_NiNj) / 2``
    (Bockelman and Eisenstadt 1995): the same numbers as skrf ``se2gmm`` (tested), without forming
    the common-mode blocks.
    """
    p = (order[0], order[2])
    n = (order[1], order[3])
    out = np.empty((s.shape[0], 2, 2), complex)
    for i in range(2):
        for j in range(2):
            out[:, i, j] = 0.5 * (s[:, p[i], p[j]] - s[:, p[i], n[j]] - s[:, n[i], p[j]] + s[:, n[i], n[j]])
    return out


def to_sdd(ntwk, name: str, *, role: str, port_order: str | None = None):
    """Differential 2-port (Sdd, port 1 = input, port 2 = output) of a Touchstone network.

    A 2-port is taken as Sdd already (its reference impedance as the file says). A 4-port is converted
    with skrf ``se2gmm`` after reordering its ports to ``port_order`` ("a-b/c-d": thru paths a -> b and
    c -> d), by :func:`sdd_from_se` (equal to skrf ``se2gmm``'s Sdd block); for ``role == "thru"``
    the order is detected from the data when not given
    (:func:`detect_port_order`); aggressors take the thru's order. Returns ``(sdd, order, notes)``.

    Raises :class:`InputError` for a thru whose low-frequency ``|Sdd21|`` is below 0.1 (a crosstalk
    file given as thru, or ports paired wrongly), and for other port counts.
    """
    import skrf as rf

    notes: list[str] = []
    if ntwk.nports == 2:
        sdd = ntwk.copy()
        order = "sdd"
    elif ntwk.nports == 4:
        if port_order is None:
            port_order = detect_port_order(ntwk.s, ntwk.f) if role == "thru" else "1-3/2-4"
            if role == "thru":
                notes.append(f"{name}: port order {port_order} detected (thru path out of port 1)")
        order = port_order
        sdd = rf.Network(frequency=ntwk.frequency, s=sdd_from_se(ntwk.s, _order_indices(port_order)),
                         z0=2 * np.real(ntwk.z0[:, :2]), name=name)
    else:
        raise InputError(name, "ports", f"{ntwk.nports}-port network: expected a 4-port single-ended "
                         "Touchstone file (.s4p) or a 2-port differential one (.s2p)")
    if role == "thru":
        low = sdd.f <= max(1e9, sdd.f[min(5, len(sdd.f) - 1)])
        s21 = np.abs(sdd.s[low, 1, 0]).mean()
        if s21 < 0.1:
            raise InputError(name, "port_order",
                             f"|Sdd21| = {s21:.3g} below 1 GHz: not a thru channel (a crosstalk "
                             "file given as thru, or the single-ended ports paired wrongly)")
        if sdd.s[0, 1, 0].real < 0:
            sdd.s[:, 1, 0] *= -1
            sdd.s[:, 0, 1] *= -1
            notes.append(f"{name}: Sdd21 is negative at low frequency (P and N swapped at one end): "
                         "polarity corrected")
    return sdd, order, notes


# Two-port algebra: the one set of si_thermal.si.tline (S <-> ABCD by scikit-rf).


@dataclass(frozen=True)
class Package:
    """Device + package model of 93A.1.2 / 178A.1.4 (single-ended values, SI units).

    ``z_c_ohm`` are the differential impedances of the package line sections, compared with 2 R_0
    as in (93A-13); ``gamma0_per_mm``, ``a1``, ``a2``, ``tau`` are the line-loss coefficients of
    (93A-9..93A-12) in the units of the tables (1/mm, sqrt(ns)/mm, ns/mm, ns/mm).
    """

    c_d_f: tuple[float, ...]
    l_s_h: tuple[float, ...]
    c_b_f: float
    c_p_f: float
    z_c_ohm: tuple[float, ...]
    z_p_m: tuple[float, ...]
    gamma0_per_mm: float
    a1_sqrt_ns_per_mm: float
    a2_ns_per_mm: float
    tau_ns_per_mm: float


def package_gamma_per_mm(pkg: Package, freq_hz: np.ndarray) -> np.ndarray:
    """Propagation constant of the package line (93A-9..93A-12), per mm; f in GHz inside."""
    f = np.maximum(np.asarray(freq_hz, float) / 1e9, 1e-12)
    g1 = pkg.a1_sqrt_ns_per_mm * (1 + 1j) * np.sqrt(f)
    g2 = f * (pkg.a2_ns_per_mm * (1 - 1j * (2 / np.pi) * np.log(f)) + 1j * 2 * np.pi * pkg.tau_ns_per_mm)
    g = pkg.gamma0_per_mm + g1 + g2
    return np.where(np.asarray(freq_hz) == 0, pkg.gamma0_per_mm + 0j, g)


_PKG_CACHE: dict[tuple, np.ndarray] = {}
caches.register(_PKG_CACHE.clear)   # si_thermal.caches.clear() empties it too


def package_abcd(pkg: Package, freq_hz: np.ndarray, *, receiver: bool) -> np.ndarray:
    """Differential ABCD of one device package, ordered in the direction of the signal (remembered for the
    last few (package, frequency grid) pairs: COM builds it for the thru and every aggressor)."""
    f = np.asarray(freq_hz, float)
    key = (pkg, receiver, len(f), float(f[0]) if len(f) else 0.0, float(f[-1]) if len(f) else 0.0,
           hash(f.tobytes()))
    out = _PKG_CACHE.get(key)
    if out is None:
        if len(_PKG_CACHE) > 16:
            _PKG_CACHE.clear()
        parts = _package_parts(pkg, f)         # one set of parts, cascaded in both directions
        for rx in (False, True):
            m = _PKG_CACHE[key[:1] + (rx,) + key[2:]] = cascade(parts[::-1] if rx else parts)
            m.setflags(write=False)
        out = _PKG_CACHE[key]
    return out


def _package_abcd(pkg: Package, freq_hz: np.ndarray, *, receiver: bool) -> np.ndarray:
    """Differential ABCD of one device package, ordered in the direction of the signal.

    Transmitter: die ladder (C_d[0], L_s[0], C_d[1], ...), C_b, line sections, C_p -> channel.
    Receiver: the mirror image. Single-ended shunt C becomes C/2 and series L becomes 2 L in the
    differential mode of two identical uncoupled lines.
    """
    parts = _package_parts(pkg, freq_hz)
    return cascade(parts[::-1] if receiver else parts)


def _package_parts(pkg: Package, freq_hz: np.ndarray) -> list[np.ndarray]:
    """The ABCD blocks of :func:`_package_abcd` in the transmitter's order."""
    w = 2 * np.pi * np.asarray(freq_hz, float)
    jw = 1j * w
    parts: list[np.ndarray] = []
    for i, cd in enumerate(pkg.c_d_f):
        parts.append(shunt_abcd(jw * cd / 2))
        if i < len(pkg.l_s_h):
            parts.append(series_abcd(jw * 2 * pkg.l_s_h[i]))
    if pkg.c_b_f:
        parts.append(shunt_abcd(jw * pkg.c_b_f / 2))
    gamma = package_gamma_per_mm(pkg, freq_hz)
    for zc, zp in zip(pkg.z_c_ohm, pkg.z_p_m):
        parts.append(line_abcd(gamma * zp * 1e3, zc, 1.0))
    if pkg.c_p_f:
        parts.append(shunt_abcd(jw * pkg.c_p_f / 2))
    return parts


def terminated_tf(s_chan: np.ndarray, z0_chan: float, freq_hz: np.ndarray, *, r0_ohm: float,
                  rd_ohm: float, tx_pkg: Package | None, rx_pkg: Package | None) -> np.ndarray:
    """Voltage transfer function (93A-18) of Tx package + channel + Rx package.

    The channel's Sdd (on its reference ``z0_chan``, ohm differential) is cascaded with the packages
    as ABCD matrices; the result, on the reference 2 R_0, is terminated at both ends by 2 R_d:
    ``H21 = S21 (1 - G1)(1 + G2) / (1 - S11 G1 - S22 G2 + G1 G2 dS)``, ``G = (R_d - R_0)/(R_d + R_0)``.
    """
    ref = 2 * r0_ohm
    chain = [s_to_abcd(s_chan, z0_chan)]
    if tx_pkg is not None:
        chain.insert(0, package_abcd(tx_pkg, freq_hz, receiver=False))
    if rx_pkg is not None:
        chain.append(package_abcd(rx_pkg, freq_hz, receiver=True))
    s = abcd_to_s(cascade(chain), ref, reciprocal=True)
    # the packages are reciprocal: S12 / S21 of the cascade is the channel's own (exact, and robust where
    # AD - BC of a very lossy cascade has lost its digits, see tline.abcd_to_s)
    s21c = s_chan[:, 1, 0]
    s[:, 0, 1] *= np.where(np.abs(s21c) > 0, s_chan[:, 0, 1] / np.where(np.abs(s21c) > 0, s21c, 1.0), 1.0)
    g = (rd_ohm - r0_ohm) / (rd_ohm + r0_ohm)
    s11, s12, s21, s22 = s[:, 0, 0], s[:, 0, 1], s[:, 1, 0], s[:, 1, 1]
    ds = s11 * s22 - s12 * s21
    return s21 * (1 - g) * (1 + g) / (1 - s11 * g - s22 * g + g * g * ds)


# ------------------------------------------------------------------------------------------------
# Band extension onto the pulse-response grid
# ------------------------------------------------------------------------------------------------


def extend_tf(h: np.ndarray, f_in: np.ndarray, f_out: np.ndarray, *, method: str = "fit",
              name: str = "channel") -> tuple[np.ndarray, list[str]]:
    """``h`` (at ``f_in``, ascending) on ``f_out`` (from 0): interpolation, DC and band extension.

    Inside the band: linear interpolation of magnitude and unwrapped phase. Above it and below it:
    see the module docstring. Returns ``(h_out, notes)``; the notes say how any extension was done.
    """
    if method not in ("fit", "com"):
        raise InputError(None, "extrapolation", f"unknown method {method!r}: use 'fit' or 'com'")
    notes: list[str] = []
    f_in = np.asarray(f_in, float)
    mag = np.maximum(np.abs(h), 1e-300)
    ph = np.unwrap(np.angle(h))
    # DC
    if f_in[0] > 0:
        n = min(10, len(f_in))
        p_mag = np.polyfit(f_in[:n], mag[:n], 1)
        gd = -np.polyfit(f_in[:n], ph[:n], 1)[0] / (2 * np.pi)
        ph0 = ph[0] + 2 * np.pi * gd * f_in[0]
        ph0 = 0.0 if math.cos(ph0) >= 0 else math.pi  # H(0) real
        ph = ph - (ph[0] + 2 * np.pi * gd * f_in[0] - ph0)  # keep the low-frequency delay trend
        f_in = np.concatenate(([0.0], f_in))
        mag = np.concatenate(([max(np.polyval(p_mag, 0.0), 1e-300)], mag))
        ph = np.concatenate(([ph0], ph))
        notes.append(f"{name}: data start at {f_in[1] / 1e6:.4g} MHz: extended to DC (magnitude linear "
                     f"from the first {n} points, phase by their group delay {gd * 1e9:.4g} ns, H(0) real)")
    else:
        ph = ph - ph[0] + (0.0 if h[0].real >= 0 else math.pi)
    fmax = f_in[-1]
    out_mag = np.interp(f_out, f_in, mag)
    out_ph = np.interp(f_out, f_in, ph)
    hi = f_out > fmax
    if np.any(hi):
        top = f_in >= 0.9 * fmax
        gd = -np.polyfit(f_in[top], ph[top], 1)[0] / (2 * np.pi)
        out_ph[hi] = ph[-1] - 2 * np.pi * gd * (f_out[hi] - fmax)
        if method == "fit":
            upper = f_in >= 0.5 * fmax
            x = f_in[upper] / 1e9
            a = np.stack([np.ones_like(x), np.sqrt(x), x], -1)
            il_db = -20 * np.log10(mag[upper])
            coef, *_ = np.linalg.lstsq(a, il_db, rcond=None)
            xo = f_out[hi] / 1e9
            il_out = coef[0] + coef[1] * np.sqrt(xo) + coef[2] * xo
            il_out = np.maximum(il_out, -20 * np.log10(mag[-1]))  # never rising above the last point
            out_mag[hi] = 10 ** (-il_out / 20)
            how = (f"|H| in dB fitted as {coef[0]:.3g} + {coef[1]:.3g} sqrt(f/GHz) + {coef[2]:.3g} f/GHz "
                   f"over {f_in[upper][0] / 1e9:.3g}-{fmax / 1e9:.3g} GHz")
        else:
            mid = len(f_in) // 2
            p = np.polyfit(f_in[mid:], mag[mid:], 1)
            end = min(max(np.polyval(p, f_out[-1]), np.finfo(float).eps), mag[-1])
            out_mag[hi] = np.interp(f_out[hi], [fmax, f_out[-1]], [mag[-1], end])
            how = "|H| linear trend of the upper half (MATLAB COM interp_Sparam default)"
        notes.append(f"{name}: band ends at {fmax / 1e9:.4g} GHz: extrapolated to {f_out[-1] / 1e9:.4g} GHz "
                     f"({how}; phase with the group delay of the top 10 %, {gd * 1e9:.4g} ns)")
    return out_mag * np.exp(1j * out_ph), notes


# ------------------------------------------------------------------------------------------------
# Filters and pulse
# ------------------------------------------------------------------------------------------------


def tx_rise_filter(freq_hz: np.ndarray, t_r_s: float) -> np.ndarray:
    """Gaussian transmitter rise-time filter (93A-46): ``exp(-2 (pi f T_r / 1.6832)^2)``."""
    return np.exp(-2 * (np.pi * np.asarray(freq_hz) * t_r_s / 1.6832) ** 2)


def rx_filter(freq_hz: np.ndarray, f_r_hz: float) -> np.ndarray:
    """Fourth-order Butterworth receiver filter (93A-20), 3 dB frequency ``f_r``."""
    x = np.asarray(freq_hz) / f_r_hz
    return 1 / (1 - 3.414214 * x**2 + x**4 + 2.613126j * (x - x**3))


@dataclass(frozen=True)
class TimeGrid:
    """Pulse-response grid: ``n_ui`` unit intervals of ``samples_per_ui`` samples each."""

    symbol_rate_hz: float
    samples_per_ui: int
    n_ui: int

    @property
    def n(self) -> int:
        return self.n_ui * self.samples_per_ui

    @property
    def dt_s(self) -> float:
        return 1.0 / (self.symbol_rate_hz * self.samples_per_ui)

    @property
    def t_s(self) -> np.ndarray:
        return np.arange(self.n) * self.dt_s

    @property
    def f_hz(self) -> np.ndarray:
        return np.fft.rfftfreq(self.n, self.dt_s)

    @property
    def sinc(self) -> np.ndarray:
        """Spectrum of a 1-UI rectangle sampled on the grid (93A-24), times ``samples_per_ui``."""
        return self.samples_per_ui * np.sinc(self.f_hz / self.symbol_rate_hz)


def pulse(h_f: np.ndarray, grid: TimeGrid) -> np.ndarray:
    """Pulse response (93A-24): inverse FFT of ``H(f)`` times the 1-UI rectangle spectrum."""
    return sp_fft.irfft(h_f * grid.sinc, n=grid.n)


def truncate_impulse(h_f: np.ndarray, n: int, rel: float = 1e-3) -> np.ndarray:
    """Zero the impulse response of ``h_f`` after its last sample above ``rel`` of its peak."""
    h = sp_fft.irfft(h_f, n=n)
    a = np.abs(h)
    if not (np.all(np.isfinite(a)) and a.max() > 0):  # a loss beyond float range: no pulse to truncate
        raise InputError(None, "channel", "the channel's impulse response is zero or not finite (loss beyond "
                                          "what double precision holds): no COM")
    last = int(np.nonzero(a > rel * a.max())[0][-1])
    h[last + 1:] = 0.0
    return sp_fft.rfft(h)


def wrapped_fraction(p: np.ndarray, samples_per_ui: int, guard_ui: int = 8) -> float:
    """Energy of a pulse in its last ``guard_ui`` UI relative to its total: time-wrap (causality) check."""
    tail = p[-guard_ui * samples_per_ui:]
    return float((tail**2).sum() / max((p**2).sum(), 1e-300))


def impulse_duration_s(h: np.ndarray, f_hz: np.ndarray, rel: float = 1e-6) -> float:
    """Time by which the impulse response has delivered all but ``rel`` of its energy (data's own grid).

    An energy criterion, so that the noise floor of measured data (spread over the whole window) does
    not count as response.
    """
    n = 2 * (len(f_hz) - 1)
    dt = 1.0 / (n * (f_hz[1] - f_hz[0]))
    e = np.cumsum(sp_fft.irfft(h, n=n) ** 2)
    return float(np.argmax(e >= (1 - rel) * e[-1]) * dt)


@dataclass(frozen=True)
class PulseResponse:
    """A pulse response: time (s) and voltage per volt of symbol amplitude, plus notes."""

    t_s: np.ndarray
    v: np.ndarray
    samples_per_ui: int
    notes: tuple[str, ...] = ()

    @property
    def peak_index(self) -> int:
        return int(np.argmax(self.v))


def channel_pulse(ntwk, symbol_rate_hz: float, *, samples_per_ui: int = 32, n_ui: int | None = None,
                  extrapolation: str = "fit", name: str | None = None) -> PulseResponse:
    """Pulse response of a bare 2-port channel (no packages, ideal source and load).

    ``ntwk`` is a 2-port skrf Network (e.g. Sdd, or any single-ended 2-port). The transfer function is
    S21 (matched ends), extended to DC and to ``samples_per_ui * fb / 2`` (:func:`extend_tf`); the time
    window is ``n_ui`` UI, by default the next power of two above twice the impulse duration.
    """
    name = name or ntwk.name or "channel"
    f_in = ntwk.f
    s21 = ntwk.s[:, 1, 0]
    if n_ui is None:
        h_ext, _ = extend_tf(s21, f_in, np.linspace(0, f_in[-1], len(f_in)), method=extrapolation, name=name)
        dur = impulse_duration_s(h_ext, np.linspace(0, f_in[-1], len(f_in)))
        n_ui = int(2 ** math.ceil(math.log2(max(64.0, 2 * dur * symbol_rate_hz + 16))))
    grid = TimeGrid(symbol_rate_hz, samples_per_ui, n_ui)
    h, notes = extend_tf(s21, f_in, grid.f_hz, method=extrapolation, name=name)
    v = pulse(h, grid)
    if wrapped_fraction(v, samples_per_ui) > 1e-4:
        notes.append(f"{name}: {wrapped_fraction(v, samples_per_ui):.2g} of the pulse energy lies in the "
                     "last 8 UI of the window: the window may be short for this channel (time wrap)")
    return PulseResponse(grid.t_s, v, samples_per_ui, tuple(notes))
