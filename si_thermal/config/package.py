"""GPU package stacks and their cooling (``[package]``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from si_thermal.config._base import (
    Fraction,
    Length,
    Model,
    PositiveLength,
    Power,
    Temperature,
    VolumeFlow,
    _quantity,
)
from si_thermal.config.materials import material


class PackageInfo(Model):
    name: str
    description: str
    source: str
    power: Power = 1000.0  # default GPU power when none is given
    tj_limit: Temperature = 378.15  # junction limit, 105 degC


class Slab(Model):
    """A rectangular layer centred on the package axis (x, y centred at 0)."""

    material: str
    size_x: PositiveLength
    size_y: PositiveLength
    thickness: PositiveLength


class Hotspot(Model):
    """A hot spot of a die's power map: ``power_fraction`` of the die's power in a rectangle
    centred at (center_x, center_y) relative to the die centre."""

    center_x: Length = 0.0
    center_y: Length = 0.0
    size_x: PositiveLength
    size_y: PositiveLength
    power_fraction: Fraction


class PackageDie(Model):
    """A die on the interposer; its power dissipates in the active layer at its bottom (flip chip),
    uniformly except for optional hot spots."""

    name: str
    material: str = "silicon"
    center_x: Length
    center_y: Length
    size_x: PositiveLength
    size_y: PositiveLength
    thickness: PositiveLength
    active_thickness: PositiveLength = 50e-6
    power_fraction: Fraction
    hotspots: list[Hotspot] = []

    @model_validator(mode="after")
    def _hotspots_inside(self) -> PackageDie:
        if sum(h.power_fraction for h in self.hotspots) > 1.0 + 1e-9:
            raise ValueError(f"die '{self.name}': hot spot power fractions add up to more than 1")
        boxes = []
        for i, h in enumerate(self.hotspots):
            box = (h.center_x - h.size_x / 2, h.center_x + h.size_x / 2,
                   h.center_y - h.size_y / 2, h.center_y + h.size_y / 2)
            if (box[0] < -self.size_x / 2 - 1e-12 or box[1] > self.size_x / 2 + 1e-12
                    or box[2] < -self.size_y / 2 - 1e-12 or box[3] > self.size_y / 2 + 1e-12):
                raise ValueError(f"die '{self.name}': hot spot {i} extends beyond the die")
            for j, o in boxes:
                if box[0] < o[1] - 1e-12 and o[0] < box[1] - 1e-12 and box[2] < o[3] - 1e-12 and o[2] < box[3] - 1e-12:
                    raise ValueError(f"die '{self.name}': hot spots {j} and {i} overlap")
            boxes.append((i, box))
        return self


class TimLayer(Model):
    """A uniform layer (TIM) covering the footprint of the layer below it."""

    material: str
    thickness: PositiveLength


class Fill(Model):
    """Material filling the gaps around the dies (mold compound), as thick as the dies."""

    material: str


class ColdPlate(Model):
    """Skived-fin copper cold plate on TIM2: base plus straight fins (channels run along x)."""

    material: str
    size_x: PositiveLength  # fin field (footprint of the channels)
    size_y: PositiveLength
    base_thickness: PositiveLength
    fin_height: PositiveLength
    fin_thickness: PositiveLength
    channel_width: PositiveLength
    coolant: str
    flow: VolumeFlow
    inlet: Temperature = 308.15
    # how the dies share the coolant (issue 13): "series", one channel field along x over all dies
    # (the downstream die sees the upstream dies' heat), or "parallel", the flow split into one
    # path per die, each path from the inlet across its die only
    dies_in: Literal["series", "parallel"] = "series"
    source: str | None = None


class MicrochannelLid(Model):
    """Channels machined into the lid (direct liquid cooling, no TIM2 or cold plate); channels run
    along x over a field ``size_x`` by ``size_y``, above a solid lid base."""

    base_thickness: PositiveLength
    channel_width: Annotated[float, _quantity("length"), Field(ge=20e-6, le=1e-3)]
    channel_depth: PositiveLength
    wall_thickness: PositiveLength
    size_x: PositiveLength
    size_y: PositiveLength
    coolant: str
    flow: VolumeFlow
    inlet: Temperature = 308.15
    # how the dies share the coolant (issue 13): "series", one channel field along x over all dies
    # (the downstream die sees the upstream dies' heat), or "parallel", the flow split into one
    # path per die, each path from the inlet across its die only
    dies_in: Literal["series", "parallel"] = "series"
    source: str | None = None


class PackageFile(Model):
    package: PackageInfo
    substrate: Slab
    interposer: Slab
    mold: Fill | None = None  # fills the die layer around the dies (else the gaps are empty)
    dies: list[PackageDie] = Field(min_length=1)
    tim1: TimLayer
    lid: Slab
    tim2: TimLayer | None = None
    coldplate: ColdPlate | None = None
    microchannel: MicrochannelLid | None = None

    @model_validator(mode="after")
    def _consistent(self) -> PackageFile:
        if len({(d.thickness, d.active_thickness) for d in self.dies}) > 1:
            raise ValueError("all dies must have the same thickness and active_thickness")
        total = sum(d.power_fraction for d in self.dies)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"dies power_fraction add up to {total:g}, not 1")
        names = [d.name for d in self.dies]
        if len(set(names)) != len(names):
            raise ValueError("die names must be unique")
        ix, iy = self.interposer.size_x / 2, self.interposer.size_y / 2
        boxes = []
        for d in self.dies:
            x0, x1 = d.center_x - d.size_x / 2, d.center_x + d.size_x / 2
            y0, y1 = d.center_y - d.size_y / 2, d.center_y + d.size_y / 2
            if x0 < -ix - 1e-12 or x1 > ix + 1e-12 or y0 < -iy - 1e-12 or y1 > iy + 1e-12:
                raise ValueError(f"die '{d.name}' extends beyond the interposer")
            if d.active_thickness >= d.thickness:
                raise ValueError(f"die '{d.name}': active_thickness must be less than thickness")
            for other, (a0, a1, b0, b1) in boxes:
                if x0 < a1 - 1e-12 and a0 < x1 - 1e-12 and y0 < b1 - 1e-12 and b0 < y1 - 1e-12:
                    raise ValueError(f"dies '{other}' and '{d.name}' overlap")
            boxes.append((d.name, (x0, x1, y0, y1)))
        if self.interposer.size_x > self.substrate.size_x or self.interposer.size_y > self.substrate.size_y:
            raise ValueError("the interposer is larger than the substrate")
        if self.lid.size_x < self.interposer.size_x or self.lid.size_y < self.interposer.size_y:
            raise ValueError("the lid must cover the interposer")
        if self.coldplate is None and self.microchannel is None:
            raise ValueError("give [coldplate] and/or [microchannel]")
        if self.coldplate is not None and self.tim2 is None:
            raise ValueError("a cold plate needs [tim2] between lid and cold plate")
        for name in ("coldplate", "microchannel"):
            c = getattr(self, name)
            if c is not None and (c.size_x > self.lid.size_x + 1e-12 or c.size_y > self.lid.size_y + 1e-12):
                raise ValueError(f"the {name} channel field is larger than the lid")
        return self
