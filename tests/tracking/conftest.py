"""Shared helpers for the filter tests: seeded generators and random test states."""

from __future__ import annotations

import numpy as np


def make_rng(*key: int) -> np.random.Generator:
    """Seeded generator; every test passes its own key so tests are independent of order."""
    return np.random.default_rng(np.random.SeedSequence([2026, *key]))


def random_spd(rng: np.random.Generator, n: int, batch: tuple[int, ...] = (), scale: float = 1.0):
    """Random symmetric positive definite matrices (*batch, n, n), eigenvalues >= 0.1 scale."""
    A = rng.normal(size=batch + (n, n))
    return scale * (A @ np.swapaxes(A, -1, -2) / n + 0.1 * np.eye(n))


def random_targets(rng: np.random.Generator, n: int) -> np.ndarray:
    """Plausible air targets (n, 6): 5-80 km from the origin, 0.3-12 km up, up to 300 m/s."""
    r = rng.uniform(5e3, 80e3, n)
    az = rng.uniform(0, 2 * np.pi, n)
    pos = np.stack([r * np.sin(az), r * np.cos(az), rng.uniform(300, 12e3, n)], axis=-1)
    vel = rng.uniform(-300, 300, (n, 3)) * np.array([1, 1, 0.1])
    return np.concatenate([pos, vel], axis=-1)


def polar_monte_carlo(
    update, R, sensor_pos_m, range_rate=False, n_runs=200, n_steps=30, dt_s=2.0, seed=0
):
    """Straight-flying target tracked by ``update`` (an ekf/ukf_update_polar) over ``n_runs``
    seeded runs batched as tracks; zero process noise. Returns NEES (steps, runs), NIS
    (steps, runs) and errors (steps, runs, 6)."""
    from iads.tracking.kalman import kf_predict
    from iads.tracking.measurement import polar_measure
    from iads.tracking.models import cv_transition

    rng = make_rng(7, seed, int(range_rate))
    truth = np.array([-20e3, 30e3, 5e3, 220.0, -80.0, 0.0])
    P0 = np.diag([300.0, 300.0, 300.0, 30.0, 30.0, 10.0]) ** 2
    x = truth + rng.multivariate_normal(np.zeros(6), P0, size=n_runs)
    P = np.broadcast_to(P0, (n_runs, 6, 6))
    F, Q = cv_transition(dt_s), np.zeros((6, 6))
    nees, nis_all, err = [], [], []
    for _ in range(n_steps):
        truth = F @ truth
        x, P = kf_predict(x, P, F, Q)
        z0 = polar_measure(truth, sensor_pos_m, range_rate)
        z = z0 + rng.multivariate_normal(np.zeros(z0.size), R, n_runs)
        x, P, nis, _ = update(x, P, z, R, sensor_pos_m, range_rate)
        e = x - truth
        nees.append(np.einsum("ni,ni->n", e, np.linalg.solve(P, e[..., None])[..., 0]))
        nis_all.append(nis)
        err.append(e)
    return np.array(nees), np.array(nis_all), np.array(err)


def assert_chi2_consistent(values, dof, confidence=0.999):
    """Mean over runs (axis 1) of NEES/NIS inside the two-sided chi-square interval at every
    step (Bar-Shalom 2001 §5.4)."""
    from scipy import stats

    n_runs = values.shape[1]
    tail = (1 - confidence) / 2
    lo, hi = stats.chi2.ppf([tail, 1 - tail], dof * n_runs) / n_runs
    mean = values.mean(axis=1)
    assert np.all(mean > lo) and np.all(mean < hi), (dof, mean, lo, hi)
