"""The tracker inside the engine: fused plots of a battery's radars, look-aware hit/miss;
scored against truth by the scoring recorder."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from iads.config import RunConfig
from iads.messages import Looks
from iads.scenario import load_scenario
from iads.sensors.radar import FALSE_ALARM_RANGE_RATE_SPAN_MPS, RadarModel
from iads.sim.build import build_world
from iads.sim.run import simulate
from iads.sim.scoring import match_truth
from iads.tracking.system import clutter_density, looked_at

SMALL = Path(__file__).parents[2] / "examples" / "small.yaml"


def test_match_truth_equals_brute_force():
    rng = np.random.default_rng(7)
    for _ in range(20):
        tracks = rng.uniform(0, 5_000, (4, 3))
        truth = rng.uniform(0, 5_000, (5, 3))
        std = np.full(4, 100.0)
        got = match_truth(tracks, std, truth, 3_000.0)
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
    got = match_truth(np.zeros((1, 3)), np.array([10.0]), np.array([[10_000.0, 0, 0]]), 3e3)
    assert got.tolist() == [-1]


def test_clutter_density_matches_the_radars_false_alarm_count():
    # the tracker's density times a scanned volume (range x azimuth x elevation) must equal the
    # false alarms the sensor model expects there: Pfa x resolution cells (radar.cells_per_rad)
    sc = load_scenario(SMALL)
    world = build_world(sc)
    models = [
        RadarModel.from_type(r.type, r.site_pos_m, antenna_pos_m=r.pos_m) for r in world.radars
    ]

    def searched(m: RadarModel) -> float:  # (range x elevation) searched, under any ceiling
        lo, hi, r_max, _ = m.search_beams()
        return float(np.sum((r_max - m.min_range_m) * (hi - lo)))

    expected_per_volume = [m.pfa * m.cells_per_rad() / searched(m) for m in models]
    # the 92N6E-class measures range rate: 4-D plots, false alarms uniform over the span
    assert any(m.measures_range_rate for m in models)
    expected_per_volume = [e / FALSE_ALARM_RANGE_RATE_SPAN_MPS for e in expected_per_volume]
    assert clutter_density(models) == pytest.approx(max(expected_per_volume), rel=0.02)


def _run_picture(seed: int = 0, settings: RunConfig | None = None, duration_s=None):
    """The small example with its defense; returns the world, the defense and the scored
    track history (every frame's reported tracks with their truth labels) as columns."""
    sc = load_scenario(SMALL)
    if duration_s is not None:
        sc = sc.model_copy(update={"duration_s": duration_s})
    world, defense, _ = simulate(sc, seed, settings=settings)
    return world, defense, dict(defense.scoring.history)


def _errors_m(world, hist) -> np.ndarray:
    """Distance of each labelled track row to its threat's true position at that time."""
    lab = np.flatnonzero(hist["truth_id"] >= 0)
    out = []
    for i in lab:
        truth = world.trajectories.positions_at(
            int(hist["truth_id"][i]), np.array([hist["time_s"][i]])
        )
        x = np.array([hist["x_m"][i], hist["y_m"][i], hist["z_m"][i]])
        out.append(float(np.linalg.norm(x - truth[0])))
    return np.array(out)


def test_every_threat_tracked_without_breaks():
    world, _, hist = _run_picture()
    ids_per_threat: dict[int, set[int]] = {}
    for tid, truth in zip(hist["track_id"], hist["truth_id"], strict=True):
        if truth >= 0:
            ids_per_threat.setdefault(int(truth), set()).add(int(tid))
    assert set(ids_per_threat) == set(world.threats.id.tolist())
    # a rotating radar's 10 s revisit must not break tracks between sweeps
    assert max(len(v) for v in ids_per_threat.values()) <= 2


def test_tracks_are_close_to_truth_and_few_are_false():
    world, _, hist = _run_picture()
    errors = _errors_m(world, hist)
    # plots within ~20 km carry tens of metres of noise; tracks follow within a few hundred
    assert np.median(errors) < 200.0
    assert np.quantile(errors, 0.95) < 1_000.0
    false = int((hist["truth_id"] < 0).sum())
    true = int((hist["truth_id"] >= 0).sum())
    assert false < 0.5 * true, "clutter (~100 false alarms per second) rarely confirms"


def test_picture_never_exceeds_capacity():
    sc = load_scenario(SMALL)
    sc = sc.model_copy(update={"duration_s": 60.0})
    world = build_world(sc)
    from iads.sim.build import build_systems
    from iads.sim.defense import build_defense
    from iads.sim.engine import Engine

    defense = build_defense(sc, world, sc.settings)
    tracker = next(s for s in defense.systems if s.name.startswith("tracker/"))
    tracker.capacity = 2
    sizes = []
    defense.bus.subscribe(tracker.topic, lambda _t, reports: sizes.append(len(reports)))
    Engine(build_systems(world, defense.systems), sc.tick_s, sc.duration_s).run(world)
    assert max(sizes) == 2


def test_capacity_is_the_largest_radar_capacity():
    sc = load_scenario(SMALL)
    world = build_world(sc)
    from iads.sim.defense import build_defense

    defense = build_defense(sc, world, sc.settings)
    for system in (s for s in defense.systems if s.name.startswith("tracker/")):
        radars = [world.radars[i] for i in system.models]
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


def test_frame_scores_exactly_the_arcs_its_looks_swept():
    # a 4 s rotator stepping every 0.4 s: the frame ending at t = 2 received the looks of the
    # steps starting at 1.2, 1.6 and 2.0 s, which swept the beam over [1.2, 2.4) s
    from iads.scenario.equipment import RadarType

    rtype = RadarType(ref_range_m=100e3, instrumented_range_m=200e3, scan_period_s=4.0)
    model = RadarModel.from_type(rtype, [0.0, 0.0, 0.0], sensor_id=7)

    def at_beam(t_s: float) -> np.ndarray:
        (start, _), *_ = model.swept_arcs(t_s, 1e-6)
        return 50e3 * np.array([[np.sin(start), np.cos(start), 0.05]])

    arcs = [a for t in (1.2, 1.6, 2.0) for a in model.swept_arcs(t, 0.4)]
    looks = Looks(
        time_s=np.zeros(len(arcs)),
        duration_s=np.full(len(arcs), 0.4),
        sensor_id=np.full(len(arcs), 7),
        start_rad=np.array([a for a, _ in arcs]),
        sweep_rad=np.array([w for _, w in arcs]),
    )
    times = [1.15, 1.25, 2.35, 2.45]
    pos = np.concatenate([at_beam(t) for t in times])
    seen = looked_at({7: model}, looks, pos)
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
    tracks = result.tables["tracks"]
    # (the first track event of a threat goes to whichever twin battery confirms it first, a
    # race; the tracks table holds every battery's confirmed tracks)
    ids = np.asarray(tracks["track_id"])
    assert np.any(ids >= 1_000_000_000) and np.any(ids < 1_000_000_000), "both batteries track"
    battery_of_id = {}
    for b, tid in zip(tracks["battery"], tracks["track_id"], strict=True):
        assert battery_of_id.setdefault(int(tid), int(b)) == int(b), "an id names one battery"
