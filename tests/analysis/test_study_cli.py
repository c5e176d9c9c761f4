"""`iads mc`, `iads sweep`, `iads results STUDY`, `--json`, Ctrl-C then --resume, read_results."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import iads
from iads.analysis.seeds import replication_seed
from iads.cli import app
from tests.analysis.conftest import RUNS
from tests.analysis.helpers import TINY, store_tables

ROOT = Path(__file__).parents[2]


def cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "iads.cli", *args, "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        **kw,
    )


def test_mc_json_and_results_json_agree_with_the_store(tmp_path):
    out = tmp_path / "mc"
    args = ["mc", str(TINY), "--runs", "3", "--workers", "1", "--fidelity", "fast"]
    res = CliRunner().invoke(app, [*args, "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["replications"] == {"done": 3, "total": 3}
    assert doc["study"]["seed"] == 7 and doc["study"]["fidelity"] == "fast"
    rows = {r["metric"]: r for r in doc["summary"]}
    con = duckdb.connect(str(out / "study.duckdb"), read_only=True)
    try:
        leakers, threats = con.execute(
            "SELECT sum(leakers), sum(threats) FROM replications"
        ).fetchone()
        mean_spent = con.execute("SELECT avg(interceptors_spent) FROM replications").fetchone()[0]
    finally:
        con.close()
    assert rows["leak_rate"]["estimate"] == pytest.approx(leakers / threats)
    assert rows["leak_rate"]["n"] == threats
    assert rows["interceptors_spent"]["estimate"] == pytest.approx(mean_spent)
    assert rows["cost_exchange_ratio"]["unit"] == "ratio of USD to USD"
    again = CliRunner().invoke(app, ["results", str(out), "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["summary"] == doc["summary"]
    shown = CliRunner().invoke(app, ["results", str(out)])
    assert "leak rate (leakers / threats)" in shown.stdout and "95% CI" in shown.stdout


def test_read_results_gives_dataframes_with_nulls(baseline):
    pd = pytest.importorskip("pandas")
    tables = iads.read_results(baseline)
    assert {"study", "points", "replications", "threats", "engagements", "summary"} <= set(tables)
    reps = tables["replications"]
    assert len(reps) == RUNS and str(reps["seed"].dtype) == "Int64"
    assert list(reps.sort_values("rep")["seed"]) == [replication_seed(7, r) for r in range(RUNS)]
    threats = tables["threats"]
    never = threats["outcome"] != "reached"
    assert threats.loc[never, "arrival_time_s"].isna().all()  # NULL -> pd.NA, not NaN
    assert threats.loc[never, "arrival_time_s"].map(lambda v: v is pd.NA).all()


def test_run_json(tmp_path):
    out = tmp_path / "run"
    res = CliRunner().invoke(
        app, ["run", str(TINY), "--engagement", "fast", "--out", str(out), "--json"]
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["run"]["seed"] == 7 and doc["summary"]["threats"] == 3
    res = CliRunner().invoke(app, ["results", str(out), "--json"])
    assert json.loads(res.stdout)["summary"] == doc["summary"]
    con = duckdb.connect(str(out / "results.duckdb"), read_only=True)
    try:  # a run's missing numbers are NULL in its store too, never NaN
        nan, null, reached = con.execute(
            "SELECT count(*) FILTER (WHERE isnan(arrival_time_s)), "
            "count(*) FILTER (WHERE arrival_time_s IS NULL), count(*) FILTER (WHERE reached) "
            "FROM threats"
        ).fetchone()
    finally:
        con.close()
    assert nan == 0 and null == 3 - reached


def test_bad_sweeps_are_one_line_exit_2_and_leave_nothing(tmp_path):
    out = tmp_path / "sw"
    for vary, text in (
        ("raids[name=CM].count=0,1", "raids[name=CM].count=0: raids[0].count"),
        ("raids.0.nope=1", "unknown field 'nope'"),
        ("raids.0.count", "expected PATH=VALUES"),
    ):
        proc = cli("sweep", str(TINY), "--vary", vary, "--runs", "1", "--out", str(out))
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.startswith("error: --vary: ") and text in proc.stderr
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
        assert not out.exists()


def test_sweep_prints_the_curve(tmp_path):
    res = CliRunner().invoke(
        app,
        [
            "sweep",
            str(TINY),
            "--vary",
            "raids[name=CM].count=1,2",
            "--runs",
            "2",
            "--workers",
            "1",
            "--fidelity",
            "fast",
            "--out",
            str(tmp_path / "sw"),
            "--plot",
            str(tmp_path / "curve.html"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "raids[name=CM]" in res.stdout and "leak rate" in res.stdout
    assert (tmp_path / "curve.html").stat().st_size > 100_000  # plotly.js is inlined


def test_ctrl_c_then_resume_continues_from_the_store(baseline, tmp_path):
    out = tmp_path / "mc"
    runs = 8
    args = ["mc", str(TINY), "--runs", str(runs), "--fidelity", "fast", "--out", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "iads.cli", *args, "--workers", "2"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        for line in proc.stderr:
            if line.startswith(("1 / ", "2 / ", "3 / ")):
                os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole group
                break
            assert time.monotonic() < deadline
        # a process hung at exit must fail the test, not hang it: killed (with its workers,
        # which hold its stderr) after 60 s, its stderr then ends
        guard = threading.Timer(60, os.killpg, (proc.pid, signal.SIGKILL))
        guard.start()
        try:
            rest = proc.stderr.read()
            proc.wait(timeout=60)
        finally:
            guard.cancel()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # its workers too: they hold its stderr
    assert proc.returncode == 130, rest
    assert "interrupted:" in rest and "--resume" in rest and "Traceback" not in rest
    done = len(store_tables(out)["replications"]) - 1
    assert 1 <= done < runs
    assert f"{done} of {runs} replications are stored" in rest  # what is there, not one fewer
    resumed = cli(*args, "--resume", "--quiet", "--workers", "1")  # workers are not the study's
    assert resumed.returncode == 0, resumed.stderr
    tables = store_tables(out)
    reps = tables["replications"]
    keys = sorted(r[:2] for r in reps[1:])
    assert keys == [(0, r) for r in range(runs)]
    # the first replications equal the baseline's (same seeds): nothing was half written
    col = reps[0].index("seed")
    base = store_tables(baseline)["replications"]
    assert [r[col] for r in sorted(reps[1:])][:RUNS] == [r[col] for r in sorted(base[1:])]
    assert sorted(reps[1:])[:RUNS] == sorted(base[1:])
