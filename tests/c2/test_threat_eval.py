"""Threat evaluation: CPA and time to go against hand-computed geometry, type and priority."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.c2.threat_eval import (
    KINDS,
    _approach,
    classify,
    closest_approach,
    evaluate,
    time_to_radius,
)


def test_cpa_hand_example():
    # passes 3 km abeam: from (−40 km, 3 km) flying east at 200 m/s -> CPA at 200 s, 3 km
    t, d = closest_approach(np.array([-40_000.0, 3_000.0, 0.0]), np.array([200.0, 0, 0]))
    assert t == pytest.approx(200.0) and d == pytest.approx(3_000.0)
    t, d = closest_approach(np.array([5_000.0, 0, 0]), np.array([100.0, 0, 0]))  # receding
    assert t == 0.0 and d == pytest.approx(5_000.0)


def test_time_to_radius():
    # head-on from 10 km at 250 m/s into a 500 m radius: (10000 - 500) / 250 = 38 s
    t = time_to_radius(np.array([10_000.0, 0, 0]), np.array([-250.0, 0, 0]), 500.0)
    assert t == pytest.approx(38.0)
    # abeam 3 km never enters 500 m; inside already: 0
    assert np.isnan(time_to_radius(np.array([-4e4, 3e3, 0]), np.array([200.0, 0, 0]), 500.0))
    assert time_to_radius(np.array([100.0, 0, 0]), np.array([1.0, 0, 0]), 500.0) == 0.0


def test_classify_kinds():
    speed = np.array([50.0, 250.0, 250.0, 2_000.0])
    alt = np.array([200.0, 50.0, 9_000.0, 30_000.0])
    rcs = np.array([0.1, 0.1, 4.0, 0.5])
    names = [KINDS[k] for k in classify(speed, alt, rcs)]
    assert names == ["drone", "cruise_missile", "aircraft", "glide_vehicle"]


def test_priority_orders_by_value_and_urgency():
    assets = np.array([[0.0, 0, 0], [50_000.0, 0, 0]])
    radius = np.array([1_000.0, 1_000.0])
    value = np.array([10.0, 1.0])
    pos = np.array(
        [
            [0.0, 20_000, 100],  # to asset 0, 80 s out
            [0.0, 60_000, 100],  # to asset 0, 240 s out
            [50_000, 20_000, 100],  # to asset 1 (low value), 80 s out
            [-30_000, 40_000, 100],  # flying away
        ]
    )
    vel = np.array([[0.0, -250, 0], [0, -250, 0], [0, -250, 0], [-250, 0, 0]])
    ev = evaluate(pos, vel, assets, radius, value)
    np.testing.assert_array_equal(ev.asset, [0, 0, 1, -1])
    assert ev.time_to_asset_s[0] == pytest.approx(19_000 / 250, rel=1e-3)
    order = np.argsort(-ev.priority)
    np.testing.assert_array_equal(order[:3], [0, 1, 2])
    assert ev.priority[3] < 1e-6


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_property_cpa_is_minimum_and_entry_on_the_circle(seed):
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    r = rng.uniform(-5e4, 5e4, 3)
    v = rng.normal(0, 300, 3)
    t, d = closest_approach(r, v)
    ts = np.linspace(0, 3 * max(t, 1.0), 2001)
    dist = np.linalg.norm(r[None, :] + v[None, :] * ts[:, None], axis=1)
    assert d <= dist.min() + 1e-6
    radius = rng.uniform(100, 2e4)
    t_in = time_to_radius(r, v, radius)
    if np.isfinite(t_in) and t_in > 0:
        assert np.linalg.norm(r + v * t_in) == pytest.approx(radius, rel=1e-6)
        assert np.all(dist[ts < t_in] >= radius - 1e-6)
    elif np.isnan(t_in):
        assert np.all(dist > radius - 1e-6) or np.linalg.norm(r) <= radius


def test_batched_equals_looped():
    rng = np.random.default_rng(np.random.SeedSequence(41))
    pos = rng.uniform(-5e4, 5e4, (7, 3))
    vel = rng.normal(0, 250, (7, 3))
    assets = rng.uniform(-1e4, 1e4, (3, 3))
    radius, value = rng.uniform(300, 3000, 3), rng.uniform(1, 10, 3)
    ev = evaluate(pos, vel, assets, radius, value)
    for i in range(7):
        one = evaluate(pos[i : i + 1], vel[i : i + 1], assets, radius, value)
        np.testing.assert_allclose(one.priority, ev.priority[i : i + 1], rtol=1e-12)
        np.testing.assert_allclose(one.d_cpa_m, ev.d_cpa_m[i : i + 1], rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_approach_is_closest_approach_and_time_to_radius_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    pos, vel = rng.uniform(-5e4, 5e4, (30, 3)), rng.normal(0, 300, (30, 3))
    vel[::7] = 0.0  # standing still: no CPA time, no entry
    assets, radius = rng.uniform(-1e4, 1e4, (3, 3)), rng.uniform(100, 2e4, 3)
    pos[1] = assets[0]  # inside a radius
    rel = pos[:, None, :] - assets[None, :, :]
    wide = np.broadcast_to(vel[:, None, :], rel.shape)
    t_ref, d_ref = closest_approach(rel, wide)
    in_ref = time_to_radius(rel, wide, radius[None, :])
    t, d, t_in = _approach(rel, vel, radius)
    for got, ref in ((t, t_ref), (d, d_ref), (t_in, in_ref)):
        assert got.shape == ref.shape
        assert np.array_equal(got.view(np.int64), ref.view(np.int64))  # NaNs too
    assert np.isfinite(t_in).any() and np.isnan(t_in).any()
