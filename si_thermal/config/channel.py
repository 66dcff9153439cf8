"""Channel files (``[channel]``): a link as ordered segments."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from si_thermal.config._base import (
    Frequency,
    Impedance,
    Loss,
    Model,
    NonNegativeLength,
    PositiveLength,
    Time,
)


class _Segment(Model):
    name: str
    source: str | None = None


class TwinaxSegment(_Segment):
    """A length of shielded differential twinax cable."""

    medium: Literal["twinax"]
    length: NonNegativeLength
    awg: Annotated[int, Field(ge=20, le=36)]
    dielectric: str  # material of kind cable_dielectric
    conductor: str = "copper"  # material of kind conductor (silver-plated copper: use "copper")
    impedance: Impedance = 100.0  # target differential impedance, sets the insulation diameter
    insulation_diameter: PositiveLength | None = None  # per wire = centre spacing; overrides impedance
    shield_diameter: PositiveLength | None = None  # default: twice the insulation diameter
    solver: Literal["closed_form", "field"] = "closed_form"  # "field": 2-D field solver (si.xsection)


class StriplineSegment(_Segment):
    """A length of differential stripline on a trace of a stackup file in ``boards/``."""

    medium: Literal["stripline"]
    length: NonNegativeLength
    board: str  # file name in boards/
    trace: str  # name of a [[traces]] entry of that board
    roughness: Literal["huray", "hammerstad", "groisse", "none"] = "huray"  # conductor roughness model
    solver: Literal["closed_form", "field"] = "closed_form"  # "field": 2-D field solver (si.xsection)


class ViaSegment(_Segment):
    """A differential via transition with its unused (stub) barrel length."""

    medium: Literal["via"]
    board: str
    barrel_length: PositiveLength  # used barrel, from entry to exit layer
    stub_length: NonNegativeLength  # remaining stub after back-drilling
    drill_diameter: PositiveLength
    antipad_diameter: PositiveLength
    pitch: PositiveLength  # via-to-via spacing of the pair


class ConnectorSegment(_Segment):
    """A connector or package modelled parametrically: IL and RL at a reference frequency."""

    medium: Literal["connector"]
    insertion_loss: Loss  # at f_ref, dB (positive number)
    return_loss: Loss  # at f_ref, dB (positive number)
    f_ref: Frequency
    delay: Time = 100e-12


class TouchstoneSegment(_Segment):
    """A measured or simulated block from a Touchstone file (4-port single-ended, or 2-port Sdd)."""

    medium: Literal["touchstone"]
    file: str  # path relative to the channel file, or absolute
    port_order: Literal["1-2/3-4", "1-3/2-4"] = "1-3/2-4"  # thru paths of the 4-port (si.touchstone)


Segment = Annotated[
    Union[TwinaxSegment, StriplineSegment, ViaSegment, ConnectorSegment, TouchstoneSegment],
    Field(discriminator="medium"),
]


class Channel(Model):
    name: str
    description: str
    source: str
    variable_segment: str | None = None  # segment whose length is varied for reach


class ChannelFile(Model):
    channel: Channel
    segments: list[Segment] = Field(min_length=1)

    @model_validator(mode="after")
    def _variable_segment(self) -> ChannelFile:
        names = [s.name for s in self.segments]
        if len(set(names)) != len(names):
            raise ValueError("segment names must be unique")
        var = self.channel.variable_segment
        if var is not None:
            if var not in names:
                raise ValueError(f"channel.variable_segment '{var}' is not a segment name")
            if not hasattr(self.segments[names.index(var)], "length"):
                raise ValueError(f"channel.variable_segment '{var}' has no length")
        return self


def touchstone_path(seg: TouchstoneSegment, channel_path: str | Path) -> Path:
    p = Path(seg.file)
    return p if p.is_absolute() else Path(channel_path).parent / p
