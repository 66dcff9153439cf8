"""``si-thermal thermal`` on good and bad input (subprocess, as a user runs it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PKG = "boards/gpu_package_b200class.toml"
COARSE = ["--mesh-size-mm", "5"]


def test_single_power_json_xdmf_and_plot(cli, tmp_path):
    png = tmp_path / "section.png"
    res = cli("thermal", PKG, "--cooling", "microchannel", "--power-w", "1400", "--json",
              "--xdmf", str(tmp_path / "fields"), "--plot", str(png), *COARSE)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    for key in ("tj_max_c", "die_delta_t_k", "r_th_k_per_w", "pressure_drop_pa", "pumping_power_w",
                "coolant_rise_k"):
        assert key in out
    assert 40 < out["tj_max_c"] < 150
    assert (tmp_path / "fields" / "gpu_package_b200class_microchannel_1400W.xdmf").is_file()
    assert png.stat().st_size > 10_000


def test_sweep_and_limit_for_both_coolings(cli, tmp_path):
    png = tmp_path / "curves.png"
    res = cli("thermal", PKG, "--cooling", "coldplate", "--cooling", "microchannel",
              "--power-w", "1000:3000:1000", "--limit", "--json", "--plot", str(png), *COARSE)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    for c in ("coldplate", "microchannel"):
        tj = [p["tj_max_c"] for p in out[c]["points"]]
        assert tj == sorted(tj) and len(tj) == 3
        assert tj[0] < 105 < tj[-1]
        assert 1000 < out[c]["power_limit_w"] < 3000
    assert out["microchannel"]["power_limit_w"] > out["coldplate"]["power_limit_w"]
    assert png.is_file()


@pytest.mark.parametrize("args,match", [
    (["--cooling", "immersion"], "unknown cooling"),
    (["--cooling", "coldplate", "--power-w", "1000:500:10"], "--power-w"),
    (["--cooling", "coldplate", "--power-w", "-5"], "positive"),
])
def test_bad_arguments_exit_2_with_one_line(cli, args, match):
    res = cli("thermal", PKG, *args, *COARSE)
    assert res.returncode == 2
    assert match in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_a_tolerance_no_mesh_within_the_limit_meets_exits_2_and_writes_nothing(cli, tmp_path):
    png, fields = tmp_path / "curves.png", tmp_path / "fields"
    res = cli("thermal", PKG, "--cooling", "coldplate", "--power-w", "1000:2000:1000", "--tj-tol-k", "1e-4",
              "--max-dofs", "10000", "--plot", str(png), "--xdmf", str(fields), "--json")
    assert res.returncode == 2, res.stderr
    msg = res.stderr.strip()
    assert len(msg.splitlines()) == 1 and "Traceback" not in msg
    assert "--tj-tol-k" in msg and "finest mesh tried, 4 mm (4384 DOFs)" in msg and "estimated Tj error of" in msg
    assert res.stdout == "" and not png.exists() and not fields.exists()


def test_coolant_that_would_boil_exits_2(cli, tmp_path):
    text = (ROOT / PKG).read_text().replace('flow = "2.0 L/min"', 'flow = "0.05 L/min"')
    p = tmp_path / "low_flow.toml"
    p.write_text(text)
    res = cli("thermal", str(p), "--cooling", "coldplate", "--power-w", "2000", *COARSE)
    assert res.returncode == 2
    assert "would boil" in res.stderr and "Traceback" not in res.stderr


def test_missing_file_exits_2(cli):
    res = cli("thermal", "boards/nope.toml", "--cooling", "coldplate")
    assert res.returncode == 2 and "file not found" in res.stderr
