"""The defense's systems, in tick order: radars, then trackers, then fire control and weapons.

This is the one place where the domain packages are wired into the engine (``build_systems``
calls ``defense_systems`` unless told otherwise). Timing choices, documented here because they
trade fidelity for speed:

- a radar steps every ``min(1 s, scan period)`` (rounded to the tick): each step observes the
  threats where they are at the step's time over the arc its beam sweeps during the step, and
  stamps the plots with that time, so plot times and positions stay consistent while a rotating
  radar's plots arrive in a few batches per scan instead of one per tick;
- each battery's tracker fuses its radars' plots once a second (``TRACKER_PERIOD_S``), in time
  order, one filter update per distinct plot time.
"""

from __future__ import annotations

from typing import Any

from iads.engagement.system import engagement_systems
from iads.sensors.system import RadarSystem
from iads.sim.engine import ticks_per_period
from iads.tracking.system import tracker_systems

RADAR_MAX_STEP_S = 1.0
"""Longest radar step (s)."""
TRACKER_PERIOD_S = 1.0
"""How often (s) each battery's tracker fuses the plots received."""


def radar_step_s(scan_period_s: float, tick_s: float) -> float:
    """A radar's step: ``min(RADAR_MAX_STEP_S, scan_period_s)``, at least one tick (s)."""
    return max(tick_s, min(RADAR_MAX_STEP_S, scan_period_s))


def ticks_of(period_s: float, tick_s: float) -> float:
    """``period_s`` rounded to a whole number of ticks, as the engine runs it (s)."""
    return ticks_per_period(period_s, tick_s) * tick_s


def defense_systems(scenario: Any, world: Any, engagement: str = "full") -> list[Any]:
    """Every radar, every battery's tracker, then the engagement systems (``engagement``
    "full": interceptors flown by the point-mass model; "fast": time-of-flight tables)."""
    steps = {
        rec.index: ticks_of(radar_step_s(rec.type.scan_period_s, scenario.tick_s), scenario.tick_s)
        for rec in world.radars
    }
    radars = [RadarSystem.from_world(world, i, period_s=step) for i, step in steps.items()]
    frame_s = ticks_of(max(TRACKER_PERIOD_S, scenario.tick_s), scenario.tick_s)
    trackers = tracker_systems(scenario, world, steps, period_s=frame_s)
    return [*radars, *trackers, *engagement_systems(scenario, world, mode=engagement)]


__all__ = ["defense_systems", "radar_step_s"]
