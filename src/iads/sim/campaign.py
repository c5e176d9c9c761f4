"""Campaign runs: the scenario's raid flown ``campaign.waves`` times with stocks carried over.

Wave 1 runs with the replication's seed (it is ``iads run --seed S`` of the scenario with its
stocks), wave k > 1 with ``replication_seed(S, k - 1)``, so a campaign is a pure function of
(scenario, settings, seed). Before each wave every battery's stock (interceptor type -> rounds,
tubes and depot together; ``Battery.stock``, default full tubes and one reload per launcher)
loads its launchers (``stocked_bank``); after it the stock is what was left (stock less rounds
fired) plus the resupply delivered over the interval (``resupply_per_day`` x ``interval_h`` /
24, whole rounds, the fraction owed carried on). A battery lost (``campaign.losses``) misses
the waves from its loss until ``repair_h`` has passed, loses its stock, and gets no deliveries
while out; it returns empty and is refilled by the resupply of the interval before it returns.
Readiness is drawn per wave from each wave's seed.

Outputs: the waves' threats, engagements and other tables with a ``wave`` column; a
``campaign_waves`` table (a row a wave: figures of that raid, batteries out and when the
defense was spent in it, s from the wave's start) and a
``stocks`` table (a row per wave, battery and interceptor type: stock at the start, fired,
left, delivered before the next wave); the summary adds up the waves (ratios and medians
recomputed over the whole campaign) and says the first wave after which a battery's stock was
empty (``first_empty_wave``, NaN: never).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from iads.analysis.seeds import replication_seed
from iads.scenario.model import BatteryEvent, Scenario

Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class CampaignResult:
    """What a campaign produced: the attributes ``replication_rows`` reads from a run."""

    seed: int
    wall_time_s: float
    summary: dict[str, Any]
    threats: Columns
    engagements: Columns
    tables: dict[str, Columns] = field(default_factory=dict)


def wave_seed(seed: int, wave: int) -> int:
    """The seed of wave ``wave`` (1-based) of a campaign replication seeded ``seed``."""
    return int(seed) if wave == 1 else replication_seed(int(seed), wave - 1)


def initial_stocks(scenario: Scenario) -> dict[str, dict[str, int]]:
    """Battery -> interceptor type -> rounds at the campaign's start (the battery's ``stock``,
    else its full tubes and one reload per launcher, as a single run holds)."""
    out: dict[str, dict[str, int]] = {}
    for bat in scenario.batteries:
        if bat.stock is not None:
            out[bat.name] = {k: int(v) for k, v in bat.stock.items()}
            continue
        held: dict[str, int] = {}
        for site in bat.launchers:
            for name, n in site.loadout.items():
                held[name] = held.get(name, 0) + 2 * site.count * int(n)
        out[bat.name] = held
    return out


def out_of_action(scenario: Scenario, wave: int) -> set[str]:
    """Batteries lost and not yet repaired at the start of ``wave`` (1-based)."""
    camp = scenario.campaign
    if camp is None:
        return set()
    out = set()
    for loss in camp.losses:
        since_h = (wave - loss.wave) * camp.interval_h
        if wave >= loss.wave and (loss.repair_h is None or since_h < loss.repair_h):
            out.add(loss.battery)
    return out


def wave_scenario(scenario: Scenario, stocks: dict[str, dict[str, int]], out: set[str]) -> Scenario:
    """The scenario of one wave: batteries holding ``stocks``, those in ``out`` destroyed at
    the start, no campaign block (a wave is a single run)."""
    batteries = [b.model_copy(update={"stock": dict(stocks[b.name])}) for b in scenario.batteries]
    lost = [BatteryEvent(time_s=0.0, kind="battery_destroyed", unit=name) for name in sorted(out)]
    return scenario.model_copy(
        update={"batteries": batteries, "events": [*scenario.events, *lost], "campaign": None}
    )


def fired_by(engagements: Columns) -> dict[tuple[str, str], int]:
    """(battery, interceptor type) -> rounds fired, from a run's engagements table."""
    out: dict[tuple[str, str], int] = {}
    for b, t in zip(engagements["battery"], engagements["interceptor_type"], strict=True):
        out[(str(b), str(t))] = out.get((str(b), str(t)), 0) + 1
    return out


def run_campaign(scenario: Scenario, seed: int | None = None, **run_kwargs: Any) -> CampaignResult:
    """Fly ``scenario.campaign.waves`` raids with stocks carried over; ``run_kwargs`` go to
    ``run_scenario`` (fidelity, settings)."""
    from iads.sim.run import run_scenario

    camp = scenario.campaign
    if camp is None:
        raise ValueError("the scenario has no campaign block")
    seed = int(scenario.seed if seed is None else seed)
    start = time.perf_counter()
    stocks = initial_stocks(scenario)
    owed = {b: dict.fromkeys(per, 0.0) for b, per in camp.resupply_per_day.items()}
    runs, wave_rows, stock_rows = [], [], []
    for wave in range(1, camp.waves + 1):
        out = out_of_action(scenario, wave)
        for name in out:
            stocks[name] = dict.fromkeys(stocks[name], 0)  # lost with the battery
        result = run_scenario(
            wave_scenario(scenario, stocks, out), seed=wave_seed(seed, wave), **run_kwargs
        )
        runs.append(result)
        fired = fired_by(result.engagements)
        nxt = out_of_action(scenario, wave + 1) if wave < camp.waves else set()
        for bat in scenario.batteries:
            per_day = camp.resupply_per_day.get(bat.name, {})
            for itype in sorted(set(stocks[bat.name]) | set(per_day)):
                have = stocks[bat.name].get(itype, 0)
                shot = fired.get((bat.name, itype), 0)
                left = max(have - shot, 0)
                delivered = 0
                rate = per_day.get(itype, 0)
                if wave < camp.waves and bat.name not in nxt and rate:
                    due = owed[bat.name][itype] + rate * camp.interval_h / 24.0
                    delivered = int(np.floor(due + 1e-9))
                    owed[bat.name][itype] = due - delivered
                stock_rows.append(
                    (wave, bat.name, itype, have, shot, left, delivered, bat.name in out)
                )
                stocks[bat.name][itype] = left + delivered
        s = result.summary
        wave_rows.append(
            {
                "wave": wave,
                "start_h": (wave - 1) * camp.interval_h,
                "seed": int(result.seed),
                "threats": s["threats"],
                "leakers": s["leakers"],
                "kills": s["kills"],
                "interceptors_spent": s["interceptors_spent"],
                "rounds_at_false_tracks": s["rounds_at_false_tracks"],
                "batteries_out": len(out),
                "defense_spent_s": float(s.get("defense_spent_s", float("nan"))),
            }
        )
    return _assemble(runs, wave_rows, stock_rows, seed, time.perf_counter() - start)


def _with_wave(tables: list[Columns]) -> Columns:
    """Row-wise concatenation of per-wave tables, with a leading ``wave`` column (1-based)."""
    parts = [t for t in tables if t]
    if not parts:
        return {}
    n = [len(next(iter(t.values()))) if t else 0 for t in tables]
    out: Columns = {"wave": np.repeat(np.arange(1, len(tables) + 1, dtype=np.int64), n)}
    keys = [k for k in parts[0] if all(k in t for t in parts)]
    for k in keys:
        out[k] = np.concatenate([np.asarray(t[k]) for t in tables if t])
    return out


def _assemble(runs, wave_rows, stock_rows, seed: int, wall_s: float) -> CampaignResult:
    threats = _with_wave([r.threats for r in runs])
    engagements = _with_wave([r.engagements for r in runs])
    names = sorted({k for r in runs for k in r.tables if k != "tracks"})
    tables = {k: _with_wave([r.tables.get(k, {}) for r in runs]) for k in names}
    tables["campaign_waves"] = {k: np.array([row[k] for row in wave_rows]) for k in wave_rows[0]}
    cols = (
        "wave",
        "battery",
        "interceptor_type",
        "stock_start",
        "fired",
        "stock_end",
        "delivered",
        "out_of_action",
    )
    st = {c: np.array([row[i] for row in stock_rows]) for i, c in enumerate(cols)}
    for c in ("battery", "interceptor_type"):
        st[c] = st[c].astype(object) if st[c].size else np.array([], dtype=object)
    tables["stocks"] = st
    summary = _summary([r.summary for r in runs], threats, engagements, st)
    return CampaignResult(seed, wall_s, summary, threats, engagements, tables)


def _summary(waves: list[dict[str, Any]], threats: Columns, engagements: Columns, st) -> dict:
    """The campaign's headline figures: counts and costs added up over the waves, ratios and
    medians recomputed over the campaign, the rest (labels, modes) from the first wave."""
    out: dict[str, Any] = {}
    for key, first in waves[0].items():
        vals = [w.get(key) for w in waves]
        if isinstance(first, bool) or not isinstance(first, int | float):
            out[key] = first
        elif isinstance(first, int):
            out[key] = int(sum(int(v) for v in vals))
        elif key.endswith("_usd") or key == "leaked_asset_value":
            out[key] = float(sum(float(v) for v in vals))
        else:
            finite = [float(v) for v in vals if v is not None and np.isfinite(v)]
            out[key] = float(np.median(finite)) if finite else float("nan")
    kills, spent = out.get("kills", 0), out.get("interceptors_spent", 0)
    out["interceptors_per_kill"] = spent / kills if kills else float("nan")
    killed = out.get("threat_cost_killed_usd", 0.0)
    icost = out.get("interceptor_cost_usd", 0.0)
    out["cost_exchange_ratio"] = icost / killed if killed > 0 else float("nan")
    if "first_detect_range_m" in threats:
        r = threats["first_detect_range_m"]
        r = r[np.isfinite(r)]
        out["first_detect_range_m"] = float(np.median(r)) if r.size else float("nan")
    if "first_engage_s" in threats and "first_detect_s" in threats:
        d = threats["first_engage_s"] - threats["first_detect_s"]
        d = d[np.isfinite(d)]
        out["detect_to_engage_s"] = float(np.median(d)) if d.size else float("nan")
    out["end_time_s"] = float(sum(float(w.get("end_time_s", 0.0)) for w in waves))
    if "defense_spent_s" in out:  # a time within one wave: per wave in campaign_waves
        out["defense_spent_s"] = float("nan")
    out["waves"] = len(waves)
    out["first_empty_wave"] = _first_empty_wave(st)
    return out


def _first_empty_wave(st: Columns) -> float:
    """The first wave at whose end some battery in action held no round of any type (NaN:
    never); batteries out of action do not count."""
    if not len(st["wave"]):
        return float("nan")
    best = float("nan")
    for wave in np.unique(st["wave"]):
        rows = (st["wave"] == wave) & ~st["out_of_action"].astype(bool)
        for b in np.unique(st["battery"][rows]):
            mine = rows & (st["battery"] == b)
            if st["stock_end"][mine].sum() == 0:
                return float(wave)
    return best


__all__ = [
    "CampaignResult",
    "fired_by",
    "initial_stocks",
    "out_of_action",
    "run_campaign",
    "wave_scenario",
    "wave_seed",
]
