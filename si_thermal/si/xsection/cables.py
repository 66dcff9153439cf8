"""Cross-sections of round-conductor lines: coax, shielded twinax (optional drain wire), two-wire.

- Coax: inner radius a, shield radius b, one dielectric.
- Twinax: two wires of diameter d at centre spacing s inside a shield of diameter D, in a (foamed)
  dielectric filling the shield; an optional drain wire (ground) lies against the shield below the
  pair, pressed 20 % of its radius into the shield foil (a shared boundary, no tangency to mesh).
- Two-wire line: a pair in a far shield (radius ``far`` x s) standing in for open space; the shield
  changes Z_diff by O((s/2R)^2) (3e-6 relative at far = 200), below the test tolerances.
"""

from __future__ import annotations

from si_thermal.si.dielectric import DjordjevicSarkar
from si_thermal.si.xsection.geometry import Circle, Conductor, CrossSection, Region, Shield

DRAIN_PRESS = 0.2  # fraction of the drain radius inside the shield wall


def coax(a_m: float, b_m: float, sigma: float, eps: DjordjevicSarkar, material: str = "dielectric") -> CrossSection:
    return CrossSection(Shield(b_m, sigma), (Conductor("inner", Circle(0.0, 0.0, a_m), sigma),),
                        (Region(material, eps),), label="coax")


def twinax(d_m: float, s_m: float, shield_m: float, sigma: float, eps: DjordjevicSarkar,
           material: str = "dielectric", drain_d_m: float | None = None) -> CrossSection:
    wires = [Conductor("p", Circle(-s_m / 2, 0.0, d_m / 2), sigma), Conductor("n", Circle(s_m / 2, 0.0, d_m / 2), sigma)]
    if drain_d_m is not None:
        rd = drain_d_m / 2
        wires.append(Conductor("drain", Circle(0.0, -(shield_m / 2 - (1 - DRAIN_PRESS) * rd), rd), sigma, role="ground"))
    return CrossSection(Shield(shield_m / 2, sigma), tuple(wires), (Region(material, eps),), label="twinax")


def two_wire(d_m: float, s_m: float, sigma: float, eps: DjordjevicSarkar, far: float = 200.0,
             material: str = "dielectric") -> CrossSection:
    return CrossSection(Shield(far * s_m, sigma),
                        (Conductor("p", Circle(-s_m / 2, 0.0, d_m / 2), sigma),
                         Conductor("n", Circle(s_m / 2, 0.0, d_m / 2), sigma)),
                        (Region(material, eps),), label="two-wire")
