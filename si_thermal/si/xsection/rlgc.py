"""RLGC(f) matrices of a cross-section from its :class:`~.electrostatics.FieldSolution`.

Per unit length, N signal conductors, arrays (F, N, N) over frequency:

- C(f) - j G(f)/w = sum_r eps_r(f) K_r: each region's causal Djordjevic-Sarkar permittivity
  (:mod:`si_thermal.si.dielectric`) weights its share of the field energy, so Y(f) is causal
  (a positive sum of causal functions) and G follows each region's own loss tangent.
- L_ext = mu0 eps0 c0^-1 (TEM: the vacuum capacitance fixes the external inductance).
- Z_int(f) = diag(R_dc) + sum_s (1 + j) Rs_s(f) K_s(f) F_s(f) P_s: the surface-impedance
  (Wheeler) loss of every conductor surface s with its roughness factor K_s(f) (Huray,
  Hammerstad or Groisse, :mod:`si_thermal.si.conductor`), and for a signal conductor the
  DC-to-skin-effect transition F_s(f) = (Z_iso(f) - R_dc) / Z_iso,HF(f) of the isolated conductor
  (slab solution for a trace, exact Bessel solution for a wire). Planes and shields carry only their
  surface impedance (thin-wall return, as in :mod:`si_thermal.si.coax`).

Limits: the current distribution on each conductor is the high-frequency (skin depth << size)
one of the field solution; below that, the transition function of the isolated conductor stands in
for the true proximity-dependent DC-to-skin transition (exact for coax, within a few % for a
trace at the skin depth ~ thickness crossover). No magneto-quasi-static eddy-current solve.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from si_thermal.si import conductor
from si_thermal.constants import C0, EPS0, MU0
from si_thermal.si.xsection.electrostatics import FieldSolution
from si_thermal.si.xsection.geometry import Circle, CrossSection


@dataclass(frozen=True)
class RLGC:
    """Per-unit-length matrices over frequency: R (ohm/m), L (H/m), G (S/m), C (F/m), each (F, N, N)."""

    freq_hz: np.ndarray
    signals: tuple[str, ...]
    r: np.ndarray
    l: np.ndarray  # noqa: E741
    g: np.ndarray
    c: np.ndarray
    l_ext: np.ndarray  # (N, N)
    c0: np.ndarray  # (N, N) vacuum capacitance
    conductor_loss: bool = True  # False: a zero-thickness strip, conductors taken as perfect

    @property
    def z(self) -> np.ndarray:
        """Series impedance Z = R + j w L, (F, N, N)."""
        return self.r + 1j * (2 * math.pi * self.freq_hz)[:, None, None] * self.l

    @property
    def y(self) -> np.ndarray:
        """Shunt admittance Y = G + j w C, (F, N, N)."""
        return self.g + 1j * (2 * math.pi * self.freq_hz)[:, None, None] * self.c


def rlgc(xs: CrossSection, sol: FieldSolution, freq_hz, roughness: dict | None = None) -> RLGC:
    """RLGC(f) of ``xs``. ``roughness``: surface name -> roughness factor K(f) (default 1)."""
    f = np.atleast_1d(np.asarray(freq_hz, dtype=float))
    if not np.all(np.isfinite(f) & (f > 0)):
        raise ValueError("RLGC frequencies must be finite and > 0 Hz (L(f) = Im Z / w)")
    w = 2 * math.pi * f
    eps = np.array([r.eps.eps(f) for r in xs.regions])  # (R, F)
    c_complex = np.einsum("rf,rij->fij", eps, sol.k_regions)
    c = c_complex.real
    g = -w[:, None, None] * c_complex.imag
    l_ext = MU0 * EPS0 * np.linalg.inv(sol.c0)
    roughness = roughness or {}
    n = len(sol.signals)
    z_int = np.zeros((len(f), n, n), dtype=complex)
    by_name = {c.name: c for c in xs.conductors}
    lossy = not np.isnan(sol.p_surfaces).any()
    for s, name in enumerate(sol.surfaces):
        p = sol.p_surfaces[s]
        if not lossy:  # a zero-thickness strip: edge current not square-integrable, no loss model
            break
        cond = by_name.get(name)
        sigma = cond.sigma if cond is not None else xs.enclosure.sigma
        rs = conductor.surface_resistance(f, sigma)
        k = np.asarray(roughness.get(name, np.ones_like(f)), dtype=float) * np.ones_like(f)
        trans = transition(cond, f) if cond is not None and cond.role == "signal" else np.ones_like(f, dtype=complex)
        z_int += ((1 + 1j) * rs * k * trans)[:, None, None] * p[None]
    for k_sig, name in enumerate(sol.signals):
        z_int[:, k_sig, k_sig] += dc_resistance(by_name[name]) if lossy else 0.0
    r = z_int.real
    l_mat = l_ext[None] + z_int.imag / w[:, None, None]
    return RLGC(f, sol.signals, r, l_mat, g, c, l_ext, sol.c0, lossy)


def dc_resistance(cond) -> float:
    """DC resistance of a signal conductor, ohm/m."""
    return 1.0 / (cond.sigma * cond.shape.area_m2)


def transition(cond, f: np.ndarray) -> np.ndarray:
    """(Z_iso(f) - R_dc) / ((1 + j) Rs G_iso): 0 at DC, 1 when the skin depth is small."""
    s = cond.shape
    rs = conductor.surface_resistance(f, cond.sigma)
    if isinstance(s, Circle):
        z = conductor.round_wire_internal_impedance(f, s.r_m, cond.sigma)
        hf = (1 + 1j) * rs / (2 * math.pi * s.r_m)
    else:
        w_mean = 0.5 * (s.w_bottom_m + s.w_top_m)
        z = conductor.slab_internal_impedance(f, w_mean, s.thickness_m, cond.sigma)
        hf = (1 + 1j) * rs / (2 * w_mean)
    return (z - dc_resistance(cond)) / hf


@dataclass(frozen=True)
class Modes:
    """Per-line odd/even (or single-line) quantities over frequency."""

    z_odd: np.ndarray  # complex, ohm (per line)
    z_even: np.ndarray
    gamma_odd: np.ndarray  # 1/m
    gamma_even: np.ndarray
    z_series_odd: np.ndarray  # per-line Z' and Y' of each mode
    y_shunt_odd: np.ndarray
    z_series_even: np.ndarray
    y_shunt_even: np.ndarray
    eps_eff_odd: np.ndarray
    eps_eff_even: np.ndarray

    @property
    def z_diff(self) -> np.ndarray:
        return 2.0 * self.z_odd

    @property
    def z_comm(self) -> np.ndarray:
        return 0.5 * self.z_even

    @property
    def z0(self) -> np.ndarray:
        """Uncoupled single-ended impedance sqrt(Z_odd Z_even)."""
        return np.sqrt(self.z_odd * self.z_even)


def modes(line: RLGC) -> Modes:
    """Odd (V = +-v) and even (V = v, v) modes of a pair; a single line gives its own mode twice.

    For a symmetric pair these are the exact propagation modes; for an asymmetric one they are the
    mixed-mode (differential/common) quantities with mode conversion neglected."""
    z, y = line.z, line.y
    if len(line.signals) == 1:
        zo = ze = z[:, 0, 0]
        yo = ye = y[:, 0, 0]
    elif len(line.signals) == 2:
        zo = 0.5 * (z[:, 0, 0] + z[:, 1, 1]) - z[:, 0, 1]
        ze = 0.5 * (z[:, 0, 0] + z[:, 1, 1]) + z[:, 0, 1]
        yo = 0.5 * (y[:, 0, 0] + y[:, 1, 1]) - y[:, 0, 1]
        ye = 0.5 * (y[:, 0, 0] + y[:, 1, 1]) + y[:, 0, 1]
    else:
        raise ValueError(f"modes need one or two signal conductors, got {len(line.signals)}")

    def char(zs, ys):
        zc = np.sqrt(zs / ys)
        gm = np.sqrt(zs * ys)
        return np.where(zc.real < 0, -zc, zc), np.where(gm.real < 0, -gm, gm)

    z_odd, g_odd = char(zo, yo)
    z_even, g_even = char(ze, ye)
    w = 2 * math.pi * line.freq_hz
    return Modes(z_odd, z_even, g_odd, g_even, zo, yo, ze, ye,
                 (g_odd.imag * C0 / w) ** 2, (g_even.imag * C0 / w) ** 2)
