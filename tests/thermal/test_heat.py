"""Verification of the general heat solver (si_thermal.thermal.heat) against exact solutions."""

from __future__ import annotations

import dolfinx_solver  # noqa: F401
import numpy as np
import pytest
import ufl
from dolfinx import fem, mesh as dmesh
from mpi4py import MPI

from si_thermal.errors import ConvergenceError, InputError
from si_thermal.thermal.heat import Dirichlet, Neumann, Region, Robin, SurfaceSource, solve_heat

COMM = MPI.COMM_SELF


def _tagged(msh, cell_marker, facet_markers):
    """Cell tags 1/2 by ``cell_marker(midpoints)``; facet tags from {tag: marker(x)}."""
    tdim = msh.topology.dim
    n = msh.topology.index_map(tdim).size_local
    cells = np.arange(n, dtype=np.int32)
    mid = dmesh.compute_midpoints(msh, tdim, cells)
    ctags = dmesh.meshtags(msh, tdim, cells, np.where(cell_marker(mid.T), 1, 2).astype(np.int32))
    msh.topology.create_connectivity(tdim - 1, tdim)
    idx, val = [], []
    for tag, marker in facet_markers.items():
        f = dmesh.locate_entities_boundary(msh, tdim - 1, marker)
        idx.append(f)
        val.append(np.full(f.size, tag, dtype=np.int32))
    idx = np.concatenate(idx)
    order = np.argsort(idx)
    ftags = dmesh.meshtags(msh, tdim - 1, idx[order], np.concatenate(val)[order])
    return ctags, ftags


def _wall(n=20):
    """1D two-layer wall: copper-like 0..2 mm, TIM-like 2..2.5 mm."""
    msh = dmesh.create_interval(COMM, n, [0.0, 2.5e-3])
    ct, ft = _tagged(msh, lambda x: x[0] < 2.0e-3,
                     {10: lambda x: np.isclose(x[0], 0.0), 11: lambda x: np.isclose(x[0], 2.5e-3)})
    return msh, ct, ft


def test_composite_wall_with_convection_is_exact():
    """Series resistances: T(0) = T_inf + q (1/h + L2/k2 + L1/k1), exact at the nodes for P1."""
    msh, ct, ft = _wall()
    q, h, tinf, k1, k2 = 5e5, 2e4, 308.15, 398.0, 5.0
    sol = solve_heat(msh, ct, ft, [Region(1, k1), Region(2, k2)],
                     [Neumann(10, q), Robin(11, h, tinf)])
    exact_hot = tinf + q * (1 / h + 0.5e-3 / k2 + 2.0e-3 / k1)
    assert sol.max_k() == pytest.approx(exact_hot, rel=1e-9)
    assert sol.min_k() == pytest.approx(tinf + q / h, rel=1e-9)
    assert sol.heat_out_w(11) == pytest.approx(q, rel=1e-8)  # unit cross-section in 1D
    assert sol.source_w() == pytest.approx(q, rel=1e-12)


@pytest.mark.parametrize("method", ["newton", "picard"])
def test_temperature_dependent_conductivity_matches_kirchhoff_solution(method):
    """Slab 0..L, T(0)=T0, T(L)=T1, k = k0 (1 + b (T - T0)): the Kirchhoff transform
    U = T - T0 + b/2 (T - T0)^2 is linear in x, so T(x) = T0 + (sqrt(1 + 2 b U(x)) - 1)/b."""
    msh = dmesh.create_interval(COMM, 40, [0.0, 1e-3])
    ct, ft = _tagged(msh, lambda x: x[0] < 2e-3,
                     {1: lambda x: np.isclose(x[0], 0.0), 2: lambda x: np.isclose(x[0], 1e-3)})
    t0, t1, b = 300.0, 400.0, -4.3e-3
    sol = solve_heat(msh, ct, ft, [Region(1, 148.0, dk_dt_per_k=b, t_ref_k=t0)],
                     [Dirichlet(1, t0), Dirichlet(2, t1)], method=method, rtol=1e-10, max_iter=60)
    u1 = (t1 - t0) + b / 2 * (t1 - t0) ** 2  # Kirchhoff transform of the boundary values
    dofs_x = sol.temperature.function_space.tabulate_dof_coordinates()[:, 0]
    exact_at_dofs = t0 + (np.sqrt(1 + 2 * b * u1 * dofs_x / 1e-3) - 1) / b
    assert np.max(np.abs(sol.temperature.x.array - exact_at_dofs)) < 1e-6 * t1
    assert sol.iterations >= 2  # Newton really iterated


@pytest.mark.parametrize("degree,order", [(1, 2.0), (2, 3.0)])
def test_manufactured_solution_converges_at_optimal_order(degree, order):
    """MMS on the unit square with orthotropic k and a Robin side: L2 error ~ h^(p+1)."""
    kx, ky, h = 3.0, 1.5, 10.0
    errors = []
    sizes = [8, 16, 32]
    for n in sizes:
        msh = dmesh.create_unit_square(COMM, n, n)
        ct, ft = _tagged(msh, lambda x: x[0] < 2.0,
                         {1: lambda x: np.isclose(x[0], 0.0) | np.isclose(x[1], 0.0) | np.isclose(x[1], 1.0),
                          2: lambda x: np.isclose(x[0], 1.0)})
        x = ufl.SpatialCoordinate(msh)
        ue = 1 + ufl.sin(np.pi * x[0]) * ufl.cos(np.pi * x[1]) + x[0] ** 2
        f = -(kx * ue.dx(0).dx(0) + ky * ue.dx(1).dx(1))
        Q = fem.functionspace(msh, ("Lagrange", degree + 2))
        qf = fem.Function(Q)
        qf.interpolate(fem.Expression(f, Q.element.interpolation_points))
        # Robin at x = 1: -kx dT/dx = h (T - Tinf)  ->  Tinf = ue + kx/h due/dx
        tinf = fem.Function(Q)
        tinf.interpolate(fem.Expression(ue + kx / h * ue.dx(0), Q.element.interpolation_points))
        uex = fem.Function(Q)
        uex.interpolate(fem.Expression(ue, Q.element.interpolation_points))
        from si_thermal.thermal.heat import HeatProblem, VolumeSource
        # Dirichlet sides get the exact solution through a Robin with huge h (tests Robin too)
        big = 1e9
        prob = HeatProblem(msh, ct, ft, [Region(1, (kx, ky, 1.0))],
                           [Robin(1, big, uex), Robin(2, h, tinf)],
                           degree=degree, volume_sources=[VolumeSource(1, qf)])
        sol = prob.solve()
        err = fem.assemble_scalar(fem.form((sol.temperature - uex) ** 2 * ufl.dx))
        errors.append(np.sqrt(err))
    rates = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert rates[-1] == pytest.approx(order, abs=0.15), (errors, rates)


def test_surface_power_map_energy_balance():
    """A hot-spot surface map on a square: all the power leaves through the Robin side."""
    msh = dmesh.create_unit_square(COMM, 16, 16)
    msh.geometry.x[:] *= 1e-2
    ct, ft = _tagged(msh, lambda x: x[0] < 1.0,
                     {1: lambda x: np.isclose(x[1], 0.0), 2: lambda x: np.isclose(x[1], 1e-2)})
    hot = lambda x: 1e5 * (1 + 4 * np.exp(-((x[0] - 5e-3) ** 2) / (1e-3) ** 2))  # noqa: E731
    sol = solve_heat(msh, ct, ft, [Region(1, 148.0)], [Robin(2, 1e4, 300.0)],
                     surface_sources=[SurfaceSource(1, hot)])
    assert sol.heat_out_w(2) == pytest.approx(sol.source_w(), rel=1e-8)
    assert sol.source_w() > 1e5 * 1e-2  # per metre depth, hot spot adds


def test_bad_inputs_are_input_errors(tmp_path):
    msh, ct, ft = _wall(4)
    with pytest.raises(InputError, match="must be positive"):
        solve_heat(msh, ct, ft, [Region(1, 0.0), Region(2, 5.0)], [Robin(11, 1e3, 300.0)])
    with pytest.raises(InputError, match="missing region"):
        solve_heat(msh, ct, ft, [Region(1, 1.0)], [Robin(11, 1e3, 300.0)])
    with pytest.raises(InputError, match="overlapping"):
        solve_heat(msh, ct, ft, [Region(1, 1.0), Region(1, 2.0), Region(2, 5.0)], [Robin(11, 1e3, 300.0)])
    with pytest.raises(InputError, match="no facets"):
        solve_heat(msh, ct, ft, [Region(1, 1.0), Region(2, 5.0)], [Robin(99, 1e3, 300.0)])


def test_newton_that_cannot_converge_raises_convergence_error():
    """k(T) that vanishes inside the range: Newton cannot reach the tolerance in 2 iterations."""
    msh, ct, ft = _wall(10)
    with pytest.raises(ConvergenceError, match="did not converge"):
        solve_heat(msh, ct, ft, [Region(1, 1.0, dk_dt_per_k=-0.02, t_ref_k=300.0),
                                 Region(2, 1.0, dk_dt_per_k=-0.02, t_ref_k=300.0)],
                   [Neumann(10, 2e4), Dirichlet(11, 300.0)], max_iter=2)


def test_xdmf_written_atomically_and_readable(tmp_path):
    msh, ct, ft = _wall(4)
    sol = solve_heat(msh, ct, ft, [Region(1, 1.0), Region(2, 5.0)], [Neumann(10, 1e3), Robin(11, 1e3, 300.0)])
    out = sol.write_xdmf(tmp_path / "field.xdmf")
    assert out.is_file() and out.with_suffix(".h5").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    from dolfinx import io

    with io.XDMFFile(COMM, out, "r") as xdmf:
        back = xdmf.read_mesh(name="mesh")
    assert back.geometry.x.shape[0] == 5
