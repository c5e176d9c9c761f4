"""Static weapon-target assignment (WTA).

Problem (Manne 1958; Ahuja, Kumar, Jha and Orlin, "Exact and heuristic algorithms for the
weapon-target assignment problem", Operations Research 55(6), 2007): W weapons, T targets,
kill probability p[i, j] of weapon i against target j, target value v[j]. Choose for each
weapon at most one target to minimise the expected surviving value

    F(x) = sum_j v[j] * prod_i (1 - p[i, j]) ** x[i, j]

subject to sum_j x[i, j] <= 1 (one target per weapon), sum_i x[i, j] <= cap[j] (at most
``max_per_target`` weapons per target) and x[i, j] = 0 where p[i, j] == 0 (infeasible pair).

Solvers:

* ``exact``: outer approximation on weapon types with tangent and union-bound cuts, from the
  heuristic's assignment, with an optional time limit and a proven bound (``solve_wta``;
  ``iads.c2.wta_exact``).
* ``lap``: when every target takes at most one weapon the problem is a linear assignment
  (maximise sum v[j] p[i, j]), solved exactly by SciPy's ``linear_sum_assignment``.
* ``heuristic``: up to W (W + T) = ``LARGE_SIZE``, maximum marginal return greedy (den Broeder
  et al. 1959) from two starts (plain greedy, and a linear-assignment first round then greedy),
  each improved by a best-improvement local search over single reassignments and pairwise swaps
  (Ahuja et al. section 5) with assignment re-seating and kicks; the better result is kept.
  Beyond, rounds of linear assignments (each target one more weapon a round, valued at its
  surviving value so far) and a descent that applies many target-disjoint improving moves a
  round.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Method = Literal["auto", "exact", "heuristic", "lap"]
P_MAX = 1.0 - 1e-12
"""Kill probabilities are clipped below 1 so that logarithms and divisions stay finite."""
EXACT_AUTO_MAX_PAIRS = 900
"""``method="auto"`` solves exactly up to this many weapon-target pairs (30 x 30)."""
LARGE_SIZE = 20_000
"""Beyond W (W + T) = this the heuristic is the fast one: layered assignments and a batched
descent (within 2 % of the thorough one's value on the benchmark's typed instances up to
600 x 400, ten times faster); below, the thorough one (two starts, descent with re-seating,
kicks)."""


def _validate(
    kill_prob: np.ndarray, target_value: np.ndarray, max_per_target: int | np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p = np.asarray(kill_prob, dtype=float)
    v = np.asarray(target_value, dtype=float)
    if p.ndim != 2:
        raise ValueError(f"kill_prob must be a (weapons, targets) array, got shape {p.shape}")
    if v.shape != (p.shape[1],):
        raise ValueError(
            f"target_value must have shape ({p.shape[1]},) to match kill_prob's targets, "
            f"got {v.shape}"
        )
    if not (np.all(np.isfinite(p)) and np.all((p >= 0) & (p <= 1))):
        raise ValueError("kill_prob must hold probabilities in [0, 1]")
    if not (np.all(np.isfinite(v)) and np.all(v >= 0)):
        raise ValueError("target_value must be finite and non-negative")
    n_w = p.shape[0]
    if max_per_target is None:
        cap = np.full(p.shape[1], n_w, dtype=np.int64)
    else:
        cap = np.broadcast_to(np.asarray(max_per_target), (p.shape[1],)).astype(np.int64)
        if np.any(cap < 0):
            raise ValueError("max_per_target must be zero or more")
    return np.minimum(p, P_MAX), v, np.minimum(cap, n_w)


def surviving_value(
    kill_prob: np.ndarray, target_value: np.ndarray, assignment: np.ndarray
) -> float:
    """Expected surviving value F of an assignment (weapon -> target index, -1 = none)."""
    p = np.asarray(kill_prob, dtype=float)
    a = np.asarray(assignment)
    used = a >= 0
    log_s = np.zeros(p.shape[1])
    np.add.at(log_s, a[used], np.log1p(-np.minimum(p[used, a[used]], P_MAX)))
    return float(np.sum(np.asarray(target_value, dtype=float) * np.exp(log_s)))


@dataclass(frozen=True)
class WTAResult:
    """An assignment (W,) int64 (target index or -1), its expected surviving value, and a
    proven lower bound on the optimum (``bound`` <= optimum <= ``value``)."""

    assignment: np.ndarray
    value: float
    bound: float
    proven_optimal: bool


def solve_wta(
    kill_prob: np.ndarray,
    target_value: np.ndarray,
    *,
    max_per_target: int | np.ndarray | None = None,
    time_limit_s: float | None = None,
) -> WTAResult:
    """Exact WTA with an optional wall-clock limit (s): best assignment found and its bound.

    Starts from the heuristic's assignment, then refines an outer-approximation MILP on weapon
    types (``iads.c2.wta_exact``). On the time limit the result is the best assignment
    met, with HiGHS's proven dual bound (``proven_optimal`` False unless the gap closed). A
    time limit makes the result depend on machine speed: leave it None for reproducible runs.
    """
    from iads.c2.wta_exact import solve_exact

    p, v, cap = _validate(kill_prob, target_value, max_per_target)
    if p.size == 0:
        return WTAResult(
            np.full(p.shape[0], -1, dtype=np.int64), float(v.sum()), float(v.sum()), True
        )
    if np.all(cap <= 1):
        start = _lap(p, v, cap)
    else:  # the better of the thorough and the fast heuristic
        start = min(
            (_heuristic(p, v, cap, thorough=True), _heuristic(p, v, cap)),
            key=lambda a: surviving_value(p, v, a),
        )
    out = solve_exact(p, v, cap, start=start, time_limit_s=time_limit_s)
    return WTAResult(out.assignment, out.value, out.bound, out.proven_optimal)


def assign(
    kill_prob: np.ndarray,
    target_value: np.ndarray,
    *,
    max_per_target: int | np.ndarray | None = None,
    method: Method = "auto",
    time_limit_s: float | None = None,
) -> np.ndarray:
    """Assign each weapon to a target: returns (W,) int64, the target index or -1.

    ``kill_prob`` (W, T) in [0, 1] (0 marks an infeasible pair, never assigned);
    ``target_value`` (T,) >= 0; ``max_per_target`` an int or (T,) ints (None: no limit).
    ``method``: "exact" (outer-approximation MILP; the linear assignment when every cap <= 1),
    "heuristic" (greedy + local search),
    "lap" (exact only when every cap <= 1), or "auto": lap when every cap <= 1, exact up to
    ``EXACT_AUTO_MAX_PAIRS`` pairs, heuristic beyond. ``time_limit_s`` bounds the exact
    solver's wall-clock time (None: none); ``solve_wta`` also returns the proven bound.
    Inputs are not modified.
    """
    p, v, cap = _validate(kill_prob, target_value, max_per_target)
    if p.size == 0:
        return np.full(p.shape[0], -1, dtype=np.int64)
    if method == "auto":
        if np.all(cap <= 1):
            method = "lap"
        elif p.size <= EXACT_AUTO_MAX_PAIRS:
            method = "exact"
        else:
            method = "heuristic"
    if method == "lap":
        if np.any(cap > 1):
            raise ValueError('method="lap" is exact only when max_per_target <= 1')
        return _lap(p, v, cap)
    if method == "exact":
        if np.all(cap <= 1):
            return _lap(p, v, cap)
        return solve_wta(p, v, max_per_target=cap, time_limit_s=time_limit_s).assignment
    if method == "heuristic":
        return _heuristic(p, v, cap)
    raise ValueError(f'method must be "auto", "exact", "heuristic" or "lap", got {method!r}')


# --- linear assignment -------------------------------------------------------------------


def _lap(p: np.ndarray, v: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Exact when cap <= 1: maximise sum v[j] p[i, j] over a matching."""
    from scipy.optimize import linear_sum_assignment

    out = np.full(p.shape[0], -1, dtype=np.int64)
    cols = np.flatnonzero(cap >= 1)
    if cols.size == 0:
        return out
    gain = p[:, cols] * v[cols]
    rows, c = linear_sum_assignment(gain, maximize=True)
    keep = gain[rows, c] > 0
    out[rows[keep]] = cols[c[keep]]
    return out


# --- heuristic ---------------------------------------------------------------------------


def _greedy(
    p: np.ndarray, v: np.ndarray, cap: np.ndarray, start: np.ndarray | None = None
) -> np.ndarray:
    """Maximum marginal return: repeatedly give the best (weapon, target) pair its weapon."""
    n_w, n_t = p.shape
    out = np.full(n_w, -1, dtype=np.int64) if start is None else start.copy()
    count = np.bincount(out[out >= 0], minlength=n_t)
    surv_val = v.copy()  # V[j] = v[j] prod (1 - p) over weapons already on j
    used = out >= 0
    surv_val *= np.exp(np.bincount(out[used], weights=np.log1p(-p[used, out[used]]), minlength=n_t))
    gain = p * surv_val  # marginal return of each pair
    gain[used] = -1.0
    gain[:, count >= cap] = -1.0
    for _ in range(n_w - int(used.sum())):
        k = int(np.argmax(gain))
        i, j = divmod(k, n_t)
        if gain[i, j] <= 0.0:
            break
        out[i] = j
        count[j] += 1
        surv_val[j] *= 1.0 - p[i, j]
        gain[i] = -1.0
        if count[j] >= cap[j]:
            gain[:, j] = -1.0
        else:
            col = p[:, j] * surv_val[j]
            gain[:, j] = np.where(gain[:, j] < 0.0, -1.0, col)
    return out


def _local_search(
    p: np.ndarray, v: np.ndarray, cap: np.ndarray, start: np.ndarray, max_moves: int
) -> np.ndarray:
    """Best-improvement descent over reassignments (incl. to/from 'none') and swaps."""
    n_w, n_t = p.shape
    out = start.copy()
    # a dummy target n_t with value 0 and p = 0 stands for "unassigned"
    pd = np.concatenate([p, np.zeros((n_w, 1))], axis=1)
    feasible = np.concatenate([p > 0, np.ones((n_w, 1), bool)], axis=1)
    cap_d = np.append(cap, n_w)
    eps = 1e-12 * max(float(v.sum()), 1e-300)
    rows = np.arange(n_w)
    for _ in range(max_moves):
        a = np.where(out >= 0, out, n_t)
        count = np.bincount(a, minlength=n_t + 1)
        log_s = np.bincount(a, weights=np.log1p(-pd[rows, a]), minlength=n_t + 1)
        surv_val = np.append(v, 0.0) * np.exp(log_s)  # V[j]
        without = surv_val[a] / (1.0 - pd[rows, a])  # Q[i]: V of i's target without i
        # reassign i: a(i) -> b: delta = (Q_i - V_a) + V_b (1 - p_ib) - V_b = ... - V_b p_ib
        d_move = (without - surv_val[a])[:, None] - surv_val[None, :] * pd
        d_move[rows, a] = np.inf
        d_move[:, count >= cap_d] = np.inf
        d_move[~feasible] = np.inf
        # swap i <-> k: V_a' = Q_i (1 - p[k, a_i]), V_b' = Q_k (1 - p[i, a_k])
        m = pd[:, a].T  # m[i, k] = p[k, a_i]
        ok = feasible[:, a].T  # k may go to a_i
        d_swap = (without[:, None] * (1.0 - m) - surv_val[a][:, None]) + (
            without[None, :] * (1.0 - m.T) - surv_val[a][None, :]
        )
        d_swap[~(ok & ok.T) | (a[:, None] == a[None, :])] = np.inf
        i_m = int(np.argmin(d_move))
        i_s = int(np.argmin(d_swap))
        best_m = d_move.flat[i_m]
        best_s = d_swap.flat[i_s]
        if min(best_m, best_s) >= -eps:
            break
        if best_m <= best_s:
            i, b = divmod(i_m, n_t + 1)
            out[i] = b if b < n_t else -1
        else:
            i, k = divmod(i_s, n_w)
            out[i], out[k] = out[k], out[i]
    return out


def _lap_improve(p: np.ndarray, v: np.ndarray, cap: np.ndarray, sol: np.ndarray) -> np.ndarray:
    """Large-neighbourhood move: re-seat every weapon at once by a linear assignment.

    Slots are the current weapons' places (value factor v_j x survival of j without that
    weapon), one new place per target with room (v_j x its current survival) and "none" (0).
    The gain of weapon w in a slot of target j is factor x p[w, j]; the linearisation ignores
    two re-seated weapons meeting on one target, so the result is evaluated exactly and kept
    only if it is better (it finds the cyclic exchanges that pairwise swaps miss).
    """
    from scipy.optimize import linear_sum_assignment

    n_w, n_t = p.shape
    used = np.flatnonzero(sol >= 0)
    tj = sol[used]
    log_s = np.bincount(tj, weights=np.log1p(-p[used, tj]), minlength=n_t)
    surv_val = v * np.exp(log_s)
    count = np.bincount(tj, minlength=n_t)
    open_t = np.flatnonzero(count < cap)
    slot_t = np.concatenate([tj, open_t])
    factor = np.concatenate([surv_val[tj] / (1.0 - p[used, tj]), surv_val[open_t]])
    gain = p[:, slot_t] * factor[None, :]
    gain[p[:, slot_t] == 0] = -1.0  # never seat a weapon where it cannot kill
    short = max(n_w - slot_t.size, 0)
    gain = np.concatenate([gain, np.zeros((n_w, short))], axis=1)  # "none" slots if needed
    rows, cols = linear_sum_assignment(gain, maximize=True)
    out = np.full(n_w, -1, dtype=np.int64)
    real = (cols < slot_t.size) & (gain[rows, cols] > 0)  # a useless seat means "none"
    out[rows[real]] = slot_t[cols[real]]
    return out


def _kick(
    p: np.ndarray, cap: np.ndarray, sol: np.ndarray, n: int, rng: np.random.Generator
) -> np.ndarray:
    """Move ``n`` random weapons to random feasible targets with room (or to none)."""
    out = sol.copy()
    count = np.bincount(out[out >= 0], minlength=p.shape[1])
    for i in rng.choice(p.shape[0], size=min(n, p.shape[0]), replace=False):
        if out[i] >= 0:
            count[out[i]] -= 1
        room = np.flatnonzero((p[i] > 0) & (count < cap))
        out[i] = rng.choice(room) if room.size else -1
        if out[i] >= 0:
            count[out[i]] += 1
    return out


def _descend(
    p: np.ndarray,
    v: np.ndarray,
    cap: np.ndarray,
    start: np.ndarray,
    max_moves: int,
    lap_rounds: int = 10,
) -> tuple[np.ndarray, float]:
    """Local search, then alternate assignment re-seating and local search while it improves
    (at most ``lap_rounds`` times)."""
    sol = _local_search(p, v, cap, start, max_moves)
    f = surviving_value(p, v, sol)
    for _ in range(lap_rounds):
        cand = _local_search(p, v, cap, _lap_improve(p, v, cap, sol), max_moves)
        fc = surviving_value(p, v, cand)
        if fc >= f - 1e-12 * f:
            break
        sol, f = cand, fc
    return sol, f


def _layered_lap(p: np.ndarray, v: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Construction by rounds of linear assignments: each round gives every target with room at
    most one more weapon, maximising sum V_j p_ij with V_j the target's expected surviving value
    so far; rounds go on while weapons are left and some pair gains."""
    from scipy.optimize import linear_sum_assignment

    n_w, n_t = p.shape
    out = np.full(n_w, -1, dtype=np.int64)
    surv_val = v.astype(float).copy()
    count = np.zeros(n_t, dtype=np.int64)
    free = np.arange(n_w)
    while free.size:
        cols = np.flatnonzero(count < cap)
        if cols.size == 0:
            break
        gain = p[np.ix_(free, cols)] * surv_val[cols]
        r, c = linear_sum_assignment(gain, maximize=True)
        keep = gain[r, c] > 0
        if not keep.any():
            break
        w, t = free[r[keep]], cols[c[keep]]
        out[w] = t
        surv_val[t] *= 1.0 - p[w, t]
        count[t] += 1
        free = np.setdiff1d(free, w)
    return out


def _batched_local_search(
    p: np.ndarray, v: np.ndarray, cap: np.ndarray, start: np.ndarray, max_rounds: int = 50
) -> np.ndarray:
    """Descent that applies many improving moves per round: each weapon's best reassignment
    (incl. to and from "none") and best swap are computed at once, then taken best first as
    long as no two touch the same target or weapon. F is a sum over targets, so moves on
    disjoint targets change it by exactly the sum of their deltas: every round improves F."""
    n_w, n_t = p.shape
    out = start.copy()
    pd = np.concatenate([p, np.zeros((n_w, 1))], axis=1)  # column n_t: "none"
    feasible = np.concatenate([p > 0, np.ones((n_w, 1), bool)], axis=1)
    log_q = np.log1p(-pd)
    cap_d = np.append(cap, n_w)
    v_d = np.append(v, 0.0)
    eps = 1e-12 * max(float(v.sum()), 1e-300)
    rows = np.arange(n_w)
    for _ in range(max_rounds):
        a = np.where(out >= 0, out, n_t)
        count = np.bincount(a, minlength=n_t + 1)
        surv_val = v_d * np.exp(np.bincount(a, weights=log_q[rows, a], minlength=n_t + 1))
        without = surv_val[a] / (1.0 - pd[rows, a])
        d_move = (without - surv_val[a])[:, None] - surv_val[None, :] * pd
        d_move[rows, a] = np.inf
        d_move[:, count >= cap_d] = np.inf
        d_move[~feasible] = np.inf
        m = pd[:, a].T  # m[i, k] = p[k, a_i]
        ok = feasible[:, a].T
        d_swap = (without[:, None] * (1.0 - m) - surv_val[a][:, None]) + (
            without[None, :] * (1.0 - m.T) - surv_val[a][None, :]
        )
        d_swap[~(ok & ok.T) | (a[:, None] == a[None, :])] = np.inf
        bm, bs = np.argmin(d_move, axis=1), np.argmin(d_swap, axis=1)
        dm, ds = d_move[rows, bm], d_swap[rows, bs]
        cand_d = np.concatenate([dm, ds])
        good = np.flatnonzero(cand_d < -eps)
        if good.size == 0:
            break
        t_used = np.zeros(n_t + 1, bool)
        w_used = np.zeros(n_w, bool)
        for c in good[np.argsort(cand_d[good], kind="stable")].tolist():
            i = c % n_w
            if c < n_w:  # move i -> bm[i]
                k, ta, tb = -1, a[i], bm[i]
            else:  # swap i <-> bs[i]
                k = int(bs[i])
                ta, tb = a[i], a[k]
            if w_used[i] or (k >= 0 and w_used[k]):
                continue
            if (ta < n_t and t_used[ta]) or (tb < n_t and t_used[tb]):
                continue
            if k < 0:
                out[i] = tb if tb < n_t else -1
            else:
                out[i], out[k] = out[k], out[i]
                w_used[k] = True
            w_used[i] = True
            t_used[ta] = t_used[tb] = True
    return out


def _heuristic(p: np.ndarray, v: np.ndarray, cap: np.ndarray, thorough: bool = False) -> np.ndarray:
    """Two greedy starts + local search, then iterated local search (random kicks).

    The kicks use a fixed seed, so the result is a deterministic function of the input. Their
    number shrinks with the instance size (125 at 20 x 20). Beyond W (W + T) = ``LARGE_SIZE``
    the fast path runs instead: rounds of linear assignments (``_layered_lap``) and a batched
    descent (``_batched_local_search``), unless ``thorough`` (the exact solver's start): then the
    better greedy start is improved with one re-seating round, without kicks.
    """
    n_w, n_t = p.shape
    size = n_w * (n_w + n_t)
    large = size > LARGE_SIZE
    if large and not thorough:  # rounds of assignments, then batched descent
        return _batched_local_search(p, v, cap, _layered_lap(p, v, cap))
    max_moves = 4 * n_w + 20
    best, best_f = None, np.inf
    starts = [_greedy(p, v, cap)]
    if np.all(cap >= 1):
        starts.append(_greedy(p, v, cap, start=_lap(p, v, np.minimum(cap, 1))))
    if large:  # descend from the better start only
        starts = [min(starts, key=lambda a: surviving_value(p, v, a))]
    for s in starts:
        sol, f = _descend(p, v, cap, s, max_moves, lap_rounds=1 if large else 10)
        if f < best_f:
            best, best_f = sol, f
    rng = np.random.default_rng(0x5EED)
    n_kicks = 0 if large else int(np.clip(1e5 / (size + 1), 2, 150))
    n_drop_max = max(2, min(n_w // 3, 8))
    for _ in range(n_kicks):
        n_drop = int(rng.integers(2, n_drop_max + 1))
        sol, f = _descend(p, v, cap, _kick(p, cap, best, n_drop, rng), max_moves, lap_rounds=2)
        if f < best_f - 1e-12 * best_f:
            best, best_f = sol, f
    return best
