"""The compiled advance against the NumPy version and against np.interp of the trajectory."""

from __future__ import annotations

import numpy as np

from iads.motion.kernel import FINISHED, LAUNCHED, advance, advance_numpy
from iads.motion.trajectory import Trajectory, pack


def _random_trajectories(n: int, rng: np.random.Generator):
    out = []
    for _ in range(n):
        m = int(rng.integers(2, 12))
        t = rng.uniform(0, 50) + np.cumsum(rng.uniform(0.05, 5.0, m))
        p = rng.normal(0, 1e4, (m, 3))
        out.append(Trajectory(t, p, np.zeros(m), np.zeros(m), np.zeros(m)))
    return pack(out)


def _state(traj):
    n = traj.first.shape[0]
    return (
        np.zeros(n, np.int8),
        traj.first.copy(),
        np.full((n, 3), np.nan),
        np.zeros((n, 3)),
        np.zeros(n, np.int8),
    )


def test_compiled_equals_numpy_and_interpolation():
    rng = np.random.default_rng(42)
    traj = _random_trajectories(300, rng)
    launch = traj.start_time_s
    a, b = _state(traj), _state(traj)
    a[0][5] = b[0][5] = 2  # a killed threat is never touched
    for t in np.arange(0.0, 120.0, 0.7):
        na = advance(t, a[0], a[1], traj, launch, a[2], a[3], a[4])
        nb = advance_numpy(t, b[0], b[1], traj, launch, b[2], b[3], b[4])
        assert na == nb
        for x, y in zip(a, b, strict=True):
            np.testing.assert_allclose(x, y, rtol=0, atol=1e-6)
        flying = a[0] == 1
        for i in np.flatnonzero(flying)[:20]:
            np.testing.assert_allclose(
                a[2][i], traj.positions_at(int(i), np.array([t]))[0], atol=1e-6
            )
    assert np.isnan(a[2][5]).all()
    assert np.all(a[4][a[0] == 1] & FINISHED)  # all ended by t = 120 s


def test_launch_and_finish_flags_and_velocity():
    t = np.array([10.0, 20.0, 30.0])
    p = np.array([[0.0, 0, 0], [100.0, 0, 0], [100.0, 50.0, 0]])
    traj = pack([Trajectory(t, p, t * 0, t * 0, t * 0)])
    st, cur, pos, vel, ch = _state(traj)
    assert advance(5.0, st, cur, traj, np.array([10.0]), pos, vel, ch) == 0
    assert advance(15.0, st, cur, traj, np.array([10.0]), pos, vel, ch) == 1
    assert ch[0] == LAUNCHED
    np.testing.assert_allclose(pos[0], [50.0, 0, 0])
    np.testing.assert_allclose(vel[0], [10.0, 0, 0])
    advance(25.0, st, cur, traj, np.array([10.0]), pos, vel, ch)
    assert ch[0] == 0
    np.testing.assert_allclose(pos[0], [100.0, 25.0, 0])
    advance(31.0, st, cur, traj, np.array([10.0]), pos, vel, ch)
    assert ch[0] == FINISHED
    np.testing.assert_allclose(pos[0], [100.0, 50.0, 0])
    np.testing.assert_allclose(vel[0], 0.0)
