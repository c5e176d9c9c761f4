"""Steady-state covariance of a constant-velocity Kalman filter measuring position.

Per axis the CV model with continuous white-noise acceleration (CWNA, ``models.cv_process_noise``)
sampled every ``T`` s, measuring position with noise ``sigma`` m, reaches a steady state whose
covariance solves the discrete algebraic Riccati equation (Bar-Shalom et al. 2001 §5.2.3, §6.5)::

    P- = F (P- - P- H' (H P- H' + R)^-1 H P-) F' + Q         (prior, solve_discrete_are)
    P+ = P- - P- H' (H P- H' + R)^-1 H P-                   (posterior, after an update)

with ``F = [[1, T], [0, 1]]``, ``H = [1, 0]``, ``R = sigma^2``,
``Q = q^2 [[T^3/3, T^2/2], [T^2/2, T]]``. Scaling position by ``sigma`` and velocity by
``sigma / T`` leaves one parameter, ``lam2 = q^2 T^3 / sigma^2`` (the square of the tracking
index of Kalata 1984 for this noise model): ``P+ = sigma^2 [[a, b / T], [b / T, c / T^2]]``
with ``a, b, c`` functions of ``lam2`` alone. ``posterior_cv`` interpolates them from a table
solved once by a batched doubling algorithm (``solve_cv_posterior``; log-log, 961 points over
``lam2`` in [1e-8, 1e8]; tested against ``scipy.linalg.solve_discrete_are``, which takes
about 15 ms a solve here, and against the Kalman recursion iterated to convergence).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

LAM2_RANGE = (1e-8, 1e8)
"""Tabulated range of ``q^2 T^3 / sigma^2``; values outside are clipped to it."""


def solve_cv_posterior(lam2: ArrayLike, iterations: int = 64) -> NDArray[np.float64]:
    """(N, 3) normalised steady-state posterior ``(a, b, c)`` for ``lam2 = q^2 T^3 / sigma^2``
    (N,), with T = 1 and sigma = 1: the prior solved by the structure-preserving doubling
    algorithm (Chu, Fan and Lin 2005; quadratic convergence, batched in NumPy), then one update.
    The DARE in control form ``X = A' X (I + G X)^-1 A + Hq`` with ``A = F'``,
    ``G = H' R^-1 H``, ``Hq = Q`` has the filter's prior as ``X``::

        A+ = A (I + G Hq)^-1 A,  G+ = G + A (I + G Hq)^-1 G A',  Hq+ = Hq + A' Hq (I + G Hq)^-1 A
    """
    lam = np.atleast_1d(np.asarray(lam2, dtype=float))
    n = lam.size
    eye = np.broadcast_to(np.eye(2), (n, 2, 2))
    A = np.broadcast_to(np.array([[1.0, 0.0], [1.0, 1.0]]), (n, 2, 2)).copy()  # F'
    G = np.broadcast_to(np.array([[1.0, 0.0], [0.0, 0.0]]), (n, 2, 2)).copy()  # H' R^-1 H
    Hq = lam[:, None, None] * np.array([[1.0 / 3.0, 0.5], [0.5, 1.0]])  # Q
    At = np.swapaxes
    for _ in range(iterations):
        W = np.linalg.inv(eye + G @ Hq)  # (I + G Hq)^-1
        A, G, Hq = A @ W @ A, G + A @ W @ G @ At(A, 1, 2), Hq + At(A, 1, 2) @ Hq @ W @ A
        G, Hq = 0.5 * (G + At(G, 1, 2)), 0.5 * (Hq + At(Hq, 1, 2))  # keep them symmetric
    prior = Hq
    s = prior[:, 0, 0] + 1.0  # H P- H' + R
    a = prior[:, 0, 0] - prior[:, 0, 0] ** 2 / s  # P+ = P- - P- H' H P- / s
    b = prior[:, 0, 1] - prior[:, 0, 0] * prior[:, 0, 1] / s
    c = prior[:, 1, 1] - prior[:, 0, 1] ** 2 / s
    return np.stack([a, b, c], axis=1)


@lru_cache(maxsize=1)
def _table() -> tuple[NDArray, NDArray]:
    lam2 = np.logspace(np.log10(LAM2_RANGE[0]), np.log10(LAM2_RANGE[1]), 961)
    return np.log(lam2), np.log(solve_cv_posterior(lam2))


def posterior_cv(
    sigma_m: ArrayLike, revisit_s: ArrayLike, q_mps2: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Steady-state posterior of a CV filter per axis, for position noise ``sigma_m`` (N,) m,
    update interval ``revisit_s`` (N,) s and CWNA level ``q_mps2`` (m/s^2): the position
    variance (m^2), position-velocity covariance (m^2/s) and velocity variance (m^2/s^2),
    each (N,)."""
    sigma = np.asarray(sigma_m, dtype=float)
    T = np.asarray(revisit_s, dtype=float)
    lam2 = np.clip(q_mps2**2 * T**3 / sigma**2, *LAM2_RANGE)
    x, y = _table()
    lx = np.log(lam2)
    a, b, c = (np.exp(np.interp(lx, x, y[:, k])) for k in range(3))
    s2 = sigma**2
    return s2 * a, s2 * b / T, s2 * c / T**2


__all__ = ["LAM2_RANGE", "posterior_cv", "solve_cv_posterior"]
