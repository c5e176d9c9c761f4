"""Motion models for the tracker: constant velocity (CV) and horizontal coordinated turn (CT).

State layouts (ENU frame, x east, y north, z up; metres, m/s, rad/s):

- CV, 6 states: ``[x_m, y_m, z_m, vx_mps, vy_mps, vz_mps]``
- CT, 7 states: ``[x_m, y_m, z_m, vx_mps, vy_mps, vz_mps, omega_radps]``; the turn is in the
  horizontal plane, z is constant velocity. ``omega_radps > 0`` turns counter-clockwise seen from
  above (a left turn: the heading azimuth, clockwise from north, decreases).

Every function broadcasts over leading axes and returns new arrays.

References: Bar-Shalom, Li & Kirubarajan, *Estimation with Applications to Tracking and
Navigation* (Wiley 2001), §6.2 (continuous white noise acceleration) and §11.7 (coordinated
turn with the turn rate in the state); Li & Jilkov, "Survey of maneuvering target tracking,
Part I: dynamic models", IEEE TAES 39(4), 2003 (coordinated-turn models).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # annotations only: numpy.typing is not loaded at run time
    from numpy.typing import ArrayLike, NDArray


# Named state layout (index constants, never bare tuples elsewhere).
POS = slice(0, 3)
VEL = slice(3, 6)
OMEGA = 6
N_CV = 6
N_CT = 7

_SMALL_TURN_RAD = 1e-3  # |omega dt| below this uses the series form of the omega derivatives


def _dt(dt_s: ArrayLike) -> NDArray[np.float64]:
    return np.asarray(dt_s, dtype=float)


def cv_transition(dt_s: ArrayLike) -> NDArray[np.float64]:
    """CV transition matrix ``F`` (..., 6, 6) for time step ``dt_s`` (s, scalar or (N,)).

    ``x_k+1 = F x_k`` with ``F = [[I, dt I], [0, I]]`` (Bar-Shalom 2001 §6.2, per axis).
    """
    dt = _dt(dt_s)
    F = np.broadcast_to(np.eye(N_CV), dt.shape + (N_CV, N_CV)).copy()
    for i in range(3):
        F[..., i, i + 3] = dt
    return F


def cv_process_noise(dt_s: ArrayLike, q_mps2: ArrayLike) -> NDArray[np.float64]:
    """CV process noise ``Q`` (..., 6, 6), continuous white-noise acceleration (CWNA).

    Each axis is driven by white acceleration noise of power spectral density
    ``q_tilde = q_mps2**2`` (numerically, in m^2/s^3; i.e. ``q_mps2`` is the acceleration level
    that a 1 s integration turns into a velocity change of std ``q_mps2`` m/s). Per axis
    (Bar-Shalom 2001 §6.2)::

        Q = q_tilde [[dt^3/3, dt^2/2],
                     [dt^2/2, dt    ]]

    ``dt_s`` and ``q_mps2`` broadcast (scalars or (N,)).
    """
    dt = _dt(dt_s)
    q = np.asarray(q_mps2, dtype=float) ** 2
    dt, q = np.broadcast_arrays(dt, q)
    Q = np.zeros(dt.shape + (N_CV, N_CV))
    pp, pv, vv = q * dt**3 / 3.0, q * dt**2 / 2.0, q * dt  # per axis, computed once
    for i in range(3):
        Q[..., i, i] = pp
        Q[..., i, i + 3] = pv
        Q[..., i + 3, i] = pv
        Q[..., i + 3, i + 3] = vv
    return Q


def _turn_terms(omega_radps: NDArray, dt: NDArray):
    """sin(w dt)/w, (1 - cos(w dt))/w, cos(w dt), sin(w dt) and their derivatives in w."""
    a = omega_radps * dt
    s, c = np.sin(a), np.cos(a)
    # sin(a)/w = dt sinc(a/pi); (1 - cos a)/w = dt sin(a/2) sinc(a/(2 pi)): smooth through w = 0
    A = dt * np.sinc(a / np.pi)
    B = dt * np.sin(a / 2.0) * np.sinc(a / (2.0 * np.pi))
    small = np.abs(a) < _SMALL_TURN_RAD
    w_safe = np.where(small, 1.0, omega_radps)
    # dA/dw = (dt cos a - A)/w ; dB/dw = (dt sin a - B)/w ; Taylor series near w = 0
    dA = np.where(
        small, -omega_radps * dt**3 / 3.0 + omega_radps**3 * dt**5 / 30.0, (dt * c - A) / w_safe
    )
    dB = np.where(small, dt**2 / 2.0 - omega_radps**2 * dt**4 / 8.0, (dt * s - B) / w_safe)
    return A, B, c, s, dA, dB


def ct_predict(x7: ArrayLike, dt_s: ArrayLike) -> NDArray[np.float64]:
    """Propagate CT states ``x7`` (..., 7) exactly over ``dt_s`` (s, scalar or (...,)).

    Horizontal coordinated turn at constant speed and rate (Bar-Shalom 2001 §11.7;
    Li & Jilkov 2003)::

        x'  = x + sin(w T)/w vx - (1 - cos(w T))/w vy
        y'  = y + (1 - cos(w T))/w vx + sin(w T)/w vy
        vx' = cos(w T) vx - sin(w T) vy
        vy' = sin(w T) vx + cos(w T) vy
        z' = z + vz T,  vz' = vz,  w' = w

    The w -> 0 limit is the CV model (handled without division by zero).
    """
    x7 = np.asarray(x7, dtype=float)
    dt = _dt(dt_s)
    w = x7[..., OMEGA]
    A, B, c, s, _, _ = _turn_terms(w, dt)
    vx, vy, vz = x7[..., 3], x7[..., 4], x7[..., 5]
    out = np.array(x7, dtype=float, copy=True)
    out[..., 0] = x7[..., 0] + A * vx - B * vy
    out[..., 1] = x7[..., 1] + B * vx + A * vy
    out[..., 2] = x7[..., 2] + vz * dt
    out[..., 3] = c * vx - s * vy
    out[..., 4] = s * vx + c * vy
    return out


def ct_jacobian(x7: ArrayLike, dt_s: ArrayLike) -> NDArray[np.float64]:
    """Jacobian ``d ct_predict / d x7`` (..., 7, 7) at ``x7`` (..., 7) (Bar-Shalom 2001 §11.7)."""
    x7 = np.asarray(x7, dtype=float)
    dt = _dt(dt_s)
    w = x7[..., OMEGA]
    A, B, c, s, dA, dB = _turn_terms(w, dt)
    vx, vy = x7[..., 3], x7[..., 4]
    shape = np.broadcast_shapes(w.shape, dt.shape)
    F = np.broadcast_to(np.eye(N_CT), shape + (N_CT, N_CT)).copy()
    F[..., 0, 3], F[..., 0, 4], F[..., 0, 6] = A, -B, dA * vx - dB * vy
    F[..., 1, 3], F[..., 1, 4], F[..., 1, 6] = B, A, dB * vx + dA * vy
    F[..., 2, 5] = dt
    F[..., 3, 3], F[..., 3, 4], F[..., 3, 6] = c, -s, -dt * (s * vx + c * vy)
    F[..., 4, 3], F[..., 4, 4], F[..., 4, 6] = s, c, dt * (c * vx - s * vy)
    return F


def ct_process_noise(
    dt_s: ArrayLike, q_mps2: ArrayLike, q_omega_radps2: ArrayLike
) -> NDArray[np.float64]:
    """CT process noise ``Q`` (..., 7, 7).

    Position/velocity block as :func:`cv_process_noise` (CWNA of density ``q_mps2**2`` per axis);
    the turn rate is a random walk of density ``q_omega_radps2**2`` (rad^2/s^3), so
    ``Q[6, 6] = q_omega_radps2**2 dt`` (the augmentation of Bar-Shalom 2001 §11.7).
    """
    dt = _dt(dt_s)
    qo = np.asarray(q_omega_radps2, dtype=float) ** 2
    Q6 = cv_process_noise(dt, q_mps2)
    Q = np.zeros(Q6.shape[:-2] + (N_CT, N_CT))
    Q[..., :N_CV, :N_CV] = Q6
    Q[..., OMEGA, OMEGA] = qo * dt
    return Q


def state6_to_7(
    x6: ArrayLike, P6: ArrayLike, omega_radps: ArrayLike = 0.0, omega_var_rad2ps2: ArrayLike = 0.0
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Augment CV states (..., 6), (..., 6, 6) with a turn rate (value and variance, (rad/s)^2)."""
    x6 = np.asarray(x6, dtype=float)
    P6 = np.asarray(P6, dtype=float)
    x7 = np.concatenate([x6, np.zeros(x6.shape[:-1] + (1,))], axis=-1)
    x7[..., OMEGA] = omega_radps
    P7 = np.zeros(P6.shape[:-2] + (N_CT, N_CT))
    P7[..., :N_CV, :N_CV] = P6
    P7[..., OMEGA, OMEGA] = omega_var_rad2ps2
    return x7, P7


def state7_to_6(x7: ArrayLike, P7: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Drop the turn rate: (..., 7), (..., 7, 7) -> (..., 6), (..., 6, 6) (copies)."""
    x7 = np.asarray(x7, dtype=float)
    P7 = np.asarray(P7, dtype=float)
    return x7[..., :N_CV].copy(), P7[..., :N_CV, :N_CV].copy()
