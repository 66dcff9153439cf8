"""Property-based fuzzing of every input kind (issue 12, item 7).

Mutations of the shipped TOML files (one leaf replaced by a hostile value, a key deleted or an unknown
key added), of Touchstone files, of quantity strings and of ``--param`` values. The property: the
program answers with exit 2 and one line (an :class:`InputError`), or it gives a finite, physical
result; never a traceback, never a NaN verdict. A mutated channel that validates is also run through
``si-thermal channel`` (a file that validates runs).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import si_thermal.cli as cli_module
from si_thermal import paths
from si_thermal.errors import InputError
from si_thermal.units import DIMENSIONS, UnitError, parse_quantity, units_of

from tests.fuzz.fuzz_settings import n_examples

ROOT = paths.project_root()
TOML_FILES = sorted([*ROOT.glob("channels/*.toml"), *ROOT.glob("boards/*.toml"), *ROOT.glob("boards/racks/*.toml"),
                     *ROOT.glob("boards/xsections/*.toml")])
CHANNELS = sorted(p for p in ROOT.glob("channels/*.toml") if p.name not in ("serdes.toml", "com_params.toml"))
ALL_UNITS = sorted({u for d in DIMENSIONS for u in units_of(d)})


def run(*args: str) -> tuple[int, str, str]:
    """``si-thermal ARGS`` in-process, without pytest fixtures (hypothesis reruns the body)."""
    out, err = io.StringIO(), io.StringIO()
    argv, sys.argv = sys.argv, ["si-thermal", *map(str, args)]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            cli_module.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = argv
    return code, out.getvalue(), err.getvalue()


def assert_clean(code: int, err: str) -> None:
    """Exit 0, or exit 2 with one ``error:`` line; never a traceback or another status."""
    assert "Traceback" not in err, err
    if code != 0:
        lines = [line for line in err.splitlines() if line.strip() and not line.startswith("warning:")]
        assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), (code, err)


# ------------------------------------------------------------------------------------------------
# TOML: a minimal writer (inline tables), leaf paths and hostile values
# ------------------------------------------------------------------------------------------------


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if v != v else "inf" if v == math.inf else "-inf" if v == -math.inf else repr(v)
    if isinstance(v, str):
        return _toml_str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_toml_str(k)} = {_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def dump_toml(doc: dict) -> str:
    return "".join(f"{_toml_str(k)} = {_value(v)}\n" for k, v in doc.items())


def leaves(doc, prefix=()) -> list[tuple]:
    out = []
    items = doc.items() if isinstance(doc, dict) else enumerate(doc)
    for k, v in items:
        if isinstance(v, dict) or (isinstance(v, list) and v and all(isinstance(x, dict) for x in v)):
            out += leaves(v, (*prefix, k))
        else:
            out.append((*prefix, k))
    return out


def set_path(doc, path, value, delete=False):
    node = doc
    for k in path[:-1]:
        node = node[k]
    if delete:
        if isinstance(node, dict):
            node.pop(path[-1], None)
        return
    node[path[-1]] = value


NUMBERS = st.sampled_from(["0", "-0", "-1", "1e308", "1e-300", "-1e308", "1e400", "nan", "inf", "3", "0.5",
                           "99999", "1e-7", "2.5e6", "26.4", "-273.16"]) | st.floats(allow_nan=False).map(repr)
QUANTITIES = st.builds(lambda n, sep, u: f"{n}{sep}{u}", NUMBERS, st.sampled_from([" ", "", "   "]),
                       st.sampled_from(ALL_UNITS + ["", "xyz", "GHz GHz", "mil/"]))
HOSTILE = st.one_of(
    QUANTITIES,
    st.floats(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.just([]),
    st.lists(QUANTITIES, max_size=3),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.just(" " * 5000 + "1 m"),
    st.just("/dev/zero"),
    st.just({"a": 1}),
)


@st.composite
def mutated_toml(draw, files=TOML_FILES):
    src = draw(st.sampled_from(files))
    doc = tomllib.loads(src.read_text())
    path = draw(st.sampled_from(leaves(doc)))
    action = draw(st.sampled_from(["replace", "replace", "replace", "delete", "unknown"]))
    if action == "unknown":
        set_path(doc, (*path[:-1], "zz_unknown_key"), 1)
    else:
        set_path(doc, path, draw(HOSTILE) if action == "replace" else None, delete=action == "delete")
    return src, dump_toml(doc)


@settings(settings.get_profile("fuzz-ci"), max_examples=n_examples(40))
@given(case=mutated_toml())
def test_validate_survives_mutated_inputs(tmp_path_factory, case):
    src, text = case
    p = tmp_path_factory.mktemp("fz") / src.name  # same name: materials.toml is told apart by it
    p.write_text(text)
    code, _, err = run("validate", p)
    assert_clean(code, err)


@settings(settings.get_profile("fuzz-ci"), max_examples=n_examples(12))
@given(case=mutated_toml(CHANNELS))
def test_a_mutated_channel_that_validates_runs_to_a_finite_result(tmp_path_factory, case):
    src, text = case
    p = tmp_path_factory.mktemp("fz") / src.name
    p.write_text(text)
    code, _, err = run("validate", p)
    assert_clean(code, err)
    if code != 0:
        return
    code, out, err = run("channel", p, "--json", "--points", "64", "--rate", "200g")
    assert_clean(code, err)
    if code == 0:
        data = json.loads(out)  # strict: NaN would not parse back as a number
        il = data["rates"]["200g"]["il_db_at_nyquist"]
        assert math.isfinite(il) and il >= -1e-6  # a passive channel has no gain


# ------------------------------------------------------------------------------------------------
# Touchstone
# ------------------------------------------------------------------------------------------------

UNITS = st.sampled_from(["HZ", "KHZ", "MHZ", "GHZ", "THZ", "hz", "GHz", "furlong"])


@st.composite
def touchstone_text(draw):
    n = draw(st.integers(min_value=0, max_value=24))
    base = np.linspace(0.01, 60.0, max(n, 1))[:n]
    f = draw(st.sampled_from(["ok", "reversed", "dup", "neg", "nan", "random"]))
    if f == "reversed":
        base = base[::-1]
    elif f == "dup" and n > 2:
        base[2] = base[1]
    elif f == "neg":
        base = base - 1.0
    elif f == "nan" and n:
        base[n // 2] = np.nan
    elif f == "random":
        base = np.array(draw(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64),
                                      min_size=n, max_size=n)))
    gain = draw(st.sampled_from([0.5, 0.999, 1.01, 1.5, 1e6, 0.0, 1e-300, np.nan, np.inf]))
    unit = draw(UNITS)
    r = draw(st.sampled_from(["100", "50", "0", "-50", "nan", "1e400"]))
    fmt = draw(st.sampled_from(["RI", "MA", "DB"]))
    lines = [f"# {unit} S {fmt} R {r}"]
    for x in base:
        a = gain * 0.9 if fmt != "DB" else 20 * np.log10(max(gain * 0.9, 1e-300)) if np.isfinite(gain) else gain
        lines.append(f"{float(x)!r} 0.01 0 {float(a)!r} 0 {float(a)!r} 0 0.01 0")
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(["garbage", "1 2 3", "! comment",
                                                                             "[Version] 2.0", ""])))
    return "\n".join(lines) + "\n"


@settings(settings.get_profile("fuzz-ci"), max_examples=n_examples(80))
@given(text=touchstone_text())
def test_touchstone_import_is_strict(tmp_path_factory, text):
    import warnings

    from si_thermal.si import touchstone

    p = tmp_path_factory.mktemp("ts") / "fz.s2p"
    p.write_text(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", touchstone.TouchstoneWarning)
            net = touchstone.read_network(p)
    except InputError as err:
        assert "\n" not in str(err) and str(p) in str(err)
        return
    f = net.frequency.f
    assert len(f) >= touchstone.MIN_POINTS and np.all(np.isfinite(f)) and f[0] >= 0 and np.all(np.diff(f) > 0)
    assert touchstone.F_TOP_MIN_HZ <= f[-1] <= touchstone.F_TOP_MAX_HZ
    assert np.all(np.isfinite(net.s))
    assert np.linalg.svd(net.s, compute_uv=False).max() <= 1 + 1e-6


# ------------------------------------------------------------------------------------------------
# quantity strings and --param values
# ------------------------------------------------------------------------------------------------


@settings(settings.get_profile("fuzz-ci"), max_examples=n_examples(300))
@given(text=st.one_of(QUANTITIES, st.text(max_size=40)), dimension=st.sampled_from(DIMENSIONS))
def test_quantity_parser_gives_a_finite_float_or_a_unit_error(text, dimension):
    try:
        value = parse_quantity(text, dimension)
    except UnitError as err:
        assert "\n" not in str(err)
        return
    assert isinstance(value, float) and math.isfinite(value)


@settings(settings.get_profile("fuzz-ci"), max_examples=n_examples(200))
@given(spec=st.builds(lambda a, b, c, sep: f"length_m={a}{sep}{b}{sep}{c}", NUMBERS, NUMBERS, NUMBERS,
                      st.sampled_from([":", ","])) | st.text(max_size=30))
def test_param_values_are_finite_and_bounded_or_refused(spec):
    from si_thermal.sweep.params import MAX_POINTS, parse_factor

    try:
        factor = parse_factor(spec)
    except InputError as err:
        assert "\n" not in str(err)
        return
    values = factor.levels or factor.span
    assert 1 <= len(values) <= MAX_POINTS
    assert all(math.isfinite(v) for v in values if isinstance(v, float))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_fuzz_helpers_write_valid_toml():
    """The writer round-trips every shipped file (the mutations test the program, not the writer)."""
    for src in TOML_FILES:
        doc = tomllib.loads(src.read_text())
        assert tomllib.loads(dump_toml(doc)) == doc
