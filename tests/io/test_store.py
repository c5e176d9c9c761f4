"""The DuckDB results store: tables, atomic writes, Parquet export."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from iads.errors import InputError
from iads.io import store
from iads.scenario import load_scenario
from iads.sim.run import run_scenario

SMALL = Path(__file__).parents[2] / "examples" / "small.yaml"


@pytest.fixture(scope="module")
def result():
    return run_scenario(load_scenario(SMALL), defended=False)


def test_tables_and_rows(result, tmp_path):
    path = store.write_results(result, tmp_path / "run")
    assert path.name == "results.duckdb"
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["results.duckdb"]
    names = store.table_names(tmp_path / "run")
    for t in ("runs", "events", "threats", "paths", "engagements", "tracks", "summary"):
        assert t in names
    con = duckdb.connect(str(path), read_only=True)
    try:
        n_events = con.execute("SELECT count(*) FROM events").fetchone()[0]
        n_threats = con.execute("SELECT count(*) FROM threats").fetchone()[0]
        seed, h = con.execute("SELECT seed, scenario_hash FROM runs").fetchone()
        kinds = dict(con.execute("SELECT kind, count(*) FROM events GROUP BY kind").fetchall())
    finally:
        con.close()
    assert n_events == len(result.events["time_s"])
    assert n_threats == len(result.threats["threat_id"])
    assert (seed, h) == (result.seed, result.scenario_hash)
    assert kinds == {"launch": n_threats, "reach": n_threats}
    back = store.read_summary(tmp_path / "run")
    assert back["totals"]["leakers"] == result.summary["leakers"]
    assert back["totals"]["interceptor_cost_known"] is True
    assert np.isnan(back["totals"]["cost_exchange_ratio"])
    np.testing.assert_allclose(back["threats"]["arrival_time_s"], result.threats["arrival_time_s"])


def test_failed_write_leaves_nothing(result, tmp_path, monkeypatch):
    calls = {"n": 0}
    real = store._write_table

    def flaky(con, name, table):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        real(con, name, table)

    monkeypatch.setattr(store, "_write_table", flaky)
    with pytest.raises(RuntimeError):
        store.write_results(result, tmp_path / "new")
    assert not (tmp_path / "new").exists()  # the directory this call made is gone
    # an existing store stays whole when a rewrite fails
    monkeypatch.setattr(store, "_write_table", real)
    good = store.write_results(result, tmp_path / "old")
    before = good.read_bytes()
    calls["n"] = 0
    monkeypatch.setattr(store, "_write_table", flaky)
    with pytest.raises(RuntimeError):
        store.write_results(result, tmp_path / "old")
    assert sorted(p.name for p in (tmp_path / "old").iterdir()) == ["results.duckdb"]
    assert good.read_bytes() == before


def test_parquet_export(result, tmp_path):
    store.write_results(result, tmp_path / "run")
    files = store.export_parquet(tmp_path / "run", tmp_path / "pq")
    names = {f.stem for f in files}
    assert {"events", "threats", "paths", "runs", "summary"} <= names
    threats = pq.read_table(tmp_path / "pq" / "threats.parquet")
    assert threats.num_rows == len(result.threats["threat_id"])
    assert "run_id" in threats.column_names
    assert not list((tmp_path / "pq").glob(".*tmp*"))


def test_missing_store_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no results.duckdb"):
        store.read_summary(tmp_path)


def test_system_tables_are_stored_and_may_replace_derived_ones(result, tmp_path):
    import dataclasses

    tracks = {
        "time_s": np.array([1.0, 2.0]),
        "track_id": np.array([7, 7]),
        "x_m": np.zeros(2),
        "y_m": np.zeros(2),
        "z_m": np.zeros(2),
        "vx_mps": np.ones(2),
        "vy_mps": np.zeros(2),
        "vz_mps": np.zeros(2),
    }
    extra = {
        "tracks": tracks,
        "radar_load": {"radar": np.array([0]), "plots": np.array([12])},
        "events": {"bogus": np.array([1])},
    }
    res = dataclasses.replace(result, tables=extra)
    store.write_results(res, tmp_path / "run")
    back = store.read_table(tmp_path / "run", "tracks")
    assert list(back["track_id"]) == [7, 7] and list(back["run_id"]) == [store.run_id(res)] * 2
    assert list(store.read_table(tmp_path / "run", "radar_load")["plots"]) == [12]
    assert "bogus" not in store.read_table(tmp_path / "run", "events")
