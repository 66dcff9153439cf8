"""Rack systems (``boards/racks/*.toml``, ``[rack]``) and their cross-checks."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from si_thermal.config._base import (
    Area,
    Length,
    Model,
    Money,
    MoneyPerYear,
    NonNegativeLength,
    PositiveLength,
    Power,
    TokenRate,
    _quantity,
)


MIN_AVAILABILITY = 0.01  # below 1 % uptime a rack is not run; cost per token would grow without bound


class Rack(Model):
    name: str
    description: str
    source: str
    gpus: Annotated[int, Field(ge=0, le=10**6)]
    dies_per_gpu: Annotated[int, Field(ge=1, le=64)]
    gpu_power: Power
    rack_power: Power
    serdes_rate: str  # key of channels/serdes.toml [rates], or "none"
    medium: Literal["copper_cable", "pcb_midplane", "orthogonal_backplane", "cross_rack_cable", "optical"]
    # system-level additions (issue 7): counts, generation, topology, compute, provenance
    racks: Annotated[int, Field(ge=1, le=1000)] = 1  # racks that form the system (2 for dual-rack systems)
    companion: str | None = None  # rack file (boards/racks/) of the other rack of a dual-rack system
    nvlink_generation: Annotated[int, Field(ge=1, le=100)] | None = None  # None: no NVLink
    links_per_gpu: Annotated[int, Field(ge=0, le=10**4)] = 0  # scale-up links per GPU package
    switch_chips: Annotated[int, Field(ge=0, le=10**5)] = 0
    topology: str = ""
    fp4_pflops: Annotated[float, Field(ge=0, le=1e9)] | None = None  # dense FP4 of the rack, PFLOPS
    fp4_pflops_sparse: Annotated[float, Field(ge=0, le=1e9)] | None = None  # with structured sparsity, PFLOPS
    rack_power_quoted: bool = True  # False: no source gives a rack power (the file's value is an estimate)
    die_area: Area | None = None  # silicon area of one GPU die (heat-flux claims)
    aux_name: str | None = None  # a second accelerator kind without scale-up links (Rubin CPX)
    aux_accelerators: Annotated[int, Field(ge=0, le=10**6)] = 0
    aux_power: Power | None = None
    aux_dies: Annotated[int, Field(ge=1)] = 1  # dies per auxiliary accelerator package
    aux_fp4_pflops: Annotated[float, Field(ge=0)] | None = None  # dense FP4 of all auxiliary accelerators
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
    slots: list[Annotated[int, Field(ge=1, le=1000)]] = Field(min_length=1)
    endpoints: Annotated[int, Field(ge=0, le=10**4)] = 0  # scale-up endpoints per tray (GPUs, switch chips, LPUs)
    connector_pos: list[Length] = []  # one per endpoint
    connector_y: NonNegativeLength = 0.0  # depth of the connector plane
    orientation: Literal["horizontal", "vertical"] = "horizontal"
    height_units: Annotated[int, Field(ge=1, le=100)] = 1
    pitch: PositiveLength | None = None  # vertical blades: slot pitch
    origin: NonNegativeLength = 0.0  # horizontal: z of slot 1's bottom; vertical: x of slot 1's left
    origin_z: NonNegativeLength = 0.0  # vertical blades: z of the blade bottom
    rack: Annotated[int, Field(ge=0, le=1000)] = 0
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
    lanes: Annotated[int, Field(ge=1, le=64)] = 1  # lanes per link and direction
    route: Literal["direct", "over_top"] = "direct"
    service_loop: NonNegativeLength | None = None  # overrides [geometry] for this group (PCB: 0)
    breakout: NonNegativeLength | None = None
    # in-tray links (issue 11): no rack routing; every tray of ``from_kind`` holds one link per value,
    # the value being the length of the channel's variable segment for that link
    in_tray_lengths: list[PositiveLength] = []


class RackCooling(Model):
    technology: str  # a cooling technology of si_thermal.thermal
    package: str  # GPU package file in boards/ (required: no silent stand-in)
    source: str
    aux_package: str | None = None  # package file of the auxiliary accelerator (Rubin CPX)
    aux_technology: str | None = None


class PowerComponent(Model):
    """One kind of component of a rack and its power: ``count`` per rack x ``power`` each."""

    name: str
    count: Annotated[int, Field(ge=0)]
    power: Power  # each
    per_tray: Annotated[int, Field(ge=0)] = 0  # how many sit in one compute tray (0: not in the trays)
    source: str


class RackPower(Model):
    """Rack power by component (issue 11): the sum must not exceed ``rack.rack_power``; the rest is
    what the components listed do not account for (conversion losses, fans, management)."""

    source: str
    conversion_efficiency: Annotated[float, Field(gt=0, le=1)] = 1.0  # rack power -> component power
    components: list[PowerComponent] = Field(min_length=1)

    @property
    def components_w(self) -> float:
        return float(sum(c.count * c.power for c in self.components))

    @property
    def total_w(self) -> float:
        """Power drawn at the rack input by the components (after conversion losses)."""
        return self.components_w / self.conversion_efficiency


class Mismatch(Model):
    """Where the two articles give different values for one quantity of this system: both quotes and
    the value the file uses."""

    field: str
    s0: str  # quote from S0 (supernode article)
    s1: str  # quote from S1 (Rubin CPX article)
    used: str  # which value the file uses and why


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
    availability: Annotated[float, Field(ge=MIN_AVAILABILITY, le=1)] = 1.0  # in (0, 1]; floor: see MIN_AVAILABILITY

    @model_validator(mode="after")
    def _depreciation(self) -> RackCost:
        if (self.depreciation_per_year is None) == (self.depreciation_life is None):
            raise ValueError("give exactly one of depreciation_per_year and depreciation_life")
        return self


class RackReliability(Model):
    source: str
    mtbf: Annotated[float, _quantity("time"), Field(gt=0)]  # rack-level, events that take the rack down
    mttr: Annotated[float, _quantity("time"), Field(gt=0)]
    # the sources' ranges around mtbf and mttr (issue 11: availability with its uncertainty band)
    mtbf_range: list[Annotated[float, _quantity("time"), Field(gt=0)]] = Field(default=[], max_length=2)
    mttr_range: list[Annotated[float, _quantity("time"), Field(gt=0)]] = Field(default=[], max_length=2)
    backplane: str | None = None  # stackup file in boards/ analysed for thermal-cycling life


class RackFile(Model):
    rack: Rack
    geometry: RackGeometry | None = None
    trays: list[Tray] = []
    links: list[LinkGroup] = []
    cooling: RackCooling | None = None
    cost: RackCost | None = None
    reliability: RackReliability | None = None
    power: RackPower | None = None
    mismatches: list[Mismatch] = []

    @model_validator(mode="after")
    def _geometry_present(self) -> RackFile:
        if self.trays and self.geometry is None:
            raise ValueError("trays need a [geometry] table")
        return self
