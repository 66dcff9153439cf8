"""Loading any input file by its top-level table, cross-file reference checks, summaries."""

from __future__ import annotations

from pathlib import Path
from collections.abc import Iterator
from typing import Any

from si_thermal import paths
from si_thermal.errors import InputError
from si_thermal.config._base import Model, board_path, rack_path, read_toml, validate
from si_thermal.config.materials import load_materials, material
from si_thermal.config.stackup import StackupFile
from si_thermal.config.channel import (
    ChannelFile,
    StriplineSegment,
    TouchstoneSegment,
    TwinaxSegment,
    ViaSegment,
    touchstone_path,
)
from si_thermal.config.serdes import SerdesFile
from si_thermal.config.com_params import ComParamsFile
from si_thermal.config.rack import Rack, RackFile
from si_thermal.config.fleet import FleetFile
from si_thermal.config.package import PackageFile, inlet_problem
from si_thermal.caches import cached
from si_thermal.config.profile import ProfileFile
from si_thermal.config.uncertainty import UncertaintyFile
from si_thermal.config.xsection import XSectionFile


def _referenced(loader, ref: Path, path: str | Path, field: str) -> None:
    """Load a file that ``path`` names in ``field`` with all its checks, so a file that validates runs;
    its error keeps its own file and field, prefixed by where it was named."""
    try:
        loader(ref)
    except InputError as err:
        raise InputError(path, field, f"names a file that does not validate: {err.line()}") from None


def _check_rack(obj: RackFile, path: str | Path) -> None:
    """Rack cross-checks, each naming its field: sources, slots inside the rack, link references."""
    unknown = sorted(set(obj.rack.sources) - set(Rack.model_fields))
    if unknown:
        raise InputError(path, f"rack.sources.{unknown[0]}", "names no field of [rack]")
    if obj.rack.companion is not None and not (paths.racks_dir() / obj.rack.companion).is_file():
        raise InputError(path, "rack.companion", f"unknown system '{obj.rack.companion}' (no such file in boards/racks/)")
    if obj.rack.companion is not None and Path(path).name != obj.rack.companion:
        _referenced(lambda p: validate(RackFile, read_toml(p), p), paths.racks_dir() / obj.rack.companion,
                    path, "rack.companion")
    g = obj.geometry
    eps = 1e-9
    for i, t in enumerate(obj.trays):
        if t.orientation == "horizontal":
            span, room, across = t.unit_pitch_span(g), g.height, g.width
        else:
            span, room, across = t.unit_pitch_span(g), g.width, g.height
        low, high = span
        if low < -eps or high > room + eps:
            raise InputError(path, f"trays[{i}].slots",
                             f"slots span {low * 1e3:.0f}-{high * 1e3:.0f} mm, outside the rack's "
                             f"{room * 1e3:.0f} mm {'height' if t.orientation == 'horizontal' else 'width'}")
        base = 0.0 if t.orientation == "horizontal" else t.origin_z
        for pos in t.connector_pos:
            if not -eps <= base + pos <= across + eps:
                raise InputError(path, f"trays[{i}].connector_pos", f"connector at {pos * 1e3:.0f} mm is outside the rack")
        if t.connector_y > g.depth + eps:
            raise InputError(path, f"trays[{i}].connector_y", "connector plane is behind the rack")
    kinds = {t.kind for t in obj.trays}
    rates = load_serdes().rates
    if not obj.links:
        raise InputError(path, "links", "no [[links]] group: every system needs the link groups it is judged by")
    if obj.power is not None and obj.power.total_w > obj.rack.rack_power * (1 + 1e-9):
        raise InputError(path, "power.components",
                         f"components draw {obj.power.total_w / 1e3:.1f} kW at the rack input, more than "
                         f"rack.rack_power {obj.rack.rack_power / 1e3:.1f} kW")
    for i, link in enumerate(obj.links):
        for name in ("from_kind", "to_kind"):
            if getattr(link, name) not in kinds:
                raise InputError(path, f"links[{i}].{name}", f"no tray has kind '{getattr(link, name)}'")
        if link.rate not in rates:
            raise InputError(path, f"links[{i}].rate", f"unknown SerDes rate '{link.rate}'")
        for j, ch in enumerate((link.channel, *link.alternate_channels)):
            if ch is None:
                continue
            field = f"links[{i}].channel" if j == 0 else f"links[{i}].alternate_channels[{j - 1}]"
            if not (paths.channels_dir() / ch).is_file():
                raise InputError(path, field, f"unknown channel '{ch}' (no such file in channels/)")
            _referenced(load_channel, paths.channels_dir() / ch, path, field)
        if link.in_tray_lengths and not any(t.kind == link.from_kind for t in obj.trays):
            raise InputError(path, f"links[{i}].in_tray_lengths", f"no tray of kind '{link.from_kind}' to hold them")
        if link.route == "over_top" and g is None:
            raise InputError(path, f"links[{i}].route", "needs a [geometry] table")
    if obj.cooling is not None:
        for field in ("package", "aux_package"):
            pkg = getattr(obj.cooling, field)
            if pkg is not None:
                if not board_path(pkg, path).is_file():
                    raise InputError(path, f"cooling.{field}", f"unknown package file '{pkg}'")
                _referenced(load_package, board_path(pkg, path), path, f"cooling.{field}")
        if (obj.cooling.aux_package is None) != (obj.cooling.aux_technology is None):
            raise InputError(path, "cooling.aux_package", "give aux_package and aux_technology together")
    if obj.reliability is not None and obj.reliability.backplane is not None:
        if not board_path(obj.reliability.backplane, path).is_file():
            raise InputError(path, "reliability.backplane", f"unknown stackup file '{obj.reliability.backplane}'")
        _referenced(load_stackup, board_path(obj.reliability.backplane, path), path, "reliability.backplane")


_KINDS: dict[str, type[Model]] = {
    "stackup": StackupFile,
    "channel": ChannelFile,
    "rates": SerdesFile,
    "rack": RackFile,
    "package": PackageFile,
    "fleet": FleetFile,
    "std": ComParamsFile,
    "profile": ProfileFile,
    "uncertain": UncertaintyFile,
    "xsection": XSectionFile,
}


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


_DIELECTRICS = ("laminate", "polymer", "cable_dielectric")


def _material_refs(obj: Model) -> Iterator[tuple[str, str, Any]]:
    """(field, material name, allowed kinds or None) of every material a file names."""
    if isinstance(obj, StackupFile):
        for i, layer in enumerate(obj.layers):
            yield f"layers[{i}].material", layer.material, ("conductor",) if layer.type == "copper" else ("laminate", "polymer")
            if layer.foil is not None:
                yield f"layers[{i}].foil", layer.foil, "foil"
        if obj.backplane is not None:
            for i, st in enumerate(obj.backplane.stiffeners):
                yield f"backplane.stiffeners[{i}].material", st.material, "metal"
            if obj.backplane.connector is not None:
                yield "backplane.connector.housing_material", obj.backplane.connector.housing_material, "polymer"
                yield "backplane.connector.joint_material", obj.backplane.connector.joint_material, "solder"
    elif isinstance(obj, ChannelFile):
        for i, seg in enumerate(obj.segments):
            if isinstance(seg, TwinaxSegment):
                yield f"segments[{i}].dielectric", seg.dielectric, "cable_dielectric"
                yield f"segments[{i}].conductor", seg.conductor, "conductor"
    elif isinstance(obj, PackageFile):
        for field in ("substrate", "interposer", "lid", "mold", "tim1", "tim2", "coldplate"):
            if getattr(obj, field) is not None:
                yield f"{field}.material", getattr(obj, field).material, None
        for i, die in enumerate(obj.dies):
            yield f"dies[{i}].material", die.material, None
        for name in ("coldplate", "microchannel"):
            c = getattr(obj, name)
            if c is not None:
                yield f"{name}.coolant", c.coolant, "coolant"
                if c.cover_material is not None:
                    yield f"{name}.cover_material", c.cover_material, None
    elif isinstance(obj, XSectionFile):
        for i, layer in enumerate(obj.layers):
            yield f"layers[{i}].material", layer.material, _DIELECTRICS
        if obj.shield is not None:
            yield "shield.dielectric", obj.shield.dielectric, _DIELECTRICS
        for name, items in (("traces", obj.traces), ("wires", obj.wires)):
            for i, item in enumerate(items):
                yield f"{name}[{i}].material", item.material, "conductor"
                if getattr(item, "foil", None) is not None:
                    yield f"{name}[{i}].foil", item.foil, "foil"
        for name, item in (("planes", obj.planes), ("shield", obj.shield)):
            if item is not None:
                yield f"{name}.material", item.material, "conductor"
        for foil in ("foil_bottom", "foil_top"):
            if obj.planes is not None and getattr(obj.planes, foil) is not None:
                yield f"planes.{foil}", getattr(obj.planes, foil), "foil"


def check_references(obj: Model, path: str | Path) -> None:
    """Cross-file checks: materials exist and have the right kind (a file's own ``[materials]``
    first), boards, traces and other referenced files exist."""
    local = getattr(obj, "materials", None) or {}
    for field, name, kind in _material_refs(obj):
        material(name, kind, path, field, local=local)
    if isinstance(obj, FleetFile):
        for key, option in obj.options.items():
            if not rack_path(option.rack, path).is_file():
                raise InputError(path, f"options.{key}.rack", f"rack file not found: {option.rack}")
            _referenced(load_rack, rack_path(option.rack, path), path, f"options.{key}.rack")
            for i, mode in enumerate(option.modes):
                if mode.board is not None and not board_path(mode.board, path).is_file():
                    raise InputError(path, f"options.{key}.modes[{i}].board", f"board file not found: {mode.board}")
                if mode.board is not None:
                    _referenced(load_stackup, board_path(mode.board, path), path, f"options.{key}.modes[{i}].board")
    elif isinstance(obj, ChannelFile):
        for i, seg in enumerate(obj.segments):
            if isinstance(seg, (StriplineSegment, ViaSegment)):
                board = load_stackup(board_path(seg.board, path))
                if isinstance(seg, StriplineSegment) and seg.trace not in {t.name for t in board.traces}:
                    raise InputError(path, f"segments[{i}].trace",
                                     f"board '{seg.board}' has no trace '{seg.trace}'")
            elif isinstance(seg, TouchstoneSegment):
                if not touchstone_path(seg, path).is_file():
                    raise InputError(path, f"segments[{i}].file", f"file not found: {seg.file}")
    elif isinstance(obj, PackageFile):
        for name in ("coldplate", "microchannel"):
            c = getattr(obj, name)
            if c is not None:
                why = inlet_problem(c.coolant, c.inlet, obj.materials)
                if why is not None:
                    raise InputError(path, f"{name}.inlet", why)
    elif isinstance(obj, RackFile):
        rate = obj.rack.serdes_rate
        if rate != "none" and rate not in load_serdes().rates:
            raise InputError(path, "rack.serdes_rate", f"unknown SerDes rate '{rate}'")
        _check_rack(obj, path)


def _load_kind(path: str | Path, model: type[Model], key: str) -> Any:
    data = read_toml(path)
    if key not in data:
        raise InputError(path, key, f"missing [{key}] table")
    obj = validate(model, data, path)
    check_references(obj, path)
    return obj


@cached(64)
def _load_stackup_cached(path: str) -> StackupFile:
    return _load_kind(path, StackupFile, "stackup")


def load_stackup(path: str | Path) -> StackupFile:
    return _load_stackup_cached(str(path))


def load_channel(path: str | Path) -> ChannelFile:
    return _load_kind(path, ChannelFile, "channel")


def load_xsection(path: str | Path) -> XSectionFile:
    return _load_kind(path, XSectionFile, "xsection")


def load_rack(path: str | Path) -> RackFile:
    return _load_kind(path, RackFile, "rack")


def load_package(path: str | Path) -> PackageFile:
    return _load_kind(path, PackageFile, "package")


def load_profile(path: str | Path) -> ProfileFile:
    return _load_kind(path, ProfileFile, "profile")


def load_uncertainty(path: str | Path) -> UncertaintyFile:
    return _load_kind(path, UncertaintyFile, "uncertain")


def load_serdes(path: str | Path | None = None) -> SerdesFile:
    return _load_kind(path or paths.serdes_file(), SerdesFile, "rates")


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
    if isinstance(obj, ComParamsFile):
        return f"{name}: COM parameter sets {', '.join(obj.std)}"
    if isinstance(obj, RackFile):
        r = obj.rack
        return (f"{name}: rack '{r.name}', {r.gpus} GPUs x {r.dies_per_gpu} dies, "
                f"{r.gpu_power:.0f} W/GPU, {r.rack_power / 1e3:.0f} kW, {r.medium}, {r.serdes_rate}")
    if isinstance(obj, PackageFile):
        cooling = [c for c in ("coldplate", "microchannel") if getattr(obj, c) is not None]
        area = sum(d.size_x * d.size_y for d in obj.dies) * 1e6
        return (f"{name}: package '{obj.package.name}', {len(obj.dies)} dies, {area:.0f} mm^2 silicon, "
                f"cooling {', '.join(cooling)}")
    if isinstance(obj, FleetFile):
        opts = ", ".join(f"{k} ({len(o.modes)} modes)" for k, o in obj.options.items())
        return f"{name}: fleet '{obj.fleet.name}', {obj.fleet.racks} racks, {opts}"
    if isinstance(obj, ProfileFile):
        p = obj.profile
        return (f"{name}: workload profile '{p.name}', period {p.period / 3600:g} h, {len(p.segments)} segments, "
                f"{len(p.pulses)} pulse kinds, rated {p.rated_power / 1e3:g} kW")
    if isinstance(obj, UncertaintyFile):
        return f"{name}: uncertain inputs '{obj.uncertain.name}', {len(obj.uncertain.parameters)} parameters"
    if isinstance(obj, XSectionFile):
        n = len(obj.traces) + len(obj.wires)
        return f"{name}: cross-section '{obj.xsection.name}', {n} conductors"
    return f"{name}: ok"
