"""Checks of the Touchstone reader and the COM reach root finder, added after mutation testing (issue 18,
group ``si-io`` of ``benchmarks/MUTATION.md``).

Touchstone: small files written here by hand (their numbers known: a matched lossy line, a non-passive
block, NaN, thru paths 1-3/2-4 and 1-2/3-4 with a known FEXT), the S-parameters read back against closed
forms (the line's ABCD at another reference impedance, the mixed-mode Sdd21 = (S31 - S32 - S41 + S42)/2),
and every check's edge. COM reach: the root finder on stand-in COM curves (linear, convex, concave,
stepped) with analytic roots, and :func:`link_com` / :func:`reach_com` with the COM solve replaced by a
known function (a real COM solve takes seconds; the COM itself is the ``si-com`` group's)."""

from __future__ import annotations

import math
import re
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
import skrf

from si_thermal import caches, paths
from si_thermal.errors import ConvergenceError, InputError
from si_thermal.si import channel as chan
from si_thermal.si import com_reach, touchstone

CHANNEL = paths.project_root() / "channels" / "nvl72_spine_26awg.toml"


@pytest.fixture(autouse=True)
def _fresh_caches():
    """mutmut forks each mutant from the process that ran the clean tests: the parsed-file cache of
    :mod:`touchstone` is emptied so a mutant reads the files itself."""
    caches.clear()
    yield
    caches.clear()


# ---------------------------------------------------------------- Touchstone files written by hand


def _pairs(row) -> str:
    return " ".join(f"{complex(v).real!r} {complex(v).imag!r}" for v in row)


def _write(path, f, s, z0=50.0, unit="Hz", scale=1.0):
    """A v1 Touchstone file (RI) of S (N, n, n): 2-port in the order S11 S21 S12 S22, else row by row."""
    n = s.shape[1]
    lines = ["! written by test_mutation_kills_io", f"# {unit} S RI R {z0:g}"]
    for fi, m in zip(f, s):
        if n == 2:
            lines.append(f"{float(fi / scale)!r} {_pairs([m[0, 0], m[1, 0], m[0, 1], m[1, 1]])}")
        else:
            lines.append(f"{float(fi / scale)!r} {_pairs(m[0])}")
            lines += [f"  {_pairs(m[k])}" for k in range(1, n)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _thru(f, loss_db_at_top=6.0, delay_s=0.3e-9, mag=1.0):
    """A matched line's transmission: |t| falling linearly in dB to ``loss_db_at_top`` at f[-1], a delay."""
    return mag * 10 ** (-loss_db_at_top * f / f[-1] / 20) * np.exp(-2j * np.pi * f * delay_s)


def _two_port(s11, s21, s12=None, s22=None):
    s12 = s21 if s12 is None else s12
    s22 = s11 if s22 is None else s22
    return np.stack([np.stack([s11, s12], -1), np.stack([s21, s22], -1)], -2).astype(complex)


def _net(f, s, z0=50.0):
    return skrf.Network(frequency=skrf.Frequency.from_f(np.asarray(f, float), unit="hz"), s=s, z0=z0, name="toy")


def test_matched_50_ohm_line_is_renormalised_to_100_ohm_as_its_abcd_says(tmp_path):
    """A 50-ohm matched line (S11 = 0, S21 = t) seen from 100-ohm ports: ABCD [[ch, Zc sh], [sh/Zc, ch]]
    with ch = (1/t + t)/2, sh = (1/t - t)/2, S at Z0 = 100 (Pozar table 4.2). File precision: 17 digits."""
    f = np.linspace(1e8, 60e9, 50)
    t = _thru(f, 9.0)
    p = _write(tmp_path / "line50.s2p", f, _two_port(np.zeros_like(t), t))
    net = touchstone.read_sdd(p)
    ch, sh, zc, z0 = (1 / t + t) / 2, (1 / t - t) / 2, 50.0, 100.0
    den = ch + sh * zc / z0 + sh / zc * z0 + ch
    np.testing.assert_allclose(net.s[:, 1, 0], 2 / den, rtol=1e-9)
    np.testing.assert_allclose(net.s[:, 0, 1], 2 / den, rtol=1e-9)
    np.testing.assert_allclose(net.s[:, 0, 0], (sh * zc / z0 - sh / zc * z0) / den, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(net.z0, 100.0)
    np.testing.assert_allclose(net.f, f)
    assert net.name == "line50"
    # the same line stated at 100 ohm is taken as it is
    p100 = _write(tmp_path / "line100.s2p", f, _two_port(np.zeros_like(t), t), z0=100.0)
    back = touchstone.read_sdd(p100)
    np.testing.assert_allclose(back.s[:, 1, 0], t, rtol=1e-12)
    np.testing.assert_allclose(back.s[:, 0, 0], 0.0, atol=1e-15)


def _four_port(f, t, x, order):
    """Two matched lines with thru t and FEXT x between them (no NEXT, no reflection), single-ended."""
    s = np.zeros((len(f), 4, 4), dtype=complex)
    (i1, o1), (i2, o2) = ((0, 2), (1, 3)) if order == "1-3/2-4" else ((0, 1), (2, 3))
    for a, b, v in ((i1, o1, t), (i2, o2, t), (i1, o2, x), (i2, o1, x)):
        s[:, a, b] = s[:, b, a] = v
    return s


@pytest.mark.parametrize("order", ["1-3/2-4", "1-2/3-4"])
def test_four_port_sdd_is_the_mixed_mode_thru_minus_fext(tmp_path, order):
    """Input pair (P, N), output pair: Sdd21 = (S_oP,iP - S_oP,iN - S_oN,iP + S_oN,iN)/2 = t - x and
    Sdd11 = 0 for two matched lines with FEXT x; the pair reference 2 x 50 = 100 ohm (no renormalisation)."""
    f = np.linspace(1e8, 50e9, 60)
    t, x = _thru(f, 10.0, mag=0.95), 0.03 * np.exp(-1j * np.pi * f / 50e9)
    p = _write(tmp_path / "pair.s4p", f, _four_port(f, t, x, order))
    net = touchstone.read_sdd(p, order)
    np.testing.assert_allclose(net.s[:, 1, 0], t - x, rtol=1e-9)
    np.testing.assert_allclose(net.s[:, 0, 1], t - x, rtol=1e-9)
    np.testing.assert_allclose(net.s[:, 0, 0], 0.0, atol=1e-12)
    np.testing.assert_allclose(net.z0, 100.0)
    assert net.s.shape == (60, 2, 2) and net.name == "pair"


def test_port_order_error_names_the_mean_low_band_sdd21_of_both_orders(tmp_path):
    """Written 1-2/3-4, read 1-3/2-4: the "thru" is the FEXT, |Sdd21| = |x|; the mean is over f <= 1 GHz
    (points 0.1 ... 1.0 GHz: 10 of them on a 100 MHz grid), and the right order's mean |t - x| is named."""
    f = np.arange(1, 201) * 1e8
    x = 0.005 * np.minimum(f / 1e8, 15.0)
    t = _thru(f, 12.0, mag=0.9)
    p = _write(tmp_path / "wrong.s4p", f, _four_port(f, t, x, "1-2/3-4"))
    low = f <= 1e9
    with pytest.raises(InputError) as err:
        touchstone.read_sdd(p)                       # default 1-3/2-4
    assert err.value.field == "port_order"
    assert f"|Sdd21| = {x[low].mean():.3g} below 1 GHz" in err.value.message
    assert f'port_order = "1-2/3-4" gives {np.abs(t - x)[low].mean():.3g}' in err.value.message
    with pytest.raises(InputError) as err:
        touchstone.read_sdd(p, "1-3/2-4", field="segments[2].port_order")
    assert err.value.field == "segments[2].port_order"
    # and the other way round
    p2 = _write(tmp_path / "wrong2.s4p", f, _four_port(f, t, x, "1-3/2-4"))
    with pytest.raises(InputError, match=f'port_order = "1-3/2-4" gives {np.abs(t - x)[low].mean():.3g}'):
        touchstone.read_sdd(p2, "1-2/3-4")


def test_low_band_mean_uses_the_first_six_points_on_a_coarse_grid(tmp_path):
    """On a 1 GHz grid from 0.5 GHz, the 'below 1 GHz' set is the first 6 points (one alone says little)."""
    f = (np.arange(40) + 0.5) * 1e9
    x = 0.002 * (np.arange(40) + 1.0)
    x[20:] = 0.0
    t = _thru(f, 12.0, mag=0.9)
    p = _write(tmp_path / "coarse.s4p", f, _four_port(f, t, x, "1-2/3-4"))
    with pytest.raises(InputError, match=rf"\|Sdd21\| = {x[:6].mean():.3g} below"):
        touchstone.read_sdd(p, "1-3/2-4")


def test_crosstalk_only_file_is_not_a_thru_block(tmp_path):
    f = np.linspace(1e8, 40e9, 40)
    p = _write(tmp_path / "xt.s4p", f, _four_port(f, 0.05 + 0 * f, 0.04 + 0 * f, "1-2/3-4"))
    for order in ("1-3/2-4", "1-2/3-4"):
        with pytest.raises(InputError, match=r"\(thru paths\): not a thru block$"):
            touchstone.read_sdd(p, order)


def test_a_thru_with_a_weak_low_band_passes_with_the_right_order(tmp_path):
    """|t - x| = 0.12 at and below 1 GHz, 0.05 above: the mean below 1 GHz (0.12) passes the 0.1 limit."""
    f = np.arange(1, 101) * 2e8
    t = np.where(f <= 1e9, 0.12, 0.05) + 0j
    p = _write(tmp_path / "weak.s4p", f, _four_port(f, t, 0 * f, "1-3/2-4"))
    net = touchstone.read_sdd(p, "1-3/2-4")
    np.testing.assert_allclose(np.abs(net.s[:, 1, 0]), np.abs(t), rtol=1e-9)


def test_read_sdd_missing_file_and_port_counts(tmp_path):
    with pytest.raises(InputError, match="not found") as err:
        touchstone.read_sdd(tmp_path / "none.s2p", field="segments[0].file")
    assert err.value.field == "segments[0].file"
    f = np.linspace(1e9, 40e9, 12)
    one = tmp_path / "one.s1p"
    one.write_text("# Hz S RI R 50\n" + "\n".join(f"{float(v)!r} 0.1 0.0" for v in f) + "\n")
    with pytest.raises(InputError, match="1 ports"):
        touchstone.read_sdd(one)
    with pytest.raises(InputError, match="3 ports"):
        touchstone.check_network(_net(f, np.zeros((12, 3, 3), complex)), "x.s3p")


def test_point_count_and_frequency_checks():
    f = np.linspace(1e9, 40e9, 10)
    s = _two_port(0 * f, 0.5 + 0 * f)
    assert touchstone.check_network(_net(f, s), "ok") is not None            # 10 points: enough
    with pytest.raises(InputError, match="9 frequency points"):
        touchstone.check_network(_net(f[:9], s[:9]), "nine")
    f0 = np.linspace(0.0, 40e9, 10)                                        # a DC point is a frequency
    assert touchstone.check_network(_net(f0, s), "dc").f[0] == 0.0
    with pytest.raises(InputError, match="negative frequency"):
        touchstone.check_network(_net(f0 - 1.0, s), "neg")
    g = f.copy()
    g[4] = g[3]
    with pytest.raises(InputError, match=r"point 5 .* follows"):
        touchstone.check_network(_net(g, s), "repeat")
    fine = 1e9 + np.arange(12) * 0.5                                    # 0.5 Hz steps: still increasing
    assert touchstone.check_network(_net(fine, s), "fine").f[1] == 1e9 + 0.5
    fine[7] = fine[6]
    with pytest.raises(InputError, match=r"point 8 \("):
        touchstone.check_network(_net(fine, s), "fine")
    net = _net(f, s)
    net.frequency._f = f.copy()
    net.frequency._f[-1] = np.nan
    with pytest.raises(InputError, match="non-finite frequency"):
        touchstone.check_network(net, "nanf")


def test_reference_impedance_and_non_finite_s():
    f = np.linspace(1e9, 40e9, 12)
    s = _two_port(0 * f, 0.5 + 0 * f)
    low = _net(f, s, z0=0.5)                               # a 0.5 ohm reference (PDN measurements) is one
    assert np.allclose(touchstone.check_network(low, "pdn").z0, 0.5)
    for bad in (0.0, -50.0, np.inf):
        net = _net(f, s)
        net.z0 = np.full((12, 2), bad, dtype=complex)
        with pytest.raises(InputError, match="reference impedance"):
            touchstone.check_network(net, "z0")
    s2 = s.copy()
    s2[7, 1, 1] = np.nan
    with pytest.raises(InputError, match=re.escape(f"non-finite S-parameters (NaN or inf) at {f[7]:g} Hz")):
        touchstone.check_network(_net(f, s2), "nan")
    s2[7, 1, 1] = 0.0
    s2[3, 0, 1] = np.inf
    with pytest.raises(InputError, match=re.escape(f"at {f[3]:g} Hz")):
        touchstone.check_network(_net(f, s2), "inf")


def test_nan_in_a_file_is_an_input_error_naming_the_file_and_field(tmp_path):
    f = np.linspace(1e9, 40e9, 12)
    s = _two_port(0 * f, 0.5 + 0 * f)
    p = _write(tmp_path / "nan.s2p", f, s)
    p.write_text(p.read_text().replace("0.5 0.0", "nan 0.0", 1))
    with pytest.raises(InputError, match="non-finite S-parameters") as err:
        touchstone.read_network(p, "segments[1].file")
    assert err.value.file == str(p) and err.value.field == "segments[1].file"


@pytest.mark.parametrize(("top", "ok"), [(100e6, True), (99.9e6, False), (2e12, True), (2.001e12, False)])
def test_band_top_limits(top, ok):
    f = np.linspace(top / 20, top, 20)
    net = _net(f, _two_port(0 * f, 0.5 + 0 * f))
    if ok:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", touchstone.TouchstoneWarning)   # outside the usual band
            touchstone.check_network(net, "band")
    else:
        with pytest.raises(InputError, match="does not fit the data"):
            touchstone.check_network(net, "band")


@pytest.mark.parametrize(("top", "warns"), [(1e9, False), (0.999e9, True), (500e9, False), (501e9, True)])
def test_band_top_usual_range_warning(top, warns):
    f = np.linspace(top / 20, top, 20)
    net = _net(f, _two_port(0 * f, 0.5 + 0 * f))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        touchstone.check_network(net, "usual")
    assert any("outside the usual" in str(w.message) for w in caught) == warns


def test_a_file_in_ghz_read_as_hz_names_its_unit(tmp_path):
    f = np.linspace(1e9, 60e9, 30)
    p = _write(tmp_path / "ghz.s2p", f, _two_port(0 * f, 0.5 + 0 * f), unit="Hz", scale=1e9)
    with pytest.raises(InputError, match=r"written in GHz\?"):
        touchstone.read_network(p)


def test_a_file_in_mhz_read_as_ghz_names_its_unit(tmp_path):
    """The hint starts from the option line's unit: 60000 'GHz' is 60 GHz written in MHz."""
    f = np.linspace(1e9, 60e9, 30)
    p = _write(tmp_path / "mhz.s2p", f * 1e3, _two_port(0 * f, 0.5 + 0 * f), unit="GHz", scale=1e9)
    with pytest.raises(InputError, match=r"frequency unit \(GHz\) does not fit the data \(written in MHz\?\)"):
        touchstone.read_network(p)


def test_unit_hint_puts_the_band_top_at_5_to_500_ghz():
    assert touchstone._unit_hint(60.0, "Hz") == "GHz"          # 60 read as Hz: written in GHz
    assert touchstone._unit_hint(5.0, "Hz") == "GHz"           # the edges are inside
    assert touchstone._unit_hint(500.0, "Hz") == "GHz"
    assert touchstone._unit_hint(4.99, "Hz") == "another unit"
    assert touchstone._unit_hint(60e3 * 1e9, "GHZ") == "MHz"   # 60000 read as GHz: written in MHz
    assert touchstone._unit_hint(60e6 * 1e6, "mhz") == "kHz"   # 6e7 read as MHz: written in kHz
    assert touchstone._unit_hint(60e9 * 1e3, "kHz") == "Hz"    # 6e10 read as kHz: written in Hz
    assert touchstone._unit_hint(6.0, "furlong") == "GHz"      # an unknown unit: the number as it is
    assert touchstone._unit_hint(60e12, "THz") == "GHz"


def test_passivity_repair_up_to_max_gain_and_refusal_above():
    """S = [[r, g], [g, r]]: singular values |g| + |r| and ||g| - |r||. Up to 1.1 the frequencies above 1
    are scaled to a singular value of exactly 1 (direction kept), the others untouched; above 1.1: error."""
    f = np.linspace(1e9, 40e9, 12)
    g = np.full(12, 0.8)
    g[[3, 8]] = [0.95, 0.98]            # largest singular values 1.05 and 1.08 (S11 = S22 = 0.1)
    net = _net(f, _two_port(0.1 + 0 * f, g))
    with pytest.warns(touchstone.TouchstoneWarning, match="^gain: not passive at 2 of 12"):
        out = touchstone.check_network(net, "gain")
    sv = np.linalg.svd(out.s, compute_uv=False)
    np.testing.assert_allclose(sv[[3, 8], 0], 1.0, rtol=1e-12)
    np.testing.assert_allclose(out.s[3], net.s[3] / 1.05, rtol=1e-12)
    np.testing.assert_allclose(np.delete(out.s, [3, 8], 0), np.delete(net.s, [3, 8], 0), rtol=0)
    assert out is not net and net.s[3, 1, 0] == 0.95            # the input is left as it was
    assert np.isclose(sv[:, 0], 0.9).sum() == 10
    big = _net(f, _two_port(0.1 + 0 * f, np.where(np.arange(12) == 5, 1.0001, 0.8)))
    with pytest.raises(InputError, match=r"not passive: largest singular value of S 1\.1 "):
        touchstone.check_network(big, "big")
    edge = _net(f, _two_port(0.1 + 0 * f, np.where(np.arange(12) == 5, 0.9999, 0.8)))
    with pytest.warns(touchstone.TouchstoneWarning):
        assert np.linalg.svd(touchstone.check_network(edge, "edge").s, compute_uv=False).max() <= 1 + 1e-12


def test_passive_tolerance_is_one_ppm_and_a_passive_network_is_returned_as_is():
    f = np.linspace(1e9, 40e9, 12)
    net = _net(f, _two_port(0 * f, np.full(12, 1.0 + 5e-7)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert touchstone.check_network(net, "ppm") is net
    s = _two_port(0 * f, np.full(12, 1.0 + 3e-6))
    with pytest.warns(touchstone.TouchstoneWarning, match="at 12 of 12"):
        fixed = touchstone._passive(s, "x")
    np.testing.assert_allclose(np.abs(fixed[:, 1, 0]), 1.0, rtol=1e-14)
    half = np.full((12, 1, 1), 0.5 + 0j)
    assert touchstone._passive(half, "y") is half                 # nothing to repair: the same array


def test_v1_noise_block_is_refused(tmp_path):
    f = np.linspace(1e9, 20e9, 12)
    p = _write(tmp_path / "noisy.s2p", f, _two_port(0.1 + 0 * f, 0.5 + 0 * f), unit="GHz", scale=1e9)
    p.write_text(p.read_text() + "1.0 1.5 0.5 10.0 0.3\n2.0 1.6 0.5 20.0 0.3\n")
    with pytest.raises(InputError, match="noise-parameter block"):
        touchstone.read_network(p)


def test_read_network_reads_a_changed_file_again_and_hands_out_copies(tmp_path):
    f = np.linspace(1e9, 40e9, 12)
    p = _write(tmp_path / "a.s2p", f, _two_port(0 * f, 0.5 + 0 * f))
    first = touchstone.read_network(p)
    first.s[:, 1, 0] = 0.25                                     # a caller's change stays the caller's
    np.testing.assert_allclose(touchstone.read_network(p).s[:, 1, 0], 0.5)
    _write(p, f, _two_port(0 * f, 0.4 + 0 * f), z0=75.0)          # other numbers, other size
    again = touchstone.read_network(p)
    np.testing.assert_allclose(again.s[:, 1, 0], 0.4)
    np.testing.assert_allclose(again.z0, 75.0)


def test_corrupt_file_error_names_the_file_and_field(tmp_path):
    p = tmp_path / "bad.s2p"
    p.write_text("# GHz S MA R 50\n1 0.1 0 0.9 0 0.9\n garbage here\n")
    with pytest.raises(InputError, match="cannot read Touchstone file") as err:
        touchstone.read_network(p, "segments[3].file")
    assert err.value.file == str(p) and err.value.field == "segments[3].file"
    (tmp_path / "folder.s2p").mkdir()
    with pytest.raises(InputError) as err:
        touchstone.read_network(tmp_path / "folder.s2p", "segments[4].file")
    assert err.value.field == "segments[4].file"


def test_read_sdd_errors_name_the_field(tmp_path):
    p = tmp_path / "bad.s4p"
    p.write_text("# GHz S MA R 50\n1 0.1 0 0.9 0 0.9\n garbage here\n")
    with pytest.raises(InputError, match="cannot read Touchstone file") as err:
        touchstone.read_sdd(p, field="segments[3].file")
    assert err.value.file == str(p) and err.value.field == "segments[3].file"
    f = np.linspace(1e9, 40e9, 12)
    big = _write(tmp_path / "big.s2p", f, _two_port(0.1 + 0 * f, 1.2 + 0 * f))
    with pytest.raises(InputError, match="not passive") as err:
        touchstone.read_sdd(big, field="segments[5].file")
    assert err.value.field == "segments[5].file"


def test_a_rewritten_file_of_another_size_is_read_again_at_the_same_mtime(tmp_path):
    """The parsed-file cache is keyed by path, mtime and size: a file rewritten within the clock's
    resolution (same mtime) but of another length is parsed again."""
    import os

    f = np.linspace(1e9, 40e9, 12)
    p = _write(tmp_path / "same.s2p", f, _two_port(0 * f, 0.5 + 0 * f))
    st = os.stat(p)
    np.testing.assert_allclose(touchstone.read_network(p).s[:, 1, 0], 0.5)
    _write(p, f, _two_port(0 * f, 0.25 + 0 * f))
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(p).st_size != st.st_size
    np.testing.assert_allclose(touchstone.read_network(p).s[:, 1, 0], 0.25)


# ---------------------------------------------------------------- resampling


def _line_with_knee(f, knee=0.75):
    """|S21| flat (-1 dB) up to the knee of the band, then falling 0.5 dB/GHz; delay 0.2 ns below the knee,
    0.35 ns above. S11 = S22/3 rising linearly in dB; S22 at -30 dB flat. Linear in f on each side."""
    fk = f[0] + knee * (f[-1] - f[0])
    s21_db = -1.0 - 0.5 * np.maximum(f - fk, 0) / 1e9
    ph = -2 * np.pi * (0.2e-9 * np.minimum(f, fk) + 0.35e-9 * np.maximum(f - fk, 0))
    s11_db = -20.0 + 6.0 * f / f[-1]
    s = np.zeros((len(f), 2, 2), complex)
    s[:, 1, 0] = s[:, 0, 1] = 10 ** (s21_db / 20) * np.exp(1j * ph)
    s[:, 0, 0] = 10 ** (s11_db / 20)
    s[:, 1, 1] = 10 ** (-30.0 / 20)
    return s, fk


def test_resample_in_band_interpolates_db_and_unwrapped_phase():
    """On a grid where the phase moves by 0.9 rad per step, dB and unwrapped phase linear in f on each side
    of the knee (a grid point) are interpolated exactly; below the band the lowest point is held."""
    f = np.linspace(1e9, 41e9, 81)
    s, fk = _line_with_knee(f)
    net = _net(f, s, 100.0)
    fn = np.array([0.0, 2.25e9, 17.7e9, 30.9e9, fk, 40.3e9, 40.8e9, 41e9])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = touchstone.resample(net, fn)
    want21 = 10 ** ((-1.0 - 0.5 * np.maximum(fn - fk, 0) / 1e9) / 20) * np.exp(
        -2j * np.pi * (0.2e-9 * np.minimum(fn, fk) + 0.35e-9 * np.maximum(fn - fk, 0)))
    want21[0] = s[0, 1, 0]
    np.testing.assert_allclose(out[:, 1, 0], want21, rtol=1e-9)
    np.testing.assert_allclose(out[:, 0, 1], want21, rtol=1e-9)
    np.testing.assert_allclose(np.abs(out[1:, 0, 0]), 10 ** ((-20.0 + 6.0 * fn[1:] / f[-1]) / 20), rtol=1e-9)
    np.testing.assert_allclose(out[:, 1, 1], 10 ** (-30.0 / 20), rtol=1e-9)


def test_resample_fit_is_over_the_top_quarter_exactly():
    """A grid with a point (30.7 GHz) just below the top quarter's start (31 GHz) and S21 bent at 30.9 GHz:
    the fit over f >= 31 GHz holds only points past the bend, so the extension is the line beyond it."""
    f = np.linspace(1e9, 41e9, 81)
    f[59] = 30.7e9                                         # was 30.5 GHz
    s21_db = np.where(f < 30.9e9, -1.0, -1.0 - 0.5 * (f - 30.9e9) / 1e9)
    net = _net(f, _two_port(0.01 + 0 * f, 10 ** (s21_db / 20) + 0j))
    with pytest.warns(touchstone.TouchstoneWarning, match="^toy: data end at 41 GHz.*fit over 31-41 GHz"):
        out = touchstone.resample(net, np.array([50e9]))
    assert 20 * np.log10(abs(out[0, 1, 0])) == pytest.approx(-1.0 - 0.5 * 19.1, abs=1e-9)


def test_resample_extrapolates_from_the_top_quarter_and_caps_at_0_db():
    """Above the band: the dB slope and the delay of the top quarter (the knee at 75 % of the band is where
    the top-quarter fit begins: linear there, exact), |S11| continued to above 0 dB is held at 0 dB (else
    the passivity repair would divide S22 too by |S11| = 1.24 at 60 GHz); with |S21| = -40 dB there the
    block is just above a singular value of 1 (by 4e-5) and is scaled to passive, with a warning."""
    f = np.linspace(1e9, 41e9, 81)
    s, fk = _line_with_knee(f)
    s[:, 0, 0] = 10 ** ((-12.0 + 10.0 * (f - f[0]) / (f[-1] - f[0])) / 20)   # -12 -> -2 dB; 0 dB at 49 GHz
    s[:, 1, 0] = s[:, 0, 1] = s[:, 1, 0] * 10 ** (-24 / 20)                  # S21 small: the block is S11, S22
    net = _net(f, s, 100.0)
    fn = np.array([45e9, 60e9])
    with pytest.warns(touchstone.TouchstoneWarning) as caught:
        out = touchstone.resample(net, fn, label="knee")
    text = " | ".join(str(w.message) for w in caught)
    assert "knee: data end at 41 GHz, below the 60 GHz" in text and "fit over 31-41 GHz" in text
    assert "knee: extrapolated band not passive" in text
    s21_db = -24.0 - 1.0 - 0.5 * (fn - fk) / 1e9
    np.testing.assert_allclose(20 * np.log10(np.abs(out[:, 1, 0])), s21_db, atol=1e-3)
    ph = -2 * np.pi * (0.2e-9 * fk + 0.35e-9 * (fn - fk))
    np.testing.assert_allclose(np.angle(out[:, 1, 0] * np.exp(-1j * ph)), 0.0, atol=1e-6)
    s11_db = np.minimum(-12.0 + 10.0 * (fn - f[0]) / (f[-1] - f[0]), 0.0)    # -1 dB at 45 GHz, 0 dB at 60
    np.testing.assert_allclose(20 * np.log10(np.abs(out[:, 0, 0])), s11_db, atol=2e-3)
    np.testing.assert_allclose(np.abs(out[:, 1, 1]), 10 ** (-30.0 / 20), rtol=2e-3)


# ---------------------------------------------------------------- the COM reach root finder


class _Curve:
    """A stand-in COM margin (dB) of length, counting its solves and the lengths it was asked for."""

    def __init__(self, fn):
        self.fn, self.calls = fn, []

    def __call__(self, x):
        self.calls.append(x)
        return self.fn(x)


def _check_reach(curve, root, reach, known, xtol):
    """The reach is a solved length with margin >= 0 within xtol below the root, and the bracket that
    closed it holds a solved length with margin < 0 within xtol above."""
    assert root - xtol * (1 + 1e-9) <= reach <= root + 1e-12
    assert reach in known and known[reach] >= 0 and curve.fn(reach) >= 0
    above = [x for x, v in known.items() if v < 0 and x > reach]
    assert above and min(above) - reach <= xtol * (1 + 1e-9)


def test_linear_com_reach_in_four_solves():
    """A line: the first secant step lands on the root; one closing step xtol beyond it fails; done. Four
    solves (both ends, the secant root, the closing step). The reach is within xtol below the root."""
    root = 1.23456789
    curve, known = _Curve(lambda x: 2.0 * (1.0 - x / root)), {}
    reach = com_reach.com_reach_m(curve, 0.0, 5.0, known=known, xtol_m=0.01)
    _check_reach(curve, root, reach, known, 0.01)
    assert len(curve.calls) == 4 and sorted(known) == sorted(curve.calls)
    assert all(x == round(x, 6) for x in curve.calls)              # lengths rounded to 1 um


def test_a_root_solved_exactly_is_the_reach():
    """Margin exactly 0 passes (COM >= threshold): the root itself is the reach. An estimate 0.7 xtol below
    the upper end is solved as it is (only within xtol/2 of an end is the step moved to xtol inside)."""
    curve, known = _Curve(lambda x: 3.0 - 2.0 * x), {}
    assert com_reach.com_reach_m(curve, 0.0, 5.0, known=known) == 1.5
    assert len(curve.calls) == 4
    curve = _Curve(lambda x: 4.993 - x)
    assert com_reach.com_reach_m(curve, 0.0, 5.0, xtol_m=0.01) == 4.993 and curve.calls == [0.0, 5.0, 4.993]


@pytest.mark.parametrize(("name", "fn", "root"), [
    ("convex", lambda x: 4.0 * math.exp(-x) - 1.0, math.log(4.0)),
    ("concave", lambda x: 1.0 - (x / 2.7) ** 2, 2.7),
    ("steep concave", lambda x: 1.0 - (x / 0.8) ** 6, 0.8),
    ("stepped", lambda x: 0.1 if x <= 1.3 else -5.0, 1.3),
])
def test_reach_on_curved_and_stepped_com(name, fn, root):
    """The reach within xtol below the analytic root, a solved length with margin >= 0. The solve counts
    are this implementation's, as upper bounds: a weaker safeguard or interpolation shows as more solves
    (the steep curve, where the secant creeps from the lower end, takes 135 without the bisection after
    three steps in a row that moved the same end, 20 with it after four; the stepped curve 32)."""
    curve, known = _Curve(fn), {}
    reach = com_reach.com_reach_m(curve, 0.0, 5.0, known=known, xtol_m=0.005)
    _check_reach(curve, root, reach, known, 0.005)
    limit = {"convex": 10, "concave": 8, "steep concave": 18, "stepped": 25}[name]
    assert len(curve.calls) <= limit, (name, len(curve.calls))


def test_the_lengths_solved_on_two_curves():
    """The schedule itself (the count of solves is the cost of a COM reach): on 4 e^-x - 1 the end 5 m
    moves three times by inverse quadratic interpolation, then a bisection (1.150 m), interpolation and the
    closing steps 5 mm inside each end; on 1 - (x/0.8)^6 (the secant creeps from 0 by xtol) three steps of
    xtol, a bisection, three more, a bisection, ... Lengths to 1 um, as solved."""
    convex = _Curve(lambda x: 4.0 * math.exp(-x) - 1.0)
    com_reach.com_reach_m(convex, 0.0, 5.0, xtol_m=0.005)
    assert convex.calls == pytest.approx([0.0, 5.0, 3.775439, 2.898022, 2.300339, 1.15017, 1.463861, 1.379695,
                                          1.386333, 1.381333], abs=2e-6)
    steep = _Curve(lambda x: 1.0 - (x / 0.8) ** 6)
    com_reach.com_reach_m(steep, 0.0, 5.0, xtol_m=0.005)
    assert steep.calls == pytest.approx([0.0, 5.0, 0.005, 0.01, 0.015, 2.5075, 0.01767, 0.020296, 0.022919,
                                         1.265209, 0.103519, 0.177762, 0.247253, 0.756231, 1.01072, 0.781148,
                                         0.801797, 0.796797], abs=2e-6)
    line = _Curve(lambda x: 2.0 * (1.0 - x / 1.23456789))      # the secant from a lower end above 0
    assert com_reach.com_reach_m(line, 0.5, 5.0) == pytest.approx(1.224568, abs=1e-9)
    assert line.calls == pytest.approx([0.5, 5.0, 1.234568, 1.224568], abs=2e-6)


def test_inverse_quadratic_interpolation_is_exact_on_a_quadratic():
    """x(y) = 2 + 0.5 y + 0.1 y^2 through three points: x(0) = 2 (Lagrange form)."""
    x = lambda y: 2.0 + 0.5 * y + 0.1 * y * y  # noqa: E731
    ys = (1.5, -0.7, 3.2)
    assert com_reach._inverse_quadratic(tuple(x(y) for y in ys), ys) == pytest.approx(2.0, abs=1e-12)


def test_bracket_expands_by_doubling_up_to_hi_max():
    curve, known = _Curve(lambda x: 7.3 - x), {}
    reach = com_reach.com_reach_m(curve, 0.0, 5.0, known=known)
    _check_reach(curve, 7.3, reach, known, 0.01)
    assert curve.calls == pytest.approx([0.0, 5.0, 10.0, 7.3, 7.31])   # the secant on [5, 10] is exact
    curve = _Curve(lambda x: 30.0 - x)
    assert com_reach.com_reach_m(curve, 0.0, 5.0) == 20.0 and curve.calls == [0.0, 5.0, 10.0, 20.0]
    curve = _Curve(lambda x: 15.0 - x)
    assert com_reach.com_reach_m(curve, 0.0, 5.0, hi_max_m=12.0) == 12.0
    assert curve.calls == [0.0, 5.0, 10.0, 12.0]
    curve = _Curve(lambda x: 0.5 - x)                             # hi = lo = 0: expanded to 1 m
    reach = com_reach.com_reach_m(curve, 0.0, 0.0)
    assert 0.49 <= reach <= 0.5 and curve.calls[:2] == [0.0, 1.0]


def test_margin_zero_at_the_ends_counts_as_passing():
    """COM exactly at the threshold passes: at hi the bracket expands (the reach is hi itself), at lo
    the search goes on along a flat margin of 0 up to where it falls."""
    curve, known = _Curve(lambda x: 5.0 - x), {}
    assert com_reach.com_reach_m(curve, 0.0, 5.0, known=known) == 5.0
    curve, known = _Curve(lambda x: min(0.0, 1.0 - x)), {}
    reach = com_reach.com_reach_m(curve, 0.0, 5.0, known=known, xtol_m=0.01)
    assert 0.99 <= reach <= 1.0 and known[reach] == 0.0


def test_no_reach_when_the_margin_is_negative_at_lo():
    curve = _Curve(lambda x: -0.1 - x)
    assert com_reach.com_reach_m(curve, 0.25, 5.0) == 0.25 and curve.calls == [0.25]


def test_known_margins_are_used_and_filled_in():
    curve = _Curve(lambda x: 1.2 - x)
    known = {0.0: 1.2, 5.0: -3.8}
    reach = com_reach.com_reach_m(curve, 0.0, 5.0, known=known)
    assert 1.19 <= reach <= 1.2 and 0.0 not in curve.calls and 5.0 not in curve.calls
    assert set(curve.calls) <= set(known) and len(known) == 2 + len(curve.calls)
    # lengths equal to 1 um are one solve
    curve2 = _Curve(lambda x: 1.2 - x)
    com_reach.com_reach_m(curve2, 1e-7, 5.0, known={0.0: 1.2, 5.0: -3.8})
    assert curve2.calls == curve.calls


def test_closing_step_stays_a_tenth_of_xtol_inside_a_narrow_bracket():
    """A bracket of 1.05 xtol: the closing step xtol inside the end the estimate is near leaves the
    bracket, so the length solved is held 0.1 xtol inside the other end; that closes the bracket."""
    curve = _Curve(lambda x: 0.0098 - x)               # secant at 0.0098: xtol below the top is 0.0005
    assert com_reach.com_reach_m(curve, 0.0, 0.0105, xtol_m=0.01) == 0.001
    assert curve.calls == [0.0, 0.0105, 0.001]
    curve = _Curve(lambda x: 0.0007 - x)               # secant at 0.0007: xtol above the bottom is 0.01
    assert com_reach.com_reach_m(curve, 0.0, 0.0105, xtol_m=0.01) == 0.0
    assert curve.calls == [0.0, 0.0105, 0.0095]


def test_max_iter_counts_the_steps():
    """The line of test_linear_com_reach_in_four_solves closes in two steps and returns at the third check."""
    root = 1.23456789
    fn = lambda x: 2.0 * (1.0 - x / root)  # noqa: E731
    assert com_reach.com_reach_m(fn, 0.0, 5.0, max_iter=3) < root
    with pytest.raises(ConvergenceError, match="no convergence to 0.01 m in 2 steps"):
        com_reach.com_reach_m(fn, 0.0, 5.0, max_iter=2)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("where", ["lo", "hi", "inside"])
def test_non_finite_margin_is_a_convergence_error(bad, where):
    """A NaN or infinite COM margin is no verdict: never a reach (a NaN at lo used to pass as >= 0)."""
    at = {"lo": 0.0, "hi": 5.0, "inside": None}[where]

    def fn(x):
        if (at is not None and x == at) or (at is None and 0.0 < x < 5.0):
            return bad
        return 1.0 - x

    with pytest.raises(ConvergenceError, match="not finite"):
        com_reach.com_reach_m(fn, 0.0, 5.0)


def test_nan_at_lo_is_no_reach_of_hi_max():
    """Regression: a NaN margin at lo passed `fa < 0` as a pass, and a margin >= 0 beyond gave a reach of
    hi_max (20 m); an infinite negative margin inside gave a reach of 0 as if solved."""
    with pytest.raises(ConvergenceError, match=r"margin at 0 m is not finite \(nan\)"):
        com_reach.com_reach_m(lambda x: math.nan if x == 0 else 1.0, 0.0, 5.0)
    with pytest.raises(ConvergenceError, match="not finite"):
        com_reach.com_reach_m(lambda x: -math.inf if 0 < x < 5 else 1.0 - x, 0.0, 5.0)


# ---------------------------------------------------------------- link_com and reach_com, COM stubbed


def _fake_params(n_cases=2, fb=106.25e9):
    pkgs = [SimpleNamespace(z_p_m=(0.012 + 0.021 * i, 0.0018)) for i in range(n_cases)]
    return SimpleNamespace(package_cases=pkgs, package=pkgs[0] if pkgs else SimpleNamespace(z_p_m=(0.03,)),
                           symbol_rate_hz=fb, with_package_case=lambda i: ("case", i))


@pytest.fixture
def stub_com(monkeypatch):
    """prepare/com_from_prepared replaced: COM of case i = 10 - IL(dB) of the thru at 26.5 GHz / 4 - i - 0.5 per
    aggressor; every call recorded."""
    calls = []

    def prepare(net, fext, nxt, p, check=True):
        calls.append(("prepare", net, list(fext), list(nxt), p, check))
        return SimpleNamespace(net=net, n_agg=len(fext) + len(nxt), case=p[1])

    def com_from_prepared(prep, eye=True, seed=None):
        calls.append(("com", prep.case, eye, seed))
        i = int(np.argmin(np.abs(prep.net.f - 26.5e9)))   # the grid point next to 26.5 GHz
        il = -20 * np.log10(abs(prep.net.s[i, 1, 0]))
        return SimpleNamespace(com_db=10.0 - il / 4 - prep.case - 0.5 * prep.n_agg, choice=("eq", prep.case))

    monkeypatch.setattr(com_reach, "prepare", prepare)
    monkeypatch.setattr(com_reach, "com_from_prepared", com_from_prepared)
    return calls


def _il_db_at(pair, length):
    """IL (dB) of the channel at the point of COM's grid next to 26.5 GHz (what the stand-in COM reads)."""
    df = com_reach.com_df_hz(pair, length)
    f = round(26.5e9 / df) * df
    return -20 * np.log10(abs(chan.channel_network(pair, np.array([f]), length_m=length).s[0, 1, 0]))


def test_link_com_solves_every_package_case_on_the_channel_and_its_aggressors(stub_com):
    """The thru handed to COM is the channel itself at that length on a grid of com_df_hz from DC to below
    1.1 fb; the aggressors are the connectors' NEXT and FEXT; case 2 starts from case 1's equalizer."""
    from si_thermal.si.crosstalk import aggressors

    pair = chan.load(CHANNEL)
    p = _fake_params()
    r = com_reach.link_com(pair, p, 1.5, seed=(3, 4))
    il = _il_db_at(pair, 1.5)
    assert r.com_db == pytest.approx((10 - il / 4 - 2.0, 10 - il / 4 - 1 - 2.0), abs=1e-6)
    assert r.worst_db == pytest.approx(10 - il / 4 - 3.0, abs=1e-6) and r.worst_case == 1
    assert r.case_names == ("case 1 (z_p 12+1.8 mm)", "case 2 (z_p 33+1.8 mm)") and r.length_m == 1.5
    prep = [c for c in stub_com if c[0] == "prepare"]
    com = [c for c in stub_com if c[0] == "com"]
    assert [c[4] for c in prep] == [("case", 0), ("case", 1)] and all(c[5] is False for c in prep)
    assert [c[2] for c in com] == [False, False] and [c[3] for c in com] == [((3, 4),), (("eq", 0),)]
    net = prep[0][1]
    df = com_reach.com_df_hz(pair, 1.5)
    assert net.f[0] == 0.0 and np.allclose(np.diff(net.f), df) and net.f[-1] < 1.1 * 106.25e9 <= net.f[-1] + df
    np.testing.assert_allclose(net.s, chan.channel_network(pair, net.f, length_m=1.5).s, rtol=1e-12, atol=1e-15)
    agg = aggressors(pair, net.f, length_m=1.5)
    assert r.aggressors == tuple(a.name for a in agg) and len(agg) == 4
    for k, kind in ((2, "fext"), (3, "next")):
        want = [a.network for a in agg if a.kind == kind]
        assert len(prep[0][k]) == len(want) == 2
        for got, w in zip(prep[0][k], want):
            np.testing.assert_allclose(got.s, w.s, rtol=1e-12, atol=1e-18)
    assert [x.com_db for x in r.results] == list(r.com_db) and r.results[1].choice == ("eq", 1)
    # no seed: case 1 starts cold
    stub_com.clear()
    com_reach.link_com(pair, p, 1.5)
    assert [c[3] for c in stub_com if c[0] == "com"] == [None, (("eq", 0),)]


def test_link_com_cases_crosstalk_and_the_stated_length(stub_com):
    pair = chan.load(CHANNEL)
    p = _fake_params(3)
    r = com_reach.link_com(pair, p, None, crosstalk=False, cases=(2,))
    il = _il_db_at(pair, 1.0)                                   # the channel states 1.0 m of cable
    assert r.com_db == pytest.approx((10 - il / 4 - 2,), abs=1e-6) and r.aggressors == ()
    assert r.case_names == ("case 3 (z_p 54+1.8 mm)",) and r.length_m is None
    prep = [c for c in stub_com if c[0] == "prepare"]
    assert prep[0][2] == [] and prep[0][3] == [] and prep[0][4] == ("case", 2)
    il17 = _il_db_at(pair, 1.7)
    assert com_reach.com_at_length(pair, p, 1.7, crosstalk=False) == pytest.approx(10 - il17 / 4 - 2, abs=1e-6)
    assert com_reach.com_at_length(pair, p, 1.7) == pytest.approx(10 - il17 / 4 - 2 - 2.0, abs=1e-6)
    one = _fake_params(0)                                        # no package cases: one solve, the package
    r = com_reach.link_com(pair, one, 1.0)
    assert len(r.com_db) == 1 and r.case_names == ("case 1 (z_p 30 mm)",)


def test_link_com_keeps_the_built_networks_per_length(stub_com):
    pair = chan.load(CHANNEL)
    p, built = _fake_params(), {}
    r1 = com_reach.link_com(pair, p, 2.0, built=built)
    n1 = [c[1] for c in stub_com if c[0] == "prepare"]
    assert n1[0] is n1[1]                                      # both cases on one build
    assert (2.0, 106.25e9, True) in built and "abcd at 10 MHz" in built
    stub_com.clear()
    r2 = com_reach.link_com(pair, p, 2.0, built=built)
    assert [c[1] for c in stub_com if c[0] == "prepare"][0] is n1[0] and r2.com_db == r1.com_db
    stub_com.clear()
    r3 = com_reach.link_com(pair, p, 2.0, built=built, crosstalk=False)
    assert r3.aggressors == () and r3.com_db[0] == pytest.approx(r1.com_db[0] + 2.0)
    stub_com.clear()
    com_reach.link_com(pair, p, 0.5, built=built)
    net05 = [c[1] for c in stub_com if c[0] == "prepare"][0]
    assert net05 is not n1[0]
    assert np.allclose(np.diff(net05.f), com_reach.com_df_hz(pair, 0.5))   # the cached ABCD path: same step
    assert len([k for k in built if k != "abcd at 10 MHz"]) == 3


def test_link_com_non_finite_com_is_a_convergence_error(monkeypatch, stub_com):
    pair = chan.load(CHANNEL)
    for bad in (math.nan, math.inf):
        monkeypatch.setattr(com_reach, "com_from_prepared",
                            lambda prep, eye=True, seed=None, bad=bad: SimpleNamespace(com_db=bad if prep.case else 1.0,
                                                                                       choice=None))
        with pytest.raises(ConvergenceError, match=r"COM is not finite .* case 2"):
            com_reach.link_com(pair, _fake_params(), 1.0)


def _delay_network(tau):
    f = np.array([10e6])
    return SimpleNamespace(s=np.array([[[0, 1], [1, 0]]]) * np.exp(-2j * np.pi * f * tau)[:, None, None])


@pytest.mark.parametrize(("tau", "df"), [(0.5e-9, 100e6), (2e-9, 62.5e6), (20e-9, 6.25e6), (40e-9, 5e6),
                                         (-1e-9, 100e6)])
def test_com_df_hz_keeps_the_phase_step_under_pi_over_4(monkeypatch, tau, df):
    """df = 1/(8 tau) between 5 MHz and 100 MHz, tau from the phase of S21 at 10 MHz (a phase lead: 100 MHz);
    the same through the ABCD of a 100-ohm line of that delay (length in m x 10 ns/m)."""
    monkeypatch.setattr(com_reach.chan, "channel_network", lambda ch, f, length_m=None: _delay_network(tau))
    assert com_reach.com_df_hz("any", 1.0) == pytest.approx(df, rel=1e-9)

    def abcd_at(length_m):
        th = 2 * np.pi * 10e6 * length_m * tau / 2.0
        z = com_reach.chan.Z_DIFF
        return np.array([[[np.cos(th), 1j * z * np.sin(th)], [1j * np.sin(th) / z, np.cos(th)]]])

    assert com_reach.com_df_hz("any", 2.0, abcd_at) == pytest.approx(df, rel=1e-9)


def test_com_params_for_picks_the_rate_default_or_the_named_set(monkeypatch):
    seen = []
    monkeypatch.setattr(com_reach, "load_com_params", lambda name, rate=None: seen.append((name, rate)) or name)
    assert com_reach.com_params_for("200g") == "802.3dj" and com_reach.com_params_for("112g") == "802.3ck"
    assert com_reach.com_params_for("pcie6") == "pcie6" and com_reach.com_params_for("other") == "802.3dj"
    assert com_reach.com_params_for("200g", "802.3ck") == "802.3ck"
    assert seen[-1] == ("802.3ck", "200g") and seen[0] == ("802.3dj", "200g")


def test_reach_com_on_a_stand_in_com(monkeypatch, tmp_path):
    """COM(length) = 3.9 - 1.2 x dB (a stand-in for the solves): reach = 0.75 m at the 3 dB threshold, the
    secant's root solved, then 5 mm (the default xtol) beyond; the bracket [0, 5 m] by default. IL figures
    are those of the channel (its cable stated at 2 m here) between the 200G budget's planes."""
    from si_thermal.si.rates import serdes_rate
    from si_thermal.si.reach import il_at_nyquist

    ch2 = tmp_path / "spine_2m.toml"
    ch2.write_text(CHANNEL.read_text().replace('length = "1.0 m"', 'length = "2.0 m"'))
    seen, rates = [], []

    def com_at_length(pair, p, x, crosstalk=True):
        seen.append((pair, p, x, crosstalk))
        return 3.9 - 1.2 * x

    monkeypatch.setattr(com_reach, "com_at_length", com_at_length)
    monkeypatch.setattr(com_reach, "com_params_for", lambda rate, std=None: rates.append(rate) or SimpleNamespace(
        symbol_rate_hz=106.25e9, std=std))
    r = com_reach.reach_com(ch2, "200g")
    assert r.reach_m == pytest.approx(0.75, abs=1e-9) and r.closes and r.criterion == "com" and r.rate == "200g"
    assert [c[2] for c in seen] == pytest.approx([0.0, 5.0, 0.75, 0.755])
    assert r.budget_db == 3.0 and r.length_m == 2.0 and r.nyquist_hz == 53.125e9
    assert r.channel == "NVL72 copper spine, 26 AWG twinax"
    assert r.reference_planes == serdes_rate("200g").reference_planes
    pair = chan.load(ch2)
    assert seen[0][0][1] == pair[1] and seen[0][0][0] == pair[0]         # the loaded channel and its path
    il0, il1, il2 = (il_at_nyquist(pair, 53.125e9, x, rate="200g") for x in (0.0, 1.0, 2.0))
    assert r.il_db_fixed == pytest.approx(il0) and r.il_db_per_m == pytest.approx(il1 - il0)
    assert r.il_db_at_nyquist == pytest.approx(il2) and 3 < il1 - il0 < 20   # 1 m of 26 AWG twinax at 53 GHz
    assert all(c[3] is True for c in seen) and seen[0][1].std is None and rates == ["200g"]
    seen.clear()
    own = SimpleNamespace(symbol_rate_hz=56e9)
    r = com_reach.reach_com(CHANNEL, "200g", 4.6, params=own, crosstalk=False, xtol_m=0.1, hi_m=1.0)
    assert r.reach_m == 0.0 and not r.closes and r.nyquist_hz == 28e9 and r.budget_db == 4.6
    assert [c[1:] for c in seen] == [(own, 0.0, False)] and rates == ["200g"]
    seen.clear()
    r = com_reach.reach_com(CHANNEL, "112g", 1.5, std="802.3ck", hi_m=1.0, xtol_m=0.02)
    assert 2.0 - 0.02 <= r.reach_m <= 2.0 and seen[-1][1].std == "802.3ck" and rates[-1] == "112g"
    assert min(c[2] for c in seen if c[2] > r.reach_m) - r.reach_m <= 0.02 * (1 + 1e-9)


def test_reach_com_needs_a_variable_segment(tmp_path):
    p = tmp_path / "fixed.toml"
    p.write_text(CHANNEL.read_text().replace('variable_segment = "cable"\n', ""))
    with pytest.raises(InputError, match="variable_segment") as err:
        com_reach.reach_com(p, "200g")
    assert err.value.field == "channel.variable_segment"
