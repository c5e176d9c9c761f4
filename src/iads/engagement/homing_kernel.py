"""The fast mode's record of each homing round's target manoeuvre, compiled (numba, cached).

Every tick a fast-mode round homes (``InterceptorSystem._step_fast``), it keeps the largest
lateral acceleration its target has shown: the threat's finite-difference acceleration
(``InterceptorSystem._threat_accel``) across its velocity (``lateral_accel_mps2``). In NumPy
that is some twenty array calls on one to four rows, about 16 us a tick, a third of the fast
mode's cost. The kernel does the same per round with the same operations in the same order
(NaN as 0 and infinities as the largest finite values, as ``np.nan_to_num``; sums over the
three axes left to right, as ``np.add.reduce`` on three values; ``np.maximum``'s NaN), so every
number is the NumPy form's, bit for bit (a test compares them).

Most fast-mode ticks with rounds in the air do nothing else: no round starts its terminal
phase or reaches its aim point and no target has died. ``quiet_homing_tick`` recognises such a
tick with ``_step_fast``'s own tests in its arithmetic and raises the records in one call (the
step's twenty-odd array calls otherwise); any other tick goes the ordinary way, untouched.
"""

from __future__ import annotations

import math

import numpy as np

try:  # numba is optional at run time: without it the NumPy form runs
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None

_BIG = float(np.finfo(np.float64).max)
"""``np.nan_to_num``'s value for +inf (and its negative for -inf)."""


def _finite(x):  # pragma: no cover - compiled
    if x != x:
        return 0.0
    if x > _BIG:
        return _BIG
    if x < -_BIG:
        return -_BIG
    return x


def _record_one(r, target, vel, vel_prev, has_prev, dt_s, term_accel):  # pragma: no cover
    """One round's record (``_homing_loop``'s body)."""
    j = target[r]
    if j < 0:
        return
    v0, v1, v2 = _finite(vel[j, 0]), _finite(vel[j, 1]), _finite(vel[j, 2])
    if has_prev:
        a0 = _finite((v0 - _finite(vel_prev[j, 0])) / dt_s)
        a1 = _finite((v1 - _finite(vel_prev[j, 1])) / dt_s)
        a2 = _finite((v2 - _finite(vel_prev[j, 2])) / dt_s)
    else:
        a0 = a1 = a2 = 0.0
    speed = math.sqrt(v0 * v0 + v1 * v1 + v2 * v2)
    lat = 0.0
    if speed > 0:
        u0, u1, u2 = v0 / speed, v1 / speed, v2 / speed
        along = a0 * u0 + a1 * u1 + a2 * u2
        w0, w1, w2 = a0 - along * u0, a1 - along * u1, a2 - along * u2
        lat = math.sqrt(w0 * w0 + w1 * w1 + w2 * w2)
    old = term_accel[r]
    if old != old or lat != lat:  # np.maximum: NaN wins
        term_accel[r] = math.nan
    elif lat > old:
        term_accel[r] = lat


def _homing_loop(rows, target, vel, vel_prev, has_prev, dt_s, term_accel):  # pragma: no cover
    for c in range(rows.shape[0]):
        _record_one(rows[c], target, vel, vel_prev, has_prev, dt_s, term_accel)


def _quiet_loop(
    launched,
    done,
    target,
    term_time,
    arrive,
    terminal_range,
    est_vel,
    status,
    flying,
    t_next,
    vel,
    vel_prev,
    has_prev,
    dt_s,
    term_accel,
):  # pragma: no cover - compiled
    homes = False  # some round in the air is in its terminal phase
    for r in range(launched.shape[0]):
        if not launched[r] or done[r]:
            continue
        j = target[r]
        if j >= 0 and status[j] != flying:  # its object died or arrived first
            return False
        tt = term_time[r]
        if tt != tt:  # before its terminal phase: quiet unless that phase may begin now
            e0, e1, e2 = est_vel[r, 0], est_vel[r, 1], est_vel[r, 2]
            closing = math.sqrt(e0 * e0 + e1 * e1 + e2 * e2) + 1_000.0
            if arrive[r] - terminal_range[r] / closing <= t_next:
                return False
        elif math.isinf(tt) or arrive[r] < t_next:  # at its aim point: resolved this tick
            return False
        else:
            homes = True
    if not homes:
        return False
    for r in range(launched.shape[0]):
        if launched[r] and not done[r]:
            _record_one(r, target, vel, vel_prev, has_prev, dt_s, term_accel)
    return True


if njit is not None:
    _finite = njit(inline="always")(_finite)
    _record_one = njit(inline="always")(_record_one)
    _homing_compiled = njit(cache=True, nogil=True)(_homing_loop)
    _quiet_compiled = njit(cache=True, nogil=True)(_quiet_loop)
else:  # pragma: no cover
    _homing_compiled = _quiet_compiled = None


def record_homing(
    rows: np.ndarray,
    target: np.ndarray,
    vel_mps: np.ndarray,
    vel_prev_mps: np.ndarray | None,
    dt_s: float,
    term_accel_mps2: np.ndarray,
) -> bool:
    """For each round of ``rows`` whose ``target`` (threat row, -1 none) is set, raise
    ``term_accel_mps2`` (in place, m/s^2) to its target's lateral acceleration: the velocity
    change from ``vel_prev_mps`` (None: zero) to ``vel_mps`` (N, 3) (m/s) over ``dt_s`` (s),
    across the velocity. False without numba (nothing done: the caller runs its NumPy form)."""
    if _homing_compiled is None:  # pragma: no cover - without numba
        return False
    vel = np.ascontiguousarray(vel_mps, dtype=np.float64)
    prev = vel if vel_prev_mps is None else np.ascontiguousarray(vel_prev_mps, dtype=np.float64)
    _homing_compiled(
        rows, target, vel, prev, vel_prev_mps is not None, float(dt_s), term_accel_mps2
    )
    return True


def quiet_homing_tick(store, threats, flying: int, t_s: float, dt_s: float) -> bool:
    """The fast mode's tick when nothing but the record happens (``InterceptorSystem.step``):
    every round in the air is homing on a target still flying (or on nothing) and none is at
    its aim point (``arrive_s`` >= ``t_s`` + ``dt_s``), or flies before its terminal phase,
    which does not begin at this tick (the very tests of ``_step_fast``, in its arithmetic).
    Then the homing rounds' records are raised as ``record_homing`` does and True is returned
    (at least one homes); otherwise nothing is touched and False is returned (and without
    numba): the caller takes its ordinary path."""
    if _quiet_compiled is None:  # pragma: no cover - without numba
        return False
    vel = np.ascontiguousarray(threats.vel_mps, dtype=np.float64)
    prev = threats.vel_prev_mps
    has_prev = prev is not None
    prev = vel if prev is None else np.ascontiguousarray(prev, dtype=np.float64)
    return bool(
        _quiet_compiled(
            store.launched,
            store.done,
            store.target,
            store.term_time_s,
            store.arrive_s,
            store.params.terminal_range_m,
            store.est_vel_mps,
            threats.status,
            int(flying),
            float(t_s + dt_s),
            vel,
            prev,
            has_prev,
            float(dt_s),
            store.term_accel_mps2,
        )
    )


__all__ = ["quiet_homing_tick", "record_homing"]
