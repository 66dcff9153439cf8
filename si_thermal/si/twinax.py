"""Shielded differential twinax: two round AWG conductors in a (foamed) dielectric inside a shield.

Geometry: conductor diameter d (ASTM B258 AWG), centre spacing s (= the insulation diameter of each
wire when the two insulated wires touch), shield diameter D (= 2 s when the shield is wrapped tight
around both insulated wires). Given a target differential impedance, s is solved for with D = 2 s.

Differential impedance of a shielded balanced pair (Reference Data for Engineers, 9th ed., ch. 29;
Wadell, *Transmission Line Design Handbook*, section 2.3.2), with the free-pair term ln(2 s/d) replaced
by the exact twin-lead term acosh(s/d) (Ramo, Whinnery, Van Duzer, table 5.11) so that the proximity
effect enters the conductor loss through Wheeler's rule:

    Z_diff = (120 ohm / sqrt(eps_r)) [acosh(s/d) + ln((1 - q^2) / (1 + q^2))],  q = s / D.

Loss: exact Bessel internal impedance of each wire (DC to skin effect, with internal inductance),
scaled at high frequency by the proximity factor from Wheeler's incremental-inductance rule; shield
loss from the same rule; Djordjevic-Sarkar dielectric. Silver-plated copper is modelled as copper
(conductivity of the plating within 5 % of copper; drawn wire is smooth, no roughness).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy.optimize import brentq

from si_thermal.si import conductor
from si_thermal.si.dielectric import DjordjevicSarkar
from si_thermal.si.tline import C0, ETA0, ClosedFormRangeWarning, RLGCMedia, wheeler_surface_factor


def validity_issue(d_m: float, s_m: float, shield_m: float) -> str | None:
    """Where the shielded-pair formula errs by more than about 1 % against the field solver
    (:mod:`si_thermal.si.xsection`): it holds for s/d >= 4 with s/D <= 0.5, or s/d >= 2.4 with
    s/D <= 0.2. At s/d = 2.46, s/D = 0.5 (a tight 100-ohm pair) Z_diff is 3.9 % low; at s/d = 1.5,
    3.7 % low even at s/D = 0.2 (the line-charge images ignore the wires' own size)."""
    sd, q = s_m / d_m, s_m / shield_m
    if (sd >= 4.0 and q <= 0.5) or (sd >= 2.4 and q <= 0.2):
        return None
    return f"s/d = {sd:.3g}, s/D = {q:.3g}"


def z_diff_air(d_m: float, s_m: float, shield_m: float) -> float:
    """Differential impedance of the pair in air, ohm."""
    q = s_m / shield_m
    return ETA0 / math.pi * (math.acosh(s_m / d_m) + math.log((1.0 - q * q) / (1.0 + q * q)))


def spacing_for_impedance(d_m: float, z_target: float, eps_r: float) -> float:
    """Centre spacing s with shield D = 2 s that gives ``z_target`` (ohm) in a dielectric ``eps_r``."""
    def err(s):
        return z_diff_air(d_m, s, 2.0 * s) / math.sqrt(eps_r) - z_target

    lo, hi = 1.0001 * d_m, 100.0 * d_m
    if err(lo) > 0 or err(hi) < 0:
        raise ValueError(f"no twinax geometry gives {z_target:g} ohm with eps_r {eps_r:g}")
    return brentq(err, lo, hi, xtol=1e-12 * d_m)


class Twinax(RLGCMedia):
    """Differential mode of a shielded twinax pair as an skrf Media (impedance = differential)."""

    def __init__(self, freq_hz, d_m: float, s_m: float, shield_m: float, sigma: float,
                 dielectric: DjordjevicSarkar, z0_port=None):
        if not d_m < s_m:
            raise ValueError(f"conductor spacing {s_m * 1e3:.3g} mm must exceed the diameter {d_m * 1e3:.3g} mm")
        if not s_m + d_m < shield_m:
            raise ValueError(f"shield diameter {shield_m * 1e3:.3g} mm must exceed s + d = {(s_m + d_m) * 1e3:.3g} mm")
        issue = validity_issue(d_m, s_m, shield_m)
        if issue:
            warnings.warn(f"twinax closed form outside its validity range ({issue}): the shielded-pair formula "
                          "errs by more than 1 % there; use solver = \"field\"", ClosedFormRangeWarning, stacklevel=2)
        f = np.asarray(freq_hz, dtype=float)
        w = 2.0 * math.pi * f
        z_air = z_diff_air(d_m, s_m, shield_m)
        l_ext = z_air / C0
        step = 1e-4 * d_m
        g_total = wheeler_surface_factor(lambda n: z_diff_air(d_m - 2 * n, s_m, shield_m + 2 * n) / C0, step)
        g_wires = wheeler_surface_factor(lambda n: z_diff_air(d_m - 2 * n, s_m, shield_m) / C0, step)
        a = d_m / 2.0
        self.proximity = g_wires / (1.0 / (math.pi * a))  # >= 1: HF resistance over two isolated wires
        rdc = conductor.dc_resistance_round(a, sigma)
        z_wire = conductor.round_wire_internal_impedance(f, a, sigma)
        rs = conductor.surface_resistance(f, sigma)
        z_int = 2.0 * rdc + 2.0 * (z_wire - rdc) * self.proximity + (1.0 + 1.0j) * rs * (g_total - g_wires)
        y = 1j * w * (1.0 / (z_air * C0)) * dielectric.eps(f)
        super().__init__(f, z_int + 1j * w * l_ext, y, z0_port=z0_port)
        self.d_m, self.s_m, self.shield_m = d_m, s_m, shield_m
