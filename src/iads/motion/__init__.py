"""Truth kinematics of threats: flight plans, geodesic routes with coordinated turns, altitude
profiles, precomputed trajectories and the per-tick advance."""

from iads.motion.kernel import MotionState, advance, advance_numpy, motion_state
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
