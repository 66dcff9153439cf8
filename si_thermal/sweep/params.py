"""Sweep parameters (factors): numeric ranges and categorical lists, read from ``NAME=SPEC``.

``SPEC`` is one of

- ``V1,V2,...``: levels, numbers (SI units) or words (rate keys, material names, "4.5 mil");
- ``START:STOP:STEP``: numeric levels from START to STOP (included when on the grid), STEP > 0;
- ``LO:HI``: a continuous range, for Latin hypercube and Sobol designs only (a full grid needs a step).

A spec that yields no point (STOP < START, HI <= LO, an empty list) is bad input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from si_thermal.errors import InputError

Value = float | str
MAX_POINTS = 100_000  # levels of one parameter, and points of one design (each point is a channel or rack run)


@dataclass(frozen=True)
class Factor:
    """One swept parameter: ``levels`` (discrete values) or a continuous ``span`` (lo, hi)."""

    name: str
    levels: tuple[Value, ...] = ()
    span: tuple[float, float] | None = None

    @property
    def numeric(self) -> bool:
        return self.span is not None or all(isinstance(v, float) for v in self.levels)

    def as_dict(self) -> dict:
        return {"name": self.name, "levels": list(self.levels), "span": list(self.span) if self.span else None}


def _level(text: str) -> Value:
    try:
        v = float(text)
    except ValueError:
        return text
    if not math.isfinite(v):
        raise ValueError(text)
    return v


def parse_factor(spec: str, field: str = "--param") -> Factor:
    """``NAME=V1,V2`` | ``NAME=START:STOP:STEP`` | ``NAME=LO:HI`` -> :class:`Factor`; InputError if it
    cannot be read or holds no point."""
    if "=" not in spec:
        raise InputError(None, field, f"expected NAME=V1,V2, NAME=START:STOP:STEP or NAME=LO:HI, got {spec!r}")
    name, rhs = (p.strip() for p in spec.split("=", 1))
    if not name:
        raise InputError(None, field, f"no parameter name in {spec!r}")
    parts = [p.strip() for p in rhs.split(":")]
    try:
        if len(parts) == 3:
            start, stop, step = (float(x) for x in parts)
            if not all(math.isfinite(x) for x in (start, stop, step)) or not step > 0:
                raise ValueError
            if stop < start:
                raise InputError(None, field, f"{name}: range {rhs} has no points (STOP < START)")
            count = (stop - start) / step  # a float: an overflow (inf) fails the cap below
            if not count < MAX_POINTS:
                raise InputError(None, field, f"{name}: {rhs} gives {count + 1:.3g} values; at most "
                                              f"{MAX_POINTS:,} per parameter (use a larger STEP)")
            n = int(math.floor(count + 1e-9)) + 1
            return Factor(name, tuple(float(start + i * step) for i in range(n)))
        if len(parts) == 2:
            lo, hi = (float(x) for x in parts)
            if not (math.isfinite(lo) and math.isfinite(hi)):
                raise ValueError
            if not hi > lo:
                raise InputError(None, field, f"{name}: range {rhs} has no points (HI <= LO)")
            return Factor(name, span=(lo, hi))
        if len(parts) != 1:
            raise ValueError
        levels = tuple(_level(x.strip()) for x in rhs.split(",") if x.strip())
    except ValueError:
        raise InputError(None, field, f"cannot read the values of {spec!r}: use V1,V2,..., START:STOP:STEP "
                                      "(STEP > 0) or LO:HI, finite numbers") from None
    if not levels:
        raise InputError(None, field, f"{name}: no values in {spec!r}")
    if len(set(levels)) != len(levels):
        raise InputError(None, field, f"{name}: repeated values in {spec!r}")
    return Factor(name, levels)


def parse_factors(specs: list[str], field: str = "--param") -> list[Factor]:
    """Every ``--param``; a name given twice is bad input."""
    factors = [parse_factor(s, field) for s in specs]
    names = [f.name for f in factors]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError(None, field, f"parameter {', '.join(dup)} given more than once")
    return factors
