"""Fleet reliability files (``[fleet]``): interconnect options as failure modes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from si_thermal.config._base import Model, _quantity


class FailureModeSpec(Model):
    """One failure mode of a rack interconnect: a constant random rate or a wear-out population."""

    name: str
    source: str
    model: Literal["fit", "mil217_pwb", "wearout_pth", "wearout_joint", "wearout_press_fit"]
    units_per_rack: Annotated[int, Field(ge=1, le=10**7)] = 1
    fit_per_unit: Annotated[float, Field(ge=0, le=1e9)] | None = None  # model = "fit": failures per 1e9 h
    board: str | None = None  # model = "mil217_pwb" / "wearout_pth": a stackup file in boards/
    quality_factor: Annotated[float, Field(gt=0, le=1000)] = 1.0  # MIL-HDBK-217F pi_Q
    environment_factor: Annotated[float, Field(gt=0, le=1000)] = 1.0  # MIL-HDBK-217F pi_E
    weibull_shape: Annotated[float, Field(gt=0, le=100)] | None = None  # models "wearout_pth", "wearout_joint"
    mttr: Annotated[float, _quantity("time"), Field(gt=0)]

    @model_validator(mode="after")
    def _fields_by_model(self) -> FailureModeSpec:
        if self.model == "fit" and self.fit_per_unit is None:
            raise ValueError("model 'fit' needs fit_per_unit")
        if self.model != "fit" and self.board is None:
            raise ValueError(f"model '{self.model}' needs board")
        if self.model.startswith("wearout") and self.weibull_shape is None:
            raise ValueError(f"model '{self.model}' needs weibull_shape")
        return self


class InterconnectOption(Model):
    """A rack's scale-up interconnect as a set of failure modes."""

    name: str
    description: str
    source: str
    rack: str  # a rack file in boards/racks/: its GPUs x dies per GPU are the dies a failure idles
    modes: list[FailureModeSpec] = Field(min_length=1)


class Fleet(Model):
    name: str
    description: str
    source: str
    racks: Annotated[int, Field(ge=1, le=10**7)]
    months: Annotated[int, Field(ge=1, le=600)] = 60
    hours_per_month: Annotated[float, _quantity("time"), Field(gt=0)] = 730.0 * 3600.0


class FleetFile(Model):
    fleet: Fleet
    options: dict[str, InterconnectOption]

    @model_validator(mode="after")
    def _both(self) -> FleetFile:
        for key in ("cable_tray", "backplane"):
            if key not in self.options:
                raise ValueError(f"options.{key} is missing")
        return self
