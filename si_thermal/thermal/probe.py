"""Point evaluation of FEM fields: temperature or displacement at given points, NaN outside the mesh.

Accepts a dolfinx ``Function``, a :class:`~si_thermal.thermal.heat.HeatSolution` (temperature),
a :class:`~si_thermal.thermal.elastic.ElasticSolution` (displacement), or a result that holds one
(``PackageResult.solution``; ``BackplaneResult.fields``, the pair (heat, elastic), gives the heat
solution unless ``field="displacement"``). MPI-parallel: each rank evaluates the points in its own
cells and the values are combined on every rank.
"""

from __future__ import annotations

import numpy as np

from si_thermal.constants import ZERO_CELSIUS_K
from si_thermal.errors import InputError


def _function(obj, field: str):
    if hasattr(obj, "x") and hasattr(obj, "function_space"):  # a dolfinx Function
        return obj
    fields = getattr(obj, "fields", None)
    if isinstance(fields, tuple):
        obj = fields[1] if field == "displacement" else fields[0]
    elif getattr(obj, "solution", None) is not None:
        obj = obj.solution
    for attr in (("displacement",) if field == "displacement" else ("temperature", "displacement")):
        if hasattr(obj, attr):
            return getattr(obj, attr)
    raise InputError(None, "field", f"{type(obj).__name__} holds no {field} field (solve with the fields kept)")


def values_at(obj, points_m, *, field: str = "temperature") -> np.ndarray:
    """Values of the field at ``points_m`` ((n, 3) or (3,), metres): shape (n,) for a scalar
    (temperature in K), (n, 3) for a vector (displacement in m); NaN where a point is outside."""
    from dolfinx import geometry

    u = _function(obj, field)
    mesh = u.function_space.mesh
    pts = np.atleast_2d(np.asarray(points_m, dtype=float))
    if pts.shape[1] != 3:
        raise InputError(None, "points_m", f"points must be (n, 3) in metres, got shape {pts.shape}")
    tree = geometry.bb_tree(mesh, mesh.topology.dim)
    cand = geometry.compute_collisions_points(tree, pts)
    hit = geometry.compute_colliding_cells(mesh, cand, pts)
    cells = np.array([hit.links(i)[0] if len(hit.links(i)) else -1 for i in range(len(pts))], dtype=np.int32)
    size = u.function_space.value_size if hasattr(u.function_space, "value_size") else 1
    local = np.zeros((len(pts), size))
    found = (cells >= 0).astype(float)
    ok = cells >= 0
    if ok.any():
        local[ok] = np.asarray(u.eval(pts[ok], cells[ok])).reshape(int(ok.sum()), size)
    comm = mesh.comm
    if comm.size > 1:
        from mpi4py import MPI

        local = comm.allreduce(local * found[:, None], op=MPI.SUM)
        found = comm.allreduce(found, op=MPI.SUM)
        with np.errstate(invalid="ignore", divide="ignore"):
            local = local / found[:, None]
    local[found == 0] = np.nan
    return local[:, 0] if size == 1 else local


def temperature_c_at(obj, points_m) -> np.ndarray:
    """Temperature (degC) at ``points_m`` (metres); NaN outside the mesh."""
    return values_at(obj, points_m, field="temperature") - ZERO_CELSIUS_K
