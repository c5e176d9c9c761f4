"""The terminal seeker: noise laws, glint process, its Kalman filter, and the end game it makes.

References named per test: Barton 2005 (monopulse angle noise), Zarchan 2012 ch. 6
(range-dependent noise; miss variance proportional to the noise spectral density in a linear
homing loop), the Gauss-Markov process's closed-form moments, weighted least squares as the
closed form of a Kalman filter without process noise.
"""

import numpy as np
import pytest

from iads.engagement import flyout as fo
from iads.engagement import seeker as sk
from iads.engagement.kill import kill_probability


def test_monopulse_noise_at_acquisition_and_range_laws():
    # Barton 2005 sec. 8.2: sigma = theta / (k_m sqrt(2 SNR)); SNR_acq at R_acq
    theta = float(sk.beamwidth_rad(10e9, 0.178))
    assert theta == pytest.approx(1.2 * 0.0299792458 / (0.8 * 0.178))
    act, semi = sk.GUIDANCE_CODES["active"], sk.GUIDANCE_CODES["semi_active"]
    r_acq, r_ref = 15_000.0, 100_000.0
    at_acq = sk.angle_noise_rad(act, r_acq, 1.0, r_acq, r_ref, theta, 0.0)
    assert at_acq == pytest.approx(theta / (sk.MONOPULSE_SLOPE * np.sqrt(2 * sk.ACQUISITION_SNR)))
    # active: own transmitter, SNR ~ R^-4, angle noise ~ R^2 (Zarchan ch. 6)
    far = sk.angle_noise_rad(act, 2 * r_acq, 1.0, r_acq, r_ref, theta, 0.0)
    assert far / at_acq == pytest.approx(4.0)
    # semi-active: noise ~ R_mt x R_it: twice the illuminator range, twice the noise
    s1 = sk.angle_noise_rad(semi, 5_000.0, 50_000.0, r_acq, r_ref, theta, 0.0)
    s2 = sk.angle_noise_rad(semi, 5_000.0, 100_000.0, r_acq, r_ref, theta, 0.0)
    assert s2 / s1 == pytest.approx(2.0)
    # the floor adds in quadrature
    floored = sk.angle_noise_rad(act, 100.0, 1.0, r_acq, r_ref, theta, 0.002)
    assert floored == pytest.approx(0.002, rel=1e-3)
    # command guidance: the ground radar's angle noise times its range to the target
    cmd = sk.GUIDANCE_CODES["command"]
    a = sk.angle_noise_rad(cmd, 3_000.0, 80_000.0, r_acq, r_ref, theta, 0.001)
    assert sk.position_noise_m(cmd, a, 3_000.0, 80_000.0) == pytest.approx(80.0)


def test_glint_is_a_gauss_markov_process():
    # closed form: stationary std sigma, lag-h correlation exp(-h / tau)
    rng = np.random.default_rng(np.random.SeedSequence(11))
    n, steps, h = 4_000, 60, 0.02
    sigma = np.full(n, 1.5)
    g = rng.normal(0.0, 1.5, (n, 3))
    first = g.copy()
    for _ in range(steps):
        g = sk.glint_step(g, sigma, np.full(n, h), rng)
    assert np.std(g) == pytest.approx(1.5, rel=0.03)
    rho = np.mean(first * g) / 1.5**2
    assert rho == pytest.approx(np.exp(-steps * h / sk.GLINT_CORRELATION_S), abs=0.03)


def test_filter_without_process_noise_is_weighted_least_squares():
    # a Kalman filter with no process noise and a diffuse prior gives the least-squares fit
    # of a quadratic to the measurements (the closed form), estimate and covariance
    rng = np.random.default_rng(np.random.SeedSequence(5))
    times = np.arange(12) * 0.05
    truth = 100.0 + 30.0 * times + 0.5 * 8.0 * times**2
    z = truth + rng.normal(0.0, 2.0, times.size)
    s = sk.SeekerState.empty(1)
    sk.start(s, np.array([0]), np.full((1, 3), z[0]), np.zeros((1, 3)), np.array([4.0]))
    s.cov[0] = np.diag([4.0, 1e8, 1e8])
    for k in range(1, times.size):
        s = sk.predict(s, np.array([0.05]), psd=0.0)
        s = sk.update(s, np.full((1, 3), z[k]), np.array([4.0]))
    a = np.column_stack([np.ones_like(times), times - times[-1], 0.5 * (times - times[-1]) ** 2])
    coef, *_ = np.linalg.lstsq(a, z, rcond=None)
    assert s.pos_m[0, 0] == pytest.approx(coef[0], abs=1e-3)
    assert s.vel_mps[0, 0] == pytest.approx(coef[1], abs=1e-2)
    assert s.acc_mps2[0, 0] == pytest.approx(coef[2], abs=0.1)
    cov = 4.0 * np.linalg.inv(a.T @ a)
    assert s.cov[0, 0, 0] == pytest.approx(cov[0, 0], rel=1e-3)
    assert s.cov[0, 1, 1] == pytest.approx(cov[1, 1], rel=1e-3)


def _end_game(itype, glint_m, n=24, seed=1, **kw):
    tp = np.tile([0.0, 20_000.0, 5_000.0], (n, 1))
    tv = np.tile([0.0, -250.0, 0.0], (n, 1))
    return fo.fly(
        np.zeros((n, 3)),
        fo.InterceptorParams.from_types([itype] * n),
        tp,
        tv,
        rng=np.random.default_rng(np.random.SeedSequence(seed)),
        glint_sigma_m=np.full(n, glint_m),
        dt_s=0.5,
        **kw,
    )


def test_miss_scales_with_the_square_root_of_the_glint_spectral_density(interceptors):
    # Zarchan 2012 ch. 6 (adjoint of the linear homing loop): the miss standard deviation
    # is proportional to sqrt(Phi), Phi = 2 sigma_g^2 tau_g: doubling glint doubles the miss
    # (same random numbers); the receiver noise is kept negligible here
    it = interceptors["AMRAAM-class"].model_copy(
        update={"seeker_noise_rad": 1e-6, "seeker_frequency_hz": 1e12}
    )
    a = _end_game(it, 1.0)
    b = _end_game(it, 2.0)
    assert (a.outcome == fo.CPA).all() and (b.outcome == fo.CPA).all()
    rms_a, rms_b = np.sqrt(np.mean(a.miss_m**2)), np.sqrt(np.mean(b.miss_m**2))
    assert 1.0 < rms_a < 6.0
    assert rms_b / rms_a == pytest.approx(2.0, rel=0.2)


def test_end_game_miss_converged_in_step_size(interceptors):
    # converged Monte Carlo reference: substeps half as long give the same miss statistics
    it = interceptors["PAC-3-MSE-class"]
    a = _end_game(it, 0.93, n=32)
    b = _end_game(it, 0.93, n=32, seed=2, h_coarse_s=0.025, h_fine_s=0.005)
    rms_a, rms_b = np.sqrt(np.mean(a.miss_m**2)), np.sqrt(np.mean(b.miss_m**2))
    # rms of 32 draws: relative standard error about 1 / sqrt(2 x 32) = 12.5 % each
    assert rms_a == pytest.approx(rms_b, rel=0.4)


def test_hit_to_kill_and_blast_fragmentation_no_longer_share_a_pk(interceptors):
    # the same simulated seeker against a 6.2 m cruise missile (glint 0.93 m): the 48N6-class
    # blast-fragmentation warhead kills almost surely, the PAC-3-class hit-to-kill round
    # needs a near-direct hit (before: both had miss 0.3 lethal radius, the same E[Pk] 0.85)
    out = {}
    for name in ("PAC-3-MSE-class", "48N6-class"):
        it = interceptors[name]
        rec = _end_game(it, 0.93)
        lethal = it.lethal_radius_for("cruise_missile")
        out[name] = float(np.mean(kill_probability(rec.miss_m, lethal, it.reliability)))
    assert out["48N6-class"] > 0.85
    assert out["PAC-3-MSE-class"] < 0.75
    assert out["48N6-class"] - out["PAC-3-MSE-class"] > 0.15
