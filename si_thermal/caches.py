"""In-process caches keyed on the files a result depends on: each file's resolved path,
modification time and size, so an edited input (or another ``SI_THERMAL_ROOT``) is never served a
stale result. :func:`clear` empties every such cache (and, with ``disk=True``, the mesh cache).
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

_REGISTRY: list[Callable[[], None]] = []


_REAL: dict[tuple[str, str], str] = {}


def _realpath(f: str | Path) -> str:
    """``os.path.realpath``, remembered per (path, working directory): cheap on hot paths."""
    s = os.fspath(f)
    key = (s, "" if os.path.isabs(s) else os.getcwd())
    real = _REAL.get(key)
    if real is None:
        real = _REAL[key] = os.path.realpath(s)
    return real


def file_state(files: Iterable[str | Path]) -> tuple[tuple[str, int, int], ...]:
    """``(resolved path, mtime_ns, size)`` of each file (``-1`` for one that does not exist)."""
    out = []
    for f in files:
        p = _realpath(f)
        try:
            st = os.stat(p)
            out.append((p, st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((p, -1, -1))
    return tuple(out)


def cached(maxsize: int = 64, *, files: Callable[..., Iterable[str | Path]] | None = None,
           follow: bool = False):
    """Like :func:`functools.lru_cache`, with the state of the files the call depends on in the key.

    ``files(*args, **kwargs)`` names them (default: the first argument, a path); ``follow`` adds
    every file they name in turn and the packaged tables (see :func:`si_thermal.provenance.input_files`).
    """

    def deco(fn):
        @functools.lru_cache(maxsize=maxsize)
        def inner(_state, *args, **kwargs):
            return fn(*args, **kwargs)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            fs = list(files(*args, **kwargs)) if files else [args[0]]
            if follow:
                from si_thermal.provenance import input_files

                fs = input_files(fs)
            return inner(file_state(fs), *args, **kwargs)

        wrapper.cache_clear = inner.cache_clear
        wrapper.cache_info = inner.cache_info
        _REGISTRY.append(inner.cache_clear)
        return wrapper

    return deco


def register(clear_fn: Callable[[], None]) -> Callable[[], None]:
    """Have :func:`clear` call ``clear_fn`` too (e.g. a plain ``lru_cache``'s ``cache_clear``)."""
    _REGISTRY.append(clear_fn)
    return clear_fn


def clear(*, disk: bool = False) -> None:
    """Empty every in-process cache of the package; with ``disk``, also delete cached meshes."""
    from si_thermal import paths, provenance

    for c in _REGISTRY:
        c()
    _REAL.clear()
    provenance._HASHES.clear()
    if disk:
        shutil.rmtree(paths.mesh_cache_dir(), ignore_errors=True)
clear_caches = clear
