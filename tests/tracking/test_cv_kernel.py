"""The compiled CV prediction of many tracks against FilterPy's Kalman predict."""

from __future__ import annotations

import numpy as np
import pytest
from filterpy.common import Q_continuous_white_noise
from filterpy.kalman import KalmanFilter

from iads.tracking.cv_kernel import cv_predict_rows


def _spd(rng, n):
    a = rng.normal(size=(n, 6, 6)) * np.array([300.0] * 3 + [20.0] * 3)
    return a @ np.swapaxes(a, 1, 2) + 1e-3 * np.eye(6)


@pytest.mark.parametrize("q_mps2", [0.0, 3.0, 40.0])
def test_prediction_equals_filterpys_predict(q_mps2):
    rng = np.random.default_rng(7)
    n = 25
    x = rng.normal(size=(n, 6)) * np.array([5e4] * 3 + [300.0] * 3)
    P = _spd(rng, n)
    t_upd = rng.uniform(0.0, 40.0, n)
    t_upd[3] = 40.0  # updated at the frame time: dt = 0
    rows = np.array([3, 0, 7, 7, 24, 11])  # any order, repeats allowed
    x_out, P_out = cv_predict_rows(x, P, t_upd, rows, 40.0, q_mps2)
    for c, i in enumerate(rows):
        dt = 40.0 - t_upd[i]
        kf = KalmanFilter(dim_x=6, dim_z=1)
        kf.x, kf.P = x[i].copy(), P[i].copy()
        kf.F = np.block([[np.eye(3), dt * np.eye(3)], [np.zeros((3, 3)), np.eye(3)]])
        # FilterPy's per-axis [pos, vel] block, spread over the [x y z vx vy vz] layout
        q = Q_continuous_white_noise(dim=2, dt=dt, spectral_density=q_mps2**2, block_size=3)
        order = [0, 2, 4, 1, 3, 5]
        kf.Q = q[np.ix_(order, order)]
        kf.predict()
        np.testing.assert_allclose(x_out[c], kf.x, rtol=1e-13, atol=1e-9)
        np.testing.assert_allclose(P_out[c], kf.P, rtol=1e-12, atol=1e-9)
    assert x_out.shape == (rows.size, 6) and P_out.shape == (rows.size, 6, 6)


def test_inputs_are_left_unchanged_and_no_rows_is_empty():
    rng = np.random.default_rng(1)
    x, P, t = rng.normal(size=(4, 6)), _spd(rng, 4), np.zeros(4)
    x0, P0 = x.copy(), P.copy()
    cv_predict_rows(x, P, t, np.arange(4), 5.0, 2.0)
    assert np.array_equal(x, x0) and np.array_equal(P, P0)
    xe, Pe = cv_predict_rows(x, P, t, np.empty(0, np.int64), 5.0, 2.0)
    assert xe.shape == (0, 6) and Pe.shape == (0, 6, 6)
