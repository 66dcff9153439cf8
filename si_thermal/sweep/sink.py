"""Rows streamed to disk as they finish, keyed by the point's parameters, and read back for ``--resume``.

Parquet (``OUT.parquet``): finished rows go, every ``flush_s`` seconds or ``flush_rows`` rows, into
small part files ``OUT.parquet.parts/part-*.parquet`` (each written whole and renamed into place, so
a crash leaves only complete parts); closing the sink (end of the sweep, or an interrupt) merges the
previous ``OUT.parquet`` (on resume) and the parts into a new ``OUT.parquet``, sorted by point, and
removes the parts. A sweep killed before that leaves the parts, which ``--resume`` reads.
CSV (``OUT.csv``): rows appended and flushed as they come (a cut-off last line is dropped on resume),
rewritten sorted at the end.

Provenance (:mod:`si_thermal.provenance`: Parquet schema metadata key ``si_thermal.provenance``; CSV
``# `` comment lines before the header, the last one ``# sweep: {json}``): version, command line,
SHA-256 of every input file, the sweep's specification and its fingerprint (hash of the
specification and the input hashes). ``--resume`` refuses a file whose fingerprint differs.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
import time
from pathlib import Path

from si_thermal.atomic import write_text
from si_thermal.errors import InputError
from si_thermal.provenance import PROVENANCE_KEY, Provenance

META_KEY = PROVENANCE_KEY.encode()
CSV_META = "sweep: "
FORMATS = (".parquet", ".csv")


def _arrow_type(kind: str):
    import pyarrow as pa

    return {"float": pa.float64(), "str": pa.string(), "int": pa.int64()}[kind]


def _parts_dir(out: Path) -> Path:
    return out.with_name(out.name + ".parts")


def _csv_comments(meta: dict) -> str:
    """``# `` lines: :meth:`Provenance.lines`, then ``sweep: {json}`` with everything (read back)."""
    p = Provenance(meta["version"], meta["command"], meta["created_utc"], meta["inputs_sha256"])
    return "".join(f"# {line}\n" for line in p.lines()) + f"# {CSV_META}{json.dumps(meta)}\n"


def _split_csv(text: str) -> tuple[dict, str]:
    """(metadata, the CSV without its comment lines)."""
    meta, body = {}, []
    for line in text.splitlines(keepends=True):
        if line.startswith("#"):
            if line[1:].strip().startswith(CSV_META):
                meta = json.loads(line[1:].strip()[len(CSV_META):])
        else:
            body.append(line)
    return meta, "".join(body)


def read_results(path: str | Path) -> tuple[list[dict], dict]:
    """(rows sorted by point, provenance) of a finished sweep file (.parquet or .csv)."""
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        meta = json.loads((table.schema.metadata or {}).get(META_KEY, b"{}"))
        rows = table.to_pylist()
    else:
        meta, body = _split_csv(path.read_text())
        types = dict(meta.get("columns", []))
        rows = [_from_csv(r, types) for r in csv.DictReader(io.StringIO(body))]
    return sorted(rows, key=lambda r: r["point"]), meta


def _from_csv(r: dict, types: dict) -> dict:
    out = {}
    for k, v in r.items():
        t = types.get(k, "str")
        if t == "int":
            out[k] = int(v)
        elif t == "float":
            out[k] = float(v) if v != "" else None
        else:
            out[k] = v
    return out


class _Sink:
    """Common part: schema, provenance, the keys already finished."""

    def __init__(self, out: Path, columns: list[tuple[str, str]], meta: dict, resume: bool,
                 flush_s: float = 2.0, flush_rows: int = 2000):
        self.out, self.columns, self.meta, self.resume = out, columns, meta, resume
        self.names = [c for c, _ in columns]
        self.flush_s, self.flush_rows = flush_s, flush_rows
        self.buffer: list[dict] = []
        self.last_flush = time.monotonic()
        self.done: set[str] = set()
        self.previous_rows = 0

    def _check(self, meta: dict, where: Path) -> None:
        if not meta:
            raise InputError(where, "--resume", "no sweep provenance in this file; it was not written by "
                                                "si-thermal sweep (remove it or write elsewhere)")
        if meta.get("fingerprint") != self.meta["fingerprint"]:
            old, new = meta.get("sweep", {}), self.meta["sweep"]
            diff = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
            old_in, new_in = meta.get("inputs_sha256", {}), self.meta["inputs_sha256"]
            changed = sorted({Path(k).name for k, h in old_in.items() if h not in new_in.values()}
                             | {Path(k).name for k, h in new_in.items() if h not in old_in.values()})
            if changed:
                diff.append("input files " + ", ".join(changed))
            raise InputError(where, "--resume", f"written by a different sweep ({', '.join(diff) or 'fingerprint'} "
                                                f"differ); resume only the same sweep")

    def row(self, point: int, key: str, params: dict, result: dict) -> dict:
        """One row in column order, each value of its column's type (None where a failed point has none)."""
        r = {"point": point, "point_key": key, **params, **result}
        out = {}
        for n, t in self.columns:
            v = r.get(n)
            if v is not None:
                v = str(v) if t == "str" else float(v) if t == "float" else int(v)
            out[n] = v
        return out

    def add(self, rows: list[dict]) -> None:
        self.buffer.extend(rows)
        if len(self.buffer) >= self.flush_rows or time.monotonic() - self.last_flush >= self.flush_s:
            self.flush()


class ParquetSink(_Sink):
    def open(self) -> set[str]:
        """Read what a resumed sweep already holds (nothing is changed on disk here)."""
        import pyarrow.parquet as pq

        self.parts = _parts_dir(self.out)
        self._seq = 0
        if not self.resume:
            return self.done
        sources = ([self.out] if self.out.exists() else []) + sorted(self.parts.glob("part-*.parquet")) \
            if self.parts.is_dir() else ([self.out] if self.out.exists() else [])
        for src in sources:
            try:
                schema = pq.read_schema(src)
                meta = json.loads((schema.metadata or {}).get(META_KEY, b"{}"))
            except Exception as err:  # noqa: BLE001 - not a Parquet file at all
                raise InputError(src, "--resume", f"cannot read it as a sweep's Parquet file ({err})") from None
            self._check(meta, src)
            keys = pq.read_table(src, columns=["point_key"]).column("point_key").to_pylist()
            self.done.update(keys)
        self._seq = len(list(self.parts.glob("part-*.parquet"))) if self.parts.is_dir() else 0
        self.previous_rows = len(self.done)
        return self.done

    def start(self) -> None:
        """First write of this run: a fresh sweep drops the parts a previous one left."""
        if not self.resume and self.parts.exists():
            shutil.rmtree(self.parts)
        self.parts.mkdir(parents=True, exist_ok=True)

    def _schema(self):
        import pyarrow as pa

        fields = [pa.field(n, _arrow_type(t)) for n, t in self.columns]
        return pa.schema(fields, metadata={META_KEY: json.dumps(self.meta).encode()})

    def _write(self, table, path: Path) -> None:
        import pyarrow.parquet as pq

        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            pq.write_table(table, tmp)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)

    def flush(self) -> None:
        import pyarrow as pa

        self.last_flush = time.monotonic()
        if not self.buffer:
            return
        table = pa.Table.from_pylist(self.buffer, schema=self._schema())
        self._seq += 1
        self._write(table, self.parts / f"part-{self._seq:06d}-{os.getpid()}.parquet")
        self.buffer = []

    def close(self) -> int:
        """Merge the previous file and every part into OUT (sorted by point, one row per key); rows in all."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.flush()
        sources = ([self.out] if self.resume and self.out.exists() else [])
        sources += sorted(self.parts.glob("part-*.parquet")) if self.parts.is_dir() else []
        schema = self._schema()
        tables = [pq.read_table(s).select(self.names).cast(schema) for s in sources]
        table = pa.concat_tables(tables) if tables else schema.empty_table()
        rows = {r["point_key"]: r for r in table.to_pylist()}  # later sources win (none differ)
        merged = pa.Table.from_pylist(sorted(rows.values(), key=lambda r: r["point"]), schema=schema)
        self._write(merged, self.out)
        shutil.rmtree(self.parts, ignore_errors=True)
        return merged.num_rows


class CsvSink(_Sink):
    def open(self) -> set[str]:
        if not self.resume or not self.out.exists():
            return self.done
        text = self.out.read_text()
        meta, body = _split_csv(text)
        self._check(meta, self.out)
        self._keep = text if text.endswith("\n") else text[: text.rfind("\n") + 1]  # cut-off last line
        reader = csv.DictReader(io.StringIO(_split_csv(self._keep)[1]))
        if reader.fieldnames and list(reader.fieldnames) != self.names:
            raise InputError(self.out, "--resume", "its columns differ from this sweep's")
        self.done.update(r["point_key"] for r in reader)
        self.previous_rows = len(self.done)
        return self.done

    def start(self) -> None:
        if self.resume and self.out.exists():
            write_text(self.out, self._keep)
        else:
            write_text(self.out, _csv_comments(self.meta) + self._header())
        self._fh = self.out.open("a", newline="")

    def _header(self) -> str:
        buf = io.StringIO()
        csv.writer(buf).writerow(self.names)
        return buf.getvalue()

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        if not self.buffer:
            return
        w = csv.writer(self._fh)
        for r in self.buffer:
            w.writerow(["" if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in r.values()])
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self.buffer = []

    def close(self) -> int:
        self.flush()
        self._fh.close()
        types = dict(self.columns)
        _, body = _split_csv(self.out.read_text())
        rows = {r["point_key"]: r for r in (_from_csv(r, types) for r in csv.DictReader(io.StringIO(body)))}
        buf = io.StringIO()
        buf.write(_csv_comments(self.meta))
        w = csv.writer(buf)
        w.writerow(self.names)
        for r in sorted(rows.values(), key=lambda r: r["point"]):
            w.writerow(["" if r[n] is None else r[n] for n in self.names])
        write_text(self.out, buf.getvalue())
        return len(rows)


def open_sink(out: Path, columns, meta: dict, resume: bool, **kw) -> _Sink:
    if out.suffix.lower() not in FORMATS:
        raise InputError(out, "--out", f"results file must end in {' or '.join(FORMATS)}")
    cls = ParquetSink if out.suffix.lower() == ".parquet" else CsvSink
    return cls(out, columns, meta, resume, **kw)
