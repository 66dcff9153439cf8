"""Touchstone blocks: corrupt / wrong port count -> InputError; non-passive / short band -> warning;
the measured stripline pair of ../shared: loss per length by subtraction vs the stripline model."""

import math

import numpy as np
import pytest
import skrf

from si_thermal import paths
from si_thermal.errors import InputError
from si_thermal.si import touchstone
from si_thermal.si.dielectric import djordjevic_sarkar
from si_thermal.si.stripline import Stripline, StriplineGeometry

MEASURED = paths.shared_dir() / "data" / "touchstone"


def _write(net, tmp_path, name):
    net.write_touchstone(str(tmp_path / name))
    return tmp_path / f"{name}.s{net.nports}p"


def _line(f, loss_db=3.0, nports=2, gain=1.0):
    freq = skrf.Frequency.from_f(f, unit="Hz")
    s = np.zeros((len(f), nports, nports), dtype=complex)
    t = gain * 10 ** (-loss_db * f / f[-1] / 20) * np.exp(-2j * np.pi * f * 1e-10)
    if nports == 2:
        s[:, 0, 1] = s[:, 1, 0] = t
        return skrf.Network(frequency=freq, s=s, z0=100.0)
    for i in range(nports // 2):
        s[:, i, i + nports // 2] = s[:, i + nports // 2, i] = t
    return skrf.Network(frequency=freq, s=s, z0=50.0)


def test_corrupt_file(tmp_path):
    p = tmp_path / "bad.s2p"
    p.write_text("# GHz S MA R 50\n1 0.1 0 0.9 0 0.9\n garbage here\n")
    with pytest.raises(InputError, match="cannot read"):
        touchstone.read_sdd(p)


def test_wrong_port_count(tmp_path):
    p = _write(_line(np.linspace(1e9, 60e9, 11), nports=6), tmp_path, "six")
    with pytest.raises(InputError, match="6 ports"):
        touchstone.read_sdd(p)


def test_non_passive_warns_and_is_corrected(tmp_path):
    p = _write(_line(np.linspace(1e9, 60e9, 11), loss_db=0.0, gain=1.05), tmp_path, "gain")
    with pytest.warns(touchstone.TouchstoneWarning, match="not passive"):
        net = touchstone.read_sdd(p)
    assert np.linalg.svd(net.s, compute_uv=False).max() <= 1.0 + 1e-9


def test_four_port_pairs(tmp_path):
    p = _write(_line(np.linspace(1e9, 60e9, 11), loss_db=6.0, nports=4), tmp_path, "four")
    net = touchstone.read_sdd(p, "1-3/2-4")
    assert -20 * np.log10(abs(net.s[-1, 1, 0])) == pytest.approx(6.0, rel=1e-6)


@pytest.mark.skipif(not (MEASURED / "example2_THRU.s4p").is_file(), reason="../shared measured data absent")
def test_wrongly_paired_4port_is_an_input_error_naming_the_right_order():
    """example2_THRU's thru paths are 1 -> 2 and 3 -> 4; read as 1 -> 3 / 2 -> 4 its Sdd21 is a
    crosstalk-like 0.07 below 1 GHz (it used to pass silently as a 150+ dB 'channel')."""
    with pytest.raises(InputError, match='port_order = "1-2/3-4" gives 0.7'):
        touchstone.read_sdd(MEASURED / "example2_THRU.s4p", "1-3/2-4")
    with pytest.raises(InputError, match="not a thru block"):
        touchstone.read_sdd(MEASURED / "example2_FEXT1.s4p", "1-2/3-4")


def test_exported_4port_reads_back_with_the_default_order(tmp_path):
    """channel_network_4port writes thru paths 1 -> 3 and 2 -> 4 (skrf se2gmm(p=2): input pair 1, 2);
    read back with the default port_order it gives the channel's own Sdd."""
    from si_thermal.si.channel import channel_network, channel_network_4port

    ch = paths.project_root() / "channels" / "nvl72_spine_26awg.toml"
    f = np.linspace(1e8, 60e9, 61)
    out = tmp_path / "ch.s4p"
    out.write_text(channel_network_4port(ch, f).write_touchstone(return_string=True))
    back = touchstone.read_sdd(out)
    assert np.allclose(back.s, channel_network(ch, f).s, atol=1e-6)


def test_short_band_warns_with_extrapolation(tmp_path):
    f = np.linspace(1e9, 40e9, 40)
    net = touchstone.read_sdd(_write(_line(f, loss_db=8.0), tmp_path, "short"))
    with pytest.warns(touchstone.TouchstoneWarning, match="extrapolated linearly"):
        s = touchstone.resample(net, np.array([20e9, 56e9]))
    assert -20 * np.log10(abs(s[1, 1, 0])) == pytest.approx(8.0 * 56 / 40, rel=1e-3)



def test_extrapolated_band_is_kept_passive():
    """|S11| rising and |S21| falling slowly in dB: each stays below 0 dB when continued linearly,
    but |S11| + |S21| (the largest singular value of a symmetric block with equal phases) passes 1
    above the data; the extension must be scaled back to a passive block, with a warning."""
    f = np.linspace(1e9, 40e9, 81)
    a = 10 ** ((-12.0 + 4.0 * (f / 40e9)) / 20)  # S11 from -11.9 to -8 dB (-4 dB at 80 GHz)
    b = np.full_like(f, 10 ** (-6.0 / 20))  # S21 at -6 dB
    s = np.stack([np.stack([a, b], -1), np.stack([b, a], -1)], -2).astype(complex)
    assert np.linalg.svd(s, compute_uv=False)[:, 0].max() < 1.0
    net = skrf.Network(frequency=skrf.Frequency.from_f(f, unit="hz"), s=s, z0=100.0, name="toy")
    with pytest.warns(touchstone.TouchstoneWarning) as caught:
        out = touchstone.resample(net, np.linspace(1e9, 80e9, 160), label="toy")
    messages = " | ".join(str(w.message) for w in caught)
    assert "extrapolated linearly" in messages and "extrapolated band not passive" in messages
    assert np.linalg.svd(out, compute_uv=False)[:, 0].max() <= 1.0 + 1e-9


@pytest.mark.skipif(not (MEASURED / "pcb_stripline_238mm.s2p").is_file(), reason="../shared measured data absent")
def test_measured_stripline_loss_per_length_matches_model_shape():
    """Subtracting the 119 mm from the 238 mm line removes the coax launches: loss per length.
    The files are single-ended 50-ohm lines; the laminate is not stated. Their delay gives Dk_eff
    about 3.24. A plausible build (Dk 3.3 / Df 0.003 at 10 GHz, a 3.5 mil, 0.5 oz, 50-ohm strip
    centred between planes, RTF foil with the library's Huray parameters) follows the measurement
    within 10 % from 5 to 50 GHz. This is a consistency check of a chosen build, not validation:
    Df and the foil were picked with the data in view. The validation is the out-of-sample fit of
    test_stripline_out_of_sample.py. What this test does hold independently: the cannonball tile's
    full-coverage Huray ratio (14 pi/9) overshoots the measured loss more than 2x."""
    from scipy.optimize import brentq

    from si_thermal import config
    from si_thermal.si import conductor
    from si_thermal.si.stripline import mode_impedance_air

    a = skrf.Network(str(MEASURED / "pcb_stripline_119mm.s2p"))
    b = skrf.Network(str(MEASURED / "pcb_stripline_238mm.s2p"))
    f = a.frequency.f
    dl = 0.119
    meas = (20 * np.log10(np.abs(a.s[:, 1, 0])) - 20 * np.log10(np.abs(b.s[:, 1, 0]))) / dl
    phase = (np.unwrap(np.angle(a.s[:, 1, 0])) - np.unwrap(np.angle(b.s[:, 1, 0]))) / dl
    band = (f >= 5e9) & (f <= 50e9)
    dk_eff = np.median((phase[band] / (2 * math.pi * f[band]) * 299_792_458.0) ** 2)
    assert 3.1 < dk_eff < 3.4
    w, t = 3.5 * 25.4e-6, 17e-6
    h = brentq(lambda h: mode_impedance_air(StriplineGeometry(w, t, 1.0, h, h), "single") / math.sqrt(3.3) - 50,
               10e-6, 1e-3)
    g = StriplineGeometry(w, t, 1.0, h, h)
    diel = djordjevic_sarkar(3.3, 0.003, 10e9)
    rtf = config.material("foil_rtf")

    def model(k):
        return Stripline(f[band], g, 5.8e7, diel, strip_roughness=k, plane_roughness=k, mode="single")

    m = model(conductor.foil_factor(f[band], 5.8e7, rtf))
    assert abs(m.z0_characteristic).mean() == pytest.approx(50.0, rel=0.02)
    ratio = m.loss_db_per_m() / meas[band]
    assert np.all(np.abs(ratio - 1) < 0.10), f"model/measured from {ratio.min():.3f} to {ratio.max():.3f}"
    a_cb, ratio_cb = conductor.cannonball_huray(rtf.rz)
    full = model(conductor.huray_factor(f[band], 5.8e7, a_cb, ratio_cb)).loss_db_per_m() / meas[band]
    assert full.min() > 2.0, f"cannonball full ratio only {full.min():.2f}x the measurement"


@pytest.mark.skipif(not (MEASURED / "example2_THRU.s4p").is_file(), reason="../shared measured data absent")
def test_channel_with_measured_4port_block(tmp_path):
    """A channel holding the measured 4-port backplane thru (0-40 GHz, thru paths 1 -> 2 and 3 -> 4),
    extrapolated above 40 GHz with a warning, cascaded passively with a twinax segment."""
    from si_thermal.si.channel import channel_network
    from si_thermal.si.metrics import il_db

    p = tmp_path / "ts.toml"
    p.write_text(f"""
[channel]
name = "measured block + cable"
description = "test"
source = "test"
variable_segment = "cable"
[[segments]]
name = "thru"
medium = "touchstone"
file = "{MEASURED / 'example2_THRU.s4p'}"
port_order = "1-2/3-4"
[[segments]]
name = "cable"
medium = "twinax"
awg = 28
dielectric = "fep_foamed"
length = "0.5 m"
""")
    f = np.linspace(0.0, 56e9, 113)
    with pytest.warns(touchstone.TouchstoneWarning, match="extrapolated"):
        net = channel_network(p, f)
    assert np.linalg.svd(net.s, compute_uv=False).max() <= 1.0 + 1e-9
    il = il_db(net)
    thru = touchstone.read_sdd(MEASURED / "example2_THRU.s4p", "1-2/3-4")
    i20 = np.argmin(np.abs(f - 20e9))
    j20 = np.argmin(np.abs(thru.f - 20e9))
    assert il[i20] > -20 * np.log10(abs(thru.s[j20, 1, 0]))  # the cable adds loss
