"""Command output that never passes a NaN off as a verdict: every number checked finite before it is
printed or written, and JSON strict (no bare ``NaN``/``Infinity``, which JSON does not have)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from si_thermal.errors import InputError


def non_finite(obj: Any, where: str = "") -> str | None:
    """The key path of the first non-finite float in ``obj`` (dicts, lists, tuples), or None."""
    if isinstance(obj, float):
        return None if math.isfinite(obj) else (where or "result")
    if isinstance(obj, dict):
        items = obj.items()
    elif isinstance(obj, (list, tuple)):
        items = ((f"[{i}]", v) for i, v in enumerate(obj))
    else:
        try:  # numpy scalars and arrays
            import numpy as np

            if isinstance(obj, (np.ndarray, np.generic)) and np.issubdtype(np.asarray(obj).dtype, np.number):
                return None if np.all(np.isfinite(obj)) else (where or "result")
        except ImportError:  # pragma: no cover
            pass
        return None
    for key, value in items:
        sub = f"{where}{key}" if str(key).startswith("[") else f"{where}.{key}" if where else str(key)
        found = non_finite(value, sub)
        if found is not None:
            return found
    return None


def require_finite(obj: Any, source: str | Path | None, what: str = "result") -> Any:
    """``obj`` unchanged when every number in it is finite; else an :class:`InputError` naming the
    input file ``source`` and the quantity: a NaN or infinite metric is never a verdict."""
    where = non_finite(obj)
    if where is not None:
        raise InputError(source, None, f"the {what} '{where}' is not finite (NaN or infinity): this input "
                                       "takes the model outside its range, so there is no verdict")
    return obj


def dumps(obj: Any, source: str | Path | None = None, **kwargs: Any) -> str:
    """Strict JSON of ``obj`` after :func:`require_finite` (``allow_nan=False`` as a second guard)."""
    require_finite(obj, source)
    return json.dumps(obj, allow_nan=False, **kwargs)
