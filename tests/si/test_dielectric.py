"""Djordjevic-Sarkar dielectric: datasheet point reproduced, Kramers-Kronig satisfied numerically."""

import math

import numpy as np
import pytest

from si_thermal.si.dielectric import DjordjevicSarkar, djordjevic_sarkar


def test_reproduces_datasheet_point():
    m = djordjevic_sarkar(3.2, 0.0015, 10e9)
    assert m.dk(10e9) == pytest.approx(3.2, rel=1e-12)
    assert m.df(10e9) == pytest.approx(0.0015, rel=1e-12)
    # nearly constant loss tangent over the band of interest, Dk falling slowly with frequency
    df = m.df(np.array([1e9, 100e9]))
    assert np.all(np.abs(df / 0.0015 - 1) < 0.1)
    assert m.dk(1e9) > m.dk(10e9) > m.dk(100e9)


def kk_real_part(model, f0: float) -> float:
    """eps'(w0) - eps_inf from eps''(w) by the Kramers-Kronig integral, with the singularity removed:
    (2/pi) int_0^inf [w eps''(w) - w0 eps''(w0)] / (w^2 - w0^2) dw (the subtracted PV integral is 0)."""
    u = np.linspace(math.log(1.0), math.log(1e17), 400_001)
    w = np.exp(u)
    w0 = f0
    e2 = -model.eps(w).imag
    e20 = -model.eps(w0).imag
    num = w * e2 - w0 * e20
    den = w * w - w0 * w0
    near = np.abs(den) < 1e-9 * w0 * w0
    integrand = np.where(near, 0.0, num / np.where(near, 1.0, den)) * w  # dw = w du
    return 2.0 / math.pi * np.trapezoid(integrand, u)


@pytest.mark.parametrize("f0", [1e8, 1e10, 5e10])
def test_kramers_kronig(f0):
    m = djordjevic_sarkar(3.2, 0.0015, 10e9)
    expected = m.dk(f0) - m.eps_inf
    assert kk_real_part(m, f0) == pytest.approx(expected, rel=1e-4)


class _ConstantLoss:
    """Frequency-independent Dk and Df: the classic non-causal model."""

    eps_inf = 3.2

    def eps(self, f):
        return np.full(np.shape(f), 3.2 - 1j * 3.2 * 0.0015)


def test_kramers_kronig_check_rejects_a_noncausal_model():
    m = _ConstantLoss()
    assert abs(kk_real_part(m, 1e10) - 0.0) > 0.01  # KK demands dispersion that this model lacks


def test_pole_band_must_contain_reference():
    with pytest.raises(ValueError):
        djordjevic_sarkar(3.0, 0.001, 1e13)
    assert isinstance(djordjevic_sarkar(3.0, 0.001, 1e9), DjordjevicSarkar)
