"""Interceptor fly-out: a batched point-mass (3-DOF) model with midcourse and terminal guidance.

State is struct-of-arrays over N interceptors: position and velocity (N, 3) in the scenario's
ENU frame (m, m/s) and time since launch (N,). Forces per unit mass (Zarchan, *Tactical and
Strategic Missile Guidance*, 6th ed., ch. 2 and 21; Siouris, *Missile Guidance and Control
Systems*, ch. 4):

    a = (T(t) / m(t)) v_hat - (0.5 rho(h) |v|^2 Cd A / m(t)) v_hat + a_lat - g z_hat

* Thrust: boost ``boost_thrust_n`` for ``boost_time_s``, then sustain; propellant burns in
  proportion to impulse delivered (one specific impulse for both phases), so m(t) falls
  linearly within each phase to ``launch_mass - propellant_mass`` at burnout.
* Drag with the US Standard Atmosphere 1976 density at the height h above the spherical earth
  (``iads.sensors.geometry.height_above_earth_m``): h = |p - c| - R_e with the earth's centre c
  at (0, 0, -(R_e + origin height)), so h is the height above sea level whatever the height of
  the scenario origin (``origin_alt_m``).
* Lateral acceleration a_lat: the guidance command projected perpendicular to the velocity,
  plus gravity compensation, capped at ``max_lateral_accel_mps2``, achieved through a
  first-order autopilot lag of time constant ``autopilot_time_constant_s`` (Zarchan ch. 3:
  the single-lag guidance system whose time constant drives the miss distance).
* Guidance in zero-effort-miss form (Zarchan ch. 8, eq. 8.7): a_c = N ZEM_perp / t_go^2, with
  ZEM = r + v_rel t_go + 0.5 a_t t_go^2 (the last term only for augmented PN) and
  t_go = |r| / V_c. Midcourse (range to target > ``terminal_range_m``): command guidance on the
  command post's track estimate, N = 3, aim point raised by ``loft_gain`` times the ground range
  to go (a lofted climb into thin air); terminal: augmented PN, N = ``navigation_constant``,
  on the seeker's estimate of the target when a random generator is given (the seeker
  measures with receiver noise and glint and filters, ``iads.engagement.seeker``), on the
  true target without one (an ideal seeker: tables, tests). While the velocity is more than ``TURNOVER_ANGLE_RAD`` off the
  line of sight (after a vertical launch) the interceptor turns at its full lateral limit.
* Integration: Heun's method (RK2) with the guidance command held over a substep of at most
  ``H_COARSE_S``, refined to ``H_FINE_S`` for interceptors within about 1 s of closest approach.
* Closest approach: detected when the range rate changes sign inside a substep (after the fuze
  arms, ``ARMING_TIME_S`` after launch); the miss is the
  minimum of a cubic Hermite interpolation of the relative position over that substep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from iads.engagement import seeker as sk
from iads.engagement.atmosphere import density_kgpm3, speed_of_sound_mps
from iads.scenario.equipment import InterceptorType
from iads.sensors.geometry import EARTH_RADIUS_M as EARTH_RADIUS_M  # re-exported
from iads.sensors.geometry import height_above_earth_m
from iads.vectors import norm

G_MPS2 = 9.80665
H_COARSE_S = 0.05
H_FINE_S = 0.01
TURN_STEP_RAD = 0.02
"""Largest turn of the velocity in one substep: h <= TURN_STEP_RAD |v| / a_available."""
MIDCOURSE_N = 3.0
LAUNCH_SPEED_MPS = 30.0
TURNOVER_START_RAD = np.deg2rad(10.0)
TURNOVER_FULL_RAD = np.deg2rad(25.0)
"""Turnover of a vertical launcher while its motor burns: between these angles of the
velocity off the line of sight the command blends from guidance to a turn toward the line of
sight at the available lateral acceleration."""
ARMING_TIME_S = 2.0
"""Closest approaches before this time of flight are ignored (fuze safe-separation arming)."""

FLYING = np.int8(0)
CPA = np.int8(1)
"""Closest approach reached: ``miss_m`` holds the miss distance."""
TIMEOUT = np.int8(2)
"""Time of flight exceeded ``max_time_of_flight_s`` (self-destruct)."""
TOO_SLOW = np.int8(3)
"""After burnout, slower than ``min_speed_mps``: cannot manoeuvre any more."""
GROUND = np.int8(4)
"""Hit the ground."""
OUTCOME_NAMES = ("flying", "cpa", "timeout", "too_slow", "ground")


@dataclass(frozen=True)
class InterceptorParams:
    """Constants of N interceptors, each field (N,) (SI units, as in ``InterceptorType``)."""

    launch_mass_kg: np.ndarray
    propellant_mass_kg: np.ndarray
    boost_time_s: np.ndarray
    boost_thrust_n: np.ndarray
    sustain_time_s: np.ndarray
    sustain_thrust_n: np.ndarray
    reference_area_m2: np.ndarray
    drag_coefficient: np.ndarray
    max_lateral_accel_mps2: np.ndarray
    navigation_constant: np.ndarray
    max_time_of_flight_s: np.ndarray
    loft_gain: np.ndarray
    terminal_range_m: np.ndarray
    min_speed_mps: np.ndarray
    lethal_radius_m: np.ndarray
    reliability: np.ndarray
    autopilot_time_constant_s: np.ndarray
    seeker_noise_rad: np.ndarray
    miss_sigma_m: np.ndarray
    vertical_launch: np.ndarray
    max_angle_of_attack_rad: np.ndarray
    normal_force_coefficient_max: np.ndarray
    max_range_m: np.ndarray
    seeker_rate_hz: np.ndarray
    guidance_code: np.ndarray
    """``seeker.GUIDANCE_CODES`` of the type's ``guidance``."""
    seeker_beamwidth_rad: np.ndarray
    """``seeker.beamwidth_rad`` of its seeker frequency and body diameter."""

    @classmethod
    def from_types(cls, types: Sequence[InterceptorType]) -> InterceptorParams:
        """One row per entry of ``types`` (repeat a type to get several rounds of it)."""
        cols = {}
        derived = {
            "guidance_code": lambda t: sk.GUIDANCE_CODES[t.guidance],
            "seeker_beamwidth_rad": lambda t: float(
                sk.beamwidth_rad(t.seeker_frequency_hz, np.sqrt(4 * t.reference_area_m2 / np.pi))
            ),
            "miss_sigma_m": lambda t: t.miss_sigma_effective_m,
        }
        for f in fields(cls):
            dtype = bool if f.name == "vertical_launch" else float
            get = derived.get(f.name, lambda t, name=f.name: getattr(t, name))
            cols[f.name] = np.array([get(t) for t in types], dtype=dtype)
        return cls(**cols)

    def take(self, idx: np.ndarray) -> InterceptorParams:
        """The rows ``idx`` (index array or boolean mask)."""
        return InterceptorParams(**{k: getattr(self, k)[idx] for k in _PARAM_NAMES})

    @staticmethod
    def concat(parts: Sequence[InterceptorParams]) -> InterceptorParams:
        """Rows of several parameter sets, in order."""
        return InterceptorParams(
            **{
                f.name: np.concatenate([getattr(p, f.name) for p in parts])
                for f in fields(InterceptorParams)
            }
        )

    def __len__(self) -> int:
        return int(self.launch_mass_kg.shape[0])


_PARAM_NAMES = tuple(f.name for f in fields(InterceptorParams))


@dataclass(frozen=True)
class FlyoutState:
    """N interceptors in flight: ``pos_m``, ``vel_mps`` (N, 3) ENU; ``t_flight_s`` (N,);
    ``acc_lat_mps2`` (N, 3) the lateral acceleration achieved so far (autopilot state);
    ``seeker`` the terminal seekers' filters (None: no seeker has measured yet)."""

    pos_m: np.ndarray
    vel_mps: np.ndarray
    t_flight_s: np.ndarray
    acc_lat_mps2: np.ndarray
    seeker: sk.SeekerState | None = None

    def take(self, idx: np.ndarray) -> FlyoutState:
        return FlyoutState(
            self.pos_m[idx],
            self.vel_mps[idx],
            self.t_flight_s[idx],
            self.acc_lat_mps2[idx],
            None if self.seeker is None else self.seeker.take(idx),
        )

    def seekers(self) -> sk.SeekerState:
        """The seekers, created (all off) if none yet."""
        return sk.SeekerState.empty(len(self)) if self.seeker is None else self.seeker

    @staticmethod
    def concat(parts: Sequence[FlyoutState]) -> FlyoutState:
        seek = None
        if any(p.seeker is not None for p in parts):
            seek = sk.SeekerState.concat([p.seekers() for p in parts])
        return FlyoutState(
            np.concatenate([p.pos_m for p in parts]).reshape(-1, 3),
            np.concatenate([p.vel_mps for p in parts]).reshape(-1, 3),
            np.concatenate([p.t_flight_s for p in parts]),
            np.concatenate([p.acc_lat_mps2 for p in parts]).reshape(-1, 3),
            seek,
        )

    def __len__(self) -> int:
        return int(self.t_flight_s.shape[0])


@dataclass(frozen=True)
class AdvanceResult:
    """The outcome of ``advance``: new state; per interceptor an outcome code (module constants),
    miss distance (m, NaN unless CPA), time of closest approach inside the step (s from the
    step's start, NaN unless CPA) and the interceptor's position at closest approach."""

    state: FlyoutState
    outcome: np.ndarray
    miss_m: np.ndarray
    t_cpa_s: np.ndarray
    pos_cpa_m: np.ndarray


_RHO_GRID_M = np.linspace(0.0, 100_000.0, 1001)
_LOG_RHO = np.log(density_kgpm3(_RHO_GRID_M))
_SOUND_MPS = speed_of_sound_mps(_RHO_GRID_M)

DRAG_MACH = np.array([0.0, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 4.0, 6.0, 10.0])
DRAG_SHAPE = np.array([0.55, 0.55, 1.15, 1.3, 1.2, 1.0, 0.85, 0.78, 0.72, 0.7])
"""Zero-lift drag coefficient over Mach number, relative to Mach 2 (the catalog's
``drag_coefficient`` is the Mach-2 value): flat subsonic, a transonic peak near Mach 1.2,
falling slowly in the supersonic (the usual shape of a slender missile's body drag: Fleeman,
*Tactical Missile Design*, 2nd ed., AIAA 2006, ch. 2, fig. "drag coefficient vs Mach").
Confidence low: a shape, not a type's measured curve."""


def drag_coefficient(params: InterceptorParams, mach: np.ndarray, burning: np.ndarray):
    """Zero-lift drag coefficient (N,): ``drag_coefficient`` x ``DRAG_SHAPE``(Mach), plus the
    base drag while coasting, 0.25 / M supersonic and 0.12 + 0.13 M^2 subsonic (Fleeman 2006,
    ch. 2: base drag; during burn the plume fills the base and it is taken as zero)."""
    shape = np.interp(mach, DRAG_MACH, DRAG_SHAPE)
    base = np.where(mach >= 1.0, 0.25 / np.maximum(mach, 1.0), 0.12 + 0.13 * mach**2)
    return params.drag_coefficient * shape + np.where(burning, 0.0, base)


def _density(h_m: np.ndarray) -> np.ndarray:
    """US76 density (kg/m^3) by log-linear interpolation on a 100 m grid (error < 0.05 %)."""
    return np.exp(np.interp(h_m, _RHO_GRID_M, _LOG_RHO))


def altitude_m(pos_m: np.ndarray, origin_alt_m: float = 0.0) -> np.ndarray:
    """Height (m) above the spherical earth (sea level) of the ENU point(s) (..., 3) of a
    scenario whose origin is ``origin_alt_m`` above it (``height_above_earth_m``)."""
    return height_above_earth_m(pos_m, origin_alt_m)


def thrust_and_mass(
    params: InterceptorParams, t_flight_s: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Thrust (N,) in newtons and mass (N,) in kg at time since launch ``t_flight_s`` (N,)."""
    return _thrust_and_mass(params, _Derived.of(params), np.asarray(t_flight_s, dtype=float))


def _thrust_and_mass(
    params: InterceptorParams, d: _Derived, t: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``thrust_and_mass`` with the rows' burnout time and total impulse precomputed."""
    tb, ts = params.boost_time_s, params.sustain_time_s
    fb, fs = params.boost_thrust_n, params.sustain_thrust_n
    in_boost = t < tb
    in_sustain = (~in_boost) & (t < d.burnout_s)
    thrust = np.where(in_boost, fb, np.where(in_sustain, fs, 0.0))
    impulse_done = fb * np.minimum(t, tb) + fs * np.minimum(np.maximum(t - tb, 0.0), ts)
    frac = np.divide(impulse_done, d.impulse_n_s, out=np.ones_like(t), where=d.has_impulse)
    return thrust, params.launch_mass_kg - params.propellant_mass_kg * frac


def zem_command(
    rel_pos_m: np.ndarray,
    rel_vel_mps: np.ndarray,
    tgt_acc_mps2: np.ndarray | None,
    nav_constant: np.ndarray | float,
) -> np.ndarray:
    """(Augmented) proportional navigation in ZEM form: a_c = N ZEM_perp / t_go^2, (N, 3).

    ``rel_pos_m`` = target - interceptor, ``rel_vel_mps`` likewise, ``tgt_acc_mps2`` the
    target's acceleration (zeros or None give true PN); ``nav_constant`` (N,) or one number.
    Zarchan ch. 8, eqs. 8.1-8.7.
    """
    r = norm(rel_pos_m)
    r_safe = np.maximum(r, 1e-6)
    closing = -np.add.reduce(rel_pos_m * rel_vel_mps, axis=-1) / r_safe  # V_c
    t_go = r_safe / np.maximum(closing, 1.0)
    t_go2 = (t_go**2)[:, None]
    zem = rel_pos_m + rel_vel_mps * t_go[:, None]
    if tgt_acc_mps2 is not None:
        zem = zem + 0.5 * tgt_acc_mps2 * t_go2
    los = rel_pos_m / r_safe[:, None]
    zem_perp = zem - np.add.reduce(zem * los, axis=-1)[:, None] * los
    if np.ndim(nav_constant):
        return nav_constant[:, None] * zem_perp / t_go2
    return nav_constant * zem_perp / t_go2


_G_UP = np.array([0.0, 0.0, G_MPS2])


def lateral_limit(
    cmd_mps2: np.ndarray,
    vel_mps: np.ndarray,
    max_lateral_mps2: np.ndarray,
    speed_mps: np.ndarray | None = None,
) -> np.ndarray:
    """Command + gravity compensation, projected perpendicular to the velocity, capped (N, 3).
    ``speed_mps``: max(|v|, 1e-6) if already known."""
    speed = np.maximum(norm(vel_mps), 1e-6) if speed_mps is None else speed_mps
    v_hat = vel_mps / speed[:, None]
    want = cmd_mps2 + _G_UP  # cancel gravity's lateral part
    lat = want - np.add.reduce(want * v_hat, axis=-1)[:, None] * v_hat
    mag = norm(lat)
    scale = np.minimum(1.0, max_lateral_mps2 / np.maximum(mag, 1e-12))
    return lat * scale[:, None]


def available_lateral_accel(
    params: InterceptorParams,
    speed_mps: np.ndarray,
    rho_kgpm3: np.ndarray,
    thrust_n: np.ndarray,
    mass_kg: np.ndarray,
) -> np.ndarray:
    """Largest lateral acceleration (N,) in m/s^2 the interceptor can pull now:

        a_max = min(a_structural, (q S CN_max + T sin(alpha_max)) / m),  q = 0.5 rho v^2

    the normal force at the trim limit ``max_angle_of_attack_rad`` plus, during burn, the
    thrust's component across the velocity at that angle (thrust-vector or jet-vane control
    holds the body there even at low dynamic pressure, e.g. in a vertical turnover). Zarchan,
    *Tactical and Strategic Missile Guidance*, 6th ed., ch. 21 (the airframe's q S CN / W
    limit); Fleeman, *Tactical Missile Design*, 2nd ed., AIAA 2006, ch. 2 and 4.
    """
    q = 0.5 * rho_kgpm3 * speed_mps**2
    aero = q * params.reference_area_m2 * params.normal_force_coefficient_max
    return _available(params, np.sin(params.max_angle_of_attack_rad), aero, thrust_n, mass_kg)


def _available(params, sin_aoa, aero, thrust_n, mass_kg) -> np.ndarray:
    """``available_lateral_accel`` (N,) from the normal force at the trim limit ``aero`` (N)
    and sin(``max_angle_of_attack_rad``)."""
    lift = (aero + thrust_n * sin_aoa) / mass_kg
    return np.minimum(params.max_lateral_accel_mps2, lift)


def _perp(lat: np.ndarray, vel: np.ndarray, vv: np.ndarray | None = None) -> np.ndarray:
    """``lat`` (N, 3) turned perpendicular to ``vel`` keeping its magnitude (a lateral
    acceleration stays lateral while the velocity turns within a substep); ``vv`` (N,) is
    |vel|^2 if already known."""
    speed2 = np.maximum(np.add.reduce(vel * vel, axis=-1) if vv is None else vv, 1e-12)
    p = lat - (np.add.reduce(lat * vel, axis=-1) / speed2)[:, None] * vel
    mag0 = norm(lat)
    mag1 = norm(p)
    return p * np.divide(mag0, mag1, out=np.ones_like(mag0), where=mag1 > 1e-12)[:, None]


def acceleration(
    pos_m: np.ndarray,
    vel_mps: np.ndarray,
    t_flight_s: np.ndarray,
    lat_mps2: np.ndarray,
    params: InterceptorParams,
    origin_alt_m: float = 0.0,
) -> np.ndarray:
    """Total acceleration (N, 3): thrust and drag along the velocity, lateral ``lat_mps2``
    (turned perpendicular to ``vel_mps``, magnitude kept), gravity.

    Drag: zero-lift ``drag_coefficient``(Mach, burning) at the US76 density and speed of sound
    at the height above sea level (``altitude_m`` with the origin's height ``origin_alt_m``),
    plus induced drag: the lateral acceleration a is flown at the angle of attack
    alpha = a m / (q S CN_max / alpha_max + T) (normal force linear in alpha, thrust turned
    with the body), which tilts the normal force N = q S CN_max alpha / alpha_max back by
    alpha and turns the thrust off the velocity: along-track loss (N sin alpha +
    T (1 - cos alpha)) / m.
    """
    t = np.asarray(t_flight_s, float)
    pt = _Point.at(pos_m, vel_mps, t, params, _Derived.of(params), origin_alt_m)
    return _acceleration(pt, vel_mps, lat_mps2, params)


@dataclass(frozen=True)
class _Derived:
    """Per-row constants of the fly-out derived from ``InterceptorParams`` (computed once per
    integration call, with the same operations as where they are used)."""

    burnout_s: np.ndarray
    """boost_time_s + sustain_time_s (s)."""
    impulse_n_s: np.ndarray
    """Total impulse (N s)."""
    has_impulse: np.ndarray
    sin_aoa: np.ndarray
    """sin(max_angle_of_attack_rad)."""

    @classmethod
    def of(cls, p: InterceptorParams) -> _Derived:
        impulse = p.boost_thrust_n * p.boost_time_s + p.sustain_thrust_n * p.sustain_time_s
        return cls(
            p.boost_time_s + p.sustain_time_s,
            impulse,
            impulse > 0,
            np.sin(p.max_angle_of_attack_rad),
        )

    def take(self, idx: np.ndarray) -> _Derived:
        return _Derived(
            self.burnout_s[idx], self.impulse_n_s[idx], self.has_impulse[idx], self.sin_aoa[idx]
        )


@dataclass(frozen=True)
class _Point:
    """What guidance and the forces share at one state (N,) each: |v|^2, max(|v|, 1e-6),
    thrust (N), mass (kg), height above sea level (m), density (kg/m^3), q S (N) and the
    normal force at the trim limit q S CN_max (N)."""

    vv: np.ndarray
    speed: np.ndarray
    thrust: np.ndarray
    mass: np.ndarray
    h: np.ndarray
    rho: np.ndarray
    q_s: np.ndarray
    aero: np.ndarray

    @classmethod
    def at(cls, x, v, t, pr: InterceptorParams, d: _Derived, origin_alt_m) -> _Point:
        vv = np.add.reduce(v * v, axis=-1)
        speed = np.maximum(np.sqrt(vv), 1e-6)
        thrust, mass = _thrust_and_mass(pr, d, t)
        h = altitude_m(x, origin_alt_m)
        rho = _density(h)
        q_s = 0.5 * rho * speed**2 * pr.reference_area_m2
        return cls(vv, speed, thrust, mass, h, rho, q_s, q_s * pr.normal_force_coefficient_max)


def _acceleration(pt: _Point, vel_mps, lat_mps2, params: InterceptorParams) -> np.ndarray:
    """``acceleration`` at the shared quantities ``pt`` of (pos, vel, t)."""
    speed, thrust, mass = pt.speed, pt.thrust, pt.mass
    mach = speed / np.interp(pt.h, _RHO_GRID_M, _SOUND_MPS)
    q_s = pt.q_s
    burning = thrust > 0.0
    drag = q_s * drag_coefficient(params, mach, burning)  # D = q S Cd(M)
    lat = _perp(lat_mps2, vel_mps, pt.vv)
    per_rad = pt.aero / params.max_angle_of_attack_rad  # q S CN_max / alpha_max
    alpha = norm(lat) * mass / np.maximum(per_rad + thrust, 1e-9)
    alpha = np.minimum(alpha, params.max_angle_of_attack_rad)
    induced = per_rad * alpha * np.sin(alpha) + thrust * (1.0 - np.cos(alpha))
    along = (thrust - drag - induced) / mass
    acc = (along / speed)[:, None] * vel_mps + lat
    acc[:, 2] -= G_MPS2
    return acc


def launch(
    launcher_pos_m: np.ndarray, aim_pos_m: np.ndarray, params: InterceptorParams
) -> FlyoutState:
    """Interceptors leaving their launchers (N, 3) toward aim points (N, 3).

    Vertical launchers start straight up; others along the line of sight to the aim point,
    raised by atan(``loft_gain``). Initial speed ``LAUNCH_SPEED_MPS`` (the rail exit), the
    lateral acceleration already cancelling gravity across the velocity.
    """
    d = np.asarray(aim_pos_m, float) - np.asarray(launcher_pos_m, float)
    ground = np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-6)
    elev = np.clip(np.arctan2(d[:, 2], ground) + np.arctan(params.loft_gain), 0.05, 1.4)
    elev = np.where(params.vertical_launch, 0.5 * np.pi, elev)
    horiz = d[:, :2] / ground[:, None]
    direction = np.column_stack([horiz * np.cos(elev)[:, None], np.sin(elev)])
    # off the rail already holding gravity's lateral part (the rail carried it)
    up = np.array([0.0, 0.0, G_MPS2])
    trim = up - (direction @ up)[:, None] * direction
    return FlyoutState(
        np.array(launcher_pos_m, dtype=float).reshape(-1, 3),
        LAUNCH_SPEED_MPS * direction,
        np.zeros(d.shape[0]),
        trim,
    )


def _command(
    pos: np.ndarray,
    vel: np.ndarray,
    tgt_pos: np.ndarray,
    tgt_vel: np.ndarray,
    tgt_acc: np.ndarray,
    est_pos: np.ndarray,
    est_vel: np.ndarray,
    params: InterceptorParams,
    a_avail: np.ndarray,
    t_flight: np.ndarray,
    speed: np.ndarray,
    burnout_s: np.ndarray,
) -> np.ndarray:
    """Guidance command (N, 3): midcourse on the estimate (lofted), terminal APN on truth;
    far off the line of sight (turnover) blended smoothly into a turn toward it at the
    available lateral acceleration ``a_avail`` (N,); ``speed`` max(|v|, 1e-6) (m/s) and
    ``burnout_s`` boost + sustain time (s) of each row.

    Each law is evaluated only if some row flies it (rows are independent); without a
    turning row the command is the guidance law's, which differs from the blend with weight
    0 at most in the sign of a zero, which ``lateral_limit``'s gravity term clears."""
    rel_t = tgt_pos - pos
    terminal = norm(rel_t) < params.terminal_range_m
    n_term = np.count_nonzero(terminal)
    if n_term < terminal.size:  # midcourse rows
        rel_est = est_pos - pos
        ground = np.hypot(rel_est[:, 0], rel_est[:, 1])
        loft = params.loft_gain * np.maximum(ground - params.terminal_range_m, 0.0)
        up = np.zeros_like(rel_est)
        up[:, 2] = loft
        rel_mid = rel_est + up
        cmd_mid = zem_command(rel_mid, est_vel - vel, None, MIDCOURSE_N)
    if n_term == terminal.size:
        cmd, los = zem_command(rel_t, tgt_vel - vel, tgt_acc, params.navigation_constant), rel_t
    elif n_term == 0:
        cmd, los = cmd_mid, rel_mid
    else:
        cmd_term = zem_command(rel_t, tgt_vel - vel, tgt_acc, params.navigation_constant)
        cmd = np.where(terminal[:, None], cmd_term, cmd_mid)
        los = np.where(terminal[:, None], rel_t, rel_mid)
    burning = t_flight < burnout_s  # a step ends there
    turning = params.vertical_launch & burning
    if not turning.any():
        return cmd
    los_hat = los / np.maximum(norm(los), 1e-6)[:, None]
    cos_off = np.add.reduce(los_hat * vel, axis=-1) / speed
    c0, c1 = np.cos(TURNOVER_START_RAD), np.cos(TURNOVER_FULL_RAD)
    w = np.minimum(np.maximum((c0 - cos_off) / (c0 - c1), 0.0), 1.0)
    w = w * w * (3.0 - 2.0 * w)  # smoothstep: no switch between the two laws
    w = np.where(turning, w, 0.0)
    turn = los_hat - (cos_off / speed)[:, None] * vel
    turn *= (a_avail / np.maximum(norm(turn), 1e-9))[:, None]
    return w[:, None] * turn + (1.0 - w)[:, None] * cmd


_HERMITE_S = np.linspace(0.0, 1.0, 65)
"""Where ``_hermite_min`` samples the substep (fractions of it)."""


def _hermite_min(
    r0: np.ndarray, v0: np.ndarray, r1: np.ndarray, v1: np.ndarray, h: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Minimum |r(tau)| over [0, h] (h (M,)) of the cubic Hermite through (r0, v0), (r1, v1):
    (miss, tau)."""
    s = _HERMITE_S[:, None, None]
    hh = np.asarray(h, float).reshape(1, -1, 1)
    h00, h10 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s
    h01, h11 = -2 * s**3 + 3 * s**2, s**3 - s**2
    r = h00 * r0 + h10 * hh * v0 + h01 * r1 + h11 * hh * v1  # (n, M, 3)
    d = np.linalg.norm(r, axis=-1)
    k = np.argmin(d, axis=0)
    cols = np.arange(r0.shape[0])
    return d[k, cols], s[k, 0, 0] * hh[0, :, 0]


def _next_phase_s(
    params: InterceptorParams, t_flight_s: np.ndarray, burnout_s: np.ndarray
) -> np.ndarray:
    """Time of flight (s) of each interceptor's next thrust change (boost end, burnout at
    ``burnout_s``, boost + sustain time), inf after burnout: substeps end there, so no step
    straddles a thrust discontinuity."""
    tb, eps = params.boost_time_s, 1e-9
    return np.where(
        t_flight_s < tb - eps, tb, np.where(t_flight_s < burnout_s - eps, burnout_s, np.inf)
    )


def _demand(pt: _Point, x, v, t, tgt, est, pr: InterceptorParams, d: _Derived):
    """The guidance command made lateral and capped at the available acceleration, (N, 3),
    and that available acceleration (N,) (m/s^2), at the shared quantities ``pt`` of
    (x, v, t)."""
    a_av = _available(pr, d.sin_aoa, pt.aero, pt.thrust, pt.mass)
    cmd = _command(x, v, tgt[0], tgt[1], tgt[2], est[0], est[1], pr, a_av, t, pt.speed, d.burnout_s)
    return lateral_limit(cmd, v, a_av, pt.speed), a_av


def _substep(
    state: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    tgt_at,
    est_at,
    pr: InterceptorParams,
    tau: np.ndarray,
    remaining_s: np.ndarray,
    steps: tuple[float, float],
    origin_alt_m: float,
    d: _Derived,
) -> tuple[np.ndarray, ...]:
    """One Heun (RK2) substep of each interceptor, its own length h (N,): the fine or coarse
    step by the distance to closest approach, cut to the turn bound, the next thrust change
    and the time left in the call. The state is position, velocity and the achieved lateral
    acceleration, whose first-order autopilot lag da/dt = (a_cmd - a) / tau is integrated with
    the motion, the guidance command evaluated at both stages (continuous guidance), so the
    substep converges at second order. ``tgt_at(tau)`` / ``est_at(tau)`` give the target as
    guidance sees it (position, velocity, acceleration: the seeker's estimate, or the truth
    for an ideal seeker) and the track estimate (position, velocity) at time ``tau`` (N,)
    into the call; ``d`` the rows' ``_Derived`` constants. Returns x1, v1, t1, lateral, h."""
    x, v, t, al = state
    h_coarse, h_fine = steps
    tgt0 = tgt_at(tau)
    rel = tgt0[0] - x
    dist = norm(rel)
    closing = -np.add.reduce(rel * (tgt0[1] - v), axis=-1) / np.maximum(dist, 1e-6)
    near = dist < (1.0 + h_coarse) * np.maximum(closing, 0.0) + 1_000.0
    pt0 = _Point.at(x, v, t, pr, d, origin_alt_m)
    want0, a_av = _demand(pt0, x, v, t, tgt0, est_at(tau), pr, d)
    h = np.where(near, h_fine, h_coarse)
    h = np.minimum(h, TURN_STEP_RAD * pt0.speed / np.maximum(a_av, 1e-9))
    nxt = _next_phase_s(pr, t, d.burnout_s)
    h = np.minimum(h, np.maximum(nxt - t, 1e-6))
    h = np.where(remaining_s - h < 1e-6, remaining_s, np.minimum(h, remaining_s))
    hc = h[:, None]
    lag = pr.autopilot_time_constant_s[:, None]
    k0 = (want0 - al) / lag  # autopilot lag
    a0 = _acceleration(pt0, v, al, pr)  # Heun: predictor
    xp, vp, alp = x + hc * v, v + hc * a0, al + hc * k0
    tau1 = tau + h
    tgt1 = tgt_at(tau1)
    t1 = t + h - 1e-9  # the step's end as its own phase sees it (thrust's left limit)
    pt1 = _Point.at(xp, vp, t1, pr, d, origin_alt_m)
    want1, _ = _demand(pt1, xp, vp, t1, tgt1, est_at(tau1), pr, d)
    k1 = (want1 - alp) / lag
    a1 = _acceleration(pt1, vp, alp, pr)
    x1 = x + 0.5 * hc * (v + vp)
    v1 = v + 0.5 * hc * (a0 + a1)
    al1 = _perp(al + 0.5 * hc * (k0 + k1), v1)
    t_end = np.where(np.abs(t + h - nxt) < 1e-6, nxt, t + h)  # exactly on a thrust change
    return x1, v1, t_end, al1, h


def _measure(
    seek: sk.SeekerState,
    x: np.ndarray,
    truth: tuple[np.ndarray, np.ndarray],
    track_vel: np.ndarray,
    illum: np.ndarray,
    glint_sigma: np.ndarray,
    pr: InterceptorParams,
    rng: np.random.Generator,
) -> None:
    """Seekers inside their acquisition range measure their target (``seeker`` module):
    the first measurement locks and seeds the filter (velocity from the track), later ones
    update it. In place on ``seek``."""
    tp, _ = truth
    rel = tp - x
    r = norm(rel)
    rows = np.flatnonzero(seek.on | (r < pr.terminal_range_m))
    if rows.size == 0:
        return
    code = pr.guidance_code[rows]
    r_it = norm(tp[rows] - illum[rows])
    ang = sk.angle_noise_rad(
        code,
        r[rows],
        r_it,
        pr.terminal_range_m[rows],
        pr.max_range_m[rows],
        pr.seeker_beamwidth_rad[rows],
        pr.seeker_noise_rad[rows],
    )
    sigma = sk.position_noise_m(code, ang, r[rows], r_it)
    # samples at the seeker rate averaged over the last substep: one measurement
    var_rx = sigma**2 * np.minimum(1.0, 1.0 / (pr.seeker_rate_hz[rows] * seek.h_last_s[rows]))
    los = rel[rows] / np.maximum(r[rows], 1e-6)[:, None]
    noise = rng.normal(0.0, 1.0, (rows.size, 3)) * np.sqrt(var_rx)[:, None]
    z = tp[rows] + sk.cross_los(noise + seek.glint_m[rows], los)
    r_var = var_rx + glint_sigma[rows] ** 2
    new = ~seek.on[rows]
    if new.any():
        sk.start(seek, rows[new], z[new], track_vel[rows[new]], r_var[new])
    old = rows[~new]
    if old.size:
        seek.put(old, sk.update(seek.take(old), z[~new], r_var[~new]))


USE_COMPILED = True
"""Fly with the compiled loop (``flyout_kernel.integrate_rows``) when numba is there; False: the
NumPy loop of ``_pass_numpy`` passes (the reference; tests switch it)."""


def _kernel():
    """The ``flyout_kernel`` module, or None (``USE_COMPILED`` off or numba missing); imported
    on first use, so a run without fly-out never loads it."""
    if not USE_COMPILED:
        return None
    from iads.engagement import flyout_kernel

    return flyout_kernel if flyout_kernel.step_rows is not None else None


def packed_params(params: InterceptorParams) -> np.ndarray | None:
    """``params`` packed for the compiled loop (``flyout_kernel.pack_params``), or None when
    the loop runs in NumPy."""
    kernel = _kernel()
    return None if kernel is None else kernel.pack_params(params, _Derived.of(params))


def _kernel_consts(
    steps: tuple[float, float], origin_alt_m: float, dt_s: float, ground_m: float
) -> np.ndarray:
    """The compiled kernels' constants, in the order ``flyout_kernel`` reads them."""
    c0, c1 = np.cos(TURNOVER_START_RAD), np.cos(TURNOVER_FULL_RAD)
    codes = sk.GUIDANCE_CODES
    return np.array(
        [
            *steps,
            origin_alt_m,
            EARTH_RADIUS_M,
            G_MPS2,
            MIDCOURSE_N,
            c0,
            c1,
            TURN_STEP_RAD,
            sk.ACQUISITION_SNR,
            sk.MONOPULSE_SLOPE,
            codes["command"],
            codes["active"],
            sk.INITIAL_VELOCITY_STD_MPS,
            sk.INITIAL_ACCELERATION_STD_MPS2,
            sk.JERK_PSD_M2PS5,
            sk.GLINT_CORRELATION_S,
            dt_s,
            ARMING_TIME_S,
            ground_m,
            GROUND,
            TIMEOUT,
            TOO_SLOW,
        ],
        dtype=float,
    )


def _views(truth: tuple, est: tuple, seek: sk.SeekerState | None, tau0: np.ndarray) -> tuple:
    """``_substep``'s ``tgt_at`` and ``est_at`` (the NumPy path): the target as guidance sees
    it at ``tau`` (N,) s into the call (a locked seeker's estimate predicted from ``tau0``,
    else the truth, moving with constant acceleration from the call's start) and the track
    estimate (constant velocity)."""
    p_t, v_t, a_t = truth
    e_p, e_v = est

    def tgt_at(tau_s: np.ndarray) -> tuple:
        c = tau_s[:, None]
        return p_t + v_t * c + 0.5 * a_t * c**2, v_t + a_t * c, a_t

    def est_at(tau_s: np.ndarray) -> tuple:
        return e_p + e_v * tau_s[:, None], e_v

    if seek is None:
        return tgt_at, est_at

    def seen_at(tau_s: np.ndarray) -> tuple:
        n_on = np.count_nonzero(seek.on)
        if n_on == 0:
            return tgt_at(tau_s)
        c = (tau_s - tau0)[:, None]
        ep = seek.pos_m + seek.vel_mps * c + 0.5 * seek.acc_mps2 * c**2
        if n_on == seek.on.size:
            return ep, seek.vel_mps + seek.acc_mps2 * c, seek.acc_mps2.copy()
        on = seek.on[:, None]
        tr = tgt_at(tau_s)
        return (
            np.where(on, ep, tr[0]),
            np.where(on, seek.vel_mps + seek.acc_mps2 * c, tr[1]),
            np.where(on, seek.acc_mps2, tr[2]),
        )

    return seen_at, est_at


def _pass_numpy(
    state, tau, truth, est, seek, seeker_inputs, pr, d, rng, dt_s, steps, origin_alt_m, ground_m
) -> tuple:
    """One pass of ``_integrate``'s loop with NumPy (``flyout_kernel._step_rows`` compiled):
    seekers measure, every row takes its substep, locked seekers are predicted and their glint
    stepped, then closest approach in the substep and the failure checks. Returns x1, v1, t1,
    lateral, h, passed (N,) bool, fail (N,) outcome codes, (t_cpa s into the call, miss m,
    position at closest approach) with NaN where not passed."""
    x, v, t, al = state
    p_t, v_t, a_t = truth
    e_p, e_v = est
    illum, glint_s = seeker_inputs
    c = tau[:, None]
    tp, tv = p_t + v_t * c + 0.5 * a_t * c**2, v_t + a_t * c
    if seek is not None:
        _measure(seek, x, (tp, tv), e_v, illum, glint_s, pr, rng)
    seen_at, est_at = _views(truth, est, seek, tau)
    x1, v1, t1, al1, h = _substep(
        (x, v, t, al), seen_at, est_at, pr, tau, dt_s - tau, steps, origin_alt_m, d
    )
    if seek is not None:
        on = np.flatnonzero(seek.on)
        if on.size:
            moved = sk.predict(seek.take(on), h[on])
            moved = sk.SeekerState(
                moved.on,
                moved.pos_m,
                moved.vel_mps,
                moved.acc_mps2,
                moved.cov,
                sk.glint_step(seek.glint_m[on], glint_s[on], h[on], rng),
                moved.h_last_s,
            )
            seek.put(on, moved)
    hc = h[:, None]
    tp1, tv1 = tp + tv * hc + 0.5 * a_t * hc**2, tv + a_t * hc
    r0, w0, r1, w1 = tp - x, tv - v, tp1 - x1, tv1 - v1
    passed = (np.sum(r0 * w0, -1) < 0) & (np.sum(r1 * w1, -1) >= 0)
    passed &= t >= ARMING_TIME_S  # the fuze is not armed before
    cpa = (np.full(t.size, np.nan), np.full(t.size, np.nan), np.full((t.size, 3), np.nan))
    if passed.any():
        m, tc = _hermite_min(r0[passed], w0[passed], r1[passed], w1[passed], h[passed])
        cpa[0][passed], cpa[1][passed] = tau[passed] + tc, m
        cpa[2][passed] = x[passed] + v[passed] * tc[:, None]
    burnt = t1 > d.burnout_s
    fail = np.where(
        altitude_m(x1, origin_alt_m) < ground_m - 1.0,
        GROUND,
        np.where(
            t1 > pr.max_time_of_flight_s,
            TIMEOUT,
            np.where(burnt & (norm(v1) < pr.min_speed_mps), TOO_SLOW, FLYING),
        ),
    ).astype(np.int8)
    return x1, v1, t1, al1, h, passed, fail, cpa


def _pass_compiled(kernel, state, tau, truth, est, seek, seeker_inputs, pr, rng) -> tuple:
    """``_pass_numpy`` compiled, one pass (the tests' pass-level check of the kernel; runs fly
    the whole loop compiled, ``flyout_kernel.integrate_rows``): ``kernel`` =
    (``flyout_kernel.step_rows``, the rows' packed constants, ``_kernel_consts``). The seekers'
    measurement and glint normals are drawn from ``rng`` in one call: the numbers
    ``_pass_numpy`` draws in two. Same returns."""
    step, packed, consts = kernel
    x, v, t, al = state
    p_t, v_t, a_t = truth
    m = x.shape[0]
    if seek is not None:
        c = tau[:, None]
        meas = seek.on | (norm(p_t + v_t * c + 0.5 * a_t * c**2 - x) < pr.terminal_range_m)
        k = int(np.count_nonzero(meas))
        noise = rng.normal(0.0, 1.0, (2, k, 3)) if k else np.empty((2, 0, 3))
        s = seek
    else:
        meas, noise, s = np.zeros(m, bool), np.empty((2, 0, 3)), sk.SeekerState.empty(0)
    x1, v1, al1 = np.empty_like(x), np.empty_like(v), np.empty_like(al)
    t1, h = np.empty_like(t), np.empty_like(t)
    passed, fail = np.empty(m, bool), np.empty(m, np.int8)
    cpa = (np.full(m, np.nan), np.full(m, np.nan), np.full((m, 3), np.nan))
    step(
        x, v, t, al, tau, p_t, v_t, a_t, *est, *seeker_inputs, packed, consts, _RHO_GRID_M,
        _LOG_RHO, _SOUND_MPS, DRAG_MACH, DRAG_SHAPE, _HERMITE_S, seek is not None, meas, noise,
        s.on, s.pos_m, s.vel_mps, s.acc_mps2, s.cov, s.glint_m, s.h_last_s, x1, v1, t1, al1, h,
        passed, *cpa, fail,
    )  # fmt: skip
    return x1, v1, t1, al1, h, passed, fail, cpa


_NO_SEEKERS = sk.SeekerState.empty(0)
"""The seeker arrays handed to the compiled loop when the seekers are ideal (never read)."""
_NO_RNG = np.random.default_rng(0)
"""The generator handed to the compiled loop when the seekers are ideal (never drawn from)."""


def _integrate(
    state: FlyoutState,
    params: InterceptorParams,
    tgt: tuple[np.ndarray, np.ndarray, np.ndarray],
    est: tuple[np.ndarray, np.ndarray],
    dt_s: float,
    steps: tuple[float, float],
    rng: np.random.Generator | None = None,
    ground_m: float = 0.0,
    origin_alt_m: float = 0.0,
    seeker_inputs: tuple[np.ndarray, np.ndarray] | None = None,
    packed_params: np.ndarray | None = None,
) -> AdvanceResult:
    """Integrate every interceptor over [0, dt] in substeps of its own length (``_substep``);
    stop each one at its event. With ``rng``, seekers measure (``_measure``) at the start of
    each substep and guidance flies on their estimates; ``seeker_inputs`` = (illuminator
    positions (N, 3), glint sigmas (N,)); ``packed_params``: ``packed_params(params)``, if the
    caller keeps it."""
    n = len(state)
    pos, vel, tf = state.pos_m.copy(), state.vel_mps.copy(), state.t_flight_s.copy()
    alat = state.acc_lat_mps2.copy()
    seek_all = None if rng is None else state.seekers().take(np.arange(n))
    if seeker_inputs is None:
        seeker_inputs = (np.zeros((n, 3)), np.zeros(n))
    outcome = np.zeros(n, dtype=np.int8)
    miss = np.full(n, np.nan)
    t_cpa = np.full(n, np.nan)
    pos_cpa = np.full((n, 3), np.nan)
    kernel = _kernel()
    if kernel is not None:  # the whole loop compiled (flyout_kernel.integrate_rows)
        if n and dt_s > 1e-12:
            packed = packed_params
            if packed is None:
                packed = kernel.pack_params(params, _Derived.of(params))
            s = seek_all if seek_all is not None else _NO_SEEKERS
            kernel.integrate_rows(
                pos, vel, tf, alat,
                *(np.ascontiguousarray(a, float) for a in (*tgt, *est, *seeker_inputs)),
                packed, _kernel_consts(steps, origin_alt_m, dt_s, ground_m),
                _RHO_GRID_M, _LOG_RHO, _SOUND_MPS, DRAG_MACH, DRAG_SHAPE, _HERMITE_S,
                rng is not None, _NO_RNG if rng is None else rng, s.on, s.pos_m, s.vel_mps,
                s.acc_mps2, s.cov, s.glint_m, s.h_last_s, outcome, t_cpa, miss, pos_cpa,
            )  # fmt: skip
        seek = seek_all if seek_all is not None else state.seeker
        return AdvanceResult(FlyoutState(pos, vel, tf, alat, seek), outcome, miss, t_cpa, pos_cpa)
    live = np.arange(n) if dt_s > 1e-12 else np.arange(0)
    pr = params if live.size == n else params.take(live)  # rows are not written to
    x, v, t, al = pos[live], vel[live], tf[live], alat[live]
    tau = np.zeros(live.size)
    p_t, v_t, a_t, e_p, e_v = (a[live] for a in (*tgt, *est))
    illum, glint_s = (a[live] for a in seeker_inputs)
    seek = None if seek_all is None else seek_all.take(live)
    d = _Derived.of(pr)
    while live.size:
        x1, v1, t1, al1, h, passed, fail, cpa = _pass_numpy(
            (x, v, t, al), tau, (p_t, v_t, a_t), (e_p, e_v), seek, (illum, glint_s), pr, d,
            rng, dt_s, steps, origin_alt_m, ground_m,
        )  # fmt: skip
        if passed.any():
            idx = live[passed]
            outcome[idx], t_cpa[idx], miss[idx] = CPA, cpa[0][passed], cpa[1][passed]
            pos_cpa[idx] = cpa[2][passed]
        x, v, t, al, tau = x1, v1, t1, al1, tau + h
        newly = (fail != FLYING) & ~passed
        outcome[live[newly]] = fail[newly]
        stop = passed | newly | (tau >= dt_s - 1e-9)
        if stop.any():
            pos[live], vel[live], tf[live], alat[live] = x, v, t, al
            if seek is not None:
                seek_all.put(live, seek)
            keep = ~stop
            live = live[keep]
            pr = pr.take(keep)
            d = d.take(keep)
            x, v, t, al, tau = x[keep], v[keep], t[keep], al[keep], tau[keep]
            p_t, v_t, a_t, e_p, e_v = (a[keep] for a in (p_t, v_t, a_t, e_p, e_v))
            illum, glint_s = illum[keep], glint_s[keep]
            if seek is not None:
                seek = seek.take(keep)
    final = FlyoutState(pos, vel, tf, alat, seek_all if seek_all is not None else state.seeker)
    return AdvanceResult(final, outcome, miss, t_cpa, pos_cpa)


def advance(
    state: FlyoutState,
    params: InterceptorParams,
    tgt_pos_m: np.ndarray,
    tgt_vel_mps: np.ndarray,
    tgt_acc_mps2: np.ndarray | None = None,
    *,
    dt_s: float,
    est_pos_m: np.ndarray | None = None,
    est_vel_mps: np.ndarray | None = None,
    h_coarse_s: float = H_COARSE_S,
    h_fine_s: float = H_FINE_S,
    rng: np.random.Generator | None = None,
    ground_m: float = 0.0,
    origin_alt_m: float = 0.0,
    illuminator_pos_m: np.ndarray | None = None,
    glint_sigma_m: np.ndarray | None = None,
    packed_params: np.ndarray | None = None,
) -> AdvanceResult:
    """Fly N interceptors for ``dt_s`` against their targets; stop each at its first event.

    Targets (true state at the step's start, (N, 3) each) move with constant acceleration over
    the step. ``est_*`` is the command post's estimate of each target at the step's start
    (default: the truth) used for midcourse guidance. Each interceptor takes substeps of its
    own length: ``h_fine_s`` within about 1 s of closest approach, else ``h_coarse_s``, never
    turning its velocity more than ``TURN_STEP_RAD`` in one, ending at thrust changes. With
    ``rng`` the terminal seeker measures the target (``iads.engagement.seeker``: receiver
    noise by guidance family, the ground illuminator at ``illuminator_pos_m`` (N, 3), default
    the origin; glint of per-axis sigma ``glint_sigma_m`` (N,), default 0) and guidance flies
    on its filter's estimate; without, it sees the truth (an ideal seeker). ``origin_alt_m`` is the height of the scenario origin above
    the spherical earth (sea level): heights for drag and the ground are ``altitude_m(pos,
    origin_alt_m)``. ``ground_m`` is the ground's height above that sphere (m, default 0: sea
    level; an interceptor more than 1 m below it has hit the ground). ``packed_params``
    (optional): ``packed_params(params)`` kept by the caller, so that a long flight does not
    pack the same rows every step. Arguments are not modified.
    """
    n = len(state)
    a_t = np.zeros((n, 3)) if tgt_acc_mps2 is None else np.asarray(tgt_acc_mps2, float)
    e_p = tgt_pos_m if est_pos_m is None else est_pos_m
    e_v = tgt_vel_mps if est_vel_mps is None else est_vel_mps
    illum = np.zeros((n, 3)) if illuminator_pos_m is None else np.asarray(illuminator_pos_m, float)
    glint = np.zeros(n) if glint_sigma_m is None else np.asarray(glint_sigma_m, float)
    return _integrate(
        state,
        params,
        (np.asarray(tgt_pos_m, float), np.asarray(tgt_vel_mps, float), a_t),
        (np.asarray(e_p, float), np.asarray(e_v, float)),
        dt_s,
        (h_coarse_s, h_fine_s),
        rng,
        ground_m,
        origin_alt_m,
        (np.broadcast_to(illum, (n, 3)), np.broadcast_to(glint, (n,))),
        packed_params,
    )


@dataclass(frozen=True)
class FlyoutRecord:
    """Result of ``fly``: per interceptor outcome, miss (m), time of flight at the event (s),
    speed at the event (m/s) and the peak speed (m/s)."""

    outcome: np.ndarray
    miss_m: np.ndarray
    tof_s: np.ndarray
    speed_mps: np.ndarray
    max_speed_mps: np.ndarray


def fly(
    launcher_pos_m: np.ndarray,
    params: InterceptorParams,
    tgt_pos_m: np.ndarray,
    tgt_vel_mps: np.ndarray,
    *,
    tgt_accel_fn=None,
    dt_s: float = 0.1,
    t_max_s: float | None = None,
    h_coarse_s: float = H_COARSE_S,
    h_fine_s: float = H_FINE_S,
    rng: np.random.Generator | None = None,
    origin_alt_m: float = 0.0,
    illuminator_pos_m: np.ndarray | None = None,
    glint_sigma_m: np.ndarray | None = None,
) -> FlyoutRecord:
    """Fly N interceptors launched at t = 0 against N targets until every one has an outcome.

    Targets start at ``tgt_pos_m`` (N, 3) with ``tgt_vel_mps`` (N, 3) and move with the
    acceleration ``tgt_accel_fn(t_s, pos_m, vel_mps) -> (N, 3)`` (default none), integrated
    with the same ``dt_s``; ``origin_alt_m``, ``rng`` (seekers measure), ``illuminator_pos_m``
    and ``glint_sigma_m`` as in ``advance``. Used by tests, tables and benchmarks (the
    simulation calls ``advance`` itself each tick).
    """
    tp = np.array(tgt_pos_m, dtype=float)
    tv = np.array(tgt_vel_mps, dtype=float)
    n = tp.shape[0]
    state = launch(launcher_pos_m, tp, params)
    outcome = np.zeros(n, np.int8)
    miss, tof = np.full(n, np.nan), np.full(n, np.nan)
    speed, vmax = np.full(n, np.nan), np.zeros(n)
    t_end = float(np.max(params.max_time_of_flight_s)) + dt_s if t_max_s is None else t_max_s
    t = 0.0
    if illuminator_pos_m is not None:
        illum = np.broadcast_to(np.asarray(illuminator_pos_m, float), (n, 3))
    if glint_sigma_m is not None:
        glint = np.broadcast_to(np.asarray(glint_sigma_m, float), (n,))
    while t < t_end and np.any(outcome == FLYING):
        live = np.flatnonzero(outcome == FLYING)
        ta = np.zeros((live.size, 3)) if tgt_accel_fn is None else tgt_accel_fn(t, tp, tv)[live]
        r = advance(
            state.take(live),
            params.take(live),
            tp[live],
            tv[live],
            ta,
            dt_s=dt_s,
            h_coarse_s=h_coarse_s,
            h_fine_s=h_fine_s,
            rng=rng,
            origin_alt_m=origin_alt_m,
            illuminator_pos_m=None if illuminator_pos_m is None else illum[live],
            glint_sigma_m=None if glint_sigma_m is None else glint[live],
        )
        tp[live] += tv[live] * dt_s + 0.5 * ta * dt_s**2
        tv[live] += ta * dt_s
        new_pos, new_vel = state.pos_m.copy(), state.vel_mps.copy()
        new_t, new_a = state.t_flight_s.copy(), state.acc_lat_mps2.copy()
        new_pos[live], new_vel[live], new_t[live], new_a[live] = (
            r.state.pos_m,
            r.state.vel_mps,
            r.state.t_flight_s,
            r.state.acc_lat_mps2,
        )
        seek = None
        if r.state.seeker is not None:
            seek = state.seekers().take(np.arange(n))
            seek.put(live, r.state.seeker)
        state = FlyoutState(new_pos, new_vel, new_t, new_a, seek)
        sp = np.linalg.norm(r.state.vel_mps, axis=-1)
        vmax[live] = np.maximum(vmax[live], sp)
        done = r.outcome != FLYING
        outcome[live[done]] = r.outcome[done]
        miss[live[done]] = r.miss_m[done]
        tof[live[done]] = np.where(
            r.outcome[done] == CPA, t + r.t_cpa_s[done], r.state.t_flight_s[done]
        )
        speed[live[done]] = sp[done]
        t += dt_s
    return FlyoutRecord(outcome, miss, tof, speed, vmax)
