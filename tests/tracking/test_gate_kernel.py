"""The compiled gate (``gate_kernel``) against the NumPy gate, its reference: the same pairs and,
to rounding, the same innovations, covariances, Jacobians and log-determinants."""

from __future__ import annotations

import numpy as np
import pytest

from iads.tracking import association
from iads.tracking.association import gate
from iads.tracking.measurement import polar_measure, polar_noise_cov

from .conftest import make_rng, random_spd


def _both(*args):
    assert association._kernel() is not None  # numba is installed: no silent NumPy fallback
    return gate(*args, compiled=False), gate(*args, compiled=True)


def _sorted(g):
    order = np.lexsort((g.plot, g.track))
    return {f: getattr(g, f)[order] for f in ("track", "plot", "d2", "nu", "S", "H", "logdet_S")}


def _scene(seed: int, n: int, m: int, n_state: int, range_rate: bool, uniform_R: bool):
    """Tracks on every side of the radar (some across north, some close in) and plots near
    them, 6 or 7 states (the IMM's turn rate column)."""
    rng = make_rng(71, seed, n_state, int(range_rate), int(uniform_R))
    sensor = np.array([300.0, -200.0, 15.0])
    ang = np.r_[rng.uniform(-0.05, 0.05, n // 3), rng.uniform(0, 2 * np.pi, n - n // 3)]
    rng_m = np.r_[rng.uniform(300.0, 3e3, 5), rng.uniform(5e3, 60e3, n - 5)]
    x = np.zeros((n, n_state))
    x[:, 0], x[:, 1] = sensor[0] + rng_m * np.sin(ang), sensor[1] + rng_m * np.cos(ang)
    x[:, 2] = rng.uniform(50.0, 4e3, n)
    x[:, 3:6] = rng.normal(0.0, 150.0, (n, 3))
    if n_state == 7:
        x[:, 6] = rng.normal(0.0, 0.05, n)
    P = random_spd(rng, n_state, (n,), scale=3e5)
    src = x[rng.integers(0, n, m), :6] + np.r_[rng.normal(0, 500.0, 3), rng.normal(0, 30.0, 3)]
    z = polar_measure(src, sensor, range_rate)
    if uniform_R:
        R = polar_noise_cov(60.0, np.deg2rad(0.4), np.deg2rad(0.5), 4.0 if range_rate else None)
    else:
        sig = rng.uniform(0.5, 2.0, m)
        R = polar_noise_cov(
            50 * sig, np.deg2rad(0.3) * sig, np.deg2rad(0.4) * sig, 5 * sig if range_rate else None
        )
    return x, P, z, R, sensor


@pytest.mark.parametrize("uniform_R", [True, False])
@pytest.mark.parametrize("range_rate", [False, True])
@pytest.mark.parametrize("n_state", [6, 7])
@pytest.mark.parametrize("seed", range(3))
def test_compiled_gate_equals_numpy_gate(seed, n_state, range_rate, uniform_R):
    x, P, z, R, sensor = _scene(seed, 80, 120, n_state, range_rate, uniform_R)
    ref, got = _both(x, P, z, R, sensor, 16.0, range_rate)
    a, b = _sorted(ref), _sorted(got)
    assert len(ref) > 20  # dense enough to bite
    np.testing.assert_array_equal(b["track"], a["track"])
    np.testing.assert_array_equal(b["plot"], a["plot"])
    for f in ("d2", "nu", "S", "H", "logdet_S"):
        np.testing.assert_allclose(b[f], a[f], rtol=1e-9, atol=1e-12, err_msg=f)
    # the compiled pairs come in (track, plot) order
    assert np.all(np.diff(got.track * 10**6 + got.plot) > 0)


def test_compiled_gate_edges():
    """No tracks, no plots, no pair in any gate, and one plot gated by many tracks."""
    x, P, z, R, sensor = _scene(0, 30, 40, 7, False, False)
    for args in ((x[:0], P[:0], z, R), (x, P, z[:0], R[:0]), (x, P * 1e-12, z + 1e3, R * 1e-9)):
        ref, got = _both(*args, sensor, 16.0)
        assert len(ref) == len(got) == 0
        assert got.S.shape[1:] == (3, 3) and got.H.shape[1:] == (3, 7)
    same = np.repeat(x[:1], 30, axis=0)  # 30 copies of one track, all gating the same plots
    ref, got = _both(same, np.repeat(P[:1], 30, axis=0), z, R, sensor, 16.0)
    a, b = _sorted(ref), _sorted(got)
    np.testing.assert_array_equal(b["plot"], a["plot"])
    np.testing.assert_allclose(b["d2"], a["d2"], rtol=1e-9)


def test_compiled_gate_grows_its_outputs():
    """More kept pairs than the first output capacity (4 (N + M) + 16)."""
    rng = make_rng(72, 0)
    sensor = np.zeros(3)
    n, m = 20, 30
    x = np.zeros((n, 6))
    x[:, 1], x[:, 2] = 20e3, 1e3
    P = np.repeat(np.diag([4e6, 4e6, 4e6, 1e2, 1e2, 1e2])[None], n, axis=0)
    pos = np.array([0.0, 20e3, 1e3]) + rng.normal(0, 300.0, (m, 3))
    z = polar_measure(pos, sensor)
    R = polar_noise_cov(50.0, 1e-3, 1e-3)
    ref, got = _both(x, P, z, R, sensor, 16.0)
    assert len(got) == n * m > 4 * (n + m) + 16
    np.testing.assert_allclose(_sorted(got)["d2"], _sorted(ref)["d2"], rtol=1e-9)
