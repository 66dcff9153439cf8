"""The rack files follow the corrected reading of the seed articles (docs/seed-systems-errata.md), the
R200 has its own package, and the NVL576 availability is shown beside the physics fleet model's."""

from __future__ import annotations

import re

import pytest

from si_thermal import config, paths
from tests.conftest import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"


def rack(name):
    return config.load_rack(paths.racks_dir() / f"{name}.toml")


def test_dense_and_sparse_fp4_follow_s1():
    # S0's 3.6 EF for Vera Rubin NVL72 is 72 x 50 PF sparse; dense is 72 x 33.3 PF
    for name in ("vr_nvl72", "vr_nvl144_cpx"):
        r = rack(name).rack
        assert r.fp4_pflops == pytest.approx(72 * 33.3, rel=0.01)
        assert r.fp4_pflops_sparse == pytest.approx(3600, rel=0.01)
    # S1's "19,800 PFLOPS" of one CPX is 19,800 TFLOPS = 19.8 PF (its own 267.6k tok/s needs TFLOPS)
    assert 19.8e15 / 0.074e12 == pytest.approx(267.6e3, rel=1e-3)
    assert rack("vr_cpx_dual_rack").rack.fp4_pflops / 144 == pytest.approx(19.8, abs=0.5)


def test_long_pcie_path_is_cx9_to_hpm():
    links = {g.name: g for g in rack("vr_nvl144_cpx").links}
    assert links["PCIe Gen6 CPX to CX-9"].channel == "cpx_pcie6_card.toml"
    assert links["PCIe Gen6 CX-9 to HPM (midplane)"].channel == "cpx_pcie6_midplane.toml"
    card = config.load_channel(paths.channels_dir() / "cpx_pcie6_card.toml")
    assert not any(isinstance(s, config.ConnectorSegment) for s in card.segments)  # on the card: no connector


def test_r200_package_used_by_the_vera_rubin_racks():
    pkg = config.load_package(paths.boards_dir() / "gpu_package_r200.toml")
    gpus = [d for d in pkg.dies if d.name.startswith("gpu")]
    hbm = [d for d in pkg.dies if d.name.startswith("hbm")]
    assert len(gpus) == 2 and len(hbm) == 8
    assert all(750e-6 <= d.size_x * d.size_y <= 850e-6 for d in gpus)  # ~800 mm^2 (S0 section 7)
    assert 8 * 2048 * 10e9 / 8 == pytest.approx(20.5e12, rel=0.01)  # S1: 20.5 TB/s from 8 stacks at 10 Gb/s
    for name in ("vr_nvl72", "vr_nvl144_cpx", "vr_nvl144_dual"):
        assert rack(name).cooling.package == "gpu_package_r200.toml"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles (../shared/seeds) are not beside this checkout")
def test_errata_quotes_are_in_the_articles():
    files = [*SEEDS.glob("*.txt"), SEEDS.parent / "reference" / "seed-systems.md"]
    text = " ".join(p.read_text(encoding="utf-8") for p in files if p.is_file())
    text = re.sub(r"\s+", " ", text.replace("’", "'").replace("→", "->"))
    doc = (ROOT / "docs" / "seed-systems-errata.md").read_text(encoding="utf-8")
    quotes = re.findall(r'"([^"|]{25,})"', doc)
    pieces = [p.strip() for q in quotes for p in q.split("...") if len(p.strip()) >= 15]
    assert len(pieces) >= 8
    for q in pieces:
        assert re.sub(r"\s+", " ", q) in text, q


def test_nvl576_availability_beside_the_physics_model():
    from si_thermal.system.reliability import rack_reliability

    r = rack_reliability("rubin_ultra_nvl576", rack("rubin_ultra_nvl576"), with_backplane=False)
    p = r.physics
    assert p is not None and p.months == 60
    # S0 arithmetic (every failure a factory return) is a lower bound, the interconnect-only model an upper one
    assert r.availability == pytest.approx(8000 / (8000 + 3 * 168), rel=1e-9)
    assert r.availability < p.mean < 1.0 and p.last < p.first
    assert "lower bound" in r.reconciliation() and f"{r.availability * 100:.1f} %" in r.reconciliation()
