"""One run: a pure function of (scenario, seed) -> RunResult.

``run_scenario`` builds the world and systems, runs the engine until every threat is resolved
(or the scenario's duration), and gathers the results: the event columns, one row per threat
(the no-defense baseline when no defense systems are registered: path, arrival time at the
target and whether it got there), sampled threat paths, engagements and headline totals.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from iads import __version__
from iads.geo import enu_to_geodetic
from iads.scenario.model import Scenario
from iads.sim.build import build_systems, build_world
from iads.sim.defense import defense_systems
from iads.sim.engine import Engine
from iads.sim.recorder import InterceptorPathRecorder
from iads.sim.summary import Columns, engagement_table, threat_table, totals
from iads.sim.world import KILLED, World

PATH_SAMPLE_S = 1.0
"""Spacing of the stored threat path samples (s)."""


@dataclass(frozen=True)
class RunResult:
    """Everything a run produced. Tables are dicts of equal-length NumPy columns.

    ``events``: the event log (``EventLog.columns``); ``threats``: one row per threat;
    ``paths``: threat positions every ``PATH_SAMPLE_S`` from launch to the end of its flight;
    ``engagements``: one row per interceptor fired; ``tables``: further tables the systems
    produced (``world.tables``, e.g. ``tracks``); ``summary``: headline totals.
    """

    scenario_name: str
    scenario_hash: str
    seed: int
    version: str
    wall_time_s: float
    end_time_s: float
    events: Columns
    threats: Columns
    paths: Columns
    engagements: Columns
    summary: dict[str, Any]
    tables: dict[str, Columns] = field(default_factory=dict)
    scenario_json: str = ""
    """The scenario as run (canonical JSON, resolved catalog included), for reports."""


def scenario_json(scenario: Scenario) -> str:
    """The scenario's canonical JSON (sorted keys, resolved catalog included)."""
    return json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (``scenario_json``)."""
    return hashlib.sha256(scenario_json(scenario).encode("utf-8")).hexdigest()


def sample_paths(
    world: World, end_time_s: float, outcome_time_s: np.ndarray, sample_s: float = PATH_SAMPLE_S
) -> Columns:
    """Each launched threat's truth position every ``sample_s`` from launch to the end of its
    flight (route end, kill or the end of the run), plus that last point."""
    traj = world.trajectories
    th = world.threats
    rows_id, rows_t = [], []
    for i in range(len(th)):
        t0 = float(th.launch_time_s[i])
        if t0 > end_time_s or traj is None:
            continue
        t1 = min(float(traj.end_time_s[i]), end_time_s)
        if np.isfinite(outcome_time_s[i]):
            t1 = min(t1, float(outcome_time_s[i]))
        t = np.append(np.arange(t0, t1, sample_s), t1)
        rows_id.append(np.full(t.size, i, dtype=np.int64))
        rows_t.append(t)
    if not rows_t:
        empty = np.empty(0)
        return {
            "threat_id": np.empty(0, np.int64),
            "time_s": empty,
            "x_m": empty,
            "y_m": empty,
            "z_m": empty,
            "lat_deg": empty,
            "lon_deg": empty,
            "alt_m": empty,
        }
    ids, ts = np.concatenate(rows_id), np.concatenate(rows_t)
    pos = np.concatenate(
        [traj.positions_at(int(i), t) for i, t in zip([r[0] for r in rows_id], rows_t, strict=True)]
    )
    lat, lon, alt = enu_to_geodetic(pos, world.origin)
    return {
        "threat_id": ids,
        "time_s": ts,
        "x_m": pos[:, 0],
        "y_m": pos[:, 1],
        "z_m": pos[:, 2],
        "lat_deg": lat,
        "lon_deg": lon,
        "alt_m": alt,
    }


def run_scenario(
    scenario: Scenario,
    seed: int | None = None,
    progress: Callable[[float], None] | None = None,
    defended: bool = True,
    engagement: str = "full",
) -> RunResult:
    """Run ``scenario`` with ``seed`` (default ``scenario.seed``); ``progress(t_s)`` is called
    about 200 times. The result depends on (scenario, seed) only, apart from ``wall_time_s``.
    ``defended=False`` runs motion alone: the no-defense baseline (each threat's path, arrival
    time at its target and whether it got there). ``engagement`` "fast" flies interceptors by
    precomputed time-of-flight tables instead of the full model (for large studies)."""
    start = time.perf_counter()
    seed = scenario.seed if seed is None else int(seed)
    world = build_world(scenario, seed)
    if not defended:
        factories: list | None = []
    elif engagement == "full":
        factories = None
    else:
        factories = [partial(defense_systems, engagement=engagement)]
    systems = build_systems(scenario, world, factories)
    recorder = InterceptorPathRecorder(PATH_SAMPLE_S)
    systems.insert(0, recorder)  # first: it sees the world at t, before anything acts
    engine = Engine(systems, scenario.tick_s, scenario.duration_s, stop=lambda w, _t: w.finished())
    end_time_s = engine.run(world, progress)
    events = world.log.columns()
    threats = threat_table(world, events)
    engagements = engagement_table(world, events)
    kill_t = np.where(world.threats.status == KILLED, threats["outcome_time_s"], np.nan)
    paths = sample_paths(world, end_time_s, kill_t)
    summary = totals(world, threats, engagements)
    summary["end_time_s"] = end_time_s
    summary["defended"] = defended
    summary["engagement_mode"] = engagement if defended else "none"
    tables = dict(world.tables)
    if defended:
        tables.setdefault("interceptor_paths", recorder.table(events))
    text = scenario_json(scenario)
    return RunResult(
        scenario_name=scenario.name,
        scenario_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        seed=seed,
        version=__version__,
        wall_time_s=time.perf_counter() - start,
        end_time_s=end_time_s,
        events=events,
        threats=threats,
        paths=paths,
        engagements=engagements,
        summary=summary,
        tables=tables,
        scenario_json=text,
    )


__all__ = [
    "PATH_SAMPLE_S",
    "RunResult",
    "run_scenario",
    "sample_paths",
    "scenario_hash",
    "scenario_json",
]
