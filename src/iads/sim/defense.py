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
from iads.c2.shared_picture import SharedPicture
from iads.channels import Bus, Channel
from iads.config import RunConfig
from iads.engagement.interceptors import InterceptorSystem, store_of
from iads.scenario.load import interceptor_type
from iads.sensors.system import RadarSystem
from iads.sim.degradation import Degradation, link_key
from iads.sim.engine import ticks_per_period
from iads.sim.readiness import sample_readiness
from iads.sim.scoring import Scoring
from iads.sim.statistical import StatisticalTracker
from iads.tracking.system import TrackerSystem, tracker_system


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
    trackers: list[TrackerSystem | StatisticalTracker] = field(default_factory=list)
    command_posts: list[CommandPost] = field(default_factory=list)
    interceptors: InterceptorSystem | None = None
    scoring: Scoring | None = None
    links: dict[str, list[Channel]] = field(default_factory=dict)
    degradation: Degradation | None = None
    path_recorder: Any = None
    """Records interceptor paths for the results (``iads.sim.recorder``), set by the run."""
    readiness: dict[str, np.ndarray] = field(default_factory=dict)
    """Which units work in this replication (``iads.sim.readiness``)."""
    spent_s: float = float("nan")
    """When the run first found the defense spent (``spent``; NaN: never), whether or not it
    stopped sensing then (``RunConfig.stop_when_spent``)."""

    def spent(self, world: Any, t_s: float) -> bool:
        """True when no round is in the air or queued and no command post can launch before
        every threat still to come has ended its route (or the run its duration): nothing
        the defense does from ``t_s`` on can change a threat's fate. The run's bookkeeping
        (it reads the truth's route ends), never a decision. False without command posts."""
        if not self.command_posts:
            return False
        store = getattr(world, "interceptors", None)
        if store is not None and store.busy():
            return False
        horizon_s = self._horizon_s(world)  # None also without trajectories
        if horizon_s is None:
            return False
        return all(cp.earliest_fire_s(t_s) >= horizon_s for cp in self.command_posts)

    def _horizon_s(self, world: Any) -> float | None:
        """The last route end of the threats still to come, at most the run's duration (s;
        None: every threat resolved, or no trajectories; ``World.open_route_ends_s``)."""
        ends = world.open_route_ends_s()
        return None if ends is None else min(ends[1], float(world.scenario.duration_s))


def _trackers(world: Any, settings: RunConfig, bus: Bus, defense: Defense, frame_s: float):
    """One tracker per unit holding radars (batteries, then standalone sensors)."""
    models = {r.radar_index: r.model for r in defense.radars}
    for unit, name in enumerate(world.units):
        idx = [r.index for r in world.radars if r.unit == unit]
        if not idx:
            continue
        defense.trackers.append(
            tracker_system(
                unit=unit,
                name=f"tracker/{name}",
                models={i: models[i] for i in idx},
                capacity=max(world.radars[i].type.max_tracks for i in idx),
                settings=settings.tracker,
                bus=bus,
                period_s=frame_s,
                platforms={i: world.radars[i].orbit for i in idx if world.radars[i].orbit},
            )
        )


def _statistical(world: Any, settings: RunConfig, defense: Defense, frame_s: float) -> None:
    """Fast fidelity: one statistical sensing-and-tracking stage per unit holding radars, in
    place of its radars' plots and its tracker (``iads.sim.statistical``)."""
    radars = {r.radar_index: r for r in defense.radars}
    for unit, name in enumerate(world.units):
        idx = [r.index for r in world.radars if r.unit == unit]
        if not idx:
            continue
        defense.trackers.append(
            StatisticalTracker(
                unit=unit,
                radars=radars,
                models={i: radars[i].model for i in idx},
                settings=settings,
                capacity=max(world.radars[i].type.max_tracks for i in idx),
                name=f"tracker/{name}",
                bus=defense.bus,
                rng=world.rng(f"statistical/{name}"),
                period_s=frame_s,
                radar_step_s={i: radars[i].period_s for i in radars},
                radar_types={r.index: r.type_name for r in world.radars},
                platforms={i: world.radars[i].orbit for i in idx if world.radars[i].orbit},
            )
        )


def _links(scenario: Any, world: Any, defense: Defense) -> None:
    """Data links of a networked scenario: a channel per link and message kind."""
    net = scenario.network
    if net is None or net.mode != "networked":
        return
    units = world.units
    trackers = {t.unit: t for t in defense.trackers}
    posts = {cp.battery: cp for cp in defense.command_posts}
    n_bat = len(world.batteries)
    status_in: dict[int, list[Channel]] = {}  # receiving battery -> its status channels
    for link in net.links:
        key = link_key(link.label)
        su, ru = units.index(link.sender), units.index(link.receiver)

        def channel(kind: str, replace: bool, link=link, key=key) -> Channel:
            return Channel(
                f"link/{key}/{kind}",
                latency_s=link.latency_s,
                period_s=link.period_s,
                capacity=link.capacity,
                loss_probability=link.loss_probability,
                rng=world.rng(f"link/{key}/{kind}"),
                replace_pending=replace,
            )

        chans = defense.links.setdefault(key, [])
        if link.carries == "plots":
            ch = channel("plots", replace=False)
            for r in (r for r in world.radars if r.unit == su):
                defense.bus.subscribe(f"plots/{r.index}", ch.send)
                defense.bus.subscribe(f"looks/{r.index}", ch.send)
                tr = trackers.get(ru)
                if tr is not None:
                    tr.models[r.index] = defense.radars[r.index].model
                    if r.orbit is not None:
                        tr.platforms[r.index] = r.orbit
            if ru in trackers:
                trackers[ru].links.append(ch)
                # plots over the link arrive up to latency + period late: fuse with that lag
                lag = link.latency_s + link.period_s
                trackers[ru].lag_s = max(trackers[ru].lag_s, lag)
            chans.append(ch)
        elif ru in posts:
            ch = channel("tracks", replace=True)
            defense.bus.subscribe(f"tracks/{su}", ch.send)
            if link.relay:
                relay = channel("relay", replace=True)
                defense.bus.subscribe(f"relay/{su}", relay.send)
                posts[ru].links.append(relay)
                chans.append(relay)
            posts[ru].links.append(ch)
            cp = posts[ru]
            if cp.shared is None:
                cp.shared = SharedPicture(cp.battery, scenario.settings.tracker.q_mps2)
            chans.append(ch)
        if net.coordination and su < n_bat and ru in posts:
            st = channel("status", replace=True)
            status_in.setdefault(ru, []).append(st)
            defense.bus.subscribe(f"status/{su}", st.send)
            posts[ru].links.append(st)
            chans.append(st)
    slowest_decision_s = max((cp.period_s for cp in defense.command_posts), default=0.0)
    for cp in defense.command_posts:
        cp.coordinate = net.coordination
        cp.engage_on_remote = net.engage_on_remote
        cp.hold_s = coordination_hold_s(cp, status_in.get(cp.battery, []), slowest_decision_s)


def coordination_hold_s(
    cp: CommandPost, status_in: list[Channel], slowest_decision_s: float
) -> float:
    """How long (s) a coordinated post holds its orders before launch: the run setting, or
    by default the slowest status link into it (latency + update period) plus the slowest
    decision period, the longest another post's decision can take to reach it."""
    if cp.settings.coordination_hold_s is not None:
        return float(cp.settings.coordination_hold_s)
    if not status_in:
        return 0.0
    return max(ch.latency_s + ch.period_s for ch in status_in) + slowest_decision_s


def _degradation(scenario: Any, world: Any, defense: Defense) -> Degradation | None:
    if not scenario.events:
        return None
    outgoing: dict[str, list[str]] = {}
    for link in scenario.network.links if scenario.network else []:
        outgoing.setdefault(link.sender, []).append(link_key(link.label))
    return Degradation(
        events=list(scenario.events),
        links=defense.links,
        radars={world.radars[r.radar_index].name: r for r in defense.radars},
        posts={world.batteries[cp.battery].name: cp for cp in defense.command_posts},
        battery_radars={b.name: [world.radars[i].name for i in b.radars] for b in world.batteries},
        outgoing=outgoing,
    )


def _identification(scenario: Any, world: Any, settings: RunConfig, defense: Defense) -> Any:
    """Identification on every command post, and the transponders that answer its
    interrogations (``iads.c2.identification``, ``iads.sim.traffic``), when it is on: by
    setting, or when the scenario has traffic or corridors. Returns the transponder system
    (None: off)."""
    ids = settings.c2.identification
    on = ids.enabled if ids.enabled is not None else bool(scenario.traffic or scenario.corridors)
    if not on or not defense.command_posts:
        return None
    from iads.c2.identification import Corridors, Identifier, allowed_codes
    from iads.sim.traffic import TransponderSystem, make_transponders

    corridors = Corridors.of(list(scenario.corridors), world.origin)
    roe = allowed_codes(list(ids.engage))
    units, sites = [], []
    for cp in defense.command_posts:
        bat = world.batteries[cp.battery]
        site = world.radars[bat.radars[0]].pos_m
        cp.identifier = Identifier(ids, corridors, site, float(world.origin.alt_m))
        cp.roe = roe
        for tracker in defense.trackers:  # its reports carry its post's identities
            if tracker.unit == cp.battery:
                tracker.identity_of = cp.own_identities
        defense.bus.subscribe(f"coop/{cp.battery}", cp.inbox.send)
        units.append(cp.battery)
        sites.append(site)
    tp = world.transponders if world.transponders is not None else make_transponders(0, [])
    return TransponderSystem(
        units=units,
        site_m=np.array(sites).reshape(-1, 3),
        transponders=tp,
        settings=ids,
        bus=defense.bus,
        rng=world.rng("transponders"),
        origin_alt_m=float(world.origin.alt_m),
        period_s=ticks_of(max(ids.interrogation_period_s, scenario.tick_s), scenario.tick_s),
    )


def build_defense(scenario: Any, world: Any, settings: RunConfig) -> Defense:
    """Radars, a tracker per unit, a command post per battery with launchers, interceptors,
    the network's data links and the scenario's degradation events, wired on one bus."""
    bus = Bus()
    defense = Defense(bus)
    tick = scenario.tick_s
    max_step = settings.sensors.radar_max_step_s
    for rec in world.radars:
        step = ticks_of(radar_step_s(rec.type.scan_period_s, tick, max_step), tick)
        defense.radars.append(RadarSystem.from_world(world, rec.index, period_s=step, bus=bus))
    frame_s = ticks_of(max(settings.tracker.period_s, tick), tick)
    statistical = settings.sensing == "statistical"
    if statistical:
        _statistical(world, settings, defense, frame_s)
    else:
        _trackers(world, settings, bus, defense, frame_s)
    defense.scoring = Scoring(
        world,
        settings.scoring,
        {t.unit: tuple(t.models) for t in defense.trackers},
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
    transponders = _identification(scenario, world, settings, defense)
    _links(scenario, world, defense)
    defense.readiness = sample_readiness(scenario, world, defense)
    defense.degradation = _degradation(scenario, world, defense)
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
        *([defense.degradation] if defense.degradation else []),
        *([transponders] if transponders else []),
        *([] if statistical else defense.radars),  # statistical: sensed by the trackers
        *defense.trackers,
        *defense.command_posts,
        *([defense.interceptors] if defense.interceptors else []),
    ]
    return defense


__all__ = ["Defense", "build_defense", "radar_step_s", "ticks_of"]
