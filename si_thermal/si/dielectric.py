"""Causal wideband dielectric: the Djordjevic-Sarkar model fitted to one datasheet point.

eps(f) = eps_inf + d_eps / ln(w2/w1) * ln((w2 + j w) / (w1 + j w)),   (time convention e^{+j w t},
so eps = eps' - j eps'' with eps'' > 0 for a lossy medium).

It is a continuous sum of Debye poles with relaxation frequencies spread uniformly in log(f) between
f1 and f2, hence causal (it satisfies the Kramers-Kronig relations) and nearly constant loss tangent
between f1 and f2. Given Dk and Df at f_ref, d_eps and eps_inf follow in closed form.

Source: A. R. Djordjevic, R. M. Biljic, V. D. Likar-Smiljanic, T. K. Sarkar, "Wideband frequency-
domain characterization of FR-4 and time-domain causality", IEEE Trans. EMC 43(4), 662-667, 2001
(their eq. 7; pole band here 10 kHz to 1 THz, f1 and f2 below).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

F1_HZ = 1e4  # lower edge of the pole band
F2_HZ = 1e12  # upper edge of the pole band


@dataclass(frozen=True)
class DjordjevicSarkar:
    """Fitted model: eps_inf, d_eps and the band [f1_hz, f2_hz]."""

    eps_inf: float
    d_eps: float
    f1_hz: float = F1_HZ
    f2_hz: float = F2_HZ

    def eps(self, freq_hz):
        """Complex relative permittivity eps' - j eps'' at ``freq_hz`` (array, Hz)."""
        f = np.asarray(freq_hz, dtype=float)
        log_term = np.log((self.f2_hz + 1j * f) / (self.f1_hz + 1j * f))
        return self.eps_inf + self.d_eps / math.log(self.f2_hz / self.f1_hz) * log_term

    def dk(self, freq_hz):
        return self.eps(freq_hz).real

    def df(self, freq_hz):
        e = self.eps(freq_hz)
        return -e.imag / e.real


def djordjevic_sarkar(dk: float, df: float, f_ref_hz: float, f1_hz: float = F1_HZ,
                      f2_hz: float = F2_HZ) -> DjordjevicSarkar:
    """Fit the model so that Dk and Df at ``f_ref_hz`` are reproduced exactly."""
    if not f1_hz < f_ref_hz < f2_hz:
        raise ValueError(f"f_ref {f_ref_hz:g} Hz is outside the pole band [{f1_hz:g}, {f2_hz:g}] Hz")
    unit = np.log((f2_hz + 1j * f_ref_hz) / (f1_hz + 1j * f_ref_hz)) / math.log(f2_hz / f1_hz)
    d_eps = -df * dk / unit.imag  # unit.imag < 0
    eps_inf = dk - d_eps * unit.real
    return DjordjevicSarkar(eps_inf=float(eps_inf), d_eps=float(d_eps), f1_hz=f1_hz, f2_hz=f2_hz)


def from_material(mat) -> DjordjevicSarkar:
    """Model of a ``config.Material`` with dk, df, f_ref."""
    return djordjevic_sarkar(mat.dk, mat.df, mat.f_ref)
