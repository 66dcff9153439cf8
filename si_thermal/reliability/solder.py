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
SAC305 (Sn3.0Ag0.5Cu) joints: Syed, "Accumulated creep strain and energy density based thermal
fatigue life prediction models for SnAgCu solder joints", Proc. 54th ECTC (2004) 737-746, fitted
thermal-cycling lives of SnAgCu BGA/CSP joints to the accumulated equivalent creep strain per cycle::

    N_f = (C' eps_acc)^-1,     C' = 0.0468      (creep-strain model; the energy model is
                                                 N_f = (W' W_acc)^-1, W' = 0.0015 per MPa)

Without a creep FEM of the joint, ``eps_acc`` is taken here as the von Mises equivalent of
Engelmaier's cyclic shear strain, ``dgamma / sqrt(3)``: the joint relaxes fully each cycle, so the
whole imposed displacement becomes creep strain (an upper bound on eps_acc, hence a lower bound on
life), less the part a reversed cycle takes up elastically: by Masing's rule twice the shear yield
strain, ``2 tau_y / G`` with ``tau_y = S_y / sqrt(3)`` (von Mises) and ``G = E / (2 (1 + nu))``
(:func:`elastic_shear_range`). A cycle below that range (a training step's fraction-of-a-kelvin
ripple) does no inelastic work; creep under long dwells below yield is neglected (optimistic there). Syed's constant carries the SAC data; Engelmaier's SnPb constants are kept for comparison.

Press-fit pins are cold-welded copper-alloy joints; their thermal-cycling wear-out is treated here as
Coffin-Manson with the pin alloy's fatigue-ductility constants (``fatigue_ductility_coefficient``,
``fatigue_ductility_exponent`` of the materials library).
"""

from __future__ import annotations

import math

ENGELMAIER_EPS_F = 0.325  # fatigue ductility coefficient of eutectic SnPb (Engelmaier 1983)
SYED_SAC_CREEP_COEFF = 0.0468  # C' of N_f = (C' eps_acc)^-1, SnAgCu (Syed, ECTC 2004)
SYED_SAC_ENERGY_COEFF_PER_MPA = 0.0015  # W' of N_f = (W' W_acc)^-1, W in MPa (Syed, ECTC 2004)


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


def sac_cycles(shear_strain_range, creep_coefficient: float = SYED_SAC_CREEP_COEFF):
    """Median cycles to failure of a SAC joint (Syed 2004) for a cyclic shear strain range (array
    or scalar): ``1 / (C' dgamma / sqrt(3))``; inf for zero strain."""
    import numpy as np

    g = np.asarray(shear_strain_range, dtype=float)
    c = np.asarray(creep_coefficient, dtype=float)
    if np.any(g < 0):
        raise ValueError("shear_strain_range must not be negative")
    if np.any(~(c > 0)):
        raise ValueError("creep_coefficient must be positive")
    with np.errstate(divide="ignore"):
        return 1.0 / (c * g / math.sqrt(3.0))


def elastic_shear_range(yield_strength_pa: float, youngs_modulus_pa: float, poisson: float) -> float:
    """Shear strain range a reversed cycle takes up elastically (Masing): ``2 (S_y/sqrt(3)) / G``."""
    if not (yield_strength_pa > 0 and youngs_modulus_pa > 0 and 0 <= poisson < 0.5):
        raise ValueError("need S_y > 0, E > 0 and 0 <= nu < 0.5")
    g = youngs_modulus_pa / (2.0 * (1.0 + poisson))
    return 2.0 * yield_strength_pa / math.sqrt(3.0) / g


def sac_joint_cycles(dnp_m: float, joint_height_m: float, delta_cte_per_k: float, delta_t_k: float, *,
                     elastic_range: float = 0.0, factor: float = 1.0,
                     creep_coefficient: float = SYED_SAC_CREEP_COEFF) -> float:
    """Median cycles of a SAC joint: Syed's constant on the inelastic part of Engelmaier's strain."""
    dgamma = engelmaier_shear_strain(dnp_m, joint_height_m, delta_cte_per_k, delta_t_k, factor)
    return float(sac_cycles(max(dgamma - elastic_range, 0.0), creep_coefficient))


def joint_elastic_range(name: str, material) -> float:
    """:func:`elastic_shear_range` of a materials-library solder entry (``require`` names what is missing)."""
    sy, e, nu = material.require(name, "yield_strength", "youngs_modulus", "poisson")
    return elastic_shear_range(sy, e, nu)
