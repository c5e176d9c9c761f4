"""Posterior Cramér-Rao bound (PCRB) for tracking with polar measurements.

Tichavsky, Muravchik & Nehorai (1998) recursion for additive Gaussian noise, in the form of
Ristic, Arulampalam & Gordon, *Beyond the Kalman Filter* (Artech House 2004), ch. 4::

    J_k+1 = (Q + F J_k^-1 F')^-1 + E[H' R^-1 H]

with ``H`` the measurement Jacobian evaluated at the *true* state (the expectation is over the
truth distribution; for a deterministic truth, or Q = 0, it is the value at the truth, and the
recursion is the information filter with true-state Jacobians). The bound on the error
covariance of any unbiased estimator is ``P >= J^-1``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.tracking.measurement import polar_jacobian

Array = NDArray[np.float64]


def pcrb_step(J: ArrayLike, F: ArrayLike, Q: ArrayLike, info_meas: ArrayLike) -> Array:
    """One PCRB step: ``J' = (Q + F J^-1 F')^-1 + info_meas`` (..., n, n).

    ``info_meas`` is the measurement information ``E[H' R^-1 H]`` (..., n, n).
    """
    J = np.asarray(J, dtype=float)
    F = np.asarray(F, dtype=float)
    prior = Q + F @ np.linalg.inv(J) @ np.swapaxes(F, -1, -2)  # Q + F J^-1 F'
    J_new = np.linalg.inv(prior) + np.asarray(info_meas, dtype=float)
    return 0.5 * (J_new + np.swapaxes(J_new, -1, -2))


def polar_information(
    x_true: ArrayLike, R: ArrayLike, sensor_pos_m: ArrayLike, range_rate: bool = False
) -> Array:
    """Measurement information ``H' R^-1 H`` (n, n), averaged over truth samples.

    ``x_true`` (n,) or (M, n) true states (M samples of the truth distribution are averaged:
    the expectation in the PCRB), ``R`` (m, m).
    """
    x = np.atleast_2d(np.asarray(x_true, dtype=float))
    H = polar_jacobian(x, sensor_pos_m, range_rate)  # (M, m, n)
    Rinv = np.linalg.inv(np.asarray(R, dtype=float))
    return np.mean(np.swapaxes(H, -1, -2) @ Rinv @ H, axis=0)  # E[H' R^-1 H]


def pcrb_polar(
    x_true: ArrayLike,
    F: ArrayLike,
    Q: ArrayLike,
    R: ArrayLike,
    sensor_pos_m: ArrayLike,
    J0: ArrayLike,
    range_rate: bool = False,
) -> Array:
    """PCRB covariance bounds ``J_k^-1`` (K, n, n) along a trajectory of K measurement times.

    ``x_true`` (K, n) or (K, M, n): truth at measurement times 1..K (M samples per time average
    the information term); ``F``, ``Q`` (n, n) or (K, n, n): transition and process noise from
    time k-1 to k; ``R`` (m, m); ``J0`` (n, n): prior information at time 0 (``P0^-1``).
    """
    x = np.asarray(x_true, dtype=float)
    K, n = x.shape[0], x.shape[-1]
    F = np.broadcast_to(np.asarray(F, dtype=float), (K, n, n))
    Q = np.broadcast_to(np.asarray(Q, dtype=float), (K, n, n))
    J = np.asarray(J0, dtype=float)
    bounds = np.empty((K, n, n))
    for k in range(K):  # sequential by nature: each step needs the previous information
        J = pcrb_step(J, F[k], Q[k], polar_information(x[k], R, sensor_pos_m, range_rate))
        bounds[k] = np.linalg.inv(J)
    return 0.5 * (bounds + np.swapaxes(bounds, -1, -2))
