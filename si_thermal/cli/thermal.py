"""``si-thermal thermal``: GPU package temperatures under a cold plate or a microchannel lid."""

from __future__ import annotations

import math
from pathlib import Path

import typer

from si_thermal.errors import InputError
from si_thermal.constants import ZERO_CELSIUS_K
from si_thermal.files import check_output_path

MAX_POWERS = 200  # powers of one --power-w range


def check_celsius(value: float | None, option: str) -> None:
    """InputError for a temperature option (degC) that is not finite or not a physical temperature
    (the schema's Temperature range: above absolute zero, below its cap)."""
    if value is None:
        return
    from si_thermal import config

    why = config.check_si(config.ColdPlate, "inlet", value + ZERO_CELSIUS_K) if math.isfinite(value) else \
        f"{value} is not a finite temperature"
    if why is not None:
        raise InputError(None, option, why)


def parse_powers(text: str) -> list[float]:
    """``"1400"`` or ``"START:STOP:STEP"`` (W, STOP included) -> list of powers."""
    try:
        parts = [float(p) for p in text.split(":")]
    except ValueError:
        raise InputError(None, "--power-w", f"expected W or START:STOP:STEP, got '{text}'") from None
    if len(parts) == 1:
        powers = parts
    elif len(parts) == 3 and parts[2] > 0 and parts[1] >= parts[0]:
        n = round((parts[1] - parts[0]) / parts[2]) + 1 if math.isfinite((parts[1] - parts[0]) / parts[2]) else 0
        if not 1 <= n <= MAX_POWERS:
            raise InputError(None, "--power-w", f"'{text}' gives {n} powers; 1 to {MAX_POWERS} (each is a FEM solve)")
        powers = [parts[0] + i * parts[2] for i in range(n) if parts[0] + i * parts[2] <= parts[1] + 1e-9]
    else:
        raise InputError(None, "--power-w", f"expected W or START:STOP:STEP with STEP > 0, got '{text}'")
    if not all(math.isfinite(p) and p > 0 for p in powers):
        raise InputError(None, "--power-w", "powers must be finite and positive")
    from si_thermal import config

    for p in powers:
        why = config.check_si(config.PackageInfo, "power", p)
        if why is not None:
            raise InputError(None, "--power-w", why)
    return powers


def thermal(
    package: Path = typer.Argument(..., help="Package file, e.g. boards/gpu_package_b200class.toml."),
    cooling: list[str] = typer.Option(..., "--cooling", help="coldplate or microchannel (repeatable)."),
    power_w: str | None = typer.Option(None, "--power-w", help="GPU power in W, or START:STOP:STEP."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    xdmf: Path | None = typer.Option(None, "--xdmf", help="Folder for the temperature fields (XDMF)."),
    plot: Path | None = typer.Option(None, "--plot", help="PNG: cross-section (one power) or Tj-vs-power curves."),
    limit: bool = typer.Option(False, "--limit", help="Find the largest power keeping Tj below its limit."),
    inlet_c: float | None = typer.Option(None, "--inlet-c", help="Coolant inlet (degC); default: the file's."),
    tj_limit_c: float | None = typer.Option(None, "--tj-limit-c", help="Junction limit (degC); default: the file's."),
    mesh_size_mm: float | None = typer.Option(
        None, "--mesh-size-mm", help="In-plane element size (mm); default: the cheapest mesh meeting --tj-tol-k."),
    tj_tol_k: float = typer.Option(0.2, "--tj-tol-k", help="Discretization error allowed on Tj (K) when choosing the mesh."),
    profile: Path | None = typer.Option(
        None, "--profile", help="Workload profile (boards/profiles/*.toml): Tj history, swing and rainflow cycles per die."),
    profile_check_s: float = typer.Option(
        600.0, "--profile-check-s", help="Seconds of direct time stepping that check the superposition (0: none)."),
) -> None:
    """Solve the package (dolfinx FEM + channel correlations + coolant energy balance)."""
    for c in cooling:
        if c not in ("coldplate", "microchannel"):
            raise InputError(None, "--cooling", f"unknown cooling '{c}'; use coldplate or microchannel")
    if mesh_size_mm is not None and not (math.isfinite(mesh_size_mm) and 0.05 <= mesh_size_mm <= 50):
        raise InputError(None, "--mesh-size-mm", f"must be in [0.05, 50] mm, got {mesh_size_mm:g}")
    if not (math.isfinite(tj_tol_k) and tj_tol_k > 0):
        raise InputError(None, "--tj-tol-k", f"must be a positive number of kelvin, got {tj_tol_k}")
    check_celsius(inlet_c, "--inlet-c")
    check_celsius(tj_limit_c, "--tj-limit-c")
    check_output_path(plot, "--plot")
    check_output_path(xdmf, "--xdmf", folder=True)
    powers = parse_powers(power_w) if power_w is not None else None
    prof = None
    if profile is not None:
        from si_thermal import config

        prof = config.load_profile(profile).profile
        if not (math.isfinite(profile_check_s) and 0 <= profile_check_s <= 86400):
            raise InputError(None, "--profile-check-s", f"must be in [0, 86400] s, got {profile_check_s:g}")
        if powers is not None and len(powers) != 1:
            raise InputError(None, "--power-w", "with --profile give one power (the package power at load 1)")
    if inlet_c is not None:
        from si_thermal import config

        pkg = config.load_package(package)
        for c in cooling:
            spec = getattr(pkg, c)
            why = config.inlet_problem(spec.coolant, inlet_c + ZERO_CELSIUS_K, pkg.materials) if spec is not None else None
            if why is not None:
                raise InputError(None, "--inlet-c", why)
    from si_thermal.cli.output import echo_json, stamp_xdmf

    from mpi4py import MPI
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from si_thermal import config
    from si_thermal.thermal import limit as lim
    from si_thermal.thermal import plot as plots
    from si_thermal.thermal.package import PackageModel

    root = MPI.COMM_WORLD.rank == 0
    out: dict[str, dict] = {}
    curves, limits, single = {}, {}, None
    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=as_json or not root) as progress:
        for c in cooling:
            task = progress.add_task(f"{c}", total=None)
            model = PackageModel(package, c, mesh_size=None if mesh_size_mm is None else mesh_size_mm * 1e-3,
                                 tj_tol_k=tj_tol_k)
            if powers is None and not limit:
                powers_c = [model.pkg.package.power]
            else:
                powers_c = powers or []
            results = [model.solve(p, inlet_c=inlet_c) for p in powers_c]
            entry: dict = {}
            if len(results) == 1:
                entry.update(results[0].to_dict())
                single = results[0]
            elif results:
                entry["points"] = [r.to_dict() for r in results]
                curves[c] = results
            if limit:
                lr = lim.power_limit(package, c, tj_limit_c=tj_limit_c, inlet_c=inlet_c, model=model)
                limits[c] = lr.power_limit_w
                entry.update({"power_limit_w": lr.power_limit_w,
                              "heat_flux_limit_w_per_mm2": lr.heat_flux_w_per_mm2,
                              "tj_limit_c": lr.tj_limit_c, "limit_inlet_c": lr.inlet_c,
                              "r_th_at_limit_k_per_w": lr.r_th_k_per_w})
                if not results:
                    entry.update({k: v for k, v in lr.at_limit.to_dict().items() if k not in entry})
            if prof is not None:
                from si_thermal.system.package_duty import package_duty

                entry["transient"] = package_duty(model, prof, power_w=powers[0] if powers else None,
                                                  inlet_c=inlet_c, check_s=profile_check_s)
            if xdmf is not None:
                for r in results:
                    stamp_xdmf(r.solution.write_xdmf(xdmf / f"{Path(package).stem}_{c}_{r.power_w:.0f}W.xdmf"),
                               [package])
            out[c] = entry
            progress.remove_task(task)
    from si_thermal.cli.output import require_finite

    require_finite(out, package)  # a NaN temperature is never a verdict
    if plot is not None:
        if curves:
            file_limit_c = config.load_package(package).package.tj_limit - ZERO_CELSIUS_K
            plots.tj_curves(curves, plot, tj_limit_c=tj_limit_c if tj_limit_c is not None else file_limit_c,
                            limits=limits)
        elif single is not None:
            plots.cross_section(single, plot)
        else:
            raise InputError(None, "--plot", "give --power-w to plot")
    if not root:
        return
    payload = out[cooling[0]] if len(cooling) == 1 else out
    if as_json:
        echo_json(payload, [package])
        return
    table = Table(title=f"{Path(package).name}")
    cols = ("cooling", "power W", "Tj max degC", "Tj err K", "die dT K", "Rth K/W", "coolant rise K", "dp kPa",
            "pump W")
    for col in cols:
        table.add_column(col, justify="right")
    for c, entry in out.items():
        for p in entry.get("points", [entry] if "tj_max_c" in entry and "power_w" in entry else []):
            table.add_row(c, f"{p['power_w']:.0f}", f"{p['tj_max_c']:.1f}", f"{p['tj_error_k']:.2f}",
                          f"{p['die_delta_t_k']:.1f} +- {p['die_delta_t_error_k']:.1f}",
                          f"{p['r_th_k_per_w']:.4f}", f"{p['coolant_rise_k']:.1f}",
                          f"{p['pressure_drop_pa'] / 1e3:.1f}", f"{p['pumping_power_w']:.2f}")
    Console(width=120).print(table)
    for c, entry in out.items():
        first = entry if "mesh_note" in entry else (entry.get("points") or [{}])[0]
        typer.echo(f"{c}: mesh {first.get('mesh_note', '')}")
        typer.echo(f"{c}: {first.get('channels', 0)} channels; h: {first.get('h_basis', '')}; "
                   f"friction: {first.get('friction_basis', '')}; channel ceiling: {first.get('ceiling', '')}")
    for c, entry in out.items():
        for p in entry.get("points", [entry] if "die_spread_k" in entry else []):
            spread = "; ".join(f"{d} max-min {v['max_minus_min_k']:.1f} K, max-mean {v['max_minus_mean_k']:.1f} K"
                               for d, v in p.get("die_spread_k", {}).items())
            typer.echo(f"{c} at {p['power_w']:.0f} W: within-die spread: {spread}")
    for c, entry in out.items():
        tr = entry.get("transient")
        if tr is None:
            continue
        j = tr["junction"]
        typer.echo(f"{c}: profile '{tr['profile']}' at {tr['power_w']:.0f} W: Tj {j['tj_min_c']:.1f}-{j['tj_max_c']:.1f} degC "
                   f"(swing {j['swing_k']:.1f} K), {j['cycles_per_day']:.0f} rainflow cycles/day, "
                   f"{j['cycles_per_day_over_5k']:.1f}/day of 5 K and more, largest {j['largest_range_k']:.1f} K")
        chk = tr.get("check")
        note = (f"; direct stepping over {chk['check_s']:.0f} s agrees within {chk['max_abs_diff_k']:.3g} K"
                if chk else "")
        typer.echo(f"{c}: step response {tr['step_response_s']:.1f} s ({tr['step_response_solves']} solves), "
                   f"superposition of {tr['history_s'] / 3600:.0f} h {tr['superposition_s']:.2f} s{note}")
    for c, w in limits.items():
        e = out[c]
        typer.echo(f"{c}: power limit {w:.0f} W ({e['heat_flux_limit_w_per_mm2']:.2f} W/mm^2 over the dies) "
                   f"for Tj < {e['tj_limit_c']:.0f} degC at {e['limit_inlet_c']:.0f} degC inlet")


def register(app: typer.Typer) -> None:
    app.command()(thermal)
