"""Conductor loss: DC resistance, skin effect with internal inductance, surface roughness.

All functions take frequency in Hz (scalar or array), lengths in m, conductivity in S/m and return
SI values (ohm/m for per-unit-length impedances, complex where the internal inductance matters).

Sources
- Skin depth and surface resistance: Ramo, Whinnery, Van Duzer, *Fields and Waves in Communication
  Electronics*, 3rd ed., section 5.5 (delta = 1/sqrt(pi f mu sigma), Rs = 1/(sigma delta)).
- Round wire, exact internal impedance (Bessel): same book, section 5.6, eq. 5.6(10):
  Z_i = (k / (2 pi a sigma)) J0(k a)/J1(k a), k = (1 - j)/delta.
- Plane conductor (slab) of thickness t with the field on both faces: the 1-D diffusion solution,
  Z_i = R_dc (u coth u), u = (1 + j) t / (2 delta) (same book, section 5.5; reduces to R_dc at DC
  and to the surface impedance (1 + j) Rs / (2 w) of the two faces at high frequency).
- Roughness:
  Huray snowball model: P. G. Huray et al., "Impact of copper surface texture on loss: a model that
  works", DesignCon 2010; sphere absorption in a uniform tangential field gives
  K = A_matte/A_flat + (3/2) sum N_i 4 pi a_i^2 / A_flat / (1 + delta/a_i + delta^2/(2 a_i^2)),
  taken here with A_matte/A_flat = 1 and one sphere size (ratio = N 4 pi a^2 / A_flat).
  Nodule radius from Rz: B. Simonovich, "Practical method for modeling conductor surface
  roughness using close packing of equal spheres", DesignCon 2015: a square-pyramid (cannonball)
  stack of 14 spheres (3x3 + 2x2 + 1) of radius r on a (6 r)^2 tile whose height equals Rz.
  Surface ratio: the cannonball tile's full coverage (14 pi/9) gives K(53 GHz) = 4.1 for HVLP foil,
  2-3x the measured loss of HVLP/Megtron-7-class lines and it fails the measured-stripline test;
  the materials library therefore takes the ratio from :func:`huray_ratio_from_rq`.
  Hammerstad-Jensen: K = 1 + (2/pi) atan(1.4 (Rq/delta)^2) (Hammerstad & Jensen, IEEE MTT-S 1980).
  Groisse: K = 1 + exp(-(delta / (2 Rq))^1.6) (Groisse et al., 1996; as given in Bogatin,
  "Signal and Power Integrity - Simplified", 3rd ed., ch. 9).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from scipy import special

from si_thermal.constants import MU0  # noqa: F401  (re-exported: tline, coax import it from here)

RoughnessModel = Literal["huray", "hammerstad", "groisse", "none"]


def skin_depth(freq_hz, sigma: float, mu_r: float = 1.0):
    """Skin depth delta = 1/sqrt(pi f mu sigma), m."""
    return 1.0 / np.sqrt(math.pi * np.asarray(freq_hz, dtype=float) * MU0 * mu_r * sigma)


def surface_resistance(freq_hz, sigma: float, mu_r: float = 1.0):
    """Surface resistance Rs = sqrt(pi f mu / sigma) = 1/(sigma delta), ohm per square."""
    return np.sqrt(math.pi * np.asarray(freq_hz, dtype=float) * MU0 * mu_r / sigma)


def dc_resistance_round(radius_m: float, sigma: float) -> float:
    """DC resistance of a solid round wire, ohm/m: 1/(sigma pi a^2)."""
    return 1.0 / (sigma * math.pi * radius_m**2)


def dc_resistance_rect(width_m: float, thickness_m: float, sigma: float) -> float:
    """DC resistance of a rectangular strip, ohm/m: 1/(sigma w t)."""
    return 1.0 / (sigma * width_m * thickness_m)


def awg_diameter(awg: int) -> float:
    """Diameter of a solid AWG wire, m: 0.127 mm x 92^((36 - n)/39) (ASTM B258)."""
    return 0.127e-3 * 92.0 ** ((36 - awg) / 39.0)


def round_wire_internal_impedance(freq_hz, radius_m: float, sigma: float):
    """Exact internal impedance of an isolated round wire, complex ohm/m (Bessel solution).

    Uses exponentially scaled Bessel functions so the ratio J0/J1 stays finite when a/delta is large.
    At f = 0 it returns the DC resistance.
    """
    f = np.atleast_1d(np.asarray(freq_hz, dtype=float))
    out = np.full(f.shape, dc_resistance_round(radius_m, sigma), dtype=complex)
    pos = f > 0
    delta = skin_depth(f[pos], sigma)
    k = (1.0 - 1.0j) / delta
    ka = k * radius_m
    ratio = special.jve(0, ka) / special.jve(1, ka)
    out[pos] = k / (2.0 * math.pi * radius_m * sigma) * ratio
    return out if np.ndim(freq_hz) else out[0]


def slab_internal_impedance(freq_hz, width_m: float, thickness_m: float, sigma: float):
    """Internal impedance of a strip of width w and thickness t carrying current on both faces,
    complex ohm/m: R_dc u coth(u), u = (1 + j) t / (2 delta). DC limit R_dc; HF limit (1+j) Rs/(2 w)."""
    f = np.atleast_1d(np.asarray(freq_hz, dtype=float))
    rdc = dc_resistance_rect(width_m, thickness_m, sigma)
    out = np.full(f.shape, rdc, dtype=complex)
    pos = f > 0
    u = (1.0 + 1.0j) * thickness_m / (2.0 * skin_depth(f[pos], sigma))
    small = np.abs(u) < 1e-3
    coth = np.where(small, 1.0, 1.0 / np.tanh(np.where(small, 1.0, u)))
    out[pos] = np.where(small, rdc * (1.0 + u**2 / 3.0), rdc * u * coth)
    return out if np.ndim(freq_hz) else out[0]


def huray_factor(freq_hz, sigma: float, radius_m: float, ratio: float):
    """Huray snowball roughness factor (>= 1) on the skin-effect loss of a surface."""
    d = skin_depth(np.maximum(np.asarray(freq_hz, dtype=float), 1e-30), sigma)
    return 1.0 + 1.5 * ratio / (1.0 + d / radius_m + d**2 / (2.0 * radius_m**2))


def hammerstad_factor(freq_hz, sigma: float, rq_m: float):
    """Hammerstad-Jensen roughness factor, saturating at 2."""
    d = skin_depth(np.maximum(np.asarray(freq_hz, dtype=float), 1e-30), sigma)
    return 1.0 + (2.0 / math.pi) * np.arctan(1.4 * (rq_m / d) ** 2)


def groisse_factor(freq_hz, sigma: float, rq_m: float):
    """Groisse roughness factor, saturating at 2."""
    d = skin_depth(np.maximum(np.asarray(freq_hz, dtype=float), 1e-30), sigma)
    return 1.0 + np.exp(-((d / (2.0 * rq_m)) ** 1.6))


def cannonball_huray(rz_m: float) -> tuple[float, float]:
    """Huray (radius a, ratio N 4 pi a^2 / A_flat) of Simonovich's cannonball stack for a foil of
    ten-point height Rz: 14 spheres (3x3 + 2x2 + 1) in a square pyramid on a (6a)^2 tile.

    Stack height: 2a (one diameter) + 2 layer pitches of a sqrt(2) (a sphere resting in the hollow of
    four touching spheres sits sqrt((2a)^2 - (a sqrt 2)^2) = a sqrt 2 higher) = 2a(1 + sqrt 2) = Rz.
    Ratio: 14 * 4 pi a^2 / (36 a^2) = 14 pi / 9, independent of Rz.
    """
    radius = rz_m / (2.0 * (1.0 + math.sqrt(2.0)))
    return radius, 14.0 * math.pi / 9.0


def huray_ratio_from_rq(rq_m: float, radius_m: float) -> float:
    """Huray surface ratio that gives the small-roughness (delta >> a) limit of Hammerstad-Jensen:
    3 ratio a^2 / delta^2 = (2.8/pi) Rq^2 / delta^2, i.e. ratio = 0.2971 (Rq/a)^2.

    Both models are proportional to f there (Hammerstad's fit of Morgan's 1949 perturbation results);
    matching them fixes the nodule density that the foil's RMS height implies, where the cannonball
    tile (ratio 14 pi/9, full coverage) overstates it for low-profile foils (see the report of issue 3).
    """
    return 2.8 / (3.0 * math.pi) * (rq_m / radius_m) ** 2


def roughness_factor(freq_hz, sigma: float, model: RoughnessModel, *, radius_m: float | None = None,
                     ratio: float | None = None, rq_m: float | None = None):
    """Roughness factor K(f) >= 1 of one surface, by model name. ``none`` gives 1."""
    f = np.asarray(freq_hz, dtype=float)
    if model == "none":
        return np.ones_like(f)
    if model == "huray":
        return huray_factor(f, sigma, radius_m, ratio)
    if model == "hammerstad":
        return hammerstad_factor(f, sigma, rq_m)
    if model == "groisse":
        return groisse_factor(f, sigma, rq_m)
    raise ValueError(f"unknown roughness model {model!r}; use huray, hammerstad, groisse or none")


def foil_factor(freq_hz, sigma: float, foil, model: RoughnessModel = "huray"):
    """Roughness factor of a ``config.Material`` of kind foil (None = smooth)."""
    if foil is None or model == "none":
        return np.ones_like(np.asarray(freq_hz, dtype=float))
    if model == "huray":
        return roughness_factor(freq_hz, sigma, model, radius_m=foil.huray_radius, ratio=foil.huray_ratio)
    return roughness_factor(freq_hz, sigma, model, rq_m=foil.rq)
