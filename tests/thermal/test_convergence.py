"""Error-controlled package meshes: the estimate bounds the error against a finer mesh, the
default mesh meets the tolerance, and a tolerance no mesh within the memory limit meets is a
clear one-line error naming the finest mesh tried and its estimate."""

from __future__ import annotations

from pathlib import Path

import pytest

from si_thermal.errors import InputError
from si_thermal.thermal import convergence as conv
from si_thermal.thermal.package import PackageModel

PKG = Path(__file__).resolve().parents[2] / "boards" / "gpu_package_b200class.toml"


def test_default_mesh_meets_the_tolerance_and_its_estimate_holds_against_a_finer_mesh():
    model = PackageModel(PKG, "coldplate")  # cheapest mesh for 0.2 K on Tj at the file's power
    est = model.estimate
    assert est.tolerance_k == 0.2 and est.tj_error_k <= 0.2
    assert est.mesh_size_m == pytest.approx(model.geometry.mesh_size_m)
    power = float(model.pkg.package.power)
    tj = model.solve(power)
    assert tj.tj_error_k == pytest.approx(est.tj_error_k, rel=1e-3)  # same power: the estimate itself
    # two steps finer (4x the in-plane cells): the estimate bounds the actual change
    fine = PackageModel(PKG, "coldplate", mesh_size=est.mesh_size_m / 2, estimate_error=False).solve(power)
    assert abs(tj.tj_max_c - fine.tj_max_c) <= est.tj_error_k
    assert "chosen for 0.2 K" in tj.mesh_note


def test_error_estimate_is_the_larger_of_the_last_two_differences():
    assert conv.error([1.0, 1.1]) == float("inf")
    assert conv.error([10.0, 10.5, 10.49]) == pytest.approx(0.5 / (2**0.5 - 1))


def test_a_tolerance_no_mesh_in_memory_meets_names_the_finest_mesh_and_its_error():
    with pytest.raises(InputError) as err:
        PackageModel(PKG, "coldplate", tj_tol_k=1e-4, max_dofs=10000)
    msg = str(err.value)
    assert "--tj-tol-k" in msg and "10000 DOFs" in msg and "4 mm (4384 DOFs)" in msg
    assert "estimated Tj error of" in msg and "\n" not in msg


@pytest.mark.parametrize("tol", [0.0, -1.0, float("nan"), float("inf")])
def test_a_tolerance_that_is_not_a_positive_number_is_an_input_error(tol):
    with pytest.raises(InputError, match="--tj-tol-k"):
        PackageModel(PKG, "coldplate", tj_tol_k=tol)
