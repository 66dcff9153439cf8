"""Issue 19: channel counts of the shipped packages, package-local materials, stated h and
friction, the channel ceiling, and their bad input."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from si_thermal import config, paths
from si_thermal.errors import InputError
from si_thermal.thermal import cooling as cool
from si_thermal.thermal.package import PackageModel

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "boards" / "gpu_package_b200class.toml"
SHIPPED = sorted(paths.boards_dir().glob("gpu_package_*.toml"))
COARSE = 8e-3


def _spec_pitch(spec) -> tuple[float, float]:
    wall = spec.fin_thickness if hasattr(spec, "fin_thickness") else spec.wall_thickness
    return spec.size_y, spec.channel_width + wall


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_packages_count_every_channel_that_fits(path):
    pkg = config.load_package(path)
    for cooling in ("coldplate", "microchannel"):
        spec = getattr(pkg, cooling)
        if spec is None:
            continue
        span, pitch = _spec_pitch(spec)
        ratio = span / pitch
        expected = round(ratio) if abs(ratio - round(ratio)) < 1e-6 else math.floor(ratio)
        model = PackageModel(path, cooling, mesh_size=COARSE, estimate_error=False)
        assert model.channels.count == expected, (cooling, ratio)
        assert model.channels.count * pitch <= span * (1 + 1e-9)


def test_b200_package_has_120_coldplate_and_240_microchannels():
    """60 mm / 0.5 mm and 60 mm / 0.25 mm: the floor division of the floats gave 119 and 239."""
    assert 60e-3 // 0.5e-3 == 119.0  # the bug this guards against
    pkg = config.load_package(PKG)
    counts = {c: PackageModel(PKG, c, mesh_size=COARSE, estimate_error=False).channels.count
              for c in ("coldplate", "microchannel") if getattr(pkg, c) is not None}
    assert counts == {"coldplate": 120, "microchannel": 240}


def test_ceiling_model_limits():
    """No cover: the adiabatic-tip fin (2 eta H h). Very conductive fin and cover: every wetted
    surface at the base temperature, h (2 w + 2 H) per pitch."""
    h, k, t, H, w = 2e4, 398.0, 1e-4, 8e-4, 1.5e-4
    eta = cool.fin_efficiency(h, k, t, H)
    assert cool.fin_heat(h, k, t, H) == pytest.approx(2 * eta * H * h, rel=1e-9)
    big = 1e9
    tip = cool.cover_conductance(h, big, 1e-3, w)
    assert tip == pytest.approx(h * w, rel=1e-4)
    assert cool.fin_heat(h, big, t, H, tip) == pytest.approx(h * (2 * H + w), rel=1e-4)
    with_cover = cool.fin_heat(h, k, t, H, cool.cover_conductance(h, k, 5e-4, w))
    assert cool.fin_heat(h, k, t, H) < with_cover < h * (2 * H + w)


def _variant(tmp_path, old: str, new: str, name: str = "variant.toml") -> Path:
    text = PKG.read_text()
    assert old in text
    p = tmp_path / name
    p.write_text(text.replace(old, new, 1))
    return p


MC_TAIL = 'source = "Microchannel lids'


def test_stated_h_table_and_friction_replace_the_correlations(tmp_path):
    p = _variant(tmp_path, MC_TAIL, 'heat_transfer_table = { x = ["0 mm", "64 mm"], h = ["40000 W/(m^2*K)", '
                 '"20000 W/(m^2*K)"] }\nfriction_factor = 0.08\n' + MC_TAIL)
    model = PackageModel(p, "microchannel", mesh_size=COARSE, estimate_error=False)
    r = model.solve(1200.0)
    props = cool.coolant_properties("pg25", 308.15 + r.coolant_rise_k / 2)
    flow = model._flow(props)
    assert flow.h_wall(np.array([0.0, 32e-3, 64e-3, 90e-3])) == pytest.approx([4e4, 3e4, 2e4, 2e4])
    ch = model.channels
    dyn = 0.5 * props.density_kg_m3 * flow.velocity_m_s**2
    assert flow.pressure_drop_pa == pytest.approx((0.08 * ch.length_m / ch.hydraulic_diameter_m + 1.5) * dyn)
    assert "table of 2 h values" in r.h_basis and "Darcy f = 0.08" in r.friction_basis
    base = PackageModel(PKG, "microchannel", mesh_size=COARSE, estimate_error=False).solve(1200.0)
    assert "correlations" in base.h_basis and r.tj_max_c != pytest.approx(base.tj_max_c, abs=0.01)


def test_a_cover_takes_heat_through_the_ceiling(tmp_path):
    p = _variant(tmp_path, MC_TAIL, 'cover_thickness = "0.5 mm"\n' + MC_TAIL)
    covered = PackageModel(p, "microchannel", mesh_size=COARSE, estimate_error=False).solve(1200.0)
    open_top = PackageModel(PKG, "microchannel", mesh_size=COARSE, estimate_error=False).solve(1200.0)
    assert covered.tj_max_c < open_top.tj_max_c
    assert "conducting cover 0.5 mm" in covered.ceiling and "adiabatic (assumed" in open_top.ceiling


def test_package_local_materials_are_used_and_may_override_the_library_when_they_say_so(tmp_path):
    const_si = ('\n[materials.silicon]\noverride = true\nkind = "semiconductor"\ndescription = "constant-k '
                'silicon (benchmark case)"\nsource = "test"\nthermal_conductivity = "148 W/(m*K)"\n'
                '\n[materials.vendor_tim]\nkind = "tim"\ndescription = "a vendor TIM"\nsource = "datasheet"\n'
                'thermal_conductivity = "40 W/(m*K)"\n')
    text = PKG.read_text().replace('material = "tim_indium"', 'material = "vendor_tim"') + const_si
    p = tmp_path / "local.toml"
    p.write_text(text)
    local = PackageModel(p, "coldplate", mesh_size=COARSE, estimate_error=False)
    assert not local.problem.nonlinear  # the override's constant k, not the library's k(T)
    assert local.solve(1200.0).tj_max_c > PackageModel(PKG, "coldplate", mesh_size=COARSE,
                                                       estimate_error=False).solve(1200.0).tj_max_c


@pytest.mark.parametrize("edit,field,match", [
    (("[tim1]", '[materials.silicon]\nkind = "semiconductor"\ndescription = "x"\nsource = "y"\n'
      'thermal_conductivity = "150 W/(m*K)"\n\n[tim1]'), "materials", "shadows the library material"),
    ((MC_TAIL, 'heat_transfer_coefficient = "0 W/(m^2*K)"\n' + MC_TAIL), "microchannel.heat_transfer_coefficient",
     "greater than 0|outside"),
    ((MC_TAIL, 'heat_transfer_coefficient = "-5 W/(m^2*K)"\n' + MC_TAIL), "microchannel.heat_transfer_coefficient",
     "greater than 0|outside"),
    ((MC_TAIL, 'heat_transfer_table = { x = ["0 mm", "9 mm"], h = ["1e4 W/(m^2*K)", "0 W/(m^2*K)"] }\n' + MC_TAIL),
     "microchannel.heat_transfer_table", r"h\[1\] = 0"),
    (('channel_width = "0.3 mm"', 'channel_width = "70 mm"'), "coldplate", "larger than the span"),
])
def test_bad_cooling_input_is_one_line_naming_file_and_field(tmp_path, edit, field, match):
    p = _variant(tmp_path, *edit)
    with pytest.raises(InputError, match=match) as err:
        config.load_package(p)
    assert err.value.field == field and str(p) in str(err.value) and "\n" not in str(err.value)


def test_cli_exits_2_with_one_line_on_a_shadowing_material(tmp_path):
    p = _variant(tmp_path, "[tim1]", '[materials.copper]\nkind = "metal"\ndescription = "x"\nsource = "y"\n'
                 'thermal_conductivity = "390 W/(m*K)"\n\n[tim1]')
    proc = subprocess.run([str(Path(sys.executable).parent / "si-thermal"), "thermal", str(p), "--cooling",
                           "coldplate", "--mesh-size-mm", "8"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "materials" in lines[0] and "shadows" in lines[0] and "Traceback" not in proc.stderr
