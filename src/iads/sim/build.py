"""Build a run: the World (ground truth) from a scenario and seed, and the ordered systems.

``build_world(scenario, seed)`` places sites and assets in the scenario's ENU frame, expands the
raids into flight plans (one random stream per raid: ``world.rng("raid/<name>")``), and
precomputes every threat's trajectory. ``build_systems(world, systems)`` appends motion, which
runs last in each tick; the defense's systems come from ``iads.sim.defense.build_defense``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from iads.geo import Origin, geodetic_to_enu
from iads.motion.raids import FlightPlan, expand_raid, route_plan
from iads.motion.route import plan_routes
from iads.motion.trajectory import Trajectories, build_trajectories, pack
from iads.scenario.load import launcher_type, radar_type, threat_type
from iads.scenario.model import Scenario
from iads.sim.engine import System
from iads.sim.motion_system import MotionSystem
from iads.sim.platforms import Orbit
from iads.sim.traffic import make_transponders, traffic_plans
from iads.sim.world import (
    WAITING,
    AssetState,
    BatteryRecord,
    LauncherRecord,
    RadarRecord,
    ThreatState,
    World,
)


def flight_plans(
    scenario: Scenario, world_rng: Callable[[str], np.random.Generator]
) -> list[FlightPlan]:
    """Every threat's flight plan: routed threats first, then raids in file order, then the
    traffic (``iads.sim.traffic``)."""
    plans = [route_plan(t, threat_type(scenario, t.type)) for t in scenario.threats]
    for raid in scenario.raids:
        ttype = threat_type(scenario, raid.type)
        plans += expand_raid(raid, scenario, ttype, world_rng(f"raid/{raid.name}"))
    return plans + traffic_plans(scenario)[0]


def trajectories_of(
    scenario: Scenario, plans: list[FlightPlan], origin: Origin, terrain: Any = None
) -> Trajectories:
    """Precompute the trajectory of every plan (route, turns, heights, timing), all at once;
    terrain-following plans follow ``terrain`` (an ``iads.terrain.ElevationGrid``)."""
    types = [threat_type(scenario, p.type_name) for p in plans]
    paths = plan_routes(
        [p.lat_deg for p in plans],
        [p.lon_deg for p in plans],
        [p.leg_speed_mps for p in plans],
        np.array([t.max_lateral_accel_mps2 for t in types]),
    )
    return pack(
        build_trajectories(
            paths,
            [p.launch_time_s for p in plans],
            origin,
            [p.profile for p in plans],
            [p.waypoint_alt_m for p in plans],
            [t.max_range_m for t in types],
            terrain=terrain,
        )
    )


def _site_enu(points, origin: Origin, up_m=0.0) -> np.ndarray:
    if not points:
        return np.empty((0, 3))
    lat = [p.lat_deg for p in points]
    lon = [p.lon_deg for p in points]
    alt = np.array([p.alt_m for p in points]) + up_m
    return geodetic_to_enu(lat, lon, alt, origin)


def _assets(scenario: Scenario, origin: Origin) -> AssetState:
    a = scenario.assets
    return AssetState(
        name=[x.name for x in a],
        pos_m=_site_enu([x.position for x in a], origin),
        value=np.array([x.value for x in a], dtype=float),
        cost_usd=np.array([x.cost_usd for x in a], dtype=float),
        radius_m=np.array([x.radius_m for x in a], dtype=float),
    )


def _threats(scenario: Scenario, plans: list[FlightPlan], assets: AssetState) -> ThreatState:
    names = sorted({p.type_name for p in plans})
    types = [threat_type(scenario, n) for n in names]
    tindex = np.array([names.index(p.type_name) for p in plans], dtype=np.int64)

    def per_type(values: list[float]) -> np.ndarray:
        return np.asarray(values, dtype=float)[tindex] if plans else np.empty(0)

    n = len(plans)
    return ThreatState(
        id=np.arange(n, dtype=np.int64),
        name=[p.name for p in plans],
        raid=[p.raid for p in plans],
        type_index=tindex,
        type_names=names,
        types=types,
        pos_m=np.full((n, 3), np.nan),
        vel_mps=np.zeros((n, 3)),
        status=np.full(n, WAITING, dtype=np.int8),
        launch_time_s=np.array([p.launch_time_s for p in plans], dtype=float),
        planned_arrival_s=np.full(n, np.nan),
        target_asset=np.array(
            [assets.index(p.target) if p.target else -1 for p in plans], dtype=np.int64
        ),
        speed_mps=np.array([float(p.leg_speed_mps[-1]) for p in plans], dtype=float),
        rcs_front_m2=per_type([t.rcs_front_m2 for t in types]),
        rcs_side_m2=per_type([t.rcs_side_m2 or t.rcs_front_m2 for t in types]),
        rcs_rear_m2=per_type([t.rcs_rear_m2 or t.rcs_front_m2 for t in types]),
        swerling=per_type([t.swerling for t in types]).astype(np.int8),
        cost_usd=per_type([t.cost_usd for t in types]),
        max_lateral_accel_mps2=per_type([t.max_lateral_accel_mps2 for t in types]),
    )


def _sites(scenario: Scenario, origin: Origin):
    radars, launchers, batteries = [], [], []
    for b, bat in enumerate(scenario.batteries):
        r_idx, l_idx = [], []
        for site in bat.radars:
            rtype = radar_type(scenario, site)
            r_idx.append(len(radars))
            radars.append(
                RadarRecord(
                    index=len(radars),
                    name=site.name,
                    battery=b,
                    type_name=site.type,
                    type=rtype,
                    site_pos_m=_site_enu([site.position], origin)[0],
                    pos_m=_site_enu([site.position], origin, rtype.antenna_height_m)[0],
                    boresight_rad=float(np.radians(site.boresight_deg)),
                    unit=b,
                )
            )
        for site in bat.launchers:
            l_idx.append(len(launchers))
            launchers.append(
                LauncherRecord(
                    index=len(launchers),
                    name=site.name,
                    battery=b,
                    type_name=site.type,
                    type=launcher_type(scenario, site),
                    pos_m=_site_enu([site.position], origin)[0],
                    count=site.count,
                    loadout=dict(site.loadout),
                )
            )
        cp = bat.command_post
        cp_pos = (
            _site_enu([cp.position], origin)[0]
            if cp.position is not None
            else radars[r_idx[0]].site_pos_m
        )
        batteries.append(BatteryRecord(b, bat.name, cp, cp_pos, tuple(r_idx), tuple(l_idx)))
    for s, sensor in enumerate(scenario.sensors):
        rtype = radar_type(scenario, sensor)
        orbit = Orbit.of(sensor.route, origin) if sensor.route else None
        if orbit is not None:
            site = antenna = orbit.position_at(0.0)
        else:
            site = _site_enu([sensor.position], origin)[0]
            antenna = _site_enu([sensor.position], origin, rtype.antenna_height_m)[0]
        radars.append(
            RadarRecord(
                index=len(radars),
                name=sensor.name,
                battery=-1,
                type_name=sensor.type,
                type=rtype,
                site_pos_m=site,
                pos_m=antenna,
                boresight_rad=float(np.radians(sensor.boresight_deg)),
                unit=len(batteries) + s,
                orbit=orbit,
            )
        )
    return radars, launchers, batteries


def end_assets(traj: Trajectories, target: np.ndarray, assets: AssetState) -> np.ndarray:
    """(N,) the asset each route ends on: its target if the end point lies within the target's
    radius (horizontally), else the nearest asset whose radius contains it, else -1."""
    n = traj.first.shape[0]
    out = np.full(n, -1, dtype=np.int64)
    if n == 0 or len(assets) == 0:
        return out
    end = traj.pos_m[traj.last]
    d = np.hypot(*(end[:, None, :2] - assets.pos_m[None, :, :2]).transpose(2, 0, 1))  # (N, A)
    inside = d <= assets.radius_m[None, :]
    nearest = np.where(inside, d, np.inf).argmin(axis=1)
    out[inside.any(axis=1)] = nearest[inside.any(axis=1)]
    rows = np.flatnonzero(target >= 0)
    hit = inside[rows, target[rows]]
    out[rows[hit]] = target[rows[hit]]
    return out


def build_world(scenario: Scenario, seed: int | None = None) -> World:
    """The world at t = 0 for (scenario, seed); seed defaults to ``scenario.seed``."""
    seed = scenario.seed if seed is None else int(seed)
    origin = Origin.of(scenario.origin)
    assets = _assets(scenario, origin)
    radars, launchers, batteries = _sites(scenario, origin)
    world = World(
        scenario=scenario,
        seed=seed,
        origin=origin,
        threats=_threats(scenario, [], assets),
        assets=assets,
        radars=radars,
        launchers=launchers,
        batteries=batteries,
        units=[b.name for b in batteries] + [s.name for s in scenario.sensors],
    )
    plans = flight_plans(scenario, world.rng)
    world.plans = plans
    world.threats = _threats(scenario, plans, assets)
    grid = None
    if scenario.terrain is not None:
        from iads.terrain import load_grid, local_terrain

        grid = load_grid(scenario.terrain.file)
        world.terrain = local_terrain(grid, origin)
    world.trajectories = trajectories_of(scenario, plans, origin, grid)
    world.threats.planned_arrival_s[:] = world.trajectories.end_time_s
    if scenario.traffic:
        _, codes, specs = traffic_plans(scenario)
        first = len(plans) - len(codes)
        world.threats.allegiance = np.zeros(len(plans), np.int8)  # HOSTILE
        world.threats.allegiance[first:] = codes
        world.transponders = make_transponders(first, specs)
    motion_system(world).place(world, 0.0)  # threats launched at t = 0 are in the air
    return world


def motion_system(world: World) -> MotionSystem:
    """The motion system of ``world`` (its cursors are a cache: a new one can take over)."""
    if world.trajectories is None:
        raise ValueError("world has no trajectories; make it with build_world")
    ends = end_assets(world.trajectories, world.threats.target_asset, world.assets)
    ends[~world.threats.hostile] = -1  # traffic lands or leaves: it never "reaches" an asset
    return MotionSystem(world.trajectories, ends)


def build_systems(world: World, systems: Sequence[System] = ()) -> list[System]:
    """Systems in tick order: ``systems`` (the defense; none for the undefended baseline),
    then motion (last)."""
    return [*systems, motion_system(world)]


__all__ = [
    "build_systems",
    "build_world",
    "end_assets",
    "flight_plans",
    "motion_system",
    "trajectories_of",
]
