"""The command post's per-frame pass over its commitments, compiled (numba, cached on disk).

Every frame with a round still live, ``CommandPost._uplink_and_cancel`` finds the queued rounds
whose track the picture no longer holds (to withdraw) and the rounds whose track it holds (to
update in flight), and for each of those the track's row in the picture. In NumPy
(``command_post.uplink_rows_numpy``, the reference the tests compare against, and the fallback
without numba) that is a dozen array calls on a few dozen commitments and tracks, some 30 us a
frame; ``uplink_rows`` makes the same comparisons (the launch time against ``t_s + 1e-9`` in
the same double arithmetic) in one pass. Track numbers are unique in a picture
(``TrackReports``: unique in the run), so a round's track has one row there.
"""

from __future__ import annotations

import numpy as np

try:  # numba is optional at run time: without it the NumPy form runs
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None


def _uplink_rows(
    done, launched, withdrawn, launch_time_s, track_number, pic_numbers, t_s
):  # pragma: no cover - compiled
    """Commitments (C,): ``done``, ``launched``, ``withdrawn`` (bool), ``launch_time_s`` (s),
    ``track_number``; the picture's ``pic_numbers`` (T,); now ``t_s`` (s). Returns the rows
    of rounds to withdraw (live, not launched, leaving after ``t_s`` + 1 ns, track not held),
    the rows to uplink (live, not withdrawn, track held), both ascending, and the picture row
    of each uplinked round's track."""
    n, n_t = done.shape[0], pic_numbers.shape[0]
    after = t_s + 1e-9
    gone = np.empty(n, np.int64)
    rows = np.empty(n, np.int64)
    at = np.empty(n, np.int64)
    n_gone = n_rows = 0
    for r in range(n):
        if done[r]:
            continue
        j = -1
        for i in range(n_t):
            if pic_numbers[i] == track_number[r]:
                j = i
                break
        if j < 0:
            if not launched[r] and launch_time_s[r] > after:
                gone[n_gone] = r
                n_gone += 1
        elif not withdrawn[r]:
            rows[n_rows] = r
            at[n_rows] = j
            n_rows += 1
    return gone[:n_gone], rows[:n_rows], at[:n_rows]


uplink_rows = njit(cache=True, nogil=True)(_uplink_rows) if njit is not None else None


__all__ = ["uplink_rows"]
