"""Fast checks for the mutation run of the board group (issue 18, group ``thermal-board`` of
``benchmarks/mutation_run.py``): the backplane's thermo-mechanics, the resolved unit cell, the
Tuckerman & Pease reproduction and the classical lamination theory of ``mechanics/laminate.py``.

Every check compares with a closed form worked by hand (not the code's own formula): the parallel and
series rules of a 4-layer stackup's conductivity and heat capacity, Voigt/Turner mixtures, plane-stress
reduced stiffnesses, Lame constants, the restrained plate ``sigma = -E a dT / (1 - nu)``, the
equilibrium of a free unsymmetric laminate by quadrature, the stress-free displacement field of a
plate under a linear temperature (which P2 reproduces exactly), the 1-D fin equation of a thin plate,
the isothermal limit of the unit cell, and the energy balance of the Tuckerman & Pease channel.
FEM on tiny meshes (a 40 x 10 x 2 mm region, a unit cell of a few dozen cells).
"""

from __future__ import annotations

import dolfinx_solver  # noqa: F401
import numpy as np
import pytest
from mpi4py import MPI

from si_thermal import config
from si_thermal.config import Layer, StackupFile
from si_thermal.constants import ZERO_CELSIUS_K
from si_thermal.errors import InputError
from si_thermal.mechanics import laminate as lam
from si_thermal.thermal import backplane as bp
from si_thermal.thermal import elastic as el
from si_thermal.thermal import heat
from tests.conftest import ROOT

COMM = MPI.COMM_SELF


@pytest.fixture(autouse=True)
def _fresh_caches():
    """mutmut forks each mutant from the process that ran the clean tests: start from empty caches
    (region meshes, bounding-box trees, assembled operators, the layers' mixed laws)."""
    def clear():
        bp._REGION_MESHES.clear()
        bp._TREES.clear()
        heat._PROBLEMS.clear()
        el._OPERATORS.clear()
        lam._mixed_law.cache_clear()
    clear()
    yield
    clear()


# test materials (stackup-local): every value distinct so a swapped property shows
MATS = {
    "t_cu": {"kind": "metal", "description": "c", "source": "test", "thermal_conductivity": "400 W/(m*K)",
             "density": "8900 kg/m^3", "specific_heat": "385 J/(kg*K)", "youngs_modulus": "117 GPa",
             "poisson": 0.34, "cte_xy": "17 ppm/K"},
    "t_resin": {"kind": "laminate", "description": "r", "source": "test", "thermal_conductivity": "0.6 W/(m*K)",
                "thermal_conductivity_z": "0.4 W/(m*K)", "density": "1900 kg/m^3", "specific_heat": "1100 J/(kg*K)",
                "youngs_modulus": "20 GPa", "youngs_modulus_z": "6 GPa", "shear_modulus_xz": "2.5 GPa",
                "poisson": 0.15, "cte_xy": "9 ppm/K", "cte_z": "40 ppm/K", "tg": "200 degC",
                "youngs_modulus_above_tg": "8 GPa", "cte_xy_above_tg": "12 ppm/K", "cte_z_above_tg": "200 ppm/K"},
    "t_core": {"kind": "laminate", "description": "k", "source": "test", "thermal_conductivity": "0.8 W/(m*K)",
               "density": "2000 kg/m^3", "specific_heat": "1000 J/(kg*K)",
               "youngs_modulus": "25 GPa", "youngs_modulus_z": "7 GPa", "shear_modulus_xz": "3 GPa",
               "poisson": 0.2, "cte_xy": "11 ppm/K", "cte_z": "50 ppm/K", "tg": "170 degC",
               "youngs_modulus_above_tg": "10 GPa", "cte_xy_above_tg": "15 ppm/K", "cte_z_above_tg": "250 ppm/K"},
    # a well-conducting isotropic slab (Biot number h t / k = 2e-3: the 1-D fin equation holds)
    "t_bulk": {"kind": "laminate", "description": "b", "source": "test", "thermal_conductivity": "100 W/(m*K)",
               "density": "2000 kg/m^3", "specific_heat": "1000 J/(kg*K)",
               "youngs_modulus": "20 GPa", "youngs_modulus_z": "20 GPa", "shear_modulus_xz": "8 GPa",
               "poisson": 0.25, "cte_xy": "10 ppm/K", "cte_z": "30 ppm/K", "tg": "400 degC",
               "youngs_modulus_above_tg": "5 GPa", "cte_xy_above_tg": "20 ppm/K", "cte_z_above_tg": "90 ppm/K"},
}
# L1 (0.1 mm copper, 70 %, filled by D1 below), D1 (0.5 mm resin), D2 (0.3 mm core), L2 (0.1 mm
# copper, 40 %, no dielectric below: filled by D2 above)
FOUR = [
    {"name": "L1", "type": "copper", "material": "t_cu", "thickness": "0.1 mm", "role": "plane", "coverage": 0.7},
    {"name": "D1", "type": "dielectric", "material": "t_resin", "thickness": "0.5 mm"},
    {"name": "D2", "type": "dielectric", "material": "t_core", "thickness": "0.3 mm"},
    {"name": "L2", "type": "copper", "material": "t_cu", "thickness": "0.1 mm", "role": "plane", "coverage": 0.4},
]


def _stack(layers=FOUR, backplane=None, mats=None) -> StackupFile:
    total = sum(float(x["thickness"].split()[0]) for x in layers)
    d = {"stackup": {"name": "t", "description": "t", "source": "t", "thickness": f"{total} mm"},
         "layers": layers, "materials": mats or MATS}
    if backplane is not None:
        d["backplane"] = backplane
    return StackupFile.model_validate(d)


# -- backplane.py: closed-form stack properties ------------------------------------------------------

def test_stack_conductivity_parallel_in_plane_and_series_through():
    """k_in: thickness mean of the layers, copper layers as a coverage mixture with their fill (k of
    the fill in-plane; its k_z, or k when it has none, through the thickness); k_z: series sum."""
    k_l1, k_l2 = 0.7 * 400 + 0.3 * 0.6, 0.4 * 400 + 0.6 * 0.8
    k_in = (0.1 * k_l1 + 0.5 * 0.6 + 0.3 * 0.8 + 0.1 * k_l2) / 1.0
    kz_l1, kz_l2 = 0.7 * 400 + 0.3 * 0.4, 0.4 * 400 + 0.6 * 0.8  # D2 has no k_z: its k
    k_z = 1.0 / (0.1 / kz_l1 + 0.5 / 0.4 + 0.3 / 0.8 + 0.1 / kz_l2)
    kx, ky, kz = bp._conductivity(_stack())
    assert (kx, ky) == (pytest.approx(k_in, rel=1e-12), pytest.approx(k_in, rel=1e-12))
    assert kz == pytest.approx(k_z, rel=1e-12)


def test_stack_heat_capacity_is_the_thickness_mean():
    cu, resin, core = 8900 * 385, 1900 * 1100, 2000 * 1000
    rc = (0.1 * (0.7 * cu + 0.3 * resin) + 0.5 * resin + 0.3 * core + 0.1 * (0.4 * cu + 0.6 * core)) / 1.0
    assert bp._heat_capacity(_stack()) == pytest.approx(rc, rel=1e-12)


def test_check_rejects_negative_and_non_finite_values():
    bp._check("x", 0.0, "f.toml")  # zero is a valid gradient
    for bad in (-1e-9, float("nan"), float("inf")):
        with pytest.raises(InputError, match="non-negative"):
            bp._check("x", bad, "f.toml")


def test_gci_estimate_by_hand():
    """Roache's two-grid GCI: Fs |Q_h - Q_rh| / (r^p - 1) = 3 |dQ| / 0.5; a NaN output stays NaN."""
    from dataclasses import MISSING, fields, replace

    f = bp.BackplaneFields(**{x.name: 0.0 for x in fields(bp.BackplaneFields)
                              if x.default is MISSING and x.default_factory is MISSING})
    fine = replace(f, t_max_c=50.0, max_warpage_um=12.0, connector_stretch=float("nan"), dofs_thermal=7,
                   dofs_elastic=21)
    rough = replace(f, t_max_c=49.0, max_warpage_um=14.0, connector_stretch=float("nan"), dofs_thermal=3,
                    dofs_elastic=9)
    e = bp.discretization_error(fine, rough)
    assert e["t_max_c"] == pytest.approx(6.0, rel=1e-12)
    assert e["max_warpage_um"] == pytest.approx(12.0, rel=1e-12)
    assert np.isnan(e["connector_stretch"]) and e["z_strain"] == 0.0
    assert set(e) == set(bp.ERROR_KEYS) | {"method"}
    assert "r = 1.5" in e["method"] and "p = 1" in e["method"] and "3 |Q_h" in e["method"]
    assert "3 + 9 DOF" in e["method"]


BP_BASE = {"description": "d", "source": "s", "region_length": "40 mm", "region_width": "10 mm", "ambient": "30 degC",
           "gradient": "10 K", "heat_transfer_coefficient": "0 W/(m^2*K)", "via_drill": "0.3 mm",
           "via_plating": "25 um", "pth_count": 10}


def test_classify_faces_into_regions():
    """Facet tags from a face's centre: edges x = 0 / L first, then connector fields on the top face,
    screws then stiffeners on the bottom, the rest of each face; y faces untagged. Bounds are
    inclusive (dyadic lengths: the rims are exact in floating point)."""
    load = config.BackplaneLoad.model_validate({
        **BP_BASE, "region_length": "1 m", "region_width": "0.5 m",
        "hot_spots": [{"name": "a", "x": "0.25 m", "y": "0.25 m", "size_x": "0.25 m", "size_y": "0.125 m",
                       "power": "1 W"},
                      {"name": "b", "x": "0.75 m", "y": "0.25 m", "size_x": "0.125 m", "size_y": "0.25 m",
                       "power": "1 W"}],
        "screws": [{"x": "0.125 m", "y": "0.125 m", "diameter": "0.125 m"},
                   {"x": "0.875 m", "y": "0.375 m", "diameter": "0.25 m"}],
        "stiffeners": [{"name": "sx", "axis": "x", "position": "0.25 m", "width": "0.125 m"},
                       {"name": "sy", "axis": "y", "position": "0.5 m", "width": "0.0625 m"}]})
    lx, h, eps = 1.0, 2e-3, 1e-7

    def c(x, y, z):
        return bp._classify(load, x, y, z, lx, h, eps)

    assert c(0.0, 0.25, 1e-3) == bp.TAG_COLD and c(0.0, 0.25, h) == bp.TAG_COLD and c(0.5 * eps, 0.1, 0) == 1
    assert c(lx, 0.25, 1e-3) == bp.TAG_HOT and c(lx - 0.5 * eps, 0.125, 0.0) == bp.TAG_HOT
    assert c(1.5 * eps, 0.25, 1e-3) is None and c(lx - 1.5 * eps, 0.25, 1e-3) is None
    assert c(0.25, 0.25, h) == bp.TAG_SPOT0 and c(0.375, 0.3125, h) == bp.TAG_SPOT0  # corner: inclusive
    assert c(0.38, 0.25, h) == bp.TAG_TOP and c(0.25, 0.32, h) == bp.TAG_TOP and c(0.12, 0.25, h) == bp.TAG_TOP
    assert c(0.75, 0.25, h) == bp.TAG_SPOT0 + 1 and c(0.8125, 0.375, h) == bp.TAG_SPOT0 + 1
    assert c(0.6875, 0.125, h) == bp.TAG_SPOT0 + 1
    assert c(0.82, 0.25, h) == bp.TAG_TOP and c(0.75, 0.38, h) == bp.TAG_TOP
    assert c(0.25, 0.25, h - 0.5 * eps) == bp.TAG_SPOT0 and c(0.25, 0.25, h - 1.5 * eps) is None
    assert c(0.125, 0.125, 0.0) == bp.TAG_SCREW0 and c(0.1875, 0.125, 0.0) == bp.TAG_SCREW0  # on the rim
    assert c(0.125, 0.1875, 0.0) == bp.TAG_SCREW0  # screws before stiffeners (the rim touches sx)
    assert c(0.19, 0.125, 0.0) == bp.TAG_BOTTOM and c(0.125, 0.06, 0.0) == bp.TAG_BOTTOM
    assert c(0.875, 0.375, 0.5 * eps) == bp.TAG_SCREW0 + 1 and c(0.875, 0.5, 0.0) == bp.TAG_SCREW0 + 1
    assert c(0.375, 0.25, 0.0) == bp.TAG_STIFF0 and c(0.375, 0.3125, 0.0) == bp.TAG_STIFF0
    assert c(0.375, 0.32, 0.0) == bp.TAG_BOTTOM and c(0.375, 0.18, 0.0) == bp.TAG_BOTTOM
    assert c(0.5, 0.0625, 0.0) == bp.TAG_STIFF0 + 1 and c(0.53125, 0.0625, 0.0) == bp.TAG_STIFF0 + 1
    assert c(0.54, 0.0625, 0.0) == bp.TAG_BOTTOM and c(0.46, 0.0625, 0.0) == bp.TAG_BOTTOM
    assert c(0.5, 0.0, 1e-3) is None and c(0.5, 0.5, 1e-3) is None


# -- backplane.py: FEM on a 40 x 10 x 2 mm region ----------------------------------------------------

def _lp(mix, copper, fill):
    """Hand Voigt/Turner mixture (E, nu, a) of a copper layer; plane-stress biaxial modulus E/(1-nu)."""
    (e1, n1, a1), (e2, n2, a2) = copper, fill
    e = mix * e1 + (1 - mix) * e2
    return e, mix * n1 + (1 - mix) * n2, (mix * e1 * a1 + (1 - mix) * e2 * a2) / e


def test_linear_gradient_is_exact_and_stress_free():
    """No connector field, no convection: T = T_idle + g x / L exactly (P2). A plate under a linear
    temperature is stress free: u_x = a g (x^2 - y^2)/(2L) - a_z g z^2/(2L), u_y = a g x y / L,
    u_z = a_z g x z / L (quadratic: exact in P2; the screw disc on the cold edge, where dT = 0, holds
    it up to a stress of order E a g r^2 / L^2, below 1e-4 MPa). So at the hot edge the column swings g, the board
    thickens by a_z g, the top face stretches by a g over the connector (y direction), the top face
    stays plane, and each layer carries only its mismatch stress E_k/(1-nu_k) (a - a_k) g. The
    gradient argument overrides the file's. Above Tg (a second stackup, Tg below the hot edge) the
    same holds with the above-Tg laminate."""
    load = {**BP_BASE, "screws": [{"x": "0 mm", "y": "5 mm", "diameter": "2 mm"}],
            "connector": {"housing_material": "lcp_housing", "length": "4 mm", "joint_height": "0.3 mm"}}
    layers = [FOUR[0], {**FOUR[1], "thickness": "1.8 mm"}, {**FOUR[3], "thickness": "0.1 mm"}]
    g = 12.0
    for tg, above in (("200 degC", False), ("40 degC", True)):
        mats = {**MATS, "t_resin": {**MATS["t_resin"], "tg": tg}}
        stack = _stack(layers, load, mats)
        r = bp.solve_backplane(stack, gradient_k=g, comm=COMM, solver="direct")
        assert r.above_tg is above
        eff = lam.effective_properties(stack, above_tg=above)
        assert r.effective.cte_z_per_k == pytest.approx(eff.cte_z_per_k, rel=1e-12)
        assert r.gradient_k == g and r.t_idle_k == pytest.approx(303.15)
        assert r.t_max_c == pytest.approx(30.0 + g, abs=1e-9)
        assert r.delta_t_hot_k == pytest.approx(g, abs=1e-9)
        assert r.via_x_m == pytest.approx(0.04, abs=1e-12)
        assert r.via_delta_t_k == pytest.approx(g, abs=1e-8) and r.joint_delta_t_k == pytest.approx(g, abs=1e-8)
        assert r.z_strain == pytest.approx(eff.cte_z_per_k * g, rel=1e-6)
        assert r.connector_stretch == pytest.approx(eff.cte_x_per_k * g, rel=1e-6)
        assert r.max_warpage_um == pytest.approx(0.0, abs=1e-2)  # um, against a_z g h = 1 um
        # stress free: homogenized and interlaminar stresses vanish (against the layers' ~MPa)
        assert r.inplane_stress_mpa < 1e-4 and r.interlaminar_peel_mpa < 1e-4 and r.interlaminar_shear_mpa < 1e-4
        # each layer carries only its mismatch stress E_k/(1-nu_k) (e - a_k dT): the recovery takes the
        # column point's temperature (dT = g) and its cell's mean strain (DG0), e = a g (1 - d) with d
        # the cell's offset from the hot edge over L (measured 0.9 %): the strain each layer's stress
        # implies must lie in a g [0.95, 1]
        e_r, nu_r, a_r = (8e9, 0.15, 12e-6) if above else (20e9, 0.15, 9e-6)
        a = eff.cte_x_per_k
        e_cu, nu_cu, a_cu = _lp(0.7, (117e9, 0.34, 17e-6), (e_r, nu_r, a_r))  # L1: the larger mismatch
        implied_cu = a_cu * g - r.copper_inplane_stress_mpa * 1e6 * (1 - nu_cu) / e_cu  # compressive
        implied_d = a_r * g + r.dielectric_inplane_stress_mpa * 1e6 * (1 - nu_r) / e_r  # tensile
        for implied in (implied_cu, implied_d):
            assert 0.95 * a * g < implied <= a * g * (1 + 1e-9)
        assert r.layers == 2 and r.stackup == "t" and r.ranks == 1
        # the discretization error of exact outputs is nil on both meshes
        assert r.discretization_error["z_strain"] < 1e-6 * r.z_strain
        assert r.discretization_error["via_delta_t_k"] < 1e-6
        assert "DOF" in r.discretization_error["method"]
        assert 0 < r.dofs_thermal < r.dofs_elastic
        # the maximum displacement is the stress-free field's, up to the rigid motion the screw fixes
        # at the cold corner (x = 0, y = 5 mm): at (L, 0 or W, h) |u_x| ~ a g L / 2, |u_z| = a_z g h
        u_far = np.hypot(a * g * (0.04**2 - 0.005**2) / 0.08 - eff.cte_z_per_k * g * 0.002**2 / 0.08,
                         np.hypot(a * g * 0.005, eff.cte_z_per_k * g * 0.002))
        assert r.max_displacement_um == pytest.approx(u_far * 1e6, rel=0.05)


def _fins(x, length, g, q, hc, k, t):
    """Rise over T_idle of a thin plate (k, thickness t) between T(0) = 0 and T(L) = g, convecting
    (hc) to air at g/2 on its bottom everywhere and on its top beyond x = L/2, heated by q on its top
    before: k t T'' = hc (T - g/2) - q (x < L/2), k t T'' = 2 hc (T - g/2) (x > L/2), T and T'
    continuous at L/2 (Incropera & DeWitt sec. 3.6, the fin equation, in two pieces)."""
    ta, c = g / 2, length / 2
    m1, m2 = np.sqrt(hc / (k * t)), np.sqrt(2 * hc / (k * t))
    a1, a2 = -ta - q / hc, g - ta  # theta1 = T - ta - q/hc at x = 0, theta2 = T - ta at x = L
    ch1, sh1, ch2, sh2 = np.cosh(m1 * c), np.sinh(m1 * c), np.cosh(m2 * (c - length)), np.sinh(m2 * (c - length))
    # unknowns b1, b2: values and slopes continuous at c
    lhs = np.array([[sh1, -sh2], [m1 * ch1, -m2 * ch2]])
    rhs = np.array([a2 * ch2 - a1 * ch1 - q / hc, m2 * a2 * sh2 - m1 * a1 * sh1])
    b1, b2 = np.linalg.solve(lhs, rhs)
    x = np.asarray(x, dtype=float)
    left = ta + q / hc + a1 * np.cosh(m1 * x) + b1 * np.sinh(m1 * x)
    right = ta + a2 * np.cosh(m2 * (x - length)) + b2 * np.sinh(m2 * (x - length))
    return np.where(x <= c, left, right)


def test_connector_field_over_half_the_face_follows_the_fin_equation():
    """A connector field over the top face's cold half (flux q = P / area), both faces convecting (h)
    to air at T_idle + g/2 elsewhere, the edges at T_idle and T_idle + g: the 1-D fin equation of
    the plate in two pieces (Biot h t / k = 2e-3: the through-thickness drop q t / k ~ 0.2 % of the
    rises). The via column is the field's centre; the joint's rise is the field's mean rise. The
    transient model of the same region: the same steady state at the column for its two loads
    together and each alone, and the heat capacity rho c V."""
    q, hc, g, length, width, t, k = 2000.0, 100.0, 10.0, 0.04, 0.01, 2e-3, 100.0
    load = {**BP_BASE, "heat_transfer_coefficient": f"{hc} W/(m^2*K)",
            "hot_spots": [{"name": "f", "x": "10 mm", "y": "5 mm", "size_x": "20 mm", "size_y": "10 mm",
                           "power": f"{q * length / 2 * width} W"}],
            "screws": [{"x": "1.5 mm", "y": "5 mm", "diameter": "2 mm"}],
            "stiffeners": [{"name": "s", "axis": "y", "position": "30 mm", "width": "4 mm"}]}
    stack = _stack([{"name": "D", "type": "dielectric", "material": "t_bulk", "thickness": "2 mm"}], load)
    r = bp.solve_backplane(stack, comm=COMM, solver="direct", estimate_error=False)
    xs = np.linspace(0.0, length, 4001)
    rise = _fins(xs, length, g, q, hc, k, t)
    tol = 3e-3 * rise.max()  # the through-thickness drop q t / (2k) = 0.02 K and P2 on 4-24 mm cells
    assert (r.via_x_m, r.via_y_m) == (pytest.approx(0.01), pytest.approx(0.005))
    assert r.via_delta_t_k == pytest.approx(_fins(0.01, length, g, q, hc, k, t), abs=tol)
    assert r.joint_delta_t_k == pytest.approx(rise[xs <= length / 2].mean(), abs=tol)
    assert r.delta_t_hot_k == pytest.approx(rise.max(), abs=tol)
    assert r.t_max_c == pytest.approx(30.0 + rise.max(), abs=tol)
    assert not np.isfinite(r.connector_stretch)  # no connector stated
    assert r.discretization_error == {}

    tm = bp.transient_model(stack, x_m=0.01, y_m=0.005, column_points=3)
    assert tm.probe_names == ("column[0]", "column[1]", "column[2]")
    steady = tm.steady()
    assert steady.shape == (3, 2)
    mid = _fins(0.01, length, g, q, hc, k, t)
    assert steady[1].sum() == pytest.approx(mid, abs=tol)
    # each load alone: the gradient (edges and air), the connector field (its flux)
    assert steady[1, 0] == pytest.approx(_fins(0.01, length, g, 0.0, hc, k, t), abs=tol)
    assert steady[1, 1] == pytest.approx(_fins(0.01, length, 0.0, q, hc, k, t), abs=tol)
    assert tm.M.sum() == pytest.approx(2000 * 1000 * length * width * t, rel=1e-9)
