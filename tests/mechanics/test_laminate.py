"""Lamination theory / rule of mixtures: analytic two-layer cases and the shipped 78-layer stackup."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from si_thermal import config
from si_thermal.errors import InputError
from si_thermal.mechanics import laminate as lam
from tests.conftest import ROOT


def _iso(name, t, e, nu, a):
    return lam.LayerProperties(name, t, e, e, e / (2 * (1 + nu)), nu, nu, a, a, 0.0)


def test_single_material_is_itself():
    layer = lam.LayerProperties("d", 1e-3, 20e9, 6e9, 2.5e9, 0.15, 0.15, 9e-6, 40e-6, 0.0)
    eff = lam.homogenize([layer, layer, layer])
    assert eff.e_x_pa == pytest.approx(20e9, rel=1e-12)
    assert eff.e_z_pa == pytest.approx(6e9, rel=1e-12)
    assert eff.g_xz_pa == pytest.approx(2.5e9, rel=1e-12)
    assert eff.nu_xy == pytest.approx(0.15, rel=1e-12)
    assert eff.cte_per_k == pytest.approx([9e-6, 9e-6, 40e-6, 0, 0, 0], abs=1e-18)


def test_two_isotropic_layers_against_closed_form():
    """Same Poisson ratio: in-plane E is the thickness mean, CTE_xy Turner's mean, and the z-CTE
    carries the Poisson coupling a_z = (1+nu)/(1-nu) <a> - 2 nu/(1-nu) a_xy (derived by hand)."""
    nu, t1, t2 = 0.3, 0.4e-3, 0.6e-3
    l1, l2 = _iso("a", t1, 117e9, nu, 17e-6), _iso("b", t2, 20e9, nu, 60e-6)
    eff = lam.homogenize([l1, l2])
    w1, w2 = t1 / (t1 + t2), t2 / (t1 + t2)
    assert eff.e_x_pa == pytest.approx(w1 * 117e9 + w2 * 20e9, rel=1e-12)
    a_xy = (w1 * 117e9 * 17e-6 + w2 * 20e9 * 60e-6) / (w1 * 117e9 + w2 * 20e9)
    assert eff.cte_x_per_k == pytest.approx(a_xy, rel=1e-12)
    a_mean = w1 * 17e-6 + w2 * 60e-6
    a_z = (1 + nu) / (1 - nu) * a_mean - 2 * nu / (1 - nu) * a_xy
    assert eff.cte_z_per_k == pytest.approx(a_z, rel=1e-12)
    # the plain thickness mean is off by the Poisson term: the test can tell them apart
    assert abs(a_mean - a_z) / a_z > 0.1


def test_zero_poisson_z_modulus_is_reuss():
    l1, l2 = _iso("a", 1e-3, 100e9, 0.0, 1e-6), _iso("b", 3e-3, 10e9, 0.0, 1e-6)
    eff = lam.homogenize([l1, l2])
    assert eff.e_z_pa == pytest.approx(1 / (0.25 / 100e9 + 0.75 / 10e9), rel=1e-12)


def test_clt_matches_homogenization_for_symmetric_stack():
    stack = [_iso("cu", 35e-6, 117e9, 0.34, 17e-6), _iso("d", 127e-6, 20e9, 0.15, 9e-6)]
    stack = stack + stack[::-1]
    abd = lam.lamination(stack)
    strain, curvature = abd.free_response()
    assert np.allclose(abd.b, 0, atol=1e-6 * np.abs(abd.a).max() * 1e-4)
    assert curvature == pytest.approx([0, 0, 0], abs=1e-15)
    assert strain[:2] == pytest.approx(lam.homogenize(stack).cte_per_k[:2], rel=1e-10)


def test_clt_bimetal_curvature_timoshenko():
    """Equal-thickness, equal-modulus strip with nu = 0: Timoshenko's kappa = 3/2 (a2-a1) dT / h."""
    h = 1e-3
    stack = [_iso("top", h / 2, 100e9, 0.0, 10e-6), _iso("bot", h / 2, 100e9, 0.0, 20e-6)]
    _, kappa = lam.lamination(stack).free_response()
    # z points from top to bottom layer here (z grows downwards with layer order): sign convention
    assert abs(kappa[0]) == pytest.approx(1.5 * 10e-6 / h, rel=1e-12)


def test_backplane_stackup_properties():
    stack = config.load_stackup(ROOT / "boards/backplane_78L_m9.toml")
    below = lam.effective_properties(stack)
    above = lam.effective_properties(stack, above_tg=True)
    m9 = config.load_materials()["m9_laminate"]
    cu = config.load_materials()["copper"]
    assert below.thickness_m == pytest.approx(stack.stackup.thickness, rel=0.02)
    # copper pulls the in-plane CTE from 9 (M9-Q) towards 17 ppm/K, and the z-CTE below 40
    assert m9.cte_xy < below.cte_x_per_k < cu.cte_xy
    assert cu.cte_z < below.cte_z_per_k < m9.cte_z
    assert above.cte_z_per_k > 4 * below.cte_z_per_k
    assert above.e_x_pa < below.e_x_pa
    assert 0.05 < below.copper_volume_fraction < 0.3
    assert lam.glass_transition_k(stack) == pytest.approx(m9.tg)


def test_missing_mechanical_property_names_field(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "boards", tmp_path / "boards")
    text = (tmp_path / "boards/materials.toml").read_text()
    text = text.replace('youngs_modulus_z = "6 GPa"\nyoungs_modulus_above_tg = "8 GPa"\nshear_modulus_xz = "2.5 GPa"\npoisson = 0.15\ncte_xy = "9 ppm/K"',
                        'youngs_modulus_above_tg = "8 GPa"\nshear_modulus_xz = "2.5 GPa"\npoisson = 0.15\ncte_xy = "9 ppm/K"', 1)
    (tmp_path / "boards/materials.toml").write_text(text)
    monkeypatch.setenv("SI_THERMAL_ROOT", str(tmp_path))
    with pytest.raises(InputError) as err:
        lam.effective_properties(tmp_path / "boards/backplane_78L_m9.toml")
    assert "m9_laminate.youngs_modulus_z" in str(err.value)


def test_layer_stress_recovery_balances_and_vanishes_when_free():
    stack = [_iso("cu", 35e-6, 117e9, 0.34, 17e-6), _iso("d", 127e-6, 20e9, 0.15, 9e-6)]
    eff = lam.homogenize(stack)
    dt = 30.0
    # free expansion of the stack: layer stresses self-balance (zero resultant), copper in compression
    s = lam.layer_stresses(stack, eff.cte_per_k[[0, 1, 5]] * dt, np.zeros(3), dt)
    t = np.array([p.thickness_m for p in stack])
    assert t @ s[:, 0] == pytest.approx(0.0, abs=1e-9 * np.abs(s[:, 0]).max())
    assert s[0, 0] < 0 < s[1, 0]
    # a single material expanding freely has no stress at all
    one = [stack[1]]
    assert np.allclose(lam.layer_stresses(one, [9e-6 * dt, 9e-6 * dt, 0], np.zeros(3), dt), 0, atol=1e-3)
