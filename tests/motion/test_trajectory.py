"""Trajectories.states_at against np.interp of the nodes and against the per-tick kernel."""

from __future__ import annotations

import numpy as np

from iads.motion.kernel import advance, motion_state
from iads.motion.states_kernel import states_at_compiled

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


def test_the_compiled_states_are_the_numpy_states_bit_for_bit():
    rng = np.random.default_rng(11)
    traj = _random_trajectories(40, rng)
    # times before launch, on nodes exactly, inside segments, after the ends, infinite and NaN
    times = np.sort(np.concatenate([rng.uniform(-20.0, 120.0, 300), traj.t_s[::3]]))
    times = np.concatenate([[np.nan], times, [-np.inf, np.inf, np.nan]])
    rows = rng.permutation(40)[:25]
    compiled = states_at_compiled(
        traj.t_s, traj.pos_m, traj.vel_mps, traj.first, traj.last, rows, times
    )
    assert compiled is not None, "numba is a dependency: the compiled form must run"
    pos, vel = compiled
    with np.errstate(invalid="ignore"):  # at rest, 0 * inf: NaN in both forms
        ref_pos, ref_vel = traj.states_at_numpy(rows, times)
    np.testing.assert_array_equal(pos, ref_pos)
    np.testing.assert_array_equal(vel, ref_vel)
