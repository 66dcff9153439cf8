"""Caches, reused storage and shortcuts of the COM solver and the IL reach (issue 10 speed work) give the
numbers of the plain computation, and a changed input is never served an earlier result: each cache is
keyed on the inputs that decide it (or lives inside one computation)."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pytest
import skrf as rf

from si_thermal import paths
from si_thermal.errors import InputError
from si_thermal.si import channel as chan
from si_thermal.si import com
from si_thermal.si.com import eq_search as es
from si_thermal.si.com import mlsd, pulses
from si_thermal.si.com.noise import delta_pmf
from si_thermal.si.planes import il_between_planes, il_between_planes_fn
from si_thermal.si.tline import abcd_to_s, cascade, mul2, s_to_abcd


def _line(length_m: float, gain: float = 1.0, name: str = "line") -> rf.Network:
    """100-ohm lossy line, 0-160 GHz in 20 MHz steps (as tests/si/test_com_receiver.py), S scaled by ``gain``."""
    f = np.arange(0, 160.01e9, 20e6)
    alpha = (0.8 * np.sqrt(f / 1e9) + 0.25 * f / 1e9) / 8.686
    med = rf.media.DefinedGammaZ0(rf.Frequency.from_f(f, unit="Hz"), z0_port=100, z0=100,
                                  gamma=alpha + 2j * np.pi * f / 2e8)
    net = med.line(length_m, "m", name=name)
    if gain != 1.0:
        net.s = net.s * gain
    return net


@pytest.fixture(scope="module")
def params() -> com.ComParams:
    """802.3dj (floating taps, MLSD) on a small equalizer grid: seconds, not minutes."""
    return com.with_grid(com.load_com_params("802.3dj"), g_dc_db=(-14.0, -12.0, -10.0), g_dc2_db=(-2.0, 0.0))


def _prep(p, length_m=0.6, xt=False, n_ui=512):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aggs = ([_line(length_m, 0.03, "fext")], [_line(0.2, 0.02, "next")]) if xt else ((), ())
        return com.prepare(_line(length_m), *aggs, p, check=False, n_ui=n_ui)


def test_grid_terms_cache_follows_its_inputs(params):
    a = _prep(params)
    b = _prep(replace(params, eta0_v2_per_hz=2 * params.eta0_v2_per_hz))
    np.testing.assert_allclose(b.rx_noise_acf, 2 * a.rx_noise_acf, rtol=1e-12)   # linear in eta0: recomputed
    c = _prep(replace(params, f_r_hz=0.6 * params.f_r_hz))
    assert not np.allclose(c.thru.basis, a.thru.basis)                           # receiver filter: recomputed
    a.rx_noise_acf[:] = 0.0                                                      # the caller's copy, not the cache
    pulses._grid_terms.cache_clear()
    fresh = _prep(params)
    again = _prep(params)
    np.testing.assert_array_equal(fresh.thru.basis, again.thru.basis)
    assert np.all(again.rx_noise_acf != 0) and np.array_equal(fresh.rx_noise_acf, again.rx_noise_acf)


def test_reused_search_storage_gives_the_fresh_result(params):
    pa, pb = _prep(params, 0.4), _prep(params, 0.9)
    es._POOL.clear()
    ra = com.com_from_prepared(pa, eye=False)
    assert es._POOL, "the finished search gave its row storage back"
    rb = com.com_from_prepared(pb, eye=False)           # on the storage of pa's search
    es._POOL.clear()
    rb_fresh = com.com_from_prepared(pb, eye=False)
    assert (rb.com_db, rb.fom_db, rb.choice) == (rb_fresh.com_db, rb_fresh.fom_db, rb_fresh.choice)
    assert com.com_from_prepared(pa, eye=False).com_db == ra.com_db
    srch = es._Search(pb)
    row = srch.pulse[1]
    row[:] = 0.0                                        # a row handed out is a copy
    assert np.any(srch.pulse[1] != 0)


def test_aggressor_tables_filled_per_phase_equal_the_full_tables(params):
    prep = _prep(params, xt=True)
    srch = es._Search(prep)
    com.com_from_prepared(prep, eye=False)
    m = srch.m
    for a in range(len(prep.aggressors)):
        srch._agg_phases(a, np.arange(m))
    for a, ag in enumerate(prep.aggressors):
        full = es._corr(ag.basis.reshape(4, srch.n_ui, m), srch.n_lag)
        eager = (srch._aa @ full.reshape(16, -1)).reshape(len(srch._aa), srch.n_lag, m)
        np.testing.assert_allclose(srch.r_agg[a], eager, rtol=1e-12, atol=1e-14 * np.abs(eager).max())


def test_link_networks_kept_per_length():
    from si_thermal.si.com_reach import link_com

    p = com.with_grid(com.load_com_params("802.3dj", rate="200g"), g_dc_db=(-14.0, -12.0), g_dc2_db=(-2.0,))
    pair = chan.load(paths.channels_dir() / "nvl72_spine_28awg.toml")
    built: dict = {}
    r1 = link_com(pair, p, 1.0, built=built, cases=(0,))
    r2 = link_com(pair, p, 1.4, built=built, cases=(0,))
    assert len([k for k in built if isinstance(k, tuple)]) == 2 and r1.com_db != r2.com_db
    assert link_com(pair, p, 1.4, cases=(0,)).com_db == r2.com_db
    assert link_com(pair, p, 1.4, built=built, cases=(0,)).com_db == r2.com_db


def test_il_for_many_lengths_equals_il_per_length():
    pair = chan.load(paths.channels_dir() / "nvl72_spine_28awg.toml")
    fn = 53.125e9
    at = il_between_planes_fn(pair, "200g", fn)
    for x in (None, 0.0, 0.7, 1.3):
        assert at(x) == il_between_planes(pair, "200g", fn, x)
    with pytest.raises(InputError, match="length"):
        at(-1.0)


def test_delta_pmf_equals_shift_and_add_over_the_whole_grid():
    def direct(samples, levels, y_step, n):
        out = np.zeros(n)
        out[n // 2] = 1.0
        for h in samples:
            new = np.zeros(n)
            for s in np.round(h * np.linspace(-1, 1, levels) / y_step).astype(int):
                if s >= 0:
                    new[s:] += out[:n - s] if s else out
                else:
                    new[:s] += out[-s:]
            out = new / levels
        return out

    rng = np.random.default_rng(3)
    for n, k in ((101, 30), (4001, 120), (8001, 7)):
        x = rng.normal(0, 0.01, k) * (rng.random(k) < 0.8)
        np.testing.assert_array_equal(delta_pmf(x, 4, 1e-3, n), direct(x, 4, 1e-3, n))
    assert delta_pmf(np.array([]), 4, 1e-3, 11)[5] == 1.0


def test_mlsd_trim_keeps_the_distribution_and_its_zero():
    rng = np.random.default_rng(5)
    p = np.zeros(3001)
    p[1000:1700] = rng.random(700)                  # lopsided: mass left of the centre (1500) only
    p /= p.sum()
    q, i0 = mlsd._trim(p, 1500)
    assert len(q) == 700 and i0 == 500 and q[0] == p[1000] and q[-1] == p[1699]   # only the empty bins go
    for y in (-600, -450, -100, 0, 50):
        assert mlsd._cdf_at(q, 1.0, y, i0) == pytest.approx(mlsd._cdf_at(p, 1.0, y), abs=1e-20)


def test_two_port_algebra_shortcuts_equal_skrf_and_matmul():
    rng = np.random.default_rng(7)
    a, b = (rng.normal(size=(50, 2, 2)) + 1j * rng.normal(size=(50, 2, 2)) for _ in range(2))
    np.testing.assert_allclose(mul2(a, b), a @ b, rtol=1e-14)
    np.testing.assert_allclose(cascade([a, b, a]), a @ b @ a, rtol=1e-13)
    np.testing.assert_array_equal(abcd_to_s(a, 100.0), rf.network.a2s(a, 100.0))
    np.testing.assert_array_equal(s_to_abcd(b, 50.0), rf.network.s2a(b, 50.0))


def test_package_cache_builds_both_directions_from_one_set_of_parts():
    from si_thermal.si import pulse as pl

    p = com.load_com_params("802.3dj")
    f = np.arange(1e3, 120e9, 50e6)
    pl._PKG_CACHE.clear()
    for pkg in p.package_cases:                       # two cases: keyed on the package, not on a name
        for rx in (False, True):
            np.testing.assert_array_equal(pl.package_abcd(pkg, f, receiver=rx), pl._package_abcd(pkg, f, receiver=rx))
    a, b = (pl.package_abcd(k, f, receiver=False) for k in p.package_cases)
    assert not np.allclose(a, b)
    np.testing.assert_array_equal(pl.package_abcd(p.package_cases[0], f[:-1], receiver=False), a[:-1])  # its grid
