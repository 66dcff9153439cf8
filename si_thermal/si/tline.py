"""Shared transmission-line machinery: an RLGC ``skrf.media.Media``, Wheeler's incremental-inductance
rule, and frequency-first ABCD algebra.

Every medium (coax, twinax, stripline, via barrels) goes through these same functions, so the coax
tests against the exact coaxial formulas also exercise the code the twinax and stripline use.

Sources
- Telegrapher's equations: gamma = sqrt(Z' Y'), Zc = sqrt(Z'/Y') (Pozar, *Microwave Engineering*,
  4th ed., section 2.1).
- Incremental-inductance rule: H. A. Wheeler, "Formulas for the skin effect", Proc. IRE 30, 412-424,
  1942: the high-frequency internal impedance per unit length is Z_i = (1 + j) (Rs/mu0) dL/dn, where
  dL/dn is the change of the external inductance when every conductor wall recedes by dn
  (Pozar section 3.8 applies it to stripline).
- ABCD <-> S for a real reference impedance (Pozar table 4.2): scikit-rf's ``a2s``/``s2a``, the one
  network algebra of the package (:mod:`.pulse`, :mod:`.channel` and the media all use these).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import skrf
from skrf.media import Media

from si_thermal.constants import C0, EPS0, ETA0, MU0  # noqa: F401  (re-exported for the media)


class ClosedFormRangeWarning(UserWarning):
    """A closed-form line model used outside the range its source states (or the field solver
    :mod:`si_thermal.si.xsection` shows) it holds to about 1 %."""


def frequency(freq_hz) -> skrf.Frequency:
    """An ``skrf.Frequency`` from an array in Hz (frequencies must be > 0 and increasing)."""
    f = np.atleast_1d(np.asarray(freq_hz, dtype=float))
    return skrf.Frequency.from_f(f, unit="Hz")


class RLGCMedia(Media):
    """A TEM(-like) line given its series impedance Z'(f) = R + j w L and shunt admittance Y'(f) =
    G + j w C per metre (complex arrays over frequency). Subclasses compute those from geometry."""

    def __init__(self, freq_hz, z_series, y_shunt, z0_port=None):
        super().__init__(frequency(freq_hz), z0_port=z0_port)
        self.z_series = np.asarray(z_series, dtype=complex)
        self.y_shunt = np.asarray(y_shunt, dtype=complex)

    @property
    def gamma(self) -> np.ndarray:
        g = np.sqrt(self.z_series * self.y_shunt)
        return np.where(g.real < 0, -g, g)

    @property
    def z0_characteristic(self) -> np.ndarray:
        z = np.sqrt(self.z_series / self.y_shunt)
        return np.where(z.real < 0, -z, z)

    def loss_db_per_m(self) -> np.ndarray:
        """Attenuation of a matched line, dB/m: 20 log10(e) alpha."""
        return 20.0 * np.log10(np.e) * self.gamma.real

    def abcd(self, length_m: float) -> np.ndarray:
        """ABCD matrices (N, 2, 2) of ``length_m`` of this line."""
        return line_abcd(self.gamma, self.z0_characteristic, length_m)


def wheeler_dl_dn(inductance: Callable[[float], float], step_m: float) -> float:
    """dL/dn (H/m per m) by a central difference of the external inductance L(n) (H/m), where
    ``inductance(n)`` returns L with every wall receded by ``n`` (negative n: walls advance)."""
    return (inductance(step_m) - inductance(-step_m)) / (2.0 * step_m)


def wheeler_surface_factor(inductance: Callable[[float], float], step_m: float) -> float:
    """Geometry factor G (1/m) such that the HF conductor resistance is R = Rs G: G = dL/dn / mu0."""
    return wheeler_dl_dn(inductance, step_m) / MU0


def line_abcd(gamma, zc, length_m: float) -> np.ndarray:
    """ABCD matrices (N, 2, 2) of a uniform line: [[cosh, Zc sinh], [sinh/Zc, cosh]]."""
    gl = np.asarray(gamma) * length_m
    ch, sh = np.cosh(gl), np.sinh(gl)
    out = np.empty(gl.shape + (2, 2), dtype=complex)
    out[:, 0, 0] = ch
    out[:, 0, 1] = zc * sh
    out[:, 1, 0] = sh / zc
    out[:, 1, 1] = ch
    return out


def identity_abcd(n: int) -> np.ndarray:
    out = np.zeros((n, 2, 2), dtype=complex)
    out[:, 0, 0] = out[:, 1, 1] = 1.0
    return out


def _lumped(x, row: int, col: int) -> np.ndarray:
    x = np.asarray(x, dtype=complex)
    out = identity_abcd(x.shape[0])
    out[:, row, col] = x
    return out


def shunt_abcd(y) -> np.ndarray:
    """ABCD of a shunt admittance ``y`` (array over frequency): [[1, 0], [y, 1]]."""
    return _lumped(y, 1, 0)


def series_abcd(z) -> np.ndarray:
    """ABCD of a series impedance ``z`` (array over frequency): [[1, z], [0, 1]]."""
    return _lumped(z, 0, 1)


def abcd_to_s(abcd: np.ndarray, z0: float, *, reciprocal: bool = False) -> np.ndarray:
    """S-parameters (N, 2, 2) referenced to the real impedance ``z0`` from ABCD (N, 2, 2) (scikit-rf
    ``a2s``: the one S <-> ABCD conversion of si_thermal).

    ``reciprocal=True`` (a cascade of reciprocal blocks: lines, shunts, packages, connectors, vias): S12 is
    taken equal to S21 = 2 / (A + B/z0 + C z0 + D) instead of ``a2s``'s 2 (AD - BC) / (...). Through a
    lossy cascade A, B, C, D grow as exp(alpha l) while AD - BC stays 1, so the difference of two numbers
    of order exp(2 alpha l) loses every digit once alpha l exceeds ~18 Np (160 dB): a 3 m stripline at
    330 GHz gave |S12| ~ 1e14, a "non-passive" channel that no element of it is. S11, S21 and S22 are
    ratios of terms of the same order and keep their precision.
    """
    abcd = np.asarray(abcd, dtype=complex)
    s = skrf.network.a2s(abcd, _z0_shaped(z0, abcd))
    if reciprocal:
        s[..., 0, 1] = s[..., 1, 0]
    return s


def s_to_abcd(s: np.ndarray, z0: float) -> np.ndarray:
    """ABCD (N, 2, 2) from S-parameters (N, 2, 2) referenced to the real impedance ``z0`` (scikit-rf ``s2a``)."""
    s = np.asarray(s, dtype=complex)
    return skrf.network.s2a(s, _z0_shaped(z0, s))


def _z0_shaped(z0, x: np.ndarray):
    """A scalar ``z0`` as the (N, 2) array skrf's ``fix_z0_shape`` builds from it (same values), made
    here at numpy speed (skrf builds it from nested Python lists); arrays pass through."""
    if np.ndim(z0) == 0 and x.ndim == 3:
        return np.full((x.shape[0], 2), z0)
    return z0


def cascade(blocks: list[np.ndarray]) -> np.ndarray:
    """Product of ABCD blocks (N, 2, 2), in order (the 2 x 2 products written out over frequency: numpy's
    ``matmul`` makes one small-matrix call per frequency)."""
    out = blocks[0]
    for blk in blocks[1:]:
        out = mul2(out, blk)
    return out


def mul2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for stacks of 2 x 2 matrices (..., 2, 2), elementwise over the stack."""
    out = np.empty(np.broadcast_shapes(a.shape, b.shape), dtype=np.result_type(a, b))
    tmp = np.empty(out.shape[:-2], out.dtype)
    for i in range(2):
        for j in range(2):           # out_ij = a_i0 b_0j + a_i1 b_1j, in place
            o = out[..., i, j]
            np.multiply(a[..., i, 0], b[..., 0, j], out=o)
            np.multiply(a[..., i, 1], b[..., 1, j], out=tmp)
            o += tmp
    return out
