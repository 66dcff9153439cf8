"""Parametric connector / package / short interconnect: insertion and return loss at one frequency.

Model: a uniform differential line of delay ``delay_s`` and impedance Z_c in the reference Z_ref.
- Return loss: a line section of impedance Z_c between Z_ref terminations has the reflection envelope
  |S11|max = |Z_c^2 - Z_ref^2| / (Z_c^2 + Z_ref^2) (reached where the section is a quarter wave;
  Pozar, *Microwave Engineering*, 4th ed., section 5.4). Z_c is chosen so the envelope equals the given
  RL, so the stated RL is the worst case over frequency, not a value hit exactly at f_ref.
- Insertion loss: attenuation alpha(f) = alpha_ref [x sqrt(f/f_ref) + (1 - x) f/f_ref], half
  conductor-like (x = 0.5, with the causal (1 + j) sqrt(f) skin-effect form) and half dielectric-like,
  scaled so the matched-line loss at f_ref equals the given IL. The split is an assumption typical of
  press-fit backplane and cable connectors, whose loss is partly metal and partly dielectric.
"""

from __future__ import annotations

import math

import numpy as np

from si_thermal.si.tline import line_abcd

NEPER_DB = 20.0 * math.log10(math.e)


def connector_abcd(freq_hz, *, il_db: float, rl_db: float, f_ref_hz: float, delay_s: float,
                   z_ref: float = 100.0, conductor_share: float = 0.5) -> np.ndarray:
    """Differential ABCD (N, 2, 2) of the parametric connector. ``il_db`` and ``rl_db`` are positive dB."""
    if il_db < 0 or rl_db <= 0:
        raise ValueError("connector insertion_loss must be >= 0 dB and return_loss > 0 dB")
    f = np.asarray(freq_hz, dtype=float)
    rho = 10.0 ** (-rl_db / 20.0)
    zc = z_ref * math.sqrt((1.0 + rho) / (1.0 - rho))
    alpha_ref = il_db / NEPER_DB  # nepers over the whole section at f_ref
    x = f / f_ref_hz
    total = (alpha_ref * conductor_share * (1.0 + 1.0j) * np.sqrt(x) + alpha_ref * (1.0 - conductor_share) * x
             + 1j * 2.0 * math.pi * f * delay_s)
    return line_abcd(total, np.full(f.shape, zc, dtype=complex), 1.0)
