"""The fast fidelity's track bookkeeping of one frame, compiled (numba, cached on disk).

``StatisticalTracker._manage`` scores every held track each frame: a hit when its threat was
detected, a scored frame when a look swept it, the M-of-N confirmation, the deletions (a
tentative track that cannot confirm, a confirmed one after ``delete_misses`` misses, a false
track at the end of its life) and which detections start new tracks. In NumPy that is some
twenty array calls on a few dozen rows, about 40 us a frame of per-call overhead, over 1,400
frames a run. The kernel makes the same integer and boolean updates per track in one pass:
its results are the NumPy form's exactly (``_manage_numpy``, the reference a test compares
against, and the fallback without numba).
"""

from __future__ import annotations

import numpy as np

try:  # numba is optional at run time: without it the NumPy form runs
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None


def _manage_loop(  # pragma: no cover - compiled
    truth_row,
    seen_row,
    n_threats,
    looked,
    expires_s,
    t_s,
    confirm_m,
    confirm_n,
    delete_misses,
    hits,
    n_scans,
    misses,
    confirmed,
    t_confirmed_s,
    k_of,
    gone,
    fresh,
):
    slot = np.full(n_threats, -1, dtype=np.int64)
    for j in range(seen_row.shape[0]):
        slot[seen_row[j]] = j
    held = np.zeros(n_threats, dtype=np.bool_)
    window_mask = (1 << confirm_n) - 1
    for i in range(truth_row.shape[0]):
        r = truth_row[i]
        k = slot[r] if r >= 0 else -1
        k_of[i] = k
        hit = k >= 0
        if r >= 0 and (looked[i] or hit):  # false tracks are never scored
            hits[i] = ((np.int64(hits[i]) << 1) | np.int64(hit)) & 0xFFFFFFFF
            n_scans[i] += 1
            misses[i] = 0 if hit else misses[i] + 1
        h = np.int64(hits[i]) & window_mask
        window = 0
        while h:
            window += h & 1
            h >>= 1
        if not confirmed[i] and window >= confirm_m:
            confirmed[i] = True
            t_confirmed_s[i] = t_s
        if confirmed[i]:
            g = misses[i] >= delete_misses
        else:
            g = window + max(confirm_n - n_scans[i], 0) < confirm_m
        if r < 0 and expires_s[i] <= t_s:
            g = True
        gone[i] = g
        if r >= 0 and not g:
            held[r] = True
    for j in range(seen_row.shape[0]):
        fresh[j] = not held[seen_row[j]]


_manage_compiled = njit(cache=True, nogil=True)(_manage_loop) if njit is not None else None


def manage_frame(
    columns: dict[str, np.ndarray],
    seen_row: np.ndarray,
    n_threats: int,
    looked: np.ndarray,
    expires_s: np.ndarray,
    t_s: float,
    confirm_m: int,
    confirm_n: int,
    delete_misses: int,
    compiled: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One frame of track scoring for the held tracks (``columns``: ``truth_row`` (N,) the
    threat row, -1 a false track; ``hits`` (N,) uint32 the hit history, newest in bit 0;
    ``n_scans``, ``misses`` (N,) int64; ``confirmed`` (N,) bool; ``t_confirmed_s`` (N,) s),
    updated in place, given the threat rows detected this frame ``seen_row`` (D,) (one each,
    of ``n_threats``), which tracks a look swept ``looked`` (N,) bool and the false tracks'
    end of life ``expires_s`` (N,) s, at ``t_s`` (s). Returns ``k_of`` (N,) the detection of
    each track's threat (-1: none), ``gone`` (N,) the tracks to delete and ``fresh`` (D,) the
    detections of threats no remaining track holds (new tentative tracks)."""
    n, d = columns["truth_row"].shape[0], seen_row.shape[0]
    if _manage_compiled is None or not compiled:
        return _manage_numpy(
            columns,
            seen_row,
            n_threats,
            looked,
            expires_s,
            t_s,
            confirm_m,
            confirm_n,
            delete_misses,
        )
    k_of = np.empty(n, dtype=np.int64)
    gone = np.empty(n, dtype=bool)
    fresh = np.empty(d, dtype=bool)
    _manage_compiled(
        columns["truth_row"],
        np.ascontiguousarray(seen_row, dtype=np.int64),
        int(n_threats),
        np.ascontiguousarray(looked, dtype=bool),
        expires_s,
        float(t_s),
        int(confirm_m),
        int(confirm_n),
        int(delete_misses),
        columns["hits"],
        columns["n_scans"],
        columns["misses"],
        columns["confirmed"],
        columns["t_confirmed_s"],
        k_of,
        gone,
        fresh,
    )
    return k_of, gone, fresh


def _manage_numpy(
    tr, seen_row, n_threats, looked, expires_s, t_s, confirm_m, confirm_n, delete_misses
):
    """``manage_frame`` with NumPy array operations: the reference and the fallback."""
    live_real = tr["truth_row"] >= 0
    slot = np.full(n_threats, -1, dtype=np.int64)  # threat row -> its sighting
    slot[seen_row] = np.arange(seen_row.size)
    k_of = np.where(live_real, slot[np.maximum(tr["truth_row"], 0)], -1)
    hit = k_of >= 0
    scored = (looked | hit) & live_real  # false tracks are never scored: they live their life
    hits = np.where(scored, (tr["hits"] << np.uint32(1)) | hit, tr["hits"]).astype(np.uint32)
    tr["hits"][:] = hits
    tr["n_scans"][:] = tr["n_scans"] + scored
    tr["misses"][:] = np.where(scored, np.where(hit, 0, tr["misses"] + 1), tr["misses"])
    window = np.bitwise_count(hits & np.uint32((1 << confirm_n) - 1))
    new = ~tr["confirmed"] & (window >= confirm_m)
    tr["confirmed"][:] = tr["confirmed"] | new
    tr["t_confirmed_s"][:] = np.where(new, t_s, tr["t_confirmed_s"])
    hopeless = ~tr["confirmed"] & (window + np.maximum(confirm_n - tr["n_scans"], 0) < confirm_m)
    lost = tr["confirmed"] & (tr["misses"] >= delete_misses)
    expired = ~live_real & (expires_s <= t_s)
    gone = hopeless | lost | expired
    held = np.zeros(n_threats, dtype=bool)
    keep = live_real & ~gone
    held[tr["truth_row"][keep]] = True
    return k_of, gone, ~held[seen_row]


__all__ = ["manage_frame"]
