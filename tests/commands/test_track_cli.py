"""``iads track`` and ``iads score-tracks`` through the real entry point (exit codes, files)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from iads.io.plots import read_tracks, write_detections, write_table
from iads.tracking.scenario_gen import SurveillanceParams, generate


def _cli(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    from iads.cli import main

    monkeypatch.setattr(sys, "argv", ["iads", *map(str, args)])
    with pytest.raises(SystemExit) as info:
        main()
    return int(info.value.code or 0)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    d = tmp_path_factory.mktemp("track")
    truth, det = generate(SurveillanceParams(n_targets=5, n_scans=10), 11)
    write_detections(d / "det.csv", det)
    write_detections(d / "det.parquet", det)
    write_table(d / "truth.csv", {k: v for k, v in truth.items() if k != "turning"})
    return d / "det.csv", d / "det.parquet", d / "truth.csv"


@pytest.mark.parametrize(("src", "dst"), [(0, "csv"), (1, "parquet"), (0, "parquet"), (1, "csv")])
def test_track_round_trip(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, scenario, src: int, dst: str
) -> None:
    out = tmp_path / f"tracks.{dst}"
    assert _cli(monkeypatch, "track", scenario[src], "--out", out, "--quiet") == 0
    tracks = read_tracks(out)
    assert list(tracks)[:8] == [
        "time_s",
        "track_id",
        "x_m",
        "y_m",
        "z_m",
        "vx_mps",
        "vy_mps",
        "vz_mps",
    ]
    assert np.unique(tracks["track_id"]).size >= 4
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_csv_and_parquet_inputs_give_the_same_tracks(monkeypatch, tmp_path, scenario) -> None:
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    _cli(monkeypatch, "track", scenario[0], "--out", a, "-q")
    _cli(monkeypatch, "track", scenario[1], "--out", b, "-q")
    ta, tb = read_tracks(a), read_tracks(b)
    np.testing.assert_allclose(ta["x_m"], tb["x_m"], rtol=1e-9)


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("time_s,range_m,azimuth_deg,elevation_deg\n0,1000,400,1\n", "azimuth_deg"),
        ("time_s,range_m,azimuth_deg,elevation_deg\n0,-3,40,1\n", "range_m"),
        ("time_s,range_m,azimuth_deg,elevation_deg\n0,nan,40,1\n", "range_m"),
        ("time_s,range_m,elevation_deg\n0,1000,1\n", "azimuth_deg"),
    ],
)
def test_bad_file_exit_2_one_line_no_output(
    monkeypatch, capsys, tmp_path: Path, text: str, column: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(text)
    out = tmp_path / "tracks.csv"
    assert _cli(monkeypatch, "track", bad, "--out", out) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert str(bad) in err[0] and column in err[0]
    assert not out.exists()


def test_corrupt_parquet_exit_2(monkeypatch, capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not a parquet file at all")
    assert _cli(monkeypatch, "track", bad, "--out", tmp_path / "t.csv") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0]
    assert list(tmp_path.iterdir()) == [bad]


def test_unknown_sensor_id_exit_2(monkeypatch, capsys, tmp_path: Path) -> None:
    det = tmp_path / "det.csv"
    det.write_text("time_s,range_m,azimuth_deg,elevation_deg,sensor_id\n0,1000,40,1,3\n")
    assert (
        _cli(monkeypatch, "track", det, "--out", tmp_path / "t.csv", "--sensor-enu", "1=0,0,0") == 2
    )
    assert "sensor_id" in capsys.readouterr().err


def test_score_tracks_json(monkeypatch, capsys, tmp_path: Path, scenario) -> None:
    out = tmp_path / "tracks.csv"
    _cli(monkeypatch, "track", scenario[0], "--out", out, "-q")
    capsys.readouterr()
    assert _cli(monkeypatch, "score-tracks", scenario[2], out, "--cutoff-m", "2000") == 0
    result = json.loads(capsys.readouterr().out)
    for key in (
        "gospa_m",
        "gospa_localisation_m2",
        "gospa_missed_m2",
        "gospa_false_m2",
        "ospa_m",
        "position_rmse_m",
        "velocity_rmse_mps",
        "track_purity",
        "id_switches",
        "track_breaks",
        "time_to_confirm_s",
    ):
        assert key in result
    assert 0 < result["gospa_m"] < 2000 * np.sqrt(5)
    assert result["cutoff_m"] == 2000.0


def test_range_rate_option(monkeypatch, capsys, tmp_path: Path, scenario) -> None:
    p = SurveillanceParams(n_targets=4, n_scans=8, sigma_range_rate_mps=2.0)
    _, det = generate(p, 12)
    src = tmp_path / "det_rr.parquet"
    write_detections(src, det)
    out = tmp_path / "tracks.csv"
    assert _cli(monkeypatch, "track", src, "--out", out, "-q", "--sigma-range-rate-mps", "2") == 0
    assert np.unique(read_tracks(out)["track_id"]).size >= 3
    # the option without the column is an input error naming the column
    bad_out = tmp_path / "t2.csv"
    code = _cli(monkeypatch, "track", scenario[0], "--out", bad_out, "--sigma-range-rate-mps", "2")
    assert code == 2 and "range_rate_mps" in capsys.readouterr().err
    assert not bad_out.exists()


def test_empty_detections_give_an_empty_tracks_file(monkeypatch, tmp_path: Path) -> None:
    src = tmp_path / "empty.csv"
    src.write_text("time_s,range_m,azimuth_deg,elevation_deg\n")
    out = tmp_path / "tracks.parquet"
    assert _cli(monkeypatch, "track", src, "--out", out, "-q") == 0
    assert read_tracks(out)["time_s"].size == 0
