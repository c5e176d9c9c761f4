"""RadarSystem inside the engine, on the small example scenario."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from iads.sensors import radar_horizon_m
from iads.sensors.system import RadarSystem, radar_systems

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "small.yaml"


@pytest.fixture(scope="module")
def run():
    pytest.importorskip("iads.sim.build")
    from iads.scenario import load_scenario
    from iads.sim.build import build_systems, build_world
    from iads.sim.engine import Engine

    scenario = load_scenario(EXAMPLE)
    world = build_world(scenario, 3)
    radars = radar_systems(scenario, world)
    systems = radars + build_systems(scenario, world, [])
    Engine(systems, scenario.tick_s, 60.0).run(world)
    return world, radars


def test_systems_follow_the_engine_protocol(run):
    from iads.sim.engine import System

    _, radars = run
    assert all(isinstance(r, System) for r in radars)
    assert all(isinstance(r, RadarSystem) and r.period_s == 0.0 for r in radars)


def test_detect_events_once_per_threat_and_radar(run):
    world, _ = run
    ev = world.log.columns()
    det = ev["kind"] == "detect"
    assert det.sum() > 0
    pairs = list(zip(ev["entity_id"][det], ev["other_id"][det], strict=True))
    assert len(pairs) == len(set(pairs))
    launch = world.threats.launch_time_s[ev["entity_id"][det]]
    assert np.all(ev["time_s"][det] >= launch)


def test_detections_stay_within_line_of_sight(run):
    world, radars = run
    for system in radars:
        parts = world.detections.get(system.radar_index, [])
        assert parts, "every radar of the example sees something in 60 s"
        for plots in parts:
            real = plots.truth_id >= 0
            assert np.all(plots.sensor_id == system.radar_index)
            assert np.all(plots.truth_id[real] < len(world.threats))
            assert np.all((plots.azimuth_rad >= 0) & (plots.azimuth_rad < 2 * np.pi))
            limit = radar_horizon_m(system.model.antenna_alt_m, 30_000.0)
            assert np.all(plots.range_m[real] < limit)
