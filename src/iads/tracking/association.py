"""Data association: gating with a spatial index, independent clusters, GNN and JPDA.

Pipeline for one scan of one sensor (Blackman & Popoli, *Design and Analysis of Modern Tracking
Systems*, Artech 1999, ch. 6 and 7; Bar-Shalom, Willett & Tian, *Tracking and Data Fusion*,
YBS 2011, ch. 6 and 8):

1. :func:`gate` finds every (track, plot) pair with ``nu' S^-1 nu <= gate_d2`` in polar
   measurement space. ``d2 <= g`` implies ``|nu_k| <= sqrt(g S_kk)`` for each component, so
   the candidates are the plots inside that box around each predicted plot, found on a sorted
   grid of (range column, azimuth) (:func:`box_pairs`, ``searchsorted``, no Python loop); the
   exact test runs on them only, so the cost grows about linearly with the number of targets
   and the result equals the all-pairs test exactly. The simulation's trackers gate with the
   same test compiled (:mod:`iads.tracking.gate_kernel`).
2. :func:`clusters` splits tracks and plots into independent groups (connected components of
   the bipartite gating graph, by vectorised hooking and pointer jumping).
3. :func:`gnn` solves the best assignment per cluster (one-track or one-plot clusters in bulk,
   the others by a sparse shortest augmenting path, :func:`sparse_assignment`, the algorithm
   of ``scipy.optimize.linear_sum_assignment``); :func:`jpda` gives marginal association
   probabilities, exact by enumeration of the joint events in small clusters and Fitzgerald's
   "cheap JPDA" in larger ones.

Pair costs: ``-2 ln LR`` with the likelihood ratio of "plot j is track i's" against "track i
missed, plot j is clutter", ``LR = Pd g / (lambda (1 - Pd Pg))`` (:func:`pair_cost`), so the
missed-track alternative costs 0 and GNN assigns a gated pair only when it is more likely than
clutter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from iads.tracking.kalman import innovation_polar, nis
from iads.tracking.measurement import AZIMUTH, ELEVATION, RANGE, polar_measure, polar_residual

if TYPE_CHECKING:  # annotations only: numpy.typing is not loaded at run time
    from numpy.typing import ArrayLike, NDArray

    IntArray = NDArray[np.int64]

    Array = NDArray[np.float64]


__all__ = [
    "Gate",
    "box_pairs",
    "sparse_assignment",
    "clusters",
    "gate",
    "gate_radius_m",
    "gnn",
    "jpda",
    "pair_cost",
    "gate_pair_cost",
    "pda_update",
    "plots_to_enu",
]


#: Largest cluster (number of tracks) enumerated exactly by :func:`jpda`.
JPDA_EXACT_MAX_TRACKS = 6
#: Largest number of joint events enumerated exactly by :func:`jpda`.
JPDA_EXACT_MAX_EVENTS = 20_000


@dataclass(frozen=True)
class Gate:
    """Gated (track, plot) pairs of one sensor's scan, with their EKF innovations.

    ``track`` (K,), ``plot`` (K,) indices; ``d2`` (K,) Mahalanobis distance squared;
    ``nu`` (K, m), ``S`` (K, m, m), ``H`` (K, m, n) as from
    :func:`iads.tracking.kalman.innovation_polar`; ``logdet_S`` (K,) is ``ln det S``.
    """

    track: IntArray
    plot: IntArray
    d2: Array
    nu: Array
    S: Array
    H: Array
    logdet_S: Array

    def __len__(self) -> int:
        return int(self.track.shape[0])


def plots_to_enu(z: ArrayLike, sensor_pos_m: ArrayLike) -> Array:
    """Noise-free conversion of polar plots ``z`` (M, >=3) to ENU positions (M, 3) (m)."""
    z = np.asarray(z, dtype=float)
    r, az, el = z[:, RANGE], z[:, AZIMUTH], z[:, ELEVATION]
    ce = np.cos(el)
    u = np.stack([np.sin(az) * ce, np.cos(az) * ce, np.sin(el)], axis=1)
    return np.asarray(sensor_pos_m, dtype=float) + r[:, None] * u


def _gate_bounds(
    x: Array,
    P: Array,
    R_diag_max: Array,
    sensor_pos_m: ArrayLike,
    gate_d2: float,
    range_rate: bool,
) -> tuple[Array, Array, Array]:
    """Predicted plots zhat (N, m), per-component bounds sqrt(g S_kk) (N, m), radii (N,)."""
    return _gate_bounds_S(x, P, R_diag_max, sensor_pos_m, gate_d2, range_rate)[:3]


def _gate_bounds_S(
    x: Array,
    P: Array,
    R_diag_max: Array,
    sensor_pos_m: ArrayLike,
    gate_d2: float,
    range_rate: bool,
) -> tuple[Array, Array, Array, Array, Array]:
    """As :func:`_gate_bounds`, with each track's ``S`` (N, m, m) and ``H`` (N, m, n)."""
    R = np.diag(R_diag_max)
    zhat = polar_measure(x, sensor_pos_m, range_rate)
    _, S, H = innovation_polar(x, P, zhat, R, sensor_pos_m, range_rate)
    sd = np.sqrt(gate_d2 * np.diagonal(S, axis1=-2, axis2=-1))
    angle = np.minimum(sd[:, AZIMUTH] + sd[:, ELEVATION], np.pi)
    radius = sd[:, RANGE] + (zhat[:, RANGE] + sd[:, RANGE]) * angle * (1.0 + 1e-9) + 1e-6
    return zhat, sd, radius, S, H


def gate_radius_m(
    x: ArrayLike,
    P: ArrayLike,
    R_diag_max: ArrayLike,
    sensor_pos_m: ArrayLike,
    gate_d2: float,
    range_rate: bool = False,
) -> Array:
    """Radius (N,) around each predicted position that holds every plot passing the gate.

    If ``nu' S^-1 nu <= g`` then ``|nu_k| <= sqrt(g S_kk)`` for each component k, so the
    plot's range differs by at most ``dr = sqrt(g S_rr)`` and its direction by at most the
    angle ``da + de`` (a path along the parallel then the meridian on the unit sphere). With
    ``p = s + r u``: ``|p1 - p2| <= |r1 - r2| + r2 |u1 - u2| <= dr + (r_hat + dr)(da + de)``.
    ``S`` uses ``R_diag_max`` (m,), the largest noise variances among the plots, so the bound
    holds for every plot. ``x`` (N, n), ``P`` (N, n, n).
    """
    x = np.asarray(x, dtype=float)
    R_diag = np.asarray(R_diag_max, dtype=float)
    return _gate_bounds(x, np.asarray(P, dtype=float), R_diag, sensor_pos_m, gate_d2, range_rate)[2]


def gate(
    x: ArrayLike,
    P: ArrayLike,
    z: ArrayLike,
    R: ArrayLike,
    sensor_pos_m: ArrayLike,
    gate_d2: float,
    range_rate: bool = False,
    compiled: bool = False,
) -> Gate:
    """All (track, plot) pairs with Mahalanobis distance squared ``<= gate_d2``.

    ``x`` (N, n) predicted states, ``P`` (N, n, n), ``z`` (M, m) plots of one sensor (range_m,
    azimuth_rad, elevation_rad[, range_rate_mps]), ``R`` (m, m) or (M, m, m), ``sensor_pos_m``
    (3,). ``d2 <= g`` implies ``|nu_k| <= sqrt(g S_kk)`` for every component k (Cauchy-Schwarz
    on ``S^-1/2 nu``; ``S`` built with the largest plot noise variances of the scan, so the
    bound holds for every plot): candidates inside the range and azimuth bounds come from
    :func:`box_pairs`, those breaking another component's bound are dropped, and the exact test
    runs on the rest in one batched call.

    ``compiled``: the same test by the numba kernel (:mod:`iads.tracking.gate_kernel`; the
    NumPy form is the fallback without numba). Same pairs, values equal to rounding; the
    pairs come in (track, plot) order. Loading the kernel costs about 0.5 s once a process,
    so it pays on long runs gating hundreds of tracks a scan (the simulation's trackers), not
    on a small plot file.
    """
    x = np.asarray(x, dtype=float)
    P = np.asarray(P, dtype=float)
    z = np.asarray(z, dtype=float)
    R = np.asarray(R, dtype=float)
    n_tracks, n_plots = x.shape[0], z.shape[0]
    m, n = z.shape[1] if z.ndim == 2 else (4 if range_rate else 3), x.shape[-1]
    if n_tracks == 0 or n_plots == 0:
        return _empty_gate(m, n)
    R_diag = np.diagonal(R, axis1=-2, axis2=-1).reshape(-1, m).max(axis=0)
    kernel = _kernel() if compiled else None
    if kernel is not None:
        Rk = np.ascontiguousarray(np.broadcast_to(R, (n_plots, m, m)))
        sensor = np.ascontiguousarray(np.broadcast_to(np.asarray(sensor_pos_m, float), (3,)))
        ti, pj, d2, nu, S, logdet, H_t = kernel.gate_pairs(
            np.ascontiguousarray(x),
            np.ascontiguousarray(P),
            np.ascontiguousarray(z[:, :m]),
            Rk,
            sensor,
            R_diag,
            float(gate_d2),
        )
        return Gate(ti, pj, d2, nu, S, H_t[ti], logdet)
    zhat, sd, _, S_t, H_t = _gate_bounds_S(x, P, R_diag, sensor_pos_m, gate_d2, range_rate)
    ti, pj = box_pairs(zhat, sd, z)
    if ti.size == 0:
        return _empty_gate(m, n)
    nu = polar_residual(z[pj], zhat[ti])
    ok = np.all(np.abs(nu) <= sd[ti] * (1.0 + 1e-9), axis=1)
    ti, pj, nu = ti[ok], pj[ok], nu[ok]
    R0 = R if R.ndim == 2 else R[0]
    if np.array_equal(R0, np.diag(R_diag)) and (R.ndim == 2 or np.all(R == R0)):
        # one diagonal noise for every plot: the bounds' S and H are each pair's, bit for bit
        return _keep(ti, pj, nu, S_t[ti], H_t[ti], gate_d2)
    return _exact(x, P, z, R, sensor_pos_m, gate_d2, range_rate, ti, pj)


def _kernel():
    """The ``gate_kernel`` module, or None without numba; imported on first use."""
    from iads.tracking import gate_kernel

    return gate_kernel if gate_kernel.gate_pairs is not None else None


def box_pairs(zhat: ArrayLike, bound: ArrayLike, z: ArrayLike) -> tuple[IntArray, IntArray]:
    """Every (track i, plot j) with ``|r_j - rhat_i| <= bound_i[0]`` and
    ``|wrap(az_j - azhat_i)| <= bound_i[1]`` (a superset: padded by a few ulps).

    ``zhat`` (N, >=2) and ``z`` (M, >=2) are polar (range_m, azimuth_rad, ...), ``bound``
    (N, >=2) the half-widths. The plots are binned into range columns of width twice the
    median range bound, and sorted by (column, azimuth) with copies at -2 pi and +2 pi, so that
    each track reads, for each column its range interval overlaps, one run of plots (two
    ``searchsorted`` on a composite key). Tracks whose azimuth bound reaches pi read whole
    range intervals. No Python loop: ``M log M`` for the sort, ``N log M`` plus the candidates
    for the queries. Returns (track, plot) index arrays.
    """
    zhat = np.asarray(zhat, dtype=float)
    bound = np.asarray(bound, dtype=float)
    z = np.asarray(z, dtype=float)
    empty = np.empty(0, dtype=np.int64)
    n, m = zhat.shape[0], z.shape[0]
    if n == 0 or m == 0:
        return empty, empty.copy()
    two_pi = 2.0 * np.pi
    r = z[:, RANGE]
    az = np.mod(z[:, AZIMUTH], two_pi)
    az[az >= two_pi] = 0.0
    dr = bound[:, RANGE] * (1.0 + 1e-8) + 1e-6
    da = bound[:, AZIMUTH] * (1.0 + 1e-8) + 1e-9
    r0, r_span = float(r.min()), float(r.max() - r.min())
    mid = float(np.partition(dr, dr.size // 2)[dr.size // 2])  # np.median imports numpy.ma
    w = max(2.0 * mid, 1e-3 * r_span, 1e-3)
    col = np.floor((r - r0) / w)
    n_col = float(col.max()) + 1.0
    full = da >= np.pi - 1e-6
    out_t, out_p = [], []
    # range columns x azimuth with copies at -2 pi, 0, +2 pi: key = column * 8 pi + az + 2 pi
    stride = 4.0 * two_pi
    key = np.concatenate(
        [col * stride + az, col * stride + az + two_pi, col * stride + az + 2 * two_pi]
    )
    order = np.argsort(key, kind="stable")
    key = key[order]
    part = np.flatnonzero(~full)
    if part.size:
        rhat, azc = zhat[part, RANGE], np.mod(zhat[part, AZIMUTH], two_pi)
        lo_col = np.clip(np.floor((rhat - dr[part] - r0) / w), 0.0, n_col)
        hi_col = np.clip(np.floor((rhat + dr[part] - r0) / w), -1.0, n_col - 1.0)
        n_cols = np.maximum(hi_col - lo_col + 1.0, 0.0).astype(np.int64)
        q = np.repeat(np.arange(part.size), n_cols)
        q_col = lo_col[q] + (np.arange(q.size) - (np.cumsum(n_cols) - n_cols)[q])
        centre = q_col * stride + azc[q] + two_pi
        lo = np.searchsorted(key, centre - da[part][q], side="left")
        hi = np.searchsorted(key, centre + da[part][q], side="right")
        ti, pj = _expand(part[q], lo, hi, order)
        out_t.append(ti)
        out_p.append(np.mod(pj, m))
    whole = np.flatnonzero(full)
    if whole.size:
        by_range = np.argsort(r, kind="stable")
        rs = r[by_range]
        lo = np.searchsorted(rs, zhat[whole, RANGE] - dr[whole], side="left")
        hi = np.searchsorted(rs, zhat[whole, RANGE] + dr[whole], side="right")
        ti, pj = _expand(whole, lo, hi, by_range)
        out_t.append(ti)
        out_p.append(pj)
    ti = np.concatenate(out_t) if out_t else empty
    pj = np.concatenate(out_p) if out_p else empty
    keep = np.abs(r[pj] - zhat[ti, RANGE]) <= dr[ti]
    return ti[keep], pj[keep]


def _expand(
    owner: IntArray, lo: IntArray, hi: IntArray, order: IntArray
) -> tuple[IntArray, IntArray]:
    """(owner[k], order[lo[k]:hi[k]]) for every k, concatenated."""
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    rep = np.repeat(np.arange(counts.size), counts)
    start = np.cumsum(counts) - counts
    return owner[rep], order[lo[rep] + (np.arange(total) - start[rep])]


def _exact(
    x: Array,
    P: Array,
    z: Array,
    R: Array,
    sensor_pos_m: ArrayLike,
    gate_d2: float,
    range_rate: bool,
    ti: IntArray,
    pj: IntArray,
) -> Gate:
    Rk = R if R.ndim == 2 else R[pj]
    nu, S, H = innovation_polar(x[ti], P[ti], z[pj], Rk, sensor_pos_m, range_rate)
    return _keep(ti, pj, nu, S, H, gate_d2)


def _keep(ti: IntArray, pj: IntArray, nu: Array, S: Array, H: Array, gate_d2: float) -> Gate:
    """The pairs whose ``nu' S^-1 nu <= gate_d2``, as a :class:`Gate`."""
    d2 = nis(nu, S)
    keep = d2 <= gate_d2
    S = S[keep]
    _, logdet = np.linalg.slogdet(S)
    return Gate(ti[keep], pj[keep], d2[keep], nu[keep], S, H[keep], logdet)


def _empty_gate(m: int, n: int) -> Gate:
    e = np.empty(0, dtype=np.int64)
    return Gate(
        e,
        e.copy(),
        np.empty(0),
        np.empty((0, m)),
        np.empty((0, m, m)),
        np.empty((0, m, n)),
        np.empty(0),
    )


def pair_cost(
    d2: ArrayLike,
    logdet_2pi_S: ArrayLike,
    pd: float,
    clutter_density: float,
    gate_prob: float = 1.0,
) -> Array:
    """GNN cost ``-2 ln LR`` of gated pairs (K,); assigning nothing costs 0.

    ``LR = Pd g / (lambda (1 - Pd Pg))`` with the Gaussian likelihood
    ``g = exp(-d2/2) / sqrt(det(2 pi S))`` (``logdet_2pi_S = ln det(2 pi S)``) and ``lambda``
    the clutter density in measurement space (plots per m rad^2 for range, azimuth, elevation).
    """
    d2 = np.asarray(d2, dtype=float)
    ln_lr = (
        np.log(pd)
        - 0.5 * d2
        - 0.5 * np.asarray(logdet_2pi_S, dtype=float)
        - np.log(clutter_density)
        - np.log1p(-pd * gate_prob)
    )
    return -2.0 * ln_lr


def gate_pair_cost(g: Gate, pd: float, clutter_density: float, gate_prob: float = 1.0) -> Array:
    """:func:`pair_cost` of the pairs of a :class:`Gate` (m-dimensional S)."""
    m = g.S.shape[-1]
    return pair_cost(g.d2, g.logdet_S + m * np.log(2.0 * np.pi), pd, clutter_density, gate_prob)


def clusters(
    n_tracks: int, n_plots: int, track: ArrayLike, plot: ArrayLike
) -> tuple[IntArray, IntArray]:
    """Independent clusters: labels (n_tracks,) and (n_plots,) of the connected components of
    the bipartite graph whose edges are the gated pairs ``(track[k], plot[k])``.

    Components are numbered in the order of their lowest node (tracks first, then plots), as
    ``scipy.sparse.csgraph.connected_components`` numbers them. Vectorised: each edge hooks
    the larger label onto the smaller, then labels jump to their label's label, until every
    edge joins equal labels (a few rounds; the number grows with the log of a cluster's size).
    """
    ti = np.asarray(track, dtype=np.int64)
    pj = np.asarray(plot, dtype=np.int64) + n_tracks
    label = np.arange(n_tracks + n_plots, dtype=np.int64)
    while True:
        a, b = label[ti], label[pj]
        if np.array_equal(a, b):
            break
        low = np.minimum(a, b)
        np.minimum.at(label, a, low)  # hook the roots, not only the nodes
        np.minimum.at(label, b, low)
        while True:  # pointer jumping: every node to its root
            nxt = label[label]
            if np.array_equal(nxt, label):
                break
            label = nxt
    _, dense = np.unique(label, return_inverse=True)
    dense = dense.reshape(-1).astype(np.int64)
    return dense[:n_tracks], dense[n_tracks:]


def gnn(
    n_tracks: int, n_plots: int, track: ArrayLike, plot: ArrayLike, cost: ArrayLike
) -> IntArray:
    """Global nearest neighbour: the plot index assigned to each track (-1 for none), (n_tracks,).

    Minimises the sum of ``cost`` over assigned pairs, each track and plot used at most once,
    an unassigned track costing 0 (so a pair with cost >= 0 is never worth taking). Solved in
    bulk, without a loop: clusters with one track, clusters where the tracks' cheapest plots
    all differ (each track takes its cheapest), clusters with one plot (its cheapest track).
    The others go through ``linear_sum_assignment`` on a matrix with one "missed" column per
    track.
    """
    ti = np.asarray(track, dtype=np.int64)
    pj = np.asarray(plot, dtype=np.int64)
    c = np.asarray(cost, dtype=float)
    out = np.full(n_tracks, -1, dtype=np.int64)
    useful = c < 0.0
    ti, pj, c = ti[useful], pj[useful], c[useful]
    if ti.size == 0:
        return out
    if np.bincount(pj).max() == 1:  # no plot shared: every cluster is one track
        return _cheapest(ti, ti, pj, c, out)
    if np.bincount(ti).max() == 1:  # no track with two plots: every cluster is one plot
        return _cheapest(pj, ti, pj, c, out)
    return _gnn_clusters(n_tracks, n_plots, ti, pj, c, out)


def _cheapest(key: IntArray, ti: IntArray, pj: IntArray, c: Array, out: IntArray) -> IntArray:
    """``out`` with the cheapest pair of each ``key`` taken (ties: the first pair)."""
    order = np.lexsort((c, key))
    ks, ts, ps = key[order], ti[order], pj[order]
    first = np.r_[True, ks[1:] != ks[:-1]]
    out[ts[first]] = ps[first]
    return out


def _gnn_clusters(
    n_tracks: int, n_plots: int, ti: IntArray, pj: IntArray, c: Array, out: IntArray
) -> IntArray:
    """:func:`gnn` of the useful pairs by clusters (every case; ``gnn`` takes the two where
    no plot or no track is shared without labelling clusters)."""
    t_lab, p_lab = clusters(n_tracks, n_plots, ti, pj)
    lab = t_lab[ti]
    n_t = np.bincount(t_lab)
    gated = np.zeros(n_plots, dtype=bool)
    gated[pj] = True  # a plot is in one cluster: the distinct plots per cluster
    n_p = np.bincount(p_lab[gated], minlength=n_t.size)
    per_track = (n_t[lab] == 1) | _conflict_free(ti, pj, c, lab, n_plots)
    per_cluster = (n_p[lab] == 1) & ~per_track
    for simple, key in ((per_track, ti), (per_cluster, lab)):
        if np.any(simple):  # the cheapest pair of each track / of each cluster
            _cheapest(key[simple], ti[simple], pj[simple], c[simple], out)
    simple = per_track | per_cluster
    hard = ~simple
    if np.any(hard):
        order = np.argsort(lab[hard], kind="stable")
        lh, th, ph, ch = lab[hard][order], ti[hard][order], pj[hard][order], c[hard][order]
        starts = np.flatnonzero(np.r_[True, lh[1:] != lh[:-1]])
        ends = np.r_[starts[1:], lh.size]
        for s, e in zip(starts, ends, strict=True):
            _lsa(th[s:e], ph[s:e], ch[s:e], out)
    return out


def _conflict_free(
    ti: IntArray, pj: IntArray, c: Array, lab: IntArray, n_plots: int
) -> NDArray[np.bool_]:
    """Pairs (K,) of clusters where every track's cheapest plot is different: there each
    track taking its cheapest plot reaches the lower bound sum_i min_j c_ij, so it is optimal."""
    order = np.lexsort((c, ti))
    first = np.r_[True, ti[order][1:] != ti[order][:-1]]
    best = order[first]  # each track's cheapest pair
    wanted = np.bincount(pj[best], minlength=n_plots)
    clash = np.zeros(int(lab.max()) + 1, dtype=bool)
    clash[lab[best][wanted[pj[best]] > 1]] = True
    return ~clash[lab]


#: Above this many gated pairs a cluster is solved by SciPy's dense solver (imported then).
SPARSE_ASSIGNMENT_MAX_PAIRS = 2000


def _lsa(ti: IntArray, pj: IntArray, c: Array, out: IntArray) -> None:
    tracks, tr = np.unique(ti, return_inverse=True)
    plots, pr = np.unique(pj, return_inverse=True)
    nt, npl = tracks.size, plots.size
    if ti.size > SPARSE_ASSIGNMENT_MAX_PAIRS:
        from scipy.optimize import linear_sum_assignment

        M = np.full((nt, npl + nt), np.inf)
        M[tr, pr] = c
        M[np.arange(nt), npl + np.arange(nt)] = 0.0  # "missed" column of each track
        rows, cols = linear_sum_assignment(M)
        real = cols < npl
        out[tracks[rows[real]]] = plots[cols[real]]
        return
    col_of_row = sparse_assignment(nt, npl, tr, pr, c)
    real = col_of_row >= 0
    out[tracks[real]] = plots[col_of_row[real]]


def sparse_assignment(
    n_rows: int, n_cols: int, row: ArrayLike, col: ArrayLike, cost: ArrayLike
) -> IntArray:
    """Least-cost assignment where each row may also stay unassigned at cost 0: the column of
    each row (n_rows,), -1 for none; each column used at most once; ``(row, col, cost)`` are the
    allowed pairs (K,). Same problem as ``linear_sum_assignment`` on ``[C | diag(0)]`` with
    ``inf`` for the pairs not given, solved by the same shortest augmenting path (Crouse,
    *IEEE Trans. AES* 52(4), 2016: Dijkstra with potentials, one row at a time) over the given
    pairs only, in plain Python: the clusters it serves hold a few tracks, where building a
    dense matrix and calling SciPy (0.4 s to import) costs more than solving.
    """
    rows = np.asarray(row, dtype=np.int64).tolist()
    cols = np.asarray(col, dtype=np.int64).tolist()
    costs = np.asarray(cost, dtype=float).tolist()
    adj: list[list[tuple[int, float]]] = [[] for _ in range(n_rows)]
    for i, j, cij in zip(rows, cols, costs, strict=True):
        if math.isfinite(cij):
            adj[i].append((j, cij))
    for i in range(n_rows):
        adj[i].append((n_cols + i, 0.0))  # the "unassigned" column of row i
    u = [0.0] * n_rows
    v: dict[int, float] = {}
    row4col: dict[int, int] = {}
    col4row = [-1] * n_rows
    for cur in range(n_rows):
        dist: dict[int, float] = {}
        path: dict[int, int] = {}
        scanned_rows = [cur]
        scanned: dict[int, float] = {}
        i, min_val, sink = cur, 0.0, -1
        while sink < 0:
            ui = u[i]
            for j, cij in adj[i]:
                if j in scanned:
                    continue
                r = min_val + cij - ui - v.get(j, 0.0)
                if r < dist.get(j, math.inf):
                    dist[j] = r
                    path[j] = i
            best, lowest = -1, math.inf
            for j, d in dist.items():  # the closest column not yet reached (free ones on ties)
                if j in scanned:
                    continue
                if d < lowest or (d == lowest and j not in row4col):
                    best, lowest = j, d
            min_val = lowest
            scanned[best] = lowest
            if best in row4col:
                i = row4col[best]
                scanned_rows.append(i)
            else:
                sink = best
        u[cur] += min_val
        for i in scanned_rows[1:]:
            u[i] += min_val - dist[col4row[i]]
        for j, d in scanned.items():
            v[j] = v.get(j, 0.0) - (min_val - d)
        j = sink
        while True:  # augment along the path
            i = path[j]
            row4col[j] = i
            col4row[i], j = j, col4row[i]
            if i == cur:
                break
    out = np.asarray(col4row, dtype=np.int64)
    out[out >= n_cols] = -1
    return out


def jpda(
    n_tracks: int, n_plots: int, track: ArrayLike, plot: ArrayLike, likelihood_ratio: ArrayLike
) -> tuple[Array, Array]:
    """JPDA marginal association probabilities.

    ``likelihood_ratio`` (K,) is ``Pd g / (lambda (1 - Pd Pg))`` of each gated pair (``exp(-c/2)``
    of :func:`pair_cost`). The probability of a joint event (each track takes at most one plot,
    each plot at most one track) is proportional to the product of its pairs' ratios
    (Bar-Shalom, Willett & Tian 2011 §8.4, parametric JPDA). Returns ``beta`` (K,) for the pairs
    and ``beta0`` (n_tracks,), the probability that a track got no plot. Exact enumeration in
    clusters of at most ``JPDA_EXACT_MAX_TRACKS`` tracks and ``JPDA_EXACT_MAX_EVENTS`` events;
    larger clusters use Fitzgerald's cheap JPDA,
    ``beta_ij = G_ij / (T_i + S_j - G_ij + 1)`` (Fitzgerald 1986, with bias B = 1).
    """
    ti = np.asarray(track, dtype=np.int64)
    pj = np.asarray(plot, dtype=np.int64)
    lr = np.asarray(likelihood_ratio, dtype=float)
    beta = np.zeros(ti.size)
    beta0 = np.ones(n_tracks)
    if ti.size == 0:
        return beta, beta0
    t_lab, _ = clusters(n_tracks, n_plots, ti, pj)
    lab = t_lab[ti]
    # clusters where no plot is shared: the joint events factorise into one PDA per track,
    # beta_j = L_j / (1 + sum L), beta_0 = 1 / (1 + sum L), solved in bulk
    shared_plot = np.bincount(pj, minlength=n_plots) > 1
    shared = np.zeros(int(lab.max()) + 1, dtype=bool)
    shared[lab[shared_plot[pj]]] = True
    alone = ~shared[lab]
    total = 1.0 + np.bincount(ti[alone], weights=lr[alone], minlength=n_tracks)
    beta[alone] = lr[alone] / total[ti[alone]]
    beta0[ti[alone]] = 1.0 / total[ti[alone]]
    rest = np.flatnonzero(~alone)
    if rest.size == 0:
        return beta, beta0
    order = rest[np.argsort(lab[rest], kind="stable")]
    ls = lab[order]
    starts = np.flatnonzero(np.r_[True, ls[1:] != ls[:-1]])
    ends = np.r_[starts[1:], ls.size]
    for s, e in zip(starts, ends, strict=True):
        k = order[s:e]
        b, b0, tracks = _jpda_cluster(ti[k], pj[k], lr[k])
        beta[k] = b
        beta0[tracks] = b0
    return beta, beta0


def pda_update(
    x: ArrayLike, P: ArrayLike, g: Gate, beta: ArrayLike, beta0: ArrayLike
) -> tuple[Array, Array]:
    """PDA update of tracks ``x`` (N, n), ``P`` (N, n, n) with association weights ``beta`` (K,)
    of the gated pairs ``g`` and ``beta0`` (N,) (Bar-Shalom, Willett & Tian 2011 §6.4, eqs. for
    the combined innovation and the spread of the innovations), on the EKF linearisation of
    each track's most likely pair::

        nu = sum_j beta_j nu_j,   x = x + K nu,   K = P H' S^-1
        P = b0 P + (1 - b0)(P - K S K') + K (sum_j beta_j nu_j nu_j' - nu nu') K'

    Tracks without a pair are returned unchanged. Returns new arrays.
    """
    x = np.array(x, dtype=float)
    P = np.array(P, dtype=float)
    beta = np.asarray(beta, dtype=float)
    beta0 = np.asarray(beta0, dtype=float)
    if len(g) == 0:
        return x, P
    order = np.lexsort((-beta, g.track))  # per track, its most likely pair first
    first = np.r_[True, g.track[order][1:] != g.track[order][:-1]]
    ref = order[first]
    ti = g.track[ref]
    Pi, S, H = P[ti], g.S[ref], g.H[ref]
    K = np.swapaxes(np.linalg.solve(S, H @ Pi), -1, -2)  # K = P H' S^-1
    m = g.nu.shape[1]
    nu_c = np.zeros((x.shape[0], m))
    spread = np.zeros((x.shape[0], m, m))
    np.add.at(nu_c, g.track, beta[:, None] * g.nu)  # nu = sum beta_j nu_j
    np.add.at(spread, g.track, beta[:, None, None] * g.nu[:, :, None] * g.nu[:, None, :])
    nu_i = nu_c[ti]
    b0 = beta0[ti][:, None, None]
    Kt = np.swapaxes(K, -1, -2)
    P_tilde = K @ (spread[ti] - nu_i[:, :, None] * nu_i[:, None, :]) @ Kt
    x[ti] = x[ti] + (K @ nu_i[:, :, None])[:, :, 0]  # x = x + K nu
    P_new = Pi - (1.0 - b0) * (K @ S @ Kt) + P_tilde  # P = b0 P + (1 - b0)(P - K S K') + P~
    P[ti] = 0.5 * (P_new + np.swapaxes(P_new, -1, -2))
    return x, P


def _jpda_cluster(ti: IntArray, pj: IntArray, lr: Array) -> tuple[Array, Array, IntArray]:
    tracks, tr = np.unique(ti, return_inverse=True)
    _, pr = np.unique(pj, return_inverse=True)
    per_track = [np.flatnonzero(tr == i) for i in range(tracks.size)]
    log_events = float(np.sum(np.log([len(p) + 1.0 for p in per_track])))  # upper bound
    if tracks.size <= JPDA_EXACT_MAX_TRACKS and log_events <= np.log(JPDA_EXACT_MAX_EVENTS):
        beta = _enumerate(per_track, pr, lr)
    else:
        G_t = np.bincount(tr, weights=lr, minlength=tracks.size)
        G_p = np.bincount(pr, weights=lr)
        beta = lr / (G_t[tr] + G_p[pr] - lr + 1.0)
    taken = np.bincount(tr, weights=beta, minlength=tracks.size)
    beta0 = np.clip(1.0 - taken, 0.0, 1.0)
    return beta, beta0, tracks


def _enumerate(per_track: list[IntArray], pr: IntArray, lr: Array) -> Array:
    """Sum of joint-event weights containing each pair, divided by the total (depth-first)."""
    acc = np.zeros(lr.size)
    total = 0.0
    chosen: list[int] = []

    def walk(i: int, used: frozenset[int], weight: float) -> None:
        nonlocal total
        if i == len(per_track):
            total += weight
            for k in chosen:
                acc[k] += weight
            return
        walk(i + 1, used, weight)  # track i takes no plot
        for k in per_track[i]:
            p = int(pr[k])
            if p not in used:
                chosen.append(int(k))
                walk(i + 1, used | {p}, weight * lr[k])
                chosen.pop()

    walk(0, frozenset(), 1.0)
    return acc / total
