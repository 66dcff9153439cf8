"""glibc malloc thresholds of a process that evaluates sweep points.

A COM point allocates and frees many numpy temporaries of 0.1-30 MB. glibc serves them from the heap
once its *dynamic* mmap threshold has risen past their size (the first free of an mmapped block raises
it, up to 32 MiB, and the trim threshold to twice that). Setting any of ``MALLOC_TRIM_THRESHOLD_``,
``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TOP_PAD_``, ``MALLOC_MMAP_MAX_`` switches that adjustment off for
the life of the process (mallopt(3)), and Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` for its
workers (``distributed.nanny.pre-spawn-environ``) -- in the *nanny's* process environment, so worker
processes spawned later by the same process (a ``LocalCluster`` next to local sweep workers) inherit it.
Then every temporary above 128 KiB is a fresh mmap, faulted in page by page and unmapped on free:
COM points cost 1.7-1.8x the CPU (measured: benchmarks/bench_sweep.py, issue 16).

:func:`pin` sets both thresholds to the values the dynamic adjustment reaches (32 MiB / 64 MiB), once
per process. It changes where memory comes from, not what is computed (rows stay bit for bit equal).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform

M_TRIM_THRESHOLD = -1  # <malloc.h>
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_B = 32 * 1024 * 1024  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit
TRIM_THRESHOLD_B = 2 * MMAP_THRESHOLD_B  # what the dynamic adjustment pairs with it

_state: dict[str, bool] = {}


def pin() -> bool:
    """Pin glibc's mmap and trim thresholds (once per process); False where libc is not glibc."""
    if "pinned" not in _state:
        _state["pinned"] = _mallopt()
    return _state["pinned"]


def _mallopt() -> bool:
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        # both together: setting either one alone freezes the other at its 128 KiB default
        return (bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_B))
                and bool(libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_B)))
    except (OSError, AttributeError):
        return False
