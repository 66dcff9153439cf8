"""Solve a cross-section once per geometry: in-memory and on-disk cache keyed by the geometry hash.

The field solution (:class:`~.electrostatics.FieldSolution`) holds only frequency-independent
matrices, so one solve serves every frequency, roughness model and conductivity. The disk cache is
``<mesh cache>/xsection/<key>.json`` (``meshes/cache/`` in a checkout, :func:`si_thermal.paths.mesh_cache_dir`) (:meth:`CrossSection.key`: geometry, Dk at f_ref, mesh level).
"""

from __future__ import annotations

import json
from pathlib import Path

from si_thermal import caches, paths
from si_thermal.atomic import write_text
from si_thermal.si.xsection.electrostatics import FieldSolution, solve
from si_thermal.si.xsection.geometry import CrossSection
from si_thermal.si.xsection.mesh import build_mesh

DEFAULT_LEVEL = 1.0
_MEMORY: dict[str, FieldSolution] = {}
caches.register(_MEMORY.clear)   # si_thermal.caches.clear() empties it too


def cache_dir() -> Path:
    return paths.mesh_cache_dir() / "xsection"


def is_cached(xs: CrossSection, level: float = DEFAULT_LEVEL) -> bool:
    key = xs.key(level)
    return key in _MEMORY or (cache_dir() / f"{key}.json").is_file()


def field_solution(xs: CrossSection, level: float = DEFAULT_LEVEL, *, disk_cache: bool = True) -> FieldSolution:
    """The field solution of ``xs`` at mesh ``level`` (1 = default; 2 = twice as fine), cached."""
    key = xs.key(level)
    if key in _MEMORY:
        return _MEMORY[key]
    path = cache_dir() / f"{key}.json"
    if disk_cache and path.is_file():
        try:
            sol = FieldSolution.from_dict(json.loads(path.read_text()))
            _MEMORY[key] = sol
            return sol
        except (ValueError, KeyError, TypeError):
            pass  # a stale or damaged entry: solve again and overwrite it
    sol = solve(xs, build_mesh(xs, level))
    _MEMORY[key] = sol
    if disk_cache:
        try:
            write_text(path, json.dumps(sol.to_dict()))
        except OSError:
            pass  # a read-only checkout still solves, it just does not cache
    return sol


def solve_with_fields(xs: CrossSection, level: float = DEFAULT_LEVEL):
    """(FieldSolution, Potentials, XMesh): an uncached solve that keeps the potentials (for plots)."""
    xm = build_mesh(xs, level)
    sol, pot = solve(xs, xm, keep_fields=True)
    return sol, pot, xm
