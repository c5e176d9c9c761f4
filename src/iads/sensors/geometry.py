"""Radar geometry over a 4/3 effective earth: horizon, range/azimuth/elevation, scan coverage.

Frames. Positions are scenario ENU (x east, y north, z up, metres) in the "map" sense used by
the motion models: (x, y) lie on the tangent plane and are taken as distances along the ground,
z is the height above the (flat) terrain. The radar sees them over a sphere of radius
``k·Re`` (k = 4/3, standard refraction; Skolnik, *Introduction to Radar Systems*, 3rd ed.,
§8.2; Doerry, SAND2007-2153), so a target at ground distance d and height h_t, seen by an
antenna at height h_r, sits at central angle d / (k·Re) and radii k·Re + h.

Azimuth is clockwise from north, az = atan2(east, north), in [0, 2π); elevation is the
apparent elevation above the radar's local horizontal on that effective earth.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

EARTH_RADIUS_M = 6_371_000.0
"""Mean earth radius (m), IUGG."""

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


def enu_to_rae(
    target_pos_m: ArrayLike,
    site_pos_m: ArrayLike,
    antenna_height_m: float = 0.0,
    effective_radius_m: float = EFFECTIVE_EARTH_RADIUS_M,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Range (m), azimuth (rad, clockwise from north, [0, 2π)) and apparent elevation (rad)
    of targets at ``target_pos_m`` (..., 3) seen from a radar whose site is ``site_pos_m`` (3,)
    with its antenna ``antenna_height_m`` above the site (map ENU, see module docstring)."""
    pos = np.asarray(target_pos_m, dtype=float)
    site = np.asarray(site_pos_m, dtype=float)
    de = pos[..., 0] - site[0]
    dn = pos[..., 1] - site[1]
    ground_m = np.hypot(de, dn)
    azimuth_rad = np.mod(np.arctan2(de, dn), TWO_PI)
    range_m, elevation_rad = slant_geometry(
        ground_m, site[2] + antenna_height_m, pos[..., 2], effective_radius_m
    )
    return range_m, azimuth_rad, elevation_rad


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


__all__ = [
    "EARTH_RADIUS_M",
    "EFFECTIVE_EARTH_RADIUS_M",
    "K_FACTOR",
    "beam_azimuth_rad",
    "enu_to_rae",
    "in_sector",
    "in_swept_arc",
    "line_of_sight",
    "radar_horizon_m",
    "slant_geometry",
    "swept_arc",
    "wrap_pi",
]
