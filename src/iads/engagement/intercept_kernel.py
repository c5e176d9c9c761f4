"""The predicted intercept point of ``envelope.predicted_intercept``, compiled (numba, cached).

Each (launcher, target) pair is a scalar root find of g(t) = tof(PIP(t)) - t: a scan of
``n_scan`` times for the first sign change, then ``n_refine`` Illinois steps. In NumPy every
evaluation of g is some twenty array calls over all pairs, and the command post asks for a
(delays x targets) batch each time a target may come within reach: about 0.7 ms a batch, a
tenth of a fast-fidelity run. The kernel runs each pair on its own with the same operations
in the same order (the table's bilinear interpolation and its ``searchsorted`` cell, NaN
sorting last; ``np.maximum``'s NaN; ``np.nan_to_num``'s values; ``hypot``), so every number is
the NumPy form's, bit for bit (a test compares them). The scan stops at the first sign change,
which is all the NumPy form keeps of it.
"""

from __future__ import annotations

import math

import numpy as np

try:  # numba is optional at run time: without it the NumPy form runs
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None

from iads.engagement.tables import FlyoutTable
from iads.sensors.geometry import EARTH_RADIUS_M

_BIG = float(np.finfo(np.float64).max)
"""``np.nan_to_num``'s value for +inf (and its negative for -inf)."""
_R = float(EARTH_RADIUS_M)
_TWO_R = 2.0 * _R
_R2 = _R**2


def _left(a, x):  # pragma: no cover - compiled
    """``np.searchsorted(a, x)`` (side "left") on a sorted grid without NaN: NaN sorts last."""
    if x != x:
        return a.shape[0]
    lo, hi = 0, a.shape[0]
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _interp(flat, grid_g, grid_h, dg, dh, g, h):  # pragma: no cover - compiled
    """``FlyoutTable._interp`` at one point: bilinear in the cell, NaN outside the grid."""
    n_g, n_h = grid_g.shape[0], grid_h.shape[0]
    gi = min(max(_left(grid_g, g) - 1, 0), n_g - 2)
    hi = min(max(_left(grid_h, h) - 1, 0), n_h - 2)
    u = (g - grid_g[gi]) / dg[gi]
    w = (h - grid_h[hi]) / dh[hi]
    k = gi * n_h + hi
    u1, w1 = 1 - u, 1 - w
    out = flat[k] * u1 * w1
    out += flat[k + n_h] * u * w1
    out += flat[k + 1] * u1 * w
    out += flat[k + (n_h + 1)] * u * w
    if g < grid_g[0] or g > grid_g[-1] or h < grid_h[0] - 1.0 or h > grid_h[-1]:
        return np.nan
    return out


def _rel_alt(x, y, z, origin_alt_m, launcher_alt):  # pragma: no cover - compiled
    """``np.maximum(height_above_earth_enu_m(x, y, z) - launcher_alt, 0.0)`` and the height."""
    u = z + origin_alt_m
    s = x * x + y * y + u * u
    rho = math.sqrt(s + _TWO_R * u + _R2)
    alt = (s + _TWO_R * u) / (rho + _R)
    rel = alt - launcher_alt
    if not (rel > 0.0 or rel != rel):  # np.maximum: NaN wins
        rel = 0.0
    return rel, alt


def _g(t, px, py, pz, vx, vy, vz, lx, ly, lalt, origin, tof, grid_g, grid_h, dg, dh):
    """g(t) = tof(PIP(t)) - t (s) of one pair (``predicted_intercept``'s ``g``)."""
    x, y = px + vx * t, py + vy * t
    rel, _ = _rel_alt(x, y, pz + vz * t, origin, lalt)
    return _interp(tof, grid_g, grid_h, dg, dh, math.hypot(x - lx, y - ly), rel) - t


def _intercept_loop(
    lp,
    lalt,
    tp,
    tv,
    cand,
    ts,
    n_refine,
    origin,
    tof,
    speed,
    grid_g,
    grid_h,
    dg,
    dh,
    out_t,
    out_pip,
    out_ground,
    out_alt,
    out_speed,
):  # pragma: no cover - compiled
    n_scan = ts.shape[0]
    for w in range(lp.shape[0]):
        lx, ly, la = lp[w, 0], lp[w, 1], lalt[w]
        for j in range(tp.shape[0]):
            if not cand[j]:  # not asked for: no PIP, as the caller's screen found
                out_t[w, j] = out_speed[w, j] = np.nan
                out_pip[w, j, 0] = out_pip[w, j, 1] = out_pip[w, j, 2] = np.nan
                out_ground[w, j] = out_alt[w, j] = np.nan
                continue
            px, py, pz = tp[j, 0], tp[j, 1], tp[j, 2]
            vx, vy, vz = tv[j, 0], tv[j, 1], tv[j, 2]
            has = False
            lo = hi = g_lo = g_hi = 0.0
            prev = _g(
                ts[0], px, py, pz, vx, vy, vz, lx, ly, la, origin, tof, grid_g, grid_h, dg, dh
            )
            for s in range(1, n_scan):
                cur = _g(
                    ts[s], px, py, pz, vx, vy, vz, lx, ly, la, origin, tof, grid_g, grid_h, dg, dh
                )
                if prev > 0 and cur <= 0:
                    has = True
                    lo, hi, g_lo, g_hi = ts[s - 1], ts[s], prev, cur
                    break
                prev = cur
            t = np.nan
            if has:
                moved = -1  # which end moved last: 1 lo, 0 hi, -1 neither yet
                for _ in range(n_refine):
                    x = (lo * g_hi - hi * g_lo) / (g_hi - g_lo)
                    gx = _g(
                        x, px, py, pz, vx, vy, vz, lx, ly, la, origin, tof, grid_g, grid_h, dg, dh
                    )
                    if not math.isfinite(gx):
                        gx = -1.0
                    up = gx > 0
                    if moved >= 0:
                        if up and moved == 1:
                            g_hi = g_hi * 0.5
                        if not up and moved == 0:
                            g_lo = g_lo * 0.5
                    if up:
                        lo, g_lo = x, gx
                    else:
                        hi, g_hi = x, gx
                    moved = 1 if up else 0
                t = (lo * g_hi - hi * g_lo) / (g_hi - g_lo)
            t_pip = t
            if t_pip != t_pip:
                t_pip = 0.0
            elif t_pip > _BIG:
                t_pip = _BIG
            elif t_pip < -_BIG:
                t_pip = -_BIG
            x, y, z = px + vx * t_pip, py + vy * t_pip, pz + vz * t_pip
            rel, alt = _rel_alt(x, y, z, origin, la)
            ground = math.hypot(x - lx, y - ly)
            out_speed[w, j] = _interp(speed, grid_g, grid_h, dg, dh, ground, rel)
            out_t[w, j] = t
            if has:
                out_pip[w, j, 0], out_pip[w, j, 1], out_pip[w, j, 2] = x, y, z
                out_ground[w, j], out_alt[w, j] = ground, alt
            else:
                out_pip[w, j, 0] = out_pip[w, j, 1] = out_pip[w, j, 2] = np.nan
                out_ground[w, j] = out_alt[w, j] = np.nan


if njit is not None:
    _opts = {"cache": True, "nogil": True}
    _left = njit(**_opts)(_left)
    _interp = njit(**_opts)(_interp)
    _rel_alt = njit(**_opts)(_rel_alt)
    _g = njit(**_opts)(_g)
    _intercept_compiled = njit(**_opts)(_intercept_loop)
else:  # pragma: no cover
    _intercept_compiled = None


def intercept_arrays(
    launcher_pos_m: np.ndarray,
    launcher_alt_m: np.ndarray,
    tgt_pos_m: np.ndarray,
    tgt_vel_mps: np.ndarray,
    table: FlyoutTable,
    scan_times_s: np.ndarray,
    n_refine: int,
    origin_alt_m: float,
    candidates: np.ndarray | None = None,
) -> tuple[np.ndarray, ...] | None:
    """For launchers (W, 3) at heights (W,) and targets (T, 3) with velocities (T, 3) (ENU m,
    m/s): time of flight (W, T) s, PIP (W, T, 3) m, ground range and altitude (W, T) m and
    arrival speed (W, T) m/s, as ``envelope.predicted_intercept`` with the scan times
    ``scan_times_s``; NaN throughout for targets where ``candidates`` (T,) bool is False (all
    solved when None). None without numba (the caller runs its NumPy form)."""
    if _intercept_compiled is None:  # pragma: no cover - without numba
        return None
    n_w, n_t = launcher_pos_m.shape[0], tgt_pos_m.shape[0]
    cand = np.ones(n_t, bool) if candidates is None else np.ascontiguousarray(candidates, bool)
    if cand.shape != (n_t,) or tgt_vel_mps.shape[0] != n_t:
        raise ValueError("intercept_arrays: target arrays of different lengths")
    out_t, out_g, out_a, out_s = (np.empty((n_w, n_t)) for _ in range(4))
    out_pip = np.empty((n_w, n_t, 3))
    dg, dh = table._cell_widths
    f64 = np.float64
    _intercept_compiled(
        np.ascontiguousarray(launcher_pos_m, dtype=f64),
        np.ascontiguousarray(launcher_alt_m, dtype=f64),
        np.ascontiguousarray(tgt_pos_m, dtype=f64),
        np.ascontiguousarray(tgt_vel_mps, dtype=f64),
        cand,
        np.ascontiguousarray(scan_times_s, dtype=f64),
        int(n_refine),
        float(origin_alt_m),
        np.ascontiguousarray(table.tof_s, dtype=f64).ravel(),
        np.ascontiguousarray(table.speed_mps, dtype=f64).ravel(),
        np.ascontiguousarray(table.ground_m, dtype=f64),
        np.ascontiguousarray(table.alt_m, dtype=f64),
        np.ascontiguousarray(dg, dtype=f64),
        np.ascontiguousarray(dh, dtype=f64),
        out_t,
        out_pip,
        out_g,
        out_a,
        out_s,
    )
    return out_t, out_pip, out_g, out_a, out_s


__all__ = ["intercept_arrays"]
