"""The end of a full-tracker scan compiled (numba, cached on disk): record, miss score, M-of-N
confirmation and the deletion test, track by track.

``tracking.tracker.tracker_manage`` runs, every frame on a few hundred tracks, the steps of
``management``: ``record_scan`` (shift the hit into the history, count misses, stamp the
update), ``add_score`` (the miss score of every recorded track), ``confirm`` (M of the last N
scans) and ``deletion_mask``. In NumPy these are some forty small array calls a frame, most of
the cost per call; the kernel does the same per track in one pass. Every value is an integer or
bit operation or one float addition, and the position spread is ``sqrt((P00 + P11) + P22)``,
``np.trace``'s order, so the results are bit for bit those of the NumPy steps (the reference
the tests compare against, and the path without numba or with score confirmation).
"""

from __future__ import annotations

import math

import numpy as np

from iads.tracking.management import CONFIRMED, TENTATIVE

try:  # numba is optional at run time: without it the NumPy steps run
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None


def _manage_loop(  # pragma: no cover - compiled; the tests run it through ``manage_scan``
    hits,
    n_scans,
    misses,
    t_update,
    score,
    status,
    t_confirmed,
    P,
    hit,
    record,
    t_s,
    miss_score,
    m,
    n,
    delete_misses,
    max_std,
    tentative_delete_misses,
    out_hits,
    out_n_scans,
    out_misses,
    out_t_update,
    out_score,
    out_status,
    out_t_confirmed,
    keep,
):
    window = np.uint32((1 << n) - 1)
    for i in range(hits.shape[0]):
        h, ns, ms, tu, sc = hits[i], n_scans[i], misses[i], t_update[i], score[i]
        if record[i]:
            shifted = (np.uint64(h) << np.uint64(1)) | np.uint64(1 if hit[i] else 0)
            h = np.uint32(shifted & np.uint64(0xFFFFFFFF))
            ns = ns + 1
            if hit[i]:
                ms = 0
                tu = t_s
            else:
                ms = ms + 1
            sc = sc + miss_score
        st, tc = status[i], t_confirmed[i]
        bits = h & window
        count = 0
        while bits:
            bits &= bits - np.uint32(1)
            count += 1
        if st == TENTATIVE and count >= m:
            st, tc = CONFIRMED, t_s
        if st == TENTATIVE:
            dead = count + max(n - ns, 0) < m
            if tentative_delete_misses >= 0 and ms >= tentative_delete_misses:
                dead = True
        else:
            dead = ms >= delete_misses
        if math.sqrt((P[i, 0, 0] + P[i, 1, 1]) + P[i, 2, 2]) > max_std:
            dead = True
        out_hits[i], out_n_scans[i], out_misses[i], out_t_update[i] = h, ns, ms, tu
        out_score[i], out_status[i], out_t_confirmed[i] = sc, st, tc
        keep[i] = not dead


_manage_compiled = njit(cache=True, nogil=True)(_manage_loop) if njit is not None else None


def manage_scan(
    cols: dict[str, np.ndarray],
    P: np.ndarray,
    hit: np.ndarray,
    record: np.ndarray,
    t_s: float,
    miss_score: float,
    m: int,
    n: int,
    delete_misses: int,
    max_position_std_m: float,
    tentative_delete_misses: int | None,
) -> tuple[dict[str, np.ndarray], np.ndarray] | None:
    """One scan's end at ``t_s`` (s) for the track columns ``cols`` (``hits``, ``n_scans``,
    ``misses``, ``t_update_s``, ``score``, ``status``, ``t_confirmed_s``, each (N,)) and
    covariances ``P`` (N, n, n) (m^2): tracks in ``record`` (N,) bool shift in ``hit`` (N,)
    bool and add ``miss_score``; then M-of-N confirmation and the deletion test of
    ``management.deletion_mask`` (position spread in m). Returns the new columns and the
    tracks to keep (N,) bool; None without numba (the caller runs the NumPy steps)."""
    if _manage_compiled is None:  # pragma: no cover - without numba
        return None
    k = hit.shape[0]
    out = {
        "hits": np.empty(k, np.uint32),
        "n_scans": np.empty(k, np.int64),
        "misses": np.empty(k, np.int64),
        "t_update_s": np.empty(k),
        "score": np.empty(k),
        "status": np.empty(k, np.int8),
        "t_confirmed_s": np.empty(k),
    }
    keep = np.empty(k, dtype=bool)
    _manage_compiled(
        cols["hits"],
        cols["n_scans"],
        cols["misses"],
        cols["t_update_s"],
        cols["score"],
        cols["status"],
        cols["t_confirmed_s"],
        P,
        hit,
        record,
        float(t_s),
        float(miss_score),
        int(m),
        int(n),
        int(delete_misses),
        float(max_position_std_m),
        -1 if tentative_delete_misses is None else int(tentative_delete_misses),
        out["hits"],
        out["n_scans"],
        out["misses"],
        out["t_update_s"],
        out["score"],
        out["status"],
        out["t_confirmed_s"],
        keep,
    )
    return out, keep


__all__ = ["manage_scan"]
