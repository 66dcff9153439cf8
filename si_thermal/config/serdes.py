"""SerDes lane rates and loss budgets (``channels/serdes.toml``, ``[rates]``)."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from si_thermal.config._base import BitRate, Model, PositiveLoss, SymbolRate


class SerdesRate(Model):
    """One SerDes lane rate and its insertion-loss budget."""

    description: str
    source: str
    symbol_rate: SymbolRate
    modulation: Literal["NRZ", "PAM4"]
    bit_rate: BitRate
    il_budget: PositiveLoss  # at Nyquist between the reference planes, dB (> 0)
    reference_planes: Literal["bump-to-bump", "ball-to-ball"]  # where the budget is measured
    # COM parameter set (channels/com_params.toml) whose device package lies between bump and ball;
    # needed for a bump-to-bump budget (the package is part of the budgeted channel)
    package: str | None = None

    @model_validator(mode="after")
    def _package(self) -> SerdesRate:
        if self.reference_planes == "bump-to-bump" and self.package is None:
            raise ValueError("a bump-to-bump budget needs 'package' (the COM set whose package model lies "
                             "between bump and ball)")
        return self

    @property
    def nyquist_hz(self) -> float:
        return self.symbol_rate / 2.0


class SerdesFile(Model):
    rates: dict[str, SerdesRate]
