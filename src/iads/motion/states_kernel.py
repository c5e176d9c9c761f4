"""Threat states on their routes at many times, compiled (numba, cached on disk).

``Trajectories.states_at`` gives the positions and velocities of R threats at L times (the
fast fidelity's detections drawn ahead, ``sim.statistical``). Its NumPy form loops over the
threats, a ``searchsorted`` and half a dozen array calls each: about 0.8 ms a call for 64
threats, a third of the draw. This kernel does the same per (time, threat): a binary search
of the threat's node times (the last node at or before the time, clipped to the route as
``searchsorted(side="right") - 1``, a NaN time after every node as there) and
``p = p_j + v_j (t - t_j)`` with the same operations in the same order, so every number is the
NumPy form's, bit for bit (a test compares them).
"""

from __future__ import annotations

import numpy as np

try:  # numba is optional at run time: without it the NumPy loop runs
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None


def _states_loop(node_t, node_pos, node_vel, first, last, rows, t, pos, vel):  # pragma: no cover
    for c in range(rows.shape[0]):
        i = rows[c]
        lo = first[i]
        hi = last[i] + 1
        for k in range(t.shape[0]):
            tk = t[k]
            # first node with time > tk, in [lo, hi]; a NaN tk is after every node, as NumPy's
            # searchsorted sorts NaN last (j = hi - 1 there too): hence "not >", not "<="
            a, b = lo, hi
            while a < b:
                m = (a + b) // 2
                if not node_t[m] > tk:
                    a = m + 1
                else:
                    b = m
            j = min(max(a - 1, lo), hi - 1)
            dt = tk - node_t[j]
            for d in range(3):
                v = node_vel[j, d]
                pos[k, c, d] = node_pos[j, d] + v * dt
                vel[k, c, d] = v


_states_compiled = njit(cache=True, nogil=True)(_states_loop) if njit is not None else None


def states_at_compiled(
    node_t: np.ndarray,
    node_pos: np.ndarray,
    node_vel: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    rows: np.ndarray,
    t_s: np.ndarray,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Positions and velocities (L, R, 3) ENU (m, m/s) of the threats ``rows`` (R,) at times
    ``t_s`` (L,) on the routes given by their nodes (``Trajectories`` fields); None without
    numba (the caller runs its NumPy form)."""
    if _states_compiled is None:
        return None
    t = np.ascontiguousarray(t_s, dtype=np.float64)
    r = np.ascontiguousarray(rows, dtype=np.int64)
    pos = np.empty((t.size, r.size, 3))
    vel = np.empty((t.size, r.size, 3))
    _states_compiled(node_t, node_pos, node_vel, first, last, r, t, pos, vel)
    return pos, vel


__all__ = ["states_at_compiled"]
