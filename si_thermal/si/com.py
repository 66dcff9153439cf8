"""Channel Operating Margin (COM), IEEE Std 802.3-2022 Annex 93A and IEEE P802.3dj Annex 178A.

Flow (equation numbers of Annex 93A unless marked 178A):

1. Channels: thru, FEXT and NEXT aggressors as skrf Networks (4-port single-ended, converted to Sdd
   as skrf ``se2gmm`` does after detecting the port order from the data, or 2-port Sdd), each cascaded with the
   device packages (93A.1.2 / 178A.1.4) and terminated (93A-18), extended onto the pulse grid
   (:mod:`si_thermal.si.pulse`), times the Tx rise filter (93A-46) and receiver filter (93A-20).
2. Pulse responses for every CTLE setting from four basis pulses (the CTLE is affine in g1, g2:
   :mod:`si_thermal.si.equalizer`), scaled by A_v, A_fe, A_ne (93A.1.5); NEXT aggressors have no Tx FFE.
3. Equalizer search (93A.1.6; 178A.1.6 with the MMSE receiver of 178A.1.8): every (gDC, gDC2) x Tx FFE
   candidate is scored by its figure of merit, computed batched with numpy:

   - ``fom = "93a"``: (93A-36) ``FOM = 10 log10(A_s^2 / (s_TX^2 + s_ISI^2 + s_J^2 + s_XT^2 + s_N^2))``
     with the cursor at the Mueller-Mueller point (93A-25), DFE by (93A-26), residual ISI (93A-31),
     jitter (93A-32), crosstalk (93A-33/34), receiver noise (93A-35), Tx noise (93A-30).
   - ``fom = "mmse"``: 178A: ``FOM = 20 log10(RLM / ((L - 1) sqrt(MSE)))`` with the MMSE Rx FFE + DFE
     solved in closed form per candidate; the noise autocorrelation at the FFE input (178A-17/18) sums
     receiver noise (eta_0 through Hr and the CTLE), Tx noise (178A-21), jitter (178A-23), crosstalk
     (178A-20, each aggressor at its highest-energy phase) and quantisation noise (178A-28..31).

   Speed: the autocorrelation of a Tx-FFE'd pulse is a quadratic form of the FFE taps in the
   autocorrelations of the un-FFE'd pulse, and every CTLE setting is a combination of basis terms, so a
   candidate costs a few hundred flops plus one 15 x 15 solve, batched over thousands of candidates
   (one LAPACK call). ``search="fast"`` (default) is coarse-to-fine over the grid (:func:`search`);
   ``search="full"`` scores every candidate with the full sampling-time search; tests check they agree.
4. COM (93A.1.7 / 178A.1.9): with the chosen equalizer, ``A_s = RLM h(0) / (L - 1)`` and the noise
   amplitude ``A_ni`` at the detector error ratio DER_0 of the combined distribution (93A-45) of
   residual ISI (93A-40, after the DFE of 93A-27), crosstalk (93A-44), dual-Dirac jitter (93A-43) and
   Gaussian noise (93A-41/42: receiver noise and Tx noise through CTLE and Rx FFE, random jitter):
   ``COM = 20 log10(A_s / A_ni)``.

Not modelled (documented simplifications): the floating Rx FFE tap groups (178A.1.8.1) and the MLSD
of 178A.1.10 of the 802.3dj KR set. The quantisation step (178A-29/30) is exact for the chosen equalizer
(PAM-L signal + crosstalk + Gaussian noise distribution at the ADC); in the search each candidate's
clipping level is its rms times one exactly computed shape factor (:meth:`_Search._clip_ratio`).
Quantisation noise enters the final distribution as Gaussian (pychopmarg convolves uniform PMFs).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from si_thermal import config, paths
from si_thermal.errors import InputError
from si_thermal.si import pulse as pl
from si_thermal.si.equalizer import CtleFamily, TxTap, ctle_basis, ctle_coefficients, mmse_solve, tx_ffe_grid

#: COM pass threshold, dB: the limit of the 802.3ck/802.3dj backplane and cable clauses (163.10, 178.10).
#: The one place the 3 dB lives; reach, rack verdicts and the CLI read it from here.
COM_THRESHOLD_DB = 3.0

# ------------------------------------------------------------------------------------------------
# Parameter sets (channels/com_params.toml)
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ComParams:
    """One COM parameter set, SI units (see channels/com_params.toml for the sources)."""

    name: str
    description: str
    source: str
    symbol_rate_hz: float
    levels: int
    samples_per_ui: int
    der0: float
    t_r_s: float
    rlm: float
    a_v: float
    a_fe: float
    a_ne: float
    r0_ohm: float
    rd_ohm: float
    a_dd_ui: float
    sigma_rj_ui: float
    snr_tx_db: float
    eta0_v2_per_hz: float
    f_r_hz: float
    ctle: CtleFamily
    tx_taps: tuple[TxTap, ...]
    c0_min: float
    rx_ffe_taps: int
    rx_ffe_precursors: int
    rx_ffe_limit: float
    dfe_min: tuple[float, ...]
    dfe_max: tuple[float, ...]
    fom: str
    f_step_hz: float
    package: pl.Package
    n_qb: int = 0
    p_qc: float = 1e-7
    package_cases: tuple[pl.Package, ...] = ()  # test cases 1 and 2 (``package`` is the one in use)

    def with_package_case(self, i: int) -> ComParams:
        """This set with package test case ``i`` (0-based) in use."""
        return replace(self, package=self.package_cases[i]) if self.package_cases else self

    @property
    def var_x(self) -> float:
        """Symbol variance of L-level PAM with levels in [-1, 1] (93A-29)."""
        return (self.levels**2 - 1) / (3 * (self.levels - 1) ** 2)

    @property
    def ui_s(self) -> float:
        return 1.0 / self.symbol_rate_hz


def com_params_file() -> Path:
    return paths.com_params_file()


def standards(path: str | Path | None = None) -> list[str]:
    """Names of the parameter sets in ``channels/com_params.toml``."""
    return list(_read_file(path or com_params_file()).std)


def _read_file(path: str | Path) -> config.ComParamsFile:
    return config.validate(config.ComParamsFile, config.read_toml(path), path)


def load_com_params(std: str, *, rate: str | None = None, path: str | Path | None = None) -> ComParams:
    """The parameter set ``std`` of ``channels/com_params.toml``, optionally moved to ``rate``.

    ``rate`` is a key of ``channels/serdes.toml`` (``200g``, ``224g``): the symbol rate is taken from
    there and every frequency the set ties to fb (CTLE corners, receiver bandwidth) moves with it.
    Unknown names raise :class:`InputError` (exit status 2 in the CLI).
    """
    path = Path(path or com_params_file())
    data = _read_file(path)
    if std not in data.std:
        raise InputError(path, "std", f"unknown standard {std!r}; known: {', '.join(data.std)}")
    entry = data.std[std]
    merged: dict[str, Any] = {}
    if entry.base is not None:
        if entry.base not in data.std:
            raise InputError(path, f"std.{std}.base", f"unknown base set {entry.base!r}")
        merged.update({k: v for k, v in data.std[entry.base].__dict__.items() if v is not None})
    merged.update({k: v for k, v in entry.__dict__.items() if v is not None})
    rate = rate or entry.rate
    if rate is not None:
        rates = config.load_serdes().rates
        if rate not in rates:
            raise InputError(paths.serdes_file(), "rates",
                             f"unknown rate {rate!r}; known: {', '.join(rates)}")
        merged["symbol_rate"] = rates[rate].symbol_rate
    missing = [k for k in ("symbol_rate", "levels", "samples_per_ui", "der0", "t_r", "rlm", "a_v", "a_fe",
                           "a_ne", "r0", "rd", "a_dd_ui", "sigma_rj_ui", "snr_tx", "eta0_v2_per_ghz",
                           "f_r_fb", "f_z_fb", "f_p1_fb", "f_p2_fb", "g_dc_db", "c0_min", "tx_taps",
                           "rx_ffe_taps", "dfe_max", "dfe_min", "fom", "f_step", "package") if k not in merged]
    if missing:
        raise InputError(path, f"std.{std}", f"missing {', '.join(missing)}")
    fb = merged["symbol_rate"]
    if len(merged["dfe_max"]) != len(merged["dfe_min"]):
        raise InputError(path, f"std.{std}.dfe_min", "dfe_min and dfe_max differ in length")
    pkg = merged["package"]
    for zp in (pkg.z_p, pkg.z_p_test2):
        if zp is not None and len(zp) != len(pkg.z_c):
            raise InputError(path, f"std.{std}.package.z_p", "z_p and z_p_test2 need one length per z_c section")
    cases = [pl.Package(
        c_d_f=tuple(pkg.c_d), l_s_h=tuple(pkg.l_s), c_b_f=pkg.c_b, c_p_f=pkg.c_p, z_c_ohm=tuple(pkg.z_c),
        z_p_m=tuple(zp), gamma0_per_mm=pkg.gamma0_per_mm, a1_sqrt_ns_per_mm=pkg.a1_sqrt_ns_per_mm,
        a2_ns_per_mm=pkg.a2_ns_per_mm, tau_ns_per_mm=pkg.tau_ns_per_mm)
        for zp in (pkg.z_p, pkg.z_p_test2) if zp is not None]
    ctle = CtleFamily(
        f_z_hz=merged["f_z_fb"] * fb, f_p1_hz=merged["f_p1_fb"] * fb, f_p2_hz=merged["f_p2_fb"] * fb,
        f_lf_hz=merged["f_lf_fb"] * fb if "f_lf_fb" in merged else None,
        g_dc_db=tuple(merged["g_dc_db"]), g_dc2_db=tuple(merged.get("g_dc2_db", [0.0])))
    return ComParams(
        name=std, description=merged["description"], source=merged["source"], symbol_rate_hz=fb,
        levels=merged["levels"], samples_per_ui=merged["samples_per_ui"], der0=merged["der0"],
        t_r_s=merged["t_r"], rlm=merged["rlm"], a_v=merged["a_v"], a_fe=merged["a_fe"], a_ne=merged["a_ne"],
        r0_ohm=merged["r0"], rd_ohm=merged["rd"], a_dd_ui=merged["a_dd_ui"], sigma_rj_ui=merged["sigma_rj_ui"],
        snr_tx_db=merged["snr_tx"], eta0_v2_per_hz=merged["eta0_v2_per_ghz"] * 1e-9,
        f_r_hz=merged["f_r_fb"] * fb, ctle=ctle,
        tx_taps=tuple(TxTap(int(p), lo, hi, st) for p, lo, hi, st in merged["tx_taps"]),
        c0_min=merged["c0_min"], rx_ffe_taps=merged["rx_ffe_taps"],
        rx_ffe_precursors=merged.get("rx_ffe_precursors", 0), rx_ffe_limit=merged.get("rx_ffe_limit", 1.0),
        dfe_min=tuple(merged["dfe_min"]), dfe_max=tuple(merged["dfe_max"]), fom=merged["fom"],
        f_step_hz=merged["f_step"], n_qb=merged.get("n_qb", 0), p_qc=merged.get("p_qc", 1e-7),
        package=cases[0], package_cases=tuple(cases))


# ------------------------------------------------------------------------------------------------
# Channels -> basis pulse responses
# ------------------------------------------------------------------------------------------------


def _as_network(x, role: str):
    import skrf as rf

    if isinstance(x, rf.Network):
        return x, x.name or role
    p = Path(x)
    if not p.exists():
        raise InputError(p, None, "file not found")
    try:
        return rf.Network(str(p)), p.stem
    except Exception as err:  # skrf raises many kinds on a bad Touchstone file
        raise InputError(p, None, f"cannot read as Touchstone: {err}") from None


@dataclass(frozen=True)
class PulseSet:
    """Basis pulse responses of one channel on the COM grid: ``(4, N)`` volts, CTLE basis order."""

    name: str
    kind: str  # "thru" | "fext" | "next"
    basis: np.ndarray


@dataclass(frozen=True)
class Prepared:
    """Everything the equalizer search needs, computed once per channel set."""

    params: ComParams
    grid: pl.TimeGrid
    thru: PulseSet
    aggressors: tuple[PulseSet, ...]
    rx_noise_acf: np.ndarray  # (4, 4, lags): eta0 through Hr * basis_b * conj(basis_b'), UI lags, V^2
    notes: tuple[str, ...]
    port_order: str


def prepare(thru, fext=(), next=(), params: ComParams | str = "802.3dj", *, extrapolation: str = "fit",
            n_ui: int | None = None) -> Prepared:  # noqa: A002 - "next" as the annex names it
    """Load, convert and check the channels; build the basis pulses and noise of :class:`Prepared`."""
    p = load_com_params(params) if isinstance(params, str) else params
    notes: list[str] = []
    fb = p.symbol_rate_hz
    net, name = _as_network(thru, "thru")
    sdd_t, order, n1 = pl.to_sdd(net, name, role="thru")
    notes += n1
    chans = [(name, "thru", sdd_t)]
    for kind, items in (("fext", fext), ("next", next)):
        for x in items:
            a, aname = _as_network(x, kind)
            sdd_a, _, n2 = pl.to_sdd(a, aname, role=kind, port_order=None if order == "sdd" else order)
            notes += n2
            if len(sdd_a.f) != len(sdd_t.f) or not np.allclose(sdd_a.f, sdd_t.f):
                notes.append(f"{aname}: frequency grid ({len(sdd_a.f)} points, {sdd_a.f[0] / 1e9:.4g}-"
                             f"{sdd_a.f[-1] / 1e9:.4g} GHz) differs from the thru's ({len(sdd_t.f)} points, "
                             f"{sdd_t.f[0] / 1e9:.4g}-{sdd_t.f[-1] / 1e9:.4g} GHz): resampled onto the COM grid")
            chans.append((aname, kind, sdd_a))
    # terminated transfer functions on each channel's own grid
    tfs = []
    for cname, kind, sdd in chans:
        z0 = float(np.real(sdd.z0[0, 0]))
        h = pl.terminated_tf(sdd.s, z0, sdd.f, r0_ohm=p.r0_ohm, rd_ohm=p.rd_ohm,
                             tx_pkg=p.package, rx_pkg=p.package)
        tfs.append((cname, kind, sdd.f, h))
    if n_ui is None:
        cname, _, f, h = tfs[0]
        f_lin = np.linspace(0, f[-1], max(len(f), 2))
        h_lin, _ = pl.extend_tf(h, f, f_lin, method=extrapolation, name=cname)
        dur = pl.impulse_duration_s(h_lin * pl.tx_rise_filter(f_lin, p.t_r_s), f_lin, rel=1e-4)
        n_ui = int(2 ** np.ceil(np.log2(max(256.0, dur * fb * 1.25 + 64))))
    grid = pl.TimeGrid(fb, p.samples_per_ui, n_ui)
    f = grid.f_hz
    if chans[0][2].f[-1] < fb:
        msg = (f"{chans[0][0]}: data stop at {chans[0][2].f[-1] / 1e9:.4g} GHz, below the symbol rate "
               f"{fb / 1e9:.4g} GBd that COM needs (93A.1.1): extrapolated, see notes")
        warnings.warn(msg, stacklevel=2)
        notes.append(msg)
    hthr = pl.tx_rise_filter(f, p.t_r_s) * pl.rx_filter(f, p.f_r_hz)
    basis = ctle_basis(p.ctle, f)
    amp = {"thru": p.a_v, "fext": p.a_fe, "next": p.a_ne}
    sets = []
    for cname, kind, fin, h in tfs:
        h_sys, n3 = pl.extend_tf(h, fin, f, method=extrapolation, name=cname)
        notes += n3
        h_sys = pl.truncate_impulse(h_sys * hthr, grid.n)
        pulses = np.fft.irfft(basis * (h_sys * grid.sinc)[None, :], n=grid.n, axis=-1) * amp[kind]
        if kind == "thru":
            wf = pl.wrapped_fraction(pulses[0], p.samples_per_ui)
            if wf > 1e-4:
                notes.append(f"{cname}: {wf:.2g} of the pulse energy in the last 8 UI of the "
                             f"{n_ui}-UI window (time wrap): results may be inaccurate")
        sets.append(PulseSet(cname, kind, pulses))
    # receiver noise autocorrelation at UI lags for each basis pair (93A-35, 178A-18)
    n_lag = max(p.rx_ffe_taps, 1) + 2
    hr2 = np.abs(pl.rx_filter(f, p.f_r_hz)) ** 2
    acf = np.zeros((4, 4, n_lag))
    for i in range(4):
        for j in range(i, 4):
            s = p.eta0_v2_per_hz * np.real(basis[i] * np.conj(basis[j])) * hr2
            r = np.fft.irfft(s, n=grid.n)[::p.samples_per_ui][:n_lag] / (2 * grid.dt_s)
            acf[i, j] = acf[j, i] = r
    return Prepared(p, grid, sets[0], tuple(sets[1:]), acf, tuple(notes), order)


# ------------------------------------------------------------------------------------------------
# Figure of merit, batched
# ------------------------------------------------------------------------------------------------


def _corr(seq: np.ndarray, n_lag: int) -> np.ndarray:
    """Cross-correlations of UI-sampled basis sequences: ``seq`` (B, n_ui, M) -> (B, B, n_lag, M)."""
    b, n, m = seq.shape
    out = np.empty((b, b, n_lag, m))
    for lag in range(n_lag):
        out[:, :, lag] = np.einsum("inm,jnm->ijm", seq[:, : n - lag], seq[:, lag:])
    return out


def _quad(r_all: np.ndarray, ic: np.ndarray, coeffs: np.ndarray, shifts: np.ndarray, lags: np.ndarray,
          phase: np.ndarray) -> np.ndarray:
    """``sum_ij c_i c_j r[ic, |l + s_i - s_j|, phase]`` for candidates (K,) and lags (Lq,): (K, Lq).

    The autocorrelation of a Tx-FFE'd sequence from that of the sequence (a quadratic form in the taps).
    """
    r = r_all[ic, :, phase]                                # (K, L_all)
    out = np.zeros((len(coeffs), len(lags)))
    delta = shifts[:, None] - shifts[None, :]
    cc = np.einsum("ki,kj->kij", coeffs, coeffs)
    for dl in np.unique(delta):                            # group the tap pairs by s_i - s_j
        out += cc[:, delta == dl].sum(-1)[:, None] * r[:, np.abs(lags + dl)]
    return out


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
        self.nb = len(p.dfe_max)
        self.b_min, self.b_max = np.array(p.dfe_min), np.array(p.dfe_max)
        span = int(self.shifts.max() - self.shifts.min())
        self.n_lag = self.nw + span + 1
        aa = np.einsum("si,sj->sij", self.a, self.a)
        basis = prep.thru.basis
        self.pulse = self.a @ basis                                    # (S, N) victim, no Tx FFE
        self.n = self.pulse.shape[1]
        self.seq = self.pulse.reshape(len(self.a), self.n_ui, m)
        self.peak = np.argmax(self.pulse, axis=1)
        jv = (np.roll(basis, -1, axis=-1) - np.roll(basis, 1, axis=-1)) * (m / 2)   # 178A-23 slope, V/UI
        self.r_v = np.einsum("sij,ijlm->slm", aa, _corr(basis.reshape(4, self.n_ui, m), self.n_lag))
        self.r_j = np.einsum("sij,ijlm->slm", aa, _corr(jv.reshape(4, self.n_ui, m), self.n_lag))
        self.r_agg = [np.einsum("sij,ijlm->slm", aa, _corr(ag.basis.reshape(4, self.n_ui, m), self.n_lag))
                      for ag in prep.aggressors]
        self.agg_fext = [ag.kind == "fext" for ag in prep.aggressors]
        self.rx_acf = np.einsum("sij,ijl->sl", aa, prep.rx_noise_acf)
        self.i0 = int(np.searchsorted(self.shifts, 0))
        self.kq = self._clip_ratio() if p.n_qb else 0.0
        self.n_evaluated = 0

    def _samples(self, ic, coeffs, ts, offsets):
        """Tx-FFE'd victim UI samples at ``ts + offsets * UI`` for candidates: (K, len(offsets))."""
        n0, ph = ts // self.m, ts % self.m
        idx = n0[:, None, None] + offsets[None, :, None] - self.shifts[None, None, :]
        vals = self.seq[ic[:, None, None], idx % self.n_ui, ph[:, None, None]]
        return np.einsum("kot,kt->ko", vals, coeffs)

    def noise_acf(self, ic, coeffs, ph, lags, r_tx):
        """Noise autocorrelation at the FFE input (V^2), (K, lags), and crosstalk variance per candidate."""
        p = self.p
        k = len(coeffs)
        var_x = p.var_x
        cur = np.zeros_like(coeffs)
        cur[:, self.i0] = 1.0
        rn = self.rx_acf[ic][:, lags].copy()                                            # 178A-18 (eta_0)
        rn += 10 ** (-p.snr_tx_db / 10) * self.r_v[ic[:, None], lags[None, :], ph[:, None]]  # 178A-21
        rn += var_x * (p.a_dd_ui**2 + p.sigma_rj_ui**2) * _quad(self.r_j, ic, coeffs, self.shifts, lags, ph)
        xt_total = np.zeros(k)
        d = np.abs(self.shifts[:, None] - self.shifts[None, :])
        n_d = int(d.max()) + 1
        for r_a, fext in zip(self.r_agg, self.agg_fext):
            c = coeffs if fext else cur
            cc = np.einsum("ki,kj->kij", c, c)
            wd = np.stack([cc[:, d == j].sum(-1) for j in range(n_d)], -1)   # (K, n_d)
            e = np.einsum("kd,kdm->km", wd, r_a[ic, :n_d, :])             # energy at every phase
            best = np.argmax(e, axis=1)                                      # 178A-20 / 93A-33
            rn += var_x * _quad(r_a, ic, c, self.shifts, lags, best)
            xt_total += var_x * e[np.arange(k), best]
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

    def fom(self, ic, coeffs, ts, detail: bool = False):
        """Figure of merit (dB) of the candidates."""
        self.n_evaluated += len(ts)
        if self.p.fom == "mmse":
            return self._fom_mmse(ic, coeffs, ts, detail)
        return self._fom_93a(ic, coeffs, ts, detail)

    def _fom_mmse(self, ic, coeffs, ts, detail):
        p = self.p
        ph = ts % self.m
        lags = np.arange(self.nw)
        r_tx = _quad(self.r_v, ic, coeffs, self.shifts, lags, ph)
        rn, _ = self.noise_acf(ic, coeffs, ph, lags, r_tx)
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

    def _fom_93a(self, ic, coeffs, ts, detail):
        p = self.p
        ph = ts % self.m
        lag0 = np.zeros(1, int)
        h = self._samples(ic, coeffs, ts, np.arange(0, self.nb + 1))
        h0 = h[:, 0]
        b = np.clip(h[:, 1:] / np.where(h0 > 0, h0, 1.0)[:, None], self.b_min, self.b_max)   # 93A-26
        energy = _quad(self.r_v, ic, coeffs, self.shifts, lag0, ph)[:, 0]
        resid = (h[:, 1:] - b * h0[:, None]) ** 2 - h[:, 1:] ** 2
        var_isi = p.var_x * (energy - h0**2 + resid.sum(-1))                            # 93A-31
        var_j = p.var_x * (p.a_dd_ui**2 + p.sigma_rj_ui**2) * _quad(self.r_j, ic, coeffs, self.shifts,
                                                                     lag0, ph)[:, 0]   # 93A-32
        var_tx = h0**2 * 10 ** (-p.snr_tx_db / 10)                                       # 93A-30
        _, var_xt = self.noise_acf(ic, coeffs, ph, lag0, np.zeros((len(ts), 1)))        # 93A-33/34
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
        """Sample index of each candidate's Tx-FFE'd pulse peak (within +-1 UI of the CTLE pulse peak)."""
        win = self.peak[ic][:, None] + np.arange(-self.m, self.m + 1)[None, :]
        return win[np.arange(len(ic)), np.argmax(self._tx_pulse_at(ic, coeffs, win), axis=1)]

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
    pmf = _gauss_pmf(sigma, y_step, n)
    for x in sets:
        pmf = _conv(pmf, _delta_pmf(x[np.abs(x) > y_step / 2], levels, y_step, n))
    cdf = np.cumsum(pmf)
    return float(-(int(np.argmax(cdf >= p_qc / 2)) - n // 2) * y_step)


# ------------------------------------------------------------------------------------------------
# Search strategies
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    ic: int
    tx: int
    ts: int
    fom_db: float


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
    """FOM of candidates at the default sampling time(s), best over ``offsets`` (samples)."""
    coeffs = srch.coeffs[tx]
    out = np.full(len(tx), -np.inf)
    for off in offsets:
        out = np.maximum(out, srch.fom(ic, coeffs, srch.default_ts(ic, coeffs, off)))
    return out


def search(srch: _Search, mode: str = "fast", keep: int = 8) -> Choice:
    """Choose CTLE, Tx FFE and sampling time by the largest FOM (93A.1.6 / 178A.1.6).

    ``mode="full"``: every CTLE x Tx FFE candidate with the full sampling-time search.
    ``mode="fast"``: coarse-to-fine. (A) every other grid value of gDC, gDC2 and of each Tx tap (every
    third on taps with more than 8 values), at one sampling time; (B) all
    grid neighbours (one step in gDC, gDC2 and each tap) of the ``keep`` best, repeated around the best
    until the best stop changing; (C) the full sampling-time search on the best 16 of (B). The FOM surface
    is smooth on these grids; tests and the benchmark compare the result with ``mode="full"``.
    """
    n_ctle, n_tx = len(srch.settings), len(srch.coeffs)
    if mode == "full":
        best = Choice(-1, -1, -1, -np.inf)
        for ic in range(n_ctle):                       # one batched call per CTLE setting
            f, ts = _best_ts_sweep(srch, np.full(n_tx, ic), np.arange(n_tx))
            j = int(np.argmax(f))
            if f[j] > best.fom_db:
                best = Choice(ic, j, int(ts[j]), float(f[j]))
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

    evaluate([(int(i1 * n2 + i2), int(t)) for i1 in _coarse(n1) for i2 in _coarse(n2) for t in coarse_tx],
             offsets_a)                                                                        # (A)
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
    j = int(np.argmax(f))
    return Choice(int(top[j, 0]), int(top[j, 1]), int(ts[j]), float(f[j]))


# ------------------------------------------------------------------------------------------------
# Final COM (93A.1.7 / 178A.1.9)
# ------------------------------------------------------------------------------------------------


def _delta_pmf(samples: np.ndarray, levels: int, y_step: float, n: int) -> np.ndarray:
    """PMF of ``sum_k h_k x_k`` with independent uniform PAM-L symbols ``x_k`` (93A-39/40) on a grid.

    Grid: ``n`` (odd) points ``(i - n//2) * y_step``. Each sample convolves in ``levels`` deltas.
    """
    out = np.zeros(n)
    out[n // 2] = 1.0
    lv = np.linspace(-1, 1, levels)
    for h in samples:
        shifts = np.round(h * lv / y_step).astype(int)
        new = np.zeros(n)
        for s in shifts:
            if s >= 0:
                new[s:] += out[: n - s] if s else out
            else:
                new[:s] += out[-s:]
        out = new / levels
    return out


def _gauss_pmf(sigma: float, y_step: float, n: int) -> np.ndarray:
    y = (np.arange(n) - n // 2) * y_step
    if sigma <= 0:
        g = np.zeros(n)
        g[n // 2] = 1.0
        return g
    g = np.exp(-0.5 * (y / sigma) ** 2)
    return g / g.sum()


def _conv(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Convolution of two PMFs on the same zero-centred grid (length kept, centre aligned), by FFT."""
    n = len(a)
    m = 1 << int(np.ceil(np.log2(2 * n)))
    full = np.fft.irfft(np.fft.rfft(a, m) * np.fft.rfft(b, m), m)[n // 2: n // 2 + n]
    out = np.maximum(full, 0.0)
    return out / out.sum()


@dataclass(frozen=True)
class Equalized:
    """The equalized link at the chosen setting: everything the eye and the COM need (volts)."""

    victim: np.ndarray          # (N,) equalized victim pulse (Tx FFE, CTLE, Rx FFE)
    aggressors: tuple[np.ndarray, ...]
    ts: int                     # cursor sample index
    samples_per_ui: int
    levels: int
    rlm: float
    dfe: np.ndarray             # DFE taps (relative to the cursor)
    sigma_gauss_v: float        # Tx + Rx + random jitter + quantisation, at the slicer
    a_dd_ui: float
    sigma_rj_ui: float
    var_x: float
    der0: float


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

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "equalized"}
        d["tx_ffe"] = {str(k): v for k, v in self.tx_ffe.items()}
        d["rx_ffe"] = list(self.rx_ffe)
        d["dfe"] = list(self.dfe)
        d["notes"] = list(self.notes)
        return d


def _shift(x: np.ndarray, k: int) -> np.ndarray:
    """``x(t - k samples)`` on the periodic grid."""
    return np.roll(x, k)


def equalize(srch: _Search, ch: Choice) -> tuple[Equalized, np.ndarray, np.ndarray, dict]:
    """Apply the chosen Tx FFE, CTLE and (MMSE) Rx FFE to victim and aggressors."""
    p, m = srch.p, srch.m
    c = srch.coeffs[ch.tx]
    a = srch.a[ch.ic]
    pulse_v = srch.pulse[ch.ic]
    rx_acf = srch.rx_acf[ch.ic]
    _, det = srch.fom(np.array([ch.ic]), c[None, :], np.array([ch.ts]), detail=True)
    w = det["w"][0]
    dw = srch.dw
    if p.rx_ffe_taps:
        w = w / w[dw]                       # unit main tap (P802.3dj normalisation), limits applied


    def tx(pulse_v: np.ndarray, apply_tx: bool) -> np.ndarray:
        if not apply_tx:
            return pulse_v
        return sum(ci * _shift(pulse_v, int(s) * m) for ci, s in zip(c, srch.shifts))

    def rx(x: np.ndarray) -> np.ndarray:
        return sum(wi * _shift(x, (i - dw) * m) for i, wi in enumerate(w))

    victim_pre = tx(pulse_v, True)
    victim = rx(victim_pre)
    aggs = []
    for ag in srch.prep.aggressors:
        aggs.append(rx(tx(a @ ag.basis, ag.kind == "fext")))
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
        xt_pre = []
        for ag in srch.prep.aggressors:
            x = tx(a @ ag.basis, ag.kind == "fext")
            xt_pre.append(x[int(np.argmax((x.reshape(-1, m) ** 2).sum(0)))::m])
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
    return eq, c, w, {"var_rx": var_rx, "var_tx": var_tx, "var_rj": var_rj, "var_q": var_q, "hj": hj}


def crosstalk_pmf(eq: Equalized, y_step: float, n: int) -> np.ndarray:
    """PMF of all crosstalk (93A-44), each aggressor at its highest-energy phase (93A-33); phase-independent."""
    m = eq.samples_per_ui
    thr = 1e-3 * abs(eq.rlm * eq.victim[eq.ts] / (eq.levels - 1))
    p = _gauss_pmf(0.0, y_step, n)
    for ag in eq.aggressors:
        phase = int(np.argmax((ag.reshape(-1, m) ** 2).sum(0)))
        xs = ag[phase::m]
        p = _conv(p, _delta_pmf(xs[np.abs(xs) > thr], eq.levels, y_step, n))
    return p


def noise_pmf(eq: Equalized, ts: int, y_step: float, n: int, *, ref_ts: int | None = None,
              xt: np.ndarray | None = None) -> np.ndarray:
    """Distribution of ISI + crosstalk + jitter + Gaussian noise at sample ``ts`` (93A-45), on a grid.

    The DFE feedback values are ``dfe * h(ref_ts)`` (fixed at the COM sampling time; ``ref_ts``
    defaults to ``ts``), so the same function serves the eye at other phases; ``xt`` is a
    precomputed :func:`crosstalk_pmf` on the same grid.
    """
    m, v = eq.samples_per_ui, eq.victim
    n_ui = len(v) // m
    ts = ts % len(v)
    h0 = v[ts if ref_ts is None else ref_ts]
    a_s = eq.rlm * v[ts] / (eq.levels - 1)
    thr = 1e-3 * abs(a_s)
    k = np.arange(n_ui) - ts // m
    seq = v[(ts + m * k) % len(v)]
    isi = seq.copy()
    isi[k == 0] = 0.0
    nb = len(eq.dfe)
    for j in range(1, nb + 1):
        isi[k == j] -= eq.dfe[j - 1] * h0                                                 # 93A-27
    isi = isi[np.abs(isi) > thr]
    p = _delta_pmf(isi, eq.levels, y_step, n)                                             # 93A-40
    p = _conv(p, crosstalk_pmf(eq, y_step, n) if xt is None else xt)                      # 93A-44
    hj = (v[(ts + 1 + m * k) % len(v)] - v[(ts - 1 + m * k) % len(v)]) * m / 2
    dd = eq.a_dd_ui * hj
    dd = dd[np.abs(dd) > thr]
    p_dd = _delta_pmf(dd, eq.levels, y_step, n)          # 93A-43: dual-Dirac jitter times the symbol value
    p = _conv(p, _conv(p_dd, _gauss_pmf(eq.sigma_gauss_v, y_step, n)))                  # 93A-41/42
    return p


def amplitude_at_der(pmf: np.ndarray, y_step: float, der: float) -> float:
    """``A_ni``: the magnitude of the lower-tail quantile of the noise distribution at ``der`` (93A-45)."""
    n = len(pmf)
    cdf = np.cumsum(pmf)
    i = int(np.argmax(cdf >= der))
    return float(-(i - n // 2) * y_step)


def _grid_for(eq: Equalized, a_s: float, fine: bool = True) -> tuple[float, int]:
    m, v = eq.samples_per_ui, eq.victim
    support = np.abs(v[eq.ts % m::m]).sum() + sum(np.abs(a[np.argmax((a.reshape(-1, m) ** 2).sum(0))::m]).sum()
                                                  for a in eq.aggressors)
    support += 8 * eq.sigma_gauss_v + abs(a_s)
    y_step = max(abs(a_s) / (1000 if fine else 200), support / (4000 if fine else 1000))
    n = 2 * int(np.ceil(support / y_step)) + 1
    return y_step, n


def compute_com(thru, fext=(), next=(), params: ComParams | str = "802.3dj", *,  # noqa: A002
                rate: str | None = None, extrapolation: str = "fit", search_mode: str = "fast",
                n_ui: int | None = None, eye: bool = True) -> ComResult:
    """COM of a thru channel with FEXT and NEXT aggressors (Annex 93A / 178A).

    ``thru``/``fext``/``next``: skrf Networks or Touchstone paths; 4-port single-ended (port order
    detected from the thru's data, see :func:`si_thermal.si.pulse.to_sdd`) or 2-port Sdd.
    ``params``: a :class:`ComParams` or the name of a set in ``channels/com_params.toml``;
    ``rate`` moves a named set to a ``channels/serdes.toml`` rate. Returns a frozen :class:`ComResult`.
    """
    if isinstance(params, str):
        params = load_com_params(params, rate=rate)
    prep = prepare(thru, fext, next, params, extrapolation=extrapolation, n_ui=n_ui)
    return com_from_prepared(prep, search_mode=search_mode, eye=eye)


def com_from_prepared(prep: Prepared, *, search_mode: str = "fast", eye: bool = True) -> ComResult:
    """COM from :func:`prepare`'s output (lets reach searches and tests reuse the channel set)."""
    from si_thermal.si import eye as eye_mod

    srch = _Search(prep)
    ch = search(srch, search_mode)
    p = prep.params
    eq, c, w, var = equalize(srch, ch)
    a_s = p.rlm * eq.victim[eq.ts] / (p.levels - 1)                                      # 93A-25 A_s
    y_step, n = _grid_for(eq, a_s)
    pmf = noise_pmf(eq, eq.ts, y_step, n)
    a_ni = amplitude_at_der(pmf, y_step, p.der0)
    com = 20 * np.log10(a_s / a_ni) if a_ni > 0 else np.inf
    notes = list(prep.notes)
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
        notes=tuple(notes), port_order=prep.port_order, search=search_mode, equalized=eq)


def _isi_energy(eq: Equalized) -> float:
    """Sum of squared residual ISI samples after the DFE (93A-31, without sigma_X^2)."""
    m, v = eq.samples_per_ui, eq.victim
    k = np.arange(len(v) // m) - eq.ts // m
    seq = v[(eq.ts + m * k) % len(v)]
    isi = np.where(k == 0, 0.0, seq)
    for j in range(1, len(eq.dfe) + 1):
        isi = np.where(k == j, isi - eq.dfe[j - 1] * v[eq.ts], isi)
    return float((isi**2).sum())


def with_grid(params: ComParams, **changes: Any) -> ComParams:
    """A copy of ``params`` with fields replaced (e.g. a reduced equalizer grid for a cross-check)."""
    ctle_changes = {k: changes.pop(k) for k in ("g_dc_db", "g_dc2_db") if k in changes}
    if ctle_changes:
        changes["ctle"] = replace(params.ctle, **ctle_changes)
    return replace(params, **changes)
