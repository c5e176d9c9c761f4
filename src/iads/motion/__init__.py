"""Truth kinematics of threats: flight plans, geodesic routes with coordinated turns, altitude
profiles, precomputed trajectories and the per-tick advance.

The kernel names (``advance``, ``advance_numpy``, ``MotionState``, ``motion_state``) are loaded
on first use, so importing the package does not import numba.
"""

from typing import Any

from iads.motion.profiles import profile_altitude_m, profile_knots
from iads.motion.raids import FlightPlan, expand_raid, route_plan
from iads.motion.route import RoutePath, plan_route, plan_routes
from iads.motion.trajectory import (
    SegmentTable,
    Trajectories,
    Trajectory,
    build_trajectories,
    build_trajectory,
    pack,
)

__all__ = [
    "FlightPlan",
    "MotionState",
    "SegmentTable",
    "build_trajectories",
    "motion_state",
    "plan_routes",
    "RoutePath",
    "Trajectories",
    "Trajectory",
    "advance",
    "advance_numpy",
    "build_trajectory",
    "expand_raid",
    "pack",
    "plan_route",
    "profile_altitude_m",
    "profile_knots",
    "route_plan",
]


_KERNEL = ("MotionState", "advance", "advance_numpy", "motion_state")


def __getattr__(name: str) -> Any:
    if name in _KERNEL:
        from iads.motion import kernel

        return getattr(kernel, name)
    raise AttributeError(f"module 'iads.motion' has no attribute {name!r}")
