"""The compiled optical-limit bisection (``propagation_kernel``) against the NumPy bisection of
``propagation.propagation_factor``, its reference: the same ranges, the same factors."""

from __future__ import annotations

import numpy as np
import pytest

from iads.sensors import propagation
from iads.sensors.geometry import EFFECTIVE_EARTH_RADIUS_M

pytest.importorskip("numba")

A_E = EFFECTIVE_EARTH_RADIUS_M


def _low_targets(seed: int, n: int, h1: float):
    """Targets from sea skimmers to 3 km, out to beyond the horizon."""
    rng = np.random.default_rng([81, seed])
    h2 = np.concatenate([rng.uniform(1.0, 30.0, n // 2), rng.uniform(30.0, 3000.0, n - n // 2)])
    horizon = np.sqrt(2 * A_E * h1 + h1**2) + np.sqrt(2 * A_E * h2 + h2**2)
    d = horizon * rng.uniform(0.05, 1.3, n)
    return h2, d


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("h1", [4.0, 25.0, 300.0])
def test_compiled_bisection_gives_the_numpy_ranges(seed: int, h1: float) -> None:
    h2, d = _low_targets(seed, 400, h1)
    horizon = np.sqrt(2 * A_E * h1 + h1**2) + np.sqrt(2 * A_E * h2 + h2**2)
    upper = np.minimum(d, horizon)
    limit = 0.25 * 299_792_458.0 / 3e9
    want = propagation._optical_limit_range(h1, h2, upper, A_E, limit, compiled=False)
    got = propagation._optical_limit_range(h1, h2, upper, A_E, limit, compiled=True)
    assert np.all((want > 0) & (want < upper))  # a root inside every bracket: a real test
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("f_hz", [1e9, 3e9, 1e10])
def test_compiled_propagation_factor_equals_numpy(f_hz: float) -> None:
    h1 = 20.0
    h2, d = _low_targets(4, 600, h1)
    args = (h1, h2, d, f_hz, 80.0, 4.0, 0.3, A_E)
    want = propagation.propagation_factor(*args)
    got = propagation.propagation_factor(*args, compiled=True)
    lam = 299_792_458.0 / f_hz
    delta = propagation.reflection_geometry(h1, h2, d, A_E)[2]
    horizon = np.sqrt(2 * A_E * h1 + h1**2) + np.sqrt(2 * A_E * h2 + h2**2)
    interpolated = (delta < 0.25 * lam) & (d < horizon)
    assert interpolated.sum() > 50  # the bisection runs for many of them
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
