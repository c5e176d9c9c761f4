"""The distances and gate of the scoring's track-to-truth match, compiled (numba, cached).

``scoring.match_truth`` labels each reported track with the threat nearest to it, within
max(gate, 5 sigma) (``gate_costs`` its compiled gate; the recorder itself now calls
``frame_gate``, which inlines the same loop): a (tracks x threats) distance matrix of a few thousand pairs,
in NumPy a broadcast difference, its norm and half a dozen reductions, about 40 us a frame.
The kernel computes each pair's distance with the same operations in the same order as
``vectors.norm`` (``sqrt(dx dx + dy dy + dz dz)``), so the distances, the gate's verdicts and
the cost matrix are the NumPy form's bit for bit (a test compares them).

``frame_gate`` is the scoring recorder's whole per-frame screen in one call: which threats a
unit may be credited with (in flight and seen within its window, ``Scoring._match``), then
the gate against those, and whether the gated pairs share no track and no truth (the match
is then the gated pairs, without the solver). ``frame_labels`` is the recorder's bookkeeping
after the match (threat ids, first tracks, labels changed since the unit's last frame), its
NumPy form ``scoring.frame_labels`` bit for bit; ``plot_sightings`` the recorder's note of a
radar's plots (last time seen, first detections).
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


def _frame_loop(track_pos, track_std, th_pos, active, last_seen_s, t_s, window_s, gate_m):
    n, k = th_pos.shape[0], track_pos.shape[0]  # pragma: no cover - compiled
    flying = np.empty(n, dtype=np.int64)
    f = 0
    for j in range(n):
        if active[j] and t_s - last_seen_s[j] <= window_s:  # the recorder's window screen
            flying[f] = j
            f += 1
    flying = flying[:f].copy()
    truth_pos = np.empty((f, 3))
    for j in range(f):
        truth_pos[j] = th_pos[flying[j]]
    cost = np.empty((k, f))
    per_track = np.zeros(k, dtype=np.int64)
    per_truth = np.zeros(f, dtype=np.int64)
    first = np.empty(k, dtype=np.int64)
    _gate_inline(track_pos, track_std, truth_pos, gate_m, cost, per_track, per_truth, first)
    unique = True
    for i in range(k):
        unique = unique and per_track[i] <= 1
    for j in range(f):
        unique = unique and per_truth[j] <= 1
    return flying, cost, first, unique


def _labels_loop(match, flying, threat_id, tracked, numbers, prev_numbers, prev_truth):
    k, p = match.shape[0], prev_numbers.shape[0]  # pragma: no cover - compiled
    truth = np.full(k, -1, dtype=np.int64)
    for i in range(k):
        if match[i] >= 0:
            if match[i] >= flying.shape[0] or flying[match[i]] >= threat_id.shape[0]:
                raise IndexError("a match outside the threats")
            truth[i] = threat_id[flying[match[i]]]
            if truth[i] >= tracked.shape[0]:
                raise IndexError("a threat id outside the tracked flags")
    new = np.empty(k, dtype=np.int64)  # first rows of threats not tracked before
    n_new = 0
    for i in range(k):
        tid = truth[i]
        if tid >= 0 and not tracked[tid]:
            seen = False
            for j in range(n_new):
                seen = seen or truth[new[j]] == tid
            if not seen:
                new[n_new] = i
                n_new += 1
    new = new[:n_new]
    new = new[np.argsort(truth[new], kind="mergesort")]  # np.unique's order: by threat id
    changed = np.ones(k, dtype=np.bool_)
    if p:
        for i in range(k):
            at = min(np.searchsorted(prev_numbers, numbers[i]), p - 1)
            changed[i] = not (prev_numbers[at] == numbers[i] and prev_truth[at] == truth[i])
    order = np.argsort(numbers, kind="mergesort")  # stable, as the NumPy form
    return truth, new, changed, numbers[order], truth[order]


def _sightings_loop(truth_id, time_s, last_seen_s, note_seen, seen):
    n, m = seen.shape[0], truth_id.shape[0]  # pragma: no cover - compiled
    first = np.full(n, -1, dtype=np.int64)  # each threat's first plot this batch
    for k in range(m):
        i = truth_id[k]
        if i < 0:
            continue
        if i >= n:
            raise IndexError("a plot's threat id is not a threat row")
        if note_seen:  # np.maximum.at: NaN wins
            a, b = last_seen_s[i], time_s[k]
            last_seen_s[i] = a if a != a else (b if b != b else (a if a >= b else b))
        if first[i] < 0:
            first[i] = k
    rows = np.empty(n, dtype=np.int64)
    at = np.empty(n, dtype=np.int64)
    f = 0
    for i in range(n):  # in threat order, as np.unique
        if first[i] >= 0 and not seen[i]:
            seen[i] = True
            rows[f] = i
            at[f] = first[i]
            f += 1
    return rows[:f].copy(), at[:f].copy()


if njit is not None:
    _gate_inline = njit(cache=True, nogil=True, inline="always")(_gate_loop)
    _sightings_compiled = njit(cache=True, nogil=True)(_sightings_loop)
    _frame_compiled = njit(cache=True, nogil=True)(_frame_loop)
    _labels_compiled = njit(cache=True, nogil=True)(_labels_loop)
else:  # pragma: no cover - without numba
    _frame_compiled = _labels_compiled = _sightings_compiled = None


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


def frame_gate(
    track_pos_m: np.ndarray,
    track_std_m: np.ndarray,
    threat_pos_m: np.ndarray,
    active: np.ndarray,
    last_seen_s: np.ndarray,
    t_s: float,
    window_s: float,
    gate_m: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool] | None:
    """One frame of the scoring's screen: the rows ``flying`` (F,) of the threats in flight
    (``active`` (N,) bool) last seen within ``window_s`` of ``t_s`` (``last_seen_s`` (N,), s;
    -inf: never), the cost matrix (K, F) of tracks (K, 3) with sigmas (K,) against those
    threats' ``threat_pos_m`` (ENU, m) as ``gate_costs``, each track's first gated threat (K,;
    -1 none) and whether no track and no threat is in two gated pairs. None without numba."""
    if _frame_compiled is None:  # pragma: no cover - without numba
        return None
    n = threat_pos_m.shape[0]
    if (
        active.shape != (n,)
        or last_seen_s.shape != (n,)
        or track_std_m.shape[0] != len(track_pos_m)
    ):
        raise ValueError("frame_gate: threat or track arrays of different lengths")
    return _frame_compiled(
        np.ascontiguousarray(track_pos_m, dtype=np.float64),
        np.ascontiguousarray(track_std_m, dtype=np.float64),
        np.ascontiguousarray(threat_pos_m, dtype=np.float64),
        np.ascontiguousarray(active, dtype=np.bool_),
        np.ascontiguousarray(last_seen_s, dtype=np.float64),
        float(t_s),
        float(window_s),
        float(gate_m),
    )


def frame_labels(
    match: np.ndarray,
    flying: np.ndarray,
    threat_id: np.ndarray,
    tracked: np.ndarray,
    numbers: np.ndarray,
    prev_numbers: np.ndarray,
    prev_truth: np.ndarray,
) -> tuple[np.ndarray, ...] | None:
    """The scoring's bookkeeping of one unit's frame (``scoring.frame_labels``, its NumPy
    form, bit for bit): each track's threat id (K,; -1 none) from its ``match`` among the
    threat rows ``flying``; the rows that first track a threat not ``tracked`` before (one a
    threat, by threat id); which tracks' labels differ from the unit's last frame
    (``prev_numbers`` sorted, ``prev_truth``); this frame's numbers sorted and their labels.
    None without numba."""
    if _labels_compiled is None:  # pragma: no cover - without numba
        return None
    return _labels_compiled(
        np.ascontiguousarray(match, dtype=np.int64),
        np.ascontiguousarray(flying, dtype=np.int64),
        np.ascontiguousarray(threat_id, dtype=np.int64),
        np.ascontiguousarray(tracked, dtype=np.bool_),
        np.ascontiguousarray(numbers, dtype=np.int64),
        np.ascontiguousarray(prev_numbers, dtype=np.int64),
        np.ascontiguousarray(prev_truth, dtype=np.int64),
    )


def plot_sightings(
    truth_id: np.ndarray, time_s: np.ndarray, last_seen_s: np.ndarray | None, seen: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """One radar's plots (``truth_id`` (M,), -1 false; ``time_s`` (M,) s) noted by the
    scoring, in place: each threat's last time seen by the unit (``last_seen_s`` (N,), the
    latest; None: the radar has no unit) and whether this radar has seen it (``seen`` (N,)).
    Returns the threats seen for the first time (rows, ascending) and the index of each one's
    first plot. Its NumPy form, bit for bit: ``scoring.sightings``. None without numba."""
    if _sightings_compiled is None:  # pragma: no cover - without numba
        return None
    note = last_seen_s is not None
    return _sightings_compiled(
        np.ascontiguousarray(truth_id, dtype=np.int64),
        np.ascontiguousarray(time_s, dtype=np.float64),
        last_seen_s if note else np.empty(0),
        note,
        seen,
    )


__all__ = ["REFUSED", "frame_gate", "frame_labels", "gate_costs", "plot_sightings"]
