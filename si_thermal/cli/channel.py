"""``si-thermal channel`` and ``si-thermal reach``: channel physics commands (``sweep``: cli/sweep.py).

Heavy imports (scikit-rf, scipy) stay inside the commands so ``si-thermal --help`` stays fast.
"""

from __future__ import annotations

import functools
import math
import warnings
from pathlib import Path

import typer

from si_thermal.cli.output import check_writable, echo_json, require_finite
from si_thermal.constants import INCH_M
from si_thermal.errors import InputError


def _one_line_warnings(fn):
    """Run a command, then print each warning it raised (Touchstone corrections, extrapolations) as
    one ``warning: ...`` line on stderr instead of Python's two-line format."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                return fn(*args, **kwargs)
            finally:
                for msg in dict.fromkeys(str(w.message) for w in caught):
                    typer.echo(f"warning: {msg}", err=True)
    return wrapper


FIGURE_SUFFIXES = (".png", ".pdf", ".svg")


def check_figure_path(plot: Path | None) -> None:
    """InputError, before any work, for a --plot file matplotlib cannot write (by its suffix)."""
    if plot is not None and plot.suffix.lower() not in FIGURE_SUFFIXES:
        raise InputError(plot, "--plot", f"figure file must end in {', '.join(FIGURE_SUFFIXES)}")


def _num(x: float) -> float | None:
    """JSON has no NaN/inf: a non-finite number is written as null."""
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else x


def _rates(spec: str) -> list[str]:
    from si_thermal.si.rates import serdes_rate

    keys = [k.strip() for k in spec.split(",") if k.strip()]
    if not keys:
        raise InputError(None, "--rate", "give at least one rate, e.g. 200g or 200g,224g")
    for k in keys:
        serdes_rate(k)
    return keys


def _finite(x: float) -> float | None:
    """JSON value of a float: None for nan/inf (a row without that number)."""
    return x if math.isfinite(x) else None


def check_length(length_m: float | None, option: str = "--length-m") -> None:
    """InputError for a --length-m outside a channel segment's range (finite, 0-100 m)."""
    from si_thermal import config

    why = None if length_m is None else config.check_si(config.StriplineSegment, "length", length_m)
    if why is not None:
        raise InputError(None, option, why)


def channel(
    file: Path = typer.Argument(..., help="Channel TOML file (channels/*.toml)."),
    rate: str = typer.Option("200g,224g", "--rate", help="SerDes rate key(s), comma-separated: 200g, 224g."),
    length_m: float = typer.Option(None, "--length-m", help="Length of the variable segment, m."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    touchstone: Path = typer.Option(None, "--touchstone", help="Write the network: OUT.s2p (Sdd) or OUT.s4p."),
    plot: Path = typer.Option(None, "--plot", help="Write IL vs frequency and vs length to OUT.png."),
    compare: list[Path] = typer.Option([], "--compare", help="More channel files to overlay on --plot."),
    points: int = typer.Option(2000, "--points", min=10, help="Frequency points from 0 to --f-max-ghz."),
    f_max_ghz: float = typer.Option(60.0, "--f-max-ghz", min=1.0, help="Top of the frequency grid, GHz."),
    com: bool = typer.Option(False, "--com", help="Also COM (both package cases, connector crosstalk) and the "
                                                  "COM penalty of each segment class (slower: ~10 COM solves per rate)."),
) -> None:
    """Evaluate a channel: IL/RL at Nyquist, FOM_ILD, IL between the budget's reference planes (packages
    counted for a bump-to-bump budget), margin, IL reach and where the dB go, per rate."""
    import numpy as np

    from si_thermal.si import channel as chan
    from si_thermal.si import metrics
    from si_thermal.si.budget import channel_budget
    from si_thermal.si.planes import il_between_planes, planes_for
    from si_thermal.si.rates import serdes_rate
    from si_thermal.si.reach import reach_il

    keys = _rates(rate)
    check_figure_path(plot)
    check_length(length_m)
    check_writable(touchstone, "--touchstone")
    check_writable(plot, "--plot")
    ch, path = chan.load(file)
    f = np.linspace(0.0, f_max_ghz * 1e9, points)
    net = chan.channel_network((ch, path), f, length_m=length_m)
    out = {"channel": ch.channel.name, "file": str(file),
           "length_m": length_m if length_m is not None else chan.variable_length(ch), "rates": {}}
    for key in keys:
        r = serdes_rate(key)
        if r.nyquist_hz > f[-1]:
            raise InputError(None, "--f-max-ghz", f"{f_max_ghz:g} GHz is below the {key} Nyquist frequency")
        il = metrics.il_at_db(net, r.nyquist_hz)
        pl = planes_for(key, ch.channel.reference_planes, where=path)
        il_cases = il_between_planes((ch, path), key, r.nyquist_hz, length_m)
        bud = channel_budget((ch, path), key, length_m, with_com=com)
        entry = {"nyquist_hz": r.nyquist_hz, "il_db_at_nyquist": il,
                 "reference_planes": r.reference_planes,
                 "il_db_between_planes": max(il_cases),
                 "il_db_package_cases": dict(zip(pl.case_names, il_cases)),
                 "rl_db_at_nyquist": float(np.interp(r.nyquist_hz, f, metrics.rl_db(net))),
                 "fom_ild_db": metrics.fom_ild(
                     chan.channel_network((ch, path), np.linspace(0.0, r.symbol_rate, 1001), length_m=length_m),
                     r.symbol_rate),
                 "budget_db": r.il_budget, "margin_db": r.il_budget - max(il_cases), "reach_m": None,
                 "segments": [{k: _finite(v) if isinstance(v, float) else v for k, v in row.__dict__.items()}
                              for row in bud.rows]}
        if com:
            entry["com_db"] = bud.com_db
            entry["com_penalty_db"] = bud.com_penalty_db
            entry["aggressors"] = [row.name for row in bud.rows if row.kind == "crosstalk"]
        if ch.channel.variable_segment is not None:
            entry["reach_m"] = reach_il((ch, path), key).reach_m
        per_m = chan.segment_loss_db_per_m((ch, path), [r.nyquist_hz])
        entry["loss_db_per_m"] = {name: float(v[0]) for name, v in per_m.items()}
        entry["loss_db_per_in"] = {name: float(v[0]) * INCH_M for name, v in per_m.items()}
        out["rates"][key] = entry
    first = out["rates"][keys[0]]
    out["il_db_at_nyquist"], out["reach_m"] = first["il_db_at_nyquist"], first["reach_m"]
    require_finite(out, file)  # before anything is written: a NaN is never a verdict
    if touchstone is not None:
        if touchstone.suffix.lower() == ".s4p":
            net_out = chan.channel_network_4port((ch, path), f[1:], length_m=length_m)
        else:
            net_out = net
        from si_thermal import provenance

        chan.write_touchstone(net_out, touchstone,
                              comments=provenance.touchstone_comments(provenance.collect([file])))
        out["touchstone"] = str(touchstone)
    if plot is not None:
        from si_thermal.si.plots import il_figure

        il_figure([(ch, path), *compare], keys, plot, f_max_hz=f[-1])
        out["plot"] = str(plot)
    if as_json:
        echo_json(out, [file, *compare])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{ch.channel.name} ({file})")
    for col in ("rate", "Nyquist GHz", "IL channel dB", "planes", "IL in planes dB (cases)", "RL dB", "FOM_ILD dB",
                "budget dB", "margin dB", "IL reach m"):
        table.add_column(col, justify="right")
    for key, e in out["rates"].items():
        cases = " / ".join(f"{v:.2f}" for v in e["il_db_package_cases"].values())
        table.add_row(key, f"{e['nyquist_hz'] / 1e9:.4g}", f"{e['il_db_at_nyquist']:.2f}", e["reference_planes"],
                      cases, f"{e['rl_db_at_nyquist']:.1f}", f"{e['fom_ild_db']:.3f}",
                      f"{e['budget_db']:g}", f"{e['margin_db']:.2f}",
                      "-" if e["reach_m"] is None else f"{e['reach_m']:.3f}")
    Console(width=160).print(table)
    for key, e in out["rates"].items():
        seg = Table(title=f"{key}: where the dB go at Nyquist (worst package case" +
                    (f"; COM {e['com_db']:.2f} dB" if com else "") + ")")
        for col in ("element", "class", "IL dB") + (("COM penalty dB (class)",) if com else ()):
            seg.add_column(col, justify="right")
        for row in e["segments"]:
            cells = [row["name"], row["kind"], "-" if row["il_db"] is None else f"{row['il_db']:.2f}"]
            if com:
                cells.append("-" if row["com_penalty_db"] is None else f"{row['com_penalty_db']:.2f}")
            seg.add_row(*cells)
        seg.add_row("total", "", f"{e['il_db_between_planes']:.2f}", *(("",) if com else ()))
        Console(width=160).print(seg)
        if com and not e["aggressors"]:
            typer.echo(f"{key}: no aggressors: the channel states no connector NEXT/FEXT, COM is thru-only")
    for key, e in out["rates"].items():
        if not e["loss_db_per_m"]:
            continue
        media = ", ".join(f"{n} {v:.2f} dB/m ({e['loss_db_per_in'][n]:.3f} dB/in)" for n, v in e["loss_db_per_m"].items())
        typer.echo(f"{key} loss per length at Nyquist: {media}")


def reach(
    file: Path = typer.Argument(..., help="Channel TOML file with a variable_segment."),
    rate: str = typer.Option("200g", "--rate", help="SerDes rate key(s), comma-separated."),
    criterion: str = typer.Option("il", "--criterion", help="il (IL budget at Nyquist) or com (COM >= 3 dB)."),
    budget_db: float = typer.Option(None, "--budget-db", help="Override the rate's IL budget, dB."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Longest length of the channel's variable segment that meets the criterion, per rate."""
    keys = _rates(rate)
    if criterion not in ("il", "com"):
        raise InputError(None, "--criterion", f"unknown criterion {criterion!r}; use il or com")
    if budget_db is not None:
        from si_thermal import config

        why = config.check_si(config.SerdesRate, "il_budget", budget_db)
        if why is not None:
            raise InputError(None, "--budget-db", why)
    results = []
    for key in keys:
        if criterion == "il":
            from si_thermal.si.reach import reach_il

            res = reach_il(file, key, budget_db=budget_db).as_dict()
        else:
            try:
                from si_thermal.si.com_reach import reach_com
            except ModuleNotFoundError as err:
                raise InputError(None, "--criterion", f"COM reach is not available here ({err})") from None

            r = reach_com(file, key)  # COM >= si.com.COM_THRESHOLD_DB
            res = r.as_dict() if hasattr(r, "as_dict") else dict(vars(r))
        results.append(res)
    require_finite(results, file, "reach result")
    if as_json:
        echo_json(results[0] if len(results) == 1 else results, [file], default=str)
        return
    for res in results:
        tail = f", IL at Nyquist {res['il_db_at_nyquist']:.2f} dB at {res['length_m']:g} m" \
            if "il_db_at_nyquist" in res and "length_m" in res else ""
        typer.echo(f"{res.get('channel', file)}: {res['rate']} {criterion} reach {res['reach_m']:.3f} m{tail}")


def register(app: typer.Typer) -> None:
    for command in (channel, reach):
        app.command(name=command.__name__)(_one_line_warnings(command))
