"""RadarSystem inside the engine, on the small example scenario."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from iads.sensors import radar_horizon_m
from iads.sensors.system import RadarSystem

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "small.yaml"


@pytest.fixture(scope="module")
def run():
    """The example's radars alone for 60 s, every tick, with a recorder on the bus (what a
    tracker would receive) and the scoring recorder (``detect`` events)."""
    from iads.channels import Bus
    from iads.config import ScoringSettings
    from iads.scenario import load_scenario
    from iads.sim.build import build_systems, build_world
    from iads.sim.engine import Engine
    from iads.sim.scoring import Scoring

    scenario = load_scenario(EXAMPLE)
    world = build_world(scenario, 3)
    bus = Bus()
    radars = [RadarSystem.from_world(world, rec.index, bus=bus) for rec in world.radars]
    received: dict[int, list] = {}
    looks: dict[int, list] = {}
    for r in radars:
        bus.subscribe(
            f"plots/{r.radar_index}",
            lambda _t, b, i=r.radar_index: received.setdefault(i, []).append(b),
        )
        bus.subscribe(
            f"looks/{r.radar_index}",
            lambda _t, b, i=r.radar_index: looks.setdefault(i, []).append(b),
        )
    scoring = Scoring(
        world,
        ScoringSettings(),
        {0: tuple(r.radar_index for r in radars)},
        {r.radar_index: r.model.scan_period_s for r in radars},
    )
    scoring.subscribe(bus)
    Engine(build_systems(world, radars), scenario.tick_s, 60.0).run(world)
    world.received, world.looks = received, looks
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
        parts = world.received.get(system.radar_index, [])
        assert parts, "every radar of the example sees something in 60 s"
        for plots in parts:
            real = plots.truth_id >= 0
            assert np.all(plots.sensor_id == system.radar_index)
            assert np.all(plots.truth_id[real] < len(world.threats))
            assert np.all((plots.azimuth_rad >= 0) & (plots.azimuth_rad < 2 * np.pi))
            limit = radar_horizon_m(system.model.antenna_alt_m, 30_000.0)
            assert np.all(plots.range_m[real] < limit)


def test_looks_cover_the_scan_exactly(run):
    """Every tick's look is published, plots or not: over 60 s a radar sweeps 60 / scan period
    times its sector (the geometry's swept arcs, summed)."""
    world, radars = run
    for system in radars:
        parts = world.looks[system.radar_index]
        swept = sum(float(p.sweep_rad.sum()) for p in parts)
        m = system.model
        assert swept == pytest.approx(60.0 / m.scan_period_s * m.sector_width_rad, rel=1e-6)
        assert all(np.all(p.sensor_id == system.radar_index) for p in parts)
