"""The MLSD reference receiver of IEEE P802.3dj Annex 178A.1.10 (D3.3).

COM of the MLSD receiver is the DFE receiver's COM (one DFE tap, 178A.1.9) plus the advantage that a
maximum-likelihood sequence detector has over the DFE (178A-49)::

    COM = COM_DFE + 20 log10(-P_an^-1(DER_MLSD) / A_s)

- ``P_an`` (178A.1.10.1): the noise and interference distribution of COM_DFE with receiver noise added,
  scaled by ``g_an`` so that the added noise alone costs ``dCOM_an`` (3 dB in Table 178-15) of COM_DFE:
  ``20 log10(P_an^-1(DER_0) / P^-1(DER_0)) = dCOM_an``.
- ``DER_MLSD`` (178A-50..55): the sum over error events of length ``j`` of ``((L-1)/L)^(j-1)`` times the
  probability that the noise, projected on the event's error sequence ``u_j = [1, -(1-b), (1-b), ..., +-b]``
  (``b`` the DFE tap, 178A-51), exceeds the event's distance ``A_s |u|^3 / sqrt(u' V u)``, ``V`` the Toeplitz
  matrix of the normalised autocorrelation of noise + residual ISI at the Rx FFE output (178A-52, 56). The
  distribution of the projection is the convolution of ``P_an`` scaled by ``b`` and by ``1 - b`` ``j - 1``
  times (178A-54/55). The sum stops when a term adds less than 1e-4 of the total.

Reading of the annex: the pychopmarg 3.4.0 implementation (``pychopmarg/mlsd.py``, ``COM.calc_mlsd``) and
its docstrings, which name the equations above; written here for this project's noise model (UI-lag
autocorrelations in the time domain instead of pychopmarg's power spectra).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import toeplitz
from scipy import fft as sp_fft

from si_thermal.si.com.noise import amplitude_at_der, gauss_pmf


@dataclass(frozen=True)
class MlsdResult:
    delta_db: float        # 20 log10(-P_an^-1(DER_MLSD) / A_s) of 178A-49 (COM = COM_DFE + delta, >= COM_DFE)
    der_mlsd: float        # 178A-50
    g_an: float            # added-noise scale of 178A.1.10.1
    n_terms: int           # error-event lengths summed


def _conv_full(a: np.ndarray, b: np.ndarray, b_spectra: dict | None = None) -> np.ndarray:
    """Full linear convolution of two PMFs by FFT (as scipy ``fftconvolve``), clipped at 0 and normalised.
    ``b_spectra``: a dict the caller keeps for this ``b`` alone; its spectrum per FFT size is kept there
    (the series of 178A-55 convolves the same ``b`` at every term)."""
    n = len(a) + len(b) - 1
    nfft = sp_fft.next_fast_len(n, True)
    fb = None if b_spectra is None else b_spectra.get(nfft)
    if fb is None:
        fb = sp_fft.rfft(b, nfft)
        if b_spectra is not None:
            b_spectra[nfft] = fb
    out = np.maximum(sp_fft.irfft(sp_fft.rfft(a, nfft) * fb, nfft)[:n], 0.0)
    return out / out.sum()


def _trim(p: np.ndarray, i0: int, tol: float = 1e-20) -> tuple[np.ndarray, int]:
    """Drop the bins at either end that together hold less than ``tol``, each end on its own (the PMFs
    of the series are lopsided: one tail ends thousands of bins before the other). ``i0``: index of the
    value 0 in ``p``; returns the trimmed PMF and its index of 0."""
    c = np.cumsum(p)
    lo = int(np.searchsorted(c, tol))
    hi = int(np.searchsorted(c[-1] - c[::-1], tol)) - 1   # (c[-1] - c[::-1])[i]: mass of the top i bins
    if lo + hi >= len(p):                     # (a PMF narrower than the tolerance: keep it whole)
        return p, i0
    return p[lo:len(p) - hi], i0 - lo


def scale_pmf(p: np.ndarray, a: float) -> np.ndarray:
    """PMF of ``a Y`` on the grid of the centred PMF ``p`` of ``Y`` (178A-54/55), rebinned through the CDF."""
    n = len(p)
    if a == 0:
        out = np.zeros(n)
        out[n // 2] = 1.0
        return out
    if a < 0:
        return scale_pmf(p[::-1], -a)
    edges = np.arange(n + 1) - n / 2
    cdf = np.concatenate(([0.0], np.cumsum(p)))
    out = np.diff(np.interp(edges / a, edges, cdf, left=0.0, right=cdf[-1]))
    return out / out.sum()


def _cdf_at(p: np.ndarray, y_step: float, y: float, i0: int | None = None) -> float:
    """P(Y <= y) of the PMF ``p`` whose value 0 sits at index ``i0`` (default: the centre)."""
    k = int(np.ceil(y / y_step - 1e-9)) + (len(p) // 2 if i0 is None else i0)
    return 0.0 if k < 0 else 1.0 if k >= len(p) else float(np.cumsum(p[:k + 1])[-1])


def added_noise(p_rest: np.ndarray, y_step: float, var_g: float, var_rn: float, der0: float,
                dcom_an_db: float, rel_tol: float = 1e-3) -> tuple[float, np.ndarray]:
    """``g_an`` and ``P_an`` of 178A.1.10.1: ``p_rest`` (every non-Gaussian term) convolved with Gaussian noise
    of variance ``var_g + g_an var_rn``, ``g_an`` by bisection (relative ``rel_tol``: the COM moves by
    < 0.001 dB) so that the DER_0 amplitude grows by ``dcom_an_db``."""
    n = len(p_rest)
    nfft = sp_fft.next_fast_len(2 * n - 1, True)       # linear convolution: no circular wrap
    f_rest = sp_fft.rfft(p_rest, nfft)
    done: dict[float, np.ndarray] = {}

    def pan(g: float) -> np.ndarray:
        if g not in done:
            full = sp_fft.irfft(f_rest * sp_fft.rfft(gauss_pmf(np.sqrt(var_g + g * var_rn), y_step, n), nfft), nfft)
            q = np.maximum(full[n // 2:n // 2 + n], 0.0)
            done[g] = q / q.sum()
        return done[g]

    target = amplitude_at_der(pan(0.0), y_step, der0) * 10 ** (dcom_an_db / 20)
    lo, hi = 0.0, 1.0
    while amplitude_at_der(pan(hi), y_step, der0) < target:
        lo, hi = hi, 4 * hi
        if hi > 1e12:
            raise ValueError("no added receiver noise reaches the dCOM_an penalty (178A.1.10.1)")
    while hi - lo > rel_tol * hi:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if amplitude_at_der(pan(mid), y_step, der0) >= target else (mid, hi)
    return hi, pan(hi)


def der_mlsd(p_an: np.ndarray, y_step: float, a_s: float, b: float, rho: np.ndarray, levels: int,
             rel_tol: float = 1e-4) -> tuple[float, int]:
    """Detector error ratio of the MLSD (178A-50), the series cut when a term adds < ``rel_tol``."""
    c = len(p_an) // 2                                   # index of 0 in the centred PMFs
    p_b, i_b = _trim(scale_pmf(p_an, 1 - b), c)
    p_s, i_s = _trim(scale_pmf(p_an, b), c)
    p_j, i_j = _trim(_conv_full(p_an, p_s), c + i_s)                                          # 178A-54
    der, j = 0.0, 0
    spectra: dict = {}   # of p_b, per FFT size
    for j in range(1, len(rho)):
        u = np.concatenate(([1.0], (-1.0) ** np.arange(1, j) * (1 - b), [(-1.0) ** (j + 1) * b]))  # 178A-51
        x = a_s * (u @ u) ** 1.5 / np.sqrt(u @ toeplitz(rho[:j + 1]) @ u)
        term = ((levels - 1) / levels) ** (j - 1) * _cdf_at(p_j, y_step, -x, i_j)               # 178A-50
        der += term
        if term <= rel_tol * der:
            break
        p_j, i_j = _trim(_conv_full(p_j, p_b, spectra), i_j + i_b)                              # 178A-55
    return der, j


def _acf(x: np.ndarray, n_lag: int) -> np.ndarray:
    """``sum_n x[n] x[n + l]`` of a periodic UI sequence, lags 0..n_lag-1."""
    f = sp_fft.rfft(x)
    return sp_fft.irfft(np.abs(f) ** 2, len(x))[:n_lag]


def output_acf(w: np.ndarray, r_in: np.ndarray, n_lag: int) -> np.ndarray:
    """Autocorrelation at the Rx FFE output of noise with input autocorrelation ``r_in`` (zero beyond it):
    ``R(l) = sum_d c_w(d) r(|l + d|)``, ``c_w`` the autocorrelation of the taps."""
    c = np.correlate(w, w, "full")                       # lags -(N-1) .. N-1
    d = np.arange(-(len(w) - 1), len(w))
    r = np.zeros(n_lag + len(w) + 1)
    r[:min(len(r_in), len(r))] = r_in[:len(r)]
    idx = np.abs(np.arange(n_lag)[:, None] + d[None, :])
    return (r[np.minimum(idx, len(r) - 1)] * (idx < len(r)) * c[None, :]).sum(-1)


def mlsd_delta(p_rest: np.ndarray, y_step: float, *, a_s: float, a_ni: float, var_g: float, var_rn: float,
               r_ni: np.ndarray, r_rn: np.ndarray, b: float, levels: int, der0: float,
               dcom_an_db: float) -> MlsdResult:
    """The MLSD advantage of 178A-49 from the DFE receiver's noise terms.

    ``p_rest``: PMF of ISI, crosstalk and dual-Dirac jitter (no Gaussian term) on the COM grid of step
    ``y_step``; ``var_g`` the Gaussian variance of COM_DFE, ``var_rn`` the receiver noise variance at the Rx
    FFE output; ``r_ni`` the autocorrelation (UI lags) of all noise + residual ISI at the FFE output and
    ``r_rn`` that of the receiver noise alone (178A-56: the added noise enters as ``g_an r_rn``).
    """
    pad = int(np.ceil(4 * a_ni * 10 ** (dcom_an_db / 20) / y_step))
    p_rest = np.pad(p_rest, pad)
    g_an, p_an = added_noise(p_rest, y_step, var_g, var_rn, der0, dcom_an_db)
    r = r_ni + g_an * r_rn
    der, n = der_mlsd(p_an, y_step, a_s, b, r / r[0], levels)
    q = amplitude_at_der(p_an, y_step, der)            # <= 0 once DER_MLSD passes the median: no credit
    delta = float(20 * np.log10(q / a_s)) if q > 0 else float("nan")
    return MlsdResult(delta, float(der), float(g_an), int(n))
