"""Truth matching of the scoring recorder: the gated-matching shortcut against the solver."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from iads.sim.scoring import match_truth


def _solved(tracks, std, truth, gate_m):
    d = np.linalg.norm(tracks[:, None, :] - truth[None, :, :], axis=-1)
    cost = np.where(d <= np.maximum(gate_m, 5.0 * std)[:, None], d, 1e12)
    rows, cols = linear_sum_assignment(cost)
    out = np.full(tracks.shape[0], -1, dtype=np.int64)
    ok = cost[rows, cols] < 1e12
    out[rows[ok]] = cols[ok]
    return out


@pytest.mark.parametrize("spread_m", [200.0, 2_000.0])
def test_match_truth_is_the_optimal_assignment(spread_m):
    # spread 200 m: tracks mostly near their own truth only (the shortcut); 2 km: shared gates
    rng = np.random.default_rng(int(spread_m))
    shortcut = 0
    for _ in range(40):
        truth = rng.uniform(0, 20_000, (int(rng.integers(1, 12)), 3))
        n = int(rng.integers(1, 12))
        tracks = truth[rng.integers(0, truth.shape[0], n)] + rng.normal(0, spread_m, (n, 3))
        tracks[rng.random(n) < 0.2] = rng.uniform(0, 60_000, 3)  # false tracks
        std = rng.uniform(20.0, 400.0, n)
        got = match_truth(tracks, std, truth, 1_000.0)
        assert np.array_equal(got, _solved(tracks, std, truth, 1_000.0))
        d = np.linalg.norm(tracks[:, None] - truth[None], axis=-1)
        inside = d <= np.maximum(1_000.0, 5.0 * std)[:, None]
        shortcut += inside.sum(axis=1).max() <= 1 and inside.sum(axis=0).max() <= 1
    assert 0 < shortcut < 40  # both paths were taken
