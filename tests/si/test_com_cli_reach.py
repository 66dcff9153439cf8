"""``si-thermal link`` and the COM reach (``si-thermal reach --criterion com`` calls reach_com)."""

from __future__ import annotations

import json
import warnings

import pytest

from si_thermal.paths import project_root, shared_dir
from si_thermal.si import com_reach

TS = shared_dir() / "data" / "touchstone"
needs_data = pytest.mark.skipif(not (TS / "example2_THRU.s4p").exists(), reason="../shared data absent")
CHANNEL = project_root() / "channels" / "nvl72_spine_26awg.toml"


@needs_data
def test_link_json_has_the_documented_keys(cli):
    r = cli("link", str(TS / "example2_THRU.s4p"), "--fext", str(TS / "example2_FEXT1.s4p"),
            "--next", str(TS / "example2_NEXT1.s4p"), "--std", "802.3by", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    for key in ("com_db", "fom_db", "eye_height_v", "eye_width_ui", "g_dc_db", "tx_ffe", "dfe", "notes"):
        assert key in d
    assert d["std"] == "802.3by" and d["port_order"] == "1-2/3-4"


@needs_data
def test_link_warns_on_a_short_band_and_plots(cli, tmp_path):
    out = tmp_path / "eye.png"
    r = cli("link", str(TS / "example2_THRU.s4p"), "--std", "802.3ck", "--plot", str(out))
    assert r.returncode == 0, r.stderr
    assert "COM" in r.stdout and "eye height" in r.stdout and "CTLE gDC" in r.stdout
    assert "extrapolated" in r.stderr and "40 GHz" in r.stderr
    assert out.stat().st_size > 10_000


def test_link_bad_input_exits_2(cli, tmp_path):
    r = cli("link", str(CHANNEL), "--std", "802.3xx")
    assert r.returncode == 2 and "unknown standard" in r.stderr and "Traceback" not in r.stderr
    r = cli("link", str(tmp_path / "none.s4p"))
    assert r.returncode == 2 and "not found" in r.stderr
    bad = tmp_path / "bad.s4p"
    bad.write_text("# GHz S MA R 50\nnot numbers\n")
    r = cli("link", str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_link_accepts_a_channel_toml(cli):
    r = cli("link", str(CHANNEL), "--rate", "224g", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["symbol_rate_hz"] == pytest.approx(112e9)


def test_com_reach_finds_the_threshold_crossing():
    """Reach at a 1.5 dB threshold by root-finding on COM (worst package case, with the connectors'
    crosstalk): COM meets the threshold at the reach and a solve at most 5 mm further does not (the
    bracket the root finder closed); COM falls with length (0.5 m shorter: well above). The bracket is
    checked on the solves themselves: COM ripples by ~0.1 dB with length (reflections), so it is not
    monotone on a 0.05 m scale."""
    p = com_reach.com_params_for("200g")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        known: dict[float, float] = {}
        reach = com_reach.com_reach_m(lambda x: com_reach.com_at_length(CHANNEL, p, x) - 1.5, 0.0, 5.0,
                                      known=known, xtol_m=5e-3)
        assert 0.2 < reach < 3.0 and known[round(reach, 6)] >= 0.0
        above = [x for x, m in known.items() if x > reach and m < 0]
        assert above and min(above) <= reach + 5e-3 + 1e-6   # cache keys are rounded to 1e-6 m
        assert com_reach.com_at_length(CHANNEL, p, reach - 0.5) > 2.5
