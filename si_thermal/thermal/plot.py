"""Figures of package solves (matplotlib, Agg): a cross-section through the hottest die and
Tj-versus-power curves. Written atomically."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from mpi4py import MPI  # noqa: E402

from si_thermal.atomic import atomic_path  # noqa: E402

from si_thermal.constants import ZERO_CELSIUS_K as T0


def _gather_nodes(result):
    """(x, y, z, T) of all P1 nodes on rank 0 (None elsewhere)."""
    u = result.solution.temperature
    V = u.function_space
    n = V.dofmap.index_map.size_local
    xyz = V.tabulate_dof_coordinates()[:n]
    local = np.column_stack([xyz, u.x.array[:n]])
    comm = V.mesh.comm
    parts = comm.gather(local, root=0)
    return np.concatenate(parts) if comm.rank == 0 else None


def _grid(a: np.ndarray, b: np.ndarray, t: np.ndarray):
    """Scattered nodes of a structured section -> (A mm, B mm, T) with NaN where there is no solid."""
    au, ia = np.unique(np.round(a, 9), return_inverse=True)
    bu, ib = np.unique(np.round(b, 9), return_inverse=True)
    grid = np.full((bu.size, au.size), np.nan)
    grid[ib, ia] = t
    return au * 1e3, bu * 1e3, np.ma.masked_invalid(grid)


def cross_section(result, path: str | Path) -> Path | None:
    """Two panels: T in the x-z plane through the hottest node's y, and T in the plane of the
    junctions (top of the active layer). Degrees Celsius. Returns the path on rank 0."""
    data = _gather_nodes(result)
    if data is None:
        return None
    x, y, z, t = data.T
    t = t - T0
    hot = np.argmax(t)
    ys = np.unique(np.round(y, 9))
    y_cut = ys[np.argmin(np.abs(ys - y[hot]))]
    zs = np.unique(np.round(z, 9))
    z_cut = zs[np.argmin(np.abs(zs - z[hot]))]
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 8), constrained_layout=True)
    sec = np.isclose(y, y_cut, atol=1e-9)
    tc = ax1.contourf(*_grid(x[sec], z[sec], t[sec]), levels=24, cmap="inferno")
    ax1.set_xlabel("x (mm), coolant flows in +x")
    ax1.set_ylabel("z (mm)")
    ax1.set_title(f"{result.package}, {result.cooling}, {result.power_w:.0f} W: section at y = {y_cut * 1e3:.1f} mm")
    fig.colorbar(tc, ax=ax1, label="T (degC)")
    plane = np.isclose(z, z_cut, atol=1e-9)
    tp = ax2.contourf(*_grid(x[plane], y[plane], t[plane]), levels=24, cmap="inferno")
    ax2.set_aspect("equal")
    ax2.set_xlabel("x (mm)")
    ax2.set_ylabel("y (mm)")
    ax2.set_title(f"junction plane z = {z_cut * 1e3:.2f} mm: Tj max {result.tj_max_c:.1f} degC, "
                  f"spread {result.die_delta_t_k:.1f} K")
    fig.colorbar(tp, ax=ax2, label="T (degC)")
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=130)
    plt.close(fig)
    return Path(path)


def tj_curves(curves: dict[str, Sequence], path: str | Path, *, tj_limit_c: float | None = None,
              limits: dict[str, float] | None = None) -> Path | None:
    """Tj max versus GPU power, one line per cooling technology ({name: [PackageResult, ...]})."""
    if MPI.COMM_WORLD.rank != 0:
        return None
    fig, ax = plt.subplots(figsize=(7, 4.5), constrained_layout=True)
    for name, results in curves.items():
        p = [r.power_w for r in results]
        ax.plot(p, [r.tj_max_c for r in results], "o-", label=name)
        if limits and name in limits:
            ax.axvline(limits[name], ls=":", color=ax.lines[-1].get_color())
    if tj_limit_c is not None:
        ax.axhline(tj_limit_c, color="k", ls="--", lw=1, label=f"Tj limit {tj_limit_c:.0f} degC")
    ax.set_xlabel("GPU power (W)")
    ax.set_ylabel("Tj max (degC)")
    ax.grid(alpha=0.3)
    ax.legend()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=130)
    plt.close(fig)
    return Path(path)
