"""Plated-through-hole (PTH) barrel fatigue from z-axis CTE mismatch: the IPC-TR-579 model
(IPC-TR-579, "Round Robin Reliability Evaluation of Small Diameter Plated Through Holes in Printed
Wiring Boards", 1988; as written in ANSI/VITA 51.1-2008, Appendix F, and IPC-D-279).

Stress. The barrel (area ``A_Cu``, modulus ``E_Cu``) and the board's "area of influence" (``A_E``,
an annulus of outer diameter ``d + h``, modulus ``E_E`` through the thickness) are two springs in
parallel that must expand alike over a temperature swing ``dT``. With a bilinear copper (yield
``S_y``, plastic modulus ``E'_Cu``) force balance gives::

    elastic (sigma <= S_y):  sigma = (a_E - a_Cu) dT A_E E_E E_Cu / (A_E E_E + A_Cu E_Cu)
    plastic (sigma >  S_y):  sigma = [(a_E - a_Cu) dT + S_y/E'_Cu - S_y/E_Cu] A_E E_E E'_Cu
                                     / (A_E E_E + A_Cu E'_Cu)
    A_E = pi/4 [(h + d)^2 - d^2],  A_Cu = pi/4 [d^2 - (d - 2t)^2]

and the barrel strain range ``de = sigma/E_Cu`` or ``S_y/E_Cu + (sigma - S_y)/E'_Cu``.

Fatigue. Manson's method of universal slopes as IPC-TR-579 adapted it, solved for ``N_f``::

    N_f^-0.6 D_f^0.75 + 0.9 (S_u/E_Cu) [exp(D_f)/0.36]^(0.1785 log10(1e5/N_f)) - K_d de = 0

``D_f`` is the copper's fatigue ductility (here its elongation at fracture), ``S_u`` its ultimate
strength, ``K_d`` the strain distribution factor (2.5 for best plating quality to 5.0). The left side
falls monotonically with ``N_f``, so the root is unique; it is found by bisection in log N.
``E'_Cu`` is the bilinear fit through yield and (``S_u``, ``D_f``): ``(S_u - S_y)/(D_f - S_y/E_Cu)``.

Validity. The round-robin boards behind IPC-TR-579 were 0.75-2.35 mm thick with 0.25-1.0 mm holes and
about 20-32 um of plating, i.e. aspect ratios up to about 9 (ANSI/VITA 51.1 App. F restates the same
range). A 78-layer, 11.8 mm backplane with 0.3 mm vias has an aspect ratio near 40, four times beyond
the data; its barrel is also far stiffer-loaded (the area of influence grows with h^2, so the barrel
takes essentially the full mismatch strain). :func:`pth_fatigue` reports ``within_validity`` and the
strain can be given from FEM instead (``strain_range`` argument of :func:`cycles_to_failure`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from si_thermal.config import Material

VALID_THICKNESS_M = (0.75e-3, 2.35e-3)
VALID_DRILL_M = (0.25e-3, 1.0e-3)
VALID_PLATING_M = (20e-6, 32e-6)
VALID_ASPECT_RATIO_MAX = VALID_THICKNESS_M[1] / VALID_DRILL_M[0]


@dataclass(frozen=True)
class PthGeometry:
    board_thickness_m: float
    drill_diameter_m: float
    plating_thickness_m: float

    def __post_init__(self) -> None:
        for name in ("board_thickness_m", "drill_diameter_m", "plating_thickness_m"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive")
        if 2 * self.plating_thickness_m >= self.drill_diameter_m:
            raise ValueError("plating_thickness_m must be less than half the drill diameter")

    @property
    def aspect_ratio(self) -> float:
        return self.board_thickness_m / self.drill_diameter_m

    @property
    def barrel_area_m2(self) -> float:
        d, t = self.drill_diameter_m, self.plating_thickness_m
        return math.pi / 4 * (d**2 - (d - 2 * t) ** 2)

    @property
    def board_area_m2(self) -> float:
        d, h = self.drill_diameter_m, self.board_thickness_m
        return math.pi / 4 * ((h + d) ** 2 - d**2)

    @property
    def within_validity(self) -> bool:
        lo, hi = VALID_THICKNESS_M
        dlo, dhi = VALID_DRILL_M
        plo, phi = VALID_PLATING_M
        return (lo <= self.board_thickness_m <= hi and dlo <= self.drill_diameter_m <= dhi
                and plo <= self.plating_thickness_m <= phi)


@dataclass(frozen=True)
class BarrelCopper:
    """Plated copper as the model needs it, SI."""

    youngs_modulus_pa: float
    yield_strength_pa: float
    ultimate_strength_pa: float
    ductility: float  # D_f, fraction
    cte_per_k: float

    @classmethod
    def from_material(cls, name: str, mat: Material) -> BarrelCopper:
        """From a materials-library entry; a missing property is an InputError naming it."""
        e, sy, su, df, a = mat.require(name, "youngs_modulus", "yield_strength", "ultimate_strength",
                                       "elongation", "cte_z")
        return cls(e, sy, su, df, a)

    @property
    def plastic_modulus_pa(self) -> float:
        """Bilinear hardening slope through (S_y/E, S_y) and (D_f, S_u)."""
        return (self.ultimate_strength_pa - self.yield_strength_pa) / (
            self.ductility - self.yield_strength_pa / self.youngs_modulus_pa)


@dataclass(frozen=True)
class PthResult:
    stress_pa: float
    strain_range: float  # barrel strain range before K_d
    plastic: bool
    cycles_to_failure: float  # median (50 %) cycles
    aspect_ratio: float
    within_validity: bool


def barrel_stress(delta_t_k: float, cte_board_z_per_k: float, e_board_z_pa: float, geometry: PthGeometry,
                  copper: BarrelCopper) -> tuple[float, float, bool]:
    """Barrel stress (Pa), strain range and whether the barrel yields, for a swing ``delta_t_k``."""
    if delta_t_k < 0:
        raise ValueError("delta_t_k must not be negative")
    mismatch = max(cte_board_z_per_k - copper.cte_per_k, 0.0) * delta_t_k
    ae, acu = geometry.board_area_m2, geometry.barrel_area_m2
    e_cu, e_p, sy = copper.youngs_modulus_pa, copper.plastic_modulus_pa, copper.yield_strength_pa
    kb = ae * e_board_z_pa
    sigma = mismatch * kb * e_cu / (kb + acu * e_cu)
    if sigma <= sy:
        return sigma, sigma / e_cu, False
    sigma = (mismatch + sy / e_p - sy / e_cu) * kb * e_p / (kb + acu * e_p)
    return sigma, sy / e_cu + (sigma - sy) / e_p, True


def _fatigue_residual(log10_n: float, strain: float, copper: BarrelCopper) -> float:
    n = 10.0**log10_n
    df, su, e = copper.ductility, copper.ultimate_strength_pa, copper.youngs_modulus_pa
    return (n**-0.6 * df**0.75 + 0.9 * su / e * (math.exp(df) / 0.36) ** (0.1785 * (5.0 - log10_n))
            - strain)


def cycles_to_failure(strain_range: float, copper: BarrelCopper, *, strain_distribution_factor: float = 2.5,
                      max_cycles: float = 1e15) -> float:
    """Median cycles to barrel crack for a barrel strain range (from the closed form or from FEM).

    Returns ``math.inf`` when the strain is below what the equation reaches by ``max_cycles``.
    """
    if strain_range < 0:
        raise ValueError("strain_range must not be negative")
    if not 1.0 <= strain_distribution_factor <= 10.0:
        raise ValueError("strain_distribution_factor must lie in [1, 10] (IPC-TR-579: 2.5 to 5.0)")
    eff = strain_distribution_factor * strain_range
    lo, hi = 0.0, math.log10(max_cycles)
    if _fatigue_residual(hi, eff, copper) > 0:
        return math.inf
    if _fatigue_residual(lo, eff, copper) < 0:
        return 1.0
    for _ in range(200):  # bisection in log10 N: the residual falls monotonically
        mid = 0.5 * (lo + hi)
        if _fatigue_residual(mid, eff, copper) > 0:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return 10.0 ** (0.5 * (lo + hi))


def pth_fatigue(delta_t_k: float, cte_board_z_per_k: float, e_board_z_pa: float, geometry: PthGeometry,
                copper: BarrelCopper, *, strain_distribution_factor: float = 2.5) -> PthResult:
    """IPC-TR-579 barrel stress, strain and median cycles to failure for one temperature swing."""
    sigma, strain, plastic = barrel_stress(delta_t_k, cte_board_z_per_k, e_board_z_pa, geometry, copper)
    n = cycles_to_failure(strain, copper, strain_distribution_factor=strain_distribution_factor)
    return PthResult(sigma, strain, plastic, n, geometry.aspect_ratio, geometry.within_validity)


# ----------------------------------------------------------------------------------------------
# Vectorized forms (numpy broadcasting over swings and over Monte Carlo samples); the scalar
# functions above are the reference they are tested against.
# ----------------------------------------------------------------------------------------------


def barrel_strain_array(delta_t_k, cte_board_z_per_k, e_board_z_pa, geometry: PthGeometry, copper: BarrelCopper,
                        *, ultimate_scale=1.0, ductility=None):
    """Barrel strain range of :func:`barrel_stress` for arrays of swings (and, broadcast with them,
    the board's z-CTE, the copper's S_u scale factor and ductility D_f)."""
    dt = np.asarray(delta_t_k, dtype=float)
    if np.any(dt < 0):
        raise ValueError("delta_t_k must not be negative")
    e_cu, sy = copper.youngs_modulus_pa, copper.yield_strength_pa
    su = copper.ultimate_strength_pa * np.asarray(ultimate_scale, dtype=float)
    df = copper.ductility if ductility is None else np.asarray(ductility, dtype=float)
    e_p = (su - sy) / (df - sy / e_cu)
    mismatch = np.maximum(np.asarray(cte_board_z_per_k, dtype=float) - copper.cte_per_k, 0.0) * dt
    kb = geometry.board_area_m2 * e_board_z_pa
    acu = geometry.barrel_area_m2
    sigma_el = mismatch * kb * e_cu / (kb + acu * e_cu)
    sigma_pl = (mismatch + sy / e_p - sy / e_cu) * kb * e_p / (kb + acu * e_p)
    return np.where(sigma_el <= sy, sigma_el / e_cu, sy / e_cu + (sigma_pl - sy) / e_p)


def cycles_to_failure_array(strain_range, copper: BarrelCopper, *, strain_distribution_factor=2.5,
                            ultimate_scale=1.0, ductility=None, max_cycles: float = 1e15) -> np.ndarray:
    """:func:`cycles_to_failure` broadcast over arrays (strain, K_d, S_u scale, D_f): bisection in
    log10 N on all elements at once; inf where the strain is below what ``max_cycles`` reaches."""
    kd = np.asarray(strain_distribution_factor, dtype=float)
    if np.any((kd < 1.0) | (kd > 10.0)):
        raise ValueError("strain_distribution_factor must lie in [1, 10] (IPC-TR-579: 2.5 to 5.0)")
    eff = kd * np.asarray(strain_range, dtype=float)
    df = copper.ductility if ductility is None else np.asarray(ductility, dtype=float)
    su = copper.ultimate_strength_pa * np.asarray(ultimate_scale, dtype=float)
    e = copper.youngs_modulus_pa
    eff, df, su = np.broadcast_arrays(eff, df, su)

    def residual(lg):
        return 10.0 ** (-0.6 * lg) * df**0.75 + 0.9 * su / e * (np.exp(df) / 0.36) ** (0.1785 * (5.0 - lg)) - eff

    lo, hi = np.zeros(eff.shape), np.full(eff.shape, math.log10(max_cycles))
    never = residual(hi) > 0
    at_once = residual(lo) < 0
    for _ in range(56):  # 15 decades to 1e-15 in log10 N
        mid = 0.5 * (lo + hi)
        up = residual(mid) > 0
        lo, hi = np.where(up, mid, lo), np.where(up, hi, mid)
    n = 10.0 ** (0.5 * (lo + hi))
    return np.where(never, np.inf, np.where(at_once, 1.0, n))
