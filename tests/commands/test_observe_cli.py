"""``iads observe``: radar plots of trajectories through the simulation's radar model. The
detection count follows the exact Swerling Pd of the radar equation along a recorded path,
and ``iads observe`` -> ``iads track`` -> ``iads score-tracks`` closes the loop on a small
generated ADS-B file (and on the ``traffic`` library's samples when that is installed)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pymap3d
import pytest

from iads.io.plots import read_detections, read_table, read_truth

SITE = (40.0, 20.0, 0.0)
T0_S = 1_780_000_000
KT = 1852 / 3600


def _cli(monkeypatch: pytest.MonkeyPatch, *args: object) -> int:
    from iads.cli import main

    monkeypatch.setattr(sys, "argv", ["iads", *map(str, args)])
    with pytest.raises(SystemExit) as info:
        main()
    return int(info.value.code or 0)


def write_adsb(path: Path, flights: dict[str, tuple[np.ndarray, np.ndarray, float]], dt_s=5.0):
    """ADS-B CSV (ft, kt) of flights given as horizontal ENU paths about SITE: name ->
    (east (K,), north (K,), altitude m), one report every ``dt_s``."""
    rows = ["icao24,callsign,timestamp,latitude,longitude,altitude,groundspeed,track"]
    for name, (e, n, alt) in flights.items():
        lat, lon, _ = pymap3d.enu2geodetic(e, n, 0.0 * e, SITE[0], SITE[1], 0.0)
        ve, vn = np.gradient(e, dt_s), np.gradient(n, dt_s)
        gs, trk = np.hypot(ve, vn) / KT, np.degrees(np.arctan2(ve, vn)) % 360
        for k in range(e.size):
            rows.append(
                f"{name},X{name[:4]},{T0_S + dt_s * k:.0f},{lat[k]:.7f},{lon[k]:.7f},"
                f"{alt / 0.3048:.0f},{gs[k]:.1f},{trk[k]:.1f}"
            )
    path.write_text("\n".join(rows) + "\n")


def test_detections_follow_the_exact_swerling_pd(monkeypatch, tmp_path: Path) -> None:
    """A 0.1 m^2 Swerling-1 target flies straight in from 220 km to 60 km at 10 km: the count
    of its plots is the sum over scans of Pd(SNR(R)) from the radar equation, within 4
    binomial standard deviations (free space, so the closed form applies)."""
    from iads.scenario.load import builtin_catalog
    from iads.sensors.detection import detection_probability
    from iads.sensors.radar_equation import snr_constant_db, snr_db_at

    t = np.arange(0.0, 700.0, 5.0)
    r = 220e3 - 230.0 * t
    write_adsb(tmp_path / "in.csv", {"aaa001": (0.0 * r, r, 10_000.0)})
    out = tmp_path / "det.csv"
    args = ["observe", tmp_path / "in.csv", "--radar", "96L6-class", "--site", "40,20,0"]
    args += ["--out", out, "--truth", tmp_path / "truth.csv", "--free-space", "--seed", "3"]
    args += ["--target-type", "subsonic-cruise-missile", "--no-false-alarms", "-q"]
    assert _cli(monkeypatch, *args) == 0
    det, truth = read_detections(out), read_truth(tmp_path / "truth.csv")
    radar = builtin_catalog().radars["96L6-class"]
    assert np.all(np.diff(np.unique(det["time_s"])) % radar.scan_period_s == 0)
    ant = np.array([0.0, 0.0, radar.antenna_height_m])
    rng = np.linalg.norm(np.column_stack([truth["x_m"], truth["y_m"], truth["z_m"]]) - ant, axis=1)
    pd = detection_probability(
        snr_db_at(snr_constant_db(radar), rng, 0.1), radar.pfa, radar.n_pulses, 1
    )
    assert pd.min() < 0.05 and pd.max() > 0.95  # the path spans the detection range
    n = det["time_s"].size
    expected, sd = pd.sum(), np.sqrt(np.sum(pd * (1 - pd)))
    assert abs(n - expected) < 4 * sd, (n, expected, sd)
    # every plot is the target's: range and azimuth within 5 sigma of the truth
    assert set(read_table(out)["truth_id"].tolist()) == {0}
    scan = np.searchsorted(truth["time_s"], det["time_s"])
    assert np.all(np.abs(det["range_m"] - rng[scan]) < 5 * 100.0 + 0.01 * rng[scan])


def _loop_flights() -> dict[str, tuple[np.ndarray, np.ndarray, float]]:
    t = np.arange(0.0, 400.0, 5.0)
    w = np.radians(1.5)  # a 1.5 deg/s turn
    arc = 230.0 / w
    return {
        "a00001": (-60e3 + 230.0 * t, 30e3 + 0.0 * t, 10_000.0),  # straight east
        "a00002": (40e3 - 200.0 * t, -50e3 + 0.0 * t, 8_000.0),  # straight west
        "a00003": (arc * np.sin(w * t) - 20e3, arc * (1 - np.cos(w * t)) - 70e3, 11_000.0),
        "a00004": (0.0 * t + 70e3, 90e3 - 180.0 * t, 6_000.0),  # straight south
    }


def test_observe_track_score_closes_the_loop(monkeypatch, capsys, tmp_path: Path) -> None:
    """Four aircraft (one turning at 1.5 deg/s) 20-110 km from a 96L6-class with its false
    alarms and the run settings' sea surface: all are tracked, tracks are pure, and the
    position error of the tracks is below the raw measurement error of one plot."""
    write_adsb(tmp_path / "f.csv", _loop_flights())
    det, truth, sens = tmp_path / "det.csv", tmp_path / "truth.csv", tmp_path / "sensors.csv"
    args = ["observe", tmp_path / "f.csv", "--radar", "96L6-class", "--site", "40,20,0"]
    assert _cli(monkeypatch, *args, "--out", det, "--truth", truth, "--sensors-out", sens) == 0
    hint = capsys.readouterr().out.splitlines()[-1].split()
    pd = hint[hint.index("--pd") + 1]
    clutter = hint[hint.index("--clutter-per-scan") + 1]
    tracks = tmp_path / "tracks.csv"
    args = ["track", det, "--sensors", sens, "--pd", pd, "--clutter-per-scan", clutter]
    assert _cli(monkeypatch, *args, "--out", tracks, "-q") == 0
    capsys.readouterr()
    assert _cli(monkeypatch, "score-tracks", truth, tracks, "--cutoff-m", "5000") == 0
    score = json.loads(capsys.readouterr().out)
    assert score["targets"] == 4 and score["targets_never_tracked"] == 0
    assert score["track_purity"] > 0.95 and score["id_switches"] == 0
    s = read_table(sens)
    tr = read_truth(truth)
    r = np.linalg.norm(np.column_stack([tr["x_m"], tr["y_m"], tr["z_m"]]), axis=1)
    raw = np.sqrt(
        s["sigma_range_m"][0] ** 2
        + np.mean(r**2) * np.radians(s["sigma_azimuth_deg"][0]) ** 2
        + np.mean(r**2) * np.radians(s["sigma_elevation_deg"][0]) ** 2
    )
    assert score["position_rmse_m"] < raw, (score["position_rmse_m"], raw)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--radar", "96L7-class"], "--radar: unknown radar type '96L7-class'; did you mean"),
        (["--site", "40,20"], "--site: expected LAT,LON,ALT"),
        (["--units", "imperial"], "--units: must be published or si"),
        (["--target-type", "ufo"], "--target-type: unknown threat type"),
        (["--max-gap-s", "0"], "--max-gap-s: must be a number > 0"),
    ],
)
def test_bad_options_exit_2(monkeypatch, capsys, tmp_path: Path, extra, needle) -> None:
    write_adsb(tmp_path / "f.csv", _loop_flights())
    base = {"--radar": "96L6-class", "--site": "40,20,0", "--out": str(tmp_path / "d.csv")}
    for k in range(0, len(extra), 2):
        base[extra[k]] = extra[k + 1]
    args = [x for kv in base.items() for x in kv]
    assert _cli(monkeypatch, "observe", tmp_path / "f.csv", *args) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "d.csv").exists()


def test_bad_trajectory_file_exit_2_names_file_and_row(monkeypatch, capsys, tmp_path) -> None:
    write_adsb(tmp_path / "f.csv", _loop_flights())
    lines = (tmp_path / "f.csv").read_text().splitlines()
    lines[7] = lines[7].replace(",32808,", ",32 808,")
    (tmp_path / "f.csv").write_text("\n".join(lines) + "\n")
    args = ["--radar", "96L6-class", "--site", "40,20,0", "--out", tmp_path / "d.csv"]
    assert _cli(monkeypatch, "observe", tmp_path / "f.csv", *args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and str(tmp_path / "f.csv") in err
    assert "altitude: value '32 808' at data row 7 is not a number" in err
