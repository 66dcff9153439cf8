"""Rack files: every shipped system loads; bad input names the file and the field (issue 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from si_thermal import config
from si_thermal.errors import InputError
from si_thermal.system import model
from tests.conftest import ROOT

RACKS = ROOT / "boards" / "racks"
SYSTEMS = ("gb200_nvl72", "gb300_nvl72", "vr_nvl72", "vr_nvl144_dual", "rubin_ultra_nvl576", "vr_nvl144_cpx",
           "vr_cpx_dual_rack", "groq_lpx")


def test_every_article_system_is_shipped_and_loads():
    found = model.systems()
    assert set(SYSTEMS) <= set(found), set(SYSTEMS) - set(found)
    for key in SYSTEMS:
        rack = config.load_rack(found[key])
        assert rack.rack.source and rack.rack.sources, key  # every system cites its sources
        for link in rack.links:
            assert link.source and config.load_serdes().rates[link.rate]


def _edited(tmp_path: Path, old: str, new: str, name: str = "gb200_nvl72.toml") -> Path:
    text = (RACKS / name).read_text()
    assert old in text
    out = tmp_path / name
    out.write_text(text.replace(old, new, 1))
    return out


@pytest.mark.parametrize("old, new, field", [
    ("slots = [12, 13, 14, 15, 16, 17, 18, 19, 20]", "slots = [12, 13, 14, 15, 16, 17, 18, 19, 60]", "trays[2].slots"),
    ('connector_pos = ["150 mm", "450 mm"]', 'connector_pos = ["150 mm", "750 mm"]', "trays[2].connector_pos"),
    ('medium = "copper_cable"\nnvlink', 'medium = "carrier_pigeon"\nnvlink', "rack.medium"),
    ('medium = "copper_cable"\nchannel', 'medium = "smoke_signals"\nchannel', "links[0].medium"),
    ('channel = "nvl72_spine_26awg.toml"', 'channel = "no_such_channel.toml"', "links[0].channel"),
    ('rate = "200g"\nlanes', 'rate = "999g"\nlanes', "links[0].rate"),
    ('to_kind = "switch"', 'to_kind = "router"', "links[0].to_kind"),
    ('gpu_power = "1000 W"', 'gpu_power = "1000"', "rack.gpu_power"),
    ('die_area = "800 mm^2"', 'die_area = "800 mm^2"\nbogus = 1', "rack.bogus"),
])
def test_bad_rack_input_names_the_field(tmp_path, old, new, field):
    with pytest.raises(InputError) as err:
        config.load_rack(_edited(tmp_path, old, new))
    assert err.value.field == field, str(err.value)
    assert "gb200_nvl72.toml" in str(err.value)


def test_unknown_companion_system_is_an_input_error(tmp_path):
    path = _edited(tmp_path, 'companion = "vr_nvl72.toml"', 'companion = "vr_nvl999.toml"', "vr_cpx_dual_rack.toml")
    with pytest.raises(InputError) as err:
        config.load_rack(path)
    assert err.value.field == "rack.companion" and "unknown system" in err.value.message


def test_unknown_system_name_is_an_input_error():
    with pytest.raises(InputError, match="unknown system 'nvl9000'"):
        model.resolve(["nvl9000"])


def test_cli_report_unknown_system_one_line_exit_2(cli, tmp_path):
    res = cli("report", "nvl9000", "-o", str(tmp_path / "r.pdf"))
    assert res.returncode == 2
    lines = [x for x in res.stderr.strip().splitlines() if x.strip()]
    assert len(lines) == 1 and "unknown system 'nvl9000'" in lines[0] and "Traceback" not in res.stderr


def test_cli_bad_rack_file_one_line_exit_2(cli, tmp_path):
    path = _edited(tmp_path, "slots = [34, 35]", "slots = [34, 99]")
    res = cli("sweep", str(path), "--out", str(tmp_path / "s.csv"))
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "trays[3].slots" in res.stderr and "outside the rack" in res.stderr
