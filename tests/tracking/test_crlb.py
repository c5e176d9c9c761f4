"""PCRB: equals the Kalman Riccati recursion in the linear case; bounds the EKF within 20%."""

from __future__ import annotations

import numpy as np
import pytest
from filterpy.kalman import KalmanFilter

from iads.tracking.crlb import pcrb_polar, pcrb_step
from iads.tracking.kalman import ekf_update_polar, kf_predict
from iads.tracking.measurement import polar_measure, polar_noise_cov
from iads.tracking.models import cv_process_noise, cv_transition
from iads.tracking.ukf import ukf_update_polar

from .conftest import make_rng

SENSOR = np.array([100.0, -200.0, 15.0])
R_POLAR = polar_noise_cov(50.0, np.radians(0.2), np.radians(0.3))


def test_pcrb_step_equals_filterpy_riccati_for_linear_gaussian():
    """For linear-Gaussian models the PCRB is the Kalman covariance (Ristic et al. 2004 ch. 4)."""
    dt = 2.0
    F, Q = cv_transition(dt), cv_process_noise(dt, 1.5)
    H = np.hstack([np.eye(3), np.zeros((3, 3))])
    R = np.diag([30.0, 40.0, 50.0]) ** 2
    P0 = np.diag([500.0] * 3 + [50.0] * 3) ** 2
    kf = KalmanFilter(dim_x=6, dim_z=3)
    kf.F, kf.Q, kf.R, kf.H, kf.P = F, Q, R, H, P0.copy()
    J = np.linalg.inv(P0)
    for _ in range(20):
        kf.predict()
        kf.update(np.zeros((3, 1)))
        J = pcrb_step(J, F, Q, H.T @ np.linalg.inv(R) @ H)
        np.testing.assert_allclose(np.linalg.inv(J), kf.P, rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize("update", [ekf_update_polar, ukf_update_polar])
def test_position_rmse_within_20_percent_of_pcrb(update):
    """Straight-flying target, 200 seeded Monte Carlo runs, 2 s revisit: the EKF (and UKF)
    position RMSE stays within 20% of sqrt(trace of the PCRB position block) at every scan."""
    rng = make_rng(30)
    n_runs, n_steps, dt = 200, 40, 2.0
    truth0 = np.array([-20e3, 30e3, 5e3, 220.0, -80.0, 0.0])
    P0 = np.diag([300.0, 300.0, 300.0, 30.0, 30.0, 10.0]) ** 2
    F, Q = cv_transition(dt), np.zeros((6, 6))
    truths = np.array([np.linalg.matrix_power(F, k + 1) @ truth0 for k in range(n_steps)])
    bound = pcrb_polar(truths, F, Q, R_POLAR, SENSOR, np.linalg.inv(P0))
    bound_pos_m = np.sqrt(np.trace(bound[:, :3, :3], axis1=1, axis2=2))

    x = truth0 + rng.multivariate_normal(np.zeros(6), P0, size=n_runs)
    P = np.broadcast_to(P0, (n_runs, 6, 6))
    rmse_m = np.empty(n_steps)
    for k in range(n_steps):
        x, P = kf_predict(x, P, F, Q)
        z = polar_measure(truths[k], SENSOR) + rng.multivariate_normal(np.zeros(3), R_POLAR, n_runs)
        x, P, _, _ = update(x, P, z, R_POLAR, SENSOR)
        rmse_m[k] = np.sqrt(np.mean(np.sum((x[:, :3] - truths[k, :3]) ** 2, axis=1)))
    ratio = rmse_m / bound_pos_m
    assert np.all(ratio < 1.2), ratio
    assert np.all(ratio > 0.85), ratio  # well below the bound would mean a wrong bound
    assert bound_pos_m[-1] < bound_pos_m[0]  # information accumulates on a straight track
