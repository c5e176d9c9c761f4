"""Multi-target tracking metrics, implemented once for tests, benchmarks, CLI and analysis.

* GOSPA, Rahmathullah, Garcia-Fernandez and Svensson, "Generalized optimal sub-pattern
  assignment metric", FUSION 2017, with alpha = 2 so that it splits into a localisation part
  (sum of d^p over assigned pairs with d < c), a missed part (c^p / 2 per missed target) and a
  false part (c^p / 2 per false track); ``distance = (localisation + missed + false)^(1/p)``.
  The parts are in units of m^p, as in Stone Soup's ``GOSPAMetric``.
* OSPA, Schuhmacher, Vo and Vo, "A consistent metric for performance evaluation of multi-object
  filters", IEEE TSP 56(8), 2008.
* Over a whole run (:func:`score_tracks`): mean GOSPA and OSPA, position and velocity RMSE over
  the GOSPA-assigned pairs, track purity, ID switches, track breaks and time to confirm.

Distances are Euclidean on position (m). Points are arrays ``(n, d)``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = ["GospaResult", "gospa", "ospa", "score_tracks"]


@dataclass(frozen=True)
class GospaResult:
    """GOSPA (alpha = 2) at one time: the distance and its parts (parts in m^p).

    ``pairs`` is an array ``(k, 2)`` of (truth index, estimate index) with distance < c.
    """

    distance: float
    localisation: float
    missed: float
    false: float
    n_missed: int
    n_false: int
    pairs: np.ndarray


def _distances(truth_m: np.ndarray, est_m: np.ndarray) -> np.ndarray:
    a = np.asarray(truth_m, dtype=float)
    b = np.asarray(est_m, dtype=float)
    return np.sqrt(np.sum((a[:, None, :] - b[None, :, :]) ** 2, axis=-1))


def _points(truth_m: np.ndarray, est_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(truth_m, dtype=float)
    b = np.asarray(est_m, dtype=float)
    dim = a.shape[-1] if a.ndim == 2 else (b.shape[-1] if b.ndim == 2 else 3)
    return a.reshape(-1, dim), b.reshape(-1, dim)


def gospa(truth_m: np.ndarray, est_m: np.ndarray, c: float, p: float = 2.0) -> GospaResult:
    """GOSPA with alpha = 2 between truth points ``(n, d)`` and estimates ``(m, d)``.

    ``d^(c)_p(X, Y)^p = min over assignments of sum of d(x, y)^p over pairs with d < c, plus
    c^p / 2 for each missed truth and each false estimate`` (Rahmathullah et al. 2017, eq. 2).
    """
    truth, est = _points(truth_m, est_m)
    n, m = truth.shape[0], est.shape[0]
    half = c**p / 2.0
    pairs = np.empty((0, 2), dtype=np.int64)
    loc = 0.0
    if n and m:
        d = _distances(truth, est)
        cost = np.minimum(d, c) ** p
        rows, cols = linear_sum_assignment(cost)
        keep = d[rows, cols] < c
        pairs = np.stack([rows[keep], cols[keep]], axis=1).astype(np.int64)
        loc = float(np.sum(d[rows[keep], cols[keep]] ** p))
    k = pairs.shape[0]
    missed = (n - k) * half
    false = (m - k) * half
    return GospaResult(
        distance=float((loc + missed + false) ** (1.0 / p)),
        localisation=loc,
        missed=float(missed),
        false=float(false),
        n_missed=n - k,
        n_false=m - k,
        pairs=pairs,
    )


def ospa(truth_m: np.ndarray, est_m: np.ndarray, c: float, p: float = 2.0) -> float:
    """OSPA distance (Schuhmacher et al. 2008, eq. 3) between ``(n, d)`` and ``(m, d)`` sets.

    ``(1/max(n,m) (min over assignments of sum min(d, c)^p + c^p |m - n|))^(1/p)``; 0 if both
    sets are empty.
    """
    truth, est = _points(truth_m, est_m)
    n, m = truth.shape[0], est.shape[0]
    if n == 0 and m == 0:
        return 0.0
    total = c**p * abs(m - n)
    if n and m:
        cost = np.minimum(_distances(truth, est), c) ** p
        rows, cols = linear_sum_assignment(cost)
        total += float(np.sum(cost[rows, cols]))
    return float((total / max(n, m)) ** (1.0 / p))


_POS = ("x_m", "y_m", "z_m")
_VEL = ("vx_mps", "vy_mps", "vz_mps")


def _time_keys(t_s: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(t_s, dtype=float) * 1e6).astype(np.int64)


def score_tracks(
    truth: Mapping[str, np.ndarray],
    tracks: Mapping[str, np.ndarray],
    cutoff_m: float = 5000.0,
    p: float = 2.0,
    per_scan: bool = False,
) -> dict[str, object]:
    """Score a track file against truth at each truth time (times matched to the microsecond).

    ``truth`` has columns ``time_s, target_id, x_m, y_m, z_m, vx_mps, vy_mps, vz_mps``;
    ``tracks`` has ``time_s, track_id`` and the same state columns. At every truth time the
    GOSPA assignment (cut-off ``cutoff_m``) pairs targets with tracks; the other figures use
    those pairs:

    * ``gospa_m``, ``gospa_localisation_m2``, ``gospa_missed_m2``, ``gospa_false_m2``,
      ``ospa_m``: means over truth times (parts in m^p as in :class:`GospaResult`);
    * ``position_rmse_m``, ``velocity_rmse_mps``: over all assigned pairs;
    * ``track_purity``: mean over tracks of the share of a track's assigned times spent on its
      most frequent target;
    * ``id_switches``: changes of the track assigned to a target between its assigned times;
    * ``track_breaks``: times a target goes from assigned to unassigned before its last time;
    * ``time_to_confirm_s``: mean over targets of first assigned time minus first truth time
      (targets never assigned are counted in ``targets_never_tracked``).

    With ``per_scan``, ``"per_scan"`` holds the columns behind the means, one row per truth
    time: ``time_s, gospa_m, gospa_localisation_m2, gospa_missed_m2, gospa_false_m2,
    n_missed, n_false, ospa_m``.
    """
    t_truth = _time_keys(truth["time_s"])
    t_track = _time_keys(tracks["time_s"])
    truth_pos = np.stack([np.asarray(truth[c], dtype=float) for c in _POS], axis=1)
    truth_vel = np.stack([np.asarray(truth[c], dtype=float) for c in _VEL], axis=1)
    track_pos = np.stack([np.asarray(tracks[c], dtype=float) for c in _POS], axis=1)
    track_vel = np.stack([np.asarray(tracks[c], dtype=float) for c in _VEL], axis=1)
    target_id = np.asarray(truth["target_id"]).astype(np.int64)
    track_id = np.asarray(tracks["track_id"]).astype(np.int64)

    order = np.argsort(t_track, kind="stable")
    keys_sorted = t_track[order]
    times = np.unique(t_truth)
    gos, loc, mis, fal, osp, n_mis, n_fal = [], [], [], [], [], [], []
    pos_err2, vel_err2 = [], []
    assigned: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    for key in times:
        ti = np.flatnonzero(t_truth == key)
        lo, hi = np.searchsorted(keys_sorted, [key, key + 1])
        ei = order[lo:hi]
        g = gospa(truth_pos[ti], track_pos[ei], cutoff_m, p)
        gos.append(g.distance)
        loc.append(g.localisation)
        mis.append(g.missed)
        fal.append(g.false)
        n_mis.append(g.n_missed)
        n_fal.append(g.n_false)
        osp.append(ospa(truth_pos[ti], track_pos[ei], cutoff_m, p))
        paired = dict(zip(g.pairs[:, 0].tolist(), g.pairs[:, 1].tolist(), strict=True))
        for local, row in enumerate(ti):
            j = paired.get(local)
            if j is None:
                assigned[int(target_id[row])].append((int(key), None))
                continue
            col = ei[j]
            assigned[int(target_id[row])].append((int(key), int(track_id[col])))
            pos_err2.append(float(np.sum((track_pos[col] - truth_pos[row]) ** 2)))
            vel_err2.append(float(np.sum((track_vel[col] - truth_vel[row]) ** 2)))

    switches = breaks = 0
    confirm_s: list[float] = []
    never = 0
    per_track: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for tgt, seq in assigned.items():
        seq.sort()
        last_track = None
        was_assigned = False
        for _, trk in seq:
            if trk is not None:
                per_track[trk][tgt] += 1
                if last_track is not None and trk != last_track:
                    switches += 1
                last_track = trk
            elif was_assigned:
                breaks += 1
            was_assigned = trk is not None
        firsts = [k for k, trk in seq if trk is not None]
        if firsts:
            confirm_s.append((firsts[0] - seq[0][0]) / 1e6)
        else:
            never += 1
    purities = [max(c.values()) / sum(c.values()) for c in per_track.values()]

    def _mean(values: list[float]) -> float:
        return float(np.mean(values)) if values else float("nan")

    out: dict[str, object] = {
        "gospa_m": _mean(gos),
        "gospa_localisation_m2": _mean(loc),
        "gospa_missed_m2": _mean(mis),
        "gospa_false_m2": _mean(fal),
        "ospa_m": _mean(osp),
        "position_rmse_m": float(np.sqrt(np.mean(pos_err2))) if pos_err2 else float("nan"),
        "velocity_rmse_mps": float(np.sqrt(np.mean(vel_err2))) if vel_err2 else float("nan"),
        "track_purity": _mean(purities),
        "id_switches": int(switches),
        "track_breaks": int(breaks),
        "time_to_confirm_s": _mean(confirm_s),
        "targets": len(assigned),
        "targets_never_tracked": int(never),
        "tracks": int(np.unique(track_id).size),
        "times": int(times.size),
        "cutoff_m": float(cutoff_m),
        "p": float(p),
    }
    if per_scan:
        out["per_scan"] = {
            "time_s": times / 1e6,
            "gospa_m": np.asarray(gos, dtype=float),
            "gospa_localisation_m2": np.asarray(loc, dtype=float),
            "gospa_missed_m2": np.asarray(mis, dtype=float),
            "gospa_false_m2": np.asarray(fal, dtype=float),
            "n_missed": np.asarray(n_mis, dtype=np.int64),
            "n_false": np.asarray(n_fal, dtype=np.int64),
            "ospa_m": np.asarray(osp, dtype=float),
        }
    return out
