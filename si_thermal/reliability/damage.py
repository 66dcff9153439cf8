"""Miner's-rule fatigue damage of counted temperature cycles, per mechanism.

Palmgren-Miner linear damage (Miner, J. Appl. Mech. 12, 1945, A159): a cycle of range ``dT_i``
counted ``n_i`` times uses ``n_i / N_f(dT_i)`` of the life, and failure is at ``D = sum n_i / N_f = 1``.
With median ``N_f`` the damage-one time is the median life. A history of duration ``t`` with
damage ``D`` gives a median life of ``t / D``.

Mechanisms (each ``N_f`` from the module that states its source):

- plated-through-hole barrel (:mod:`pth`, IPC-TR-579): the barrel follows the board's z-expansion
  over the via column's swing. ``cte_z_eff_per_k`` is the expansion per kelvin of column swing (the
  FEM thickness change per kelvin, or the laminate z-CTE);
- SAC connector solder joints (:func:`solder.sac_cycles`, Syed 2004) on the inelastic part of
  Engelmaier's shear strain ``F L_D da dT / h`` (less the elastic range of a reversed cycle).

Every function broadcasts its parameters against each other (Monte Carlo samples as a column
``(n, 1)``) and sums over the cycles (the last axis); ranges are first collapsed to
:meth:`Cycles.histogram` bins (each bin at its largest range: conservative).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from si_thermal.reliability.cycles import Cycles
from si_thermal.reliability.pth import BarrelCopper, PthGeometry, barrel_strain_array, cycles_to_failure_array
from si_thermal.reliability.solder import SYED_SAC_CREEP_COEFF, engelmaier_shear_strain, sac_cycles

HISTOGRAM_BINS = 400


@dataclass(frozen=True)
class PthSite:
    """A plated hole: its geometry, copper, the board's z-expansion per kelvin of the column's
    swing (1/K) and the board's through-thickness modulus (Pa)."""

    geometry: PthGeometry
    copper: BarrelCopper
    cte_z_eff_per_k: float
    e_board_z_pa: float


@dataclass(frozen=True)
class JointSite:
    """A connector's outermost solder joint: distance from the neutral point (m), joint height (m),
    the board-minus-housing CTE difference under the connector (1/K), and the shear strain range a
    cycle takes up elastically (:func:`solder.elastic_shear_range`; 0: all of it inelastic)."""

    dnp_m: float
    joint_height_m: float
    delta_cte_per_k: float
    elastic_shear_range: float = 0.0


def _col(x):
    """A parameter as a column against the cycle axis: scalars stay scalars, (n,) becomes (n, 1)."""
    return np.asarray(x, dtype=float)[..., None]


def pth_damage(cycles: Cycles, site: PthSite, *, strain_distribution_factor=2.5, swing_scale=1.0,
               ductility=None, ultimate_scale=1.0, cycle_rate_factor=1.0,
               bins: int = HISTOGRAM_BINS) -> np.ndarray:
    """Miner damage of the counted via-column cycles (ranges in K); parameters scalars or (n,) samples."""
    rng, _, cnt, _ = cycles.histogram(bins)
    dt = _col(swing_scale) * rng
    du = None if ductility is None else _col(ductility)
    strain = barrel_strain_array(dt, site.cte_z_eff_per_k, site.e_board_z_pa, site.geometry, site.copper,
                                 ultimate_scale=_col(ultimate_scale), ductility=du)
    n_f = cycles_to_failure_array(strain, site.copper, strain_distribution_factor=_col(strain_distribution_factor),
                                  ultimate_scale=_col(ultimate_scale), ductility=du)
    return np.asarray(cycle_rate_factor, dtype=float) * np.sum(cnt / n_f, axis=-1)


def joint_damage(cycles: Cycles, site: JointSite, *, creep_coefficient=SYED_SAC_CREEP_COEFF, strain_factor=1.0,
                 swing_scale=1.0, cycle_rate_factor=1.0, bins: int = HISTOGRAM_BINS) -> np.ndarray:
    """Miner damage of the counted joint cycles (Syed's SAC constant on Engelmaier's shear strain)."""
    rng, _, cnt, _ = cycles.histogram(bins)
    per_k = engelmaier_shear_strain(site.dnp_m, site.joint_height_m, site.delta_cte_per_k, 1.0)
    dgamma = per_k * _col(strain_factor) * _col(swing_scale) * rng
    n_f = sac_cycles(np.maximum(dgamma - site.elastic_shear_range, 0.0), _col(creep_coefficient))
    return np.asarray(cycle_rate_factor, dtype=float) * np.sum(cnt / n_f, axis=-1)


def median_life_days(damage, duration_s: float) -> np.ndarray:
    """Median life (days) of a site whose history of ``duration_s`` did ``damage``; inf for none."""
    d = np.asarray(damage, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(d > 0, duration_s / 86400.0 / np.where(d > 0, d, 1.0), np.inf)
