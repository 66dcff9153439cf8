"""Test-to-field acceleration factors. ``AF = N_field / N_test`` (or ``t_field / t_test``): how much
longer the field lasts than the test. All temperatures in K, temperature ranges in K.

- Coffin-Manson temperature-range scaling: ``AF = (dT_test / dT_field)^n``.
- Norris & Landzberg, IBM J. Res. Dev. 13 (1969) 266, for solder joints: the Coffin-Manson range term
  times a cycling-frequency term and an Arrhenius term on the peak temperature::

      AF = (dT_t/dT_f)^n (f_f/f_t)^m exp[Ea/k (1/Tmax_f - 1/Tmax_t)]

  Their SnPb constants: n = 1.9, m = 1/3, Ea/k = 1414 K. For SAC lead-free solder, Pan et al.
  (SMTA Int. 2005 / JEDEC JEP122) give n = 2.65, m = 0.136, Ea/k = 2185 K.
- Arrhenius: ``AF = exp[Ea/k_B (1/T_use - 1/T_test)]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from si_thermal.constants import BOLTZMANN_EV_PER_K


@dataclass(frozen=True)
class NorrisLandzbergConstants:
    n: float
    m: float
    ea_over_k_k: float
    source: str


SNPB = NorrisLandzbergConstants(1.9, 1.0 / 3.0, 1414.0, "Norris & Landzberg, IBM J. Res. Dev. 13 (1969) 266")
SAC = NorrisLandzbergConstants(2.65, 0.136, 2185.0, "Pan et al., SMTA International 2005 (SAC305)")


def _positive(name: str, value) -> np.ndarray:
    v = np.asarray(value, dtype=float)
    if np.any(~(v > 0)):
        raise ValueError(f"{name} must be positive, got {value}")
    return v


def coffin_manson_af(dt_test_k, dt_field_k, exponent: float):
    """Temperature-range acceleration ``(dT_test/dT_field)^n``."""
    return (_positive("dt_test_k", dt_test_k) / _positive("dt_field_k", dt_field_k)) ** exponent


def norris_landzberg_af(dt_test_k, dt_field_k, f_test_per_day, f_field_per_day, tmax_test_k, tmax_field_k,
                        constants: NorrisLandzbergConstants = SAC):
    """Norris-Landzberg acceleration factor (field cycles per test cycle)."""
    c = constants
    rng = coffin_manson_af(dt_test_k, dt_field_k, c.n)
    freq = (_positive("f_field_per_day", f_field_per_day) / _positive("f_test_per_day", f_test_per_day)) ** c.m
    arr = np.exp(c.ea_over_k_k * (1.0 / _positive("tmax_field_k", tmax_field_k)
                                  - 1.0 / _positive("tmax_test_k", tmax_test_k)))
    return rng * freq * arr


def arrhenius_af(ea_ev: float, t_use_k, t_test_k):
    """Arrhenius acceleration of a thermally activated mechanism (activation energy in eV)."""
    return np.exp(ea_ev / BOLTZMANN_EV_PER_K * (1.0 / _positive("t_use_k", t_use_k)
                                                 - 1.0 / _positive("t_test_k", t_test_k)))
