"""What the commands write: output paths checked before any work; every number checked finite before
it is printed (a NaN is never a verdict) and JSON strict (no bare ``NaN``/``Infinity``); results
stamped with their provenance (:mod:`si_thermal.provenance`); tables as CSV or JSON by suffix, atomically."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import typer

from si_thermal import provenance
from si_thermal.atomic import write_text
from si_thermal.errors import InputError
from si_thermal.files import check_output_path


def non_finite(obj: Any, where: str = "", allow_inf: bool = False) -> str | None:
    """The key path of the first non-finite float in ``obj`` (dicts, lists, tuples), or None;
    ``allow_inf``: only NaN counts (an infinite life is a finding, NaN never is)."""
    if isinstance(obj, float):
        return None if math.isfinite(obj) or (allow_inf and not math.isnan(obj)) else (where or "result")
    if isinstance(obj, dict):
        items = obj.items()
    elif isinstance(obj, (list, tuple)):
        items = ((f"[{i}]", v) for i, v in enumerate(obj))
    else:
        try:  # numpy scalars and arrays
            import numpy as np

            if isinstance(obj, (np.ndarray, np.generic)) and np.issubdtype(np.asarray(obj).dtype, np.number):
                ok = not np.any(np.isnan(obj)) if allow_inf else np.all(np.isfinite(obj))
                return None if ok else (where or "result")
        except ImportError:  # pragma: no cover
            pass
        return None
    for key, value in items:
        sub = f"{where}{key}" if str(key).startswith("[") else f"{where}.{key}" if where else str(key)
        found = non_finite(value, sub, allow_inf)
        if found is not None:
            return found
    return None


def require_finite(obj: Any, source: str | Path | None, what: str = "result", allow_inf: bool = False) -> Any:
    """``obj`` unchanged when every number in it is finite (``allow_inf``: not NaN); else an
    :class:`InputError` naming the input file ``source`` and the quantity: NaN is never a verdict."""
    where = non_finite(obj, allow_inf=allow_inf)
    if where is not None:
        raise InputError(source, None, f"the {what} '{where}' is not finite (NaN or infinity): this input "
                                       "takes the model outside its range, so there is no verdict")
    return obj


def _inf_to_null(obj: Any) -> Any:
    if isinstance(obj, float) and math.isinf(obj):
        return None
    if isinstance(obj, dict):
        return {k: _inf_to_null(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_inf_to_null(v) for v in obj]
    return obj


def dumps(obj: Any, source: str | Path | None = None, allow_inf: bool = False, **kwargs: Any) -> str:
    """Strict JSON of ``obj`` after :func:`require_finite` (``allow_nan=False`` as a second guard);
    ``allow_inf``: an infinite value (a life without wear-out) is written as null."""
    require_finite(obj, source, allow_inf=allow_inf)
    return json.dumps(_inf_to_null(obj) if allow_inf else obj, allow_nan=False, **kwargs)


def check_writable(path: Path | None, flag: str, *, folder: bool = False) -> None:
    """InputError, before any work, for an output that cannot be written (see
    :func:`si_thermal.files.check_output_path`)."""
    check_output_path(path, flag, folder=folder)


def _finite(x):
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, Mapping):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    return x


def echo_json(payload, inputs: Iterable, default=float, allow_inf: bool = False) -> None:
    """Print ``payload`` as JSON with its provenance (``allow_inf``: an infinite life as null)."""
    inputs = list(inputs)
    require_finite(payload, inputs[0] if inputs else None, allow_inf=allow_inf)  # NaN is never a verdict
    payload = _inf_to_null(payload) if allow_inf else payload
    prov = provenance.collect(inputs)
    typer.echo(json.dumps(provenance.stamp_json(payload, prov), indent=2, default=default, allow_nan=False))


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
