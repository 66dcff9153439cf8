"""Parametric connector: a causal physical structure from its datasheet numbers (IL, RL envelope, delay).

Structure: a pin-field launch at each end (a shunt capacitance C, the excess capacitance of the
press-fit or compression pad, Bogatin, *Signal and Power Integrity - Simplified*, 3rd ed., sections
8.10-8.12), joined by a lossy line of impedance Z_ref and delay ``delay_s``.

- Return loss: the two launches reflect Gamma_c ~ j w C Z_ref / 2 each; their reflections interfere
  with a period 1 / (2 delay), so |S11| oscillates under an envelope that grows ~20 dB/decade. C is
  chosen (bisection) so that the largest |S11| over 0 < f <= f_ref equals the stated RL: the stated
  RL is an envelope (a mask up to f_ref) that the structure touches at one peak near f_ref and stays
  inside of everywhere else, as a real connector's measured RL does (C is found with the lossy
  line in place, whose loss damps the far launch's echo). The previous model (a line of
  mismatched impedance) sat on its envelope at every quarter-wave, every 3-5 GHz.
- Insertion loss: a share x (0.5) is conductor-like, alpha x sqrt(f/f_ref) with the causal (1 + j)
  sqrt(f) skin-effect form; the rest is a Djordjevic-Sarkar dielectric (causal, nearly constant loss
  tangent, :mod:`si_thermal.si.dielectric`). The line loss at f_ref is the stated IL less the
  mismatch loss of the launches there, so the connector's |S21| at f_ref is the stated IL.
- Passivity: |S11|^2 + |S21|^2 + |NEXT|^2 + |FEXT|^2 <= 1 at f_ref (``config.channel.check_passive``); a
  connector whose stated numbers break it cannot be built and is rejected.

Crosstalk (NEXT/FEXT at f_ref, power sum of the aggressors) is turned into aggressor channels by
:mod:`si_thermal.si.crosstalk`.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from si_thermal.config.channel import check_passive
from si_thermal.constants import NEPER_DB
from si_thermal.si.dielectric import djordjevic_sarkar
from si_thermal.si.tline import abcd_to_s, cascade, line_abcd, shunt_abcd

_N_ENV = 600  # frequencies over (0, f_ref] on which the RL envelope is held


def _s_of(line: np.ndarray, w: np.ndarray, c_f: float, z_ref: float) -> tuple[np.ndarray, np.ndarray]:
    """(S11, S21) on ``z_ref`` of launch C - ``line`` (ABCD) - launch C."""
    launch = shunt_abcd(1j * w * c_f)
    s = abcd_to_s(cascade([launch, line, launch]), z_ref)
    return s[:, 0, 0], s[:, 1, 0]


def _line(f: np.ndarray, line_db: float, f_ref_hz: float, delay_s: float, z_ref: float, share: float) -> np.ndarray:
    alpha_ref = line_db / NEPER_DB  # nepers over the whole section at f_ref
    total = alpha_ref * share * (1.0 + 1.0j) * np.sqrt(f / f_ref_hz) + _dielectric_propagation(
        f, alpha_ref * (1.0 - share), f_ref_hz, delay_s)
    return line_abcd(total, np.full(f.shape, z_ref, dtype=complex), 1.0)


@lru_cache(maxsize=256)
def design(il_db: float, rl_db: float, f_ref_hz: float, delay_s: float, z_ref: float = 100.0,
           share: float = 0.5) -> tuple[float, float]:
    """(launch C in F, line loss at f_ref in dB) such that max |S11| over (0, f_ref] is the stated RL
    and |S21(f_ref)| the stated IL (bisection on C, two passes for the mismatch share of the IL)."""
    check_passive(il_db, rl_db)
    if not delay_s > 0:
        raise ValueError("connector delay must be positive")
    rho = 10.0 ** (-rl_db / 20.0)
    f = np.linspace(f_ref_hz / _N_ENV, f_ref_hz, _N_ENV)
    w = 2 * np.pi * f
    line_db, c_f = il_db, 0.0
    for _ in range(2):
        line = _line(f, line_db, f_ref_hz, delay_s, z_ref, share)
        lo, hi = 0.0, 1.0 / (2 * np.pi * f_ref_hz * z_ref)
        while np.abs(_s_of(line, w, hi, z_ref)[0]).max() < rho:
            hi *= 2.0
        for _ in range(50):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if np.abs(_s_of(line, w, mid, z_ref)[0]).max() < rho else (lo, mid)
        c_f = 0.5 * (lo + hi)
        il_now = -20.0 * math.log10(abs(_s_of(line[-1:], w[-1:], c_f, z_ref)[1][0]))
        line_db += il_db - il_now
        if line_db < 0:
            raise ValueError(f"connector IL {il_db:g} dB is below the mismatch loss its {rl_db:g} dB return "
                             "loss implies at f_ref")
    return c_f, line_db


def connector_abcd(freq_hz, *, il_db: float, rl_db: float, f_ref_hz: float, delay_s: float,
                   z_ref: float = 100.0, conductor_share: float = 0.5) -> np.ndarray:
    """Differential ABCD (N, 2, 2) of the connector. ``il_db`` and ``rl_db`` are positive dB at f_ref."""
    c_f, line_db = design(float(il_db), float(rl_db), float(f_ref_hz), float(delay_s), float(z_ref),
                          float(conductor_share))
    f = np.asarray(freq_hz, dtype=float)
    launch = shunt_abcd(1j * 2 * np.pi * f * c_f)
    return cascade([launch, _line(f, line_db, f_ref_hz, delay_s, z_ref, conductor_share), launch])


def _dielectric_propagation(f: np.ndarray, alpha_ref: float, f_ref_hz: float, delay_s: float) -> np.ndarray:
    """j w tau sqrt(eps(f) / eps'(f_ref)) (nepers + j radians over the section) with a
    Djordjevic-Sarkar eps whose loss at ``f_ref_hz`` is ``alpha_ref`` nepers (Df found by two
    secant steps from the small-loss estimate alpha = w tau Df / 2)."""
    w_ref_tau = 2.0 * math.pi * f_ref_hz * delay_s

    def gamma(freq, df):
        diel = djordjevic_sarkar(1.0, df, f_ref_hz)
        return 1j * 2.0 * math.pi * freq * delay_s * np.sqrt(diel.eps(freq) / diel.dk(f_ref_hz))

    df = 2.0 * alpha_ref / w_ref_tau
    if df > 0:
        for _ in range(2):
            df *= alpha_ref / float(gamma(np.array([f_ref_hz]), df)[0].real)
    if not 0 <= df < 1:
        raise ValueError(f"connector loss {alpha_ref * NEPER_DB:.3g} dB in a {delay_s * 1e12:.3g} ps section "
                         "needs a loss tangent above 1; give a longer delay")
    return gamma(f, df)
