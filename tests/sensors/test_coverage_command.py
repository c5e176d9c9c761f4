"""``iads coverage`` end to end on the small example."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from iads.cli import app
from iads.sensors import radar_horizon_m

SMALL = Path(__file__).parents[2] / "examples" / "small.yaml"


def test_coverage_writes_tables_and_plot(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    out = tmp_path / "cov"
    res = CliRunner().invoke(
        app, ["coverage", str(SMALL), "--out", str(out), "--bands-m", "25,10000"]
    )
    assert res.exit_code == 0, res.output
    assert "Aurel-1 acquisition" in res.output
    assert (out / "coverage.html").stat().st_size > 1_000_000  # plotly.js inlined
    assert sorted(p.name for p in out.iterdir()) == ["coverage.duckdb", "coverage.html"]
    con = duckdb.connect(str(out / "coverage.duckdb"), read_only=True)
    rows = con.execute(
        "SELECT radar, altitude_m, max(detect_max_range_m), count(*) FROM footprint "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    n_vert = con.execute("SELECT count(*) FROM vertical_coverage").fetchone()[0]
    con.close()
    assert n_vert > 100
    assert all(r[3] == 360 for r in rows)  # 1° grid
    low = [r for r in rows if r[0] == "Aurel-1 acquisition" and r[1] == 25.0][0]
    # 25 m band: horizon-limited; antenna 8 m on a 40 m site -> about 4.12 (sqrt 48 + sqrt 25)
    assert low[2] == pytest.approx(float(radar_horizon_m(48.0, 25.0)), abs=1500.0)
    assert np.isfinite(low[2])


def test_coverage_bad_band_is_one_line_exit_2(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "iads.cli",
            "coverage",
            str(SMALL),
            "--bands-m",
            "25,x",
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "--bands-m" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "o").exists()
