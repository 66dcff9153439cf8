"""Die floorplans (``[[dies.floorplan]]``, issue 13): validation of the blocks, and the solver's use of
them against the hot-spot path it generalises (same rectangles and powers: the same temperatures)."""

from __future__ import annotations

from pathlib import Path

import pytest

import dolfinx_solver  # noqa: F401
from mpi4py import MPI

from si_thermal import config
from si_thermal.errors import InputError
from si_thermal.thermal.package import PackageModel

ROOT = Path(__file__).resolve().parents[2]
BASE = (ROOT / "boards/gpu_package_b200class.toml").read_text()
FLOORPLAN = (ROOT / "boards/gpu_package_b200class_floorplan.toml").read_text()
GPU0 = 'power_fraction = 0.5\n'  # the first die's last line


def _with_gpu0(extra: str) -> str:
    return BASE.replace(GPU0, GPU0 + extra, 1)


HOTSPOT = '''
[[dies.hot_spots]]
center_x = "-4 mm"
center_y = "3 mm"
size_x = "5 mm"
size_y = "6 mm"
power_fraction = 0.25
'''
# the same rectangle as a floorplan block: lower-left corner from the die's lower-left corner
# (12.8 - 4 - 2.5 = 6.3 mm, 15.625 + 3 - 3 = 15.625 mm), 0.25 x 600 W
BLOCK = '''
[[dies.floorplan]]
name = "hot"
x = "6.3 mm"
y = "15.625 mm"
w = "5 mm"
h = "6 mm"
power = "150 W"
'''


def _model(tmp_path: Path, text: str, name: str) -> PackageModel:
    f = tmp_path / f"{name}.toml"
    f.write_text(text)
    return PackageModel(f, "coldplate", mesh_size=6e-3, estimate_error=False, comm=MPI.COMM_SELF)


def test_floorplan_block_equals_the_hot_spot_it_restates(tmp_path):
    """A block restating a hot spot (same rectangle, same share of the die power) gives the same
    mesh and the same temperatures to solver tolerance; the uniform die is cooler at the hot spot
    (the comparison can fail: a wrong corner convention or power scale moves the hot spot)."""
    hs = _model(tmp_path, _with_gpu0(HOTSPOT), "hs").solve(1200.0)
    fp = _model(tmp_path, _with_gpu0(BLOCK), "fp").solve(1200.0)
    assert fp.tj_max_c == pytest.approx(hs.tj_max_c, abs=1e-4)
    for d in ("gpu0", "gpu1"):
        for k in ("max_minus_min_k", "max_minus_mean_k"):
            assert fp.die_spread_k[d][k] == pytest.approx(hs.die_spread_k[d][k], abs=1e-4)
    uniform = _model(tmp_path, BASE, "uniform").solve(1200.0)
    assert fp.die_spread_k["gpu0"]["max_minus_mean_k"] > uniform.die_spread_k["gpu0"]["max_minus_mean_k"] + 1.0


def test_shipped_floorplan_tiles_the_dies_and_conserves_power(tmp_path):
    """The shipped [Estimated] floorplan tiles each die (no background region) and all its power
    reaches the coolant."""
    pkg = config.load_package(ROOT / "boards/gpu_package_b200class_floorplan.toml")
    for d in pkg.dies:
        assert sum(b.w * b.h for b in d.floorplan) == pytest.approx(d.size_x * d.size_y, rel=1e-9)
        assert sum(b.power_w for b in d.floorplan) == pytest.approx(pkg.package.power * d.power_fraction)
    r = _model(tmp_path, FLOORPLAN, "shipped").solve(1200.0)
    assert abs(r.energy_balance_error) < 1e-3
    assert set(r.die_spread_k) == {"gpu0", "gpu1"}


@pytest.mark.parametrize("edit, match", [
    (('x = "6.3 mm"', 'x = "22 mm"'), "extends beyond the die"),
    (('power = "150 W"', 'power = "-5 W"'), "power"),
    (('power = "150 W"', 'power = "700 W"'), "more than the die's"),
    (('power = "150 W"', 'power = "150 W"\npower_density = "1 W/mm^2"'), "one of them"),
    (('power = "150 W"', 'power = "nan W"'), "power"),
])
def test_bad_floorplans(tmp_path, edit, match):
    f = tmp_path / "bad.toml"
    f.write_text(_with_gpu0(BLOCK.replace(*edit)))
    with pytest.raises(InputError, match=match):
        config.load_package(f)


def test_tiling_floorplan_must_add_up_to_the_die_power(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text(FLOORPLAN.replace('power = "240 W"', 'power = "200 W"', 1))
    with pytest.raises(InputError, match="covers the whole die"):
        config.load_package(f)


def test_floorplan_with_hot_spots_and_overlap_rejected(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text(_with_gpu0(BLOCK + HOTSPOT))
    with pytest.raises(InputError, match="not both"):
        config.load_package(f)
    f.write_text(_with_gpu0(BLOCK + BLOCK.replace('x = "6.3 mm"', 'x = "8 mm"')))
    with pytest.raises(InputError, match="overlap"):
        config.load_package(f)


def test_cli_block_outside_die_one_line_exit_2(cli, tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text(_with_gpu0(BLOCK.replace('x = "6.3 mm"', 'x = "22 mm"')))
    res = cli("thermal", str(f), "--cooling", "coldplate", "--mesh-size-mm", "6")
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.toml" in lines[0] and "beyond the die" in lines[0]


def test_power_density_block_equals_its_power(tmp_path):
    """150 W over 5 x 6 mm is 5 W/mm^2: the same block, the same share of the die power."""
    f = tmp_path / "pd.toml"
    f.write_text(_with_gpu0(BLOCK.replace('power = "150 W"', 'power_density = "5 W/mm^2"')))
    pkg = config.load_package(f)
    (hot,) = pkg.power_map(pkg.dies[0])
    assert pkg.dies[0].floorplan[0].power_w == pytest.approx(150.0)
    assert hot.power_fraction == pytest.approx(0.25)
    assert (hot.center_x, hot.center_y) == pytest.approx((-4e-3, 3e-3))
