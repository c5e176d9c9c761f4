"""IMM: mixing/combination against the textbook sums, degenerate-case equality with the EKF,
properties, and the 4 g turn against CV alone (seeded Monte Carlo)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.tracking.imm import (
    ImmParams,
    imm_combine,
    imm_init,
    imm_innovation_polar,
    imm_mix,
    imm_predict,
    imm_predict_combine,
    imm_update,
    imm_update_polar,
)
from iads.tracking.kalman import ekf_update_polar, innovation_polar, kf_predict
from iads.tracking.measurement import polar_measure, polar_noise_cov
from iads.tracking.models import ct_predict, cv_process_noise, cv_transition, state6_to_7

from .conftest import make_rng, random_spd, random_targets

SENSOR = np.array([100.0, -200.0, 15.0])
R_POLAR = polar_noise_cov(50.0, np.radians(0.2), np.radians(0.2))
G_MPS2 = 9.80665


def _random_imm(rng, n, r=2):
    mu = rng.dirichlet(np.ones(r), size=n)
    x = np.concatenate([random_targets(rng, n * r), rng.normal(0, 0.05, (n * r, 1))], axis=1)
    return mu, x.reshape(n, r, 7), random_spd(rng, 7, (n, r), 100.0)


def test_mix_equals_textbook_sums():
    """Bar-Shalom 2001 §11.6 interaction step, written as explicit loops."""
    rng = make_rng(50)
    mu, x, P = _random_imm(rng, 3, r=3)
    trans = rng.dirichlet(np.ones(3), size=3)
    x0, P0, c = imm_mix(mu, x, P, trans)
    for n in range(3):
        for j in range(3):
            cj = sum(trans[i, j] * mu[n, i] for i in range(3))
            w = [trans[i, j] * mu[n, i] / cj for i in range(3)]
            xj = sum(w[i] * x[n, i] for i in range(3))
            Pj = sum(w[i] * (P[n, i] + np.outer(x[n, i] - xj, x[n, i] - xj)) for i in range(3))
            assert c[n, j] == pytest.approx(cj, rel=1e-12)
            np.testing.assert_allclose(x0[n, j], xj, rtol=1e-12)
            np.testing.assert_allclose(P0[n, j], Pj, rtol=1e-9, atol=1e-9)


def test_combine_equals_textbook_sums():
    rng = make_rng(51)
    mu, x, P = _random_imm(rng, 4)
    xc, Pc = imm_combine(mu, x, P)
    for n in range(4):
        xr = mu[n, 0] * x[n, 0] + mu[n, 1] * x[n, 1]
        Pr = sum(mu[n, j] * (P[n, j] + np.outer(x[n, j] - xr, x[n, j] - xr)) for j in range(2))
        np.testing.assert_allclose(xc[n], xr, rtol=1e-12)
        np.testing.assert_allclose(Pc[n], Pr, rtol=1e-9, atol=1e-9)


def test_transition_matrix_from_sojourn_times():
    p = ImmParams(
        kinds=("cv", "cv", "ct"),
        q_mps2=(1, 5, 2),
        q_omega_radps2=(0, 0, 0.03),
        sojourn_s=(60, 20, 10),
        mu0=(0.8, 0.1, 0.1),
    )
    T = p.transition(np.array([0.0, 4.0]))
    np.testing.assert_array_equal(T[0], np.eye(3))
    np.testing.assert_allclose(T.sum(-1), 1.0)
    assert T[1, 0, 0] == pytest.approx(np.exp(-4 / 60))
    assert T[1, 2, 0] == pytest.approx((1 - np.exp(-4 / 10)) / 2)


@pytest.mark.parametrize(
    "bad",
    [dict(mu0=(0.5, 0.6)), dict(kinds=("cv", "turn")), dict(q_mps2=(1.0,)), dict(ct_filter="pf")],
)
def test_params_validation_names_the_field(bad):
    with pytest.raises(ValueError, match="ImmParams"):
        ImmParams(**bad)


def test_two_identical_cv_modes_equal_a_single_ekf():
    """With both modes the same CV model, the IMM estimate is exactly the CV EKF's."""
    rng = make_rng(52)
    params = ImmParams(
        kinds=("cv", "cv"),
        q_mps2=(2.0, 2.0),
        q_omega_radps2=(0.0, 0.0),
        sojourn_s=(30.0, 10.0),
        mu0=(0.7, 0.3),
    )
    x6 = random_targets(rng, 5)
    P6 = random_spd(rng, 6, (5,), 400.0)
    mu, x, P = imm_init(x6, P6, params)
    xe, Pe = x6, P6
    for _ in range(10):
        dt = 3.0
        truth = xe + rng.normal(size=xe.shape) * 10
        z = polar_measure(truth, SENSOR)
        mu_p, x, P = imm_predict(mu, x, P, dt, params)
        mu, x, P, _ = imm_update_polar(mu_p, x, P, z, R_POLAR, SENSOR)
        xe, Pe = kf_predict(xe, Pe, cv_transition(dt), cv_process_noise(dt, 2.0))
        xe, Pe, _, _ = ekf_update_polar(xe, Pe, z, R_POLAR, SENSOR)
    xc, Pc = imm_combine(mu, x, P)
    np.testing.assert_allclose(xc[:, :6], xe, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(Pc[:, :6, :6], Pe, rtol=1e-7, atol=1e-7)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 4), ukf=st.booleans(), rr=st.booleans())
def test_batched_equals_looped_and_does_not_mutate(seed, n, ukf, rr):
    rng = make_rng(53, seed)
    params = ImmParams(ct_filter="ukf" if ukf else "ekf")
    mu, x, P = _random_imm(rng, n)
    x[:, 0, 6] = 0.0  # the CV mode holds omega at 0
    z = polar_measure(x[:, 0] + rng.normal(size=(n, 7)) * 30, SENSOR, rr)
    R = polar_noise_cov(50.0, 0.003, 0.003, 3.0 if rr else None)
    dt = rng.uniform(0.5, 4.0, n)
    args = [a.copy() for a in (mu, x, P, z, dt)]
    c, xp, Pp = imm_predict(mu, x, P, dt, params)
    mu_u, xu, Pu, nis = imm_update_polar(c, xp, Pp, z, R, SENSOR, rr)
    for a, b in zip(args, (mu, x, P, z, dt), strict=True):
        np.testing.assert_array_equal(a, b)
    for i in range(n):
        ci, xi, Pi = imm_predict(mu[i], x[i], P[i], dt[i], params)
        mui, xi, Pi, nisi = imm_update_polar(ci, xi, Pi, z[i], R, SENSOR, rr)
        np.testing.assert_allclose(mu_u[i], mui, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(xu[i], xi, rtol=1e-10)
        np.testing.assert_allclose(Pu[i], Pi, rtol=1e-8, atol=1e-8)
        np.testing.assert_allclose(nis[i], nisi, rtol=1e-9)
    np.testing.assert_allclose(mu_u.sum(-1), 1.0)
    np.testing.assert_array_equal(Pu, np.swapaxes(Pu, -1, -2))
    assert np.all(np.linalg.eigvalsh(Pu) > 0)


def test_zero_time_step_changes_nothing():
    rng = make_rng(54)
    params = ImmParams()
    mu, x, P = imm_init(random_targets(rng, 3), random_spd(rng, 6, (3,), 100.0), params)
    c, xp, Pp = imm_predict(mu, x, P, 0.0, params)
    np.testing.assert_allclose(c, mu, rtol=1e-15)
    np.testing.assert_allclose(xp, x, rtol=1e-15)
    np.testing.assert_allclose(Pp, P, rtol=1e-12, atol=1e-15)


def _turn_truth(dt_s, speed_mps=250.0, g=4.0, t_straight_s=60.0, t_turn_s=20.0, t_after_s=60.0):
    """Exact coordinated-turn truth (180 deg at 4 g), sampled every dt_s; integrated in 0.01 s
    sub-steps so the turn starts and stops between scans."""
    omega = g * G_MPS2 / speed_mps
    x = np.array([-30e3, 20e3, 5e3, speed_mps, 0.0, 0.0, 0.0])
    sub = int(round(dt_s / 0.01))
    out, t = [], 0.0
    for _ in range(int(round((t_straight_s + t_turn_s + t_after_s) / dt_s))):
        for _ in range(sub):
            x[6] = omega if t_straight_s <= t + 0.005 < t_straight_s + t_turn_s else 0.0
            x = ct_predict(x, 0.01)
            t += 0.01
        out.append(x.copy())
    return np.array(out), dt_s * np.arange(1, len(out) + 1)


def _imm_vs_cv(dt_s, q_cv_mps2, seed, n_runs=100, params=ImmParams()):
    rng = make_rng(55, seed)
    truth, t_s = _turn_truth(dt_s)
    P0 = np.diag([200.0] * 3 + [30.0] * 3) ** 2
    x6 = truth[0, :6] - np.r_[truth[0, 3:6] * dt_s, 0, 0, 0]  # state one scan before the first
    x6 = x6 + rng.multivariate_normal(np.zeros(6), P0, n_runs)
    P6 = np.broadcast_to(P0, (n_runs, 6, 6))
    mu, x, P = imm_init(x6, P6, params)
    F, Q = cv_transition(dt_s), cv_process_noise(dt_s, q_cv_mps2)
    xc, Pc = x6, P6
    err_imm, err_cv, mu_ct = [], [], []
    for k in range(len(t_s)):
        z = polar_measure(truth[k], SENSOR) + rng.multivariate_normal(np.zeros(3), R_POLAR, n_runs)
        c, x, P = imm_predict(mu, x, P, dt_s, params)
        mu, x, P, _ = imm_update_polar(c, x, P, z, R_POLAR, SENSOR)
        xe, _ = imm_combine(mu, x, P)
        xc, Pc = kf_predict(xc, Pc, F, Q)
        xc, Pc, _, _ = ekf_update_polar(xc, Pc, z, R_POLAR, SENSOR)
        err_imm.append(np.sum((xe[:, :3] - truth[k, :3]) ** 2, axis=1))
        err_cv.append(np.sum((xc[:, :3] - truth[k, :3]) ** 2, axis=1))
        mu_ct.append(mu[:, 1].mean())
    return t_s, np.array(err_imm), np.array(err_cv), np.array(mu_ct)


@pytest.mark.parametrize("dt_s", [1.0, 2.0, 4.0])
def test_imm_beats_cv_through_a_4g_turn(dt_s):
    """Same CV noise as the IMM's CV mode: in the turn and 20 s after it the IMM position RMSE
    is under 30% of CV's (measured 5-10%); the CT probability rises from < 0.2 to > 0.5."""
    t_s, e_imm, e_cv, mu_ct = _imm_vs_cv(dt_s, q_cv_mps2=1.0, seed=int(dt_s))
    turn = (t_s > 60.0) & (t_s <= 100.0)
    rmse_imm, rmse_cv = np.sqrt(e_imm[turn].mean()), np.sqrt(e_cv[turn].mean())
    assert rmse_imm < 0.3 * rmse_cv, (rmse_imm, rmse_cv)
    assert mu_ct[(t_s > 30.0) & (t_s <= 60.0)].max() < 0.2
    assert mu_ct[(t_s > 62.0) & (t_s <= 80.0)].mean() > 0.5
    assert mu_ct[-1] < 0.2  # back to CV once straight again
    straight = (t_s > 20.0) & (t_s <= 60.0)  # the IMM pays little when nothing happens
    assert np.sqrt(e_imm[straight].mean()) < 1.2 * np.sqrt(e_cv[straight].mean())


THREE_MODES = ImmParams(
    kinds=("cv", "cv", "ct"),
    q_mps2=(1.0, 10.0, 2.0),
    q_omega_radps2=(0.0, 0.0, 0.03),
    sojourn_s=(120.0, 20.0, 15.0),
    mu0=(0.8, 0.1, 0.1),
)


@pytest.mark.parametrize("params", [ImmParams(), THREE_MODES], ids=["cv-ct", "cv-cv-ct"])
def test_imm_beats_a_maneuver_tuned_cv(params):
    """Against CV with q = 20 m/s^2 (tuned for the turn): still better in the turn and overall
    (measured 0.80 and 0.72 of CV's RMSE, for both mode sets)."""
    t_s, e_imm, e_cv, _ = _imm_vs_cv(2.0, q_cv_mps2=20.0, seed=7, params=params)
    turn = (t_s > 60.0) & (t_s <= 100.0)
    assert np.sqrt(e_imm[turn].mean()) < 0.9 * np.sqrt(e_cv[turn].mean())
    assert np.sqrt(e_imm.mean()) < 0.85 * np.sqrt(e_cv.mean())


def test_docs_quick_start_runs_and_tracks():
    """The python block of docs/tracking-filters.md runs and both filters find the velocity."""
    import pathlib
    import re

    doc = pathlib.Path(__file__).parents[2] / "docs" / "tracking-filters.md"
    blocks = re.findall(r"```python\n(.*?)```", doc.read_text(), flags=re.S)
    assert blocks, "docs/tracking-filters.md lost its quick-start example"
    ns: dict = {}
    exec(compile(blocks[0], str(doc), "exec"), ns)  # noqa: S102 - our own documentation
    # from an unknown velocity (300 m/s sigma) to within 40 m/s after 10 scans at 50 km
    assert np.linalg.norm(ns["x"][0, 3:] - [-200.0, 0.0, 0.0]) < 40.0
    assert np.linalg.norm(ns["x_imm"][0, 3:6] - [-200.0, 0.0, 0.0]) < 40.0


def test_gating_innovation_is_that_of_the_combined_prediction():
    rng = make_rng(56)
    mu, x, P = _random_imm(rng, 3)
    z = polar_measure(x[:, 1] + rng.normal(size=(3, 7)) * 30, SENSOR)
    nu, S, H = imm_innovation_polar(mu, x, P, z, R_POLAR, SENSOR)
    xc, Pc = imm_combine(mu, x, P)
    nu_ref, S_ref, H_ref = innovation_polar(xc, Pc, z, R_POLAR, SENSOR)
    np.testing.assert_array_equal(nu, nu_ref)
    np.testing.assert_array_equal(S, S_ref)
    assert H.shape == (3, 3, 7) and np.all(H[..., 6] == 0)
    *_, nis_c = imm_update_polar(mu, x, P, z, R_POLAR, SENSOR)
    np.testing.assert_allclose(nis_c, np.einsum("ni,nij,nj->n", nu, np.linalg.inv(S), nu))


def test_linear_imm_matches_filterpy_imm_estimator():
    """Two CV modes (q = 1 and 20 m/s^2) on the 7-state, Cartesian position plots of a turning
    target, 50 scans: mode probabilities, combined state and covariance equal FilterPy 2.0's
    IMMEstimator (KalmanFilter modes built by hand with the same F, Q, H, R) to 1e-9."""
    from filterpy.kalman import IMMEstimator, KalmanFilter

    rng = make_rng(57)
    dt = 2.0
    params = ImmParams(
        kinds=("cv", "cv"),
        q_mps2=(1.0, 20.0),
        q_omega_radps2=(0.0, 0.0),
        sojourn_s=(60.0, 10.0),
        mu0=(0.8, 0.2),
    )
    H = np.hstack([np.eye(3), np.zeros((3, 4))])
    R = np.diag([40.0, 60.0, 50.0]) ** 2
    x6 = np.array([1e3, 2e3, 5e3, 250.0, 0.0, 0.0])
    P6 = np.diag([100.0] * 3 + [30.0] * 3) ** 2
    mu, x, P = imm_init(x6[None], P6[None], params)
    modes = []
    for q in params.q_mps2:
        f = KalmanFilter(dim_x=7, dim_z=3)
        f.F = np.zeros((7, 7))
        f.F[:6, :6] = cv_transition(dt)  # the CV mode resets omega to 0
        f.Q = np.zeros((7, 7))
        f.Q[:6, :6] = cv_process_noise(dt, q)
        f.Q[6, 6] = params.cv_omega_var_rad2ps2
        f.H, f.R = H.copy(), R.copy()
        f.x, f.P = x[0, 0].reshape(7, 1).copy(), P[0, 0].copy()
        modes.append(f)
    ref = IMMEstimator(modes, np.array(params.mu0), params.transition(dt))
    truth = np.array([1e3, 2e3, 5e3, 250.0, 0.0, 0.0, 0.0])
    mu_high = []
    for k in range(50):
        truth[6] = 0.1 if 15 <= k < 25 else 0.0
        truth = ct_predict(truth, dt)
        z = H @ truth + rng.multivariate_normal(np.zeros(3), R)
        ref.predict()
        ref.update(z.reshape(3, 1))
        c, x, P = imm_predict(mu, x, P, dt, params)
        mu, x, P, _ = imm_update(c, x, P, z[None], H, R)
        xc, Pc = imm_combine(mu, x, P)
        np.testing.assert_allclose(mu[0], ref.mu, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(xc[0], ref.x[:, 0], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(Pc[0], ref.P, rtol=1e-9, atol=1e-9)
        mu_high.append(mu[0, 1])
    assert max(mu_high) > 0.9 and mu_high[-1] < 0.2  # the data did exercise the switching


@pytest.mark.parametrize("lead", [(5,), (), (2, 3)])
def test_imm_init_is_each_mode_augmented(lead: tuple[int, ...]) -> None:
    """Every mode starts from the CV estimate augmented by ``state6_to_7`` with turn rate 0
    and its mode's turn-rate variance; the mode probabilities are ``mu0``."""
    params = ImmParams(kinds=("cv", "ct", "ct"), q_mps2=(0.5, 2.0, 6.0),
                       q_omega_radps2=(0.0, 0.03, 0.1), sojourn_s=(90.0, 20.0, 8.0),
                       mu0=(0.8, 0.1, 0.1))  # fmt: skip
    rng = np.random.default_rng(11)
    x6 = rng.normal(size=lead + (6,)) * 1e3
    P6 = random_spd(rng, 6, lead, 100.0)
    mu, x, P = imm_init(x6, P6, params)
    assert mu.shape == lead + (3,) and np.array_equal(
        mu[..., :], np.broadcast_to(params.mu0, mu.shape)
    )
    for j, kind in enumerate(params.kinds):
        var = params.cv_omega_var_rad2ps2 if kind == "cv" else params.omega_var0_rad2ps2
        x7, P7 = state6_to_7(x6, P6, 0.0, var)
        np.testing.assert_array_equal(x[..., j, :], x7)
        np.testing.assert_array_equal(P[..., j, :, :], P7)


@pytest.mark.parametrize("dt_s", [0.5, 1.0, 1.0, 7.25])
def test_compiled_predict_step_constants_cached_as_rebuilt(dt_s: float) -> None:
    # the cached switching matrix, kinds and noises are the ones rebuilt each call, and the
    # prediction with them equals the uncached path (unhashable params: lists for tuples)
    from iads.tracking import imm

    pytest.importorskip("numba")
    params = ImmParams()
    for got, want in zip(
        imm._cached_step_constants(params, dt_s), imm._step_constants(params, dt_s), strict=True
    ):
        assert got.dtype == want.dtype and np.array_equal(got, want)
    rng = make_rng(70, int(dt_s * 4))
    n, r = 5, params.n_modes
    mu = rng.dirichlet(np.ones(r), n)
    x = rng.normal(size=(n, r, 7)) * [1e3, 1e3, 1e2, 50, 50, 5, 0.01]
    P = random_spd(rng, 7, (n, r), scale=10.0)
    listed = ImmParams(
        **{k: list(v) if isinstance(v, tuple) else v for k, v in vars(params).items()}
    )
    a = imm_predict_combine(mu, x, P, dt_s, params, compiled=True)
    b = imm_predict_combine(mu, x, P, dt_s, listed, compiled=True)
    for u, v in zip(a, b, strict=True):
        assert np.array_equal(u, v)


def _imm_init_reference(x6, P6, params):
    """``imm_init`` as first written: broadcast mode probabilities, the variances as a list."""
    x6, P6 = np.asarray(x6, dtype=float), np.asarray(P6, dtype=float)
    lead, r = x6.shape[:-1], params.n_modes
    x = np.zeros(lead + (r, 7))
    x[..., :6] = x6[..., None, :]
    P = np.zeros(lead + (r, 7, 7))
    P[..., :6, :6] = P6[..., None, :, :]
    P[..., 6, 6] = [
        params.cv_omega_var_rad2ps2 if kind == "cv" else params.omega_var0_rad2ps2
        for kind in params.kinds
    ]
    mu = np.broadcast_to(np.asarray(params.mu0), lead + (r,)).copy()
    return mu, x, P


@pytest.mark.parametrize(
    "params",
    [
        ImmParams(),
        ImmParams(
            kinds=("cv", "ct", "ct"),
            q_mps2=(1.0, 5.0, 9.0),
            q_omega_radps2=(0.0, 0.01, 0.1),
            sojourn_s=(20.0, 5.0, 5.0),
            mu0=(0.8, 0.1, 0.1),
            omega_var0_rad2ps2=0.04,
        ),
        ImmParams(mu0=(1, 0)),  # integer probabilities: an integer array, as before
        ImmParams(mu0=[0.5, 0.5]),  # a list: not hashable, built anew
    ],
)
@pytest.mark.parametrize("n", [0, 3, None])
def test_imm_init_equals_reference(params: ImmParams, n: int | None) -> None:
    from iads.tracking.imm import imm_init

    rng = np.random.default_rng(2)
    lead = () if n is None else (n,)
    x6, P6 = rng.normal(size=lead + (6,)), rng.normal(size=lead + (6, 6))
    for _ in range(2):  # the second call reads the cached constants
        got, want = imm_init(x6, P6, params), _imm_init_reference(x6, P6, params)
        for g, w in zip(got, want, strict=True):
            np.testing.assert_array_equal(g, w, strict=True)
            assert g.flags.writeable
