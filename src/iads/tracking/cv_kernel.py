"""CV prediction of many tracks to one time, compiled (numba, cached on disk).

The fast fidelity's tracker predicts every reported track to the frame time, each from its own
update time: ``x' = F x``, ``P' = F P F' + Q`` (``models.cv_transition``,
``models.cv_process_noise``). With NumPy that is half a dozen (N, 6, 6) array calls a frame,
about 40 us for a few dozen tracks, most of it per-call overhead. The kernel writes the same
products in closed form per track: with ``F = [[I, dt I], [0, I]]``, ``M = F P`` adds ``dt``
times the velocity rows to the position rows and ``M F'`` does the same to the columns; ``Q``
is added per axis. The products skip the exact zeros and ones of ``F``, so they agree with the
matrix form to rounding (BLAS may fuse multiply-adds), not bit for bit; the test compares both
with FilterPy's ``KalmanFilter.predict``.
"""

from __future__ import annotations

import numpy as np

try:  # numba is optional at run time: without it the NumPy matrix form runs
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None


def _predict_loop(x, P, t_upd, rows, t_s, q2, x_out, P_out):  # pragma: no cover
    for c in range(rows.shape[0]):
        i = rows[c]
        dt = t_s - t_upd[i]
        for d in range(3):
            x_out[c, d] = x[i, d] + x[i, d + 3] * dt
            x_out[c, d + 3] = x[i, d + 3]
        for a in range(6):  # M = F P: rows a < 3 gain dt times row a + 3
            for b in range(6):
                if a < 3:
                    P_out[c, a, b] = P[i, a, b] + dt * P[i, a + 3, b]
                else:
                    P_out[c, a, b] = P[i, a, b]
        for a in range(6):  # M F': columns b < 3 gain dt times column b + 3
            for b in range(3):
                P_out[c, a, b] = P_out[c, a, b] + dt * P_out[c, a, b + 3]
        pp, pv, vv = q2 * dt**3 / 3.0, q2 * dt**2 / 2.0, q2 * dt
        for d in range(3):
            P_out[c, d, d] += pp
            P_out[c, d, d + 3] += pv
            P_out[c, d + 3, d] += pv
            P_out[c, d + 3, d + 3] += vv


_predict_compiled = njit(cache=True, nogil=True)(_predict_loop) if njit is not None else None


def cv_predict_rows(
    x: np.ndarray, P: np.ndarray, t_upd_s: np.ndarray, rows: np.ndarray, t_s: float, q_mps2: float
) -> tuple[np.ndarray, np.ndarray]:
    """States (R, 6) and covariances (R, 6, 6) of the tracks ``rows`` (R,) of ``x`` (N, 6),
    ``P`` (N, 6, 6) (ENU, m and m/s), each updated at ``t_upd_s`` (N,) (s), predicted to
    ``t_s`` (s) with the CV model at acceleration noise ``q_mps2`` (m/s^2, as
    ``models.cv_process_noise``). New arrays; the inputs are not changed."""
    r = np.ascontiguousarray(rows, dtype=np.int64)
    if _predict_compiled is None:  # pragma: no cover - without numba
        from iads.tracking.models import cv_process_noise, cv_transition

        dt = t_s - t_upd_s[r]
        F = cv_transition(dt)
        x_out = x[r].copy()
        x_out[:, :3] += x_out[:, 3:] * dt[:, None]
        return x_out, F @ P[r] @ np.swapaxes(F, 1, 2) + cv_process_noise(dt, q_mps2)
    x_out = np.empty((r.size, 6))
    P_out = np.empty((r.size, 6, 6))
    _predict_compiled(
        np.ascontiguousarray(x, dtype=np.float64),
        np.ascontiguousarray(P, dtype=np.float64),
        np.ascontiguousarray(t_upd_s, dtype=np.float64),
        r,
        float(t_s),
        float(q_mps2) ** 2,
        x_out,
        P_out,
    )
    return x_out, P_out


__all__ = ["cv_predict_rows"]
