"""Noise and interference distributions of COM (93A.1.7 / 178A.1.9) on a voltage grid: PAM-L ISI and
crosstalk PMFs (93A-39/40/44), dual-Dirac jitter (93A-43), Gaussian noise (93A-41/42), their
convolution (93A-45) and the amplitude at the detector error ratio. Public: the statistical eye
(:mod:`si_thermal.si.eye`) uses the same functions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import fft as sp_fft


def delta_pmf(samples: np.ndarray, levels: int, y_step: float, n: int) -> np.ndarray:
    """PMF of ``sum_k h_k x_k`` with independent uniform PAM-L symbols ``x_k`` (93A-39/40) on a grid.

    Grid: ``n`` (odd) points ``(i - n//2) * y_step``. Each sample convolves in ``levels`` deltas.
    """
    out = np.zeros(n)
    out[n // 2] = 1.0
    lv = np.linspace(-1, 1, levels)
    samples = np.asarray(samples, dtype=float)
    if not samples.size:
        return out
    new = np.zeros(n)
    lo, hi = n // 2, n // 2 + 1          # out is zero outside [lo, hi): only that span is shifted and added
    for shifts in np.round(samples[:, None] * lv[None, :] / y_step).astype(int).tolist():
        n_lo, n_hi = max(lo + min(shifts), 0), min(hi + max(shifts), n)
        new[n_lo:n_hi] = 0.0
        for s in shifts:                  # new[i] += out[i - s] where both are on the grid
            a, b = max(lo + s, 0), min(hi + s, n)
            if a < b:
                new[a:b] += out[a - s:b - s]
        np.divide(new[n_lo:n_hi], levels, out=new[n_lo:n_hi])
        out, new = new, out               # (the span only grows: both buffers are zero outside it)
        lo, hi = n_lo, n_hi
    return out


def gauss_pmf(sigma: float, y_step: float, n: int) -> np.ndarray:
    y = (np.arange(n) - n // 2) * y_step
    if sigma <= 0:
        g = np.zeros(n)
        g[n // 2] = 1.0
        return g
    g = np.exp(-0.5 * (y / sigma) ** 2)
    return g / g.sum()


def conv_pmf(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Convolution of two PMFs on the same zero-centred grid (length kept, centre aligned), by FFT."""
    n = len(a)
    m = 1 << int(np.ceil(np.log2(2 * n)))
    full = sp_fft.irfft(sp_fft.rfft(a, m) * sp_fft.rfft(b, m), m)[n // 2: n // 2 + n]
    out = np.maximum(full, 0.0)
    return out / out.sum()


@dataclass(frozen=True)
class Equalized:
    """The equalized link at the chosen setting: everything the eye and the COM need (volts)."""

    victim: np.ndarray          # (N,) equalized victim pulse (Tx FFE, CTLE, Rx FFE)
    aggressors: tuple[np.ndarray, ...]
    ts: int                     # cursor sample index
    samples_per_ui: int
    levels: int
    rlm: float
    dfe: np.ndarray             # DFE taps (relative to the cursor)
    sigma_gauss_v: float        # Tx + Rx + random jitter + quantisation, at the slicer
    a_dd_ui: float
    sigma_rj_ui: float
    var_x: float
    der0: float


def crosstalk_pmf(eq: Equalized, y_step: float, n: int) -> np.ndarray:
    """PMF of all crosstalk (93A-44), each aggressor at its highest-energy phase (93A-33); phase-independent."""
    m = eq.samples_per_ui
    thr = 1e-3 * abs(eq.rlm * eq.victim[eq.ts] / (eq.levels - 1))
    p = gauss_pmf(0.0, y_step, n)
    for ag in eq.aggressors:
        phase = int(np.argmax((ag.reshape(-1, m) ** 2).sum(0)))
        xs = ag[phase::m]
        p = conv_pmf(p, delta_pmf(xs[np.abs(xs) > thr], eq.levels, y_step, n))
    return p


def noise_pmf(eq: Equalized, ts: int, y_step: float, n: int, *, ref_ts: int | None = None,
              xt: np.ndarray | None = None, gauss: bool = True) -> np.ndarray:
    """Distribution of ISI + crosstalk + jitter + Gaussian noise at sample ``ts`` (93A-45), on a grid.

    The DFE feedback values are ``dfe * h(ref_ts)`` (fixed at the COM sampling time; ``ref_ts``
    defaults to ``ts``), so the same function serves the eye at other phases; ``xt`` is a
    precomputed :func:`crosstalk_pmf` on the same grid; ``gauss=False`` leaves out the Gaussian noise
    (``sigma_gauss_v``), as the MLSD of 178A.1.10 needs.
    """
    m, v = eq.samples_per_ui, eq.victim
    n_ui = len(v) // m
    ts = ts % len(v)
    h0 = v[ts if ref_ts is None else ref_ts]
    a_s = eq.rlm * v[ts] / (eq.levels - 1)
    thr = 1e-3 * abs(a_s)
    k = np.arange(n_ui) - ts // m
    seq = v[(ts + m * k) % len(v)]
    isi = seq.copy()
    isi[k == 0] = 0.0
    nb = len(eq.dfe)
    for j in range(1, nb + 1):
        isi[k == j] -= eq.dfe[j - 1] * h0                                                 # 93A-27
    isi = isi[np.abs(isi) > thr]
    p = delta_pmf(isi, eq.levels, y_step, n)                                             # 93A-40
    p = conv_pmf(p, crosstalk_pmf(eq, y_step, n) if xt is None else xt)                      # 93A-44
    hj = (v[(ts + 1 + m * k) % len(v)] - v[(ts - 1 + m * k) % len(v)]) * m / 2
    dd = eq.a_dd_ui * hj
    dd = dd[np.abs(dd) > thr]
    p_dd = delta_pmf(dd, eq.levels, y_step, n)          # 93A-43: dual-Dirac jitter times the symbol value
    if not gauss:
        return conv_pmf(p, p_dd)
    p = conv_pmf(p, conv_pmf(p_dd, gauss_pmf(eq.sigma_gauss_v, y_step, n)))                  # 93A-41/42
    return p


def amplitude_at_der(pmf: np.ndarray, y_step: float, der: float) -> float:
    """``A_ni``: the magnitude of the lower-tail quantile of the noise distribution at ``der`` (93A-45)."""
    n = len(pmf)
    cdf = np.cumsum(pmf)
    i = int(np.argmax(cdf >= der))
    return float(-(i - n // 2) * y_step)


def grid_for(eq: Equalized, a_s: float, fine: bool = True) -> tuple[float, int]:
    m, v = eq.samples_per_ui, eq.victim
    support = np.abs(v[eq.ts % m::m]).sum() + sum(np.abs(a[np.argmax((a.reshape(-1, m) ** 2).sum(0))::m]).sum()
                                                  for a in eq.aggressors)
    support += 8 * eq.sigma_gauss_v + abs(a_s)
    y_step = max(abs(a_s) / (1000 if fine else 200), support / (4000 if fine else 1000))
    n = 2 * int(np.ceil(support / y_step)) + 1
    return y_step, n
