"""The compiled record of the homing rounds' target manoeuvre gives the NumPy form's bits."""

from types import SimpleNamespace

import numpy as np
import pytest

from iads.engagement import homing_kernel
from iads.engagement.interceptors import InterceptorStore, InterceptorSystem

pytestmark = pytest.mark.skipif(homing_kernel.njit is None, reason="numba not installed")


def _case(seed: int, with_prev: bool = True):
    """Threats (N = 50) with random velocities (some zero, NaN, infinite, huge) and rounds
    (40) aimed at random threats or none (-1), with random records (some NaN)."""
    rng = np.random.default_rng(seed)
    n, m = 50, 40
    vel = rng.normal(0.0, 300.0, (n, 3))
    prev = vel + rng.normal(0.0, 5.0, (n, 3)) * rng.integers(0, 3, (n, 1))
    vel[0] = 0.0  # standing still: no lateral part
    prev[1] = vel[1]  # no change
    vel[2, 1] = np.nan
    vel[3, 0] = np.inf
    prev[4, 2] = -np.inf
    vel[5] = [1e300, -1e300, 1e300]  # overflow in the squares and the difference
    prev[5] = [-1e300, 1e300, 0.0]
    vel[6] = [1e-200, 0.0, 0.0]  # squares underflow: zero speed
    th = SimpleNamespace(vel_mps=vel, vel_prev_mps=prev if with_prev else None)
    store = InterceptorStore()
    store.target = rng.integers(-1, n, m)
    store.target[:8] = np.arange(8)  # every special threat locked
    store.term_accel_mps2 = np.abs(rng.normal(0.0, 20.0, m))
    store.term_accel_mps2[rng.integers(0, m, 3)] = np.nan
    live = np.sort(rng.choice(m, 30, replace=False))
    live[:8] = np.arange(8)
    return th, store, np.unique(live)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("with_prev", [True, False])
def test_compiled_homing_record_is_the_numpy_forms(seed, with_prev):
    system = object.__new__(InterceptorSystem)  # the method reads none of its fields
    got = {}
    for compiled in (False, True):
        th, store, live = _case(seed, with_prev)
        before = store.term_accel_mps2.copy()
        with np.errstate(all="ignore"):
            system._record_homing(th, store, live, 0.1, compiled=compiled)
        got[compiled] = store.term_accel_mps2
    assert not np.array_equal(got[False], before, equal_nan=True) or not with_prev
    np.testing.assert_array_equal(got[True].view(np.int64), got[False].view(np.int64))


def _quiet_case(seed: int):
    """A store of 4 rounds (some locked before their terminal phase, a few with an infinite
    terminal time; every third case at the first tick, without previous velocities), some launched, done, homing (locked or on nothing), before
    their terminal phase (some about to begin it) or at their aim point, over 6 threats of
    which some are no longer flying."""
    from iads.messages import FLYING, KILLED

    rng = np.random.default_rng(seed)
    m, n, t_s, dt = 4, 6, 100.0, 0.1
    store = InterceptorStore()
    store.launched = rng.random(m) < 0.8
    store.done = rng.random(m) < 0.2
    store.target = rng.integers(-1, n, m)
    store.term_time_s = np.where(rng.random(m) < 0.6, t_s - rng.uniform(0, 5, m), np.nan)
    pre = np.isnan(store.term_time_s)
    store.target[pre & (rng.random(m) < 0.7)] = -1  # most rounds lock on in their terminal phase
    if seed % 10 == 0:  # a terminal time no tick gives: the kernel leaves it to the ordinary path
        store.term_time_s[rng.integers(0, m)] = rng.choice([np.inf, -np.inf])
    store.arrive_s = t_s + rng.choice([-0.05, 0.05, 0.1, 0.5, 8.0, 30.0, 30.0, 40.0], m)
    store.params = SimpleNamespace(terminal_range_m=rng.uniform(5e3, 20e3, m))
    store.est_vel_mps = rng.normal(0, 300, (m, 3))
    store.term_accel_mps2 = np.abs(rng.normal(0.0, 20.0, m))
    status = np.where(rng.random(n) < 0.9, FLYING, KILLED)
    vel = rng.normal(0, 300, (n, 3))
    prev = None if seed % 3 == 0 else vel + rng.normal(0, 3, (n, 3))  # None: the first tick
    th = SimpleNamespace(status=status, vel_mps=vel, vel_prev_mps=prev)
    return th, store, t_s, dt, FLYING


def _quiet_expected(th, store, t_s, dt, flying):
    """The ordinary path's verdict: nothing but the record happens at this tick."""
    live = (store.launched & ~store.done).nonzero()[0]
    if live.size == 0:
        return False
    tgt = store.target[live]
    if (th.status[tgt[tgt >= 0]] != flying).any():
        return False
    term = store.term_time_s[live]
    if np.isinf(term).any():  # the kernel declines (the ordinary path decides)
        return False
    pre = np.isnan(term)
    closing = np.sqrt(np.add.reduce(store.est_vel_mps[live] ** 2, axis=-1)) + 1_000.0
    start = store.arrive_s[live] - store.params.terminal_range_m[live] / closing <= t_s + dt
    homing = np.isfinite(term)
    due = (store.arrive_s[live] < t_s + dt) & homing
    return bool(not (pre & start).any() and not due.any() and homing.any())


def test_quiet_homing_tick_decides_as_the_ordinary_path_and_records_its_bits():
    verdicts, moved = [], 0
    for seed in range(300):
        th, store, t_s, dt, flying = _quiet_case(seed)
        want = _quiet_expected(th, store, t_s, dt, flying)
        before = store.term_accel_mps2.copy()
        got = homing_kernel.quiet_homing_tick(store, th, flying, t_s, dt)
        verdicts.append(got)
        assert got == want, seed
        if not got:  # nothing touched: the ordinary path runs on the store as it was
            np.testing.assert_array_equal(store.term_accel_mps2, before)
            continue
        kernel = store.term_accel_mps2
        live = (store.launched & ~store.done).nonzero()[0]
        store.term_accel_mps2 = before.copy()
        object.__new__(InterceptorSystem)._record_homing(th, store, live, dt, compiled=False)
        moved += not np.array_equal(kernel, before)
        np.testing.assert_array_equal(kernel.view(np.int64), store.term_accel_mps2.view(np.int64))
    assert 20 < sum(verdicts) < 280  # both verdicts are exercised
    assert moved > 10  # and records raised
