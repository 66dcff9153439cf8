"""The SI sensitivity stage reuses the SI stage's COM at the longest link instead of solving it again:
the seed is exactly the curve's column at that length, carries the same aggressors link_com would name,
and is keyed on the input files' state (an edited channel never meets an old seed)."""

from __future__ import annotations

import numpy as np

from si_thermal import paths
from si_thermal.si import channel as chan
from si_thermal.si.com_reach import com_params_for
from si_thermal.si.crosstalk import aggressors
from si_thermal.system import sensitivity as sens
from si_thermal.system.links import ChannelCurve, GroupSI


def _group(longest=1.234):
    curve = ChannelCurve(channel="vr_nvl72_spine.toml", rate="224g", nyquist_hz=56e9, length_m=np.array([0.0, 2.0]),
                         il_db=np.array([20.0, 40.0]), budget_db=40.0, reach_il_m=1.8,
                         com_db=np.array([5.0, 3.5, 2.0]), com_length_m=np.array([0.0, 1.234, 2.0]),
                         com_db_cases=np.array([[5.0, 3.5, 2.0], [5.5, 3.9, 2.4]]))
    return GroupSI("g", "copper_cable", "vr_nvl72_spine.toml", "224g", True, curve, np.array([longest]),
                   np.array([1.0]), np.array([0.5]), 1.0, 1.0, longest, longest, 1.0, 2.0, 4.0)


def test_seed_is_the_si_stage_column_at_the_longest_link():
    assert sens.known_com(_group()) == (3.5, 3.9)
    assert sens.known_com(_group(longest=1.5)) is None  # not a solved length: solve it


def test_seeded_link_com_names_the_same_aggressors():
    pair = chan.load(paths.channels_dir() / "vr_nvl72_spine.toml")
    lc = sens._seeded_link_com(pair, com_params_for("224g"), 1.234, (3.5, 3.9))
    assert lc.com_db == (3.5, 3.9) and lc.worst_case == 0
    assert lc.aggressors == tuple(a.name for a in aggressors(pair, [1e9, 2e9], length_m=1.234))
    assert len(lc.aggressors) > 0


def test_seed_key_follows_the_input_files(tmp_path, monkeypatch):
    k1 = sens._key("vr_nvl72_spine.toml", "224g", 1.234)
    src = paths.channels_dir() / "vr_nvl72_spine.toml"
    copy = tmp_path / "channels"
    copy.mkdir()
    (copy / "vr_nvl72_spine.toml").write_text(src.read_text() + "\n# edited\n")
    monkeypatch.setattr(paths, "channels_dir", lambda: copy)
    assert sens._key("vr_nvl72_spine.toml", "224g", 1.234) != k1
