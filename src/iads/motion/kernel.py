"""The per-tick advance of all threats along their precomputed trajectories.

One fused loop (numba, compiled once and cached on disk) does, for every threat: launch it when
its launch time has come, move its cursor past the nodes it has flown by, interpolate its
position ``p = p_j + v_j (t - t_j)`` and velocity on the current segment, and mark it finished
at the end of its route. Threats whose status is neither WAITING nor FLYING (killed, reached,
expired) are not touched, so the engagement systems stop a threat by setting KILLED.

``advance_numpy`` is the same step written with NumPy array operations: the reference the tests
compare against, and the fallback if numba is missing. See docs/engine.md for the profile.
"""

from __future__ import annotations

import numpy as np

from iads.motion.trajectory import Trajectories

WAITING, FLYING = 0, 1
LAUNCHED, FINISHED = 1, 2
"""Bits of the ``changed`` output: launched during this step, reached the end of its route."""

try:  # numba is optional at run time: without it the NumPy version is used
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None


def _advance_loop(
    t_s, status, cursor, last, launch_t, node_t, node_pos, node_vel, pos, vel, changed
):  # pragma: no cover - compiled
    n_changed = 0
    for i in range(status.shape[0]):
        st = status[i]
        flag = 0
        if st == WAITING:
            if launch_t[i] <= t_s:
                st = FLYING
                flag = LAUNCHED
            else:
                changed[i] = 0
                continue
        elif st != FLYING:
            changed[i] = 0
            continue
        j = cursor[i]
        end = last[i]
        while j < end and node_t[j + 1] <= t_s:
            j += 1
        cursor[i] = j
        if j >= end:
            for k in range(3):
                pos[i, k] = node_pos[end, k]
                vel[i, k] = 0.0
            flag |= FINISHED
        else:
            dt = t_s - node_t[j]
            for k in range(3):
                vk = node_vel[j, k]
                pos[i, k] = node_pos[j, k] + vk * dt  # p = p_j + v_j (t - t_j)
                vel[i, k] = vk
        status[i] = st
        changed[i] = flag
        if flag:
            n_changed += 1
    return n_changed


if njit is not None:
    _advance_compiled = njit(cache=True, nogil=True)(_advance_loop)
else:  # pragma: no cover
    _advance_compiled = None


def advance(
    t_s: float,
    status: np.ndarray,
    cursor: np.ndarray,
    traj: Trajectories,
    launch_time_s: np.ndarray,
    pos_m: np.ndarray,
    vel_mps: np.ndarray,
    changed: np.ndarray,
) -> int:
    """Move every threat to time ``t_s`` (s), in place on the state arrays.

    ``status`` (N,) int8, ``cursor`` (N,) int64 (current node per threat), ``pos_m``,
    ``vel_mps`` (N, 3) are updated; ``changed`` (N,) int8 receives LAUNCHED | FINISHED bits.
    Finished threats keep status FLYING here: the caller decides reached or expired.
    Returns how many threats changed. Unlike the pure functions elsewhere, this mutates its
    state arguments: it is the hot loop (see docs/engine.md).
    """
    if _advance_compiled is None:  # pragma: no cover
        return advance_numpy(t_s, status, cursor, traj, launch_time_s, pos_m, vel_mps, changed)
    return int(
        _advance_compiled(
            float(t_s),
            status,
            cursor,
            traj.last,
            launch_time_s,
            traj.t_s,
            traj.pos_m,
            traj.vel_mps,
            pos_m,
            vel_mps,
            changed,
        )
    )


def advance_numpy(
    t_s: float,
    status: np.ndarray,
    cursor: np.ndarray,
    traj: Trajectories,
    launch_time_s: np.ndarray,
    pos_m: np.ndarray,
    vel_mps: np.ndarray,
    changed: np.ndarray,
) -> int:
    """``advance`` with NumPy array operations (same contract)."""
    changed[:] = 0
    launch = (status == WAITING) & (launch_time_s <= t_s)
    status[launch] = FLYING
    changed[launch] = LAUNCHED
    idx = np.flatnonzero(status == FLYING)
    j, end = cursor[idx], traj.last[idx]
    move = j < end
    while True:
        step = move & (traj.t_s[np.minimum(j + 1, end)] <= t_s) & (j < end)
        if not step.any():
            break
        j = j + step
    cursor[idx] = j
    done = j >= end
    dt = t_s - traj.t_s[j]
    v = np.where(done[:, None], 0.0, traj.vel_mps[j])
    pos_m[idx] = traj.pos_m[j] + v * np.where(done, 0.0, dt)[:, None]
    vel_mps[idx] = v
    changed[idx[done]] |= FINISHED
    return int(np.count_nonzero(changed))


__all__ = ["FINISHED", "LAUNCHED", "advance", "advance_numpy"]
