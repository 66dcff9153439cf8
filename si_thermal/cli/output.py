"""What the commands write: output paths checked before any work, results stamped with their
provenance (:mod:`si_thermal.provenance`), tables as CSV or JSON by the file's suffix, atomically."""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import typer

from si_thermal import provenance
from si_thermal.atomic import write_text
from si_thermal.errors import InputError


def check_writable(path: Path | None, flag: str, *, folder: bool = False) -> None:
    """InputError, before any work, for an output (a file, or with ``folder`` a folder) that cannot
    be created: an existing folder where a file goes (or the reverse), or a parent that is a file or
    does not accept new files."""
    if path is None:
        return
    p = Path(path)
    if p.exists() and p.is_dir() != folder:
        raise InputError(p, flag, "is a folder" if not folder else "is a file, not a folder")
    parent = p if folder else p.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(p, flag, f"cannot be created: {parent} is not a folder")
    try:
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as exc:
        raise InputError(p, flag, f"cannot write in {parent} ({exc.strerror or exc})") from None


def _finite(x):
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, Mapping):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    return x


def echo_json(payload, inputs: Iterable) -> None:
    """Print ``payload`` as JSON with its provenance (non-finite numbers as null)."""
    prov = provenance.collect(list(inputs))
    typer.echo(json.dumps(_finite(provenance.stamp_json(payload, prov)), indent=2, default=float))


def write_rows(out: Path, rows: Sequence[Mapping], fieldnames: Sequence[str], inputs: Iterable) -> None:
    """Rows to ``out``: ``.json`` as ``{"results": rows, "provenance": ...}``, else CSV with ``#``
    provenance lines before the header row."""
    prov = provenance.collect(list(inputs))
    if out.suffix.lower() == ".json":
        write_text(out, json.dumps(_finite(provenance.stamp_json(list(rows), prov)), indent=1, default=float))
    else:
        write_text(out, provenance.csv_text(list(rows), list(fieldnames), prov))


#: Units of the fields the FEM writers put in XDMF files (attribute name -> unit).
XDMF_UNITS = {"temperature": "K", "displacement_m": "m", "sigma_xx_pa": "Pa", "sigma_yy_pa": "Pa",
              "sigma_zz_pa": "Pa", "tau_xz_pa": "Pa", "tau_yz_pa": "Pa", "tau_xy_pa": "Pa", "von_mises_pa": "Pa"}


def stamp_xdmf(path: Path, inputs: Iterable) -> None:
    """Provenance and field units into an XDMF file just written (rank 0 only)."""
    from mpi4py import MPI

    if MPI.COMM_WORLD.rank == 0:
        provenance.stamp_xdmf(path, provenance.collect(list(inputs)), XDMF_UNITS)
