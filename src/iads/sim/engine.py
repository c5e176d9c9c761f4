"""The engine: a fixed-tick clock, an ordered list of systems, an event log.

It imports no domain code. Each system acts when its own period is due; the world it acts on is
any object (``iads.sim.world.World`` in practice). Time is float seconds from scenario start,
kept as an integer tick count so long runs do not drift.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class System(Protocol):
    """A component of the simulation (motion, a radar, a tracker, a command post, weapons...).

    ``period_s`` is how often it acts (0 means every tick); it acts at t = 0, period, 2 period...
    rounded to the tick. ``step`` mutates the world's arrays for its own part only and appends
    events to ``world.log``.

    Two optional members let the engine skip ticks in which nothing would happen (results
    unchanged, see ``Engine``): a period-0 system with ``next_due_s(world, t_s)`` (the earliest
    time, s, at or after ``t_s`` at which it has work; its ``step`` does nothing before) is
    stepped only from then; a system with ``follows_clock = True`` (motion: it only advances
    the truth to the next tick) must come last and is stepped at every tick the engine runs,
    and its ``next_due_s`` is the earliest time its step must cover (a route's end). A clock
    follower may have ``step_pair(world, t1_s, t2_s, dt_s)``, its steps at ``t1_s`` and then
    ``t2_s`` (the next tick) at once, with the same result: the engine calls it for the two
    steps through a gap.
    """

    name: str
    period_s: float

    def step(self, world: Any, t_s: float, dt_s: float) -> None: ...


@dataclass
class EventLog:
    """Columnar event buffers: appended as arrays, concatenated once at the end.

    Columns: ``time_s`` (s), ``kind`` (str), ``entity_id``, ``other_id`` (int, -1 if none),
    ``x_m``, ``y_m``, ``z_m`` (ENU, m) and ``value`` (float, kind-specific: miss distance, Pk...).
    """

    _chunks: list[dict[str, np.ndarray]] = field(default_factory=list)

    def record(
        self,
        kind: str,
        t_s: float | np.ndarray,
        entity_id: np.ndarray | int,
        other_id: np.ndarray | int = -1,
        pos_m: np.ndarray | None = None,
        value: np.ndarray | float = np.nan,
    ) -> None:
        """Append one or many events of one kind (arrays broadcast against ``entity_id``)."""
        ids = np.atleast_1d(np.asarray(entity_id, dtype=np.int64))
        n = ids.shape[0]
        if n == 0:
            return
        pos = np.full((n, 3), np.nan) if pos_m is None else np.broadcast_to(pos_m, (n, 3))
        self._chunks.append(
            {
                "time_s": np.broadcast_to(np.asarray(t_s, dtype=float), (n,)).copy(),
                "kind": np.full(n, kind, dtype=object),
                "entity_id": ids.copy(),
                "other_id": np.broadcast_to(np.asarray(other_id, dtype=np.int64), (n,)).copy(),
                "x_m": np.array(pos[:, 0], dtype=float),
                "y_m": np.array(pos[:, 1], dtype=float),
                "z_m": np.array(pos[:, 2], dtype=float),
                "value": np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy(),
            }
        )

    def columns(self) -> dict[str, np.ndarray]:
        """All events as columns, sorted stably by time."""
        names = ("time_s", "kind", "entity_id", "other_id", "x_m", "y_m", "z_m", "value")
        if not self._chunks:
            empty = {n: np.empty(0) for n in names}
            empty["kind"] = np.empty(0, dtype=object)
            empty["entity_id"] = np.empty(0, dtype=np.int64)
            empty["other_id"] = np.empty(0, dtype=np.int64)
            return empty
        cols = {n: np.concatenate([c[n] for c in self._chunks]) for n in names}
        order = np.argsort(cols["time_s"], kind="stable")
        return {n: v[order] for n, v in cols.items()}

    def __len__(self) -> int:
        return sum(len(c["time_s"]) for c in self._chunks)


def ticks_per_period(period_s: float, tick_s: float) -> int:
    """How many ticks apart a system with ``period_s`` (s) acts: the period rounded to whole
    ticks of ``tick_s`` (s), at least one; period 0 means every tick."""
    return max(1, int(round(period_s / tick_s))) if period_s > 0 else 1


EPS_S = 1e-9
"""Tolerance of "due at t" (s): a time within it of a tick is due at that tick."""


@dataclass
class Engine:
    """Runs ``systems`` in order every tick for ``duration_s``; each acts when due.

    ``stop`` (optional) is asked after every tick whether the run can end early (for example
    when every threat has been resolved). With ``skip_idle`` (default) the engine jumps over
    ticks in which no system is due (see ``System``): the clock-following systems at the end
    are stepped through the gap as if every tick had run (the step of the tick that ran, then
    those of the two ticks before the next one), so a run gives the same results either way.
    Skipping is off if a period-0 system has no ``next_due_s``; a clock follower that is not
    at the end is an ordinary period-0 system (stepped every tick). With skipping, ``stop`` is
    asked only after the ticks that run: it must depend on what changes there (as
    ``World.finished`` does), not on the clock alone.
    """

    systems: Sequence[System]
    tick_s: float
    duration_s: float
    stop: Callable[[Any, float], bool] | None = None
    skip_idle: bool = True

    def __post_init__(self) -> None:
        if not self.tick_s > 0:
            raise ValueError(f"tick_s must be positive, got {self.tick_s}")
        if not self.duration_s >= 0:
            raise ValueError(f"duration_s must be zero or more, got {self.duration_s}")

    def run(
        self,
        world: Any,
        progress: Callable[[float], None] | None = None,
        first_tick: int = 0,
    ) -> float:
        """Advance ``world`` to the end; return the time reached (s).

        Tick k starts at ``t = k tick_s``: the engine sets ``world.t_s = t`` (if the world has
        that attribute), then calls each due system's ``step(world, t, its period)`` in order.
        The run covers ``floor(duration_s / tick_s)`` ticks, so it reaches ``duration_s`` (less
        than a tick short if the duration is not a whole number of ticks) unless ``stop`` ends
        it first. ``progress(t_s)`` is called about 200 times over the run. ``first_tick``
        resumes a run another engine stopped (``world`` as it left it, at that tick).
        """
        n_ticks = self.n_ticks
        tick = self.tick_s
        systems = list(self.systems)
        n_lead = len(systems)
        while n_lead and systems[n_lead - 1].period_s <= 0 and _follows(systems[n_lead - 1]):
            n_lead -= 1
        followers = systems[n_lead:]
        pairs = [getattr(s, "step_pair", None) for s in followers]
        lead = [
            (
                s,
                ticks_per_period(s.period_s, tick),
                s.period_s <= 0 and hasattr(s, "next_due_s") and not _follows(s),
            )
            for s in systems[:n_lead]
        ]
        skip = self.skip_idle and all(s.period_s > 0 or lazy for s, _, lazy in lead)
        report = max(1, n_ticks // 200)
        has_clock = hasattr(world, "t_s")
        done = k = max(0, int(first_tick))
        while k < n_ticks:
            t_s = k * tick
            if has_clock:
                world.t_s = t_s
            for system, m, lazy in lead:
                if lazy:
                    if system.next_due_s(world, t_s) <= t_s + EPS_S:
                        system.step(world, t_s, tick)
                elif k % m == 0:
                    system.step(world, t_s, m * tick)
            for system in followers:
                system.step(world, t_s, tick)
            done = k + 1
            k_next = self._next_tick(world, k, n_ticks, lead, followers) if skip else k + 1
            if progress is not None and (k // report != (k_next - 1) // report or k % report == 0):
                progress(t_s)
            if self.stop is not None and self.stop(world, t_s):
                break
            if k_next - k >= 2:  # through the gap: the steps of ticks k_next - 2 and k_next - 1
                for system, pair in zip(followers, pairs, strict=True):
                    t2_s = (k_next - 1) * tick
                    if k_next - k < 3:
                        system.step(world, t2_s, tick)
                    elif pair is not None:  # both steps at once (System)
                        pair(world, (k_next - 2) * tick, t2_s, tick)
                    else:
                        system.step(world, (k_next - 2) * tick, tick)
                        system.step(world, t2_s, tick)
            done = k = k_next
        t_end = done * tick
        if has_clock:
            world.t_s = t_end
        if progress is not None:
            progress(t_end)
        return t_end

    def _next_tick(self, world: Any, k: int, n_ticks: int, lead: list, followers) -> int:
        """The next tick after ``k`` at which some system is due (at most ``n_ticks``)."""
        tick, t_s = self.tick_s, k * self.tick_s
        nxt = n_ticks
        for system, m, lazy in lead:
            if lazy:
                due_s = system.next_due_s(world, t_s)  # stepped at t when due <= t + EPS_S
                nxt = min(nxt, _first_tick(due_s, tick, k + 1, slack_s=EPS_S))
            else:
                nxt = min(nxt, (k // m + 1) * m)
            if nxt == k + 1:
                return nxt
        for system in followers:  # the tick whose step covers its next event must run
            due = getattr(system, "next_due_s", None)
            if due is not None:
                nxt = min(nxt, _first_tick(due(world, t_s), tick, k + 1, reach_s=tick))
        return nxt

    @property
    def n_ticks(self) -> int:
        """Ticks in a full run: ``floor(duration_s / tick_s)`` (0 if the duration is 0)."""
        return int(math.floor(self.duration_s / self.tick_s + 1e-9))


def _follows(system: Any) -> bool:
    return bool(getattr(system, "follows_clock", False))


def _first_tick(
    t_due_s: float, tick_s: float, k_min: int, reach_s: float = 0.0, slack_s: float = 0.0
) -> int:
    """The first tick j >= ``k_min`` with ``t_due_s <= j tick_s + reach_s + slack_s``, the very
    float comparison the systems make: a due time (slack ``EPS_S``) or the end of a follower's
    step (reach one tick). ``2**62`` (never) for an infinite ``t_due_s``.

    Due by ``k_min`` already (a round homing, asked every tick): ``k_min``, the very test the
    loop below makes first, without the division (the start it computes is then at most
    ``k_min``, the due time lying within rounding of ``k_min`` ticks or before)."""
    if not math.isfinite(t_due_s):
        return 2**62
    if t_due_s <= k_min * tick_s + reach_s + slack_s:
        return k_min
    j = max(k_min, math.ceil((t_due_s - reach_s - slack_s) / tick_s) - 1)
    while j * tick_s + reach_s + slack_s < t_due_s:
        j += 1
    return j
