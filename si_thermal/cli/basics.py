"""``si-thermal validate`` and ``si-thermal materials``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from si_thermal import config
from si_thermal.constants import ZERO_CELSIUS_K


def validate(files: list[Path] = typer.Argument(..., help="Channel, board, rack or materials TOML files.")) -> None:
    """Load and validate input files; print a one-line summary per file.

    Runs every check the commands run on the file: the schema and physical ranges, the files it
    names (boards, channels, packages, racks), and for channels the strict Touchstone import and an
    evaluation of the cascade at a few frequencies; for COM parameter sets, each set resolved."""
    for path in files:
        obj = config.load(path)
        _runs(obj, path)
        typer.echo(config.summary(obj, path))


def _runs(obj, path: Path) -> None:
    """The checks past the schema that the physics makes when the file is used."""
    if isinstance(obj, config.ChannelFile):
        import warnings

        import numpy as np

        from si_thermal.cli.output import require_finite
        from si_thermal.si import channel as chan

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # band extrapolation is reported by the commands themselves
            net = chan.channel_network((obj, path), np.array([0.0, 1e9, 26.5625e9, 53.125e9]))
        require_finite({"s": net.s}, path, "channel S-parameters")
    elif isinstance(obj, config.ComParamsFile):
        from si_thermal.si import com

        for name in obj.std:
            com.load_com_params(name, path=path)


def materials() -> None:
    """Print the materials library with each material's source."""
    table = Table(title="boards/materials.toml", show_lines=False)
    for col in ("name", "kind", "key properties", "source"):
        table.add_column(col, overflow="fold")
    for name, mat in config.load_materials().items():
        props = []
        if mat.dk is not None:
            props.append(f"Dk {mat.dk:g} Df {mat.df:g} @ {mat.f_ref / 1e9:g} GHz")
        if mat.conductivity is not None:
            props.append(f"sigma {mat.conductivity / 1e6:.3g} MS/m")
        if mat.rz is not None:
            props.append(f"Rz {mat.rz * 1e6:g} um")
        if mat.thermal_conductivity is not None:
            props.append(f"k {mat.thermal_conductivity:g} W/(m K)")
        if mat.cte_z is not None:
            props.append(f"CTE xy/z {mat.cte_xy * 1e6:g}/{mat.cte_z * 1e6:g} ppm/K")
        if mat.table is not None:
            props.append(f"table {mat.table.temperature[0] - ZERO_CELSIUS_K:g}-{mat.table.temperature[-1] - ZERO_CELSIUS_K:g} degC")
        table.add_row(name, mat.kind, "; ".join(props), mat.source)
    Console(width=200).print(table)


def _kinds(incomplete: str = "") -> list[str]:
    from si_thermal.config.schema import KINDS

    return [k for k in KINDS if k.startswith(incomplete)]


def schema(kind: str = typer.Argument(..., help="Input-file kind: channel, stackup, package, rack, fleet, "
                                                  "serdes, com_params, materials or xsection.",
                                      autocompletion=_kinds)) -> None:
    """Print the JSON Schema of an input-file kind."""
    import json

    from si_thermal.config.schema import json_schema

    typer.echo(json.dumps(json_schema(kind), indent=2))


def clear_cache() -> None:
    """Delete the cached gmsh meshes (Python callers empty the in-process caches with
    ``si_thermal.clear_caches()``)."""
    from si_thermal import caches, paths

    caches.clear(disk=True)
    typer.echo(f"cleared {paths.mesh_cache_dir()}")


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(materials)
    app.command()(schema)
    app.command("clear-cache")(clear_cache)
