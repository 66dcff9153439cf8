"""Issue 11: the Rubin CPX systems end to end (rack files, in-tray PCIe Gen6 links, power sums,
packages), bad input (power above the rack's, no link group, no package), the sources' consistency
checks and the one availability per system."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from si_thermal import config, paths
from si_thermal.errors import InputError
from si_thermal.system import model
from si_thermal.system.claims import KINDS, Claim
from si_thermal.system.consistency import _check, s0_checks, s1_checks
from si_thermal.system.geometry import all_link_lengths
from si_thermal.system.power import power_budget
from si_thermal.system.reliability import rack_reliability, system_availability
from tests.conftest import ROOT

RACKS = ROOT / "boards" / "racks"
CPX = ("vr_nvl144_cpx", "vr_cpx_dual_rack")


def _load(key):
    return config.load_rack(RACKS / f"{key}.toml")


@pytest.mark.parametrize("key", CPX)
def test_cpx_racks_have_real_rows(key):
    rack = _load(key)
    k = rack.rack
    assert k.gpus > 0 and k.gpu_power > 0 and k.rack_power > 0 and k.serdes_rate != "none"
    assert k.fp4_pflops and k.fp4_pflops_sparse and k.fp4_pflops_sparse / k.fp4_pflops == pytest.approx(1.5, rel=0.01)
    rates = {link.rate for link in rack.links}
    assert "pcie6" in rates
    lengths = all_link_lengths(rack)
    for link in rack.links:
        L = lengths[link.name]
        assert L.count > 0 and np.all(L.length_m > 0)
        if link.in_tray_lengths:  # 18 trays x one link per listed length
            assert L.count == 18 * len(link.in_tray_lengths)
    pb = power_budget(key, rack)
    assert 0 <= pb.headroom_w < pb.rack_power_w
    assert pb.components_w == pytest.approx(sum(c.count * c.power for c in rack.power.components))
    assert rack.cooling.package and (key != "vr_nvl144_cpx" or rack.cooling.aux_package == "gpu_package_rubin_cpx.toml")


def test_cpx_tray_power_is_the_article_sum():
    pb = power_budget("vr_nvl144_cpx", _load("vr_nvl144_cpx"))
    cpx = next(c for c in _load("vr_nvl144_cpx").power.components if "CPX" in c.name)
    assert cpx.per_tray * cpx.power == pytest.approx(7040.0)  # S1: 'the 7,040W of Rubin CPX modules'
    assert pb.trays == 18


def test_packages_rubin_cpx_single_die_and_rubin_ultra_four_dies():
    cpx = config.load_package(paths.boards_dir() / "gpu_package_rubin_cpx.toml")
    assert len(cpx.dies) == 1 and cpx.package.power == pytest.approx(800.0)
    area_mm2 = cpx.dies[0].size_x * cpx.dies[0].size_y * 1e6
    assert 700 < area_mm2 < 860  # reticle class; 800 W over it stays at ~1 W/mm^2 (S1)
    ru = config.load_package(paths.boards_dir() / "gpu_package_rubin_ultra_4die.toml")
    assert len(ru.dies) == 4 and all(d.power_fraction == pytest.approx(0.25) for d in ru.dies)
    assert _load("rubin_ultra_nvl576").cooling.package == "gpu_package_rubin_ultra_4die.toml"


def _edited(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (RACKS / name).read_text()
    assert old in text
    out = tmp_path / name
    out.write_text(text.replace(old, new, 1))
    return out


def test_components_above_rack_power_is_an_input_error(tmp_path):
    path = _edited(tmp_path, "vr_nvl144_cpx.toml", 'rack_power = "370 kW"', 'rack_power = "300 kW"')
    with pytest.raises(InputError) as err:
        config.load_rack(path)
    assert err.value.field == "power.components" and "vr_nvl144_cpx.toml" in str(err.value)
    assert "332" in err.value.message and "300" in err.value.message


def test_system_without_link_group_or_package_is_an_input_error(tmp_path):
    text = (RACKS / "gb200_nvl72.toml").read_text()
    start, end = text.index("[[links]]"), text.index("[cooling]")
    nolinks = tmp_path / "gb200_nvl72.toml"
    nolinks.write_text(text[:start] + text[end:])
    with pytest.raises(InputError) as err:
        config.load_rack(nolinks)
    assert err.value.field == "links"
    nopkg = _edited(tmp_path, "gb300_nvl72.toml", 'package = "gpu_package_b200class_floorplan.toml"\n', "")
    with pytest.raises(InputError) as err:
        config.load_rack(nopkg)
    assert err.value.field == "cooling.package"


def test_cli_power_above_rack_one_line_exit_2(cli, tmp_path):
    path = _edited(tmp_path, "vr_cpx_dual_rack.toml", 'rack_power = "160 kW"', 'rack_power = "100 kW"')
    res = cli("report", str(path), "-o", str(tmp_path / "r.pdf"))
    assert res.returncode == 2, res.stderr
    lines = [x for x in res.stderr.strip().splitlines() if x.strip()]
    assert len(lines) == 1 and "power.components" in lines[0] and "vr_cpx_dual_rack.toml" in lines[0]
    assert not (tmp_path / "r.pdf").exists()


def test_one_availability_per_system_used_by_cost():
    rack = _load("rubin_ultra_nvl576")
    rel = rack_reliability("rubin_ultra_nvl576", rack, with_backplane=False)
    av = system_availability(rel)
    assert av == pytest.approx(8000 / (8000 + 504))
    lo, hi = rel.availability_range
    assert lo == pytest.approx(5000 / (5000 + 672)) and hi == pytest.approx(10000 / (10000 + 336))
    cost = model.cost_stage(rack, av)
    assert cost.inputs.availability == av
    assert cost.usd_per_million_tokens == pytest.approx(model.cost_stage(rack).usd_per_million_tokens / av)


def test_consistency_checks_find_the_known_slips():
    rows = {c.claim.split(":")[0]: c for c in s0_checks() + s1_checks()}
    assert all(c.kind in KINDS for c in rows.values())
    nvs = next(c for k, c in rows.items() if k.startswith("NVSwitch"))
    assert nvs.verdict == "inconsistent" and "3.6 TB/s" in nvs.model_value and "7.2 TB/s" in nvs.model_value
    lpx = next(c for k, c in rows.items() if k.startswith("LPX"))
    assert lpx.verdict == "inconsistent" and "215 us" in lpx.model_value
    gddr = next(c for k, c in rows.items() if k.startswith("Rubin CPX"))
    assert gddr.verdict == "consistent"
    # the check can fail and can pass: 5 % tolerance either way
    assert _check("x", "s", 100.0, 104.9, "v", "c").verdict == "consistent"
    assert _check("x", "s", 100.0, 105.1, "v", "c").verdict == "inconsistent"
    assert _check("x", "s", 100.0, 90.0, "v", "c", kind="arithmetic").verdict == "contradicted"


def test_pcie6_and_nic_channels_order_as_physics_says():
    """Loss ordering that must hold whatever the estimates: the older laminate loses more at 16 GHz,
    PCB loses more per metre than the flyover twinax at 53 GHz, and IL is linear in the variable length
    (matched line: the slope is the segment's attenuation per metre, within 3 %)."""
    from si_thermal.si import channel as chan
    from si_thermal.si.reach import il_at_nyquist

    def il(name, f, x):
        return il_at_nyquist(chan.load(paths.channels_dir() / name), f, x)

    assert il("cpx_pcie6_midplane_m6.toml", 16e9, 0.127) > il("cpx_pcie6_midplane.toml", 16e9, 0.127) + 0.5
    slope_pcb = (il("nic_osfp_200g_pcb.toml", 53.125e9, 0.55) - il("nic_osfp_200g_pcb.toml", 53.125e9, 0.35)) / 0.2
    slope_fly = (il("nic_osfp_200g_flyover.toml", 53.125e9, 0.55) - il("nic_osfp_200g_flyover.toml", 53.125e9, 0.35)) / 0.2
    assert slope_pcb > 3 * slope_fly
    per_m = chan.segment_loss_db_per_m(paths.channels_dir() / "nic_osfp_200g_pcb.toml", 53.125e9)["host_trace"][0]
    assert slope_pcb == pytest.approx(per_m, rel=0.03)


def test_verdict_flags_links_that_do_not_close():
    from types import SimpleNamespace

    from si_thermal.system.stages import StageSkipped
    from si_thermal.system.verdict import system_verdict

    g = SimpleNamespace(group="g", rate="224g", primary=True, il_margin_db=np.array([2.0, -1.0]),
                        com_margin_db=np.array([1.0, 0.5]), closing_fraction=0.5, length_m=np.array([1.0, 2.0]),
                        longest_m=2.0, curve=SimpleNamespace(com_skipped=None, reach_il_m=1.5, reach_com_m=1.2))
    r = SimpleNamespace(key="k", rack=SimpleNamespace(rack=SimpleNamespace(name="Sys", aux_name=None)),
                        si=SimpleNamespace(groups=[g]), cooling=StageSkipped("cooling", "x"), aux_cooling=None,
                        reliability=StageSkipped("reliability", "x"), power=None)
    v = system_verdict(r)
    assert v.works == "no (model)" and v.margin.startswith("-1.0 dB")
    assert any("links that do not close" in f for f in v.flags)
    g.il_margin_db = np.array([2.0, np.nan])
    assert any("non-finite" in f for f in system_verdict(r).flags)


def test_appendix_prints_engineering_units():
    from si_thermal.report.pdf import _value

    assert _value(120000.0, "rack_power") == "120 kW"
    assert _value(8000 * 3600.0, "mtbf") == "8,000 h"
    assert _value(13.5e6, "hardware_cost") == "13.5 MUSD"
    assert _value(None, "die_area") == "- (not given)"
    assert _value(8e-4, "die_area") == "800 mm^2"


def test_claim_kinds_are_known():
    assert Claim("c", "s", "v", "x", "supported").kind == "physics"


def test_every_flops_figure_states_its_basis():
    """Issue 11: FLOPS in the rack files say dense or sparse (or that the source does not say)."""
    for key, path in model.systems().items():
        k = config.load_rack(path).rack
        if k.fp4_pflops is not None:
            src = k.sources.get("fp4_pflops", "")
            assert "dense" in src or "not stated" in src, key
        if k.fp4_pflops_sparse is not None:
            assert "sparse" in k.sources.get("fp4_pflops_sparse", "") or "2:1" in k.sources.get("fp4_pflops_sparse", ""), key
