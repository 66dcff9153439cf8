"""Workload profiles: sampling of segments and pulses, shipped examples, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from si_thermal import config
from si_thermal.errors import InputError
from tests.conftest import ROOT, run_cli

BASE = """
[profile]
name = "t"
source = "test"
period = "1 h"
rated_power = "100 kW"
resolution = "1 s"

[profile.pulses.step]
every = "10 s"
duration = "2 s"
power = "50 kW"

[[profile.segments]]
t = "0 s"
power = "100 kW"
pulses = ["step"]

[[profile.segments]]
t = "30 min"
power = "20 kW"
"""


def _load(tmp_path, text):
    f = tmp_path / "p.toml"
    f.write_text(text)
    return config.load_profile(f).profile


def test_profile_sampling(tmp_path):
    p = _load(tmp_path, BASE)
    t, load = p.sample(2 * 3600.0)
    assert t.size == 7200
    first = load[:1800]
    assert np.all(first[np.mod(t[:1800], 10) < 2] == 0.5) and np.all(first[np.mod(t[:1800], 10) >= 2] == 1.0)
    assert np.all(load[1800:3600] == 0.2)
    assert np.array_equal(load[3600:], load[:3600])  # repeats with the period
    assert np.mean(load[:3600]) == pytest.approx(0.5 * (0.8 * 1.0 + 0.2 * 0.5) + 0.5 * 0.2)


@pytest.mark.parametrize("name", ["training_rack.toml", "inference_rack.toml"])
def test_shipped_profiles_load(name):
    p = config.load_profile(ROOT / "boards/profiles" / name).profile
    _, load = p.sample()
    assert load.size == 86400 and 0 < load.min() and load.max() <= 1.0


@pytest.mark.parametrize("edit, field", [
    (('power = "20 kW"', 'power = "-20 kW"'), "segments[1].power"),
    (('t = "30 min"', 't = "0 s"'), "segments[1].t"),
    (('t = "30 min"', 't = "2 h"'), "segments[1].t"),
    (('duration = "2 s"', 'duration = "12 s"'), "duration"),
    (('pulses = ["step"]', 'pulses = ["stall"]'), "segments[0].pulses"),
])
def test_bad_profiles(tmp_path, edit, field):
    with pytest.raises(InputError, match=field.replace("[", r"\[").replace("]", r"\]")):
        _load(tmp_path, BASE.replace(*edit))


def test_cli_bad_profile_is_one_line_exit_2(tmp_path):
    f = tmp_path / "p.toml"
    f.write_text(BASE.replace('power = "20 kW"', 'power = "-20 kW"'))
    out = run_cli("backplane", str(ROOT / "boards/backplane_78L_m9.toml"), "--profile", str(f))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "p.toml" in lines[0] and "power" in lines[0]
