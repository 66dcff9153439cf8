"""Solder and press-fit joint fatigue: Coffin-Manson low-cycle fatigue and Engelmaier's model for
surface-mount solder joints under thermal cycling.

Coffin-Manson (Coffin, Trans. ASME 76, 1954, 931; Manson, NACA TN 2933, 1953), median cycles for a
cyclic plastic (or shear) strain range ``de_p``::

    N_f = 1/2 (de_p / (2 eps_f'))^(1/c)        (eps_f' > 0, c < 0)

Engelmaier (Proc. IEPS 1983; IPC-D-279, 1996; IPC-SM-785) for a leadless joint of height ``h`` at
distance ``L_D`` from the neutral point, component/board CTE difference ``da`` and swing ``dT``::

    dgamma = F L_D da dT / h
    c = -0.442 - 6e-4 T_sj + 1.74e-2 ln(1 + f)     (T_sj mean joint temperature in degC,
                                                     f cycles per day, 1 <= f <= 1000)
    N_f(50 %) = 1/2 (dgamma / (2 eps_f'))^(1/c),    eps_f' = 0.325 (eutectic SnPb)

``F`` is Engelmaier's empirical non-ideal factor (0.7-1.2 for leadless parts). The constants were
fitted to SnPb; applying them to SAC is common practice (IPC-9701A notes it) but uncalibrated.
Press-fit pins are cold-welded copper-alloy joints; their thermal-cycling wear-out is treated here as
Coffin-Manson with the pin alloy's fatigue-ductility constants (``fatigue_ductility_coefficient``,
``fatigue_ductility_exponent`` of the materials library).
"""

from __future__ import annotations

import math

ENGELMAIER_EPS_F = 0.325  # fatigue ductility coefficient of eutectic SnPb (Engelmaier 1983)


def coffin_manson_cycles(strain_range: float, eps_f: float, c: float) -> float:
    """Median cycles to failure for a plastic (or engineering shear) strain range."""
    if strain_range < 0:
        raise ValueError("strain_range must not be negative")
    if eps_f <= 0 or c >= 0:
        raise ValueError("Coffin-Manson needs eps_f > 0 and c < 0")
    if strain_range == 0:
        return math.inf
    return 0.5 * (strain_range / (2.0 * eps_f)) ** (1.0 / c)


def engelmaier_exponent(mean_joint_temp_c: float, cycles_per_day: float) -> float:
    """Engelmaier's fatigue ductility exponent ``c`` (negative)."""
    if not 1.0 <= cycles_per_day <= 1000.0:
        raise ValueError("cycles_per_day must lie in [1, 1000], the range of Engelmaier's fit")
    return -0.442 - 6e-4 * mean_joint_temp_c + 1.74e-2 * math.log(1.0 + cycles_per_day)


def engelmaier_shear_strain(dnp_m: float, joint_height_m: float, delta_cte_per_k: float, delta_t_k: float,
                            factor: float = 1.0) -> float:
    """Cyclic shear strain range of a leadless joint ``F L_D |da| dT / h``."""
    if delta_t_k < 0:
        raise ValueError("delta_t_k must not be negative")
    if dnp_m <= 0 or joint_height_m <= 0:
        raise ValueError("dnp_m and joint_height_m must be positive")
    return factor * dnp_m * abs(delta_cte_per_k) * delta_t_k / joint_height_m


def engelmaier_cycles(dnp_m: float, joint_height_m: float, delta_cte_per_k: float, delta_t_k: float,
                      mean_joint_temp_c: float, cycles_per_day: float, *, factor: float = 1.0,
                      eps_f: float = ENGELMAIER_EPS_F) -> float:
    """Median (50 %) cycles to failure of a leadless solder joint (Engelmaier 1983)."""
    dgamma = engelmaier_shear_strain(dnp_m, joint_height_m, delta_cte_per_k, delta_t_k, factor)
    return coffin_manson_cycles(dgamma, eps_f, engelmaier_exponent(mean_joint_temp_c, cycles_per_day))
