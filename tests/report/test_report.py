"""The PDF report: structure (pages, numbered tables and figures, appendix with hashes) on a reduced
configuration of two systems, and the numbers in a system's table following its inputs."""

from __future__ import annotations

import hashlib
import re

import pytest
from pypdf import PdfReader

from si_thermal.report.build import STAGES, build_report
from si_thermal.report.pdf import system_rows
from si_thermal.system import model
from tests.conftest import ROOT

SYSTEMS = ["gb300_nvl72", "rubin_ultra_nvl576"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "rack_report.pdf"
    path, timings = build_report(SYSTEMS, out)
    print("stage timings (s):", {k: round(v, 1) for k, v in timings.items()})
    reader = PdfReader(str(path))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return path, timings, reader, text


def test_pdf_structure(report):
    path, timings, reader, text = report
    assert set(timings) == set(STAGES)
    assert len(reader.pages) >= 6
    images = sum(len(page.images) for page in reader.pages)
    figures = sorted({int(n) for n in re.findall(r"Figure (\d+)\.", text)})
    tables = sorted({int(n) for n in re.findall(r"Table (\d+)\.", text)})
    print(f"{len(reader.pages)} pages, {images} images, figures {figures}, tables {tables}")
    assert images >= 7 and figures == list(range(1, len(figures) + 1)) and len(figures) == images
    assert tables == list(range(1, len(tables) + 1)) and len(tables) >= 7
    for must in ("Claims check", "GB300 NVL72", "Rubin Ultra NVL576", "Appendix A", "SHA-256", "Software versions",
                 "supported", "USD", "kW", "dB"):
        assert must in text, must
    assert not re.search(r"\bnan\b", text)
    assert not list(path.parent.glob(".rack_report*"))  # written atomically, no temporary left


def test_appendix_hashes_the_inputs(report):
    _, _, _, text = report
    flat = text.replace("\n", "")
    for rel in ("boards/racks/gb300_nvl72.toml", "boards/racks/rubin_ultra_nvl576.toml",
                "channels/nvl72_spine_26awg.toml", "boards/materials.toml"):
        digest = hashlib.sha256((ROOT / rel).read_bytes()).hexdigest()
        assert digest in flat, rel


def _row(rows, start):
    return next(r[1] for r in rows if r[0].startswith(start))


def test_system_numbers_follow_their_inputs(tmp_path):
    src = model.systems()["gb300_nvl72"]
    base = model.evaluate_system("gb300_nvl72", src, with_com=False, with_cooling=False)
    text = src.read_text()
    edited = tmp_path / "gb300_nvl72.toml"
    edited.write_text(text.replace('rate = "200g"\nlanes = 2', 'rate = "224g"\nlanes = 2')
                      .replace('throughput = "12500 tok/s"', 'throughput = "25000 tok/s"'))
    changed = model.evaluate_system("gb300_nvl72", edited, with_com=False, with_cooling=False)
    b, c = system_rows(base), system_rows(changed)
    key = "NVLink 5 spine over nvl72_spine_26awg.toml @ "
    assert _row(b, key) != _row(c, key)  # IL margins recomputed by the SI solver at 224G
    assert base.si.groups[0].worst_margin_db > changed.si.groups[0].worst_margin_db
    assert _row(b, "cost per million tokens") != _row(c, "cost per million tokens")
    assert changed.cost.usd_per_million_tokens == pytest.approx(base.cost.usd_per_million_tokens / 2)
