"""Exact per-unit-length results the field solver is verified against (air-filled, SI units).

- Zero-thickness edge-coupled stripline, centred between planes b apart, strips w wide, gap s:
  Z_0e,o = (eta0 / 4) K(k') / K(k), k_e = tanh(pi w / 2b) tanh(pi (w + s) / 2b),
  k_o = tanh(pi w / 2b) coth(pi (w + s) / 2b) (S. B. Cohn, IRE Trans. MTT 3(5), 29-38, 1955).
- Coax: C = 2 pi eps0 / ln(b/a).
- Two-wire line, wire diameter d, centre spacing s: Z_diff = (eta0 / pi) acosh(s/d), and its HF loop
  resistance with the proximity effect R = Rs / (pi a) (s/d) / sqrt((s/d)^2 - 1), a = d/2
  (Ramo, Whinnery, Van Duzer, *Fields and Waves*, 3rd ed., table 5.11 and section 5.11).
"""

from __future__ import annotations

import math

from scipy.special import ellipk

from si_thermal.constants import EPS0, ETA0


def cohn_zero_thickness(w_m: float, s_m: float, b_m: float, mode: str) -> float:
    """Per-line even ('even') or odd ('odd') mode impedance in air, ohm."""
    a, c = math.tanh(math.pi * w_m / (2 * b_m)), math.pi * (w_m + s_m) / (2 * b_m)
    k = a * (math.tanh(c) if mode == "even" else 1.0 / math.tanh(c))
    return ETA0 / 4 * ellipk(1 - k * k) / ellipk(k * k)


def coax_capacitance(a_m: float, b_m: float) -> float:
    """Vacuum capacitance per metre of a coax, F/m."""
    return 2 * math.pi * EPS0 / math.log(b_m / a_m)


def two_wire_z_diff(d_m: float, s_m: float) -> float:
    """Differential impedance of a two-wire line in air, ohm."""
    return ETA0 / math.pi * math.acosh(s_m / d_m)


def two_wire_loop_resistance(d_m: float, s_m: float, rs_ohm: float) -> float:
    """High-frequency loop resistance (both wires) with the proximity effect, ohm/m."""
    return rs_ohm / (math.pi * d_m / 2) * (s_m / d_m) / math.sqrt((s_m / d_m) ** 2 - 1)
