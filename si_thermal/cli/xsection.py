"""``si-thermal xsection FILE --trace NAME``: field-solve a line cross-section, print RLGC(f).

FILE is a stackup (``boards/*.toml``, with ``--trace``) or an ``[xsection]`` file. Results are cached
by geometry hash in ``meshes/cache/xsection/``. Heavy imports stay inside the command.
"""

from __future__ import annotations

from pathlib import Path

import typer

from si_thermal.cli.channel import _one_line_warnings, check_figure_path
from si_thermal.errors import InputError

LEVELS = {"coarse": 0.5, "default": 1.0, "fine": 2.0}


@_one_line_warnings
def xsection(
    file: Path = typer.Argument(..., help="Stackup file (boards/*.toml) or an [xsection] file."),
    trace: str = typer.Option(None, "--trace", help="Trace name of the stackup ([[traces]] name)."),
    f_min_ghz: float = typer.Option(0.1, "--f-min-ghz", help="Lowest frequency, GHz (> 0)."),
    f_max_ghz: float = typer.Option(60.0, "--f-max-ghz", help="Highest frequency, GHz."),
    points: int = typer.Option(50, "--points", min=2, help="Frequencies, log-spaced."),
    mesh: str = typer.Option("default", "--mesh", help="Mesh: coarse, default or fine."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (with the full RLGC matrices)."),
    plot: Path = typer.Option(None, "--plot", help="Write the potential and current-density figure to OUT.png."),
    touchstone: Path = typer.Option(None, "--touchstone", help="Write the 2N-port of --length-m of line "
                                                                 "(OUT.s4p for a pair, OUT.s2p for one conductor)."),
    length_m: float = typer.Option(None, "--length-m", help="Line length for --touchstone, m."),
) -> None:
    """Field-solve a cross-section: Z0/Zdiff/Zcomm, eps_eff, R, L, G, C and loss per metre over frequency."""
    import numpy as np

    if mesh not in LEVELS:
        raise InputError(None, "--mesh", f"unknown mesh '{mesh}'; use one of {', '.join(LEVELS)}")
    if not (0 < f_min_ghz < f_max_ghz and np.isfinite(f_max_ghz)):
        raise InputError(None, "--f-min-ghz", "need 0 < --f-min-ghz < --f-max-ghz")
    check_figure_path(plot)
    from si_thermal.cli.output import require_finite
    from si_thermal.files import check_output_path

    check_output_path(plot, "--plot")
    check_output_path(touchstone, "--touchstone")
    if (touchstone is None) != (length_m is None):
        raise InputError(None, "--touchstone", "--touchstone and --length-m go together")
    if length_m is not None and not (np.isfinite(length_m) and length_m > 0):
        raise InputError(None, "--length-m", f"length must be a finite number > 0 m, got {length_m!r}")
    from si_thermal.cli.output import check_writable, echo_json

    check_writable(plot, "--plot")
    check_writable(touchstone, "--touchstone")
    from si_thermal.si.xsection.geometry import GeometryError
    from si_thermal.si.xsection.inputs import load_section

    section = load_section(file, trace)  # bad input fails here, before the FEM stack is imported
    want = f".s{2 * len(section.xs.signals)}p"
    if touchstone is not None and touchstone.suffix.lower() != want:
        raise InputError(touchstone, "--touchstone", f"this line has {2 * len(section.xs.signals)} ports: "
                                                     f"the file name must end in {want}")
    from si_thermal.si.xsection.summary import summarize

    f = np.geomspace(f_min_ghz * 1e9, f_max_ghz * 1e9, points)
    try:
        out = require_finite(summarize(section, f, LEVELS[mesh]), file)  # no NaN passes as a line
        if plot is not None:
            from si_thermal.si.xsection.plot import field_figure

            field_figure(section, plot, LEVELS[mesh])
            out["plot"] = str(plot)
        if touchstone is not None:
            from si_thermal.si.channel import write_touchstone
            from si_thermal.si.xsection.network import line_network
            from si_thermal.si.xsection.rlgc import rlgc
            from si_thermal.si.xsection.solver import field_solution

            sol = field_solution(section.xs, LEVELS[mesh])
            net = line_network(rlgc(section.xs, sol, f, section.roughness(f)), length_m, name=section.xs.label)
            from si_thermal import provenance

            write_touchstone(net, touchstone, comments=provenance.touchstone_comments(provenance.collect([file])))
            out["touchstone"] = str(touchstone)
    except GeometryError as err:
        raise InputError(file, err.field, str(err)) from None
    out["file"] = str(file)
    if as_json:
        echo_json(out, [file])
        return
    _print_table(out)


def _print_table(out: dict) -> None:
    import numpy as np
    from rich.console import Console
    from rich.table import Table

    pair = out["mode"] == "differential"
    table = Table(title=f"{out['label']} ({out['file']}): {'differential mode' if pair else 'line'} per metre")
    cols = ["f GHz", "Z0", "Zdiff", "Zcomm", "eps_eff", "R ohm/m", "L nH/m", "G mS/m", "C pF/m", "loss dB/m"]
    if not pair:
        cols = [c for c in cols if c not in ("Zdiff", "Zcomm")]
    for c in cols:
        table.add_column(c, justify="right")
    n = len(out["freq_hz"])
    rows = sorted(set(np.linspace(0, n - 1, min(n, 12)).round().astype(int))) if n else []
    for i in rows:
        vals = [f"{out['freq_hz'][i] / 1e9:.4g}", f"{out['z0_ohm'][i]:.2f}"]
        if pair:
            vals += [f"{out['z_diff_ohm'][i]:.2f}", f"{out['z_comm_ohm'][i]:.2f}"]
        vals += [f"{out['eps_eff'][i]:.4f}", f"{out['r_ohm_per_m'][i]:.2f}", f"{out['l_h_per_m'][i] * 1e9:.2f}",
                 f"{out['g_s_per_m'][i] * 1e3:.3f}", f"{out['c_f_per_m'][i] * 1e12:.2f}",
                 f"{out['loss_db_per_m'][i]:.2f}"]
        table.add_row(*vals)
    Console(width=130).print(table)
    m = out["mesh"]
    typer.echo(f"mesh: {m['cells']} cells, {m['dofs']} P2 dofs; cache {'hit' if out['cache_hit'] else 'miss'} "
               f"({out['key']}); roughness {out['roughness_model']}; Dk at {out['f_ref_hz'] / 1e9:g} GHz")
    if "note" in out:
        typer.echo(f"note: {out['note']}")
    if "plot" in out:
        typer.echo(f"figure: {out['plot']}")
    if "touchstone" in out:
        typer.echo(f"touchstone: {out['touchstone']}")


def register(app: typer.Typer) -> None:
    app.command("xsection")(xsection)
