"""Coaxial line (verification medium): inner radius a, outer radius b, Djordjevic-Sarkar dielectric.

It exists to check the shared code paths (Bessel internal impedance of a round wire, Wheeler's
incremental-inductance rule, the RLGC Media, the dielectric) against the exact coaxial formulas:
Z0 = eta/(2 pi) ln(b/a), alpha_c = Rs (1/a + 1/b) / (2 eta ln(b/a)), alpha_d = (w sqrt(eps') / 2c) tan d
(Pozar, *Microwave Engineering*, 4th ed., example 2.7 and eq. 2.37).
Outer conductor: a thin-wall tube whose internal impedance is taken as its surface impedance.
"""

from __future__ import annotations

import math

import numpy as np

from si_thermal.si import conductor
from si_thermal.si.dielectric import DjordjevicSarkar
from si_thermal.si.tline import EPS0, MU0, RLGCMedia, wheeler_surface_factor


def external_inductance(a_m: float, b_m: float) -> float:
    """External inductance per metre of a coax, H/m."""
    return MU0 / (2.0 * math.pi) * math.log(b_m / a_m)


class Coax(RLGCMedia):
    """Coaxial line as an skrf Media."""

    def __init__(self, freq_hz, a_m: float, b_m: float, sigma: float, dielectric: DjordjevicSarkar,
                 z0_port=None):
        if not 0 < a_m < b_m:
            raise ValueError("coax needs 0 < a < b")
        f = np.asarray(freq_hz, dtype=float)
        w = 2.0 * math.pi * f
        l_ext = external_inductance(a_m, b_m)
        # Wheeler factor of the whole line; split into inner-wire and outer-tube surface shares
        g_total = wheeler_surface_factor(lambda n: external_inductance(a_m - n, b_m + n), 1e-4 * a_m)
        g_inner = 1.0 / (2.0 * math.pi * a_m)
        rs = conductor.surface_resistance(f, sigma)
        z_inner = conductor.round_wire_internal_impedance(f, a_m, sigma)
        z_outer = (1.0 + 1.0j) * rs * (g_total - g_inner)
        z_series = z_inner + z_outer + 1j * w * l_ext
        c_air = 2.0 * math.pi * EPS0 / math.log(b_m / a_m)
        y_shunt = 1j * w * c_air * dielectric.eps(f)
        super().__init__(f, z_series, y_shunt, z0_port=z0_port)
        self.a_m, self.b_m, self.sigma = a_m, b_m, sigma
