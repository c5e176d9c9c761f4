"""One Heun substep of the interceptor fly-out, compiled (numba, cached on disk).

The same model as ``flyout._substep`` (its NumPy form, the reference the tests compare against
and the fallback without numba), written row by row: the fly-out steps a few rows (1.3 on
average in the reference example) through many substeps, so the NumPy form pays its per-call
cost about 200 times a substep. Every formula is the one documented in ``flyout`` (guidance
``_command`` / ``zem_command`` / ``lateral_limit``, forces ``_acceleration``, thrust and mass
``_thrust_and_mass``, the step choice of ``_substep``); read them there. Results agree with the
NumPy form to rounding (``exp`` and ``hypot`` are the C library's, not NumPy's), not bit for bit.

Inputs are flat arrays, one row per interceptor: the state, the target as guidance sees it as a
quadratic in the time into the call (``seen_*``: at ``tau`` it is ``p + v c + a c^2 / 2``,
``c = tau - seen_base``), the track estimate (``est_p + est_v tau``) and the constants packed
by ``pack_params`` (columns ``PARAM_COLUMNS``).
"""

from __future__ import annotations

import math

import numpy as np

try:  # numba is optional at run time: without it flyout uses its NumPy substep
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None

PARAM_COLUMNS = (
    "launch_mass_kg",
    "propellant_mass_kg",
    "boost_time_s",
    "boost_thrust_n",
    "sustain_time_s",
    "sustain_thrust_n",
    "reference_area_m2",
    "drag_coefficient",
    "max_lateral_accel_mps2",
    "navigation_constant",
    "loft_gain",
    "terminal_range_m",
    "autopilot_time_constant_s",
    "vertical_launch",
    "max_angle_of_attack_rad",
    "normal_force_coefficient_max",
    "burnout_s",
    "impulse_n_s",
    "has_impulse",
    "sin_aoa",
)
(
    _M0,
    _MP,
    _TB,
    _FB,
    _TS,
    _FS,
    _S,
    _CD,
    _AMAX,
    _NAV,
    _LOFT,
    _TERM,
    _LAG,
    _VERT,
    _AOA,
    _CN,
    _BURNOUT,
    _IMPULSE,
    _HAS_IMPULSE,
    _SIN_AOA,
) = range(len(PARAM_COLUMNS))


def pack_params(params, derived) -> np.ndarray:
    """(N, len(PARAM_COLUMNS)) float array of ``flyout.InterceptorParams`` and its
    ``flyout._Derived`` constants, C-contiguous."""
    extra = {
        "burnout_s": derived.burnout_s,
        "impulse_n_s": derived.impulse_n_s,
        "has_impulse": derived.has_impulse,
        "sin_aoa": derived.sin_aoa,
    }
    cols = [extra[c] if c in extra else getattr(params, c) for c in PARAM_COLUMNS]
    return np.ascontiguousarray(np.column_stack(cols).astype(float))


def _point(x, v, t, p, origin_alt_m, earth_r_m, grid, log_rho, out):  # pragma: no cover
    """Shared quantities at a state: out = [vv, speed, thrust, mass, h, q_s, aero]."""
    vv = v[0] * v[0] + v[1] * v[1] + v[2] * v[2]
    speed = max(math.sqrt(vv), 1e-6)
    tb, fb, fs = p[_TB], p[_FB], p[_FS]
    if t < tb:
        thrust = fb
    elif t < p[_BURNOUT]:
        thrust = fs
    else:
        thrust = 0.0
    impulse_done = fb * min(t, tb) + fs * min(max(t - tb, 0.0), p[_TS])
    frac = impulse_done / p[_IMPULSE] if p[_HAS_IMPULSE] != 0.0 else 1.0
    mass = p[_M0] - p[_MP] * frac
    u = x[2] + origin_alt_m
    s = x[0] ** 2 + x[1] ** 2 + u * u
    rho_e = math.sqrt(s + 2.0 * earth_r_m * u + earth_r_m**2)
    h = (s + 2.0 * earth_r_m * u) / (rho_e + earth_r_m)
    rho = math.exp(np.interp(h, grid, log_rho))
    q_s = 0.5 * rho * speed**2 * p[_S]
    out[0], out[1], out[2], out[3], out[4] = vv, speed, thrust, mass, h
    out[5], out[6] = q_s, q_s * p[_CN]


def _zem(rel, relv, acc, use_acc, nav, out):  # pragma: no cover
    """``flyout.zem_command`` of one row into out (3,)."""
    r = math.sqrt(rel[0] * rel[0] + rel[1] * rel[1] + rel[2] * rel[2])
    r_safe = max(r, 1e-6)
    closing = -(rel[0] * relv[0] + rel[1] * relv[1] + rel[2] * relv[2]) / r_safe
    t_go = r_safe / max(closing, 1.0)
    t_go2 = t_go**2
    zem = np.empty(3)
    for k in range(3):
        zem[k] = rel[k] + relv[k] * t_go
        if use_acc:
            zem[k] = zem[k] + 0.5 * acc[k] * t_go2
    dot = 0.0
    for k in range(3):
        dot += zem[k] * (rel[k] / r_safe)
    for k in range(3):
        out[k] = nav * (zem[k] - dot * (rel[k] / r_safe)) / t_go2


def _demand(x, v, t, tp, tv, ta, ep, ev, p, pt, g, mid_n, c0, c1, out):  # pragma: no cover
    """``flyout._demand`` of one row: the lateral-limited command into out (3,); returns the
    available lateral acceleration (m/s^2)."""
    speed, thrust, mass = pt[1], pt[2], pt[3]
    a_av = min(p[_AMAX], (pt[6] + thrust * p[_SIN_AOA]) / mass)
    rel = np.empty(3)
    relv = np.empty(3)
    cmd = np.empty(3)
    for k in range(3):
        rel[k] = tp[k] - x[k]
    if math.sqrt(rel[0] * rel[0] + rel[1] * rel[1] + rel[2] * rel[2]) < p[_TERM]:
        for k in range(3):
            relv[k] = tv[k] - v[k]
        _zem(rel, relv, ta, True, p[_NAV], cmd)
    else:
        for k in range(3):
            rel[k] = ep[k] - x[k]
            relv[k] = ev[k] - v[k]
        ground = math.hypot(rel[0], rel[1])
        rel[2] = rel[2] + p[_LOFT] * max(ground - p[_TERM], 0.0)
        _zem(rel, relv, ta, False, mid_n, cmd)
    if p[_VERT] != 0.0 and t < p[_BURNOUT]:  # turnover: blend toward the line of sight
        n_los = max(math.sqrt(rel[0] * rel[0] + rel[1] * rel[1] + rel[2] * rel[2]), 1e-6)
        los = np.empty(3)
        for k in range(3):
            los[k] = rel[k] / n_los
        cos_off = (los[0] * v[0] + los[1] * v[1] + los[2] * v[2]) / speed
        w = min(max((c0 - cos_off) / (c0 - c1), 0.0), 1.0)
        w = w * w * (3.0 - 2.0 * w)
        turn = np.empty(3)
        for k in range(3):
            turn[k] = los[k] - (cos_off / speed) * v[k]
        n_turn = max(math.sqrt(turn[0] ** 2 + turn[1] ** 2 + turn[2] ** 2), 1e-9)
        for k in range(3):
            cmd[k] = w * (turn[k] * (a_av / n_turn)) + (1.0 - w) * cmd[k]
    # lateral_limit: gravity compensation, perpendicular to the velocity, capped
    want = np.empty(3)
    want[0], want[1], want[2] = cmd[0], cmd[1], cmd[2] + g
    vh = np.empty(3)
    for k in range(3):
        vh[k] = v[k] / speed
    dv = want[0] * vh[0] + want[1] * vh[1] + want[2] * vh[2]
    for k in range(3):
        out[k] = want[k] - dv * vh[k]
    mag = math.sqrt(out[0] * out[0] + out[1] * out[1] + out[2] * out[2])
    scale = min(1.0, a_av / max(mag, 1e-12))
    for k in range(3):
        out[k] = out[k] * scale
    return a_av


def _perp(lat, vel, vv, out):  # pragma: no cover
    """``flyout._perp`` of one row into out (3,)."""
    speed2 = max(vv, 1e-12)
    d = (lat[0] * vel[0] + lat[1] * vel[1] + lat[2] * vel[2]) / speed2
    for k in range(3):
        out[k] = lat[k] - d * vel[k]
    mag0 = math.sqrt(lat[0] * lat[0] + lat[1] * lat[1] + lat[2] * lat[2])
    mag1 = math.sqrt(out[0] * out[0] + out[1] * out[1] + out[2] * out[2])
    f = mag0 / mag1 if mag1 > 1e-12 else 1.0
    for k in range(3):
        out[k] = out[k] * f


def _accel(v, al, p, pt, g, grid, sound, dmach, dshape, out):  # pragma: no cover
    """``flyout._acceleration`` of one row into out (3,)."""
    speed, thrust, mass = pt[1], pt[2], pt[3]
    mach = speed / np.interp(pt[4], grid, sound)
    cd = p[_CD] * np.interp(mach, dmach, dshape)
    if not thrust > 0.0:  # base drag while coasting
        cd += 0.25 / max(mach, 1.0) if mach >= 1.0 else 0.12 + 0.13 * mach**2
    drag = pt[5] * cd
    lat = np.empty(3)
    _perp(al, v, pt[0], lat)
    per_rad = pt[6] / p[_AOA]
    n_lat = math.sqrt(lat[0] * lat[0] + lat[1] * lat[1] + lat[2] * lat[2])
    alpha = min(n_lat * mass / max(per_rad + thrust, 1e-9), p[_AOA])
    induced = per_rad * alpha * math.sin(alpha) + thrust * (1.0 - math.cos(alpha))
    along = (thrust - drag - induced) / mass
    for k in range(3):
        out[k] = (along / speed) * v[k] + lat[k]
    out[2] -= g


def _substep_rows(
    x, v, t, al, tau, remaining, seen_p, seen_v, seen_a, seen_base, est_p, est_v, params,
    consts, grid, log_rho, sound, dmach, dshape, x1, v1, t1, al1, h_out,
):  # fmt: skip  # pragma: no cover - compiled
    """Every row's substep into x1, v1, t1, al1, h_out. ``consts`` = [h_coarse, h_fine,
    origin_alt_m, earth_radius_m, g, midcourse_n, cos(turnover start), cos(turnover full),
    turn_step_rad, eps_phase]."""
    h_coarse, h_fine, origin_alt, earth_r, g = consts[0], consts[1], consts[2], consts[3], consts[4]
    mid_n, c0, c1, turn_step = consts[5], consts[6], consts[7], consts[8]
    pt0 = np.empty(7)
    pt1 = np.empty(7)
    tp = np.empty(3)
    tv = np.empty(3)
    ep = np.empty(3)
    want0 = np.empty(3)
    want1 = np.empty(3)
    a0 = np.empty(3)
    a1 = np.empty(3)
    k0 = np.empty(3)
    xp = np.empty(3)
    vp = np.empty(3)
    alp = np.empty(3)
    acc_new = np.empty(3)
    for i in range(x.shape[0]):
        p = params[i]
        xi, vi, ti, ali, ta = x[i], v[i], t[i], al[i], seen_a[i]
        c = tau[i] - seen_base[i]
        for k in range(3):
            tp[k] = seen_p[i, k] + seen_v[i, k] * c + 0.5 * ta[k] * c**2
            tv[k] = seen_v[i, k] + ta[k] * c
            ep[k] = est_p[i, k] + est_v[i, k] * tau[i]
        rel = np.empty(3)
        for k in range(3):
            rel[k] = tp[k] - xi[k]
        dist = math.sqrt(rel[0] * rel[0] + rel[1] * rel[1] + rel[2] * rel[2])
        dot = rel[0] * (tv[0] - vi[0]) + rel[1] * (tv[1] - vi[1]) + rel[2] * (tv[2] - vi[2])
        closing = -dot / max(dist, 1e-6)
        near = dist < (1.0 + h_coarse) * max(closing, 0.0) + 1_000.0
        _point(xi, vi, ti, p, origin_alt, earth_r, grid, log_rho, pt0)
        a_av = _demand(xi, vi, ti, tp, tv, ta, ep, est_v[i], p, pt0, g, mid_n, c0, c1, want0)
        h = h_fine if near else h_coarse
        h = min(h, turn_step * pt0[1] / max(a_av, 1e-9))
        eps = 1e-9
        if ti < p[_TB] - eps:
            nxt = p[_TB]
        elif ti < p[_BURNOUT] - eps:
            nxt = p[_BURNOUT]
        else:
            nxt = math.inf
        h = min(h, max(nxt - ti, 1e-6))
        rem = remaining[i]
        h = rem if rem - h < 1e-6 else min(h, rem)
        lag = p[_LAG]
        _accel(vi, ali, p, pt0, g, grid, sound, dmach, dshape, a0)
        for k in range(3):
            k0[k] = (want0[k] - ali[k]) / lag
            xp[k] = xi[k] + h * vi[k]
            vp[k] = vi[k] + h * a0[k]
            alp[k] = ali[k] + h * k0[k]
        c = tau[i] + h - seen_base[i]
        for k in range(3):
            tp[k] = seen_p[i, k] + seen_v[i, k] * c + 0.5 * ta[k] * c**2
            tv[k] = seen_v[i, k] + ta[k] * c
            ep[k] = est_p[i, k] + est_v[i, k] * (tau[i] + h)
        tt = ti + h - 1e-9  # the step's end as its own phase sees it
        _point(xp, vp, tt, p, origin_alt, earth_r, grid, log_rho, pt1)
        _demand(xp, vp, tt, tp, tv, ta, ep, est_v[i], p, pt1, g, mid_n, c0, c1, want1)
        _accel(vp, alp, p, pt1, g, grid, sound, dmach, dshape, a1)
        for k in range(3):
            x1[i, k] = xi[k] + 0.5 * h * (vi[k] + vp[k])
            v1[i, k] = vi[k] + 0.5 * h * (a0[k] + a1[k])
            acc_new[k] = ali[k] + 0.5 * h * (k0[k] + (want1[k] - alp[k]) / lag)
        vv1 = v1[i, 0] ** 2 + v1[i, 1] ** 2 + v1[i, 2] ** 2
        _perp(acc_new, v1[i], vv1, al1[i])
        t1[i] = nxt if abs(ti + h - nxt) < 1e-6 else ti + h
        h_out[i] = h


if njit is not None:
    _jit = njit(cache=True, nogil=True)
    _point = _jit(_point)
    _zem = _jit(_zem)
    _demand = _jit(_demand)
    _perp = _jit(_perp)
    _accel = _jit(_accel)
    substep_rows = _jit(_substep_rows)
else:  # pragma: no cover
    substep_rows = None


__all__ = ["PARAM_COLUMNS", "pack_params", "substep_rows"]
