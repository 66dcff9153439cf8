"""Nested iteration: start a fine coupled solve from a coarse mesh's converged fields.

The package's solve is a fixed point (conduction with k(T), the coolant's energy balance); on a
fine mesh every outer step costs a Krylov solve. Started from the converged fields of a coarse mesh
of the same layered box (solved with a sparse direct preconditioner, a fraction of a second), the
fine solve begins within the coarse mesh's discretization error of its answer and needs fewer outer
steps and fewer Krylov iterations in all (full multigrid's idea: Brandt, Math. Comp. 31 (1977)
333, section 7; Briggs, Henson & McCormick, *A Multigrid Tutorial*, 2nd ed. (2000), ch. 3).
The start changes only the work, not the answer: the fine solve still iterates to its tolerance.

Both meshes are subsets of tensor grids (:func:`.geometry.grid_lines`), so the transfer is
trilinear interpolation on the coarse grid, evaluated at the fine degrees of freedom — exact for
the coarse P1/Q1 field inside each coarse cell and cheap (no point location in the mesh).
"""

from __future__ import annotations

import numpy as np
from dolfinx import fem
from scipy import ndimage
from scipy.interpolate import RegularGridInterpolator

NESTED_MIN_DOFS = 60_000
"""Below this many unknowns a fine solve starts cold: the coarse solve would not pay for itself
(``benchmarks/bench_thermal.py`` measures both sides of it)."""


def grid_transfer(src: fem.Function, lines: tuple[np.ndarray, np.ndarray, np.ndarray], dst: fem.Function,
                  dst_xyz: np.ndarray | None = None) -> None:
    """Interpolate the nodal field ``src`` (P1 on a mesh whose vertices lie on the tensor grid
    ``lines = (gx, gy, gz)``, m) into ``dst`` (any Lagrange space, any mesh inside the grid's box).

    Grid nodes outside the coarse solid (voids of the layered box) take their nearest solid node's
    value, so that a fine point on a solid/void cell face interpolates from the solid side only.
    ``dst_xyz``: the coordinates of ``dst``'s dofs (m), if the caller has them.
    Collective: every rank gathers the coarse field (small) and evaluates at its own dofs.
    """
    V = src.function_space
    comm = V.mesh.comm
    n = V.dofmap.index_map.size_local
    xyz = np.concatenate(comm.allgather(V.tabulate_dof_coordinates()[:n]))
    vals = np.concatenate(comm.allgather(src.x.array[:n]))
    index = tuple(np.searchsorted(0.5 * (g[1:] + g[:-1]), xyz[:, d]) for d, g in enumerate(lines))
    grid = np.full(tuple(g.size for g in lines), np.nan)
    grid[index] = vals
    void = np.isnan(grid)
    if void.any():
        grid = grid[tuple(ndimage.distance_transform_edt(void, return_distances=False, return_indices=True))]
    f = RegularGridInterpolator(lines, grid, bounds_error=False, fill_value=None)
    dst.x.array[:] = f(dst_xyz if dst_xyz is not None else dst.function_space.tabulate_dof_coordinates())


def coarse_size(fine_size_m: float, nodes_at, max_nodes: int) -> float:
    """The coarse in-plane element size (m): from twice ``fine_size_m`` up by sqrt(2) until the
    tensor grid has at most ``max_nodes`` nodes (``nodes_at(size)`` counts them without meshing)."""
    size = 2.0 * fine_size_m
    while nodes_at(size) > max_nodes and size < 1.0:
        size *= np.sqrt(2.0)
    return size
