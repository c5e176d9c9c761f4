"""Interacting multiple model (IMM) filter for CV and coordinated-turn modes, batched over tracks.

All modes share the 7-state layout ``[x, y, z, vx, vy, vz, omega_radps]`` (see
:mod:`iads.tracking.models`). A CV mode predicts position and velocity with the CV model and
resets the turn rate to 0 with a tiny variance; a CT mode uses the coordinated-turn model (EKF
or UKF prediction). Updates are EKF updates with polar plots.

Shapes: ``mu`` (N, r) mode probabilities, ``x`` (N, r, 7), ``P`` (N, r, 7, 7). One cycle::

    mu_pred, x, P = imm_predict(mu, x, P, dt_s, params)               # mix, then predict
    mu, x, P, nis = imm_update_polar(mu_pred, x, P, z, R, sensor_pos_m)
    x_est, P_est = imm_combine(mu, x, P)                               # output estimate

Equations: Bar-Shalom, Li & Kirubarajan 2001, §11.6 (the IMM cycle);
coordinated-turn model §11.7.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from iads.tracking.kalman import (
    ekf_update_polar,
    innovation_polar,
    kf_predict,
    kf_update,
    nis,
    symmetrise,
)
from iads.tracking.models import (
    N_CT,
    N_CV,
    OMEGA,
    ct_jacobian,
    ct_predict,
    ct_process_noise,
    cv_process_noise,
    cv_transition,
)
from iads.tracking.ukf import ukf_predict_ct

if TYPE_CHECKING:  # annotations only: numpy.typing is not loaded at run time
    from numpy.typing import ArrayLike, NDArray

    Array = NDArray[np.float64]


MODE_KINDS = ("cv", "ct")


@dataclass(frozen=True)
class ImmParams:
    """IMM mode set and switching model (defaults: air targets up to about 5 g, 1-4 s revisit).

    - ``kinds``: model per mode, "cv" or "ct". Default (CV, CT).
    - ``q_mps2``: CWNA acceleration level per mode (density ``q_mps2**2``, m^2/s^3). CV 1.0
      (cruise: a few m/s of velocity wander per minute), CT 2.0.
    - ``q_omega_radps2``: turn-rate random-walk level per mode (density ``q**2``, rad^2/s^3);
      unused by CV modes. CT 0.03: a 4 g turn at 250 m/s (0.157 rad/s) is reached in a few scans.
    - ``sojourn_s``: mean time in each mode; the switching matrix for a step ``dt`` has
      ``p_ii = exp(-dt / sojourn_i)`` and spreads ``1 - p_ii`` evenly over the other modes
      (Bar-Shalom 2001 §11.6: p_ii from the expected sojourn time). CV 120 s, CT 15 s.
    - ``mu0``: initial mode probabilities (0.9, 0.1).
    - ``omega_var0_rad2ps2``: initial turn-rate variance of CT modes, (0.1 rad/s)^2.
    - ``cv_omega_var_rad2ps2``: turn-rate variance a CV mode keeps (omega held at 0), 1e-10.
    - ``ct_filter``: "ekf" (Jacobian) or "ukf" (sigma points) prediction for CT modes.
    """

    kinds: tuple[str, ...] = ("cv", "ct")
    q_mps2: tuple[float, ...] = (1.0, 2.0)
    q_omega_radps2: tuple[float, ...] = (0.0, 0.03)
    sojourn_s: tuple[float, ...] = (120.0, 15.0)
    mu0: tuple[float, ...] = (0.9, 0.1)
    omega_var0_rad2ps2: float = 0.1**2
    cv_omega_var_rad2ps2: float = 1e-10
    ct_filter: str = "ekf"

    def __post_init__(self) -> None:
        r = len(self.kinds)
        for name in ("q_mps2", "q_omega_radps2", "sojourn_s", "mu0"):
            if len(getattr(self, name)) != r:
                raise ValueError(f"ImmParams.{name} needs one value per mode ({r} modes)")
        if any(k not in MODE_KINDS for k in self.kinds):
            raise ValueError(f"ImmParams.kinds must be among {MODE_KINDS}, got {self.kinds}")
        if self.ct_filter not in ("ekf", "ukf"):
            raise ValueError(f"ImmParams.ct_filter must be 'ekf' or 'ukf', got {self.ct_filter}")
        if r < 2 or any(s <= 0 for s in self.sojourn_s):
            raise ValueError("ImmParams needs >= 2 modes and positive sojourn_s")
        if not np.isclose(sum(self.mu0), 1.0):
            raise ValueError(f"ImmParams.mu0 must sum to 1, got {sum(self.mu0)}")

    @property
    def n_modes(self) -> int:
        return len(self.kinds)

    def transition(self, dt_s: ArrayLike) -> Array:
        """Mode switching matrix ``trans[i, j] = P(mode j at k+1 | mode i at k)``, (..., r, r)."""
        dt = np.asarray(dt_s, dtype=float)[..., None]
        stay = np.exp(-dt / np.asarray(self.sojourn_s))  # (..., r)
        r = self.n_modes
        T = np.broadcast_to(((1.0 - stay) / (r - 1))[..., :, None], dt.shape[:-1] + (r, r)).copy()
        idx = np.arange(r)
        T[..., idx, idx] = stay
        return T


def imm_init(
    x6: ArrayLike, P6: ArrayLike, params: ImmParams = ImmParams()
) -> tuple[Array, Array, Array]:
    """IMM state from CV estimates x6 (N, 6), P6 (N, 6, 6): (mu (N, r), x (N, r, 7), P)."""
    x6 = np.asarray(x6, dtype=float)
    P6 = np.asarray(P6, dtype=float)
    lead, r = x6.shape[:-1], params.n_modes
    x = np.zeros(lead + (r, N_CT))  # each mode: state6_to_7 with turn rate 0
    x[..., :N_CV] = x6[..., None, :]
    P = np.zeros(lead + (r, N_CT, N_CT))
    P[..., :N_CV, :N_CV] = P6[..., None, :, :]
    mu0, omega_var = _init_constants(params)
    P[..., OMEGA, OMEGA] = omega_var
    mu = np.empty(lead + (r,), dtype=mu0.dtype)  # np.broadcast_to(mu0, ...).copy()
    mu[...] = mu0
    return mu, x, P


def _init_constants(params: ImmParams) -> tuple[Array, Array]:
    """``np.asarray(params.mu0)`` (r,) and each mode's initial turn-rate variance (r,)
    (rad^2/s^2), read-only, cached by value (initiation needs them every scan)."""
    key = (params.mu0, params.kinds, params.cv_omega_var_rad2ps2, params.omega_var0_rad2ps2)
    try:
        return _init_constants_of(key)
    except TypeError:  # a field that is not hashable (a list): built anew
        return _init_constants_of.__wrapped__(key)


@functools.lru_cache(maxsize=16)
def _init_constants_of(key: tuple) -> tuple[Array, Array]:
    mu0, kinds, cv_var, ct_var = key
    omega_var = np.asarray([cv_var if kind == "cv" else ct_var for kind in kinds], dtype=float)
    out = np.asarray(mu0).copy(), omega_var
    for a in out:
        a.flags.writeable = False
    return out


def imm_mix(
    mu: ArrayLike, x: ArrayLike, P: ArrayLike, trans: ArrayLike
) -> tuple[Array, Array, Array]:
    """IMM interaction (Bar-Shalom 2001 §11.6, interaction step).

    ``mu`` (N, r), ``x`` (N, r, n), ``P`` (N, r, n, n), ``trans`` (r, r) or (N, r, r) with
    ``trans[i, j] = P(j | i)``. Returns mixed initial conditions ``x0`` (N, r, n), ``P0`` and
    the predicted mode probabilities ``c`` (N, r)::

        c_j = sum_i p_ij mu_i,  mu_i|j = p_ij mu_i / c_j
        x0_j = sum_i mu_i|j x_i
        P0_j = sum_i mu_i|j [P_i + (x_i - x0_j)(x_i - x0_j)']
    """
    mu = np.asarray(mu, dtype=float)
    x = np.asarray(x, dtype=float)
    P = np.asarray(P, dtype=float)
    joint = np.asarray(trans, dtype=float) * mu[..., :, None]  # p_ij mu_i, (N, i, j)
    c = joint.sum(axis=-2)  # c_j
    empty = c[..., None, :] <= np.finfo(float).tiny  # a mode nobody enters keeps its own state
    w = np.where(empty, np.eye(c.shape[-1]), joint / np.where(empty, 1.0, c[..., None, :]))
    wt = np.swapaxes(w, -1, -2)  # (N, j, i): mu_i|j
    x0 = wt @ x  # x0_j = sum_i mu_i|j x_i
    d = x[..., None, :, :] - x0[..., :, None, :]  # (N, j, i, n): x_i - x0_j
    spread = np.swapaxes(wt[..., None] * d, -1, -2) @ d  # sum_i mu_i|j d_ji d_ji'
    P0 = _weighted_sum(wt, P) + spread
    return x0, symmetrise(P0), c


def _weighted_sum(w: Array, P: Array) -> Array:
    """``sum_i w[..., j, i] P[..., i, :, :]`` (..., j, n, n), one matrix product (batched
    matrix products in place of ``einsum``: a few times fewer instructions at these sizes)."""
    n = P.shape[-1]
    flat = w @ P.reshape(P.shape[:-2] + (n * n,))
    return flat.reshape(flat.shape[:-1] + (n, n))


def _mode_noise(kind: str, q: float, q_omega: float, dt: Array, params: ImmParams) -> Array:
    """Process noise of one mode over ``dt`` (..., 7, 7): CV (its turn rate held at 0 with
    ``cv_omega_var_rad2ps2``) or CT."""
    if kind == "cv":
        Q = np.zeros(dt.shape + (N_CT, N_CT))
        Q[..., :N_CV, :N_CV] = cv_process_noise(dt, q)
        Q[..., OMEGA, OMEGA] = params.cv_omega_var_rad2ps2
        return Q
    return ct_process_noise(dt, q, q_omega)


def _predict_mode(
    kind: str, q: float, q_omega: float, x: Array, P: Array, dt: Array, params: ImmParams
) -> tuple[Array, Array]:
    Q = _mode_noise(kind, q, q_omega, dt, params)
    if kind == "cv":
        F = np.zeros(dt.shape + (N_CT, N_CT))
        F[..., :N_CV, :N_CV] = cv_transition(dt)  # omega row stays 0: omega reset to 0
        return kf_predict(x, P, F, Q)
    if params.ct_filter == "ukf":
        return ukf_predict_ct(x, P, dt, Q)
    F = ct_jacobian(x, dt)
    x_new = ct_predict(x, dt)  # x = f(x)
    return x_new, symmetrise(F @ P @ np.swapaxes(F, -1, -2) + Q)  # P = F P F' + Q


def imm_predict(
    mu: ArrayLike, x: ArrayLike, P: ArrayLike, dt_s: ArrayLike, params: ImmParams = ImmParams()
) -> tuple[Array, Array, Array]:
    """Mix, then predict every mode over ``dt_s`` (scalar or (N,)).

    Returns ``(mu_pred (N, r), x (N, r, 7), P (N, r, 7, 7))``; ``mu_pred`` are the predicted mode
    probabilities ``c_j`` that :func:`imm_update_polar` takes.
    """
    dt = np.asarray(dt_s, dtype=float)
    x0, P0, c = imm_mix(mu, x, P, params.transition(dt))
    xs, Ps = [], []
    for j, kind in enumerate(params.kinds):
        xj, Pj = _predict_mode(
            kind,
            params.q_mps2[j],
            params.q_omega_radps2[j],
            x0[..., j, :],
            P0[..., j, :, :],
            dt,
            params,
        )
        xs.append(xj)
        Ps.append(Pj)
    return c, np.stack(xs, axis=-2), np.stack(Ps, axis=-3)


def imm_predict_combine(
    mu: ArrayLike,
    x: ArrayLike,
    P: ArrayLike,
    dt_s: float,
    params: ImmParams = ImmParams(),
    compiled: bool = False,
) -> tuple[Array, Array, Array, Array, Array]:
    """:func:`imm_predict` over one step ``dt_s`` (s, scalar), then :func:`imm_combine` of the
    prediction: ``(mu_pred, x (N, r, 7), P, x_est (N, 7), P_est (N, 7, 7))``.

    ``compiled``: by the numba kernel (:mod:`iads.tracking.imm_kernel`), same values to
    rounding; it runs EKF-predicted CT modes only (``ct_filter="ekf"``), otherwise and without
    numba this NumPy form runs."""
    kernel = _kernel() if compiled and params.ct_filter == "ekf" else None
    if kernel is None:
        c, mx, mP = imm_predict(mu, x, P, dt_s, params)
        return c, mx, mP, *imm_combine(c, mx, mP)
    try:
        trans, kinds, Qs = _cached_step_constants(params, float(dt_s))
    except TypeError:  # unhashable params (lists for tuples): no cache
        trans, kinds, Qs = _step_constants(params, float(dt_s))
    return kernel.imm_predict_combine(
        np.ascontiguousarray(mu, dtype=float),
        np.ascontiguousarray(x, dtype=float),
        np.ascontiguousarray(P, dtype=float),
        trans,
        kinds,
        Qs,
        float(dt_s),
    )


def _step_constants(params: ImmParams, dt_s: float) -> tuple[Array, Array, Array]:
    """The compiled prediction's inputs that depend on ``params`` and ``dt_s`` (s) only: the
    mode switching matrix (r, r), the mode kinds (r,) and each mode's noise (r, 7, 7)."""
    kernel = _kernel()
    dt = np.asarray(dt_s)
    Qs = np.stack(
        [
            _mode_noise(kind, params.q_mps2[j], params.q_omega_radps2[j], dt, params)
            for j, kind in enumerate(params.kinds)
        ]
    )
    kinds = np.array([kernel.KIND_CV if k == "cv" else kernel.KIND_CT for k in params.kinds])
    return np.ascontiguousarray(params.transition(dt)), kinds, Qs


# a tracker predicts over the frame interval, nearly always the same dt: these cost ~30 us a
# frame to rebuild. Writable (numba types read-only arrays apart), never written: the kernel
# only reads them.
_cached_step_constants = functools.lru_cache(maxsize=16)(_step_constants)


def _kernel():
    """The ``imm_kernel`` module, or None without numba; imported on first use."""
    from iads.tracking import imm_kernel

    return imm_kernel if imm_kernel.imm_predict_combine is not None else None


def imm_combine(mu: ArrayLike, x: ArrayLike, P: ArrayLike) -> tuple[Array, Array]:
    """Moment-matched estimate (Bar-Shalom 2001 §11.6, output step): (N, n), (N, n, n).

    ``x = sum_j mu_j x_j``, ``P = sum_j mu_j [P_j + (x_j - x)(x_j - x)']``.
    """
    mu = np.asarray(mu, dtype=float)
    x = np.asarray(x, dtype=float)
    xc = (mu[..., None, :] @ x)[..., 0, :]  # sum_j mu_j x_j
    d = x - xc[..., None, :]
    Pc = _weighted_sum(mu[..., None, :], np.asarray(P, dtype=float))[..., 0, :, :]
    Pc = Pc + np.swapaxes(mu[..., None] * d, -1, -2) @ d  # + sum_j mu_j d_j d_j'
    return xc, symmetrise(Pc)


def imm_innovation_polar(
    mu_pred: ArrayLike,
    x: ArrayLike,
    P: ArrayLike,
    z: ArrayLike,
    R: ArrayLike,
    sensor_pos_m: ArrayLike,
    range_rate: bool = False,
) -> tuple[Array, Array, Array]:
    """Innovation of plots against the combined predicted state (for gating): (nu, S, H).

    Shapes as :func:`iads.tracking.kalman.innovation_polar` with n = 7.
    """
    xc, Pc = imm_combine(mu_pred, x, P)
    return innovation_polar(xc, Pc, z, R, sensor_pos_m, range_rate)


def _mode_probabilities(mu_pred: Array, loglik: Array) -> Array:
    """mu_j = Lambda_j c_j / sum_i Lambda_i c_i, computed in the log domain; ``loglik``
    (..., r) the log-likelihood of each mode."""
    logpost = np.log(np.maximum(mu_pred, np.finfo(float).tiny)) + loglik
    logpost -= logpost.max(axis=-1, keepdims=True)
    mu = np.exp(logpost)
    return mu / mu.sum(axis=-1, keepdims=True)


def _log_gaussian(nis_j: Array, S_j: Array) -> Array:
    _, logdet = np.linalg.slogdet(2.0 * np.pi * S_j)
    return -0.5 * (nis_j + logdet)  # log N(nu; 0, S)


def imm_update_polar(
    mu_pred: ArrayLike,
    x: ArrayLike,
    P: ArrayLike,
    z: ArrayLike,
    R: ArrayLike,
    sensor_pos_m: ArrayLike,
    range_rate: bool = False,
) -> tuple[Array, Array, Array, Array]:
    """Mode-matched EKF updates and mode probabilities (Bar-Shalom 2001 §11.6).

    ``mu_pred`` (N, r) from :func:`imm_predict`, ``x`` (N, r, 7), ``P`` (N, r, 7, 7), ``z``
    (N, m), ``R`` (m, m) or (N, m, m). Returns ``(mu, x, P, nis_combined)``::

        Lambda_j = N(nu_j; 0, S_j),  mu_j = Lambda_j c_j / sum_i Lambda_i c_i

    ``nis_combined`` (N,) is the NIS of ``z`` against the moment-matched predicted state (the
    one a gate would use).
    """
    mu_pred = np.asarray(mu_pred, dtype=float)
    x = np.asarray(x, dtype=float)
    P = np.asarray(P, dtype=float)
    mu, xs, Ps = imm_update_modes_polar(mu_pred, x, P, z, R, sensor_pos_m, range_rate)
    nu_c, S_c, _ = imm_innovation_polar(mu_pred, x, P, z, R, sensor_pos_m, range_rate)
    return mu, xs, Ps, nis(nu_c, S_c)


def imm_update_modes_polar(
    mu_pred: ArrayLike,
    x: ArrayLike,
    P: ArrayLike,
    z: ArrayLike,
    R: ArrayLike,
    sensor_pos_m: ArrayLike,
    range_rate: bool = False,
    compiled: bool = False,
) -> tuple[Array, Array, Array]:
    """:func:`imm_update_polar` without the combined NIS (the tracker does not use it):
    ``(mu (N, r), x (N, r, 7), P (N, r, 7, 7))``, the same numbers. ``compiled``: by the numba
    kernel (:mod:`iads.tracking.imm_kernel`), the same numbers to rounding."""
    mu_pred = np.asarray(mu_pred, dtype=float)
    x = np.asarray(x, dtype=float)
    P = np.asarray(P, dtype=float)
    R = np.asarray(R, dtype=float)
    s = np.asarray(sensor_pos_m, dtype=float)
    kernel = _kernel() if compiled else None
    if kernel is not None:
        n, m = mu_pred.shape[0], 4 if range_rate else 3
        z = np.asarray(z, dtype=float)
        return kernel.imm_update_modes(
            np.ascontiguousarray(mu_pred),
            np.ascontiguousarray(x),
            np.ascontiguousarray(P),
            np.ascontiguousarray(np.broadcast_to(z[..., :m], (n, m))),
            np.ascontiguousarray(np.broadcast_to(R[..., :m, :m], (n, m, m))),
            np.ascontiguousarray(np.broadcast_to(s, (n, 3))),
        )
    # every mode in one batched EKF update: the mode axis is one more leading axis, along
    # which the plot, its noise and its sensor broadcast (half the NumPy calls of a loop)
    xs, Ps, nis_j, S_j = ekf_update_polar(
        x,
        P,
        np.asarray(z, dtype=float)[..., None, :],
        R[..., None, :, :] if R.ndim > 2 else R,
        s[..., None, :] if s.ndim > 1 else s,
        range_rate,
    )
    loglik = _log_gaussian(nis_j, S_j)  # (N, r)
    mu = _mode_probabilities(mu_pred, loglik)
    return mu, xs, Ps


def imm_update(
    mu_pred: ArrayLike, x: ArrayLike, P: ArrayLike, z: ArrayLike, H: ArrayLike, R: ArrayLike
) -> tuple[Array, Array, Array, Array]:
    """As :func:`imm_update_polar` for a linear measurement ``z = H x + v`` (Cartesian plots,
    converted measurements, ADS-B positions): ``H`` (m, 7) or (N, m, 7), ``R`` (m, m) or
    (N, m, m). Returns ``(mu, x, P, nis_combined)``.
    """
    mu_pred = np.asarray(mu_pred, dtype=float)
    x = np.asarray(x, dtype=float)
    P = np.asarray(P, dtype=float)
    H = np.asarray(H, dtype=float)
    R = np.asarray(R, dtype=float)
    z = np.asarray(z, dtype=float)
    Ht = np.swapaxes(H, -1, -2)
    xs, Ps, loglik = [], [], []
    for j in range(x.shape[-2]):
        xj, Pj = x[..., j, :], P[..., j, :, :]
        nu = z - (H @ xj[..., None])[..., 0]  # nu = z - H x
        S = symmetrise(H @ Pj @ Ht + R)  # S = H P H' + R
        loglik.append(_log_gaussian(nis(nu, S), S))
        xj, Pj = kf_update(xj, Pj, z, H, R)
        xs.append(xj)
        Ps.append(Pj)
    xc, Pc = imm_combine(mu_pred, x, P)
    nu_c = z - (H @ xc[..., None])[..., 0]
    mu = _mode_probabilities(mu_pred, np.stack(loglik, axis=-1))
    return mu, np.stack(xs, axis=-2), np.stack(Ps, axis=-3), nis(nu_c, H @ Pc @ Ht + R)
