"""Replication functions for fault tests (importable by worker processes) and store readers."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import duckdb

from iads.analysis.replicate import Task, run_replication

TINY = Path(__file__).parent / "tiny.yaml"
NOT_DETERMINISTIC = ("wall_time_s", "created_utc")
"""Columns that record when and how fast, not what: left out of determinism comparisons."""


def kill_once(task: Task, marker: str, rep: int = 1) -> dict:
    """Run ``task``, except that the first process to reach replication ``rep`` kills itself
    (SIGKILL, as the OOM killer would) before finishing it."""
    if task.rep == rep:
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            pass
        else:
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            os.kill(os.getpid(), signal.SIGKILL)
    return run_replication(task)


def store_tables(study_dir: Path) -> dict[str, list[tuple]]:
    """Every table of a study store, rows sorted by all columns, non-deterministic columns
    dropped."""
    con = duckdb.connect(str(Path(study_dir) / "study.duckdb"), read_only=True)
    try:
        names = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
        out = {}
        for name in names:
            cols = [
                r[0]
                for r in con.execute(f'DESCRIBE "{name}"').fetchall()
                if r[0] not in NOT_DETERMINISTIC
            ]
            sel = ", ".join(f'"{c}"' for c in cols)
            out[name] = [tuple(cols)] + con.execute(
                f'SELECT {sel} FROM "{name}" ORDER BY ALL'
            ).fetchall()
        return out
    finally:
        con.close()


def assert_same_study(a: Path, b: Path) -> None:
    """Every table of two study stores equal, row for row (NaN never appears: NULLs compare)."""
    ta, tb = store_tables(a), store_tables(b)
    assert sorted(ta) == sorted(tb)
    for name in ta:
        assert ta[name] == tb[name], f"table {name} differs"


def compiled_on_arrival(_task: object) -> dict[str, int]:
    """In a worker, before it runs anything: how many compiled signatures the fly-out,
    motion, route-state, fast-tracker, scoring, homing, quiet-tick, intercept, picture and
    uplink kernels already hold (inherited from the forkserver's warm-up); the fidelity the
    server warmed up (its ``WARM_ENV``) and how many objects it froze."""
    import gc

    from iads.analysis.execute import PARENT_ENV, WARM_ENV
    from iads.c2 import picture_kernel, uplink_kernel
    from iads.engagement import flyout_kernel, homing_kernel, intercept_kernel
    from iads.motion import kernel, states_kernel
    from iads.sim import scoring_kernel, statistical_kernel
    from iads.tracking import cv_kernel, looks_kernel, manage_kernel

    return {
        "states": len(states_kernel._states_compiled.signatures),
        "frame": len(statistical_kernel._track_frame_compiled.signatures),
        "rotated": len(statistical_kernel._rotated_compiled.signatures),
        "predict": len(cv_kernel._predict_compiled.signatures),
        "looks": len(looks_kernel._swept_compiled.signatures),
        "scoring frame": len(scoring_kernel._frame_compiled.signatures),
        "scoring labels": len(scoring_kernel._labels_compiled.signatures),
        "scoring sightings": len(scoring_kernel._sightings_compiled.signatures),
        "flyout": len(flyout_kernel.integrate_rows.signatures),
        "motion": len(kernel._advance_compiled.signatures),
        "motion pair": len(kernel._advance_pair_compiled.signatures),
        "homing": len(homing_kernel._homing_compiled.signatures),
        "intercept": len(intercept_kernel._intercept_compiled.signatures),
        "quiet": len(homing_kernel._quiet_compiled.signatures),
        "picture": len(picture_kernel._extrapolate_compiled.signatures),
        "uplink": len(uplink_kernel.uplink_rows.signatures),
        "manage": len(manage_kernel._manage_compiled.signatures),
        "pid": os.getpid(),
        "warmed": os.environ.get(WARM_ENV),
        "frozen": gc.get_freeze_count(),
        "parent": os.environ.get(PARENT_ENV),
    }
