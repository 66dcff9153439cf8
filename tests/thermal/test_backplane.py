"""The backplane region problem: physics checks on the shipped 78-layer stackup and the CLI."""

from __future__ import annotations

import json
import shutil

import pytest

from si_thermal.system.backplane import analyze_backplane
from tests.conftest import ROOT, run_cli

BOARD = ROOT / "boards/backplane_78L_m9.toml"


@pytest.fixture(scope="module")
def result():
    return analyze_backplane(BOARD)


def test_backplane_result_is_consistent(result):
    r = result
    assert r.layers == 78 and r.thickness_mm == pytest.approx(11.843, rel=1e-3)
    assert not r.above_tg
    # connector fields heat the board beyond the stated edge gradient
    assert r.delta_t_hot_k > r.gradient_k
    assert 0 < r.via_delta_t_k < r.delta_t_hot_k
    # FEM thickness change along the via column against the free laminate z-expansion over the
    # column's mean swing: equal within the in-plane restraint's Poisson effect
    free = r.cte_z_ppm_per_k * 1e-6 * r.via_delta_t_k
    assert 0.9 * free < r.z_strain < 1.3 * free
    assert r.pth_strain == pytest.approx(r.pth_strain_closed_form, rel=0.2)
    assert not r.pth_within_validity and r.pth_aspect_ratio > 30
    # copper is held back by the quartz-fabric laminate: it carries the in-plane stress
    assert r.copper_inplane_stress_mpa > 5 * r.dielectric_inplane_stress_mpa
    assert 1 < r.max_warpage_um < 1000
    assert 0 < r.joint_tc1_cycles_for_5_years < r.joint_cycles_to_failure
    assert 0.9 < r.availability < 1 and r.mtbf_h > 0
    d = r.to_dict()
    for key in ("max_warpage_um", "pth_strain", "pth_cycles_to_failure", "years_to_1pct_failure", "mtbf_h",
                "failures_per_month", "availability", "comparison"):
        assert key in d
    json.dumps(d)


def test_response_is_linear_in_the_load(tmp_path, result):
    """Doubling the gradient and every connector power doubles dT, so warpage and strains double."""
    text = BOARD.read_text().replace('power = "20 W"', 'power = "40 W"').replace('power = "15 W"', 'power = "30 W"')
    board = tmp_path / "bp2.toml"
    board.write_text(text)
    r2 = analyze_backplane(board, gradient_k=2 * result.gradient_k)
    assert r2.delta_t_hot_k == pytest.approx(2 * result.delta_t_hot_k, rel=1e-6)
    assert r2.max_warpage_um == pytest.approx(2 * result.max_warpage_um, rel=1e-6)
    assert r2.z_strain == pytest.approx(2 * result.z_strain, rel=1e-6)
    assert r2.pth_cycles_to_failure < result.pth_cycles_to_failure


def test_cli_json_plot_xdmf(tmp_path):
    out = run_cli("backplane", str(BOARD), "--gradient-k", "25", "--cycles-per-day", "2", "--fleet-racks", "500",
                  "--json", "--plot", str(tmp_path / "bp.png"), "--xdmf", str(tmp_path / "x"))
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["fleet_racks"] == 500 and d["cycles_per_day"] == 2
    assert d["comparison"]["cable_tray"]["racks"] == 500
    assert (tmp_path / "bp.png").stat().st_size > 10_000
    assert (tmp_path / "x/backplane_displacement.xdmf").exists()
    assert (tmp_path / "x/backplane_temperature.xdmf").exists()


@pytest.mark.parametrize("args, field", [
    (["--gradient-k", "-5"], "--gradient-k"),
    (["--cycles-per-day", "-1"], "--cycles-per-day"),
    (["--fleet-racks", "0"], "--fleet-racks"),
])
def test_cli_rejects_negative_inputs(args, field):
    out = run_cli("backplane", str(BOARD), *args)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0]


def test_cli_rejects_bad_stackups(tmp_path):
    bad = tmp_path / "thick.toml"
    bad.write_text(BOARD.read_text().replace('thickness = "11.8430 mm"', 'thickness = "14 mm"'))
    out = run_cli("backplane", str(bad))
    assert out.returncode == 2 and "stackup" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    out = run_cli("backplane", str(ROOT / "boards/host_tray_m7.toml"))
    assert out.returncode == 2 and "backplane" in out.stderr


def test_cli_material_without_mechanical_property(tmp_path):
    shutil.copytree(ROOT / "boards", tmp_path / "boards")
    lib = tmp_path / "boards/materials.toml"
    lib.write_text(lib.read_text().replace('shear_modulus_xz = "2.5 GPa"\npoisson = 0.15\ncte_xy = "9 ppm/K"',
                                           'poisson = 0.15\ncte_xy = "9 ppm/K"', 1))
    out = run_cli("backplane", str(tmp_path / "boards/backplane_78L_m9.toml"), env={"SI_THERMAL_ROOT": str(tmp_path)})
    assert out.returncode == 2
    assert "m9_laminate.shear_modulus_xz" in out.stderr and len(out.stderr.strip().splitlines()) == 1
