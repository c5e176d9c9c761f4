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
