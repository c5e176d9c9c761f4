"""Command and control: what a command post does with the reports it receives.

Its stages decide from messages only (``iads.messages``: track reports, engagement status,
launches, detonations), never from the truth: ``picture`` (the tracks it holds, extrapolated),
``threat_eval`` (closest approach, time to go, type estimate, priority), ``doctrine`` (pure
rules: eligibility, reaction time, salvo or shoot-look-shoot, magazine reserve, weapon choice),
``fire_channels`` (radar coverage of intercept points, guidance and target channels),
``wta`` (weapon-target assignment: exact with a proven bound, linear assignment, heuristic),
``fire_plan`` (rounds to targets within the battery's channels), ``command_post`` (the engine
system that ties them together and issues fire orders).
"""

from iads.c2.wta import WTAResult, assign, solve_wta, surviving_value

__all__ = ["WTAResult", "assign", "solve_wta", "surviving_value"]
