"""One replication of a study, as run in a worker: a scenario and a seed in, table rows out.

The rows are generic: every key of ``RunResult.summary`` becomes a column of ``replications``,
every column of ``RunResult.threats`` and ``RunResult.engagements`` (and of any further table
in ``RunResult.tables`` except ``SKIPPED_TABLES``) a column of the study table of that name, so
columns added to a run's results flow into studies unchanged. Each row carries ``point`` and
``rep``. Only what the store keeps crosses back from the worker (no events, paths or tracks).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import numpy as np

from iads.scenario.model import Scenario

FIDELITIES = ("full", "fast")
"""Study fidelities; each maps to ``run_scenario`` keyword arguments in ``run_kwargs``."""
SKIPPED_TABLES = ("tracks",)
"""Per-frame tables of a run not kept per replication (large; a single run keeps them)."""
KEY_COLUMNS = ("point", "rep")


@dataclass(frozen=True)
class Task:
    """One replication to run: grid point, replication index, seed, fidelity, scenario."""

    point: int
    rep: int
    seed: int
    fidelity: str
    scenario: Scenario


def run_kwargs(fidelity: str, run: Any = None) -> dict[str, Any]:
    """Keyword arguments of ``run_scenario`` for a study fidelity: ``fidelity=`` when the runner
    takes one, else the engagement mode of that name (``engagement="full"|"fast"``)."""
    if fidelity not in FIDELITIES:
        raise ValueError(f"fidelity must be one of {FIDELITIES}, got {fidelity!r}")
    if run is None:
        from iads.sim.run import run_scenario as run
    params = inspect.signature(run).parameters
    return {"fidelity": fidelity} if "fidelity" in params else {"engagement": fidelity}


def _column(values: Any, n: int) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim == 0:
        arr = np.full(n, arr.item() if arr.dtype != object else values, dtype=arr.dtype)
    return arr


def _with_keys(table: dict[str, Any], point: int, rep: int) -> dict[str, np.ndarray]:
    n = len(next(iter(table.values()))) if table else 0
    out: dict[str, np.ndarray] = {
        "point": np.full(n, point, np.int64),
        "rep": np.full(n, rep, np.int64),
    }
    for name, col in table.items():
        if name not in KEY_COLUMNS:
            out[name] = _column(col, n)
    return out


def replication_rows(task: Task, result: Any) -> dict[str, dict[str, Any]]:
    """The study rows of one finished run: ``replications`` (one row; every summary key) and
    one table per run table, each row keyed by (point, rep)."""
    row: dict[str, Any] = {
        "point": task.point,
        "rep": task.rep,
        "seed": int(result.seed),
        "fidelity": task.fidelity,
        "wall_time_s": float(result.wall_time_s),
    }
    for key, value in result.summary.items():
        if key not in row:
            row[key] = value.item() if isinstance(value, np.generic) else value
    tables = {
        "threats": _with_keys(result.threats, task.point, task.rep),
        "engagements": _with_keys(result.engagements, task.point, task.rep),
    }
    for name, cols in result.tables.items():
        if name not in SKIPPED_TABLES and name not in tables and name != "replications" and cols:
            tables[name] = _with_keys(cols, task.point, task.rep)
    return {"replications": {k: np.array([v], dtype=object) for k, v in row.items()}, **tables}


def run_replication(task: Task) -> dict[str, dict[str, Any]]:
    """Run one replication (in whichever process calls it; a campaign scenario's waves in
    sequence) and return its study rows."""
    from iads.sim.run import run_scenario

    kwargs = run_kwargs(task.fidelity, run_scenario)
    if task.scenario.campaign is not None:  # waves in sequence, stocks carried over
        from iads.sim.campaign import run_campaign

        return replication_rows(task, run_campaign(task.scenario, seed=task.seed, **kwargs))
    result = run_scenario(task.scenario, seed=task.seed, **kwargs)
    return replication_rows(task, result)


def ignore_sigint() -> None:
    """Worker initializer: Ctrl-C is the parent's to handle (it stops the study cleanly)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


__all__ = [
    "FIDELITIES",
    "KEY_COLUMNS",
    "SKIPPED_TABLES",
    "Task",
    "ignore_sigint",
    "replication_rows",
    "run_kwargs",
    "run_replication",
]
