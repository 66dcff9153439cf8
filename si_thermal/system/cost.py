"""Cost per million tokens of a rack system, with the formula of S0 section 2.5:

    cost per token = (hardware depreciation + electricity + operations) per year
                     / (throughput x seconds per year x availability)

S0's worked example (DeepSeek-R1 inference): dual NVL72 ~$3.0M/yr depreciation + $0.3M/yr power at
~25,000 tok/s -> ~$4.2 per million tokens; single NVL576 $6.0M/yr + $0.5M/yr at ~135,000 tok/s ->
~$1.5; at 90 % availability ~$1.7. Seconds per year: 3600 x 8760 (S0 uses 8,760 h).

All inputs come from the rack file's ``[cost]`` table (each with its source) and every one can be
overridden. The electricity cost may instead be derived from the rack power:
``P_rack x PUE x price x 8760 h``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from si_thermal.config import RackFile

from si_thermal.constants import HOURS_PER_YEAR, SECONDS_PER_YEAR


@dataclass(frozen=True)
class CostInputs:
    """Per-rack inputs, SI-like units: USD, USD per year, tokens per second."""

    hardware_cost_usd: float
    depreciation_usd_per_yr: float
    power_cost_usd_per_yr: float
    operations_usd_per_yr: float
    throughput_tok_per_s: float
    availability: float
    rack_power_w: float
    source: str


@dataclass(frozen=True)
class CostResult:
    inputs: CostInputs
    annual_cost_usd: float
    tokens_per_year: float
    usd_per_million_tokens: float
    implied_electricity_usd_per_kwh: float  # power cost / (rack power x 8760 h), PUE 1


def cost_inputs(rack: RackFile, **overrides) -> CostInputs:
    """Inputs of ``rack``'s ``[cost]`` table; keyword overrides by :class:`CostInputs` field name,
    plus ``electricity_usd_per_kwh`` and ``pue`` to derive the power cost from the rack power."""
    c = rack.cost
    if c is None:
        raise ValueError(f"{rack.rack.name}: no [cost] table (the articles give no cost inputs for it)")
    dep = c.depreciation_per_year if c.depreciation_per_year is not None \
        else c.hardware_cost / (c.depreciation_life / (SECONDS_PER_YEAR))
    base = CostInputs(c.hardware_cost, dep, c.power_cost_per_year, c.operations_cost_per_year, c.throughput,
                      c.availability, rack.rack.rack_power, c.source)
    price = overrides.pop("electricity_usd_per_kwh", None)
    pue = overrides.pop("pue", 1.0)
    if price is not None:
        overrides.setdefault("power_cost_usd_per_yr", base.rack_power_w / 1e3 * pue * price * HOURS_PER_YEAR)
    unknown = set(overrides) - set(CostInputs.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown cost input(s): {', '.join(sorted(unknown))}")
    return replace(base, **overrides)


def cost_per_million_tokens(inputs: CostInputs) -> CostResult:
    """S0 section 2.5: annual cost over annual tokens (throughput x seconds per year x availability)."""
    if inputs.throughput_tok_per_s <= 0 or not 0 < inputs.availability <= 1:
        raise ValueError("throughput must be > 0 and availability in (0, 1]")
    annual = inputs.depreciation_usd_per_yr + inputs.power_cost_usd_per_yr + inputs.operations_usd_per_yr
    tokens = inputs.throughput_tok_per_s * SECONDS_PER_YEAR * inputs.availability
    price = inputs.power_cost_usd_per_yr / (inputs.rack_power_w / 1e3 * HOURS_PER_YEAR) \
        if inputs.rack_power_w > 0 else float("nan")
    return CostResult(inputs, annual, tokens, annual / tokens * 1e6, price)


def rack_cost(rack: RackFile, **overrides) -> CostResult:
    return cost_per_million_tokens(cost_inputs(rack, **overrides))
