"""What a report reads: a run's results store, or a study's ``replications`` table.

A run directory holds ``results.duckdb`` (``iads.io.store``). A study directory holds a DuckDB
store (``study.duckdb`` or ``results.duckdb``) with a ``replications`` table: one row per
replication, summary columns (``leakers``, ``interceptors_spent``, ``kills`` ... as in a run's
``summary``), and the sweep variables as further columns (docs/report.md has the layout). When
a store has both, the report shows both.

The scenario of a run is read back from ``runs.scenario_json`` (written since the report
exists); for an older store, ``scenario_file`` gives it, else the map shows what the tables
alone say (paths and events) and the coverage section is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from iads.errors import InputError

STORE_FILES = ("results.duckdb", "study.duckdb")
"""Store file names looked for in a RUN_OR_STUDY directory, in this order."""
STUDY_TABLE = "replications"
"""The study table: one row per replication."""
REPLICATION_ID_COLUMNS = ("run_id", "replication", "seed", "scenario_hash", "wall_time_s")
"""Columns of ``replications`` that identify a replication (neither result nor sweep)."""
RESULT_COLUMNS = (
    "threats",
    "launched",
    "detected",
    "tracked",
    "kills",
    "leakers",
    "expired",
    "unresolved",
    "interceptors_spent",
    "interceptors_per_kill",
    "interceptor_cost_usd",
    "interceptor_cost_known",
    "threat_cost_killed_usd",
    "threat_cost_total_usd",
    "cost_exchange_ratio",
    "leaked_asset_value",
    "last_arrival_s",
    "end_time_s",
    "defended",
    "engagement_mode",
)
"""Columns of ``replications`` that are results (the keys of a run's ``summary``); any other
column that is not an identifier is a sweep variable."""

Columns = dict[str, np.ndarray]


@dataclass
class RunData:
    """One run's tables (NumPy columns) and, when known, its scenario."""

    run: dict[str, Any]
    totals: dict[str, Any]
    threats: Columns
    events: Columns
    paths: Columns
    engagements: Columns
    batteries: Columns | None = None
    interceptor_paths: Columns | None = None
    scenario: Any = None
    scenario_note: str = ""


@dataclass
class StudyData:
    """A study's replications and the names of its sweep variables (maybe none)."""

    replications: Columns
    sweep: list[str] = field(default_factory=list)


def find_store(path: str | Path) -> Path:
    """The store file of RUN_OR_STUDY: the file itself, or the first of ``STORE_FILES`` in the
    directory. Raises InputError naming the path if there is none."""
    p = Path(path)
    if p.is_file():
        return p
    if p.is_dir():
        for name in STORE_FILES:
            if (p / name).is_file():
                return p / name
        raise InputError(
            f"no {' or '.join(STORE_FILES)} here (make one with `iads run SCENARIO --out DIR` "
            "or `iads mc SCENARIO --out DIR`)",
            file=str(p),
        )
    raise InputError("no such run or study directory", file=str(p))


def _columns(con: Any, name: str) -> Columns:
    cols = con.execute(f'SELECT * FROM "{name}"').fetchnumpy()
    out: Columns = {}
    for c, v in cols.items():
        if np.ma.isMaskedArray(v):
            v = np.ma.filled(v.astype(float), np.nan) if v.dtype.kind in "fiu" else v.filled(None)
        out[c] = np.asarray(v)
    return out


def read_store(path: Path) -> dict[str, Columns]:
    """Every table of the DuckDB store ``path`` as NumPy columns (InputError if it is not one)."""
    import duckdb

    from iads.io.store import _table_names, connect_readonly

    con = connect_readonly(path, "a results store")
    try:
        names = _table_names(con)
        return {n: _columns(con, n) for n in names}
    except duckdb.Error as exc:
        raise InputError(
            f"not a results store ({str(exc).splitlines()[0]})", file=str(path)
        ) from None
    finally:
        con.close()


def _totals(summary: Columns) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value, text in zip(summary["key"], summary["value"], summary["text"], strict=True):
        if text in ("True", "False"):
            out[str(key)] = text == "True"
        elif value is not None and np.isfinite(value):
            v = float(value)
            out[str(key)] = int(v) if v.is_integer() and "." not in str(text) else v
        else:
            out[str(key)] = str(text) if text != "nan" else float("nan")
    return out


def _scenario(run: dict[str, Any], scenario_file: Path | None) -> tuple[Any, str]:
    from pydantic import ValidationError

    from iads.scenario import Scenario, load_scenario

    if scenario_file is not None:
        return load_scenario(scenario_file), f"scenario from {scenario_file}"
    text = run.get("scenario_json") or ""
    if not text:
        return None, "the store does not hold its scenario (give --scenario FILE)"
    try:
        return Scenario.model_validate_json(text), ""
    except ValidationError:
        return None, "the stored scenario no longer validates (give --scenario FILE)"


NUMBER, TEXT, ID = "number", "text", "id"
REPORT_COLUMNS: dict[str, dict[str, str]] = {
    "runs": {"run_id": TEXT},
    "summary": {"key": TEXT, "value": NUMBER, "text": TEXT},
    "threats": {
        "threat_id": ID, "name": TEXT, "target": TEXT, "outcome": TEXT,
        "launch_time_s": NUMBER, "planned_arrival_s": NUMBER, "first_detect_s": NUMBER,
        "first_track_s": NUMBER, "interceptors": NUMBER, "outcome_time_s": NUMBER,
    },
    "events": {"time_s": NUMBER, "kind": TEXT, "entity_id": ID, "x_m": NUMBER, "y_m": NUMBER},
    "paths": {"threat_id": ID, "time_s": NUMBER, "x_m": NUMBER, "y_m": NUMBER, "z_m": NUMBER},
    "engagements": {"time_s": NUMBER, "threat_id": ID, "interceptor_id": ID},
    "batteries": {"battery": TEXT},
    "interceptor_paths": {"interceptor_id": ID, "time_s": NUMBER, "x_m": NUMBER, "y_m": NUMBER},
}  # fmt: skip
"""Columns the report reads from each table, and what they must hold: numbers, text, or ids
(finite whole numbers). ``batteries`` and ``interceptor_paths`` may be absent (older stores);
columns read only when present (``raid``, ``alt_m``, ``cost_usd`` ...) are not listed."""
OPTIONAL_TABLES = ("batteries", "interceptor_paths")


def check_run_tables(tables: dict[str, Columns], path: Path) -> None:
    """Raise InputError naming ``path``, the table and the column when a store's tables are not
    what iads writes: a table or column missing, text in a number column, an id that is not a
    whole number, a threat path or engagement naming a threat the ``threats`` table lacks. A
    store is untrusted input: the report must not meet a KeyError halfway through a figure."""
    for name, columns in REPORT_COLUMNS.items():
        if name not in tables:
            if name in OPTIONAL_TABLES:
                continue
            raise InputError(f"not an iads results store (no table {name!r})", file=str(path))
        table = tables[name]
        sizes = {len(v) for v in table.values()}
        for col, kind in columns.items():
            where = f"table {name!r}, column {col!r}"
            if col not in table:
                raise InputError(f"not an iads results store ({where} is missing)", file=str(path))
            v = table[col]
            if kind == TEXT:
                continue
            if v.dtype.kind not in "fiub":
                raise InputError(f"{where} must hold numbers, not {v.dtype}", file=str(path))
            if kind == ID and v.size and not (np.isfinite(v).all() and (v == np.round(v)).all()):
                raise InputError(f"{where} must hold whole numbers (ids)", file=str(path))
        if len(sizes) > 1:  # not reached for a DuckDB table; a last guard
            raise InputError(f"table {name!r} has columns of different lengths", file=str(path))
    known = set(np.asarray(tables["threats"]["threat_id"]).astype(np.int64).tolist())
    for name in ("paths",):
        ids = np.unique(np.asarray(tables[name]["threat_id"]).astype(np.int64))
        unknown = [int(i) for i in ids if int(i) not in known]
        if unknown:
            raise InputError(
                f"table {name!r} names threat {unknown[0]} that table 'threats' does not have",
                file=str(path),
            )


def run_data(tables: dict[str, Columns], path: Path, scenario_file: Path | None = None) -> RunData:
    """A run's tables from ``read_store``; InputError naming ``path`` if one is missing or not
    what iads writes (``check_run_tables``)."""
    check_run_tables(tables, path)
    runs = tables["runs"]
    if len(runs.get("run_id", ())) == 0:
        raise InputError("not an iads results store (table 'runs' is empty)", file=str(path))
    run = {k: (v[0].item() if hasattr(v[0], "item") else v[0]) for k, v in runs.items()}
    scenario, note = _scenario(run, scenario_file)
    return RunData(
        run=run,
        totals=_totals(tables["summary"]),
        threats=tables["threats"],
        events=tables["events"],
        paths=tables["paths"],
        engagements=tables["engagements"],
        batteries=tables.get("batteries"),
        interceptor_paths=tables.get("interceptor_paths"),
        scenario=scenario,
        scenario_note=note,
    )


def sweep_columns(reps: Columns) -> list[str]:
    """Sweep variables of a ``replications`` table: columns that are neither identifiers nor
    results, in table order, that take more than one value."""
    known = set(REPLICATION_ID_COLUMNS) | set(RESULT_COLUMNS)
    out = []
    for name, col in reps.items():
        if name in known:
            continue
        if len({str(x) for x in col}) > 1:
            out.append(name)
    return out


def study_data(tables: dict[str, Columns]) -> StudyData | None:
    """The study in a store, or None when it has no (non-empty) ``replications`` table."""
    reps = tables.get(STUDY_TABLE)
    if not reps or len(next(iter(reps.values()))) == 0:
        return None
    return StudyData(replications=reps, sweep=sweep_columns(reps))


def load(
    path: str | Path, scenario_file: Path | None = None
) -> tuple[RunData | None, StudyData | None, Path]:
    """The run and/or study at RUN_OR_STUDY, and the store file read. InputError when the
    store holds neither."""
    store = find_store(path)
    tables = read_store(store)
    study = study_data(tables)
    run = None
    if "runs" in tables or study is None:
        run = run_data(tables, store, scenario_file)
    return run, study, store


__all__ = [
    "REPORT_COLUMNS",
    "RESULT_COLUMNS",
    "STORE_FILES",
    "STUDY_TABLE",
    "RunData",
    "StudyData",
    "check_run_tables",
    "find_store",
    "load",
    "read_store",
    "run_data",
    "study_data",
    "sweep_columns",
]
