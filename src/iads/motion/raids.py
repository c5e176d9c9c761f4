"""Raids and routed threats -> one flight plan per threat, deterministically from a seed.

A raid of ``count`` threats expands as follows (each raid draws from its own random stream, so
adding a raid never changes the others):

- launch point: on the arc ``axis.distance_m`` from the target at a bearing drawn uniformly in
  ``bearing_deg +- spread_deg / 2`` (a geodesic from the target), or uniformly over the disc of
  ``launch_area`` (radius ``R sqrt(u)``, direction uniform);
- launch time: uniform in ``launch_window_s``; threats are numbered in launch order;
- route: launch point -> ``ingress`` turn points in order -> the target asset, at the raid's
  speed (``speed_mps`` or the type's) with the raid's altitude profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iads.geo import geodesic_direct
from iads.motion.profiles import ProfileModel
from iads.scenario.equipment import ThreatType
from iads.scenario.model import Raid, RouteThreat, Scenario


@dataclass(frozen=True)
class FlightPlan:
    """One threat's plan: waypoints (W,) in degrees, leg speeds (W-1,), heights.

    Heights come from ``profile`` (raids) or ``waypoint_alt_m`` (routed threats).
    ``target`` is an asset name or None.
    """

    name: str
    raid: str
    type_name: str
    launch_time_s: float
    target: str | None
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    leg_speed_mps: np.ndarray
    profile: ProfileModel | None = None
    waypoint_alt_m: np.ndarray | None = None


def expand_raid(
    raid: Raid, scenario: Scenario, ttype: ThreatType, rng: np.random.Generator
) -> list[FlightPlan]:
    """The ``raid.count`` flight plans of ``raid``, drawn from ``rng``."""
    n = raid.count
    target = next(a for a in scenario.assets if a.name == raid.target)
    if raid.axis is not None:
        half = 0.5 * np.radians(raid.axis.spread_deg)
        bearing = np.radians(raid.axis.bearing_deg) + rng.uniform(-half, half, n)
        lat0, lon0 = geodesic_direct(
            target.position.lat_deg, target.position.lon_deg, raid.axis.distance_m, bearing
        )
    else:
        area = raid.launch_area
        assert area is not None  # guaranteed by Raid's validator
        radius = area.radius_m * np.sqrt(rng.uniform(0.0, 1.0, n))
        direction = rng.uniform(0.0, 2 * np.pi, n)
        lat0, lon0 = geodesic_direct(area.center.lat_deg, area.center.lon_deg, radius, direction)
    start_s, end_s = raid.launch_window_s
    launch = np.sort(rng.uniform(start_s, end_s, n)) if end_s > start_s else np.full(n, start_s)
    speed = raid.speed_mps or ttype.speed_mps
    mid_lat = [p.lat_deg for p in raid.ingress]
    mid_lon = [p.lon_deg for p in raid.ingress]
    width = len(str(n))
    plans = []
    for i in range(n):
        lat = np.array([lat0[i], *mid_lat, target.position.lat_deg])
        lon = np.array([lon0[i], *mid_lon, target.position.lon_deg])
        plans.append(
            FlightPlan(
                name=f"{raid.name}-{i + 1:0{width}d}",
                raid=raid.name,
                type_name=raid.type,
                launch_time_s=float(launch[i]),
                target=raid.target,
                lat_deg=lat,
                lon_deg=lon,
                leg_speed_mps=np.full(lat.size - 1, speed),
                profile=raid.profile,
            )
        )
    return plans


def route_plan(threat: RouteThreat, ttype: ThreatType) -> FlightPlan:
    """The flight plan of a threat given by its waypoints."""
    wps = threat.waypoints
    return FlightPlan(
        name=threat.name,
        raid="",
        type_name=threat.type,
        launch_time_s=threat.launch_time_s,
        target=threat.target,
        lat_deg=np.array([w.lat_deg for w in wps]),
        lon_deg=np.array([w.lon_deg for w in wps]),
        leg_speed_mps=np.array([w.speed_mps or ttype.speed_mps for w in wps[1:]]),
        waypoint_alt_m=np.array([w.alt_m for w in wps]),
    )


__all__ = ["FlightPlan", "expand_raid", "route_plan"]
