"""Resolved conjugate-conduction unit cell of a channel array: the reference for the fin model.

One symmetric half-pitch of the channel array in the plane across the channels (gmsh, 2-D): the
base (``base_thickness``) under half a channel and half a wall (fin) of height ``depth``. The base
bottom takes a uniform heat flux; the wetted channel floor and fin side carry ``h (T - T_c)``;
the symmetry planes are adiabatic. Without a cover the fin top is adiabatic; with one
(``channels.cover_m``) a cover slab of its own conductivity closes the cell, bonded to the fin top,
its underside over the channel wetted, its top adiabatic. The conduction in base
and fin is solved by :func:`si_thermal.thermal.heat.solve_heat`, with no fin approximation, and the
resulting resistance ``(mean T_bottom - T_c) / q`` compares with the footprint model
``t_b / k + 1 / h_eff`` of :mod:`.cooling` (``h_eff`` with the fin efficiency, and with the cover's
tip conductance when there is a cover).
"""

from __future__ import annotations

import threading

import dolfinx_solver  # noqa: F401
import ufl
from dolfinx import fem
from mpi4py import MPI

from si_thermal.errors import InputError
from si_thermal.thermal.cooling import ChannelArray
from si_thermal.thermal.heat import Neumann, Region, Robin, solve_heat


def resolved_resistance(channels: ChannelArray, h_w_m2k: float, base_thickness_m: float,
                        *, elements_across: int = 24, comm: MPI.Comm | None = None) -> float:
    """Area-specific resistance (K m^2/W) from the heated base bottom to the coolant, resolved."""
    import gmsh
    from dolfinx.io import gmsh as dgmsh

    comm = comm or MPI.COMM_SELF
    wc, ww, H, tb = channels.width_m / 2, channels.wall_m / 2, channels.depth_m, base_thickness_m
    tc_m = channels.cover_m
    size = min(wc + ww, H, tb, tc_m or H) / elements_across * 4
    size = min(size, (wc + ww) / elements_across)
    if comm.rank == 0:
        gmsh.initialize(interruptible=threading.current_thread() is threading.main_thread())
        gmsh.option.setNumber("General.Terminal", 0)
        try:
            occ = gmsh.model.occ
            base = occ.addRectangle(0, 0, 0, wc + ww, tb)
            fin = occ.addRectangle(wc, tb, 0, ww, H)
            solid, _ = occ.fuse([(2, base)], [(2, fin)])
            if tc_m is not None:
                cover = occ.addRectangle(0, tb + H, 0, wc + ww, tc_m)
                occ.fragment(solid, [(2, cover)])
            occ.synchronize()
            surf = [t for _, t in gmsh.model.getEntities(2)]
            top = [t for t in surf if occ.getCenterOfMass(2, t)[1] > tb + H]
            gmsh.model.addPhysicalGroup(2, [t for t in surf if t not in top], 1, name="solid")
            if top:
                gmsh.model.addPhysicalGroup(2, top, 2, name="cover")
            bottom, wet = [], []
            tol = 1e-3 * min(wc, ww, tb)
            for _, c in gmsh.model.getEntities(1):
                x, y, _ = occ.getCenterOfMass(1, c)
                if abs(y) < tol:
                    bottom.append(c)
                elif abs(y - tb) < tol and x < wc:
                    wet.append(c)  # channel floor
                elif abs(x - wc) < tol and tb < y < tb + H:
                    wet.append(c)  # fin side
                elif tc_m is not None and abs(y - tb - H) < tol and x < wc:
                    wet.append(c)  # cover underside over the channel
            gmsh.model.addPhysicalGroup(1, bottom, 10, name="bottom")
            gmsh.model.addPhysicalGroup(1, wet, 11, name="wetted")
            gmsh.option.setNumber("Mesh.CharacteristicLengthMax", size)
            gmsh.model.mesh.generate(2)
            gmsh.model.mesh.setOrder(2)
            data = dgmsh.model_to_mesh(gmsh.model, comm, 0, gdim=2)
        except Exception as err:
            raise InputError(None, "unit cell", f"gmsh cannot mesh the unit cell: {err}") from None
        finally:
            gmsh.finalize()
    else:
        data = dgmsh.model_to_mesh(None, comm, 0, gdim=2)
    q, tc = 1e6, 300.0
    sol = solve_heat(data.mesh, data.cell_tags, data.facet_tags,
                     [Region(1, channels.wall_conductivity_w_mk)]
                     + ([Region(2, channels.cover_conductivity_w_mk)] if tc_m is not None else []),
                     [Neumann(10, q), Robin(11, h_w_m2k, tc)], degree=2)
    ds = ufl.Measure("ds", domain=data.mesh, subdomain_data=data.facet_tags)
    mean = comm.allreduce(fem.assemble_scalar(fem.form(sol.temperature * ds(10))), op=MPI.SUM) / (wc + ww)
    return (mean - tc) / q


def fin_model_resistance(channels: ChannelArray, h_w_m2k: float, base_thickness_m: float) -> float:
    """The same resistance from the footprint model: ``t_b / k + 1 / h_eff`` (K m^2/W), ``h_eff``
    the footprint coefficient :meth:`.cooling.ChannelFlow.h_footprint` uses (fins, cover tip)."""
    from si_thermal.thermal.cooling import cover_conductance, fin_heat

    ch = channels
    tip = 0.0 if ch.cover_m is None else cover_conductance(h_w_m2k, ch.cover_conductivity_w_mk, ch.cover_m, ch.width_m)
    h_eff = float(h_w_m2k * ch.width_m + fin_heat(h_w_m2k, ch.wall_conductivity_w_mk, ch.wall_m, ch.depth_m, tip)) / ch.pitch_m
    return base_thickness_m / ch.wall_conductivity_w_mk + 1.0 / h_eff
