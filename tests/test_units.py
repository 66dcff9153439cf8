"""Quantity strings: conversions by definition (NIST SP 811) and the errors a user meets; atomic writes."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from si_thermal.units import UnitError, format_quantity, parse_quantity, units_of


@pytest.mark.parametrize(
    ("text", "dimension", "expected"),
    [
        ("4.5 mil", "length", 4.5 * 25.4e-6),
        ("1 in", "length", 0.0254),
        ("53.125 GHz", "frequency", 53.125e9),
        ("35 degC", "temperature", 308.15),
        ("25 K", "temperature_difference", 25.0),
        ("17 ppm/K", "cte", 17e-6),
        ("1.5 L/min", "volume_flow", 2.5e-5),
        ("2.5 W/mm^2", "heat_flux", 2.5e6),
        ("8000 h", "time", 8000 * 3600.0),
        ("0.7 eV", "energy", 0.7 * 1.602176634e-19),
        ("1e-3 m", "length", 1e-3),
    ],
)
def test_conversions_exact(text, dimension, expected):
    assert parse_quantity(text, dimension) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (4.5, "missing unit"),
        ("4.5", "missing unit"),
        ("4.5 kg", "wrong unit 'kg'"),
        ("4.5 GHz", "that is a frequency"),
        ("four mil", "cannot read"),
        (True, "expected a length"),
    ],
)
def test_errors_name_the_problem(value, fragment):
    with pytest.raises(UnitError, match=fragment):
        parse_quantity(value, "length")


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
       st.sampled_from(units_of("temperature")))
def test_format_inverts_parse(x, unit):
    si = parse_quantity(f"{x!r} {unit}", "temperature")
    back = parse_quantity(format_quantity(si, "temperature", unit, digits=17), "temperature")
    assert math.isclose(back, si, rel_tol=1e-12, abs_tol=1e-9)


def test_atomic_write_leaves_a_normal_file_and_nothing_half_written(tmp_path):
    import os
    import stat

    from si_thermal.atomic import atomic_path, write_text

    target = tmp_path / "out.csv"
    write_text(target, "a,b\n")
    assert target.read_text() == "a,b\n"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask  # as open() would make it, not 0600
    with pytest.raises(RuntimeError):
        with atomic_path(tmp_path / "broken.csv") as tmp:
            tmp.write_text("half")
            raise RuntimeError("solver failed half-way")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
