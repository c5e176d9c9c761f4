"""Linear KF and EKF: FilterPy cross-check, batching/mutation/symmetry properties, consistency."""

from __future__ import annotations

import numpy as np
import pytest
from filterpy.kalman import KalmanFilter
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.tracking.kalman import ekf_update_polar, innovation_polar, kf_predict, kf_update
from iads.tracking.measurement import polar_measure, polar_noise_cov
from iads.tracking.models import cv_process_noise, cv_transition

from .conftest import (
    assert_chi2_consistent,
    make_rng,
    polar_monte_carlo,
    random_spd,
    random_targets,
)

SENSOR = np.array([100.0, -200.0, 15.0])
R_POLAR = polar_noise_cov(50.0, np.radians(0.2), np.radians(0.3))
H_POS = np.hstack([np.eye(3), np.zeros((3, 3))])


def test_linear_kf_matches_filterpy_to_1e9():
    rng = make_rng(1)
    dt, q = 1.5, 2.0
    F, Q = cv_transition(dt), cv_process_noise(dt, q)
    R = np.diag([30.0, 40.0, 50.0]) ** 2
    x0 = np.array([1e3, 2e3, 3e3, 100.0, -50.0, 5.0])
    P0 = np.diag([500.0, 500.0, 500.0, 50.0, 50.0, 50.0]) ** 2
    kf = KalmanFilter(dim_x=6, dim_z=3)
    kf.F, kf.Q, kf.R, kf.H = F, Q, R, H_POS.copy()  # H by hand (see brief)
    kf.x, kf.P = x0.reshape(6, 1).copy(), P0.copy()
    x, P = x0, P0
    truth = x0.copy()
    for _ in range(50):
        truth = F @ truth + rng.multivariate_normal(np.zeros(6), Q)
        z = H_POS @ truth + rng.multivariate_normal(np.zeros(3), R)
        kf.predict()
        x, P = kf_predict(x, P, F, Q)
        np.testing.assert_allclose(x, kf.x[:, 0], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(P, kf.P, rtol=1e-9, atol=1e-9)
        kf.update(z.reshape(3, 1))
        x, P = kf_update(x, P, z, H_POS, R)
        np.testing.assert_allclose(x, kf.x[:, 0], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(P, kf.P, rtol=1e-9, atol=1e-9)


def _assert_sym_psd(P):
    np.testing.assert_array_equal(P, np.swapaxes(P, -1, -2))
    assert np.all(np.linalg.eigvalsh(P) > -1e-9 * np.abs(P).max())


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6), dt=st.floats(0.0, 10.0))
def test_kf_batched_equals_looped_and_does_not_mutate(seed, n, dt):
    rng = make_rng(2, seed)
    x = rng.normal(size=(n, 6)) * 100
    P = random_spd(rng, 6, (n,), 100.0)
    z = rng.normal(size=(n, 3)) * 100
    R = random_spd(rng, 3, (n,), 10.0)
    dts = np.full(n, dt)
    F, Q = cv_transition(dts), cv_process_noise(dts, 3.0)
    args = [a.copy() for a in (x, P, F, Q, z, R)]
    xp, Pp = kf_predict(x, P, F, Q)
    xu, Pu = kf_update(xp, Pp, z, H_POS, R)
    for a, b in zip(args, (x, P, F, Q, z, R), strict=True):
        np.testing.assert_array_equal(a, b)
    for i in range(n):
        xi, Pi = kf_predict(x[i], P[i], F[i], Q[i])
        xi, Pi = kf_update(xi, Pi, z[i], H_POS, R[i])
        np.testing.assert_allclose(xu[i], xi, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(Pu[i], Pi, rtol=1e-12, atol=1e-9)
    _assert_sym_psd(Pp)
    _assert_sym_psd(Pu)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6), rr=st.booleans())
def test_ekf_batched_equals_looped_and_does_not_mutate(seed, n, rr):
    rng = make_rng(3, seed)
    x = random_targets(rng, n)
    P = random_spd(rng, 6, (n,), 400.0)
    R = polar_noise_cov(50.0, 0.003, 0.004, 5.0 if rr else None)
    z = polar_measure(x + rng.normal(size=x.shape) * 20, SENSOR, rr)
    args = [a.copy() for a in (x, P, z, R)]
    xu, Pu, nis, S = ekf_update_polar(x, P, z, R, SENSOR, rr)
    for a, b in zip(args, (x, P, z, R), strict=True):
        np.testing.assert_array_equal(a, b)
    for i in range(n):
        xi, Pi, nisi, Si = ekf_update_polar(x[i], P[i], z[i], R, SENSOR, rr)
        np.testing.assert_allclose(xu[i], xi, rtol=1e-12)
        np.testing.assert_allclose(Pu[i], Pi, rtol=1e-10, atol=1e-9)
        np.testing.assert_allclose(nis[i], nisi, rtol=1e-10)
        np.testing.assert_allclose(S[i], Si, rtol=1e-12)
    _assert_sym_psd(Pu)
    assert nis.shape == (n,) and np.all(nis >= 0)


def test_zero_time_step_changes_nothing():
    rng = make_rng(4)
    x, P = random_targets(rng, 5), random_spd(rng, 6, (5,), 50.0)
    xp, Pp = kf_predict(x, P, cv_transition(0.0), cv_process_noise(0.0, 5.0))
    np.testing.assert_array_equal(xp, x)
    np.testing.assert_allclose(Pp, P, rtol=1e-15)


def test_innovation_polar_pairwise_broadcast():
    """K candidate pairs: one track against several plots, R shared, sensor shared."""
    rng = make_rng(5)
    x = random_targets(rng, 1)
    P = random_spd(rng, 6, (1,), 100.0)
    z = polar_measure(x + rng.normal(size=(4, 6)) * 50, SENSOR)
    nu, S, H = innovation_polar(np.repeat(x, 4, 0), np.repeat(P, 4, 0), z, R_POLAR, SENSOR)
    assert nu.shape == (4, 3) and S.shape == (4, 3, 3) and H.shape == (4, 3, 6)
    nu1, S1, _ = innovation_polar(x[0], P[0], z, R_POLAR, SENSOR)  # broadcast x over plots
    np.testing.assert_allclose(nu1, nu)
    np.testing.assert_allclose(np.broadcast_to(S1, S.shape), S)  # S does not depend on z


def test_ekf_update_against_hand_computed_equations():
    """One EKF update recomputed in the test with explicit inverses (Bar-Shalom 2001 §10.3)."""
    rng = make_rng(6)
    x, P = random_targets(rng, 1)[0], random_spd(rng, 6, (), 200.0)
    z = polar_measure(x + rng.normal(size=6) * 30, SENSOR)
    d = x[:3] - SENSOR
    r, rho = np.linalg.norm(d), np.linalg.norm(d[:2])
    H = np.zeros((3, 6))
    H[0, :3] = d / r
    H[1, :2] = [d[1] / rho**2, -d[0] / rho**2]
    H[2, :3] = [-d[2] * d[0] / (r**2 * rho), -d[2] * d[1] / (r**2 * rho), rho / r**2]
    zhat = np.array([r, np.arctan2(d[0], d[1]) % (2 * np.pi), np.arctan2(d[2], rho)])
    nu = z - zhat
    S = H @ P @ H.T + R_POLAR
    K = P @ H.T @ np.linalg.inv(S)
    P_std = (np.eye(6) - K @ H) @ P  # textbook form, equal to Joseph for the optimal gain
    xu, Pu, nis, S_out = ekf_update_polar(x, P, z, R_POLAR, SENSOR)
    np.testing.assert_allclose(xu, x + K @ nu, rtol=1e-10)
    np.testing.assert_allclose(Pu, 0.5 * (P_std + P_std.T), rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(nis, nu @ np.linalg.inv(S) @ nu, rtol=1e-9)
    np.testing.assert_allclose(S_out, S, rtol=1e-12)


@pytest.mark.parametrize("range_rate", [False, True])
def test_ekf_nees_and_nis_are_chi_square_consistent(range_rate):
    """Average NEES and NIS over 200 seeded runs lie in the 99.9% two-sided chi-square interval
    at every one of 30 scans (Bar-Shalom 2001 §5.4)."""
    R = polar_noise_cov(50.0, np.radians(0.2), np.radians(0.3), 2.0 if range_rate else None)
    nees, nis, _ = polar_monte_carlo(ekf_update_polar, R, SENSOR, range_rate)
    assert_chi2_consistent(nees, 6)
    assert_chi2_consistent(nis, R.shape[0])


@pytest.mark.parametrize("bad", [np.nan])
def test_nan_state_propagates_not_raises(bad):
    x = np.array([[bad, 1e4, 1e3, 0.0, 0.0, 0.0]])
    xu, *_ = ekf_update_polar(
        x, np.eye(6)[None] * 100, np.array([[1e4, 0.1, 0.1]]), R_POLAR, SENSOR
    )
    assert np.isnan(xu).any()


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), rr=st.booleans())
def test_update_never_adds_uncertainty(seed, rr):
    """P_post <= P_prior in the Loewner order (P_prior - P_post is PSD) for any plot."""
    rng = make_rng(8, seed)
    x = random_targets(rng, 3)
    P = random_spd(rng, 6, (3,), 500.0)
    R = polar_noise_cov(50.0, 0.003, 0.004, 5.0 if rr else None)
    z = polar_measure(x + rng.normal(size=x.shape) * 100, SENSOR, rr)
    _, Pu, _, _ = ekf_update_polar(x, P, z, R, SENSOR, rr)
    gap = np.linalg.eigvalsh(P - Pu)
    assert np.all(gap > -1e-9 * np.abs(P).max())
