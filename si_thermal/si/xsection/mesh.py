"""Mesh a :class:`~.geometry.CrossSection` with gmsh (OpenCASCADE), in memory, onto ``MPI.COMM_SELF``.

The enclosure is fragmented with the dielectric regions (so every interface is a mesh edge), the
conductors are cut out as holes (a zero-thickness strip is embedded as a line instead), and the
element size grows from ``h_corner`` at conductor corners and ``h_edge`` along conductor surfaces
to ``h_far`` at a rate of ``GRADING`` (size per unit distance), so the field singularities at the
corners are resolved without refining the far field. Elements are quadratic triangles (curved
edges on round conductors), for P2 fields on an O(h^3)-accurate boundary.

Cell tags: index of the dielectric region + 1 (by cell midpoint, last region wins). Facet tags:
surface index + 1 over :meth:`CrossSection.surfaces` (conductors, then planes or shield). gmsh is a
process-wide singleton: it is initialised and finalised here around each mesh, under a lock.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import dolfinx_solver  # noqa: F401
import numpy as np
from mpi4py import MPI

from si_thermal.si.xsection.geometry import Circle, CrossSection, GeometryError, PlaneBox, Trapezoid

GRADING = 0.3  # element size growth per unit distance from a conductor
CORNER_RATIO = 100.0  # h_edge / h_corner
_LOCK = threading.Lock()


@dataclass(frozen=True)
class MeshSizes:
    h_corner_m: float
    h_edge_m: float
    h_far_m: float
    h_wall_m: float
    grading: float  # size growth per unit distance


@dataclass(frozen=True)
class XMesh:
    """A dolfinx mesh of the cross-section with region (cell) and surface (facet) tags."""

    mesh: object
    cell_tags: object
    facet_tags: object
    sizes: MeshSizes
    slits: tuple[int, ...]  # conductor indices that are zero-thickness strips (interior facets)
    conductor_facets: tuple[np.ndarray, ...]  # facets of each conductor (boundary or slit)
    ground_facets: np.ndarray  # facets of the enclosure's grounded walls


def mesh_sizes(xs: CrossSection, level: float = 1.0) -> MeshSizes:
    """Element sizes from the smallest feature (conductor size, gap between conductors or to a wall);
    ``level`` divides every size (and the grading), so level 2 halves h everywhere."""
    scale = xs.scale_m
    feat = xs.smallest_feature_m()
    h_edge = min(feat / 3.0, scale / 12.0)
    for c in xs.conductors:
        if isinstance(c.shape, Circle):
            h_edge = min(h_edge, c.shape.r_m / 8.0)  # 50 edges round a wire
    has_corners = any(isinstance(c.shape, Trapezoid) for c in xs.conductors)
    h_corner = h_edge / (CORNER_RATIO if has_corners else 1.0)
    return MeshSizes(h_corner / level, h_edge / level, scale / 3.0 / level, max(h_edge, scale / 16.0) / level,
                     GRADING / level)


def build_mesh(xs: CrossSection, level: float = 1.0) -> XMesh:
    """Mesh the cross-section (checked first). gmsh failures become :class:`GeometryError`."""
    xs.check()
    sizes = mesh_sizes(xs, level)
    with _LOCK:
        import gmsh

        gmsh.initialize(interruptible=threading.current_thread() is threading.main_thread())
        try:
            gmsh.option.setNumber("General.Terminal", 0)
            gmsh.model.add("xsection")
            try:
                _build(gmsh, xs, sizes)
                gmsh.model.mesh.generate(2)
                gmsh.model.mesh.setOrder(2)
            except Exception as err:  # gmsh raises plain Exceptions
                raise GeometryError("geometry", f"gmsh cannot mesh the cross-section: {err}") from None
            from dolfinx.io import gmsh as dgmsh

            data = dgmsh.model_to_mesh(gmsh.model, MPI.COMM_SELF, 0, gdim=2)
        finally:
            gmsh.finalize()
    msh = data.mesh
    if msh.topology.index_map(2).size_local == 0:
        raise GeometryError("geometry", "gmsh produced no elements")
    return _tag(xs, msh, sizes)


def _build(gmsh, xs: CrossSection, sizes: MeshSizes) -> None:
    occ = gmsh.model.occ
    enc = xs.enclosure
    if isinstance(enc, PlaneBox):
        outer = occ.addRectangle(-enc.half_width_m, 0.0, 0.0, 2 * enc.half_width_m, enc.height_m)
    else:
        outer = occ.addDisk(0.0, 0.0, 0.0, enc.r_m, enc.r_m)
    tools = []
    for r in xs.regions[1:]:
        s = r.shape
        if s is None:
            continue
        if hasattr(s, "y0_m"):
            tools.append(occ.addRectangle(-enc.half_width_m, s.y0_m, 0.0, 2 * enc.half_width_m, s.y1_m - s.y0_m))
        else:
            tools.append(occ.addDisk(s.x_m, s.y_m, 0.0, s.r_m, s.r_m))
    if tools:
        out, _ = occ.fragment([(2, outer)], [(2, t) for t in tools])
        faces = [e for e in out if e[0] == 2]
    else:
        faces = [(2, outer)]
    holes, slits = [], []
    for c in xs.conductors:
        s = c.shape
        if isinstance(s, Circle):
            holes.append((2, occ.addDisk(s.x_m, s.y_m, 0.0, s.r_m, s.r_m)))
        elif s.thickness_m == 0:
            v = s.vertices()
            slits.append((1, occ.addLine(occ.addPoint(*v[0], 0.0), occ.addPoint(*v[1], 0.0))))
        else:
            pts = [occ.addPoint(x, y, 0.0) for x, y in s.vertices()]
            lines = [occ.addLine(pts[i], pts[(i + 1) % len(pts)]) for i in range(len(pts))]
            holes.append((2, occ.addPlaneSurface([occ.addCurveLoop(lines)])))
    if holes:
        out, _ = occ.cut(faces, holes)
        faces = [e for e in out if e[0] == 2]
    if slits:
        out, _ = occ.fragment(faces, slits)
        faces = [e for e in out if e[0] == 2]
    else:
        occ.removeAllDuplicates()
    occ.synchronize()
    faces = gmsh.model.getEntities(2)
    gmsh.model.addPhysicalGroup(2, [f[1] for f in faces], 1)
    # refinement: distance to the conductor curves and corners, and to the grounded walls
    curves, corners, walls = [], [], []
    tol = 1e-7 * xs.scale_m
    for _, tag in gmsh.model.getEntities(1):
        lo, hi = gmsh.model.getParametrizationBounds(1, tag)
        x, y, _ = gmsh.model.getValue(1, tag, [0.5 * (lo[0] + hi[0])])
        if any(c.shape.distance(x, y) < tol for c in xs.conductors):
            curves.append(tag)
        elif _on_wall(xs, x, y, tol):
            walls.append(tag)
    for _, tag in gmsh.model.getEntities(0):
        x, y, _ = gmsh.model.getValue(0, tag, [])
        for c in xs.conductors:
            if isinstance(c.shape, Trapezoid):
                v = c.shape.vertices()
                if np.min(np.hypot(v[:, 0] - x, v[:, 1] - y)) < tol:
                    corners.append(tag)
    field = gmsh.model.mesh.field
    ramps = []  # size h + grading * distance, capped at h_far (a linear Threshold field)
    for items, key, h in ((curves, "CurvesList", sizes.h_edge_m), (walls, "CurvesList", sizes.h_wall_m),
                          (corners, "PointsList", sizes.h_corner_m)):
        if items:
            fd = field.add("Distance")
            field.setNumbers(fd, key, items)
            if key == "CurvesList":
                field.setNumber(fd, "Sampling", 100)
            ft = field.add("Threshold")
            for name, val in (("InField", fd), ("SizeMin", h), ("SizeMax", sizes.h_far_m), ("DistMin", 0.0),
                              ("DistMax", max(sizes.h_far_m - h, 0.0) / sizes.grading)):
                field.setNumber(ft, name, val)
            ramps.append(ft)
    f_size = field.add("Min")
    field.setNumbers(f_size, "FieldsList", ramps)
    field.setAsBackgroundMesh(f_size)
    for name in ("Mesh.MeshSizeFromPoints", "Mesh.MeshSizeFromCurvature", "Mesh.MeshSizeExtendFromBoundary"):
        gmsh.option.setNumber(name, 0)
    gmsh.option.setNumber("Mesh.Algorithm", 6)
    gmsh.option.setNumber("Mesh.LcIntegrationPrecision", 1e-4)


def _on_wall(xs: CrossSection, x: float, y: float, tol: float) -> bool:
    enc = xs.enclosure
    if isinstance(enc, PlaneBox):
        return abs(y) < tol or abs(y - enc.height_m) < tol
    return abs(math.hypot(x, y) - enc.r_m) < tol


def _tag(xs: CrossSection, msh, sizes: MeshSizes) -> XMesh:
    from dolfinx import mesh as dmesh

    tdim = 2
    msh.topology.create_connectivity(tdim - 1, tdim)
    cells = np.arange(msh.topology.index_map(tdim).size_local, dtype=np.int32)
    mid = dmesh.compute_midpoints(msh, tdim, cells)
    region = xs.region_index(mid[:, 0], mid[:, 1]) + 1
    cell_tags = dmesh.meshtags(msh, tdim, cells, region.astype(np.int32))
    tol = 1e-6 * sizes.h_corner_m + 1e-9 * xs.scale_m
    surfaces = xs.surfaces()
    facets_by_surface = []
    slits = []
    for i, c in enumerate(xs.conductors):
        def on(x, c=c):
            return c.shape.distance(x[0], x[1]) < tol

        if isinstance(c.shape, Trapezoid) and c.shape.thickness_m == 0:
            slits.append(i)
            facets = dmesh.locate_entities(msh, tdim - 1, on)
        else:
            facets = dmesh.locate_entities_boundary(msh, tdim - 1, on)
        if facets.size == 0:
            raise GeometryError(f"conductors[{i}] ({c.name})", "no mesh facets on the conductor (too small to mesh?)")
        facets_by_surface.append(facets)
    enc = xs.enclosure
    if isinstance(enc, PlaneBox):
        walls = [lambda x: np.abs(x[1]) < tol, lambda x: np.abs(x[1] - enc.height_m) < tol]
    else:
        walls = [lambda x: np.abs(np.hypot(x[0], x[1]) - enc.r_m) < tol]
    taken = np.concatenate(facets_by_surface) if facets_by_surface else np.array([], dtype=np.int32)
    ground = []
    for wall in walls:
        facets = np.setdiff1d(dmesh.locate_entities_boundary(msh, tdim - 1, wall), taken)
        facets_by_surface.append(facets)
        ground.append(facets)
    assert len(facets_by_surface) == len(surfaces)
    entities = np.concatenate(facets_by_surface).astype(np.int32)
    values = np.concatenate([np.full(len(f), k + 1, dtype=np.int32) for k, f in enumerate(facets_by_surface)])
    order = np.argsort(entities, kind="stable")
    entities, values = entities[order], values[order]
    keep = np.concatenate([[True], np.diff(entities) > 0])
    facet_tags = dmesh.meshtags(msh, tdim - 1, entities[keep], values[keep])
    return XMesh(msh, cell_tags, facet_tags, sizes, tuple(slits),
                 tuple(facets_by_surface[: len(xs.conductors)]), np.concatenate(ground))
