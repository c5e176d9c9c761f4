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
