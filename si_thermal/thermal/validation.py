"""Published microchannel experiment reproduced with the project's models.

Tuckerman & Pease, "High-performance heat sinking for VLSI", IEEE Electron Device Letters 2 (1981)
126-129, experiment with silicon channels 50 um wide, 302 um deep, 50 um walls, under a 1 cm x 1 cm
heater, water at 8.6 cm^3/s, 790 W/cm^2: 71 K peak temperature rise over the inlet water
(0.090 K cm^2/W), pressure drop 31 psi (214 kPa).

Model: a 2-D section along the flow (x, through 1 cm) of the silicon under the channels (base
thickness not given in the letter; 100 um assumed, a 400 um wafer less the 302 um channels),
heated from below, cooled on top by the fin-corrected, entrance-enhanced ``h_eff(x)`` of
:mod:`.cooling` with the coolant temperature rising along x (:mod:`.coolant`).
"""

from __future__ import annotations

from dataclasses import dataclass

import dolfinx_solver  # noqa: F401
import numpy as np
from dolfinx import fem, mesh as dmesh
from mpi4py import MPI

from si_thermal.thermal import cooling as cool
from si_thermal.thermal.coolant import solve_with_coolant
from si_thermal.thermal.heat import HeatProblem, Neumann, Region, Robin
from si_thermal.constants import ZERO_CELSIUS_K

PUBLISHED_PEAK_RISE_K = 71.0
PUBLISHED_RESISTANCE_K_CM2_W = 0.090
PUBLISHED_PRESSURE_DROP_PA = 31 * 6894.76


@dataclass(frozen=True)
class TuckermanPease:
    peak_rise_k: float
    resistance_k_cm2_per_w: float
    coolant_rise_k: float
    pressure_drop_pa: float
    reynolds: float
    h_fully_developed_w_m2k: float
    fin_efficiency_outlet: float
    energy_balance_error: float


def tuckerman_pease(*, base_thickness_m: float = 100e-6, inlet_c: float = 23.0, nx: int = 200,
                    nz: int = 4, comm: MPI.Comm | None = None) -> TuckermanPease:
    """Reproduce the 790 W/cm^2 experiment (see the module docstring)."""
    comm = comm or MPI.COMM_SELF
    length, span, flux, flow = 1e-2, 1e-2, 790e4, 8.6e-6
    k_si = cool.config.material("silicon").thermal_conductivity
    channels = cool.ChannelArray(50e-6, 302e-6, 50e-6, length, span, k_si)
    inlet = inlet_c + ZERO_CELSIUS_K
    p_in = cool.coolant_properties("water", inlet)
    rise = flux * length * span / (p_in.density_kg_m3 * flow * p_in.specific_heat_j_kgk)
    props = cool.coolant_properties("water", inlet + rise / 2)
    flow_model = cool.channel_flow(channels, props, flow)
    msh = dmesh.create_rectangle(comm, [[0.0, 0.0], [length, base_thickness_m]], [nx, nz],
                                 dmesh.CellType.quadrilateral)
    tdim = 2
    cells = np.arange(msh.topology.index_map(tdim).size_local + msh.topology.index_map(tdim).num_ghosts,
                      dtype=np.int32)
    ct = dmesh.meshtags(msh, tdim, cells, np.ones_like(cells))
    msh.topology.create_connectivity(1, 2)
    bottom = dmesh.locate_entities_boundary(msh, 1, lambda x: np.isclose(x[1], 0.0))
    top = dmesh.locate_entities_boundary(msh, 1, lambda x: np.isclose(x[1], base_thickness_m))
    idx = np.concatenate([bottom, top])
    val = np.concatenate([np.full(bottom.size, 1, np.int32), np.full(top.size, 2, np.int32)])
    order = np.argsort(idx)
    ft = dmesh.meshtags(msh, 1, idx[order], val[order])
    V1 = fem.functionspace(msh, ("Lagrange", 1))
    h = fem.Function(V1)
    h.interpolate(lambda x: flow_model.h_footprint(x[0]))
    tc = fem.Function(V1)
    tc.x.array[:] = inlet
    problem = HeatProblem(msh, ct, ft, [Region(1, k_si)], [Neumann(1, flux), Robin(2, h, tc)])
    cap_per_depth = flow_model.capacity_rate_w_k / span
    sol, state = solve_with_coolant(problem, 2, h, tc, (0.0, length, 0.0, 1.0), cap_per_depth, inlet,
                                    cross_axis=None)
    peak = sol.max_k() - inlet
    h_out = float(flow_model.h_wall(length))
    eta = float(cool.fin_efficiency(h_out, k_si, channels.wall_m, channels.depth_m))
    heat = sol.heat_out_w(2)
    return TuckermanPease(peak, peak / (flux / 1e4), state.outlet_mixed_k - inlet, flow_model.pressure_drop_pa,
                          flow_model.reynolds, flow_model.h_fully_developed_w_m2k, eta,
                          (heat - flux * length) / (flux * length))
