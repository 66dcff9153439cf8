"""Figure of a solved cross-section: the (odd-mode) potential, and |E| per cell, which on each
conductor surface is proportional to the high-frequency surface current density (TEM:
J_s = |H_t| = eps0 c E_n in the vacuum solution), so current crowding at edges shows."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from si_thermal.atomic import atomic_path
from si_thermal.si.xsection.geometry import Circle, PlaneBox


def field_figure(section, out: str | Path, level: float = 1.0) -> Path:
    import matplotlib.pyplot as plt
    import matplotlib.tri as mtri
    import ufl
    from dolfinx import fem

    from si_thermal.si.xsection.solver import solve_with_fields

    xs = section.xs
    sol, pot, xm = solve_with_fields(xs, level)
    phis = pot.dielectric
    V = phis[0].function_space
    phi = fem.Function(V)
    phi.x.array[:] = phis[0].x.array - (phis[1].x.array if len(phis) == 2 else 0.0)
    msh = xm.mesh
    V1 = fem.functionspace(msh, ("Lagrange", 1))
    p1 = fem.Function(V1)
    p1.interpolate(phi)
    xy = V1.tabulate_dof_coordinates()[:, :2]
    tri = V1.dofmap.list
    W = fem.functionspace(msh, ("DG", 0))
    e_mag = fem.Function(W)
    e_mag.interpolate(fem.Expression(ufl.sqrt(ufl.inner(ufl.grad(phi), ufl.grad(phi))),
                                     W.element.interpolation_points))
    triang = mtri.Triangulation(xy[:, 0] * 1e3, xy[:, 1] * 1e3, tri)
    x0, x1, y0, y1 = _zoom(xs)
    wide = (x1 - x0) > 2 * (y1 - y0)
    fig, axes = plt.subplots(2 if wide else 1, 1 if wide else 2, figsize=(9, 7.5) if wide else (11, 4.8),
                             constrained_layout=True)
    mode = "odd-mode (differential) " if len(phis) == 2 else ""
    cs = axes[0].tricontourf(triang, p1.x.array, levels=21, cmap="RdBu_r")
    fig.colorbar(cs, ax=axes[0], label="potential, V")
    axes[0].set_title(f"{mode}potential")
    vals = np.maximum(e_mag.x.array, 1e-3 * e_mag.x.array.max())  # three decades
    tp = axes[1].tripcolor(triang, facecolors=np.log10(vals), cmap="magma", shading="flat")
    fig.colorbar(tp, ax=axes[1], label="log10 |E|, V/m per V")
    axes[1].set_title("|E|: on conductor surfaces proportional to current density")
    for ax in axes:
        for c in xs.conductors:
            s = c.shape
            if isinstance(s, Circle):
                ax.add_patch(plt.Circle((s.x_m * 1e3, s.y_m * 1e3), s.r_m * 1e3, color="0.6"))
            else:
                v = s.vertices() * 1e3
                ax.fill(v[:, 0], v[:, 1], color="0.6") if len(v) > 2 else ax.plot(v[:, 0], v[:, 1], color="0.3", lw=2)
        ax.set_xlim(x0 * 1e3, x1 * 1e3)
        ax.set_ylim(y0 * 1e3, y1 * 1e3)
        ax.set_aspect("equal")
        ax.set_xlabel("x, mm")
        ax.set_ylabel("y, mm")
    fig.suptitle(xs.label or "cross-section")
    out = Path(out)
    with atomic_path(out) as tmp:
        fig.savefig(tmp, dpi=130)
    plt.close(fig)
    return out


def _zoom(xs):
    enc = xs.enclosure
    if isinstance(enc, PlaneBox):
        reach = max(max(abs(b) for b in c.shape.bbox()[:2]) for c in xs.conductors) + 1.5 * enc.height_m
        return -reach, reach, 0.0, enc.height_m
    r = enc.r_m
    if len(xs.conductors) and r > 20 * max(abs(b) for c in xs.conductors for b in c.shape.bbox()):
        r = 4 * max(abs(b) for c in xs.conductors for b in c.shape.bbox())  # two-wire in a far shield
    return -r, r, -r, r
