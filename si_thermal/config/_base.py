"""Quantity types (floats in SI after validation), the frozen schema base, TOML reading and
one-line validation errors shared by every input-file kind."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from si_thermal import paths
from si_thermal.errors import InputError
from si_thermal.units import UnitError, parse_quantity, units_of


@dataclasses.dataclass(frozen=True)
class _QuantityValidator(BeforeValidator):
    """A BeforeValidator whose JSON Schema is the input's: a quantity string with its unit."""

    dimension: str = ""
    many: bool = False

    def __get_pydantic_json_schema__(self, core_schema, handler) -> dict:
        units = units_of(self.dimension)
        one = {"type": "string", "pattern": r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*\S+\s*$",
               "description": f"{self.dimension.replace('_', ' ')}: a number and a unit ({', '.join(units)})",
               "examples": [f"1 {units[0]}"]}
        return {"type": "array", "items": one} if self.many else one


def _quantity(dimension: str):
    def parse(value: Any) -> float:
        try:
            return parse_quantity(value, dimension)
        except UnitError as err:
            raise ValueError(str(err)) from None

    return _QuantityValidator(parse, dimension=dimension)


def _quantity_list(dimension: str):
    def parse(values: Any) -> tuple[float, ...]:
        if not isinstance(values, (list, tuple)):
            raise ValueError(f"expected a list of {dimension} quantity strings")
        try:
            return tuple(parse_quantity(v, dimension) for v in values)
        except UnitError as err:
            raise ValueError(str(err)) from None

    return _QuantityValidator(parse, dimension=dimension, many=True)


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
