"""``iads track`` and ``iads score-tracks`` through the real entry point (exit codes, files)."""

from __future__ import annotations

import json
import os
import subprocess
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


def _two_radar_plots(tmp_path: Path) -> tuple[Path, Path]:
    """Plots of one set of targets from a precise radar (id 4) and a coarse one (id 9) 30 km
    apart, each with its own noise (sigma 30 m / 0.1 deg and 400 m / 1.0 deg)."""
    from dataclasses import replace

    from iads.tracking.scenario_gen import plots_from_truth

    sites = ((0.0, 0.0, 0.0), (30e3, 0.0, 0.0))
    p = SurveillanceParams(n_targets=8, n_scans=15, sensor_pos_m=sites, clutter_per_scan=5.0)
    truth, _ = generate(p, 21)
    fine = replace(p, sigma_range_m=30.0, sigma_azimuth_rad=np.deg2rad(0.1))
    coarse = replace(
        p,
        sigma_range_m=400.0,
        sigma_azimuth_rad=np.deg2rad(1.0),
        sigma_elevation_rad=np.deg2rad(1.0),
    )
    a = plots_from_truth(fine, truth, 1)
    b = plots_from_truth(coarse, truth, 2)
    a = {k: v[a["sensor_id"] == 0] for k, v in a.items()}
    b = {k: v[b["sensor_id"] == 1] for k, v in b.items()}
    det = {k: np.concatenate([a[k], b[k]]) for k in a}
    det["sensor_id"] = np.where(det["sensor_id"] == 0, 4, 9)
    write_detections(tmp_path / "det.csv", det)
    write_table(tmp_path / "truth.csv", {k: v for k, v in truth.items() if k != "turning"})
    return tmp_path / "det.csv", tmp_path / "truth.csv"


def test_sensors_file_gives_each_radar_its_noise(monkeypatch, capsys, tmp_path: Path) -> None:
    """With each radar's own noise (sensors file) the tracks are closer to the truth than when
    both radars are assumed as precise as the better one (the coarse radar's plots then pull
    the tracks about) or as coarse as the worse one."""
    det, truth = _two_radar_plots(tmp_path)
    sensors = tmp_path / "sensors.csv"
    sensors.write_text(
        "sensor_id,x_m,y_m,z_m,sigma_range_m,sigma_azimuth_deg,sigma_elevation_deg\n"
        "4,0,0,0,30,0.1,0.2\n9,30000,0,0,400,1.0,1.0\n"
    )
    runs = {
        "own": ["--sensors", sensors],
        "fine": ["--sensor-enu", "4=0,0,0", "--sensor-enu", "9=30000,0,0"]
        + ["--sigma-range-m", "30", "--sigma-azimuth-deg", "0.1"],
        "coarse": ["--sensor-enu", "4=0,0,0", "--sensor-enu", "9=30000,0,0"]
        + ["--sigma-range-m", "400", "--sigma-azimuth-deg", "1", "--sigma-elevation-deg", "1"],
    }
    rmse = {}
    for name, opts in runs.items():
        out = tmp_path / f"{name}.csv"
        assert _cli(monkeypatch, "track", det, "--out", out, "-q", *opts) == 0
        capsys.readouterr()
        assert _cli(monkeypatch, "score-tracks", truth, out, "--cutoff-m", "5000") == 0
        rmse[name] = json.loads(capsys.readouterr().out)["position_rmse_m"]
    assert rmse["own"] < rmse["fine"]
    assert rmse["own"] < rmse["coarse"]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("sensor_id,x_m,y_m\n0,0,0\n", "z_m"),
        ("sensor_id,x_m,y_m,z_m\n0,0,0,0\n0,1,1,1\n", "sensor_id"),
        ("sensor_id,x_m,y_m,z_m,sigma_range_m\n0,0,0,0,-5\n", "sigma_range_m"),
        ("sensor_id,x_m,y_m,z_m,sigma_azimuth_deg\n0,0,0,0,\n", "sigma_azimuth_deg"),
        ("sensor_id,x_m,y_m,z_m,sigma_range_rate_mps\n0,0,0,0,1\n1,0,0,0,\n", "sigma_range_rate"),
        ("sensor_id,x_m,y_m,z_m,colour\n0,0,0,0,1\n", "colour"),
        ("sensor_id,x_m,y_m,z_m\n0.5,0,0,0\n", "sensor_id"),
        ("sensor_id,x_m,y_m,z_m\n7,0,0,0\n", "sensor_id"),  # the plots' sensor 0 is missing
    ],
)
def test_bad_sensors_file_one_line_exit_2(
    monkeypatch, capsys, tmp_path: Path, scenario, text: str, field: str
) -> None:
    sensors = tmp_path / "sensors.csv"
    sensors.write_text(text)
    out = tmp_path / "t.csv"
    assert _cli(monkeypatch, "track", scenario[0], "--out", out, "--sensors", sensors) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error:") and field in err
    assert not out.exists()


def test_sensors_file_and_sensor_enu_refused_together(monkeypatch, capsys, tmp_path, scenario):
    sensors = tmp_path / "s.csv"
    sensors.write_text("sensor_id,x_m,y_m,z_m\n0,0,0,0\n")
    args = ["--sensors", sensors, "--sensor-enu", "0,0,0"]
    assert _cli(monkeypatch, "track", scenario[0], "--out", tmp_path / "t.csv", *args) == 2
    assert "--sensor-enu" in capsys.readouterr().err


def test_score_tracks_per_scan_csv_equals_stonesoup_gospa(
    monkeypatch, capsys, tmp_path: Path, scenario
) -> None:
    """Each row of ``--per-scan`` is Stone Soup's ``GOSPAMetric`` (c = 5 km, p = 1, alpha = 2)
    of that scan's tracks against its truth; the JSON mean is their mean."""
    import datetime

    from stonesoup.metricgenerator.ospametric import GOSPAMetric
    from stonesoup.types.state import State

    from iads.io.plots import read_table, read_truth

    out, rows = tmp_path / "tracks.csv", tmp_path / "per_scan.csv"
    _cli(monkeypatch, "track", scenario[0], "--out", out, "-q")
    capsys.readouterr()
    args = ["--cutoff-m", "5000", "--p", "1", "--per-scan", rows]
    assert _cli(monkeypatch, "score-tracks", scenario[2], out, *args) == 0
    mean = json.loads(capsys.readouterr().out)["gospa_m"]
    got = read_table(rows)
    truth, tracks = read_truth(scenario[2]), read_tracks(out)
    stamp = datetime.datetime(2026, 1, 1)
    metric = GOSPAMetric(c=5000.0, p=1.0)

    def states(cols: dict, t: float) -> list:
        sel = cols["time_s"] == t
        pos = np.column_stack([cols[c][sel] for c in ("x_m", "y_m", "z_m")])
        return [State(p.reshape(-1, 1), timestamp=stamp) for p in pos]

    assert got["time_s"].tolist() == np.unique(truth["time_s"]).tolist()
    for k, t in enumerate(got["time_s"]):
        want, _ = metric.compute_gospa_metric(states(tracks, t), states(truth, t))
        assert got["gospa_m"][k] == pytest.approx(want.value["distance"], rel=1e-9)
        assert got["gospa_missed_m2"][k] == pytest.approx(want.value["missed"], abs=1e-9)
        assert got["gospa_false_m2"][k] == pytest.approx(want.value["false"], abs=1e-9)
        assert got["n_missed"][k] * 2500.0 == pytest.approx(got["gospa_missed_m2"][k])
    assert mean == pytest.approx(float(np.mean(got["gospa_m"])), rel=1e-12)


@pytest.mark.parametrize("suffix", [".html", ".png"])
def test_score_tracks_plot(monkeypatch, capsys, tmp_path: Path, scenario, suffix: str) -> None:
    out, fig = tmp_path / "tracks.csv", tmp_path / f"gospa{suffix}"
    _cli(monkeypatch, "track", scenario[0], "--out", out, "-q")
    assert _cli(monkeypatch, "score-tracks", scenario[2], out, "--plot", fig) == 0
    head = fig.read_bytes()[:200]
    assert (b"<html" in head.lower()) if suffix == ".html" else head.startswith(b"\x89PNG")


def test_score_tracks_bad_plot_type_exit_2(monkeypatch, capsys, tmp_path, scenario) -> None:
    out = tmp_path / "tracks.csv"
    _cli(monkeypatch, "track", scenario[0], "--out", out, "-q")
    capsys.readouterr()
    assert _cli(monkeypatch, "score-tracks", scenario[2], out, "--plot", tmp_path / "g.gif") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--plot" in err


def test_make_plots_files_are_read_by_track_and_score(monkeypatch, capsys, tmp_path) -> None:
    """``iads make-plots`` writes what ``iads track --sensors`` and ``score-tracks`` read, and
    the plots are those of ``scenario_gen.generate`` with the same seed."""
    from iads.io.plots import read_detections, read_truth

    d = tmp_path / "scn"
    args = ["--targets", "6", "--scans", "8", "--seed", "5", "--radar", "3=1000,2000,10"]
    assert _cli(monkeypatch, "make-plots", d, *args) == 0
    assert "iads track" in capsys.readouterr().out
    p = SurveillanceParams(n_targets=6, n_scans=8, sensor_pos_m=((1000.0, 2000.0, 10.0),))
    truth, det = generate(p, 5)
    got = read_detections(d / "plots.csv")
    assert np.allclose(got["range_m"], det["range_m"])
    assert np.allclose(got["azimuth_rad"], det["azimuth_rad"])
    assert set(got["sensor_id"].tolist()) == {3}
    assert np.allclose(read_truth(d / "truth.csv")["x_m"], truth["x_m"])
    out = d / "tracks.parquet"
    assert (
        _cli(
            monkeypatch,
            "track",
            d / "plots.csv",
            "--sensors",
            d / "sensors.csv",
            "--out",
            out,
            "-q",
        )
        == 0
    )
    assert _cli(monkeypatch, "score-tracks", d / "truth.csv", out, "--cutoff-m", "5000") == 0
    assert json.loads(capsys.readouterr().out)["targets_never_tracked"] == 0


def test_help_lists_input_columns_and_units() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "iads.cli", "track", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "120"},
    ).stdout
    for column, unit in (
        ("time_s", "s"),
        ("range_m", "m"),
        ("azimuth_deg", "deg"),
        ("elevation_deg", "deg"),
        ("sensor_id", "integer"),
        ("range_rate_mps", "m/s"),
    ):
        line = next(x for x in out.splitlines() if x.strip().startswith(column))
        assert unit in line
    assert "--sensors" in out


def test_track_imports_nothing_it_does_not_use(tmp_path: Path, scenario) -> None:
    """A whole ``iads track`` run loads neither pandas (pyarrow conversions would), nor SciPy
    (0.3-0.5 s: gate quantile, clusters, assignment and the plot search are the tracker's
    own), nor Typer and Pydantic (its option conversion: the command's plain arguments are
    parsed without them), nor Rich without a progress bar, nor numpy.ma (``np.unique`` and
    ``np.median`` import it), nor plotting or Stone Soup, nor pyarrow (a small CSV is read and
    written by ``iads.io.small_csv``), nor numpy.typing (annotations only)."""
    code = (
        "import sys, json\n"
        "from iads.cli import main\n"
        f"sys.argv = ['iads', 'track', {str(scenario[0])!r}, '--out', "
        f"{str(tmp_path / 't.csv')!r}, '-q']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('pandas', 'scipy', 'typer', 'pydantic', 'rich', 'numpy.ma', 'matplotlib',\n"
        "         'plotly', 'stonesoup', 'duckdb', 'dask', 'pyarrow', 'numpy.typing')\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
    assert (tmp_path / "t.csv").is_file()


FAST_ARGS = [
    ["p.csv", "--out", "t.csv"],
    ["p.csv", "--out=t.parquet", "-q", "--pd", "0.8", "--clutter-per-scan=3.5"],
    ["--out", "t.csv", "p.csv", "--sensor-enu", "1=-5,0,2", "--sensor-enu", "2=1e3,2,3"],
    ["p.csv", "--out", "t.csv", "--filter", "ekf", "--confirm-m", "2", "--max-tracks", "+7"],
    ["p.csv", "--out", "t.csv", "--sigma-range-rate-mps", "1.5", "--quiet", "--q-mps2", "inf"],
    ["p.csv", "--out", "t.csv", "--sensors", "s.csv", "--velocity-std-mps", "-3"],
]


def _fast(args: list[str]) -> dict | None:
    from iads.cli import _fast_kwargs
    from iads.commands import track as mod

    return _fast_kwargs(mod.track, args, mod.PARAMETERS, mod.ARGUMENTS)


@pytest.mark.parametrize("args", [*FAST_ARGS, []])
def test_fast_parser_passes_what_typer_passes(monkeypatch, args: list[str]) -> None:
    """``iads track``'s arguments read without Typer give the very keyword arguments Typer's
    own parsing of the registered command gives (its defaults included)."""
    import typer
    from typer.testing import CliRunner

    from iads.commands import track as mod

    app = typer.Typer()
    app.command("track")(mod.typer_command())
    app.command("other")(lambda: None)  # two commands: the first argument names one
    seen: list[dict] = []
    monkeypatch.setattr(mod, "track", lambda **kwargs: seen.append(kwargs))
    if not args:  # Typer's defaults, with the two required values given
        args = ["p.csv", "--out", "t.csv"]
    result = CliRunner().invoke(app, ["track", *args])
    assert result.exit_code == 0, result.output
    monkeypatch.undo()
    fast = _fast(args)
    assert fast is not None
    want = {k: (list(v) if isinstance(v, tuple) else v) for k, v in seen[0].items()}
    assert fast == want


@pytest.mark.parametrize(
    "args",
    [
        ["p.csv", "--out", "t.csv", "--help"],
        ["p.csv"],  # --out missing: Typer says so
        ["p.csv", "--out", "t.csv", "--pd", "zero"],
        ["p.csv", "--out", "t.csv", "--confirm-m", "2.5"],
        ["p.csv", "--out", "t.csv", "--pd", "0.5", "--pd", "0.6"],
        ["p.csv", "--out", "t.csv", "--bogus"],
        ["p.csv", "q.csv", "--out", "t.csv"],
        ["p.csv", "--out", "t.csv", "-qx"],
    ],
)
def test_fast_parser_leaves_the_rest_to_typer(args: list[str]) -> None:
    assert _fast(args) is None


def test_bad_option_value_still_a_typer_usage_error(monkeypatch, capsys, tmp_path) -> None:
    code = _cli(monkeypatch, "track", tmp_path / "p.csv", "--out", tmp_path / "t.csv", "--pd", "x")
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and "--pd" in err[0]
