"""Unscented Kalman filter: polar-measurement update and coordinated-turn prediction, batched.

Scaled symmetric sigma points (Julier & Uhlmann, "Unscented filtering and nonlinear
estimation", Proc. IEEE 92(3), 2004; Wan & van der Merwe, "The unscented Kalman filter for
nonlinear estimation", AS-SPCC 2000)::

    lambda = alpha^2 (n + kappa) - n,  c = n + lambda
    X_0 = x,  X_i = x + sqrt(c) L_i,  X_n+i = x - sqrt(c) L_i   (L = chol(P), columns L_i)
    Wm_0 = lambda / c,  Wc_0 = lambda / c + 1 - alpha^2 + beta,  Wm_i = Wc_i = 1 / (2 c)

Defaults ``alpha = 1, beta = 2, kappa = 0`` give lambda = 0 (no negative weight, so the
predicted covariances stay positive semi-definite); Stone Soup's defaults are alpha = 0.5,
kappa = 3 - n. Azimuths are averaged through residuals about the central sigma point, so sigma
points straddling north average correctly.

Shapes: ``x`` (..., n), ``P`` (..., n, n); leading axes broadcast as in :mod:`iads.tracking.kalman`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from iads.tracking.kalman import nis as _nis
from iads.tracking.kalman import symmetrise
from iads.tracking.measurement import polar_measure, polar_residual
from iads.tracking.models import ct_predict

if TYPE_CHECKING:  # annotations only: numpy.typing is not loaded at run time
    from numpy.typing import ArrayLike, NDArray

    Array = NDArray[np.float64]


def sigma_weights(
    n: int, alpha: float = 1.0, beta: float = 2.0, kappa: float = 0.0
) -> tuple[Array, Array, float]:
    """Mean and covariance weights (2n+1,) each, and the spread ``c = n + lambda``."""
    lam = alpha**2 * (n + kappa) - n
    c = n + lam
    wm = np.full(2 * n + 1, 0.5 / c)
    wc = wm.copy()
    wm[0] = lam / c
    wc[0] = lam / c + 1.0 - alpha**2 + beta
    return wm, wc, c


def _sqrt_cov(P: Array) -> Array:
    """Lower Cholesky factor; falls back to a clipped eigen square root if P is not PD."""
    try:
        return np.linalg.cholesky(P)
    except np.linalg.LinAlgError:
        w, V = np.linalg.eigh(symmetrise(P))
        return V * np.sqrt(np.clip(w, 0.0, None))[..., None, :]


def sigma_points(x: ArrayLike, P: ArrayLike, c: float) -> Array:
    """Sigma points (..., 2n+1, n) for mean (..., n) and covariance (..., n, n)."""
    x = np.asarray(x, dtype=float)
    P = np.asarray(P, dtype=float)
    L = np.sqrt(c) * _sqrt_cov(P)  # columns are the spread directions
    Lt = np.swapaxes(L, -1, -2)
    x_b = np.broadcast_to(x[..., None, :], Lt.shape[:-2] + (1, x.shape[-1]))
    return np.concatenate([x_b, x_b + Lt, x_b - Lt], axis=-2)


def unscented_transform(
    x: ArrayLike,
    P: ArrayLike,
    fn: Callable[[Array], Array],
    residual: Callable[[Array, Array], Array] = np.subtract,
    alpha: float = 1.0,
    beta: float = 2.0,
    kappa: float = 0.0,
) -> tuple[Array, Array, Array]:
    """Propagate N(x, P) through ``fn`` (sigma points (..., 2n+1, n) -> (..., 2n+1, m)).

    Returns the mean (..., m), covariance ``sum Wc dY dY'`` (..., m, m) (no noise added) and
    cross-covariance ``sum Wc dX dY'`` (..., n, m). ``residual(a, b)`` forms ``a - b`` (angles
    wrapped); the mean is the central image plus the weighted residuals about it.
    """
    x = np.asarray(x, dtype=float)
    wm, wc, c = sigma_weights(x.shape[-1], alpha, beta, kappa)
    X = sigma_points(x, P, c)
    Y = fn(X)
    y0 = Y[..., :1, :]
    y_mean = y0[..., 0, :] + np.einsum("k,...km->...m", wm, residual(Y, y0))
    dY = residual(Y, y_mean[..., None, :])
    dX = X - x[..., None, :]
    cov = np.einsum("k,...ki,...kj->...ij", wc, dY, dY)  # P_yy = sum Wc dY dY'
    cross = np.einsum("k,...ki,...kj->...ij", wc, dX, dY)  # P_xy = sum Wc dX dY'
    return y_mean, symmetrise(cov), cross


def ukf_update_polar(
    x: ArrayLike,
    P: ArrayLike,
    z: ArrayLike,
    R: ArrayLike,
    sensor_pos_m: ArrayLike,
    range_rate: bool = False,
    alpha: float = 1.0,
    beta: float = 2.0,
    kappa: float = 0.0,
) -> tuple[Array, Array, Array, Array]:
    """UKF update with polar plots; same shapes and returns as ``ekf_update_polar``.

    Returns ``(x, P, nis, S)`` with ``S = P_zz + R``, ``K = P_xz S^-1``, ``x = x + K nu``,
    ``P = P - K S K'`` (Wan & van der Merwe 2000).
    """
    x = np.asarray(x, dtype=float)
    P = np.asarray(P, dtype=float)
    zhat, Pzz, Pxz = unscented_transform(
        x,
        P,
        lambda X: polar_measure(X, sensor_pos_m, range_rate),
        polar_residual,
        alpha,
        beta,
        kappa,
    )
    S = symmetrise(Pzz + np.asarray(R, dtype=float))  # S = P_zz + R
    nu = polar_residual(z, zhat)  # nu = z - zhat
    K = np.swapaxes(np.linalg.solve(S, np.swapaxes(Pxz, -1, -2)), -1, -2)  # K = P_xz S^-1
    x_new = x + (K @ nu[..., None])[..., 0]  # x = x + K nu
    P_new = P - K @ S @ np.swapaxes(K, -1, -2)  # P = P - K S K'
    return x_new, symmetrise(P_new), _nis(nu, S), S


def ukf_predict_ct(
    x7: ArrayLike,
    P7: ArrayLike,
    dt_s: ArrayLike,
    Q: ArrayLike,
    alpha: float = 1.0,
    beta: float = 2.0,
    kappa: float = 0.0,
) -> tuple[Array, Array]:
    """UKF prediction through the coordinated-turn model (7 states; ``dt_s`` scalar or (...,)).

    ``x = sum Wm f(X)``, ``P = sum Wc dX dX' + Q``.
    """
    dt = np.asarray(dt_s, dtype=float)[..., None]  # broadcast over the sigma-point axis
    mean, cov, _ = unscented_transform(
        x7, P7, lambda X: ct_predict(X, dt), np.subtract, alpha, beta, kappa
    )
    return mean, symmetrise(cov + np.asarray(Q, dtype=float))
