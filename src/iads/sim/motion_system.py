"""The motion system: moves threats along their precomputed trajectories every tick.

It runs last in the tick: the other systems see the world at ``t_s``, then motion advances it to
``t_s + dt_s``. It records ``launch`` events at each threat's launch time and, at a route's end,
``reach`` (other = asset index) when the end lies within an asset's radius, else ``expire``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from iads.motion.kernel import (
    FINISHED,
    LAUNCHED,
    MotionState,
    advance,
    advance_pair,
    motion_state,
)
from iads.motion.trajectory import Trajectories
from iads.sim.world import EXPIRED, REACHED, World


@dataclass
class MotionSystem:
    """Truth kinematics of all threats (acts every tick).

    ``end_asset`` (N,): the asset each route ends on (-1: none, the threat expires there).
    """

    trajectories: Trajectories
    end_asset: np.ndarray
    name: str = "motion"
    period_s: float = 0.0
    follows_clock: bool = True
    """It only moves the truth on: the engine steps it at every tick it runs (``Engine``)."""
    state: MotionState = field(init=False, repr=False)
    _second: tuple[np.ndarray, np.ndarray] = field(init=False, repr=False)
    """Work buffers of ``step_pair``'s second advance."""

    def __post_init__(self) -> None:
        self.state = motion_state(self.trajectories)
        n = self.state.changed_idx.shape[0]  # as the first advance's buffers: every threat
        self._second = (np.zeros(n, np.int64), np.zeros(n, np.int8))

    def place(self, world: World, t_s: float) -> None:
        """Put every threat where it is at ``t_s`` (used once, at the start)."""
        self._advance(world, t_s)
        world.threats.vel_prev_mps = world.threats.vel_mps.copy()

    def step(self, world: World, t_s: float, dt_s: float) -> None:
        """Advance all threats from ``t_s`` to ``t_s + dt_s`` (the velocities at ``t_s`` kept
        as ``vel_prev_mps``)."""
        th = world.threats
        if th.vel_prev_mps is None:
            th.vel_prev_mps = th.vel_mps.copy()
        else:
            th.vel_prev_mps[:] = th.vel_mps
        self._advance(world, t_s + dt_s)

    def step_pair(self, world: World, t1_s: float, t2_s: float, dt_s: float) -> None:
        """``step(world, t1_s, dt_s)`` then ``step(world, t2_s, dt_s)`` (the engine's two
        steps through a gap of idle ticks), the same bits, in one compiled call when no route
        ends in the first."""
        th = world.threats
        pair = None
        if th.vel_prev_mps is not None:
            pos, vel = th.pos_m, th.vel_mps
            args = (th.status, self.state, self.trajectories, pos, vel, th.vel_prev_mps)
            pair = advance_pair(t1_s + dt_s, t2_s + dt_s, *args, self._second)
        if pair is None:  # no numba, or the first step of the run
            self.step(world, t1_s, dt_s)
            self.step(world, t2_s, dt_s)
            return
        first, second = pair
        self._settle(world, *first)
        if second is None:  # a route ended in the first step: settled, now the second
            self.step(world, t2_s, dt_s)
        else:
            self._settle(world, *second)

    def next_due_s(self, world: World, t_s: float) -> float:
        """The earliest end of an unresolved threat's route (s): the step covering it must
        run (it sets the threat reached or expired, which may end the run)."""
        del t_s
        ends = world.open_route_ends_s()
        return np.inf if ends is None else ends[0]

    def _advance(self, world: World, t_s: float) -> None:
        th = world.threats
        idx, flag = advance(t_s, th.status, self.state, self.trajectories, th.pos_m, th.vel_mps)
        self._settle(world, idx, flag)

    def _settle(self, world: World, idx: np.ndarray, flag: np.ndarray) -> None:
        """Record the launches and settle the route ends (reached or expired) of an advance's
        changed threats ``idx`` with their ``flag``s."""
        if idx.size == 0:
            return
        th = world.threats
        idx, flag = idx.copy(), flag.copy()
        launched = idx[(flag & LAUNCHED) != 0]
        if launched.size:
            start = self.trajectories.pos_m[self.trajectories.first[launched]]
            world.log.record("launch", th.launch_time_s[launched], th.id[launched], pos_m=start)
        done = idx[(flag & FINISHED) != 0]
        if done.size:
            t_end = self.trajectories.end_time_s[done]
            asset = self.end_asset[done]
            reached = asset >= 0
            th.status[done] = np.where(reached, REACHED, EXPIRED)
            pos = th.pos_m[done]
            if reached.any():
                world.log.record(
                    "reach",
                    t_end[reached],
                    th.id[done[reached]],
                    other_id=asset[reached],
                    pos_m=pos[reached],
                )
            if (~reached).any():
                world.log.record(
                    "expire", t_end[~reached], th.id[done[~reached]], pos_m=pos[~reached]
                )


__all__ = ["MotionSystem"]
