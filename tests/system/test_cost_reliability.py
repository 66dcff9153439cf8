"""Cost per token and fleet arithmetic against the worked examples of S0 sections 2.5 and 10.1."""

from __future__ import annotations

import pytest

from si_thermal import config
from si_thermal.system import cost, model, reliability


def _rack(key):
    return config.load_rack(model.systems()[key])


def test_article_cost_per_token_arithmetic():
    """S0 2.5: $3.3M/yr over 25,000 tok/s -> ~$4.2/M; $6.5M/yr over 135,000 -> ~$1.5/M; 90 % -> ~$1.7/M."""
    dual = cost.rack_cost(_rack("gb300_nvl72"))  # per rack = half the dual-rack pair: same $/token
    nvl576 = cost.rack_cost(_rack("rubin_ultra_nvl576"))
    at90 = cost.rack_cost(_rack("rubin_ultra_nvl576"), availability=0.9)
    print(f"dual NVL72 ${dual.usd_per_million_tokens:.3f}/M, NVL576 ${nvl576.usd_per_million_tokens:.3f}/M, "
          f"at 90 % ${at90.usd_per_million_tokens:.3f}/M")
    assert dual.usd_per_million_tokens == pytest.approx(3.3e6 / (25000 * 3600 * 8760) * 1e6, rel=1e-12)
    assert round(dual.usd_per_million_tokens, 1) == 4.2
    assert round(nvl576.usd_per_million_tokens, 1) == 1.5
    assert round(at90.usd_per_million_tokens, 1) == 1.7
    ratio = nvl576.usd_per_million_tokens / dual.usd_per_million_tokens
    assert 0.35 <= ratio <= 0.40 and 0.35 <= at90.usd_per_million_tokens / dual.usd_per_million_tokens <= 0.41


def test_cost_inputs_are_overridable():
    rack = _rack("rubin_ultra_nvl576")
    base = cost.rack_cost(rack).usd_per_million_tokens
    assert cost.rack_cost(rack, throughput_tok_per_s=67500).usd_per_million_tokens == pytest.approx(2 * base)
    derived = cost.rack_cost(rack, electricity_usd_per_kwh=0.10, pue=1.2)
    assert derived.inputs.power_cost_usd_per_yr == pytest.approx(400 * 1.2 * 0.10 * 8760)
    with pytest.raises(ValueError, match="unknown cost input"):
        cost.rack_cost(rack, price_of_tea=1.0)


def test_article_fleet_arithmetic():
    """S0 10.1: 8,000 h MTBF, 1,000 racks -> ~90 returns per month (730 h per month)."""
    r = reliability.rack_reliability("rubin_ultra_nvl576", _rack("rubin_ultra_nvl576"), with_backplane=False)
    assert r.events_per_month == pytest.approx(1000 * 730 / 8000)
    assert r.availability == pytest.approx(8000 / (8000 + 3 * 168))
    assert reliability.rack_reliability("x", _rack("rubin_ultra_nvl576"), mtbf_h=5000,
                                        with_backplane=False).events_per_month == pytest.approx(146.0)


def test_system_without_reliability_inputs_is_skipped_visibly():
    r = reliability.rack_reliability("gb200_nvl72", _rack("gb200_nvl72"))
    assert r.stage == "reliability" and "no [reliability]" in r.reason
