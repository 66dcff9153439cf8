"""Tuckerman & Pease (IEEE EDL 1981): 790 W/cm^2 into 50 x 302 um silicon channels -> 71 K peak rise."""

from __future__ import annotations

import pytest

from si_thermal.thermal.validation import PUBLISHED_PEAK_RISE_K, PUBLISHED_PRESSURE_DROP_PA, tuckerman_pease


def test_tuckerman_pease_peak_rise_within_15_percent():
    """Model 60.6 K vs 71 K measured (-15 %): the model omits the heater/diode layers and the
    flow that bypasses the channels in the manifolds, and assumes a 100 um base; the bulk water
    rise (22 K from the energy balance) and the fin-corrected convection (~36 K) dominate."""
    tp = tuckerman_pease()
    assert tp.peak_rise_k == pytest.approx(PUBLISHED_PEAK_RISE_K, rel=0.15)
    assert tp.coolant_rise_k == pytest.approx(790.0 / (0.993 * 8.6 * 4.18), rel=0.02)
    assert abs(tp.energy_balance_error) < 1e-4
    assert tp.reynolds < 2300  # laminar, as in the experiment


def test_tuckerman_pease_pressure_drop():
    """Measured 31 psi (214 kPa) at 8.6 cm^3/s. Model 274 kPa (+28 %): 230 kPa of fully developed
    Shah & London friction (fRe = 19.7 at aspect 0.166) plus the entrance K(inf) and 1.5 velocity
    heads of manifold losses, all with the viscosity at the bulk temperature; the heated walls
    (60-90 degC) thin the near-wall water, which lowers the real friction. The 30 % band still
    catches a Fanning/Darcy (4x) or hydraulic-diameter mistake."""
    tp = tuckerman_pease(nx=40, nz=2)
    assert tp.pressure_drop_pa == pytest.approx(PUBLISHED_PRESSURE_DROP_PA, rel=0.30)
    assert tp.pressure_drop_pa > PUBLISHED_PRESSURE_DROP_PA  # bulk viscosity: the model errs high
