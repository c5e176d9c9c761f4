"""Outcomes from the event log: one row per threat, one per interceptor fired, and totals.

Event kinds read here: ``launch``, ``detect`` (first detection of a threat by a radar),
``track`` (first track of a threat, from scoring), ``engage`` (a round leaves: entity = the
track number it was fired at, other = interceptor id, value = planned Pk), ``intercept``
(closest approach to the object the round acquired: entity = that threat, value = miss m),
``kill``, ``miss`` (entity = the threat met, -1 when the round met nothing), ``reach`` (other =
asset index), ``expire``.

Which threat a round was fired at is a matter of scoring, not of the command post's
knowledge: the threat its end game met, else the threat its track followed at launch
(``Scoring.label_at``), else none (-1: a round spent on a false track).

Cost exchange = cost of the interceptors spent / cost of the threats killed. Interceptor costs
come from ``world.interceptors.cost_usd[interceptor_id]`` when the weapons system provides it;
otherwise they count as 0 and ``interceptor_cost_known`` is False in the totals.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from iads.messages import ALLEGIANCE_NAMES, HOSTILE
from iads.sim.world import STATUS_NAMES, World

Columns = dict[str, np.ndarray]


def _first_time(events: Columns, kind: str, n: int) -> np.ndarray:
    """(n,) the earliest time of ``kind`` per entity id (NaN if none)."""
    out = np.full(n, np.nan)
    sel = events["kind"] == kind
    ids, t = events["entity_id"][sel], events["time_s"][sel]
    ok = (ids >= 0) & (ids < n)
    if ok.any():
        np.fmin.at(out, ids[ok], t[ok])
    return out


def _count(events: Columns, kind: str, n: int) -> np.ndarray:
    sel = events["kind"] == kind
    ids = events["entity_id"][sel]
    return np.bincount(ids[(ids >= 0) & (ids < n)], minlength=n).astype(np.int64)


def interceptor_costs(world: World, interceptor_id: np.ndarray) -> tuple[np.ndarray, bool]:
    """Cost (USD) of each interceptor id and whether costs were known (else zeros)."""
    table = getattr(world.interceptors, "cost_usd", None)
    if table is None:
        return np.zeros(interceptor_id.shape[0]), False
    cost = np.asarray(table, dtype=float)
    ok = (interceptor_id >= 0) & (interceptor_id < cost.shape[0])
    return np.where(ok, cost[np.clip(interceptor_id, 0, max(cost.shape[0] - 1, 0))], 0.0), True


def threat_table(world: World, events: Columns, scoring: Any = None) -> Columns:
    """One row per threat: identity, detection and track times, interceptors spent at it
    (see the module docstring), outcome."""
    th = world.threats
    n = len(th)
    status = th.status
    reach_t = _first_time(events, "reach", n)
    kill_t = _first_time(events, "kill", n)
    expire_t = _first_time(events, "expire", n)
    outcome_t = np.fmin(np.fmin(reach_t, kill_t), expire_t)
    reached_asset = np.full(n, -1, dtype=np.int64)
    sel = events["kind"] == "reach"
    reached_asset[events["entity_id"][sel]] = events["other_id"][sel]
    assets = world.assets.name
    eng = engagement_table(world, events, scoring)
    aimed = eng["threat_id"]
    ok = (aimed >= 0) & (aimed < n)
    shots = np.bincount(aimed[ok], minlength=n).astype(np.int64)
    first_engage = np.full(n, np.nan)
    if ok.any():
        np.fmin.at(first_engage, aimed[ok], eng["launch_time_s"][ok])
    return {
        "threat_id": th.id.copy(),
        "name": np.array(th.name, dtype=object),
        "raid": np.array(th.raid, dtype=object),
        "type": np.array(th.type_name, dtype=object),
        "target": np.array([assets[i] if i >= 0 else "" for i in th.target_asset], dtype=object),
        "launch_time_s": th.launch_time_s.copy(),
        "planned_arrival_s": th.planned_arrival_s.copy(),
        "first_detect_s": _first_time(events, "detect", n),
        "first_detect_range_m": _first_detect_range_m(world, events, n),
        "first_track_s": _first_time(events, "track", n),
        "first_engage_s": first_engage,
        "interceptors": shots,
        "outcome": np.array([STATUS_NAMES[s] for s in status], dtype=object),
        "outcome_time_s": outcome_t,
        "reached": status == 3,
        "reached_asset": np.array(
            [assets[i] if i >= 0 else "" for i in reached_asset], dtype=object
        ),
        "arrival_time_s": reach_t,
        "cost_usd": th.cost_usd.copy(),
        "allegiance": np.array([ALLEGIANCE_NAMES[a] for a in _allegiance(world)], dtype=object),
        "first_hostile_id_s": _first_declared(events, scoring, n, HOSTILE),
        "declared_hostile": np.isfinite(_first_declared(events, scoring, n, HOSTILE)),
    }


def _allegiance(world: World) -> np.ndarray:
    """(N,) the truth allegiance code of every row of ``world.threats`` (traffic or threat)."""
    a = world.threats.allegiance
    return np.full(len(world.threats), HOSTILE, np.int8) if a is None else a


def _first_declared(events: Columns, scoring: Any, n: int, code: Any) -> np.ndarray:
    """(n,) earliest time (s) a command post declared a track following each object (scoring
    label at that time) with identity ``code`` (``identify`` events; NaN: never)."""
    out = np.full(n, np.nan)
    sel = np.flatnonzero((events["kind"] == "identify") & (events["other_id"] == int(code)))
    if scoring is None or sel.size == 0:
        return out
    for j in sel:
        t = float(events["time_s"][j])
        tid = scoring.label_at(int(events["entity_id"][j]), t)
        if 0 <= tid < n:
            out[tid] = np.fmin(out[tid], t)
    return out


def _first_detect_range_m(world: World, events: Columns, n: int) -> np.ndarray:
    """(n,) distance (m) from each threat, where a radar first detected it, to the asset it
    attacks (NaN: never detected, or no target asset)."""
    out = np.full(n, np.nan)
    sel = np.flatnonzero(events["kind"] == "detect")
    if sel.size == 0:
        return out
    ids = events["entity_id"][sel]
    order = np.lexsort((events["time_s"][sel], ids))  # by threat, then time
    ids, rows = ids[order], sel[order]
    first = np.r_[True, ids[1:] != ids[:-1]] & (ids >= 0) & (ids < n)
    ids, rows = ids[first], rows[first]
    target = world.threats.target_asset[ids]
    ok = target >= 0
    pos = np.stack([events["x_m"], events["y_m"], events["z_m"]], axis=1)[rows[ok]]
    out[ids[ok]] = np.linalg.norm(pos - world.assets.pos_m[target[ok]], axis=1)
    return out


def engagement_table(world: World, events: Columns, scoring: Any = None) -> Columns:
    """One row per interceptor fired: who at whom (battery, interceptor type, launcher site and
    fire-control radar names, launch time, from ``world.interceptors`` when it holds them),
    the track fired at (``track_id``) and the threat it followed then (``track_threat_id``,
    -1: a false track, from ``scoring``), the threat the end game met (``met_threat_id``, -1:
    none), ``threat_id`` (met, else followed), predicted Pk, miss distance, result."""
    k = events["kind"]
    eng = k == "engage"
    interceptor = events["other_id"][eng]
    miss_m = np.full(interceptor.shape[0], np.nan)
    result = np.full(interceptor.shape[0], "", dtype=object)
    pos = {int(x): i for i, x in enumerate(interceptor)}
    for kind in ("intercept", "kill", "miss"):
        sel = np.flatnonzero(k == kind)
        for j in sel:
            i = pos.get(int(events["other_id"][j]))
            if i is None:
                continue
            if kind == "intercept":
                miss_m[i] = events["value"][j]
            else:
                result[i] = kind
    cost, _ = interceptor_costs(world, interceptor)
    # who fired what, from the interceptor store (empty strings / NaN where it does not say)
    store = world.interceptors
    n_store = len(getattr(store, "battery", ()))
    ids = np.asarray(interceptor, dtype=np.int64)
    known = (ids >= 0) & (ids < n_store)
    at = np.where(known, ids, 0)

    def names(index_field: str, records: Any) -> np.ndarray:
        out = np.full(ids.shape[0], "", dtype=object)
        col = getattr(store, index_field, None)
        if col is None or records is None:
            return out
        for i in np.flatnonzero(known):
            r = int(col[at[i]])
            if 0 <= r < len(records):
                out[i] = records[r].name
        return out

    type_col = getattr(store, "type_name", None)
    itype = np.full(ids.shape[0], "", dtype=object)
    if type_col is not None:
        itype[known] = np.asarray(type_col, dtype=object)[at[known]]
    launch_col = getattr(store, "launch_time_s", None)
    launch_s = np.full(ids.shape[0], np.nan)
    if launch_col is not None:
        launch_s[known] = np.asarray(launch_col, dtype=float)[at[known]]
    end_col = getattr(store, "outcome_time_s", None)
    end_s = np.full(ids.shape[0], np.nan)
    if end_col is not None:
        end_s[known] = np.asarray(end_col, dtype=float)[at[known]]
    track = events["entity_id"][eng].copy()
    met = np.full(ids.shape[0], -1, dtype=np.int64)
    target_col = getattr(store, "target", None)
    if target_col is not None:
        met[known] = np.asarray(target_col, dtype=np.int64)[at[known]]
    followed = np.full(ids.shape[0], -1, dtype=np.int64)
    if scoring is not None:
        t_launch = events["time_s"][eng]
        followed = np.array(
            [scoring.label_at(int(k), float(t)) for k, t in zip(track, t_launch, strict=True)],
            dtype=np.int64,
        ).reshape(-1)
    return {
        "time_s": events["time_s"][eng].copy(),
        "track_id": track,
        "track_threat_id": followed,
        "met_threat_id": met,
        "threat_id": np.where(met >= 0, met, followed),
        "interceptor_id": interceptor.copy(),
        "battery": names("battery", getattr(world, "batteries", None)),
        "interceptor_type": itype,
        "launcher": names("launcher", getattr(world, "launchers", None)),
        "radar": names("radar", getattr(world, "radars", None)),
        "launch_time_s": launch_s,
        "outcome_time_s": end_s,
        "predicted_pk": events["value"][eng].copy(),
        "miss_distance_m": miss_m,
        "result": result,
        "cost_usd": cost,
    }


def totals(world: World, threats: Columns, engagements: Columns) -> dict[str, Any]:
    """Headline figures of a run (plain Python numbers and strings). Threat figures count
    real threats only; traffic (neutral and friendly aircraft) has its own: aircraft engaged
    (at least one round fired at them), killed, and declared hostile."""
    out = _threat_totals(world, _hostile_rows(threats), engagements)
    out.update(traffic_totals(threats))
    return out


def _hostile_rows(threats: Columns) -> Columns:
    if "allegiance" not in threats:
        return threats
    keep = threats["allegiance"] == "hostile"
    return threats if keep.all() else {k: v[keep] for k, v in threats.items()}


def traffic_totals(threats: Columns) -> dict[str, Any]:
    """Identification figures: neutral and friendly aircraft engaged, killed and declared
    hostile, and the median time (s) from a threat's first track to its first declaration
    as hostile (NaN: none declared)."""
    al = threats.get("allegiance", np.full(len(threats["outcome"]), "hostile", dtype=object))
    shot = threats["interceptors"] > 0
    killed = threats["outcome"] == "killed"
    declared = threats.get("declared_hostile", np.zeros(al.shape[0], bool))
    hostile = al == "hostile"
    t_id = threats.get("first_hostile_id_s", np.full(al.shape[0], np.nan))
    out: dict[str, Any] = {"traffic": int(np.count_nonzero(~hostile))}
    for name, plural in (("neutral", "neutrals"), ("friendly", "friendlies")):
        rows = al == name
        out[f"{plural}_engaged"] = int(np.count_nonzero(rows & shot))
        out[f"{plural}_killed"] = int(np.count_nonzero(rows & killed))
        out[f"{plural}_declared_hostile"] = int(np.count_nonzero(rows & declared))
    out["hostiles_declared"] = int(np.count_nonzero(hostile & declared))
    out["time_to_identify_hostile_s"] = _median((t_id - threats["first_track_s"])[hostile])
    return out


def _threat_totals(world: World, threats: Columns, engagements: Columns) -> dict[str, Any]:
    n = len(threats["outcome"])
    outcome = threats["outcome"]
    kills = int(np.count_nonzero(outcome == "killed"))
    spent = int(engagements["interceptor_id"].shape[0])
    _, known = interceptor_costs(world, engagements["interceptor_id"])
    icost = float(np.sum(engagements["cost_usd"]))
    killed_cost = float(np.sum(threats["cost_usd"][outcome == "killed"]))
    leak_value = float(
        np.sum([world.assets.value[world.assets.index(a)] for a in threats["reached_asset"] if a])
    )
    return {
        "threats": n,
        "launched": int(np.count_nonzero(outcome != "waiting")),
        "detected": int(np.count_nonzero(np.isfinite(threats["first_detect_s"]))),
        "tracked": int(np.count_nonzero(np.isfinite(threats["first_track_s"]))),
        "kills": kills,
        "leakers": int(np.count_nonzero(outcome == "reached")),
        "expired": int(np.count_nonzero(outcome == "expired")),
        "unresolved": int(np.count_nonzero((outcome == "flying") | (outcome == "waiting"))),
        "interceptors_spent": spent,
        "rounds_at_false_tracks": int(np.count_nonzero(engagements["threat_id"] < 0)),
        "double_engagements": double_engagements(engagements),
        "first_detect_range_m": _median(threats["first_detect_range_m"]),
        "detect_to_engage_s": _median(threats["first_engage_s"] - threats["first_detect_s"]),
        "interceptors_per_kill": spent / kills if kills else float("nan"),
        "interceptor_cost_usd": icost,
        "interceptor_cost_known": bool(known) or spent == 0,
        "threat_cost_killed_usd": killed_cost,
        "threat_cost_total_usd": float(np.sum(threats["cost_usd"])),
        "cost_exchange_ratio": icost / killed_cost if killed_cost > 0 else float("nan"),
        "leaked_asset_value": leak_value,
        "last_arrival_s": float(np.nanmax(threats["arrival_time_s"]))
        if np.isfinite(threats["arrival_time_s"]).any()
        else float("nan"),
    }


def _median(values: np.ndarray) -> float:
    """Median of the finite values (NaN when there are none)."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if v.size else float("nan")


def double_engagements(engagements: Columns) -> int:
    """Threats that had rounds of two batteries in the air at once (launch to outcome; a
    round still flying at the end counts as flying on). Sequential engagements by two
    batteries (one shoots after the other's round missed) are not double engagements."""
    tid, bat = engagements["threat_id"], engagements["battery"]
    t0 = engagements["launch_time_s"]
    t1 = np.where(np.isnan(engagements["outcome_time_s"]), np.inf, engagements["outcome_time_s"])
    count = 0
    for t in np.unique(tid[tid >= 0]):
        rows = np.flatnonzero(tid == t)
        hit = False
        for i in rows:
            other = rows[bat[rows] != bat[i]]
            if np.any((t0[other] < t1[i]) & (t0[i] < t1[other])):
                hit = True
                break
        count += hit
    return count


__all__ = [
    "double_engagements",
    "engagement_table",
    "interceptor_costs",
    "threat_table",
    "totals",
    "traffic_totals",
]
