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


class StackupFile(Model):
    stackup: Stackup
    layers: list[Layer] = Field(min_length=1)
    traces: list[Trace] = []

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


class StriplineSegment(_Segment):
    """A length of differential stripline on a trace of a stackup file in ``boards/``."""

    medium: Literal["stripline"]
    length: NonNegativeLength
    board: str  # file name in boards/
    trace: str  # name of a [[traces]] entry of that board


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
    port_order: Literal["1-2/3-4", "1-3/2-4"] = "1-3/2-4"  # pairs (in, out) of the 4-port


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


class RackFile(Model):
    rack: Rack


# ----------------------------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------------------------

_KINDS: dict[str, type[Model]] = {
    "stackup": StackupFile,
    "channel": ChannelFile,
    "rates": SerdesFile,
    "rack": RackFile,
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
    elif isinstance(obj, RackFile):
        rate = obj.rack.serdes_rate
        if rate != "none" and rate not in load_serdes().rates:
            raise InputError(path, "rack.serdes_rate", f"unknown SerDes rate '{rate}'")


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
    if isinstance(obj, RackFile):
        r = obj.rack
        return (f"{name}: rack '{r.name}', {r.gpus} GPUs x {r.dies_per_gpu} dies, "
                f"{r.gpu_power:.0f} W/GPU, {r.rack_power / 1e3:.0f} kW, {r.medium}, {r.serdes_rate}")
    return f"{name}: ok"
