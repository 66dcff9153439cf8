"""Rack geometry -> routed link lengths: exact on a hand-computable rack, and against the articles'
published counts (S0 section 2.1: ~5,000 cables and ~3.2 km in the GB200 NVL72 cartridge; S0
section 2.4: >= 5,184 differential pairs in the NVL576 backplane; S0 section 4.3: 31 cross-tray
links per LPU)."""

from __future__ import annotations

import numpy as np
import pytest

from si_thermal import config
from si_thermal.system import geometry as geo
from si_thermal.system import model


def _rack(key):
    return config.load_rack(model.systems()[key])


def _tiny():
    """Two compute trays (1 GPU each) and one switch tray (1 chip) in a 10-slot rack."""
    return config.RackFile.model_validate({
        "rack": {"name": "t", "description": "t", "source": "t", "gpus": 2, "dies_per_gpu": 1, "gpu_power": "1 W",
                 "rack_power": "1 kW", "serdes_rate": "200g", "medium": "copper_cable"},
        "geometry": {"source": "t", "height": "1 m", "width": "0.6 m", "depth": "1 m", "unit_pitch": "0.1 m",
                     "service_loop": "0.1 m", "breakout": "0.05 m"},
        "trays": [{"kind": "compute", "slots": [1, 9], "endpoints": 1, "connector_pos": ["0.1 m"], "connector_y": "0.9 m"},
                  {"kind": "switch", "slots": [5], "endpoints": 1, "connector_pos": ["0.5 m"], "connector_y": "0.8 m"}],
        "links": [{"name": "l", "source": "t", "from_kind": "compute", "to_kind": "switch", "medium": "copper_cable",
                   "rate": "200g", "lanes": 2}],
    })


def test_manhattan_lengths_exact_on_a_tiny_rack():
    rack = _tiny()
    L = geo.link_lengths(rack, rack.links[0])
    # slot 1 centre z = 0.05, slot 9 centre z = 0.85, switch z = 0.45; |dx| = 0.4, |dy| = 0.1
    assert np.allclose(np.sort(L.manhattan_m), [0.4 + 0.1 + 0.4, 0.4 + 0.1 + 0.4])
    assert np.allclose(L.length_m, L.manhattan_m + 0.2)
    assert L.pairs == 2 * 2 * 2
    over = rack.links[0].model_copy(update={"route": "over_top"})
    top = geo.link_lengths(rack, over)
    assert np.allclose(np.sort(top.manhattan_m), np.sort(0.5 + np.array([0.95 + 0.55, 0.15 + 0.55])))
    assert np.all(L.length_m >= L.straight_m)


def test_nvl72_link_and_pair_counts_and_cartridge_length():
    L = geo.all_link_lengths(_rack("gb200_nvl72"))["NVLink 5 spine"]
    assert L.count == 72 * 18 and L.pairs == 5184  # S0: ~5,000 cables
    km = L.total_pair_length_m / 1e3
    print(f"GB200 NVL72 cartridge: {L.pairs} pairs, {km:.2f} km of cable vs S0 ~3.2 km "
          f"({(km / 3.2 - 1) * 100:+.0f} %); mean {L.length_m.mean():.2f} m")
    # geometry is independent of the 3.2 km figure (no calibration); it must agree to within the
    # uncertainty of the allowances (service loop and breakouts are 0.2 m of a ~0.8 m mean link)
    assert abs(km / 3.2 - 1) < 0.35


def test_nvl576_pairs_per_canister_match_the_article():
    L = geo.all_link_lengths(_rack("rubin_ultra_nvl576"))["NVLink 6 orthogonal"]
    assert L.pairs == 4 * 5184  # S0: 18 nodes x 4 ports x 72 pairs per canister backplane
    assert L.length_m.max() < 0.8  # PCB runs stay inside one 600 mm x 440 mm canister


def test_groq_dragonfly_counts():
    L = geo.all_link_lengths(_rack("groq_lpx"))["C2C cross-tray"]
    assert L.count == 256 * 31 // 2  # every LPU: one link to its counterpart in each of 31 other trays


def test_nvl144_cross_rack_links_are_longer_than_in_rack():
    Ls = geo.all_link_lengths(_rack("vr_nvl144_dual"))
    cross, inside = Ls["NVLink 6 cross-rack"], Ls["NVLink 6 in-rack"]
    assert cross.count == inside.count == 144 * 18
    # nearest pair: GPU connector at x = 510 mm in rack A, switch connector at x = 150 mm in rack B
    # (rack pitch 600 mm): |dx| = 0.24 m, plus the vertical run and the allowances
    assert cross.manhattan_m.min() >= 0.24 - 1e-9
    assert cross.length_m.mean() > inside.length_m.mean() + 0.3


@pytest.mark.parametrize("scale", [0.5, 2.0])
def test_scaling_the_rack_scales_the_routed_part(scale):
    rack = _rack("gb200_nvl72")
    base = geo.all_link_lengths(rack)["NVLink 5 spine"]
    big = geo.all_link_lengths(geo.scaled(rack, height_scale=scale, width_scale=scale))["NVLink 5 spine"]
    assert np.allclose(big.manhattan_m, scale * base.manhattan_m)
    assert big.overhead_m == base.overhead_m
