"""The per-tick advance of all threats along their precomputed trajectories.

Each threat's current segment is cached in dense per-threat arrays (``MotionState``) as the
line ``p(t) = q + v t`` (``q = p_j - v_j t_j``) valid until ``next_s``. A step is two passes of
one compiled function (numba, cached on disk): pass 1 looks only at ``status`` and ``next_s``
(reading ``Trajectories.segments``, one 64-byte row per node, when a threat changes segment)
and handles the rare events (a launch, the move to the next segment about every ten seconds per
threat, a route's end, a threat another system stopped); pass 2 computes ``p = q + v t`` for
every threat over flat contiguous arrays, without branches, so LLVM vectorises it. Waiting
threats have ``q`` = NaN (position NaN), stopped ones ``v`` = 0. Threats that are neither
WAITING nor FLYING (killed, reached, expired) are frozen where they were, so the engagement
systems stop a threat by setting KILLED.

``advance_numpy`` is the same step with NumPy array operations: the reference the tests compare
against, the fallback if numba is missing, and the baseline of benchmarks/engine.py. See
docs/engine.md for the profile that led to this layout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iads.motion.trajectory import Trajectories

WAITING, FLYING = 0, 1
LAUNCHED, FINISHED = 1, 2
"""Flags reported per changed threat: launched during this step, reached its route's end."""

try:  # numba is optional at run time: without it the NumPy version is used
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None


@dataclass
class MotionState:
    """Per-threat cursor into the node arrays and the cached current segment.

    On its current segment threat i is at ``q_m[i] + v_mps[i] t`` (``q`` is the segment's line
    extrapolated back to t = 0), until ``next_s[i]`` (the segment's end; the launch time while
    waiting; infinite once it stops). ``seen`` is the status the kernel last saw, to notice
    threats stopped by other systems. ``cursor`` (N,) int64; ``next_s`` (N,); ``q_m``,
    ``v_mps`` (N, 3) ENU; ``changed_idx`` (N,) int64 and ``changed_flag`` (N,) int8 are output
    buffers.
    """

    cursor: np.ndarray
    next_s: np.ndarray
    q_m: np.ndarray
    v_mps: np.ndarray
    seen: np.ndarray
    changed_idx: np.ndarray
    changed_flag: np.ndarray


def motion_state(traj: Trajectories, launch_time_s: np.ndarray | None = None) -> MotionState:
    """A fresh state: every threat waiting at the first node of its route (position NaN)."""
    n = traj.first.shape[0]
    launch = traj.start_time_s if launch_time_s is None else launch_time_s
    return MotionState(
        cursor=traj.first.copy(),
        next_s=np.array(launch, dtype=float, copy=True),
        q_m=np.full((n, 3), np.nan),
        v_mps=np.zeros((n, 3)),
        seen=np.full(n, WAITING, np.int8),
        changed_idx=np.zeros(n, np.int64),
        changed_flag=np.zeros(n, np.int8),
    )


def _advance_loop(
    t_s, status, cursor, last, seg, next_s, q, v, seen, pos, vel, out_idx, out_flag
):  # pragma: no cover - compiled
    n = status.shape[0]
    n_changed = 0
    # pass 1, rare events: launches, segment changes, route ends, threats stopped by others
    for i in range(n):
        st = status[i]
        if st != seen[i] and st != WAITING and st != FLYING:
            for k in range(3):  # stopped elsewhere (killed): freeze where it is
                q[i, k] = pos[i, k]
                v[i, k] = 0.0
                vel[i, k] = 0.0
            next_s[i] = np.inf
            seen[i] = st
            continue
        if t_s < next_s[i]:
            continue
        flag = 0
        if st == WAITING:
            st = FLYING
            status[i] = st
            flag = 1
        if st == FLYING:
            j = cursor[i]
            while seg[j, 1] <= t_s:  # the last node's end time is infinite
                j += 1
            cursor[i] = j
            next_s[i] = seg[j, 1]
            for k in range(3):
                q[i, k] = seg[j, 2 + k]  # q = p_j - v_j t_j
                vk = seg[j, 5 + k]
                v[i, k] = vk
                vel[i, k] = vk
            if j >= last[i]:
                flag |= 2
        else:
            next_s[i] = np.inf
        seen[i] = st
        if flag:
            out_idx[n_changed] = i
            out_flag[n_changed] = flag
            n_changed += 1
    # pass 2, every threat: p = q + v t (branch-free, vectorised; still ones have v = 0)
    qf = q.reshape(-1)
    vf = v.reshape(-1)
    pf = pos.reshape(-1)
    for m in range(pf.shape[0]):
        pf[m] = qf[m] + vf[m] * t_s
    return n_changed


_advance_compiled = njit(cache=True, nogil=True)(_advance_loop) if njit is not None else None


def advance(
    t_s: float,
    status: np.ndarray,
    state: MotionState,
    traj: Trajectories,
    pos_m: np.ndarray,
    vel_mps: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Move every threat to time ``t_s`` (s), in place.

    ``status`` (N,) int8 (WAITING -> FLYING at launch), ``state`` and ``pos_m``, ``vel_mps``
    (N, 3) ENU (C-contiguous) are updated; waiting threats stay at NaN, threats another system
    stopped (status KILLED...) stay where they were. Returns (indices, flags) of the threats
    that launched (LAUNCHED) or reached the end of their route (FINISHED) in this step;
    finished threats keep status FLYING here (the caller decides reached or expired). Unlike the
    pure functions elsewhere this mutates its arguments: it is the hot loop (docs/engine.md).
    """
    if _advance_compiled is None:  # pragma: no cover
        return advance_numpy(t_s, status, state, traj, pos_m, vel_mps)
    n = _advance_compiled(
        float(t_s),
        status,
        state.cursor,
        traj.last,
        traj.segments,
        state.next_s,
        state.q_m,
        state.v_mps,
        state.seen,
        pos_m,
        vel_mps,
        state.changed_idx,
        state.changed_flag,
    )
    return state.changed_idx[:n], state.changed_flag[:n]


def advance_numpy(
    t_s: float,
    status: np.ndarray,
    state: MotionState,
    traj: Trajectories,
    pos_m: np.ndarray,
    vel_mps: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """``advance`` with NumPy array operations (same contract)."""
    n = status.shape[0]
    flag = np.zeros(n, np.int8)
    stopped = (status != state.seen) & (status != WAITING) & (status != FLYING)
    state.q_m[stopped] = pos_m[stopped]
    state.v_mps[stopped] = 0.0
    vel_mps[stopped] = 0.0
    state.next_s[stopped] = np.inf
    state.seen[stopped] = status[stopped]
    due = ~stopped & (t_s >= state.next_s)
    launch = due & (status == WAITING)
    status[launch] = FLYING
    flag[launch] = LAUNCHED
    move = np.flatnonzero(due & (status == FLYING))
    j, end = state.cursor[move], traj.last[move]
    while True:
        step = (j < end) & (traj.t_s[np.minimum(j + 1, end)] <= t_s)
        if not step.any():
            break
        j = j + step
    state.cursor[move] = j
    state.next_s[move] = np.where(j < end, traj.t_s[np.minimum(j + 1, end)], np.inf)
    v = traj.vel_mps[j]
    state.q_m[move] = traj.pos_m[j] - v * traj.t_s[j][:, None]  # q = p_j - v_j t_j
    state.v_mps[move] = v
    vel_mps[move] = v
    flag[move[j >= end]] |= FINISHED
    other = due & (status != FLYING)
    state.next_s[other] = np.inf
    state.seen[due] = status[due]
    pos_m[:] = state.q_m + state.v_mps * t_s  # p = q + v t
    changed = np.flatnonzero(flag)
    return changed, flag[changed]


__all__ = ["FINISHED", "LAUNCHED", "MotionState", "advance", "advance_numpy", "motion_state"]
