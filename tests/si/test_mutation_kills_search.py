"""The COM equalizer search (``si/com/eq_search.py``) against brute force, for the survivors of the ``si-com``
mutation run (issue 18, ``benchmarks/MUTATION.md``): the fast coarse-to-fine search against the full search on
synthetic lossy channels (93A FOM), the Tx-FFE'd pulse peak and the Mueller-Mueller cursor (93A-25/26) by
loops over every candidate, the 93A FOM with the DFE at its lower limit by hand, the fixed-tap FOM of a search
with floating taps. Each test under a second."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pytest
import skrf as rf

from si_thermal.si import com
from si_thermal.si.com import eq_search as es
from si_thermal.si.com.params import load_com_params, with_grid
from si_thermal.si.equalizer import TxTap
from tests.si.test_mutation_kills_com import _prep


@pytest.fixture(autouse=True)
def _fresh_caches():
    from si_thermal import caches

    caches.clear()
    yield
    caches.clear()


def _lossy(fb: float, il_nyq_db: float, tau: float = 1e-9) -> rf.Network:
    """A smooth lossy thru: IL(f) = IL_Nyq (0.45 sqrt(x) + 0.55 x), x = f / (fb/2) (skin + dielectric), 1 ns."""
    f = np.linspace(0, 1.6 * fb, 801)
    x = f / (fb / 2)
    il = il_nyq_db * (0.45 * np.sqrt(x) + 0.55 * x)
    s = np.zeros((len(f), 2, 2), complex)
    s[:, 1, 0] = s[:, 0, 1] = 10 ** (-il / 20) * np.exp(-2j * np.pi * f * tau)
    return rf.Network(frequency=rf.Frequency.from_f(f, unit="Hz"), s=s, z0=100.0, name="lossy")


def _by_params():
    """802.3by with 7 CTLE settings (-12..0 dB) and a 10 x 20 Tx FFE grid (c(-1), c(+1) in 0.02 steps)."""
    return with_grid(load_com_params("802.3by"), g_dc_db=tuple(float(g) for g in range(-12, 1, 2)),
                     tx_taps=(TxTap(-1, -0.18, 0.0, 0.02), TxTap(1, -0.38, 0.0, 0.02)))


def _prepared(p, il):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return com.prepare(_lossy(p.symbol_rate_hz, il), params=p, check=False)


@pytest.mark.parametrize("il", [15.0, 25.0, 32.0])
def test_coarse_to_fine_search_equals_the_exhaustive_one_on_93a_channels(il):
    """93A FOM (one sampling time per candidate: the Mueller-Mueller point): the coarse-to-fine search returns
    the choice of the exhaustive search (7 x 200 candidates, each FOM evaluated once), also when it climbs
    from a seed at the far corner of the grid; the default mode is the fast one; the full search reports its
    progress once per CTLE setting."""
    p = _by_params()
    prep = _prepared(p, il)
    full_srch = es._Search(prep)
    calls = []
    full = es.search(full_srch, "full", progress=lambda d, t: calls.append((d, t)))
    assert calls == [(i, 7) for i in range(1, 8)]
    assert full_srch.n_evaluated == 7 * 200
    assert es.search(es._Search(prep), "fast") == full
    assert es.search(es._Search(prep)) == full
    # the grid's coarse stage alone would not do: the optimum is off the coarse grid in CTLE or Tx FFE
    srch = es._Search(prep)
    tix = es._tap_index(srch)
    # a seed (a neighbouring solve) two grid steps away in CTLE and in each tap: the climb reaches the optimum
    want = np.clip(tix[full.tx] + np.array([2, -2]), 0, [9, 19])
    seed_tx = int(np.nonzero((tix == want).all(1))[0][0])
    seed_ic = full.ic - 2 if full.ic >= 2 else full.ic + 2
    assert es.search(es._Search(prep), "fast", seed=((seed_ic, seed_tx),)) == full
    assert tix.shape == (200, 2) and sorted({tuple(r) for r in tix.tolist()}) == [(i, j) for i in range(10)
                                                                                 for j in range(20)]
    on = [full.ic in es._coarse(7)] + [tix[full.tx, j] in es._coarse(n) for j, n in enumerate((10, 20))]
    if il == 25.0:
        assert not all(on)


def test_coarse_grid_indices():
    """Every other index up to 8 values, every third above, the last one always."""
    assert es._coarse(7).tolist() == [0, 2, 4, 6] and es._coarse(8).tolist() == [0, 2, 4, 6, 7]
    assert es._coarse(9).tolist() == [0, 3, 6, 8] and es._coarse(1).tolist() == [0]
    assert es._coarse(20).tolist() == [0, 3, 6, 9, 12, 15, 18, 19]


def test_tap_index_of_a_grid_with_a_fixed_tap():
    """A tap of step 0 (fixed) has one grid index, 0; the swept taps count their steps from c_min."""
    p = with_grid(_by_params(), tx_taps=(TxTap(-1, -0.1, -0.1, 0.0), TxTap(1, -0.1, 0.0, 0.05)))
    srch = es._Search(_prepared(p, 20.0))
    tix = es._tap_index(srch)
    assert tix[:, 0].tolist() == [0, 0, 0] and tix[:, 1].tolist() == [0, 1, 2]
    assert es.search(srch, "fast") == es.search(es._Search(srch.prep), "full")


def _tx_pulse(srch, ic, c):
    """The Tx-FFE'd victim pulse of CTLE setting ``ic``: sum_i c_i h(t - s_i UI), on the periodic grid."""
    h = srch.pulse[ic]
    return sum(ci * np.roll(h, int(s) * srch.m) for ci, s in zip(c, srch.shifts))


def test_pulse_peak_and_mueller_mueller_cursor_by_brute_force():
    """For every candidate: the peak is the argmax of the Tx-FFE'd pulse within +-1 UI of the CTLE pulse's peak;
    the Mueller-Mueller point (93A-25, with the first DFE tap b1 = h(+1)/h(0) clipped to its limits, 93A-26)
    is the sample within +-1 UI of that peak with h(0) > 0 that minimises |h(-1) - (h(+1) - b1 h(0))|; without
    a DFE, b1 = 0."""
    p = with_grid(_by_params(), tx_taps=(TxTap(-1, -0.3, 0.0, 0.1), TxTap(1, -0.3, 0.0, 0.1)),
                  dfe_min=(0.1,), dfe_max=(0.3,))
    prep = _prepared(p, 28.0)
    for q in (p, replace(p, dfe_max=(), dfe_min=())):
        srch = es._Search(replace(prep, params=q))
        m = srch.m
        ic = np.repeat(np.array([0, 3, 6]), len(srch.coeffs))
        coeffs = np.tile(srch.coeffs, (3, 1))
        peaks, mm = srch.peaks(ic, coeffs), srch.mm_cursor(ic, coeffs)
        moved = 0
        for k in range(len(ic)):
            h = _tx_pulse(srch, ic[k], coeffs[k])
            p0 = int(np.argmax(srch.pulse[ic[k]]))
            pk = p0 - m + int(np.argmax(h[p0 - m:p0 + m + 1]))
            assert peaks[k] == pk
            moved += pk != p0
            best, arg = np.inf, None
            for t in range(pk - m, pk + m + 1):
                if h[t] <= 0:
                    continue
                b1 = float(np.clip(h[t + m] / h[t], q.dfe_min[0], q.dfe_max[0])) if q.dfe_max else 0.0
                r = abs(h[t - m] - (h[t + m] - b1 * h[t]))
                if r < best:
                    best, arg = r, t
            assert mm[k] == arg
        assert moved > 0


def test_93a_fom_with_the_dfe_held_at_its_lower_limit_by_hand():
    """93A-26..36 at one sampling time: b1 = h1/h0 clipped to [b_min, b_max]; a negative post-cursor with
    b_min = 0 leaves b1 = 0 and the whole post-cursor in the ISI; FOM = 10 log10(A_s^2 / (sigma_tx^2 +
    sigma_isi^2 + sigma_n^2)) with sigma_isi^2 = var_x (sum of the UI samples^2 but h0 and the DFE'd part)."""
    p = with_grid(load_com_params("802.3by"), g_dc_db=(0.0,), tx_taps=(), dfe_max=(1.0,), dfe_min=(0.0,),
                  a_dd_ui=0.0, sigma_rj_ui=0.0, levels=2)
    m, n_ui = p.samples_per_ui, 64
    v = np.zeros(n_ui * m)
    ts = 20 * m + 5
    v[ts], v[ts + m], v[ts + 2 * m], v[ts - m] = 0.4, -0.08, 0.03, 0.05
    acf = (1e-5,)
    one = np.zeros(1, int)
    for b_lim, b1 in (((0.0,), 0.0), ((-1.0,), -0.2)):
        s = es._Search(_prep(replace(p, dfe_min=b_lim), v, acf=acf))
        fom, det = s.fom(one, s.coeffs[[0]], np.array([ts]), detail=True)
        assert det["b"][0, 0] == pytest.approx(b1)
        isi = 0.05**2 + 0.03**2 + (-0.08 - b1 * 0.4) ** 2
        a_s = p.rlm * 0.4
        var_tx = 0.4**2 * 10 ** (-p.snr_tx_db / 10)
        want = 10 * np.log10(a_s**2 / (var_tx + p.var_x * isi + 1e-5))
        assert fom[0] == pytest.approx(want, abs=1e-9)
    # crosstalk (93A-33/34): each aggressor at its highest-energy phase, var_x sum of its UI samples^2 there, summed
    # over a NEXT and two FEXT aggressors (the NEXT one first)
    t = np.arange(n_ui * m) / m
    aggs = [("next", 0.03 * np.maximum(0, 1 - np.abs(t - 30.3))), ("fext", 0.02 * np.maximum(0, 1 - np.abs(t - 25.6))),
            ("fext", -0.015 * np.maximum(0, 1 - np.abs(t - 40.1) / 2))]
    s = es._Search(_prep(p, v, aggressors=aggs, acf=acf))
    fom = s.fom(one, s.coeffs[[0]], np.array([ts]))[0]
    var_xt = sum(max(float((a[ph::m] ** 2).sum()) for ph in range(m)) for _, a in aggs) * p.var_x
    isi = 0.05**2 + 0.03**2 + 0.08**2
    want = 10 * np.log10((p.rlm * 0.4) ** 2 / (0.4**2 * 10 ** (-p.snr_tx_db / 10) + p.var_x * isi + 1e-5 + var_xt))
    assert fom == pytest.approx(want, abs=1e-9)


def _mmse_float_params(**kw):
    p = load_com_params("802.3dj")
    p = with_grid(p, g_dc_db=(0.0,), g_dc2_db=(0.0,), tx_taps=(TxTap(-1, -0.1, 0.0, 0.1), TxTap(1, -0.1, 0.0, 0.1)),
                  c0_min=0.5, rx_ffe_taps=3, rx_ffe_precursors=1, rx_ffe_limit=10.0, dfe_max=(5.0,),
                  dfe_min=(-5.0,), n_qb=0, rx_ffe_float_groups=1, rx_ffe_float_taps=2, rx_ffe_span=10,
                  rx_ffe_float_limit=10.0, mlsd=False, samples_per_ui=8)
    return replace(p, **kw)


def _smooth(t):
    x = np.asarray(t, float)
    return np.where(x < 0, 0.0, np.where(x < 1, 1 - np.exp(-x / 0.6), (1 - np.exp(-1 / 0.6)) * np.exp(-(x - 1) / 0.6)))


def test_fom_of_a_search_with_floating_taps_fixed_or_placed():
    """With floating Rx FFE taps declared, ``fom`` without ``floating`` is the fixed-tap FOM (the same as a search
    without floating taps); with floating taps at given positions it is the FOM of those positions, at most the
    FOM of the placement the search finds itself, and lower for a placement that misses the reflection."""
    p = _mmse_float_params()
    m, n_ui = p.samples_per_ui, 64
    t = np.arange(n_ui * m) / m
    v = 0.3 * (_smooth(t - 5.3) + 0.2 * _smooth(t - 11.3))        # a reflection 6 UI after the cursor
    prep = _prep(p, v, acf=(2e-3**2, 0.3 * 2e-3**2))
    srch = es._Search(prep)
    fixed = es._Search(replace(prep, params=replace(p, rx_ffe_float_groups=0)))
    ic = np.zeros(len(srch.coeffs), int)
    pk = srch.peaks(ic, srch.coeffs)
    f_fixed = srch.fom(ic, srch.coeffs, pk)
    np.testing.assert_allclose(f_fixed, fixed.fom(ic, fixed.coeffs, pk), rtol=1e-12)
    f_float, det = srch.fom(ic, srch.coeffs, pk, detail=True, floating=True)
    assert np.all(f_float > f_fixed + 0.01)
    cols = det["cols"]
    np.testing.assert_allclose(srch.fom(ic, srch.coeffs, pk, floating=True, cols=cols), f_float, rtol=1e-12)
    far = np.tile(np.array([0, 1, 2, 8, 9]), (len(ic), 1))                 # the floating pair at the span's end
    assert not np.array_equal(np.sort(cols, 1), far)
    f_far = srch.fom(ic, srch.coeffs, pk, floating=True, cols=far)
    assert np.all(f_far < f_float - 0.01)


def test_full_mmse_search_is_the_best_fom_within_half_a_ui_of_each_peak():
    """178A.1.6: the full search takes, for every CTLE x Tx FFE candidate, every sample within +-UI/2 of its pulse
    peak: its choice is the largest FOM over that set (m + 1 samples per candidate, all of them evaluated), here
    on a lossy channel at 8 samples/UI where the best sample is not the peak."""
    p = with_grid(load_com_params("802.3dj"), g_dc_db=(-12.0, -8.0, -4.0, 0.0), g_dc2_db=(-2.0, 0.0),
                  tx_taps=(TxTap(-1, -0.3, 0.0, 0.1), TxTap(1, -0.1, 0.0, 0.1)), mlsd=False, n_qb=0,
                  samples_per_ui=8, rx_ffe_float_groups=0, rx_ffe_float_taps=0)
    prep = _prepared(p, 25.0)
    srch = es._Search(prep)
    full = es.search(srch, "full")
    n_s, n_t, m = len(srch.settings), len(srch.coeffs), srch.m
    assert srch.n_evaluated == n_s * n_t * (m + 1)
    probe = es._Search(prep)
    ic = np.repeat(np.arange(n_s), n_t)
    tx = np.tile(np.arange(n_t), n_s)
    pk = probe.peaks(ic, probe.coeffs[tx])
    f = np.array([probe.fom(ic, probe.coeffs[tx], pk + o) for o in range(-(m // 2), m // 2 + 1)])   # (m + 1, K)
    assert full.fom_db == pytest.approx(f.max(), abs=1e-12)
    k = full.ic * n_t + full.tx
    assert abs(full.ts - pk[k]) <= m // 2 and full.ts != pk[k]
    assert float(probe.fom(ic[[k]], probe.coeffs[[full.tx]], np.array([full.ts]))[0]) == pytest.approx(full.fom_db,
                                                                                                      abs=1e-12)


def test_floating_taps_next_to_the_fixed_ones_are_a_longer_fixed_ffe_with_the_quantiser():
    """A floating group placed right after the fixed taps (positions 3, 4 after 0..2), at the same tap limit, is a
    5-tap fixed Rx FFE: the same MMSE FOM, with the 6-bit quantiser's noise (178A-28..31) in both (802.3dj has
    floating taps and a quantiser together)."""
    p = _mmse_float_params(n_qb=6, rx_ffe_limit=10.0, rx_ffe_float_limit=10.0)
    m, n_ui = p.samples_per_ui, 64
    t = np.arange(n_ui * m) / m
    v = 0.3 * (_smooth(t - 5.3) + 0.2 * _smooth(t - 11.3))
    acf = (2e-3**2, 0.3 * 2e-3**2)
    srch = es._Search(_prep(p, v, acf=acf))
    five = es._Search(_prep(replace(p, rx_ffe_taps=5, rx_ffe_float_groups=0), v, acf=acf))
    assert srch.kq > 0 and srch.kq == pytest.approx(five.kq, rel=1e-12)
    ic = np.zeros(len(srch.coeffs), int)
    pk = srch.peaks(ic, srch.coeffs)
    cols = np.tile(np.arange(5), (len(ic), 1))
    np.testing.assert_allclose(srch.fom(ic, srch.coeffs, pk, floating=True, cols=cols),
                               five.fom(ic, five.coeffs, pk), rtol=1e-9)
    no_q = es._Search(_prep(replace(p, n_qb=0), v, acf=acf))
    assert np.all(no_q.fom(ic, no_q.coeffs, pk, floating=True, cols=cols) > srch.fom(ic, srch.coeffs, pk, floating=True,
                                                                                    cols=cols))


def test_floating_stage_of_both_searches_as_the_docstring_states():
    """With floating taps (178A.1.8.1), 25 Tx FFE candidates at one CTLE setting, written out from ``search``'s
    docstring with the FOM of each stage evaluated candidate by candidate: full mode re-scores the 16 best
    candidates of the whole grid (by their best fixed-tap FOM within +-UI/2 of the peak) with the groups placed at
    every sampling time within +-UI/2 of the peak; fast mode scores every candidate at offsets 0 and -UI/4 from its
    peak (one CTLE setting: stages A and B reach all 25), sweeps the best 16 over +-UI/2, and re-scores the best 4
    with the groups placed once at that candidate's best fixed-tap sampling time and kept over a +-UI/4 sweep."""
    tx = (TxTap(-1, -0.2, 0.0, 0.05), TxTap(1, -0.2, 0.0, 0.05))
    p = _mmse_float_params(tx_taps=tx, rx_ffe_span=8)
    m, n_ui = p.samples_per_ui, 64
    t = np.arange(n_ui * m) / m
    v = 0.3 * (_smooth(t - 5.3) + 0.25 * _smooth(t - 6.3) + 0.15 * _smooth(t - 10.3) - 0.1 * _smooth(t - 12.3))
    prep = _prep(p, v, acf=(2e-3**2, 0.3 * 2e-3**2))
    srch = es._Search(prep)
    k = len(srch.coeffs)
    assert k == 25
    ic = np.zeros(k, int)
    pk = srch.peaks(ic, srch.coeffs)
    half = np.arange(-(m // 2), m // 2 + 1)
    fixed = np.array([srch.fom(ic, srch.coeffs, pk + o) for o in half])               # (m + 1, K)
    best_fixed, best_ts = fixed.max(0), pk + half[fixed.argmax(0)]

    def floating(cands, centre, offs, cols=None):
        out = []
        for j, c in enumerate(cands):
            for o in offs:
                kw = {} if cols is None else {"cols": cols[j][None]}
                f = float(srch.fom(ic[[c]], srch.coeffs[[c]], np.array([centre[j] + o]), floating=True, **kw)[0])
                out.append((f, int(c), int(centre[j] + o)))
        return max(out, key=lambda x: x[0])

    top16 = np.argsort(best_fixed)[::-1][:16]
    want_full = floating(top16, pk[top16], half)
    full = es.search(es._Search(prep), "full")
    assert (full.fom_db, full.tx, full.ts) == (pytest.approx(want_full[0], abs=1e-9), want_full[1], want_full[2])
    score = np.maximum(srch.fom(ic, srch.coeffs, pk), srch.fom(ic, srch.coeffs, pk - m // 4))
    top = np.argsort(-score, kind="stable")[:16]
    top4 = top[np.argsort(best_fixed[top])[::-1][:4]]
    cols = srch.fom(ic[top4], srch.coeffs[top4], best_ts[top4], detail=True, floating=True)[1]["cols"]
    want_fast = floating(top4, best_ts[top4], np.arange(-(m // 4), m // 4 + 1), cols)
    fast = es.search(es._Search(prep), "fast")
    assert (fast.fom_db, fast.tx, fast.ts) == (pytest.approx(want_fast[0], abs=1e-9), want_fast[1], want_fast[2])
    assert fast.cols is not None and len(fast.cols) == 5 and full.cols is not None


def test_full_search_with_floating_taps_rescores_the_16_best_of_the_whole_grid():
    """Full mode with floating taps over three CTLE settings (a lossy thru, 802.3dj at 8 samples/UI, 75 candidates):
    the 16 best candidates of the whole grid by their best fixed-tap FOM within +-UI/2 of the peak (the list kept
    across CTLE settings), each re-scored with the groups placed at every sample within +-UI/2."""
    p = with_grid(load_com_params("802.3dj"), g_dc_db=(-8.0, -4.0, 0.0), g_dc2_db=(0.0,),
                  tx_taps=(TxTap(-1, -0.2, 0.0, 0.05), TxTap(1, -0.2, 0.0, 0.05)), mlsd=False, n_qb=0,
                  samples_per_ui=8, rx_ffe_taps=4, rx_ffe_precursors=1, rx_ffe_float_groups=1,
                  rx_ffe_float_taps=2, rx_ffe_span=14)
    prep = _prepared(p, 22.0)
    srch = es._Search(prep)
    n_s, n_t, m = len(srch.settings), len(srch.coeffs), srch.m
    assert (n_s, n_t) == (3, 25)
    ic = np.repeat(np.arange(n_s), n_t)
    tx = np.tile(np.arange(n_t), n_s)
    pk = srch.peaks(ic, srch.coeffs[tx])
    half = np.arange(-(m // 2), m // 2 + 1)
    fixed = np.array([srch.fom(ic, srch.coeffs[tx], pk + o) for o in half]).max(0)
    top = np.argsort(fixed)[::-1][:16]
    assert len(set(ic[top])) > 1                      # the 16 best span CTLE settings
    rows = np.repeat(top, len(half))
    ts = pk[rows] + np.tile(half, len(top))
    f = srch.fom(ic[rows], srch.coeffs[tx[rows]], ts, floating=True)
    j = int(np.argmax(f))
    full = es.search(es._Search(prep), "full")
    assert (full.fom_db, full.ic, full.tx, full.ts) == (pytest.approx(float(f[j]), abs=1e-9), int(ic[rows[j]]),
                                                        int(tx[rows[j]]), int(ts[j]))
