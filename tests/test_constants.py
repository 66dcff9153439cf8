"""Physical constants live in one module: no other module spells their values in code."""

from __future__ import annotations

import io
import math
import tokenize
from pathlib import Path

from si_thermal import constants

PKG = Path(constants.__file__).parent
VALUES = {273.15, 299792458.0, 8.617333262e-5, 0.0254, 25.4e-6, 1.602176634e-19, 6.02214076e23, 8760.0}


def _value(text: str) -> float | None:
    try:
        return float(text.replace("_", ""))
    except ValueError:  # 0x.., 1j
        return None


def test_no_module_but_constants_spells_a_constant():
    offenders = []
    for f in sorted(PKG.rglob("*.py")):
        if f.name == "constants.py":
            continue
        for tok in tokenize.generate_tokens(io.StringIO(f.read_text()).readline):
            if tok.type == tokenize.NUMBER and _value(tok.string) in VALUES:
                offenders.append(f"{f.relative_to(PKG)}:{tok.start[0]}: {tok.line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_values():
    assert math.isclose(constants.ETA0, math.sqrt(constants.MU0 / constants.EPS0))
    assert abs(constants.ETA0 - 376.730313) < 1e-5  # ohm, CODATA 2018 (376.730313668)
    assert constants.HOURS_PER_MONTH == 730.0
