"""Opening input files and checking output paths, bounded and with one-line errors.

Inputs: regular files only (a device such as ``/dev/zero`` would be read until memory runs out, a
FIFO would block forever), at most :data:`MAX_INPUT_BYTES`, text decoded as UTF-8. Outputs: the
path is checked before any work starts (a run of minutes must not end in ``PermissionError``).
Every failure is an :class:`~si_thermal.errors.InputError` naming the file and the field.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from si_thermal.errors import InputError

MAX_INPUT_BYTES = 256 * 2**20  # 256 MiB: far above any TOML or Touchstone file of a channel
NAME_MAX = 255  # bytes per path component (Linux, macOS)


def _os_error(path: str | Path, field: str | None, err: OSError) -> InputError:
    reason = {errno.ENOENT: "file not found", errno.EACCES: "permission denied",
              errno.ENAMETOOLONG: "file name too long", errno.ENOTDIR: "a parent of the path is not a folder",
              errno.ELOOP: "too many symbolic links", errno.EISDIR: "is a folder, not a file"}
    return InputError(path, field, reason.get(err.errno, err.strerror or type(err).__name__))


def _check_name(path: str | Path, field: str | None) -> None:
    text = os.fspath(path)
    if "\0" in text:
        raise InputError(repr(text), field, "file name contains a NUL character")
    if any(len(part.encode("utf-8", "surrogateescape")) > NAME_MAX for part in Path(text).parts):
        raise InputError(text[:60] + "...", field, f"a file name component is longer than {NAME_MAX} bytes")


def _check_stat(st: os.stat_result, path: str | Path, field: str | None, max_bytes: int) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise InputError(path, field, "is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(path, field, "not a regular file (a device, FIFO or socket cannot be an input)")
    if st.st_size > max_bytes:
        raise InputError(path, field, f"file of {st.st_size / 2**20:.0f} MiB is larger than the "
                                      f"{max_bytes / 2**20:.0f} MiB input limit")


def read_input_bytes(path: str | Path, field: str | None = None, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular input file of at most ``max_bytes``; anything else is an InputError."""
    _check_name(path, field)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not block open()
    except OSError as err:
        raise _os_error(path, field, err) from None
    try:
        _check_stat(os.fstat(fd), path, field, max_bytes)
        chunks, total = [], 0
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if total > max_bytes:  # grew while being read
                raise InputError(path, field, f"file is larger than the {max_bytes / 2**20:.0f} MiB input limit")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as err:
        raise _os_error(path, field, err) from None
    finally:
        os.close(fd)


def read_input_text(path: str | Path, field: str | None = None, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The text of a regular UTF-8 input file (see :func:`read_input_bytes`)."""
    data = read_input_bytes(path, field, max_bytes)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise InputError(path, field, f"not UTF-8 text (byte 0x{data[err.start]:02x} on line {line})") from None


def check_input_file(path: str | Path, field: str | None = None, max_bytes: int = MAX_INPUT_BYTES) -> Path:
    """``path`` as a Path after checking it names a regular, readable file within the size cap,
    without reading it (for readers such as scikit-rf that open the file themselves)."""
    _check_name(path, field)
    try:
        st = os.stat(path)
    except OSError as err:
        raise _os_error(path, field, err) from None
    _check_stat(st, path, field, max_bytes)
    if not os.access(path, os.R_OK):
        raise InputError(path, field, "permission denied")
    return Path(path)


def check_output_path(path: str | Path | None, field: str | None = None, *, folder: bool = False) -> None:
    """Before any work: ``path`` can be written (an existing file is replaced; missing parent folders
    are created by the writer). ``folder=True`` for outputs that are folders (XDMF)."""
    if path is None:
        return
    _check_name(path, field)
    p = Path(path)
    if p.exists():
        if folder and not p.is_dir():
            raise InputError(p, field, "exists and is not a folder")
        if not folder and p.is_dir():
            raise InputError(p, field, "is a folder; give a file name")
        if not folder and not p.is_file():
            raise InputError(p, field, "exists and is not a regular file")
    target = p if folder and p.is_dir() else p.parent
    parent = target
    while not parent.exists():  # the first existing ancestor must be a writable folder
        if parent == parent.parent:
            break
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        raise InputError(p, field, f"'{parent}' is not a folder")
    if parent == target:  # try it: os.access says yes to root on a read-only file system
        try:
            fd, probe = tempfile.mkstemp(prefix=".si-thermal-probe.", dir=parent)
            os.close(fd)
            os.unlink(probe)
        except OSError as err:
            raise InputError(p, field, f"cannot write in folder '{parent}': {err.strerror}") from None
    elif not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(p, field, f"folder '{parent}' is not writable")
