"""Parametric connector / package / short interconnect: insertion and return loss at one frequency.

Model: a uniform differential line of delay ``delay_s`` and impedance Z_c in the reference Z_ref.
- Return loss: a line section of impedance Z_c between Z_ref terminations has the reflection envelope
  |S11|max = |Z_c^2 - Z_ref^2| / (Z_c^2 + Z_ref^2) (reached where the section is a quarter wave;
  Pozar, *Microwave Engineering*, 4th ed., section 5.4). Z_c is chosen so the envelope equals the given
  RL, so the stated RL is the worst case over frequency, not a value hit exactly at f_ref.
- Insertion loss: a share x (0.5) is conductor-like, alpha_ref x sqrt(f/f_ref) with the causal
  (1 + j) sqrt(f) skin-effect form; the rest is dielectric-like: the section's propagation
  j w tau sqrt(eps(f) / eps'(f_ref)) in a Djordjevic-Sarkar dielectric (causal, nearly constant loss
  tangent, see :mod:`si_thermal.si.dielectric`) whose Df is set so that this share of the loss at
  f_ref is (1 - x) alpha_ref. Together the matched-line loss at f_ref equals the given IL. A loss
  proportional to f without its Kramers-Kronig phase would not be causal. The split is an assumption
  typical of press-fit backplane and cable connectors, whose loss is partly metal, partly dielectric.
"""

from __future__ import annotations

import math

import numpy as np

from si_thermal.si.dielectric import djordjevic_sarkar
from si_thermal.si.tline import line_abcd

from si_thermal.constants import NEPER_DB


def connector_abcd(freq_hz, *, il_db: float, rl_db: float, f_ref_hz: float, delay_s: float,
                   z_ref: float = 100.0, conductor_share: float = 0.5) -> np.ndarray:
    """Differential ABCD (N, 2, 2) of the parametric connector. ``il_db`` and ``rl_db`` are positive dB."""
    if il_db < 0 or rl_db <= 0:
        raise ValueError("connector insertion_loss must be >= 0 dB and return_loss > 0 dB")
    if not delay_s > 0:
        raise ValueError("connector delay must be positive")
    f = np.asarray(freq_hz, dtype=float)
    rho = 10.0 ** (-rl_db / 20.0)
    zc = z_ref * math.sqrt((1.0 + rho) / (1.0 - rho))
    alpha_ref = il_db / NEPER_DB  # nepers over the whole section at f_ref
    total = alpha_ref * conductor_share * (1.0 + 1.0j) * np.sqrt(f / f_ref_hz) + _dielectric_propagation(
        f, alpha_ref * (1.0 - conductor_share), f_ref_hz, delay_s)
    return line_abcd(total, np.full(f.shape, zc, dtype=complex), 1.0)


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
