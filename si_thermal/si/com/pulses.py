"""Channels -> basis pulse responses of COM: thru, FEXT and NEXT networks with the device packages,
terminations, band extension, Tx rise and receiver filters, one pulse per CTLE basis term (93A.1.2-1.5,
178A.1.4), and the receiver-noise autocorrelation."""

from __future__ import annotations

import functools
import warnings
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import fft as sp_fft

from si_thermal.errors import InputError
from si_thermal.si import pulse as pl
from si_thermal.si.com.params import ComParams, load_com_params
from si_thermal.si.equalizer import CtleFamily, ctle_basis


#: Frequency step (Hz) of the network built from a channels/*.toml file for COM (0 to 1.5 fb).
TOML_DF_HZ = 25e6
_CHECKED: dict[int, tuple] = {}   # id(Network) -> (weakref, repaired network or None): package cases reuse the check


def _as_network(x, role: str, fb_hz: float | None = None, length_m: float | None = None, check: bool = True):
    import skrf as rf

    from si_thermal.config import ChannelFile
    from si_thermal.si import touchstone

    if isinstance(x, rf.Network) and not check:
        return x, x.name or role
    if isinstance(x, rf.Network):  # the same checks as a file (finite, frequencies, passivity), once per object
        hit = _CHECKED.get(id(x))
        if hit is None or hit[0]() is not x:
            checked = touchstone.check_network(x, x.name or role)
            # x itself (nothing repaired) is not stored: a strong reference would keep x alive for good
            hit = _CHECKED[id(x)] = (weakref.ref(x), None if checked is x else checked)
            weakref.finalize(x, _CHECKED.pop, id(x), None)
        return (x if hit[1] is None else hit[1]), x.name or role
    if fb_hz is not None and (isinstance(x, (ChannelFile, tuple)) or Path(x).suffix.lower() == ".toml"):
        from si_thermal.si.channel import channel_network, load  # a channel file, as the CLI takes

        ch, path = load(x)
        net = channel_network((ch, path), np.arange(0.0, 1.5 * fb_hz + TOML_DF_HZ, TOML_DF_HZ), length_m=length_m)
        return net, path.stem
    p = Path(x)
    if not p.exists():
        raise InputError(p, None, "file not found")
    return touchstone.read_network(p), p.stem  # strict: no pickle, finite, passive (si.touchstone)


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
            n_ui: int | None = None, length_m: float | None = None,
            check: bool = True) -> Prepared:  # noqa: A002 - "next" as the annex names it
    """Load, convert and check the channels; build the basis pulses and noise of :class:`Prepared`.
    A ``channels/*.toml`` thru (path or ``ChannelFile``) is built from 0 to 1.5 fb at
    :data:`TOML_DF_HZ`, its variable segment at ``length_m`` when given. ``check=False``: skrf Networks
    built by si_thermal's own channel models skip the Touchstone checks (finite and passive by
    construction, tests/si/test_hf_passivity.py)."""
    p = load_com_params(params) if isinstance(params, str) else params
    notes: list[str] = []
    fb = p.symbol_rate_hz
    net, name = _as_network(thru, "thru", fb, length_m, check)
    sdd_t, order, n1 = pl.to_sdd(net, name, role="thru")
    notes += n1
    chans = [(name, "thru", sdd_t)]
    for kind, items in (("fext", fext), ("next", next)):
        for x in items:
            a, aname = _as_network(x, kind, check=check)
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
    n_lag = max(p.rx_ffe_taps, p.rx_ffe_span if p.n_float else 0, 1) + 2   # floating taps: N_max lags
    if n_lag > n_ui:
        raise ValueError(f"n_ui = {n_ui}: the window must hold the {n_lag} UI lags of the Rx FFE span")
    hthr, basis, sinc, acf = _grid_terms(grid, p.t_r_s, p.f_r_hz, p.ctle, p.eta0_v2_per_hz, n_lag)
    amp = {"thru": p.a_v, "fext": p.a_fe, "next": p.a_ne}
    sets = []
    for cname, kind, fin, h in tfs:
        h_sys, n3 = pl.extend_tf(h, fin, f, method=extrapolation, name=cname)
        notes += n3
        h_sys = pl.truncate_impulse(h_sys * hthr, grid.n)
        pulses = sp_fft.irfft(basis * (h_sys * sinc)[None, :], n=grid.n, axis=-1) * amp[kind]
        if kind == "thru":
            wf = pl.wrapped_fraction(pulses[0], p.samples_per_ui)
            if wf > 1e-4:
                notes.append(f"{cname}: {wf:.2g} of the pulse energy in the last 8 UI of the "
                             f"{n_ui}-UI window (time wrap): results may be inaccurate")
        sets.append(PulseSet(cname, kind, pulses))
    return Prepared(p, grid, sets[0], tuple(sets[1:]), acf.copy(), tuple(notes), order)


@functools.lru_cache(maxsize=8)
def _grid_terms(grid: pl.TimeGrid, t_r_s: float, f_r_hz: float, ctle: CtleFamily, eta0_v2_per_hz: float,
                n_lag: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What :func:`prepare` computes from the parameter set and the time grid alone, the same for every
    channel, package case and length on that grid (remembered for the last few, keyed on these values):
    the Tx rise x receiver filter (93A-46, 93A-20), the CTLE basis (4, F), the 1-UI rectangle spectrum
    (93A-24) and the receiver noise autocorrelation at UI lags per basis pair (4, 4, n_lag) (93A-35,
    178A-18). Read-only arrays."""
    f = grid.f_hz
    hthr = pl.tx_rise_filter(f, t_r_s) * pl.rx_filter(f, f_r_hz)
    basis = ctle_basis(ctle, f)
    hr2 = np.abs(pl.rx_filter(f, f_r_hz)) ** 2
    acf = np.zeros((4, 4, n_lag))
    for i in range(4):
        for j in range(i, 4):
            s = eta0_v2_per_hz * np.real(basis[i] * np.conj(basis[j])) * hr2
            r = sp_fft.irfft(s, n=grid.n)[::grid.samples_per_ui][:n_lag] / (2 * grid.dt_s)
            acf[i, j] = acf[j, i] = r
    sinc = grid.sinc
    for x in (hthr, basis, sinc, acf):
        x.setflags(write=False)
    return hthr, basis, sinc, acf
