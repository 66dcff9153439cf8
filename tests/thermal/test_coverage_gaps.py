"""Paths the suite left uncovered (issue 18): von Mises stress and XDMF output of a thermoelastic
solve, and the package figures. Physics checks where there is physics: a bar held between two walls
and heated carries the uniaxial stress -E alpha dT, whose von Mises stress is E alpha dT."""

from __future__ import annotations

from types import SimpleNamespace

import dolfinx_solver  # noqa: F401
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from dolfinx import fem, mesh as dmesh  # noqa: E402
from mpi4py import MPI  # noqa: E402

from si_thermal.constants import ZERO_CELSIUS_K  # noqa: E402
from si_thermal.thermal import elastic as el  # noqa: E402
from si_thermal.thermal import plot as tplot  # noqa: E402

E, NU, ALPHA, DT = 117e9, 0.34, 17e-6, 40.0


def _restrained_bar():
    lx = 4e-3
    msh = dmesh.create_box(MPI.COMM_SELF, [np.zeros(3), np.array([lx, 1e-3, 1e-3])], (4, 2, 2))
    walls = el.Fix(lambda x: np.isclose(x[0], 0.0) | np.isclose(x[0], lx), (0,), name="walls")
    bcs = [walls, el.Fix(lambda x: np.isclose(x[1], 0.0), (1,)), el.Fix(lambda x: np.isclose(x[2], 0.0), (2,))]
    return el.solve_elastic(msh, None, el.ElasticMaterial.isotropic(E, NU, ALPHA), DT, bcs)


def test_von_mises_of_a_heated_bar_between_walls_and_xdmf(tmp_path):
    sol = _restrained_bar()
    s = sol.cell_values(sol.stress())
    sigma = E * ALPHA * DT  # 79.6 MPa
    assert s[:, 0] == pytest.approx(-sigma, rel=1e-9)  # uniaxial compression along the bar
    assert np.abs(s[:, 1:]).max() < 1e-9 * sigma  # free to expand sideways: no other stress
    assert sol.von_mises() == pytest.approx(sigma, rel=1e-9)
    out = sol.write_xdmf(tmp_path / "bar")
    assert out.suffix == ".xdmf" and out.with_suffix(".h5").exists()
    text = out.read_text()
    for name in ("displacement_m", "sigma_xx_pa", "sigma_yy_pa", "sigma_zz_pa", "tau_xz_pa", "tau_yz_pa"):
        assert name in text


def test_von_mises_of_pure_shear_and_hydrostatic_stress():
    """sqrt(3) tau for pure shear (any shear component), zero for a hydrostatic state."""
    stub = SimpleNamespace(stress=lambda: None,
                           cell_values=lambda f: np.array([[0, 0, 0, 5e6, 0, 0], [0, 0, 0, 0, 5e6, 0],
                                                           [0, 0, 0, 0, 0, 5e6], [-3e6, -3e6, -3e6, 0, 0, 0],
                                                           [2e6, -2e6, 0, 0, 0, 0]], float))
    vm = el.ElasticSolution.von_mises(stub)
    assert vm[:3] == pytest.approx(np.sqrt(3) * 5e6, rel=1e-12)
    assert vm[3] == pytest.approx(0.0, abs=1e-6)
    assert vm[4] == pytest.approx(np.sqrt(3) * 2e6, rel=1e-12)  # s1 = -s2: pure shear in other axes


def _package_result(tmp_path):
    msh = dmesh.create_box(MPI.COMM_SELF, [np.zeros(3), np.array([2e-3, 1e-3, 0.5e-3])], (4, 2, 2))
    V = fem.functionspace(msh, ("Lagrange", 1))
    u = fem.Function(V)
    u.interpolate(lambda x: ZERO_CELSIUS_K + 40.0 + 1e4 * x[0] + 2e4 * x[2])  # hottest at x, z max
    return SimpleNamespace(solution=SimpleNamespace(temperature=u), package="pkg", cooling="cold plate",
                           power_w=1200.0, tj_max_c=float(40 + 20 + 10), die_delta_t_k=5.0)


def test_package_figures(tmp_path):
    res = _package_result(tmp_path)
    data = tplot._gather_nodes(res)
    assert data.shape[1] == 4 and (data[:, 3] - ZERO_CELSIUS_K).max() == pytest.approx(70.0)
    x, z, grid = tplot._grid(data[:, 0], data[:, 2], data[:, 3])
    assert grid.shape == (len(np.unique(np.round(data[:, 2], 9))), len(np.unique(np.round(data[:, 0], 9))))
    assert x[-1] == pytest.approx(2.0) and z[-1] == pytest.approx(0.5)  # mm
    out = tplot.cross_section(res, tmp_path / "section.png")
    assert out.read_bytes()[:4] == b"\x89PNG"
    curves = {"cold plate": [SimpleNamespace(power_w=p, tj_max_c=30 + 0.05 * p) for p in (800, 1200)]}
    out = tplot.tj_curves(curves, tmp_path / "tj.png", tj_limit_c=105.0, limits={"cold plate": 1500.0})
    assert out.read_bytes()[:4] == b"\x89PNG"
