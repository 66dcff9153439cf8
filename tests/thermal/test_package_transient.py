"""Package transient (issue 13): the linearised transient model reproduces the steady FEM at rated
power, Duhamel superposition of its step response agrees with direct time stepping, and the CLI's
``--profile`` reports the Tj history and its rainflow cycles (coarse mesh: a few seconds)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import dolfinx_solver  # noqa: F401
from mpi4py import MPI

from si_thermal import config
from si_thermal.thermal.package import PackageModel
from si_thermal.thermal.package_transient import direct_check, package_transient, tj_history
from si_thermal.thermal.transient import duhamel

PKG = "boards/gpu_package_b200class.toml"
PROFILE = "boards/profiles/training_rack.toml"


@pytest.fixture(scope="module")
def transient():
    model = PackageModel(PKG, "coldplate", mesh_size=6e-3, estimate_error=False, comm=MPI.COMM_SELF)
    pt = package_transient(model)
    return pt, tj_history(pt, config.load_profile(PROFILE).profile)


def test_linear_model_reproduces_the_steady_fem_at_rated_power(transient):
    """The conductivity frozen at the full-load field: the transient model's steady state is the
    nonlinear FEM's junction rise (to the coolant iteration's 1e-3 K tolerance and k's cell-wise freeze)."""
    pt, _ = transient
    assert all(20 < r < 80 for r in pt.steady_rise_k.values())
    assert pt.linearisation_k < 0.05


def test_superposition_agrees_with_direct_stepping(transient):
    """Step response + Duhamel against backward Euler stepped directly over the profile's first
    5 minutes (training steps every 10 s): within 0.02 K of a ~25 K rise. A kernel cut before the
    response settles must miss by far more (the check can fail)."""
    pt, hist = transient
    chk = direct_check(pt, hist, 300)
    assert chk["direct_swing_k"] > 10
    assert chk["max_abs_diff_k"] < 0.02
    short = duhamel(hist.step.kernel(hist.dt_s)[..., :5], hist.load[None, :300])
    direct = pt.model.simulate(hist.load[None, :300], hist.dt_s)
    assert np.abs(short - direct).max() > 0.2


def test_history_settles_into_the_period(transient):
    """The first period (from idle) and the last one differ only while the start-up decays, within
    the response kernel's length; after it they are the same (the counted period is settled)."""
    _, hist = transient
    per, k = hist.period_steps, hist.step.kernel(hist.dt_s).shape[-1]
    diff = np.abs(hist.tj_c[:, -per:] - hist.tj_c[:, :per])
    assert diff[:, :3].max() > 1.0 and diff[:, k:].max() < 1e-6
    assert hist.superposition_s < 10


def test_cli_profile_json(cli):
    res = cli("thermal", PKG, "--cooling", "coldplate", "--mesh-size-mm", "6", "--profile", PROFILE,
              "--profile-check-s", "60", "--json")
    assert res.returncode == 0, res.stderr
    tr = json.loads(res.stdout)["transient"]
    j = tr["junction"]
    assert j["tj_min_c"] < j["tj_max_c"] and j["swing_k"] == pytest.approx(j["tj_max_c"] - j["tj_min_c"])
    assert j["cycles_per_day"] >= j["cycles_per_day_over_1k"] >= j["cycles_per_day_over_5k"] > 0
    assert tr["check"]["max_abs_diff_k"] < 0.02
    assert set(tr["dies"]) == {"gpu0", "gpu1"}


@pytest.mark.parametrize("args, match", [
    (["--profile-check-s", "-1"], "--profile-check-s"),
    (["--power-w", "1000:2000:500"], "one power"),
])
def test_cli_profile_bad_input_exit_2(cli, args, match):
    res = cli("thermal", PKG, "--cooling", "coldplate", "--mesh-size-mm", "6", "--profile", PROFILE, *args)
    assert res.returncode == 2
    assert match in res.stderr and "Traceback" not in res.stderr


@pytest.mark.parametrize("edit, field", [
    (('power = "100 kW"', 'power = "-100 kW"'), "power"),  # negative power
    (('t = "6.25 h"', 't = "5 h"'), "segments"),  # non-increasing times
])
def test_cli_bad_profile_one_line_exit_2(cli, tmp_path, edit, field):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / PROFILE).read_text()
    assert edit[0] in text
    f = tmp_path / "p.toml"
    f.write_text(text.replace(*edit, 1))
    res = cli("thermal", PKG, "--cooling", "coldplate", "--mesh-size-mm", "6", "--profile", str(f))
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2 and len(lines) == 1 and "p.toml" in lines[0] and field in lines[0]
