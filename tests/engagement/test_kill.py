"""Carleton kill function: closed forms from Driels, Weaponeering, ch. 9-10."""

import numpy as np
import pytest
from scipy import integrate

from iads.engagement.kill import (
    draw_kills,
    expected_kill_probability,
    kill_probability,
    salvo_kill_probability,
)


def test_values_at_known_points():
    assert kill_probability(0.0, 20.0, 0.9) == pytest.approx(0.9)
    assert kill_probability(20.0, 20.0) == pytest.approx(np.exp(-1.0))
    assert kill_probability(1_000.0, 20.0) < 1e-100


def test_lethal_area_equals_cookie_cutter():
    # integral of Pk over the miss plane = pi R^2 (the definition of the equivalent radius)
    r_m = 17.0
    area, _ = integrate.quad(lambda r: 2 * np.pi * r * kill_probability(r, r_m), 0, 20 * r_m)
    assert area == pytest.approx(np.pi * r_m**2, rel=1e-9)


def test_expected_pk_against_numerical_integral_and_monte_carlo():
    r_m, sigma_m, rel = 12.0, 9.0, 0.95
    # Rayleigh-distributed miss of a circular normal with per-axis sigma
    pdf = lambda r: r / sigma_m**2 * np.exp(-(r**2) / (2 * sigma_m**2))  # noqa: E731
    num, _ = integrate.quad(lambda r: pdf(r) * kill_probability(r, r_m, rel), 0, np.inf)
    assert expected_kill_probability(sigma_m, r_m, rel) == pytest.approx(num, rel=1e-9)
    rng = np.random.default_rng(np.random.SeedSequence(7))
    miss = np.hypot(*rng.normal(0, sigma_m, (2, 200_000)))
    killed, _ = draw_kills(miss, r_m, rel, rng)
    se = np.sqrt(num * (1 - num) / miss.size)
    assert abs(killed.mean() - num) < 5 * se


def test_salvo():
    assert salvo_kill_probability(np.array([0.5, 0.5])) == pytest.approx(0.75)
