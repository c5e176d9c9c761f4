"""``iads coverage`` end to end on the small example."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pymap3d
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


def test_engagement_footprint_only_for_the_radar_that_guides(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    out = tmp_path / "cov"
    res = CliRunner().invoke(
        app, ["coverage", str(SMALL), "--out", str(out), "--bands-m", "1000", "--no-html"]
    )
    assert res.exit_code == 0, res.output
    con = duckdb.connect(str(out / "coverage.duckdb"), read_only=True)
    rows = con.execute(
        "SELECT radar, count(engage_max_range_m), min(azimuth_deg) FILTER (engage_max_range_m "
        "IS NOT NULL), max(azimuth_deg) FILTER (engage_max_range_m IS NOT NULL), "
        "max(abs(engage_max_range_m - detect_max_range_m)) FROM footprint GROUP BY ALL "
        "ORDER BY ALL"
    ).fetchall()
    guides = dict(con.execute("SELECT DISTINCT radar, guides FROM vertical_coverage").fetchall())
    sites = con.execute("SELECT kind, name FROM sites ORDER BY ALL").fetchall()
    port = con.execute("SELECT x_m, y_m FROM sites WHERE name = 'Port Aurel'").fetchone()
    con.close()
    acquisition, engagement = rows
    # the 91N6E-class acquisition radar guides no missile (catalog max_guided_missiles 0)
    assert acquisition[:2] == ("Aurel-1 acquisition", 0)
    assert guides == {"Aurel-1 acquisition": False, "Aurel-1 engagement": True}
    # the 92N6E-class radar (boresight 120°, 90° sector: 75°-165°, 1° cells) engages across
    # its whole sector; at 1 km its detection edge (about 160 km) is well inside the 48N6
    # reach (250 km) from a launcher 0.5 km away, so the two edges coincide
    assert engagement[1] == 90
    assert (engagement[2], engagement[3]) == (75.5, 164.5)
    assert engagement[4] == 0.0
    assert sites == [
        ("asset", "Port Aurel"),
        ("asset", "Vesna Air Base"),
        ("launcher", "Aurel-1 launchers"),
        ("radar", "Aurel-1 acquisition"),
        ("radar", "Aurel-1 engagement"),
    ]
    # site positions on the map: ENU about the scenario origin (pymap3d as the reference)
    e, n, _ = pymap3d.geodetic2enu(-47.50, -32.00, 5.0, -47.45, -32.05, 0.0)
    assert port == pytest.approx((e, n), abs=0.01)


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
