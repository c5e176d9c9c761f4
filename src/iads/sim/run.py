"""One run: a pure function of (scenario, seed) -> RunResult.

``run_scenario`` builds the world and systems, runs the engine until every threat is resolved
(or the scenario's duration), and gathers the results: the event columns, one row per threat
(the no-defense baseline when no defense systems are registered: path, arrival time at the
target and whether it got there), sampled threat paths, engagements and headline totals.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from iads import __version__
from iads.config import RunConfig
from iads.geo import enu_to_geodetic
from iads.scenario.model import Scenario
from iads.sim.build import build_systems, build_world
from iads.sim.defense import Defense, build_defense
from iads.sim.engine import Engine
from iads.sim.fates import fate_reasons
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


def defense_tables(world: World, defense: Defense | None) -> dict[str, Columns]:
    """Tables the defense's recorders made: ``tracks`` (every unit's reported tracks per frame
    with their scoring labels; a read-only mapping, ``scoring.TrackHistory``, concatenated when
    first read: a study, which keeps no tracks table, never pays for it), ``batteries`` (one row per battery: rounds left and fired,
    reloads under way, when its magazine ran dry and when it fell back to autonomous
    operation (NaN: never), orders on remote tracks), ``readiness`` (each radar, launcher and
    command post: its availability and whether it worked), ``links`` (rows each data link carried
    and lost) and ``degradation`` (the scenario events applied, with their times)."""
    if defense is None:
        return {}
    out: dict[str, Columns] = {}
    if defense.scoring is not None and len(defense.scoring.history):
        out["tracks"] = defense.scoring.history  # a mapping, concatenated when first read
    if defense.readiness and len(defense.readiness["unit"]):
        out["readiness"] = dict(defense.readiness)
    posts = {cp.battery: cp.report() for cp in defense.command_posts}
    if posts:
        n = len(world.batteries)
        keys = next(iter(posts.values())).keys()
        cols: Columns = {"battery": np.array([b.name for b in world.batteries], dtype=object)}
        for k in keys:
            vals = [posts.get(b, {}).get(k, np.nan if k.endswith("_s") else 0) for b in range(n)]
            cols[k] = np.array(vals, dtype=float if k.endswith("_s") else np.int64)
        out["batteries"] = cols
    if defense.links:
        rows = [(k, ch) for k, chans in defense.links.items() for ch in chans]
        out["links"] = {
            "link": np.array([k for k, _ in rows], dtype=object),
            "channel": np.array([ch.name for _, ch in rows], dtype=object),
            "rows_sent": np.array([ch.rows_sent for _, ch in rows], dtype=np.int64),
            "rows_lost": np.array([ch.rows_lost for _, ch in rows], dtype=np.int64),
        }
    if defense.degradation is not None:
        out["degradation"] = defense.degradation.table()
    return out


@dataclass
class Simulation:
    """A finished simulation: the ``world`` (truth), its ``defense`` (None: undefended) and
    the time reached (s)."""

    world: World
    defense: Defense | None
    end_time_s: float

    def __iter__(self):
        return iter((self.world, self.defense, self.end_time_s))


FIDELITY_SETTINGS = {
    "full": {"engagement": "full", "sensing": "full"},
    "fast": {"engagement": "fast", "sensing": "statistical"},
}
"""Run settings each study fidelity sets (``run_scenario(fidelity=...)``)."""


def fidelity_settings(fidelity: str) -> dict[str, str]:
    """The run-settings changes of ``fidelity`` ("full" | "fast")."""
    if fidelity not in FIDELITY_SETTINGS:
        raise ValueError(f'fidelity must be "full" or "fast", got {fidelity!r}')
    return dict(FIDELITY_SETTINGS[fidelity])


def simulate(
    scenario: Scenario,
    seed: int | None = None,
    progress: Callable[[float], None] | None = None,
    defended: bool = True,
    engagement: str | None = None,
    settings: RunConfig | None = None,
    fidelity: str | None = None,
    attach: Callable[[World, Defense | None], list[Any]] | None = None,
) -> Simulation:
    """Build and run the engine (``run_scenario`` without gathering the results): for tests
    and notebooks that want the world and the defense's systems afterwards. Arguments as
    ``run_scenario``; ``world.scenario`` carries the settings used. ``attach(world, defense)``
    returns read-only recorders (engine systems, e.g. ``iads.interop.dis.DisStream``) run
    first in every tick; they may subscribe to ``defense.bus`` and must never publish."""
    settings = scenario.settings if settings is None else settings
    if engagement is not None:
        if engagement not in ("full", "fast"):
            raise ValueError(f'engagement must be "full" or "fast", got {engagement!r}')
        settings = settings.model_copy(update={"engagement": engagement})
    if fidelity is not None:
        settings = settings.model_copy(update=fidelity_settings(fidelity))
    if settings != scenario.settings:
        scenario = scenario.model_copy(update={"settings": settings})
    seed = scenario.seed if seed is None else int(seed)
    world = build_world(scenario, seed)
    defense = build_defense(scenario, world, settings) if defended else None
    systems = build_systems(world, defense.systems if defense else ())
    if defense is not None:  # first: it sees the world at t, before anything acts
        defense.path_recorder = InterceptorPathRecorder(PATH_SAMPLE_S)
        systems.insert(0, defense.path_recorder)
    attached = list(attach(world, defense)) if attach is not None else []
    systems[0:0] = attached
    if defense is None:
        engine = Engine(systems, scenario.tick_s, scenario.duration_s, stop=_finished)
        return Simulation(world, defense, engine.run(world, progress))

    def stop(w: World, t_s: float) -> bool:
        if w.interceptors is not None and w.interceptors.busy():
            return False  # a round in the air or queued: neither finished nor spent
        if w.finished():
            return True
        if math.isnan(defense.spent_s) and defense.spent(w, t_s):
            defense.spent_s = t_s  # noted either way: the fates are judged from it
            return settings.stop_when_spent
        return False

    engine = Engine(systems, scenario.tick_s, scenario.duration_s, stop=stop)
    t_s = engine.run(world, progress)
    if np.isnan(defense.spent_s) or not settings.stop_when_spent:
        return Simulation(world, defense, t_s)
    # spent: the threats fly on alone, scenario events still applied (for the tables) and the
    # attached recorders still stepped; not the interceptor path recorder: no round is in the
    # air or queued and none will be (its 1 s period would hold the engine to 1 s ticks)
    keep = {id(s) for s in attached} | {id(defense.degradation)}
    rest = [s for s in systems if id(s) in keep or getattr(s, "name", "") == "motion"]
    engine = Engine(rest, scenario.tick_s, scenario.duration_s, stop=_finished)
    first = int(round(t_s / scenario.tick_s))
    return Simulation(world, defense, engine.run(world, progress, first_tick=first))


def _finished(world: World, _t_s: float) -> bool:
    return world.finished()


def run_scenario(
    scenario: Scenario,
    seed: int | None = None,
    progress: Callable[[float], None] | None = None,
    defended: bool = True,
    engagement: str | None = None,
    settings: RunConfig | None = None,
    fidelity: str | None = None,
    attach: Callable[[World, Defense | None], list[Any]] | None = None,
) -> RunResult:
    """Run ``scenario`` with ``seed`` (default ``scenario.seed``); ``progress(t_s)`` is called
    about 200 times. The result depends on (scenario, settings, seed) only, apart from
    ``wall_time_s``. ``settings`` replaces the scenario's ``settings`` (``iads.config``);
    ``engagement`` ("full" | "fast": time-of-flight tables instead of the fly-out, for large
    studies) overrides ``settings.engagement``. ``defended=False`` runs motion alone: the
    no-defense baseline (each threat's path, arrival time at its target and whether it got
    there). ``fidelity`` ("full" | "fast", the study fidelities; overrides ``engagement``):
    "fast" is time-of-flight tables and statistical sensing and tracking
    (``iads.sim.statistical``), "full" the fly-out, plot-level radars and the full tracker.
    ``attach``: read-only recorders, as ``simulate``; they do not change the result."""
    start = time.perf_counter()
    world, defense, end_time_s = simulate(
        scenario,
        seed,
        progress,
        defended=defended,
        engagement=engagement,
        settings=settings,
        fidelity=fidelity,
        attach=attach,
    )
    scenario, seed = world.scenario, world.seed
    events = world.log.columns()
    scoring = defense.scoring if defense else None
    threats = threat_table(world, events, scoring)
    engagements = engagement_table(world, events, scoring)
    kill_t = np.where(world.threats.status == KILLED, threats["outcome_time_s"], np.nan)
    paths = sample_paths(world, end_time_s, kill_t)
    summary = totals(world, threats, engagements)
    summary["end_time_s"] = end_time_s
    summary["defended"] = defended
    summary["engagement_mode"] = scenario.settings.engagement if defended else "none"
    spent_s = defense.spent_s if defense is not None else np.nan
    stopped = defense is not None and scenario.settings.stop_when_spent
    summary["defense_spent_s"] = spent_s if stopped else np.nan  # when sensing stopped
    tables = defense_tables(world, defense)
    threats["fate_reason"], threats["reason"] = fate_reasons(
        world, threats, engagements, paths, tables.get("batteries"), spent_s
    )
    if defense is not None and defense.path_recorder is not None:
        ipaths = defense.path_recorder.table(events)
        # the engage event names the track fired at; the path is labelled with the threat
        # the round was fired at or met (scoring), as the engagements table
        ids, aim = engagements["interceptor_id"].tolist(), engagements["threat_id"].tolist()
        aimed = dict(zip(ids, aim, strict=True))
        ipaths["threat_id"] = np.array(
            [aimed.get(int(i), -1) for i in ipaths["interceptor_id"]], dtype=np.int64
        )
        tables.setdefault("interceptor_paths", ipaths)
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
    "FIDELITY_SETTINGS",
    "PATH_SAMPLE_S",
    "fidelity_settings",
    "RunResult",
    "Simulation",
    "run_scenario",
    "sample_paths",
    "scenario_hash",
    "scenario_json",
    "simulate",
]
