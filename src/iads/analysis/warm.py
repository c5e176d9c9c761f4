"""Warm-up of the local workers' forkserver (run by ``iads.analysis.server_start``), so every
worker forked from it starts warm.

A replication's first run in a fresh process pays about 0.25 s beyond its later runs (numba's
cached kernels loaded from disk, modules imported on first use, the fly-out tables read). The
forkserver pays it once, while the parent process is still importing and opening its store,
by running ``WARM_UP_S`` simulated seconds of a small built-in scenario in the study's
fidelity (both when not known); workers forked from it inherit the loaded kernels, modules and
tables. Nothing of the warm-up reaches a study: a replication is a pure function of (scenario,
settings, seed), and the caches it fills hold only what a replication would load itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from iads.analysis.replicate import FIDELITIES

WARM_UP_S = 30.0
"""Simulated seconds of each warm-up run (s): enough for detections, tracks, a decision and the
fly-out and time-of-flight kernels to be used once."""

_SITE = {"lat_deg": -47.44, "lon_deg": -32.07, "alt_m": 40}
SCENARIO: dict[str, Any] = {
    "name": "warm-up (built in)",
    "origin": {"lat_deg": -47.45, "lon_deg": -32.05, "alt_m": 0},
    "duration_s": WARM_UP_S,
    "tick_s": 0.1,
    "seed": 1,
    "assets": [
        {
            "name": "Base",
            "position": {"lat_deg": -47.42, "lon_deg": -32.15, "alt_m": 20},
            "value": 8,
            "cost_usd": 5.0e8,
            "radius_m": 800,
        }
    ],
    "batteries": [
        {
            "name": "B-1",
            "command_post": {"doctrine": "shoot_look_shoot", "salvo_size": 2},
            "radars": [
                {"name": "B-1 acquisition", "type": "91N6E-class", "position": _SITE},
                {
                    "name": "B-1 engagement",
                    "type": "92N6E-class",
                    "position": _SITE,
                    "boresight_deg": 330,
                },
            ],
            "launchers": [
                {
                    "name": "B-1 launchers",
                    "type": "5P85-class",
                    "position": _SITE,
                    "count": 1,
                    "loadout": {"48N6-class": 4},
                }
            ],
        }
    ],
    "raids": [
        {
            "name": "UAV",
            "type": "one-way-attack-drone",
            "count": 2,
            "target": "Base",
            "axis": {"bearing_deg": 330, "spread_deg": 10, "distance_m": 6000},
            "launch_window_s": [0, 2],
            "profile": {"kind": "dive", "altitude_m": 500, "dive_range_m": 2000},
        }
    ],
}
"""The warm-up scenario: one battery of the built-in catalog, two drones from 6 km."""


def warm_fidelities(value: str | None) -> tuple[str, ...]:
    """The fidelities to warm up for a value of ``execute.WARM_ENV``: the one it names, else
    all of them."""
    return (value,) if value in FIDELITIES else FIDELITIES


def warm_up(fidelities: Sequence[str] = FIDELITIES) -> None:
    """Run the warm-up scenario once in each of ``fidelities`` (module docstring)."""
    from iads.scenario.load import builtin_catalog
    from iads.scenario.model import Scenario
    from iads.sim.run import run_scenario

    sc = Scenario.model_validate(SCENARIO)
    sc = sc.model_copy(update={"equipment": builtin_catalog().merged(sc.equipment)})
    for fidelity in fidelities:
        run_scenario(sc, seed=1, fidelity=fidelity)
