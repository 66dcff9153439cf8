"""Equalizer search of COM (93A.1.6 / 178A.1.6, MMSE receiver of 178A.1.8): batched figure of merit over
every CTLE x Tx FFE candidate (:class:`_Search`), the coarse-to-fine and full strategies, the quantiser
clipping level (178A-30)."""

from __future__ import annotations

import weakref
from collections.abc import Callable

from dataclasses import dataclass

import numpy as np
from scipy import fft as sp_fft

from si_thermal.errors import InputError
from si_thermal.si.com.noise import conv_pmf, delta_pmf, gauss_pmf
from si_thermal.si.com.pulses import Prepared
from si_thermal.si.equalizer import ctle_coefficients, mmse_solve, tx_ffe_grid


def _corr(seq: np.ndarray, n_lag: int, auto: bool = False) -> np.ndarray:
    """Cross-correlations of UI-sampled basis sequences: ``seq`` (B, n_ui, M) -> (B, B, n_lag, M),
    ``out[i, j, l, m] = sum_n seq[i, n, m] seq[j, n + l, m]`` (linear, by zero-padded FFT).
    ``auto``: ``seq`` (1, S, n_ui, M) of S sequences, only their autocorrelations: (S, n_lag, M)."""
    if auto:
        x = seq[0]
        nfft = sp_fft.next_fast_len(x.shape[1] + n_lag, True)     # >= n + n_lag: no circular wrap
        f = sp_fft.rfft(x, nfft, axis=1)
        return np.ascontiguousarray(sp_fft.irfft(np.abs(f) ** 2, nfft, axis=1)[:, :n_lag])
    b, n, m = seq.shape
    if n_lag <= 32:                       # few lags (the search): direct sums (batched matmul over M)
        st = np.ascontiguousarray(seq.transpose(2, 0, 1))                  # (M, B, n)
        out = np.empty((n_lag, m, b, b))
        for lag in range(n_lag):
            np.matmul(st[:, :, :n - lag], st[:, :, lag:].transpose(0, 2, 1), out=out[lag])
        return out.transpose(2, 3, 0, 1)
    nfft = 1 << int(np.ceil(np.log2(n + n_lag)))
    f = sp_fft.rfft(seq, nfft, axis=1)                                      # (B, F, M)
    out = sp_fft.irfft(np.conj(f)[:, None] * f[None, :], nfft, axis=2)[:, :, :n_lag]
    return np.ascontiguousarray(out)


class _Pairs:
    """Tap-pair products ``c_i c_j`` of Tx FFE candidates (K, T) summed by tap-position difference
    ``s_i - s_j`` (``w``, one (K,) array per difference in ``deltas``) and by its magnitude (``wd``, (K, D)):
    computed once per batch of candidates and shared by every quadratic form of :func:`_quad`."""

    def __init__(self, coeffs: np.ndarray, shifts: np.ndarray):
        delta = shifts[:, None] - shifts[None, :]
        cc = np.einsum("ki,kj->kij", coeffs, coeffs)
        self.deltas = np.unique(delta)
        self.w = [cc[:, delta == dl].sum(-1) for dl in self.deltas]
        d = np.abs(delta)
        self.wd = np.stack([cc[:, d == j].sum(-1) for j in range(int(d.max()) + 1)], -1)
        self.k = len(coeffs)


def _quad(r_all: np.ndarray, ic: np.ndarray, pairs: _Pairs, lags: np.ndarray, phase: np.ndarray) -> np.ndarray:
    """``sum_ij c_i c_j r[ic, |l + s_i - s_j|, phase]`` for candidates (K,) and lags (Lq,): (K, Lq).

    The autocorrelation of a Tx-FFE'd sequence from that of the sequence (a quadratic form in the taps,
    ``pairs`` = :class:`_Pairs` of the taps).
    """
    r = r_all[ic, :, phase]                                # (K, L_all)
    out = np.zeros((pairs.k, len(lags)))
    for w, dl in zip(pairs.w, pairs.deltas):               # the tap pairs grouped by s_i - s_j
        out += w[:, None] * r[:, np.abs(lags + dl)]
    return out


class _LazyRows:
    """Rows of a per-CTLE-setting array computed on first use (a seeded search touches a few settings):
    ``fill(rows, data)`` writes the rows into ``data``; indexing takes the setting index first. Results
    never alias the storage (a plain row index returns a copy), so the storage can go back to :data:`_POOL`."""

    def __init__(self, data: np.ndarray, fill, done: np.ndarray | None = None, base=None):
        self.data, self.fill = data, fill
        self.done = np.zeros(len(data), bool) if done is None else done
        self.base = base

    def view(self, shape) -> _LazyRows:
        return _LazyRows(self.data.reshape(shape), None, self.done, base=self)

    def ensure(self, rows) -> None:
        rows = np.asarray(rows)
        if self.done[rows].all():
            return
        rows = np.unique(rows.ravel())
        missing = rows[~self.done[rows]]
        if len(missing):
            if self.base is not None:
                self.base.ensure(missing)
                return
            self.fill(missing, self.data)
            self.done[missing] = True

    def __getitem__(self, key):
        self.ensure(key[0] if isinstance(key, tuple) else key)
        out = self.data[key]
        return out.copy() if np.may_share_memory(out, self.data) else out


#: Free row storage of finished searches by shape. A search's (CTLE settings x samples) array is tens of
#: MB; a fresh one is mapped from the OS and every row first written costs its page faults, more than
#: building the row; a search takes a free array here and gives it back when it is garbage
#: (weakref.finalize). Its ``done`` mask starts empty, so no row of an earlier search is ever read.
_POOL: dict[tuple[int, ...], np.ndarray] = {}


def _take(shape: tuple[int, ...]) -> np.ndarray:
    buf = _POOL.pop(shape, None)
    return np.empty(shape) if buf is None else buf


def _give_back(buf: np.ndarray) -> None:
    if len(_POOL) >= 2:      # keep at most two shapes (a few hundred MB at most)
        _POOL.clear()
    _POOL[buf.shape] = buf


class _Search:
    """Batched figure-of-merit evaluation over the equalizer grid (see the module docstring).

    Every method takes candidate arrays: CTLE setting index ``ic`` (K,), Tx FFE rows ``coeffs`` (K, T)
    and, where needed, the cursor sample index ``ts`` (K,).
    """

    def __init__(self, prep: Prepared):
        self.prep = prep
        p = self.p = prep.params
        m = self.m = p.samples_per_ui
        self.n_ui = prep.grid.n_ui
        self.shifts, self.coeffs = tx_ffe_grid(p.tx_taps, p.c0_min)
        self.settings = p.ctle.settings()
        self.a = ctle_coefficients(self.settings, p.ctle)             # (S, 4)
        self.nw = max(p.rx_ffe_taps, 1)
        self.dw = p.rx_ffe_precursors if p.rx_ffe_taps else 0
        self.nf = p.n_float                                       # floating Rx FFE taps (178A.1.8.1)
        self.n_span = p.rx_ffe_span if self.nf else self.nw       # N_max
        self.nb = len(p.dfe_max)
        self.b_min, self.b_max = np.array(p.dfe_min), np.array(p.dfe_max)
        self.tx_span = int(self.shifts.max() - self.shifts.min())
        self.n_lag = self.nw + self.tx_span + 1        # the search's lags; N_max lags: :meth:`_long_tables`
        aa = np.einsum("si,sj->sij", self.a, self.a).reshape(len(self.a), 16)

        def contract(corr):                   # sum_ij a_i a_j corr_ij: (S, L, M)
            return (aa @ corr.reshape(16, -1)).reshape(len(self.a), *corr.shape[2:])

        basis = prep.thru.basis
        n_s = len(self.a)
        self.n = basis.shape[1]
        a_s = self.a
        buf = _take((n_s, self.n))
        weakref.finalize(self, _give_back, buf)
        # (the fill functions do not refer to self: no reference cycle, the search is freed on return)
        def fill_pulse(rows, data):           # straight into the storage (no temporary per row)
            for i in rows:
                np.matmul(a_s[i], basis, out=data[i])

        def fill_peak(rows, data):
            pulse.ensure(rows)
            for i in rows:
                data[i] = np.argmax(pulse.data[i])

        pulse = self.pulse = _LazyRows(buf, fill_pulse)             # (S, N) victim, no Tx FFE
        self.seq = pulse.view((n_s, self.n_ui, m))                # built per CTLE setting when first used
        self.peak = _LazyRows(np.empty(n_s, int), fill_peak)
        jv = self.jv = (np.roll(basis, -1, axis=-1) - np.roll(basis, 1, axis=-1)) * (m / 2)   # 178A-23, V/UI
        self.r_v = contract(_corr(basis.reshape(4, self.n_ui, m), self.n_lag))
        self.r_j = contract(_corr(jv.reshape(4, self.n_ui, m), self.n_lag))
        # aggressors: every phase at the lags that pick the highest-energy phase (178A-20, < n_d), the
        # longer lags only at the phases that are picked (:meth:`_agg_phases`, filled on first use)
        self.n_d = n_d = min(self.tx_span + 1, self.n_lag)
        self._agg_seq = [np.ascontiguousarray(ag.basis.reshape(4, self.n_ui, m).transpose(2, 0, 1))
                         for ag in prep.aggressors]                                      # (M, B, n_ui)
        self._aa = aa
        self.r_agg = []
        for ag in prep.aggressors:
            r = np.zeros((n_s, self.n_lag, m))
            r[:, :n_d] = contract(_corr(ag.basis.reshape(4, self.n_ui, m), n_d))
            self.r_agg.append(r)
        self._agg_done = [np.zeros(m, bool) for _ in prep.aggressors]
        self._next_phase: dict[int, np.ndarray] = {}
        self.agg_fext = [ag.kind == "fext" for ag in prep.aggressors]
        self.rx_acf = contract(prep.rx_noise_acf)
        self.i0 = int(np.searchsorted(self.shifts, 0))
        self.kq = self._clip_ratio() if p.n_qb else 0.0
        self.n_evaluated = 0
        self._long: dict[int, list[np.ndarray]] = {}   # CTLE setting -> long-lag tables (floating stage)

    def _long_tables(self, ic: np.ndarray):
        """Autocorrelations over N_max + Tx-span lags for the CTLE settings ``ic`` only (the floating-tap
        stage): ``(local ic, r_v, r_j, r_agg)`` in the layout of the search's tables."""
        uniq, inv = np.unique(ic, return_inverse=True)
        n_lag, m, cache = self.n_span + self.tx_span + 1, self.m, self._long
        todo = [int(i) for i in uniq if int(i) not in cache]
        if todo:
            a = self.a[todo]

            def auto(basis):
                return _corr((a @ basis).reshape(len(todo), self.n_ui, m)[None], n_lag, auto=True)

            tabs = [auto(self.prep.thru.basis), auto(self.jv)] + [auto(ag.basis) for ag in self.prep.aggressors]
            for n, i in enumerate(todo):
                cache[i] = [t[n] for t in tabs]
        rows = [cache[int(i)] for i in uniq]
        stack = [np.stack([r[t] for r in rows]) for t in range(len(rows[0]))]
        return inv, stack[0], stack[1], stack[2:]

    def _next_best(self, a: int) -> np.ndarray:
        """Highest-energy phase (178A-20) of NEXT aggressor ``a`` at every CTLE setting (no Tx FFE on NEXT)."""
        best = self._next_phase.get(a)
        if best is None:
            best = self._next_phase[a] = np.argmax(self.r_agg[a][:, 0, :], axis=1)
        return best

    def _agg_phases(self, a: int, phases: np.ndarray) -> None:
        """Fill the lags n_d .. n_lag - 1 of aggressor ``a``'s table at ``phases`` (all CTLE settings),
        the same sums as :func:`_corr` (one lag at a time, the phase's 4 x 4 basis correlations)."""
        done = self._agg_done[a]
        todo = [int(ph) for ph in np.unique(phases) if not done[ph]]
        if not todo:
            return
        n, n_d, n_lag = self.n_ui, self.n_d, self.n_lag
        st = self._agg_seq[a]
        for ph in todo:
            x = st[ph:ph + 1]                                                  # (1, B, n)
            c = np.empty((n_lag - n_d, 1, 4, 4))
            for lag in range(n_d, n_lag):
                np.matmul(x[:, :, :n - lag], x[:, :, lag:].transpose(0, 2, 1), out=c[lag - n_d])
            # (B, B, L) as _corr lays it out, contracted with the CTLE weights as in __init__
            self.r_agg[a][:, n_d:, ph] = self._aa @ c[:, 0].transpose(1, 2, 0).reshape(16, -1)
            done[ph] = True

    def _samples(self, ic, coeffs, ts, offsets):
        """Tx-FFE'd victim UI samples at ``ts + offsets * UI`` for candidates: (K, len(offsets))."""
        n0, ph = ts // self.m, ts % self.m
        idx = n0[:, None, None] + offsets[None, :, None] - self.shifts[None, None, :]
        vals = self.seq[ic[:, None, None], idx % self.n_ui, ph[:, None, None]]
        return np.einsum("kot,kt->ko", vals, coeffs)

    def noise_acf(self, ic, coeffs, ph, lags, r_tx, tables=None, pairs: _Pairs | None = None):
        """Noise autocorrelation at the FFE input (V^2), (K, lags), and crosstalk variance per candidate.
        ``tables``: :meth:`_long_tables` of ``ic`` (lags beyond the search's); ``pairs``: :class:`_Pairs`
        of ``coeffs`` when the caller has them."""
        p = self.p
        k = len(coeffs)
        var_x = p.var_x
        pairs = _Pairs(coeffs, self.shifts) if pairs is None else pairs
        rn = self.rx_acf[ic][:, lags].copy()                                            # 178A-18 (eta_0)
        jc, r_v, r_j, r_agg = (ic, self.r_v, self.r_j, self.r_agg) if tables is None else tables
        rn += 10 ** (-p.snr_tx_db / 10) * r_v[jc[:, None], lags[None, :], ph[:, None]]  # 178A-21
        rn += var_x * (p.a_dd_ui**2 + p.sigma_rj_ui**2) * _quad(r_j, jc, pairs, lags, ph)
        xt_total = np.zeros(k)
        n_d = pairs.wd.shape[1]
        ic = jc
        kk = np.arange(k)
        long = tables is None and int(np.abs(lags).max()) + n_d > self.n_d   # lags past the all-phase ones
        for a, (r_a, fext) in enumerate(zip(r_agg, self.agg_fext)):
            if fext:                      # through the victim's Tx FFE
                e = np.einsum("kd,kdm->km", pairs.wd, r_a[ic, :n_d, :])                 # energy at every phase
                best = np.argmax(e, axis=1)                                          # 178A-20 / 93A-33
                if long:
                    self._agg_phases(a, best)
                rn += var_x * _quad(r_a, ic, pairs, lags, best)
            else:                         # NEXT: the unit cursor alone, the quadratic forms are table rows
                if tables is None:        # its highest-energy phase is one per CTLE setting
                    best = self._next_best(a)[ic]
                    xt = r_a[ic, 0, best]
                else:
                    e = r_a[ic, 0, :]
                    best = np.argmax(e, axis=1)
                    xt = e[kk, best]
                xt_total += var_x * xt
                if long:
                    self._agg_phases(a, best)
                rn += var_x * r_a[ic[:, None], np.abs(lags)[None, :], best[:, None]]
                continue
            xt_total += var_x * e[kk, best]
        if p.n_qb:
            sig = var_x * r_tx[:, 0] + rn[:, 0]
            delta = 2 * self.kq * np.sqrt(sig) / (2**p.n_qb - 1)                          # 178A-29..31
            rn[:, 0] += delta**2 / 12                                                   # 178A-28
        return rn, xt_total

    def _clip_ratio(self) -> float:
        """Quantiser clipping level over the rms of signal + noise at the ADC (178A-30), for the search.

        Found once, exactly (PAM-L distribution of the UI-sampled pulse + Gaussian noise), at the middle
        CTLE setting without Tx FFE at the pulse peak; each candidate's clipping level ``V_qc`` is then this
        ratio times its own rms, a shape factor that varies little across candidates. The final COM finds
        ``V_qc`` exactly for the chosen equalizer (:func:`equalize`).
        """
        ic = len(self.settings) // 2
        ts = int(self.peak[ic])
        h = self.pulse[ic, ts % self.m::self.m]
        var_n = float(self.rx_acf[ic, 0] + 10 ** (-self.p.snr_tx_db / 10) * (h**2).sum())
        vqc = clip_level(h, var_n, self.p.levels, self.p.p_qc)
        return vqc / np.sqrt(self.p.var_x * (h**2).sum() + var_n)

    def fom(self, ic, coeffs, ts, detail: bool = False, floating: bool = False, cols=None,
            pairs: _Pairs | None = None):
        """Figure of merit (dB) of the candidates; ``floating``: with the floating Rx FFE taps placed
        (``cols`` (K, W): at these tap positions instead of placing them); ``pairs``: :class:`_Pairs` of
        ``coeffs`` when the caller has them."""
        self.n_evaluated += len(ts)
        if self.p.fom == "mmse":
            if floating and self.nf:
                return self._fom_floating(ic, coeffs, ts, detail, cols)
            return self._fom_mmse(ic, coeffs, ts, detail, pairs)
        return self._fom_93a(ic, coeffs, ts, detail, pairs)

    def _fom_floating(self, ic, coeffs, ts, detail, cols=None, chunk: int = 64):
        """MMSE FOM with the floating Rx FFE tap groups of 178A.1.8.1 placed, in chunks of candidates."""
        out = [self._fom_floating_chunk(ic[i:i + chunk], coeffs[i:i + chunk], ts[i:i + chunk], detail,
                                        None if cols is None else cols[i:i + chunk])
               for i in range(0, len(ts), chunk)]
        if not detail:
            return np.concatenate(out)
        return (np.concatenate([o[0] for o in out]),
                {k: np.concatenate([o[1][k] for o in out]) for k in ("w", "b", "mse", "cols")})

    def _fom_floating_chunk(self, ic, coeffs, ts, detail, cols=None):
        """Floating taps (178A.1.8.1): the ``rx_ffe_taps`` fixed taps plus N_g groups of N_gw contiguous taps
        anywhere in positions ``rx_ffe_taps .. N_max - 1``, each floating tap within
        ``+-rx_ffe_float_limit``. The groups are placed one at a time where the MMSE FOM (178A.1.8) of the
        taps so far is largest, without overlap (the procedure of the MATLAB COM reference code,
        ``FOM_rxffe_floating_taps``, that the annex's reference receiver is computed with). The MMSE solve
        is the closed form of :func:`mmse_solve` on the rows/columns of the N_max x N_max system that the
        chosen taps select. Returns the FOM and, with ``detail``, the taps on all N_max positions."""
        p, k, n_s, nw, gw = self.p, len(ts), self.n_span, self.nw, self.p.rx_ffe_float_taps
        ph = ts % self.m
        lags = np.arange(n_s)
        tables = self._long_tables(ic)
        pairs = _Pairs(coeffs, self.shifts)
        r_tx = _quad(tables[1], tables[0], pairs, lags, ph)
        rn, _ = self.noise_acf(ic, coeffs, ph, lags, r_tx, tables, pairs)
        r_full = (r_tx + rn / p.var_x)[:, np.abs(lags[:, None] - lags[None, :])]       # (K, N, N)
        offs = np.arange(self.dw - n_s + 1, self.dw + self.nb + 1)
        h = self._samples(ic, coeffs, ts, offs)
        pos = (ts // self.m)[:, None] + offs[None, :]
        h = np.where((pos >= 0) & (pos < self.n_ui), h, 0.0)         # outside the pulse window: zero
        base = self.dw - offs[0]
        h_d = h[:, base - lags]                                       # (K, N)
        h_b = np.stack([h[:, base + j - lags] for j in range(1, self.nb + 1)], 1)   # (K, B, N)
        starts = np.arange(nw, n_s - gw + 1)
        chosen = np.zeros((k, 0), int) if cols is None else np.asarray(cols)[:, nw:]
        kk = np.arange(k)
        for _ in range(p.rx_ffe_float_groups if cols is None else 0):
            new = starts[:, None] + np.arange(gw)[None, :]                               # (S, gw)
            clash = (chosen[:, None, :, None] == new[None, :, None, :]).any((-1, -2))  # (K, S) overlap
            free = new[np.argmin(clash, axis=1)]                     # a start that fits, per candidate
            new_k = np.where(clash[..., None], free[:, None, :], new[None])           # (K, S, gw)
            cols = np.sort(np.concatenate([np.broadcast_to(np.arange(nw), (k, len(starts), nw)),
                                           np.broadcast_to(chosen[:, None, :], (k, len(starts), chosen.shape[1])),
                                           new_k], -1), axis=-1)
            f = self._solve_cols(r_full, h_d, h_b, cols)[0].reshape(k, len(starts))
            f = np.where(clash, -np.inf, f)
            best = np.argmax(f, axis=1)                       # the earliest start on a tie
            chosen = np.sort(np.concatenate([chosen, new[best]], 1), axis=1)
        cols = np.concatenate([np.broadcast_to(np.arange(nw), (k, nw)), chosen], 1)
        fom, w, b, mse = self._solve_cols(r_full, h_d, h_b, cols[:, None, :])
        if not detail:
            return fom
        w_all = np.zeros((k, n_s))
        w_all[kk[:, None], cols] = w
        return fom, {"w": w_all, "b": b, "mse": mse, "cols": cols}

    def _solve_cols(self, r_full, h_d, h_b, cols):
        """MMSE FOM of the tap subsets ``cols`` (K, S, W) of each candidate's full system: flat (K S,)."""
        p = self.p
        k, n_c, w_n = cols.shape
        kk = np.repeat(np.arange(k), n_c)
        c = cols.reshape(-1, w_n)
        r_mat = r_full[kk[:, None, None], c[:, :, None], c[:, None, :]]
        lim = np.where(np.arange(w_n) < self.nw, p.rx_ffe_limit, p.rx_ffe_float_limit)
        w, b, mse = mmse_solve(r_mat, h_d[kk[:, None], c], h_b[kk[:, None, None], np.arange(self.nb)[None, :, None],
                                                           c[:, None, :]],
                               self.b_min, self.b_max, p.var_x, dw=self.dw, w_limit=lim)
        fom = 20 * np.log10(p.rlm / ((p.levels - 1) * np.sqrt(mse)))                   # 178A FOM
        fom = np.where(h_d[kk, self.dw] > 0, fom, -100.0)
        return fom, w, b, mse

    def _fom_mmse(self, ic, coeffs, ts, detail, pairs=None):
        p = self.p
        ph = ts % self.m
        lags = np.arange(self.nw)
        pairs = _Pairs(coeffs, self.shifts) if pairs is None else pairs
        r_tx = _quad(self.r_v, ic, pairs, lags, ph)
        rn, _ = self.noise_acf(ic, coeffs, ph, lags, r_tx, pairs=pairs)
        r_full = r_tx + rn / p.var_x
        r_mat = r_full[:, np.abs(lags[:, None] - lags[None, :])]
        offs = np.arange(self.dw - self.nw + 1, self.dw + self.nb + 1)
        h = self._samples(ic, coeffs, ts, offs)                 # h[n0 + o]
        base = self.dw - offs[0]                                # h_d[i] = h[n0 + dw - i]
        h_d = h[:, base - lags]
        h_b = np.stack([h[:, base + j - lags] for j in range(1, self.nb + 1)], 1)   # h[n0 + dw + j - i]
        w, b, mse = mmse_solve(r_mat, h_d, h_b, self.b_min, self.b_max, p.var_x, dw=self.dw,
                               w_limit=p.rx_ffe_limit if p.rx_ffe_taps else None)
        fom = 20 * np.log10(p.rlm / ((p.levels - 1) * np.sqrt(mse)))                   # 178A FOM
        fom = np.where(h_d[:, self.dw] > 0, fom, -100.0)
        if detail:
            return fom, {"w": w, "b": b, "mse": mse}
        return fom

    def _fom_93a(self, ic, coeffs, ts, detail, pairs=None):
        p = self.p
        ph = ts % self.m
        lag0 = np.zeros(1, int)
        h = self._samples(ic, coeffs, ts, np.arange(0, self.nb + 1))
        h0 = h[:, 0]
        b = np.clip(h[:, 1:] / np.where(h0 > 0, h0, 1.0)[:, None], self.b_min, self.b_max)   # 93A-26
        pairs = _Pairs(coeffs, self.shifts) if pairs is None else pairs
        energy = _quad(self.r_v, ic, pairs, lag0, ph)[:, 0]
        resid = (h[:, 1:] - b * h0[:, None]) ** 2 - h[:, 1:] ** 2
        var_isi = p.var_x * (energy - h0**2 + resid.sum(-1))                            # 93A-31
        var_j = p.var_x * (p.a_dd_ui**2 + p.sigma_rj_ui**2) * _quad(self.r_j, ic, pairs, lag0,
                                                                     ph)[:, 0]         # 93A-32
        var_tx = h0**2 * 10 ** (-p.snr_tx_db / 10)                                       # 93A-30
        _, var_xt = self.noise_acf(ic, coeffs, ph, lag0, np.zeros((len(ts), 1)), pairs=pairs)   # 93A-33/34
        var_n = self.rx_acf[ic, 0]                                                      # 93A-35
        a_s = p.rlm * h0 / (p.levels - 1)
        fom = 10 * np.log10(np.maximum(a_s, 1e-30) ** 2 / (var_tx + var_isi + var_j + var_xt + var_n))
        fom = np.where(h0 > 0, fom, -100.0)                                             # 93A-36
        if detail:
            return fom, {"w": np.ones((len(ts), 1)), "b": b, "mse": None}
        return fom

    # --- sampling time ---------------------------------------------------------------------

    def _tx_pulse_at(self, ic, coeffs, t):
        """Tx-FFE'd victim pulse at sample indices ``t`` (K, W): (K, W)."""
        vals = self.pulse[ic[:, None, None], (t[:, :, None] - self.m * self.shifts) % self.n]
        return np.einsum("kwt,kt->kw", vals, coeffs)

    def peaks(self, ic, coeffs):
        """Sample index of each candidate's Tx-FFE'd pulse peak (within +-1 UI of the CTLE pulse peak).
        The window of samples is gathered once per CTLE setting and applied to that setting's candidates."""
        m = self.m
        offs = np.arange(-m, m + 1)
        uniq, inv = np.unique(ic, return_inverse=True)
        self.pulse.ensure(uniq)
        pk_u = self.peak[uniq]
        idx = (pk_u[:, None, None] + offs[None, :, None] - m * self.shifts[None, None, :]) % self.n
        vals = self.pulse.data[uniq[:, None, None], idx]                       # (U, W, T)
        best = np.empty(len(ic), int)
        for u in range(len(uniq)):
            sel = np.nonzero(inv == u)[0]
            best[sel] = np.argmax(coeffs[sel] @ vals[u].T, axis=1)
        return pk_u[inv] + offs[best]

    def mm_cursor(self, ic, coeffs):
        """Mueller-Mueller cursor (93A-25) with the first DFE tap (93A-26), within +-1 UI of the peak."""
        m = self.m
        ts = self.peaks(ic, coeffs)[:, None] + np.arange(-m, m + 1)[None, :]
        h0 = self._tx_pulse_at(ic, coeffs, ts)
        hm = self._tx_pulse_at(ic, coeffs, ts - m)
        hp = self._tx_pulse_at(ic, coeffs, ts + m)
        b1 = np.clip(hp / np.where(h0 > 0, h0, 1.0), self.b_min[0], self.b_max[0]) if self.nb else 0.0
        res = np.where(h0 > 0, np.abs(hm - (hp - b1 * h0)), np.inf)
        return ts[np.arange(len(ts)), np.argmin(res, axis=1)]

    def default_ts(self, ic, coeffs, offset: int = 0):
        if self.p.fom == "93a":
            return self.mm_cursor(ic, coeffs)
        return self.peaks(ic, coeffs) + offset


def clip_level(h: np.ndarray, var_noise: float, levels: int, p_qc: float, *, extra=(),
               n: int = 4001) -> float:
    """Quantiser clipping amplitude ``V_qc`` with ``P(y < -V_qc) = P_qc / 2`` (178A-30).

    ``y`` = PAM-L signal through the UI-sampled pulse ``h`` (93A-40) + the crosstalk sample sets
    ``extra`` + Gaussian noise of variance ``var_noise`` (V^2), on an ``n``-point grid.
    """
    sets = [np.asarray(h)] + [np.asarray(x) for x in extra]
    sigma = float(np.sqrt(max(var_noise, 0.0)))
    support = sum(np.abs(x).sum() for x in sets) + 10 * sigma
    y_step = 2 * support / (n - 1)
    pmf = gauss_pmf(sigma, y_step, n)
    for x in sets:
        pmf = conv_pmf(pmf, delta_pmf(x[np.abs(x) > y_step / 2], levels, y_step, n))
    cdf = np.cumsum(pmf)
    return float(-(int(np.argmax(cdf >= p_qc / 2)) - n // 2) * y_step)


@dataclass(frozen=True)
class Choice:
    ic: int
    tx: int
    ts: int
    fom_db: float
    cols: tuple[int, ...] | None = None   # Rx FFE tap positions with floating taps (178A.1.8.1)


def _best_ts_sweep(srch: _Search, ic: np.ndarray, tx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Full sampling-time search of candidates (93A: Mueller-Mueller point; 178A: every sample within
    +-UI/2 of the pulse peak, 178A.1.6): best FOM and its sampling index per candidate."""
    coeffs = srch.coeffs[tx]
    if srch.p.fom == "93a":
        ts = srch.mm_cursor(ic, coeffs)
        return srch.fom(ic, coeffs, ts), ts
    pk = srch.peaks(ic, coeffs)
    half = srch.m // 2
    offs = np.arange(-half, half + 1)
    k = len(tx)
    ts = (pk[:, None] + offs[None, :]).ravel()
    f = srch.fom(np.repeat(ic, len(offs)), np.repeat(coeffs, len(offs), axis=0), ts).reshape(k, len(offs))
    j = np.argmax(f, axis=1)
    return f[np.arange(k), j], ts.reshape(k, len(offs))[np.arange(k), j]


def _floating_stage(srch: _Search, ic: np.ndarray, tx: np.ndarray, ts: np.ndarray, full: bool) -> Choice:
    """Re-score the best fixed-tap candidates with the floating Rx FFE taps placed (178A.1.8.1).

    ``full``: every sampling time within +-UI/2 of each candidate's pulse peak (178A.1.6); otherwise the
    samples within +-UI/4 of its best fixed-tap sampling time. Placing the groups costs ~130 MMSE solves per
    candidate, so the CTLE x Tx FFE grid is ranked by the fixed-tap FOM and only its best are re-scored.
    """
    coeffs = srch.coeffs[tx]
    if full:
        centre, half = srch.peaks(ic, coeffs), srch.m // 2
        cols = None
    else:  # place the groups once, at the fixed-tap sampling time, and keep them over the sweep
        centre, half = ts, srch.m // 4
        cols = srch.fom(ic, coeffs, ts, detail=True, floating=True)[1]["cols"]
    offs = np.arange(-half, half + 1)
    t_all = (centre[:, None] + offs[None, :]).ravel()
    rep = np.repeat(np.arange(len(ic)), len(offs))
    f, det = srch.fom(ic[rep], coeffs[rep], t_all, detail=True, floating=True,
                      cols=None if cols is None else cols[rep])
    j = int(np.argmax(f))
    return Choice(int(ic[rep[j]]), int(tx[rep[j]]), int(t_all[j]), float(f[j]), tuple(int(c) for c in det["cols"][j]))


def _tap_index(srch: _Search) -> np.ndarray:
    """Grid index of every Tx FFE setting on each swept tap: (K, taps)."""
    cols = [int(np.searchsorted(srch.shifts, t.position)) for t in srch.p.tx_taps]
    lo = np.array([t.c_min for t in srch.p.tx_taps])
    st = np.array([t.step if t.step > 0 else 1.0 for t in srch.p.tx_taps])
    return np.rint((srch.coeffs[:, cols] - lo) / st).astype(int)


def _coarse(n: int) -> np.ndarray:
    """Every other (every third above 8 values) index of a grid of ``n`` values, the last included."""
    return np.unique(np.append(np.arange(0, n, 2 if n <= 8 else 3), n - 1))


def _score(srch: _Search, ic: np.ndarray, tx: np.ndarray, offsets: tuple[int, ...]) -> np.ndarray:
    """FOM of candidates at the default sampling time(s), best over ``offsets`` (samples); the pulse peaks
    and tap-pair sums are found once for all offsets."""
    coeffs = srch.coeffs[tx]
    out = np.full(len(tx), -np.inf)
    pairs = _Pairs(coeffs, srch.shifts)
    pk = srch.peaks(ic, coeffs) if srch.p.fom != "93a" else None
    for off in offsets:
        ts = srch.default_ts(ic, coeffs, off) if pk is None else pk + off
        out = np.maximum(out, srch.fom(ic, coeffs, ts, pairs=pairs))
    return out


def search(srch: _Search, mode: str = "fast", keep: int = 8,
           progress: Callable[[int, int], None] | None = None,
           seed: tuple[tuple[int, int], ...] | None = None) -> Choice:
    """Choose CTLE, Tx FFE and sampling time by the largest FOM (93A.1.6 / 178A.1.6).

    ``mode="full"``: every CTLE x Tx FFE candidate with the full sampling-time search.
    ``mode="fast"``: coarse-to-fine. (A) every other grid value of gDC, gDC2 and of each Tx tap (every
    third on taps with more than 8 values), at one sampling time; (B) all
    grid neighbours (one step in gDC, gDC2 and each tap) of the ``keep`` best, repeated around the best
    until the best stop changing; (C) the full sampling-time search on the best 16 of (B); (D) with floating
    Rx FFE taps, the best 4 of (C) re-scored with the groups placed (:func:`_floating_stage`; ``mode="full"``:
    the best 16 of the whole grid, full sampling-time search, the groups placed at every sampling time;
    fast: placed once at each candidate's fixed-tap sampling time, kept over a +-UI/4 sweep). The FOM surface
    is smooth on these grids; tests and the benchmark compare the result with ``mode="full"``.
    ``progress(done, total)`` is called after each CTLE setting of the full search. ``seed`` (fast mode):
    (CTLE index, Tx FFE index) pairs of a neighbouring solve (the other package case) that replace the
    coarse stage (A); (B) climbs from them.
    """
    n_ctle, n_tx = len(srch.settings), len(srch.coeffs)
    if mode == "full":
        best = Choice(-1, -1, -1, -np.inf)
        tops: list[tuple[float, int, int, int]] = []
        for ic in range(n_ctle):                       # one batched call per CTLE setting
            f, ts = _best_ts_sweep(srch, np.full(n_tx, ic), np.arange(n_tx))
            j = int(np.argmax(f))
            if f[j] > best.fom_db:
                best = Choice(ic, j, int(ts[j]), float(f[j]))
            if srch.nf:
                tops = sorted(tops + [(float(f[t]), ic, int(t), int(ts[t])) for t in np.argsort(f)[-16:]],
                              reverse=True)[:16]
            if progress is not None:
                progress(ic + 1, n_ctle)
        if srch.nf:
            arr = np.array([t[1:] for t in tops], int)
            return _floating_stage(srch, arr[:, 0], arr[:, 1], arr[:, 2], full=True)
        return best
    if mode != "fast":
        raise InputError(None, "search", f"unknown search mode {mode!r}: use 'fast' or 'full'")
    offsets = (0,) if srch.p.fom == "93a" else (0, -srch.m // 4)
    offsets_a = (0,) if srch.p.fom == "93a" else (-srch.m // 8,)
    n1, n2 = len(srch.p.ctle.g_dc_db), len(srch.p.ctle.g_dc2_db)
    tix = _tap_index(srch)
    if tix.shape[1]:
        sizes = tix.max(axis=0) + 1
        coarse_tx = np.nonzero(np.all([np.isin(tix[:, j], _coarse(int(sizes[j])))
                                       for j in range(tix.shape[1])], axis=0))[0]
    else:
        coarse_tx = np.arange(n_tx)
    scores: dict[tuple[int, int], float] = {}

    def evaluate(pairs, offs) -> None:
        pairs = sorted({pr for pr in pairs if pr not in scores})
        if pairs:
            arr = np.array(pairs, int)
            for pr, v in zip(pairs, _score(srch, arr[:, 0], arr[:, 1], offs)):
                scores[pr] = float(v)

    if seed:
        evaluate([(int(a), int(b)) for a, b in seed], offsets)
    else:
        evaluate([(int(i1 * n2 + i2), int(t)) for i1 in _coarse(n1) for i2 in _coarse(n2) for t in coarse_tx],
                 offsets_a)                                                                    # (A)
    seen: set[tuple[int, int]] = set()
    for _ in range(10):                                                                        # (B)
        fresh = [s for s in sorted(scores, key=scores.get, reverse=True)[:keep] if s not in seen]
        if not fresh:
            break
        batch = []
        for ic, tx in fresh:
            seen.add((ic, tx))
            near = np.nonzero(np.abs(tix - tix[tx]).max(axis=1) <= 1)[0] if tix.shape[1] else [tx]
            i1, i2 = divmod(ic, n2)
            batch += [(j1 * n2 + j2, int(t)) for j1 in range(max(i1 - 1, 0), min(i1 + 2, n1))
                      for j2 in range(max(i2 - 1, 0), min(i2 + 2, n2)) for t in near]
        evaluate(batch, offsets)
    top = np.array(sorted(scores, key=scores.get, reverse=True)[:16], int)                       # (C)
    f, ts = _best_ts_sweep(srch, top[:, 0], top[:, 1])
    if srch.nf:                                                                                # (D)
        order = np.argsort(f)[::-1][:4]
        return _floating_stage(srch, top[order, 0], top[order, 1], ts[order], full=False)
    j = int(np.argmax(f))
    return Choice(int(top[j, 0]), int(top[j, 1]), int(ts[j]), float(f[j]))
