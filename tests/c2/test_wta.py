"""Weapon-target assignment against brute force on small instances, and its contract."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.c2 import assign, surviving_value


def brute_force(p, v, cap):
    """Enumerate every assignment (weapon -> target or none) within the caps."""
    n_w, n_t = p.shape
    best = np.inf
    for combo in itertools.product(range(-1, n_t), repeat=n_w):
        a = np.array(combo)
        used = a >= 0
        if np.any(np.bincount(a[used], minlength=n_t) > cap):
            continue
        if np.any(p[np.flatnonzero(used), a[used]] == 0):
            continue
        # F = sum_j v_j prod_i (1 - p_ij)^x_ij, written out independently of the module
        f = sum(v[j] * np.prod([1 - p[i, j] for i in range(n_w) if a[i] == j]) for j in range(n_t))
        best = min(best, f)
    return best


def instance(seed, n_w, n_t, zero_frac=0.25):
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    p = rng.uniform(0.05, 0.95, (n_w, n_t))
    p[rng.random((n_w, n_t)) < zero_frac] = 0.0
    v = rng.uniform(1.0, 100.0, n_t)
    cap = rng.integers(1, 4, n_t)
    return p, v, cap


def check_feasible(a, p, cap):
    used = a >= 0
    assert a.dtype == np.int64 and a.shape == (p.shape[0],)
    assert np.all(a < p.shape[1])
    assert np.all(p[np.flatnonzero(used), a[used]] > 0)
    assert np.all(np.bincount(a[used], minlength=p.shape[1]) <= cap)


@pytest.mark.parametrize("seed", range(12))
def test_exact_equals_brute_force(seed):
    n_w, n_t = 3 + seed % 4, 2 + seed % 3
    p, v, cap = instance(seed, n_w, n_t)
    a = assign(p, v, max_per_target=cap, method="exact")
    check_feasible(a, p, cap)
    assert surviving_value(p, v, a) == pytest.approx(brute_force(p, v, cap), rel=1e-6)


@pytest.mark.parametrize("seed", range(6))
def test_lap_exact_when_one_per_target(seed):
    p, v, _ = instance(100 + seed, 5, 4)
    cap = np.ones(4, dtype=int)
    a = assign(p, v, max_per_target=1)
    check_feasible(a, p, cap)
    assert surviving_value(p, v, a) == pytest.approx(brute_force(p, v, cap), rel=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_heuristic_feasible_and_near_brute_force(seed):
    p, v, cap = instance(200 + seed, 6, 3)
    a = assign(p, v, max_per_target=cap, method="heuristic")
    check_feasible(a, p, cap)
    assert surviving_value(p, v, a) <= 1.02 * brute_force(p, v, cap)


def test_heuristic_large_feasible_and_not_worse_than_exact_bound():
    p, v, cap = instance(300, 40, 15)
    h = assign(p, v, max_per_target=cap, method="heuristic")
    e = assign(p, v, max_per_target=cap, method="exact")
    check_feasible(h, p, cap)
    check_feasible(e, p, cap)
    assert surviving_value(p, v, e) <= surviving_value(p, v, h) + 1e-9
    assert surviving_value(p, v, h) <= 1.02 * surviving_value(p, v, e)


def test_surviving_value_closed_form():
    p = np.array([[0.5, 0.2], [0.5, 0.9], [0.1, 0.3]])
    v = np.array([10.0, 4.0])
    a = np.array([0, 0, -1])
    assert surviving_value(p, v, a) == pytest.approx(10 * 0.25 + 4.0)


def test_infeasible_never_assigned_and_zero_cap_respected():
    p = np.array([[0.0, 0.9], [0.0, 0.0]])
    a = assign(p, np.array([5.0, 1.0]), max_per_target=np.array([3, 0]))
    np.testing.assert_array_equal(a, [-1, -1])
    np.testing.assert_array_equal(assign(np.zeros((0, 3)), np.ones(3)), np.zeros(0))


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match="target_value must have shape"):
        assign(np.ones((2, 3)) * 0.5, np.ones(2))
    with pytest.raises(ValueError, match="probabilities"):
        assign(np.full((2, 2), 1.5), np.ones(2))


@settings(max_examples=25, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(0, 2**31 - 1),
    st.sampled_from(["auto", "exact", "heuristic"]),
)
def test_property_optimal_or_close_and_inputs_untouched(n_w, n_t, seed, method):
    p, v, cap = instance(seed, n_w, n_t)
    p0, v0 = p.copy(), v.copy()
    a = assign(p, v, max_per_target=cap, method=method)
    np.testing.assert_array_equal(p, p0)
    np.testing.assert_array_equal(v, v0)
    check_feasible(a, p, cap)
    best = brute_force(p, v, cap)
    tol = 1e-6 if method != "heuristic" else 0.02
    assert surviving_value(p, v, a) <= best * (1 + tol) + 1e-12


@pytest.mark.parametrize("seed", range(8))
def test_solve_wta_bound_brackets_brute_force_with_weapon_types(seed):
    """Weapons of one type share a Pk row; bound <= brute-force optimum <= value."""
    from iads.c2.wta import solve_wta

    p, v, cap = instance(400 + seed, 5, 3)
    p[1] = p[0]  # a type of two identical weapons
    p[3] = p[2]
    best = brute_force(p, v, cap)
    r = solve_wta(p, v, max_per_target=cap)
    check_feasible(r.assignment, p, cap)
    assert r.value == pytest.approx(surviving_value(p, v, r.assignment), rel=1e-12)
    assert r.bound <= best * (1 + 1e-9)
    assert r.value == pytest.approx(best, rel=1e-6)
    assert r.proven_optimal


def test_solve_wta_tiny_time_limit_returns_feasible_incumbent_and_valid_bound():
    from iads.c2.wta import solve_wta

    p, v, cap = instance(500, 60, 40)
    r = solve_wta(p, v, max_per_target=cap, time_limit_s=1e-6)
    check_feasible(r.assignment, p, cap)
    assert r.bound <= r.value
    full = solve_wta(p, v, max_per_target=cap)
    assert full.proven_optimal
    # the optimum lies in [bound, value] of the time-limited run
    assert r.bound <= full.value * (1 + 1e-9) and full.value <= r.value * (1 + 1e-9)
    assert not r.proven_optimal or r.value == pytest.approx(full.value, rel=1e-6)


def test_fast_path_within_three_percent_of_the_proven_bound_on_typed_instances():
    """Beyond ``LARGE_SIZE`` the heuristic is the fast one; on typed instances (weapons in
    types of 1 to 3 identical rows, Ahuja et al.'s p ~ U(0.6, 0.9), v ~ U(25, 100)) of the
    issue's range (100 or more targets) its value stays within 3 % of the best known (the
    exact solver's incumbent, which starts from the thorough heuristic) and above the exact
    solver's proven lower bound."""
    from iads.c2.wta import LARGE_SIZE, solve_wta

    rng = np.random.default_rng(np.random.SeedSequence(77))
    for n_w, n_t in [(120, 100), (200, 100)]:
        assert n_w * (n_w + n_t) > LARGE_SIZE
        sizes = []
        while sum(sizes) < n_w:
            sizes.append(int(rng.integers(1, 4)))
        sizes[-1] -= sum(sizes) - n_w
        p = np.repeat(rng.uniform(0.6, 0.9, (len(sizes), n_t)), sizes, axis=0)
        v = rng.uniform(25, 100, n_t)
        h = assign(p, v, method="heuristic")
        check_feasible(h, p, np.full(n_t, n_w))
        exact = solve_wta(p, v, time_limit_s=10)
        assert exact.bound > 0
        assert exact.bound <= surviving_value(p, v, h) <= 1.03 * exact.value


@pytest.mark.parametrize("seed", range(6))
def test_batched_descent_ends_where_no_single_move_or_swap_improves(seed):
    """Checked by trying every reassignment and swap one at a time with the brute-force
    formula for F (independent of the module's incremental deltas)."""
    from iads.c2.wta import _batched_local_search, _layered_lap

    p, v, cap = instance(600 + seed, 9, 5)
    a = _batched_local_search(p, v, cap, _layered_lap(p, v, cap))
    check_feasible(a, p, cap)

    def f(x):
        return sum(
            v[j] * np.prod([1 - p[i, j] for i in range(len(x)) if x[i] == j])
            for j in range(p.shape[1])
        )

    base = f(a)
    for i in range(len(a)):
        for b in range(-1, p.shape[1]):
            x = a.copy()
            x[i] = b
            used = x >= 0
            if b == a[i] or np.any(np.bincount(x[used], minlength=p.shape[1]) > cap):
                continue
            if b >= 0 and p[i, b] == 0:
                continue
            assert f(x) >= base - 1e-9
        for k in range(len(a)):
            x = a.copy()
            x[i], x[k] = a[k], a[i]
            if any(x[w] >= 0 and p[w, x[w]] == 0 for w in (i, k)):
                continue
            assert f(x) >= base - 1e-9
