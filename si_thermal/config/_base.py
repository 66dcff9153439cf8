"""Quantity types (floats in SI after validation), the frozen schema base, TOML reading and
one-line validation errors shared by every input-file kind."""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from si_thermal.constants import SECONDS_PER_YEAR
from si_thermal import paths
from si_thermal.errors import InputError
from si_thermal.files import read_input_text
from si_thermal.units import UnitError, format_quantity, parse_quantity, units_of


@dataclass(frozen=True)
class Range:
    """A closed or open interval in SI units, printed in ``unit`` in error messages."""

    low: float | None
    high: float | None
    unit: str
    low_open: bool = False
    high_open: bool = False
    why: str = ""

    def contains(self, value: float) -> bool:
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return not (self.high is not None and (value >= self.high if self.high_open else value > self.high))

    def text(self, dimension: str) -> str:
        lo = "-inf" if self.low is None else format_quantity(self.low, dimension, self.unit, 6)
        hi = "inf" if self.high is None else format_quantity(self.high, dimension, self.unit, 6)
        bounds = f"{'(' if self.low_open or self.low is None else '['}{lo}, {hi}{')' if self.high_open or self.high is None else ']'}"
        return f"{bounds}{f' ({self.why})' if self.why else ''}"

    def violation(self, value: float, dimension: str) -> str | None:
        """None when ``value`` is inside, else the message: the value and the range it left."""
        if self.contains(value):
            return None
        got = format_quantity(value, dimension, self.unit, 6)
        if self.high is None:
            word = "greater than" if self.low_open else "greater than or equal to"
            return f"must be {word} {format_quantity(self.low, dimension, self.unit, 6)}" \
                   f"{f' ({self.why})' if self.why else ''}, got {got}"
        return f"{got} is outside {self.text(dimension)}"


# Sanity range of every dimension (SI), applied after unit scaling to every quantity of that
# dimension: a value outside is a typo or a unit slip, never physics this package models.
SANITY: dict[str, Range] = {
    "length": Range(-1e3, 1e3, "m", why="1 km sanity cap"),
    "area": Range(0.0, 100.0, "m^2", why="100 m^2 sanity cap"),
    "frequency": Range(0.0, 1e13, "GHz", why="10 THz sanity cap"),
    "symbol_rate": Range(0.0, 1e12, "GBd", why="1 TBd sanity cap"),
    "bit_rate": Range(0.0, 1e13, "Gb/s", why="10 Tb/s sanity cap"),
    "time": Range(0.0, 1e5 * SECONDS_PER_YEAR, "yr", why="100,000 years sanity cap"),
    "temperature": Range(0.0, 2000.0, "K", low_open=True,
                         why="above absolute zero, below 2000 K, above every melting point this package models"),
    "temperature_difference": Range(-1000.0, 1000.0, "K", why="1000 K sanity cap"),
    "power": Range(0.0, 1e8, "W", why="100 MW sanity cap"),
    "heat_flux": Range(0.0, 1e9, "W/mm^2", why="1000 W/mm^2 sanity cap"),
    "voltage": Range(-1e3, 1e3, "V", why="1 kV sanity cap"),
    "impedance": Range(0.0, 1e6, "ohm", why="1 Mohm sanity cap"),
    "capacitance": Range(0.0, 1e-6, "pF", why="1 uF sanity cap"),
    "inductance": Range(0.0, 1e-3, "nH", why="1 mH sanity cap"),
    "electrical_conductivity": Range(0.0, 1e9, "MS/m", why="1000 MS/m, 15x silver"),
    "thermal_conductivity": Range(0.0, 1e4, "W/(m*K)", why="10,000 W/(m K), 4x diamond"),
    "heat_transfer_coefficient": Range(0.0, 1e7, "W/(m^2*K)", why="1e7 W/(m^2 K) sanity cap"),
    "thermal_resistance": Range(0.0, 1e6, "K/W", why="1e6 K/W sanity cap"),
    "area_thermal_resistance": Range(0.0, 1.0, "K*mm^2/W", why="1 K m^2/W sanity cap"),
    "cte": Range(-1e-2, 1e-2, "ppm/K", why="+-10,000 ppm/K sanity cap"),
    "pressure": Range(-1e13, 1e13, "GPa", why="10,000 GPa sanity cap"),
    "density": Range(0.0, 1e5, "kg/m^3", why="100,000 kg/m^3, 4x osmium"),
    "specific_heat": Range(0.0, 1e5, "J/(kg*K)", why="100 kJ/(kg K), 7x hydrogen"),
    "dynamic_viscosity": Range(0.0, 1e4, "Pa*s", why="10,000 Pa s sanity cap"),
    "volume_flow": Range(0.0, 1.0, "L/min", why="1 m^3/s = 60,000 L/min sanity cap"),
    "energy": Range(0.0, 1e-16, "eV", why="624 eV sanity cap"),
    "loss": Range(-1e3, 1e3, "dB", why="1000 dB sanity cap"),
    "loss_per_length": Range(-1e6, 1e6, "dB/m", why="1e6 dB/m sanity cap"),
    "money": Range(0.0, 1e13, "MUSD", why="10 trillion USD sanity cap"),
    "money_per_year": Range(0.0, 1e13, "MUSD/yr", why="10 trillion USD/yr sanity cap"),
    "mass": Range(0.0, 1e6, "kg", why="1000 t sanity cap"),
    "token_rate": Range(0.0, 1e15, "tok/s", why="1e15 tok/s sanity cap"),
}


def _checked(value: Any, dimension: str, rng: Range | None) -> float:
    try:
        si = parse_quantity(value, dimension)
    except UnitError as err:
        raise ValueError(str(err)) from None
    for r in (rng, SANITY[dimension]):
        why = r.violation(si, dimension) if r is not None else None
        if why is not None:
            raise ValueError(why)
    return si


@dataclass(frozen=True)
class QuantityValidator(BeforeValidator):
    """A :class:`BeforeValidator` that also says which dimension and range it checks, so values that
    arrive in SI (sweep overrides) are held to the same range by :func:`check_si`; its JSON Schema is
    the input's: a quantity string with its unit (or a list of them, ``many``)."""

    dimension: str = ""
    range: Range | None = None
    many: bool = False

    def __get_pydantic_json_schema__(self, core_schema, handler) -> dict:
        units = units_of(self.dimension)
        one = {"type": "string", "pattern": r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*\S+\s*$",
               "description": f"{self.dimension.replace('_', ' ')}: a number and a unit ({', '.join(units)})",
               "examples": [f"1 {units[0]}"]}
        return {"type": "array", "items": one} if self.many else one


def check_si(model: type[BaseModel], field: str, value: float) -> str | None:
    """Why ``value`` (already in SI) cannot be ``model.field``, or None: finiteness, the quantity's
    sanity and physical range, the field's numeric bounds (gt/ge/lt/le), integer for int fields."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return f"value {value!r} is not a finite number"
    info = model.model_fields[field]
    if info.annotation is int or int in get_args(info.annotation):
        if float(value) != int(value):
            return f"value {value:g} is not an integer"
    for meta in info.metadata:
        if isinstance(meta, QuantityValidator):
            for r in (meta.range, SANITY[meta.dimension]):
                why = r.violation(value, meta.dimension) if r is not None else None
                if why is not None:
                    return why
        for attr, ok in (("gt", lambda b: value > b), ("ge", lambda b: value >= b),
                         ("lt", lambda b: value < b), ("le", lambda b: value <= b)):
            bound = getattr(meta, attr, None)
            if bound is not None and not ok(bound):
                return f"value {value:g} out of range ({attr} {bound})"
    return None


def _quantity(dimension: str, low: float | None = None, high: float | None = None, *,
              low_open: bool = False, high_open: bool = False, why: str = ""):
    """Validator: a quantity string of ``dimension`` to SI, finite after scaling, inside the
    dimension's :data:`SANITY` range and inside [``low``, ``high``] (open ends as flagged)."""
    rng = None
    if low is not None or high is not None:
        rng = Range(low, high, SANITY[dimension].unit, low_open, high_open, why)

    def parse(value: Any) -> float:
        return _checked(value, dimension, rng)

    return QuantityValidator(parse, dimension=dimension, range=rng)


def _quantity_list(dimension: str, low: float | None = None, high: float | None = None, *,
                   low_open: bool = False, high_open: bool = False, why: str = ""):
    """As :func:`_quantity` for a non-empty list of quantity strings."""
    rng = None
    if low is not None or high is not None:
        rng = Range(low, high, SANITY[dimension].unit, low_open, high_open, why)

    def parse(values: Any) -> tuple[float, ...]:
        if not isinstance(values, (list, tuple)):
            raise ValueError(f"expected a list of {dimension} quantity strings")
        if not values:
            raise ValueError(f"expected at least one {dimension}, got an empty list")
        out = []
        for i, v in enumerate(values):
            try:
                out.append(_checked(v, dimension, rng))
            except ValueError as err:
                raise ValueError(f"[{i}]: {err}") from None
        return tuple(out)

    return QuantityValidator(parse, dimension=dimension, range=rng, many=True)


# Quantity types: floats in SI after validation, finite, inside the dimension's sanity range and
# the physical range the name says. Positive* are > 0.
Length = Annotated[float, _quantity("length")]


PositiveLength = Annotated[float, _quantity("length", 0.0, low_open=True)]


NonNegativeLength = Annotated[float, _quantity("length", 0.0)]


Area = Annotated[float, _quantity("area", 0.0, low_open=True)]


Frequency = Annotated[float, _quantity("frequency", 0.0, low_open=True)]


SymbolRate = Annotated[float, _quantity("symbol_rate", 0.0, low_open=True)]


BitRate = Annotated[float, _quantity("bit_rate", 0.0, low_open=True)]


Time = Annotated[float, _quantity("time", 0.0)]


PositiveTime = Annotated[float, _quantity("time", 0.0, low_open=True)]


Temperature = Annotated[float, _quantity("temperature")]


TemperatureDifference = Annotated[float, _quantity("temperature_difference")]


Power = Annotated[float, _quantity("power", 0.0)]


HeatFlux = Annotated[float, _quantity("heat_flux", 0.0)]


Impedance = Annotated[float, _quantity("impedance", 1.0, 1e4, why="1 ohm to 10 kohm")]


Loss = Annotated[float, _quantity("loss", 0.0, why="a loss in dB is not negative")]


PositiveLoss = Annotated[float, _quantity("loss", 0.0, low_open=True, why="a budget or ratio in dB is positive")]


ElectricalConductivity = Annotated[float, _quantity("electrical_conductivity", 0.0, low_open=True)]


ThermalConductivity = Annotated[float, _quantity("thermal_conductivity", 0.0, low_open=True)]


HeatTransferCoefficient = Annotated[float, _quantity("heat_transfer_coefficient", 0.0)]


CTE = Annotated[float, _quantity("cte")]


Pressure = Annotated[float, _quantity("pressure", 0.0, low_open=True)]


Density = Annotated[float, _quantity("density", 0.0, low_open=True)]


SpecificHeat = Annotated[float, _quantity("specific_heat", 0.0, low_open=True)]


Viscosity = Annotated[float, _quantity("dynamic_viscosity", 0.0, low_open=True)]


VolumeFlow = Annotated[float, _quantity("volume_flow", 0.0, low_open=True)]


Energy = Annotated[float, _quantity("energy", 0.0, low_open=True)]


Money = Annotated[float, _quantity("money", 0.0)]


MoneyPerYear = Annotated[float, _quantity("money_per_year", 0.0)]


TokenRate = Annotated[float, _quantity("token_rate", 0.0, low_open=True)]


Fraction = Annotated[float, Field(ge=0, le=1)]


class Model(BaseModel):
    """Base of every schema class: frozen, unknown keys rejected, plain numbers finite."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


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
    """Read a TOML file (a regular UTF-8 file within the input size cap, see :mod:`si_thermal.files`);
    a missing, unreadable or unparsable file is an :class:`InputError`."""
    path = Path(path)
    text = read_input_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(path, None, f"not valid TOML: {err}") from None


def validate(model: type[Model], data: dict, path: str | Path) -> Any:
    """Validate ``data`` against ``model``; the first error becomes a one-line :class:`InputError`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(path, _field_path(err["loc"]) or None, _message(err)) from None


def _named_file(name: str, relative_to: str | Path | None, folder: tuple[str, ...], root_dir: Path) -> Path:
    """A file named inside another file: absolute; beside that file; in ``folder`` (e.g.
    ``boards``) of a folder above it (so ``channels/x.toml`` finds ``boards/y.toml`` wherever the
    project sits); relative to the working directory; in the project root's folder."""
    p = Path(name)
    if p.is_absolute():
        return p
    candidates = []
    if relative_to is not None:
        here = Path(os.path.abspath(relative_to)).parent
        candidates.append(here / p)
        candidates += [up.joinpath(*folder, p) for up in [here, *here.parents][:4]]
    candidates += [p, root_dir / p]
    return next((c for c in candidates if c.is_file()), root_dir / p)


def board_path(name: str, relative_to: str | Path | None = None) -> Path:
    """Resolve a board file named in another file: beside it, in a ``boards/`` above it, or in ``boards/``."""
    return _named_file(name, relative_to, ("boards",), paths.boards_dir())


def rack_path(name: str, relative_to: str | Path | None = None) -> Path:
    """Resolve a rack file named in another file: beside it, in a ``boards/racks/`` above it, or in ``boards/racks/``."""
    return _named_file(name, relative_to, ("boards", "racks"), paths.racks_dir())
