"""Differential via transition with a back-drill stub.

Model: the used barrel is a short differential line; the unused barrel below the exit layer (the stub
left after back-drilling) is an open-circuited line hanging in shunt at the exit. The stub's input
admittance Y = tanh(gamma l_stub) / Z_via produces the quarter-wave notch at
f_stub = c / (4 l_stub sqrt(eps_r)) (e.g. Bogatin, *Signal and Power Integrity - Simplified*, 3rd ed.,
section 10.13; Wu et al., "Modeling and analysis of via stubs", IEEE EMC 2008).

Impedance of the pair: two round barrels of diameter d (the drill) at pitch p inside an equivalent
return cylinder of diameter (pitch + antipad), using the shielded-pair formula of :mod:`.twinax` (the
antipad clearance plays the role of the shield). Dielectric: the board's laminate (Djordjevic-Sarkar);
barrel conductor loss is neglected (lengths of a few mm; skin loss < 0.05 dB at 56 GHz).
"""

from __future__ import annotations

import math

import numpy as np

from si_thermal.si.dielectric import DjordjevicSarkar
from si_thermal.si.tline import C0, cascade, identity_abcd, line_abcd, shunt_abcd
from si_thermal.si.twinax import z_diff_air


def via_impedance_air(drill_m: float, pitch_m: float, antipad_m: float) -> float:
    """Differential impedance of the via pair in air, ohm."""
    if not drill_m < pitch_m:
        raise ValueError(f"via pitch {pitch_m * 1e3:.3g} mm must exceed the drill {drill_m * 1e3:.3g} mm")
    if not antipad_m > drill_m:
        raise ValueError(f"antipad {antipad_m * 1e3:.3g} mm must exceed the drill {drill_m * 1e3:.3g} mm")
    return z_diff_air(drill_m, pitch_m, pitch_m + antipad_m)


def stub_resonance_hz(stub_m: float, dk: float) -> float:
    """First (quarter-wave) resonance of an open stub, Hz."""
    return C0 / (4.0 * stub_m * math.sqrt(dk)) if stub_m > 0 else math.inf


def via_abcd(freq_hz, *, barrel_m: float, stub_m: float, drill_m: float, pitch_m: float, antipad_m: float,
             dielectric: DjordjevicSarkar) -> np.ndarray:
    """Differential ABCD (N, 2, 2) of the via: barrel line, then the open stub in shunt."""
    f = np.asarray(freq_hz, dtype=float)
    eps = dielectric.eps(f)
    z_air = via_impedance_air(drill_m, pitch_m, antipad_m)
    zc = z_air / np.sqrt(eps)
    gamma = 1j * 2.0 * math.pi * f * np.sqrt(eps) / C0
    out = line_abcd(gamma, zc, barrel_m)
    if stub_m > 0:
        out = cascade([out, shunt_abcd(np.tanh(gamma * stub_m) / zc)])
    return out if barrel_m > 0 or stub_m > 0 else identity_abcd(len(f))
