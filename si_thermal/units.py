"""Quantity strings with explicit units, parsed to SI.

Every dimensional number in an input file is written as a quantity string, ``"4.5 mil"``,
``"53.125 GHz"``, ``"35 degC"``, ``"17 ppm/K"``. One function, :func:`parse_quantity`, turns it
into a float in SI units after checking that the unit belongs to the expected dimension. A bare
number where a dimension is expected is an error (a missing unit), and so is a unit of another
dimension. Dimensionless quantities (Dk, Df, ratios, AWG) are written as plain numbers.

Conversion factors are exact by definition (NIST SP 811, 2008 edition, Appendix B) except the
ounce-per-square-foot copper weight, which follows IPC-4562: 1 oz/ft² of copper = 34.79 µm
(conventional 35 µm would be within 0.6 %).
"""

from __future__ import annotations

import math
import re

from si_thermal.constants import (AVOGADRO_PER_MOL, ELEMENTARY_CHARGE_C, INCH_M, MIL_M, SECONDS_PER_YEAR,
                                  ZERO_CELSIUS_K)

# dimension -> {unit spelling: (factor, offset)}; SI value = factor * number + offset
_UNITS: dict[str, dict[str, tuple[float, float]]] = {
    "length": {
        "m": (1.0, 0.0), "cm": (1e-2, 0.0), "mm": (1e-3, 0.0), "um": (1e-6, 0.0),
        "µm": (1e-6, 0.0), "nm": (1e-9, 0.0), "mil": (MIL_M, 0.0), "mils": (MIL_M, 0.0),
        "in": (INCH_M, 0.0), "inch": (INCH_M, 0.0), "ft": (12 * INCH_M, 0.0),
        "oz": (34.79e-6, 0.0),  # copper foil weight, IPC-4562
    },
    "area": {"m^2": (1.0, 0.0), "cm^2": (1e-4, 0.0), "mm^2": (1e-6, 0.0), "um^2": (1e-12, 0.0)},
    "frequency": {"Hz": (1.0, 0.0), "kHz": (1e3, 0.0), "MHz": (1e6, 0.0), "GHz": (1e9, 0.0)},
    "symbol_rate": {"Bd": (1.0, 0.0), "kBd": (1e3, 0.0), "MBd": (1e6, 0.0), "GBd": (1e9, 0.0)},
    "bit_rate": {"b/s": (1.0, 0.0), "Gb/s": (1e9, 0.0), "Tb/s": (1e12, 0.0)},
    "time": {
        "s": (1.0, 0.0), "ms": (1e-3, 0.0), "us": (1e-6, 0.0), "ns": (1e-9, 0.0),
        "ps": (1e-12, 0.0), "fs": (1e-15, 0.0), "min": (60.0, 0.0), "h": (3600.0, 0.0),
        "day": (86400.0, 0.0), "week": (604800.0, 0.0), "yr": (SECONDS_PER_YEAR, 0.0),
    },
    "temperature": {"K": (1.0, 0.0), "degC": (1.0, ZERO_CELSIUS_K), "°C": (1.0, ZERO_CELSIUS_K)},
    "temperature_difference": {"K": (1.0, 0.0), "degC": (1.0, 0.0), "°C": (1.0, 0.0)},
    "power": {"W": (1.0, 0.0), "mW": (1e-3, 0.0), "kW": (1e3, 0.0), "MW": (1e6, 0.0)},
    "heat_flux": {"W/m^2": (1.0, 0.0), "W/cm^2": (1e4, 0.0), "W/mm^2": (1e6, 0.0)},
    "voltage": {"V": (1.0, 0.0), "mV": (1e-3, 0.0)},
    "impedance": {"ohm": (1.0, 0.0), "Ohm": (1.0, 0.0), "Ω": (1.0, 0.0)},
    "capacitance": {"F": (1.0, 0.0), "pF": (1e-12, 0.0), "fF": (1e-15, 0.0), "nF": (1e-9, 0.0)},
    "inductance": {"H": (1.0, 0.0), "nH": (1e-9, 0.0), "pH": (1e-12, 0.0)},
    "electrical_conductivity": {"S/m": (1.0, 0.0), "MS/m": (1e6, 0.0)},
    "thermal_conductivity": {"W/(m*K)": (1.0, 0.0), "W/m/K": (1.0, 0.0), "W/mK": (1.0, 0.0)},
    "heat_transfer_coefficient": {"W/(m^2*K)": (1.0, 0.0), "W/m^2/K": (1.0, 0.0)},
    "thermal_resistance": {"K/W": (1.0, 0.0)},
    "area_thermal_resistance": {"K*m^2/W": (1.0, 0.0), "K*mm^2/W": (1e-6, 0.0), "K*cm^2/W": (1e-4, 0.0)},
    "cte": {"1/K": (1.0, 0.0), "ppm/K": (1e-6, 0.0)},
    "pressure": {
        "Pa": (1.0, 0.0), "kPa": (1e3, 0.0), "MPa": (1e6, 0.0), "GPa": (1e9, 0.0),
        "bar": (1e5, 0.0), "psi": (6894.757293168361, 0.0),
    },
    "density": {"kg/m^3": (1.0, 0.0), "g/cm^3": (1e3, 0.0)},
    "specific_heat": {"J/(kg*K)": (1.0, 0.0), "J/kg/K": (1.0, 0.0), "kJ/(kg*K)": (1e3, 0.0)},
    "dynamic_viscosity": {"Pa*s": (1.0, 0.0), "mPa*s": (1e-3, 0.0), "cP": (1e-3, 0.0)},
    "volume_flow": {
        "m^3/s": (1.0, 0.0), "L/min": (1e-3 / 60.0, 0.0), "lpm": (1e-3 / 60.0, 0.0),
        "cm^3/s": (1e-6, 0.0), "mL/s": (1e-6, 0.0),
    },
    "energy": {"J": (1.0, 0.0), "eV": (ELEMENTARY_CHARGE_C, 0.0), "kJ/mol": (1e3 / AVOGADRO_PER_MOL, 0.0)},
    "loss": {"dB": (1.0, 0.0)},
    "loss_per_length": {"dB/m": (1.0, 0.0), "dB/in": (1.0 / INCH_M, 0.0), "dB/mm": (1e3, 0.0)},
    "money": {"USD": (1.0, 0.0), "kUSD": (1e3, 0.0), "MUSD": (1e6, 0.0)},
    "money_per_year": {"USD/yr": (1.0, 0.0), "kUSD/yr": (1e3, 0.0), "MUSD/yr": (1e6, 0.0)},
    "mass": {"kg": (1.0, 0.0), "g": (1e-3, 0.0), "t": (1e3, 0.0)},
    "token_rate": {"tok/s": (1.0, 0.0)},
}

DIMENSIONS = tuple(_UNITS)

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
MAX_QUANTITY_CHARS = 200  # a quantity string longer than this is not a quantity (and is not scanned)


def _split(text: str) -> tuple[str, str] | None:
    """``(number, unit)`` of a quantity string, or None. Linear time: strip, one anchored number
    match, strip the rest (no backtracking over runs of blanks)."""
    body = text.strip()
    match = _NUMBER.match(body)
    if match is None:
        return None
    return match.group(0), body[match.end():].strip()


class UnitError(ValueError):
    """A quantity string without a unit, with a unit of the wrong dimension, or unparsable."""


def units_of(dimension: str) -> tuple[str, ...]:
    """Unit spellings accepted for ``dimension``."""
    return tuple(_UNITS[dimension])


def si_unit(dimension: str) -> str:
    """The SI unit spelling of ``dimension`` (its unit with factor 1 and no offset)."""
    return next(u for u, (factor, offset) in _UNITS[dimension].items() if factor == 1.0 and offset == 0.0)


def parse_quantity(value: object, dimension: str) -> float:
    """Return ``value`` (a quantity string such as ``"4.5 mil"``) in SI units of ``dimension``.

    Raises :class:`UnitError` with a short message when the unit is missing, unknown or of another
    dimension, or when the number is not finite.
    """
    table = _UNITS[dimension]
    example = next(iter(table))
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise UnitError(f"expected a {dimension} such as '1 {example}', got {value!r}")
    if isinstance(value, (int, float)):
        raise UnitError(f"missing unit: write the {dimension} as '{value} {example}'")
    if len(value) > MAX_QUANTITY_CHARS:
        raise UnitError(f"a {dimension} of {len(value)} characters is not a quantity such as '1 {example}'")
    parts = _split(value)
    if parts is None:
        raise UnitError(f"cannot read {value!r} as a {dimension} such as '1 {example}'")
    number, unit = float(parts[0]), parts[1] or None
    if unit is None:
        raise UnitError(f"missing unit in {value!r}: write the {dimension} as '{number:g} {example}'")
    if unit not in table:
        other = [dim for dim, units in _UNITS.items() if unit in units]
        hint = f" (that is a {other[0]})" if other else ""
        raise UnitError(
            f"wrong unit {unit!r} for a {dimension}{hint}; use one of: {', '.join(table)}"
        )
    factor, offset = table[unit]
    si = number * factor + offset
    if not math.isfinite(number) or not math.isfinite(si):  # after scaling: "1e308 GHz" overflows
        raise UnitError(f"{value!r} is not a finite {dimension} (in SI units)")
    return si


def format_quantity(value_si: float, dimension: str, unit: str, digits: int = 4) -> str:
    """Inverse of :func:`parse_quantity` for one unit: ``format_quantity(1e-3, 'length', 'mm')``."""
    factor, offset = _UNITS[dimension][unit]
    return f"{(value_si - offset) / factor:.{digits}g} {unit}"
