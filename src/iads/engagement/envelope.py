"""Engagement envelope: predicted intercept point (PIP) and feasibility, batched W x T.

The PIP is where a constant-velocity target and the interceptor arrive together: the time of
flight t solves

    tof(ground(p_t + v_t t - p_L), altitude(p_t + v_t t)) = t

with ``tof`` the fast table of the full fly-out (``iads.engagement.tables``), or, with a
constant average speed s, the closed form |d + v t| = s t, i.e. the smallest positive root of
(v.v - s^2) t^2 + 2 (d.v) t + d.d = 0 (the classic constant-speed intercept triangle; Zarchan,
*Tactical and Strategic Missile Guidance*, ch. 2, collision triangle). The table equation is
solved by scanning t on a grid for the first sign change of g(t) = tof(PIP(t)) - t, then
refining that bracket by the Illinois variant of regula falsi (Dowell and Jarratt 1971,
BIT 11: superlinear, the bracket kept), a few evaluations instead of bisection's sixteen.

Altitudes are heights above the spherical earth (sea level), ``flyout.altitude_m`` with the
scenario origin's height: the same surface as the scenario's threat altitudes and the radar
horizon (``iads.sensors.geometry``), whatever the origin's height.

An engagement is feasible when the PIP exists within the interceptor's time of flight, its
ground range from the launcher is within [min_range, max_range], its altitude within
[min_altitude, max_altitude], the engagement radar covers it (range and elevation limits), and
it comes before the target reaches its asset (``t_limit_s``).

Planned kill probability (what the fire-control computer assigns with, not the simulated
outcome): the expected Carleton Pk for a circular normal miss of standard deviation

    sigma = sigma_0 * (1 + (3 a_t / a_m)^4)

(sigma_0 the type's ``miss_sigma_m``: the per-axis miss of its simulated end game against a
non-manoeuvring target, seeker noise and glint included (catalog, derived by Monte Carlo);
a_t the target's manoeuvre capability, a_m the interceptor's lateral limit at the PIP: its
airframe's q S CN_max / m there (dynamic pressure at the PIP's height and the arrival speed)
less 1 g, capped by the structure;
the factor 3 is Zarchan's rule of thumb that PN needs about three times the target's
acceleration, ch. 8), times a speed-margin factor clip((v_arrival / v_min - 1) / 0.5, 0, 1).
The fourth power was chosen over a square against the full fly-out (``benchmarks/flyout.py``
section 4: kill probability against 0-9 g weaving targets): the miss stays small until the
target's acceleration nears a third of the interceptor's, then grows fast.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from iads.engagement.flyout import G_MPS2, altitude_m
from iads.engagement.kill import expected_kill_probability
from iads.engagement.tables import FlyoutTable
from iads.scenario.equipment import InterceptorType
from iads.sensors.geometry import height_above_earth_enu_m


def intercept_time_constant_speed(
    rel_pos_m: np.ndarray, tgt_vel_mps: np.ndarray, speed_mps: np.ndarray | float
) -> np.ndarray:
    """Smallest t > 0 with |d + v t| = s t (constant interceptor speed s); NaN if none.

    ``rel_pos_m`` d = target - launcher and ``tgt_vel_mps`` v, shapes (..., 3); s broadcasts.
    """
    d = np.asarray(rel_pos_m, dtype=float)
    v = np.asarray(tgt_vel_mps, dtype=float)
    s2 = np.asarray(speed_mps, dtype=float) ** 2
    a = np.sum(v * v, axis=-1) - s2
    b = 2.0 * np.sum(d * v, axis=-1)
    c = np.sum(d * d, axis=-1)
    disc = b * b - 4 * a * c
    sq = np.sqrt(np.maximum(disc, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        r1 = (-b - sq) / (2 * a)
        r2 = (-b + sq) / (2 * a)
        lin = -c / b  # a == 0: target as fast as the interceptor
    r1 = np.where(r1 > 0, r1, np.inf)
    r2 = np.where(r2 > 0, r2, np.inf)
    t = np.where(np.abs(a) < 1e-12, np.where(lin > 0, lin, np.inf), np.minimum(r1, r2))
    t = np.where(disc >= 0, t, np.inf)
    return np.where(np.isfinite(t), t, np.nan)


@dataclass(frozen=True)
class Intercept:
    """PIPs of W launchers x T targets: time of flight ``t_s`` (W, T) (NaN: none),
    ``pip_m`` (W, T, 3), ground range ``ground_m`` from the launcher and altitude ``alt_m``
    above the spherical earth (sea level, ``flyout.altitude_m``) (W, T), and the interceptor's
    arrival speed ``speed_mps`` (W, T)."""

    t_s: np.ndarray
    pip_m: np.ndarray
    ground_m: np.ndarray
    alt_m: np.ndarray
    speed_mps: np.ndarray


def predicted_intercept(
    launcher_pos_m: np.ndarray,
    tgt_pos_m: np.ndarray,
    tgt_vel_mps: np.ndarray,
    table: FlyoutTable,
    t_max_s: float,
    n_scan: int = 64,
    n_refine: int = 5,
    origin_alt_m: float = 0.0,
    compiled: bool = True,
    candidates: np.ndarray | None = None,
) -> Intercept:
    """PIP of each launcher (W, 3) against each target (T, 3), one interceptor type's table.
    ``origin_alt_m``: height of the scenario origin above sea level (m), which places the
    earth under the ENU frame for the PIP's altitude. The first sign change of g on a grid of
    ``n_scan`` times over [0, ``t_max_s``] brackets the time of flight; ``n_refine`` Illinois
    steps refine it (module docstring). Compiled (``intercept_kernel``, the same bits) unless
    ``compiled=False``: the NumPy form below. ``candidates`` (T,) bool: the targets to solve
    for (each pair is solved on its own, so the others do not change them); the rest get NaN
    throughout, no PIP; None: all."""
    lp = np.asarray(launcher_pos_m, dtype=float).reshape(-1, 1, 3)
    tp = np.asarray(tgt_pos_m, dtype=float).reshape(1, -1, 3)
    tv = np.asarray(tgt_vel_mps, dtype=float).reshape(1, -1, 3)
    launcher_alt = altitude_m(lp, origin_alt_m)
    ts = _scan_times_s(float(t_max_s), n_scan)
    if compiled and tv.shape == tp.shape and n_scan >= 2:  # else the NumPy form broadcasts
        from iads.engagement.intercept_kernel import intercept_arrays  # numba: on first use

        out = intercept_arrays(
            lp[:, 0],
            launcher_alt[:, 0],
            tp[0],
            tv[0],
            table,
            ts,
            n_refine,
            origin_alt_m,
            candidates,
        )
        if out is not None:
            return Intercept(*out)
    if candidates is not None:  # the NumPy form on the candidates, NaN elsewhere
        idx = np.flatnonzero(candidates)
        tv = np.broadcast_to(tv, tp.shape)
        sub = predicted_intercept(
            lp, tp[:, idx], tv[:, idx], table, t_max_s, n_scan, n_refine, origin_alt_m, False
        )
        out = []
        for a in (sub.t_s, sub.pip_m, sub.ground_m, sub.alt_m, sub.speed_mps):
            full = np.full((a.shape[0], tp.shape[1], *a.shape[2:]), np.nan)
            full[:, idx] = a
            out.append(full)
        return Intercept(*out)
    # per coordinate, so no (..., 3) array is built per evaluation (the same numbers)
    lx, ly = lp[..., 0], lp[..., 1]  # (W, 1)
    px0, py0, pz0 = tp[..., 0], tp[..., 1], tp[..., 2]  # (1, T)
    vx, vy, vz = tv[..., 0], tv[..., 1], tv[..., 2]

    def g(t: np.ndarray) -> np.ndarray:
        x, y = px0 + vx * t, py0 + vy * t
        alt = height_above_earth_enu_m(x, y, pz0 + vz * t, origin_alt_m)
        rel = np.maximum(alt - launcher_alt, 0.0)
        return table.tof(np.hypot(x - lx, y - ly), rel) - t

    shape = (lp.shape[0], tp.shape[1])
    vals = g(np.broadcast_to(ts[:, None, None], (n_scan, *shape)))  # (S, W, T)
    crossing = (vals[:-1] > 0) & (vals[1:] <= 0)  # NaN compares False: unreachable skipped
    has = crossing.any(axis=0)
    k = np.argmax(crossing, axis=0)
    lo, hi = ts[k], ts[k + 1]
    g_lo = np.take_along_axis(vals, k[None], axis=0)[0]
    g_hi = np.take_along_axis(vals, k[None] + 1, axis=0)[0]
    g_lo, g_hi = np.where(has, g_lo, 1.0), np.where(has, g_hi, -1.0)
    moved_up = None  # which end moved last (Illinois halves the other's g), None: neither
    for _ in range(n_refine):
        # g_lo > 0 >= g_hi: the secant point lies in [lo, hi]
        x = (lo * g_hi - hi * g_lo) / (g_hi - g_lo)
        gx = g(x)
        gx[~np.isfinite(gx)] = -1.0  # a NaN inside the bracket: shrink from above
        up = gx > 0
        down = ~up
        if moved_up is not None:
            np.multiply(g_hi, 0.5, out=g_hi, where=up & moved_up)
            np.multiply(g_lo, 0.5, out=g_lo, where=down & ~moved_up)
        np.copyto(lo, x, where=up)
        np.copyto(g_lo, gx, where=up)
        np.copyto(hi, x, where=down)
        np.copyto(g_hi, gx, where=down)
        moved_up = up
    t = np.where(has, (lo * g_hi - hi * g_lo) / (g_hi - g_lo), np.nan)
    t_pip = np.nan_to_num(t)
    x, y, z = px0 + vx * t_pip, py0 + vy * t_pip, pz0 + vz * t_pip
    pip = np.stack([x, y, z], axis=-1)  # = tp + tv t, coordinate by coordinate
    alt = height_above_earth_enu_m(x, y, z, origin_alt_m)
    ground = np.hypot(x - lx, y - ly)
    speed = table.speed(ground, np.maximum(alt - launcher_alt, 0.0))
    pip = np.where(has[..., None], pip, np.nan)
    return Intercept(t, pip, np.where(has, ground, np.nan), np.where(has, alt, np.nan), speed)


@functools.lru_cache(maxsize=64)
def _scan_times_s(t_max_s: float, n_scan: int) -> np.ndarray:
    """``np.linspace(0, t_max_s, n_scan)`` (s), read-only, kept per (time, count): the
    command post asks for the few types' grids at every batch."""
    ts = np.linspace(0.0, t_max_s, n_scan)
    ts.setflags(write=False)
    return ts


REACH_SCREEN_MARGIN_M = 1.0
"""Margin (m) beyond the interceptor's maximum ground range by which a segment must stay away
from the launcher for ``may_reach`` to rule it out (float rounding of points on it is far
below)."""


def may_reach(
    launcher_pos_m: np.ndarray,
    start_m: np.ndarray,
    end_m: np.ndarray,
    max_range_m: float | np.ndarray,
) -> np.ndarray:
    """(...) bool: False only where every point of the segment from ``start_m`` to ``end_m``
    ((..., 3) ENU, m) lies farther than ``max_range_m`` (+ ``REACH_SCREEN_MARGIN_M``) from the
    launcher at ``launcher_pos_m`` ((..., 3), broadcast) in ground range (the horizontal ENU
    distance ``predicted_intercept`` gives as ``ground_m``); ``max_range_m`` broadcasts over
    the leading axes. A PIP on such a segment fails ``feasible``'s maximum range, so the screen
    never rules out a feasible pair."""
    lp = np.asarray(launcher_pos_m, dtype=float)
    ax, ay = start_m[..., 0] - lp[..., 0], start_m[..., 1] - lp[..., 1]
    dx, dy = end_m[..., 0] - start_m[..., 0], end_m[..., 1] - start_m[..., 1]
    dd = dx * dx + dy * dy
    # the segment's point nearest the launcher: start + u (end - start), u in [0, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.where(dd > 0.0, np.clip(-(ax * dx + ay * dy) / dd, 0.0, 1.0), 0.0)
    ex, ey = ax + u * dx, ay + u * dy
    reach = np.asarray(max_range_m, dtype=float) + REACH_SCREEN_MARGIN_M
    return ~(ex * ex + ey * ey > reach * reach)  # NaN kept: never ruled out


def feasible(
    icpt: Intercept,
    itype: InterceptorType,
    *,
    radar_pos_m: np.ndarray | None = None,
    radar_range_m: float = np.inf,
    radar_min_elevation_rad: float = -np.pi / 2,
    radar_max_elevation_rad: float = np.pi / 2,
    t_limit_s: np.ndarray | None = None,
) -> np.ndarray:
    """(W, T) bool: the PIP exists and lies inside the interceptor's and radar's envelope.

    ``t_limit_s`` (T,) is the latest useful intercept time per target (e.g. time to reach
    its asset); the radar checks are skipped when ``radar_pos_m`` is None.
    """
    t = icpt.t_s
    ok = np.isfinite(t) & (t <= itype.max_time_of_flight_s)
    ok &= (icpt.ground_m >= itype.min_range_m) & (icpt.ground_m <= itype.max_range_m)
    ok &= (icpt.alt_m >= itype.min_altitude_m) & (icpt.alt_m <= itype.max_altitude_m)
    if t_limit_s is not None:
        ok &= t <= np.asarray(t_limit_s, dtype=float)[None, :]
    if radar_pos_m is not None:
        d = icpt.pip_m - np.asarray(radar_pos_m, dtype=float)
        rng = np.linalg.norm(d, axis=-1)
        # geometric elevation in the ENU axes at the radar (as the radar measures it)
        elev = np.arctan2(d[..., 2], np.hypot(d[..., 0], d[..., 1]))
        ok &= (rng <= radar_range_m) & (elev >= radar_min_elevation_rad)
        ok &= elev <= radar_max_elevation_rad
    return ok & np.isfinite(icpt.speed_mps)


def available_accel_at_mps2(
    itype: InterceptorType, speed_mps: np.ndarray, alt_m: np.ndarray
) -> np.ndarray:
    """Lateral acceleration (m/s^2) the burnt-out airframe can pull at ``speed_mps`` and
    height ``alt_m`` (sea level): min(structural, q S CN_max / m_burnout), the fly-out's
    ``available_lateral_accel`` in coast (Zarchan 2012, ch. 21). Broadcasts; NaN gives 0."""
    from iads.engagement.flyout import _density

    v = _nan_to_zero(np.asarray(speed_mps, float))
    h = _nan_to_zero(np.asarray(alt_m, float))
    q = 0.5 * _density(h) * v**2
    m = itype.launch_mass_kg - itype.propellant_mass_kg
    aero = q * itype.reference_area_m2 * itype.normal_force_coefficient_max / m
    return np.minimum(itype.max_lateral_accel_mps2, aero)


def planned_kill_probability(
    itype: InterceptorType,
    arrival_speed_mps: np.ndarray,
    tgt_max_lateral_accel_mps2: np.ndarray | float,
    pip_alt_m: np.ndarray | float | None = None,
    target_class: np.ndarray | str | None = None,
) -> np.ndarray:
    """Planning Pk (module docstring); broadcasts; NaN speeds give 0.

    With ``pip_alt_m`` (height of the PIP above sea level, m) the interceptor's lateral
    limit is what its airframe has there (``available_accel_at_mps2`` at the arrival speed)
    less the 1 g it spends holding its path against gravity: a round that cannot out-turn
    three times the target's manoeuvre (Zarchan ch. 8) plans a large miss, one with no
    authority beyond gravity plans Pk 0. Without it, the structural limit (the old model).
    ``target_class`` (``TARGET_CLASS`` values, per target) picks the lethal radius.
    """
    a_t = np.asarray(tgt_max_lateral_accel_mps2, float)
    if pip_alt_m is None:
        a_m = np.asarray(itype.max_lateral_accel_mps2, float)
    else:
        a_m = available_accel_at_mps2(itype, arrival_speed_mps, pip_alt_m) - G_MPS2
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(a_m > 0, 3.0 * a_t / np.where(a_m > 0, a_m, 1.0), np.inf)
    sigma = itype.miss_sigma_effective_m * (1.0 + ratio**4)
    if target_class is None:
        lethal = np.asarray(itype.lethal_radius_m, float)
    else:
        lethal = _lethal_radii_m(itype, target_class)
    with np.errstate(invalid="ignore", over="ignore"):
        pk = _nan_to_zero(expected_kill_probability(sigma, lethal, itype.reliability))
    speed = _nan_to_zero(np.asarray(arrival_speed_mps, float))
    margin = np.minimum(np.maximum((speed / itype.min_speed_mps - 1.0) / 0.5, 0.0), 1.0)
    return pk * margin


def _nan_to_zero(x: np.ndarray) -> np.ndarray:
    """``x`` with NaN replaced by 0. Unlike ``np.nan_to_num`` it keeps +-inf (about a fifth
    of its cost): where it is used here an infinite input gives what ``nan_to_num``'s +-max
    float gives (its square overflows, ``np.interp`` clamps it, the margin clips it) and a
    planned Pk is never infinite (at most the reliability, or NaN)."""
    return np.where(np.isnan(x), 0.0, x)


def _lethal_radii_m(itype: InterceptorType, target_class: np.ndarray | str) -> np.ndarray:
    """``itype.lethal_radius_for`` (m) of each ``target_class`` (a class or an array of
    them), looked up once per distinct class."""
    classes = np.asarray(target_class, dtype=object)
    flat = classes.ravel().tolist()
    radius = {c: itype.lethal_radius_for(c) for c in set(flat)}
    return np.array([radius[c] for c in flat], dtype=float).reshape(classes.shape)
