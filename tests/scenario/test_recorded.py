"""Recorded trajectories as scenario traffic (``traffic: - file:``): the imported aircraft flies
the recorded path at the recorded times (against the analytic path the file was made from),
gaps end a piece of flight, units and time offsets apply, and the run treats it as traffic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pymap3d
import pytest
import yaml

from iads.errors import InputError
from iads.geo import geodesic_inverse
from iads.messages import FLYING, NEUTRAL
from iads.scenario import load_scenario
from iads.sim.build import build_world, motion_system

T0_S = 1_780_000_000
LAT0, LON0 = 40.3, 19.3
SPEED_MPS = 230.0
TURN_RATE_RAD_S = np.radians(1.5)  # a rate-one-half turn, 27 deg of bank at 230 m/s
STRAIGHT_S, TURN_S = 200.0, 120.0  # east, 180 deg left turn, west
ALT_FT = 33_000.0

BASE = Path(__file__).parent / "base.yaml"


def reference_en(t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The flown path in the tangent plane at (LAT0, LON0): east, a 1.5 deg/s left turn
    through north, west (closed form)."""
    t = np.asarray(t_s, dtype=float)
    r = SPEED_MPS / TURN_RATE_RAD_S
    e = np.where(t < STRAIGHT_S, SPEED_MPS * t, 0.0)
    n = np.zeros_like(t)
    turn = (t >= STRAIGHT_S) & (t < STRAIGHT_S + TURN_S)
    a = TURN_RATE_RAD_S * (t - STRAIGHT_S)
    x0 = SPEED_MPS * STRAIGHT_S
    e = np.where(turn, x0 + r * np.sin(a), e)
    n = np.where(turn, r * (1 - np.cos(a)), n)
    after = t >= STRAIGHT_S + TURN_S
    e = np.where(after, x0 - SPEED_MPS * (t - STRAIGHT_S - TURN_S), e)
    n = np.where(after, 2 * r, n)
    return e, n


def write_flight(path: Path, dt_s: float = 4.0, duration_s: float = 600.0, si: bool = False):
    t = np.arange(0.0, duration_s + 1e-9, dt_s)
    e, n = reference_en(t)
    lat, lon, _ = pymap3d.enu2geodetic(e, n, np.zeros_like(e), LAT0, LON0, 0.0)
    track = np.degrees(np.arctan2(np.gradient(e), np.gradient(n))) % 360
    alt = ALT_FT * 0.3048 if si else ALT_FT
    gs = SPEED_MPS if si else SPEED_MPS / (1852 / 3600)
    rows = ["icao24,callsign,timestamp,latitude,longitude,altitude,groundspeed,track"]
    rows += [
        f"4ca7b3,EIN12,{T0_S + ti:.1f},{la:.7f},{lo:.7f},{alt:.1f},{gs:.2f},{tr:.1f}"
        for ti, la, lo, tr in zip(t, lat, lon, track, strict=True)
    ]
    path.write_text("\n".join(rows) + "\n")


def scenario(tmp_path: Path, entry: dict, duration_s: float = 600.0) -> Path:
    data = yaml.safe_load(BASE.read_text())
    data["duration_s"] = duration_s
    data["traffic"] = [{"name": "rec", "allegiance": "neutral", **entry}]
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(data))
    return p


def horizontal_error_m(world, row: int, t_file_s: np.ndarray, t_scen_s: np.ndarray):
    ms = motion_system(world)
    e, n = reference_en(t_file_s)
    lat_ref, lon_ref, _ = pymap3d.enu2geodetic(e, n, np.zeros_like(e), LAT0, LON0, 0.0)
    o = world.origin
    err = []
    for k, t in enumerate(t_scen_s):
        ms.place(world, float(t))
        assert world.threats.status[row] == FLYING, t
        x, y, z = world.threats.pos_m[row]
        lat, lon, alt = pymap3d.enu2geodetic(x, y, z, o.lat_deg, o.lon_deg, o.alt_m)
        err.append(float(geodesic_inverse(lat, lon, lat_ref[k], lon_ref[k])[0]))
        assert alt == pytest.approx(ALT_FT * 0.3048, abs=0.5)
    return np.array(err)


@pytest.mark.parametrize("resample_s", [4.0, 10.0])
def test_recorded_flight_follows_the_recorded_path(tmp_path: Path, resample_s: float) -> None:
    write_flight(tmp_path / "f.csv")
    entry = {"file": "f.csv", "time_offset_s": 30.0, "resample_s": resample_s}
    sc = load_scenario(scenario(tmp_path, entry))
    (tr,) = sc.traffic
    assert tr.name == "rec/4ca7b3" and tr.file is None and tr.start_time_s == 30.0
    world = build_world(sc, 1)
    row = len(world.threats.id) - 1
    assert world.threats.allegiance[row] == NEUTRAL
    motion_system(world).place(world, 10.0)
    assert world.threats.status[row] != FLYING, "not in the air before its start (30 s)"
    t_file = np.arange(2.0, 565.0, 3.0)  # scenario times to 565 + 30 s, inside duration_s
    err = horizontal_error_m(world, row, t_file, t_file + 30.0)
    straight = (t_file < STRAIGHT_S - resample_s) | (t_file > STRAIGHT_S + TURN_S + resample_s)
    # straight legs, before and after the turn: the route is the recorded path and the leg
    # speeds bring the aircraft abeam each point on time (no along-track drift)
    assert err[straight].max() < 2.0
    # in the turn: chords of the r = 8.8 km arc, sagitta (v dt)^2 / (8 r), and the fillets
    sagitta = (SPEED_MPS * resample_s) ** 2 / (8 * SPEED_MPS / TURN_RATE_RAD_S)
    assert err.max() < 1.5 * sagitta


def test_units_offsets_and_gaps(tmp_path: Path) -> None:
    write_flight(tmp_path / "kt.csv")
    write_flight(tmp_path / "si.csv", si=True)
    a = load_scenario(scenario(tmp_path, {"file": "kt.csv"})).traffic[0]
    b = load_scenario(scenario(tmp_path, {"file": "si.csv", "units": "si"})).traffic[0]
    assert [w.alt_m for w in a.route] == pytest.approx([w.alt_m for w in b.route])
    assert a.route[0].alt_m == pytest.approx(ALT_FT * 0.3048)
    # a negative offset skips the start: the first point is 100 s into the recording
    c = load_scenario(scenario(tmp_path, {"file": "kt.csv", "time_offset_s": -100.0}))
    e, n = reference_en(np.array([100.0]))
    lat, lon, _ = pymap3d.enu2geodetic(e, n, 0.0 * e, LAT0, LON0, 0.0)
    first = c.traffic[0].route[0]
    assert c.traffic[0].start_time_s == 0.0
    assert geodesic_inverse(first.lat_deg, first.lon_deg, lat[0], lon[0])[0] < 1.0
    # a 120 s gap: two pieces with max_gap_s 60 (none flown across the gap), one with 200
    rows = (tmp_path / "kt.csv").read_text().splitlines()
    times = [float(r.split(",")[2]) - T0_S for r in rows[1:]]
    kept = [rows[0]] + [r for r, t in zip(rows[1:], times, strict=True) if not 240 < t < 360]
    (tmp_path / "gap.csv").write_text("\n".join(kept) + "\n")
    two = load_scenario(scenario(tmp_path, {"file": "gap.csv"})).traffic
    assert [t.name for t in two] == ["rec/4ca7b3-1", "rec/4ca7b3-2"]
    assert two[1].start_time_s == 360.0
    world = build_world(load_scenario(scenario(tmp_path, {"file": "gap.csv"})), 1)
    rows_ = np.arange(len(world.threats.id))[-2:]
    ms = motion_system(world)
    ms.place(world, 300.0)
    assert not (world.threats.status[rows_] == FLYING).any(), "nothing flies in the gap"
    one = load_scenario(scenario(tmp_path, {"file": "gap.csv", "max_gap_s": 200.0})).traffic
    assert len(one) == 1
    # aircraft filter
    none = scenario(tmp_path, {"file": "kt.csv", "aircraft": ["abcdef"]})
    with pytest.raises(InputError, match="none of the aircraft abcdef"):
        load_scenario(none)


def test_recorded_airliner_in_a_defended_run_is_not_engaged(tmp_path: Path) -> None:
    """The airliner from the file crosses the battery's coverage with IFF and ADS-B; with
    identification and ROE [hostile] it is seen and tracked as traffic and never engaged."""
    from iads.sim.run import run_scenario

    write_flight(tmp_path / "f.csv")
    p = scenario(tmp_path, {"file": "f.csv"})
    data = yaml.safe_load(p.read_text())
    data["settings"] = {"c2": {"identification": {"engage": ["hostile"]}}}
    p.write_text(yaml.safe_dump(data))
    res = run_scenario(load_scenario(p))
    s = res.summary
    assert s["traffic"] == 1 and s["neutrals_engaged"] == 0
    air = res.threats["allegiance"] == "neutral"
    assert (res.threats["first_track_s"][air] > 0).all()


def test_recorded_traffic_example_loads() -> None:
    """examples/recorded_traffic.yaml: three recorded Aurel Air flights (one holding) from
    examples/data, resampled every 10 s, beside the routed friendly patrol."""
    example = Path(__file__).parents[2] / "examples" / "recorded_traffic.yaml"
    sc = load_scenario(example)
    names = [t.name for t in sc.traffic]
    assert names == ["Aurel Air/e80a11", "Aurel Air/e80a12", "Aurel Air/e80a13", "Falcon 1"]
    assert [t.start_time_s for t in sc.traffic[:3]] == [0.0, 120.0, 600.0]
    assert all(t.allegiance == "neutral" and t.file is None for t in sc.traffic[:3])
