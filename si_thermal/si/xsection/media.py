"""A mode of a field-solved cross-section as an skrf Media (drop-in for the closed-form media).

Same conventions as :class:`si_thermal.si.stripline.Stripline`: mode 'odd' is the differential
2-port (impedance 2 Z_odd), 'even' the common-mode 2-port (Z_even / 2), 'single' a one-signal line.
"""

from __future__ import annotations

import numpy as np

from si_thermal.si.tline import RLGCMedia
from si_thermal.si.xsection.geometry import CrossSection
from si_thermal.si.xsection.rlgc import modes, rlgc
from si_thermal.si.xsection.solver import DEFAULT_LEVEL, field_solution

_SCALE = {"odd": 2.0, "even": 0.5, "single": 1.0}


class FieldMedia(RLGCMedia):
    """One mode of ``xs``; ``roughness`` maps surface names to roughness factors K(f)."""

    def __init__(self, freq_hz, xs: CrossSection, *, roughness: dict | None = None, mode: str = "odd",
                 level: float = DEFAULT_LEVEL, z0_port=None):
        if mode not in _SCALE:
            raise ValueError(f"unknown mode {mode!r}; use odd, even or single")
        f = np.atleast_1d(np.asarray(freq_hz, dtype=float))
        sol = field_solution(xs, level)
        self.rlgc = rlgc(xs, sol, f, roughness)
        self.modes = modes(self.rlgc)
        if mode == "single" and len(sol.signals) != 1 or mode != "single" and len(sol.signals) != 2:
            raise ValueError(f"mode '{mode}' does not fit a line with {len(sol.signals)} signal conductors")
        zs, ys = {"odd": (self.modes.z_series_odd, self.modes.y_shunt_odd),
                  "even": (self.modes.z_series_even, self.modes.y_shunt_even),
                  "single": (self.modes.z_series_odd, self.modes.y_shunt_odd)}[mode]
        scale = _SCALE[mode]
        super().__init__(f, scale * zs, ys / scale, z0_port=z0_port)
        self.xs, self.mode, self.solution = xs, mode, sol

    @property
    def z_mode(self) -> np.ndarray:
        """Per-line mode impedance (Z_odd, Z_even or Z0), ohm."""
        return self.z0_characteristic / _SCALE[self.mode]


def trace_media(board_file, trace: str, freq_hz, roughness_model: str = "huray", mode: str = "odd") -> FieldMedia:
    """A stackup trace's mode, field-solved, with each surface's foil roughness (``solver = "field"``)."""
    from si_thermal.si.xsection.stackup import trace_section

    section = trace_section(board_file, trace)
    return FieldMedia(freq_hz, section.xs, roughness=section.roughness(freq_hz, roughness_model), mode=mode)


def twinax_media(freq_hz, d_m: float, s_m: float, shield_m: float, sigma: float, eps, material: str = "dielectric",
                 mode: str = "odd") -> FieldMedia:
    """Shielded twinax pair (smooth drawn wire), field-solved."""
    from si_thermal.si.xsection.cables import twinax

    return FieldMedia(freq_hz, twinax(d_m, s_m, shield_m, sigma, eps, material), mode=mode)
