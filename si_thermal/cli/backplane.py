"""``si-thermal backplane``: backplane thermo-mechanics, via and joint fatigue, fleet reliability."""

from __future__ import annotations

import math
from pathlib import Path

import typer

from si_thermal.config.stackup import MAX_GRADIENT_K
from si_thermal.errors import InputError
from si_thermal.constants import ZERO_CELSIUS_K


def _nonnegative(name: str, value: float | None) -> None:
    if value is not None and (not math.isfinite(value) or value < 0):
        raise InputError(None, name, f"must not be negative, got {value:g}")


def backplane(
    stackup: Path = typer.Argument(..., help="Stackup TOML with a [backplane] section."),
    gradient_k: float = typer.Option(None, "--gradient-k", help="Edge-to-edge temperature difference, K (default: the file's)."),
    cycles_per_day: float = typer.Option(None, "--cycles-per-day", help="Power cycles per day (default: the file's)."),
    fleet_racks: int = typer.Option(1000, "--fleet-racks", help="Racks in the fleet."),
    mesh: str = typer.Option("coarse", "--mesh", help="coarse, medium or fine."),
    fleet_file: Path = typer.Option(None, "--fleet-file", help="Fleet reliability TOML (default boards/racks/fleet_reliability.toml)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    xdmf: Path = typer.Option(None, "--xdmf", help="Write temperature and displacement/stress XDMF into this folder."),
    plot: Path = typer.Option(None, "--plot", help="Write a PNG figure (temperature, warpage, fleet events)."),
    profile: Path = typer.Option(None, "--profile", help="Workload profile TOML ([profile]): power versus time "
                                 "instead of idle-to-load cycles (e.g. boards/profiles/training_rack.toml)."),
    uncertainty: Path = typer.Option(None, "--uncertainty", help="Uncertain inputs TOML ([uncertain]): "
                                     "distributions for the P10/P50/P90 lives (e.g. boards/reliability_uncertainty.toml)."),
    strain_distribution_factor: float = typer.Option(2.5, "--strain-distribution-factor",
                                                     help="IPC-TR-579 K_d, 2.5 (best plating) to 5.0."),
    samples: int = typer.Option(None, "--samples", help="Monte Carlo samples (default: the uncertainty file's)."),
) -> None:
    """Temperature, warpage, stresses, PTH and joint fatigue, MTBF and availability of a backplane."""
    _nonnegative("--gradient-k", gradient_k)
    _nonnegative("--cycles-per-day", cycles_per_day)
    if gradient_k is not None and gradient_k > MAX_GRADIENT_K:
        raise InputError(None, "--gradient-k", f"{gradient_k:g} K is outside [0, {MAX_GRADIENT_K:g}] K "
                                               "(see config.stackup.MAX_GRADIENT_K)")
    if cycles_per_day is not None and cycles_per_day > 1440:
        raise InputError(None, "--cycles-per-day", f"{cycles_per_day:g} is outside [0, 1440] (one per minute)")
    from si_thermal.cli.output import check_writable, echo_json, stamp_xdmf

    check_writable(plot, "--plot")
    check_writable(xdmf, "--xdmf", folder=True)
    if not 1 <= fleet_racks <= 10**7:
        raise InputError(None, "--fleet-racks", f"must be in [1, 10,000,000], got {fleet_racks}")
    from mpi4py import MPI

    from si_thermal.system.backplane import analyze_backplane

    res = analyze_backplane(stackup, gradient_k=gradient_k, cycles_per_day=cycles_per_day, fleet_racks=fleet_racks,
                            mesh=mesh, fleet_file=fleet_file, keep_fields=bool(xdmf or plot), profile=profile,
                            uncertainty=uncertainty, strain_distribution_factor=strain_distribution_factor,
                            samples=samples)
    if xdmf is not None:
        hsol, esol = res.fields
        from si_thermal.system.fleet import default_fleet_file

        inputs = [stackup, fleet_file or default_fleet_file()]
        stamp_xdmf(hsol.write_xdmf(Path(xdmf) / "backplane_temperature.xdmf"), inputs)
        stamp_xdmf(esol.write_xdmf(Path(xdmf) / "backplane_displacement.xdmf"), inputs)
    if plot is not None:
        _plot(res, plot)
    if MPI.COMM_WORLD.rank != 0:
        return
    from si_thermal.cli.output import require_finite

    require_finite(res.to_dict(), stackup, allow_inf=True)  # an infinite life (no wear-out) is a finding
    if as_json:
        from si_thermal.system.fleet import default_fleet_file

        echo_json(res.to_dict(), [stackup, fleet_file or default_fleet_file()], allow_inf=True)
        return
    _print(res)


def _print(r) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{r.stackup}: {r.layers} layers, {r.thickness_mm:.2f} mm", show_header=False)
    rows = [
        ("effective CTE xy / z", f"{r.cte_xy_ppm_per_k:.2f} / {r.cte_z_ppm_per_k:.2f} ppm/K"),
        ("effective E xy / z", f"{r.e_xy_gpa:.1f} / {r.e_z_gpa:.2f} GPa"),
        ("gradient, hottest point", f"{r.gradient_k:g} K, {r.t_max_c:.1f} degC (swing {r.delta_t_hot_k:.1f} K)"),
        ("warpage (best-fit plane removed)", f"{r.max_warpage_um:.1f} um"),
        ("via column: mean swing, z-strain", f"{r.via_delta_t_k:.1f} K, {r.z_strain:.3e}"),
        ("via column in-plane stress: board / copper / dielectric",
         f"{r.inplane_stress_mpa:.1f} / {r.copper_inplane_stress_mpa:.1f} / {r.dielectric_inplane_stress_mpa:.1f} MPa"),
        ("via column interlaminar peel / shear", f"{r.interlaminar_peel_mpa:.3f} / {r.interlaminar_shear_mpa:.3f} MPa"),
        ("PTH strain FEM / closed form", f"{r.pth_strain:.3e} / {r.pth_strain_closed_form:.3e}"
                                          f"{' (plastic)' if r.pth_plastic else ''}"),
        ("PTH median cycles (IPC-TR-579)", f"{r.pth_cycles_to_failure:.3g}, aspect ratio {r.pth_aspect_ratio:.0f}"
                                            f"{'' if r.pth_within_validity else ' OUTSIDE the model data range'}"),
        ("connector joint median cycles: SAC (Syed) / SnPb (Engelmaier)",
         f"{r.joint_sac_cycles_to_failure:.3g} / {r.joint_cycles_to_failure:.3g}"
         f" (5 field years = {r.joint_tc1_cycles_for_5_years:.3g} TC1 0/100 degC cycles)"),
        ("duty", (f"profile '{r.profile['name']}': {r.cycles_per_day:.3g} via cycles/day, largest swing "
                  f"{r.profile['via_swing_max_k']:.1f} K (via) / {r.profile['joint_swing_max_k']:.1f} K (joint)")
         if r.profile else f"{r.cycles_per_day:g} idle-to-load cycles/day"),
        ("median life of one site: hole / joint", f"{r.pth_median_years:.3g} / {r.joint_median_years:.3g} years"),
        *([("median life of one press-fit pin (relaxation, Larson-Miller)", f"{r.press_fit_median_years:.3g} years")]
          if r.press_fit_median_years != float("inf") else []),
        ("years to 1 % failure: backplanes / joints",
         f"{r.years_to_1pct_failure:.3g} / {r.joint_years_to_1pct_failure:.3g} (nominal inputs)"),
        *[(f"years to 1 % failing, {k}: P10 / P50 / P90",
           " / ".join("inf" if b[q] is None else f"{b[q]:.3g}" for q in ("p10", "p50", "p90"))
           + f" ({b['samples']} samples; source: 3-5 years)") for k, b in r.life_bands.items()],
        (f"fleet of {r.fleet_racks}: backplane MTBF (random)", f"{r.mtbf_h:.4g} h"),
        ("backplane events / month, availability", f"{r.failures_per_month:.3g}, {r.availability:.5f}"),
        ("cable tray events / month, availability",
         f"{r.comparison['cable_tray']['failures_per_month']:.3g}, {r.comparison['cable_tray']['availability']:.5f}"),
        ("solve", f"{r.dofs_thermal} + {r.dofs_elastic} DOF, {r.solve_time_s:.1f} s on {r.ranks} rank(s)"),
    ]
    for k, v in rows:
        t.add_row(k, v)
    Console(width=140).print(t)


def _plot(r, out: Path) -> None:
    import matplotlib.pyplot as plt
    import numpy as np

    from si_thermal.atomic import atomic_path

    hsol, esol = r.fields
    comm = esol.comm
    T = hsol.temperature
    n = T.function_space.dofmap.index_map.size_local
    xt = np.vstack(comm.allgather(T.function_space.tabulate_dof_coordinates()[:n]))
    tt = np.concatenate(comm.allgather(T.x.array[:n]))
    xu, uu = esol.nodal_displacement()
    if comm.rank != 0:
        return
    fig, ax = plt.subplots(2, 2, figsize=(11, 8))
    top = np.isclose(xt[:, 2], xt[:, 2].max())
    c = ax[0, 0].tricontourf(xt[top, 0] * 1e3, xt[top, 1] * 1e3, tt[top] - ZERO_CELSIUS_K, 20, cmap="inferno")
    fig.colorbar(c, ax=ax[0, 0], label="degC")
    ax[0, 0].set_title("top-face temperature")
    topu = np.isclose(xu[:, 2], xu[:, 2].max())
    c = ax[0, 1].tricontourf(xu[topu, 0] * 1e3, xu[topu, 1] * 1e3, uu[topu, 2] * 1e6, 20, cmap="coolwarm")
    fig.colorbar(c, ax=ax[0, 1], label="um")
    ax[0, 1].set_title(f"out-of-plane displacement (warpage {r.max_warpage_um:.0f} um)")
    for a in ax[0]:
        a.set_xlabel("x, mm")
        a.set_ylabel("y, mm")
        a.set_aspect("equal")
    months = np.arange(1, r.comparison["months"] + 1)
    for key, style in (("cable_tray", "-"), ("backplane", "--")):
        d = r.comparison[key]
        ev = d["random_events_per_month"] + np.asarray(d["wearout_events_by_month"])
        ax[1, 0].plot(months, ev, style, label=d["name"])
    ax[1, 0].set_xlabel("month")
    ax[1, 0].set_ylabel(f"failure events per month, {r.fleet_racks} racks")
    ax[1, 0].legend()
    names = [r.comparison[k]["name"] for k in ("cable_tray", "backplane")]
    lost = [r.comparison[k]["die_hours_lost_per_month"] for k in ("cable_tray", "backplane")]
    ax[1, 1].bar(names, lost, color=["tab:blue", "tab:orange"])
    ax[1, 1].set_ylabel("die-hours out of service per month")
    ax[1, 1].set_title("availability cost (MTTR: hours vs weeks)")
    fig.tight_layout()
    with atomic_path(out) as tmp:
        fig.savefig(tmp, dpi=120)
    plt.close(fig)


def register(app: typer.Typer) -> None:
    app.command()(backplane)
