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
