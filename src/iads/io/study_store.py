"""The store of one study: ``DIR/study.duckdb``, appended one replication at a time.

Tables:

- ``study``: one row: kind (mc or sweep), scenario name, hash and JSON, study seed, runs per
  point, fidelity, the varied paths (JSON), iads version, creation time;
- ``points``: one row per grid point: point, label, scenario_hash, and one column per varied
  path (named by the path) holding that point's value;
- ``replications``: one row per finished replication, keyed (point, rep): its seed, fidelity,
  wall time and every key of the run summary;
- ``threats``, ``engagements`` and any further run table: the run's rows with (point, rep);
- ``summary``: the study summary (written when a study finishes).

Missing values are SQL NULL: a NaN float and an empty string are stored as NULL.

Safety: a replication is written in one transaction (its rows in every table, then its
``replications`` row), so a crash or Ctrl-C leaves whole replications only; a replication
already stored is never written again; one process writes a store at a time (``StudyLock``,
an exclusive ``flock`` on ``DIR/study.lock``, released by the OS if the writer dies).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from iads.errors import InputError

if TYPE_CHECKING:
    import pyarrow as pa

STUDY_FILE = "study.duckdb"
LOCK_FILE = "study.lock"
META_TABLES = ("study", "points", "summary")


def study_path(study_dir: str | Path) -> Path:
    """``study_dir/study.duckdb``."""
    return Path(study_dir) / STUDY_FILE


def is_study(path: str | Path) -> bool:
    """Whether ``path`` is a study directory (holds ``study.duckdb``)."""
    return study_path(path).is_file()


def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v)


def _object_array(values: list[Any]) -> pa.Array:
    import pyarrow as pa

    present = [v for v in values if not _is_missing(v)]
    if values and all(isinstance(v, str) for v in values):
        return pa.array([None if not v else v for v in values], pa.string())
    if not present:
        return pa.array([None] * len(values), pa.float64())
    clean = [None if _is_missing(v) else v for v in values]
    if all(isinstance(v, bool | np.bool_) for v in present):
        return pa.array([None if v is None else bool(v) for v in clean], pa.bool_())
    if all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in present):
        return pa.array([None if v is None else int(v) for v in clean], pa.int64())
    if all(isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in present):
        return pa.array([None if v is None else float(v) for v in clean], pa.float64())
    return pa.array([None if v is None else str(v) for v in clean], pa.string())


def to_arrow(columns: dict[str, Any]) -> pa.Table:
    """Columns (NumPy arrays or lists) as an Arrow table with NaN and "" as NULL."""
    import pyarrow as pa

    arrays = {}
    for name, col in columns.items():
        arr = np.asarray(col)
        if arr.dtype == object or arr.dtype.kind in "US":
            arrays[name] = _object_array(list(arr.tolist()))
        elif arr.dtype.kind == "f":
            arrays[name] = pa.array(arr.astype(np.float64), mask=np.isnan(arr))
        else:
            arrays[name] = pa.array(arr)
    return pa.table(arrays)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _db_error(path: Path, exc: Exception) -> InputError:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "lock" in text.lower():
        return InputError(
            "a study is writing this store; try again when it finishes", file=str(path)
        )
    return InputError(f"not an iads study store ({text})", file=str(path))


class StudyLock:
    """Exclusive lock of a study directory for the life of one writer (``flock``)."""

    def __init__(self, study_dir: str | Path) -> None:
        self.dir = Path(study_dir)
        self._fd: int | None = None

    def __enter__(self) -> StudyLock:
        import fcntl

        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / LOCK_FILE
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise InputError(
                f"another study is writing this store (pid {holder}); wait for it or use another --out",
                file=str(self.dir),
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        import fcntl

        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class StudyWriter:
    """The one writer of a study store (hold a ``StudyLock`` around it)."""

    def __init__(self, study_dir: str | Path) -> None:
        import duckdb

        self.path = study_path(study_dir)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        from iads.io.store import SAFE_CONFIG, connect_readonly

        if self.path.exists():  # resuming: refuse a file that is not DuckDB before opening it
            connect_readonly(self.path, "an iads study store").close()
        try:
            self.con = duckdb.connect(str(self.path), config=SAFE_CONFIG)
        except duckdb.Error as exc:
            raise _db_error(self.path, exc) from None
        self._columns: dict[str, dict[str, str]] = {}
        self._described: dict[str, tuple[Any, dict[str, str]]] = {}
        """Per table the Arrow schema last inserted and the DuckDB types it was read as."""

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> StudyWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def tables(self) -> list[str]:
        rows = self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        return sorted(r[0] for r in rows)

    def _table_columns(self, name: str) -> dict[str, str]:
        if name not in self._columns:
            rows = self.con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = ? ORDER BY ordinal_position",
                [name],
            ).fetchall()
            self._columns[name] = {c: t for c, t in rows}
        return self._columns[name]

    def _insert(self, name: str, table: pa.Table, primary: tuple[str, ...] = ()) -> None:
        """Append ``table`` to ``name`` by column name: create the table, add new columns and
        widen integer columns to DOUBLE when a float arrives."""
        con = self.con
        con.register("_iads_rows", table)
        try:
            seen = self._described.get(name)
            if seen is not None and seen[0].equals(table.schema):
                incoming = seen[1]  # the same Arrow schema: DuckDB reads it as the same types
            else:
                described = con.execute("DESCRIBE SELECT * FROM _iads_rows").fetchall()
                incoming = {r[0]: r[1] for r in described}
                self._described[name] = (table.schema, incoming)
            have = self._table_columns(name)
            if not have:
                cols = ", ".join(f"{_q(c)} {t}" for c, t in incoming.items())
                key = f", PRIMARY KEY ({', '.join(map(_q, primary))})" if primary else ""
                con.execute(f"CREATE TABLE {_q(name)} ({cols}{key})")
                self._columns.pop(name, None)
            else:
                altered = False
                for col, typ in incoming.items():
                    if col not in have:
                        con.execute(f"ALTER TABLE {_q(name)} ADD COLUMN {_q(col)} {typ}")
                        altered = True
                    elif have[col] != typ and typ != '"NULL"' and have[col] != "DOUBLE":
                        if {have[col], typ} <= {"BIGINT", "DOUBLE", "INTEGER"}:
                            con.execute(f"ALTER TABLE {_q(name)} ALTER {_q(col)} TYPE DOUBLE")
                            altered = True
                if altered:  # the cached columns stay true until a table changes
                    self._columns.pop(name, None)
            con.execute(f"INSERT INTO {_q(name)} BY NAME SELECT * FROM _iads_rows")
        finally:
            con.unregister("_iads_rows")

    def replace(self, name: str, columns: dict[str, Any]) -> None:
        """Replace the whole table ``name`` with ``columns`` (in one transaction)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute(f"DROP TABLE IF EXISTS {_q(name)}")
            self._columns.pop(name, None)
            self._insert(name, to_arrow(columns))
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            self._columns.clear()
            raise

    def done(self) -> set[tuple[int, int]]:
        """(point, rep) of every stored replication."""
        if "replications" not in self.tables():
            return set()
        rows = self.con.execute("SELECT point, rep FROM replications").fetchall()
        return {(int(p), int(r)) for p, r in rows}

    def append(self, rows: dict[str, dict[str, Any]]) -> bool:
        """Store one replication's rows atomically; False (nothing written) if that (point, rep)
        is already stored."""
        rep_row = rows["replications"]
        key = (int(rep_row["point"][0]), int(rep_row["rep"][0]))
        if key in self._done_cache():
            return False
        self.con.execute("BEGIN TRANSACTION")
        try:
            for name, cols in rows.items():
                if name != "replications":
                    self._insert(name, to_arrow(cols))
            self._insert("replications", to_arrow(rep_row), primary=("point", "rep"))
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            self._columns.clear()
            raise
        self._done.add(key)
        return True

    def _done_cache(self) -> set[tuple[int, int]]:
        if not hasattr(self, "_done"):
            self._done = self.done()
        return self._done

    def checkpoint(self) -> None:
        self.con.execute("CHECKPOINT")


@contextmanager
def open_study(study_dir: str | Path) -> Iterator[Any]:
    """A read-only connection to a study store; DuckDB errors become one-line InputErrors."""
    import duckdb

    path = study_path(study_dir)
    if not path.is_file():
        raise InputError(
            f"no {STUDY_FILE} here (make one with `iads mc` or `iads sweep`)", file=str(study_dir)
        )
    from iads.io.store import connect_readonly

    con = connect_readonly(path, "an iads study store")
    try:
        yield con
    except duckdb.Error as exc:
        raise _db_error(path, exc) from None
    finally:
        con.close()


def read_columns(con: Any, name: str, order: str = "") -> dict[str, np.ndarray]:
    """A table as NumPy columns; NULL becomes NaN (floats) or None (others)."""
    sql = f"SELECT * FROM {_q(name)}" + (f" ORDER BY {order}" if order else "")
    cols = con.execute(sql).fetchnumpy()
    out = {}
    for c, v in cols.items():
        if np.ma.isMaskedArray(v):
            if v.dtype.kind == "f":
                v = np.ma.filled(v, np.nan)
            else:
                mask = np.ma.getmaskarray(v)
                arr = np.asarray(v.data, dtype=object)
                arr[mask] = None
                v = arr
        out[c] = np.asarray(v)
    return out


def read_meta(con: Any) -> dict[str, Any]:
    """The ``study`` row as a dict (``vary`` decoded from JSON)."""
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
        ).fetchall()
    ]
    if "study" not in names:
        raise InputError("not an iads study store (no table 'study')")
    cur = con.execute("SELECT * FROM study")
    row = cur.fetchone()
    meta = dict(zip([d[0] for d in cur.description], row, strict=True))
    meta["vary"] = json.loads(meta.get("vary_json") or "[]")
    return meta


__all__ = [
    "LOCK_FILE",
    "STUDY_FILE",
    "StudyLock",
    "StudyWriter",
    "is_study",
    "open_study",
    "read_columns",
    "read_meta",
    "study_path",
    "to_arrow",
]
