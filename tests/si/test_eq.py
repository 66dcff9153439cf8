"""Reference equalizers: Tx FFE grid, CTLE family (93A-22), MMSE Rx FFE + DFE (178A.1.8)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from si_thermal.si.equalizer import (CtleFamily, TxTap, ctle_basis, ctle_coefficients, dfe_taps, mmse_solve,
                                     tx_ffe_grid)


def test_tx_ffe_grid_enforces_c0_and_covers_every_combination():
    taps = (TxTap(-2, 0.0, 0.14, 0.02), TxTap(-1, -0.34, 0.0, 0.02), TxTap(1, -0.2, 0.0, 0.02))
    shifts, c = tx_ffe_grid(taps, 0.54)
    assert list(shifts) == [-2, -1, 0, 1]
    assert np.allclose(c[:, 2], 1 - np.abs(c[:, [0, 1, 3]]).sum(1))
    assert c[:, 2].min() >= 0.54 - 1e-12
    brute = sum(1 for a, b, d in itertools.product(*(t.values() for t in taps)) if 1 - abs(a) - abs(b) - abs(d) >= 0.54 - 1e-12)
    assert len(c) == brute == 1308


def test_ctle_basis_reproduces_93a_22_at_every_setting():
    fam = CtleFamily(42.5e9, 42.5e9, 106.25e9, 1.328125e9, tuple(-float(g) for g in range(21)),
                     tuple(-float(g) for g in range(7)))
    f = np.linspace(0, 200e9, 2001)
    basis = ctle_basis(fam, f)
    settings = fam.settings()
    h_all = ctle_coefficients(settings, fam) @ basis
    for (g1, g2), h in zip(settings, h_all):
        a, b = 10 ** (g1 / 20), 10 ** (g2 / 20)
        direct = ((a + 1j * f / 42.5e9) * (b + 1j * f / 1.328125e9)
                  / ((1 + 1j * f / 42.5e9) * (1 + 1j * f / 106.25e9) * (1 + 1j * f / 1.328125e9)))
        assert np.allclose(h, direct, rtol=1e-12, atol=1e-15)
    # DC gain gDC + gDC2 dB; the one-stage (802.3by) family has no second stage
    assert 20 * np.log10(abs(fam.response(np.array([0.0]), -7, -3)[0])) == pytest.approx(-10)
    one = CtleFamily(6.4e9, 6.4e9, 25.8e9, None, (-12.0, 0.0))
    assert np.allclose(one.response(f, -12), (10 ** (-0.6) + 1j * f / 6.4e9) / ((1 + 1j * f / 6.4e9) * (1 + 1j * f / 25.8e9)))


def _kkt(r, h_d, h_b, b_fixed=None):
    """Reference MMSE solution from the KKT system of min w'Rw - 2w'(h_d + H_b'b) + b'b s.t. h_d'w = 1."""
    n, nb = len(h_d), len(h_b)
    if b_fixed is None:   # b free: minimise over [w, b]
        a = np.zeros((n + nb + 1, n + nb + 1))
        a[:n, :n] = r
        a[:n, n:n + nb] = -h_b.T
        a[n:n + nb, :n] = -h_b
        a[n:n + nb, n:n + nb] = np.eye(nb)
        a[:n, -1] = -h_d
        a[-1, :n] = h_d
        y = np.concatenate([h_d, np.zeros(nb), [1.0]])
        x = np.linalg.solve(a, y)
        return x[:n], x[n:n + nb]
    a = np.zeros((n + 1, n + 1))
    a[:n, :n] = r
    a[:n, -1] = -h_d
    a[-1, :n] = h_d
    x = np.linalg.solve(a, np.concatenate([h_d + h_b.T @ b_fixed, [1.0]]))
    return x[:n], b_fixed


def test_mmse_solve_matches_the_kkt_solution_with_and_without_dfe_limits():
    rng = np.random.default_rng(1)
    k, n = 40, 9
    h = rng.normal(size=(k, 30)) * np.exp(-np.arange(30) / 4)
    h[:, 3] += 2.0
    lags = np.arange(n)
    r = np.stack([np.array([[hh[: 30 - abs(i - j)] @ hh[abs(i - j):] for j in lags] for i in lags]) for hh in h])
    r += 0.05 * np.eye(n)
    dw = 3
    h_d = h[:, dw + 3 - lags]
    h_b = np.stack([h[:, dw + 3 + j - lags] for j in (1, 2)], 1)
    b_min, b_max = np.array([0.0, -0.05]), np.array([0.4, 0.05])
    w, b, mse = mmse_solve(r, h_d, h_b, b_min, b_max, var_x=1.0)
    assert np.allclose(np.einsum("ki,ki->k", w, h_d), 1.0)          # unit cursor
    assert np.all(b >= b_min - 1e-12) and np.all(b <= b_max + 1e-12)
    for i in range(k):
        w_ref, b_ref = _kkt(r[i], h_d[i], h_b[i])
        if np.all((b_ref >= b_min) & (b_ref <= b_max)):
            assert np.allclose(w[i], w_ref) and np.allclose(b[i], b_ref)
        else:
            held = (b_ref < b_min) | (b_ref > b_max)
            if held.all():
                w_ref, _ = _kkt(r[i], h_d[i], h_b[i], np.clip(b_ref, b_min, b_max))
                assert np.allclose(w[i], w_ref)
        m_ref = w[i] @ r[i] @ w[i] - 2 * w[i] @ h_d[i] - 2 * w[i] @ h_b[i].T @ b[i] + 1 + b[i] @ b[i]
        assert mse[i] == pytest.approx(m_ref)


def test_ffe_tap_limits_are_applied_relative_to_the_main_tap():
    rng = np.random.default_rng(2)
    n = 7
    a = rng.normal(size=(5, n, n))
    r = a @ a.transpose(0, 2, 1) + 0.01 * np.eye(n)
    h_d = rng.normal(size=(5, n))
    h_b = np.zeros((5, 1, n))
    w_free, _, mse_free = mmse_solve(r, h_d, h_b, np.array([-1.0]), np.array([1.0]), 1.0, dw=2)
    w, _, mse = mmse_solve(r, h_d, h_b, np.array([-1.0]), np.array([1.0]), 1.0, dw=2, w_limit=0.3)
    assert np.all(np.abs(np.delete(w / w[:, 2:3], 2, axis=1)) <= 0.3 + 1e-12)
    assert np.all(mse >= mse_free - 1e-12)                  # a constrained equalizer is never better
    assert np.allclose(np.einsum("ki,ki->k", w, h_d), 1.0)


def test_dfe_zero_forcing_with_limits_93a_26():
    b = dfe_taps(np.array([[0.5, 0.2, -0.4]]), np.array([1.0]), np.array([0.0, -0.3, -0.3]),
                 np.array([0.85, 0.3, 0.3]))
    assert np.allclose(b, [[0.5, 0.2, -0.3]])
