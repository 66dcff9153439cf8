"""JSON Schema (draft 2020-12) of each input-file kind, as ``si-thermal schema KIND`` prints it.

Quantities appear as what the file holds: a string, a number and its unit (``"4.5 mil"``).
"""

from __future__ import annotations

from si_thermal.config.channel import ChannelFile
from si_thermal.config.com_params import ComParamsFile
from si_thermal.config.fleet import FleetFile
from si_thermal.config.materials import MaterialsFile
from si_thermal.config.package import PackageFile
from si_thermal.config.rack import RackFile
from si_thermal.config.serdes import SerdesFile
from si_thermal.config.stackup import StackupFile
from si_thermal.config.xsection import XSectionFile
from si_thermal.errors import InputError

#: kind -> (schema model, the files of that kind in the project)
KINDS = {
    "channel": (ChannelFile, "channels/*.toml with [channel]"),
    "stackup": (StackupFile, "boards/*.toml with [stackup]"),
    "package": (PackageFile, "boards/gpu_package_*.toml with [package]"),
    "rack": (RackFile, "boards/racks/*.toml with [rack]"),
    "fleet": (FleetFile, "boards/racks/fleet_reliability.toml with [fleet]"),
    "serdes": (SerdesFile, "channels/serdes.toml with [rates]"),
    "com_params": (ComParamsFile, "channels/com_params.toml with [std]"),
    "materials": (MaterialsFile, "boards/materials.toml, one table per material"),
    "xsection": (XSectionFile, "a line cross-section with [xsection] (2-D field solver)"),
}


def json_schema(kind: str) -> dict:
    """The JSON Schema of input files of ``kind``; an unknown kind names the known ones."""
    if kind not in KINDS:
        raise InputError(None, "KIND", f"unknown kind '{kind}'; known kinds: {', '.join(KINDS)}")
    model, files = KINDS[kind]
    schema = model.model_json_schema()
    if kind == "materials":  # the file's top-level tables are the materials themselves
        schema = {"$defs": schema.get("$defs", {}), "type": "object",
                  "additionalProperties": schema["properties"]["materials"]["additionalProperties"]}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": f"si_thermal {kind} file",
            "description": f"{files}. TOML files; every dimensional value is a quantity string with its unit.",
            **{k: v for k, v in schema.items() if k not in ("title", "description")}}


def field_unit(model, field: str) -> str | None:
    """The SI unit of a quantity field of a schema model (``"m"`` for a length); None when the
    field is not a quantity."""
    from si_thermal.config._base import QuantityValidator
    from si_thermal.units import si_unit

    info = getattr(model, "model_fields", {}).get(field)
    if info is None:
        return None
    dim = next((m.dimension for m in info.metadata if isinstance(m, QuantityValidator)), None)
    return si_unit(dim) if dim else None
