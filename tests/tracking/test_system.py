"""The tracker inside the engine: fused plots of a battery's radars, sweep-aware hit/miss."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from iads.scenario import load_scenario
from iads.sensors.radar import RadarModel
from iads.sim.build import build_world, motion_system
from iads.sim.defense import defense_systems
from iads.sim.engine import Engine
from iads.tracking.system import TrackPicture, clutter_density, match_truth, tracker_systems

SMALL = Path(__file__).parents[2] / "examples" / "small.yaml"


def test_match_truth_equals_brute_force():
    rng = np.random.default_rng(7)
    for _ in range(20):
        tracks = rng.uniform(0, 5_000, (4, 3))
        truth = rng.uniform(0, 5_000, (5, 3))
        std = np.full(4, 100.0)
        got = match_truth(tracks, std, truth)
        best, best_cost = None, np.inf
        for perm in itertools.permutations(range(5), 4):
            d = np.linalg.norm(tracks - truth[list(perm)], axis=1)
            ok = d <= 3_000.0
            # maximise the number matched first, then minimise the distance
            cost = -ok.sum() * 1e9 + d[ok].sum()
            if cost < best_cost:
                best_cost, best = cost, np.where(ok, perm, -1)
        assert np.array_equal(got, best)


def test_match_truth_refuses_far_pairs():
    got = match_truth(np.zeros((1, 3)), np.array([10.0]), np.array([[10_000.0, 0, 0]]))
    assert got.tolist() == [-1]


def test_clutter_density_matches_the_radars_false_alarm_count():
    # the tracker's density times a scanned volume (range x azimuth x elevation) must equal the
    # false alarms the sensor model expects there: Pfa x resolution cells (radar.cells_per_rad)
    sc = load_scenario(SMALL)
    world = build_world(sc)
    models = [
        RadarModel.from_type(r.type, r.site_pos_m, antenna_pos_m=r.pos_m) for r in world.radars
    ]
    expected_per_volume = [
        m.pfa
        * m.cells_per_rad()
        / ((m.instrumented_range_m - m.min_range_m) * (m.max_elevation_rad - m.min_elevation_rad))
        for m in models
    ]
    assert clutter_density(models) == pytest.approx(max(expected_per_volume), rel=0.02)


class _Recorder:
    name = "recorder"
    period_s = 1.0

    def __init__(self) -> None:
        self.pictures: list[TrackPicture] = []
        self.errors_m: list[float] = []

    def step(self, world, t_s, dt_s) -> None:
        self.pictures.extend(world.tracks.values())
        for pic in world.tracks.values():
            for truth, x in zip(pic.truth_id, pic.x, strict=True):
                if truth >= 0:
                    row = int(np.flatnonzero(world.threats.id == truth)[0])
                    self.errors_m.append(float(np.linalg.norm(x[:3] - world.threats.pos_m[row])))


def _run_picture(seed: int = 0, only_tracking: bool = True):
    sc = load_scenario(SMALL)
    world = build_world(sc, seed)
    if only_tracking:
        systems = [s for s in defense_systems(sc, world) if s.name.startswith(("radar/", "track"))]
    else:
        systems = defense_systems(sc, world)
    rec = _Recorder()
    engine = Engine([*systems, rec, motion_system(world)], sc.tick_s, sc.duration_s)
    engine.run(world)
    return world, rec


def test_every_threat_tracked_without_breaks():
    world, rec = _run_picture()
    ids_per_threat: dict[int, set[int]] = {}
    for pic in rec.pictures:
        for tid, truth in zip(pic.track_id, pic.truth_id, strict=True):
            if truth >= 0:
                ids_per_threat.setdefault(int(truth), set()).add(int(tid))
    assert set(ids_per_threat) == set(world.threats.id.tolist())
    # a rotating radar's 10 s revisit must not break tracks between sweeps
    assert max(len(v) for v in ids_per_threat.values()) <= 2


def test_tracks_are_close_to_truth_and_few_are_false():
    world, rec = _run_picture()
    errors = np.array(rec.errors_m)
    # plots within ~20 km carry tens of metres of noise; tracks follow within a few hundred
    assert np.median(errors) < 200.0
    assert np.quantile(errors, 0.95) < 1_000.0
    false = sum(int((pic.truth_id < 0).sum()) for pic in rec.pictures)
    true = sum(int((pic.truth_id >= 0).sum()) for pic in rec.pictures)
    assert false < 0.5 * true, "clutter (~100 false alarms per second) rarely confirms"


def test_picture_never_exceeds_capacity():
    sc = load_scenario(SMALL)
    world = build_world(sc)
    (system,) = tracker_systems(sc, world, {r.index: 1.0 for r in world.radars})
    system.capacity = 2
    radars = [s for s in defense_systems(sc, world) if s.name.startswith("radar/")]
    sizes = []

    class Size:
        name, period_s = "size", 1.0

        def step(self, w, t_s, dt_s):
            sizes.append(len(w.tracks.get(system.battery, [])))

    Engine([*radars, system, Size(), motion_system(world)], sc.tick_s, 60.0).run(world)
    assert max(sizes) == 2


def test_capacity_is_the_largest_radar_capacity():
    sc = load_scenario(SMALL)
    world = build_world(sc)
    for system in tracker_systems(sc, world, {r.index: 1.0 for r in world.radars}):
        radars = [world.radars[i] for i in system.radar_indices]
        assert system.capacity == max(r.type.max_tracks for r in radars)


def test_first_track_after_first_detection():
    sc = load_scenario(SMALL)
    from iads.sim.run import run_scenario

    result = run_scenario(sc, seed=5)
    th = result.threats
    tracked = np.isfinite(th["first_track_s"])
    assert tracked.any()
    assert np.all(th["first_detect_s"][tracked] <= th["first_track_s"][tracked])


def test_no_threat_credited_as_tracked_before_detected_with_origin_moved():
    # the review's case: the same geography with the scenario origin 1 degree west
    from iads.scenario.common import GeoPoint
    from iads.sim.run import run_scenario

    sc = load_scenario(SMALL)
    moved = sc.model_copy(
        update={"origin": GeoPoint(lat_deg=sc.origin.lat_deg, lon_deg=sc.origin.lon_deg - 1.0)}
    )
    for scenario in (sc, moved):
        result = run_scenario(scenario, seed=4)
        th, s = result.threats, result.summary
        assert s["tracked"] <= s["detected"]
        tracked = np.isfinite(th["first_track_s"])
        assert np.all(np.isfinite(th["first_detect_s"][tracked]))
        assert np.all(th["first_detect_s"][tracked] <= th["first_track_s"][tracked])
        assert s["detected"] == len(th["threat_id"]), "every threat of the small example is seen"


def test_track_history_is_stored_with_the_design_columns(tmp_path):
    from iads.io.store import read_table, write_results
    from iads.sim.run import run_scenario

    result = run_scenario(load_scenario(SMALL), seed=6)
    write_results(result, tmp_path)
    tracks = read_table(tmp_path, "tracks")
    for column in ("time_s", "track_id", "x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps"):
        assert column in tracks
    assert len(tracks["time_s"]) > 0
    first = dict(zip(result.threats["threat_id"], result.threats["first_track_s"], strict=True))
    labelled = tracks["truth_id"] >= 0
    for truth, t in zip(tracks["truth_id"][labelled], tracks["time_s"][labelled], strict=True):
        assert first[int(truth)] <= t
    # one row per confirmed track per update: no (time, track) pair twice
    pairs = set(zip(tracks["time_s"].tolist(), tracks["track_id"].tolist(), strict=True))
    assert len(pairs) == len(tracks["time_s"])


def test_frame_scores_exactly_the_arcs_its_steps_swept():
    # a 4 s rotator stepping every 0.4 s: the 1 s frame ending at t = 2 consumed the steps
    # starting at 1.2, 1.6 and 2.0 s, which swept the beam over [1.2, 2.4) s of its rotation
    from iads.scenario.equipment import RadarType
    from iads.tracking.system import _swept

    rtype = RadarType(ref_range_m=100e3, instrumented_range_m=200e3, scan_period_s=4.0)
    model = RadarModel.from_type(rtype, [0.0, 0.0, 0.0])

    def at_beam(t_s: float) -> np.ndarray:
        (start, _), *_ = model.swept_arcs(t_s, 1e-6)
        return 50e3 * np.array([[np.sin(start), np.cos(start), 0.05]])

    times = [1.15, 1.25, 2.35, 2.45]
    pos = np.concatenate([at_beam(t) for t in times])
    seen = _swept([model], (0.4,), pos, 2.0, 1.0)
    assert seen.tolist() == [False, True, True, False]


def test_track_ids_unique_across_batteries(tmp_path):
    import yaml

    from iads.scenario.load import load_scenario as load
    from iads.sim.run import run_scenario

    data = yaml.safe_load(SMALL.read_text())
    second = yaml.safe_load(yaml.safe_dump(data["batteries"][0]))
    second["name"] += " B"
    for item in second["radars"] + second["launchers"]:
        item["name"] += " B"
    data["batteries"].append(second)
    path = tmp_path / "two_batteries.yaml"
    path.write_text(yaml.safe_dump(data))
    sc = load(path)
    result = run_scenario(sc, seed=3)
    ev = result.events
    track = ev["kind"] == "track"
    ids = ev["other_id"][track]
    assert np.any(ids >= 1_000_000_000) and np.any(ids < 1_000_000_000), "both batteries track"
    tracks = result.tables["tracks"]
    battery_of_id = {}
    for b, tid in zip(tracks["battery"], tracks["track_id"], strict=True):
        assert battery_of_id.setdefault(int(tid), int(b)) == int(b), "an id names one battery"
