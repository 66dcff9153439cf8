"""Layered package geometry: a stack of layers, each a set of rectangular regions, meshed directly.

A GPU package is a stack of layers (substrate, interposer, die active layer, die bulk, TIM1,
lid, TIM2, cold-plate base), each holding axis-aligned rectangles (dies, mold, HBM stacks ...).
All rectangle edges together cut the footprint into a tensor grid of blocks; each block is cut
into ``ceil(size / mesh_size)`` equal intervals in x and y and each layer into a fixed number of
element layers, so thin layers (50 um TIMs) get whole hexahedra instead of millions of tiny
tetrahedra. The grid is a tensor product, so DOLFINx builds it directly (:func:`mesh_stack`):
every rank generates its share of cells and nodes, nothing goes through gmsh or a file. Every
region is a cell tag and every boundary a facet tag ("coolant", "board", "adiabatic"); blocks that
belong to no region (the cavity under the lid) are left out of the mesh.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import dolfinx_solver  # noqa: F401
import numpy as np
from mpi4py import MPI

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


def _subdivisions(breaks: np.ndarray, h: float) -> np.ndarray:
    """Grid lines: each interval between consecutive breaks cut into ceil(length / h) equal parts."""
    pts = [breaks[:1]]
    for a, b in zip(breaks[:-1], breaks[1:]):
        n = max(1, math.ceil((b - a) / h - 1e-9))
        pts.append(np.linspace(a, b, n + 1)[1:])
    return np.concatenate(pts)


@dataclass(frozen=True)
class _Grid:
    """The tensor grid of a stack: node lines ``gx, gy, gz`` and, per grid cell, its region tag
    (0: void) looked up from the block of rectangle breaks and the layer it lies in."""

    gx: np.ndarray
    gy: np.ndarray
    gz: np.ndarray
    block_x: np.ndarray  # rectangle breaks (block edges) in x and y
    block_y: np.ndarray
    layer_z: np.ndarray  # layer interfaces, bottom to top
    block_tag: np.ndarray  # (layer, block_x, block_y) -> region tag, 0 for void

    def tag_at(self, pts: np.ndarray) -> np.ndarray:
        """Region tag of the blocks containing points ``pts`` (n, 3) (cell midpoints)."""
        i = np.clip(np.searchsorted(self.block_x, pts[:, 0]) - 1, 0, self.block_x.size - 2)
        j = np.clip(np.searchsorted(self.block_y, pts[:, 1]) - 1, 0, self.block_y.size - 2)
        k = np.clip(np.searchsorted(self.layer_z, pts[:, 2]) - 1, 0, self.layer_z.size - 2)
        return self.block_tag[k, i, j]


def _grid(geom: StackGeometry) -> _Grid:
    for layer in geom.layers:
        if not (layer.thickness_m > 0 and math.isfinite(layer.thickness_m)):
            raise InputError(None, layer.name, f"layer thickness must be positive, got {layer.thickness_m}")
        if layer.n_elements < 1:
            raise InputError(None, layer.name, "a layer needs at least one element through its thickness")
    if not geom.mesh_size_m > 0:
        raise InputError(None, "mesh_size", f"mesh size must be positive, got {geom.mesh_size_m}")
    rects = [r for layer in geom.layers for _, r in layer.regions] + [geom.cooled]
    bx = _breaks([v for r in rects for v in r[:2]])
    by = _breaks([v for r in rects for v in r[2:]])
    zs = np.concatenate([[0.0], np.cumsum([layer.thickness_m for layer in geom.layers])])
    gz = np.concatenate([zs[:1]] + [np.linspace(a, b, layer.n_elements + 1)[1:]
                                    for a, b, layer in zip(zs[:-1], zs[1:], geom.layers)])
    names = geom.region_names()
    tag_of = {name: i + 1 for i, name in enumerate(names)}
    cx, cy = 0.5 * (bx[1:] + bx[:-1]), 0.5 * (by[1:] + by[:-1])
    block = np.zeros((len(geom.layers), cx.size, cy.size), dtype=np.int32)
    for k, layer in enumerate(geom.layers):
        for i, x in enumerate(cx):
            for j, y in enumerate(cy):
                name = next((n for n, r in layer.regions if _inside(r, x, y)), None)
                block[k, i, j] = tag_of[name] if name is not None else 0
    present = set(np.unique(block).tolist())
    for name in names:
        if tag_of[name] not in present:
            raise InputError(None, name, "region has no volume in the geometry")
    h = geom.mesh_size_m
    return _Grid(_subdivisions(bx, h), _subdivisions(by, h), gz, bx, by, zs, block)


def grid_lines(geom: StackGeometry) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The node lines ``(gx, gy, gz)`` (m) of the tensor grid whose solid cells :func:`mesh_stack` meshes."""
    grid = _grid(geom)
    return grid.gx, grid.gy, grid.gz


def grid_nodes(geom: StackGeometry) -> int:
    """Nodes of the tensor grid of ``geom`` (an upper bound of the P1 DOFs), without meshing."""
    grid = _grid(geom)
    return grid.gx.size * grid.gy.size * grid.gz.size


def _local_cells(grid: _Grid, comm: MPI.Comm) -> tuple[np.ndarray, np.ndarray]:
    """This rank's share of the solid hexahedra (global node numbers, DOLFINx vertex order) and of
    the grid nodes (a contiguous block of the lexicographic numbering ``i + nx (j + ny k)``)."""
    nx, ny, nz = grid.gx.size, grid.gy.size, grid.gz.size
    n_cells = (nx - 1) * (ny - 1) * (nz - 1)
    lo, hi = n_cells * comm.rank // comm.size, n_cells * (comm.rank + 1) // comm.size
    flat = np.arange(lo, hi, dtype=np.int64)
    i = flat % (nx - 1)
    j = (flat // (nx - 1)) % (ny - 1)
    k = flat // ((nx - 1) * (ny - 1))
    mid = np.column_stack([0.5 * (grid.gx[i] + grid.gx[i + 1]), 0.5 * (grid.gy[j] + grid.gy[j + 1]),
                           0.5 * (grid.gz[k] + grid.gz[k + 1])])
    solid = grid.tag_at(mid) > 0
    i, j, k = i[solid], j[solid], k[solid]
    n0 = i + nx * (j + ny * k)
    sx, sy, sz = 1, nx, nx * ny  # node strides
    cells = np.column_stack([n0, n0 + sx, n0 + sy, n0 + sx + sy,
                             n0 + sz, n0 + sx + sz, n0 + sy + sz, n0 + sx + sy + sz])
    n_nodes = nx * ny * nz
    a, b = n_nodes * comm.rank // comm.size, n_nodes * (comm.rank + 1) // comm.size
    node = np.arange(a, b, dtype=np.int64)
    x = np.column_stack([grid.gx[node % nx], grid.gy[(node // nx) % ny], grid.gz[node // (nx * ny)]])
    return cells, x


#: the six tetrahedra of a grid cell (DOLFINx hexahedron vertex order), all about the diagonal 0-7
#: (Kuhn's subdivision: neighbouring cells' faces split alike, so the mesh is conforming)
_KUHN = np.array([[0, 1, 3, 7], [0, 1, 5, 7], [0, 2, 3, 7], [0, 2, 6, 7], [0, 4, 5, 7], [0, 4, 6, 7]])


def mesh_stack(geom: StackGeometry, comm: MPI.Comm | None = None, cell: str = "hexahedron") -> TaggedMesh:
    """Hexahedral mesh of ``geom`` built directly in DOLFINx, tags included, over ``comm``.

    Every rank generates its own share of the tensor grid's solid cells and nodes (no rank holds
    the whole mesh, no file is written); DOLFINx partitions and distributes them. Cell tags are the
    region of each cell's block (from its midpoint), facet tags the exterior facets: "board" at
    z = 0, "coolant" on the top of the stack inside ``cooled``, "adiabatic" elsewhere.
    ``cell="tetrahedron"``: each grid cell cut into six tetrahedra on the same nodes (the element
    comparison of ``benchmarks/bench_elements.py``; hexahedra are the measured cheaper default).
    """
    import basix.ufl
    from dolfinx import mesh as dmesh

    comm = comm or MPI.COMM_WORLD
    grid = _grid(geom)
    cells, x = _local_cells(grid, comm)
    if cell == "tetrahedron":
        cells = cells[:, _KUHN].reshape(-1, 4)
    elif cell != "hexahedron":
        raise InputError(None, "cell", f"unknown cell type '{cell}'; use hexahedron or tetrahedron")
    element = basix.ufl.element("Lagrange", cell, 1, shape=(3,))
    msh = dmesh.create_mesh(comm, cells, element, x)
    tdim = msh.topology.dim
    n_cells = msh.topology.index_map(tdim).size_local + msh.topology.index_map(tdim).num_ghosts
    all_cells = np.arange(n_cells, dtype=np.int32)
    cell_values = grid.tag_at(dmesh.compute_midpoints(msh, tdim, all_cells)).astype(np.int32)
    cell_tags = dmesh.meshtags(msh, tdim, all_cells, cell_values)
    msh.topology.create_connectivity(tdim - 1, tdim)
    facets = dmesh.exterior_facet_indices(msh.topology)
    mid = dmesh.compute_midpoints(msh, tdim - 1, facets)
    ztol = 1e-9 * max(1.0, float(grid.gz[-1]))
    c = geom.cooled
    top = np.abs(mid[:, 2] - grid.gz[-1]) < ztol
    in_cooled = (mid[:, 0] >= c[0]) & (mid[:, 0] <= c[1]) & (mid[:, 1] >= c[2]) & (mid[:, 1] <= c[3])
    values = np.full(facets.size, 103, dtype=np.int32)
    values[np.abs(mid[:, 2] - grid.gz[0]) < ztol] = 102
    values[top & in_cooled] = 101
    facet_tags = dmesh.meshtags(msh, tdim - 1, facets, values)
    if comm.allreduce(int(np.sum(values == 101)), op=MPI.SUM) == 0:
        raise InputError(None, "cooled", "the cooled area does not touch the top layer")
    regions = {name: i + 1 for i, name in enumerate(geom.region_names())}
    return TaggedMesh(msh, cell_tags, facet_tags, regions, {COOLANT: 101, BOARD: 102, ADIABATIC: 103}, None)


def _centered(w: float, d: float) -> Rect:
    return (-w / 2, w / 2, -d / 2, d / 2)


def package_geometry(pkg, cooling: str, mesh_size_m: float) -> StackGeometry:
    """The layer stack of a :class:`si_thermal.config.PackageFile` for ``cooling``
    ("coldplate": lid, TIM2 and cold-plate base; "microchannel": the lid base under the channels).

    Region names: substrate, interposer, ``<die>_active``, ``<die>_hot<i>`` (hot spots or floorplan
    blocks of the active layer, :meth:`PackageFile.power_map`), ``<die>``, mold, tim1, lid, tim2, coldplate.
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
                for d in pkg.dies for i, h in enumerate(pkg.power_map(d)))
    # a die its power-map blocks cover entirely has no background region left
    die_rects_bg = [(name, r) for (name, r), d in zip(die_rects, pkg.dies)
                    if sum(h.size_x * h.size_y for h in pkg.power_map(d)) < d.size_x * d.size_y * (1 - 1e-9)]
    t_die, t_act = pkg.dies[0].thickness, pkg.dies[0].active_thickness
    layers = [
        slab("substrate", pkg.substrate),
        slab("interposer", pkg.interposer),
        StackLayer("active", t_act, 1, hot + tuple((f"{name}_active", r) for name, r in die_rects_bg) + fill),
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
