"""Why each threat met its fate, read after the run from its events and tables.

A post-mortem, like scoring: it reads the truth paths, the threats and engagements tables and
the batteries' accounts, and never feeds a decision. Codes (``FATE_REASONS``), per threat:

- ``killed``; ``expired`` (its route ended away from any asset); ``not_launched``;
- for a threat that reached its target or was still flying at the end:
  ``never_detected``; ``detected_not_tracked``;
  tracked but never engaged: ``out_of_envelope`` (no battery's interceptor envelope, ground
  range and altitude of a loaded type from a launcher, held it while it was tracked),
  ``tracked_too_late`` (in an envelope only within a command post's reaction time of its first
  track), ``magazine_empty``, ``reserve_held`` (rounds left, all held back as the post's
  ``magazine_reserve``), ``no_fire_channel`` (every fire-control radar guiding its most rounds
  or targets), ``battery_destroyed``, ``not_engaged`` (in reach with rounds and channels
  free: planned Pk under ``min_kill_probability``, radar cover or priority); ``passing`` (a
  route threat or aircraft with no target asset, such as an airliner, never engaged);
  engaged: ``engaged_too_late`` (a round still in the air when it arrived), ``engaged_missed``.

The blocking cause of "tracked but never engaged" is judged at each sampled point of its path
where a battery could reach it after the reaction time; the commonest cause wins, and any
moment with no cause gives ``not_engaged``. The first track time is the run's (any unit's,
scoring), not per battery: a standalone battery may not have held that track. Once the
defense is spent (no round in the air and no battery able to launch again before the last
arrival: ``Defense.spent``), a threat not tracked by then is judged from then (or its launch, if
later) as if tracked then: what it met was an empty magazine (or no envelope), whatever its
radars saw later. So the codes are the same whether the run stops sensing then or not
(``RunConfig.stop_when_spent``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

Columns = dict[str, np.ndarray]

FATE_REASONS = (
    "killed",
    "expired",
    "not_launched",
    "never_detected",
    "detected_not_tracked",
    "out_of_envelope",
    "tracked_too_late",
    "magazine_empty",
    "reserve_held",
    "no_fire_channel",
    "battery_destroyed",
    "not_engaged",
    "passing",
    "engaged_too_late",
    "engaged_missed",
)
"""Every fate reason code, in the order a table of them is shown."""

_BLOCKERS = ("battery_destroyed", "magazine_empty", "reserve_held", "no_fire_channel")


def _in_reach(
    world: Any, b: int, x_m: np.ndarray, y_m: np.ndarray, alt_m: np.ndarray
) -> np.ndarray:
    """(P,) bool: per point (ENU east, north and altitude, m), some (launcher, loaded type)
    of battery ``b`` has it in range and altitude at once."""
    ok = np.zeros(x_m.shape[0], dtype=bool)
    types = world.scenario.equipment.interceptors
    for li in world.batteries[b].launchers:
        rec = world.launchers[li]
        rng = np.hypot(x_m - rec.pos_m[0], y_m - rec.pos_m[1])
        for name, n in rec.loadout.items():
            it = types.get(name)
            if it is None or n <= 0:
                continue
            ok |= (
                (rng >= it.min_range_m)
                & (rng <= it.max_range_m)
                & (alt_m >= it.min_altitude_m)
                & (alt_m <= it.max_altitude_m)
            )
    return ok


class _Battery:
    """A battery's rounds held and rounds in the air over time, from the run's tables."""

    def __init__(self, world: Any, b: int, eng: Columns, accounts: Columns | None) -> None:
        rec = world.batteries[b]
        self.name = rec.name
        self.reaction_s = float(rec.command_post.reaction_time_s)
        self.reserve = int(rec.command_post.magazine_reserve)
        mine = np.asarray(eng["battery"], dtype=object) == rec.name
        self.launch_s = np.sort(np.asarray(eng["launch_time_s"], float)[mine])
        end = np.asarray(eng["outcome_time_s"], float)[mine]
        self.flight = (np.asarray(eng["launch_time_s"], float)[mine], np.where(np.isnan(end),
                       np.inf, end), np.asarray(eng["threat_id"])[mine])  # fmt: skip
        self.ready0 = sum(world.launchers[i].count * sum(world.launchers[i].loadout.values())
                          for i in rec.launchers)  # fmt: skip
        self.total = self.ready0 + sum(
            world.launchers[i].count * sum(world.launchers[i].loadout.values())
            for i in rec.launchers
        )  # one reload each
        if accounts is not None and "battery" in accounts:
            row = np.flatnonzero(np.asarray(accounts["battery"], dtype=object) == rec.name)
            if row.size:
                r = int(row[0])
                self.total = int(accounts["rounds_in_tubes"][r] + accounts["rounds_in_reserve"][r]
                                 + accounts["interceptors_fired"][r])  # fmt: skip
        self.reload_s = max((world.launchers[i].type.reload_time_s for i in rec.launchers),
                            default=0.0)  # fmt: skip
        fire = [
            world.radars[i].type for i in rec.radars if world.radars[i].type.max_guided_missiles
        ]
        self.missiles = sum(t.max_guided_missiles for t in fire) if fire else None
        self.targets = sum(t.max_engaged_targets or 10**9 for t in fire) if fire else None
        self.destroyed_s = min(
            (ev.time_s for ev in world.scenario.events
             if ev.kind == "battery_destroyed" and ev.unit == rec.name),
            default=np.inf,
        )  # fmt: skip
        self._steps: tuple[np.ndarray, np.ndarray] | None = None

    def ready(self, t_s: float) -> int:
        """Rounds in the tubes at time ``t_s`` (s): the loadout less the rounds fired, refilled
        from the reserve ``reload_s`` after the tubes ran empty (the battery taken as one unit)."""
        ready, spare, reload_at = self.ready0, self.total - self.ready0, np.inf
        for t in self.launch_s:
            if t > t_s:
                break
            if t >= reload_at:
                take = min(self.ready0 - ready, spare)
                ready, spare, reload_at = ready + take, spare - take, np.inf
            ready -= 1
            if ready <= 0 and spare > 0 and not np.isfinite(reload_at):
                reload_at = t + self.reload_s
        if t_s >= reload_at:
            ready += min(self.ready0 - ready, spare)
        return ready

    def blocker(self, t_s: float) -> str | None:
        """Why this battery could not fire at time ``t_s`` (s): a ``_BLOCKERS`` code, or None.
        The reference for ``blockers``, which answers many times at once."""
        if t_s >= self.destroyed_s:
            return "battery_destroyed"
        fired = int(np.searchsorted(self.launch_s, t_s, side="right"))
        held = self.total - fired
        if held <= 0:
            return "magazine_empty"
        if held <= self.reserve:
            return "reserve_held"
        if self.ready(t_s) <= 0:
            return "magazine_empty"
        if self.missiles is not None:
            t0, t1, tid = self.flight
            up = (t0 <= t_s) & (t_s < t1)
            if np.count_nonzero(up) >= self.missiles:
                return "no_fire_channel"
            if np.unique(tid[up]).size >= self.targets:
                return "no_fire_channel"
        return None

    def _exact(self) -> bool:
        """Whether ``_step_table`` gives ``blocker`` exactly: every launch time (s) finite
        and no round's end before its launch."""
        t0, t1, _ = self.flight
        return bool(np.isfinite(self.launch_s).all() and np.all(t1 >= t0))

    def _step_table(self) -> tuple[np.ndarray, np.ndarray]:
        """(times (K,) s, codes (K + 1,)): ``blocker`` as a step function, built on first use;
        code ``j`` (an index in ``_BLOCKERS``, -1 for None) holds from the ``j``-th time on
        (``searchsorted(..., side="right")``), entry 0 before the first. The times are every
        one at which an input of ``blocker`` can change, found with its own arithmetic."""
        if self._steps is not None:
            return self._steps
        # rounds in the tubes: after each launch, and each reload when it lands (``ready``)
        ready_t: list[float] = []
        ready_v: list[int] = [self.ready0]
        ready, spare, reload_at = self.ready0, self.total - self.ready0, np.inf
        for t in self.launch_s.tolist():
            if t >= reload_at:
                take = min(self.ready0 - ready, spare)
                ready, spare = ready + take, spare - take
                ready_t.append(reload_at)
                ready_v.append(ready)
                reload_at = np.inf
            ready -= 1
            ready_t.append(t)
            ready_v.append(ready)
            if ready <= 0 and spare > 0 and not np.isfinite(reload_at):
                reload_at = t + self.reload_s
        if np.isfinite(reload_at):
            ready_t.append(reload_at)
            ready_v.append(ready + min(self.ready0 - ready, spare))
        # fire channels, rounds up while t0 <= t < t1: all busy (``blocker``), per change
        busy_t: list[float] = []
        busy_v: list[bool] = [False]
        if self.missiles is not None:
            t0, t1, tid = self.flight
            deltas: dict[float, list[tuple[int, Any]]] = {}
            for a, b, k in zip(t0.tolist(), t1.tolist(), tid.tolist(), strict=True):
                deltas.setdefault(a, []).append((1, k))
                if np.isfinite(b):
                    deltas.setdefault(b, []).append((-1, k))
            up, per = 0, {}  # rounds in the air; per target, its rounds in the air
            busy_v = [0 >= self.missiles or 0 >= self.targets]
            for t in sorted(deltas):
                for d, k in deltas[t]:
                    up += d
                    per[k] = per.get(k, 0) + d
                    if not per[k]:
                        del per[k]
                busy_t.append(t)
                busy_v.append(up >= self.missiles or len(per) >= self.targets)
        times = np.unique(np.concatenate([self.launch_s, ready_t, busy_t, [self.destroyed_s]]))
        times = times[np.isfinite(times)]
        at = np.concatenate([[np.nextafter(times[0], -np.inf) if times.size else 0.0], times])
        held = self.total - np.searchsorted(self.launch_s, at, side="right")
        ready_at = np.asarray(ready_v)[np.searchsorted(np.asarray(ready_t, float), at, "right")]
        busy_at = np.asarray(busy_v)[np.searchsorted(np.asarray(busy_t, float), at, "right")]
        codes = np.select(
            [at >= self.destroyed_s, held <= 0, held <= self.reserve, ready_at <= 0, busy_at],
            [0, 1, 2, 1, 3],
            -1,
        )
        self._steps = (times, codes)
        return self._steps

    def blockers(self, t_s: np.ndarray) -> np.ndarray:
        """(P,) int: per time of ``t_s`` (s), ``blocker``'s answer as an index in
        ``_BLOCKERS``, -1 for None; the same answers, read off ``_step_table``."""
        t = np.asarray(t_s, float)
        if not (np.isfinite(t).all() and self._exact()):
            why = [self.blocker(x) for x in t.tolist()]
            return np.array([-1 if w is None else _BLOCKERS.index(w) for w in why], np.int64)
        times, codes = self._step_table()
        return codes[np.searchsorted(times, t, side="right")]


def _not_engaged(
    world: Any,
    batteries: list[_Battery],
    paths: Columns,
    rows: list[np.ndarray],
    from_s: list[float],
    since: list[str | None],
) -> list[tuple[str, str]]:
    """Reason code and text for each tracked threat no round was fired at: ``rows[j]`` its
    path rows, judged from ``from_s[j]`` (s) on; ``since[j]`` opens the text (None: "tracked
    from <time> s"). All threats at once, each as if judged alone: battery by battery, the
    first one in reach after its reaction time with no blocker at some point decides."""
    n = len(rows)
    first = np.asarray(from_s, float)
    sel = np.concatenate(rows) if n else np.empty(0, np.int64)
    seg = np.repeat(np.arange(n), [r.size for r in rows])  # row -> threat, non-decreasing
    t = np.asarray(paths["time_s"], float)[sel]
    later = t >= first[seg]  # only these points are judged
    sel, seg, t = sel[later], seg[later], t[later]
    x, y = np.asarray(paths["x_m"], float)[sel], np.asarray(paths["y_m"], float)[sel]
    alt = np.asarray(paths["alt_m"], float)[sel]
    per_battery = []  # (name, in reach, ready, has a free point, its first time, causes)
    for b, bat in enumerate(batteries):
        ok = _in_reach(world, b, x, y, alt)
        ready = ok & (t >= first[seg] + bat.reaction_s)
        ts, js = t[ready], seg[ready]
        why = bat.blockers(ts)
        free = why < 0
        fj, fts = js[free], ts[free]
        lead = np.flatnonzero(np.diff(fj, prepend=-1) != 0)  # first free point per threat
        has_free, free_s = np.zeros(n, dtype=bool), np.zeros(n)
        has_free[fj[lead]], free_s[fj[lead]] = True, fts[lead]
        counts = np.bincount(
            js[~free] * len(_BLOCKERS) + why[~free], minlength=n * len(_BLOCKERS)
        ).reshape(n, len(_BLOCKERS))
        reach, judged = np.bincount(seg[ok], minlength=n), np.bincount(js, minlength=n)
        per_battery.append((bat.name, reach > 0, judged > 0, has_free, free_s, counts))
    return [
        _judged(f"tracked from {from_s[j]:.0f} s" if since[j] is None else since[j], per_battery, j)
        for j in range(n)
    ]


def _judged(since: str, per_battery: list[tuple], j: int) -> tuple[str, str]:
    """Reason code and text for threat ``j`` from ``_not_engaged``'s per-battery answers
    (name, in reach, ready, has a point with no blocker, the first such time s, cause counts
    (n, 4)), battery by battery."""
    causes: dict[str, int] = {}
    reachable = False
    for name, reach, ready, has_free, free_s, counts in per_battery:
        if not reach[j]:
            continue
        reachable = True
        if not ready[j]:
            continue
        if has_free[j]:
            return "not_engaged", (
                f"{since} and in {name}'s reach with rounds "
                f"and channels free at {free_s[j]:.0f} s, never engaged (planned Pk under the "
                "minimum, radar cover, or other targets first)"
            )
        for k, c in enumerate(counts[j].tolist()):
            if c:
                causes[_BLOCKERS[k]] = causes.get(_BLOCKERS[k], 0) + c
    if not reachable:
        return "out_of_envelope", (
            f"{since}, never inside any battery's envelope "
            "(interceptor range and altitude) while tracked"
        )
    if not causes:
        return "tracked_too_late", (
            f"{since}, out of every envelope before a command post's reaction time had passed"
        )
    why = max(causes, key=lambda k: (causes[k], -_BLOCKERS.index(k)))
    text = {
        "battery_destroyed": "the battery that could reach it was destroyed",
        "magazine_empty": "no ready round left in the launchers (reloading or spent)",
        "reserve_held": "the rounds left were held back as the magazine reserve",
        "no_fire_channel": "every fire-control channel was busy guiding other rounds",
    }[why]
    return why, f"{since}, never engaged: {text}"


def fate_reasons(
    world: Any,
    threats: Columns,
    engagements: Columns,
    paths: Columns,
    accounts: Columns | None = None,
    spent_s: float = np.nan,
) -> tuple[np.ndarray, np.ndarray]:
    """(code, text) per threat row of ``threats``: why it met its fate (module docstring).
    ``accounts`` is the run's ``batteries`` table (rounds held), when the defense ran;
    ``spent_s`` when the defense was found spent: no round in the air, no battery able to
    launch again before the last arrival (NaN: never)."""
    n = len(threats["threat_id"])
    code = np.full(n, "", dtype=object)
    text = np.full(n, "", dtype=object)
    batteries = [_Battery(world, b, engagements, accounts) for b in range(len(world.batteries))]
    shots: dict[int, list[int]] = {}
    for r, tid in enumerate(np.asarray(engagements["threat_id"])):
        shots.setdefault(int(tid), []).append(r)
    pid = np.asarray(paths["threat_id"])
    order = np.argsort(pid, kind="stable")
    starts = np.searchsorted(pid[order], np.arange(n + 1))
    judged: list[tuple[int, str, float, str | None]] = []  # (row, where, from s, since)
    for i in range(n):
        tid = int(threats["threat_id"][i])
        fate = str(threats["outcome"][i])
        det, trk = float(threats["first_detect_s"][i]), float(threats["first_track_s"][i])
        rows = shots.get(tid, [])
        res = [str(engagements["result"][r]) for r in rows]
        if fate == "killed":
            k = res.index("kill") + 1 if "kill" in res else 0
            code[i] = "killed"
            text[i] = f"killed by shot {k} of {len(res)}" if k else "killed"
            continue
        if fate == "expired":
            code[i], text[i] = "expired", "its route ended away from any asset"
            continue
        if fate == "waiting":
            code[i], text[i] = "not_launched", "not launched before the end of the run"
            continue
        where = "reached its target" if fate == "reached" else "still flying at the end"
        if rows:
            pending = res.count("")
            if pending:
                c, why = (
                    "engaged_too_late",
                    (
                        f"{pending} of {len(res)} round(s) still in the air when it "
                        + ("arrived" if fate == "reached" else "the run ended")
                    ),
                )
            else:
                miss = np.asarray(engagements["miss_distance_m"], float)[rows]
                close = f" (closest {np.nanmin(miss):.0f} m)" if np.isfinite(miss).any() else ""
                c, why = "engaged_missed", f"{len(res)} shot(s), all missed{close}"
        elif not str(threats["target"][i]):
            c, why = "passing", "heading for no asset, not engaged"
        elif not trk <= spent_s and spent_s < float(threats["outcome_time_s"][i]):
            # not tracked when the defense was spent (tracked later or never: the same)
            launch_s = float(threats["launch_time_s"][i])
            if launch_s > spent_s:
                since = f"launched at {launch_s:.0f} s, after the defense was spent at "
                since += f"{spent_s:.0f} s"
            else:
                since = f"not tracked by {spent_s:.0f} s, when the defense was spent"
            judged.append((i, where, max(spent_s, launch_s), since))
            continue
        elif not np.isfinite(det):
            c, why = "never_detected", "never detected"
        elif not np.isfinite(trk):
            c, why = "detected_not_tracked", f"detected at {det:.0f} s, never tracked"
        else:
            judged.append((i, where, trk, None))
            continue
        code[i], text[i] = c, f"{where}: {why}"
    if judged:  # tracked, never engaged: judged together, from their paths
        rows = [order[starts[i] : starts[i + 1]] for i, *_ in judged]  # paths name threats by row
        whys = _not_engaged(world, batteries, paths, rows, [j[2] for j in judged],
                            [j[3] for j in judged])  # fmt: skip
        for (i, where, *_), (c, why) in zip(judged, whys, strict=True):
            code[i], text[i] = c, f"{where}: {why}"
    return code, text


__all__ = ["FATE_REASONS", "fate_reasons"]
