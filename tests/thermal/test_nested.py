"""Nested iteration (thermal/nested.py): the grid transfer is exact for trilinear fields, and a
fine solve started from a coarse mesh's answer converges to the cold start's answer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from si_thermal.thermal import package as pk
from si_thermal.thermal.geometry import grid_lines
from si_thermal.thermal.nested import coarse_size, grid_transfer

PKG = Path(__file__).resolve().parents[2] / "boards" / "gpu_package_b200class.toml"


def _trilinear(x: np.ndarray) -> np.ndarray:
    return 300.0 * (1 + 20.0 * x[0]) * (1 - 15.0 * x[1]) * (1 + 400.0 * x[2])


def test_grid_transfer_reproduces_a_trilinear_field_on_another_mesh():
    coarse = pk.PackageModel(PKG, "coldplate", mesh_size=8e-3, estimate_error=False)
    fine = pk.PackageModel(PKG, "coldplate", mesh_size=5e-3, estimate_error=False)
    src, dst = coarse.problem.u, fine.problem.u
    src.interpolate(_trilinear)  # Q1 holds a trilinear field exactly
    grid_transfer(src, grid_lines(coarse.geometry), dst)
    exact = _trilinear(dst.function_space.tabulate_dof_coordinates().T)
    assert np.max(np.abs(dst.x.array - exact)) < 1e-9 * np.max(np.abs(exact))


def test_coarse_size_stops_at_the_node_budget():
    nodes = lambda s: int((0.1 / s) ** 2 * 10)  # noqa: E731  (a 100 mm square, 10 layers of nodes)
    size = coarse_size(1e-3, nodes, 20_000)
    assert nodes(size) <= 20_000 < nodes(size / np.sqrt(2.0))
    assert size >= 2e-3


def test_nested_start_converges_to_the_cold_start_answer(monkeypatch):
    cold = pk.PackageModel(PKG, "coldplate", mesh_size=4e-3, estimate_error=False).solve(1400.0)
    monkeypatch.setattr(pk, "NESTED_MIN_DOFS", 0)
    model = pk.PackageModel(PKG, "coldplate", mesh_size=4e-3, estimate_error=False)
    warm = model.solve(1400.0)
    assert model._nested
    # both iterate to the outer loop's 1e-3 K; they differ by at most a few of it
    assert warm.tj_max_c == pytest.approx(cold.tj_max_c, abs=5e-3)
    assert warm.coolant_rise_k == pytest.approx(cold.coolant_rise_k, abs=5e-3)
    assert abs(warm.energy_balance_error) < 5e-3
    assert warm.coolant_iterations < cold.coolant_iterations
