"""The gate of one sensor's scan, compiled (numba, cached on disk).

The same test as ``association.gate`` in NumPy (the reference the tests compare against, and
the fallback without numba): every (track, plot) pair with ``nu' S^-1 nu <= gate_d2``, where
``nu`` is the polar residual (azimuth wrapped to (-pi, pi]), ``S = H P H' + R_j`` symmetrised,
``H`` the polar Jacobian at the predicted state (``measurement.polar_measure``,
``measurement.polar_jacobian``, ``kalman.innovation_polar``: every formula is the one
documented there). Candidates: the plots within each track's range bound ``sqrt(g S_rr)``
(built with the largest plot noise of the scan, so it holds for every plot), found by binary
search on the plots sorted by range; pairs breaking another component's bound are dropped
before the exact test, as in NumPy. The full tracker gates a few hundred tracks (most of them
tentative, from false alarms) against a few dozen plots twice a frame, where the NumPy form's
cost is its many small array calls.

``gate_pairs`` returns the kept pairs in (track, plot) order, with ``d2``, ``nu``, ``S`` and
``ln det S`` (LU with partial pivoting); the tracks' ``H`` (N, m, n) come back whole. Results
agree with the NumPy form to rounding, not bit for bit.
"""

from __future__ import annotations

import math

import numpy as np

try:  # numba is optional at run time: without it the NumPy gate runs
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None

_TWO_PI = 2.0 * math.pi


def polar_model(x, sensor, m, zhat, H):
    """Predicted plot ``zhat`` (m,) (range, azimuth in [0, 2 pi), elevation[, range rate]) and
    its Jacobian ``H`` (m, n) of one state ``x`` (n,) seen from ``sensor`` (3,), written in
    place (``measurement.polar_measure`` and ``polar_jacobian``); the entries that are always 0
    are not written: the caller zeroes ``H``."""
    dx, dy, dz = x[0] - sensor[0], x[1] - sensor[1], x[2] - sensor[2]
    rho_h = math.hypot(dx, dy)
    r_h = math.hypot(rho_h, dz)
    az = math.atan2(dx, dy) % _TWO_PI
    if az >= _TWO_PI:
        az = 0.0
    zhat[0], zhat[1], zhat[2] = r_h, az, math.atan2(dz, rho_h)
    rho2 = dx * dx + dy * dy
    rho = math.sqrt(rho2)
    r2 = rho2 + dz * dz
    r = math.sqrt(r2)
    H[0, 0], H[0, 1], H[0, 2] = dx / r, dy / r, dz / r
    H[1, 0], H[1, 1] = dy / rho2, -dx / rho2
    H[2, 0], H[2, 1] = -dz * dx / (r2 * rho), -dz * dy / (r2 * rho)
    H[2, 2] = rho / r2
    if m == 4:
        vx, vy, vz = x[3], x[4], x[5]
        zhat[3] = (dx * vx + dy * vy + dz * vz) / r_h
        rdot = (dx * vx + dy * vy + dz * vz) / r
        H[3, 0] = (vx - rdot * dx / r) / r
        H[3, 1] = (vy - rdot * dy / r) / r
        H[3, 2] = (vz - rdot * dz / r) / r
        H[3, 3], H[3, 4], H[3, 5] = dx / r, dy / r, dz / r


def _track_terms(x, P, sensor, r_diag_max, gate_d2, m):
    """Per track: predicted plot ``zhat`` (N, m), Jacobian ``H`` (N, m, n), ``H P H'`` (N, m, m)
    and the component bounds ``sqrt(g (H P H' + diag(r_diag_max))_kk)`` (N, m)."""
    n_t, n = x.shape
    zhat = np.empty((n_t, m))
    H = np.zeros((n_t, m, n))
    S0 = np.empty((n_t, m, m))
    sd = np.empty((n_t, m))
    HP = np.empty((m, n))
    for i in range(n_t):
        polar_model(x[i], sensor, m, zhat[i], H[i])
        for a in range(m):
            for b in range(n):
                acc = 0.0
                for c in range(n):
                    acc += H[i, a, c] * P[i, c, b]
                HP[a, b] = acc
        for a in range(m):
            for b in range(m):
                acc = 0.0
                for c in range(n):
                    acc += HP[a, c] * H[i, b, c]
                S0[i, a, b] = acc
        for a in range(m):
            sd[i, a] = math.sqrt(gate_d2 * (S0[i, a, a] + r_diag_max[a]))
    return zhat, H, S0, sd


def _solve_small(S, nu, m, work, y):
    """``nu' S^-1 nu`` and ``ln |det S|`` of an m x m ``S`` by LU with partial pivoting
    (``work`` (m, m) and ``y`` (m,) scratch); (inf, nan) if ``S`` is singular."""
    for a in range(m):
        y[a] = nu[a]
        for b in range(m):
            work[a, b] = S[a, b]
    logdet = 0.0
    for k in range(m):
        p = k
        for a in range(k + 1, m):
            if abs(work[a, k]) > abs(work[p, k]):
                p = a
        if work[p, k] == 0.0:
            return math.inf, math.nan
        if p != k:
            for b in range(m):
                work[k, b], work[p, b] = work[p, b], work[k, b]
            y[k], y[p] = y[p], y[k]
        logdet += math.log(abs(work[k, k]))
        for a in range(k + 1, m):
            f = work[a, k] / work[k, k]
            for b in range(k, m):
                work[a, b] -= f * work[k, b]
            y[a] -= f * y[k]
    for k in range(m - 1, -1, -1):  # back substitution: y = S^-1 nu
        acc = y[k]
        for b in range(k + 1, m):
            acc -= work[k, b] * y[b]
        y[k] = acc / work[k, k]
    d2 = 0.0
    for a in range(m):
        d2 += nu[a] * y[a]
    return d2, logdet


def _gate_pairs(x, P, z, R, sensor, r_diag_max, gate_d2):
    n_t, m = x.shape[0], z.shape[1]
    zhat, H, S0, sd = _track_terms(x, P, sensor, r_diag_max, gate_d2, m)
    order = np.argsort(z[:, 0], kind="mergesort")
    r_sorted = z[order, 0].copy()
    cap = 4 * (n_t + z.shape[0]) + 16
    ti = np.empty(cap, np.int64)
    pj = np.empty(cap, np.int64)
    d2s = np.empty(cap)
    nus = np.empty((cap, m))
    Ss = np.empty((cap, m, m))
    logdets = np.empty(cap)
    nu = np.empty(m)
    S = np.empty((m, m))
    work = np.empty((m, m))
    y = np.empty(m)
    k = 0
    for i in range(n_t):
        dr = sd[i, 0] * (1.0 + 1e-8) + 1e-6
        lo = np.searchsorted(r_sorted, zhat[i, 0] - dr, side="left")
        hi = np.searchsorted(r_sorted, zhat[i, 0] + dr, side="right")
        if hi <= lo:
            continue
        cand = np.sort(order[lo:hi])  # this track's pairs in plot order
        for j in cand:
            nu[0] = z[j, 0] - zhat[i, 0]
            a = z[j, 1] - zhat[i, 1]
            nu[1] = math.pi - (math.pi - a) % _TWO_PI
            for c in range(2, m):
                nu[c] = z[j, c] - zhat[i, c]
            out = False
            for c in range(m):
                if abs(nu[c]) > sd[i, c] * (1.0 + 1e-9):
                    out = True
                    break
            if out:
                continue
            for a in range(m):
                for b in range(m):
                    S[a, b] = S0[i, a, b] + R[j, a, b]
            for a in range(m):
                for b in range(a + 1, m):
                    s = 0.5 * (S[a, b] + S[b, a])
                    S[a, b] = s
                    S[b, a] = s
            d2, logdet = _solve_small(S, nu, m, work, y)
            if not d2 <= gate_d2:
                continue
            if k == cap:  # grow the outputs
                cap *= 2
                ti, pj, d2s = _grow(ti, cap), _grow(pj, cap), _grow(d2s, cap)
                nus, Ss, logdets = _grow(nus, cap), _grow(Ss, cap), _grow(logdets, cap)
            ti[k], pj[k], d2s[k], logdets[k] = i, j, d2, logdet
            for a in range(m):
                nus[k, a] = nu[a]
                for b in range(m):
                    Ss[k, a, b] = S[a, b]
            k += 1
    return ti[:k], pj[:k], d2s[:k], nus[:k], Ss[:k], logdets[:k], H


def _grow(a, cap):
    out = np.empty((cap,) + a.shape[1:], a.dtype)
    out[: a.shape[0]] = a
    return out


if njit is not None:
    _jit = njit(cache=True, nogil=True)
    polar_model = _jit(polar_model)
    _track_terms = _jit(_track_terms)
    _solve_small = _jit(_solve_small)
    _grow = _jit(_grow)
    gate_pairs = _jit(_gate_pairs)
else:  # pragma: no cover
    gate_pairs = None


__all__ = ["gate_pairs"]
