"""The margin of COM (93A.1.7 / 178A.1.9): the chosen equalizer applied to victim and aggressors
(:func:`equalize`), the noise amplitude at DER_0 and ``COM = 20 log10(A_s / A_ni)``."""

from __future__ import annotations

from collections.abc import Callable

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from si_thermal.si.com.noise import Equalized, amplitude_at_der, conv_pmf, gauss_pmf, grid_for, noise_pmf
from si_thermal.si.com.params import ComParams, load_com_params
from si_thermal.si.com.pulses import Prepared, prepare
from si_thermal.si.com.eq_search import Choice, _Search, clip_level, search
from si_thermal.si.com.mlsd import MlsdResult, _acf, mlsd_delta, output_acf


@dataclass(frozen=True)
class ComResult:
    """Result of :func:`compute_com`. Voltages at the slicer (Rx FFE with unit main tap)."""

    com_db: float
    fom_db: float
    a_s_v: float
    a_ni_v: float
    eye_height_v: float
    eye_width_ui: float
    std: str
    symbol_rate_hz: float
    g_dc_db: float
    g_dc2_db: float
    tx_ffe: dict[int, float]
    rx_ffe: tuple[float, ...]
    dfe: tuple[float, ...]
    sampling_phase_ui: float
    sigma_isi_v: float
    sigma_xt_v: float
    sigma_noise_v: float
    sigma_jitter_v: float
    notes: tuple[str, ...]
    port_order: str
    search: str
    equalized: Equalized = field(repr=False, compare=False)
    com_dfe_db: float | None = None     # MLSD receiver (178A.1.10): COM of the DFE receiver alone
    choice: tuple[int, int] | None = field(default=None, repr=False, compare=False)  # (CTLE, Tx FFE) indices
    mlsd_delta_db: float | None = None  # the MLSD's advantage term of 178A-49 (COM = COM_DFE + max(0, it))

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k not in ("equalized", "choice")}
        d["tx_ffe"] = {str(k): v for k, v in self.tx_ffe.items()}
        d["rx_ffe"] = list(self.rx_ffe)
        d["dfe"] = list(self.dfe)
        d["notes"] = list(self.notes)
        return d


def _fir(x: np.ndarray, taps: list[tuple[float, int]]) -> np.ndarray:
    """``sum_i c_i x(t - k_i samples)`` on the periodic grid for ``taps`` = [(c_i, k_i)], accumulated in
    place in tap order (the same sums as adding up ``np.roll(x, k_i)`` terms, without a copy per tap)."""
    out = np.zeros(len(x))
    n = len(x)
    for ci, k in taps:
        k %= n
        if k:
            out[k:] += ci * x[:n - k]
            out[:k] += ci * x[n - k:]
        else:
            out += ci * x
    return out


def equalize(srch: _Search, ch: Choice) -> tuple[Equalized, np.ndarray, np.ndarray, dict]:
    """Apply the chosen Tx FFE, CTLE and (MMSE) Rx FFE to victim and aggressors."""
    p, m = srch.p, srch.m
    c = srch.coeffs[ch.tx]
    a = srch.a[ch.ic]
    pulse_v = srch.pulse[ch.ic]
    rx_acf = srch.rx_acf[ch.ic]
    _, det = srch.fom(np.array([ch.ic]), c[None, :], np.array([ch.ts]), detail=True, floating=True,
                      cols=None if ch.cols is None else np.array([ch.cols]))
    w = det["w"][0]
    dw = srch.dw
    if p.rx_ffe_taps:
        w = w / w[dw]                       # unit main tap (P802.3dj normalisation), limits applied


    def tx(pulse_v: np.ndarray, apply_tx: bool) -> np.ndarray:
        if not apply_tx:
            return pulse_v
        return _fir(pulse_v, [(ci, int(s) * m) for ci, s in zip(c, srch.shifts)])

    def rx(x: np.ndarray) -> np.ndarray:
        return _fir(x, [(wi, (i - dw) * m) for i, wi in enumerate(w) if wi != 0.0])

    victim_pre = tx(pulse_v, True)
    victim = rx(victim_pre)
    agg_pre = [tx(a @ ag.basis, ag.kind == "fext") for ag in srch.prep.aggressors]   # at the FFE input
    aggs = [rx(x) for x in agg_pre]
    # noise at the slicer
    nl = len(rx_acf)
    r_rx = rx_acf[np.abs(np.arange(len(w))[:, None] - np.arange(len(w))[None, :]).clip(max=nl - 1)]
    var_rx = float(w @ r_rx @ w)                                                         # 93A-35 + FFE
    h_tn = rx(pulse_v)[ch.ts % m::m]
    if p.fom == "mmse":
        var_tx = 10 ** (-p.snr_tx_db / 10) * float((h_tn**2).sum())                       # 178A-21
    else:
        var_tx = 10 ** (-p.snr_tx_db / 10) * float(victim[ch.ts] ** 2)                    # 93A-30
    var_q = 0.0
    if p.n_qb:
        pre = victim_pre[ch.ts % m::m]
        h_plain = pulse_v[ch.ts % m::m]
        var_n = float(rx_acf[0]) + 10 ** (-p.snr_tx_db / 10) * float((h_plain**2).sum())
        xt_pre = [x[int(np.argmax((x.reshape(-1, m) ** 2).sum(0)))::m] for x in agg_pre]
        vqc = clip_level(pre, var_n, p.levels, p.p_qc, extra=xt_pre)                     # 178A-30/31
        delta = 2 * vqc / (2**p.n_qb - 1)                                                # 178A-29
        var_q = float((w**2).sum()) * delta**2 / 12                                      # 178A-28
    hj = (victim[(ch.ts + 1 + m * np.arange(-(ch.ts // m), srch.n_ui - ch.ts // m)) % len(victim)]
          - victim[(ch.ts - 1 + m * np.arange(-(ch.ts // m), srch.n_ui - ch.ts // m)) % len(victim)]) * m / 2
    var_rj = p.var_x * p.sigma_rj_ui**2 * float((hj**2).sum())                            # 93A-32
    h0 = victim[ch.ts]
    post = victim[(ch.ts + m * np.arange(1, srch.nb + 1)) % len(victim)]
    b = np.clip(post / h0, srch.b_min, srch.b_max)
    sigma_g = float(np.sqrt(var_rx + var_tx + var_rj + var_q))
    eq = Equalized(victim, tuple(aggs), ch.ts, m, p.levels, p.rlm, b, sigma_g, p.a_dd_ui, p.sigma_rj_ui,
                   p.var_x, p.der0)
    var_q_w = var_q / max(float((w**2).sum()), 1e-300)                # delta^2 / 12, per FFE input sample
    return eq, c, w, {"var_rx": var_rx, "var_tx": var_tx, "var_rj": var_rj, "var_q": var_q, "hj": hj,
                      "h_tn": h_tn, "rx_acf": rx_acf, "var_q_in": var_q_w}


def _mlsd(srch: _Search, eq: Equalized, w: np.ndarray, var: dict, a_s: float, a_ni: float, y_step: float,
          p_rest: np.ndarray) -> MlsdResult:
    """The MLSD term of 178A-49 for the chosen equalizer: noise autocorrelations at the Rx FFE output, UI lags
    (178A-56): receiver noise (93A-35 through the FFE), Tx noise (178A-21), jitter (178A-23), crosstalk
    (178A-20), quantisation (178A-28, white at the ADC) and residual ISI after the DFE."""
    p, m = srch.p, srch.m
    n_lag = min(srch.n_ui // 2, 128)   # error events up to 127 UI (the 178A-50 series stops far earlier)
    r_rn = output_acf(w, var["rx_acf"], n_lag)
    r = r_rn + 10 ** (-p.snr_tx_db / 10) * _acf(var["h_tn"], n_lag)
    r += p.var_x * (p.a_dd_ui**2 + p.sigma_rj_ui**2) * _acf(var["hj"], n_lag)
    for ag in eq.aggressors:
        r += p.var_x * _acf(ag[int(np.argmax((ag.reshape(-1, m) ** 2).sum(0)))::m], n_lag)
    r[:len(w)] += var["var_q_in"] * np.array([w[:len(w) - l] @ w[l:] for l in range(min(len(w), n_lag))])
    r += p.var_x * _acf(_residual_isi(eq), n_lag)
    return mlsd_delta(p_rest, y_step, a_s=a_s, a_ni=a_ni, var_g=eq.sigma_gauss_v**2, var_rn=var["var_rx"],
                      r_ni=r, r_rn=r_rn, b=float(eq.dfe[0]) if len(eq.dfe) else 0.0, levels=p.levels, der0=p.der0,
                      dcom_an_db=p.mlsd_dcom_an_db)


def compute_com(thru, fext=(), next=(), params: ComParams | str = "802.3dj", *,  # noqa: A002
                rate: str | None = None, extrapolation: str = "fit", search_mode: str = "fast",
                n_ui: int | None = None, eye: bool = True, length_m: float | None = None,
                progress: Callable[[int, int], None] | None = None) -> ComResult:
    """COM of a thru channel with FEXT and NEXT aggressors (Annex 93A / 178A).

    ``thru``/``fext``/``next``: skrf Networks or Touchstone paths (``thru`` also a ``channels/*.toml``
    file or ``ChannelFile``, as the CLI takes, with ``length_m`` for its variable segment); 4-port single-ended (port order
    detected from the thru's data, see :func:`si_thermal.si.pulse.to_sdd`) or 2-port Sdd.
    ``params``: a :class:`ComParams` or the name of a set in ``channels/com_params.toml``;
    ``rate`` moves a named set to a ``channels/serdes.toml`` rate. Returns a frozen :class:`ComResult`.
    """
    if isinstance(params, str):
        params = load_com_params(params, rate=rate)
    prep = prepare(thru, fext, next, params, extrapolation=extrapolation, n_ui=n_ui, length_m=length_m)
    return com_from_prepared(prep, search_mode=search_mode, eye=eye, progress=progress)


def com_from_prepared(prep: Prepared, *, search_mode: str = "fast", eye: bool = True,
                      progress: Callable[[int, int], None] | None = None,
                      seed: tuple[tuple[int, int], ...] | None = None) -> ComResult:
    """COM from :func:`prepare`'s output (lets reach searches and tests reuse the channel set).
    ``seed``: equalizer indices (``ComResult.choice``) of a neighbouring solve to start the fast search from."""
    from si_thermal.si import eye as eye_mod

    srch = _Search(prep)
    ch = search(srch, search_mode, progress=progress, seed=seed)
    p = prep.params
    eq, c, w, var = equalize(srch, ch)
    a_s = p.rlm * eq.victim[eq.ts] / (p.levels - 1)                                      # 93A-25 A_s
    y_step, n = grid_for(eq, a_s)
    p_rest = noise_pmf(eq, eq.ts, y_step, n, gauss=False)                  # ISI, crosstalk, dual-Dirac
    pmf = conv_pmf(p_rest, gauss_pmf(eq.sigma_gauss_v, y_step, n))       # 93A-41/42: + Gaussian
    a_ni = amplitude_at_der(pmf, y_step, p.der0)
    com = 20 * np.log10(a_s / a_ni) if a_ni > 0 else np.inf
    notes = list(prep.notes)
    com_dfe = ml = None
    if p.mlsd and np.isfinite(com):                                                     # 178A.1.10
        ml = _mlsd(srch, eq, w, var, float(a_s), float(a_ni), y_step, p_rest)
        com_dfe = com
        if ml.der_mlsd < 0.5 and np.isfinite(ml.delta_db):
            com = max(com, com + ml.delta_db)
        else:  # the union bound of 178A-50 is no probability here (far below threshold): no MLSD credit
            notes.append(f"MLSD not credited: DER_MLSD {ml.der_mlsd:.3g} >= 0.5 (178A-50 union bound fails "
                         "far below threshold); COM is COM_DFE")
            ml = replace(ml, delta_db=0.0)
    if p.rx_ffe_taps and np.any(np.abs(np.delete(w, srch.dw)) >= p.rx_ffe_limit - 1e-12):
        notes.append(f"Rx FFE taps clipped at +-{p.rx_ffe_limit}")
    if eye:
        ey = eye_mod.statistical_eye(eq, fine=False)
        eh, ew = ey.eye_height_v, ey.eye_width_ui
    else:
        eh, ew = 2 * (a_s - a_ni), float("nan")
    sig_isi = float(np.sqrt(p.var_x * _isi_energy(eq)))
    sig_xt = float(np.sqrt(sum(p.var_x * (a.reshape(-1, eq.samples_per_ui) ** 2).sum(0).max()
                               for a in eq.aggressors))) if eq.aggressors else 0.0
    g1, g2 = srch.settings[ch.ic]
    return ComResult(
        com_db=float(com), fom_db=ch.fom_db, a_s_v=float(a_s), a_ni_v=float(a_ni), eye_height_v=float(eh),
        eye_width_ui=float(ew), std=p.name, symbol_rate_hz=p.symbol_rate_hz, g_dc_db=float(g1),
        g_dc2_db=float(g2) if p.ctle.f_lf_hz is not None else 0.0,
        tx_ffe={int(s): float(ci) for s, ci in zip(srch.shifts, c)}, rx_ffe=tuple(float(x) for x in w),
        dfe=tuple(float(x) for x in eq.dfe), sampling_phase_ui=float((ch.ts % srch.m) / srch.m),
        sigma_isi_v=sig_isi, sigma_xt_v=sig_xt,
        sigma_noise_v=float(np.sqrt(var["var_rx"] + var["var_tx"] + var["var_q"])),
        sigma_jitter_v=float(np.sqrt(p.var_x * (p.a_dd_ui**2 + p.sigma_rj_ui**2) * (var["hj"] ** 2).sum())),
        notes=tuple(notes), port_order=prep.port_order, search=search_mode, equalized=eq,
        com_dfe_db=None if com_dfe is None else float(com_dfe), mlsd_delta_db=None if ml is None else ml.delta_db,
        choice=(ch.ic, ch.tx))


def _residual_isi(eq: Equalized) -> np.ndarray:
    """Residual ISI samples after the DFE (93A-27), one per UI in time order, the cursor zero."""
    m, v = eq.samples_per_ui, eq.victim
    k = np.arange(len(v) // m) - eq.ts // m
    seq = v[(eq.ts + m * k) % len(v)]
    isi = np.where(k == 0, 0.0, seq)
    for j in range(1, len(eq.dfe) + 1):
        isi = np.where(k == j, isi - eq.dfe[j - 1] * v[eq.ts], isi)
    return isi


def _isi_energy(eq: Equalized) -> float:
    """Sum of squared residual ISI samples after the DFE (93A-31, without sigma_X^2)."""
    return float((_residual_isi(eq) ** 2).sum())
