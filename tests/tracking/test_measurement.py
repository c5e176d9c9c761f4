"""Polar measurement model: pymap3d cross-check, conventions, Jacobian, conversion, Monte Carlo."""

from __future__ import annotations

import numpy as np
import pymap3d
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.tracking.measurement import (
    polar_jacobian,
    polar_measure,
    polar_noise_cov,
    polar_residual,
    polar_to_cartesian,
    wrap_angle,
)

from .conftest import make_rng, random_targets

SENSOR = np.array([250.0, -400.0, 30.0])


@pytest.mark.parametrize(
    ("east", "north", "az"),
    [(1.0, 0.0, np.pi / 2), (0.0, 1.0, 0.0), (-1.0, 0.0, 1.5 * np.pi), (0.0, -1.0, np.pi)],
)
def test_azimuth_is_clockwise_from_north(east, north, az):
    z = polar_measure(np.array([1e4 * east, 1e4 * north, 1e4]), np.zeros(3))
    np.testing.assert_allclose(z, [np.sqrt(2) * 1e4, az, np.pi / 4], rtol=1e-14)


def test_matches_pymap3d_enu2aer():
    rng = make_rng(20)
    x = random_targets(rng, 50)
    d = x[:, :3] - SENSOR
    az_deg, el_deg, r_m = pymap3d.enu2aer(d[:, 0].copy(), d[:, 1].copy(), d[:, 2].copy())
    z = polar_measure(x, SENSOR)
    np.testing.assert_allclose(z[:, 0], r_m, rtol=1e-12)
    np.testing.assert_allclose(z[:, 1], np.radians(az_deg), atol=1e-12)
    np.testing.assert_allclose(z[:, 2], np.radians(el_deg), atol=1e-12)
    assert np.all((z[:, 1] >= 0) & (z[:, 1] < 2 * np.pi))


def test_range_rate_equals_finite_difference_of_range():
    rng = make_rng(21)
    x = random_targets(rng, 20)
    h = 1e-3
    r_plus = polar_measure(x[:, :3] + h * x[:, 3:], SENSOR)[:, 0]
    r_minus = polar_measure(x[:, :3] - h * x[:, 3:], SENSOR)[:, 0]
    z = polar_measure(x, SENSOR, range_rate=True)
    np.testing.assert_allclose(z[:, 3], (r_plus - r_minus) / (2 * h), rtol=1e-6, atol=1e-6)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), rr=st.booleans(), n_extra=st.sampled_from([0, 1]))
def test_jacobian_matches_central_differences(seed, rr, n_extra):
    rng = make_rng(22, seed)
    x = np.concatenate([random_targets(rng, 1)[0], np.zeros(n_extra)])
    H = polar_jacobian(x, SENSOR, rr)
    steps = np.array([1.0, 1.0, 1.0, 0.1, 0.1, 0.1] + [1e-3] * n_extra)
    H_fd = np.empty_like(H)
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = steps[k]
        dz = polar_residual(polar_measure(x + e, SENSOR, rr), polar_measure(x - e, SENSOR, rr))
        H_fd[:, k] = dz / (2 * steps[k])
    scale = np.abs(H).max(axis=1, keepdims=True)
    np.testing.assert_array_less(np.abs(H - H_fd), 1e-6 * np.abs(H_fd) + 1e-7 * scale + 1e-300)


def test_residual_wraps_azimuth_across_north():
    nu = polar_residual(np.array([1e4, 0.01, 0.1]), np.array([1e4 - 5, 2 * np.pi - 0.01, 0.1]))
    np.testing.assert_allclose(nu, [5.0, 0.02, 0.0], atol=1e-12)
    np.testing.assert_allclose(wrap_angle([np.pi, -np.pi, 3 * np.pi, 0.0]), [np.pi] * 3 + [0.0])


def test_noise_cov_shapes_and_values():
    R = polar_noise_cov(50.0, 0.003, 0.004)
    np.testing.assert_array_equal(R, np.diag([2500.0, 9e-6, 1.6e-5]))
    R4 = polar_noise_cov(np.array([10.0, 20.0]), 0.001, 0.002, 3.0)
    assert R4.shape == (2, 4, 4)
    np.testing.assert_array_equal(R4[1], np.diag([400.0, 1e-6, 4e-6, 9.0]))


def test_polar_to_cartesian_round_trip():
    rng = make_rng(23)
    x = random_targets(rng, 30)
    z = polar_measure(x, SENSOR)
    pos, cov = polar_to_cartesian(z, SENSOR, polar_noise_cov(50.0, 0.003, 0.003))
    np.testing.assert_allclose(pos, x[:, :3], rtol=1e-12, atol=1e-7)
    assert cov.shape == (30, 3, 3)


def test_converted_covariance_matches_monte_carlo():
    """First-order converted covariance vs the sample covariance of 200,000 converted plots, at a
    geometry where Lerro & Bar-Shalom's r sigma^2 / sigma_r = 0.016 (linearisation valid)."""
    rng = make_rng(24)
    truth = np.array([[30e3, 25e3, 6e3]])
    R = polar_noise_cov(50.0, np.radians(0.3), np.radians(0.2))
    z0 = polar_measure(truth, SENSOR)
    samples = z0 + rng.multivariate_normal(np.zeros(3), R, size=200_000)
    pos_mc, _ = polar_to_cartesian(samples, SENSOR, R)
    _, cov = polar_to_cartesian(z0, SENSOR, R)
    C_mc = np.cov(pos_mc.T)
    # sampling std of a covariance entry ~ sqrt(2/n) of the diagonal scale: 0.3%; allow 2%
    scale = np.sqrt(np.outer(np.diag(C_mc), np.diag(C_mc)))
    np.testing.assert_array_less(np.abs(cov[0] - C_mc) / scale, 0.02)


def test_unbiased_conversion_is_unbiased_and_consistent_where_first_order_fails():
    """Coarse angles at 92 km (Lerro & Bar-Shalom's r sigma^2 / sigma_r = 3.7 >> 0.4): the
    first-order conversion is biased (~88 m) and overconfident along the range (mean NEES ~20);
    the unbiased conversion (Mo Longbin et al. 1998) has no bias within Monte Carlo error and a
    mean NEES of 3, and its covariance matches the sample covariance of the errors."""
    rng = make_rng(25)
    truth = np.array([60e3, 70e3, 9e3])
    R = polar_noise_cov(30.0, np.radians(2.0), np.radians(1.5))
    z = polar_measure(truth, SENSOR) + rng.multivariate_normal(np.zeros(3), R, size=200_000)
    out = {}
    for method in ("first_order", "unbiased"):
        pos, cov = polar_to_cartesian(z, SENSOR, R, method=method)
        e = pos - truth
        se = e.std(axis=0) / np.sqrt(len(e))
        nees = np.einsum("ni,ni->n", e, np.linalg.solve(cov, e[..., None])[..., 0]).mean()
        out[method] = (np.abs(e.mean(axis=0)) / se, nees, cov.mean(axis=0), e.T @ e / len(e))
    z_bias_fo, nees_fo, _, _ = out["first_order"]
    z_bias_ub, nees_ub, C_ub, C_mc = out["unbiased"]
    assert np.max(z_bias_fo) > 10 and nees_fo > 6
    assert np.all(z_bias_ub < 4) and abs(nees_ub - 3.0) < 0.1
    scale = np.sqrt(np.outer(np.diag(C_mc), np.diag(C_mc)))
    np.testing.assert_array_less(np.abs(C_ub - C_mc) / scale, 0.02)


def test_unbiased_conversion_tends_to_first_order_for_small_noise():
    rng = make_rng(26)
    z = polar_measure(random_targets(rng, 10), SENSOR)
    R = polar_noise_cov(50.0, 1e-4, 1e-4)
    p1, C1 = polar_to_cartesian(z, SENSOR, R)
    p2, C2 = polar_to_cartesian(z, SENSOR, R, method="unbiased")
    np.testing.assert_allclose(p2, p1, atol=1e-3)
    np.testing.assert_allclose(C2, C1, rtol=1e-3, atol=1e-3)
    with pytest.raises(ValueError, match="method"):
        polar_to_cartesian(z, SENSOR, R, method="debiased")


@pytest.mark.parametrize("shape", [(0,), (1,), (9,), (2, 3)])
def test_first_order_conversion_is_its_stacked_reference(shape: tuple[int, ...]) -> None:
    # J filled entry by entry: bit for bit the stacked columns it replaced, leading axes kept
    rng = make_rng(60, len(shape), shape[0])
    z = np.stack(
        [rng.uniform(1e3, 9e4, shape), rng.uniform(0, 6.3, shape), rng.uniform(-0.2, 1.5, shape)],
        axis=-1,
    )
    R = polar_noise_cov(rng.uniform(10, 50, shape), 1e-3, 2e-3)
    s = rng.normal(size=3) * 1e3
    r, az, el = z[..., 0], z[..., 1], z[..., 2]
    sa, ca, se, ce = np.sin(az), np.cos(az), np.sin(el), np.cos(el)
    g = np.stack([sa * ce, ca * ce, se], axis=-1)
    J = np.zeros(z.shape[:-1] + (3, 3))
    J[..., :, 0] = g
    J[..., :, 1] = np.stack([r * ca * ce, -r * sa * ce, np.zeros_like(r)], axis=-1)
    J[..., :, 2] = np.stack([-r * sa * se, -r * ca * se, r * ce], axis=-1)
    C = J @ R @ np.swapaxes(J, -1, -2)
    pos, cov = polar_to_cartesian(z, s, R)
    assert np.array_equal(pos, s + r[..., None] * g)
    assert np.array_equal(cov, 0.5 * (C + np.swapaxes(C, -1, -2)))
