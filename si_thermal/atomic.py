"""Write output files atomically: to a temporary file in the same folder, then rename.

A run that fails half-way leaves no half-written output behind (POSIX ``rename`` is atomic
within one file system).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it onto ``path``.

    The temporary name keeps the suffix of ``path`` so writers that pick a format by extension
    (matplotlib, skrf) still work.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(path: str | Path, text: str) -> None:
    """Atomically write ``text`` to ``path``."""
    with atomic_path(path) as tmp:
        tmp.write_text(text)


@contextlib.contextmanager
def atomic_xdmf(comm, path: str | Path) -> Iterator[Path]:
    """Yield, on every MPI rank, a scratch ``.xdmf`` path in a fresh folder beside ``path``; once the
    block completes, rank 0 renames the ``.xdmf``/``.h5`` pair into place (so a failed run leaves no
    half-written pair) and removes the folder. ``comm`` is the mesh's MPI communicator."""
    path = Path(path).with_suffix(".xdmf")
    tmpdir = None
    if comm.rank == 0:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmpdir = tempfile.mkdtemp(prefix=f".{path.stem}.", dir=path.parent)
    tmpdir = Path(comm.bcast(tmpdir, root=0))
    try:
        yield tmpdir / path.name
        comm.barrier()
        if comm.rank == 0:
            for f in tmpdir.iterdir():
                os.replace(f, path.parent / f.name)
    finally:
        comm.barrier()
        if comm.rank == 0:
            shutil.rmtree(tmpdir, ignore_errors=True)
