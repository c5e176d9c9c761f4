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


@pytest.mark.parametrize("k", [1, 2, 5, 40])
def test_picture_of_some_rows_is_that_of_the_rows_selected(k) -> None:
    # the rows kept (none, one, some in any order, all) from the reports as they are give the
    # bits of the picture of the reports selected, compiled and in NumPy, with their numbers
    import dataclasses

    from iads.c2.picture import Picture

    rng = np.random.default_rng(100 + k)
    for trial in range(40):
        rep = _reports(rng, k)
        n = int(rng.integers(0, k + 1)) if trial % 4 else (k if trial % 8 else 1)
        rows = np.sort(rng.choice(k, n, replace=False)) if trial % 3 else rng.permutation(k)[:n]
        with np.errstate(invalid="ignore"):
            want = extrapolate(rep.select(rows), 100.0, 1, 0.0, 3.0, compiled=False)
        for compiled in (True, False):
            with np.errstate(invalid="ignore"):
                got = extrapolate(rep, 100.0, 1, 0.0, 3.0, compiled=compiled, rows=rows)
            assert type(got) is Picture and got.t_s == want.t_s
            for f in dataclasses.fields(Picture)[1:]:
                a, b = getattr(got, f.name), getattr(want, f.name)
                assert a.dtype == b.dtype and a.shape == b.shape, f.name
                np.testing.assert_array_equal(a.view(np.uint8), b.view(np.uint8), err_msg=f.name)
            with pytest.raises(dataclasses.FrozenInstanceError):  # built without __init__
                got.t_s = 0.0
