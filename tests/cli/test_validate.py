"""``si-thermal validate`` on every shipped file, and on each kind of bad input (issue 2).

Bad input must give exactly one line on stderr that names the file and the field, exit status 2,
and no traceback.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT

SHIPPED = sorted(
    [*ROOT.glob("channels/*.toml"), *ROOT.glob("boards/*.toml"), *ROOT.glob("boards/racks/*.toml")]
)

STACKUP = """
[stackup]
name = "tiny"
description = "three-layer test stackup"
source = "test"
thickness = "{total}"

[[layers]]
name = "L1"
type = "copper"
material = "copper"
thickness = "35 um"
role = "plane"
coverage = 1.0

[[layers]]
name = "D1"
type = "dielectric"
material = "{dielectric}"
thickness = "{diel}"

[[layers]]
name = "L2"
type = "copper"
material = "copper"
thickness = "35 um"
role = "plane"
coverage = 1.0
"""


def stackup(tmp_path: Path, *, diel="100 um", total="0.17 mm", dielectric="megtron7") -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(STACKUP.format(diel=diel, total=total, dielectric=dielectric))
    return path


def test_version_and_help(cli):
    out = cli("--version")
    assert out.returncode == 0 and out.stdout.startswith("si-thermal ")
    out = cli("--help")
    assert out.returncode == 0 and "validate" in out.stdout and "materials" in out.stdout


def test_every_shipped_file_validates(cli):
    assert len(SHIPPED) >= 4
    out = cli("validate", *map(str, SHIPPED))
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.strip().splitlines()) == len(SHIPPED)


def test_materials_table_lists_sources(cli):
    out = cli("materials")
    assert out.returncode == 0
    for name in ("m9_laminate", "foil_hvlp4", "copper", "sac305", "pg25"):
        assert name in out.stdout


def test_good_tiny_stackup(cli, tmp_path):
    out = cli("validate", str(stackup(tmp_path)))
    assert out.returncode == 0, out.stderr
    assert "3 layers" in out.stdout


def _bad(cli, path: Path, field: str, fragment: str) -> None:
    out = cli("validate", str(path))
    assert out.returncode == 2, (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "Traceback" not in out.stderr
    assert str(path) in lines[0] and field in lines[0] and fragment in lines[0], lines[0]


def test_missing_file(cli, tmp_path):
    _bad(cli, tmp_path / "nope.toml", "", "file not found")


def test_negative_thickness(cli, tmp_path):
    _bad(cli, stackup(tmp_path, diel="-100 um"), "layers[1].thickness", "greater than 0")


def test_missing_unit(cli, tmp_path):
    _bad(cli, stackup(tmp_path, diel="100"), "layers[1].thickness", "missing unit")


def test_wrong_unit(cli, tmp_path):
    _bad(cli, stackup(tmp_path, diel="100 GHz"), "layers[1].thickness", "wrong unit 'GHz'")


def test_unknown_material(cli, tmp_path):
    _bad(cli, stackup(tmp_path, dielectric="unobtainium"), "layers[1].material", "unknown material")


def test_layer_of_wrong_material_kind(cli, tmp_path):
    _bad(cli, stackup(tmp_path, dielectric="water"), "layers[1].material", "is a coolant")


def test_thickness_does_not_add_up(cli, tmp_path):
    _bad(cli, stackup(tmp_path, total="0.5 mm"), "", "add up to")


def test_unknown_and_missing_field(cli, tmp_path):
    path = stackup(tmp_path)
    path.write_text(path.read_text().replace('source = "test"', 'source = "test"\ncolour = "green"'))
    _bad(cli, path, "stackup.colour", "unknown field")
    path.write_text(stackup(tmp_path).read_text().replace('source = "test"\n', ""))
    _bad(cli, path, "stackup.source", "missing field")


def test_not_toml(cli, tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[stackup\nname = ")
    _bad(cli, path, "", "not valid TOML")


@pytest.mark.parametrize(
    ("prop", "field", "fragment"),
    [("df = 1.5", "df", "less than 1"), ("dk = 0.5", "dk", "greater than or equal to 1")],
)
def test_nonphysical_dielectric(cli, tmp_path, prop, field, fragment):
    path = tmp_path / "materials.toml"
    path.write_text(textwrap.dedent(f"""
        [bad_laminate]
        kind = "laminate"
        description = "test"
        source = "test"
        {prop}
        f_ref = "10 GHz"
    """))
    _bad(cli, path, f"materials.bad_laminate.{field}", fragment)


def test_channel_unknown_medium(cli, tmp_path):
    path = tmp_path / "ch.toml"
    path.write_text(textwrap.dedent("""
        [channel]
        name = "x"
        description = "x"
        source = "x"
        [[segments]]
        name = "s"
        medium = "waveguide"
        length = "1 m"
    """))
    _bad(cli, path, "segments[0]", "unknown medium 'waveguide'")
