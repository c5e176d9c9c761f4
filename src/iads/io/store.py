"""The results store of one run: ``DIR/results.duckdb``, written atomically.

Tables (every row carries ``run_id``):

- ``runs``: run_id, scenario_name, scenario_hash, seed, iads_version, wall_time_s, end_time_s,
  defended, engagement_mode, created_utc, scenario_json (the scenario as run, for reports);
- ``events``: time_s, kind, entity_id, other_id, x_m, y_m, z_m, value (ENU, m);
- ``threats``: one row per threat (outcome, arrival time, interceptors spent ...);
- ``paths``: threat_id, time_s, x_m, y_m, z_m, lat_deg, lon_deg, alt_m;
- ``engagements``: one row per interceptor fired: the track fired at, the threat that track
  followed (scoring) and the threat the end game met (-1: none, a false track), outcome;
- ``tracks``: time_s, battery, track_id, x_m ... vz_mps, position_std_m, truth_id (every unit's
  reported tracks per frame, labelled by the scoring recorder; empty when no tracker ran);
- ``batteries``: one row per battery: rounds left and fired, reloads, magazine empty time;
- ``interceptor_paths``: interceptor_id, threat_id (fired at or met, as in
  ``engagements``), time_s,
  x_m, y_m, z_m (launch point, every ``PATH_SAMPLE_S`` in flight, end point; defended runs);
- ``summary``: key, value (number or NULL), text;
- any further table in ``RunResult.tables``.

Missing numbers (NaN in the run's arrays: never detected, no kill to divide by) are SQL NULL.

The file is written under a temporary name in the same directory and moved into place with
``os.replace``; if anything fails, the temporary file (and the directory, if this call created
it) is removed, so a reader sees either the whole store or none.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa

    from iads.sim.run import RunResult

RESULTS_FILE = "results.duckdb"
TRACK_COLUMNS = ("time_s", "track_id", "x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps")
THREAT_SUMMARY_COLUMNS = (
    "threat_id",
    "name",
    "target",
    "launch_time_s",
    "first_detect_s",
    "first_track_s",
    "interceptors",
    "outcome",
    "outcome_time_s",
)
"""Columns of ``threats`` that a summary shows (``read_summary`` checks they are there)."""
_NAME = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]{0,62}\Z")
"""A table name iads writes and reads: a plain identifier (safe as a file name too)."""
_FIXED = ("runs", "events", "threats", "paths", "summary")
SAFE_CONFIG = {"autoload_known_extensions": False, "autoinstall_known_extensions": False}
"""DuckDB settings for every connection iads opens: never load or download an extension (a
file that is not DuckDB, such as SQLite, would otherwise make DuckDB fetch one)."""
"""Tables only the run itself writes; others in ``RunResult.tables`` replace derived ones."""


def _mode(result: RunResult) -> str:
    """How the run was made: "full" or "fast" interceptors, or "none" (undefended)."""
    if not result.summary.get("defended", True):
        return "none"
    return str(result.summary.get("engagement_mode", "full"))


def run_id(result: RunResult) -> str:
    """A run's identifier: scenario hash prefix, seed and mode (the same run gets the same id;
    full, fast and undefended runs of one scenario and seed do not)."""
    return f"{result.scenario_hash[:12]}-s{result.seed}-{_mode(result)}"


def _arrow(columns: dict[str, Any], rid: str) -> pa.Table:
    import pyarrow as pa

    n = len(next(iter(columns.values()))) if columns else 0
    arrays: dict[str, pa.Array] = {"run_id": pa.array([rid] * n, pa.string())}
    for name, col in columns.items():
        arr = np.asarray(col)
        if arr.dtype == object or arr.dtype.kind in "US":
            arrays[name] = pa.array([str(x) for x in arr], pa.string())
        elif arr.dtype.kind == "f":
            arrays[name] = pa.array(arr, mask=np.isnan(arr))  # missing is NULL, not NaN
        else:
            arrays[name] = pa.array(arr)
    return pa.table(arrays)


def _summary_columns(summary: dict[str, Any]) -> dict[str, np.ndarray]:
    keys, values, texts = [], [], []
    for key, v in summary.items():
        keys.append(key)
        if isinstance(v, bool | int | float | np.number) and not isinstance(v, str):
            x = float(v)
            values.append(x if math.isfinite(x) else np.nan)
        else:
            values.append(np.nan)
        texts.append(str(v))
    return {
        "key": np.array(keys, dtype=object),
        "value": np.array(values, dtype=float),
        "text": np.array(texts, dtype=object),
    }


def result_tables(result: RunResult) -> dict[str, dict[str, Any]]:
    """The tables of ``result`` by name, as dicts of columns (``run_id`` not yet added)."""
    runs = {
        "scenario_name": np.array([result.scenario_name], dtype=object),
        "scenario_hash": np.array([result.scenario_hash], dtype=object),
        "seed": np.array([result.seed], dtype=np.int64),
        "iads_version": np.array([result.version], dtype=object),
        "wall_time_s": np.array([result.wall_time_s]),
        "end_time_s": np.array([result.end_time_s]),
        "defended": np.array([bool(result.summary.get("defended", True))]),
        "engagement_mode": np.array([_mode(result)], dtype=object),
        "created_utc": np.array([datetime.now(UTC).isoformat(timespec="seconds")], dtype=object),
        "scenario_json": np.array([getattr(result, "scenario_json", "")], dtype=object),
    }
    tracks = result.tables.get("tracks") or {
        c: np.empty(0, dtype=np.int64 if c == "track_id" else float) for c in TRACK_COLUMNS
    }
    tables: dict[str, dict[str, Any]] = {
        "runs": runs,
        "events": result.events,
        "threats": result.threats,
        "paths": result.paths,
        "engagements": result.engagements,
        "tracks": tracks,
        "summary": _summary_columns(result.summary),
    }
    for name, cols in result.tables.items():
        if name not in _FIXED and _NAME.match(name) and cols:
            tables[name] = cols  # a system's own table wins over a derived one ("engagements")
    return tables


def _write_table(con: Any, name: str, table: pa.Table) -> None:
    con.register("_iads_src", table)
    try:
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _iads_src')
    finally:
        con.unregister("_iads_src")


def write_duckdb_atomic(final: str | Path, tables: dict[str, pa.Table]) -> Path:
    """Write Arrow ``tables`` into the DuckDB file ``final`` atomically
    (:func:`iads.io.files.atomic_path`): on any failure, Ctrl-C or SIGTERM nothing is left, no
    temporary file, no ``.wal``, no half-written store, no folder this call created."""
    import duckdb

    from iads.io.files import atomic_path

    final = Path(final)
    with atomic_path(final) as tmp:
        con = duckdb.connect(str(tmp), config=SAFE_CONFIG)
        try:
            for name, table in tables.items():
                _write_table(con, name, table)
            con.execute("CHECKPOINT")
        except duckdb.InterruptException:
            raise KeyboardInterrupt from None
        finally:
            con.close()
    return final


def write_results(result: RunResult, out_dir: str | Path) -> Path:
    """Write ``out_dir/results.duckdb`` atomically (replacing an older one); return its path."""
    rid = run_id(result)
    tables = {name: _arrow(cols, rid) for name, cols in result_tables(result).items()}
    return write_duckdb_atomic(Path(out_dir) / RESULTS_FILE, tables)


def results_path(run_dir: str | Path) -> Path:
    """``run_dir/results.duckdb``; raises InputError if it is not there."""
    from iads.errors import InputError

    path = Path(run_dir) / RESULTS_FILE
    if not path.is_file():
        raise InputError(
            f"no {RESULTS_FILE} here (make one with `iads run SCENARIO --out DIR`)",
            file=str(run_dir),
        )
    return path


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _not_a_store(path: Path, exc: BaseException) -> Exception:
    from iads.errors import InputError

    return InputError(f"not an iads results store ({_first_line(exc)})", file=str(path))


def _quote(name: str) -> str:
    """A table name as a DuckDB identifier (double quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def connect_readonly(path: str | Path, what: str = "an iads results store") -> Any:
    """A read-only DuckDB connection to a store that may come from anyone: a regular file
    whose header says DuckDB (an SQLite or other file is refused before DuckDB sees it), with
    extension loading and every file access from SQL (a view reading a local file) disabled.
    DuckDB errors become an InputError naming the file."""
    import duckdb

    from iads.errors import InputError
    from iads.io.files import check_regular

    p = str(path)
    check_regular(p, 1 << 62, what="DuckDB file")
    try:
        with open(p, "rb") as fh:
            head = fh.read(12)
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", file=p) from None
    if head[8:12] != b"DUCK":
        raise InputError(f"not {what} (not a DuckDB file)", file=p)
    try:
        return duckdb.connect(
            p, read_only=True, config={**SAFE_CONFIG, "enable_external_access": False}
        )
    except duckdb.Error as exc:
        raise InputError(f"not {what} ({_first_line(exc)})", file=p) from None


@contextmanager
def _open_store(run_dir: str | Path) -> Iterator[tuple[Any, Path]]:
    """A read-only connection (:func:`connect_readonly`) to ``run_dir/results.duckdb`` and its
    path. Any DuckDB error (a missing table or column, a locked file) becomes an InputError
    naming the file."""
    import duckdb

    path = results_path(run_dir)
    con = connect_readonly(path)
    try:
        yield con, path
    except duckdb.Error as exc:
        raise _not_a_store(path, exc) from None
    finally:
        con.close()


def _arrow_of(con: Any, name: str) -> pa.Table:
    """A whole table as Arrow (``to_arrow_table`` in DuckDB >= 1.4, ``arrow`` before)."""
    rel = con.sql(f"SELECT * FROM {_quote(name)}")
    return rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()


def _table_names(con: Any) -> list[str]:
    """The store's own tables: base tables (no views) of the main schema whose names are plain
    identifiers, as iads writes them; anything else in an untrusted file is never read."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
        "AND table_schema = 'main' ORDER BY table_name"
    ).fetchall()
    return [r[0] for r in rows if isinstance(r[0], str) and _NAME.match(r[0])]


def read_table(run_dir: str | Path, name: str) -> dict[str, np.ndarray]:
    """One table of a stored run as NumPy columns."""
    from iads.errors import InputError

    with _open_store(run_dir) as (con, path):
        if name not in _table_names(con):
            raise InputError(f"not an iads results store (no table {name!r})", file=str(path))
        cols = con.execute(f"SELECT * FROM {_quote(name)}").fetchnumpy()
    return {
        c: np.ma.filled(v, np.nan)
        if np.ma.isMaskedArray(v) and v.dtype.kind == "f"
        else np.asarray(v)
        for c, v in cols.items()
    }


def _need(table: dict[str, np.ndarray], name: str, columns: tuple[str, ...], run_dir: Any) -> None:
    from iads.errors import InputError

    for col in columns:
        if col not in table:
            raise InputError(
                f"not an iads results store (table {name!r} has no column {col!r})",
                file=str(Path(run_dir) / RESULTS_FILE),
            )


def read_summary(run_dir: str | Path) -> dict[str, Any]:
    """The run's identity (``runs`` row), totals (``summary``) and per-threat table."""
    from iads.errors import InputError

    runs = read_table(run_dir, "runs")
    summ = read_table(run_dir, "summary")
    _need(summ, "summary", ("key", "value", "text"), run_dir)
    if not runs or len(next(iter(runs.values()))) == 0:
        raise InputError(
            "not an iads results store (table 'runs' is empty)",
            file=str(Path(run_dir) / RESULTS_FILE),
        )
    totals: dict[str, Any] = {}
    for key, value, text in zip(summ["key"], summ["value"], summ["text"], strict=True):
        numeric = value is not None and not (isinstance(value, float) and math.isnan(value))
        totals[str(key)] = float(value) if numeric or text == "nan" else text
        if text in ("True", "False"):
            totals[str(key)] = text == "True"
        elif numeric and float(value).is_integer() and "." not in text:
            totals[str(key)] = int(value)
    run = {k: v[0].item() if hasattr(v[0], "item") else v[0] for k, v in runs.items()}
    threats = read_table(run_dir, "threats")
    _need(threats, "threats", THREAT_SUMMARY_COLUMNS, run_dir)
    return {"run": run, "totals": totals, "threats": threats}


def table_names(run_dir: str | Path) -> list[str]:
    """Tables in a stored run."""
    with _open_store(run_dir) as (con, _):
        return _table_names(con)


def check_parquet_dir(out_dir: str | Path, field: str = "--parquet") -> None:
    """Raise InputError if ``out_dir`` cannot be a Parquet output directory (checked up front).

    It must be an existing directory or a path whose nearest existing ancestor is a directory.
    """
    from iads.errors import InputError

    out = Path(out_dir)
    if out.exists():
        if not out.is_dir():
            raise InputError("must be a directory, not a file", file=str(out), field=field)
        return
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(f"{parent} is a file, not a directory", file=str(out), field=field)
            return


def _make_dirs(out: Path) -> list[Path]:
    """``mkdir -p out``; return the directories this call created, deepest first."""
    created = []
    p = out
    while not p.exists():
        created.append(p)
        if p.parent == p:
            break
        p = p.parent
    out.mkdir(parents=True, exist_ok=True)
    return created


def export_parquet(run_dir: str | Path, out_dir: str | Path) -> list[Path]:
    """Write every table of a stored run to ``out_dir/<table>.parquet``.

    All tables are read first, then written under temporary names in ``out_dir`` and moved
    into place with ``os.replace`` only once all were written. On failure the temporary files
    and any directory this call created are removed. No SQL is built from ``out_dir``.
    """
    import pyarrow.parquet as pq

    from iads.errors import InputError
    from iads.io.files import sweep_debris, temp_path

    check_parquet_dir(out_dir)
    with _open_store(run_dir) as (con, _):
        tables = {name: _arrow_of(con, name) for name in _table_names(con)}
    out = Path(out_dir)
    created: list[Path] = []
    pending: list[tuple[Path, Path]] = []
    try:
        created = _make_dirs(out)
        for name, table in tables.items():
            final = out / f"{name}.parquet"  # name is a plain identifier (_table_names)
            sweep_debris(final)
            tmp = temp_path(final)
            pending.append((tmp, final))
            pq.write_table(table, tmp)
        for tmp, final in pending:
            os.replace(tmp, final)
    except OSError as exc:
        _undo(pending, created)
        raise InputError(
            f"cannot write Parquet files ({_first_line(exc)})", file=str(out), field="--parquet"
        ) from None
    except BaseException:
        _undo(pending, created)
        raise
    return [final for _, final in pending]


def _undo(pending: list[tuple[Path, Path]], created: list[Path]) -> None:
    for tmp, _ in pending:
        tmp.unlink(missing_ok=True)
    for d in created:
        try:
            d.rmdir()
        except OSError:
            break


__all__ = [
    "RESULTS_FILE",
    "THREAT_SUMMARY_COLUMNS",
    "check_parquet_dir",
    "export_parquet",
    "read_summary",
    "read_table",
    "result_tables",
    "results_path",
    "run_id",
    "table_names",
    "write_results",
]
