"""Where an output came from: the package version, the command, and the SHA-256 of each input file.

Every file the package writes (CSV, JSON, Parquet, Touchstone, XDMF; the PDF has its own appendix)
carries one :class:`Provenance`, stamped in the way its format allows:

- JSON:        a top-level ``"provenance"`` object (:func:`stamp_json`);
- CSV:         ``# key: value`` comment lines before the header row (:func:`csv_header`;
               read back with ``pandas.read_csv(path, comment="#")`` or :func:`read_csv_rows`);
- Touchstone:  ``!`` comment lines before the option line (:func:`touchstone_comments`);
- Parquet:     schema metadata under the key ``b"si_thermal.provenance"`` (:func:`parquet_metadata`);
- XDMF:        an ``<Information Name="si_thermal.provenance">`` element in the ``<Domain>`` and a
               ``unit`` ``<Information>`` in each field's ``<Attribute>`` (:func:`stamp_xdmf`).

Inputs are the files named on the command line and, transitively, the files they name
(:func:`input_files`), plus the packaged tables every run reads (rates, COM sets, materials).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import shlex
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

from si_thermal import __version__

PROVENANCE_KEY = "si_thermal.provenance"
ET.register_namespace("xi", "https://www.w3.org/2001/XInclude")
_TOUCHSTONE_SUFFIXES = (".s1p", ".s2p", ".s3p", ".s4p", ".snp", ".ts")
_HASHES: dict[tuple[str, int, int], str] = {}


def sha256_file(path: str | Path) -> str:
    """SHA-256 (hex) of a file's bytes; remembered per (resolved path, mtime, size)."""
    p = Path(path).resolve()
    st = p.stat()
    key = (str(p), st.st_mtime_ns, st.st_size)
    if key not in _HASHES:
        h = hashlib.sha256()
        with p.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        _HASHES[key] = h.hexdigest()
    return _HASHES[key]


def command_line(argv: list[str] | None = None) -> str:
    """The command as typed: ``si-thermal ARGS`` for the CLI (whatever path launched it)."""
    argv = list(sys.argv if argv is None else argv)
    if not argv:
        return ""
    prog = Path(argv[0]).name
    if prog in ("si-thermal", "__main__.py") or prog.startswith("si-thermal"):
        argv[0] = "si-thermal"
    return shlex.join(argv)


def _named_files(path: Path, seen: set[Path]) -> None:
    """Add ``path`` and every existing file its TOML strings name (relative to it, or to the
    project's data folders) to ``seen``, recursively."""
    path = path.resolve()
    if path in seen or not path.is_file():
        return
    seen.add(path)
    if path.suffix != ".toml":
        return
    from si_thermal import paths

    bases = (path.parent, paths.boards_dir(), paths.channels_dir(), paths.racks_dir())
    st = path.stat()
    for candidates in _named_strings(path, st.st_mtime_ns, st.st_size, bases):
        for cand in candidates:  # existence checked each time: a named file may appear later
            if cand.is_file():
                _named_files(cand, seen)
                break


@functools.lru_cache(maxsize=2048)
def _named_strings(path: Path, mtime_ns: int, size: int, bases: tuple[Path, ...]) -> tuple[tuple[Path, ...], ...]:
    """Per file name a TOML file's strings hold, the places it may lie (``bases`` in order); one
    parse per state of the file (its modification time and size are in the key)."""
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ()
    out: list[tuple[Path, ...]] = []

    def walk(v) -> None:
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str) and (v.endswith(".toml") or v.lower().endswith(_TOUCHSTONE_SUFFIXES)):
            out.append(tuple(base / v for base in bases))

    walk(data)
    return tuple(out)


def input_files(files: Iterable[str | Path], *, packaged: bool = True) -> list[Path]:
    """``files`` and every file they name, transitively; with ``packaged`` also the rate table,
    COM parameter sets and materials library every model reads. Sorted, existing files only."""
    seen: set[Path] = set()
    for f in files:
        if f is not None:
            _named_files(Path(f), seen)
    if packaged:
        from si_thermal import paths

        for f in (paths.materials_file(), paths.serdes_file(), paths.com_params_file()):
            _named_files(Path(f), seen)
    return sorted(seen)


def _display(path: Path) -> str:
    """A path as it is printed: relative to the working directory when it lies below it."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Provenance:
    """Version, command, UTC time of writing and ``{input path: SHA-256}`` of one output."""

    version: str
    command: str
    created_utc: str
    inputs: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"software": "si_thermal", "version": self.version, "command": self.command,
                "created_utc": self.created_utc, "inputs_sha256": dict(self.inputs)}

    def lines(self) -> list[str]:
        """Human-readable ``key: value`` lines (CSV and Touchstone comments)."""
        out = [f"si_thermal {self.version}", f"command: {self.command}", f"created_utc: {self.created_utc}"]
        out += [f"input: {p} sha256={h}" for p, h in self.inputs.items()]
        return out


def collect(inputs: Iterable[str | Path] = (), *, command: str | None = None, packaged: bool = True) -> Provenance:
    """Provenance of an output computed from ``inputs`` (and the files they name) now."""
    files = input_files(inputs, packaged=packaged)
    return Provenance(
        version=__version__,
        command=command_line() if command is None else command,
        created_utc=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        inputs={_display(f): sha256_file(f) for f in files},
    )


# --- stamping, one function per format ------------------------------------------------------


def stamp_json(payload, prov: Provenance):
    """``payload`` with a ``"provenance"`` entry: a dict gains the key; anything else becomes
    ``{"provenance": ..., "results": payload}``."""
    if isinstance(payload, Mapping):
        return {**payload, "provenance": prov.to_dict()}
    return {"results": payload, "provenance": prov.to_dict()}


def csv_header(prov: Provenance) -> str:
    """``# ...`` comment lines to put before a CSV's header row."""
    return "".join(f"# {line}\n" for line in prov.lines())


def csv_text(rows: list[Mapping], fieldnames: list[str], prov: Provenance) -> str:
    """A CSV document: provenance comment lines, then the header row and ``rows``."""
    buf = io.StringIO()
    buf.write(csv_header(prov))
    w = csv.DictWriter(buf, fieldnames=fieldnames, extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def read_csv_rows(path: str | Path) -> list[dict[str, str]]:
    """Rows of a CSV written by :func:`csv_text` (comment lines skipped)."""
    lines = [ln for ln in Path(path).read_text().splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines))


def read_csv_provenance(path: str | Path) -> list[str]:
    """The provenance comment lines of a CSV (without ``# ``)."""
    out = []
    for ln in Path(path).read_text().splitlines():
        if not ln.startswith("#"):
            break
        out.append(ln[1:].strip())
    return out


def touchstone_comments(prov: Provenance) -> str:
    """``! ...`` comment lines to put at the top of a Touchstone file."""
    return "".join(f"! {line}\n" for line in prov.lines())


def parquet_metadata(prov: Provenance) -> dict[bytes, bytes]:
    """Key-value schema metadata for a Parquet file (``pyarrow``: ``schema.with_metadata``)."""
    return {PROVENANCE_KEY.encode(): json.dumps(prov.to_dict()).encode()}


def stamp_xdmf(path: str | Path, prov: Provenance, units: Mapping[str, str] | None = None) -> Path:
    """Add provenance to an ``.xdmf`` file's ``<Domain>`` and a ``unit`` to each named field
    (``units``: attribute name -> unit string, e.g. ``{"temperature": "K"}``); rewritten atomically."""
    from si_thermal.atomic import write_text

    path = Path(path).with_suffix(".xdmf")
    text = path.read_text()
    doctype = next((ln for ln in text.splitlines()[:3] if ln.startswith("<!DOCTYPE")), "")
    tree = ET.ElementTree(ET.fromstring(text))
    root = tree.getroot()
    domain = root.find("Domain")
    if domain is None:
        domain = root
    for old in domain.findall(f"Information[@Name='{PROVENANCE_KEY}']"):
        domain.remove(old)
    info = ET.Element("Information", Name=PROVENANCE_KEY, Value=json.dumps(prov.to_dict()))
    domain.insert(0, info)
    for attr in root.iter("Attribute"):
        unit = (units or {}).get(attr.get("Name", ""))
        if unit is None:
            continue
        for old in attr.findall("Information[@Name='unit']"):
            attr.remove(old)
        attr.insert(0, ET.Element("Information", Name="unit", Value=unit))
    ET.indent(tree)
    head = '<?xml version="1.0"?>\n' + (doctype + "\n" if doctype else "")
    write_text(path, head + ET.tostring(root, encoding="unicode") + "\n")
    return path


def read_xdmf_provenance(path: str | Path) -> dict:
    """The provenance object stamped into an ``.xdmf`` file by :func:`stamp_xdmf`."""
    root = ET.parse(Path(path)).getroot()
    el = root.find(f".//Information[@Name='{PROVENANCE_KEY}']")
    if el is None:
        raise KeyError(f"{path}: no {PROVENANCE_KEY}")
    return json.loads(el.get("Value"))
