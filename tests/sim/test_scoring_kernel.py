"""The compiled distances and gate of the track-to-truth match against the NumPy form."""

from __future__ import annotations

import numpy as np
import pytest

from iads.sim.scoring import match_truth
from iads.sim.scoring_kernel import REFUSED, gate_costs
from iads.vectors import norm


@pytest.mark.parametrize("seed", range(10))
def test_costs_are_the_numpy_distances_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    tracks = rng.uniform(-2e5, 2e5, (40, 3))
    truth = np.concatenate(
        [tracks[:15] + rng.normal(0, 800, (15, 3)), rng.uniform(-2e5, 2e5, (50, 3))]
    )
    std = rng.uniform(50, 900, 40)
    std[0] = np.nan  # no gate: np.maximum gives NaN
    cost, per_track, per_truth, first = gate_costs(tracks, std, truth, 2_000.0)
    d = norm(tracks[:, None, :] - truth[None, :, :])
    inside = d <= np.maximum(2_000.0, 5.0 * std)[:, None]
    assert np.array_equal(cost, np.where(inside, d, REFUSED))
    assert np.array_equal(per_track, inside.sum(axis=1))
    assert np.array_equal(per_truth, inside.sum(axis=0))
    assert np.array_equal(first, np.where(inside.any(axis=1), np.argmax(inside, axis=1), -1))
    assert per_track[0] == 0 and 8 <= inside.sum()


@pytest.mark.parametrize("seed", range(10))
def test_match_is_the_numpy_forms(seed):
    rng = np.random.default_rng(100 + seed)
    # a stream of threats 1-3 km apart and tracks near some of them: gates overlap
    truth = np.cumsum(rng.uniform(1e3, 3e3, (30, 3)), axis=0)
    tracks = truth[rng.choice(30, 20, replace=False)] + rng.normal(0, 700, (20, 3))
    std = rng.uniform(100, 600, 20)
    got = match_truth(tracks, std, truth, 2_500.0)
    assert np.array_equal(got, match_truth(tracks, std, truth, 2_500.0, compiled=False))
    assert (got >= 0).sum() >= 10
    sparse = match_truth(tracks[:3], std[:3], truth[::6], 50.0)  # no shared gates
    assert np.array_equal(sparse, match_truth(tracks[:3], std[:3], truth[::6], 50.0, False))


@pytest.mark.parametrize("seed", range(8))
def test_frame_gate_is_the_recorders_numpy_screen_and_gate(seed):
    # the recorder's NumPy form: threats in flight and seen within the window, then gate_costs
    # on those; never-seen threats (-inf), a threat seen just at the window's edge, one not in
    # flight, a NaN sigma, and frames where every threat is screened out
    from iads.sim.scoring_kernel import frame_gate

    rng = np.random.default_rng(300 + seed)
    n, k = int(rng.integers(1, 40)), int(rng.integers(1, 30))
    pos = np.cumsum(rng.uniform(500, 3e3, (n, 3)), axis=0)
    tracks = pos[rng.integers(0, n, k)] + rng.normal(0, 900, (k, 3))
    std = rng.uniform(50, 700, k)
    std[0] = np.nan
    active = rng.random(n) < 0.8
    t_s, window_s = 500.0, 30.0
    last = t_s - rng.uniform(0, 60, n)
    last[rng.random(n) < 0.2] = -np.inf
    last[0] = t_s - window_s  # t - last == window: kept (<=)
    x = np.zeros((k, 6))
    x[:, :3] = tracks
    for window, seen in ((window_s, last), (np.inf, np.full(n, -np.inf)), (window_s, last - 1e3)):
        flying, cost, first, unique = frame_gate(
            x[:, :3], std, pos, active, seen, t_s, window, 2_000.0
        )
        want = (active & (t_s - seen <= window)).nonzero()[0]
        assert np.array_equal(flying, want)
        if want.size == 0:
            assert cost.shape == (k, 0) and (first == -1).all()
            continue
        c, per_track, per_truth, f = gate_costs(tracks, std, pos[want], 2_000.0)
        assert np.array_equal(cost, c) and np.array_equal(first, f)
        assert unique == (per_track.max() <= 1 and per_truth.max() <= 1)
    assert active[0] == (0 in frame_gate(tracks, std, pos, active, last, t_s, window_s, 1.0)[0])


@pytest.mark.parametrize("seed", range(12))
def test_frame_labels_are_the_numpy_forms(seed):
    # random frames: unmatched tracks, two tracks on one threat (one track event, its first
    # row), threats tracked before, numbers absent from the last frame or relabelled, the
    # unit's first frame (no last frame) and empty frames
    from iads.sim.scoring import frame_labels as numpy_labels
    from iads.sim.scoring_kernel import frame_labels

    rng = np.random.default_rng(500 + seed)
    n = 30
    threat_id = np.arange(n, dtype=np.int64)
    for _ in range(20):
        k = int(rng.integers(0, 25))
        flying = np.sort(rng.choice(n, int(rng.integers(1, n)), replace=False))
        match = rng.integers(-1, flying.size, k)
        tracked = rng.random(n) < 0.5
        numbers = rng.choice(60, k, replace=False).astype(np.int64)
        p = int(rng.integers(0, 25)) if seed % 3 else 0
        prev_n = np.sort(rng.choice(60, p, replace=False)).astype(np.int64)
        prev_t = rng.integers(-1, n, p)
        args = (match, flying, threat_id, tracked, numbers, prev_n, prev_t)
        got, want = frame_labels(*args), numpy_labels(*args)
        for g, w in zip(got, want, strict=True):
            assert g.dtype == w.dtype and np.array_equal(g, w)


@pytest.mark.parametrize("seed", range(10))
def test_plot_sightings_are_the_numpy_forms(seed):
    # the recorder's NumPy form: np.maximum.at on the unit's last-seen times (NaN wins),
    # np.unique's first plot of each threat, only those this radar had not seen; false plots
    # (-1), repeated threats, a NaN time, a radar without a unit, batches with no real plot
    from iads.sim.scoring import sightings
    from iads.sim.scoring_kernel import plot_sightings

    rng = np.random.default_rng(700 + seed)
    n = 20
    last_k, seen_k = np.full(n, -np.inf), np.zeros(n, bool)
    last_n, seen_n = last_k.copy(), seen_k.copy()
    for step in range(15):
        m = int(rng.integers(0, 12))
        ids = rng.integers(-1, n, m)
        times = step + rng.uniform(0.0, 1.0, m)
        if m and step == 7:
            times[0] = np.nan
        unit = seed % 4 != 0
        rows, at = plot_sightings(ids, times, last_k if unit else None, seen_k)
        want_rows, want_at = sightings(ids, times, last_n if unit else None, seen_n)
        assert np.array_equal(rows, want_rows) and np.array_equal(at, want_at)
        assert np.array_equal(last_k, last_n, equal_nan=True) and np.array_equal(seen_k, seen_n)
    assert seen_k.sum() >= 10
    with pytest.raises(IndexError):
        plot_sightings(np.array([n]), np.zeros(1), None, np.zeros(n, bool))


def test_the_kernels_refuse_arrays_that_do_not_fit():
    # numba does not check bounds: the wrappers and kernels do, where NumPy would raise
    from iads.sim.scoring_kernel import frame_gate, frame_labels

    pos, std = np.zeros((2, 3)), np.ones(2)
    threats = np.zeros((4, 3))
    with pytest.raises(ValueError):
        frame_gate(pos, std, threats, np.ones(3, bool), np.zeros(4), 0.0, 1.0, 10.0)
    with pytest.raises(ValueError):
        frame_gate(pos, std, threats, np.ones(4, bool), np.zeros(5), 0.0, 1.0, 10.0)
    ids, none = np.arange(4, dtype=np.int64), np.empty(0, np.int64)
    with pytest.raises(IndexError):  # a match past the threats in flight
        frame_labels(np.array([3]), np.array([0, 1]), ids, np.zeros(4, bool), ids[:1], none, none)
    with pytest.raises(IndexError):  # a threat id past the tracked flags
        frame_labels(np.array([0]), np.array([3]), ids, np.zeros(2, bool), ids[:1], none, none)
