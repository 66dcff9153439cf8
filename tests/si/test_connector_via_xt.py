"""Connectors inside their RL envelope, back-drilled via stubs, connector crosstalk (issue 10, item 4)."""

from __future__ import annotations

import numpy as np
import pytest

from si_thermal import config, paths
from si_thermal.errors import InputError
from si_thermal.si import channel as chan
from si_thermal.si import connector, crosstalk
from si_thermal.si.tline import abcd_to_s


def _s(il, rl, f_ref, delay, f):
    return abcd_to_s(connector.connector_abcd(f, il_db=il, rl_db=rl, f_ref_hz=f_ref, delay_s=delay), 100.0)


@pytest.mark.parametrize("il,rl,f_ref,delay", [(1.0, 15.0, 53.125e9, 100e-12), (1.2, 15.0, 56e9, 150e-12),
                                               (0.8, 20.0, 56e9, 100e-12)])
def test_connector_rl_stays_inside_its_envelope_and_il_is_met(il, rl, f_ref, delay):
    """The stated RL is a mask up to f_ref: the structure touches it (within 0.05 dB) and stays inside it,
    near it (within 1 dB) over under 8 % of the band (3-4 % here); the previous mismatched-line model was
    within 1 dB of it over 16-22 % of the band, touching it every 3-5 GHz. |S21(f_ref)| is the stated IL."""
    f = np.sort(np.r_[np.linspace(f_ref / 2000, f_ref, 4000), f_ref])
    s = _s(il, rl, f_ref, delay, f)
    r = -20 * np.log10(np.abs(s[:, 0, 0]))
    assert r.min() == pytest.approx(rl, abs=0.05)
    assert np.mean(r < rl + 1.0) < 0.08
    assert -20 * np.log10(abs(s[-1, 1, 0])) == pytest.approx(il, abs=1e-3)
    # reciprocal and passive everywhere on the band
    assert np.allclose(s[:, 0, 1], s[:, 1, 0])
    assert np.all(np.abs(s[:, 0, 0]) ** 2 + np.abs(s[:, 1, 0]) ** 2 <= 1 + 1e-12)


@pytest.mark.parametrize("kw", [dict(insertion_loss="0 dB", return_loss="15 dB"),
                                dict(insertion_loss="1 dB", return_loss="3 dB", next_loss="3 dB")])
def test_connector_no_passive_structure_can_meet_is_an_input_error(tmp_path, kw):
    """|S21|^2 + |S11|^2 + |NEXT|^2 + |FEXT|^2 > 1: one line naming the file and the segment."""
    p = tmp_path / "bad.toml"
    extra = "\n".join(f'{k} = "{v}"' for k, v in kw.items())
    p.write_text(f"""
[channel]
name = "bad connector"
description = "t"
source = "t"
[[segments]]
name = "c"
medium = "connector"
f_ref = "56 GHz"
{extra}
""")
    with pytest.raises(InputError, match="no passive connector") as err:
        config.load_channel(p)
    assert "segments" in str(err.value) and "bad.toml" in str(err.value)


def _channel(tmp_path, via_extra: str) -> object:
    p = tmp_path / "ch.toml"
    p.write_text(f"""
[channel]
name = "via test"
description = "t"
source = "t"
[[segments]]
name = "via"
medium = "via"
board = "{paths.boards_dir() / 'backplane_78L_m9.toml'}"
barrel_length = "5.9 mm"
drill_diameter = "0.25 mm"
antipad_diameter = "0.75 mm"
pitch = "1.0 mm"
{via_extra}
""")
    return p


def test_via_stub_default_is_the_back_drill_residual(tmp_path):
    ch = config.load_channel(_channel(tmp_path, ""))
    board = str(config.board_path(ch.segments[0].board, tmp_path / "ch.toml"))
    assert chan.via_stub_m(ch.segments[0], board) == pytest.approx(config.BACKDRILL_STUB_M)
    ch2 = config.load_channel(_channel(tmp_path, "back_drilled = false"))
    assert chan.via_stub_m(ch2.segments[0], board) == pytest.approx(chan.board_thickness_m(board) - 5.9e-3)


def test_via_stub_longer_than_the_board_is_an_input_error(tmp_path):
    p = _channel(tmp_path, 'stub_length = "8 mm"')
    with pytest.raises(InputError, match="longer than"):
        chan.channel_network(p, [10e9])


def test_connector_crosstalk_aggressors_analytic():
    """FEXT of connector k = S21(before) X S21(after) and NEXT = S21(after)^2 X with |X(f_ref)| the stated
    isolation: checked against the thru's own segment losses at f_ref."""
    path = paths.channels_dir() / "nvl72_spine_26awg.toml"
    ch = config.load_channel(path)
    f = np.array([53.125e9])
    aggs = {a.name: a for a in crosstalk.aggressors(path, f)}
    assert set(aggs) == {"FEXT gpu_connector", "NEXT gpu_connector", "FEXT switch_connector", "NEXT switch_connector"}
    blocks = chan.segment_blocks(ch, f, path)

    def il(bs):
        m = bs[0]
        for b in bs[1:]:
            m = m @ b
        return -20 * np.log10(abs(abcd_to_s(m, 100.0)[0, 1, 0]))

    k = 1  # gpu_connector
    fext = -20 * np.log10(abs(aggs["FEXT gpu_connector"].network.s[0, 1, 0]))
    nxt = -20 * np.log10(abs(aggs["NEXT gpu_connector"].network.s[0, 1, 0]))
    assert fext == pytest.approx(il(blocks[:k]) + 45.0 + il(blocks[k + 1:]), abs=1e-6)
    assert nxt == pytest.approx(2 * il(blocks[k + 1:]) + 40.0, abs=1e-6)


def test_channel_without_stated_crosstalk_has_no_aggressors(tmp_path):
    p = paths.channels_dir() / "nvl72_spine_26awg.toml"
    text = p.read_text().replace('next_loss = "40 dB"\n', "").replace('fext_loss = "45 dB"\n', "")
    q = tmp_path / "quiet.toml"
    q.write_text(text.replace('board = "host_tray_m7.toml"', f'board = "{paths.boards_dir() / "host_tray_m7.toml"}"'))
    assert crosstalk.aggressors(q, [53e9]) == ()
