"""Channel assembly: passivity, reciprocity, 2-port/4-port consistency, Touchstone export, via notch."""

import math

import numpy as np
import pytest
import skrf

from si_thermal import config, paths
from si_thermal.errors import InputError
from si_thermal.si import channel as chan
from si_thermal.si import connector, via
from si_thermal.si.dielectric import djordjevic_sarkar
from si_thermal.si.metrics import il_db, rl_db
from si_thermal.si.tline import abcd_to_s

CHANNELS = sorted(p for p in paths.channels_dir().glob("*.toml") if "[channel]" in p.read_text())
F = np.linspace(0.0, 60e9, 121)


@pytest.mark.parametrize("path", CHANNELS, ids=lambda p: p.stem)
def test_shipped_channels_passive_and_reciprocal(path):
    net = chan.channel_network(path, F)
    assert net.s.shape == (len(F), 2, 2) and np.allclose(net.z0, 100.0)
    sv = np.linalg.svd(net.s, compute_uv=False)
    assert sv.max() <= 1.0 + 1e-9
    assert np.allclose(net.s[:, 0, 1], net.s[:, 1, 0], rtol=1e-9, atol=1e-12)
    assert il_db(net)[0] < 0.5  # near-DC loss is the DC resistance only
    assert np.all(np.diff(il_db(net)[F > 5e9]) > -1.0)  # loss grows with frequency (ripple < 1 dB)


def test_four_port_reduces_to_two_port():
    path = paths.channels_dir() / "nvl72_spine_26awg.toml"
    f = F[1:]
    net4 = chan.channel_network_4port(path, f)
    assert net4.nports == 4 and np.allclose(net4.z0, 50.0)
    mm = net4.copy()
    mm.se2gmm(p=2)  # ports 1,3 = input pair, 2,4 = output pair
    assert np.allclose(mm.s[:, :2, :2], chan.channel_network(path, f).s, atol=1e-12)
    assert np.linalg.svd(net4.s, compute_uv=False).max() <= 1.0 + 1e-9


def test_length_override_and_loss_per_metre():
    path = paths.channels_dir() / "nvl72_spine_26awg.toml"
    f = np.array([53.125e9])
    il1 = il_db(chan.channel_network(path, f, length_m=1.0))[0]
    il2 = il_db(chan.channel_network(path, f, length_m=2.0))[0]
    assert 6.0 < il2 - il1 < 9.0  # one metre of 26 AWG twinax
    with pytest.raises(InputError):
        chan.channel_network(path, f, length_m=-1.0)


def test_touchstone_roundtrip(tmp_path):
    path = paths.channels_dir() / "nvl72_spine_26awg.toml"
    net = chan.channel_network(path, F[1:])
    out = chan.write_touchstone(net, tmp_path / "ch.s2p")
    back = skrf.Network(str(out))
    assert np.allclose(back.s, net.s, atol=1e-6)
    with pytest.raises(InputError):
        chan.write_touchstone(net, tmp_path / "ch.s4p")


def test_via_stub_notch_at_quarter_wave():
    diel = djordjevic_sarkar(3.2, 0.0015, 10e9)
    stub = 1.5e-3
    f = np.linspace(1e9, 60e9, 2001)
    s = abcd_to_s(via.via_abcd(f, barrel_m=2e-3, stub_m=stub, drill_m=0.25e-3, pitch_m=1e-3, antipad_m=0.75e-3,
                               dielectric=diel), 100.0)
    f_notch = f[np.argmax(-20 * np.log10(np.abs(s[:, 1, 0])))]
    expected = 299_792_458.0 / (4 * stub * math.sqrt(diel.dk(f_notch)))
    assert f_notch == pytest.approx(expected, rel=0.01)
    assert via.stub_resonance_hz(stub, 3.2) == pytest.approx(299_792_458.0 / (4 * stub * math.sqrt(3.2)))


@pytest.mark.parametrize("rl_db", [200.0, 15.0])
def test_connector_model_is_causal(rl_db):
    """Impulse response of the matched connector section (1.2 dB at 56 GHz, 150 ps): a causal
    model sends nothing before its delay. Over 0 < t < delay/2 the D-S dielectric share leaves
    1.5e-6 of the response (band truncation); a loss proportional to f without its Kramers-Kronig
    phase (the previous model) leaked 4e-4 there, a Lorentzian precursor."""
    fmax, n, delay = 2e12, 2**16, 150e-12
    f = np.linspace(0.0, fmax, n + 1)[1:]
    s = abcd_to_s(connector.connector_abcd(f, il_db=1.2, rl_db=rl_db, f_ref_hz=56e9, delay_s=delay), 100.0)
    h_f = np.concatenate([[1.0], s[:, 1, 0]]) * np.cos(np.linspace(0.0, np.pi / 2, n + 1)) ** 2
    h = np.abs(np.fft.irfft(h_f))
    t = np.arange(h.size) / (2 * fmax)
    early = h[(t > 0) & (t < delay / 2)].sum() / h.sum()
    assert early < 1e-5
    i = np.argmin(np.abs(f - 56e9))
    assert -20 * np.log10(np.abs(s[i, 1, 0])) == pytest.approx(1.2, abs=0.02)  # the stated IL


def test_roughness_models_order():
    seg = config.load_channel(paths.channels_dir() / "nvl576_backplane.toml").segments[3]
    f = np.array([53.125e9])
    p = paths.channels_dir() / "x.toml"
    loss = {r: chan.stripline_media(seg.model_copy(update={"roughness": r}), f, p).loss_db_per_m()[0]
            for r in ("none", "hammerstad", "groisse", "huray")}
    assert loss["none"] < loss["hammerstad"] <= loss["groisse"] * 1.05
    assert loss["none"] < loss["huray"]


def test_channel_rl_is_finite():
    net = chan.channel_network(paths.channels_dir() / "vr_nvl72_midplane.toml", F[1:])
    assert np.all(np.isfinite(rl_db(net)))


def test_channel_argument_forms_agree():
    path = paths.channels_dir() / "vr_nvl72_midplane.toml"
    f = np.array([1e9, 56e9])
    ch = config.load_channel(path)
    a = chan.channel_network(path, f).s
    assert np.allclose(chan.channel_network((ch, path), f).s, a)
    assert np.allclose(chan.channel_network(ch, f).s, a)  # boards resolve from boards/ without a path
