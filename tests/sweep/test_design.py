"""Factors and designs: parsing, full grid, Latin hypercube and Sobol properties, point keys."""

import numpy as np
import pytest

from si_thermal.errors import InputError
from si_thermal.sweep.params import parse_factor, parse_factors
from si_thermal.sweep.sampling import cross, design, point_key


def test_parse_factor_forms():
    assert parse_factor("length_m=0.5:1.0:0.25").levels == (0.5, 0.75, 1.0)
    assert parse_factor("cable.awg=26,30").levels == (26.0, 30.0)
    assert parse_factor("cable.dielectric=fep_foamed,ptfe").levels == ("fep_foamed", "ptfe")
    f = parse_factor("length_m=0.5:2")
    assert f.span == (0.5, 2.0) and f.numeric


@pytest.mark.parametrize("spec, fragment", [
    ("length_m", "expected NAME"), ("length_m=2:1:0.1", "no points"), ("length_m=1:1", "no points"),
    ("x=0:1:0", "cannot read"), ("x=", "no values"), ("x=1,1", "repeated"), ("x=1:nan:1", "cannot read"),
])
def test_parse_factor_bad(spec, fragment):
    with pytest.raises(InputError, match=fragment):
        parse_factor(spec)


def test_a_name_given_twice_is_bad_input():
    with pytest.raises(InputError, match="more than once"):
        parse_factors(["a=1,2", "a=3"])


def test_full_grid_is_the_product_in_order():
    pts = design(parse_factors(["a=1:3:1", "b=x,y"]), "grid")
    assert pts == [{"a": 1.0, "b": "x"}, {"a": 1.0, "b": "y"}, {"a": 2.0, "b": "x"}, {"a": 2.0, "b": "y"},
                   {"a": 3.0, "b": "x"}, {"a": 3.0, "b": "y"}]
    with pytest.raises(InputError, match="full grid"):
        design(parse_factors(["a=0:1"]), "grid")


def test_latin_hypercube_hits_every_stratum_once_and_is_reproducible():
    n = 16
    fs = parse_factors(["a=0:2", "b=10:20"])
    pts = design(fs, "lhs", n, seed=7)
    for name, (lo, hi) in (("a", (0, 2)), ("b", (10, 20))):
        strata = sorted(int((p[name] - lo) / (hi - lo) * n) for p in pts)
        assert strata == list(range(n))  # one sample per 1/n slice of every axis (McKay 1979)
    assert design(fs, "lhs", n, seed=7) == pts
    assert design(fs, "lhs", n, seed=8) != pts


def test_sobol_is_balanced_over_levels_and_reproducible():
    fs = parse_factors(["rate=200g,224g", "x=0:1"])
    pts = design(fs, "sobol", 16, seed=3)
    assert len(pts) == 16 and all(0 <= p["x"] < 1 for p in pts)
    # a scrambled Sobol net of 2^m points puts exactly half in each half of every axis
    assert sum(p["rate"] == "200g" for p in pts) == 8
    assert sum(p["x"] < 0.5 for p in pts) == 8
    assert design(fs, "sobol", 16, seed=3) == pts
    with pytest.raises(InputError, match="--samples"):
        design(fs, "sobol", 0)


def test_sampled_designs_keep_a_repeated_point_once():
    pts = design(parse_factors(["a=1,2"]), "lhs", 10, seed=0)
    assert sorted(p["a"] for p in pts) == [1.0, 2.0]


def test_point_key_ignores_name_order_and_cross_adds_rates():
    assert point_key({"a": 1.0, "b": "x"}) == point_key({"b": "x", "a": 1.0})
    assert point_key({"a": 1.0}) != point_key({"a": 1.0000001})
    pts = cross([{"a": 1.0}, {"a": 2.0}], "rate", ("200g", "224g"))
    assert [p["rate"] for p in pts] == ["200g", "224g", "200g", "224g"]
    assert np.unique([point_key(p) for p in pts]).size == 4
