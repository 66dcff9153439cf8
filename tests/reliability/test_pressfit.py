"""Press-fit pin relaxation (Larson-Miller + Robinson): analytic values and the published rule of
time-under-load additivity; bad inputs."""

from __future__ import annotations

import numpy as np
import pytest

from si_thermal import config
from si_thermal.errors import InputError
from si_thermal.reliability.pressfit import larson_miller, relaxation_damage, time_at_level, time_to_failure_h
from tests.conftest import ROOT, run_cli

BOARD = ROOT / "boards/backplane_78L_m9.toml"


def test_larson_miller_equivalence_by_hand():
    """P = T (C + log10 t): 1,000 h at 150 degC is P = 423.15 x 23 = 9732.45; at 125 degC the same P
    takes 10^(9732.45 / 398.15 - 20) = 10^4.4442 = 27,810 h (hand arithmetic)."""
    p = larson_miller(423.15, 1000.0)
    assert p == pytest.approx(9732.45, abs=1e-6)
    assert time_to_failure_h(398.15, p) == pytest.approx(27810.0, rel=2e-3)
    assert time_to_failure_h(423.15, p) == pytest.approx(1000.0, rel=1e-12)
    # hotter is shorter, and a larger C (at the same P) is shorter too
    assert time_to_failure_h(433.15, p) < 1000.0 < time_to_failure_h(413.15, p)


def test_time_under_load_adds_up_copper_development_association_rule():
    """CDA connector design guide: relaxation accumulates over the time under load only; a contact
    losing 30 % in 5 years loses the same in 15 years when stressed 1/3 of the time. Robinson's rule
    with the other 2/3 at a temperature where relaxation is negligible gives 3x the life."""
    p_fail = larson_miller(333.15, 5 * 8766.0)  # failure after 5 years at 60 degC
    day = 86400.0
    hot = relaxation_damage([25.0], [day], 308.15, p_fail=p_fail)  # 35 + 25 = 60 degC all day
    assert day / 86400.0 / hot / 365.25 == pytest.approx(5.0, rel=1e-9)
    third = relaxation_damage([25.0, -250.0], [day / 3, 2 * day / 3], 308.15, p_fail=p_fail)  # 2/3 at 58 K: no relaxation
    assert hot / third == pytest.approx(3.0, rel=1e-9)


def test_time_at_level_is_conservative_and_keeps_the_time():
    x = np.concatenate([np.zeros(600), np.full(300, 20.0), np.linspace(0, 20, 100)])
    levels, dur = time_at_level(x, 2.0, bins=50)
    assert dur.sum() == pytest.approx(x.size * 2.0)
    assert levels.max() == pytest.approx(20.0)
    d_binned = relaxation_damage(levels, dur, 330.0, p_fail=9500.0)
    d_exact = relaxation_damage(x, np.full(x.size, 2.0), 330.0, p_fail=9500.0)
    assert d_exact <= d_binned <= d_exact * 1.05
    # Monte Carlo samples broadcast: one damage per sample, monotone in the failure parameter
    d = relaxation_damage(levels, dur, 330.0, p_fail=np.array([9000.0, 9500.0, 10000.0]))
    assert d.shape == (3,) and d[0] > d[1] > d[2] > 0


@pytest.mark.parametrize("edit, field", [
    (("larson_miller_constant = 20.0", "larson_miller_constant = 35.0"), "larson_miller_constant"),
    (("larson_miller_failure = 9732.0", "larson_miller_failure = -1.0"), "larson_miller_failure"),
    (("failure_fraction = 0.5", "failure_fraction = 1.5"), "failure_fraction"),
])
def test_bad_press_fit_inputs(tmp_path, edit, field):
    f = tmp_path / "bp.toml"
    f.write_text(BOARD.read_text().replace(*edit))
    with pytest.raises(InputError, match=field):
        config.load_stackup(f)


def test_cli_press_fit_constant_out_of_range_exit_2(tmp_path):
    f = tmp_path / "bp.toml"
    f.write_text(BOARD.read_text().replace("larson_miller_constant = 20.0", "larson_miller_constant = 35.0"))
    out = run_cli("backplane", str(f))
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 2 and len(lines) == 1 and "bp.toml" in lines[0] and "larson_miller_constant" in lines[0]


def test_uncertain_press_fit_parameter_range(tmp_path):
    u = (ROOT / "boards/reliability_uncertainty.toml").read_text().replace("low = 9157.0", "low = 3000.0")
    f = tmp_path / "u.toml"
    f.write_text(u)
    with pytest.raises(InputError, match="press_fit_larson_miller"):
        config.load_uncertainty(f)
