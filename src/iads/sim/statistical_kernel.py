"""The fast fidelity's track bookkeeping of one frame, compiled (numba, cached on disk).

``StatisticalTracker._manage`` scores every held track each frame: a hit when its threat was
detected, a scored frame when a look swept it, the M-of-N confirmation, the deletions (a
tentative track that cannot confirm, a confirmed one after ``delete_misses`` misses, a false
track at the end of its life) and which detections start new tracks. In NumPy that is some
twenty array calls on a few dozen rows, about 40 us a frame of per-call overhead, over 1,400
frames a run. The kernel makes the same integer and boolean updates per track in one pass:
its results are the NumPy form's exactly (``_manage_numpy``, the reference a test compares
against, and the fallback without numba).

``track_frame`` is the whole of a frame's bookkeeping in one call (about 33 us a frame of
array calls in Python): which held tracks a look swept (each track's position predicted with
the CV model, then the arc test of ``tracking.looks_kernel`` radar by radar), the scoring
above, and the hit tracks' states and covariances set from their sightings. The same
arithmetic in the same order as ``StatisticalTracker._manage_steps``, its reference (a test
compares them bit for bit).
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


def _track_frame_loop(  # pragma: no cover - compiled
    x,
    P,
    t_upd,
    t_s,
    antenna,
    min_r,
    max_r,
    arc_lo,
    start,
    sweep,
    truth_row,
    seen_row,
    n_threats,
    expires_s,
    confirm_m,
    confirm_n,
    delete_misses,
    hits,
    n_scans,
    misses,
    confirmed,
    t_confirmed_s,
    seen_error,
    seen_P,
    th_pos,
    th_vel,
    k_of,
    gone,
    fresh,
):
    n = x.shape[0]
    looked = np.zeros(n, dtype=np.bool_)
    if n:
        est = np.empty((n, 3))
        for i in range(n):  # x[:, :3] + x[:, 3:] * (t - t_upd): the CV prediction
            dt = t_s - t_upd[i]
            for k in range(3):
                est[i, k] = x[i, k] + x[i, 3 + k] * dt
        for r in range(antenna.shape[0]):
            lo, hi = arc_lo[r], arc_lo[r + 1]
            if hi > lo:
                _swept(est, antenna[r], min_r[r], max_r[r], start[lo:hi], sweep[lo:hi], looked)
    _manage_compiled(
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
    )
    for i in range(n):  # a hit: truth + the drawn error, the drawn covariance
        k = k_of[i]
        if k >= 0:
            j = seen_row[k]
            for c in range(3):
                x[i, c] = th_pos[j, c] + seen_error[k, c]
                x[i, 3 + c] = th_vel[j, c] + seen_error[k, 3 + c]
            P[i] = seen_P[k]
            t_upd[i] = t_s


if njit is not None:
    # numba's disk cache of track_frame is keyed on this file only: after an edit of
    # looks_kernel._swept_loop, a warm cache keeps the old arc test here (an installed
    # package rewrites both files); tests/sim/test_statistical.py's comparison of the frame
    # with its step by step form (which calls looks_kernel) fails then: clear __pycache__
    from iads.tracking.looks_kernel import _swept_compiled as _swept

    _track_frame_compiled = njit(cache=True, nogil=True)(_track_frame_loop)
else:  # pragma: no cover
    _track_frame_compiled = None


def track_frame(
    x: np.ndarray,
    P: np.ndarray,
    t_upd_s: np.ndarray,
    t_s: float,
    arcs: tuple[np.ndarray, ...],
    columns: dict[str, np.ndarray],
    seen: tuple[np.ndarray, np.ndarray, np.ndarray],
    threat_pos_m: np.ndarray,
    threat_vel_mps: np.ndarray,
    expires_s: np.ndarray,
    confirm: tuple[int, int, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """One frame of the held tracks' bookkeeping (module docstring): states ``x`` (N, 6) ENU
    (m, m/s), covariances ``P`` (N, 6, 6) and update times ``t_upd_s`` (N,) s, updated in place
    with the scoring ``columns`` (``manage_frame``) at ``t_s`` (s). ``arcs``: the frame's looks
    per radar, (antenna (R, 3) m, min and max range (R,) m, offsets (R + 1,) into the arcs'
    ``start`` and ``sweep`` (A,) rad); ``seen``: the sightings' threat rows (D,), drawn errors
    (D, 6) and covariances (D, 6, 6); ``confirm``: (confirm_m, confirm_n, delete_misses).
    Returns ``manage_frame``'s ``k_of``, ``gone``, ``fresh``; None without numba."""
    if _track_frame_compiled is None:  # pragma: no cover - without numba
        return None
    n, d = x.shape[0], seen[0].shape[0]
    if not (P.shape[0] == t_upd_s.shape[0] == columns["truth_row"].shape[0] == n):
        raise ValueError("track_frame: track arrays of different lengths")
    if not (seen[1].shape[0] == seen[2].shape[0] == d):
        raise ValueError("track_frame: sighting arrays of different lengths")
    if expires_s.shape[0] != n or threat_vel_mps.shape[0] != threat_pos_m.shape[0]:
        raise ValueError("track_frame: track or threat arrays of different lengths")
    antenna, lo, hi, offsets, start, sweep = arcs
    r = antenna.shape[0]
    if not (lo.shape[0] == hi.shape[0] == offsets.shape[0] - 1 == r) or start.shape != sweep.shape:
        raise ValueError("track_frame: radar or arc arrays of different lengths")
    if offsets[0] != 0 or offsets[-1] != start.shape[0] or (np.diff(offsets) < 0).any():
        raise ValueError("track_frame: arc offsets outside the arcs")
    k_of = np.empty(n, dtype=np.int64)
    gone = np.empty(n, dtype=bool)
    fresh = np.empty(d, dtype=bool)
    _track_frame_compiled(
        x, P, t_upd_s, float(t_s), *arcs,
        columns["truth_row"], seen[0], int(threat_pos_m.shape[0]), expires_s,
        int(confirm[0]), int(confirm[1]), int(confirm[2]),
        columns["hits"], columns["n_scans"], columns["misses"], columns["confirmed"],
        columns["t_confirmed_s"], seen[1], seen[2], threat_pos_m, threat_vel_mps,
        k_of, gone, fresh,
    )  # fmt: skip
    return k_of, gone, fresh


def _rotated_loop(axes, pp, pv, vv, P):  # pragma: no cover - compiled
    for n in range(axes.shape[0]):
        for b in range(4):
            var = pp if b == 0 else (pv if b < 3 else vv)
            r = 0 if b < 2 else 3
            c = 0 if b == 0 or b == 2 else 3
            for i in range(3):
                for k in range(3):
                    acc = 0.0  # einsum's sum over j, in its order: ((a b) c) added in turn
                    for j in range(3):
                        acc += axes[n, i, j] * var[n, j] * axes[n, k, j]
                    P[n, r + i, c + k] = acc


_rotated_compiled = njit(cache=True, nogil=True)(_rotated_loop) if njit is not None else None


def rotated_covariance(
    axes: np.ndarray, pp: np.ndarray, pv: np.ndarray, vv: np.ndarray, compiled: bool = True
) -> np.ndarray:
    """(D, 6, 6) ENU covariance (m^2, m^2/s, m^2/s^2) of per-axis position variances ``pp``
    (m^2), position-velocity covariances ``pv`` (m^2/s) and velocity variances ``vv``
    (m^2/s^2), each (D, 3), along the unit columns of ``axes`` (D, 3, 3): each 3 x 3 block
    ``A diag(var) A'``; compiled, or with ``np.einsum`` (the reference, the same bits)."""
    d = axes.shape[0]
    P = np.zeros((d, 6, 6))
    if compiled and _rotated_compiled is not None:
        _rotated_compiled(
            np.ascontiguousarray(axes, dtype=np.float64),
            np.ascontiguousarray(pp, dtype=np.float64),
            np.ascontiguousarray(pv, dtype=np.float64),
            np.ascontiguousarray(vv, dtype=np.float64),
            P,
        )
        return P
    for blk, var in (((0, 0), pp), ((0, 3), pv), ((3, 0), pv), ((3, 3), vv)):
        r, c = blk
        P[:, r : r + 3, c : c + 3] = np.einsum("dij,dj,dkj->dik", axes, var, axes)
    return P


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


__all__ = ["manage_frame", "rotated_covariance", "track_frame"]
