"""The backplane's discretization-error estimate (two-grid GCI) against a finer mesh.

The default ("coarse") result carries an estimate from a companion mesh 1.5x coarser; solved on
the next finer level ("medium", 2.5x the DOFs), every estimated output must move by no more than
its estimate. The estimate must also be informative (a few per cent of the gradient-driven swings
and strains), so an estimate inflated until it bounds anything fails too.
"""

from __future__ import annotations

from dataclasses import MISSING, fields, replace

import pytest

from si_thermal import config
from si_thermal.thermal import backplane as bp
from tests.conftest import ROOT

BOARD = ROOT / "boards/backplane_78L_m9.toml"
CHECKED = ("delta_t_hot_k", "via_delta_t_k", "joint_delta_t_k", "z_strain", "connector_stretch", "max_warpage_um")


@pytest.fixture(scope="module")
def pair():
    stack = config.load_stackup(BOARD)
    coarse = bp.solve_backplane(stack, mesh="coarse", source=BOARD)
    medium = bp.solve_backplane(stack, mesh="medium", source=BOARD, estimate_error=False)
    return coarse, medium


def test_estimate_bounds_the_change_to_a_finer_mesh(pair):
    coarse, medium = pair
    err = coarse.discretization_error
    assert "GCI" in err["method"] and medium.dofs_thermal > 2 * coarse.dofs_thermal
    for key in CHECKED:
        actual = abs(getattr(coarse, key) - getattr(medium, key))
        assert actual <= err[key], f"{key}: moved {actual:.3g} on the finer mesh, estimate {err[key]:.3g}"


def test_estimate_is_informative(pair):
    coarse, _ = pair
    err = coarse.discretization_error
    # the via column's swing and z-strain (the plated-hole load) are resolved to a few per cent,
    # the connector field's mean rise (steep under the flux patch) to within a fifth
    assert err["via_delta_t_k"] < 0.05 * coarse.via_delta_t_k
    assert err["z_strain"] < 0.05 * coarse.z_strain
    assert err["joint_delta_t_k"] < 0.2 * coarse.joint_delta_t_k


def test_gci_formula():
    f = bp.BackplaneFields(**{x.name: 0.0 for x in fields(bp.BackplaneFields)
                              if x.default is MISSING and x.default_factory is MISSING})
    fine = replace(f, via_delta_t_k=10.0, z_strain=1e-3, dofs_thermal=100, dofs_elastic=300)
    rough = replace(f, via_delta_t_k=9.5, z_strain=1.1e-3, dofs_thermal=40, dofs_elastic=120)
    e = bp.discretization_error(fine, rough)
    # Fs |Q_h - Q_rh| / (r^p - 1) = 3 * 0.5 / 0.5
    assert e["via_delta_t_k"] == pytest.approx(3.0)
    assert e["z_strain"] == pytest.approx(6e-4)
    assert e["t_max_c"] == 0.0 and "40 + 120 DOF" in e["method"]
