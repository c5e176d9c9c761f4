"""The compiled picture extrapolation gives the NumPy form's bits, for any number of rows."""

import numpy as np
import pytest

from iads.c2 import picture_kernel
from iads.c2.picture import extrapolate
from iads.messages import TrackReports

pytestmark = pytest.mark.skipif(picture_kernel.njit is None, reason="numba not installed")


def _reports(rng: np.random.Generator, k: int) -> TrackReports:
    """``k`` tracks up to 300 km out and 20 km up, climbing, diving or level, with random
    covariances (6x6, positive definite, some with NaN), of different ages."""
    pos = np.column_stack(
        [rng.uniform(-3e5, 3e5, k), rng.uniform(-3e5, 3e5, k), rng.uniform(-50.0, 2e4, k)]
    )
    vel = rng.normal(0.0, 250.0, (k, 3))
    vel[:, 2] = rng.choice([0.0, 1.0, 30.0], k) * rng.normal(0.0, 1.0, k)  # mostly level
    a = rng.normal(size=(k, 6, 6)) * rng.uniform(0.5, 40.0, (k, 1, 1))
    cov = a @ a.transpose(0, 2, 1)
    if k > 3:
        cov[1, 4, 4] = np.nan
        vel[2] = 0.0
    return TrackReports(
        time_s=rng.uniform(90.0, 100.0, k),
        source_unit=rng.integers(0, 2, k),
        track_number=np.arange(k, dtype=np.int64),
        x=np.concatenate([pos, vel], axis=1),
        P=cov,
        quality=np.full(k, 4.0),
        identity=np.zeros(k, np.int8),
        t_confirmed_s=np.zeros(k),
    )


@pytest.mark.parametrize("k", [0, 1, 2, 3, 7, 31, 120])
@pytest.mark.parametrize("origin_alt_m", [0.0, 450.0])
def test_compiled_picture_is_the_numpy_forms(k, origin_alt_m) -> None:
    rng = np.random.default_rng(k)
    levelled = 0
    for _ in range(60 if k <= 3 else 10):
        rep = _reports(rng, k)
        got = extrapolate(rep, 100.0, 0, origin_alt_m, 3.0)
        with np.errstate(invalid="ignore"):
            want = extrapolate(rep, 100.0, 0, origin_alt_m, 3.0, compiled=False)
        for f in ("pos_m", "vel_mps", "position_std_m"):
            a, b = getattr(got, f), getattr(want, f)
            assert a.shape == b.shape, f
            np.testing.assert_array_equal(a.view(np.int64), b.view(np.int64), err_msg=f)
        np.testing.assert_array_equal(got.remote, want.remote)
        levelled += int(np.count_nonzero(got.vel_mps[:, 2] != rep.x[:, 5]))
    assert levelled > 0 or k == 0  # the level-flight branch was taken
