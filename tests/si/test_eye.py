"""Statistical eye and bathtub (93A.1.7 applied across the UI)."""

from __future__ import annotations

import warnings
from statistics import NormalDist

import numpy as np
import pytest
import skrf as rf

from si_thermal.si import com, eye


def _gaussian_link(sigma_v: float, levels: int = 4, der0: float = 1e-6) -> com.Equalized:
    """A link with no ISI (a triangular pulse of 2 UI base: zero at every other UI sample) and Gaussian noise."""
    m, n_ui = 32, 64
    t = np.arange(m * n_ui)
    ts = 20 * m
    v = np.clip(1 - np.abs(t - ts) / m, 0, None) * 0.2       # 0.2 V peak, zero one UI away
    return com.Equalized(v, (), ts, m, levels, 1.0, np.zeros(1), sigma_v, 0.0, 0.0,
                         (levels**2 - 1) / (3 * (levels - 1) ** 2), der0)


def test_gaussian_eye_height_and_bathtub_are_analytic():
    """No ISI: EH(tau) = 2 (h(tau)/(L-1) - sigma Q^-1(DER0)); DER(tau) = Q(A_s(tau)/sigma)."""
    sigma = 6e-3
    eq = _gaussian_link(sigma)
    ey = eye.statistical_eye(eq, step=2)
    q = -NormalDist().inv_cdf(1e-6)
    a_s = 0.2 / 3
    step = (ey.y_v[1] - ey.y_v[0])
    assert ey.eye_height_v == pytest.approx(2 * (a_s - sigma * q), abs=4 * 0.2 / 3 / 200)
    # width: at offset tau the cursor is 0.2 (1 - |tau|) and one ISI sample 0.2 |tau| appears (PAM4 levels)
    from scipy.optimize import brentq

    nd = NormalDist(0, sigma)

    def eh(tau):
        isi = 0.2 * abs(tau) * np.array([-1, -1 / 3, 1 / 3, 1])
        a_ni = brentq(lambda a: np.mean([nd.cdf(-a - x) for x in isi]) - 1e-6, 0, 1)
        return 2 * (0.2 * (1 - abs(tau)) / 3 - a_ni)

    half = brentq(eh, 0.0, 0.5)
    assert ey.eye_width_ui == pytest.approx(2 * half, abs=0.03)
    i0 = int(np.argmin(np.abs(ey.phase_ui)))
    assert ey.der[i0] == pytest.approx(1 - NormalDist().cdf(a_s / sigma), rel=0.3)
    assert ey.der[0] > ey.der[i0] and ey.der[-1] > ey.der[i0]       # bathtub walls
    del step


def test_eye_height_at_the_sampling_time_equals_two_times_as_minus_ani():
    f = np.linspace(0, 60e9, 6001)
    s = np.zeros((len(f), 2, 2), complex)
    s[:, 1, 0] = s[:, 0, 1] = 10 ** (-(0.6 * np.sqrt(f / 1e9) + 0.12 * f / 1e9) / 20) * np.exp(-2j * np.pi * f * 1e-9)
    net = rf.Network(frequency=rf.Frequency.from_f(f, unit="Hz"), s=s, z0=100.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = com.compute_com(net, params="802.3by")
    assert r.eye_height_v == pytest.approx(2 * (r.a_s_v - r.a_ni_v), rel=0.05)
    assert 0.2 < r.eye_width_ui < 1.0
    assert r.com_db > 3


def test_plot_eye_writes_a_png(tmp_path):
    ey = eye.statistical_eye(_gaussian_link(3e-3))
    out = tmp_path / "eye.png"
    eye.plot_eye(ey, out, title="test")
    assert out.stat().st_size > 10_000
