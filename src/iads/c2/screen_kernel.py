"""The command post's screen before a decision, compiled (numba, cached on disk).

``CommandPost._within_reach`` in NumPy (the reference the tests compare against, and the
fallback without numba) builds, for every candidate round r and track j, the segment on which
the PIP can lie (from the track's position at the round's launch to its position a longest
flight later) and asks two conservative screens whether a feasible PIP may lie on it: the
type's ground range from the launcher (``envelope.may_reach``) and the fire-control sectors
(``fire_channels.sector_may_cover``; every formula is the one documented there). The decision
only needs to know which tracks some round passes both with, and in most decisions none; the
NumPy form pays its small array calls on a few rounds against a few dozen tracks every decision
period.
``tracks_may_pass`` walks the pairs with the same floating-point operations and, per track,
stops at the first round that passes both, so it answers exactly as the NumPy form. It answers
per track so that the decision asks once: the screen of the eligible tracks is the answer on
those rows (a pair's test reads that pair only).
"""

from __future__ import annotations

import numpy as np

try:  # numba is optional at run time: without it the NumPy screen runs
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None


def _tracks_may_pass(
    launcher_m, delay_s, t_max_s, reach_m, pos_m, vel_mps, antenna_m, arcs, arc_end, margin_m
):  # pragma: no cover - compiled
    """(T,) bool: track j has some round r with which the pair passes both screens. Round r:
    launcher ``launcher_m[r]`` (3,) ENU m, launch ``delay_s[r]`` s from now, longest flight
    ``t_max_s[r]`` s, ground range ``reach_m[r]`` m (the type's maximum plus
    ``envelope.REACH_SCREEN_MARGIN_M``); track j at ``pos_m[j]`` m moving at ``vel_mps[j]`` m/s.
    Fire-control radar q at ``antenna_m[q]`` scans the arcs ``arcs[arc_end[q - 1]:arc_end[q]]``
    (rows cos start, sin start, cos end, sin end); ``margin_m`` the sector screen's margin.
    A radar with an arc of pi or more is never ruled out: the caller passes no radars then and
    asks the range screen only (``arc_end`` of -1)."""
    n_r, n_t, n_q = delay_s.shape[0], pos_m.shape[0], antenna_m.shape[0]
    every_sector = arc_end.shape[0] == 1 and arc_end[0] < 0
    m = -margin_m
    out = np.zeros(n_t, np.bool_)
    for j in range(n_t):
        for r in range(n_r):
            if _pair_may_pass(
                launcher_m, delay_s, t_max_s, reach_m, pos_m, vel_mps, antenna_m, arcs, arc_end,
                m, every_sector, n_q, r, j,
            ):  # fmt: skip
                out[j] = True
                break
    return out


def _pair_may_pass(
    launcher_m, delay_s, t_max_s, reach_m, pos_m, vel_mps, antenna_m, arcs, arc_end, m,
    every_sector, n_q, r, j,
):  # fmt: skip  # pragma: no cover - compiled
    """Whether round r and track j pass both screens (``m`` the negated sector margin)."""
    reach = reach_m[r]
    sx = pos_m[j, 0] + vel_mps[j, 0] * delay_s[r]
    sy = pos_m[j, 1] + vel_mps[j, 1] * delay_s[r]
    ex = sx + vel_mps[j, 0] * t_max_s[r]
    ey = sy + vel_mps[j, 1] * t_max_s[r]
    ax, ay = sx - launcher_m[r, 0], sy - launcher_m[r, 1]
    dx, dy = ex - sx, ey - sy
    dd = dx * dx + dy * dy
    u = 0.0
    if dd > 0.0:
        u = -(ax * dx + ay * dy) / dd
        if u != u:  # NaN stays NaN, as np.clip leaves it
            pass
        elif u < 0.0:
            u = 0.0
        elif u > 1.0:
            u = 1.0
    nx, ny = ax + u * dx, ay + u * dy
    if nx * nx + ny * ny > reach * reach:
        return False  # beyond the type's ground range
    if every_sector:
        return True
    for q in range(n_q):
        e0, n0 = sx - antenna_m[q, 0], sy - antenna_m[q, 1]
        e1, n1 = ex - antenna_m[q, 0], ey - antenna_m[q, 1]
        first = 0 if q == 0 else arc_end[q - 1]
        for a in range(first, arc_end[q]):
            c, s, ce, se = arcs[a, 0], arcs[a, 1], arcs[a, 2], arcs[a, 3]
            before_start = (e0 * c - n0 * s < m) and (e1 * c - n1 * s < m)
            after_end = (n0 * se - e0 * ce < m) and (n1 * se - e1 * ce < m)
            if not (before_start or after_end):
                return True
    return False


if njit is not None:
    _pair_may_pass = njit(cache=True, nogil=True)(_pair_may_pass)
    tracks_may_pass = njit(cache=True, nogil=True)(_tracks_may_pass)
else:  # pragma: no cover
    tracks_may_pass = None


__all__ = ["tracks_may_pass"]
