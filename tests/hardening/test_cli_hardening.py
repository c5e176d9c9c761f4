"""Issue 15 items 4-9 through the CLI: literal names, output checked before work, no debris,
signals, caches, untrusted stores, one-line escaped errors."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from iads import cli

BASE = Path(__file__).parents[1] / "scenario" / "base.yaml"


def _scenario(tmp_path: Path, **changes) -> Path:
    data = yaml.safe_load(BASE.read_text())
    data.update(duration_s=30, **changes)
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(data))
    return f


def _cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["iads", *map(str, args)])
    with pytest.raises(SystemExit) as info:
        cli.main()
    out = capsys.readouterr()
    code = info.value.code if isinstance(info.value.code, int) else 0
    return code, out.out, out.err


def test_markup_in_names_prints_literally(tmp_path, monkeypatch, capsys):
    f = _scenario(tmp_path, name="[/] [bold]x")
    out = tmp_path / "run"
    code, text, err = _cli(monkeypatch, capsys, "run", f, "--out", out)
    assert code == 0, err
    assert "[/] [bold]x" in text
    code, text, err = _cli(monkeypatch, capsys, "results", out)
    assert code == 0 and "[/] [bold]x" in text, err


def test_existing_run_is_refused_unless_overwrite(tmp_path, monkeypatch, capsys):
    f = _scenario(tmp_path)
    out = tmp_path / "run"
    assert _cli(monkeypatch, capsys, "run", f, "--out", out, "-q")[0] == 0
    before = (out / "results.duckdb").stat().st_mtime_ns
    code, _, err = _cli(monkeypatch, capsys, "run", f, "--out", out, "-q")
    assert code == 2 and "--out: already holds a run" in err and "--overwrite" in err
    assert (out / "results.duckdb").stat().st_mtime_ns == before
    assert _cli(monkeypatch, capsys, "run", f, "--out", out, "-q", "--overwrite")[0] == 0


@pytest.mark.parametrize("kind", ["file", "store-is-dir", "under-a-file"])
def test_out_is_checked_before_any_work(tmp_path, monkeypatch, capsys, kind):
    import iads.sim.run as sim_run

    monkeypatch.setattr(sim_run, "run_scenario", lambda *a, **k: pytest.fail("ran"))
    f = _scenario(tmp_path)
    out = tmp_path / "out"
    if kind == "file":
        out.write_text("x")
    elif kind == "store-is-dir":
        (out / "results.duckdb").mkdir(parents=True)
    else:
        (tmp_path / "f").write_text("x")
        out = tmp_path / "f" / "sub"
    code, _, err = _cli(monkeypatch, capsys, "run", f, "--out", out, "-q")
    assert code == 2 and err.startswith(f"error: {out}: --out: ") and err.count("\n") == 1


def test_debris_of_killed_writers_is_swept(tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    out.mkdir()
    dead = 2**22 + 12345  # above the kernel's default pid_max: no such process
    for name in (f".results.duckdb.tmp-{dead}", f".results.duckdb.tmp-{dead}.wal"):
        (out / name).write_bytes(b"partial")
    live = out / f".results.duckdb.tmp-{os.getppid()}"  # a live process's file is kept
    live.write_bytes(b"busy")
    assert _cli(monkeypatch, capsys, "run", _scenario(tmp_path), "--out", out, "-q")[0] == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(["results.duckdb", live.name])


@pytest.mark.parametrize(
    ("sig", "code", "said"),
    [(signal.SIGTERM, 128 + signal.SIGTERM, "interrupted: stopped by SIGTERM\n"),
     (signal.SIGINT, 130, "interrupted\n")],
    ids=["SIGTERM", "ctrl-c"],
)  # fmt: skip
def test_signals_unwind_and_leave_nothing(tmp_path, sig, code, said):
    f = _scenario(tmp_path)
    data = yaml.safe_load(f.read_text())
    data.update(duration_s=3000, tick_s=0.5)
    f.write_text(yaml.safe_dump(data))
    out = tmp_path / "run"
    env = {**os.environ, "PYTHONPATH": str(Path(cli.__file__).parents[1])}
    # The run is paced to the wall clock (a DIS stream with --realtime) and the signal sent
    # once its first PDU has arrived: a fixed sleep raced the run's own end (5 s in all) and
    # on a fast machine hit the interpreter's shutdown instead.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as rx:
        rx.bind(("127.0.0.1", 0))
        rx.settimeout(60)
        dis = f"127.0.0.1:{rx.getsockname()[1]}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "iads.cli", "run", str(f), "--out", str(out), "-q"]
            + ["--dis", dis, "--realtime"],
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            rx.recv(65536)
        except TimeoutError:
            proc.kill()
            pytest.fail(f"no DIS PDU within 60 s: {proc.communicate()[1]}")
        time.sleep(0.5)
        assert proc.poll() is None, "the paced run ended before the signal"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert err == said
    assert not out.exists()


def test_coverage_without_radars_is_an_error_and_stores_nothing(tmp_path, monkeypatch, capsys):
    f = _scenario(tmp_path, batteries=[])
    out = tmp_path / "cov"
    code, _, err = _cli(monkeypatch, capsys, "coverage", f, "--out", out, "--no-html")
    assert code == 2 and "no radars to cover" in err
    assert not out.exists()


def test_damaged_flyout_cache_is_rebuilt(tmp_path, monkeypatch):
    from iads.engagement import tables
    from iads.scenario.load import builtin_catalog

    monkeypatch.setenv("IADS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(tables, "_CACHE", {})
    monkeypatch.setattr(tables, "SHIPPED_DIR", tmp_path / "no_shipped_tables")  # the disk cache
    itype = builtin_catalog().interceptors["AMRAAM-class"]
    good = tables.FlyoutTable(
        np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.full((2, 2), 9.0), np.full((2, 2), 1.0)
    )
    built = []
    monkeypatch.setattr(tables, "build_table", lambda t: built.append(t) or good)
    file = tmp_path / "flyout_tables" / f"{tables.table_key(itype)}.npz"
    file.parent.mkdir()
    for damage in (b"", b"PK\x03\x04 truncated", None):
        if damage is None:  # a valid archive with wrong shapes
            np.savez(
                file.with_suffix(""), ground_m=[1.0], alt_m=[0.0], tof_s=[[1]], speed_mps=[[1]]
            )
        else:
            file.write_bytes(damage)
        tables._CACHE.clear()
        assert tables.table_for(itype) is good
        assert tables._load(file) is not None  # rewritten, valid
    assert len(built) == 3
    assert [p.name for p in file.parent.iterdir()] == [file.name]  # no temporary files


def _store(path: Path, sql: list[str]) -> None:
    import duckdb

    con = duckdb.connect(str(path))
    for s in sql:
        con.execute(s)
    con.close()


def test_untrusted_results_stores(tmp_path, monkeypatch, capsys):
    import sqlite3

    lite = tmp_path / "lite"
    lite.mkdir()
    c = sqlite3.connect(lite / "results.duckdb")
    c.execute("CREATE TABLE runs(a)")
    c.commit()
    c.close()
    code, _, err = _cli(monkeypatch, capsys, "results", lite)
    assert code == 2 and "not a DuckDB file" in err

    f = _scenario(tmp_path)
    run = tmp_path / "run"
    assert _cli(monkeypatch, capsys, "run", f, "--out", run, "-q")[0] == 0
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    _store(
        run / "results.duckdb",
        [
            'CREATE TABLE "./../escaped" AS SELECT 1 AS y',
            f"CREATE VIEW leak AS SELECT * FROM read_csv('{secret}')",
        ],
    )
    export = tmp_path / "export"
    code, _, err = _cli(monkeypatch, capsys, "results", run, "--parquet", export)
    assert code == 0, err
    names = sorted(p.name for p in export.iterdir())
    assert "leak.parquet" not in names and "runs.parquet" in names
    assert not (tmp_path / "escaped.parquet").exists()
    assert all(p.parent == export for p in export.iterdir())


def test_errors_escape_control_characters(tmp_path, monkeypatch, capsys):
    data = yaml.safe_load(BASE.read_text())
    data["batteries"][0]["radars"][0]["type"] = "no\nsuch\x1b[2J"
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(data))
    code, _, err = _cli(monkeypatch, capsys, "validate", f)
    assert code == 2 and err.count("\n") == 1 and "\x1b" not in err
    assert "no\\nsuch\\x1b[2J" in err


def test_usage_errors_are_one_line_naming_the_option(monkeypatch, capsys):
    code, _, err = _cli(monkeypatch, capsys, "run", "x.yaml", "--seed", str(2**64))
    assert code == 2 and err.startswith("error: ") and "'--seed'" in err and err.count("\n") == 1


def test_internal_error_is_one_line_exit_1_and_debug_shows_traceback(monkeypatch, capsys):
    """A bug (here an exception no check turned into an InputError) is the one place exit 1
    is used: one escaped line naming the exception; IADS_DEBUG=1 re-raises it."""
    import iads.scenario
    from iads.cli import INTERNAL_ERROR_EXIT

    def boom(*_a, **_k):
        raise RuntimeError("boom\nsecond line \x1b[2J")

    monkeypatch.setattr(iads.scenario, "load_scenario", boom)
    monkeypatch.delenv("IADS_DEBUG", raising=False)
    code, _, err = _cli(monkeypatch, capsys, "validate", "any.yaml")
    assert code == INTERNAL_ERROR_EXIT == 1
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: internal error (RuntimeError: boom)")
    assert "IADS_DEBUG=1" in lines[0] and "Traceback" not in err
    monkeypatch.setenv("IADS_DEBUG", "1")
    monkeypatch.setattr(sys, "argv", ["iads", "validate", "any.yaml"])
    with pytest.raises(RuntimeError, match="boom"):
        cli.main()


@pytest.mark.parametrize("target", ["fifo", "device"])
def test_output_onto_a_fifo_or_device_is_refused_and_kept(tmp_path, monkeypatch, capsys, target):
    """An output path naming a FIFO (or a link to a device) is refused: os.replace would swap
    the node for a regular file."""
    plots = Path(__file__).parent / "corpus" / "plots_ok.csv"
    out = tmp_path / "tracks.csv"
    if target == "fifo":
        os.mkfifo(out)
    else:
        out.symlink_to("/dev/null")
    code, _, err = _cli(monkeypatch, capsys, "track", plots, "--out", out, "-q")
    assert code == 2 and "iads writes only new or regular files" in err, err
    assert out.is_fifo() if target == "fifo" else Path("/dev/null").is_char_device()
    assert [p.name for p in tmp_path.iterdir()] == ["tracks.csv"]


@pytest.fixture(scope="module")
def good_run(tmp_path_factory) -> Path:
    """One stored run, copied by each test that damages it."""
    tmp = tmp_path_factory.mktemp("good")
    out = tmp / "run"
    argv = sys.argv
    sys.argv = ["iads", "run", str(_scenario(tmp)), "--out", str(out), "-q"]
    try:
        with pytest.raises(SystemExit) as info:
            cli.main()
    finally:
        sys.argv = argv
    assert info.value.code in (0, None)
    return out


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        (["DROP TABLE events", "CREATE TABLE events (x VARCHAR)", "INSERT INTO events VALUES ('[/]')"],
         "table 'events', column 'time_s' is missing"),
        (["DELETE FROM threats"], "table 'paths' names threat"),
        (["ALTER TABLE paths ALTER x_m TYPE VARCHAR", "UPDATE paths SET x_m = 'nan[/]'"],
         "table 'paths', column 'x_m' must hold numbers"),
        (["UPDATE paths SET threat_id = NULL"], "table 'paths', column 'threat_id' must hold whole"),
        (["DROP TABLE engagements"], "no table 'engagements'"),
    ],
    ids=["retyped", "threats-emptied", "text-in-numbers", "null-ids", "dropped"],
)  # fmt: skip
def test_report_on_a_damaged_store_is_one_line(good_run, tmp_path, monkeypatch, capsys, sql, words):
    """A store is untrusted: tables retyped, emptied or disagreeing with each other are refused
    by name before any figure is drawn (they were KeyErrors, exit 1, halfway through a figure)."""
    import shutil

    run = tmp_path / "run"
    shutil.copytree(good_run, run)
    _store(run / "results.duckdb", sql)
    report = tmp_path / "report.html"
    code, _, err = _cli(monkeypatch, capsys, "report", run, "--out", report)
    assert code == 2, err
    assert (
        err.count("\n") == 1
        and err.startswith(f"error: {run / 'results.duckdb'}: ")
        and words in err
    )
    assert not report.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_duckdb_interrupted_query_is_ctrl_c_not_a_bug(capsys):
    """Ctrl-C during a DuckDB read surfaces as DuckDB's RuntimeError("Query interrupted"): it is
    an interruption (exit 130, "interrupted"), not an internal error (exit 1)."""
    import duckdb  # noqa: F401  (loaded, as in any command that reads a store)

    from iads import cli

    with pytest.raises(SystemExit) as stop:
        cli._internal(RuntimeError("Query interrupted"))
    assert stop.value.code == 130
    assert capsys.readouterr().err == "interrupted\n"
    with pytest.raises(SystemExit) as stop:
        cli._internal(RuntimeError("Query failed"))
    assert stop.value.code == cli.INTERNAL_ERROR_EXIT


def test_study_interrupted_in_a_duckdb_read_says_how_to_resume(tmp_path, monkeypatch):
    """Ctrl-C while the study reads its store (DuckDB's "Query interrupted") is the study's
    interruption, with the resume hint and exit 130; any other RuntimeError stays a bug."""
    import types

    import duckdb  # noqa: F401

    import iads.analysis.study as study
    from iads.commands import _study
    from iads.errors import Interrupted

    spec = types.SimpleNamespace(total=4, base=types.SimpleNamespace(name="study"))
    for message, expected in (("Query interrupted", Interrupted), ("other", RuntimeError)):

        def fail(*_a, message=message, **_k):
            raise RuntimeError(message)

        monkeypatch.setattr(study, "run_study", fail)
        with pytest.raises(expected) as info:
            _study.run_with_progress(
                spec, tmp_path, workers=1, scheduler=None, resume=False, quiet=True, command="mc"
            )
        if expected is Interrupted:
            assert info.value.code == 130 and "--resume" in info.value.message
