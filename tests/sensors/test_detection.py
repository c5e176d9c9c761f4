"""Detection probability: closed forms, published values, numerical integration, Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special

from iads.sensors import detection_probability
from iads.sensors.detection import (
    albersheim_snr_db,
    required_snr_db,
    shnidman_snr_db,
    threshold,
)


def test_threshold_gives_pfa_by_monte_carlo():
    # noise-only sum of N unit exponentials exceeds T with probability Pfa
    rng = np.random.default_rng(np.random.SeedSequence(1))
    n = 4
    noise = rng.exponential(size=(400_000, n)).sum(axis=1)
    t = threshold(1e-2, n)
    p = (noise > t).mean()
    assert abs(p - 1e-2) < 4 * np.sqrt(1e-2 * 0.99 / 400_000)


@pytest.mark.parametrize("snr_db", [-10.0, 0.0, 5.0, 13.0, 20.0, 30.0])
@pytest.mark.parametrize("pfa", [1e-3, 1e-6, 1e-9])
def test_swerling1_single_pulse_closed_form(snr_db, pfa):
    # Richards eq. 6.65: Pd = Pfa^(1 / (1 + SNR)); Swerling 2 is the same for N = 1
    snr = 10 ** (snr_db / 10)
    expected = pfa ** (1 / (1 + snr))
    assert detection_probability(snr_db, pfa, 1, 1) == pytest.approx(expected, rel=1e-10)
    assert detection_probability(snr_db, pfa, 1, 2) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("snr_db", [-5.0, 5.0, 13.0, 25.0])
def test_swerling3_single_pulse_closed_form(snr_db):
    # Richards eq. 6.68: Pd = (1 + 2 χ ln(1/Pfa) / (2+χ)^2) exp(-2 ln(1/Pfa) / (2+χ))
    pfa = 1e-6
    x = 10 ** (snr_db / 10)
    lnf = np.log(1 / pfa)
    expected = (1 + 2 * x * lnf / (2 + x) ** 2) * np.exp(-2 * lnf / (2 + x))
    for case in (3, 4):  # identical for a single pulse
        assert detection_probability(snr_db, pfa, 1, case) == pytest.approx(expected, rel=1e-10)


def test_swerling0_single_pulse_is_marcum_q():
    # Pd = Q1(sqrt(2 SNR), sqrt(2 T)) = 1 - ncx2.cdf; integrate the Rician density directly
    snr, pfa = 10**1.0, 1e-4
    t = -np.log(pfa)

    def rice(y):
        return np.exp(-(y + snr)) * special.i0(2 * np.sqrt(y * snr))

    expected = integrate.quad(rice, t, t + 200, limit=200)[0]
    assert detection_probability(10.0, pfa, 1, 0) == pytest.approx(expected, rel=1e-8)


def test_published_required_snr():
    # Richards FRSP 2nd ed. §6.2: steady target, Pd 0.9, Pfa 1e-8: 14.2 dB (N=1), 6.1 dB (N=10)
    np.testing.assert_allclose(required_snr_db(0.9, 1e-8, [1, 10], 0), [14.2, 6.1], atol=0.05)
    # Pd 0.9, Pfa 1e-6, one pulse: 13.2 dB steady, 21.1 dB Swerling 1 (Skolnik §2.5, §2.8)
    assert required_snr_db(0.9, 1e-6, 1, 0) == pytest.approx(13.2, abs=0.05)
    assert required_snr_db(0.9, 1e-6, 1, 1) == pytest.approx(21.1, abs=0.1)


def test_fluctuation_loss_single_pulse():
    # Skolnik, Introduction to Radar Systems 3rd ed., Fig. 2.23 (fluctuation loss against Pd,
    # one pulse): about 8 dB for Swerling 1/2 and 4 dB for Swerling 3/4 at Pd 0.9
    steady = required_snr_db(0.9, 1e-6, 1, 0)
    assert required_snr_db(0.9, 1e-6, 1, 1) - steady == pytest.approx(8.0, abs=0.3)
    assert required_snr_db(0.9, 1e-6, 1, 3) - steady == pytest.approx(4.0, abs=0.3)


def test_frequency_agility_crossover_near_360_pulses():
    # Richards (Noncoherent integration gain notes, 2014): for Pd 0.9, Pfa 1e-6, a Swerling 2
    # (frequency-agile) noncoherent sum beats coherent integration of a Swerling 1 target
    # below N ≈ 360 pulses.
    def gap(n):
        coherent = required_snr_db(0.9, 1e-6, 1, 1) - 10 * np.log10(n)
        return required_snr_db(0.9, 1e-6, n, 2) - coherent

    assert gap(330) < 0 < gap(390)


def _expect_over_rcs(density, snr_db, pfa, n):
    """Average the steady-target Pd over a scan-to-scan RCS density (mean 1)."""
    snr = 10 ** (snr_db / 10)

    def f(x):
        return detection_probability(10 * np.log10(max(x, 1e-300) * snr), pfa, n, 0) * density(x)

    return sum(integrate.quad(f, a, b, limit=200)[0] for a, b in [(0, 0.5), (0.5, 3), (3, 60)])


@pytest.mark.parametrize("n", [1, 2, 3, 10, 30])
@pytest.mark.parametrize("snr_db", [-3.0, 5.0, 12.0])
def test_scan_to_scan_cases_equal_averaged_steady_target(n, snr_db):
    pfa = 1e-6
    sw1 = _expect_over_rcs(lambda x: np.exp(-x), snr_db, pfa, n)
    sw3 = _expect_over_rcs(lambda x: 4 * x * np.exp(-2 * x), snr_db, pfa, n)
    assert detection_probability(snr_db, pfa, n, 1) == pytest.approx(sw1, rel=1e-6, abs=1e-12)
    assert detection_probability(snr_db, pfa, n, 3) == pytest.approx(sw3, rel=1e-6, abs=1e-12)


@pytest.mark.parametrize("case", [0, 1, 2, 3, 4])
def test_monte_carlo_square_law_detector(case):
    # simulate complex Gaussian noise plus a fluctuating echo, sum |.|^2 over N pulses
    rng = np.random.default_rng(np.random.SeedSequence([2, case]))
    trials, n, snr_db, pfa = 200_000, 4, 6.0, 1e-3
    snr = 10 ** (snr_db / 10)
    dof = {0: None, 1: 2, 2: 2, 3: 4, 4: 4}[case]
    per_pulse = case in (2, 4)
    shape = (trials, n) if per_pulse else (trials, 1)
    power = np.ones(shape) if dof is None else rng.chisquare(dof, size=shape) / dof
    amp = np.sqrt(snr * power)
    noise = (rng.normal(size=(trials, n)) + 1j * rng.normal(size=(trials, n))) / np.sqrt(2)
    y = (np.abs(amp + noise) ** 2).sum(axis=1)
    pd_mc = (y > threshold(pfa, n)).mean()
    pd = float(detection_probability(snr_db, pfa, n, case))
    assert abs(pd_mc - pd) < 4.5 * np.sqrt(pd * (1 - pd) / trials)


def test_monotone_in_snr_and_bounded():
    snr_db = np.linspace(-20, 40, 301)
    for case in range(5):
        for n in (1, 5, 50):
            pd = detection_probability(snr_db, 1e-6, n, case)
            assert np.all(np.diff(pd) >= -1e-12)
            # a weak echo (-20 dB) lifts Pd only slightly above the false-alarm probability
            assert 1e-6 < pd[0] < 2e-6
            assert pd[-1] > 0.99


def test_zero_snr_gives_pfa():
    for case in range(5):
        for n in (1, 2, 7, 100):
            pd = detection_probability(-300.0, 1e-5, n, case)
            assert pd == pytest.approx(1e-5, rel=1e-6)


def test_broadcasting_equals_loop():
    snr_db = np.array([[0.0], [8.0], [15.0]])
    n = np.array([1, 3, 20])
    case = np.array([0, 1, 4])
    batched = detection_probability(snr_db, 1e-6, n, case)
    assert batched.shape == (3, 3)
    for i in range(3):
        for j in range(3):
            single = detection_probability(float(snr_db[i, 0]), 1e-6, int(n[j]), int(case[j]))
            assert batched[i, j] == pytest.approx(float(single), rel=1e-12)


def test_large_n_and_tiny_snr_stay_finite():
    pd = detection_probability(np.array([-40.0, 0.0, 40.0]), 1e-8, 1000, [1, 3, 4])
    assert np.all(np.isfinite(pd))
    assert np.all((pd >= 0) & (pd <= 1))


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="pfa"):
        detection_probability(10.0, 0.0)
    with pytest.raises(ValueError, match="n_pulses"):
        detection_probability(10.0, 1e-6, 0)
    with pytest.raises(ValueError, match="swerling"):
        detection_probability(10.0, 1e-6, 1, 5)


def test_albersheim_within_its_accuracy():
    # stated 0.2 dB (linear detector); against the exact square-law values we measure at most
    # 0.30 dB for 0.5 <= Pd <= 0.9 (docs/sensors.md), and far worse at Pd 0.1 with Pfa 1e-3.
    pd = np.array([0.5, 0.7, 0.9])[:, None, None]
    pfa = np.array([1e-7, 1e-5, 1e-3])[None, :, None]
    n = np.array([1, 2, 10, 100, 1000])[None, None, :]
    err = albersheim_snr_db(pd, pfa, n) - required_snr_db(pd, pfa, n, 0, tol_db=1e-4)
    assert np.max(np.abs(err)) < 0.31
    assert abs(float(albersheim_snr_db(0.9, 1e-6, 1)) - 13.2) < 0.1


@pytest.mark.parametrize("case", [0, 1, 2, 3, 4])
def test_shnidman_within_its_accuracy(case):
    # stated 0.5 dB except at extreme Pd for Swerling 1 (Richards §6.2.6);
    # measured against the exact values: < 0.6 dB for 0.5 <= Pd <= 0.9, < 1.1 dB for 0.1-0.99
    pfa = np.array([1e-9, 1e-6, 1e-3])[None, :, None]
    n = np.array([1, 2, 10, 40, 100])[None, None, :]
    for pds, tol in (([0.5, 0.7, 0.9], 0.6), ([0.1, 0.3, 0.95, 0.99], 1.1)):
        pd = np.array(pds)[:, None, None]
        err = shnidman_snr_db(pd, pfa, n, case) - required_snr_db(pd, pfa, n, case, tol_db=1e-4)
        assert np.max(np.abs(err)) < tol


def test_required_snr_inverts_pd():
    snr_db = required_snr_db(0.5, 1e-6, [1, 10], [1, 4])
    np.testing.assert_allclose(detection_probability(snr_db, 1e-6, [1, 10], [1, 4]), 0.5, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-15.0, 30.0),
    st.floats(-9.0, -2.0),
    st.integers(1, 60),
    st.integers(0, 4),
)
def test_more_pulses_never_hurt(snr_db, log_pfa, n, case):
    # same per-pulse SNR, one more pulse integrated: Pd cannot fall
    pfa = 10.0**log_pfa
    pd_n = detection_probability(snr_db, pfa, n, case)
    pd_n1 = detection_probability(snr_db, pfa, n + 1, case)
    assert pd_n1 >= pd_n - 1e-9
