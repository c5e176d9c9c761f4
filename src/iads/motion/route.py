"""Horizontal routes: geodesic legs between waypoints joined by coordinated turns.

A route is flown along WGS-84 geodesics (ellipsoidal great circles) between waypoints. At each
inner waypoint the heading change is flown as a level coordinated turn of constant radius
``r = v**2 / a_max`` (``v`` the speed of the incoming leg, ``a_max`` the lateral acceleration
limit), i.e. at the turn rate ``omega = a_max / v``; the arc is tangent to both legs, starting
``r tan(|dpsi| / 2)`` before the waypoint (a fillet: the waypoint itself is cut). If the legs are
too short for that arc, the turn is tightened to fit and ``RoutePath.tight_turns`` counts it.
The arc is laid out in the waypoint's tangent plane (turn radii are kilometres at most, where
the plane departs from the ellipsoid by under a metre).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pymap3d

from iads.geo import geodesic_direct, geodesic_inverse

DEFAULT_STEP_M = 3_000.0
"""Longest straight segment between route samples (m). Linear interpolation of a geodesic at
constant height between samples 3 km apart sags by 3e3**2 / (8 R) = 0.18 m at most."""
ARC_STEP_RAD = math.radians(3.0)
"""Heading step between samples on a turn (a chord departs from the arc by r (1 - cos 1.5 deg),
under 0.04 % of the radius)."""


@dataclass(frozen=True)
class RoutePath:
    """A sampled horizontal path.

    ``lat_deg``, ``lon_deg``, ``s_m`` (M,): sample points and distance flown to each (m, along
    the path); ``speed_mps`` (M,): ground speed on the segment ending at each point (the first
    entry repeats the second); ``waypoint_s_m`` (W,): path distance abeam each waypoint.
    """

    lat_deg: np.ndarray
    lon_deg: np.ndarray
    s_m: np.ndarray
    speed_mps: np.ndarray
    waypoint_s_m: np.ndarray
    tight_turns: int = 0

    @property
    def length_m(self) -> float:
        return float(self.s_m[-1])


def _wrap(angle_rad: np.ndarray | float) -> np.ndarray:
    return (np.asarray(angle_rad) + np.pi) % (2 * np.pi) - np.pi


def _starts(counts: np.ndarray) -> np.ndarray:
    """Exclusive cumulative sum: where each group of ``counts`` starts."""
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


def _ramp(counts: np.ndarray) -> np.ndarray:
    """0 .. counts[g] - 1 for each group g, concatenated."""
    total = int(np.sum(counts))
    return np.arange(total) - np.repeat(_starts(counts), counts)


def plan_routes(
    lat_deg: list[np.ndarray],
    lon_deg: list[np.ndarray],
    leg_speed_mps: list[np.ndarray],
    max_lateral_accel_mps2: np.ndarray,
    step_m: float = DEFAULT_STEP_M,
) -> list[RoutePath]:
    """Sample R routes at once: route r through waypoints ``lat_deg[r]``, ``lon_deg[r]`` (W_r,)
    at ``leg_speed_mps[r]`` (W_r - 1,) with lateral acceleration limit
    ``max_lateral_accel_mps2[r]`` (R,). Every geodesic and turn of every route is computed in
    one vectorised pass; the result equals ``plan_route`` route by route."""
    n_routes = len(lat_deg)
    if n_routes == 0:
        return []
    n_wp = np.array([len(x) for x in lat_deg], dtype=np.int64)
    if np.any(n_wp < 2):
        raise ValueError("a route needs at least two waypoints")
    n_leg = n_wp - 1
    lat = np.concatenate([np.asarray(x, dtype=float) for x in lat_deg])
    lon = np.concatenate([np.asarray(x, dtype=float) for x in lon_deg])
    speed = np.concatenate(
        [
            np.broadcast_to(np.asarray(v, dtype=float), (k,))
            for v, k in zip(leg_speed_mps, n_leg, strict=True)
        ]
    )
    accel = np.broadcast_to(np.asarray(max_lateral_accel_mps2, dtype=float), (n_routes,))
    n_legs = int(n_leg.sum())
    leg = np.arange(n_legs)
    leg_route = np.repeat(np.arange(n_routes), n_leg)
    leg_k = _ramp(n_leg)
    a = _starts(n_wp)[leg_route] + leg_k  # waypoint at the start of each leg
    dist, az1, az2 = geodesic_inverse(lat[a], lon[a], lat[a + 1], lon[a + 1])

    # the turn at the end of each leg (none after a route's last leg)
    has_next = leg_k < n_leg[leg_route] - 1
    nxt = np.minimum(leg + 1, n_legs - 1)
    turn = np.where(has_next, _wrap(az1[nxt] - az2), 0.0)
    turn = np.where((np.abs(turn) < 1e-9) | (dist == 0) | (dist[nxt] == 0), 0.0, turn)
    turning = turn != 0
    half = np.tan(np.abs(turn) / 2)
    radius = speed**2 / accel[leg_route]  # r = v^2 / a_max
    room = 0.5 * np.minimum(dist, dist[nxt])
    tight = turning & (radius * half > room)
    radius = np.where(tight, room / np.where(half > 0, half, 1.0), radius)
    tangent_out = np.where(turning, radius * half, 0.0)
    arc_len = radius * np.abs(turn)
    n_arc = np.where(turning, np.maximum(2, np.ceil(np.abs(turn) / ARC_STEP_RAD)), 0).astype(
        np.int64
    )
    prev_turning = np.concatenate([[False], turning[:-1]]) & (leg_k > 0)
    prev = np.maximum(leg - 1, 0)
    tangent_in = np.where(prev_turning, tangent_out[prev], 0.0)

    # samples along each leg; a leg includes its start point after a turn and at a route start
    begin, end = tangent_in, dist - tangent_out
    n_seg = np.maximum(1, np.ceil((end - begin) / step_m)).astype(np.int64)
    k0 = np.where((leg_k == 0) | prev_turning, 0, 1)
    n_pts = n_seg + 1 - k0
    p_leg = np.repeat(leg, n_pts)
    p_k = _ramp(n_pts) + k0[p_leg]
    s_leg = begin[p_leg] + (end - begin)[p_leg] * p_k / n_seg[p_leg]
    p_lat, p_lon = geodesic_direct(lat[a][p_leg], lon[a][p_leg], s_leg, az1[p_leg])
    after_turn = (p_k == 0) & prev_turning[p_leg]
    p_ds = np.where(p_k == 0, 0.0, (end - begin)[p_leg] / n_seg[p_leg])
    p_ds = np.where(after_turn, (arc_len / np.maximum(n_arc, 1))[prev[p_leg]], p_ds)
    p_speed = np.where(after_turn, speed[prev[p_leg]], speed[p_leg])

    # interior points of each turn, in the tangent plane of its waypoint
    n_in = np.maximum(n_arc - 1, 0)
    c_leg = np.repeat(leg, n_in)
    c_k = _ramp(n_in) + 1
    az_in, dpsi, r, tan_m = az2[c_leg], turn[c_leg], radius[c_leg], tangent_out[c_leg]
    sgn = np.sign(dpsi)  # +1: right turn (clockwise)
    psi = az_in + dpsi * c_k / n_arc[c_leg]
    centre_e = -tan_m * np.sin(az_in) + sgn * r * np.cos(az_in)
    centre_n = -tan_m * np.cos(az_in) - sgn * r * np.sin(az_in)
    east = centre_e - sgn * r * np.cos(psi)
    north = centre_n + sgn * r * np.sin(psi)
    w = a[c_leg] + 1
    c_lat, c_lon, _ = pymap3d.enu2geodetic(
        east, north, np.zeros_like(east), lat[w].copy(), lon[w].copy(), np.zeros(w.size)
    )
    c_ds = (arc_len / np.maximum(n_arc, 1))[c_leg]

    # all points in route order: leg l's samples (group 2 l), then its turn (group 2 l + 1)
    group = np.concatenate([2 * p_leg, 2 * c_leg + 1])
    order = np.lexsort((np.concatenate([p_k, c_k]), group))
    all_lat = np.concatenate([p_lat, np.atleast_1d(c_lat)])[order]
    all_lon = np.concatenate([p_lon, np.atleast_1d(c_lon)])[order]
    all_ds = np.concatenate([p_ds, c_ds])[order]
    all_speed = np.concatenate([p_speed, speed[c_leg]])[order]
    point_route = leg_route[group[order] // 2]
    counts = np.bincount(point_route, minlength=n_routes)
    route_start = _starts(counts)
    cum = np.cumsum(all_ds)
    s_all = cum - np.repeat(cum[route_start] - all_ds[route_start], counts)

    # path distance abeam each waypoint: a leg's last sample plus half its turn
    group_count = np.zeros(2 * n_legs, np.int64)
    group_count[0::2], group_count[1::2] = n_pts, n_in
    leg_end_s = s_all[np.cumsum(group_count)[0::2] - 1]
    abeam = leg_end_s + 0.5 * np.where(turning, arc_len, 0.0)
    tight_per_route = np.bincount(leg_route, weights=tight, minlength=n_routes)

    paths = []
    for r_i in range(n_routes):
        sl = slice(route_start[r_i], route_start[r_i] + counts[r_i])
        legs = slice(_starts(n_leg)[r_i], _starts(n_leg)[r_i] + n_leg[r_i])
        spd = all_speed[sl].copy()
        spd[0] = spd[1] if spd.size > 1 else spd[0]
        paths.append(
            RoutePath(
                all_lat[sl],
                all_lon[sl],
                s_all[sl],
                spd,
                np.concatenate([[0.0], abeam[legs]]),
                int(tight_per_route[r_i]),
            )
        )
    return paths


def plan_route(
    lat_deg: np.ndarray,
    lon_deg: np.ndarray,
    leg_speed_mps: np.ndarray,
    max_lateral_accel_mps2: float,
    step_m: float = DEFAULT_STEP_M,
) -> RoutePath:
    """Sample the route through waypoints (W,) flown at ``leg_speed_mps`` (W-1,) per leg."""
    return plan_routes(
        [lat_deg], [lon_deg], [leg_speed_mps], np.array([max_lateral_accel_mps2]), step_m
    )[0]


__all__ = ["ARC_STEP_RAD", "DEFAULT_STEP_M", "RoutePath", "plan_route", "plan_routes"]
