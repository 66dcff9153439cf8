"""Reference equalizers of IEEE 802.3 Annex 93A / 178A: Tx FFE, CTLE family, Rx FFE (MMSE), DFE.

- Tx FFE (93A-21 / 178A-13): taps ``c(k)`` on a grid, ``c(0) = 1 - sum |c(k)|`` and
  ``c(0) >= c0_min``; a delay line, so its effect on a UI-sampled pulse is ``sum_k c(k) h[n - k]``.
- CTLE (93A-22, two-stage form of 802.3ck and 178A-14):
  ``H(f) = (g1 + jf/fz) / ((1 + jf/fp1)(1 + jf/fp2)) * (g2 + jf/fLF) / (1 + jf/fLF)``,
  ``g1 = 10^(gDC/20)``, ``g2 = 10^(gDC2/20)``. It is affine in g1 and in g2, so
  ``H = g1 g2 AC + g1 AD + g2 BC + BD`` with ``A = 1/((1 + jf/fp1)(1 + jf/fp2))``, ``B = (jf/fz) A``,
  ``C = 1/(1 + jf/fLF)``, ``D = (jf/fLF) C``: every pulse response and noise autocorrelation of the
  whole gDC x gDC2 grid is a fixed combination of four (pulses) or ten (noise) basis terms computed
  once (:func:`ctle_basis`, :func:`ctle_coefficients`). One-stage sets (802.3by) use ``g2 = 1, C = 1, D = 0``.
- Rx FFE by MMSE (178A.1.8, Healey and Hegde, "Reference receiver framework for 200G/lane electrical
  interfaces and PHYs", IEEE P802.3dj, Jan. 2024): minimise
  ``E[(w' y - a0 - b' a_post)^2]`` subject to a unit cursor ``h_d' w = 1``, with
  ``R = H'H + R_n / sigma_X^2``. With the DFE taps free, ``b = H_b w`` and ``w = R~^-1 h_d / (h_d' R~^-1 h_d)``
  with ``R~ = R - H_b' H_b``; taps beyond their limits are fixed at the limit and the problem re-solved
  in closed form (:func:`mmse_solve`, batched over thousands of candidates with one LAPACK call).
- DFE with tap limits (93A-26): ``b(n) = clip(h(n)/h(0), b_min(n), b_max(n))``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TxTap:
    """One Tx FFE tap: position in UI (negative = pre-cursor) and its grid."""

    position: int
    c_min: float
    c_max: float
    step: float

    def values(self) -> np.ndarray:
        if self.step <= 0 or self.c_max <= self.c_min:
            return np.array([self.c_min])
        n = int(round((self.c_max - self.c_min) / self.step))
        return np.round(self.c_min + self.step * np.arange(n + 1), 10)


def tx_ffe_grid(taps: tuple[TxTap, ...], c0_min: float) -> tuple[np.ndarray, np.ndarray]:
    """All Tx FFE settings of the grid with ``c(0) >= c0_min``.

    Returns ``(shifts, coeffs)``: ``shifts`` (T,) tap positions in UI including 0 for the cursor,
    ascending; ``coeffs`` (K, T), each row one setting, the cursor ``1 - sum |c|``.
    """
    shifts = np.array(sorted({t.position for t in taps} | {0}))
    grids = [t.values() for t in taps]
    combos = np.array(list(itertools.product(*grids))) if grids else np.zeros((1, 0))
    c0 = 1.0 - np.abs(combos).sum(axis=1)
    keep = c0 >= c0_min - 1e-12
    coeffs = np.zeros((int(keep.sum()), len(shifts)))
    for j, t in enumerate(taps):
        coeffs[:, int(np.searchsorted(shifts, t.position))] = combos[keep, j]
    coeffs[:, int(np.searchsorted(shifts, 0))] = c0[keep]
    return shifts, coeffs


@dataclass(frozen=True)
class CtleFamily:
    """CTLE corner frequencies (Hz) and gain grids (dB) of a parameter set (93A-22 / 178A-14)."""

    f_z_hz: float
    f_p1_hz: float
    f_p2_hz: float
    f_lf_hz: float | None
    g_dc_db: tuple[float, ...]
    g_dc2_db: tuple[float, ...] = (0.0,)

    def settings(self) -> np.ndarray:
        """All (gDC, gDC2) pairs, (S, 2), in dB."""
        return np.array([(g1, g2) for g1 in self.g_dc_db for g2 in self.g_dc2_db], float)

    def response(self, freq_hz: np.ndarray, g_dc_db: float, g_dc2_db: float = 0.0) -> np.ndarray:
        """The CTLE transfer function at one setting (the product form of 93A-22)."""
        basis = ctle_basis(self, freq_hz)
        return ctle_coefficients(np.array([[g_dc_db, g_dc2_db]]), self)[0] @ basis


def ctle_basis(ctle: CtleFamily, freq_hz: np.ndarray) -> np.ndarray:
    """The four basis responses (AC, AD, BC, BD), (4, F), whose combination is any CTLE setting."""
    jf = 1j * np.asarray(freq_hz, float)
    a = 1.0 / ((1 + jf / ctle.f_p1_hz) * (1 + jf / ctle.f_p2_hz))
    b = jf / ctle.f_z_hz * a
    if ctle.f_lf_hz is None:
        c, d = np.ones_like(jf), np.zeros_like(jf)
    else:
        c = 1.0 / (1 + jf / ctle.f_lf_hz)
        d = jf / ctle.f_lf_hz * c
    return np.stack([a * c, a * d, b * c, b * d])


def ctle_coefficients(settings_db: np.ndarray, ctle: CtleFamily) -> np.ndarray:
    """Weights (S, 4) of the basis (AC, AD, BC, BD) for settings (S, 2) of (gDC, gDC2) in dB."""
    g1 = 10 ** (settings_db[:, 0] / 20)
    g2 = 10 ** (settings_db[:, 1] / 20) if ctle.f_lf_hz is not None else np.ones(len(settings_db))
    return np.stack([g1 * g2, g1, g2, np.ones_like(g1)], -1)


def dfe_taps(h_post: np.ndarray, h0: np.ndarray, b_min: np.ndarray, b_max: np.ndarray) -> np.ndarray:
    """Zero-forcing DFE taps with limits (93A-26): ``clip(h(n)/h(0), b_min, b_max)``; batched."""
    return np.clip(h_post / h0[..., None], b_min, b_max)


def mmse_solve(r: np.ndarray, h_d: np.ndarray, h_b: np.ndarray, b_min: np.ndarray, b_max: np.ndarray,
               var_x: float, *, dw: int = 0, w_limit: float | None = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """MMSE Rx FFE + DFE with a unit cursor (178A.1.8), batched over candidates.

    ``r`` (K, W, W): ``H'H + R_n / sigma_X^2``; ``h_d`` (K, W): the cursor row of the pulse
    convolution matrix; ``h_b`` (K, B, W): the DFE rows. Returns ``(w, b, mse)`` with ``mse`` the
    mean squared error at the slicer in units of the cursor amplitude squared times ``sigma_X^2``.

    Free DFE taps: ``b = H_b w``, ``R~ = R - H_b' H_b``, ``w = R~^-1 h_d / (h_d' R~^-1 h_d)``. A tap
    outside its limits is held at the limit and the constrained problem solved again in closed form
    (repeated while free taps still leave their range):
    with ``g = H_b,fixed' b_fixed``, ``w = (1 + l) u + v`` where ``u = R~^-1 h_d``, ``v = R~^-1 g``,
    ``(1 + l) = (1 - h_d' v) / (h_d' u)``.

    FFE tap limits (178A.1.8, MATLAB COM ``MMSE_FOM``): taps relative to the main tap ``w[dw]`` are
    clipped to ``+-w_limit``, the taps rescaled to a unit cursor, the DFE re-derived (``b = H_b w``,
    clipped) and the MSE evaluated for these taps.
    """
    k, nb = h_b.shape[:2]
    held = np.zeros((k, nb), bool)
    w, b, mse = _mmse_core(r, h_d, h_b, held, np.zeros((k, nb)))
    held = (b < b_min) | (b > b_max)
    b_held = np.clip(b, b_min, b_max)
    for _ in range(nb):                      # hold violators at their limits until none remain
        idx = np.nonzero(held.any(-1))[0]
        if not len(idx):
            break
        w[idx], b[idx], mse[idx] = _mmse_core(r[idx], h_d[idx], h_b[idx], held[idx], b_held[idx])
        new = ((b < b_min - 1e-12) | (b > b_max + 1e-12)) & ~held
        if not new.any():
            break
        held |= new
        b_held = np.where(held, np.clip(b, b_min, b_max), b_held)
    if w_limit is not None and r.shape[-1] > 1:
        rel = w / w[:, dw:dw + 1]
        cl = np.clip(rel, -w_limit, w_limit)
        cl[:, dw] = 1.0
        hit = np.nonzero((cl != rel).any(-1))[0]
        if len(hit):
            wc = cl[hit] * w[hit, dw:dw + 1]
            wc /= np.einsum("ki,ki->k", h_d[hit], wc)[:, None]
            bc = np.clip(np.einsum("kbi,ki->kb", h_b[hit], wc), b_min, b_max)
            rw = np.einsum("kij,kj->ki", r[hit], wc)
            mse[hit] = (np.einsum("ki,ki->k", wc, rw) - 2 * np.einsum("ki,ki->k", wc, h_d[hit])
                        - 2 * np.einsum("kbi,ki,kb->k", h_b[hit], wc, bc) + 1 + (bc * bc).sum(-1))
            w[hit], b[hit] = wc, bc
    return w, b, np.maximum(mse, 1e-30) * var_x


def _mmse_core(r, h_d, h_b, held, b_held):
    """One closed-form MMSE solve with the DFE taps ``held`` fixed at ``b_held`` (see mmse_solve)."""
    free = ~held
    hb_free = h_b * free[..., None]
    rt = r - np.einsum("kbi,kbj->kij", hb_free, hb_free)
    if held.any():
        g = np.einsum("kbi,kb->ki", h_b, np.where(free, 0.0, b_held))
        uv = np.linalg.solve(rt, np.stack([h_d, g], -1))
        u, v = uv[..., 0], uv[..., 1]
    else:                                 # no tap held: g = 0 and v = 0 (one right-hand side, same u)
        u = np.linalg.solve(rt, h_d[..., None])[..., 0]
        v = np.zeros_like(u)
    scale = (1 - np.einsum("ki,ki->k", h_d, v)) / np.einsum("ki,ki->k", h_d, u)
    w = scale[:, None] * u + v
    b = np.where(free, np.einsum("kbi,ki->kb", h_b, w), b_held)
    rw = np.einsum("kij,kj->ki", r, w)
    mse = (np.einsum("ki,ki->k", w, rw) - 2 * np.einsum("ki,ki->k", w, h_d)
           - 2 * np.einsum("kbi,ki,kb->k", h_b, w, b) + 1 + (b * b).sum(-1))
    return w, b, mse
