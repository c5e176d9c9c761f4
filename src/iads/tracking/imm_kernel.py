"""The IMM filter cycle compiled (numba, cached on disk), track by track: the prediction with
the output combination, and the mode-matched EKF update with polar plots.

The same cycle as ``imm.imm_predict`` followed by ``imm.imm_combine`` (the NumPy reference the
tests compare against, and the fallback without numba or with UKF-predicted CT modes): the
interaction (mixing) of the mode states with the switching matrix, each mode's prediction over
one step ``dt`` (CV: ``models.cv_transition`` with the turn rate reset to 0 and
``cv_omega_var`` as its variance; CT: the EKF prediction with ``models.ct_predict``,
``models.ct_jacobian`` and ``models.ct_process_noise``), then the moment-matched estimate over
the predicted mode probabilities. Every formula is the one documented there (Bar-Shalom, Li &
Kirubarajan 2001, sec. 11.6-11.7). The full tracker predicts a few hundred tracks a frame, most
of them tentative, where the NumPy form's cost is its many small array calls; the compiled
loop also skips the zeros of ``F``. The update is ``imm.imm_update_modes_polar``: each mode's
EKF update (``kalman.ekf_update_polar``: polar residual with the azimuth wrapped, gain
``P H' S^-1``, Joseph-form covariance) and the mode probabilities from each mode's Gaussian
likelihood in the log domain. Results agree with NumPy to rounding, not bit for bit.
"""

from __future__ import annotations

import math

import numpy as np

try:  # numba is optional at run time: without it the NumPy IMM runs
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None

from iads.tracking.gate_kernel import polar_model

KIND_CV, KIND_CT = 0, 1
"""Mode kinds as the kernel reads them (``ImmParams.kinds``: "cv", "ct")."""

_SMALL_TURN_RAD = 1e-3  # as models._SMALL_TURN_RAD: the series form of the omega derivatives
_TINY = np.finfo(np.float64).tiny


def _transition_cv(dt, F):
    """``F`` (7, 7) of a CV mode: CV over position and velocity, the turn-rate row 0."""
    for a in range(7):
        for b in range(7):
            F[a, b] = 0.0
    for a in range(6):
        F[a, a] = 1.0
    for a in range(3):
        F[a, a + 3] = dt


def _ct_step(x, dt, x_new, F):
    """Coordinated turn over ``dt``: the predicted state ``x_new`` (7,) and Jacobian ``F``."""
    w = x[6]
    a = w * dt
    s, c = math.sin(a), math.cos(a)
    if a == 0.0:
        A, B = dt, 0.0
    else:
        A = dt * s / a
        h = 0.5 * a
        B = dt * math.sin(h) * (math.sin(h) / h)
    if abs(a) < _SMALL_TURN_RAD:
        dA = -w * dt**3 / 3.0 + w**3 * dt**5 / 30.0
        dB = dt**2 / 2.0 - w**2 * dt**4 / 8.0
    else:
        dA = (dt * c - A) / w
        dB = (dt * s - B) / w
    vx, vy, vz = x[3], x[4], x[5]
    x_new[0] = x[0] + A * vx - B * vy
    x_new[1] = x[1] + B * vx + A * vy
    x_new[2] = x[2] + vz * dt
    x_new[3] = c * vx - s * vy
    x_new[4] = s * vx + c * vy
    x_new[5] = vz
    x_new[6] = w
    for i in range(7):
        for j in range(7):
            F[i, j] = 0.0
        F[i, i] = 1.0
    F[0, 3], F[0, 4], F[0, 6] = A, -B, dA * vx - dB * vy
    F[1, 3], F[1, 4], F[1, 6] = B, A, dB * vx + dA * vy
    F[2, 5] = dt
    F[3, 3], F[3, 4], F[3, 6] = c, -s, -dt * (s * vx + c * vy)
    F[4, 3], F[4, 4], F[4, 6] = s, c, dt * (c * vx - s * vy)


def _nonzeros(F, nnz, cols):
    """Row by row, the columns where ``F`` (7, 7) is not 0, in increasing order: ``nnz`` (7,)
    counts, ``cols`` (7, 7) the columns."""
    for a in range(7):
        k = 0
        for b in range(7):
            if F[a, b] != 0.0:
                cols[a, k] = b
                k += 1
        nnz[a] = k


def _fpf(F, P, Q, out, tmp, nnz, cols):
    """``out = sym(F P F' + Q)`` (7, 7), summing over the nonzeros of ``F`` only
    (``_nonzeros``: the same terms in the same order as a dense loop skipping zeros)."""
    for a in range(7):
        for b in range(7):
            acc = 0.0
            for q in range(nnz[a]):
                k = cols[a, q]
                acc += F[a, k] * P[k, b]
            tmp[a, b] = acc
    for a in range(7):
        for b in range(a, 7):
            acc = 0.0
            for q in range(nnz[b]):
                k = cols[b, q]
                acc += tmp[a, k] * F[b, k]
            acc2 = 0.0
            for q in range(nnz[a]):
                k = cols[a, q]
                acc2 += tmp[b, k] * F[a, k]
            v = 0.5 * ((acc + Q[a, b]) + (acc2 + Q[b, a]))
            out[a, b] = v
            out[b, a] = v


def _imm_predict_combine(mu, x, P, trans, kinds, Qs, dt):
    """``mu`` (N, r), ``x`` (N, r, 7), ``P`` (N, r, 7, 7), ``trans`` (r, r), ``kinds`` (r,),
    ``Qs`` (r, 7, 7) each mode's process noise over ``dt`` (s). Returns the predicted mode
    probabilities (N, r), mode states (N, r, 7) and covariances, and the combined estimate
    (N, 7), (N, 7, 7)."""
    n_t, r = mu.shape
    c_out = np.empty((n_t, r))
    x_out = np.empty((n_t, r, 7))
    P_out = np.empty((n_t, r, 7, 7))
    xc_out = np.empty((n_t, 7))
    Pc_out = np.empty((n_t, 7, 7))
    w = np.empty((r, r))
    x0 = np.empty(7)
    P0 = np.empty((7, 7))
    d = np.empty(7)
    F = np.empty((7, 7))
    tmp = np.empty((7, 7))
    F_cv = np.empty((7, 7))
    _transition_cv(dt, F_cv)
    nnz_cv, cols_cv = np.empty(7, np.int64), np.empty((7, 7), np.int64)
    _nonzeros(F_cv, nnz_cv, cols_cv)
    nnz, cols = np.empty(7, np.int64), np.empty((7, 7), np.int64)
    for t in range(n_t):
        for j in range(r):  # interaction: c_j and mu_i|j
            cj = 0.0
            for i in range(r):
                cj += trans[i, j] * mu[t, i]
            c_out[t, j] = cj
            for i in range(r):
                if cj <= _TINY:  # a mode nobody enters keeps its own state
                    w[i, j] = 1.0 if i == j else 0.0
                else:
                    w[i, j] = trans[i, j] * mu[t, i] / cj
        for j in range(r):
            for a in range(7):
                acc = 0.0
                for i in range(r):
                    acc += w[i, j] * x[t, i, a]
                x0[a] = acc
            for a in range(7):
                for b in range(7):
                    P0[a, b] = 0.0
            for i in range(r):
                wij = w[i, j]
                for a in range(7):
                    d[a] = x[t, i, a] - x0[a]
                for a in range(7):
                    for b in range(7):
                        P0[a, b] += wij * (P[t, i, a, b] + d[a] * d[b])
            for a in range(7):
                for b in range(a + 1, 7):
                    v = 0.5 * (P0[a, b] + P0[b, a])
                    P0[a, b] = v
                    P0[b, a] = v
            if kinds[j] == KIND_CV:
                for a in range(3):
                    x_out[t, j, a] = x0[a] + dt * x0[a + 3]
                    x_out[t, j, a + 3] = x0[a + 3]
                x_out[t, j, 6] = 0.0
                _fpf(F_cv, P0, Qs[j], P_out[t, j], tmp, nnz_cv, cols_cv)
            else:
                _ct_step(x0, dt, x_out[t, j], F)
                _nonzeros(F, nnz, cols)
                _fpf(F, P0, Qs[j], P_out[t, j], tmp, nnz, cols)
        for a in range(7):  # output: the moment-matched estimate
            acc = 0.0
            for j in range(r):
                acc += c_out[t, j] * x_out[t, j, a]
            xc_out[t, a] = acc
        for a in range(7):
            for b in range(7):
                Pc_out[t, a, b] = 0.0
        for j in range(r):
            cj = c_out[t, j]
            for a in range(7):
                d[a] = x_out[t, j, a] - xc_out[t, a]
            for a in range(7):
                for b in range(7):
                    Pc_out[t, a, b] += cj * (P_out[t, j, a, b] + d[a] * d[b])
        for a in range(7):
            for b in range(a + 1, 7):
                v = 0.5 * (Pc_out[t, a, b] + Pc_out[t, b, a])
                Pc_out[t, a, b] = v
                Pc_out[t, b, a] = v
    return c_out, x_out, P_out, xc_out, Pc_out


def _invert_small(S, m, inv, work):
    """``inv = S^-1`` of an m x m ``S`` by Gauss-Jordan elimination with partial pivoting
    (``work`` (m, m) scratch); returns ``ln |det S|``, or nan if ``S`` is singular."""
    for a in range(m):
        for b in range(m):
            work[a, b] = S[a, b]
            inv[a, b] = 1.0 if a == b else 0.0
    logdet = 0.0
    for k in range(m):
        p = k
        for a in range(k + 1, m):
            if abs(work[a, k]) > abs(work[p, k]):
                p = a
        if work[p, k] == 0.0:
            return math.nan
        if p != k:
            for b in range(m):
                work[k, b], work[p, b] = work[p, b], work[k, b]
                inv[k, b], inv[p, b] = inv[p, b], inv[k, b]
        piv = work[k, k]
        logdet += math.log(abs(piv))
        for b in range(m):
            work[k, b] /= piv
            inv[k, b] /= piv
        for a in range(m):
            if a != k:
                f = work[a, k]
                if f != 0.0:
                    for b in range(m):
                        work[a, b] -= f * work[k, b]
                        inv[a, b] -= f * inv[k, b]
    return logdet


def _imm_update_modes(mu, x, P, z, R, sensor):
    """Mode-matched EKF updates of ``x`` (N, r, 7), ``P`` (N, r, 7, 7) with plots ``z`` (N, m)
    of noise ``R`` (N, m, m) from ``sensor`` (N, 3), and the mode probabilities from the
    predicted ones ``mu`` (N, r): ``(mu, x, P)``."""
    n_t, r = mu.shape
    m = z.shape[1]
    mu_out = np.empty((n_t, r))
    x_out = np.empty((n_t, r, 7))
    P_out = np.empty((n_t, r, 7, 7))
    loglik = np.empty(r)
    zhat = np.empty(m)
    nu = np.empty(m)
    H = np.empty((m, 7))
    HP = np.empty((m, 7))
    S = np.empty((m, m))
    Sinv = np.empty((m, m))
    work = np.empty((m, m))
    K = np.empty((7, m))
    A = np.empty((7, 7))
    AP = np.empty((7, 7))
    KR = np.empty((7, m))
    log_2pi = math.log(2.0 * math.pi)
    for t in range(n_t):
        for j in range(r):
            xj, Pj = x[t, j], P[t, j]
            for a in range(m):
                for b in range(7):
                    H[a, b] = 0.0
            polar_model(xj, sensor[t], m, zhat, H)
            for a in range(m):
                nu[a] = z[t, a] - zhat[a]
            nu[1] = math.pi - (math.pi - nu[1]) % (2.0 * math.pi)  # wrapped to (-pi, pi]
            for a in range(m):  # H P, then S = H P H' + R (symmetrised)
                for b in range(7):
                    acc = 0.0
                    for c in range(7):
                        h = H[a, c]
                        if h != 0.0:
                            acc += h * Pj[c, b]
                    HP[a, b] = acc
            for a in range(m):
                for b in range(m):
                    acc = 0.0
                    for c in range(7):
                        acc += HP[a, c] * H[b, c]
                    S[a, b] = acc + R[t, a, b]
            for a in range(m):
                for b in range(a + 1, m):
                    v = 0.5 * (S[a, b] + S[b, a])
                    S[a, b] = v
                    S[b, a] = v
            logdet = _invert_small(S, m, Sinv, work)
            nis = 0.0
            for a in range(m):
                for b in range(m):
                    nis += nu[a] * Sinv[a, b] * nu[b]
            loglik[j] = -0.5 * (nis + m * log_2pi + logdet)
            for a in range(7):  # K = P H' S^-1 = (H P)' S^-1
                for b in range(m):
                    acc = 0.0
                    for c in range(m):
                        acc += HP[c, a] * Sinv[c, b]
                    K[a, b] = acc
            for a in range(7):
                acc = xj[a]
                for b in range(m):
                    acc += K[a, b] * nu[b]
                x_out[t, j, a] = acc
            for a in range(7):  # Joseph form: (I - K H) P (I - K H)' + K R K'
                for b in range(7):
                    acc = 1.0 if a == b else 0.0
                    for c in range(m):
                        acc -= K[a, c] * H[c, b]
                    A[a, b] = acc
            for a in range(7):
                for b in range(7):
                    acc = 0.0
                    for c in range(7):
                        acc += A[a, c] * Pj[c, b]
                    AP[a, b] = acc
            for a in range(7):
                for b in range(m):
                    acc = 0.0
                    for c in range(m):
                        acc += K[a, c] * R[t, c, b]
                    KR[a, b] = acc
            Pn = P_out[t, j]
            for a in range(7):
                for b in range(a, 7):
                    acc = 0.0
                    for c in range(7):
                        acc += AP[a, c] * A[b, c]
                    for c in range(m):
                        acc += KR[a, c] * K[b, c]
                    acc2 = 0.0
                    for c in range(7):
                        acc2 += AP[b, c] * A[a, c]
                    for c in range(m):
                        acc2 += KR[b, c] * K[a, c]
                    v = 0.5 * (acc + acc2)
                    Pn[a, b] = v
                    Pn[b, a] = v
        top = -math.inf  # mode probabilities, in the log domain
        for j in range(r):
            loglik[j] += math.log(max(mu[t, j], _TINY))
            top = max(top, loglik[j])
        total = 0.0
        for j in range(r):
            loglik[j] = math.exp(loglik[j] - top)
            total += loglik[j]
        for j in range(r):
            mu_out[t, j] = loglik[j] / total
    return mu_out, x_out, P_out


if njit is not None:
    _jit = njit(cache=True, nogil=True)
    _transition_cv = _jit(_transition_cv)
    _ct_step = _jit(_ct_step)
    _nonzeros = _jit(_nonzeros)
    _fpf = _jit(_fpf)
    imm_predict_combine = _jit(_imm_predict_combine)
    _invert_small = _jit(_invert_small)
    imm_update_modes = _jit(_imm_update_modes)
else:  # pragma: no cover
    imm_predict_combine = imm_update_modes = None


__all__ = ["KIND_CT", "KIND_CV", "imm_predict_combine", "imm_update_modes"]
