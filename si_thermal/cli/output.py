"""Command output that never passes a NaN off as a verdict: every number checked finite before it is
printed or written, and JSON strict (no bare ``NaN``/``Infinity``, which JSON does not have)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from si_thermal.errors import InputError


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
