"""Channel metrics on a differential 2-port: IL, fitted IL, ILD, FOM_ILD, RL, loss per length.

All losses are positive dB. Sources: IEEE Std 802.3-2022 clause 93A.3 (fitted insertion loss,
IL_fit(f) = a0 + a1 sqrt(f) + a2 f + a4 f^2 by least squares over [f_min, f_max]) and clause 93A.4 /
92.10.7.1.2 (FOM_ILD = sqrt(mean over f of W(f) ILD(f)^2), W(f) = sinc^2(f/fb) / (1 + (f/ft)^4) /
(1 + (f/fr)^8)). 802.3 ties ft to the transmitter 20-80 % transition time (ft = 0.2365/T_t; e.g.
T_t = 9.6 ps at 25.78125 GBd in 92.10.7.1.2 gives ft = 0.95 fb) and fr to the reference receiver
(fr = 0.75 fb in clause 93A). Default T_t = 4 ps, the 802.3dj transmitter transition time (COM
T_r = 0.004 ns, Table 178-15): ft = 59.1 GHz, 0.557 fb at 106.25 GBd (a fraction 0.2 fb, 21 GHz at
200G, would weight the ILD near Nyquist down 40x); default fr = 0.75 fb. Pass the values of a
specific clause where needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import skrf

F_MIN_FIT_HZ = 50e6
T_T_S = 4e-12  # transmitter 20-80 % transition time (802.3dj Table 178-15), s; ft = 0.2365 / T_t


def _db(x) -> np.ndarray:
    return -20.0 * np.log10(np.maximum(np.abs(x), 1e-300))


def il_db(net: skrf.Network) -> np.ndarray:
    """Insertion loss -20 log10 |S21|, dB (positive), over the network's frequencies."""
    return _db(net.s[:, 1, 0])


def rl_db(net: skrf.Network, port: int = 1) -> np.ndarray:
    """Return loss -20 log10 |S_pp| at port 1 or 2, dB (positive)."""
    return _db(net.s[:, port - 1, port - 1])


def il_at_db(net: skrf.Network, freq_hz: float) -> float:
    """IL at one frequency, dB, interpolated linearly between grid points (exact on a grid point)."""
    f = net.frequency.f
    if not f[0] <= freq_hz <= f[-1]:
        raise ValueError(f"{freq_hz / 1e9:g} GHz is outside the network's band {f[0] / 1e9:g}-{f[-1] / 1e9:g} GHz")
    return float(np.interp(freq_hz, f, il_db(net)))


@dataclass(frozen=True)
class FittedIL:
    """Coefficients (dB, dB/sqrt(Hz), dB/Hz, dB/Hz^2) and the fit on the network's grid."""

    a0: float
    a1: float
    a2: float
    a4: float
    f_min_hz: float
    f_max_hz: float

    def __call__(self, freq_hz) -> np.ndarray:
        f = np.asarray(freq_hz, dtype=float)
        return self.a0 + self.a1 * np.sqrt(f) + self.a2 * f + self.a4 * f * f


def fitted_il(net: skrf.Network, f_max_hz: float, f_min_hz: float = F_MIN_FIT_HZ) -> FittedIL:
    """Least-squares IL_fit(f) = a0 + a1 sqrt f + a2 f + a4 f^2 over [f_min, f_max] (802.3 93A.3)."""
    f = net.frequency.f
    m = (f >= f_min_hz) & (f <= f_max_hz)
    if m.sum() < 4:
        raise ValueError("fitted IL needs at least 4 frequencies in [f_min, f_max]")
    # scale columns to GHz units for conditioning
    fg = f[m] / 1e9
    a = np.column_stack([np.ones_like(fg), np.sqrt(fg), fg, fg * fg])
    c, *_ = np.linalg.lstsq(a, il_db(net)[m], rcond=None)
    return FittedIL(c[0], c[1] / np.sqrt(1e9), c[2] / 1e9, c[3] / 1e18, f_min_hz, f_max_hz)


def ild(net: skrf.Network, f_max_hz: float, f_min_hz: float = F_MIN_FIT_HZ) -> np.ndarray:
    """Insertion-loss deviation IL - IL_fit, dB, on the network's grid (NaN outside the fit band)."""
    f = net.frequency.f
    out = il_db(net) - fitted_il(net, f_max_hz, f_min_hz)(f)
    out[(f < f_min_hz) | (f > f_max_hz)] = np.nan
    return out


def fom_ild(net: skrf.Network, symbol_rate_hz: float, *, t_t_s: float = T_T_S, fr_ratio: float = 0.75,
            f_min_hz: float = F_MIN_FIT_HZ) -> float:
    """FOM_ILD, dB: weighted RMS of the ILD over [f_min, fb] (802.3 93A.4). ``symbol_rate_hz`` = fb."""
    fb = symbol_rate_hz
    f = net.frequency.f
    m = (f >= f_min_hz) & (f <= fb)
    dev = ild(net, fb, f_min_hz)[m]
    x = f[m]
    w = np.sinc(x / fb) ** 2 / (1 + (x * t_t_s / 0.2365) ** 4) / (1 + (x / (fr_ratio * fb)) ** 8)
    return float(np.sqrt(np.mean(w * dev**2)))


def loss_db_per_m(alpha_np_per_m) -> np.ndarray:
    """Nepers per metre to dB per metre."""
    return 20.0 * np.log10(np.e) * np.asarray(alpha_np_per_m)
