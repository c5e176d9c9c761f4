"""A study from its specification to its store: Monte Carlo (one point) or a sweep (a grid).

``mc_spec`` and ``sweep_spec`` build a ``StudySpec``; ``run_study`` runs every replication not
yet in the store (all of them, or what is left with ``resume=True``) on the chosen executor,
appends each to ``DIR/study.duckdb`` as it finishes (one writer: this process, holding the
store's lock) and writes the summary when all are in.

Replication ``r`` of every point uses the seed ``replication_seed(study_seed, r)``: points of
a sweep share their random numbers (common random numbers, which make differences between
points less noisy), and the results do not depend on the workers or the order of completion.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from iads.analysis.execute import deferred_interrupt
from iads.analysis.paths import apply_values, parse_vary
from iads.analysis.replicate import FIDELITIES, Task, run_replication
from iads.analysis.seeds import replication_seed
from iads.errors import InputError
from iads.scenario.model import Scenario

MAX_POINTS = 10_000
"""Most grid points one sweep may have."""


@dataclass(frozen=True)
class Point:
    """One grid point: its index, the values set, and the scenario with them."""

    index: int
    values: tuple[tuple[str, Any], ...]
    scenario: Scenario

    @property
    def label(self) -> str:
        return ", ".join(f"{p}={v}" for p, v in self.values) or "baseline"


@dataclass(frozen=True)
class StudySpec:
    """What to run: ``runs`` replications at each point, seeds from ``seed``."""

    kind: str
    base: Scenario
    points: tuple[Point, ...]
    runs: int
    seed: int
    fidelity: str
    vary: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    @property
    def total(self) -> int:
        return self.runs * len(self.points)


@dataclass(frozen=True)
class StudyOutcome:
    """How a ``run_study`` call ended."""

    path: Path
    done: int
    total: int
    ran: int
    wall_time_s: float


def _check(runs: int, fidelity: str) -> None:
    if runs < 1:
        raise InputError(f"must be >= 1, got {runs}", field="--runs")
    if fidelity not in FIDELITIES:
        raise InputError(
            f"must be one of {', '.join(FIDELITIES)}, got {fidelity!r}", field="--fidelity"
        )


def mc_spec(scenario: Scenario, runs: int, seed: int | None = None, fidelity: str = "full"):
    """A Monte Carlo study: ``runs`` replications of ``scenario``."""
    _check(runs, fidelity)
    seed = scenario.seed if seed is None else int(seed)
    return StudySpec("mc", scenario, (Point(0, (), scenario),), runs, seed, fidelity)


def sweep_spec(
    scenario: Scenario,
    vary: list[str],
    runs: int,
    seed: int | None = None,
    fidelity: str = "full",
) -> StudySpec:
    """A sweep: the grid of every ``PATH=VALUES`` in ``vary`` (row-major, first path slowest),
    ``runs`` replications at each point. Each value is checked alone, then each point."""
    _check(runs, fidelity)
    if not vary:
        raise InputError("give at least one --vary PATH=VALUES", field="--vary")
    axes = [parse_vary(v) for v in vary]
    paths = [p for p, _ in axes]
    if len(set(paths)) != len(paths):
        raise InputError("each path may be varied once", field="--vary")
    n = 1
    for path, values in axes:
        n *= len(values)
        for value in values:
            apply_values(scenario, [(path, value)])
    if n > MAX_POINTS:
        raise InputError(f"the grid has {n} points, over {MAX_POINTS}", field="--vary")
    points = []
    for i, combo in enumerate(itertools.product(*[vals for _, vals in axes])):
        values = tuple(zip(paths, combo, strict=True))
        points.append(Point(i, values, apply_values(scenario, list(values))))
    seed = scenario.seed if seed is None else int(seed)
    vary_t = tuple((p, tuple(v)) for p, v in axes)
    return StudySpec("sweep", scenario, tuple(points), runs, seed, fidelity, vary_t)


def _meta(spec: StudySpec) -> dict[str, list[Any]]:
    from iads import __version__
    from iads.sim.run import scenario_hash

    return {
        "kind": [spec.kind],
        "scenario_name": [spec.base.name],
        "scenario_hash": [scenario_hash(spec.base)],
        "scenario_json": [spec.base.model_dump_json()],
        "seed": [spec.seed],
        "runs": [spec.runs],
        "fidelity": [spec.fidelity],
        "vary_json": [json.dumps([[p, list(v)] for p, v in spec.vary])],
        "iads_version": [__version__],
        "created_utc": [datetime.now(UTC).isoformat(timespec="seconds")],
    }


def _points_table(spec: StudySpec) -> dict[str, list[Any]]:
    from iads.sim.run import scenario_hash

    cols: dict[str, list[Any]] = {
        "point": [p.index for p in spec.points],
        "label": [p.label for p in spec.points],
        "scenario_hash": [scenario_hash(p.scenario) for p in spec.points],
    }
    for j, (path, _) in enumerate(spec.vary):
        vals = [p.values[j][1] for p in spec.points]
        simple = all(isinstance(v, int | float | str | bool) for v in vals)
        cols[path] = vals if simple else [json.dumps(v) for v in vals]
    return cols


_SAME = ("kind", "scenario_hash", "seed", "fidelity", "vary_json")


def _check_resume(stored: dict[str, Any], spec: StudySpec, where: Path) -> None:
    new = _meta(spec)
    for key in _SAME:
        if str(stored.get(key)) != str(new[key][0]):
            what = {"scenario_hash": "scenario", "vary_json": "--vary"}.get(key, key)
            raise InputError(
                f"--resume: this store holds a study with another {what} "
                f"({stored.get(key)!s:.40} here, {new[key][0]!s:.40} asked)",
                file=str(where),
            )


def _remove_store(out: Path, created_dir: bool) -> None:
    from iads.io.study_store import LOCK_FILE, STUDY_FILE

    for name in (STUDY_FILE, f"{STUDY_FILE}.wal", LOCK_FILE):
        (out / name).unlink(missing_ok=True)
    if created_dir:
        try:
            out.rmdir()
        except OSError:
            pass


def write_summary(writer: Any) -> None:
    """Compute the summary from the stored replications and replace the ``summary`` table."""
    from iads.analysis.summary import summarize
    from iads.io.study_store import read_columns

    reps = read_columns(writer.con, "replications", order="point, rep")
    writer.replace("summary", summarize(reps))


def run_study(
    spec: StudySpec,
    out: str | Path,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
    replicate: Callable[[Task], dict[str, Any]] = run_replication,
) -> StudyOutcome:
    """Run what is missing of ``spec`` into ``out/study.duckdb``; return how it ended.

    ``progress(done, total)`` is called at the start and after each stored replication.
    ``replicate`` runs one task (it must be importable by the workers). Without ``resume`` the
    store must not hold a study yet; with it, it must hold this one (same scenario, seed,
    fidelity and grid; ``runs`` may grow). KeyboardInterrupt propagates after the replications
    finished so far are stored.
    """
    import time

    from iads.analysis.execute import execute, runs_elsewhere, start_local_workers
    from iads.io.study_store import StudyLock, StudyWriter, read_meta

    if workers < 1:
        raise InputError(f"must be >= 1, got {workers}", field="--workers")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError("--out must be a directory, not a file", file=str(out))
    created_dir = not out.exists()
    start = time.perf_counter()
    with StudyLock(out), StudyWriter(out) as writer:
        fresh = "study" not in writer.tables()
        ran = 0
        try:
            if fresh and resume:
                raise InputError("--resume: no study here to continue", file=str(out))
            if not fresh:
                stored = read_meta(writer.con)
                if not resume:
                    raise InputError(
                        "holds a study already; continue it with --resume or choose another --out",
                        file=str(out),
                    )
                _check_resume(stored, spec, out)
                if int(stored["runs"]) != spec.runs:
                    writer.replace("study", _meta(spec) | {"created_utc": [stored["created_utc"]]})
            else:
                writer.replace("study", _meta(spec))
                writer.replace("points", _points_table(spec))
            done = writer.done()
            tasks = [
                Task(p.index, r, replication_seed(spec.seed, r), spec.fidelity, p.scenario)
                for r in range(spec.runs)
                for p in spec.points
                if (p.index, r) not in done
            ]
            total = spec.total
            count = len({k for k in done if k[1] < spec.runs})
            if progress:
                progress(count, total)
            loading = None
            if runs_elsewhere(len(tasks), workers, scheduler):  # this process mostly waits
                from iads.analysis.stats import import_in_background

                if not scheduler:  # the workers' environment is set before the thread starts
                    start_local_workers(spec.fidelity)
                loading = import_in_background()  # the summary's scipy.stats
            results = execute(tasks, replicate, workers=workers, scheduler=scheduler)
            try:
                for rows in results:
                    with deferred_interrupt():  # a Ctrl-C here is raised after the count
                        if writer.append(rows):
                            count += 1
                            ran += 1
                        if progress:
                            progress(count, total)
            finally:
                results.close()
            if loading is not None:
                loading.join()
            with deferred_interrupt():
                write_summary(writer)
                writer.checkpoint()
        except BaseException as exc:
            if fresh and ran == 0 and not isinstance(exc, KeyboardInterrupt):
                writer.close()
                _remove_store(out, created_dir)
            raise
    return StudyOutcome(writer.path, count, total, ran, time.perf_counter() - start)


__all__ = ["MAX_POINTS", "Point", "StudyOutcome", "StudySpec", "mc_spec", "run_study", "sweep_spec"]
