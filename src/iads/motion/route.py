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


def _arc(
    lat_w: float, lon_w: float, az_in: float, turn_rad: float, radius_m: float, tangent_m: float
) -> tuple[np.ndarray, np.ndarray, float]:
    """Interior points of the fillet arc at a waypoint, and its length (m)."""
    sgn = 1.0 if turn_rad > 0 else -1.0  # +1: right turn (clockwise)
    n_steps = max(2, math.ceil(abs(turn_rad) / ARC_STEP_RAD))
    psi = az_in + turn_rad * np.arange(1, n_steps) / n_steps
    start_e, start_n = -tangent_m * math.sin(az_in), -tangent_m * math.cos(az_in)
    # centre = start + sgn r * (unit vector to the right of the heading)
    centre_e = start_e + sgn * radius_m * math.cos(az_in)
    centre_n = start_n - sgn * radius_m * math.sin(az_in)
    east = centre_e - sgn * radius_m * np.cos(psi)
    north = centre_n + sgn * radius_m * np.sin(psi)
    lat, lon, _ = pymap3d.enu2geodetic(east, north, np.zeros_like(east), lat_w, lon_w, 0.0)
    return np.atleast_1d(lat), np.atleast_1d(lon), radius_m * abs(turn_rad)


def plan_route(
    lat_deg: np.ndarray,
    lon_deg: np.ndarray,
    leg_speed_mps: np.ndarray,
    max_lateral_accel_mps2: float,
    step_m: float = DEFAULT_STEP_M,
) -> RoutePath:
    """Sample the route through waypoints (W,) flown at ``leg_speed_mps`` (W-1,) per leg."""
    lat = np.asarray(lat_deg, dtype=float)
    lon = np.asarray(lon_deg, dtype=float)
    speed = np.broadcast_to(np.asarray(leg_speed_mps, dtype=float), (lat.size - 1,))
    dist, az1, az2 = geodesic_inverse(lat[:-1], lon[:-1], lat[1:], lon[1:])
    n_wp = lat.size
    turn = np.zeros(n_wp)
    radius = np.zeros(n_wp)
    tangent = np.zeros(n_wp)
    tight = 0
    for k in range(1, n_wp - 1):
        turn[k] = float(_wrap(az1[k] - az2[k - 1]))
        if abs(turn[k]) < 1e-9 or dist[k - 1] == 0 or dist[k] == 0:
            turn[k] = 0.0
            continue
        radius[k] = speed[k - 1] ** 2 / max_lateral_accel_mps2
        half = math.tan(abs(turn[k]) / 2)
        room = 0.5 * min(dist[k - 1], dist[k])
        if radius[k] * half > room:
            radius[k], tight = room / half, tight + 1
        tangent[k] = radius[k] * half

    lats, lons, ds, spd = [lat[:1]], [lon[:1]], [np.zeros(1)], [speed[:1]]
    wp_s = [0.0]
    s_total = 0.0
    for k in range(n_wp - 1):
        begin, end = tangent[k], dist[k] - tangent[k + 1]
        n_seg = max(1, math.ceil((end - begin) / step_m))
        s_leg = np.linspace(begin, end, n_seg + 1)[1:]
        la, lo = geodesic_direct(lat[k], lon[k], s_leg, az1[k])
        lats.append(la)
        lons.append(lo)
        ds.append(np.diff(s_leg, prepend=begin))
        spd.append(np.full(n_seg, speed[k]))
        s_total += end - begin
        if turn[k + 1] != 0.0:
            la, lo, arc_m = _arc(
                lat[k + 1], lon[k + 1], az2[k], turn[k + 1], radius[k + 1], tangent[k + 1]
            )
            n_arc = la.size + 1  # chords: interior points, then the next leg's first point
            la_end, lo_end = geodesic_direct(lat[k + 1], lon[k + 1], tangent[k + 1], az1[k + 1])
            lats += [la, np.atleast_1d(la_end)]
            lons += [lo, np.atleast_1d(lo_end)]
            ds.append(np.full(n_arc, arc_m / n_arc))
            spd.append(np.full(n_arc, speed[k]))
            wp_s.append(s_total + 0.5 * arc_m)
            s_total += arc_m
        else:
            wp_s.append(s_total)
    lat_all = np.concatenate([np.atleast_1d(x) for x in lats])
    lon_all = np.concatenate([np.atleast_1d(x) for x in lons])
    s_all = np.cumsum(np.concatenate(ds))
    speed_all = np.concatenate(spd)
    speed_all[0] = speed_all[1] if speed_all.size > 1 else speed_all[0]
    return RoutePath(lat_all, lon_all, s_all, speed_all, np.array(wp_s), tight)


__all__ = ["ARC_STEP_RAD", "DEFAULT_STEP_M", "RoutePath", "plan_route"]
