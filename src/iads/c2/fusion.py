"""Track-to-track fusion: covariance intersection, track-to-track association, correlation table.

Every function is batched, one row per track: states ``x`` (K, n), covariances ``P`` (K, n, n),
in one common frame and at one common time (the caller extrapolates remote tracks to the local
time first). Inputs are never mutated.

- :func:`covariance_intersection` fuses two estimates whose cross-correlation is unknown
  (Julier & Uhlmann, "A non-divergent estimation algorithm in the presence of unknown
  correlations", ACC 1997; Bar-Shalom, Willett & Tian, *Tracking and Data Fusion*, YBS 2011,
  §9.3): ``P^-1 = w P_a^-1 + (1 - w) P_b^-1``, ``x = P (w P_a^-1 x_a + (1 - w) P_b^-1 x_b)``.
  For any ``w`` in [0, 1] and any actual cross-covariance the fused ``P`` bounds the actual
  error covariance; ``w`` is chosen to minimise the trace (or the determinant) of ``P``.
- :func:`track_to_track_association` pairs remote with local tracks: the chi-square test on the
  difference of the two estimates (Bar-Shalom et al. 2011, §9.2) and an optimal one-to-one
  assignment, keeping last time's pairs while they still pass the gate.
- :class:`CorrelationTable` keeps, over time, which local track number each remote track
  (source unit, remote track number) was correlated with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "Association",
    "CorrelationTable",
    "Fused",
    "chi2_gate",
    "covariance_intersection",
    "gated_pairs",
    "pair_distance2",
    "track_to_track_association",
]

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Sections of the weight search: each round evaluates the derivative at the 15 inner points
#: of 16 equal parts of the bracket and keeps the part where its sign changes, so 15 rounds
#: reach 16^-15 = 2^-60, the double-precision spacing of numbers in [0, 1] (the 60 halvings of
#: a bisection, in a quarter of the NumPy calls).
CI_SEARCH_SECTIONS = 16
CI_SEARCH_ROUNDS = 15
#: Default probability that a true pair passes the track-to-track gate (chi-square test).
T2T_GATE_PROBABILITY = 0.9999
#: Largest number of (local, remote) pair matrices held at once while computing distances.
_PAIR_CHUNK_ELEMENTS = 4_000_000


class Fused(NamedTuple):
    """Fused estimates: ``x`` (K, n), ``P`` (K, n, n), and the weight ``omega`` (K,) of ``a``."""

    x: Array
    P: Array
    omega: Array


def _t(A: Array) -> Array:
    return np.swapaxes(A, -1, -2)


def _as_batch(x: ArrayLike, P: ArrayLike) -> tuple[Array, Array]:
    x = np.asarray(x, dtype=float)
    P = np.asarray(P, dtype=float)
    if x.ndim != 2 or P.shape != (*x.shape, x.shape[1]):
        raise ValueError(f"expected x (K, n) and P (K, n, n); got {x.shape} and {P.shape}")
    return x, P


def _optimal_omega(P_a: Array, P_b: Array, criterion: str) -> Array:
    """Weight of ``a`` in [0, 1] minimising the trace or determinant of the fused covariance.

    Both criteria are convex in w (the matrix inverse is operator convex; -log det is convex on
    positive definite matrices), so their derivative increases with w and a bisection on its
    sign finds the minimum to machine precision (a search on values alone stops near
    sqrt(eps)). Each pair is diagonalised once: with P_b = R R' and R^-1 P_a R^-T = V diag(d) V',
    the fused covariance is G diag(f) G' with G = R V and f_i = d_i / (d_i + w (1 - d_i)), so
    each step costs O(n) per pair.
    """
    R = np.linalg.cholesky(P_b)
    Rinv_Pa = np.linalg.solve(R, P_a)
    S = np.linalg.solve(R, _t(Rinv_Pa))  # R^-1 P_a R^-T (symmetric)
    d, V = np.linalg.eigh(0.5 * (S + _t(S)))
    d = np.maximum(d, np.finfo(float).tiny)
    g2 = np.sum((R @ V) ** 2, axis=-2)  # squared column norms of G = R V, (K, n)
    weight = g2 if criterion == "trace" else np.ones_like(g2)

    one_minus_d = 1.0 - d
    num = (weight * d * one_minus_d)[:, None, :] if criterion == "trace" else None

    def slope(w: Array) -> Array:
        """The derivative at weights ``w`` (K, M) of each pair (K, M)."""
        den = d[:, None, :] + w[:, :, None] * one_minus_d[:, None, :]
        if num is not None:  # d/dw sum g2 f = -sum g2 d (1 - d) / den^2
            return -np.sum(num / (den * den), axis=-1)
        return -np.sum(one_minus_d[:, None, :] / den, axis=-1)  # d/dw sum log f

    K = P_a.shape[0]
    m = CI_SEARCH_SECTIONS
    inner = np.arange(1, m) / m
    lo, width = np.zeros(K), 1.0
    for _ in range(CI_SEARCH_ROUNDS):
        # the derivative increases with w: the parts before its first positive point stay
        past = slope(lo[:, None] + width * inner[None, :]) > 0.0
        lo = lo + width / m * np.count_nonzero(~past, axis=1)
        width /= m
    w = lo + 0.5 * width
    ends = slope(np.repeat(np.array([[0.0, 1.0]]), K, axis=0))
    w = np.where(ends[:, 0] >= 0.0, 0.0, w)  # minimum at an end: return that input
    return np.where(ends[:, 1] <= 0.0, 1.0, w)


def covariance_intersection(
    x_a: ArrayLike,
    P_a: ArrayLike,
    x_b: ArrayLike,
    P_b: ArrayLike,
    omega: ArrayLike | None = None,
    criterion: Literal["trace", "det"] = "trace",
) -> Fused:
    """Covariance intersection of K pairs of estimates of the same states.

    ``x_a``, ``x_b`` (K, n); ``P_a``, ``P_b`` (K, n, n) positive definite, any units (the
    trace criterion adds the diagonal, so mix units only with the determinant criterion).
    ``omega`` (scalar or (K,)) is the weight of ``a``; if None it is chosen per pair to minimise
    the trace (default) or determinant of the fused covariance. ``omega = 1`` returns ``a``,
    ``omega = 0`` returns ``b``. Julier & Uhlmann 1997; Bar-Shalom et al. 2011, §9.3.
    """
    x_a, P_a = _as_batch(x_a, P_a)
    x_b, P_b = _as_batch(x_b, P_b)
    if x_a.shape != x_b.shape:
        raise ValueError(f"a and b differ in shape: {x_a.shape} and {x_b.shape}")
    if criterion not in ("trace", "det"):
        raise ValueError(f"criterion must be 'trace' or 'det', not {criterion!r}")
    K = x_a.shape[0]
    if omega is None:
        w = _optimal_omega(P_a, P_b, criterion) if K else np.zeros(0)
    else:
        w = np.broadcast_to(np.asarray(omega, dtype=float), (K,)).copy()
        if np.any((w < 0) | (w > 1)) or not np.all(np.isfinite(w)):
            raise ValueError("omega must lie in [0, 1]")
    Ia = np.linalg.inv(P_a)
    Ib = np.linalg.inv(P_b)
    wa = w[:, None, None] * Ia
    wb = (1.0 - w)[:, None, None] * Ib
    P = np.linalg.inv(wa + wb)  # P = (w Pa^-1 + (1 - w) Pb^-1)^-1
    P = 0.5 * (P + _t(P))
    x = (P @ ((wa @ x_a[..., None]) + (wb @ x_b[..., None])))[..., 0]
    # the ends exactly (an inverse of an inverse differs from the input by round-off)
    for end, xs, Ps in ((1.0, x_a, P_a), (0.0, x_b, P_b)):
        at = w == end
        x[at], P[at] = xs[at], Ps[at]
    return Fused(x, P, w)


def chi2_gate(dim: int, gate_prob: float) -> float:
    """Chi-square quantile: ``d2`` below it with probability ``gate_prob`` for ``dim`` degrees."""
    from scipy.special import chdtri

    if not 0.0 < gate_prob < 1.0:
        raise ValueError("gate_prob must lie in (0, 1)")
    return float(chdtri(dim, 1.0 - gate_prob))


def pair_distance2(x_a: ArrayLike, P_a: ArrayLike, x_b: ArrayLike, P_b: ArrayLike) -> Array:
    """Mahalanobis distance squared of every (a, b) pair, (N, M):
    ``d2 = (x_a - x_b)' (P_a + P_b)^-1 (x_a - x_b)``.

    The cross-covariance of the two estimation errors is unknown and taken as zero. Tracks of a
    common target share its process noise, so their errors are positively correlated and the
    true covariance of the difference is ``P_a + P_b - P_ab - P_ab'``, smaller than the one
    used: the statistic is understated and the gate errs toward accepting a pair.
    """
    x_a, P_a = _as_batch(x_a, P_a)
    x_b, P_b = _as_batch(x_b, P_b)
    N, n = x_a.shape
    M = x_b.shape[0]
    out = np.empty((N, M))
    rows = max(1, _PAIR_CHUNK_ELEMENTS // max(1, M * n * n))
    for s in range(0, N, rows):
        dx = x_a[s : s + rows, None, :] - x_b[None, :, :]  # (r, M, n)
        S = P_a[s : s + rows, None] + P_b[None]  # (r, M, n, n)
        L = np.linalg.cholesky(S)
        u = np.linalg.solve(L, dx[..., None])[..., 0]  # L u = dx, d2 = |u|^2
        out[s : s + rows] = np.sum(u * u, axis=-1)
    return out


def gated_pairs(
    x_a: ArrayLike, P_a: ArrayLike, x_b: ArrayLike, P_b: ArrayLike, gate_d2: float
) -> tuple[IntArray, IntArray, Array]:
    """Every (a, b) pair with :func:`pair_distance2` ``<= gate_d2``, without forming all pairs.

    Returns rows of ``a`` (P,), rows of ``b`` (P,) and their ``d2`` (P,), sorted by (a, b).
    Candidates come from a k-d tree on the states: ``d2 <= g`` implies
    ``|x_a - x_b|^2 <= g lambda_max(P_a + P_b) <= g (lambda_max(P_a) + lambda_max(P_b))``, so a
    ball of that radius around each ``a`` (with the largest ``lambda_max`` of ``b``) holds every
    gated pair; the per-component bound ``|dx_k| <= sqrt(g S_kk)`` then prunes, and the exact
    test runs on the rest in one batched call.
    """
    from scipy.spatial import cKDTree

    x_a, P_a = _as_batch(x_a, P_a)
    x_b, P_b = _as_batch(x_b, P_b)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    if len(x_a) == 0 or len(x_b) == 0:
        return empty
    lam_a = np.linalg.eigvalsh(P_a)[:, -1]
    lam_b = np.linalg.eigvalsh(P_b)[:, -1].max()
    radius = np.sqrt(gate_d2 * (lam_a + lam_b)) * (1.0 + 1e-9)
    hits = cKDTree(x_b).query_ball_point(x_a, radius)
    counts = np.fromiter((len(h) for h in hits), np.int64, len(hits))
    ia = np.repeat(np.arange(len(x_a)), counts)
    ib = np.fromiter((j for h in hits for j in h), np.int64, int(counts.sum()))
    dx = x_a[ia] - x_b[ib]
    S = P_a[ia] + P_b[ib]  # cross-covariance unknown, taken as zero (see pair_distance2)
    var = np.diagonal(S, axis1=-2, axis2=-1)
    box = np.all(dx * dx <= gate_d2 * var * (1.0 + 1e-9), axis=1)
    ia, ib, dx, S = ia[box], ib[box], dx[box], S[box]
    if len(ia) == 0:
        return empty
    u = np.linalg.solve(np.linalg.cholesky(S), dx[..., None])[..., 0]
    d2 = np.sum(u * u, axis=-1)
    keep = d2 <= gate_d2
    order = np.lexsort((ib[keep], ia[keep]))
    return ia[keep][order], ib[keep][order], d2[keep][order]


class Association(NamedTuple):
    """Pairs found: ``remote`` and ``local`` row indices (P,), their ``d2`` (P,), sorted by
    remote row; ``kept`` (P,) is True where the pair came from the prior correlation."""

    remote: IntArray
    local: IntArray
    d2: Array
    kept: NDArray[np.bool_]


def track_to_track_association(
    x_local: ArrayLike,
    P_local: ArrayLike,
    x_remote: ArrayLike,
    P_remote: ArrayLike,
    gate_prob: float = T2T_GATE_PROBABILITY,
    prior: Mapping[int, int] | None = None,
) -> Association:
    """Pair remote tracks with local tracks of the same targets, one to one.

    States (N, n) / (M, n) and covariances in one frame at one time. A pair is admissible when
    ``d2`` (:func:`pair_distance2`; the cross-covariance is unknown and ignored) is at most the
    ``gate_prob`` chi-square quantile with n degrees of freedom. ``prior`` maps remote row ->
    local row of the previous correlation (track-number correlation): each such pair is kept
    while it still passes the gate, so two crossing targets do not swap numbers. The remaining
    rows are assigned optimally (``scipy.optimize.linear_sum_assignment``, one problem per group
    of tracks linked by gated pairs) minimising the sum of ``d2`` of the pairs plus ``gate / 2``
    for every track left unpaired: any gated pair may be made, never one outside the gate.
    """
    x_local, P_local = _as_batch(x_local, P_local)
    x_remote, P_remote = _as_batch(x_remote, P_remote)
    n = x_local.shape[1]
    if x_remote.shape[1] != n:
        raise ValueError("local and remote states differ in dimension")
    gate = chi2_gate(n, gate_prob)
    ir, il, d2 = gated_pairs(x_remote, P_remote, x_local, P_local, gate)
    d2_of = dict(zip(zip(ir.tolist(), il.tolist(), strict=True), d2.tolist(), strict=True))
    kept_r: list[int] = []
    kept_l: list[int] = []
    taken: set[int] = set()
    for r, loc in sorted((int(r), int(c)) for r, c in (prior or {}).items()):
        if (r, loc) in d2_of and loc not in taken:  # still gated; one remote per local
            kept_r.append(r)
            kept_l.append(loc)
            taken.add(loc)
    free = ~(np.isin(ir, kept_r) | np.isin(il, kept_l))
    pr, pl = _assign(ir[free], il[free], d2[free], gate)
    remote = np.concatenate([np.asarray(kept_r, dtype=np.int64), pr])
    local = np.concatenate([np.asarray(kept_l, dtype=np.int64), pl])
    kept = np.concatenate([np.ones(len(kept_r), bool), np.zeros(len(pr), bool)])
    order = np.argsort(remote, kind="stable")
    remote, local, kept = remote[order], local[order], kept[order]
    pair_d2 = np.array(
        [d2_of[(r, c)] for r, c in zip(remote.tolist(), local.tolist(), strict=True)], float
    )
    return Association(remote, local, pair_d2, kept)


def _assign(ir: IntArray, il: IntArray, d2: Array, gate: float) -> tuple[IntArray, IntArray]:
    """Optimal one-to-one pairs among gated pairs (``ir``, ``il``, ``d2``) where each track left
    unpaired costs ``gate / 2``: one augmented square problem per connected group of tracks
    (Blackman & Popoli 1999, §6.5); a group of one pair is that pair."""
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if len(ir) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rows, r_idx = np.unique(ir, return_inverse=True)
    cols, c_idx = np.unique(il, return_inverse=True)
    m, k = len(rows), len(cols)
    graph = coo_matrix((np.ones(len(ir)), (r_idx, m + c_idx)), shape=(m + k, m + k))
    _, label = connected_components(graph, directed=False)
    group = label[r_idx]  # group of each pair
    size = np.bincount(group, minlength=label.max() + 1)
    single = size[group] == 1  # a group with one pair: one remote and one local track
    out_r, out_l = [ir[single]], [il[single]]
    for g in np.unique(group[~single]):
        at = group == g
        sub_r, a = np.unique(r_idx[at], return_inverse=True)
        sub_c, b = np.unique(c_idx[at], return_inverse=True)
        p, q = len(sub_r), len(sub_c)
        C = np.full((p + q, q + p), np.inf)
        C[a, b] = d2[at]
        C[np.arange(p), q + np.arange(p)] = gate / 2  # remote track left unpaired
        C[p + np.arange(q), np.arange(q)] = gate / 2  # local track left unpaired
        C[p:, q:] = 0.0
        r, c = linear_sum_assignment(C)
        pair = (r < p) & (c < q)
        out_r.append(rows[sub_r[r[pair]]])
        out_l.append(cols[sub_c[c[pair]]])
    return np.concatenate(out_r), np.concatenate(out_l)


@dataclass(frozen=True)
class CorrelationTable:
    """Which local track number each remote track is correlated with, over time.

    Keyed by (source unit, remote track number); value (local track number, time of the last
    confirmation, s). One local track may carry remote tracks of several sources, at most one
    per source. Methods return a new table; the table is never changed in place.
    """

    pairs: Mapping[tuple[str, int], tuple[int, float]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.pairs)

    def local_of(self, source: str, remote_numbers: ArrayLike) -> IntArray:
        """Local track number of each remote track number of ``source``, -1 where none (R,)."""
        nums = np.asarray(remote_numbers, dtype=np.int64).ravel()
        return np.array(
            [self.pairs.get((source, int(r)), (-1, 0.0))[0] for r in nums], dtype=np.int64
        )

    def prior(
        self, source: str, remote_numbers: ArrayLike, local_numbers: ArrayLike
    ) -> dict[int, int]:
        """The correlation as rows: remote row -> local row, for
        :func:`track_to_track_association` (pairs whose local track is absent are left out)."""
        row_of_local = {int(n): i for i, n in enumerate(np.asarray(local_numbers).ravel())}
        out = {}
        for r, loc in enumerate(self.local_of(source, remote_numbers)):
            if loc >= 0 and int(loc) in row_of_local:
                out[r] = row_of_local[int(loc)]
        return out

    def updated(
        self,
        source: str,
        remote_numbers: ArrayLike,
        local_numbers: ArrayLike,
        t_s: float,
    ) -> CorrelationTable:
        """The table with these (remote, local) pairs of ``source`` confirmed at ``t_s``.

        A remote track now paired elsewhere moves; a local track now taken by another remote
        track of the same source is released from the old one (one to one per source)."""
        rem = np.asarray(remote_numbers, dtype=np.int64).ravel()
        loc = np.asarray(local_numbers, dtype=np.int64).ravel()
        if rem.shape != loc.shape:
            raise ValueError("remote_numbers and local_numbers differ in length")
        taken = {int(x) for x in loc}
        pairs = {
            k: v
            for k, v in self.pairs.items()
            if not (k[0] == source and (v[0] in taken or k[1] in set(rem.tolist())))
        }
        for r, lo in zip(rem.tolist(), loc.tolist(), strict=True):
            pairs[(source, r)] = (lo, float(t_s))
        return CorrelationTable(pairs)

    def released_remote(self, source: str, remote_numbers: Iterable[int]) -> CorrelationTable:
        """The table without these remote tracks of ``source`` (dropped by their unit)."""
        gone = {(source, int(r)) for r in remote_numbers}
        return CorrelationTable({k: v for k, v in self.pairs.items() if k not in gone})

    def released_local(self, local_numbers: Iterable[int]) -> CorrelationTable:
        """The table without any pair to these local tracks (dropped by this unit)."""
        gone = {int(n) for n in local_numbers}
        return CorrelationTable({k: v for k, v in self.pairs.items() if v[0] not in gone})

    def released_stale(self, t_s: float, max_age_s: float) -> CorrelationTable:
        """The table without pairs not confirmed for more than ``max_age_s`` before ``t_s``
        (a remote track whose reports stopped: lost link or dropped track)."""
        return CorrelationTable({k: v for k, v in self.pairs.items() if t_s - v[1] <= max_age_s})
