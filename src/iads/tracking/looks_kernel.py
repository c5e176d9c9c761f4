"""Which tracks a radar's looks swept, compiled (numba, cached on disk).

``tracking.system.looked_at`` asks, every frame, which track positions some look of each radar
swept within its range limits: the test of ``sensors.radar.in_swept_arc`` (azimuth in
``[start, start + sweep)`` clockwise) for every (look, track) pair. Its NumPy form builds a
(looks, tracks) array per radar, a dozen small array calls; the kernel does the same test per
pair and stops at the first look that swept a track. Range and azimuth are
``sensors.geometry.range_azimuth_elevation``'s (``hypot``, ``atan2`` mod 2 pi); the libm
``atan2`` may differ from NumPy's vectorised one in the last bit, so a track exactly on an arc's
edge could be judged differently (a test compares both forms on random geometry).
"""

from __future__ import annotations

import math

import numpy as np

try:  # numba is optional at run time: without it the NumPy form runs
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None

_TWO_PI = 2.0 * math.pi


def _swept_loop(pos, antenna, min_r, max_r, start, sweep, seen):  # pragma: no cover
    for k in range(pos.shape[0]):
        if seen[k]:
            continue
        dx = pos[k, 0] - antenna[0]
        dy = pos[k, 1] - antenna[1]
        dz = pos[k, 2] - antenna[2]
        r = math.hypot(math.hypot(dx, dy), dz)
        if not (min_r <= r <= max_r):  # NaN: never in range
            continue
        az = math.atan2(dx, dy) % _TWO_PI
        for j in range(start.shape[0]):
            if sweep[j] >= _TWO_PI or (az - start[j]) % _TWO_PI < sweep[j]:
                seen[k] = True
                break


_swept_compiled = njit(cache=True, nogil=True)(_swept_loop) if njit is not None else None


def mark_swept(
    pos_m: np.ndarray,
    antenna_m: np.ndarray,
    min_range_m: float,
    max_range_m: float,
    start_rad: np.ndarray,
    sweep_rad: np.ndarray,
    seen: np.ndarray,
) -> bool:
    """Set ``seen[k]`` (K,) bool, in place, where position ``pos_m[k]`` (K, 3) ENU (m) is
    within ``[min_range_m, max_range_m]`` of ``antenna_m`` (3,) and inside some arc ``[start,
    start + sweep)`` (rad, clockwise from north; a sweep of 2 pi or more: every azimuth);
    False without numba (nothing done: the caller runs its NumPy form)."""
    if _swept_compiled is None:  # pragma: no cover - without numba
        return False
    _swept_compiled(
        np.ascontiguousarray(pos_m, dtype=np.float64),
        np.ascontiguousarray(antenna_m, dtype=np.float64),
        float(min_range_m),
        float(max_range_m),
        np.ascontiguousarray(start_rad, dtype=np.float64),
        np.ascontiguousarray(sweep_rad, dtype=np.float64),
        seen,
    )
    return True


__all__ = ["mark_swept"]
