"""SerDes lane rates and loss budgets (``channels/serdes.toml``, ``[rates]``)."""

from __future__ import annotations

from typing import Literal

from si_thermal.config._base import BitRate, Model, PositiveLoss, SymbolRate


class SerdesRate(Model):
    """One SerDes lane rate and its insertion-loss budget."""

    description: str
    source: str
    symbol_rate: SymbolRate
    modulation: Literal["NRZ", "PAM4"]
    bit_rate: BitRate
    il_budget: PositiveLoss  # bump-to-bump at Nyquist, dB (> 0)

    @property
    def nyquist_hz(self) -> float:
        return self.symbol_rate / 2.0


class SerdesFile(Model):
    rates: dict[str, SerdesRate]
