"""Motion models against closed forms recomputed here: Van Loan discretisation and ODE solves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp
from scipy.linalg import expm

from iads.tracking.models import (
    ct_jacobian,
    ct_predict,
    ct_process_noise,
    cv_process_noise,
    cv_transition,
    state6_to_7,
    state7_to_6,
)

from .conftest import make_rng, random_spd


def _van_loan(A, Qc, dt):
    """Discretise x' = A x + w, E[w w'] = Qc delta: returns (F, Q) (Van Loan 1978)."""
    n = A.shape[0]
    M = np.zeros((2 * n, 2 * n))
    M[:n, :n], M[:n, n:], M[n:, n:] = -A, Qc, A.T
    E = expm(M * dt)
    F = E[n:, n:].T
    return F, F @ E[:n, n:]


def _cv_continuous(q_psd, n=6):
    A = np.zeros((n, n))
    A[0:3, 3:6] = np.eye(3)
    Qc = np.zeros((n, n))
    Qc[3:6, 3:6] = q_psd * np.eye(3)
    return A, Qc


@pytest.mark.parametrize("dt", [0.1, 1.0, 4.0])
def test_cv_transition_and_noise_equal_van_loan_discretisation(dt):
    q_mps2 = 3.0
    F_ref, Q_ref = _van_loan(*_cv_continuous(q_mps2**2), dt)
    np.testing.assert_allclose(cv_transition(dt), F_ref, atol=1e-12)
    np.testing.assert_allclose(cv_process_noise(dt, q_mps2), Q_ref, rtol=1e-9, atol=1e-12)


def test_ct_process_noise_equals_van_loan_at_zero_turn():
    dt, q, qo = 2.0, 1.5, 0.02
    A, Qc = _cv_continuous(q**2, 7)
    Qc[6, 6] = qo**2
    _, Q_ref = _van_loan(A, Qc, dt)
    np.testing.assert_allclose(ct_process_noise(dt, q, qo), Q_ref, rtol=1e-9, atol=1e-14)


def test_batched_dt_gives_stacked_matrices():
    dts = np.array([0.5, 1.0, 3.0])
    q = np.array([1.0, 2.0, 3.0])
    F, Q = cv_transition(dts), cv_process_noise(dts, q)
    assert F.shape == Q.shape == (3, 6, 6)
    for i in range(3):
        np.testing.assert_array_equal(F[i], cv_transition(dts[i]))
        np.testing.assert_array_equal(Q[i], cv_process_noise(dts[i], q[i]))


def _turn_ode(_t, s):
    _, _, _, vx, vy, vz, w = s
    return [vx, vy, vz, -w * vy, w * vx, 0.0, 0.0]


@pytest.mark.parametrize("omega", [0.157, -0.05, 1e-7, 0.0])
def test_ct_predict_equals_integrated_turn(omega):
    x0 = np.array([1e3, -2e3, 5e3, 250.0, 40.0, -3.0, omega])
    dt = 7.0
    ref = solve_ivp(_turn_ode, (0, dt), x0, rtol=1e-12, atol=1e-9).y[:, -1]
    np.testing.assert_allclose(ct_predict(x0, dt), ref, rtol=1e-9, atol=1e-6)


def test_positive_omega_is_a_left_turn():
    """Heading east with omega > 0, the target bends north (counter-clockwise from above)."""
    x = ct_predict(np.array([0, 0, 0, 100.0, 0, 0, 0.1]), 1.0)
    assert x[1] > 0 and x[4] > 0


def test_ct_at_zero_turn_is_cv():
    rng = make_rng(10)
    x7 = np.concatenate([rng.normal(size=(4, 6)) * 100, np.zeros((4, 1))], axis=1)
    np.testing.assert_allclose(ct_predict(x7, 3.0)[:, :6], x7[:, :6] @ cv_transition(3.0).T)
    np.testing.assert_allclose(
        ct_jacobian(x7, 3.0)[:, :6, :6], np.broadcast_to(cv_transition(3.0), (4, 6, 6)), atol=1e-15
    )


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    omega=st.sampled_from([0.0, 1e-6, 2e-4, 0.05, -0.3]),
    dt=st.floats(0.1, 10.0),
)
def test_ct_jacobian_matches_central_differences(seed, omega, dt):
    rng = make_rng(11, seed)
    x = np.concatenate([rng.normal(size=3) * 1e3, rng.normal(size=3) * 200, [omega]])
    J = ct_jacobian(x, dt)
    steps = np.array([1.0, 1.0, 1.0, 1e-2, 1e-2, 1e-2, 1e-5])
    J_fd = np.empty((7, 7))
    for k in range(7):
        e = np.zeros(7)
        e[k] = steps[k]
        J_fd[:, k] = (ct_predict(x + e, dt) - ct_predict(x - e, dt)) / (2 * steps[k])
    np.testing.assert_allclose(J, J_fd, rtol=1e-5, atol=1e-5 * dt**2)


def test_zero_time_step_changes_nothing():
    x = np.array([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 0.1]])
    np.testing.assert_array_equal(ct_predict(x, 0.0), x)
    np.testing.assert_array_equal(ct_jacobian(x, 0.0)[0], np.eye(7))
    np.testing.assert_array_equal(ct_process_noise(0.0, 5.0, 0.1), np.zeros((7, 7)))


def test_state_conversions_round_trip_and_do_not_alias():
    rng = make_rng(12)
    x6, P6 = rng.normal(size=(3, 6)), random_spd(rng, 6, (3,))
    x7, P7 = state6_to_7(x6, P6, 0.01, 1e-4)
    assert x7.shape == (3, 7) and P7.shape == (3, 7, 7)
    assert np.all(x7[:, 6] == 0.01) and np.all(P7[:, 6, 6] == 1e-4) and np.all(P7[:, 6, :6] == 0)
    x6b, P6b = state7_to_6(x7, P7)
    np.testing.assert_array_equal(x6b, x6)
    np.testing.assert_array_equal(P6b, P6)
    x6b[0, 0] = 99.0
    assert x7[0, 0] != 99.0


def test_ct_matches_stone_soup_constant_turn():
    """Horizontal part against Stone Soup 1.9's ConstantTurn ([x, vx, y, vy, omega]), same
    omega sign; its Q with q_x = q_y = q_mps2**2 and q_omega = q_omega_radps2**2 equals ours."""
    from datetime import timedelta

    from stonesoup.models.transition.nonlinear import ConstantTurn
    from stonesoup.types.state import State

    x7 = np.array([1e3, -2e3, 5e3, 250.0, 40.0, -3.0, 0.12])
    dt, q, qo = 3.0, 1.5, 0.02
    model = ConstantTurn(linear_noise_coeffs=np.array([q**2, q**2]), turn_noise_coeff=qo**2)
    s = State(x7[[0, 3, 1, 4, 6]].reshape(5, 1))
    ref = np.asarray(model.function(s, time_interval=timedelta(seconds=dt)), float)[:, 0]
    ours = ct_predict(x7, dt)[[0, 3, 1, 4, 6]]
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-9)
    Q_ref = np.asarray(model.covar(time_interval=timedelta(seconds=dt)), float)
    idx = [0, 3, 1, 4, 6]
    np.testing.assert_allclose(ct_process_noise(dt, q, qo)[np.ix_(idx, idx)], Q_ref, rtol=1e-12)
