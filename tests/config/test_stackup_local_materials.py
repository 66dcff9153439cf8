"""Issue 19: stackup files carry their own materials (a vendor's laminate, a benchmark's foil), used by
every model that reads the stackup (stripline closed form, field-solver cross-section, laminate
homogenization, backplane thermal and plated-hole life), and validated like the library's."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from si_thermal import config, paths
from si_thermal.errors import InputError
from si_thermal.mechanics.laminate import effective_properties, glass_transition_k
from si_thermal.si.channel import stripline_cross_section
from si_thermal.si.xsection.stackup import trace_section

HOST = paths.boards_dir() / "host_tray_m7.toml"
BACKPLANE = paths.boards_dir() / "backplane_78L_m9.toml"
F = np.array([1e9, 26.5e9, 53.1e9])


def _library_block(name: str) -> str:
    """The library's TOML block of ``name`` (without its header)."""
    text = paths.materials_file().read_text()
    m = re.search(rf"^\[{re.escape(name)}\]\n(.*?)(?=^\[|\Z)", text, re.S | re.M)
    return m.group(1)


def _variant(tmp_path: Path, board: Path, old: str, new: str, block: str, override: bool = False,
             edit: tuple[str, str] | None = None) -> Path:
    body = _library_block(old) if edit is None else _library_block(old).replace(*edit)
    text = board.read_text().replace(f'material = "{old}"', f'material = "{new}"')
    text += f"\n[materials.{new}]\n" + ("override = true\n" if override else "") + body
    p = tmp_path / board.name
    p.write_text(text)
    return p


def _eps(parts, f):
    return sum(m.eps(f) * t for m, t in parts) / sum(t for _, t in parts)


def test_a_local_copy_of_a_library_laminate_gives_the_same_channel_and_laminate(tmp_path):
    p = _variant(tmp_path, HOST, "megtron7", "vendor_lam", "megtron7")
    assert {layer.material for layer in config.load_stackup(p).layers} >= {"vendor_lam"}
    geom, sigma, parts, *_ = stripline_cross_section(str(p), "diff85_L03")
    geom0, sigma0, parts0, *_ = stripline_cross_section(str(HOST), "diff85_L03")
    assert geom == geom0 and sigma == sigma0
    np.testing.assert_allclose(_eps(parts, F), _eps(parts0, F), rtol=1e-14)
    a, b = effective_properties(p), effective_properties(HOST)
    assert a.cte_z_per_k == pytest.approx(b.cte_z_per_k, rel=1e-14) and a.e_z_pa == pytest.approx(b.e_z_pa, rel=1e-14)


def test_a_local_laminate_changes_what_it_should(tmp_path):
    """Df doubled in the local laminate: the stripline's Im(eps) doubles at f_ref (Djordjevic-Sarkar is
    fitted to Dk, Df there), Re(eps) stays within the model's small Df-dependent dispersion; the
    field solver's cross-section takes the same material."""
    p = _variant(tmp_path, HOST, "megtron7", "vendor_lam", "megtron7", edit=("df = 0.0020", "df = 0.0040"))
    f_ref = np.array([12e9])
    e1 = _eps(stripline_cross_section(str(p), "diff85_L03")[2], f_ref)[0]
    e0 = _eps(stripline_cross_section(str(HOST), "diff85_L03")[2], f_ref)[0]
    assert -e1.imag / e1.real == pytest.approx(2 * (-e0.imag / e0.real), rel=0.02)
    assert e1.real == pytest.approx(e0.real, rel=1e-9)
    regions = trace_section(p, "diff85_L03").xs.regions
    assert any(r.material == "vendor_lam" for r in regions)


def test_override_replaces_a_library_material_in_this_file_only(tmp_path):
    p = tmp_path / BACKPLANE.name
    text = BACKPLANE.read_text() + "\n[materials.m9_laminate]\noverride = true\n" + \
        re.sub(r'^tg = ".*"$', 'tg = "150 degC"', _library_block("m9_laminate"), flags=re.M)
    p.write_text(text)
    assert glass_transition_k(config.load_stackup(p)) == pytest.approx(150 + 273.15)
    assert glass_transition_k(config.load_stackup(BACKPLANE)) > 150 + 273.15 + 1  # the library is untouched


def test_shadowing_without_override_is_one_line_naming_file_and_field(tmp_path):
    p = tmp_path / HOST.name
    p.write_text(HOST.read_text() + "\n[materials.megtron7]\n" + _library_block("megtron7"))
    with pytest.raises(InputError, match="shadows the library material") as err:
        config.load_stackup(p)
    assert err.value.field == "materials" and str(p) in str(err.value)
    proc = subprocess.run([str(Path(sys.executable).parent / "si-thermal"), "validate", str(p)],
                          capture_output=True, text=True)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and "materials" in lines[0] and "Traceback" not in proc.stderr


def test_a_local_material_of_the_wrong_kind_is_refused(tmp_path):
    p = _variant(tmp_path, HOST, "megtron7", "vendor_lam", "megtron7", edit=('kind = "laminate"', 'kind = "foil"'))
    with pytest.raises(InputError, match="expected laminate"):
        config.load_stackup(p)
