"""ASTERIX through libasterix: CAT048 plots into ``iads track``, CAT062 system tracks out of
``iads track`` and ``iads run``, read back by libasterix and by an independent decoder."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

from iads.geo import MEAN_EARTH_RADIUS_M, Origin, enu_to_geodetic
from iads.interop import asterix
from tests.interop import asterix_bytes as ab

SMALL = Path(__file__).parents[2] / "examples" / "small.yaml"
FT_M = 0.3048


def _cli(capsys, *args: object) -> tuple[int, str, str]:
    from iads.cli import main

    with pytest.raises(SystemExit) as info:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return int(info.value.code or 0), out.out, out.err


def _one_error(code: int, err: str, *words: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for w in words:
        assert w in lines[0], (w, lines[0])


def _tracks(n: int = 40) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(5)
    return {
        "time_s": np.round(np.arange(n) * 2.5 + 3600.0, 3),
        "track_id": np.arange(n) % 7 + 1_000_000_003,
        "battery": np.arange(n) % 3,
        "x_m": rng.uniform(-2e5, 2e5, n),
        "y_m": rng.uniform(-2e5, 2e5, n),
        "z_m": rng.uniform(50.0, 12_000.0, n),
        "vx_mps": rng.uniform(-600, 600, n),
        "vy_mps": rng.uniform(-600, 600, n),
        "vz_mps": rng.uniform(-50, 50, n),
    }


@pytest.mark.parametrize("origin", [None, Origin(45.2, 7.6, 250.0)])
def test_cat062_round_trips_and_an_independent_decoder_reads_it_identically(tmp_path, origin):
    cols = _tracks()
    path = tmp_path / "tracks.ast"
    assert asterix.write_cat062(path, cols, origin) == 40
    lib = asterix.read_cat062(path)
    mine = ab.decode_cat062(path.read_bytes())
    assert len(mine) == 40
    for k in ("time_s", "sac", "sic", "track_number", "x_m", "y_m", "vx_mps", "vy_mps",
              "alt_m", "vz_mps", "mon", "src"):  # fmt: skip
        assert np.array_equal(lib[k], [r[k] for r in mine]), k
    # against the input, within each item's resolution (half its LSB)
    assert np.abs(lib["time_s"] - cols["time_s"]).max() <= 0.5 / 128
    assert np.abs(lib["x_m"] - cols["x_m"]).max() <= 0.25 + 1e-9
    assert np.abs(lib["vy_mps"] - cols["vy_mps"]).max() <= 0.125 + 1e-9
    assert np.abs(lib["vz_mps"] - cols["vz_mps"]).max() <= 6.25 * FT_M / 60 / 2 + 1e-9
    assert np.array_equal(lib["sic"], cols["battery"] + 1)
    assert np.array_equal(lib["track_number"], cols["track_id"] % 65536)
    assert set(lib["src"]) == {2} and set(lib["mon"]) == {0}
    if origin is None:
        assert np.isnan(lib["lat_deg"]).all() and "lat_deg" not in mine[0]
        assert np.abs(lib["alt_m"] - cols["z_m"]).max() <= 6.25 * FT_M / 2 + 1e-9
    else:
        xyz = np.column_stack([cols["x_m"], cols["y_m"], cols["z_m"]])
        lat, lon, alt = enu_to_geodetic(xyz, origin)
        assert np.array_equal(lib["lat_deg"], [r["lat_deg"] for r in mine])
        assert np.abs(lib["lat_deg"] - lat).max() <= 90.0 / 2**25 + 1e-12
        assert np.abs(lib["lon_deg"] - lon).max() <= 90.0 / 2**25 + 1e-12
        assert np.abs(lib["alt_m"] - alt).max() <= 6.25 * FT_M / 2 + 1e-9


def _sphere_height(range_m, elevation_rad, sensor_height_m):
    """Height over the sphere of a point at slant range and elevation, by vectors."""
    s = np.array([0.0, 0.0, MEAN_EARTH_RADIUS_M + sensor_height_m])
    t = s + range_m * np.array([math.cos(elevation_rad), 0.0, math.sin(elevation_rad)])
    return float(np.linalg.norm(t)) - MEAN_EARTH_RADIUS_M


@pytest.mark.parametrize(
    ("r", "el", "hs"), [(30e3, 0.05, 10.0), (150e3, -0.002, 500.0), (2e3, 1.2, 0.0)]
)
def test_elevation_from_height_inverts_the_geometry(r, el, hs):
    h = _sphere_height(r, el, hs)
    got = asterix.elevation_from_height(np.array([r]), np.array([h]), np.array([hs]))[0]
    assert got == pytest.approx(el, abs=1e-10)


def test_cat048_plots_are_read_from_hand_made_bytes(tmp_path):
    h = _sphere_height(40_000.0, 0.08, 20.0)
    recs = [
        ab.encode_cat048_plot(2, 7, 43_200.5, 40_000.0, 123.4, height_m=h),
        ab.encode_cat048_plot(2, 7, 43_201.0, 80_000.0, 359.99, flight_level=250.0),
    ]
    path = tmp_path / "plots.ast"
    sector = ab.datablock(34, [bytes([0xC0, 2, 7, 2])])  # a CAT034 message: skipped
    path.write_bytes(sector + ab.datablock(48, recs))
    det = asterix.read_cat048_plots(path, {2 * 256 + 7: (0.0, 0.0, 20.0)})
    assert np.array_equal(det["sensor_id"], [519, 519])
    assert det["time_s"] == pytest.approx([43_200.5, 43_201.0], abs=1 / 256)
    assert det["range_m"] == pytest.approx([40_000.0, 80_000.0], abs=ab.NM_M / 512)
    assert np.rad2deg(det["azimuth_rad"]) == pytest.approx([123.4, 359.99], abs=360 / 2**17)
    # 25 ft height resolution at 40 km: about 1e-4 rad
    assert det["elevation_rad"][0] == pytest.approx(0.08, abs=12.5 * FT_M / 40_000.0)
    fl_el = asterix.elevation_from_height(np.array([det["range_m"][1]]), np.array([25_000 * FT_M]),
                                          np.array([20.0]))[0]  # fmt: skip
    assert det["elevation_rad"][1] == pytest.approx(fl_el, abs=1e-9)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", ("empty",)),
        (b"hello, this is not asterix at all", ("not ASTERIX",)),
        (ab.datablock(48, [ab.encode_cat048_plot(0, 1, 1.0, 1e4, 10.0, height_m=500.0)])[:-3],
         ("not ASTERIX",)),
        (ab.datablock(48, [bytes([0xFF, 0xFF, 0xFF, 0xFF])]), ("corrupt",)),
        (ab.datablock(48, [ab.encode_cat048_plot(0, 1, 1.0, 1e4, 10.0)]), ("no height",)),
        (ab.datablock(34, [bytes([0xC0, 0, 1, 2])]), ("no CAT048",)),
        (ab.datablock(48, [ab.encode_cat048_plot(0, 9, 1.0, 1e4, 10.0, height_m=500.0)]),
         ("SIC 9",)),
        (ab.datablock(48, [ab.encode_cat048_plot(0, 1, 1.0, 1e3, 10.0, height_m=5000.0)]),
         ("cannot be seen",)),
    ],
)  # fmt: skip
def test_bad_asterix_files_are_one_line_errors_exit_2(tmp_path, capsys, content, words):
    path = tmp_path / "bad.ast"
    path.write_bytes(content)
    code, _, err = _cli(capsys, "track", path, "--out", tmp_path / "t.csv", "--sensor-enu",
                        "1=0,0,10", "-q")  # fmt: skip
    _one_error(code, err, "bad.ast", *words)
    assert not (tmp_path / "t.csv").exists()


def _target_plots(n_scans: int = 40) -> tuple[dict[str, np.ndarray], float]:
    """A constant-velocity aircraft seen once a second by a sensor 10 m up at the origin."""
    rng = np.random.default_rng(11)
    t = np.arange(n_scans, dtype=float) + 100.0
    pos = np.column_stack(
        [20e3 + 150.0 * (t - 100), 25e3 - 80.0 * (t - 100), np.full(n_scans, 6e3)]
    )
    d = pos - [0.0, 0.0, 10.0]
    r = np.linalg.norm(d, axis=1) + rng.normal(0, 30.0, n_scans)
    az = np.mod(np.arctan2(d[:, 0], d[:, 1]) + rng.normal(0, 2e-3, n_scans), 2 * np.pi)
    el = np.arcsin(d[:, 2] / np.linalg.norm(d, axis=1)) + rng.normal(0, 2e-3, n_scans)
    return {"time_s": t, "range_m": r, "azimuth_rad": az, "elevation_rad": el}, 10.0


def test_track_reads_cat048_as_the_same_plots_in_csv_and_writes_cat062(tmp_path, capsys):
    from iads.io.plots import read_tracks, write_detections

    det, hs = _target_plots()
    ast = tmp_path / "plots.ast"
    asterix.write_cat048_plots(ast, det, hs)
    back = asterix.read_cat048_plots(ast, {1: (0.0, 0.0, hs)})
    csv = tmp_path / "plots.csv"
    write_detections(csv, {**back, "sensor_id": np.zeros_like(back["sensor_id"])})
    common = ["--sigma-range-m", 30, "--sigma-azimuth-deg", 0.15, "--sigma-elevation-deg", 0.15,
              "--clutter-per-scan", 0.5, "-q"]  # fmt: skip
    code, _, err = _cli(capsys, "track", ast, "--out", tmp_path / "a.csv", "--sensor-enu",
                        f"1=0,0,{hs}", "--asterix-out", tmp_path / "a062.ast", *common)  # fmt: skip
    assert code == 0, err
    code, _, err = _cli(capsys, "track", csv, "--out", tmp_path / "c.csv", "--sensor-enu",
                        f"0=0,0,{hs}", *common)  # fmt: skip
    assert code == 0, err
    a, c = read_tracks(tmp_path / "a.csv"), read_tracks(tmp_path / "c.csv")
    assert a["time_s"].size > 20 and np.array_equal(a["track_id"], c["track_id"])
    for k in ("time_s", "x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps"):
        assert np.allclose(a[k], c[k], rtol=0, atol=1e-6), k
    # the track follows the aircraft (plots quantised by CAT048 included)
    i = a["time_s"] == a["time_s"].max()
    t_end = a["time_s"][i][0] - 100.0
    truth = [20e3 + 150.0 * t_end, 25e3 - 80.0 * t_end, 6e3]
    assert math.dist([a["x_m"][i][0], a["y_m"][i][0], a["z_m"][i][0]], truth) < 300.0
    out = asterix.read_cat062(tmp_path / "a062.ast")
    mine = ab.decode_cat062((tmp_path / "a062.ast").read_bytes())
    assert out["time_s"].size == a["time_s"].size == len(mine)
    assert np.abs(out["x_m"] - a["x_m"]).max() <= 0.25 + 1e-9
    assert np.abs(out["alt_m"] - a["z_m"]).max() <= 6.25 * FT_M / 2 + 1e-9
    assert set(out["mon"]) == {1}  # one sensor: a mono-sensor track
    assert np.array_equal(out["track_number"], [r["track_number"] for r in mine])


def test_run_writes_its_system_tracks_as_cat062(tmp_path, capsys):
    import duckdb

    out = tmp_path / "run"
    code, stdout, err = _cli(capsys, "run", SMALL, "--out", out, "--seed", "1", "--rows", "0",
                             "--asterix-out", tmp_path / "run.ast")  # fmt: skip
    assert code == 0, err
    assert "CAT062" in stdout
    with duckdb.connect(str(out / "results.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select time_s, battery, track_id, x_m, y_m, z_m from tracks order by rowid"
        ).fetchall()
    lib = asterix.read_cat062(tmp_path / "run.ast")
    mine = ab.decode_cat062((tmp_path / "run.ast").read_bytes())
    assert len(rows) == lib["time_s"].size == len(mine) > 10
    tab = np.array(rows, dtype=float)
    assert np.array_equal(lib["sic"], tab[:, 1].astype(int) + 1)
    assert np.abs(lib["y_m"] - tab[:, 4]).max() <= 0.25 + 1e-9
    from iads.scenario import load_scenario

    lat, _, _ = enu_to_geodetic(tab[:, 3:6], Origin.of(load_scenario(SMALL).origin))
    assert np.abs(lib["lat_deg"] - lat).max() <= 90.0 / 2**25 + 1e-12
    assert np.array_equal(lib["lat_deg"], [r["lat_deg"] for r in mine])


def test_bad_asterix_out_is_refused_before_the_run(tmp_path, capsys):
    code, _, err = _cli(capsys, "run", SMALL, "--out", tmp_path / "o", "--asterix-out",
                        tmp_path / "missing" / "x.ast")  # fmt: skip
    _one_error(code, err, "--asterix-out", "does not exist")
    assert not (tmp_path / "o").exists()


def test_track_on_csv_does_not_import_asterix_or_dis(tmp_path):
    import subprocess

    csv = tmp_path / "p.csv"
    csv.write_text("time_s,range_m,azimuth_deg,elevation_deg\n0,1000,10,1\n1,1010,10,1\n")
    code = (
        "import sys; from iads.cli import main\n"
        f"try:\n    main(['track', {str(csv)!r}, '--out', {str(tmp_path / 't.csv')!r}, '-q'])\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "bad = [m for m in sys.modules if m.startswith(('asterix', 'iads.interop'))]\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_cat048_time_of_day_rolls_over_at_midnight(tmp_path):
    recs = [ab.encode_cat048_plot(0, 1, t, 1e4, 10.0, height_m=500.0) for t in (86_399.0, 0.5, 1.0)]
    path = tmp_path / "night.ast"
    path.write_bytes(ab.datablock(48, recs))
    det = asterix.read_cat048_plots(path, {1: (0.0, 0.0, 0.0)})
    assert det["time_s"] == pytest.approx([86_399.0, 86_400.5, 86_401.0])
