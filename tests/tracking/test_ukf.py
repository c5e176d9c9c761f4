"""UKF: Stone Soup cross-check, agreement with the EKF when mild, properties, CT prediction."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.tracking.kalman import ekf_update_polar, kf_predict
from iads.tracking.measurement import polar_measure, polar_noise_cov
from iads.tracking.models import ct_jacobian, ct_predict, ct_process_noise
from iads.tracking.ukf import sigma_weights, ukf_predict_ct, ukf_update_polar

from .conftest import (
    assert_chi2_consistent,
    make_rng,
    polar_monte_carlo,
    random_spd,
    random_targets,
)

SENSOR = np.array([100.0, -200.0, 15.0])
R_POLAR = polar_noise_cov(50.0, np.radians(0.2), np.radians(0.3))


def test_weights_sum_to_one_and_match_wan_van_der_merwe():
    wm, wc, c = sigma_weights(6, alpha=0.5, beta=2.0, kappa=-3.0)
    lam = 0.25 * 3 - 6
    assert c == pytest.approx(6 + lam)
    assert wm.sum() == pytest.approx(1.0)
    assert wm[0] == pytest.approx(lam / c) and wc[0] == pytest.approx(lam / c + 1 - 0.25 + 2)


@pytest.mark.parametrize("alpha,kappa", [(0.5, -3.0), (1.0, 0.0)])
def test_matches_stone_soup_unscented_updater(alpha, kappa):
    from stonesoup.models.measurement.nonlinear import CartesianToElevationBearingRange
    from stonesoup.types.detection import Detection
    from stonesoup.types.hypothesis import SingleHypothesis
    from stonesoup.types.prediction import GaussianStatePrediction
    from stonesoup.updater.kalman import UnscentedKalmanUpdater

    rng = make_rng(40)
    x = random_targets(rng, 1)[0]
    P = random_spd(rng, 6, (), 300.0)
    z = polar_measure(x + rng.normal(size=6) * 40, SENSOR)
    # Stone Soup: state [x, vx, y, vy, z, vz]; measurement [elevation, bearing, range] with
    # bearing = atan2(north, east) counter-clockwise from east = pi/2 - our azimuth.
    perm = [0, 3, 1, 4, 2, 5]
    model = CartesianToElevationBearingRange(
        ndim_state=6,
        mapping=(0, 2, 4),
        noise_covar=np.diag([R_POLAR[2, 2], R_POLAR[1, 1], R_POLAR[0, 0]]),
        translation_offset=SENSOR.reshape(3, 1),
    )
    pred = GaussianStatePrediction(x[perm].reshape(6, 1), P[np.ix_(perm, perm)])
    det = Detection(np.array([[z[2]], [np.pi / 2 - z[1]], [z[0]]]), measurement_model=model)
    upd = UnscentedKalmanUpdater(model, alpha=alpha, beta=2.0, kappa=kappa)
    post = upd.update(SingleHypothesis(pred, det))
    xu, Pu, _, _ = ukf_update_polar(x, P, z, R_POLAR, SENSOR, alpha=alpha, beta=2.0, kappa=kappa)
    inv = np.argsort(perm)
    np.testing.assert_allclose(xu, np.asarray(post.state_vector, float)[inv, 0], rtol=1e-8)
    np.testing.assert_allclose(
        Pu, np.asarray(post.covar, float)[np.ix_(inv, inv)], rtol=1e-6, atol=1e-6
    )


def test_agrees_with_ekf_when_nonlinearity_is_mild():
    """Far target, small covariance: UKF and EKF posteriors agree to a small fraction of sigma."""
    rng = make_rng(41)
    x = random_targets(rng, 20)
    P = np.broadcast_to(np.diag([100.0] * 3 + [10.0] * 3) ** 2, (20, 6, 6))
    z = polar_measure(x + rng.normal(size=x.shape) * 50, SENSOR)
    xe, Pe, nise, Se = ekf_update_polar(x, P, z, R_POLAR, SENSOR)
    xu, Pu, nisu, Su = ukf_update_polar(x, P, z, R_POLAR, SENSOR)
    sig = np.sqrt(np.diagonal(Pe, axis1=1, axis2=2))
    assert np.all(np.abs(xu - xe) <= 0.05 * sig)  # 6-80 km: 3% of sigma measured
    np.testing.assert_allclose(Pu, Pe, rtol=0.02, atol=0.02 * np.abs(Pe).max())
    np.testing.assert_allclose(nisu, nise, rtol=0.05, atol=0.01)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 5), rr=st.booleans())
def test_batched_equals_looped_and_does_not_mutate(seed, n, rr):
    rng = make_rng(42, seed)
    x = random_targets(rng, n)
    P = random_spd(rng, 6, (n,), 400.0)
    R = polar_noise_cov(50.0, 0.003, 0.004, 5.0 if rr else None)
    z = polar_measure(x + rng.normal(size=x.shape) * 20, SENSOR, rr)
    args = [a.copy() for a in (x, P, z)]
    xu, Pu, nis, S = ukf_update_polar(x, P, z, R, SENSOR, rr)
    for a, b in zip(args, (x, P, z), strict=True):
        np.testing.assert_array_equal(a, b)
    for i in range(n):
        xi, Pi, nisi, _ = ukf_update_polar(x[i], P[i], z[i], R, SENSOR, rr)
        np.testing.assert_allclose(xu[i], xi, rtol=1e-12)
        np.testing.assert_allclose(Pu[i], Pi, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(nis[i], nisi, rtol=1e-9)
    np.testing.assert_array_equal(Pu, np.swapaxes(Pu, 1, 2))
    assert np.all(np.linalg.eigvalsh(Pu) > 0)


def test_azimuth_straddling_north_is_averaged_correctly():
    """A target almost due north with a wide azimuth spread: UKF and EKF still agree."""
    x = np.array([[5.0, 40e3, 5e3, 0.0, 200.0, 0.0]])
    P = np.diag([300.0, 100.0, 100.0, 10.0, 10.0, 10.0])[None] ** 2
    z = np.array([[polar_measure(x, SENSOR)[0, 0], 2 * np.pi - 0.002, 0.12]])
    xe, *_ = ekf_update_polar(x, P, z, R_POLAR, SENSOR)
    xu, *_ = ukf_update_polar(x, P, z, R_POLAR, SENSOR)
    np.testing.assert_allclose(xu, xe, atol=2.0)


def test_ct_prediction_agrees_with_ekf_prediction_for_small_covariance():
    rng = make_rng(43)
    x7 = np.concatenate([random_targets(rng, 4), rng.uniform(-0.15, 0.15, (4, 1))], axis=1)
    P7 = np.broadcast_to(np.diag([50.0] * 3 + [5.0] * 3 + [1e-3]) ** 2, (4, 7, 7))
    dt = 2.0
    Q = ct_process_noise(dt, 1.0, 0.01)
    xu, Pu = ukf_predict_ct(x7, P7, dt, Q)
    F = ct_jacobian(x7, dt)
    _, Pe = kf_predict(x7, P7, F, Q)
    np.testing.assert_allclose(xu, ct_predict(x7, dt), rtol=1e-6, atol=0.05)
    np.testing.assert_allclose(Pu, Pe, rtol=1e-3, atol=1e-3 * np.abs(Pe).max())


@pytest.mark.parametrize("range_rate", [False, True])
def test_ukf_nees_and_nis_are_chi_square_consistent(range_rate):
    """Same seeded 200-run check as the EKF's (Bar-Shalom 2001 §5.4), 99.9% interval."""
    R = polar_noise_cov(50.0, np.radians(0.2), np.radians(0.3), 2.0 if range_rate else None)
    nees, nis, _ = polar_monte_carlo(ukf_update_polar, R, SENSOR, range_rate, seed=1)
    assert_chi2_consistent(nees, 6)
    assert_chi2_consistent(nis, R.shape[0])
