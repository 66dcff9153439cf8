"""Engelmaier / Coffin-Manson, Norris-Landzberg / Arrhenius and Weibull against hand calculations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from si_thermal.reliability import acceleration as acc
from si_thermal.reliability import solder
from si_thermal.reliability.weibull import Weibull


def test_engelmaier_hand_calculation():
    # L_D 10 mm, h 0.1 mm, da 10 ppm/K, dT 50 K: dgamma = 0.05; T_sj 50 degC, 1 cycle/day
    dgamma = solder.engelmaier_shear_strain(10e-3, 0.1e-3, 10e-6, 50.0)
    assert dgamma == pytest.approx(0.05, rel=1e-12)
    c = -0.442 - 6e-4 * 50 + 1.74e-2 * math.log(2.0)
    assert solder.engelmaier_exponent(50.0, 1.0) == pytest.approx(c, rel=1e-12)
    n = solder.engelmaier_cycles(10e-3, 0.1e-3, 10e-6, 50.0, 50.0, 1.0)
    assert n == pytest.approx(0.5 * (0.05 / 0.65) ** (1 / c), rel=1e-12)
    # halving the strain (twice the joint height) multiplies life by 2^(-1/c), about 4.3
    n2 = solder.engelmaier_cycles(10e-3, 0.2e-3, 10e-6, 50.0, 50.0, 1.0)
    assert n2 / n == pytest.approx(2 ** (-1 / c), rel=1e-12)


def test_coffin_manson_inverse_and_monotone():
    n = solder.coffin_manson_cycles(0.01, 0.3, -0.5)
    assert 0.3 * (2 * n) ** -0.5 * 2 == pytest.approx(0.01, rel=1e-12)  # de/2 = eps_f (2N)^c
    assert solder.coffin_manson_cycles(0.02, 0.3, -0.5) < n
    with pytest.raises(ValueError):
        solder.engelmaier_shear_strain(10e-3, 0.1e-3, 10e-6, -5.0)


def test_norris_landzberg_identity_and_example():
    same = acc.norris_landzberg_af(100, 100, 24, 24, 373.15, 373.15)
    assert same == pytest.approx(1.0)
    # SnPb: 0-100 degC test at 72 cycles/day vs 20-60 degC field at 1/day
    af = acc.norris_landzberg_af(100, 40, 72, 1, 373.15, 333.15, acc.SNPB)
    expect = 2.5**1.9 * (1 / 72) ** (1 / 3) * math.exp(1414 * (1 / 333.15 - 1 / 373.15))
    assert af == pytest.approx(expect, rel=1e-12)


def test_arrhenius():
    af = acc.arrhenius_af(0.7, 328.15, 398.15)
    assert af == pytest.approx(math.exp(0.7 / 8.617333262e-5 * (1 / 328.15 - 1 / 398.15)), rel=1e-12)
    assert af > 1
    with pytest.raises(ValueError):
        acc.arrhenius_af(0.7, -1.0, 300.0)


def test_weibull_quantiles_and_mean():
    w = Weibull.from_median(1000.0, 4.0)
    assert w.cdf(1000.0) == pytest.approx(0.5, rel=1e-12)
    assert w.quantile(0.01) == pytest.approx(1000.0 * (math.log(1 / 0.99) / math.log(2)) ** 0.25, rel=1e-12)
    assert w.cdf(w.quantile(np.array([0.01, 0.632]))) == pytest.approx([0.01, 0.632])
    assert Weibull(1.0, 500.0).mean == pytest.approx(500.0)  # beta = 1 is the exponential
    assert w.hazard(2000.0) > w.hazard(1000.0)  # wear-out
    with pytest.raises(ValueError):
        w.quantile(1.0)
