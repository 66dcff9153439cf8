"""Linear thermoelasticity against closed forms: free expansion, Timoshenko's bimetal strip, and a
layered coupon against lamination theory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dolfinx_solver  # noqa: F401
import numpy as np
import pytest
from dolfinx import mesh as dmesh
from mpi4py import MPI

from si_thermal import config
from si_thermal.errors import InputError
from si_thermal.thermal import elastic as el
from si_thermal.mechanics import laminate as lam
from tests.conftest import ROOT


def _box(lx, ly, lz, n):
    return dmesh.create_box(MPI.COMM_WORLD, [np.zeros(3), np.array([lx, ly, lz])], n)


def _rollers():
    return [el.Fix(lambda x: np.isclose(x[0], 0.0), (0,)), el.Fix(lambda x: np.isclose(x[1], 0.0), (1,)),
            el.Fix(lambda x: np.isclose(x[2], 0.0), (2,))]


def _tag_by_z(msh, boundaries):
    """Cell tags 1..n by the layer of each cell's centroid (boundaries: increasing z of interfaces)."""
    tdim = msh.topology.dim
    n = msh.topology.index_map(tdim).size_local + msh.topology.index_map(tdim).num_ghosts
    cells = np.arange(n, dtype=np.int32)
    mid = dmesh.compute_midpoints(msh, tdim, cells)
    tags = np.searchsorted(np.asarray(boundaries), mid[:, 2]).astype(np.int32) + 1
    return dmesh.meshtags(msh, tdim, cells, tags)


@pytest.mark.parametrize("anisotropic", [False, True])
def test_free_expansion_exact_strain_zero_stress(anisotropic):
    if anisotropic:
        eff = lam.effective_properties(ROOT / "boards/backplane_78L_m9.toml")
        mat = el.ElasticMaterial.from_properties(eff)
    else:
        mat = el.ElasticMaterial.isotropic(117e9, 0.34, 17e-6)
    msh = _box(2e-3, 1e-3, 0.5e-3, (4, 3, 2))
    sol = el.solve_elastic(msh, None, mat, 50.0, _rollers())
    strain, stress = sol.strain(), sol.stress()
    for i in range(6):
        assert sol.mean(strain, i) == pytest.approx(mat.cte_per_k[i] * 50.0, abs=1e-12)
        assert sol.max_abs(strain, i) == pytest.approx(abs(mat.cte_per_k[i]) * 50.0, abs=1e-12)
    scale = np.abs(mat.stiffness_pa @ mat.cte_per_k).max() * 50.0  # the fully restrained stress
    assert max(sol.max_abs(stress, i) for i in range(6)) < 1e-9 * scale
    x, u = sol.nodal_displacement()
    assert np.allclose(u, x * mat.cte_per_k[:3] * 50.0, atol=1e-15)


def test_bimetal_strip_curvature_timoshenko():
    """Timoshenko, J. Opt. Soc. Am. 11 (1925) 233: kappa = 6 da dT (1+m)^2 / (h [3(1+m)^2 +
    (1+mn)(m^2 + 1/(mn))]), m = t1/t2, n = E1/E2. Poisson ratio 0 makes the 3-D strip a beam."""
    length, width, h = 20e-3, 1e-3, 1e-3
    t1, t2, e1, e2, a1, a2, dt = 0.5e-3, 0.5e-3, 200e9, 100e9, 5e-6, 20e-6, 100.0
    msh = _box(length, width, h, (40, 2, 8))
    tags = _tag_by_z(msh, [t1])
    mats = {1: el.ElasticMaterial.isotropic(e1, 0.0, a1), 2: el.ElasticMaterial.isotropic(e2, 0.0, a2)}
    bcs = [el.Fix(lambda x: np.isclose(x[0], 0.0), (0,)), el.Fix(lambda x: np.isclose(x[1], 0.0), (1,)),
           el.Fix(lambda x: np.isclose(x[0], 0.0) & np.isclose(x[2], 0.0), (2,), dim=1)]
    sol = el.solve_elastic(msh, tags, mats, dt, bcs, degree=2)
    x, u = sol.nodal_displacement()
    sel = np.isclose(x[:, 2], t1) & (x[:, 0] < 0.6 * length)  # interface line, away from the free end
    c = np.polyfit(x[sel, 0], u[sel, 2], 2)
    kappa_fem = abs(2 * c[0])
    m, n = t1 / t2, e1 / e2
    kappa = 6 * (a2 - a1) * dt * (1 + m) ** 2 / (h * (3 * (1 + m) ** 2 + (1 + m * n) * (m**2 + 1 / (m * n))))
    assert kappa_fem == pytest.approx(kappa, rel=2e-3)  # measured 3e-5 (P2, 8 cells through h)


def test_layered_coupon_matches_homogenized_and_lamination_theory():
    """Explicit layers (plane / dielectric / signal / dielectric / plane of the 78-layer stackup) on a
    coupon 20x as wide as thick, against the homogenized block and classical lamination theory."""
    stack = config.load_stackup(ROOT / "boards/backplane_78L_m9.toml")
    props = lam.layer_properties(stack)[1:4]
    layers = props + props[-2::-1]
    t = np.array([p.thickness_m for p in layers])
    z = np.concatenate([[0.0], np.cumsum(t)])
    h, width = z[-1], 20 * z[-1]
    msh = _box(width, width, float(len(layers)), (16, 16, len(layers)))
    msh.geometry.x[:, 2] = np.interp(msh.geometry.x[:, 2], np.arange(len(layers) + 1), z)
    tags = _tag_by_z(msh, z[1:-1])
    mats = {i + 1: el.ElasticMaterial.from_properties(p) for i, p in enumerate(layers)}
    dt = 25.0
    explicit = el.solve_elastic(msh, tags, mats, dt, _rollers())
    eff = lam.homogenize(layers)
    x, u = explicit.nodal_displacement()
    edge = np.isclose(x[:, 0], width)
    cte_x_explicit = u[edge, 0].mean() / width / dt
    centre = np.isclose(x[:, 2], h) & (np.abs(x[:, 0] - width / 2) < 0.2 * width) & (np.abs(x[:, 1] - width / 2) < 0.2 * width)
    cte_z_explicit = u[centre, 2].mean() / h / dt
    clt = lam.lamination(layers).cte_inplane_per_k[0]
    homog = el.solve_elastic(_box(width, width, h, (4, 4, 2)), None, el.ElasticMaterial.from_properties(eff), dt, _rollers())
    xh, uh = homog.nodal_displacement()
    cte_x_homog = uh[np.isclose(xh[:, 0], width), 0].mean() / width / dt
    assert cte_x_homog == pytest.approx(clt, rel=1e-9)
    assert cte_x_explicit == pytest.approx(clt, rel=5e-3)  # measured 1.3e-3 (free-edge zones)
    assert cte_z_explicit == pytest.approx(eff.cte_z_per_k, rel=1e-3)  # measured 2e-5
    # the Poisson coupling is resolved: the plain thickness mean of CTE_z is measurably off
    naive = float(np.sum(t * [p.cte_z_per_k for p in layers]) / h)
    assert abs(naive - cte_z_explicit) > 3 * abs(eff.cte_z_per_k - cte_z_explicit)
    # layer stresses: interior cells of each layer against the recovery from the homogenized strain
    # (laminate.layer_stresses); interlaminar peel and shear vanish there and rise at the free edges
    stress = explicit.stress()
    recovered = lam.layer_stresses(layers, eff.cte_per_k[[0, 1, 5]] * dt, np.zeros(3), dt)
    tdim = msh.topology.dim
    for tag in (1, 2, 3):
        cells = explicit._cells(tag)
        mid = dmesh.compute_midpoints(msh, tdim, cells)
        vals = explicit.cell_values(stress, tag)
        inner = (np.abs(mid[:, 0] - width / 2) < 0.25 * width) & (np.abs(mid[:, 1] - width / 2) < 0.25 * width)
        assert vals[inner, 0].mean() == pytest.approx(recovered[tag - 1, 0], rel=0.01)
        scale = np.abs(recovered[:, 0]).max()
        assert np.abs(vals[inner][:, [2, 3, 4]]).max() < 0.02 * scale
    edge_peel = max(explicit.max_abs(stress, c) for c in (2, 3, 4))
    assert edge_peel > 0.05 * np.abs(recovered[:, 0]).max()


def test_bad_boundary_conditions():
    msh = _box(1e-3, 1e-3, 1e-3, (2, 2, 2))
    mat = el.ElasticMaterial.isotropic(1e9, 0.3, 1e-5)
    with pytest.raises(InputError, match="no mesh entity"):
        el.solve_elastic(msh, None, mat, 1.0, [el.Fix(lambda x: x[0] > 5.0, name="screw")])
    with pytest.raises(InputError):
        el.solve_elastic(msh, None, mat, 1.0, [])
    with pytest.raises(ValueError):
        el.ElasticMaterial(np.eye(6) * -1.0, np.zeros(6))


@pytest.mark.mpi
def test_free_expansion_under_mpirun():
    code = (
        "import numpy as np, dolfinx_solver; from mpi4py import MPI; from dolfinx import mesh; "
        "from si_thermal.thermal import elastic as el; "
        "m = mesh.create_box(MPI.COMM_WORLD, [np.zeros(3), np.ones(3)*1e-3], (6, 6, 6)); "
        "bcs = [el.Fix(lambda x, i=i: np.isclose(x[i], 0.0), (i,)) for i in range(3)]; "
        "s = el.solve_elastic(m, None, el.ElasticMaterial.isotropic(1e11, 0.3, 1e-5), 10.0, bcs, solver='iterative'); "
        "e = s.strain(); v = s.mean(e, 0); "
        "assert abs(v - 1e-4) < 1e-12, v; "
        "print('ok', MPI.COMM_WORLD.size, s.iterations) if MPI.COMM_WORLD.rank == 0 else None"
    )
    mpirun = Path(sys.executable).parent / "mpirun"
    out = subprocess.run([str(mpirun), "-n", "2", sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "ok 2" in out.stdout
