"""Cross-sections from input files: a stackup trace (``boards/*.toml`` + trace name) or an
``[xsection]`` file; geometry errors become one-line :class:`InputError` naming file and field."""

from __future__ import annotations

from pathlib import Path

from si_thermal import config
from si_thermal.errors import InputError
from si_thermal.si.dielectric import from_material
from si_thermal.si.xsection.geometry import (
    Band,
    Circle,
    Conductor,
    CrossSection,
    GeometryError,
    PlaneBox,
    Region,
    Shield,
    Trapezoid,
)
from si_thermal.si.xsection.stackup import SIDE_WALL_SPANS, Section, trace_section


def load_section(path: str | Path, trace: str | None = None) -> Section:
    """The checked cross-section of ``path``: a stackup (``trace`` required) or an [xsection] file."""
    path = Path(path)
    kind = config.file_kind(config.read_toml(path), path)
    if kind == "stackup":
        if trace is None:
            names = ", ".join(t.name for t in config.load_stackup(path).traces) or "none"
            raise InputError(path, "--trace", f"a stackup file needs --trace NAME (traces: {names})")
        section = trace_section(path, trace)
    elif kind == "xsection":
        if trace is not None:
            raise InputError(path, "--trace", "an [xsection] file draws its own conductors; drop --trace")
        section = _from_xsection(config.load_xsection(path))
    else:
        raise InputError(path, None, f"expected a [stackup] or [xsection] file, got [{kind}]")
    check(section, path)
    return section


def check(section: Section, path) -> None:
    """:meth:`CrossSection.check` with its error as an InputError naming ``path``."""
    try:
        section.xs.check()
    except GeometryError as err:
        raise InputError(path, _field(section.xs, err.field), str(err)) from None


def _field(xs: CrossSection, field: str) -> str:
    """Map ``conductors[i] (name)`` to the file's own ``traces[i]``/``wires[i]`` wording."""
    if field.startswith("conductors["):
        group = "traces" if isinstance(xs.enclosure, PlaneBox) else "wires"
        return group + field[len("conductors"):]
    return field


def _eps(name: str):
    return from_material(config.material(name))


def _from_xsection(f: config.XSectionFile) -> Section:
    info = f.xsection
    if f.planes is not None:
        regions, y = [], 0.0
        for layer in f.layers:
            regions.append(Region(layer.material, _eps(layer.material), Band(y, y + layer.thickness)))
            y += layer.thickness
        conductors, foils = [], {}
        for t in f.traces:
            top = t.width - 2.0 * t.etch_factor * t.thickness
            conductors.append(Conductor(t.name, Trapezoid(t.x, t.y, t.width, top, t.thickness),
                                        config.material(t.material).conductivity))
            foils[t.name] = t.foil
        foils.update(plane_bottom=f.planes.foil_bottom, plane_top=f.planes.foil_top)
        reach = max(abs(t.x) + t.width for t in f.traces)
        enclosure = PlaneBox(y, reach + SIDE_WALL_SPANS * y, config.material(f.planes.material).conductivity)
        regions = [Region(regions[0].material, regions[0].eps, None), *regions]
    else:
        regions = [Region(f.shield.dielectric, _eps(f.shield.dielectric), None)]
        conductors = [Conductor(w.name, Circle(w.x, w.y, w.diameter / 2), config.material(w.material).conductivity,
                                role=w.role) for w in f.wires]
        foils = {}
        enclosure = Shield(f.shield.diameter / 2, config.material(f.shield.material).conductivity)
    f_ref = info.f_ref or config.material(regions[0].material).f_ref or 10e9
    xs = CrossSection(enclosure, tuple(conductors), tuple(regions), f_ref_hz=f_ref, label=info.name)
    return Section(xs, foils, info.roughness)
