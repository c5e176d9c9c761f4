"""Track-to-track fusion against closed forms, SciPy's optimiser, Stone Soup and Monte Carlo."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment, minimize_scalar
from scipy.stats import chi2

from iads.c2.fusion import (
    CorrelationTable,
    chi2_gate,
    covariance_intersection,
    gated_pairs,
    pair_distance2,
    track_to_track_association,
)


def _spd(rng: np.random.Generator, K: int, n: int, scale: float = 1.0) -> np.ndarray:
    A = rng.normal(size=(K, n, n)) * scale
    return A @ A.swapaxes(1, 2) + 0.05 * scale**2 * np.eye(n)


def _nees(e: np.ndarray, P: np.ndarray) -> np.ndarray:
    return np.einsum("ki,ki->k", e, np.linalg.solve(P, e[..., None])[..., 0])


def _mean_nees_bounds(n: int, runs: int, p: float = 0.999) -> tuple[float, float]:
    """Two-sided bounds of the mean NEES of ``runs`` consistent n-dimensional estimates
    (Bar-Shalom, Li & Kirubarajan 2001, §5.4.2: the sum is chi-square with n * runs dof)."""
    lo, hi = chi2.ppf([(1 - p) / 2, (1 + p) / 2], n * runs)
    return lo / runs, hi / runs


# ----------------------------------------------------------------- covariance intersection


def test_ci_1d_trace_optimum_is_the_smaller_variance():
    # in 1-D, P(w) = 1 / (w / a + (1 - w) / b) is monotone in w: the optimum is an end
    a = np.array([1.0, 9.0, 4.0])
    b = np.array([4.0, 2.0, 4.0 + 1e-9])
    f = covariance_intersection([[0.0]] * 3, a[:, None, None], [[1.0]] * 3, b[:, None, None])
    np.testing.assert_array_equal(f.omega, [1.0, 0.0, 1.0])
    np.testing.assert_allclose(f.P[:, 0, 0], np.minimum(a, b))
    np.testing.assert_allclose(f.x[:, 0], [0.0, 1.0, 0.0])


def test_ci_2d_diagonal_closed_form_omega():
    # P_a = diag(a1, a2), P_b = diag(b1, b2) with a1 < b1, a2 > b2. With c_i = 1/b_i and
    # k_i = 1/a_i - 1/b_i the trace is sum 1 / (c_i + w k_i); setting its derivative to zero,
    # sqrt(k1) (c2 + w k2) = sqrt(-k2) (c1 + w k1), so
    # w* = (sqrt(-k2) c1 - sqrt(k1) c2) / (sqrt(k1) k2 - sqrt(-k2) k1).
    a1, a2, b1, b2 = 1.0, 6.0, 5.0, 2.0
    c1, c2 = 1 / b1, 1 / b2
    k1, k2 = 1 / a1 - 1 / b1, 1 / a2 - 1 / b2
    w_star = (np.sqrt(-k2) * c1 - np.sqrt(k1) * c2) / (np.sqrt(k1) * k2 - np.sqrt(-k2) * k1)
    assert 0 < w_star < 1
    f = covariance_intersection(
        [[0.0, 0.0]], np.diag([a1, a2])[None], [[0.0, 0.0]], np.diag([b1, b2])[None]
    )
    assert f.omega[0] == pytest.approx(w_star, abs=1e-9)
    expected = [1 / (c1 + w_star * k1), 1 / (c2 + w_star * k2)]
    np.testing.assert_allclose(np.diag(f.P[0]), expected, rtol=1e-12)


def _criterion(Pa, Pb, w, criterion):
    info = w * np.linalg.inv(Pa) + (1 - w) * np.linalg.inv(Pb)
    P = np.linalg.inv(info)
    return np.trace(P) if criterion == "trace" else np.linalg.slogdet(P)[1]


@pytest.mark.parametrize("criterion", ["trace", "det"])
@pytest.mark.parametrize("n", [2, 4, 6])
def test_ci_omega_matches_scipy_bounded_minimiser(criterion, n):
    rng = np.random.default_rng(n)
    K = 30
    Pa, Pb = _spd(rng, K, n), _spd(rng, K, n, scale=2.0)
    f = covariance_intersection(
        rng.normal(size=(K, n)), Pa, rng.normal(size=(K, n)), Pb, criterion=criterion
    )
    for k in range(K):
        ref = minimize_scalar(
            lambda w, k=k: _criterion(Pa[k], Pb[k], w, criterion),
            bounds=(0.0, 1.0),
            method="bounded",
            options={"xatol": 1e-10},
        )
        best = min(
            ref.fun,
            _criterion(Pa[k], Pb[k], 0.0, criterion),
            _criterion(Pa[k], Pb[k], 1.0, criterion),
        )
        ours = _criterion(Pa[k], Pb[k], f.omega[k], criterion)
        assert ours <= best + 1e-9 * abs(best)
        if criterion == "trace":
            assert np.trace(f.P[k]) == pytest.approx(ours, rel=1e-10)


@pytest.mark.parametrize("omega", [None, 0.3])
def test_ci_matches_stone_soup_covariance_intersection(omega):
    from stonesoup.mixturereducer.gaussianmixture import CovarianceIntersection
    from stonesoup.types.state import GaussianState

    rng = np.random.default_rng(7)
    K, n = 12, 4
    Pa, Pb = _spd(rng, K, n), _spd(rng, K, n, scale=1.5)
    xa, xb = rng.normal(size=(K, n)), rng.normal(size=(K, n))
    f = covariance_intersection(xa, Pa, xb, Pb, omega=omega)
    for k in range(K):
        ref = CovarianceIntersection.merge_components(
            GaussianState(xa[k][:, None], Pa[k]),
            GaussianState(xb[k][:, None], Pb[k]),
            weights=[f.omega[k], 1 - f.omega[k]],
        )
        np.testing.assert_allclose(f.x[k], np.asarray(ref.state_vector, float)[:, 0], atol=1e-9)
        np.testing.assert_allclose(f.P[k], np.asarray(ref.covar, float), rtol=1e-9, atol=1e-12)


def test_ci_omega_one_and_zero_return_the_inputs():
    rng = np.random.default_rng(3)
    K, n = 6, 3
    Pa, Pb = _spd(rng, K, n), _spd(rng, K, n)
    xa, xb = rng.normal(size=(K, n)), rng.normal(size=(K, n))
    w = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    f = covariance_intersection(xa, Pa, xb, Pb, omega=w)
    first = w == 1
    np.testing.assert_array_equal(f.x[first], xa[first])
    np.testing.assert_array_equal(f.P[~first], Pb[~first])
    # and nearly there, the formula itself tends to the inputs
    near = covariance_intersection(xa, Pa, xb, Pb, omega=1 - 1e-12)
    np.testing.assert_allclose(near.P, Pa, rtol=1e-6, atol=1e-9)


def test_ci_does_not_mutate_and_is_batched_like_a_loop():
    rng = np.random.default_rng(4)
    K, n = 8, 4
    Pa, Pb = _spd(rng, K, n), _spd(rng, K, n)
    xa, xb = rng.normal(size=(K, n)), rng.normal(size=(K, n))
    copies = [a.copy() for a in (xa, Pa, xb, Pb)]
    batch = covariance_intersection(xa, Pa, xb, Pb)
    for a, c in zip((xa, Pa, xb, Pb), copies, strict=True):
        np.testing.assert_array_equal(a, c)
    for k in range(K):
        one = covariance_intersection(xa[k : k + 1], Pa[k : k + 1], xb[k : k + 1], Pb[k : k + 1])
        assert one.omega[0] == pytest.approx(batch.omega[k], abs=1e-9)
        np.testing.assert_allclose(one.P[0], batch.P[k], rtol=1e-9)
    empty = covariance_intersection(
        np.zeros((0, n)), np.zeros((0, n, n)), np.zeros((0, n)), np.zeros((0, n, n))
    )
    assert empty.x.shape == (0, n)


def test_ci_bounds_the_actual_error_covariance_for_any_cross_covariance():
    # Julier & Uhlmann 1997: for every w in [0, 1] and every admissible cross-covariance C of
    # the two errors, P_ci - E[e e'] is positive semi-definite. The actual covariance of
    # x = W_a x_a + W_b x_b is W_a P_a W_a' + W_b P_b W_b' + W_a C W_b' + W_b C' W_a'.
    rng = np.random.default_rng(11)
    K, n = 400, 4
    Pa, Pb = _spd(rng, K, n), _spd(rng, K, n, scale=1.3)
    La, Lb = np.linalg.cholesky(Pa), np.linalg.cholesky(Pb)
    Q, _ = np.linalg.qr(rng.normal(size=(K, n, n)))
    rho = rng.uniform(0, 1, size=(K, 1, 1))
    C = rho * La @ Q @ Lb.swapaxes(1, 2)  # |La^-1 C Lb^-T| <= 1: a valid joint covariance
    for omega in (None, 0.25, 0.5, 0.9):
        f = covariance_intersection(np.zeros((K, n)), Pa, np.zeros((K, n)), Pb, omega=omega)
        w = f.omega[:, None, None]
        Wa = f.P @ (w * np.linalg.inv(Pa))
        Wb = f.P @ ((1 - w) * np.linalg.inv(Pb))
        T = lambda A: A.swapaxes(1, 2)  # noqa: E731
        actual = Wa @ Pa @ T(Wa) + Wb @ Pb @ T(Wb) + Wa @ C @ T(Wb) + Wb @ T(C) @ T(Wa)
        margin = np.linalg.eigvalsh(f.P - actual).min(axis=1)
        assert margin.min() >= -1e-9 * np.abs(f.P).max()
    # the information sum (independence assumed) is not a bound: the test can fail
    Pn = np.linalg.inv(np.linalg.inv(Pa) + np.linalg.inv(Pb))
    Wa, Wb = Pn @ np.linalg.inv(Pa), Pn @ np.linalg.inv(Pb)
    T = lambda A: A.swapaxes(1, 2)  # noqa: E731
    actual = Wa @ Pa @ T(Wa) + Wb @ Pb @ T(Wb) + Wa @ C @ T(Wb) + Wb @ T(C) @ T(Wa)
    naive_worst = np.linalg.eigvalsh(Pn - actual).min(axis=1).min()
    assert naive_worst < -1e-3


def _correlated_estimates(rng, runs, Pa, Pb, rho):
    """Errors e_a ~ N(0, Pa), e_b ~ N(0, Pb) with cross-covariance rho La Lb'."""
    n = Pa.shape[0]
    La, Lb = np.linalg.cholesky(Pa), np.linalg.cholesky(Pb)
    u, v = rng.normal(size=(runs, n)), rng.normal(size=(runs, n))
    return u @ La.T, (rho * u + np.sqrt(1 - rho**2) * v) @ Lb.T


# two radars looking at one target from 90 degrees apart: each accurate in range, poor across
P_RADAR_A = np.array([[400.0, 0.0], [0.0, 40_000.0]])
P_RADAR_B = np.array([[22_000.0, -17_000.0], [-17_000.0, 22_000.0]])


@pytest.mark.parametrize("criterion", ["trace", "det"])
@pytest.mark.parametrize("rho", [0.0, 0.3, 0.6, 0.9])
def test_ci_nees_never_over_confident(rho, criterion):
    rng = np.random.default_rng(int(rho * 10) + 100)
    runs, n = 20_000, 2
    truth = rng.uniform(-5e4, 5e4, size=(runs, n))
    ea, eb = _correlated_estimates(rng, runs, P_RADAR_A, P_RADAR_B, rho)
    Pa = np.broadcast_to(P_RADAR_A, (runs, n, n))
    Pb = np.broadcast_to(P_RADAR_B, (runs, n, n))
    f = covariance_intersection(truth + ea, Pa, truth + eb, Pb, criterion=criterion)
    _, hi = _mean_nees_bounds(n, runs)
    assert _nees(f.x - truth, f.P).mean() <= hi


def test_naive_information_sum_is_over_confident_when_errors_correlate():
    rng = np.random.default_rng(5)
    runs, n = 20_000, 2
    Pn = np.linalg.inv(np.linalg.inv(P_RADAR_A) + np.linalg.inv(P_RADAR_B))
    lo, hi = _mean_nees_bounds(n, runs)
    means = {}
    for rho in (0.0, 0.9):
        ea, eb = _correlated_estimates(rng, runs, P_RADAR_A, P_RADAR_B, rho)
        x = (Pn @ (np.linalg.solve(P_RADAR_A, ea.T) + np.linalg.solve(P_RADAR_B, eb.T))).T
        means[rho] = _nees(x, np.broadcast_to(Pn, (runs, n, n))).mean()
    assert lo <= means[0.0] <= hi  # independent errors: the information sum is exact
    assert means[0.9] > hi  # correlated: over-confident, the bound catches it


def test_ci_of_two_kalman_tracks_with_common_process_noise():
    # Two radars track one manoeuvring target with constant-velocity Kalman filters; the shared
    # process noise correlates their errors (Bar-Shalom & Campo 1986). The exact cross-
    # covariance follows P_ab = (I - K_a H) (F P_ab F' + Q) (I - K_b H)'. Reference: the
    # Bar-Shalom-Campo fusion that uses it is consistent (two-sided NEES bounds); CI, which
    # does not know it, stays within the upper bound and is never tighter than it.
    rng = np.random.default_rng(21)
    runs, steps, dt, q = 4000, 40, 1.0, 2.0
    F = np.kron(np.eye(2), np.array([[1.0, dt], [0.0, 1.0]]))
    G = np.kron(np.eye(2), np.array([[dt**2 / 2], [dt]]))
    Q = q**2 * G @ G.T
    H = np.kron(np.eye(2), np.array([[1.0, 0.0]]))
    R = {"a": np.diag([30.0**2, 300.0**2]), "b": np.diag([300.0**2, 30.0**2])}
    x = np.zeros((runs, 4))
    P0 = np.diag([1e4, 1e2, 1e4, 1e2])
    est = {s: x + rng.multivariate_normal(np.zeros(4), P0, size=runs) for s in "ab"}
    P = {s: P0.copy() for s in "ab"}
    Pab = np.zeros((4, 4))  # independent initial errors
    for _ in range(steps):
        x = x @ F.T + rng.normal(size=(runs, 2)) @ (q * G.T)
        KH = {}
        for s in "ab":
            Pp = F @ P[s] @ F.T + Q  # predict
            S = H @ Pp @ H.T + R[s]
            K = Pp @ H.T @ np.linalg.inv(S)
            z = x @ H.T + rng.normal(size=(runs, 2)) * np.sqrt(np.diag(R[s]))
            xp = est[s] @ F.T
            est[s] = xp + (z - xp @ H.T) @ K.T
            I_KH = np.eye(4) - K @ H
            P[s] = I_KH @ Pp @ I_KH.T + K @ R[s] @ K.T  # Joseph form
            KH[s] = I_KH
        Pab = KH["a"] @ (F @ Pab @ F.T + Q) @ KH["b"].T
    lo, hi = _mean_nees_bounds(4, runs)
    # Bar-Shalom-Campo with the known cross-covariance
    Wgain = (P["a"] - Pab) @ np.linalg.inv(P["a"] + P["b"] - Pab - Pab.T)
    x_bc = est["a"] + (est["b"] - est["a"]) @ Wgain.T
    P_bc = P["a"] - Wgain @ (P["a"] - Pab).T
    assert lo <= _nees(x_bc - x, np.broadcast_to(P_bc, (runs, 4, 4))).mean() <= hi
    f = covariance_intersection(
        est["a"],
        np.broadcast_to(P["a"], (runs, 4, 4)),
        est["b"],
        np.broadcast_to(P["b"], (runs, 4, 4)),
    )
    assert _nees(f.x - x, f.P).mean() <= hi
    assert np.trace(f.P[0]) >= np.trace(P_bc)
    # the naive information sum believes it is better than the optimum: over-confident
    Pn = np.linalg.inv(np.linalg.inv(P["a"]) + np.linalg.inv(P["b"]))
    assert np.trace(Pn) < np.trace(P_bc)


def test_ci_refuses_bad_input():
    P = np.eye(2)[None]
    with pytest.raises(ValueError, match="omega"):
        covariance_intersection([[0, 0]], P, [[0, 0]], P, omega=1.5)
    with pytest.raises(ValueError, match="expected x"):
        covariance_intersection([0, 0], P, [0, 0], P)
    with pytest.raises(ValueError, match="criterion"):
        covariance_intersection([[0, 0]], P, [[0, 0]], P, criterion="volume")


# ------------------------------------------------------------------- association


def test_pair_distance_matches_direct_formula():
    rng = np.random.default_rng(8)
    xa, xb = rng.normal(size=(7, 3)), rng.normal(size=(5, 3))
    Pa, Pb = _spd(rng, 7, 3), _spd(rng, 5, 3)
    d2 = pair_distance2(xa, Pa, xb, Pb)
    for i, j in itertools.product(range(7), range(5)):
        dx = xa[i] - xb[j]
        assert d2[i, j] == pytest.approx(dx @ np.linalg.inv(Pa[i] + Pb[j]) @ dx, rel=1e-10)


def _crowd(rng, N, M, spread_m=20_000.0):
    """Six-state tracks (position m, velocity m/s) packed close, covariances of varied size."""

    def tracks(K):
        x = np.c_[rng.uniform(-spread_m, spread_m, (K, 3)), rng.normal(0, 40, (K, 3))]
        A = rng.normal(size=(K, 6, 6)) * np.r_[[300.0] * 3, [20.0] * 3][:, None]
        P = A @ A.swapaxes(1, 2) * rng.uniform(0.1, 3, (K, 1, 1)) + np.diag([1e2] * 3 + [1.0] * 3)
        return x, P

    return (*tracks(N), *tracks(M))


def test_gated_pairs_equals_the_all_pairs_test():
    rng = np.random.default_rng(31)
    xa, Pa, xb, Pb = _crowd(rng, 300, 250)
    g = chi2_gate(6, 0.9999)
    dense = pair_distance2(xa, Pa, xb, Pb)
    ia, ib, d2 = gated_pairs(xa, Pa, xb, Pb, g)
    ra, rb = np.nonzero(dense <= g)
    assert len(ra) > 300  # crowded: many candidate pairs, the test is not vacuous
    np.testing.assert_array_equal(ia, ra)
    np.testing.assert_array_equal(ib, rb)
    np.testing.assert_allclose(d2, dense[ra, rb], rtol=1e-10)


def test_association_by_groups_equals_one_global_assignment():
    # reference: one dense augmented problem over all tracks, solved by SciPy at once
    rng = np.random.default_rng(32)
    xl, Pl, xr, Pr = _crowd(rng, 120, 100, spread_m=8_000.0)
    g = chi2_gate(6, 0.9999)
    a = track_to_track_association(xl, Pl, xr, Pr)
    d2 = pair_distance2(xr, Pr, xl, Pl)
    M, N = d2.shape
    C = np.full((M + N, N + M), np.inf)
    C[:M, :N] = np.where(d2 <= g, d2, np.inf)
    C[np.arange(M), N + np.arange(M)] = g / 2
    C[M + np.arange(N), np.arange(N)] = g / 2
    C[M:, N:] = 0
    r, c = linear_sum_assignment(C)
    best = C[r, c].sum()
    ours = a.d2.sum() + g / 2 * (M - len(a.remote) + N - len(a.local))
    assert len(a.remote) > 20
    assert ours == pytest.approx(best, rel=1e-9)


def test_association_with_no_tracks_on_one_side():
    P = np.eye(2)[None]
    for xl, Pl, xr, Pr in [
        (np.zeros((0, 2)), np.zeros((0, 2, 2)), [[0.0, 0.0]], P),
        ([[0.0, 0.0]], P, np.zeros((0, 2)), np.zeros((0, 2, 2))),
    ]:
        a = track_to_track_association(xl, Pl, xr, Pr, prior={0: 0})
        assert len(a.remote) == len(a.local) == len(a.d2) == 0


def test_chi2_gate_equals_scipy_stats_quantile():
    for dim, p in [(1, 0.99), (3, 0.9999), (6, 0.95)]:
        assert chi2_gate(dim, p) == pytest.approx(chi2.ppf(p, dim), rel=1e-12)


def _scene(rng, n_common=40, n_local_only=5, n_remote_only=6):
    """Local and remote tracks of targets 1 km or more apart; remote rows shuffled."""
    grid = np.stack(np.meshgrid(np.arange(10), np.arange(10)), -1).reshape(-1, 2) * 2_000.0
    pos = grid[rng.permutation(len(grid))[: n_common + n_local_only + n_remote_only]]
    Pl = np.broadcast_to(np.diag([50.0**2, 80.0**2]), (len(pos), 2, 2))
    Pr = np.broadcast_to(np.diag([120.0**2, 60.0**2]), (len(pos), 2, 2))
    xl = pos + rng.normal(size=pos.shape) * [50.0, 80.0]
    xr = pos + rng.normal(size=pos.shape) * [120.0, 60.0]
    local_rows = np.arange(n_common + n_local_only)
    remote_targets = np.r_[np.arange(n_common), n_common + n_local_only + np.arange(n_remote_only)]
    perm = rng.permutation(len(remote_targets))
    remote_targets = remote_targets[perm]
    truth = {r: int(t) for r, t in enumerate(remote_targets) if t < n_common}
    return (xl[local_rows], Pl[local_rows], xr[remote_targets], Pr[remote_targets], truth)


def test_association_finds_the_known_pairs():
    rng = np.random.default_rng(12)
    xl, Pl, xr, Pr, truth = _scene(rng)
    a = track_to_track_association(xl, Pl, xr, Pr)
    assert dict(zip(a.remote.tolist(), a.local.tolist(), strict=True)) == truth
    assert not a.kept.any()
    assert np.all(a.d2 <= chi2_gate(2, 0.9999))


def test_association_gate_boundary_at_chi_square_quantile():
    g = chi2.ppf(0.99, 1)  # reference quantile from scipy.stats
    P = np.full((1, 1, 1), 0.5)  # P_local + P_remote = 1: d2 is the squared difference
    for d2, paired in [(g * (1 - 1e-9), True), (g * (1 + 1e-9), False)]:
        a = track_to_track_association([[0.0]], P, [[np.sqrt(d2)]], P, gate_prob=0.99)
        assert (len(a.remote) == 1) is paired
    # a remote track just outside every gate is left alone even if it is the only one
    a = track_to_track_association(
        [[0.0], [10.0]], np.full((2, 1, 1), 0.5), [[5.0]], P, gate_prob=0.99
    )
    assert len(a.remote) == 0


def _brute_force(d2, gate):
    M, N = d2.shape
    best, best_pairs = np.inf, set()
    for k in range(min(M, N) + 1):
        for rows in itertools.combinations(range(M), k):
            for cols in itertools.permutations(range(N), k):
                if any(d2[r, c] > gate for r, c in zip(rows, cols, strict=True)):
                    continue
                cost = sum(d2[r, c] for r, c in zip(rows, cols, strict=True))
                cost += gate / 2 * (M - k + N - k)
                if cost < best - 1e-12:
                    best, best_pairs = cost, set(zip(rows, cols, strict=True))
    return best, best_pairs


@pytest.mark.parametrize("seed", range(8))
def test_association_equals_brute_force_on_small_crowded_scenes(seed):
    rng = np.random.default_rng(seed)
    M, N = rng.integers(1, 5, size=2)
    xl, xr = rng.normal(size=(N, 2)) * 2, rng.normal(size=(M, 2)) * 2
    Pl, Pr = _spd(rng, N, 2, 0.5), _spd(rng, M, 2, 0.5)
    gate = chi2_gate(2, 0.99)
    a = track_to_track_association(xl, Pl, xr, Pr, gate_prob=0.99)
    d2 = pair_distance2(xr, Pr, xl, Pl)
    best, _ = _brute_force(d2, gate)
    unpaired = M - len(a.remote) + N - len(a.local)
    assert a.d2.sum() + gate / 2 * unpaired == pytest.approx(best, rel=1e-9)
    assert len(set(a.local.tolist())) == len(a.local)


def test_prior_correlation_prevents_a_swap_while_gated():
    # two targets crossing: the nearest-neighbour answer swaps them, the prior keeps them
    P = np.broadcast_to(np.eye(2) * 100.0**2, (2, 2, 2))
    xl = np.array([[0.0, 0.0], [60.0, 0.0]])
    xr = np.array([[50.0, 0.0], [10.0, 0.0]])  # remote 0 is local 0's target, seen slightly off
    fresh = track_to_track_association(xl, P, xr, P)
    assert fresh.local.tolist() == [1, 0]
    kept = track_to_track_association(xl, P, xr, P, prior={0: 0, 1: 1})
    assert kept.local.tolist() == [0, 1] and kept.kept.all()
    # once a prior pair fails the gate it is released and the rest assigned afresh
    xr_far = np.array([[5_000.0, 0.0], [10.0, 0.0]])
    a = track_to_track_association(xl, P, xr_far, P, prior={0: 0, 1: 1})
    assert (a.remote.tolist(), a.local.tolist(), a.kept.tolist()) == ([1], [1], [True])
    a = track_to_track_association(xl, P, xr_far, P, prior={0: 0})
    assert (a.remote.tolist(), a.local.tolist(), a.kept.tolist()) == ([1], [0], [False])
    # prior rows out of range are ignored, not an error (tracks dropped since)
    a = track_to_track_association(xl, P, xr, P, prior={5: 0, 0: 9})
    assert a.local.tolist() == [1, 0] and not a.kept.any()


# ---------------------------------------------------------------- correlation table


def test_correlation_table_persists_and_releases():
    t = CorrelationTable()
    t = t.updated("North EW", [101, 102], [7, 8], t_s=10.0)
    t = t.updated("Brasa-2", [5], [7], t_s=10.0)  # another source may feed the same local track
    assert t.local_of("North EW", [102, 101, 999]).tolist() == [8, 7, -1]
    assert len(t) == 3
    # a later cycle confirms one pair and moves nothing else
    t2 = t.updated("North EW", [101], [7], t_s=12.0)
    assert t2.local_of("North EW", [101, 102]).tolist() == [7, 8]
    assert t2.pairs[("North EW", 101)] == (7, 12.0) and t2.pairs[("North EW", 102)] == (8, 10.0)
    assert t.pairs[("North EW", 101)] == (7, 10.0)  # the old table is unchanged
    # one to one per source: local 8 taken by remote 103 releases remote 102
    t3 = t2.updated("North EW", [103], [8], t_s=13.0)
    assert t3.local_of("North EW", [102, 103]).tolist() == [-1, 8]
    # releases: the remote unit dropped its track; this unit dropped its local track; stale
    assert t3.released_remote("North EW", [101]).local_of("North EW", [101]).tolist() == [-1]
    gone_local = t3.released_local([7])
    assert ("Brasa-2", 5) not in gone_local.pairs and ("North EW", 101) not in gone_local.pairs
    stale = t3.released_stale(t_s=20.0, max_age_s=8.5)  # Brasa-2 5 last seen at 10 s
    assert set(stale.pairs) == {("North EW", 101), ("North EW", 103)}


def test_correlation_table_keeps_numbers_through_a_crossing():
    # two targets cross along x; each cycle the remote unit reports them with its numbers
    rng = np.random.default_rng(2)
    P = np.broadcast_to(np.eye(2) * 80.0**2, (2, 2, 2))
    local_numbers, remote_numbers = np.array([11, 12]), np.array([501, 502])
    table = CorrelationTable()
    for k, t_s in enumerate(np.arange(0.0, 21.0)):
        sep = 2_000.0 - 200.0 * k  # from +2 km to -2 km: they pass each other at k = 10
        truth = np.array([[0.0, sep / 2], [0.0, -sep / 2]])
        xl = truth + rng.normal(size=(2, 2)) * 80.0
        xr = truth + rng.normal(size=(2, 2)) * 80.0
        prior = table.prior("AEW", remote_numbers, local_numbers)
        a = track_to_track_association(xl, P, xr, P, prior=prior)
        if k > 0:
            assert len(a.remote) == 2
        table = table.updated("AEW", remote_numbers[a.remote], local_numbers[a.local], t_s)
        assert table.local_of("AEW", [501, 502]).tolist() == [11, 12], k
