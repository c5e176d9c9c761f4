"""The interceptor fly-out's loop, compiled (numba, cached on disk).

The same model as ``flyout._pass_numpy`` (its NumPy form: the reference the tests compare
against, and the fallback without numba), written row by row: the fly-out steps a few rows (1.3
on average in the reference example) through many substeps, so the NumPy form pays its per-call
cost on every one of its many small array operations. A pass (``_pass_row`` for one row,
``step_rows`` for all) is, per row: the seeker measures (``flyout._measure``, ``seeker.start`` /
``seeker.update``), the Heun substep (``flyout._substep``: guidance ``_command`` /
``zem_command`` / ``lateral_limit``, forces ``_acceleration``, thrust and mass
``_thrust_and_mass``, the step choice), the seeker predicted and its glint stepped
(``seeker.predict``, ``seeker.glint_step``), closest approach inside the substep
(``flyout._hermite_min``) and the failure checks. ``integrate_rows`` is ``flyout._integrate``'s
whole loop: passes over the rows still flying until each has passed, failed or flown the call,
so a call of the fly-out crosses into compiled code once, not once per pass. Every formula is
the one documented there; read them there. The random normals are NumPy's generator's, drawn
inside the loop (numba's ``Generator.normal``, the same numbers and the same generator state as
NumPy's) in the order the NumPy loop draws them. Results agree with the NumPy form to rounding
(``exp`` and ``hypot`` are the C library's, not NumPy's), not bit for bit.

Inputs are flat arrays, one row per interceptor; the constants of the rows are packed by
``pack_params`` (columns ``PARAM_COLUMNS``), the model's by ``flyout._kernel_consts``.
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
    "guidance_code",
    "max_range_m",
    "seeker_beamwidth_rad",
    "seeker_noise_rad",
    "seeker_rate_hz",
    "max_time_of_flight_s",
    "min_speed_mps",
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
    _CODE,
    _RMAX,
    _BEAM,
    _FLOOR,
    _RATE,
    _TMAX,
    _VMIN,
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


def _height(x, origin_alt_m, earth_r_m):  # pragma: no cover - compiled
    """``sensors.geometry.height_above_earth_m`` (m) of one ENU point (3,)."""
    u = x[2] + origin_alt_m
    s = x[0] ** 2 + x[1] ** 2 + u * u
    return (s + 2.0 * earth_r_m * u) / (
        math.sqrt(s + 2.0 * earth_r_m * u + earth_r_m**2) + earth_r_m
    )


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
    h = _height(x, origin_alt_m, earth_r_m)
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


def _substep_row(
    xi, vi, ti, ali, tau_i, rem, sp, sv, ta, base, est_p, ev, p, consts, grid, log_rho, sound,
    dmach, dshape, x1, v1, al1,
):  # fmt: skip  # pragma: no cover - compiled
    """One row's substep (``flyout._substep``): the target seen as the quadratic (sp, sv, ta)
    from ``base``, the estimate ``est_p + ev tau``; x1, v1, al1 (3,) written; returns (t1, h)."""
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
    rel = np.empty(3)
    c = tau_i - base
    for k in range(3):
        tp[k] = sp[k] + sv[k] * c + 0.5 * ta[k] * c**2
        tv[k] = sv[k] + ta[k] * c
        ep[k] = est_p[k] + ev[k] * tau_i
        rel[k] = tp[k] - xi[k]
    dist = math.sqrt(rel[0] * rel[0] + rel[1] * rel[1] + rel[2] * rel[2])
    dot = rel[0] * (tv[0] - vi[0]) + rel[1] * (tv[1] - vi[1]) + rel[2] * (tv[2] - vi[2])
    closing = -dot / max(dist, 1e-6)
    near = dist < (1.0 + h_coarse) * max(closing, 0.0) + 1_000.0
    _point(xi, vi, ti, p, origin_alt, earth_r, grid, log_rho, pt0)
    a_av = _demand(xi, vi, ti, tp, tv, ta, ep, ev, p, pt0, g, mid_n, c0, c1, want0)
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
    h = rem if rem - h < 1e-6 else min(h, rem)
    lag = p[_LAG]
    _accel(vi, ali, p, pt0, g, grid, sound, dmach, dshape, a0)
    for k in range(3):
        k0[k] = (want0[k] - ali[k]) / lag
        xp[k] = xi[k] + h * vi[k]
        vp[k] = vi[k] + h * a0[k]
        alp[k] = ali[k] + h * k0[k]
    c = tau_i + h - base
    for k in range(3):
        tp[k] = sp[k] + sv[k] * c + 0.5 * ta[k] * c**2
        tv[k] = sv[k] + ta[k] * c
        ep[k] = est_p[k] + ev[k] * (tau_i + h)
    tt = ti + h - 1e-9  # the step's end as its own phase sees it
    _point(xp, vp, tt, p, origin_alt, earth_r, grid, log_rho, pt1)
    _demand(xp, vp, tt, tp, tv, ta, ep, ev, p, pt1, g, mid_n, c0, c1, want1)
    _accel(vp, alp, p, pt1, g, grid, sound, dmach, dshape, a1)
    for k in range(3):
        x1[k] = xi[k] + 0.5 * h * (vi[k] + vp[k])
        v1[k] = vi[k] + 0.5 * h * (a0[k] + a1[k])
        acc_new[k] = ali[k] + 0.5 * h * (k0[k] + (want1[k] - alp[k]) / lag)
    _perp(acc_new, v1, v1[0] ** 2 + v1[1] ** 2 + v1[2] ** 2, al1)
    t1 = nxt if abs(ti + h - nxt) < 1e-6 else ti + h
    return t1, h


def _measure_row(i, tp, x, e_v, illum, glint_sigma, p, consts, w, on, pos, vel, acc, cov, glint,
                 h_last):  # fmt: skip  # pragma: no cover - compiled
    """``flyout._measure`` of row i: the seeker measures the true target ``tp`` (3,) with the
    standard normals ``w`` (3,); the first measurement locks and seeds the filter
    (``seeker.start``), later ones update it (``seeker.update``). In place."""
    acq_snr, slope, code_cmd, code_active = consts[9], consts[10], consts[11], consts[12]
    rel = np.empty(3)
    for k in range(3):
        rel[k] = tp[k] - x[k]
    r = math.sqrt(rel[0] * rel[0] + rel[1] * rel[1] + rel[2] * rel[2])
    d0, d1, d2 = tp[0] - illum[0], tp[1] - illum[1], tp[2] - illum[2]
    r_it = math.sqrt(d0 * d0 + d1 * d1 + d2 * d2)
    code = p[_CODE]
    ratio = p[_TERM] / max(r, 1.0)
    if code == code_active:
        snr = acq_snr * ratio**4
    else:
        snr = acq_snr * ratio**2 * (p[_RMAX] / max(r_it, 1.0)) ** 2
    thermal = 0.0 if code == code_cmd else p[_BEAM] / (slope * math.sqrt(2.0 * snr))
    sigma = math.hypot(thermal, p[_FLOOR]) * (r_it if code == code_cmd else r)
    var_rx = sigma**2 * min(1.0, 1.0 / (p[_RATE] * h_last[i]))
    r_safe = max(r, 1e-6)
    nz = np.empty(3)
    los = np.empty(3)
    for k in range(3):
        los[k] = rel[k] / r_safe
        nz[k] = w[k] * math.sqrt(var_rx) + glint[i, k]
    along = nz[0] * los[0] + nz[1] * los[1] + nz[2] * los[2]
    r_var = var_rx + glint_sigma[i] ** 2
    if not on[i]:  # lock: position measured, velocity from the track
        on[i] = True
        for k in range(3):
            pos[i, k] = tp[k] + (nz[k] - along * los[k])
            vel[i, k] = e_v[k]
            acc[i, k] = 0.0
            for m in range(3):
                cov[i, k, m] = 0.0
        cov[i, 0, 0] = r_var
        cov[i, 1, 1] = consts[13] ** 2
        cov[i, 2, 2] = consts[14] ** 2
        return
    c = cov[i]
    s_inn = c[0, 0] + r_var
    g = np.empty(3)
    c0 = np.empty(3)
    for k in range(3):
        g[k] = c[k, 0] / s_inn
        c0[k] = c[0, k]
    for k in range(3):
        innov = tp[k] + (nz[k] - along * los[k]) - pos[i, k]
        pos[i, k] = pos[i, k] + g[0] * innov
        vel[i, k] = vel[i, k] + g[1] * innov
        acc[i, k] = acc[i, k] + g[2] * innov
    new = np.empty((3, 3))
    for k in range(3):
        for m in range(3):
            new[k, m] = c[k, m] - g[k] * c0[m]
    for k in range(3):
        for m in range(3):
            c[k, m] = 0.5 * (new[k, m] + new[m, k])


def _predict_row(i, h, gsig, w, consts, pos, vel, acc, cov, glint, h_last):  # pragma: no cover
    """``seeker.predict`` and ``seeker.glint_step`` of row i over h (s), with the standard
    normals ``w`` (3,) for the glint. In place."""
    psd, corr = consts[15], consts[16]
    for k in range(3):
        pos[i, k] = pos[i, k] + vel[i, k] * h + 0.5 * acc[i, k] * h**2
        vel[i, k] = vel[i, k] + acc[i, k] * h
    f = np.eye(3)
    f[0, 1] = h
    f[0, 2] = 0.5 * h**2
    f[1, 2] = h
    fc = np.zeros((3, 3))
    for k in range(3):
        for m in range(3):
            for n in range(3):
                fc[k, m] += f[k, n] * cov[i, n, m]
    q = np.empty((3, 3))
    q[0, 0] = h**5 / 20
    q[0, 1] = q[1, 0] = h**4 / 8
    q[0, 2] = q[2, 0] = h**3 / 6
    q[1, 1] = h**3 / 3
    q[1, 2] = q[2, 1] = h**2 / 2
    q[2, 2] = h
    for k in range(3):
        for m in range(3):
            acc_km = 0.0
            for n in range(3):
                acc_km += fc[k, n] * f[m, n]
            cov[i, k, m] = acc_km + psd * q[k, m]
    h_last[i] = h
    phi = math.exp(-h / corr)
    for k in range(3):
        glint[i, k] = phi * glint[i, k] + math.sqrt(1.0 - phi**2) * gsig * w[k]


def _pass_row(
    i, j, x, v, t, al, tau, p_t, v_t, a_t, e_p, e_v, illum, glint_sigma, params, consts, grid,
    log_rho, sound, dmach, dshape, herm_s, seeker, measured, noise, on, s_pos, s_vel, s_acc,
    s_cov, s_glint, s_h, x1, v1, t1, al1, h_out, passed, t_cpa, miss, pos_cpa, fail, scratch,
):  # fmt: skip  # pragma: no cover - compiled
    """Row ``i`` of one pass (``_step_rows``): measured (``noise[0, j]``, ``noise[1, j]`` its
    normals) or not, the substep, the seeker's prediction, closest approach and the failure
    checks, written to row ``i`` of the outputs; ``scratch`` (7, 3) work space."""
    dt_s, arming, ground = consts[17], consts[18], consts[19]
    origin_alt, earth_r = consts[2], consts[3]
    code_ground, code_timeout, code_slow = int(consts[20]), int(consts[21]), int(consts[22])
    code_flying = 0  # flyout.FLYING
    tp, tv, r0, w0 = scratch[0], scratch[1], scratch[2], scratch[3]
    r1, w1, rs = scratch[4], scratch[5], scratch[6]
    p = params[i]
    c = tau[i]
    for k in range(3):
        tp[k] = p_t[i, k] + v_t[i, k] * c + 0.5 * a_t[i, k] * c**2
        tv[k] = v_t[i, k] + a_t[i, k] * c
    if measured:
        _measure_row(
            i, tp, x[i], e_v[i], illum[i], glint_sigma, p, consts, noise[0, j], on, s_pos,
            s_vel, s_acc, s_cov, s_glint, s_h,
        )  # fmt: skip
    if seeker and on[i]:
        sp, sv, sa, base = s_pos[i], s_vel[i], s_acc[i], tau[i]
    else:
        sp, sv, sa, base = p_t[i], v_t[i], a_t[i], 0.0
    t1[i], h = _substep_row(
        x[i], v[i], t[i], al[i], tau[i], dt_s - tau[i], sp, sv, sa, base, e_p[i], e_v[i],
        p, consts, grid, log_rho, sound, dmach, dshape, x1[i], v1[i], al1[i],
    )  # fmt: skip
    h_out[i] = h
    if measured:
        _predict_row(
            i, h, glint_sigma[i], noise[1, j], consts, s_pos, s_vel, s_acc, s_cov, s_glint,
            s_h,
        )  # fmt: skip
    for k in range(3):
        r0[k] = tp[k] - x[i, k]
        w0[k] = tv[k] - v[i, k]
        r1[k] = tp[k] + tv[k] * h + 0.5 * a_t[i, k] * h**2 - x1[i, k]
        w1[k] = tv[k] + a_t[i, k] * h - v1[i, k]
    dot0 = r0[0] * w0[0] + r0[1] * w0[1] + r0[2] * w0[2]
    dot1 = r1[0] * w1[0] + r1[1] * w1[1] + r1[2] * w1[2]
    passed[i] = dot0 < 0 and dot1 >= 0 and t[i] >= arming
    if passed[i]:  # miss: the minimum of the cubic Hermite of the relative position
        best, s_best = math.inf, 0.0
        for s in herm_s:
            h00, h10 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s
            h01, h11 = -2 * s**3 + 3 * s**2, s**3 - s**2
            for k in range(3):
                rs[k] = h00 * r0[k] + h10 * h * w0[k] + h01 * r1[k] + h11 * h * w1[k]
            d = math.sqrt(rs[0] * rs[0] + rs[1] * rs[1] + rs[2] * rs[2])
            if d < best:
                best, s_best = d, s
        tc = s_best * h
        miss[i], t_cpa[i] = best, tau[i] + tc
        for k in range(3):
            pos_cpa[i, k] = x[i, k] + v[i, k] * tc
    alt = _height(x1[i], origin_alt, earth_r)
    speed = math.sqrt(v1[i, 0] ** 2 + v1[i, 1] ** 2 + v1[i, 2] ** 2)
    if alt < ground - 1.0:
        fail[i] = code_ground
    elif t1[i] > p[_TMAX]:
        fail[i] = code_timeout
    elif t1[i] > p[_BURNOUT] and speed < p[_VMIN]:
        fail[i] = code_slow
    else:
        fail[i] = code_flying


def _step_rows(
    x, v, t, al, tau, p_t, v_t, a_t, e_p, e_v, illum, glint_sigma, params, consts, grid,
    log_rho, sound, dmach, dshape, herm_s, seeker, meas, noise, on, s_pos, s_vel, s_acc,
    s_cov, s_glint, s_h, x1, v1, t1, al1, h_out, passed, t_cpa, miss, pos_cpa, fail,
):  # fmt: skip  # pragma: no cover - compiled
    """One pass of ``flyout._integrate``'s loop for every row: seekers measure (rows
    ``meas``, ``noise[0]`` their standard normals in row order), the substep
    (``_substep_row``), the locked seekers predicted and their glint stepped (``noise[1]``),
    then closest approach in the substep (``passed``, ``t_cpa`` s into the call, ``miss`` m,
    ``pos_cpa``) and the failure checks (``fail``: ``flyout`` outcome codes). ``consts`` as
    ``flyout._kernel_consts``."""
    scratch = np.empty((7, 3))
    j = 0
    for i in range(x.shape[0]):
        measured = seeker and meas[i]
        _pass_row(
            i, j, x, v, t, al, tau, p_t, v_t, a_t, e_p, e_v, illum, glint_sigma, params,
            consts, grid, log_rho, sound, dmach, dshape, herm_s, seeker, measured, noise, on,
            s_pos, s_vel, s_acc, s_cov, s_glint, s_h, x1, v1, t1, al1, h_out, passed, t_cpa,
            miss, pos_cpa, fail, scratch,
        )  # fmt: skip
        if measured:
            j += 1


def _integrate_rows(
    x, v, t, al, p_t, v_t, a_t, e_p, e_v, illum, glint_sigma, params, consts, grid, log_rho,
    sound, dmach, dshape, herm_s, seeker, rng, on, s_pos, s_vel, s_acc, s_cov, s_glint, s_h,
    outcome, t_cpa, miss, pos_cpa,
):  # fmt: skip  # pragma: no cover - compiled
    """``flyout._integrate``'s whole loop: passes (``_pass_row``) over the rows still flying
    until each has passed closest approach, failed or flown the step ``consts[17]`` (s).
    ``x``, ``v``, ``t``, ``al`` and the seekers' arrays are advanced in place; ``outcome``
    (``flyout`` codes), ``t_cpa``, ``miss``, ``pos_cpa`` are written where a row passes or
    fails. Each pass draws the normals of the rows whose seeker measures from ``rng`` in one
    call of shape (2, k, 3), rows in order: the numbers of ``_pass_compiled``'s passes."""
    dt_s = consts[17]
    n = x.shape[0]
    code_flying, code_cpa = 0, 1  # flyout.FLYING, flyout.CPA
    live = np.arange(n)  # the rows still flying, in order
    tau = np.zeros(n)
    meas = np.zeros(n, np.bool_)
    x1, v1, al1 = np.empty_like(x), np.empty_like(v), np.empty_like(al)
    t1, h_out = np.empty(n), np.empty(n)
    passed, fail = np.empty(n, np.bool_), np.empty(n, np.int8)
    scratch = np.empty((7, 3))
    left = n if dt_s > 1e-12 else 0
    while left > 0:
        k = 0
        if seeker:
            for q in range(left):
                i = live[q]
                c = tau[i]
                d2 = 0.0
                for m in range(3):
                    e = p_t[i, m] + v_t[i, m] * c + 0.5 * a_t[i, m] * c**2 - x[i, m]
                    d2 += e * e
                meas[i] = on[i] or math.sqrt(d2) < params[i, _TERM]
                if meas[i]:
                    k += 1
        noise = rng.normal(0.0, 1.0, (2, k, 3)) if k > 0 else np.empty((2, 0, 3))
        j = 0
        kept = 0
        for q in range(left):
            i = live[q]
            measured = seeker and meas[i]
            _pass_row(
                i, j, x, v, t, al, tau, p_t, v_t, a_t, e_p, e_v, illum, glint_sigma, params,
                consts, grid, log_rho, sound, dmach, dshape, herm_s, seeker, measured, noise,
                on, s_pos, s_vel, s_acc, s_cov, s_glint, s_h, x1, v1, t1, al1, h_out, passed,
                t_cpa, miss, pos_cpa, fail, scratch,
            )  # fmt: skip
            if measured:
                j += 1
            x[i] = x1[i]
            v[i] = v1[i]
            al[i] = al1[i]
            t[i] = t1[i]
            tau[i] = tau[i] + h_out[i]
            stop = tau[i] >= dt_s - 1e-9
            if passed[i]:
                outcome[i] = code_cpa
                stop = True
            elif fail[i] != code_flying:
                outcome[i] = fail[i]
                stop = True
            if not stop:
                live[kept] = i
                kept += 1
        left = kept


if njit is not None:
    _jit = njit(cache=True, nogil=True)
    _height = _jit(_height)
    _point = _jit(_point)
    _zem = _jit(_zem)
    _demand = _jit(_demand)
    _perp = _jit(_perp)
    _accel = _jit(_accel)
    _substep_row = _jit(_substep_row)
    _measure_row = _jit(_measure_row)
    _predict_row = _jit(_predict_row)
    _pass_row = _jit(_pass_row)
    step_rows = _jit(_step_rows)
    integrate_rows = _jit(_integrate_rows)
else:  # pragma: no cover
    step_rows = integrate_rows = None


__all__ = ["PARAM_COLUMNS", "integrate_rows", "pack_params", "step_rows"]
