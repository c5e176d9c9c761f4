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


def test_cached_columns_follow_every_change_of_a_table(tmp_path):
    # the writer keeps each table's columns and each Arrow schema's types between inserts:
    # ints into a DOUBLE column (no change), a column added after many equal inserts, a
    # widening after that, a rolled-back replication, and a second writer on the same store
    seq = [dict(kills=2), dict(kills=1.5), dict(kills=3), dict(kills=4), dict(kills=5, extra=1)]
    seq += [dict(kills=6, extra=2.5), dict(kills=7, extra=3)]
    with StudyWriter(tmp_path) as w:
        for rep, s in enumerate(seq):
            assert w.append(rows(0, rep, **s))
        bad = rows(0, 99, kills=1, late="x")
        bad["replications"]["seed"] = np.array([{"not": "a seed"}], dtype=object)
        with pytest.raises(Exception):  # noqa: B017 - rolled back, caches dropped
            w.append(bad)
        assert w.append(rows(0, 7, kills=8, extra=4))
    with StudyWriter(tmp_path) as w:
        assert w.append(rows(0, 8, kills=9, extra=5.5, late="y"))
    got = fetch(tmp_path, "SELECT rep, kills, extra, late FROM replications ORDER BY rep")
    assert got == [
        (0, 2.0, None, None), (1, 1.5, None, None), (2, 3.0, None, None), (3, 4.0, None, None),
        (4, 5.0, 1.0, None), (5, 6.0, 2.5, None), (6, 7.0, 3.0, None), (7, 8.0, 4.0, None),
        (8, 9.0, 5.5, "y"),
    ]  # fmt: skip
    types = dict(fetch(tmp_path, "SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'replications'"))  # fmt: skip
    assert types["kills"] == types["extra"] == "DOUBLE" and types["late"] == "VARCHAR"
    assert fetch(tmp_path, "SELECT count(*) FROM threats") == [(18,)]
