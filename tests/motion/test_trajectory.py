"""Trajectories.states_at against np.interp of the nodes and against the per-tick kernel."""

from __future__ import annotations

import numpy as np

from iads.motion.kernel import advance, motion_state

from .test_kernel import _random_trajectories


def test_states_at_matches_interpolation_and_the_kernel():
    rng = np.random.default_rng(7)
    traj = _random_trajectories(60, rng)
    times = np.arange(0.0, 90.0, 0.37)
    rows = np.arange(60)
    pos, vel = traj.states_at(rows, times)
    status, state = np.zeros(60, np.int8), motion_state(traj)
    kpos, kvel = np.full((60, 3), np.nan), np.zeros((60, 3))
    start, end = traj.start_time_s, traj.end_time_s
    for li, t in enumerate(times):
        advance(t, status, state, traj, kpos, kvel)
        flying = (start <= t) & (t < end)
        for i in np.flatnonzero(flying):
            ref = traj.positions_at(int(i), np.array([t]))[0]
            np.testing.assert_allclose(pos[li, i], ref, rtol=0, atol=1e-6)
        np.testing.assert_allclose(pos[li, flying], kpos[flying], rtol=0, atol=1e-6)
        np.testing.assert_array_equal(vel[li, flying], kvel[flying])
        done = t >= end  # after its end a threat stays at its last node, at rest
        np.testing.assert_allclose(pos[li, done], traj.pos_m[traj.last[done]], atol=1e-6)
        assert np.all(vel[li, done] == 0.0)
    assert pos.shape == vel.shape == (times.size, 60, 3)
