"""GPU package stacks and their cooling (``[package]``)."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from si_thermal.constants import ZERO_CELSIUS_K
from si_thermal.config._base import (
    Fraction,
    HeatFlux,
    Length,
    Model,
    PositiveLength,
    Power,
    Temperature,
    VolumeFlow,
    _quantity,
    _quantity_list,
)
from si_thermal.config.materials import LocalMaterial, check_local_materials, material

# a stated heat-transfer coefficient: positive and finite (0 or inf would silently mean "adiabatic" or
# "isothermal wall")
StatedHeatTransferCoefficient = Annotated[float, _quantity("heat_transfer_coefficient"),
                                          Field(gt=0, allow_inf_nan=False)]


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


class DieHotSpot(Model):
    """A hot spot of a die's power map: ``power_fraction`` of the die's power in a rectangle
    centred at (center_x, center_y) relative to the die centre."""

    center_x: Length = 0.0
    center_y: Length = 0.0
    size_x: PositiveLength
    size_y: PositiveLength
    power_fraction: Fraction


class FloorplanBlock(Model):
    """A block of a die's floorplan (issue 13): lower-left corner ``(x, y)`` measured from the die's
    lower-left corner, size ``w`` by ``h``, and its ``power`` (W at the package's rated power) or
    ``power_density`` (W/mm^2 at that power). The die power left over spreads uniformly over the
    die area no block covers."""

    name: str = ""
    x: Annotated[float, _quantity("length", 0.0)]
    y: Annotated[float, _quantity("length", 0.0)]
    w: PositiveLength
    h: PositiveLength
    power: Power | None = None
    power_density: HeatFlux | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _one_power(self) -> FloorplanBlock:
        if (self.power is None) == (self.power_density is None):
            raise ValueError(f"block '{self.name}': give power or power_density (one of them)")
        return self

    @property
    def power_w(self) -> float:
        return self.power if self.power is not None else self.power_density * self.w * self.h


class PackageDie(Model):
    """A die on the interposer; its power dissipates in the active layer at its bottom (flip chip),
    uniformly except for optional hot spots, or as its floorplan's blocks say (``[[dies.floorplan]]``)."""

    name: str
    material: str = "silicon"
    center_x: Length
    center_y: Length
    size_x: PositiveLength
    size_y: PositiveLength
    thickness: PositiveLength
    active_thickness: PositiveLength = 50e-6
    power_fraction: Fraction
    hot_spots: list[DieHotSpot] = []
    floorplan: list[FloorplanBlock] = []

    @model_validator(mode="after")
    def _floorplan_inside(self) -> PackageDie:
        if self.floorplan and self.hot_spots:
            raise ValueError(f"die '{self.name}': give hot_spots or a floorplan, not both")
        boxes = []
        for i, b in enumerate(self.floorplan):
            label = f"floorplan block {i}" + (f" ('{b.name}')" if b.name else "")
            if b.x + b.w > self.size_x * (1 + 1e-9) or b.y + b.h > self.size_y * (1 + 1e-9):
                raise ValueError(f"die '{self.name}': {label} extends beyond the die "
                                 f"({self.size_x * 1e3:.4g} x {self.size_y * 1e3:.4g} mm)")
            box = (b.x, b.x + b.w, b.y, b.y + b.h)
            for j, o in boxes:
                if box[0] < o[1] - 1e-12 and o[0] < box[1] - 1e-12 and box[2] < o[3] - 1e-12 and o[2] < box[3] - 1e-12:
                    raise ValueError(f"die '{self.name}': floorplan blocks {j} and {i} overlap")
            boxes.append((i, box))
        return self

    @model_validator(mode="after")
    def _hot_spots_inside(self) -> PackageDie:
        if sum(h.power_fraction for h in self.hot_spots) > 1.0 + 1e-9:
            raise ValueError(f"die '{self.name}': hot spot power fractions add up to more than 1")
        boxes = []
        for i, h in enumerate(self.hot_spots):
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


class HeatTransferTable(Model):
    """Wall heat-transfer coefficient along the flow (measured or from CFD): ``h[i]`` at distance
    ``x[i]`` from the channel inlet, interpolated linearly, end values held."""

    x: Annotated[tuple[float, ...], _quantity_list("length")]
    h: Annotated[tuple[float, ...], _quantity_list("heat_transfer_coefficient")]
    source: str | None = None

    @model_validator(mode="after")
    def _table(self) -> HeatTransferTable:
        if len(self.x) != len(self.h) or len(self.x) < 1:
            raise ValueError(f"x has {len(self.x)} values, h has {len(self.h)}: give one h per x")
        if any(not (v >= 0 and math.isfinite(v)) for v in self.x) or list(self.x) != sorted(set(self.x)):
            raise ValueError("x must be distinct, increasing, finite distances from the inlet (>= 0)")
        bad = [i for i, v in enumerate(self.h) if not (v > 0 and math.isfinite(v))]
        if bad:
            raise ValueError(f"h[{bad[0]}] = {self.h[bad[0]]:g} W/(m^2 K): a stated heat-transfer coefficient "
                             "must be positive and finite")
        return self


class _Channels(Model):
    """What every channel array has (its coolant loop, how the dies share it) and may state instead
    of the built-in correlations, and its ceiling."""

    coolant: str
    flow: VolumeFlow
    inlet: Temperature = 308.15
    # how the dies share the coolant (issue 13): "series", one channel field along x over all dies
    # (the downstream die sees the upstream dies' heat), or "parallel", the flow split into one
    # path per die, each path from the inlet across its die only
    dies_in: Literal["series", "parallel"] = "series"
    source: str | None = None
    # the wall (wetted-area) coefficient, constant or along the flow; the fin model still applies
    heat_transfer_coefficient: StatedHeatTransferCoefficient | None = None
    heat_transfer_table: HeatTransferTable | None = None
    # Darcy friction factor over the channel length (entrance and minor losses: k_minor added)
    friction_factor: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    # the channel ceiling (lid cover, cold-plate top): given, the fin tips conduct into it and it
    # convects on its underside; absent, the ceiling is adiabatic (stated in the results)
    cover_thickness: PositiveLength | None = None
    cover_material: str | None = None

    def _check_channels(self, name: str, width: float, wall: float) -> None:
        if self.heat_transfer_coefficient is not None and self.heat_transfer_table is not None:
            raise ValueError(f"{name}: give heat_transfer_coefficient or heat_transfer_table, not both")
        pitch = width + wall
        if pitch > self.size_y * (1 + 1e-9):
            raise ValueError(f"{name}: channel pitch {pitch * 1e3:.4g} mm is larger than the span size_y "
                             f"{self.size_y * 1e3:.4g} mm (no channel fits)")
        if self.cover_material is not None and self.cover_thickness is None:
            raise ValueError(f"{name}: cover_material needs cover_thickness")


class ColdPlate(_Channels):
    """Skived-fin copper cold plate on TIM2: base plus straight fins (channels run along x)."""

    material: str
    size_x: PositiveLength  # fin field (footprint of the channels)
    size_y: PositiveLength
    base_thickness: PositiveLength
    fin_height: PositiveLength
    fin_thickness: PositiveLength
    channel_width: PositiveLength

    @model_validator(mode="after")
    def _channels(self) -> ColdPlate:
        self._check_channels("coldplate", self.channel_width, self.fin_thickness)
        return self


class MicrochannelLid(_Channels):
    """Channels machined into the lid (direct liquid cooling, no TIM2 or cold plate); channels run
    along x over a field ``size_x`` by ``size_y``, above a solid lid base."""

    base_thickness: PositiveLength
    channel_width: Annotated[float, _quantity("length"), Field(ge=20e-6, le=1e-3)]
    channel_depth: PositiveLength
    wall_thickness: PositiveLength
    size_x: PositiveLength
    size_y: PositiveLength

    @model_validator(mode="after")
    def _channels(self) -> MicrochannelLid:
        self._check_channels("microchannel", self.channel_width, self.wall_thickness)
        return self


TABLE_SLACK_K = 20.0  # coolant properties are held below their table; further than this below it is a guess


def inlet_problem(coolant: str, inlet_k: float, local: dict | None = None) -> str | None:
    """Why ``inlet_k`` cannot be the inlet of ``coolant`` (a liquid: not below its melting point or
    more than :data:`TABLE_SLACK_K` below its property table, not at or above its boiling point)."""
    mat = material(coolant, "coolant", local=local)
    low = mat.melting_point if mat.melting_point is not None else \
        (mat.table.temperature[0] - TABLE_SLACK_K if mat.table is not None else 0.0)
    high = mat.boiling_point
    if inlet_k < low or (high is not None and inlet_k >= high):
        top = f"{high - ZERO_CELSIUS_K:.4g} degC (boiling)" if high is not None else "inf"
        return f"{inlet_k - ZERO_CELSIUS_K:.4g} degC is outside [{low - ZERO_CELSIUS_K:.4g} degC, {top}) for {coolant} (a liquid loop)"
    return None


class PackageFile(Model):
    """A package stack; :meth:`power_map` gives each die's power map as rectangles with their
    fractions of the die's power (hot spots, or floorplan blocks)."""

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
    # package-local materials (a benchmark's constant-property silicon, a vendor's TIM), validated
    # like the library's; one with a library name must say ``override = true``
    materials: dict[str, LocalMaterial] = {}

    def power_map(self, die: PackageDie) -> list[DieHotSpot]:
        """The die's power map as rectangles centred relative to the die centre with their fraction
        of the die's power: its hot spots, or its floorplan blocks (power / (package.power x
        power_fraction)); the rest of the power spreads over the area they leave."""
        if not die.floorplan:
            return list(die.hot_spots)
        die_w = self.package.power * die.power_fraction
        return [DieHotSpot.model_construct(center_x=b.x + b.w / 2 - die.size_x / 2, center_y=b.y + b.h / 2 - die.size_y / 2,
                           size_x=b.w, size_y=b.h, power_fraction=min(b.power_w / die_w, 1.0) if die_w > 0 else 0.0)
                for b in die.floorplan]

    @field_validator("materials")
    @classmethod
    def _no_silent_shadowing(cls, value: dict[str, LocalMaterial]) -> dict[str, LocalMaterial]:
        check_local_materials(value)
        return value

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
        for d in self.dies:
            if not d.floorplan:
                continue
            die_w = self.package.power * d.power_fraction
            total = sum(b.power_w for b in d.floorplan)
            covered = sum(b.w * b.h for b in d.floorplan)
            if total > die_w * (1 + 1e-3):
                raise ValueError(f"die '{d.name}': floorplan blocks add up to {total:.4g} W, more than the die's "
                                 f"{die_w:.4g} W (package.power x power_fraction)")
            if covered >= d.size_x * d.size_y * (1 - 1e-9) and abs(total - die_w) > 1e-3 * die_w:
                raise ValueError(f"die '{d.name}': the floorplan covers the whole die but its blocks add up to "
                                 f"{total:.4g} W, not the die's {die_w:.4g} W (package.power x power_fraction)")
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
