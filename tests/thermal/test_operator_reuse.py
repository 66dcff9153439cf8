"""Operators kept across load sweeps (issue 15): a second solve with new boundary values or a new
temperature load on the same mesh reuses the matrix and its solver and gives the fresh answer."""

from __future__ import annotations

import dolfinx_solver  # noqa: F401
import numpy as np
import pytest
from dolfinx import fem, mesh as dmesh
from mpi4py import MPI

from si_thermal.thermal import elastic as el
from si_thermal.thermal import heat


def _box():
    msh = dmesh.create_box(MPI.COMM_SELF, [np.zeros(3), np.array([2.0, 1.0, 0.5])], (6, 3, 2))
    tdim = msh.topology.dim
    n = msh.topology.index_map(tdim).size_local
    ct = dmesh.meshtags(msh, tdim, np.arange(n, dtype=np.int32), np.ones(n, dtype=np.int32))
    msh.topology.create_connectivity(tdim - 1, tdim)
    f0 = dmesh.locate_entities_boundary(msh, tdim - 1, lambda x: np.isclose(x[0], 0.0))
    f1 = dmesh.locate_entities_boundary(msh, tdim - 1, lambda x: np.isclose(x[0], 2.0))
    idx = np.concatenate([f0, f1])
    order = np.argsort(idx)
    vals = np.concatenate([np.full(f0.size, 1, np.int32), np.full(f1.size, 2, np.int32)])
    return msh, ct, dmesh.meshtags(msh, tdim - 1, idx[order], vals[order])


def test_heat_sweep_over_boundary_values_reuses_the_operator_and_matches_a_fresh_solve():
    msh, ct, ft = _box()
    regions = [heat.Region(1, 3.0)]

    def bcs(g):
        return [heat.Dirichlet(1, 300.0), heat.Dirichlet(2, 300.0 + g)]

    first = heat.solve_heat(msh, ct, ft, regions, bcs(10.0), degree=2)
    second = heat.solve_heat(msh, ct, ft, regions, bcs(40.0), degree=2)
    assert second._problem is first._problem  # reused, not rebuilt
    heat._PROBLEMS.clear()
    fresh = heat.solve_heat(msh, ct, ft, regions, bcs(40.0), degree=2)
    assert fresh._problem is not first._problem
    assert np.allclose(second.temperature.x.array, fresh.temperature.x.array, atol=1e-7)
    assert second.max_k() == pytest.approx(340.0, abs=1e-6)  # linear profile between the faces
    assert first.max_k() == pytest.approx(310.0, abs=1e-6)  # the first result is not overwritten


def test_elastic_sweep_over_temperature_loads_reuses_the_factorization():
    msh, ct, ft = _box()
    mat = {1: el.ElasticMaterial.isotropic(100e9, 0.3, 10e-6)}
    fixes = [el.Fix(1, (0, 1, 2))]
    V = fem.functionspace(msh, ("Lagrange", 1))
    dt = fem.Function(V)
    dt.interpolate(lambda x: 20.0 * x[0])
    el._OPERATORS.clear()  # (two are kept: another test's could be first)
    a = el.solve_elastic(msh, ct, mat, dt, fixes, facet_tags=ft, solver="direct")
    key = next(iter(el._OPERATORS))
    dt2 = fem.Function(V)
    dt2.interpolate(lambda x: 50.0 * x[0] ** 2)
    b = el.solve_elastic(msh, ct, mat, dt2, fixes, facet_tags=ft, solver="direct")
    assert list(el._OPERATORS) == [key]  # the same operator served both loads
    el._OPERATORS.clear()
    fresh = el.solve_elastic(msh, ct, mat, dt2, fixes, facet_tags=ft, solver="direct")
    assert np.allclose(b.displacement.x.array, fresh.displacement.x.array, rtol=1e-9, atol=1e-15)
    assert not np.allclose(a.displacement.x.array, b.displacement.x.array)
