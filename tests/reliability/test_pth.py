"""IPC-TR-579 plated-through-hole model: branches, root, monotonicity, validity range."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from si_thermal import config
from si_thermal.errors import InputError
from si_thermal.reliability import pth

COPPER = pth.BarrelCopper.from_material("copper", config.load_materials()["copper"])
THIN = pth.PthGeometry(1.6e-3, 0.35e-3, 25e-6)


def test_elastic_branch_is_force_balance():
    sigma, strain, plastic = pth.barrel_stress(10.0, 60e-6, 3.5e9, THIN, COPPER)
    assert not plastic
    # compatibility: barrel stretch + board compression = free mismatch
    board_strain = sigma * THIN.barrel_area_m2 / (THIN.board_area_m2 * 3.5e9)
    assert strain + board_strain == pytest.approx((60e-6 - COPPER.cte_per_k) * 10.0, rel=1e-12)


def test_plastic_branch_continuous_at_yield_and_compatible():
    kb = THIN.board_area_m2 * 3.5e9
    dt_yield = COPPER.yield_strength_pa * (1 / COPPER.youngs_modulus_pa + THIN.barrel_area_m2 / kb) / (60e-6 - COPPER.cte_per_k)
    below = pth.barrel_stress(dt_yield * (1 - 1e-9), 60e-6, 3.5e9, THIN, COPPER)
    above = pth.barrel_stress(dt_yield * (1 + 1e-9), 60e-6, 3.5e9, THIN, COPPER)
    assert not below[2] and above[2]
    assert above[0] == pytest.approx(below[0], rel=1e-6)
    sigma, strain, _ = pth.barrel_stress(150.0, 60e-6, 3.5e9, THIN, COPPER)
    assert strain + sigma * THIN.barrel_area_m2 / kb == pytest.approx((60e-6 - COPPER.cte_per_k) * 150.0, rel=1e-12)


def test_cycles_solve_the_universal_slopes_equation():
    for strain in (5e-4, 2e-3, 8e-3):
        n = pth.cycles_to_failure(strain, COPPER, strain_distribution_factor=2.5)
        df, su, e = COPPER.ductility, COPPER.ultimate_strength_pa, COPPER.youngs_modulus_pa
        lhs = n**-0.6 * df**0.75 + 0.9 * su / e * (math.exp(df) / 0.36) ** (0.1785 * math.log10(1e5 / n))
        assert lhs == pytest.approx(2.5 * strain, rel=1e-9)


def test_no_strain_no_failure_and_bad_input():
    assert pth.cycles_to_failure(0.0, COPPER) == math.inf
    with pytest.raises(ValueError, match="delta_t_k"):
        pth.barrel_stress(-1.0, 60e-6, 3.5e9, THIN, COPPER)
    with pytest.raises(ValueError, match="strain_range"):
        pth.cycles_to_failure(-1e-3, COPPER)


def test_validity_range_flags_the_backplane():
    assert THIN.within_validity
    bp = pth.PthGeometry(11.84e-3, 0.30e-3, 25e-6)
    assert bp.aspect_ratio > 4 * pth.VALID_ASPECT_RATIO_MAX
    assert not pth.pth_fatigue(25.0, 35e-6, 7e9, bp, COPPER).within_validity


def test_copper_without_ductility_names_the_field():
    mat = config.load_materials()["copper"].model_copy(update={"elongation": None})
    with pytest.raises(InputError, match="copper.elongation"):
        pth.BarrelCopper.from_material("copper", mat)


@settings(max_examples=60, deadline=None)
@given(cte=st.floats(20e-6, 300e-6), dcte=st.floats(0, 100e-6), h=st.floats(0.5e-3, 15e-3),
       dh=st.floats(0, 5e-3), dt=st.floats(1.0, 200.0), ddt=st.floats(0, 100.0))
def test_more_cte_thickness_or_swing_never_gives_more_cycles(cte, dcte, h, dh, dt, ddt):
    """IPC-TR-579 monotonicity: more z-CTE, a thicker board or a larger swing never helps."""
    base = pth.pth_fatigue(dt, cte, 5e9, pth.PthGeometry(h, 0.3e-3, 25e-6), COPPER).cycles_to_failure
    more_cte = pth.pth_fatigue(dt, cte + dcte, 5e9, pth.PthGeometry(h, 0.3e-3, 25e-6), COPPER).cycles_to_failure
    thicker = pth.pth_fatigue(dt, cte, 5e9, pth.PthGeometry(h + dh, 0.3e-3, 25e-6), COPPER).cycles_to_failure
    hotter = pth.pth_fatigue(dt + ddt, cte, 5e9, pth.PthGeometry(h, 0.3e-3, 25e-6), COPPER).cycles_to_failure
    tol = 1 + 1e-9
    assert more_cte <= base * tol
    assert thicker <= base * tol
    assert hotter <= base * tol
