"""The GPU package problem: energy balance, mesh convergence, monotonic limits, bad input, MPI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from si_thermal.errors import InputError
from si_thermal.thermal.limit import power_limit
from si_thermal.thermal.package import PackageModel, solve_package

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "boards" / "gpu_package_b200class.toml"
COARSE = 5e-3  # m: small meshes keep the suite fast


@pytest.fixture(scope="module")
def coldplate():
    return PackageModel(PKG, "coldplate", mesh_size=COARSE)


def test_energy_balance_heat_into_coolant_equals_power(coldplate):
    r = coldplate.solve(1400.0)
    assert abs(r.energy_balance_error) < 5e-3
    # coolant enthalpy rise carries the same power (rho c_p V dT), per the coolant's own balance
    assert r.coolant_rise_k == pytest.approx(1400.0 / (1014 * 3.33e-5 * 3980), rel=0.02)
    assert r.tj_max_c > r.inlet_c + r.coolant_rise_k  # junction above the coolant outlet
    assert r.r_th_k_per_w == pytest.approx((r.tj_max_c - r.inlet_c) / 1400.0)
    assert r.heat_flux_w_per_mm2 == pytest.approx(1400.0 / 1600.0, rel=1e-3)


def test_tj_rises_monotonically_and_nonlinearly_with_power(coldplate):
    """Silicon k falls with T, so R_th grows slightly with power."""
    a, b = coldplate.solve(1000.0), coldplate.solve(2000.0)
    assert b.tj_max_c > a.tj_max_c
    assert b.r_th_k_per_w > a.r_th_k_per_w


def test_mesh_refinement_changes_tj_little():
    """Coarse (5 mm) vs finer (2.5 mm) in-plane elements: Tj max within 1.5 K at 1400 W."""
    coarse = solve_package(PKG, "microchannel", 1400.0, mesh_size=COARSE)
    fine = solve_package(PKG, "microchannel", 1400.0, mesh_size=2.5e-3)
    assert abs(coarse.tj_max_c - fine.tj_max_c) < 1.5


def test_power_limit_meets_the_junction_limit(coldplate):
    lim = power_limit(PKG, "coldplate", model=coldplate, inlet_c=35.0, tj_limit_c=105.0)
    at = coldplate.solve(lim.power_limit_w, inlet_c=35.0)
    assert at.tj_max_c == pytest.approx(105.0, abs=0.05)
    assert lim.heat_flux_w_per_mm2 == pytest.approx(lim.power_limit_w / 1600.0, rel=1e-3)
    warmer = power_limit(PKG, "coldplate", model=coldplate, inlet_c=45.0, tj_limit_c=105.0)
    assert warmer.power_limit_w < lim.power_limit_w


def test_boiling_flow_is_an_input_error(tmp_path):
    text = PKG.read_text().replace('flow = "2.0 L/min"', 'flow = "0.05 L/min"')
    p = tmp_path / "low_flow.toml"
    p.write_text(text)
    with pytest.raises(InputError, match="would boil"):
        solve_package(p, "coldplate", 2000.0, mesh_size=COARSE)


@pytest.mark.parametrize("edit,match", [
    (('center_x = "12.95 mm"', 'center_x = "5 mm"'), "overlap"),
    (('power_fraction = 0.5\n\n[tim1]', 'power_fraction = 0.6\n\n[tim1]'), "add up"),
    (('material = "tim_grease"', 'material = "unobtainium"'), "unknown material"),
    (('material = "tim_grease"\nthickness = "50 um"', 'material = "tim_grease"\nthickness = "-50 um"'),
     "tim2.thickness"),
])
def test_bad_package_files_are_one_line_input_errors(tmp_path, edit, match):
    text = PKG.read_text()
    assert edit[0] in text
    p = tmp_path / "bad.toml"
    p.write_text(text.replace(edit[0], edit[1], 1))
    with pytest.raises(InputError, match=match) as err:
        PackageModel(p, "coldplate", mesh_size=COARSE)
    assert "\n" not in str(err.value)


@pytest.mark.mpi
def test_serial_and_two_ranks_agree(tmp_path):
    """Same Tj max under `mpirun -n 2` as in serial, to 1e-6 relative (kelvin)."""
    script = (
        "import json; from mpi4py import MPI; from si_thermal.thermal.package import solve_package\n"
        f"r = solve_package({str(PKG)!r}, 'coldplate', 1400.0, mesh_size={COARSE})\n"
        "print(json.dumps({'tj': r.tj_max_c, 'size': MPI.COMM_WORLD.size}) if MPI.COMM_WORLD.rank == 0 else '')\n"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    out = {}
    for n in (1, 2):
        proc = subprocess.run([str(Path(sys.executable).parent / "mpirun"), "-n", str(n), sys.executable, "-c", script], capture_output=True,
                              text=True, timeout=300, env=env, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr[-2000:]
        line = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")][-1]
        out[n] = json.loads(line)
    assert out[2]["size"] == 2
    assert (out[2]["tj"] + 273.15) == pytest.approx(out[1]["tj"] + 273.15, rel=1e-6)


def test_coolant_coupling_that_cannot_converge_raises(coldplate):
    from si_thermal.errors import ConvergenceError
    from si_thermal.thermal.coolant import solve_with_coolant

    coldplate.solve(1400.0)  # sets h and the coolant field
    tag = coldplate.tm.boundaries["coolant"]
    with pytest.raises(ConvergenceError, match="did not converge in 2 iterations"):
        solve_with_coolant(coldplate.problem, tag, coldplate.h, coldplate.tc, coldplate.geometry.cooled,
                           100.0, 308.15, max_iter=2)


def test_hot_spots_raise_tj_at_the_same_power(tmp_path):
    """A power map: 5 % of each die's power in a 4 x 4 mm hot spot (2.5x the mean flux) heats the
    junction more than the uniform map, with the same total power into the coolant."""
    text = PKG.read_text()
    spot = ('power_fraction = 0.5\n\n[[dies.hot_spots]]\ncenter_x = "6 mm"\nsize_x = "4 mm"\n'
            'size_y = "4 mm"\npower_fraction = 0.05\n')
    hot = text.replace("power_fraction = 0.5\n", spot)
    assert hot.count("[[dies.hot_spots]]") == 2
    p = tmp_path / "hot.toml"
    p.write_text(hot)
    uniform = solve_package(PKG, "microchannel", 1400.0, mesh_size=COARSE)
    spotted = solve_package(p, "microchannel", 1400.0, mesh_size=COARSE)
    assert spotted.tj_max_c > uniform.tj_max_c + 1.0
    assert abs(spotted.energy_balance_error) < 5e-3
    bad = tmp_path / "bad_spot.toml"
    bad.write_text(hot.replace('center_x = "6 mm"', 'center_x = "12 mm"', 1))
    with pytest.raises(InputError, match="hot spot 0 extends beyond the die"):
        PackageModel(bad, "microchannel", mesh_size=COARSE)


def test_die_spread_both_ways(coldplate):
    """Within-die spread read two ways (issue 13): 0 < max - mean < max - min for every die, the
    worst die's values reported, the means between each die's extremes."""
    r = coldplate.solve(1400.0)
    assert set(r.die_spread_k) == {d.name for d in coldplate.pkg.dies}
    for d in r.die_spread_k.values():
        assert 0 < d["max_minus_mean_k"] < d["max_minus_min_k"]
    assert r.die_delta_t_k == pytest.approx(max(d["max_minus_min_k"] for d in r.die_spread_k.values()))
    assert r.die_max_minus_mean_k == pytest.approx(max(d["max_minus_mean_k"] for d in r.die_spread_k.values()))
    # the dies share the coolant in series: the downstream die runs warmer on average
    means = [r.die_spread_k[d.name]["mean_c"] for d in sorted(coldplate.pkg.dies, key=lambda d: d.center_x)]
    assert means[-1] > means[0]


def test_dies_sharing_the_coolant_in_series_or_parallel(tmp_path):
    """Parallel paths (one per die, each from the inlet with half the flow) against the series
    field (flow along x over both dies): all the power still reaches the coolant, the coolant rise is
    the same, the downstream die runs cooler and the upstream die warmer (half the flow), and the
    laminar pressure drop falls to about a quarter (half the flow over half the length)."""
    text = PKG.read_text()
    p = tmp_path / "pkg.toml"
    p.write_text(text.replace('flow = "2.0 L/min"', 'flow = "2.0 L/min"\ndies_in = "parallel"'))
    series = solve_package(PKG, "coldplate", 1400.0, mesh_size=COARSE)
    par = solve_package(p, "coldplate", 1400.0, mesh_size=COARSE)
    assert abs(par.energy_balance_error) < 5e-3
    assert par.coolant_rise_k == pytest.approx(series.coolant_rise_k, rel=0.02)
    up, down = sorted(series.die_spread_k, key=lambda n: next(d.center_x for d in _dies() if d.name == n))
    assert par.die_spread_k[down]["mean_c"] < series.die_spread_k[down]["mean_c"] - 0.5
    assert par.die_spread_k[up]["mean_c"] > series.die_spread_k[up]["mean_c"]
    assert 0.2 < par.pressure_drop_pa / series.pressure_drop_pa < 0.3
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('flow = "2.0 L/min"', 'flow = "2.0 L/min"\ndies_in = "diagonal"', 1))
    with pytest.raises(InputError, match="dies_in"):
        solve_package(bad, "coldplate", 1400.0, mesh_size=COARSE)


def _dies():
    from si_thermal import config

    return config.load_package(PKG).dies
