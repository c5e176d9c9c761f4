"""WGS-84 geodesy: geodetic <-> local East-North-Up, geodesics (ellipsoidal great circles).

Frames: geodetic latitude/longitude in degrees (the file boundary), height in metres above the
WGS-84 ellipsoid; ENU is the tangent plane at a scenario origin, x east, y north, z up (m).
ENU is a true Cartesian frame, not a map projection: a point at constant height 300 km from the
origin lies about 300e3**2 / (2 R) = 7 km *below* the origin's tangent plane (R = 6,371 km), so
radar horizons come out right when sensors work in ENU.

Geodesics follow Vincenty (1975), "Direct and inverse solutions of geodesics on the ellipsoid
with application of nested equations", Survey Review 23(176): the direct problem through
``pymap3d.vincenty.vreckon``; the inverse problem is solved here, vectorised (pymap3d's ``vdist``
is exact for scalars but its array form stops iterating early on some elements).
pymap3d is given copies of our arrays because some of its functions modify their inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pymap3d
from pymap3d.vincenty import vreckon

WGS84_A_M = 6_378_137.0
"""WGS-84 semi-major axis (m)."""
WGS84_F = 1.0 / 298.257223563
"""WGS-84 flattening."""
WGS84_B_M = WGS84_A_M * (1.0 - WGS84_F)
"""WGS-84 semi-minor axis (m)."""
MEAN_EARTH_RADIUS_M = 6_371_008.8
"""IUGG mean Earth radius (m), for spherical approximations only."""


@dataclass(frozen=True)
class Origin:
    """The origin of a local ENU frame: geodetic latitude, longitude (deg), height (m)."""

    lat_deg: float
    lon_deg: float
    alt_m: float = 0.0

    @classmethod
    def of(cls, point: object) -> Origin:
        """From any object with ``lat_deg``, ``lon_deg`` and optional ``alt_m`` (a GeoPoint)."""
        return cls(
            float(point.lat_deg),  # type: ignore[attr-defined]
            float(point.lon_deg),  # type: ignore[attr-defined]
            float(getattr(point, "alt_m", 0.0)),
        )


def _arr(x: object) -> np.ndarray:
    return np.array(x, dtype=float, copy=True)


def geodetic_to_enu(
    lat_deg: np.ndarray | float,
    lon_deg: np.ndarray | float,
    alt_m: np.ndarray | float,
    origin: Origin,
) -> np.ndarray:
    """Geodetic points to ENU about ``origin``.

    Inputs broadcast to shape (N,) (scalars give N = 1); returns (N, 3) metres, x east, y north,
    z up of the origin's tangent plane.
    """
    lat, lon, alt = np.broadcast_arrays(_arr(lat_deg), _arr(lon_deg), _arr(alt_m))
    e, n, u = pymap3d.geodetic2enu(
        lat.ravel().copy(),
        lon.ravel().copy(),
        alt.ravel().copy(),
        origin.lat_deg,
        origin.lon_deg,
        origin.alt_m,
    )
    return np.column_stack([np.atleast_1d(e), np.atleast_1d(n), np.atleast_1d(u)])


def enu_to_geodetic(enu_m: np.ndarray, origin: Origin) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ENU points (N, 3) or (3,) about ``origin`` to (lat_deg, lon_deg, alt_m), each (N,):
    rotated to ECEF, then ``ecef_to_geodetic``."""
    p = np.atleast_2d(np.asarray(enu_m, dtype=float))
    x0, y0, z0 = pymap3d.geodetic2ecef(origin.lat_deg, origin.lon_deg, origin.alt_m)
    lat0, lon0 = np.radians(origin.lat_deg), np.radians(origin.lon_deg)
    sl, cl, so, co = np.sin(lat0), np.cos(lat0), np.sin(lon0), np.cos(lon0)
    e, n, u = p[:, 0], p[:, 1], p[:, 2]
    x = x0 - so * e - sl * co * n + cl * co * u
    y = y0 + co * e - sl * so * n + cl * so * u
    z = z0 + cl * n + sl * u
    return ecef_to_geodetic(x, y, z)


def ecef_to_geodetic(
    x_m: np.ndarray, y_m: np.ndarray, z_m: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ECEF points (m, arrays of one shape) to WGS-84 (lat_deg, lon_deg, alt_m), in closed
    form: Heikkinen (1982), "Geschlossene Formeln zur Berechnung räumlicher geodätischer
    Koordinaten aus rechtwinkligen Koordinaten", Z. Vermess. 107, as given by Zhu (1994), IEEE
    TAES 30(3). Sub-millimetre for points from the earth's surface to orbit, without iterating
    (checked by the round trip through ``geodetic2ecef``: 1e-9 m at geostationary height,
    where pymap3d's ``ecef2geodetic`` is 40 to 60 m off); not for points within ~40 km of the
    earth's centre."""
    a, b = WGS84_A_M, WGS84_B_M
    e2 = 1.0 - (b / a) ** 2
    ep2 = (a / b) ** 2 - 1.0
    x, y, z = (np.asarray(v, dtype=float) for v in (x_m, y_m, z_m))
    r2 = x * x + y * y
    r = np.sqrt(r2)
    z2 = z * z
    F = 54.0 * b * b * z2
    G = r2 + (1.0 - e2) * z2 - e2 * (a * a - b * b)
    c = e2 * e2 * F * r2 / G**3
    s = np.cbrt(1.0 + c + np.sqrt(c * c + 2.0 * c))
    k = s + 1.0 + 1.0 / s
    P = F / (3.0 * k * k * G * G)
    Q = np.sqrt(1.0 + 2.0 * e2 * e2 * P)
    r0 = -(P * e2 * r) / (1.0 + Q) + np.sqrt(
        np.maximum(
            0.5 * a * a * (1.0 + 1.0 / Q) - P * (1.0 - e2) * z2 / (Q * (1.0 + Q)) - 0.5 * P * r2,
            0.0,
        )
    )
    t = r - e2 * r0
    U = np.sqrt(t * t + z2)
    V = np.sqrt(t * t + (1.0 - e2) * z2)
    z0 = b * b * z / (a * V)
    alt = U * (1.0 - b * b / (a * V))
    lat = np.degrees(np.arctan2(z + ep2 * z0, r))
    lon = np.degrees(np.arctan2(y, x))
    return np.atleast_1d(lat), np.atleast_1d(lon), np.atleast_1d(alt)


def geodesic_inverse(
    lat1_deg: np.ndarray | float,
    lon1_deg: np.ndarray | float,
    lat2_deg: np.ndarray | float,
    lon2_deg: np.ndarray | float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vincenty's inverse problem on WGS-84, vectorised.

    Returns (distance_m, azimuth1_rad, azimuth2_rad), each broadcast to the inputs' shape:
    the geodesic length, the forward azimuth at point 1 and the forward azimuth at point 2
    (direction of travel on arrival), clockwise from north in (-pi, pi]. Accurate to well under a
    millimetre except for nearly antipodal points, which raise ``ValueError``.
    """
    a, b, f = WGS84_A_M, WGS84_B_M, WGS84_F
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(
        *(np.radians(_arr(x)) for x in (lat1_deg, lon1_deg, lat2_deg, lon2_deg))
    )
    big_l = np.angle(np.exp(1j * (lon2 - lon1)))  # longitude difference wrapped to (-pi, pi]
    u1 = np.arctan((1 - f) * np.tan(lat1))
    u2 = np.arctan((1 - f) * np.tan(lat2))
    su1, cu1, su2, cu2 = np.sin(u1), np.cos(u1), np.sin(u2), np.cos(u2)
    lam = big_l.copy()
    for _ in range(200):
        sl, cl = np.sin(lam), np.cos(lam)
        sin_sigma = np.hypot(cu2 * sl, cu1 * su2 - su1 * cu2 * cl)
        cos_sigma = su1 * su2 + cu1 * cu2 * cl
        sigma = np.arctan2(sin_sigma, cos_sigma)
        safe = np.where(sin_sigma == 0, 1.0, sin_sigma)
        sin_alpha = np.where(sin_sigma == 0, 0.0, cu1 * cu2 * sl / safe)
        cos2_alpha = 1 - sin_alpha**2
        safe_c2a = np.where(cos2_alpha == 0, 1.0, cos2_alpha)
        cos_2sm = np.where(cos2_alpha == 0, 0.0, cos_sigma - 2 * su1 * su2 / safe_c2a)
        c = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha))
        lam_new = big_l + (1 - c) * f * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2))
        )
        done = np.all(np.abs(lam_new - lam) < 1e-13)
        lam = lam_new
        if done:
            break
    else:
        raise ValueError("geodesic_inverse did not converge (nearly antipodal points?)")
    sl, cl = np.sin(lam), np.cos(lam)
    sin_sigma = np.hypot(cu2 * sl, cu1 * su2 - su1 * cu2 * cl)
    cos_sigma = su1 * su2 + cu1 * cu2 * cl
    sigma = np.arctan2(sin_sigma, cos_sigma)
    u_sq = cos2_alpha * (a**2 - b**2) / b**2
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    d_sigma = (
        big_b
        * sin_sigma
        * (
            cos_2sm
            + big_b
            / 4
            * (
                cos_sigma * (-1 + 2 * cos_2sm**2)
                - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)
            )
        )
    )
    dist = b * big_a * (sigma - d_sigma)
    az1 = np.arctan2(cu2 * sl, cu1 * su2 - su1 * cu2 * cl)
    az2 = np.arctan2(cu1 * sl, -su1 * cu2 + cu1 * su2 * cl)
    return dist, az1, az2


def geodesic_direct(
    lat_deg: np.ndarray | float,
    lon_deg: np.ndarray | float,
    distance_m: np.ndarray | float,
    azimuth_rad: np.ndarray | float,
) -> tuple[np.ndarray, np.ndarray]:
    """Vincenty's direct problem on WGS-84: the point ``distance_m`` along the geodesic that
    leaves (lat, lon) at ``azimuth_rad`` (clockwise from north). Inputs broadcast; returns
    (lat_deg, lon_deg) with longitude in [-180, 180)."""
    lat, lon, dist, az = np.broadcast_arrays(
        _arr(lat_deg), _arr(lon_deg), _arr(distance_m), _arr(azimuth_rad)
    )
    shape = lat.shape
    lat2, lon2 = vreckon(
        lat.ravel().copy(),
        lon.ravel().copy(),
        dist.ravel().copy(),
        np.degrees(az.ravel()) % 360.0,
    )
    lon2 = (np.asarray(lon2, dtype=float) + 180.0) % 360.0 - 180.0  # vreckon may give [0, 360)
    return np.reshape(lat2, shape), np.reshape(lon2, shape)


def geodesic_points(
    lat1_deg: float, lon1_deg: float, lat2_deg: float, lon2_deg: float, s_m: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Points at along-track distances ``s_m`` (M,) on the geodesic from point 1 to point 2.

    Returns (lat_deg, lon_deg), each (M,).
    """
    _, az1, _ = geodesic_inverse(lat1_deg, lon1_deg, lat2_deg, lon2_deg)
    s = np.asarray(s_m, dtype=float)
    return geodesic_direct(np.full(s.shape, lat1_deg), np.full(s.shape, lon1_deg), s, float(az1))


def azimuth_elevation_range(enu_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ENU offsets (..., 3) to (azimuth_rad in [0, 2 pi) clockwise from north, elevation_rad
    above the local horizontal, slant range_m)."""
    p = np.asarray(enu_m, dtype=float)
    east, north, up = p[..., 0], p[..., 1], p[..., 2]
    horiz = np.hypot(east, north)
    return (
        np.mod(np.arctan2(east, north), 2 * np.pi),
        np.arctan2(up, horiz),
        np.hypot(horiz, up),
    )


__all__ = [
    "MEAN_EARTH_RADIUS_M",
    "WGS84_A_M",
    "WGS84_B_M",
    "WGS84_F",
    "Origin",
    "azimuth_elevation_range",
    "ecef_to_geodetic",
    "enu_to_geodetic",
    "geodesic_direct",
    "geodesic_inverse",
    "geodesic_points",
    "geodetic_to_enu",
]
