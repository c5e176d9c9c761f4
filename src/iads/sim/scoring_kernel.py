"""The distances and gate of the scoring's track-to-truth match, compiled (numba, cached).

``scoring.match_truth`` labels each reported track with the threat nearest to it, within
max(gate, 5 sigma), every frame: a (tracks x threats) distance matrix of a few thousand pairs,
in NumPy a broadcast difference, its norm and half a dozen reductions, about 40 us a frame.
The kernel computes each pair's distance with the same operations in the same order as
``vectors.norm`` (``sqrt(dx dx + dy dy + dz dz)``), so the distances, the gate's verdicts and
the cost matrix are the NumPy form's bit for bit (a test compares them).
"""

from __future__ import annotations

import math

import numpy as np

try:  # numba is optional at run time: without it the NumPy form runs
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None

REFUSED = 1e12
"""Cost of a pair outside the gate (m): larger than any sum of gated distances."""


def _gate_loop(track_pos, track_std, truth_pos, gate_m, cost, per_track, per_truth, first):
    for i in range(track_pos.shape[0]):  # pragma: no cover - compiled
        s = 5.0 * track_std[i]
        g = s if s > gate_m or s != s else gate_m  # np.maximum: NaN wins
        first[i] = -1
        for j in range(truth_pos.shape[0]):
            dx = track_pos[i, 0] - truth_pos[j, 0]
            dy = track_pos[i, 1] - truth_pos[j, 1]
            dz = track_pos[i, 2] - truth_pos[j, 2]
            d = math.sqrt(dx * dx + dy * dy + dz * dz)
            if d <= g:
                cost[i, j] = d
                per_track[i] += 1
                per_truth[j] += 1
                if first[i] < 0:
                    first[i] = j
            else:
                cost[i, j] = REFUSED


_gate_compiled = njit(cache=True, nogil=True)(_gate_loop) if njit is not None else None


def gate_costs(
    track_pos_m: np.ndarray, track_std_m: np.ndarray, truth_pos_m: np.ndarray, gate_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """For tracks (K, 3) with position sigmas (K,) and truths (T, 3) (ENU, m): the cost
    matrix (K, T) (the distance within max(``gate_m``, 5 sigma), else ``REFUSED``), how many
    truths each track gates (K,) and how many tracks each truth (T,), and each track's first
    gated truth (K,; -1 none). None without numba (the caller runs its NumPy form)."""
    if _gate_compiled is None:  # pragma: no cover - without numba
        return None
    k, t = track_pos_m.shape[0], truth_pos_m.shape[0]
    cost = np.empty((k, t))
    per_track = np.zeros(k, dtype=np.int64)
    per_truth = np.zeros(t, dtype=np.int64)
    first = np.empty(k, dtype=np.int64)
    _gate_compiled(
        np.ascontiguousarray(track_pos_m, dtype=np.float64),
        np.ascontiguousarray(track_std_m, dtype=np.float64),
        np.ascontiguousarray(truth_pos_m, dtype=np.float64),
        float(gate_m),
        cost,
        per_track,
        per_truth,
        first,
    )
    return cost, per_track, per_truth, first


__all__ = ["REFUSED", "gate_costs"]
