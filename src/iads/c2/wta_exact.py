"""Exact static WTA with a time limit: outer approximation on weapon types, with a proven bound.

Weapons with identical kill-probability rows form a type k of n[k] weapons; the MILP decides
the integer count y[k, j] of type-k weapons on target j (fewer variables than one binary per
weapon, and no symmetry between identical weapons). With a[k, j] = -ln(1 - p[k, j]) and
z[j] = sum_k a[k, j] y[k, j], the surviving value v[j] exp(-z[j]) is convex in z, so every
tangent is below it (outer approximation: Duran and Grossmann 1986; for the WTA, Lu and Chen,
Omega 98, 2021). The MILP (SciPy ``milp``, HiGHS) minimises sum theta[j] under

* tangent cuts  theta[j] >= v[j] e^(-z0) (1 + z0 - z[j]), seeded at a few z0 per target, at
  the starting incumbent, and added at each MILP solution where theta[j] < F_j (to tolerance);
* the union-bound cut  theta[j] >= v[j] (1 - sum_k p[k, j] y[k, j])  (valid at integer y since
  prod (1 - p_i) >= 1 - sum p_i); it is exact while a target holds at most one weapon, which the
  tangents are not, and makes the relaxation as strong as the linear assignment there.

Every cut is valid for every integer point, so each MILP's dual bound (HiGHS's proven lower
bound, also when it stops on the time limit) is a lower bound on the true optimum; the best
assignment met (the starting incumbent, or a MILP solution evaluated with the true objective)
is an upper bound. The loop stops when they meet (relative gap ``rel_gap``) or time runs out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

SEED_CUTS_PER_TARGET = 6
"""Tangent cuts seeded per target at z0 = m x (the target's mean a), m = 1..6."""


@dataclass(frozen=True)
class ExactOutcome:
    """Best assignment found (weapon -> target or -1), its value, the proven lower bound."""

    assignment: np.ndarray
    value: float
    bound: float
    proven_optimal: bool
    milp_rounds: int


def _value(p: np.ndarray, v: np.ndarray, a: np.ndarray) -> float:
    used = a >= 0
    log_s = np.bincount(a[used], weights=np.log1p(-p[used, a[used]]), minlength=p.shape[1])
    return float(np.sum(v * np.exp(log_s)))


def solve_exact(
    p: np.ndarray,
    v: np.ndarray,
    cap: np.ndarray,
    *,
    start: np.ndarray,
    time_limit_s: float | None,
    rel_gap: float = 1e-6,
    max_rounds: int = 200,
) -> ExactOutcome:
    """Outer approximation from the feasible assignment ``start``; see the module docstring.

    ``p`` (W, T) clipped below 1, ``v`` (T,), ``cap`` (T,) ints; ``time_limit_s`` wall-clock
    seconds for the whole loop (None: none). The returned value is never worse than ``start``'s.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array, vstack

    t_end = None if time_limit_s is None else time.perf_counter() + max(time_limit_s, 0.0)
    n_w, n_t = p.shape
    best = np.asarray(start, dtype=np.int64).copy()
    best_f = _value(p, v, best)
    keys, type_of = np.unique(p, axis=0, return_inverse=True)
    type_of = type_of.ravel()
    n_k = np.bincount(type_of, minlength=keys.shape[0])
    kk, tj = np.nonzero((keys > 0) & (cap[None, :] > 0))
    n_x = kk.size
    floor = 1e-12 * max(float(v.sum()), 1e-300)

    def tol() -> float:  # the gap that counts as closed, relative to the incumbent
        return rel_gap * max(best_f, floor)

    if n_x == 0:
        return ExactOutcome(best, best_f, best_f, True, 0)
    pk = keys[kk, tj]
    a = -np.log1p(-pk)
    # columns: y (n_x pairs), theta (n_t), z (n_t) = sum a y, u (n_t) = sum p y; the aux columns
    # keep every cut a two-entry row (the dense form is slow to presolve at 600 x 400)
    n_var = n_x + 3 * n_t
    i_theta, i_z, i_u = n_x, n_x + n_t, n_x + 2 * n_t
    col = np.arange(n_x)
    all_t = np.arange(n_t)
    ones_t = np.ones(n_t)
    link = coo_array(
        (
            np.concatenate([a, -ones_t, pk, -ones_t]),
            (
                np.concatenate([tj, all_t, n_t + tj, n_t + all_t]),
                np.concatenate([col, i_z + all_t, col, i_u + all_t]),
            ),
        ),
        shape=(2 * n_t, n_var),
    )
    base = [
        LinearConstraint(
            coo_array((np.ones(n_x), (kk, col)), shape=(keys.shape[0], n_var)), 0, n_k
        ),
        LinearConstraint(coo_array((np.ones(n_x), (tj, col)), shape=(n_t, n_var)), 0, cap),
        LinearConstraint(link, 0.0, 0.0),
    ]

    def cut_rows(targets: np.ndarray, coef: np.ndarray, first_col: int) -> coo_array:
        """Rows theta_j + coef[r] * (column first_col + j), j = targets[r]."""
        r = np.arange(targets.size)
        return coo_array(
            (
                np.concatenate([np.ones(targets.size), coef]),
                (np.concatenate([r, r]), np.concatenate([i_theta + targets, first_col + targets])),
            ),
            shape=(targets.size, n_var),
        )

    def tangents(targets: np.ndarray, z0: np.ndarray) -> tuple[coo_array, np.ndarray]:
        """theta_j + v_j e^-z0 z_j >= v_j e^-z0 (1 + z0)."""
        slope = v[targets] * np.exp(-z0)
        return cut_rows(targets, slope, i_z), slope * (1.0 + z0)

    mats, lbs = [cut_rows(all_t, v, i_u)], [v.copy()]  # union bound: theta_j + v_j u_j >= v_j
    n_pair_t = np.maximum(np.bincount(tj, minlength=n_t), 1)
    mean_a = np.bincount(tj, weights=a, minlength=n_t) / n_pair_t
    m = np.arange(1, SEED_CUTS_PER_TARGET + 1, dtype=float)
    mat, lb = tangents(np.repeat(all_t, m.size), (mean_a[:, None] * m[None, :]).ravel())
    mats.append(mat)
    lbs.append(lb)

    def z_of(y: np.ndarray) -> np.ndarray:
        return np.bincount(tj, weights=a * y, minlength=n_t)

    y_best = _counts(best, type_of, kk, tj, keys.shape[0], n_t)
    mat, lb = tangents(all_t, z_of(y_best))
    mats.append(mat)
    lbs.append(lb)

    c = np.concatenate([np.zeros(n_x), np.ones(n_t), np.zeros(2 * n_t)])
    integrality = np.concatenate([np.ones(n_x), np.zeros(3 * n_t)])
    ub = np.minimum(n_k[kk], cap[tj]).astype(float)
    bounds = Bounds(np.zeros(n_var), np.concatenate([ub, np.full(3 * n_t, np.inf)]))
    bound = 0.0
    rounds = 0
    y_prev = None
    while rounds < max_rounds and best_f - bound > tol():
        opts: dict = {"mip_rel_gap": rel_gap}
        if t_end is not None:
            left = t_end - time.perf_counter()
            if left <= 0.0:
                break
            opts["time_limit"] = left
        cons = [*base, LinearConstraint(vstack(mats), np.concatenate(lbs), np.inf)]
        res = milp(c, constraints=cons, integrality=integrality, bounds=bounds, options=opts)
        rounds += 1
        if res.get("mip_dual_bound") is not None and np.isfinite(res.mip_dual_bound):
            bound = max(bound, float(res.mip_dual_bound))
        if res.x is None:
            break
        y = np.rint(res.x[:n_x])
        z = z_of(y)
        f_t = v * np.exp(-z)
        f = float(f_t.sum())
        if f < best_f:
            best, best_f = _weapons(y, type_of, kk, tj, n_w), f
        if res.status != 0:
            break  # time limit: keep the bound reached
        if y_prev is not None and np.array_equal(y, y_prev):
            break  # same point again: its cuts are in, what is left is solver tolerance
        y_prev = y
        short = np.flatnonzero(f_t - res.x[i_theta:i_z] > tol() / n_t)
        if short.size == 0:
            bound = max(bound, min(f, best_f))  # theta = F at an OA optimum: it is optimal
            break
        mat, lb = tangents(short, z[short])
        mats.append(mat)
        lbs.append(lb)
    bound = min(bound, best_f)
    return ExactOutcome(best, best_f, bound, best_f - bound <= tol(), rounds)


def _counts(
    assignment: np.ndarray,
    type_of: np.ndarray,
    kk: np.ndarray,
    tj: np.ndarray,
    n_types: int,
    n_t: int,
) -> np.ndarray:
    """Type-target counts y (per MILP pair) of a weapon assignment."""
    used = assignment >= 0
    grid = np.zeros((n_types, n_t))
    np.add.at(grid, (type_of[used], assignment[used]), 1.0)
    return grid[kk, tj]


def _weapons(
    y: np.ndarray, type_of: np.ndarray, kk: np.ndarray, tj: np.ndarray, n_w: int
) -> np.ndarray:
    """A weapon assignment with the counts y: the first y weapons of each type to each target."""
    out = np.full(n_w, -1, dtype=np.int64)
    order = np.argsort(type_of, kind="stable")
    first = np.searchsorted(type_of[order], np.arange(type_of.max() + 2))
    taken = np.zeros(first.size, dtype=np.int64)
    for idx in np.flatnonzero(y > 0):
        k, n = kk[idx], int(y[idx])
        w = order[first[k] + taken[k] : first[k] + taken[k] + n]
        out[w] = tj[idx]
        taken[k] += n
    return out
