"""Cross-section of a differential stripline trace from a board stackup (``boards/*.toml``).

Between the trace's two reference planes, every stackup layer becomes a horizontal dielectric band
with its own material (mixed core/prepreg Dk/Df, each with its Djordjevic-Sarkar model). Copper
layers inside that span (the trace's own layer, other signal layers) are resin-filled around the
traces: they take the material of the adjacent prepreg (the layer above when neither or both
neighbours are prepreg). Traces are trapezoids: the nominal width at the bottom face, the top face
narrowed by 2 t etch_factor, edge spacing between the mean-width rectangles (as the closed form in
:mod:`si_thermal.si.stripline` reads the stackup). Magnetic side walls sit 5 plane separations away.
"""

from __future__ import annotations

from dataclasses import dataclass

from si_thermal import config
from si_thermal.errors import InputError
from si_thermal.si import conductor
from si_thermal.si.dielectric import from_material
from si_thermal.si.xsection.geometry import Band, Conductor, CrossSection, PlaneBox, Region, Trapezoid

SIDE_WALL_SPANS = 5.0  # side-wall distance from the pair, in plane separations


@dataclass(frozen=True)
class Section:
    """A cross-section, the foil (roughness class) of each surface and the roughness model."""

    xs: CrossSection
    foils: dict  # surface name -> foil material name or None
    roughness_model: str = "huray"
    local: tuple = ()  # (name, Material) of the input file's own materials, looked up before the library

    def roughness(self, freq_hz, model: str | None = None) -> dict:
        """Surface name -> roughness factor K(f) of its foil (smooth where no foil is named)."""
        by_name = {c.name: c.sigma for c in self.xs.conductors}
        out = {}
        for surface, foil in self.foils.items():
            sigma = by_name.get(surface, self.xs.enclosure.sigma)
            out[surface] = conductor.foil_factor(freq_hz, sigma, None if foil is None else config.material(foil, "foil", local=dict(self.local)),
                                                 model or self.roughness_model)
        return out


def trace_section(board_file, trace_name: str, f_ref_hz: float | None = None) -> Section:
    """The cross-section of ``trace_name`` of the stackup ``board_file``."""
    board = config.load_stackup(board_file)
    trace = next((t for t in board.traces if t.name == trace_name), None)
    if trace is None:
        names = ", ".join(t.name for t in board.traces) or "none"
        raise InputError(board_file, "--trace", f"no trace '{trace_name}' (traces: {names})")
    layers = board.layers
    k = next(i for i, layer in enumerate(layers) if layer.name == trace.layer)

    def plane(step: int) -> int:
        i = k + step
        while 0 <= i < len(layers):
            if layers[i].type == "copper" and layers[i].role in ("plane", "mixed"):
                return i
            i += step
        raise InputError(board_file, f"traces.{trace_name}", "no reference plane on one side: not a stripline")

    top, bottom = plane(-1), plane(+1)
    span = layers[top + 1: bottom]  # top to bottom
    regions, y = [], 0.0
    y_trace = None
    for j in range(len(span) - 1, -1, -1):  # bottom up
        layer = span[j]
        mat = layer.material if layer.type == "dielectric" else _resin(span, j)
        regions.append(Region(mat, from_material(board.material(mat)), Band(y, y + layer.thickness)))
        if layer is layers[k]:
            y_trace = y
        y += layer.thickness
    height = y
    strip = layers[k]
    t = strip.thickness
    w_mean = trace.width - trace.etch_factor * t
    w_top = trace.width - 2.0 * trace.etch_factor * t
    if not w_top > 0:
        raise InputError(board_file, f"traces.{trace_name}.etch_factor", "etches the top face of the trace away")
    x = 0.5 * (trace.spacing + w_mean)
    sigma = board.material(strip.material).conductivity
    conductors = tuple(Conductor(name, Trapezoid(sx * x, y_trace, trace.width, w_top, t), sigma)
                       for name, sx in (("p", -1.0), ("n", 1.0)))
    plane_sigma = board.material(layers[top].material).conductivity
    background = Region(regions[0].material, regions[0].eps, None)
    f_ref = f_ref_hz or board.material(regions[0].material).f_ref
    xs = CrossSection(PlaneBox(height, x + trace.width + SIDE_WALL_SPANS * height, plane_sigma),
                      conductors, (background, *regions), f_ref_hz=f_ref,
                      label=f"{board.stackup.name}: {trace_name}")
    foils = {"p": strip.foil, "n": strip.foil, "plane_top": layers[top].foil, "plane_bottom": layers[bottom].foil}
    return Section(xs, foils, local=tuple(board.materials.items()))


def _resin(span, j: int) -> str:
    """Material filling a copper layer around its traces: the adjacent prepreg's, else the one above."""
    above = span[j - 1] if j > 0 and span[j - 1].type == "dielectric" else None
    below = span[j + 1] if j + 1 < len(span) and span[j + 1].type == "dielectric" else None
    for cand in (above, below):
        if cand is not None and cand.construction == "prepreg":
            return cand.material
    cand = above or below
    if cand is None:
        raise ValueError(f"copper layer '{span[j].name}' has no dielectric neighbour")
    return cand.material
