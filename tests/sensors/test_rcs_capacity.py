"""RCS aspect and fluctuation; capacity selection."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.sensors.capacity import free_slots, select_within_capacity
from iads.sensors.rcs import aspect_angle_rad, aspect_rcs_m2, fluctuation_factor


def test_aspect_rcs_at_cardinal_aspects():
    theta = np.radians([0.0, 90.0, 180.0])
    np.testing.assert_allclose(aspect_rcs_m2(0.1, 2.0, 0.5, theta), [0.1, 2.0, 0.5])
    # 45°: geometric mean of front and side (interpolation in dB with cos²/sin² = 1/2)
    assert aspect_rcs_m2(0.1, 2.0, 0.5, np.radians(45.0)) == pytest.approx(np.sqrt(0.2))


def test_aspect_angle():
    radar = np.zeros(3)
    pos = np.array([[10e3, 0.0, 0.0], [10e3, 0.0, 0.0], [10e3, 0.0, 0.0]])
    vel = np.array([[-200.0, 0.0, 0.0], [0.0, 200.0, 0.0], [200.0, 0.0, 0.0]])
    np.testing.assert_allclose(np.degrees(aspect_angle_rad(pos, vel, radar)), [0, 90, 180])


@pytest.mark.parametrize(("case", "k"), [(1, 1), (2, 1), (3, 2), (4, 2)])
def test_fluctuation_moments(case, k):
    # Swerling (Richards §7.4): chi-square with 2K dof over 2K, mean 1, variance 1/K;
    # pulse-to-pulse cases averaged over N pulses: variance 1/(N K)
    rng = np.random.default_rng(np.random.SeedSequence([12, case]))
    n_pulses = 5
    x = fluctuation_factor(case, n_pulses, rng, size=200_000)
    var = 1.0 / k / (n_pulses if case in (2, 4) else 1)
    assert x.mean() == pytest.approx(1.0, abs=4 * np.sqrt(var / x.size))
    assert x.var() == pytest.approx(var, rel=0.03)
    assert np.all(fluctuation_factor(0, n_pulses, rng, size=10) == 1.0)


def test_capacity_keeps_held_then_priority_then_id():
    ids = np.array([10, 11, 12, 13, 14])
    prio = np.array([1.0, 5.0, 5.0, 0.0, 9.0])
    held = np.array([False, False, False, True, False])
    keep = select_within_capacity(ids, 3, prio, held)
    assert ids[keep].tolist() == [11, 13, 14]  # 13 held; then 14 (9); then 11 (5, lower id)
    assert select_within_capacity(ids, 10).all()
    assert not select_within_capacity(ids, 0).any()
    assert free_slots(36, 40) == 0 and free_slots(36, 30) == 6


@settings(deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=0, max_size=30), st.integers(0, 40))
def test_capacity_never_exceeded_and_equals_brute_force(prios, cap):
    prio = np.array(prios)
    ids = np.arange(prio.size)
    keep = select_within_capacity(ids, cap, prio)
    assert keep.sum() == min(cap, prio.size)
    # brute force: sort by (-priority, id)
    expected = sorted(ids.tolist(), key=lambda i: (-prio[i], i))[:cap]
    assert sorted(ids[keep].tolist()) == sorted(expected)
