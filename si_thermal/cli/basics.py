"""``si-thermal validate`` and ``si-thermal materials``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from si_thermal import config
from si_thermal.constants import ZERO_CELSIUS_K


def validate(files: list[Path] = typer.Argument(..., help="Channel, board, rack or materials TOML files.")) -> None:
    """Load and validate input files; print a one-line summary per file."""
    for path in files:
        obj = config.load(path)
        typer.echo(config.summary(obj, path))


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


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(materials)
