"""The compiled frame bookkeeping of the fast fidelity's tracker against its NumPy form."""

from __future__ import annotations

import numpy as np
import pytest

from iads.sim.statistical_kernel import manage_frame


def _columns(rng, n, n_threats):
    truth = rng.choice(np.arange(-1, n_threats), size=n, replace=False)
    confirmed = rng.random(n) < 0.5
    return {
        "number": np.arange(n, dtype=np.int64),
        "truth_row": truth.astype(np.int64),
        "hits": rng.integers(0, 2**32, n, dtype=np.uint32),
        "n_scans": rng.integers(0, 8, n).astype(np.int64),
        "misses": rng.integers(0, 7, n).astype(np.int64),
        "confirmed": confirmed,
        "t_confirmed_s": np.where(confirmed, rng.uniform(0, 50, n), np.nan),
    }


@pytest.mark.parametrize("seed", range(20))
def test_compiled_equals_numpy(seed):
    rng = np.random.default_rng(seed)
    n_threats = 30
    n = int(rng.integers(0, 25))
    a = _columns(rng, n, n_threats)
    a["truth_row"][: n // 3] = -1  # false tracks
    b = {k: v.copy() for k, v in a.items()}
    seen = rng.permutation(n_threats)[: rng.integers(0, 12)].astype(np.int64)
    looked = rng.random(n) < 0.6
    expires = rng.uniform(40.0, 60.0, n)
    args = (seen, n_threats, looked, expires, 50.0, 3, 5, 4)
    fast = manage_frame(a, *args)
    slow = manage_frame(b, *args, compiled=False)
    for x, y in zip(fast, slow, strict=True):
        assert np.array_equal(x, y)
    for k in a:
        assert a[k].dtype == b[k].dtype
        assert np.array_equal(a[k], b[k], equal_nan=True), k


def test_a_track_confirms_on_its_third_hit_of_five_and_dies_after_four_misses():
    cols = {
        "number": np.array([1], dtype=np.int64),
        "truth_row": np.array([2], dtype=np.int64),
        "hits": np.array([1], dtype=np.uint32),  # started on a detection
        "n_scans": np.array([1], dtype=np.int64),
        "misses": np.array([0], dtype=np.int64),
        "confirmed": np.array([False]),
        "t_confirmed_s": np.array([np.nan]),
    }
    seen_at = {2.0: False, 3.0: True, 4.0: False, 5.0: True}  # hits 1, 0, 1, 0, 1: 3 of 5
    looked, expires = np.array([True]), np.array([np.inf])
    for t, seen in seen_at.items():
        rows = np.array([2] if seen else [], dtype=np.int64)
        k_of, gone, fresh = manage_frame(cols, rows, 4, looked, expires, t, 3, 5, 4)
        assert k_of.tolist() == ([0] if seen else [-1]) and not gone[0] and not fresh.any()
        assert cols["confirmed"][0] == (t == 5.0)
    assert cols["t_confirmed_s"][0] == 5.0 and cols["hits"][0] == 0b10101
    for t in (6.0, 7.0, 8.0, 9.0):  # four misses in a row
        _, gone, _ = manage_frame(cols, np.empty(0, np.int64), 4, looked, expires, t, 3, 5, 4)
        assert gone[0] == (t == 9.0)
    # a detection of a threat no track holds starts a new one
    _, _, fresh = manage_frame(cols, np.array([3, 2]), 4, looked, expires, 10.0, 3, 5, 4)
    assert fresh.tolist() == [True, False]


def test_track_frame_refuses_arrays_of_different_lengths():
    from iads.sim.statistical_kernel import track_frame

    rng = np.random.default_rng(1)
    cols = _columns(rng, 4, 9)
    arcs = (np.zeros((0, 3)), np.zeros(0), np.zeros(0), np.zeros(1, np.int64)) + (np.zeros(0),) * 2
    seen = (np.array([1], np.int64), np.zeros((1, 6)), np.zeros((1, 6, 6)))
    pos = np.zeros((9, 3))
    good = (np.zeros((4, 6)), np.zeros((4, 6, 6)), np.zeros(4))
    assert track_frame(*good, 1.0, arcs, cols, seen, pos, pos, np.zeros(4), (3, 5, 4))
    with pytest.raises(ValueError, match="track arrays"):
        track_frame(
            np.zeros((3, 6)), *good[1:], 1.0, arcs, cols, seen, pos, pos, np.zeros(4), (3, 5, 4)
        )
    with pytest.raises(ValueError, match="sighting arrays"):
        bad = (seen[0], np.zeros((2, 6)), seen[2])
        track_frame(*good, 1.0, arcs, cols, bad, pos, pos, np.zeros(4), (3, 5, 4))


def test_rotated_covariance_compiled_is_einsums():
    from iads.sim.statistical_kernel import rotated_covariance

    rng = np.random.default_rng(3)
    for d in (0, 1, 2, 7, 89, 400):
        axes = rng.normal(size=(d, 3, 3))
        pp, pv, vv = rng.random((3, d, 3)) * 10.0 ** rng.uniform(-3, 6, (3, d, 1))
        got = rotated_covariance(axes, pp, pv, vv)
        want = rotated_covariance(axes, pp, pv, vv, compiled=False)
        assert got.shape == (d, 6, 6)
        np.testing.assert_array_equal(got, want)
        if d:
            np.testing.assert_array_equal(got[:, :3, 3:], got[:, 3:, :3])  # both from pv


def test_track_frame_refuses_arcs_that_do_not_add_up():
    from iads.sim.statistical_kernel import track_frame

    cols = _columns(np.random.default_rng(2), 2, 5)
    good = (np.zeros((2, 6)), np.zeros((2, 6, 6)), np.zeros(2))
    seen = (np.zeros(0, np.int64), np.zeros((0, 6)), np.zeros((0, 6, 6)))
    pos = np.zeros((5, 3))
    one = (np.zeros((1, 3)), np.zeros(1), np.ones(1))
    for offsets, n_arcs in (([0, 3], 2), ([1, 2], 2), ([0], 0)):
        arcs = (*one, np.array(offsets, np.int64), np.zeros(n_arcs), np.zeros(n_arcs))
        with pytest.raises(ValueError, match="arc"):
            track_frame(*good, 1.0, arcs, cols, seen, pos, pos, np.zeros(2), (3, 5, 4))
    arcs = (*one, np.array([0, 2], np.int64), np.zeros(2), np.zeros(2))
    assert track_frame(*good, 1.0, arcs, cols, seen, pos, pos, np.zeros(2), (3, 5, 4))
