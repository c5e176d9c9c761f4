"""Runs: the no-defense baseline against closed forms, determinism, kills, summary, streams."""

from __future__ import annotations

import numpy as np
import pytest
from pymap3d.vincenty import vdist

from iads.scenario.model import Scenario
from iads.sim import build
from iads.sim.build import build_world
from iads.sim.run import run_scenario
from iads.sim.world import FLYING, KILLED, World

CM = {
    "kind": "cruise_missile",
    "speed_mps": 240.0,
    "rcs_front_m2": 0.1,
    "cost_usd": 1e6,
    "max_lateral_accel_mps2": 30.0,
}
DRONE = {
    "kind": "drone",
    "speed_mps": 50.0,
    "rcs_front_m2": 0.1,
    "cost_usd": 2e4,
    "max_range_m": 5_000.0,
}
BASE = (-47.42, -32.15)


def _scenario(**over) -> Scenario:
    doc = {
        "name": "baseline",
        "origin": {"lat_deg": -47.45, "lon_deg": -32.05},
        "duration_s": 400,
        "tick_s": 0.1,
        "seed": 4,
        "equipment": {"threats": {"cm": CM, "drone": DRONE}},
        "assets": [
            {"name": "Base", "position": {"lat_deg": BASE[0], "lon_deg": BASE[1]}, "value": 3.0}
        ],
        "threats": [
            {
                "name": "direct",
                "type": "cm",
                "launch_time_s": 12.34,
                "target": "Base",
                "waypoints": [
                    {"lat_deg": -47.2, "lon_deg": -31.9, "alt_m": 50},
                    {"lat_deg": BASE[0], "lon_deg": BASE[1], "alt_m": 50},
                ],
            },
            {
                "name": "stray",
                "type": "cm",
                "waypoints": [
                    {"lat_deg": -47.6, "lon_deg": -31.9, "alt_m": 100},
                    {"lat_deg": -47.7, "lon_deg": -31.8, "alt_m": 100},
                ],
            },
            {
                "name": "short",
                "type": "drone",
                "target": "Base",
                "waypoints": [
                    {"lat_deg": -47.35, "lon_deg": -32.15, "alt_m": 200},
                    {"lat_deg": BASE[0], "lon_deg": BASE[1], "alt_m": 200},
                ],
            },
        ],
        "raids": [
            {
                "name": "R",
                "type": "cm",
                "count": 6,
                "target": "Base",
                "axis": {"bearing_deg": 120, "spread_deg": 30, "distance_m": 40_000},
                "launch_window_s": [0, 60],
            }
        ],
    }
    doc.update(over)
    return Scenario.model_validate(doc)


def test_baseline_arrival_equals_path_length_over_speed():
    sc = _scenario()
    res = run_scenario(sc, defended=False)
    th = res.threats
    i = list(th["name"]).index("direct")
    d = float(vdist(-47.2, -31.9, *BASE)[0])
    assert th["outcome"][i] == "reached" and th["reached_asset"][i] == "Base"
    assert th["arrival_time_s"][i] == pytest.approx(12.34 + d / 240.0, abs=sc.tick_s)
    raid = np.flatnonzero(th["raid"] == "R")
    assert raid.size == 6
    np.testing.assert_allclose(
        th["arrival_time_s"][raid] - th["launch_time_s"][raid], 40_000.0 / 240.0, atol=sc.tick_s
    )
    assert np.all(th["reached"][raid])
    # the stray route ends away from any asset; the drone runs out of range first
    assert th["outcome"][list(th["name"]).index("stray")] == "expired"
    j = list(th["name"]).index("short")
    assert th["outcome"][j] == "expired"
    assert th["outcome_time_s"][j] == pytest.approx(5_000.0 / 50.0, abs=sc.tick_s)
    assert res.summary["leakers"] == 7 and res.summary["expired"] == 2
    assert res.summary["leaked_asset_value"] == pytest.approx(21.0)
    # early stop once all is resolved
    assert res.end_time_s == pytest.approx(np.nanmax(th["outcome_time_s"]), abs=sc.tick_s)
    # paths: sampled every second from launch to arrival, ending at the target
    sel = res.paths["threat_id"] == i
    t = res.paths["time_s"][sel]
    assert t[0] == pytest.approx(12.34) and t[-1] == pytest.approx(th["arrival_time_s"][i])
    end_lat, end_lon = res.paths["lat_deg"][sel][-1], res.paths["lon_deg"][sel][-1]
    assert float(vdist(end_lat, end_lon, *BASE)[0]) < 0.01


def test_same_scenario_and_seed_give_identical_events():
    sc = _scenario()
    a, b = run_scenario(sc, defended=False), run_scenario(sc, defended=False)
    c = run_scenario(sc, seed=99, defended=False)
    assert a.scenario_hash == b.scenario_hash and a.seed == 4
    for k in a.events:
        if a.events[k].dtype == object:
            assert list(a.events[k]) == list(b.events[k])
        else:
            np.testing.assert_array_equal(a.events[k], b.events[k])
    assert not np.array_equal(a.threats["launch_time_s"], c.threats["launch_time_s"])


@pytest.fixture
def killer():
    """A stand-in weapons system: kills threat 0 at t = 20 s with interceptor 0 ($500k);
    both rounds met threat 0 in their end game."""

    class Interceptors:
        cost_usd = np.array([5e5, 5e5])
        target = np.array([0, 0])
        battery = np.array([0, 0])

        def busy(self):
            return False

    class Killer:
        name, period_s = "killer", 1.0

        def step(self, world: World, t_s: float, dt_s: float) -> None:
            th = world.threats
            if t_s == 20.0 and th.status[0] == FLYING:
                world.log.record("engage", t_s, 0, other_id=0, value=0.8)
                world.log.record("engage", t_s, 0, other_id=1, value=0.8)
                world.log.record("intercept", t_s, 0, other_id=0, value=3.0)
                world.log.record("kill", t_s, 0, other_id=0, pos_m=th.pos_m[0])
                th.status[0] = KILLED

    def factory(world):
        world.interceptors = Interceptors()
        return [Killer()]

    return factory


def test_killed_threat_stops_and_costs_are_summed(killer):
    from iads.sim.engine import Engine
    from iads.sim.run import sample_paths
    from iads.sim.summary import engagement_table, threat_table, totals

    sc = _scenario()
    world = build_world(sc)
    systems = build.build_systems(world, killer(world))
    assert [s.name for s in systems] == ["killer", "motion"]
    end = Engine(systems, sc.tick_s, sc.duration_s, stop=lambda w, _t: w.finished()).run(world)
    events = world.log.columns()
    th = threat_table(world, events)
    eng = engagement_table(world, events)
    s = totals(world, th, eng)
    kill_t = np.where(world.threats.status == KILLED, th["outcome_time_s"], np.nan)
    paths = sample_paths(world, end, kill_t)
    assert th["outcome"][0] == "killed" and th["interceptors"][0] == 2
    assert th["outcome_time_s"][0] == 20.0
    assert s["kills"] == 1 and s["interceptors_spent"] == 2
    assert s["interceptors_per_kill"] == 2.0
    assert s["interceptor_cost_usd"] == 1e6 and s["interceptor_cost_known"]
    assert s["cost_exchange_ratio"] == pytest.approx(1e6 / 1e6)
    assert list(eng["interceptor_id"]) == [0, 1] and eng["miss_distance_m"][0] == 3.0
    assert list(eng["result"]) == ["kill", ""]
    # its path stops at the kill
    t = paths["time_s"][paths["threat_id"] == 0]
    assert t[-1] == pytest.approx(20.0)


def test_random_streams_are_per_name_and_order_free():
    sc = _scenario()
    w1, w2 = build_world(sc, seed=1), build_world(sc, seed=1)
    a1 = w1.rng("radar/0").random(3)
    w2.rng("tracker/0").random(5)
    a2 = w2.rng("radar/0").random(3)
    np.testing.assert_array_equal(a1, a2)
    assert not np.array_equal(w1.rng("radar/1").random(3), a1)
    assert w1.rng("radar/0") is w1.rng("radar/0")


def test_world_layout():
    sc = _scenario()
    w = build_world(sc)
    n = len(w.threats)
    assert n == 9
    assert w.threats.pos_m.shape == (n, 3) and w.threats.status.dtype == np.int8
    assert w.threats.type_name[0] == "cm"
    assert w.assets.pos_m.shape == (1, 3)
    # threats launched at t = 0 are placed at their launch point before the first tick
    at0 = w.threats.launch_time_s == 0.0
    assert np.all(w.threats.active == at0)
    assert np.all(np.isnan(w.threats.pos_m[~at0]))


def test_baseline_runs_no_defense():
    from iads.sim.run import simulate

    sim = simulate(_scenario(), defended=False)
    assert sim.defense is None and sim.world.interceptors is None
    res = run_scenario(_scenario(), defended=False)
    assert res.summary["kills"] == 0 and res.summary["defended"] is False


def test_numpy_fallback_gives_the_same_run(monkeypatch):
    from iads.motion import kernel

    sc = _scenario()
    compiled = run_scenario(sc, defended=False)
    monkeypatch.setattr(kernel, "_advance_compiled", None)
    fallback = run_scenario(sc, defended=False)
    np.testing.assert_allclose(fallback.events["time_s"], compiled.events["time_s"])
    assert list(fallback.events["kind"]) == list(compiled.events["kind"])
    np.testing.assert_allclose(fallback.paths["x_m"], compiled.paths["x_m"])


def test_no_threats_and_threats_still_waiting_or_flying_at_the_end():
    empty = Scenario.model_validate(
        {"name": "empty", "origin": {"lat_deg": 0, "lon_deg": 0}, "duration_s": 10}
    )
    res = run_scenario(empty)
    assert res.summary["threats"] == 0 and res.end_time_s == pytest.approx(0.1)
    short = _scenario(duration_s=30.0)
    res = run_scenario(short, defended=False)
    outcome = list(res.threats["outcome"])
    assert "waiting" in outcome and "flying" in outcome  # direct launches at 12.34 s
    assert res.summary["unresolved"] == len(outcome) - outcome.count("reached") - outcome.count(
        "expired"
    )
    assert res.end_time_s == pytest.approx(30.0)
    assert res.summary["launched"] == outcome.count("flying")
