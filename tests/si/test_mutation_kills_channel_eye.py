"""Channel assembly and statistical eye: the survivors of the ``si-lines`` mutation run (issue 18,
``benchmarks/MUTATION.md``) that `test_mutation_kills_lines.py` left open: boards and Touchstone files named
relative to the channel file, the field-solver segments, a hand-written Touchstone block, the eye's phase
grid and its figure. Each check against an independent computation or a value written out by hand."""

from __future__ import annotations

import shutil
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest
import skrf

from si_thermal.si.xsection import solver


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Files and field solutions computed anew in every test (mutmut forks each mutant from the clean run)."""
    from si_thermal import caches

    solver._MEMORY["x"] = None
    caches.clear()
    assert not solver._MEMORY
    yield
    caches.clear()


# ---- channel assembly ------------------------------------------------------------------------------

_CHANNEL = """
[channel]
name = "beside"
description = "a channel whose board and Touchstone block sit beside it"
source = "test"
variable_segment = "trace"

[[segments]]
name = "trace"
medium = "stripline"
board = "{board}"
trace = "diff85_L03"
length = "0.1 m"

[[segments]]
name = "via"
medium = "via"
board = "{board}"
barrel_length = "1.0 mm"
drill_diameter = "0.25 mm"
antipad_diameter = "0.75 mm"
pitch = "1.0 mm"

[[segments]]
name = "block"
medium = "touchstone"
file = "{block}"
"""

R_SERIES, TAU = 30.0, 50e-12


def _block_s(f):
    """A series 30 ohm resistor followed by a matched 50 ps line, at 100 ohm: S11 = R/(2 Z0 + R),
    S21 = S12 = 2 Z0/(2 Z0 + R) e^(-j w tau), S22 = S11 e^(-2 j w tau) (Pozar table 4.2; the line only delays)."""
    d = np.exp(-2j * np.pi * np.asarray(f) * TAU)
    s = np.zeros((len(f), 2, 2), complex)
    s[:, 0, 0] = R_SERIES / (200 + R_SERIES)
    s[:, 1, 0] = s[:, 0, 1] = 200 / (200 + R_SERIES) * d
    s[:, 1, 1] = R_SERIES / (200 + R_SERIES) * d**2
    return s


def _write_block(folder: Path) -> Path:
    f = np.linspace(0.0, 50e9, 101)
    net = skrf.Network(frequency=skrf.Frequency.from_f(f, unit="Hz"), s=_block_s(f), z0=100.0, name="r30")
    out = folder / "blocks" / "r30.s2p"
    out.parent.mkdir()
    out.write_text(net.write_touchstone(return_string=True, skrf_comment=False))
    return out


def _beside(tmp_path: Path, board: str = "beside_m7.toml"):
    """A channel file in tmp_path whose board (a copy of host_tray_m7 under another name) and Touchstone
    block are named relative to it: no file of these names exists in boards/."""
    from si_thermal import config, paths

    shutil.copy(paths.boards_dir() / "host_tray_m7.toml", tmp_path / "beside_m7.toml")
    _write_block(tmp_path)
    path = tmp_path / "beside.toml"
    path.write_text(_CHANNEL.format(board=board, block="blocks/r30.s2p"))
    return config.load_channel(path), path


def test_boards_and_touchstone_blocks_resolve_beside_the_channel_file(tmp_path):
    """Every entry point reads the board beside the channel file (the same numbers as the shipped board of
    which it is a copy, named from boards/), and errors name the channel file."""
    from si_thermal import paths
    from si_thermal.errors import InputError
    from si_thermal.si import channel as chan

    ch, path = _beside(tmp_path)
    assert not (paths.boards_dir() / "beside_m7.toml").exists()
    ref = tmp_path / "ref" / "ref.toml"
    ref.parent.mkdir()
    _write_block(ref.parent)
    ref.write_text(_CHANNEL.format(board="host_tray_m7.toml", block="blocks/r30.s2p"))
    from si_thermal import config

    ch_ref = config.load_channel(ref)
    f = np.array([1e9, 26.5625e9])
    want = chan.channel_network((ch_ref, ref), f, length_m=0.2)
    np.testing.assert_allclose(chan.channel_network((ch, path), f, length_m=0.2).s, want.s, rtol=1e-12)
    np.testing.assert_allclose(chan.channel_network(path, f, length_m=0.2).s, want.s, rtol=1e-12)
    np.testing.assert_allclose(chan.channel_abcd((ch, path), f, length_m=0.2),
                               chan.channel_abcd((ch_ref, ref), f, length_m=0.2), rtol=1e-12)
    at = chan.channel_abcd_fn((ch, path), f)
    np.testing.assert_allclose(at(0.2), chan.channel_abcd((ch_ref, ref), f, length_m=0.2), rtol=1e-12)
    np.testing.assert_allclose(at(None), chan.channel_abcd((ch_ref, ref), f), rtol=1e-12)
    mm = chan.channel_network_4port((ch, path), f, length_m=0.2)
    np.testing.assert_allclose(mm.s, chan.channel_network_4port((ch_ref, ref), f, length_m=0.2).s, rtol=1e-12,
                               atol=1e-15)
    assert mm.name == "beside" and chan.channel_network((ch, path), f).name == "beside"
    seg = next(s for s in ch.segments if s.name == "trace")     # a segment's default mode is the differential one
    np.testing.assert_allclose(chan.segment_abcd(seg, f, path), chan.channel_abcd((ch.model_copy(update={
        "segments": [seg]}), path), f), rtol=1e-12)
    loss = chan.segment_loss_db_per_m((ch, path), f)
    np.testing.assert_allclose(loss["trace"], chan.segment_loss_db_per_m((ch_ref, ref), f)["trace"], rtol=1e-12)
    # errors name the channel file and the segment (by index and name)
    for call in (lambda: chan.channel_network((ch, path), f, length_m=-1.0),
                 lambda: chan.channel_network_4port((ch, path), f, length_m=-1.0),
                 lambda: chan.channel_abcd((ch, path), f, length_m=-1.0),
                 lambda: at(-1.0)):
        with pytest.raises(InputError) as err:
            call()
        assert err.value.file == str(path) and err.value.field == "length_m"
    long_via = ch.model_copy(update={"segments": [
        s.model_copy(update={"barrel_length": 2.7e-3, "stub_length": 0.1e-3}) if s.name == "via" else s
        for s in ch.segments]})
    for call in (lambda: chan.channel_network((long_via, path), f),
                 lambda: chan.channel_abcd_fn((long_via, path), f)):
        with pytest.raises(InputError) as err:
            call()
        assert err.value.file == str(path) and err.value.field == "segments[1] (via)"
    assert "longer than" in err.value.message
    # a ChannelFile alone resolves against the working directory, as a file named channel.toml there
    assert chan.load(ch) == (ch, Path.cwd() / "channel.toml")
    assert chan.load((ch, str(path))) == (ch, path)


def test_a_touchstone_block_is_its_file_between_the_planes(tmp_path):
    """A hand-written 2-port (series 30 ohm + 50 ps line at 100 ohm): the channel of that block alone is its
    S-parameters at frequencies between the file's points (|S| flat, phase linear: the dB/phase interpolation
    is exact); above the file's band the warning names the file; a 4-port of two uncoupled 50-ohm lines with
    thru paths 1-2 and 3-4 needs port_order = "1-2/3-4"."""
    from si_thermal import config
    from si_thermal.si import channel as chan

    ch, path = _beside(tmp_path)
    only = ch.model_copy(update={"segments": [s for s in ch.segments if s.name == "block"],
                                 "channel": ch.channel.model_copy(update={"variable_segment": None})})
    f = np.array([0.0, 1.23e9, 20.7e9, 49.9e9])
    np.testing.assert_allclose(chan.channel_network((only, path), f).s[1:], _block_s(f[1:]), atol=1e-9)
    with pytest.warns(Warning, match=str(tmp_path / "blocks" / "r30.s2p").replace("\\", "\\\\")):
        chan.channel_network((only, path), [1e9, 60e9])
    # the 4-port: two matched 50-ohm lines of 3 dB and 80 ps, thru 1 -> 2 and 3 -> 4
    fq = np.linspace(0.0, 50e9, 51)
    t = 10 ** (-3 / 20) * np.exp(-2j * np.pi * fq * 80e-12)
    s4 = np.zeros((len(fq), 4, 4), complex)
    s4[:, 1, 0] = s4[:, 0, 1] = s4[:, 3, 2] = s4[:, 2, 3] = t
    net = skrf.Network(frequency=skrf.Frequency.from_f(fq, unit="Hz"), s=s4, z0=50.0, name="pair")
    (tmp_path / "blocks" / "pair.s4p").write_text(net.write_touchstone(return_string=True, skrf_comment=False))
    seg = config.TouchstoneSegment(name="pair", medium="touchstone", file="blocks/pair.s4p", port_order="1-2/3-4")
    pair = only.model_copy(update={"segments": [seg]})
    fe = np.array([2.5e9, 31.25e9])
    te = 10 ** (-3 / 20) * np.exp(-2j * np.pi * fe * 80e-12)
    s = chan.channel_network((pair, path), fe).s
    np.testing.assert_allclose(s[:, 1, 0], te, atol=1e-9)
    np.testing.assert_allclose(s[:, 0, 0], 0.0, atol=1e-9)


def test_field_solver_segments_are_the_field_solvers_media(tmp_path):
    """``solver = "field"``: a stripline segment is the field solver's medium of that board's trace with the
    segment's roughness model (odd mode; the 4-port's common mode its even mode at 25 ohm), a twinax segment
    the field-solved pair of the segment's geometry; the closed forms differ from them (by 1-10 %)."""
    from si_thermal import config
    from si_thermal.si import channel as chan
    from si_thermal.si.tline import abcd_to_s
    from si_thermal.si.xsection.media import trace_media, twinax_media

    ch, path = _beside(tmp_path)
    f = np.array([1e9, 26.5625e9])
    trace = next(s for s in ch.segments if s.name == "trace").model_copy(
        update={"solver": "field", "roughness": "hammerstad"})
    one = ch.model_copy(update={"segments": [trace]})
    odd = trace_media(str(tmp_path / "beside_m7.toml"), "diff85_L03", f, "hammerstad", "odd")
    even = trace_media(str(tmp_path / "beside_m7.toml"), "diff85_L03", f, "hammerstad", "even")
    np.testing.assert_allclose(chan.channel_network((one, path), f).s, abcd_to_s(odd.abcd(0.1), 100.0), rtol=1e-9)
    mm = chan.channel_network_4port((one, path), f)
    mm.se2gmm(p=2)
    np.testing.assert_allclose(mm.s[:, 2:, 2:], abcd_to_s(even.abcd(0.1), 25.0), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(chan.segment_loss_db_per_m((one, path), f)["trace"], odd.loss_db_per_m(), rtol=1e-9)
    closed = chan.segment_loss_db_per_m((ch, path), f)["trace"]
    assert not np.allclose(closed, odd.loss_db_per_m(), rtol=1e-6)
    spine = config.load_channel(Path(__file__).resolve().parents[2] / "channels" / "nvl72_spine_26awg.toml")
    cable = next(s for s in spine.segments if s.name == "cable").model_copy(update={"solver": "field", "length": 1.0})
    d, s_m, shield = chan.twinax_geometry(cable)
    sigma = config.material(cable.conductor).conductivity
    pair = twinax_media(f, d, s_m, shield, sigma, chan._dielectric(cable.dielectric), cable.dielectric)
    got = chan.twinax_at(cable, f)
    np.testing.assert_allclose(got.abcd(1.0), pair.abcd(1.0), rtol=1e-9)
    np.testing.assert_allclose(chan.segment_abcd(cable, f, path), pair.abcd(1.0), rtol=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # the closed form warns outside its validity range (s/D = 0.5)
        closed_cable = chan.twinax_at(cable.model_copy(update={"solver": "closed_form"}), f)
    assert not np.allclose(closed_cable.loss_db_per_m(), pair.loss_db_per_m(), rtol=1e-6)


def test_frequency_steps_below_one_hertz_are_accepted_and_the_export_has_no_skrf_line(tmp_path):
    """Strictly increasing is the only rule on the grid (a 0.5 Hz step is a grid); the exported file starts with
    the caller's comments and carries no skrf banner line."""
    from si_thermal.si import channel as chan

    ch, path = _beside(tmp_path)
    net = chan.channel_network((ch, path), [1e9, 1e9 + 0.5])
    assert net.f[1] - net.f[0] == 0.5
    text = chan.write_touchstone(net, tmp_path / "x.s2p", "! mine\n").read_text()
    assert text.startswith("! mine\n") and "skrf" not in text.lower() and "scikit" not in text.lower()


# ---- statistical eye -------------------------------------------------------------------------------


def _link(m: int, sigma: float = 6e-3, base_ui: float = 1.0):
    """No ISI: a triangle of half-base ``base_ui`` UI (zero one UI away), Gaussian noise, PAM4, m samples/UI."""
    from si_thermal.si import com

    t = np.arange(m * 64)
    ts = 20 * m
    v = np.clip(1 - np.abs(t - ts) / (m * base_ui), 0, None) * 0.2
    return com.Equalized(v, (), ts, m, 4, 1.0, np.zeros(1), sigma, 0.0, 0.0, 5.0 / 9.0, 1e-6)


def test_eye_phases_cover_one_ui_for_odd_and_even_samples_per_ui():
    """The phases are the sample offsets -(m//2) .. m//2 in steps of ``step`` (the centre added when the
    steps miss it), over m samples per UI: for m = 31 that is -15 .. 15, for m = 32 -16 .. 16."""
    from si_thermal.si import eye

    for m, step, offs in ((31, 1, np.arange(-15, 16)), (31, 2, np.sort(np.append(np.arange(-15, 16, 2), 0))),
                          (32, 1, np.arange(-16, 17))):
        ey = eye.statistical_eye(_link(m), step=step)
        np.testing.assert_array_equal(ey.phase_ui, offs / m)
        np.testing.assert_allclose(ey.a_s_v, 0.2 * (1 - np.abs(offs) / m) / 3, rtol=1e-12)


def test_eye_error_ratio_is_one_half_where_the_cursor_vanishes_and_the_fine_grid_is_finer():
    """Where h(tau) = 0 exactly (a pulse narrower than the UI) the slicer decides on noise alone: DER = 1/2
    exactly (not the CDF at 0, which holds half the centre bin); the fine PMF grid (A_s/1000) gives A_ni at the
    centre within one fine step of sigma Q^-1(DER0), closer than the coarse grid's step."""
    from statistics import NormalDist

    from si_thermal.si import eye
    from si_thermal.si.com.noise import grid_for

    eq = _link(32, sigma=6e-3, base_ui=0.25)
    ey = eye.statistical_eye(eq, step=8)
    np.testing.assert_array_equal(ey.der[[0, 1, 3, 4]], 0.5)
    eq = _link(32, sigma=6e-3)
    exact = 6e-3 * -NormalDist().inv_cdf(1e-6)
    fine_step = grid_for(eq, 0.2 / 3, fine=True)[0]
    fine = eye.statistical_eye(eq, fine=True, step=16)
    i0 = int(np.nonzero(fine.phase_ui == 0)[0][0])
    assert abs(fine.a_ni_v[i0] - exact) < fine_step


def test_eye_width_stops_at_a_closed_plateau():
    """EH = 0 exactly (a closed eye: A_s = A_ni) is closed: the width runs between the crossings next to the
    open samples, not through a plateau of zeros to the next negative sample."""
    from si_thermal.si.eye import _width

    x = np.arange(7.0)
    assert _width(x, np.array([-1.0, 0.0, 0.0, 2.0, 0.0, 0.0, -1.0]), 3) == pytest.approx(2.0, abs=1e-12)
    assert _width(x, np.array([0.0, 0.0, 1.0, 3.0, 1.0, 0.0, 0.0]), 3) == pytest.approx(4.0, abs=1e-12)


def test_eye_figure_shows_the_density_and_the_bathtub(tmp_path):
    """The figure (Agg): left, log10 of the density (floor 1e-12, shown down to 1e-6) over phase (UI) and
    slicer voltage (mV), lower origin; right, the bathtub on a log axis with DER0 dashed red; the titles carry
    EH in mV and EW in UI; 11 x 4.2 in at 110 dpi (1210 x 462 px)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.colors as mcolors
    import matplotlib.pyplot as plt

    from si_thermal.si import eye

    rng = np.random.default_rng(3)
    phase = np.array([-0.5, -0.25, 0.0, 0.25, 0.5])
    y = np.linspace(-0.12, 0.12, 7)
    ey = eye.EyeResult(phase, np.full(5, 0.05), np.full(5, 0.01), np.array([3e-3, 1e-7, 2e-9, 1e-6, 1e-2]),
                       0.01234, 0.4567, 1e-5, y, rng.random((5, 7)) * 10.0 ** -rng.integers(0, 9, (5, 7)))
    out = tmp_path / "eye.png"
    fig = eye.plot_eye(ey, out, title="T")
    png = out.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (1210, 462)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["eye.png"] and fig.number not in plt.get_fignums()
    np.testing.assert_allclose(fig.get_size_inches(), (11, 4.2))
    ax1, ax2 = fig.axes
    assert ax1.get_position().x1 < ax2.get_position().x0            # side by side
    (im,) = ax1.images
    np.testing.assert_allclose(im.get_array(), np.log10(ey.density.T + 1e-12), rtol=1e-12)
    np.testing.assert_allclose(im.get_extent(), [-0.5, 0.5, -120.0, 120.0], rtol=1e-12)
    assert im.origin == "lower" and ax1.get_aspect() == "auto" and im.get_cmap().name == "viridis"
    assert im.get_clim() == (-6, pytest.approx(np.log10(ey.density.max() + 1e-12)))
    assert ax1.get_xlabel() == "sampling phase offset (UI)" and ax1.get_ylabel() == "slicer input (mV)"
    assert ax1.get_title() == "statistical eye T  EH 12.34 mV, EW 0.457 UI"
    bath, der0 = ax2.get_lines()
    np.testing.assert_array_equal(bath.get_xdata(), phase)
    np.testing.assert_array_equal(bath.get_ydata(), ey.der)
    assert mcolors.to_hex(bath.get_color()) == "#0000ff" and bath.get_linestyle() == "-"
    assert list(der0.get_ydata()) == [1e-5, 1e-5] and mcolors.to_hex(der0.get_color()) == "#ff0000"
    assert der0.get_linestyle() == "--" and der0.get_label() == "DER0 = 1e-05"
    assert [t.get_text() for t in ax2.get_legend().get_texts()] == ["DER0 = 1e-05"]
    assert ax2.get_yscale() == "log" and ax2.get_ylim() == pytest.approx((2e-10, 1.0))
    assert ax2.get_xlabel() == "sampling phase offset (UI)" and ax2.get_ylabel() == "error ratio"
    assert ax2.get_title() == "bathtub"
    # the bathtub's lower limit never below 1e-16
    low = eye.EyeResult(phase, ey.a_s_v, ey.a_ni_v, np.full(5, 1e-300), 0.0, 0.0, 1e-5, y, ey.density)
    low_fig = eye.plot_eye(low, tmp_path / "low.png")
    assert low_fig.axes[1].get_ylim() == pytest.approx((1e-16, 1.0))
    assert low_fig.axes[0].get_title() == "statistical eye   EH 0.00 mV, EW 0.000 UI"     # no title given
