"""The 2N-port scikit-rf Network of a length of an N-conductor line (multiconductor transmission
line), with every coupling and, for an asymmetric pair, the mode conversion the odd/even media omit.

Modal solution of the telegrapher's equations (C. R. Paul, *Analysis of Multiconductor
Transmission Lines*, 2nd ed., 2008, sections 5.2 and 7.1): Y Z = T diag(gamma^2) T^-1 per frequency
(T: current modes), Y_C = T diag(gamma) T^-1 Z^-1, and the admittance matrix of a line of length l is
[[A, B], [B, A]] with A = T diag(gamma coth(gamma l)) T^-1 Z^-1, B = -T diag(gamma csch(gamma l)) T^-1 Z^-1
(symmetric: g(YZ) Z^-1 = Z^-1 g(ZY) for any matrix function g).
Ports 1..N are the near ends of the signal conductors in order, N+1..2N their far ends (for a pair:
thru 1 -> 3 and 2 -> 4, the "1-3/2-4" order of :mod:`si_thermal.si.channel`'s 4-port).
"""

from __future__ import annotations

import numpy as np
import skrf

from si_thermal.si.xsection.rlgc import RLGC


def line_y(line: RLGC, length_m: float) -> np.ndarray:
    """Admittance matrices (F, 2N, 2N) of ``length_m`` of the line, S."""
    z, y = line.z, line.y
    gam2, t = np.linalg.eig(y @ z)
    gam = np.sqrt(gam2.astype(complex))
    gam = np.where(gam.real < 0, -gam, gam)
    t_inv = np.linalg.inv(t)
    z_inv = np.linalg.inv(z)
    gl = gam * length_m
    with np.errstate(over="ignore"):
        coth = 1.0 / np.tanh(gl)
        csch = 1.0 / np.sinh(gl)
    a = (t * (gam * coth)[:, None, :]) @ t_inv @ z_inv
    b = -(t * (gam * csch)[:, None, :]) @ t_inv @ z_inv
    return np.block([[a, b], [b, a]])


def line_network(line: RLGC, length_m: float, z0: float = 50.0, name: str = "line") -> skrf.Network:
    """2N-port Network (reference ``z0`` per port) of ``length_m`` of the line."""
    if not (np.isfinite(length_m) and length_m > 0):
        raise ValueError(f"line length must be > 0 m, got {length_m!r}")
    n = 2 * len(line.signals)
    s = skrf.network.y2s(line_y(line, length_m), z0)
    return skrf.Network(frequency=skrf.Frequency.from_f(line.freq_hz, unit="Hz"), s=s, z0=np.full(n, z0), name=name)
