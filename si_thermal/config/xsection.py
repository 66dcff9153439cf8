"""Cross-section files (``[xsection]``): a transmission-line cross-section drawn explicitly.

For what a stackup trace cannot say: an offset or asymmetric pair, several dielectrics, a drain
wire. Two enclosures:

- ``[planes]``: ground planes below and above ``[[layers]]`` (dielectric layers, bottom to top);
  ``[[traces]]`` placed by centre ``x`` and bottom-face height ``y`` above the bottom plane.
- ``[shield]``: a round shield of ``diameter`` filled with its ``dielectric``; ``[[wires]]`` placed by
  centre (``x``, ``y``) from the shield's centre, ``role = "ground"`` for a drain wire.

Geometry that cannot be solved (overlap, outside the dielectric, touching a plane) is refused by
:func:`si_thermal.si.xsection.geometry.CrossSection.check`, naming the item.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from si_thermal.config._base import Frequency, Length, Model, NonNegativeLength, PositiveLength


class XSectionInfo(Model):
    name: str
    description: str = ""
    source: str
    f_ref: Frequency | None = None  # Dk of each dielectric taken here for the field solve
    roughness: Literal["huray", "hammerstad", "groisse", "none"] = "huray"


class XLayer(Model):
    material: str  # laminate or polymer
    thickness: PositiveLength


class XPlanes(Model):
    material: str = "copper"
    foil_bottom: str | None = None
    foil_top: str | None = None


class XTrace(Model):
    name: str
    x: Length  # centre
    y: Length  # bottom face, above the bottom plane
    width: PositiveLength  # bottom face
    thickness: NonNegativeLength  # 0: a zero-thickness strip (no conductor loss)
    etch_factor: Annotated[float, Field(ge=0, le=10)] = 0.0  # (w_bottom - w_top) / (2 t)
    material: str = "copper"
    foil: str | None = None


class XShield(Model):
    diameter: PositiveLength
    dielectric: str  # fills the shield
    material: str = "copper"


class XWire(Model):
    name: str
    x: Length
    y: Length
    diameter: PositiveLength
    role: Literal["signal", "ground"] = "signal"
    material: str = "copper"


class XSectionFile(Model):
    xsection: XSectionInfo
    planes: XPlanes | None = None
    layers: list[XLayer] = []
    traces: list[XTrace] = []
    shield: XShield | None = None
    wires: list[XWire] = []

    @model_validator(mode="after")
    def _one_enclosure(self) -> XSectionFile:
        if (self.planes is None) == (self.shield is None):
            raise ValueError("give exactly one of [planes] (with [[layers]] and [[traces]]) or [shield]")
        if self.planes is not None and (not self.layers or not self.traces or self.wires):
            raise ValueError("[planes] needs [[layers]] and [[traces]] (and no [[wires]])")
        if self.shield is not None and (not self.wires or self.traces or self.layers):
            raise ValueError("[shield] needs [[wires]] (and no [[traces]] or [[layers]])")
        names = [t.name for t in self.traces] + [w.name for w in self.wires]
        if len(set(names)) != len(names):
            raise ValueError("trace and wire names must be unique")
        return self
