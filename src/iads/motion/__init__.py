"""Truth kinematics of threats: flight plans, geodesic routes with coordinated turns, altitude
profiles, precomputed trajectories and the per-tick advance."""

from iads.motion.kernel import advance, advance_numpy
from iads.motion.profiles import profile_altitude_m, profile_knots
from iads.motion.raids import FlightPlan, expand_raid, route_plan
from iads.motion.route import RoutePath, plan_route
from iads.motion.trajectory import Trajectories, Trajectory, build_trajectory, pack

__all__ = [
    "FlightPlan",
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
