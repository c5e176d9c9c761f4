"""The compiled advance against the NumPy version and against np.interp of the trajectory."""

from __future__ import annotations

import numpy as np

from iads.motion.kernel import FINISHED, LAUNCHED, advance, advance_numpy, motion_state
from iads.motion.trajectory import Trajectory, pack


def _random_trajectories(n: int, rng: np.random.Generator):
    out = []
    for _ in range(n):
        m = int(rng.integers(1, 12))
        t = rng.uniform(0, 50) + np.cumsum(rng.uniform(0.05, 5.0, m))
        p = rng.normal(0, 1e4, (m, 3))
        out.append(Trajectory(t, p, np.zeros(m), np.zeros(m), np.zeros(m)))
    return pack(out)


def _state(traj):
    n = traj.first.shape[0]
    return [np.zeros(n, np.int8), motion_state(traj), np.full((n, 3), np.nan), np.zeros((n, 3))]


def test_compiled_equals_numpy_and_interpolation():
    rng = np.random.default_rng(42)
    traj = _random_trajectories(300, rng)
    a, b = _state(traj), _state(traj)
    finished = np.zeros(300, bool)
    for step, t in enumerate(np.arange(0.0, 120.0, 0.7)):
        if step == 40:  # another system kills threat 5 (if it is flying) mid-run
            a[0][5] = b[0][5] = 2 if a[0][5] == 1 else a[0][5]
            frozen = a[2][5].copy()
        ia, fa = advance(t, a[0], a[1], traj, a[2], a[3])
        ib, fb = advance_numpy(t, b[0], b[1], traj, b[2], b[3])
        order = np.argsort(ia)
        np.testing.assert_array_equal(ia[order], ib)
        np.testing.assert_array_equal(fa[order], fb)
        finished[ia[(fa & FINISHED) != 0]] = True
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_allclose(a[2], b[2], rtol=0, atol=1e-6)
        np.testing.assert_allclose(a[3], b[3], rtol=0, atol=1e-9)
        for i in np.flatnonzero((a[0] == 1) & ~finished)[:25]:
            ref = traj.positions_at(int(i), np.array([t]))[0]
            np.testing.assert_allclose(a[2][i], ref, atol=1e-6)
        waiting = a[0] == 0
        assert np.isnan(a[2][waiting]).all()
        if step > 40 and a[0][5] == 2:
            np.testing.assert_array_equal(a[2][5], frozen)
    assert np.all(finished[a[0] == 1])  # every route has ended by t = 120 s


def test_launch_and_finish_flags_and_velocity():
    t = np.array([10.0, 20.0, 30.0])
    p = np.array([[0.0, 0, 0], [100.0, 0, 0], [100.0, 50.0, 0]])
    traj = pack([Trajectory(t, p, t * 0, t * 0, t * 0)])
    st, state, pos, vel = _state(traj)
    assert advance(5.0, st, state, traj, pos, vel)[0].size == 0
    idx, flag = advance(15.0, st, state, traj, pos, vel)
    assert list(idx) == [0] and list(flag) == [LAUNCHED]
    np.testing.assert_allclose(pos[0], [50.0, 0, 0])
    np.testing.assert_allclose(vel[0], [10.0, 0, 0])
    assert advance(25.0, st, state, traj, pos, vel)[0].size == 0
    np.testing.assert_allclose(pos[0], [100.0, 25.0, 0])
    idx, flag = advance(31.0, st, state, traj, pos, vel)
    assert list(flag) == [FINISHED]
    np.testing.assert_allclose(pos[0], [100.0, 50.0, 0])
    np.testing.assert_allclose(vel[0], 0.0)


def test_advance_pair_is_two_advances_with_the_velocity_kept_between():
    from iads.motion.kernel import advance_pair

    rng = np.random.default_rng(7)
    traj = _random_trajectories(200, rng)
    n = traj.first.shape[0]
    a, b = _state(traj), _state(traj)
    prev_a, prev_b = np.zeros((n, 3)), np.zeros((n, 3))
    second = (np.zeros(n, np.int64), np.zeros(n, np.int8))
    ended_first = 0
    for t in np.arange(0.0, 90.0, 0.9):
        if t == 27.0:  # another system kills threat 3 between two pairs
            a[0][3] = b[0][3] = 2 if a[0][3] == 1 else a[0][3]
        pair = advance_pair(t + 0.3, t + 0.6, a[0], a[1], traj, a[2], a[3], prev_a, second)
        (ia, fa), got2 = pair
        ib, fb = advance(t + 0.3, b[0], b[1], traj, b[2], b[3])
        np.testing.assert_array_equal(ia, ib)
        np.testing.assert_array_equal(fa, fb)
        if got2 is None:  # a route ended in the first: nothing more was advanced
            assert (fb & FINISHED).any()
            ended_first += 1
            np.testing.assert_array_equal(a[2], b[2])
            continue
        assert not (fb & FINISHED).any()
        prev_b[:] = b[3]
        ib, fb = advance(t + 0.6, b[0], b[1], traj, b[2], b[3])
        np.testing.assert_array_equal(got2[0], ib)
        np.testing.assert_array_equal(got2[1], fb)
        for x, y in zip(a, b, strict=True):
            if isinstance(x, np.ndarray):
                np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(prev_a, prev_b)
    assert ended_first > 0  # the settle-first case was met
