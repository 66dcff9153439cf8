"""``si-thermal link``: COM, figure of merit, reference equalizer and statistical eye of a link.

IEEE 802.3 Annex 93A / P802.3dj Annex 178A, see :mod:`si_thermal.si.com`.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import typer

from si_thermal.errors import InputError


def link(
    file: Path = typer.Argument(..., help="Thru channel: Touchstone (.s4p single-ended or .s2p Sdd) "
                                          "or a channels/*.toml file."),
    fext: list[Path] = typer.Option([], "--fext", help="FEXT aggressor Touchstone file (repeatable)."),
    next_: list[Path] = typer.Option([], "--next", help="NEXT aggressor Touchstone file (repeatable)."),
    std: str = typer.Option("802.3dj", "--std", help="COM parameter set in channels/com_params.toml."),
    rate: str = typer.Option(None, "--rate", help="Move the set to a rate of channels/serdes.toml (e.g. 224g)."),
    length_m: float = typer.Option(None, "--length-m", help="Variable-segment length for a channels/*.toml."),
    extrapolation: str = typer.Option("fit", "--extrapolation",
                                      help="Band extension above the data: fit (loss fit) or com (MATLAB COM)."),
    search: str = typer.Option("fast", "--search", help="Equalizer search: fast or full."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    plot: Path = typer.Option(None, "--plot", help="Write the statistical eye and bathtub to this PNG."),
) -> None:
    """COM (dB), FOM, chosen equalizer, eye height and width of a thru channel with aggressors."""
    from si_thermal.cli.channel import check_figure_path
    from si_thermal.si import com, eye

    from si_thermal.cli.channel import check_length
    from si_thermal.cli.output import check_writable, echo_json

    check_figure_path(plot)
    check_writable(plot, "--plot")
    check_length(length_m)
    if not file.exists():
        raise InputError(file, None, "file not found")
    from si_thermal.cli.progress import bar

    params = com.load_com_params(std, rate=rate)
    thru = file
    fext, next_ = list(fext), list(next_)
    xt_names: list[str] = []
    if file.suffix.lower() == ".toml":
        import numpy as np

        from si_thermal.si.channel import channel_network
        from si_thermal.si.crosstalk import aggressors

        fb = params.symbol_rate_hz
        f = np.arange(0.0, 1.5 * fb + 25e6, 25e6)
        thru = channel_network(file, f, length_m=length_m)
        for a in aggressors(file, f, length_m=length_m):  # the connectors' stated NEXT/FEXT
            (fext if a.kind == "fext" else next_).append(a.network)
            xt_names.append(a.name)
    cases = range(max(len(params.package_cases), 1))
    with warnings.catch_warnings(record=True) as caught, bar(f"COM, {search} equalizer search") as update:
        warnings.simplefilter("always")
        per_case = [com.compute_com(thru, fext, next_, params.with_package_case(k), extrapolation=extrapolation,
                                    search_mode=search, progress=update) for k in cases]
    worst = min(range(len(per_case)), key=lambda k: per_case[k].com_db)
    res = per_case[worst]
    short_band = any("extrapolated" in str(w.message) for w in caught)
    from si_thermal.cli.output import require_finite

    require_finite({"com_db": res.com_db, "fom_db": res.fom_db, "a_s_v": res.a_s_v, "a_ni_v": res.a_ni_v,
                    "eye_height_v": res.eye_height_v, "eye_width_ui": res.eye_width_ui}, file, "COM result")
    for w in caught:
        if not any(str(w.message) in n for n in res.notes):
            typer.echo(f"warning: {w.message}", err=True)
    for n in res.notes:   # band extension is reported when the data stop below the symbol rate
        if (short_band and "extrapolated" in n) or "resampled" in n or "corrected" in n or "clipped" in n:
            typer.echo(f"warning: {n}", err=True)
    if plot is not None:
        eye.plot_eye(eye.statistical_eye(res.equalized), plot, title=f"{res.std} {file.name}")
    from si_thermal.si.com_reach import case_name

    names = [case_name(params, k) for k in cases]
    if as_json:
        d = res.to_dict()
        d["package_case"] = names[worst]
        d["com_db_package_cases"] = {n: r.com_db for n, r in zip(names, per_case)}
        d["aggressors"] = xt_names or [str(x) for x in (*fext, *next_)]
        echo_json(d, [file, *(x for x in (*fext, *next_) if isinstance(x, Path))])
        return
    taps = ", ".join(f"c({k}) {v:+.3f}" for k, v in res.tx_ffe.items())
    typer.echo(f"{file.name}: {res.std} at {res.symbol_rate_hz / 1e9:g} GBd, {len(fext)} FEXT + {len(next_)} NEXT"
               + ("" if fext or next_ else " (no aggressors: thru-only COM)"))
    typer.echo(f"  COM {res.com_db:.2f} dB (worst of: " + ", ".join(f"{n} {r.com_db:.2f} dB" for n, r in
                                                              zip(names, per_case)) + ")")
    if res.com_dfe_db is not None:
        typer.echo(f"  MLSD receiver (178A.1.10): COM_DFE {res.com_dfe_db:.2f} dB + MLSD {res.mlsd_delta_db:.2f} dB")
    typer.echo(f"  FOM {res.fom_db:.2f} dB   (A_s {res.a_s_v * 1e3:.3f} mV, A_ni {res.a_ni_v * 1e3:.3f} mV)")
    typer.echo(f"  eye height {res.eye_height_v * 1e3:.3f} mV, eye width {res.eye_width_ui:.3f} UI at DER "
               f"{params.der0:g}")
    typer.echo(f"  CTLE gDC {res.g_dc_db:g} dB, gDC2 {res.g_dc2_db:g} dB;  Tx FFE {taps}")
    if len(res.rx_ffe) > 1:
        typer.echo("  Rx FFE " + " ".join(f"{w:+.3f}" for w in res.rx_ffe[:params.rx_ffe_taps or None]))
        fl = [(i, w) for i, w in enumerate(res.rx_ffe) if i >= params.rx_ffe_taps and w != 0.0]
        if params.n_float:
            typer.echo("  floating taps (178A.1.8.1) " + " ".join(f"[{i}] {w:+.3f}" for i, w in fl))
    typer.echo("  DFE " + " ".join(f"{b:+.3f}" for b in res.dfe))


def register(app: typer.Typer) -> None:
    app.command()(link)
