"""Radar geometry over a 4/3 effective earth: horizon, range/azimuth/elevation, scan coverage.

Frames. Positions are the scenario's true (Cartesian) ENU frame about its origin (x east,
y north, z up, metres; ``iads.geo``): a far target at constant height lies below the origin's
tangent plane. For visibility the earth is a sphere of mean radius Re centred at
``earth_centre_m(origin_alt_m)`` = (0, 0, -(Re + origin height)); each point's height is its
distance from that centre minus Re, and the ground distance between two points is Re times
their central angle. Refraction is the standard 4/3 effective earth (Skolnik, *Introduction to
Radar Systems*, 3rd ed., §8.2; Doerry, SAND2007-2153): the same ground distance and heights on
a sphere of radius k·Re (k = 4/3) give the apparent slant range and elevation, and the line of
sight clears the earth when that range is within the radar horizon.

Measured angles are geometric, in the scenario's ENU axes at the radar: azimuth clockwise from
north, az = atan2(east, north) in [0, 2π); elevation of the line of sight above the horizontal
plane, so (range, azimuth, elevation) convert back to ENU exactly (a 3D radar corrects for
refraction with the same 4/3 model).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.geo import MEAN_EARTH_RADIUS_M

EARTH_RADIUS_M = MEAN_EARTH_RADIUS_M
"""Mean earth radius (m), IUGG (as ``iads.geo``)."""

K_FACTOR = 4.0 / 3.0
"""Effective-earth factor for standard atmospheric refraction."""

EFFECTIVE_EARTH_RADIUS_M = K_FACTOR * EARTH_RADIUS_M

TWO_PI = 2.0 * np.pi


def radar_horizon_m(
    antenna_height_m: ArrayLike,
    target_altitude_m: ArrayLike,
    effective_radius_m: float = EFFECTIVE_EARTH_RADIUS_M,
) -> NDArray[np.float64]:
    """Maximum line-of-sight (slant) range between an antenna and a target over a 4/3 earth.

    ``R = sqrt(2 a h1 + h1^2) + sqrt(2 a h2 + h2^2)`` with a = k·Re: the two tangent lengths
    to the effective sphere (Skolnik §8.2; close to the rule of thumb
    4.12 km · (sqrt(h1) + sqrt(h2)) with heights in metres). Heights (m) above the surface,
    negative values count as zero. Broadcasts; returns metres.
    """
    h1 = np.maximum(np.asarray(antenna_height_m, dtype=float), 0.0)
    h2 = np.maximum(np.asarray(target_altitude_m, dtype=float), 0.0)
    a = effective_radius_m
    return np.sqrt(2.0 * a * h1 + h1 * h1) + np.sqrt(2.0 * a * h2 + h2 * h2)


def slant_geometry(
    ground_range_m: ArrayLike,
    antenna_height_m: ArrayLike,
    target_altitude_m: ArrayLike,
    effective_radius_m: float = EFFECTIVE_EARTH_RADIUS_M,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Slant range (m) and apparent elevation (rad) over the effective earth.

    With r1 = a + h_r, r2 = a + h_t and central angle θ = d / a (law of cosines):
    ``R^2 = r1^2 + r2^2 - 2 r1 r2 cos θ``, ``sin el = (r2 cos θ - r1) / R``... written in the
    cancellation-free form ``sin el = (r2^2 - r1^2 - R^2) / (2 r1 R)``. Broadcasts.
    """
    a = effective_radius_m
    d = np.asarray(ground_range_m, dtype=float)
    r1 = a + np.asarray(antenna_height_m, dtype=float)
    r2 = a + np.asarray(target_altitude_m, dtype=float)
    theta = d / a
    # R^2 = (r2 - r1)^2 + 4 r1 r2 sin^2(θ/2)   (law of cosines without cancellation)
    range_m = np.sqrt((r2 - r1) ** 2 + 4.0 * r1 * r2 * np.sin(0.5 * theta) ** 2)
    safe = np.where(range_m > 0, range_m, 1.0)
    sin_el = ((r2 - r1) * (r2 + r1) - range_m**2) / (2.0 * r1 * safe)
    elevation_rad = np.where(range_m > 0, np.arcsin(np.clip(sin_el, -1.0, 1.0)), 0.0)
    return range_m, elevation_rad


def earth_centre_m(origin_alt_m: float = 0.0, earth_radius_m: float = EARTH_RADIUS_M):
    """ENU position (m) of the centre of the spherical earth under an origin at height
    ``origin_alt_m``: (0, 0, -(Re + origin_alt_m))."""
    return np.array([0.0, 0.0, -(earth_radius_m + origin_alt_m)])


def height_above_earth_m(
    pos_m: ArrayLike, origin_alt_m: float = 0.0, earth_radius_m: float = EARTH_RADIUS_M
) -> NDArray[np.float64]:
    """Height (m) above the spherical earth of ENU points ``pos_m`` (..., 3) under an origin
    at height ``origin_alt_m``: |pos - earth_centre_m(origin_alt_m)| - Re, the height of
    ``height_and_ground_range`` without a reference point. Written without cancellation as
    (rho^2 - Re^2) / (rho + Re) with rho^2 - Re^2 = x^2 + y^2 + u^2 + 2 Re u, u = z + origin
    height. Broadcasts over leading axes."""
    p = np.asarray(pos_m, dtype=float)
    return height_above_earth_enu_m(p[..., 0], p[..., 1], p[..., 2], origin_alt_m, earth_radius_m)


def height_above_earth_enu_m(
    east_m: ArrayLike,
    north_m: ArrayLike,
    up_m: ArrayLike,
    origin_alt_m: float = 0.0,
    earth_radius_m: float = EARTH_RADIUS_M,
) -> NDArray[np.float64]:
    """``height_above_earth_m`` (m) of the ENU points given by their coordinates (m), which
    broadcast: the same numbers, without stacking (..., 3) arrays."""
    u = np.asarray(up_m, dtype=float) + origin_alt_m
    s = np.asarray(east_m, dtype=float) ** 2 + np.asarray(north_m, dtype=float) ** 2 + u * u
    rho = np.sqrt(s + 2.0 * earth_radius_m * u + earth_radius_m**2)
    return (s + 2.0 * earth_radius_m * u) / (rho + earth_radius_m)


def surface_to_enu(
    ground_range_m: ArrayLike,
    azimuth_rad: ArrayLike,
    height_m: ArrayLike,
    origin_alt_m: float = 0.0,
    earth_radius_m: float = EARTH_RADIUS_M,
) -> NDArray[np.float64]:
    """True ENU (..., 3) of the point ``ground_range_m`` along the sphere from the origin's
    foot, in direction ``azimuth_rad``, at ``height_m`` above the sphere. Broadcasts."""
    theta = np.asarray(ground_range_m, dtype=float) / earth_radius_m
    az = np.asarray(azimuth_rad, dtype=float)
    rho = earth_radius_m + np.asarray(height_m, dtype=float)
    theta, az, rho = np.broadcast_arrays(theta, az, rho)
    out = np.empty(theta.shape + (3,))
    out[..., 0] = rho * np.sin(theta) * np.sin(az)
    out[..., 1] = rho * np.sin(theta) * np.cos(az)
    out[..., 2] = rho * np.cos(theta) - earth_radius_m - origin_alt_m
    return out


def height_and_ground_range(
    pos_m: ArrayLike,
    ref_pos_m: ArrayLike,
    centre_m: ArrayLike,
    earth_radius_m: float = EARTH_RADIUS_M,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Heights (m) above the sphere of points ``pos_m`` (..., 3) and of ``ref_pos_m`` (3,),
    and the ground distance (m) between them along the sphere: (h, h_ref, ground)."""
    u = np.asarray(pos_m, dtype=float) - centre_m
    v = np.asarray(ref_pos_m, dtype=float) - centre_m
    rho = np.sqrt(np.sum(u * u, axis=-1))
    rho_v = float(np.sqrt(v @ v))
    # central angle from the chord of the unit vectors: θ = 2 asin(|û - v̂| / 2)
    chord = u / rho[..., None] - v / rho_v
    theta = 2.0 * np.arcsin(np.minimum(0.5 * np.sqrt(np.sum(chord * chord, axis=-1)), 1.0))
    return rho - earth_radius_m, np.float64(rho_v - earth_radius_m), earth_radius_m * theta


def range_azimuth_elevation(
    pos_m: ArrayLike, sensor_pos_m: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Straight-line range (m), azimuth (rad, [0, 2π)) and geometric elevation (rad) of
    ``pos_m`` (..., 3) from ``sensor_pos_m`` (3,), in the ENU axes (module docstring)."""
    d = np.asarray(pos_m, dtype=float) - np.asarray(sensor_pos_m, dtype=float)
    horiz = np.hypot(d[..., 0], d[..., 1])
    range_m = np.hypot(horiz, d[..., 2])
    return range_m, np.mod(np.arctan2(d[..., 0], d[..., 1]), TWO_PI), np.arctan2(d[..., 2], horiz)


def line_of_sight(
    range_m: ArrayLike,
    antenna_height_m: ArrayLike,
    target_altitude_m: ArrayLike,
    effective_radius_m: float = EFFECTIVE_EARTH_RADIUS_M,
) -> NDArray[np.bool_]:
    """True where the straight ray (over the effective earth) clears the surface.

    A segment between radii r1 and r2 grazes a sphere of radius a exactly when its length is
    the sum of the two tangent lengths, so it clears iff ``R <= radar_horizon_m(h1, h2)``.
    """
    horizon_m = radar_horizon_m(antenna_height_m, target_altitude_m, effective_radius_m)
    return np.asarray(range_m, dtype=float) <= horizon_m


def wrap_pi(angle_rad: ArrayLike) -> NDArray[np.float64]:
    """Angle wrapped to [-π, π)."""
    return np.mod(np.asarray(angle_rad, dtype=float) + np.pi, TWO_PI) - np.pi


def in_sector(azimuth_rad: ArrayLike, centre_rad: float, width_rad: float) -> NDArray[np.bool_]:
    """True where ``azimuth_rad`` lies within ``width_rad`` centred on ``centre_rad``
    (a width of 2π or more covers every azimuth)."""
    if width_rad >= TWO_PI:
        return np.ones(np.shape(azimuth_rad), dtype=bool)
    return np.abs(wrap_pi(np.asarray(azimuth_rad) - centre_rad)) <= 0.5 * width_rad


def in_swept_arc(azimuth_rad: ArrayLike, start_rad: float, sweep_rad: float) -> NDArray[np.bool_]:
    """True where ``azimuth_rad`` lies in the arc swept clockwise from ``start_rad`` by
    ``sweep_rad`` (>= 0), half-open [start, start + sweep) so consecutive steps never see a
    target twice; a sweep of 2π or more covers every azimuth."""
    if sweep_rad >= TWO_PI:
        return np.ones(np.shape(azimuth_rad), dtype=bool)
    return np.mod(np.asarray(azimuth_rad) - start_rad, TWO_PI) < sweep_rad


def in_swept_arc_en(
    east_m: NDArray[np.float64], north_m: NDArray[np.float64], start_rad: float, sweep_rad: float
) -> NDArray[np.bool_]:
    """``in_swept_arc`` from east/north offsets without computing azimuths (narrow arcs).

    For a sweep below π, a point at azimuth a lies in [s, s + w) iff sin(a - s) >= 0 and
    sin(s + w - a) > 0, i.e. e cos s - n sin s >= 0 and n sin(s+w) - e cos(s+w) > 0: two
    products per bound, no arctan. Consecutive arcs share their boundary float, and the two
    tests are exact negations of each other there, so no point is seen twice or missed.
    """
    if sweep_rad >= TWO_PI:
        return np.ones(np.shape(east_m), dtype=bool)
    if sweep_rad >= np.pi:
        az = np.mod(np.arctan2(east_m, north_m), TWO_PI)
        return in_swept_arc(az, start_rad, sweep_rad)
    end = start_rad + sweep_rad
    after_start = east_m * np.cos(start_rad) - north_m * np.sin(start_rad) >= 0.0
    before_end = north_m * np.sin(end) - east_m * np.cos(end) > 0.0
    return after_start & before_end


def beam_azimuth_rad(
    t_s: ArrayLike,
    scan_period_s: float,
    sector_width_rad: float = TWO_PI,
    boresight_rad: float = 0.0,
) -> NDArray[np.float64]:
    """Beam pointing azimuth (rad, [0, 2π)) at time ``t_s``.

    Rotating (sector 2π): clockwise at 2π / scan_period_s, pointing at ``boresight_rad`` at
    t = 0. Sector scan: a sawtooth sweep clockwise from boresight - width/2 to boresight +
    width/2 every ``scan_period_s`` (fly-back taken as instantaneous, so the revisit period of
    any azimuth in the sector is ``scan_period_s``).
    """
    phase = np.mod(np.asarray(t_s, dtype=float) / scan_period_s, 1.0)
    if sector_width_rad >= TWO_PI:
        return np.mod(boresight_rad + TWO_PI * phase, TWO_PI)
    return np.mod(boresight_rad - 0.5 * sector_width_rad + sector_width_rad * phase, TWO_PI)


def swept_arc(
    t_s: float,
    dt_s: float,
    scan_period_s: float,
    sector_width_rad: float = TWO_PI,
    boresight_rad: float = 0.0,
) -> list[tuple[float, float]]:
    """Arcs (start_rad, sweep_rad) the beam sweeps during [t_s, t_s + dt_s).

    One arc for a rotating radar (the whole circle if dt covers a full period); for a sector
    scan the sweep may wrap around the fly-back and give two arcs. Feed each to
    ``in_swept_arc``. Times are rounded to 1 ns so that the end of one step and the start of
    the next are the same float: over consecutive steps every azimuth is covered exactly once
    per period.
    """
    if dt_s >= scan_period_s:
        if sector_width_rad >= TWO_PI:
            return [(0.0, TWO_PI)]
        return [(boresight_rad - 0.5 * sector_width_rad, sector_width_rad)]
    t0, t1 = round(t_s, 9), round(t_s + dt_s, 9)
    start = float(beam_azimuth_rad(t0, scan_period_s, sector_width_rad, boresight_rad))
    end = float(beam_azimuth_rad(t1, scan_period_s, sector_width_rad, boresight_rad))
    if sector_width_rad >= TWO_PI:
        return [(start, (end - start) % TWO_PI)]
    if np.floor(t1 / scan_period_s) == np.floor(t0 / scan_period_s):
        return [(start, (end - start) % TWO_PI)]
    left = (boresight_rad - 0.5 * sector_width_rad) % TWO_PI
    right = (boresight_rad + 0.5 * sector_width_rad) % TWO_PI
    return [(start, (right - start) % TWO_PI), (left, (end - left) % TWO_PI)]


def swept_arcs_flat(
    t_s: NDArray[np.float64],
    dt_s: float,
    scan_period_s: float,
    sector_width_rad: float = TWO_PI,
    boresight_rad: float = 0.0,
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]]:
    """``swept_arc`` of many looks, each ``[t_s[k], t_s[k] + dt_s)`` (s), as flat arrays: the
    look of each arc (in look order), its start and its sweep (rad). The same arithmetic as
    ``swept_arc`` element by element (Python's rounding to 1 ns, the same NumPy operations),
    so the arcs are its arcs bit for bit."""
    t = np.asarray(t_s, dtype=float)
    n = t.size
    if dt_s >= scan_period_s:
        if sector_width_rad >= TWO_PI:
            return np.arange(n), np.zeros(n), np.full(n, TWO_PI)
        lo = boresight_rad - 0.5 * sector_width_rad
        return np.arange(n), np.full(n, lo), np.full(n, float(sector_width_rad))
    t0 = np.array([round(x, 9) for x in t.tolist()])
    t1 = np.array([round(x + dt_s, 9) for x in t.tolist()])
    start = beam_azimuth_rad(t0, scan_period_s, sector_width_rad, boresight_rad)
    end = beam_azimuth_rad(t1, scan_period_s, sector_width_rad, boresight_rad)
    one = np.mod(end - start, TWO_PI)
    if sector_width_rad >= TWO_PI:
        return np.arange(n), start, one
    split = np.floor(t1 / scan_period_s) != np.floor(t0 / scan_period_s)
    if not split.any():
        return np.arange(n), start, one
    left = (boresight_rad - 0.5 * sector_width_rad) % TWO_PI
    right = (boresight_rad + 0.5 * sector_width_rad) % TWO_PI
    look = np.repeat(np.arange(n), np.where(split, 2, 1))
    first = np.r_[0, np.cumsum(np.where(split, 2, 1))[:-1]]  # each look's first arc
    arc_start = start[look].copy()
    arc_sweep = one[look].copy()
    k = first[split]
    arc_sweep[k] = np.mod(right - start[split], TWO_PI)
    arc_start[k + 1] = left
    arc_sweep[k + 1] = np.mod(end[split] - left, TWO_PI)
    return look, arc_start, arc_sweep


__all__ = [
    "EARTH_RADIUS_M",
    "EFFECTIVE_EARTH_RADIUS_M",
    "K_FACTOR",
    "beam_azimuth_rad",
    "earth_centre_m",
    "height_above_earth_enu_m",
    "height_above_earth_m",
    "height_and_ground_range",
    "range_azimuth_elevation",
    "in_sector",
    "in_swept_arc",
    "in_swept_arc_en",
    "line_of_sight",
    "radar_horizon_m",
    "slant_geometry",
    "surface_to_enu",
    "swept_arc",
    "swept_arcs_flat",
    "wrap_pi",
]
