"""Altitude profiles as piecewise-linear functions of the distance still to fly.

Each profile becomes a table of knots ``(distance_to_go_m, altitude_m)``; the altitude between
knots is linear (a constant flight-path angle) and constant beyond the last knot. Altitudes are
above the ground; the terrain is flat at the ellipsoid (0 m) unless a terrain model is added.

- cruise, sea-skimming, terrain-following: level at the given height all the way.
- popup: low cruise at ``altitude_m``; from ``popup_range_m`` out a climb at ``POPUP_CLIMB_RAD``
  to ``popup_altitude_m`` (the apex, never closer than half the popup range), then a straight
  dive onto the target (0 m).
- dive: cruise at ``altitude_m`` to ``dive_range_m`` out, then a straight dive onto the target.
"""

from __future__ import annotations

import math

import numpy as np

from iads.scenario.model import (
    CruiseProfile,
    DiveProfile,
    PopupProfile,
    SeaSkimmingProfile,
    TerrainFollowingProfile,
)

POPUP_CLIMB_RAD = math.radians(30.0)
"""Flight-path angle of the pop-up climb (rad)."""

ProfileModel = (
    CruiseProfile | SeaSkimmingProfile | TerrainFollowingProfile | PopupProfile | DiveProfile
)


def profile_knots(profile: ProfileModel) -> tuple[np.ndarray, np.ndarray]:
    """Knots of ``profile``: (distance_to_go_m (K,) increasing, altitude_m (K,))."""
    if isinstance(profile, CruiseProfile | SeaSkimmingProfile):
        return np.array([0.0]), np.array([profile.altitude_m])
    if isinstance(profile, TerrainFollowingProfile):
        return np.array([0.0]), np.array([profile.clearance_m])
    if isinstance(profile, DiveProfile):
        return np.array([0.0, profile.dive_range_m]), np.array([0.0, profile.altitude_m])
    if isinstance(profile, PopupProfile):
        climb_m = max(profile.popup_altitude_m - profile.altitude_m, 0.0) / math.tan(
            POPUP_CLIMB_RAD
        )
        apex_m = max(profile.popup_range_m - climb_m, 0.5 * profile.popup_range_m)
        return (
            np.array([0.0, apex_m, profile.popup_range_m]),
            np.array([0.0, profile.popup_altitude_m, profile.altitude_m]),
        )
    raise TypeError(f"unknown profile {profile!r}")


def profile_altitude_m(profile: ProfileModel, distance_to_go_m: np.ndarray) -> np.ndarray:
    """Altitude above ground (m) at each distance to go (m), same shape as the input."""
    knots_m, alt_m = profile_knots(profile)
    return np.interp(np.asarray(distance_to_go_m, dtype=float), knots_m, alt_m)


__all__ = ["POPUP_CLIMB_RAD", "ProfileModel", "profile_altitude_m", "profile_knots"]
