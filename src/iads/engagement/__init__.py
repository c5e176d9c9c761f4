"""Engagement: threat evaluation, envelope, weapon-target assignment, fly-out, kill assessment.

Pure functions on arrays (SI units, ENU frame). The engine-side wiring lives in
``iads.engagement.system`` and is imported from there, not from here.
"""

from iads.engagement.kill import expected_kill_probability, kill_probability
from iads.engagement.wta import assign, surviving_value

__all__ = ["assign", "expected_kill_probability", "kill_probability", "surviving_value"]
