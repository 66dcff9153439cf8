"""Edge-coupled differential stripline in a stackup: odd/even-mode impedances, delays and losses.

Geometry: strips of width w (mean width of the etched trapezoid), thickness t, edge spacing s,
between two reference planes with dielectric heights h1 above and h2 below the strip (plane
separation b = h1 + t + h2). Homogeneous dielectric (stripline), so both modes travel at c/sqrt(eps).

Impedance, centred strip: S. B. Cohn, "Shielded coupled-strip transmission line", IRE Trans. MTT 3(5),
29-38, 1955, thick-strip formulas (also Wadell, *Transmission Line Design Handbook*, 1991, section 3.6.1;
Matthaei, Young, Jones, section 5.05), valid for w/b >= 0.35 and t/b <= 0.1:

    Z0e,o = 30 pi (b - t) / (sqrt(eps) [w + b C_f A_e,o / (2 pi)])
    A_e = 1 + ln(1 + tanh(theta))/ln 2,  A_o = 1 + ln(1 + coth(theta))/ln 2,  theta = pi s / (2 b)
    C_f = 2 ln((2b - t)/(b - t)) - (t/b) ln(t (2b - t)/(b - t)^2)

Offset strip (h1 != h2): capacitances add, Z = 2 Z(b1) Z(b2)/(Z(b1) + Z(b2)) with b_i = 2 h_i + t
(Wadell section 3.5.3, the parallel-plate superposition used for asymmetric stripline).

Conductor loss: Wheeler's incremental-inductance rule applied to the odd-mode inductance (strip walls
and plane walls receding separately, so the strip and the planes carry their own foil roughness),
with the DC-to-skin-effect transition and internal inductance of the slab solution
(see :mod:`.conductor`). Dielectric: Djordjevic-Sarkar. Differential impedance = 2 Z0o; the
differential line has the odd-mode gamma.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from si_thermal.si import conductor
from si_thermal.si.dielectric import DjordjevicSarkar
from si_thermal.si.tline import C0, ETA0, ClosedFormRangeWarning, RLGCMedia, wheeler_surface_factor

OFFSET_MIN = 0.5  # min(h1, h2) / max(h1, h2) below which the offset superposition errs > 1.5 %


def validity_issues(g: StriplineGeometry) -> list[str]:
    """Where ``g`` leaves the closed form's stated range (Cohn: w/b >= 0.35, t/b <= 0.1 for each
    half b_i = 2 h_i + t) or the offset superposition's (h_min/h_max >= 0.5; the field solver gives
    +1.5 % even-mode error at 0.44 and +4 % at 0.26). At w/b = 0.30 Z_odd is 1.8 % low."""
    out = []
    for h in sorted({g.h_above_m, g.h_below_m}):
        b = 2 * h + g.thickness_m
        if g.width_m / b < 0.35:
            out.append(f"w/b = {g.width_m / b:.3g} < 0.35")
        if g.thickness_m / b > 0.1:
            out.append(f"t/b = {g.thickness_m / b:.3g} > 0.1")
    ratio = min(g.h_above_m, g.h_below_m) / max(g.h_above_m, g.h_below_m)
    if ratio < OFFSET_MIN:
        out.append(f"offset h_min/h_max = {ratio:.3g} < {OFFSET_MIN}")
    return list(dict.fromkeys(out))


def warn_validity(g: StriplineGeometry) -> None:
    issues = validity_issues(g)
    if issues:
        warnings.warn(f"stripline closed form outside its validity range ({'; '.join(issues)}): "
                      "Cohn's formulas err by more than 1 % there; use solver = \"field\"",
                      ClosedFormRangeWarning, stacklevel=3)


@dataclass(frozen=True)
class StriplineGeometry:
    """Cross-section, m. ``h_above`` and ``h_below`` are dielectric heights from strip faces to planes."""

    width_m: float
    thickness_m: float
    spacing_m: float
    h_above_m: float
    h_below_m: float

    def check(self) -> None:
        for name in ("width_m", "thickness_m", "spacing_m", "h_above_m", "h_below_m"):
            if not getattr(self, name) > 0:
                raise ValueError(f"stripline {name[:-2]} must be > 0, got {getattr(self, name):g} m")


def _fringe(t: float, b: float) -> float:
    return 2.0 * math.log((2 * b - t) / (b - t)) - (t / b) * math.log(t * (2 * b - t) / (b - t) ** 2) \
        if t > 0 else 2.0 * math.log(2.0)


def cohn_centered_air(w: float, t: float, s: float, b: float, mode: str) -> float:
    """Cohn's thick-strip even ('even') or odd ('odd') mode impedance of a centred pair in air, ohm.
    ``mode='single'`` gives the uncoupled strip (s -> infinity)."""
    theta = math.pi * s / (2.0 * b)
    if mode == "even":
        a = 1.0 + math.log1p(math.tanh(theta)) / math.log(2.0)
    elif mode == "odd":
        a = 1.0 + math.log1p(1.0 / math.tanh(theta)) / math.log(2.0)
    else:
        a = 2.0
    return 30.0 * math.pi * (b - t) / (w + b * _fringe(t, b) * a / (2.0 * math.pi)) * (ETA0 / (120 * math.pi))


def mode_impedance_air(g: StriplineGeometry, mode: str) -> float:
    """Even/odd/single mode impedance in air of the (possibly offset) pair, ohm."""
    t = g.thickness_m
    z1 = cohn_centered_air(g.width_m, t, g.spacing_m, 2 * g.h_above_m + t, mode)
    z2 = cohn_centered_air(g.width_m, t, g.spacing_m, 2 * g.h_below_m + t, mode)
    return 2.0 * z1 * z2 / (z1 + z2)


def _receded(g: StriplineGeometry, strip_n: float, plane_n: float) -> StriplineGeometry:
    return StriplineGeometry(g.width_m - 2 * strip_n, g.thickness_m - 2 * strip_n, g.spacing_m + 2 * strip_n,
                             g.h_above_m + strip_n + plane_n, g.h_below_m + strip_n + plane_n)


class Stripline(RLGCMedia):
    """One mode ('odd' = differential, 'even' = common, 'single' = an uncoupled strip) of an
    edge-coupled stripline pair as an skrf Media; :attr:`z_mode` is the per-line mode impedance and
    ``z0_characteristic`` the impedance of the mode as a 2-port: 2 Z0o, Z0e/2 or Z0."""

    def __init__(self, freq_hz, geometry: StriplineGeometry, sigma: float, dielectric: DjordjevicSarkar,
                 *, strip_roughness=None, plane_roughness=None, mode: str = "odd", z0_port=None):
        geometry.check()
        warn_validity(geometry)
        f = np.asarray(freq_hz, dtype=float)
        w = 2.0 * math.pi * f
        z_air = mode_impedance_air(geometry, mode)
        step = 1e-3 * geometry.thickness_m
        g_strip = wheeler_surface_factor(lambda n: mode_impedance_air(_receded(geometry, n, 0.0), mode) / C0, step)
        g_plane = wheeler_surface_factor(lambda n: mode_impedance_air(_receded(geometry, 0.0, n), mode) / C0, step)
        rs = conductor.surface_resistance(f, sigma)
        k_strip = np.ones_like(f) if strip_roughness is None else strip_roughness
        k_plane = np.ones_like(f) if plane_roughness is None else plane_roughness
        rdc = conductor.dc_resistance_rect(geometry.width_m, geometry.thickness_m, sigma)
        z_slab = conductor.slab_internal_impedance(f, geometry.width_m, geometry.thickness_m, sigma)
        g_slab = 1.0 / (2.0 * geometry.width_m)  # HF geometry factor of the slab solution
        z_int = rdc + (z_slab - rdc) * (g_strip / g_slab) * k_strip + (1.0 + 1.0j) * rs * g_plane * k_plane
        y = 1j * w / (z_air * C0) * dielectric.eps(f)
        scale = {"odd": 2.0, "even": 0.5, "single": 1.0}[mode]  # per-line -> 2-port of the mode
        super().__init__(f, scale * (z_int + 1j * w * z_air / C0), y / scale, z0_port=z0_port)
        self.geometry, self.mode, self.z_air = geometry, mode, z_air
        self.g_strip, self.g_plane = g_strip, g_plane

    @property
    def z_mode(self) -> np.ndarray:
        """Per-line mode impedance Z0o or Z0e, ohm."""
        return self.z0_characteristic / {"odd": 2.0, "even": 0.5, "single": 1.0}[self.mode]
