"""Linear Kalman filter and extended Kalman filter (polar measurements), batched over tracks.

Shapes: ``x`` (..., n), ``P`` (..., n, n), ``z`` (..., m), ``H`` (..., m, n), ``R`` (m, m) or
(..., m, m); every leading axis broadcasts (N tracks, or K candidate track/plot pairs for
gating). Functions return new arrays and never mutate their inputs; covariances are symmetrised
after every step. Equations follow Bar-Shalom, Li & Kirubarajan 2001, §5.2 (KF) and §10.3 (EKF);
the covariance update is the Joseph form (§5.2), which stays positive
semi-definite under round-off and for any gain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from iads.tracking.measurement import polar_jacobian, polar_measure, polar_residual

if TYPE_CHECKING:  # annotations only: numpy.typing is not loaded at run time
    from numpy.typing import ArrayLike, NDArray

    Array = NDArray[np.float64]


def _t(A: Array) -> Array:
    return np.swapaxes(A, -1, -2)


def symmetrise(P: ArrayLike) -> Array:
    """Return (P + P') / 2 (..., n, n)."""
    P = np.asarray(P, dtype=float)
    return 0.5 * (P + _t(P))


def _mv(A: Array, v: Array) -> Array:
    """Batched matrix-vector product (..., m, n) @ (..., n) -> (..., m)."""
    return (A @ v[..., None])[..., 0]


def kf_predict(x: ArrayLike, P: ArrayLike, F: ArrayLike, Q: ArrayLike) -> tuple[Array, Array]:
    """Kalman prediction (Bar-Shalom 2001 §5.2): x (..., n), P (..., n, n), F, Q (..., n, n)."""
    x = np.asarray(x, dtype=float)
    P = np.asarray(P, dtype=float)
    F = np.asarray(F, dtype=float)
    x_new = _mv(F, x)  # x = F x
    P_new = F @ P @ _t(F) + np.asarray(Q, dtype=float)  # P = F P F' + Q
    return x_new, symmetrise(P_new)


def _gain(P: Array, H: Array, S: Array) -> Array:
    """K = P H' S^-1 computed as (S^-1 H P)' (S and P symmetric), no explicit inverse."""
    return _t(np.linalg.solve(S, H @ P))


def _joseph(P: Array, K: Array, H: Array, R: Array) -> Array:
    n = P.shape[-1]
    IKH = np.eye(n) - K @ H
    P_new = IKH @ P @ _t(IKH) + K @ R @ _t(K)  # P = (I - K H) P (I - K H)' + K R K'
    return symmetrise(P_new)


def nis(nu: ArrayLike, S: ArrayLike) -> Array:
    """Normalised innovation squared ``nu' S^-1 nu`` (...,) for nu (..., m), S (..., m, m)."""
    nu = np.asarray(nu, dtype=float)
    return np.einsum("...i,...i->...", nu, np.linalg.solve(S, nu[..., None])[..., 0])


def kf_update(
    x: ArrayLike, P: ArrayLike, z: ArrayLike, H: ArrayLike, R: ArrayLike
) -> tuple[Array, Array]:
    """Linear Kalman update, Joseph form (Bar-Shalom 2001 §5.2). Returns (x, P)."""
    x = np.asarray(x, dtype=float)
    P = np.asarray(P, dtype=float)
    H = np.asarray(H, dtype=float)
    R = np.asarray(R, dtype=float)
    nu = np.asarray(z, dtype=float) - _mv(H, x)  # nu = z - H x
    S = H @ P @ _t(H) + R  # S = H P H' + R
    K = _gain(P, H, S)  # K = P H' S^-1
    return x + _mv(K, nu), _joseph(P, K, H, R)  # x = x + K nu


def innovation_polar(
    x: ArrayLike,
    P: ArrayLike,
    z: ArrayLike,
    R: ArrayLike,
    sensor_pos_m: ArrayLike,
    range_rate: bool = False,
) -> tuple[Array, Array, Array]:
    """EKF innovation of polar plots against predicted states (usable for gating).

    ``x`` (..., n>=6) ENU state, ``P`` (..., n, n), ``z`` (..., m) range_m, azimuth_rad,
    elevation_rad[, range_rate_mps], ``R`` (m, m) or (..., m, m), ``sensor_pos_m`` (3,) or
    (..., 3). Returns ``nu`` (..., m) (azimuth wrapped to (-pi, pi]), ``S = H P H' + R``
    (..., m, m) and ``H`` (..., m, n) evaluated at ``x`` (Bar-Shalom 2001 §10.3).
    """
    x = np.asarray(x, dtype=float)
    P = np.asarray(P, dtype=float)
    zhat = polar_measure(x, sensor_pos_m, range_rate)  # zhat = h(x)
    nu = polar_residual(z, zhat)  # nu = z - h(x)
    H = polar_jacobian(x, sensor_pos_m, range_rate)
    S = symmetrise(H @ P @ _t(H) + np.asarray(R, dtype=float))  # S = H P H' + R
    return nu, S, H


def ekf_update_polar(
    x: ArrayLike,
    P: ArrayLike,
    z: ArrayLike,
    R: ArrayLike,
    sensor_pos_m: ArrayLike,
    range_rate: bool = False,
) -> tuple[Array, Array, Array, Array]:
    """EKF update with polar plots (Bar-Shalom 2001 §10.3), Joseph-form covariance.

    Shapes as :func:`innovation_polar`. Returns ``(x, P, nis, S)``: updated state (..., n),
    covariance (..., n, n), normalised innovation squared (...,) and innovation covariance
    (..., m, m).
    """
    x = np.asarray(x, dtype=float)
    P = np.asarray(P, dtype=float)
    R = np.asarray(R, dtype=float)
    nu, S, H = innovation_polar(x, P, z, R, sensor_pos_m, range_rate)
    K = _gain(P, H, S)  # K = P H' S^-1
    x_new = x + _mv(K, nu)  # x = x + K nu
    return x_new, _joseph(P, K, H, R), nis(nu, S), S
