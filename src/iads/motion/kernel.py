"""The per-tick advance of all threats along their precomputed trajectories.

Each threat's current segment is cached in dense per-threat arrays (``MotionState``) as the line
``p(t) = q + v t`` (``q = p_j - v_j t_j``). A step is one compiled function (numba, cached on
disk) in three parts:

1. a scan of ``status`` against the status the kernel last saw, to freeze threats another
   system stopped (KILLED): they stay where they were;
2. the segments that begin in this tick, read as a stream from the time-ordered
   ``SegmentTable`` (about 80 rows per 0.1 s tick for 10,000 threats on 3 km segments): a
   threat's first segment launches it, its last one (zero velocity, infinite end) finishes it;
3. ``p = q + v t`` for every threat over flat contiguous arrays, without branches, which LLVM
   vectorises. Waiting threats have ``q`` = NaN (position NaN), stopped ones ``v`` = 0.

``advance_numpy`` is the same step with NumPy array operations: the reference the tests compare
against, the fallback if numba is missing, and the baseline of benchmarks/engine.py. See
docs/engine.md for the profiles that led to this layout.
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
    """Per-threat current segment, and where the kernel is in the segment stream.

    Threat i is at ``q_m[i] + v_mps[i] t``; ``seen`` (N,) int8 is the status the kernel last
    saw; ``next_row`` (1,) int64 the first row of ``Trajectories.table`` not yet entered.
    ``changed_idx``, ``changed_flag`` and ``pending`` (N,) are work buffers.
    """

    q_m: np.ndarray
    v_mps: np.ndarray
    seen: np.ndarray
    next_row: np.ndarray
    changed_idx: np.ndarray
    changed_flag: np.ndarray
    pending: np.ndarray


def motion_state(traj: Trajectories) -> MotionState:
    """A fresh state: every threat waiting (position NaN), no segment entered yet."""
    n = traj.first.shape[0]
    return MotionState(
        q_m=np.full((n, 3), np.nan),
        v_mps=np.zeros((n, 3)),
        seen=np.full(n, WAITING, np.int8),
        next_row=np.zeros(1, np.int64),
        changed_idx=np.zeros(n, np.int64),
        changed_flag=np.zeros(n, np.int8),
        pending=np.zeros(n, np.int8),
    )


def _advance_loop(
    t_s, status, rows, owner, next_row, q, v, seen, pos, vel, out_idx, out_flag, pending
):  # pragma: no cover - compiled
    n = status.shape[0]
    # 1. threats stopped by another system (killed): freeze where they are
    for i in range(n):
        st = status[i]
        if st != seen[i]:
            if st != WAITING and st != FLYING:
                for k in range(3):
                    q[i, k] = pos[i, k]
                    v[i, k] = 0.0
                    vel[i, k] = 0.0
            seen[i] = st
    # 2. segments beginning by t_s, in time order: launches, segment changes, route ends
    n_changed = 0
    r = next_row[0]
    m = rows.shape[0]
    while r < m and rows[r, 0] <= t_s:
        i = owner[r]
        st = status[i]
        flag = 0
        if st == WAITING:
            st = FLYING
            status[i] = st
            seen[i] = st
            flag = LAUNCHED
        if st == FLYING:
            for k in range(3):
                q[i, k] = rows[r, 2 + k]  # q = p_j - v_j t_j
                vk = rows[r, 5 + k]
                v[i, k] = vk
                vel[i, k] = vk
            if rows[r, 1] == np.inf:
                flag |= FINISHED
        if flag:
            if pending[i] == 0:
                out_idx[n_changed] = i
                n_changed += 1
            pending[i] |= flag
        r += 1
    next_row[0] = r
    for c in range(n_changed):
        i = out_idx[c]
        out_flag[c] = pending[i]
        pending[i] = 0
    # 3. every threat: p = q + v t (branch-free, vectorised)
    qf = q.reshape(-1)
    vf = v.reshape(-1)
    pf = pos.reshape(-1)
    for k in range(pf.shape[0]):
        pf[k] = qf[k] + vf[k] * t_s
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
    """Move every threat to time ``t_s`` (s), in place; times must not go backwards.

    ``status`` (N,) int8 (WAITING -> FLYING at launch), ``state`` and ``pos_m``, ``vel_mps``
    (N, 3) ENU (C-contiguous) are updated; waiting threats stay at NaN, threats another system
    stopped (status KILLED...) stay where they were. Returns (indices, flags) of the threats
    that launched (LAUNCHED) or reached the end of their route (FINISHED) in this step;
    finished threats keep status FLYING here (the caller decides reached or expired). Unlike the
    pure functions elsewhere this mutates its arguments: it is the hot loop (docs/engine.md).
    """
    if _advance_compiled is None:  # pragma: no cover
        return advance_numpy(t_s, status, state, traj, pos_m, vel_mps)
    table = traj.table
    n = _advance_compiled(
        float(t_s),
        status,
        table.rows,
        table.owner,
        state.next_row,
        state.q_m,
        state.v_mps,
        state.seen,
        pos_m,
        vel_mps,
        state.changed_idx,
        state.changed_flag,
        state.pending,
    )
    return state.changed_idx[:n], state.changed_flag[:n]


def _advance_pair_loop(
    t1_s,
    t2_s,
    status,
    rows,
    owner,
    next_row,
    q,
    v,
    seen,
    pos,
    vel,
    vel_prev,
    out_idx,
    out_flag,
    out2_idx,
    out2_flag,
    pending,
):  # pragma: no cover - compiled
    n1 = _advance_compiled(
        t1_s, status, rows, owner, next_row, q, v, seen, pos, vel, out_idx, out_flag, pending
    )
    for c in range(n1):
        if out_flag[c] & FINISHED:  # a route ended: the caller settles it before the next
            return n1, -1
    vp = vel_prev.reshape(-1)
    vf = vel.reshape(-1)
    for k in range(vf.shape[0]):
        vp[k] = vf[k]
    n2 = _advance_compiled(
        t2_s, status, rows, owner, next_row, q, v, seen, pos, vel, out2_idx, out2_flag, pending
    )
    return n1, n2


_advance_pair_compiled = (
    njit(cache=True, nogil=True)(_advance_pair_loop) if njit is not None else None
)


def advance_pair(
    t1_s: float,
    t2_s: float,
    status: np.ndarray,
    state: MotionState,
    traj: Trajectories,
    pos_m: np.ndarray,
    vel_mps: np.ndarray,
    vel_prev_mps: np.ndarray,
    second: tuple[np.ndarray, np.ndarray],
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray] | None] | None:
    """``advance`` to ``t1_s``, ``vel_prev_mps[:] = vel_mps``, then ``advance`` to ``t2_s``
    (s) in one compiled call: two steps of the motion system, its way through a gap of idle
    ticks. Returns each advance's (indices, flags), the second's in the buffers ``second``
    ((N,) int64, (N,) int8); the second is None, not run, when a route ended in the first (the
    caller settles it, then steps again). None without numba (the caller steps twice)."""
    if _advance_pair_compiled is None:  # pragma: no cover
        return None
    table = traj.table
    n1, n2 = _advance_pair_compiled(
        float(t1_s),
        float(t2_s),
        status,
        table.rows,
        table.owner,
        state.next_row,
        state.q_m,
        state.v_mps,
        state.seen,
        pos_m,
        vel_mps,
        vel_prev_mps,
        state.changed_idx,
        state.changed_flag,
        second[0],
        second[1],
        state.pending,
    )
    first = (state.changed_idx[:n1], state.changed_flag[:n1])
    return first, (None if n2 < 0 else (second[0][:n2], second[1][:n2]))


def advance_numpy(
    t_s: float,
    status: np.ndarray,
    state: MotionState,
    traj: Trajectories,
    pos_m: np.ndarray,
    vel_mps: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """``advance`` with NumPy array operations (same contract; changes sorted by index)."""
    table = traj.table
    changed = status != state.seen
    stopped = changed & (status != WAITING) & (status != FLYING)
    state.q_m[stopped] = pos_m[stopped]
    state.v_mps[stopped] = 0.0
    vel_mps[stopped] = 0.0
    state.seen[changed] = status[changed]
    lo = int(state.next_row[0])
    hi = int(np.searchsorted(table.rows[:, 0], t_s, side="right"))
    rows, own = np.arange(lo, hi), table.owner[lo:hi]
    flag = np.zeros(status.shape[0], np.int8)
    launch = own[status[own] == WAITING]
    status[launch] = FLYING
    state.seen[launch] = FLYING
    flag[launch] = LAUNCHED
    ok = status[own] == FLYING
    rows, own = rows[ok], own[ok]
    owners, last_rev = np.unique(own[::-1], return_index=True)  # each owner's latest row
    last = rows[::-1][last_rev]
    state.q_m[owners] = table.rows[last, 2:5]  # q = p_j - v_j t_j
    state.v_mps[owners] = table.rows[last, 5:8]
    vel_mps[owners] = table.rows[last, 5:8]
    flag[own[np.isinf(table.rows[rows, 1])]] |= FINISHED
    state.next_row[0] = hi
    pos_m[:] = state.q_m + state.v_mps * t_s  # p = q + v t
    idx = np.flatnonzero(flag)
    return idx, flag[idx]


__all__ = ["FINISHED", "LAUNCHED", "MotionState", "advance", "advance_numpy", "motion_state"]
