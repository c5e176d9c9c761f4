"""The study store: NULL for missing values, whole replications only, no duplicates, one writer."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from iads.errors import InputError
from iads.io.study_store import StudyLock, StudyWriter


def rows(point: int, rep: int, **summary) -> dict:
    reps = {
        "point": [point],
        "rep": [rep],
        "seed": [10 + rep],
        **{k: [v] for k, v in summary.items()},
    }
    threats = {
        "point": np.array([point, point]),
        "rep": np.array([rep, rep]),
        "first_detect_s": np.array([1.5, np.nan]),
        "reached_asset": np.array(["Vesna", ""], dtype=object),
    }
    return {
        "replications": {k: np.array(v, dtype=object) for k, v in reps.items()},
        "threats": threats,
    }


def fetch(path, sql):
    con = duckdb.connect(str(path / "study.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_missing_values_are_null_and_new_columns_flow_in(tmp_path):
    with StudyWriter(tmp_path) as w:
        assert w.append(rows(0, 0, kills=2, ratio=float("nan")))
        assert w.append(rows(0, 1, kills=3, ratio=1.5, new_figure=7))
        assert w.append(rows(0, 2, kills=1.5, ratio=0.5))  # an int column widens to DOUBLE
    got = fetch(tmp_path, "SELECT rep, kills, ratio, new_figure FROM replications ORDER BY rep")
    assert got == [(0, 2.0, None, None), (1, 3.0, 1.5, 7), (2, 1.5, 0.5, None)]
    got = fetch(tmp_path, "SELECT first_detect_s, reached_asset FROM threats WHERE rep = 0")
    assert got == [(1.5, "Vesna"), (None, None)]
    assert fetch(tmp_path, "SELECT count(*) FROM threats WHERE first_detect_s = 'NaN'") == [(0,)]


def test_a_replication_is_stored_once(tmp_path):
    with StudyWriter(tmp_path) as w:
        assert w.append(rows(0, 0, kills=1))
        assert not w.append(rows(0, 0, kills=1))
    with StudyWriter(tmp_path) as w:  # also across writers (a resumed study)
        assert not w.append(rows(0, 0, kills=1))
        assert w.done() == {(0, 0)}
    assert fetch(tmp_path, "SELECT count(*) FROM threats") == [(2,)]


def test_a_failed_replication_leaves_nothing_behind(tmp_path):
    bad = rows(0, 1, kills=1)
    bad["engagements"] = {"point": [0], "rep": [1], "broken": np.array([object()], dtype=object)}
    bad["replications"]["seed"] = np.array([{"not": "a seed"}], dtype=object)
    with StudyWriter(tmp_path) as w:
        assert w.append(rows(0, 0, kills=1))
        with pytest.raises(Exception):  # noqa: B017 - any failure: the point is what is left
            w.append(bad)
        assert w.done() == {(0, 0)}
        assert w.append(rows(0, 2, kills=1))  # the writer is still usable
    assert fetch(tmp_path, "SELECT DISTINCT rep FROM threats ORDER BY rep") == [(0,), (2,)]
    assert fetch(tmp_path, "SELECT rep FROM replications ORDER BY rep") == [(0,), (2,)]


def test_one_writer_at_a_time(tmp_path):
    with StudyLock(tmp_path):
        with pytest.raises(InputError, match="another study is writing this store"):
            with StudyLock(tmp_path):
                pass
    with StudyLock(tmp_path):  # released on exit
        pass
