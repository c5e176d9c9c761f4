"""Engagement: envelope, fly-out, kill assessment, launcher banks.

Pure functions on arrays (SI units, scenario ENU frame); see docs/engagement.md. The
interceptor system (the end game) lives in ``iads.engagement.interceptors``; threat
evaluation, weapon-target assignment and the command post in ``iads.c2``.
"""

from iads.engagement.atmosphere import density_kgpm3, speed_of_sound_mps
from iads.engagement.battery import LauncherBank, make_bank
from iads.engagement.envelope import (
    feasible,
    intercept_time_constant_speed,
    planned_kill_probability,
    predicted_intercept,
)
from iads.engagement.flyout import FlyoutState, InterceptorParams, advance, fly, launch
from iads.engagement.kill import expected_kill_probability, kill_probability
from iads.engagement.tables import FlyoutTable, build_table, table_for

__all__ = [
    "FlyoutState",
    "FlyoutTable",
    "InterceptorParams",
    "LauncherBank",
    "advance",
    "build_table",
    "density_kgpm3",
    "expected_kill_probability",
    "feasible",
    "fly",
    "intercept_time_constant_speed",
    "kill_probability",
    "launch",
    "make_bank",
    "planned_kill_probability",
    "predicted_intercept",
    "speed_of_sound_mps",
    "table_for",
]
