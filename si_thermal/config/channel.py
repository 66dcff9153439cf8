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
    _quantity,
)


MAX_SEGMENT_LENGTH_M = 100.0
# One passive copper segment of a scale-up link: at 100 m twinax loses ~2000 dB at 53 GHz; any longer
# length is a unit slip (a 1000 km cable drove the loss to underflow and a NaN verdict).
SegmentLength = Annotated[float, _quantity("length", 0.0, MAX_SEGMENT_LENGTH_M,
                                           why="0 to 100 m for one passive copper segment")]


class _Segment(Model):
    name: str
    source: str | None = None


class TwinaxSegment(_Segment):
    """A length of shielded differential twinax cable."""

    medium: Literal["twinax"]
    length: SegmentLength
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
    length: SegmentLength
    board: str  # file name in boards/
    trace: str  # name of a [[traces]] entry of that board
    roughness: Literal["huray", "hammerstad", "groisse", "none"] = "huray"  # conductor roughness model
    solver: Literal["closed_form", "field"] = "closed_form"  # "field": 2-D field solver (si.xsection)


#: Residual stub left by back-drilling when a via segment states none: 8 mil (0.2 mm). Back-drill depth
#: control of +-4-6 mil plus the no-cut margin above the exit layer leaves 6-10 mil stubs (Bogatin,
#: *Signal and Power Integrity - Simplified*, 3rd ed., section 10.13; fabricators' back-drill design
#: rules); backplanes at 25 Gb/s and above back-drill every high-speed via.
BACKDRILL_STUB_M = 0.2e-3


class ViaSegment(_Segment):
    """A differential via transition with its unused (stub) barrel length."""

    medium: Literal["via"]
    board: str
    barrel_length: PositiveLength  # used barrel, from entry to exit layer
    back_drilled: bool = True  # False: the stub runs to the far side of the board
    stub_length: NonNegativeLength | None = None  # residual stub; default BACKDRILL_STUB_M when back-drilled
    drill_diameter: PositiveLength
    antipad_diameter: PositiveLength
    pitch: PositiveLength  # via-to-via spacing of the pair


def check_passive(il_db: float, rl_db: float, next_db: float | None = None, fext_db: float | None = None) -> None:
    """ValueError unless |S21|^2 + |S11|^2 + |NEXT|^2 + |FEXT|^2 <= 1 (power conservation of a passive part)."""
    if il_db < 0 or rl_db <= 0:
        raise ValueError("connector insertion_loss must be >= 0 dB and return_loss > 0 dB")
    terms = {"IL": il_db, "RL": rl_db, "NEXT": next_db, "FEXT": fext_db}
    total = sum(10.0 ** (-v / 10.0) for v in terms.values() if v is not None)
    if total > 1.0 + 1e-12:
        stated = ", ".join(f"{k} {v:g} dB" for k, v in terms.items() if v is not None)
        raise ValueError(f"no passive connector has {stated} at f_ref: the powers sum to {total:.3f} > 1 "
                         "(raise the IL or the RL/crosstalk isolation)")


class ConnectorSegment(_Segment):
    """A connector modelled parametrically (si.connector): IL, RL envelope and crosstalk at f_ref."""

    medium: Literal["connector"]
    insertion_loss: Loss  # at f_ref, dB (positive number)
    return_loss: Loss  # worst case (envelope) over 0..f_ref, dB (positive number)
    f_ref: Frequency
    delay: Time = 100e-12
    next_loss: Loss | None = None  # power-sum NEXT isolation at f_ref, dB (positive); None: not stated
    fext_loss: Loss | None = None  # power-sum FEXT isolation at f_ref, dB (positive); None: not stated

    @model_validator(mode="after")
    def _passive(self) -> ConnectorSegment:
        check_passive(self.insertion_loss, self.return_loss, self.next_loss, self.fext_loss)
        return self


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
    # What the segments span: "ball-to-ball" (board, connectors, cable; the device packages are added
    # for a bump-to-bump budget) or "bump-to-bump" (a measured/simulated channel that holds the packages).
    reference_planes: Literal["ball-to-ball", "bump-to-bump"] = "ball-to-ball"


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
