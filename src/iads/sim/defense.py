"""The defense wired into the engine: radars, trackers, command posts, interceptors, on a bus.

This is the one place where the domain packages meet the engine. ``build_defense`` makes the
systems in tick order and connects them by topics of a ``Bus`` (``iads.channels``):

    radar r        --plots/r, looks/r-->      tracker of its unit
    tracker u      --tracks/u-->              command post u (and, in a network, links)
    command post b --orders/b, uplinks/b, cancels/b--> interceptors
    interceptors   --launches/b, detonations/b-->     command post b
    command post b --status/b-->              (other command posts, coordinated networks)

Recorders subscribe beside them: ``Scoring`` (tracks against truth: first detections and
tracks, the ``tracks`` table), which never publishes. Timing (run settings):

- a radar steps every ``min(radar_max_step_s, scan period)`` (rounded to the tick): each step
  observes the threats where they are at the step's time over the arc its beam sweeps, and
  stamps the plots with that time;
- each unit's tracker fuses its radars' plots once a frame (``tracker.period_s``), in time
  order, one filter update per distinct plot time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from iads.c2.command_post import CommandPost
from iads.channels import Bus, Channel
from iads.config import RunConfig
from iads.engagement.interceptors import InterceptorSystem, store_of
from iads.scenario.load import interceptor_type
from iads.sensors.system import RadarSystem
from iads.sim.engine import ticks_per_period
from iads.sim.scoring import Scoring
from iads.tracking.system import tracker_system


def radar_step_s(scan_period_s: float, tick_s: float, max_step_s: float = 1.0) -> float:
    """A radar's step: ``min(max_step_s, scan_period_s)``, at least one tick (s)."""
    return max(tick_s, min(max_step_s, scan_period_s))


def ticks_of(period_s: float, tick_s: float) -> float:
    """``period_s`` rounded to a whole number of ticks, as the engine runs it (s)."""
    return ticks_per_period(period_s, tick_s) * tick_s


@dataclass
class Defense:
    """The defense of a run: its systems in tick order, the bus, and what reports on it."""

    bus: Bus
    systems: list[Any] = field(default_factory=list)
    radars: list[RadarSystem] = field(default_factory=list)
    command_posts: list[CommandPost] = field(default_factory=list)
    interceptors: InterceptorSystem | None = None
    scoring: Scoring | None = None

    def busy(self, world: Any) -> bool:
        """True while a round is in the air or waiting on its launcher."""
        return world.interceptors is not None and world.interceptors.busy()


def build_defense(scenario: Any, world: Any, settings: RunConfig) -> Defense:
    """Every radar, every battery's tracker, command post and the interceptors, wired."""
    bus = Bus()
    defense = Defense(bus)
    tick = scenario.tick_s
    max_step = settings.sensors.radar_max_step_s
    for rec in world.radars:
        step = ticks_of(radar_step_s(rec.type.scan_period_s, tick, max_step), tick)
        defense.radars.append(RadarSystem.from_world(world, rec.index, period_s=step, bus=bus))
    models = {r.radar_index: r.model for r in defense.radars}
    frame_s = ticks_of(max(settings.tracker.period_s, tick), tick)
    trackers = []
    for bat in world.batteries:
        idx = tuple(int(i) for i in bat.radars)
        trackers.append(
            tracker_system(
                unit=int(bat.index),
                name=f"tracker/{bat.name}",
                models={i: models[i] for i in idx},
                capacity=max(world.radars[i].type.max_tracks for i in idx),
                settings=settings.tracker,
                bus=bus,
                period_s=frame_s,
            )
        )
    defense.scoring = Scoring(
        world,
        settings.scoring,
        {int(b.index): tuple(int(i) for i in b.radars) for b in world.batteries},
        {r.radar_index: r.model.scan_period_s for r in defense.radars},
    )
    defense.scoring.subscribe(bus)
    weapons_inbox = Channel("interceptors/inbox", replace_pending=False)
    types = {}
    for b, bat in enumerate(world.batteries):
        if not bat.launchers:
            continue
        names = {n for li in bat.launchers for n in world.launchers[li].loadout}
        btypes = {n: interceptor_type(scenario, n) for n in names}
        types.update(btypes)
        inbox = Channel(f"command_post/{bat.name}/inbox", replace_pending=False)
        for topic in (f"tracks/{b}", f"launches/{b}", f"detonations/{b}"):
            bus.subscribe(topic, inbox.send)
        for topic in (f"orders/{b}", f"uplinks/{b}", f"cancels/{b}"):
            bus.subscribe(topic, weapons_inbox.send)
        defense.command_posts.append(
            CommandPost.from_world(world, b, btypes, inbox, bus, settings.c2)
        )
    if defense.command_posts:
        store_of(world)
        defense.interceptors = InterceptorSystem(
            inbox=weapons_inbox,
            bus=bus,
            types=types,
            launcher_pos_m=np.array([rec.pos_m for rec in world.launchers]).reshape(-1, 3),
            battery_names=[b.name for b in world.batteries],
            settings=settings.end_game,
            kill_assessment_probability=settings.c2.kill_assessment_probability,
            origin_alt_m=float(world.origin.alt_m),
            mode=settings.engagement,
        )
    defense.systems = [
        *defense.radars,
        *trackers,
        *defense.command_posts,
        *([defense.interceptors] if defense.interceptors else []),
    ]
    return defense


__all__ = ["Defense", "build_defense", "radar_step_s", "ticks_of"]
