"""Press-fit (compliant-pin) connector joints: loss of the pin's normal force by stress relaxation.

A press-fit pin holds its plated hole by the elastic deflection of its compliant zone; at constant
deflection the copper alloy relaxes (elastic strain turns into creep strain) and the normal force,
hence the gas-tight contact and the push-out force, decays with time at temperature. IEC 60352-5
(press-in connections) qualifies a termination by its push-out force and contact resistance after
a conditioning sequence; field life is the time until the force has relaxed to the fraction the
application needs.

Time and temperature combine through the Larson-Miller parameter (Larson & Miller, "A time-temperature
relationship for rupture and creep stresses", Trans. ASME 74 (1952) 765-775), the form in which
connector-alloy relaxation data are published (e.g. Harkness, Loewenthal & Lorenz, Brush Wellman,
"Atlas of stress relaxation curves for beryllium copper and selected copper alloy spring materials";
Materion's Larson-Miller relaxation charts)::

    P = T (C + log10 t_h)          (T in K, t in hours, C about 20)

The remaining stress is a function of ``P`` alone, so if the failure fraction is reached at ``P_f``,
the time to failure at a constant temperature is ``t_f(T) = 10^(P_f / T - C)`` hours. Under a varying
temperature the consumed fractions add (Robinson's life-fraction rule, Robinson, "Effect of temperature
variation on the long-time rupture strength of steels", Trans. ASME 74 (1952) 777-781)::

    D = sum_i dt_i / t_f(T_i),     failure at D = 1

which is also the Copper Development Association connector design guide's rule that relaxation
accumulates over the time under load only ("30 % in 5 years ... the same loss in 15 years when the
contact is only stressed 1/3 of the time"). Thermal cycling itself does not enter (no reversal
term): the pin's barrel fatigue is the plated-hole mechanism (:mod:`pth`).
"""

from __future__ import annotations

import numpy as np

HOURS = 3600.0
LARSON_MILLER_C = 20.0  # Larson & Miller (1952): C about 20 for most alloys


def time_to_failure_h(t_k, p_fail, c=LARSON_MILLER_C) -> np.ndarray:
    """Hours at constant temperature ``t_k`` (K) until the Larson-Miller parameter reaches ``p_fail``."""
    t = np.asarray(t_k, dtype=float)
    if np.any(~(t > 0)):
        raise ValueError("temperatures must be positive kelvin")
    return 10.0 ** (np.asarray(p_fail, dtype=float) / t - np.asarray(c, dtype=float))


def larson_miller(t_k, hours, c=LARSON_MILLER_C) -> np.ndarray:
    """The Larson-Miller parameter ``T (C + log10 t_h)`` of ``hours`` at ``t_k``."""
    return np.asarray(t_k, dtype=float) * (np.asarray(c, dtype=float) + np.log10(hours))


def time_at_level(rise_k: np.ndarray, dt_s: float, bins: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """A temperature-rise history as (level K, seconds spent there) in ``bins`` bins, each bin at its
    upper edge (conservative: relaxation grows with temperature)."""
    x = np.asarray(rise_k, dtype=float)
    lo, hi = float(x.min()), float(x.max())
    if hi - lo <= 1e-12 * max(abs(hi), 1.0):
        return np.array([hi]), np.array([x.size * dt_s])
    edges = np.linspace(lo, hi, bins + 1)
    k = np.clip(np.searchsorted(edges, x, side="left") - 1, 0, bins - 1)
    dur = np.bincount(k, minlength=bins) * dt_s
    keep = dur > 0
    return edges[1:][keep], dur[keep]


def relaxation_damage(levels_k, durations_s, t_idle_k: float, *, p_fail, c=LARSON_MILLER_C,
                      swing_scale=1.0) -> np.ndarray:
    """Robinson life fraction used by a history given as rise ``levels_k`` above ``t_idle_k`` held
    ``durations_s``; parameters scalars or (n,) Monte Carlo samples (broadcast against the levels)."""
    col = lambda v: np.asarray(v, dtype=float)[..., None]  # noqa: E731
    t = t_idle_k + col(swing_scale) * np.asarray(levels_k, dtype=float)
    log_rate = col(c) - col(p_fail) / t  # log10 of 1 / t_f(T) in 1/h
    return np.sum(np.asarray(durations_s, dtype=float) / HOURS * 10.0 ** log_rate, axis=-1)
