"""Layered package geometry in gmsh: a stack of layers, each a set of rectangular regions.

A GPU package is a stack of layers (substrate, interposer, die active layer, die bulk, TIM1,
lid, TIM2, cold-plate base), each holding axis-aligned rectangles (dies, mold, HBM stacks ...).
All rectangle edges together cut the footprint into a tensor grid of blocks; gmsh builds the grid
as transfinite, recombined quadrilaterals and extrudes it layer by layer with a fixed number of
element layers each, so thin layers (50 um TIMs) get whole hexahedra instead of millions of tiny
tetrahedra. Every region is a named physical volume and every boundary a named physical surface
("coolant", "board", "adiabatic"); blocks that belong to no region (the cavity under the lid) are
left out of the mesh. Meshes are cached as ``meshes/cache/<hash>.msh`` (gmsh 4 format, readable by
meshio) keyed by a SHA-256 of the geometry, and read back with dolfinx.io.gmsh.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import dolfinx_solver  # noqa: F401
import numpy as np
from mpi4py import MPI

from si_thermal import paths
from si_thermal.atomic import atomic_path
from si_thermal.errors import InputError

Rect = tuple[float, float, float, float]  # x0, x1, y0, y1 (m)

COOLANT, BOARD, ADIABATIC = "coolant", "board", "adiabatic"
_FORMAT_VERSION = "stack-1"


@dataclass(frozen=True)
class StackLayer:
    """One layer: thickness, element layers through it, and its regions (first match wins)."""

    name: str
    thickness_m: float
    n_elements: int
    regions: tuple[tuple[str, Rect], ...]


@dataclass(frozen=True)
class StackGeometry:
    """Layers bottom to top; ``cooled`` is the rectangle of the top surface touching the coolant."""

    layers: tuple[StackLayer, ...]
    cooled: Rect
    mesh_size_m: float

    def key(self) -> str:
        text = json.dumps([_FORMAT_VERSION, asdict(self)], sort_keys=True, default=float)
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    def region_names(self) -> list[str]:
        names: list[str] = []
        for layer in self.layers:
            for name, _ in layer.regions:
                if name not in names:
                    names.append(name)
        return names


@dataclass(frozen=True)
class TaggedMesh:
    """A dolfinx mesh with its cell and facet tags and the name -> tag maps."""

    mesh: object
    cell_tags: object
    facet_tags: object
    regions: dict[str, int]
    boundaries: dict[str, int]
    path: Path | None


def _breaks(values, tol=1e-9) -> np.ndarray:
    v = np.sort(np.asarray(values, dtype=float))
    keep = np.concatenate([[True], np.diff(v) > tol])
    return v[keep]


def _inside(rect: Rect, x: float, y: float) -> bool:
    return rect[0] <= x <= rect[1] and rect[2] <= y <= rect[3]


def _check_quality(gmsh) -> None:
    """Refuse a mesh with inverted or flat elements (gmsh meshes them without complaint)."""
    _, tags, _ = gmsh.model.mesh.getElements(3)
    tags = np.concatenate(tags) if tags else np.array([], dtype=np.int64)
    if tags.size == 0:
        raise InputError(None, "geometry", "gmsh cannot mesh the geometry: no volume elements")
    quality = np.asarray(gmsh.model.mesh.getElementQualities(tags, "minSJ"))
    bad = int(np.sum(~(quality > 1e-6)))
    if bad:
        raise InputError(None, "geometry", f"gmsh cannot make a valid mesh: {bad} flat or inverted "
                         "elements (a layer of zero thickness?)")


def _build_gmsh(geom: StackGeometry, path: Path) -> None:
    """Build and mesh the stack with gmsh (rank 0) and write it to ``path``."""
    import gmsh

    gmsh.initialize(interruptible=threading.current_thread() is threading.main_thread())
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.model.add("stack")
        # no duplicate search after every extrusion (quadratic in the number of entities); the
        # shared lateral faces are merged once, below
        gmsh.option.setNumber("Geometry.AutoCoherence", 0)
        geo = gmsh.model.geo
        rects = [r for layer in geom.layers for _, r in layer.regions] + [geom.cooled]
        xs = _breaks([v for r in rects for v in r[:2]])
        ys = _breaks([v for r in rects for v in r[2:]])
        h = geom.mesh_size_m
        nx = [max(1, math.ceil((b - a) / h - 1e-9)) for a, b in zip(xs[:-1], xs[1:])]
        ny = [max(1, math.ceil((b - a) / h - 1e-9)) for a, b in zip(ys[:-1], ys[1:])]
        pt = [[geo.addPoint(x, y, 0.0) for y in ys] for x in xs]
        lx = [[geo.addLine(pt[i][j], pt[i + 1][j]) for j in range(len(ys))] for i in range(len(xs) - 1)]
        ly = [[geo.addLine(pt[i][j], pt[i][j + 1]) for j in range(len(ys) - 1)] for i in range(len(xs))]
        for i, row in enumerate(lx):
            for line in row:
                geo.mesh.setTransfiniteCurve(line, nx[i] + 1)
        for row in ly:
            for j, line in enumerate(row):
                geo.mesh.setTransfiniteCurve(line, ny[j] + 1)
        cells = [(i, j) for i in range(len(xs) - 1) for j in range(len(ys) - 1)]
        base = {}
        for i, j in cells:
            loop = geo.addCurveLoop([lx[i][j], ly[i + 1][j], -lx[i][j + 1], -ly[i][j]])
            s = geo.addPlaneSurface([loop])
            geo.mesh.setTransfiniteSurface(s)
            geo.mesh.setRecombine(2, s)
            base[(i, j)] = s
        centers = {(i, j): (0.5 * (xs[i] + xs[i + 1]), 0.5 * (ys[j] + ys[j + 1])) for i, j in cells}
        region_vols: dict[str, list[int]] = {name: [] for name in geom.region_names()}
        top = dict(base)
        solid_top: dict[tuple[int, int], int] = {}
        bottom_faces = []
        for li, layer in enumerate(geom.layers):
            out = geo.extrude([(2, top[c]) for c in cells], 0, 0, layer.thickness_m,
                              numElements=[layer.n_elements], recombine=True)
            vols = [e for e in out if e[0] == 3]
            tops = [out[k - 1] for k, e in enumerate(out) if e[0] == 3]
            assert len(vols) == len(cells)
            solid_top = {}
            for c, (_, vol), (_, new_top) in zip(cells, vols, tops):
                region = next((name for name, r in layer.regions if _inside(r, *centers[c])), None)
                if region is not None:
                    region_vols[region].append(vol)
                    solid_top[c] = new_top
                    if li == 0:
                        bottom_faces.append(base[c])
                top[c] = new_top
        geo.removeAllDuplicates()  # one pass instead of a duplicate search per extrusion
        geo.synchronize()
        all_solid = []
        for tag, (name, vols) in enumerate(region_vols.items(), start=1):
            if not vols:
                raise InputError(None, name, "region has no volume in the geometry")
            gmsh.model.addPhysicalGroup(3, vols, tag, name=name)
            all_solid += vols
        coolant = [s for c, s in solid_top.items() if _inside(geom.cooled, *centers[c])]
        if not coolant:
            raise InputError(None, "cooled", "the cooled area does not touch the top layer")
        boundary = {abs(t) for _, t in gmsh.model.getBoundary([(3, v) for v in all_solid],
                                                              combined=True, oriented=False)}
        adiabatic = sorted(boundary - set(coolant) - set(bottom_faces))
        gmsh.model.addPhysicalGroup(2, coolant, 101, name=COOLANT)
        gmsh.model.addPhysicalGroup(2, bottom_faces, 102, name=BOARD)
        gmsh.model.addPhysicalGroup(2, adiabatic, 103, name=ADIABATIC)
        gmsh.model.mesh.generate(3)
        _check_quality(gmsh)
        with atomic_path(path) as tmp:
            gmsh.write(str(tmp))
    except InputError:
        raise
    except Exception as err:  # gmsh raises plain Exceptions
        raise InputError(None, "geometry", f"gmsh cannot mesh the geometry: {err}") from None
    finally:
        gmsh.finalize()


def _read_msh(path: Path, comm: MPI.Comm):
    """Read a cached .msh on rank 0 (quietly) and distribute it over ``comm``."""
    import gmsh
    from dolfinx.io import gmsh as dgmsh

    if comm.rank == 0:
        gmsh.initialize(interruptible=threading.current_thread() is threading.main_thread())
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.open(str(path))
    try:
        return dgmsh.model_to_mesh(gmsh.model if comm.rank == 0 else None, comm, 0, gdim=3)
    finally:
        if comm.rank == 0:
            gmsh.finalize()


def mesh_stack(geom: StackGeometry, comm: MPI.Comm | None = None, *, cache: bool = True) -> TaggedMesh:
    """Mesh ``geom`` (or read it from the cache) and distribute it over ``comm``."""
    comm = comm or MPI.COMM_WORLD
    cache_dir = paths.mesh_cache_dir()
    path = cache_dir / f"{geom.key()}.msh"
    error = None
    if comm.rank == 0 and not (cache and path.is_file()):
        try:
            _build_gmsh(geom, path)
        except InputError as err:
            error = (err.file, err.field, err.message)
    error = comm.bcast(error, root=0)
    if error is not None:
        raise InputError(*error)
    data = _read_msh(path, comm)
    groups = data.physical_groups
    regions = {name: int(tag) for name, (dim, tag) in groups.items() if dim == 3}
    boundaries = {name: int(tag) for name, (dim, tag) in groups.items() if dim == 2}
    if not cache and comm.rank == 0:
        path.unlink(missing_ok=True)
    return TaggedMesh(data.mesh, data.cell_tags, data.facet_tags, regions, boundaries,
                      path if cache else None)


def _centered(w: float, d: float) -> Rect:
    return (-w / 2, w / 2, -d / 2, d / 2)


def package_geometry(pkg, cooling: str, mesh_size_m: float) -> StackGeometry:
    """The layer stack of a :class:`si_thermal.config.PackageFile` for ``cooling``
    ("coldplate": lid, TIM2 and cold-plate base; "microchannel": the lid base under the channels).

    Region names: substrate, interposer, ``<die>_active``, ``<die>_hot<i>`` (hot spots of the active
    layer), ``<die>``, mold, tim1, lid, tim2, coldplate.
    The channels (cold-plate fins, lid channels) are not meshed: their top surface is the "coolant"
    boundary carrying the fin-corrected heat-transfer coefficient of :mod:`.cooling`.
    """
    hz = 0.5 * mesh_size_m

    def n(t: float) -> int:
        return int(min(12, max(1, math.ceil(t / hz - 1e-9))))

    def slab(name: str, s) -> StackLayer:
        return StackLayer(name, s.thickness, n(s.thickness), ((name, _centered(s.size_x, s.size_y)),))

    inter = _centered(pkg.interposer.size_x, pkg.interposer.size_y)
    die_rects = [(d.name, (d.center_x - d.size_x / 2, d.center_x + d.size_x / 2,
                           d.center_y - d.size_y / 2, d.center_y + d.size_y / 2)) for d in pkg.dies]
    fill = (("mold", inter),) if pkg.mold is not None else ()
    hot = tuple((f"{d.name}_hot{i}", (d.center_x + h.center_x - h.size_x / 2, d.center_x + h.center_x + h.size_x / 2,
                                      d.center_y + h.center_y - h.size_y / 2, d.center_y + h.center_y + h.size_y / 2))
                for d in pkg.dies for i, h in enumerate(d.hotspots))
    t_die, t_act = pkg.dies[0].thickness, pkg.dies[0].active_thickness
    layers = [
        slab("substrate", pkg.substrate),
        slab("interposer", pkg.interposer),
        StackLayer("active", t_act, 1, hot + tuple((f"{name}_active", r) for name, r in die_rects) + fill),
        StackLayer("die", t_die - t_act, n(t_die - t_act), tuple(die_rects) + fill),
        StackLayer("tim1", pkg.tim1.thickness, n(pkg.tim1.thickness), (("tim1", inter),)),
    ]
    lid = _centered(pkg.lid.size_x, pkg.lid.size_y)
    if cooling == "coldplate":
        cp = pkg.coldplate
        field = _centered(cp.size_x, cp.size_y)
        layers += [
            StackLayer("lid", pkg.lid.thickness, n(pkg.lid.thickness), (("lid", lid),)),
            StackLayer("tim2", pkg.tim2.thickness, n(pkg.tim2.thickness), (("tim2", field),)),
            StackLayer("coldplate", cp.base_thickness, n(cp.base_thickness), (("coldplate", field),)),
        ]
    elif cooling == "microchannel":
        mc = pkg.microchannel
        field = _centered(mc.size_x, mc.size_y)
        layers.append(StackLayer("lid", mc.base_thickness, n(mc.base_thickness), (("lid", lid),)))
    else:
        raise InputError(None, "cooling", f"unknown cooling '{cooling}'; use coldplate or microchannel")
    return StackGeometry(tuple(layers), field, mesh_size_m)
