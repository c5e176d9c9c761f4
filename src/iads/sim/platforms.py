"""Moving sensor platforms: an airborne early-warning radar flying its orbit in a loop.

``Orbit.position_at(t_s)`` is the antenna's true ENU position (m) at scenario time t: the
waypoints are flown in order at each leg's ``speed_mps`` (the speed of the waypoint that ends
the leg), the last leg back to the first waypoint, starting at the first waypoint at t = 0.
Along a leg latitude, longitude and altitude are interpolated linearly (legs of an orbit are
short against the earth's radius: within 0.1 % of the great-circle position on a 200 km leg).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iads.geo import Origin, geodetic_to_enu


@dataclass(frozen=True)
class Orbit:
    """Waypoints (W,) in degrees and metres above the ground (sea level here), leg speeds
    (W,) m/s (leg k ends at waypoint (k + 1) % W), leg lengths (W,) m."""

    lat_deg: np.ndarray
    lon_deg: np.ndarray
    alt_m: np.ndarray
    leg_s: np.ndarray
    origin: Origin

    @classmethod
    def of(cls, route: list, origin: Origin) -> Orbit:
        """From a scenario route (``OrbitWaypoint`` list, at least two)."""
        lat = np.array([w.lat_deg for w in route], dtype=float)
        lon = np.array([w.lon_deg for w in route], dtype=float)
        alt = np.array([w.alt_m for w in route], dtype=float)
        pts = geodetic_to_enu(lat, lon, alt, origin)
        nxt = np.roll(np.arange(lat.size), -1)
        length = np.linalg.norm(pts[nxt] - pts, axis=1)
        speed = np.array([route[int(k)].speed_mps for k in nxt], dtype=float)
        return cls(lat, lon, alt, length / speed, origin)

    @property
    def period_s(self) -> float:
        """Time to fly the whole loop (s)."""
        return float(self.leg_s.sum())

    def position_at(self, t_s: float) -> np.ndarray:
        """(3,) true ENU position (m) at ``t_s`` (s)."""
        t = float(t_s) % self.period_s if self.period_s > 0 else 0.0
        ends = np.cumsum(self.leg_s)
        k = int(np.searchsorted(ends, t, side="right"))
        k = min(k, self.leg_s.size - 1)
        start = ends[k] - self.leg_s[k]
        f = (t - start) / self.leg_s[k] if self.leg_s[k] > 0 else 0.0
        j = (k + 1) % self.lat_deg.size
        lat = self.lat_deg[k] + f * (self.lat_deg[j] - self.lat_deg[k])
        lon = self.lon_deg[k] + f * (self.lon_deg[j] - self.lon_deg[k])
        alt = self.alt_m[k] + f * (self.alt_m[j] - self.alt_m[k])
        return geodetic_to_enu(lat, lon, alt, self.origin).reshape(3)


__all__ = ["Orbit"]
