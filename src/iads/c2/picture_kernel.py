"""The command post's picture extrapolation (``picture.extrapolate``), compiled (numba, cached).

Every decision the post extrapolates the few dozen tracks it holds to the decision time, level
flight kept where the climb rate is not significant (``picture.level_if_indistinguishable``):
in NumPy some twenty array calls on those rows, about 40 us a frame. The kernel does it row by
row with the same operations in the same order: the local vertical from the earth's centre,
its length and the climb rate summed over the three axes left to right (``np.add.reduce`` on
three values), the climb variance u^T P u in ``np.einsum``'s own order as measured (one
running sum over i then j for several rows; for a single row, a sum per i, added; the variance
enters only the level test, so its last bits could matter only at that test's very edge), the
velocity sigma from the trace; so every number is the NumPy form's, bit for bit (a test
compares them).
"""

from __future__ import annotations

import math

import numpy as np

try:  # numba is optional at run time: without it the NumPy form runs
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None

from iads.sensors.geometry import EARTH_RADIUS_M


def _extrapolate_loop(x, P, time_s, std, rows, t_s, centre_z, n_sigma, pos, vel, pos_std):
    # pragma: no cover - compiled
    n = pos.shape[0]
    for out in range(n):
        k = out if rows is None else rows[out]  # the picture's row out is report row k
        u0, u1, u2 = x[k, 0], x[k, 1], x[k, 2] - centre_z  # the centre is (0, 0, centre_z)
        length = math.sqrt(u0 * u0 + u1 * u1 + u2 * u2)
        u0, u1, u2 = u0 / length, u1 / length, u2 / length
        v0, v1, v2 = x[k, 3], x[k, 4], x[k, 5]
        climb = v0 * u0 + v1 * u1 + v2 * u2
        u = (u0, u1, u2)
        var = 0.0
        for i in range(3):
            if n == 1:
                part = 0.0
                for j in range(3):
                    part += u[i] * P[k, 3 + i, 3 + j] * u[j]
                var += part
            else:
                for j in range(3):
                    var += u[i] * P[k, 3 + i, 3 + j] * u[j]
        floor = var if (var > 0.0 or var != var) else 0.0  # np.maximum: NaN wins
        w = climb if abs(climb) < n_sigma * math.sqrt(floor) else 0.0
        v0, v1, v2 = v0 - w * u0, v1 - w * u1, v2 - w * u2
        age = t_s - time_s[k]
        vel[out, 0], vel[out, 1], vel[out, 2] = v0, v1, v2
        pos[out, 0] = x[k, 0] + v0 * age
        pos[out, 1] = x[k, 1] + v1 * age
        pos[out, 2] = x[k, 2] + v2 * age
        vel_std = math.sqrt(P[k, 3, 3] + P[k, 4, 4] + P[k, 5, 5])
        pos_std[out] = std[k] + vel_std * age


_extrapolate_compiled = (
    njit(cache=True, nogil=True)(_extrapolate_loop) if njit is not None else None
)


def extrapolate_arrays(
    x: np.ndarray,
    P: np.ndarray,
    time_s: np.ndarray,
    position_std_m: np.ndarray,
    t_s: float,
    origin_alt_m: float,
    n_sigma: float,
    rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Reports' states ``x`` (K, 6) and covariances ``P`` (K, 6, 6) (ENU m, m/s) at
    ``time_s`` (K,) with position sigmas (K,) m, extrapolated to ``t_s`` (s): positions and
    velocities (K, 3) and position sigmas (K,), as ``picture.extrapolate``; only the report
    rows ``rows`` (K',) int, in their order, when given (as on the reports selected). None
    without numba (the caller runs its NumPy form)."""
    if _extrapolate_compiled is None:  # pragma: no cover - without numba
        return None
    k = x.shape[0] if rows is None else rows.shape[0]
    pos, vel, pos_std = np.empty((k, 3)), np.empty((k, 3)), np.empty(k)
    f64 = np.float64
    _extrapolate_compiled(
        np.ascontiguousarray(x, dtype=f64),
        np.ascontiguousarray(P, dtype=f64),
        np.ascontiguousarray(time_s, dtype=f64),
        np.ascontiguousarray(position_std_m, dtype=f64),
        None if rows is None else np.ascontiguousarray(rows, dtype=np.int64),
        float(t_s),
        -(EARTH_RADIUS_M + float(origin_alt_m)),
        float(n_sigma),
        pos,
        vel,
        pos_std,
    )
    return pos, vel, pos_std


__all__ = ["extrapolate_arrays"]
