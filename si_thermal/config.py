"""Input files and their schema: the one place that turns TOML files into typed, validated objects.

Convention: every dimensional value is a quantity string with its unit (``"4.5 mil"``,
``"53.125 GHz"``, ``"35 degC"``), parsed by :func:`si_thermal.units.parse_quantity` to SI.
Dimensionless values (Dk, Df, AWG, ratios, counts) are plain numbers. Unknown keys are errors.

File kinds, told apart by their top-level table:

- ``boards/materials.toml``: one table per material (:class:`Material`).
- ``boards/*.toml`` with ``[stackup]``: a printed-circuit board, ordered layers (:class:`StackupFile`).
- ``channels/*.toml`` with ``[channel]``: a link, ordered segments (:class:`ChannelFile`).
- ``channels/serdes.toml`` with ``[rates]``: SerDes lane rates and loss budgets (:class:`SerdesFile`).
- ``boards/racks/*.toml`` with ``[rack]``: a rack system (:class:`RackFile`).
- ``boards/gpu_package_*.toml`` with ``[package]``: a GPU package stack and its cooling (:class:`PackageFile`).

Every loader raises :class:`si_thermal.errors.InputError` naming the file and the field.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from si_thermal import paths
from si_thermal.errors import InputError
from si_thermal.units import UnitError, parse_quantity


def _quantity(dimension: str):
    def parse(value: Any) -> float:
        try:
            return parse_quantity(value, dimension)
        except UnitError as err:
            raise ValueError(str(err)) from None

    return BeforeValidator(parse)


def _quantity_list(dimension: str):
    def parse(values: Any) -> tuple[float, ...]:
        if not isinstance(values, (list, tuple)):
            raise ValueError(f"expected a list of {dimension} quantity strings")
        try:
            return tuple(parse_quantity(v, dimension) for v in values)
        except UnitError as err:
            raise ValueError(str(err)) from None

    return BeforeValidator(parse)


# Quantity types: floats in SI after validation. Positive* are > 0.
Length = Annotated[float, _quantity("length")]
PositiveLength = Annotated[float, _quantity("length"), Field(gt=0)]
NonNegativeLength = Annotated[float, _quantity("length"), Field(ge=0)]
Area = Annotated[float, _quantity("area"), Field(gt=0)]
Frequency = Annotated[float, _quantity("frequency"), Field(gt=0)]
SymbolRate = Annotated[float, _quantity("symbol_rate"), Field(gt=0)]
BitRate = Annotated[float, _quantity("bit_rate"), Field(gt=0)]
Time = Annotated[float, _quantity("time"), Field(ge=0)]
Temperature = Annotated[float, _quantity("temperature"), Field(gt=0)]
TemperatureDifference = Annotated[float, _quantity("temperature_difference")]
Power = Annotated[float, _quantity("power"), Field(ge=0)]
HeatFlux = Annotated[float, _quantity("heat_flux"), Field(ge=0)]
Impedance = Annotated[float, _quantity("impedance"), Field(gt=0)]
Loss = Annotated[float, _quantity("loss")]
ElectricalConductivity = Annotated[float, _quantity("electrical_conductivity"), Field(gt=0)]
ThermalConductivity = Annotated[float, _quantity("thermal_conductivity"), Field(gt=0)]
HeatTransferCoefficient = Annotated[float, _quantity("heat_transfer_coefficient"), Field(ge=0)]
CTE = Annotated[float, _quantity("cte")]
Pressure = Annotated[float, _quantity("pressure"), Field(gt=0)]
Density = Annotated[float, _quantity("density"), Field(gt=0)]
SpecificHeat = Annotated[float, _quantity("specific_heat"), Field(gt=0)]
Viscosity = Annotated[float, _quantity("dynamic_viscosity"), Field(gt=0)]
VolumeFlow = Annotated[float, _quantity("volume_flow"), Field(gt=0)]
Energy = Annotated[float, _quantity("energy"), Field(gt=0)]
Money = Annotated[float, _quantity("money"), Field(ge=0)]
MoneyPerYear = Annotated[float, _quantity("money_per_year"), Field(ge=0)]
TokenRate = Annotated[float, _quantity("token_rate"), Field(gt=0)]
Fraction = Annotated[float, Field(ge=0, le=1)]


class Model(BaseModel):
    """Base of every schema class: frozen, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# ----------------------------------------------------------------------------------------------
# Materials
# ----------------------------------------------------------------------------------------------

MaterialKind = Literal[
    "conductor", "foil", "laminate", "cable_dielectric", "semiconductor", "metal", "tim",
    "solder", "coolant", "polymer",
]


class CoolantTable(Model):
    """Temperature-dependent coolant properties, tabulated; interpolated linearly."""

    temperature: Annotated[tuple[float, ...], _quantity_list("temperature")]
    density: Annotated[tuple[float, ...], _quantity_list("density")]
    specific_heat: Annotated[tuple[float, ...], _quantity_list("specific_heat")]
    thermal_conductivity: Annotated[tuple[float, ...], _quantity_list("thermal_conductivity")]
    dynamic_viscosity: Annotated[tuple[float, ...], _quantity_list("dynamic_viscosity")]

    @model_validator(mode="after")
    def _same_length(self) -> CoolantTable:
        n = len(self.temperature)
        for name in ("density", "specific_heat", "thermal_conductivity", "dynamic_viscosity"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} values, temperature has {n}")
        if list(self.temperature) != sorted(self.temperature) or n < 2:
            raise ValueError("temperature must hold at least two increasing values")
        return self


class Material(Model):
    """One material of ``boards/materials.toml``. Every property is optional; a model that needs
    one asks for it with :meth:`require`, which names the material and the missing field."""

    kind: MaterialKind
    description: str
    source: str
    # electrical
    conductivity: ElectricalConductivity | None = None
    dk: Annotated[float, Field(ge=1.0)] | None = None
    df: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    f_ref: Frequency | None = None  # frequency at which dk and df are specified
    # roughness of a copper foil (kind = "foil"): Huray snowball and Hammerstad/Groisse parameters
    rz: NonNegativeLength | None = None  # ten-point height, IPC-4562
    rq: NonNegativeLength | None = None  # RMS roughness (Hammerstad, Groisse)
    huray_radius: PositiveLength | None = None  # snowball radius a
    huray_ratio: Annotated[float, Field(ge=0)] | None = None  # N*4*pi*a^2 / A_flat (sum over sizes)
    # thermal
    thermal_conductivity: ThermalConductivity | None = None  # isotropic or in-plane
    thermal_conductivity_z: ThermalConductivity | None = None
    conductivity_temperature_coefficient: CTE | None = None  # d(ln k)/dT, 1/K, about 20 degC
    density: Density | None = None
    specific_heat: SpecificHeat | None = None
    # mechanical
    youngs_modulus: Pressure | None = None  # isotropic or in-plane
    youngs_modulus_z: Pressure | None = None
    youngs_modulus_above_tg: Pressure | None = None
    shear_modulus_xz: Pressure | None = None
    poisson: Annotated[float, Field(ge=0.0, lt=0.5)] | None = None
    cte_xy: CTE | None = None
    cte_z: CTE | None = None
    cte_xy_above_tg: CTE | None = None
    cte_z_above_tg: CTE | None = None
    tg: Temperature | None = None
    yield_strength: Pressure | None = None
    ultimate_strength: Pressure | None = None
    elongation: Annotated[float, Field(gt=0, le=1)] | None = None  # ductility at fracture
    fatigue_ductility_coefficient: Annotated[float, Field(gt=0)] | None = None  # eps_f'
    fatigue_ductility_exponent: Annotated[float, Field(lt=0)] | None = None  # c
    # limits
    melting_point: Temperature | None = None
    boiling_point: Temperature | None = None  # coolants, at 1 atm
    max_temperature: Temperature | None = None
    table: CoolantTable | None = None

    def require(self, name: str, *fields: str) -> tuple[float, ...] | float:
        """Return the named properties; raise :class:`InputError` naming the first missing one."""
        missing = [f for f in fields if getattr(self, f) is None]
        if missing:
            raise InputError(
                paths.materials_file(), f"{name}.{missing[0]}",
                f"material '{name}' has no {missing[0]}, which this model needs",
            )
        values = tuple(getattr(self, f) for f in fields)
        return values[0] if len(values) == 1 else values


class MaterialsFile(Model):
    materials: dict[str, Material]


# ----------------------------------------------------------------------------------------------
# Stackups
# ----------------------------------------------------------------------------------------------


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
    etch_factor: Annotated[float, Field(ge=0)] = 0.0  # (w_bottom - w_top) / (2 t); 0 = rectangular
    source: str | None = None


class Stackup(Model):
    name: str
    description: str
    source: str
    thickness: PositiveLength  # stated finished thickness; layers must add up to it
    thickness_tolerance: Annotated[float, Field(gt=0, lt=0.5)] = 0.02  # relative


class HotSpot(Model):
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
    pth_count: Annotated[int, Field(ge=1)]  # plated holes in the board (connector pins and vias)
    cycles_per_day: Annotated[float, Field(ge=0)] = 1.0  # power cycles idle <-> load
    hot_spots: list[HotSpot] = []
    screws: list[Screw] = []
    stiffeners: list[Stiffener] = []
    connector: PressFitConnector | None = None

    @model_validator(mode="after")
    def _inside(self) -> BackplaneLoad:
        if self.gradient < 0:
            raise ValueError("gradient must not be negative")
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


# ----------------------------------------------------------------------------------------------
# Channels
# ----------------------------------------------------------------------------------------------


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


class StriplineSegment(_Segment):
    """A length of differential stripline on a trace of a stackup file in ``boards/``."""

    medium: Literal["stripline"]
    length: NonNegativeLength
    board: str  # file name in boards/
    trace: str  # name of a [[traces]] entry of that board
    roughness: Literal["huray", "hammerstad", "groisse", "none"] = "huray"  # conductor roughness model


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


class SerdesRate(Model):
    """One SerDes lane rate and its insertion-loss budget."""

    description: str
    source: str
    symbol_rate: SymbolRate
    modulation: Literal["NRZ", "PAM4"]
    bit_rate: BitRate
    il_budget: Loss  # bump-to-bump at Nyquist, dB (positive number)

    @property
    def nyquist_hz(self) -> float:
        return self.symbol_rate / 2.0


class SerdesFile(Model):
    rates: dict[str, SerdesRate]


# COM parameter sets (channels/com_params.toml, [std."NAME"]; used by si_thermal.si.com) --------


class ComPackage(Model):
    """Device package of a COM set (IEEE 802.3 93A.1.2 / P802.3dj 178A.1.4)."""

    c_d: list[Annotated[float, _quantity("capacitance"), Field(ge=0)]]
    l_s: list[Annotated[float, _quantity("inductance"), Field(ge=0)]] = []
    c_b: Annotated[float, _quantity("capacitance"), Field(ge=0)] = 0.0
    c_p: Annotated[float, _quantity("capacitance"), Field(ge=0)] = 0.0
    z_c: list[Impedance]
    z_p: list[NonNegativeLength]
    gamma0_per_mm: float = Field(ge=0)
    a1_sqrt_ns_per_mm: float = Field(ge=0)
    a2_ns_per_mm: float = Field(ge=0)
    tau_ns_per_mm: float = Field(gt=0)


class ComStd(Model):
    """One COM parameter set; ``base`` inherits another set's values, ``rate`` takes fb from serdes.toml."""

    description: str
    source: str
    base: str | None = None
    rate: str | None = None
    symbol_rate: SymbolRate | None = None
    levels: Annotated[int, Field(ge=2, le=16)] | None = None
    samples_per_ui: Annotated[int, Field(ge=8, le=256)] | None = None
    der0: Annotated[float, Field(gt=0, lt=0.5)] | None = None
    t_r: Time | None = None
    rlm: Annotated[float, Field(gt=0, le=1)] | None = None
    a_v: Annotated[float, _quantity("voltage"), Field(gt=0)] | None = None
    a_fe: Annotated[float, _quantity("voltage"), Field(gt=0)] | None = None
    a_ne: Annotated[float, _quantity("voltage"), Field(gt=0)] | None = None
    r0: Impedance | None = None
    rd: Impedance | None = None
    a_dd_ui: Annotated[float, Field(ge=0, lt=0.5)] | None = None
    sigma_rj_ui: Annotated[float, Field(ge=0, lt=0.5)] | None = None
    snr_tx: Loss | None = None
    eta0_v2_per_ghz: Annotated[float, Field(ge=0)] | None = None
    n_qb: Annotated[int, Field(ge=0, le=16)] | None = None
    p_qc: Annotated[float, Field(gt=0, lt=0.1)] | None = None
    f_r_fb: Annotated[float, Field(gt=0)] | None = None
    f_z_fb: Annotated[float, Field(gt=0)] | None = None
    f_p1_fb: Annotated[float, Field(gt=0)] | None = None
    f_p2_fb: Annotated[float, Field(gt=0)] | None = None
    f_lf_fb: Annotated[float, Field(gt=0)] | None = None
    g_dc_db: list[float] | None = None
    g_dc2_db: list[float] | None = None
    c0_min: Annotated[float, Field(ge=0, le=1)] | None = None
    tx_taps: list[tuple[int, float, float, float]] | None = None  # position (UI), min, max, step
    rx_ffe_taps: Annotated[int, Field(ge=0, le=64)] | None = None
    rx_ffe_precursors: Annotated[int, Field(ge=0)] | None = None
    rx_ffe_limit: Annotated[float, Field(gt=0)] | None = None
    dfe_max: list[float] | None = None
    dfe_min: list[float] | None = None
    fom: Literal["93a", "mmse"] | None = None
    f_step: Frequency | None = None
    package: ComPackage | None = None


class ComParamsFile(Model):
    std: dict[str, ComStd]


# ----------------------------------------------------------------------------------------------
# Racks
# ----------------------------------------------------------------------------------------------


class Rack(Model):
    name: str
    description: str
    source: str
    gpus: Annotated[int, Field(ge=0)]
    dies_per_gpu: Annotated[int, Field(ge=1)]
    gpu_power: Power
    rack_power: Power
    serdes_rate: str  # key of channels/serdes.toml [rates], or "none"
    medium: Literal["copper_cable", "pcb_midplane", "orthogonal_backplane", "cross_rack_cable", "optical"]
    # system-level additions (issue 7): counts, generation, topology, compute, provenance
    racks: Annotated[int, Field(ge=1)] = 1  # racks that form the system (2 for dual-rack systems)
    companion: str | None = None  # rack file (boards/racks/) of the other rack of a dual-rack system
    nvlink_generation: Annotated[int, Field(ge=1)] | None = None  # None: no NVLink
    links_per_gpu: Annotated[int, Field(ge=0)] = 0  # scale-up links per GPU package
    switch_chips: Annotated[int, Field(ge=0)] = 0
    topology: str = ""
    fp4_pflops: Annotated[float, Field(ge=0)] | None = None  # dense FP4 of the rack, PFLOPS
    die_area: Area | None = None  # silicon area of one GPU die (heat-flux claims)
    aux_name: str | None = None  # a second accelerator kind without scale-up links (Rubin CPX)
    aux_accelerators: Annotated[int, Field(ge=0)] = 0
    aux_power: Power | None = None
    sources: dict[str, str] = {}  # field name -> source of that number


RackMedium = Literal["copper_cable", "pcb_midplane", "orthogonal_backplane", "cross_rack_cable",
                     "pcb_trace"]


class RackGeometry(Model):
    """Rack envelope and routing allowances. Axes: x across the width, y front to rear (depth),
    z up from the floor of the rack; slots count from 1 at the bottom (horizontal trays) or at the
    left (vertical blades)."""

    source: str
    height: PositiveLength
    width: PositiveLength
    depth: PositiveLength
    unit_pitch: PositiveLength = 0.04445  # one rack unit (EIA-310), pitch of horizontal slots
    rack_pitch: PositiveLength | None = None  # centre-to-centre of neighbouring racks (dual rack)
    service_loop: NonNegativeLength = 0.0  # slack added to every routed link
    breakout: NonNegativeLength = 0.0  # fan-out at each end of every routed link


class Tray(Model):
    """A group of identical trays (or blades) and where they sit.

    ``orientation = "horizontal"``: trays stacked in z; slot s spans z = (s-1..s-1+height_units) *
    unit_pitch above ``origin``; scale-up connectors at ``connector_pos`` across x.
    ``orientation = "vertical"``: blades side by side in x; slot s spans x = origin + (s-1..s) *
    pitch; connectors at ``connector_pos`` in z above ``origin_z``."""

    kind: Literal["compute", "switch", "lpu", "cpx", "power", "other"]
    slots: list[Annotated[int, Field(ge=1)]] = Field(min_length=1)
    endpoints: Annotated[int, Field(ge=0)] = 0  # scale-up endpoints per tray (GPUs, switch chips, LPUs)
    connector_pos: list[Length] = []  # one per endpoint
    connector_y: NonNegativeLength = 0.0  # depth of the connector plane
    orientation: Literal["horizontal", "vertical"] = "horizontal"
    height_units: Annotated[int, Field(ge=1)] = 1
    pitch: PositiveLength | None = None  # vertical blades: slot pitch
    origin: NonNegativeLength = 0.0  # horizontal: z of slot 1's bottom; vertical: x of slot 1's left
    origin_z: NonNegativeLength = 0.0  # vertical blades: z of the blade bottom
    rack: Annotated[int, Field(ge=0)] = 0
    group: str = ""  # link scope: trays with the same group are "same_group"
    source: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Tray:
        if len(self.connector_pos) != self.endpoints:
            raise ValueError(f"connector_pos has {len(self.connector_pos)} values, endpoints is {self.endpoints}")
        if self.orientation == "vertical" and self.pitch is None:
            raise ValueError("vertical blades need 'pitch'")
        return self

    def unit_pitch_span(self, geometry: RackGeometry) -> tuple[float, float]:
        """Extent (m) of the occupied slots along the stacking axis (z for trays, x for blades)."""
        pitch = geometry.unit_pitch if self.orientation == "horizontal" else self.pitch
        height = self.height_units if self.orientation == "horizontal" else 1
        return (self.origin + (min(self.slots) - 1) * pitch,
                self.origin + (max(self.slots) - 1 + height) * pitch)


class LinkGroup(Model):
    """A set of scale-up links between endpoints of two tray kinds, over one channel."""

    name: str
    source: str
    from_kind: str
    to_kind: str
    pattern: Literal["bipartite", "same_index_mesh"] = "bipartite"
    scope: Literal["all", "same_group", "other_group"] = "all"
    medium: RackMedium
    channel: str | None = None  # file in channels/: its variable segment takes the routed length
    alternate_channels: list[str] = []  # same path, other cable gauges or materials
    rate: str  # key of channels/serdes.toml [rates]
    lanes: Annotated[int, Field(ge=1)] = 1  # lanes per link and direction
    route: Literal["direct", "over_top"] = "direct"
    service_loop: NonNegativeLength | None = None  # overrides [geometry] for this group (PCB: 0)
    breakout: NonNegativeLength | None = None


class RackCooling(Model):
    technology: str  # a cooling technology of si_thermal.thermal
    package: str | None = None  # GPU package file in boards/
    source: str


class RackCost(Model):
    """Cost-per-token inputs, per rack (S0 section 2.5)."""

    source: str
    hardware_cost: Money
    depreciation_per_year: MoneyPerYear | None = None
    depreciation_life: Annotated[float, _quantity("time"), Field(gt=0)] | None = None
    power_cost_per_year: MoneyPerYear
    operations_cost_per_year: MoneyPerYear = 0.0
    throughput: TokenRate  # actual, per rack
    throughput_theoretical: TokenRate | None = None
    availability: Annotated[float, Field(gt=0, le=1)] = 1.0

    @model_validator(mode="after")
    def _depreciation(self) -> RackCost:
        if (self.depreciation_per_year is None) == (self.depreciation_life is None):
            raise ValueError("give exactly one of depreciation_per_year and depreciation_life")
        return self


class RackReliability(Model):
    source: str
    mtbf: Annotated[float, _quantity("time"), Field(gt=0)]  # rack-level, events that take the rack down
    mttr: Annotated[float, _quantity("time"), Field(gt=0)]
    backplane: str | None = None  # stackup file in boards/ analysed for thermal-cycling life


class RackFile(Model):
    rack: Rack
    geometry: RackGeometry | None = None
    trays: list[Tray] = []
    links: list[LinkGroup] = []
    cooling: RackCooling | None = None
    cost: RackCost | None = None
    reliability: RackReliability | None = None

    @model_validator(mode="after")
    def _geometry_present(self) -> RackFile:
        if self.trays and self.geometry is None:
            raise ValueError("trays need a [geometry] table")
        return self


class FailureModeSpec(Model):
    """One failure mode of a rack interconnect: a constant random rate or a wear-out population."""

    name: str
    source: str
    model: Literal["fit", "mil217_pwb", "wearout_pth", "wearout_joint"]
    units_per_rack: Annotated[int, Field(ge=1)] = 1
    fit_per_unit: Annotated[float, Field(ge=0)] | None = None  # model = "fit": failures per 1e9 h
    board: str | None = None  # model = "mil217_pwb" / "wearout_pth": a stackup file in boards/
    quality_factor: Annotated[float, Field(gt=0)] = 1.0  # MIL-HDBK-217F pi_Q
    environment_factor: Annotated[float, Field(gt=0)] = 1.0  # MIL-HDBK-217F pi_E
    weibull_shape: Annotated[float, Field(gt=0)] | None = None  # models "wearout_pth", "wearout_joint"
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
    racks: Annotated[int, Field(ge=1)]
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


def _check_rack(obj: RackFile, path: str | Path) -> None:
    """Rack cross-checks, each naming its field: sources, slots inside the rack, link references."""
    unknown = sorted(set(obj.rack.sources) - set(Rack.model_fields))
    if unknown:
        raise InputError(path, f"rack.sources.{unknown[0]}", "names no field of [rack]")
    if obj.rack.companion is not None and not (paths.racks_dir() / obj.rack.companion).is_file():
        raise InputError(path, "rack.companion", f"unknown system '{obj.rack.companion}' (no such file in boards/racks/)")
    g = obj.geometry
    eps = 1e-9
    for i, t in enumerate(obj.trays):
        if t.orientation == "horizontal":
            span, room, across = t.unit_pitch_span(g), g.height, g.width
        else:
            span, room, across = t.unit_pitch_span(g), g.width, g.height
        low, high = span
        if low < -eps or high > room + eps:
            raise InputError(path, f"trays[{i}].slots",
                             f"slots span {low * 1e3:.0f}-{high * 1e3:.0f} mm, outside the rack's "
                             f"{room * 1e3:.0f} mm {'height' if t.orientation == 'horizontal' else 'width'}")
        base = 0.0 if t.orientation == "horizontal" else t.origin_z
        for pos in t.connector_pos:
            if not -eps <= base + pos <= across + eps:
                raise InputError(path, f"trays[{i}].connector_pos", f"connector at {pos * 1e3:.0f} mm is outside the rack")
        if t.connector_y > g.depth + eps:
            raise InputError(path, f"trays[{i}].connector_y", "connector plane is behind the rack")
    kinds = {t.kind for t in obj.trays}
    rates = load_serdes().rates
    for i, link in enumerate(obj.links):
        for name in ("from_kind", "to_kind"):
            if getattr(link, name) not in kinds:
                raise InputError(path, f"links[{i}].{name}", f"no tray has kind '{getattr(link, name)}'")
        if link.rate not in rates:
            raise InputError(path, f"links[{i}].rate", f"unknown SerDes rate '{link.rate}'")
        for j, ch in enumerate((link.channel, *link.alternate_channels)):
            if ch is None:
                continue
            field = f"links[{i}].channel" if j == 0 else f"links[{i}].alternate_channels[{j - 1}]"
            if not (paths.channels_dir() / ch).is_file():
                raise InputError(path, field, f"unknown channel '{ch}' (no such file in channels/)")
        if link.route == "over_top" and g is None:
            raise InputError(path, f"links[{i}].route", "needs a [geometry] table")
    if obj.cooling is not None and obj.cooling.package is not None \
            and not board_path(obj.cooling.package, path).is_file():
        raise InputError(path, "cooling.package", f"unknown package file '{obj.cooling.package}'")
    if obj.reliability is not None and obj.reliability.backplane is not None \
            and not board_path(obj.reliability.backplane, path).is_file():
        raise InputError(path, "reliability.backplane", f"unknown stackup file '{obj.reliability.backplane}'")


# ----------------------------------------------------------------------------------------------
# GPU packages (thermal)
# ----------------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------------------------

_KINDS: dict[str, type[Model]] = {
    "stackup": StackupFile,
    "channel": ChannelFile,
    "rates": SerdesFile,
    "rack": RackFile,
    "package": PackageFile,
    "fleet": FleetFile,
    "std": ComParamsFile,
}


def _field_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("twinax", "stripline", "via", "connector", "touchstone"):
            continue  # discriminator tags pydantic inserts into the location
        else:
            out += f".{part}" if out else str(part)
    return out


def _message(err: dict) -> str:
    msg = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif err["type"] == "missing":
        msg = "missing field"
    elif err["type"] == "union_tag_invalid":
        msg = f"unknown medium {err['input'].get('medium')!r}; use one of: " \
              "twinax, stripline, via, connector, touchstone"
    return msg


def read_toml(path: str | Path) -> dict:
    """Read a TOML file; a missing or unparsable file is an :class:`InputError`."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InputError(path, None, "file not found") from None
    except IsADirectoryError:
        raise InputError(path, None, "is a directory, not a TOML file") from None
    except tomllib.TOMLDecodeError as err:
        raise InputError(path, None, f"not valid TOML: {err}") from None


def validate(model: type[Model], data: dict, path: str | Path) -> Any:
    """Validate ``data`` against ``model``; the first error becomes a one-line :class:`InputError`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(path, _field_path(err["loc"]) or None, _message(err)) from None


def file_kind(data: dict, path: str | Path) -> str:
    kinds = [k for k in _KINDS if k in data]
    if Path(path).name == "materials.toml" and not kinds:
        return "materials"
    if len(kinds) != 1:
        raise InputError(
            path, None,
            "cannot tell the file kind: expected one top-level table of "
            + ", ".join(f"[{k}]" for k in _KINDS),
        )
    return kinds[0]


def load(path: str | Path) -> Any:
    """Load and validate any input file, choosing the schema by its top-level table."""
    data = read_toml(path)
    kind = file_kind(data, path)
    if kind == "materials":
        return load_materials(path)
    obj = validate(_KINDS[kind], data, path)
    check_references(obj, path)
    return obj


@lru_cache(maxsize=8)
def _load_materials_cached(path: str) -> dict[str, Material]:
    data = read_toml(path)
    return dict(validate(MaterialsFile, {"materials": data}, path).materials)


def load_materials(path: str | Path | None = None) -> dict[str, Material]:
    """The materials library (``boards/materials.toml`` unless ``path`` is given)."""
    return _load_materials_cached(str(path or paths.materials_file()))


def material(name: str, kind: MaterialKind | tuple[MaterialKind, ...] | None = None,
             file: str | Path | None = None, field: str | None = None) -> Material:
    """Look a material up; an unknown name or a wrong kind names ``file`` and ``field``."""
    library = load_materials()
    if name not in library:
        raise InputError(file or paths.materials_file(), field,
                         f"unknown material '{name}' (not in {paths.materials_file().name})")
    mat = library[name]
    kinds = (kind,) if isinstance(kind, str) else kind
    if kinds and mat.kind not in kinds:
        raise InputError(file, field, f"material '{name}' is a {mat.kind}, expected {' or '.join(kinds)}")
    return mat


def board_path(name: str, relative_to: str | Path | None = None) -> Path:
    """Resolve a board file named in another file: as given, beside it, or in ``boards/``."""
    for candidate in (Path(name), Path(relative_to or ".").parent / name, paths.boards_dir() / name):
        if candidate.is_file():
            return candidate
    return paths.boards_dir() / name


def check_references(obj: Model, path: str | Path) -> None:
    """Cross-file checks: materials exist and have the right kind, boards and traces exist."""
    if isinstance(obj, StackupFile):
        for i, layer in enumerate(obj.layers):
            kind = ("conductor",) if layer.type == "copper" else ("laminate", "polymer")
            material(layer.material, kind, path, f"layers[{i}].material")
            if layer.foil is not None:
                material(layer.foil, "foil", path, f"layers[{i}].foil")
        if obj.backplane is not None:
            for i, st in enumerate(obj.backplane.stiffeners):
                material(st.material, "metal", path, f"backplane.stiffeners[{i}].material")
            if obj.backplane.connector is not None:
                material(obj.backplane.connector.housing_material, "polymer", path,
                         "backplane.connector.housing_material")
    elif isinstance(obj, FleetFile):
        for key, option in obj.options.items():
            if not rack_path(option.rack, path).is_file():
                raise InputError(path, f"options.{key}.rack", f"rack file not found: {option.rack}")
            for i, mode in enumerate(option.modes):
                if mode.board is not None and not board_path(mode.board, path).is_file():
                    raise InputError(path, f"options.{key}.modes[{i}].board", f"board file not found: {mode.board}")
    elif isinstance(obj, ChannelFile):
        for i, seg in enumerate(obj.segments):
            if isinstance(seg, TwinaxSegment):
                material(seg.dielectric, "cable_dielectric", path, f"segments[{i}].dielectric")
                material(seg.conductor, "conductor", path, f"segments[{i}].conductor")
            elif isinstance(seg, (StriplineSegment, ViaSegment)):
                board = load_stackup(board_path(seg.board, path))
                if isinstance(seg, StriplineSegment) and seg.trace not in {t.name for t in board.traces}:
                    raise InputError(path, f"segments[{i}].trace",
                                     f"board '{seg.board}' has no trace '{seg.trace}'")
            elif isinstance(seg, TouchstoneSegment):
                if not touchstone_path(seg, path).is_file():
                    raise InputError(path, f"segments[{i}].file", f"file not found: {seg.file}")
    elif isinstance(obj, PackageFile):
        for field in ("substrate", "interposer", "lid"):
            material(getattr(obj, field).material, None, path, f"{field}.material")
        if obj.mold is not None:
            material(obj.mold.material, None, path, "mold.material")
        for i, die in enumerate(obj.dies):
            material(die.material, None, path, f"dies[{i}].material")
        material(obj.tim1.material, None, path, "tim1.material")
        if obj.tim2 is not None:
            material(obj.tim2.material, None, path, "tim2.material")
        if obj.coldplate is not None:
            material(obj.coldplate.material, None, path, "coldplate.material")
            material(obj.coldplate.coolant, "coolant", path, "coldplate.coolant")
        if obj.microchannel is not None:
            material(obj.microchannel.coolant, "coolant", path, "microchannel.coolant")
    elif isinstance(obj, RackFile):
        rate = obj.rack.serdes_rate
        if rate != "none" and rate not in load_serdes().rates:
            raise InputError(path, "rack.serdes_rate", f"unknown SerDes rate '{rate}'")
        _check_rack(obj, path)


def rack_path(name: str, relative_to: str | Path | None = None) -> Path:
    """Resolve a rack file named in another file: as given, beside it, or in ``boards/racks/``."""
    for candidate in (Path(name), Path(relative_to or ".").parent / name, paths.racks_dir() / name):
        if candidate.is_file():
            return candidate
    return paths.racks_dir() / name


def touchstone_path(seg: TouchstoneSegment, channel_path: str | Path) -> Path:
    p = Path(seg.file)
    return p if p.is_absolute() else Path(channel_path).parent / p


def _load_kind(path: str | Path, model: type[Model], key: str) -> Any:
    data = read_toml(path)
    if key not in data:
        raise InputError(path, key, f"missing [{key}] table")
    obj = validate(model, data, path)
    check_references(obj, path)
    return obj


@lru_cache(maxsize=64)
def _load_stackup_cached(path: str) -> StackupFile:
    return _load_kind(path, StackupFile, "stackup")


def load_stackup(path: str | Path) -> StackupFile:
    return _load_stackup_cached(str(path))


def load_channel(path: str | Path) -> ChannelFile:
    return _load_kind(path, ChannelFile, "channel")


def load_rack(path: str | Path) -> RackFile:
    return _load_kind(path, RackFile, "rack")


def load_package(path: str | Path) -> PackageFile:
    return _load_kind(path, PackageFile, "package")


def load_serdes(path: str | Path | None = None) -> SerdesFile:
    return _load_kind(path or paths.channels_dir() / "serdes.toml", SerdesFile, "rates")


def summary(obj: Any, path: str | Path) -> str:
    """One line describing a validated file, for ``si-thermal validate``."""
    name = Path(path).name
    if isinstance(obj, dict):
        return f"{name}: materials library, {len(obj)} materials"
    if isinstance(obj, StackupFile):
        n_cu = sum(layer.type == "copper" for layer in obj.layers)
        total = sum(layer.thickness for layer in obj.layers)
        return (f"{name}: stackup '{obj.stackup.name}', {n_cu} copper layers, "
                f"{len(obj.layers)} layers, {total * 1e3:.3f} mm, {len(obj.traces)} traces")
    if isinstance(obj, ChannelFile):
        kinds = ", ".join(s.medium for s in obj.segments)
        return f"{name}: channel '{obj.channel.name}', {len(obj.segments)} segments ({kinds})"
    if isinstance(obj, SerdesFile):
        return f"{name}: SerDes rates {', '.join(obj.rates)}"
    if isinstance(obj, ComParamsFile):
        return f"{name}: COM parameter sets {', '.join(obj.std)}"
    if isinstance(obj, RackFile):
        r = obj.rack
        return (f"{name}: rack '{r.name}', {r.gpus} GPUs x {r.dies_per_gpu} dies, "
                f"{r.gpu_power:.0f} W/GPU, {r.rack_power / 1e3:.0f} kW, {r.medium}, {r.serdes_rate}")
    if isinstance(obj, PackageFile):
        cooling = [c for c in ("coldplate", "microchannel") if getattr(obj, c) is not None]
        area = sum(d.size_x * d.size_y for d in obj.dies) * 1e6
        return (f"{name}: package '{obj.package.name}', {len(obj.dies)} dies, {area:.0f} mm^2 silicon, "
                f"cooling {', '.join(cooling)}")
    if isinstance(obj, FleetFile):
        opts = ", ".join(f"{k} ({len(o.modes)} modes)" for k, o in obj.options.items())
        return f"{name}: fleet '{obj.fleet.name}', {obj.fleet.racks} racks, {opts}"
    return f"{name}: ok"
