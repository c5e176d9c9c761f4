"""``iads results`` on bad stores and bad ``--parquet``/``--rows``: one line, exit 2, no leftovers.

The CLI runs in-process (``sys.argv`` patched, ``iads.cli.main`` called). Parquet exports are
checked against DuckDB reading the store directly and pyarrow reading the files back.
"""

from __future__ import annotations

import sys
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


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: object):
    """Run ``iads ARGS`` in-process; return (exit code, stdout, stderr)."""
    from iads.cli import main

    monkeypatch.setattr(sys, "argv", ["iads", *map(str, args)])
    with pytest.raises(SystemExit) as info:
        main()
    out = capsys.readouterr()
    return int(info.value.code or 0), out.out, out.err


def _assert_one_error(code: int, err: str, *words: str) -> str:
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for w in words:
        assert w in lines[0], (w, lines[0])
    assert "np.float64" not in lines[0]
    return lines[0]


def _tree(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("store") / "run"
    store.write_results(run_scenario(load_scenario(SMALL), defended=False), d)
    return d


def test_corrupt_store_is_one_line(monkeypatch, capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    rng = np.random.default_rng(np.random.SeedSequence(2024))
    (bad / "results.duckdb").write_bytes(rng.bytes(16_384))
    before = _tree(tmp_path)
    code, _, err = _cli(monkeypatch, capsys, "results", bad)
    line = _assert_one_error(code, err, "not an iads results store", str(bad / "results.duckdb"))
    assert line.startswith(f"error: {bad / 'results.duckdb'}: ")
    assert _tree(tmp_path) == before  # nothing written (no .wal, no export)
    with pytest.raises(InputError, match="not an iads results store"):
        store.table_names(bad)


def test_duckdb_file_without_iads_tables(monkeypatch, capsys, tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "results.duckdb"))
    con.execute("CREATE TABLE foo AS SELECT 1 AS a")
    con.close()
    code, _, err = _cli(monkeypatch, capsys, "results", tmp_path)
    _assert_one_error(code, err, "not an iads results store", "'runs'", "results.duckdb")


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("ALTER TABLE summary DROP COLUMN text", "'text'"),
        ("ALTER TABLE threats DROP COLUMN outcome", "'outcome'"),
        ("DELETE FROM runs", "'runs' is empty"),
        ("DROP TABLE threats", "'threats'"),
    ],
)
def test_store_with_broken_tables(monkeypatch, capsys, run_dir: Path, tmp_path, sql, words):
    copy = tmp_path / "run"
    copy.mkdir()
    (copy / "results.duckdb").write_bytes((run_dir / "results.duckdb").read_bytes())
    con = duckdb.connect(str(copy / "results.duckdb"))
    con.execute(sql)
    con.close()
    code, out, err = _cli(monkeypatch, capsys, "results", copy)
    _assert_one_error(code, err, "not an iads results store", words, str(copy))
    assert out == ""


@pytest.mark.parametrize("sub", ["empty", "missing"])
def test_dir_without_store(monkeypatch, capsys, tmp_path: Path, sub: str) -> None:
    d = tmp_path / sub
    if sub == "empty":
        d.mkdir()
    code, _, err = _cli(monkeypatch, capsys, "results", d)
    _assert_one_error(code, err, str(d), "no results.duckdb here")
    assert _tree(tmp_path) == (["empty"] if sub == "empty" else [])


def test_parquet_onto_an_existing_file(monkeypatch, capsys, run_dir: Path, tmp_path) -> None:
    target = tmp_path / "taken"
    target.write_bytes(b"keep me")
    code, out, err = _cli(monkeypatch, capsys, "results", run_dir, "--parquet", target)
    _assert_one_error(code, err, "--parquet", str(target), "not a file")
    assert out == ""  # checked before the summary is printed
    assert target.read_bytes() == b"keep me"
    assert _tree(tmp_path) == ["taken"]


def test_parquet_below_a_file(monkeypatch, capsys, run_dir: Path, tmp_path) -> None:
    (tmp_path / "f").write_bytes(b"")
    code, _, err = _cli(monkeypatch, capsys, "results", run_dir, "--parquet", tmp_path / "f" / "x")
    _assert_one_error(code, err, "--parquet", "is a file")
    assert _tree(tmp_path) == ["f"]


@pytest.mark.parametrize("name", ["o'brien", 'say "hi"; DROP TABLE runs; --', "x')--"])
def test_parquet_path_with_quotes(monkeypatch, capsys, run_dir: Path, tmp_path, name) -> None:
    out_dir = tmp_path / "a" / name
    code, out, err = _cli(monkeypatch, capsys, "results", run_dir, "--parquet", out_dir)
    assert code == 0, err
    assert "Traceback" not in err
    con = duckdb.connect(str(run_dir / "results.duckdb"), read_only=True)
    try:
        sql = "SELECT table_name FROM information_schema.tables"
        names = [r[0] for r in con.execute(sql).fetchall()]
        counts = {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
        threats = con.execute(
            "SELECT threat_id, outcome FROM threats ORDER BY threat_id"
        ).fetchall()
    finally:
        con.close()
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(f"{n}.parquet" for n in names)
    for n, count in counts.items():
        assert pq.read_table(out_dir / f"{n}.parquet").num_rows == count
    back = pq.read_table(out_dir / "threats.parquet").sort_by("threat_id")
    pairs = zip(back["threat_id"].to_pylist(), back["outcome"].to_pylist(), strict=True)
    assert list(pairs) == threats
    assert f"wrote {len(names)} Parquet files" in out


def test_failed_parquet_export_leaves_nothing(monkeypatch, capsys, run_dir: Path, tmp_path):
    calls = {"n": 0}
    real = pq.write_table

    def flaky(table, where, **kwargs):  # the third table fails after writing some bytes
        calls["n"] += 1
        if calls["n"] == 3:
            Path(where).write_bytes(b"PAR1 partial")
            raise OSError(28, "No space left on device")
        real(table, where, **kwargs)

    monkeypatch.setattr(pq, "write_table", flaky)
    new = tmp_path / "new" / "deeper"
    code, _, err = _cli(monkeypatch, capsys, "results", run_dir, "--parquet", new)
    _assert_one_error(code, err, "--parquet", "No space left on device", str(new))
    assert _tree(tmp_path) == []  # both directories this call made are gone
    # an existing directory keeps exactly what it had
    old = tmp_path / "old"
    old.mkdir()
    (old / "mine.txt").write_text("x")
    calls["n"] = 0
    code, _, err = _cli(monkeypatch, capsys, "results", run_dir, "--parquet", old)
    _assert_one_error(code, err, "--parquet")
    assert _tree(tmp_path) == ["old", "old/mine.txt"]


@pytest.mark.parametrize("rows", ["-3", "-1"])
def test_results_negative_rows(monkeypatch, capsys, run_dir: Path, rows: str) -> None:
    code, out, err = _cli(monkeypatch, capsys, "results", run_dir, "--rows", rows)
    _assert_one_error(code, err, "--rows", rows)
    assert out == ""


def test_results_zero_rows_is_fine(monkeypatch, capsys, run_dir: Path) -> None:
    code, out, err = _cli(monkeypatch, capsys, "results", run_dir, "--rows", "0")
    assert code == 0, err
    assert "first 0 of 5 threats" in out
