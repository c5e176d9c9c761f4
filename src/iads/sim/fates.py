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


def _in_reach(world: Any, b: int, xy_m: np.ndarray, alt_m: np.ndarray) -> np.ndarray:
    """(P,) bool: per point, some (launcher, loaded type) of battery ``b`` has it in range
    and altitude at once."""
    ok = np.zeros(xy_m.shape[0], dtype=bool)
    types = world.scenario.equipment.interceptors
    for li in world.batteries[b].launchers:
        rec = world.launchers[li]
        rng = np.hypot(xy_m[:, 0] - rec.pos_m[0], xy_m[:, 1] - rec.pos_m[1])
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

    def ready(self, t_s: float) -> int:
        """Rounds in the tubes at ``t_s``: the loadout less the rounds fired, refilled from
        the reserve ``reload_s`` after the tubes ran empty (the battery taken as one unit)."""
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
        """Why this battery could not fire at time ``t_s`` (a ``_BLOCKERS`` code), or None."""
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


def _not_engaged(world, batteries, i, first_track_s, path, since=None) -> tuple[str, str]:
    """Reason code and text for a tracked threat no round was fired at, judged from
    ``first_track_s`` on; ``since`` opens the text (default "tracked from <time> s")."""
    t, xy, alt = path
    since = f"tracked from {first_track_s:.0f} s" if since is None else since
    later = t >= first_track_s
    causes: dict[str, int] = {}
    reachable = False
    for b, bat in enumerate(batteries):
        ok = _in_reach(world, b, xy, alt) & later
        if not ok.any():
            continue
        reachable = True
        ready = ok & (t >= first_track_s + bat.reaction_s)
        if not ready.any():
            continue
        for ts in t[ready]:
            why = bat.blocker(float(ts))
            if why is None:
                return "not_engaged", (
                    f"{since} and in {bat.name}'s reach with rounds "
                    f"and channels free at {ts:.0f} s, never engaged (planned Pk under the "
                    "minimum, radar cover, or other targets first)"
                )
            causes[why] = causes.get(why, 0) + 1
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
            path = _path_of(paths, order, starts, i)
            c, why = _not_engaged(world, batteries, i, max(spent_s, launch_s), path, since)
        elif not np.isfinite(det):
            c, why = "never_detected", "never detected"
        elif not np.isfinite(trk):
            c, why = "detected_not_tracked", f"detected at {det:.0f} s, never tracked"
        else:
            c, why = _not_engaged(world, batteries, i, trk, _path_of(paths, order, starts, i))
        code[i], text[i] = c, f"{where}: {why}"
    return code, text


def _path_of(paths: Columns, order: np.ndarray, starts: np.ndarray, i: int) -> tuple:
    """Threat row ``i``'s sampled path: (time (P,) s, ENU east/north (P, 2) m, altitude (P,)
    m); ``order`` sorts the path rows by threat, ``starts`` bounds each threat's rows."""
    sel = order[starts[i] : starts[i + 1]]  # paths name threats by row
    return (
        np.asarray(paths["time_s"], float)[sel],
        np.column_stack([np.asarray(paths["x_m"], float)[sel],
                         np.asarray(paths["y_m"], float)[sel]]),
        np.asarray(paths["alt_m"], float)[sel],
    )  # fmt: skip


__all__ = ["FATE_REASONS", "fate_reasons"]
