"""Printed-circuit-board stackups (``[stackup]``): layers, traces and the backplane load."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from si_thermal.constants import ZERO_CELSIUS_K
from si_thermal.config._base import (
    Fraction,
    HeatTransferCoefficient,
    Length,
    Model,
    PositiveLength,
    Power,
    Temperature,
    TemperatureDifference,
)
from si_thermal.config.materials import LocalMaterial, Material, check_local_materials, load_materials, material


class Layer(Model):
    """One layer of a stackup, top to bottom."""

    name: str
    type: Literal["copper", "dielectric"]
    material: str
    thickness: PositiveLength
    role: Literal["signal", "plane", "mixed"] | None = None  # copper layers
    coverage: Fraction | None = None  # copper layers: fraction of area that is copper
    foil: str | None = None  # copper layers: roughness class, a material of kind "foil"
    construction: Literal["core", "prepreg"] | None = None  # dielectric layers

    @model_validator(mode="after")
    def _fields_by_type(self) -> Layer:
        if self.type == "copper":
            if self.role is None or self.coverage is None:
                raise ValueError("a copper layer needs 'role' and 'coverage'")
            if self.construction is not None:
                raise ValueError("'construction' is for dielectric layers")
        else:
            if self.role is not None or self.coverage is not None or self.foil is not None:
                raise ValueError("'role', 'coverage' and 'foil' are for copper layers")
        return self


class Trace(Model):
    """A differential stripline routed on one copper layer of the stackup."""

    name: str
    layer: str
    width: PositiveLength
    spacing: PositiveLength
    etch_factor: Annotated[float, Field(ge=0, le=10)] = 0.0  # (w_bottom - w_top) / (2 t); 0 = rectangular
    source: str | None = None


class Stackup(Model):
    name: str
    description: str
    source: str
    thickness: PositiveLength  # stated finished thickness; layers must add up to it
    thickness_tolerance: Annotated[float, Field(gt=0, lt=0.5)] = 0.02  # relative


class BoardHotSpot(Model):
    """A connector field that heats one face of a backplane region: a rectangle and its power."""

    name: str
    x: Length  # centre, from the region's corner
    y: Length
    size_x: PositiveLength
    size_y: PositiveLength
    power: Power  # heat into the board through the rectangle, W
    source: str | None = None


class Screw(Model):
    """A screw fixing the board to the rack frame: displacement zero on a disc of the bottom face."""

    x: Length
    y: Length
    diameter: PositiveLength


class Stiffener(Model):
    """A stiffener bar bolted along a line of the bottom face: out-of-plane displacement zero there."""

    name: str
    axis: Literal["x", "y"]  # direction of the bar
    position: Length  # its y (axis = "x") or x (axis = "y") coordinate
    width: PositiveLength
    material: str = "steel_stiffener"


class PressFitConnector(Model):
    """The connector whose joints to the board fatigue in-plane (Engelmaier / Coffin-Manson)."""

    housing_material: str
    length: PositiveLength  # longest dimension; the distance to the neutral point is half of it
    joint_height: PositiveLength  # solder standoff or press-fit engagement length
    source: str | None = None
    joint_material: str = "sac305"  # the solder of the joints (its yield sets the elastic range)


class PressFitPins(Model):
    """Compliant (press-fit) connector pins in the board's plated holes: their normal force relaxes
    with time at temperature (:mod:`si_thermal.reliability.pressfit`, Larson-Miller + Robinson).
    ``larson_miller_failure`` is ``T (C + log10 t_h)`` (K) at which the pin's normal force has relaxed
    to ``failure_fraction`` of its initial value; ``larson_miller_constant`` is the alloy's ``C``."""

    pin_alloy: str
    pins: Annotated[int, Field(ge=1, le=10**8)]  # press-fit pins in the board
    larson_miller_failure: Annotated[float, Field(ge=5000.0, le=20000.0)]
    larson_miller_constant: Annotated[float, Field(ge=10.0, le=30.0)] = 20.0
    failure_fraction: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.5
    source: str


MAX_GRADIENT_K = 150.0  # edge-to-edge; from a 20 degC idle board it reaches 170 degC, above the Tg of
# FR-4-class laminates (130-180 degC, IPC-4101): the linear-elastic board model does not hold beyond
MAX_BOARD_C = 300.0  # hottest board edge (ambient + gradient): FR-4-class decomposition Td >= 300 degC


class BackplaneLoad(Model):
    """The thermal load and the mounting of a backplane region, as stated boundary conditions."""

    description: str
    source: str
    region_length: PositiveLength  # x
    region_width: PositiveLength  # y
    ambient: Temperature  # idle board temperature: the stress-free reference
    gradient: TemperatureDifference  # edge-to-edge temperature difference across x under load
    heat_transfer_coefficient: HeatTransferCoefficient  # both faces, to air at the mean edge temperature
    via_drill: PositiveLength
    via_plating: PositiveLength
    pth_count: Annotated[int, Field(ge=1, le=10**8)]  # plated holes in the board (connector pins and vias)
    cycles_per_day: Annotated[float, Field(ge=0, le=1440)] = 1.0  # power cycles idle <-> load
    hot_spots: list[BoardHotSpot] = []
    screws: list[Screw] = []
    stiffeners: list[Stiffener] = []
    connector: PressFitConnector | None = None
    press_fit: PressFitPins | None = None  # the stackup says press-fit: compliant pins relax (issue 13)

    @model_validator(mode="after")
    def _inside(self) -> BackplaneLoad:
        if not 0 <= self.gradient <= MAX_GRADIENT_K:
            raise ValueError(f"gradient {self.gradient:g} K is outside [0, {MAX_GRADIENT_K:g}] K (above it the "
                             "board passes its laminate Tg, outside the linear-elastic model)")
        if self.ambient + self.gradient > MAX_BOARD_C + ZERO_CELSIUS_K:
            raise ValueError(f"ambient + gradient = {self.ambient + self.gradient - ZERO_CELSIUS_K:.4g} degC is above "
                             f"{MAX_BOARD_C:g} degC (laminate decomposition)")
        for name, items in (("screws", self.screws), ("hot_spots", self.hot_spots)):
            for i, s in enumerate(items):
                if not (0 <= s.x <= self.region_length and 0 <= s.y <= self.region_width):
                    raise ValueError(f"{name}[{i}] lies outside the region")
        if not self.screws and not self.stiffeners:
            raise ValueError("give at least one screw or stiffener (the board must be held)")
        return self


class StackupFile(Model):
    stackup: Stackup
    layers: list[Layer] = Field(min_length=1)
    traces: list[Trace] = []
    backplane: BackplaneLoad | None = None
    # stackup-local materials (a vendor's laminate or foil, a benchmark's constant-property copper),
    # validated like the library's; one with a library name must say ``override = true``
    materials: dict[str, LocalMaterial] = {}

    @field_validator("materials")
    @classmethod
    def _no_silent_shadowing(cls, value: dict[str, LocalMaterial]) -> dict[str, LocalMaterial]:
        check_local_materials(value)
        return value

    def material(self, name: str, kind=None, file=None, field: str | None = None) -> Material:
        """A material this stackup names: its own ``[materials]`` first, then the library."""
        return material(name, kind, file, field, local=self.materials)

    def library(self) -> dict[str, Material]:
        """The materials library as this stackup sees it (its local materials over the library's)."""
        return {**load_materials(), **self.materials}

    @model_validator(mode="after")
    def _consistent(self) -> StackupFile:
        names = [layer.name for layer in self.layers]
        if len(set(names)) != len(names):
            raise ValueError("layer names must be unique")
        total = sum(layer.thickness for layer in self.layers)
        stated = self.stackup.thickness
        if abs(total - stated) > self.stackup.thickness_tolerance * stated:
            raise ValueError(
                f"layers add up to {total * 1e3:.4g} mm but stackup.thickness is "
                f"{stated * 1e3:.4g} mm (tolerance {self.stackup.thickness_tolerance:.0%})"
            )
        for trace in self.traces:
            if trace.layer not in names:
                raise ValueError(f"trace '{trace.name}' is on unknown layer '{trace.layer}'")
        return self
