"""``iads run`` and ``iads results`` end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from iads.cli import app

SMALL = Path(__file__).parents[2] / "examples" / "small.yaml"


def test_run_then_results_with_parquet(tmp_path):
    runner = CliRunner()
    out = tmp_path / "run"
    res = runner.invoke(app, ["run", str(SMALL), "--out", str(out), "--seed", "3"])
    assert res.exit_code == 0, res.output
    assert (out / "results.duckdb").is_file()
    assert "leakers" in res.output and "CM-1" in res.output
    res = runner.invoke(app, ["results", str(out), "--parquet", str(tmp_path / "pq")])
    assert res.exit_code == 0, res.output
    assert "seed 3" in res.output
    assert (tmp_path / "pq" / "events.parquet").is_file()


def test_bad_input_is_one_line_and_exit_2_and_leaves_no_directory(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\norigin: {lat_deg: 0, lon_deg: 0}\nduration_s: -1\n")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "iads.cli", "run", str(bad), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "duration_s" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()
