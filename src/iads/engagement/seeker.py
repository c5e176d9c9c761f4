"""Terminal seeker: what the interceptor measures of its target, and its own estimator.

Once a round is inside its terminal (acquisition) range it no longer flies on the command
post's track: its seeker measures the target's position with errors, and a Kalman filter on
board turns those measurements into the position, velocity and acceleration that augmented
proportional navigation uses (the fly-out's ``zem_command``). The truth enters only as the
thing measured (the end game, ``docs/architecture.md``).

Measurement errors, across the line of sight (the seeker measures angles; range and range
rate are taken as accurate):

* Receiver (thermal) angle noise of a monopulse seeker, per sample at ``seeker_rate_hz``
  (Barton, *Radar System Analysis and Modeling*, Artech House 2005, sec. 8.2, the monopulse
  angle error sigma = theta_3dB / (k_m sqrt(2 SNR)), k_m = ``MONOPULSE_SLOPE``), with the
  seeker's beamwidth theta_3dB = 1.2 lambda / (0.8 d) from its frequency and the body
  diameter d, and an angle floor ``seeker_noise_rad`` (boresight error, quantisation) added in
  quadrature. The signal-to-noise ratio is ``ACQUISITION_SNR`` at acquisition range and follows
  the radar equation of each guidance family (Zarchan, *Tactical and Strategic Missile
  Guidance*, 6th ed., AIAA 2012, ch. 6 "range-dependent noise"):

  - ``active``: own transmitter, SNR = SNR_acq (R_acq / R)^4 (angle noise ~ R^2);
  - ``semi_active`` and ``track_via_missile``: the ground radar illuminates, the seeker
    receives: SNR = SNR_acq (R_acq / R)^2 (R_ref / R_it)^2 with R_it the illuminator-to-target
    range and R_ref the type's ``max_range_m`` (the seeker is sized to acquire at terminal
    range with the target at maximum range), so the error grows with the target's range from
    the ground radar;
  - ``command``: no seeker; the ground radar's angle error ``seeker_noise_rad`` x R_it.

* Glint: the apparent scattering centre wanders over the target; a first-order Markov
  process per axis with standard deviation ``glint_sigma_m`` (set from the target's length by
  ``settings.end_game.glint_fraction``) and correlation time ``GLINT_CORRELATION_S``
  (Zarchan ch. 6, glint as a position noise at the target; Skolnik, *Radar Handbook*, 3rd ed.,
  McGraw-Hill 2008, ch. 9, glint of complex targets).

Estimator: per axis a three-state (position, velocity, acceleration of the target) Kalman
filter with white jerk of spectral density ``JERK_PSD_M2PS5`` (Zarchan ch. 9, the three-state
filter of the homing loop), the same gain on the three axes (isotropic measurement noise).
Receiver noise sampled at the seeker rate and averaged over a fly-out substep h is one
measurement of variance sigma^2 T_s / h, so the noise power is independent of the step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

MONOPULSE_SLOPE = 1.6
"""k_m, normalised monopulse slope (Barton 2005, sec. 8.2: 1.2 to 1.9; 1.6 typical)."""
ACQUISITION_SNR = 20.0
"""Seeker SNR at acquisition range (13 dB: Pd about 0.9 at Pfa 1e-6 on a steady target,
Barton 2005 ch. 3); the noise model's reference point."""
GLINT_CORRELATION_S = 0.1
"""Correlation time of glint (s); of order 0.1 s for an aircraft at a few degrees per second
of aspect change (Zarchan ch. 6 uses glint bandwidths of a few hertz). Confidence low."""
JERK_PSD_M2PS5 = 900.0
"""Spectral density of the filter's white jerk (m^2/s^5): (30 m/s^2)^2 per second, a target
that can change its acceleration by about 3 g in a second (Zarchan ch. 9 picks Phi_s from
the expected target manoeuvre). A design figure of the filter, not of the target."""
INITIAL_VELOCITY_STD_MPS = 50.0
"""Velocity sigma at acquisition: the uplinked track velocity seeds the filter."""
INITIAL_ACCELERATION_STD_MPS2 = 30.0
"""Acceleration sigma at acquisition (the filter starts with zero acceleration)."""

GUIDANCE_CODES = {"command": 0, "semi_active": 1, "track_via_missile": 2, "active": 3}


def beamwidth_rad(frequency_hz: np.ndarray, diameter_m: np.ndarray) -> np.ndarray:
    """3 dB beamwidth (rad) of a seeker dish of 0.8 x the body diameter: 1.2 lambda / D."""
    lam = 299_792_458.0 / np.asarray(frequency_hz, float)
    return 1.2 * lam / (0.8 * np.asarray(diameter_m, float))


def angle_noise_rad(
    guidance_code: np.ndarray,
    range_m: np.ndarray,
    illuminator_range_m: np.ndarray,
    acquisition_range_m: np.ndarray,
    reference_range_m: np.ndarray,
    beamwidth: np.ndarray,
    floor_rad: np.ndarray,
) -> np.ndarray:
    """1-sigma angle noise per seeker sample (rad) by guidance family (module docstring);
    ranges in m, all arrays broadcast. ``command`` rows return the floor only (their error
    is the ground radar's, ``position_noise_m``)."""
    r = np.maximum(np.asarray(range_m, float), 1.0)
    r_it = np.maximum(np.asarray(illuminator_range_m, float), 1.0)
    code = np.asarray(guidance_code)
    ratio = acquisition_range_m / r
    snr = np.where(
        code == GUIDANCE_CODES["active"],
        ACQUISITION_SNR * ratio**4,
        ACQUISITION_SNR * ratio**2 * (reference_range_m / r_it) ** 2,
    )
    thermal = beamwidth / (MONOPULSE_SLOPE * np.sqrt(2.0 * snr))
    thermal = np.where(code == GUIDANCE_CODES["command"], 0.0, thermal)
    return np.hypot(thermal, floor_rad)


def position_noise_m(
    guidance_code: np.ndarray, angle_rad: np.ndarray, range_m, illuminator_range_m
) -> np.ndarray:
    """Cross-range position noise (m) per sample: angle x missile-target range, or for
    command guidance angle x ground radar-target range."""
    code = np.asarray(guidance_code)
    r = np.where(code == GUIDANCE_CODES["command"], illuminator_range_m, range_m)
    return np.asarray(angle_rad) * r


@dataclass(frozen=True)
class SeekerState:
    """N seekers: ``on`` (N,) locked and filtering; estimate of the target's ENU position,
    velocity and acceleration (N, 3) each; covariance ``cov`` (N, 3, 3) of one axis
    (position, velocity, acceleration; the same on every axis); ``glint_m`` (N, 3) the glint
    process now; ``h_last_s`` (N,) the length of the last substep (averaging interval)."""

    on: np.ndarray
    pos_m: np.ndarray
    vel_mps: np.ndarray
    acc_mps2: np.ndarray
    cov: np.ndarray
    glint_m: np.ndarray
    h_last_s: np.ndarray

    @staticmethod
    def empty(n: int) -> SeekerState:
        z3 = np.zeros((n, 3))
        return SeekerState(
            np.zeros(n, bool),
            z3,
            z3.copy(),
            z3.copy(),
            np.zeros((n, 3, 3)),
            z3.copy(),
            np.full(n, 0.01),
        )

    def take(self, idx: np.ndarray) -> SeekerState:
        return SeekerState(
            self.on[idx],
            self.pos_m[idx],
            self.vel_mps[idx],
            self.acc_mps2[idx],
            self.cov[idx],
            self.glint_m[idx],
            self.h_last_s[idx],
        )

    def put(self, idx: np.ndarray, other: SeekerState) -> None:
        """Write ``other``'s rows into rows ``idx`` (arrays are updated in place)."""
        for name in _SEEKER_FIELDS:
            getattr(self, name)[idx] = getattr(other, name)

    @staticmethod
    def concat(parts: Sequence[SeekerState]) -> SeekerState:
        return SeekerState(
            **{
                f.name: np.concatenate([getattr(p, f.name) for p in parts])
                for f in fields(SeekerState)
            }
        )


_SEEKER_FIELDS = tuple(f.name for f in fields(SeekerState))


def transition(h: np.ndarray) -> np.ndarray:
    """(N, 3, 3) constant-acceleration transition over h (s)."""
    n = h.size
    f = np.tile(np.eye(3), (n, 1, 1))
    f[:, 0, 1] = h
    f[:, 0, 2] = 0.5 * h**2
    f[:, 1, 2] = h
    return f


def process_noise(h: np.ndarray, psd: float = JERK_PSD_M2PS5) -> np.ndarray:
    """(N, 3, 3) white-jerk process noise over h (s) (Bar-Shalom, Li, Kirubarajan,
    *Estimation with Applications to Tracking and Navigation*, Wiley 2001, sec. 6.3.3)."""
    h = np.asarray(h, float)[:, None, None]
    q = np.empty((h.shape[0], 3, 3))
    q[:, 0, 0] = (h**5 / 20)[:, 0, 0]
    q[:, 0, 1] = q[:, 1, 0] = (h**4 / 8)[:, 0, 0]
    q[:, 0, 2] = q[:, 2, 0] = (h**3 / 6)[:, 0, 0]
    q[:, 1, 1] = (h**3 / 3)[:, 0, 0]
    q[:, 1, 2] = q[:, 2, 1] = (h**2 / 2)[:, 0, 0]
    q[:, 2, 2] = h[:, 0, 0]
    return psd * q


def predict(s: SeekerState, h: np.ndarray, psd: float = JERK_PSD_M2PS5) -> SeekerState:
    """Every seeker's estimate and covariance carried forward by h (N,) seconds."""
    f = transition(h)
    hc = h[:, None]
    pos = s.pos_m + s.vel_mps * hc + 0.5 * s.acc_mps2 * hc**2
    vel = s.vel_mps + s.acc_mps2 * hc
    cov = f @ s.cov @ np.transpose(f, (0, 2, 1)) + process_noise(h, psd)
    return SeekerState(s.on, pos, vel, s.acc_mps2, cov, s.glint_m, h.copy())


def update(s: SeekerState, z_m: np.ndarray, r_var_m2: np.ndarray) -> SeekerState:
    """Kalman update with position measurements z (N, 3) of variance ``r_var_m2`` (N,) per
    axis (H = [1, 0, 0] on each axis)."""
    s_inn = s.cov[:, 0, 0] + r_var_m2
    k = s.cov[:, :, 0] / s_inn[:, None]  # (N, 3) gain of one axis
    innov = z_m - s.pos_m  # (N, 3)
    pos = s.pos_m + k[:, 0:1] * innov
    vel = s.vel_mps + k[:, 1:2] * innov
    acc = s.acc_mps2 + k[:, 2:3] * innov
    cov = s.cov - k[:, :, None] * s.cov[:, 0, :][:, None, :]
    cov = 0.5 * (cov + np.transpose(cov, (0, 2, 1)))
    return SeekerState(s.on, pos, vel, acc, cov, s.glint_m, s.h_last_s)


def start(
    s: SeekerState, rows: np.ndarray, z_m: np.ndarray, vel_mps: np.ndarray, r_var_m2: np.ndarray
) -> None:
    """Lock the seekers ``rows`` (in place): position from the first measurement ``z_m``,
    velocity from the uplinked track ``vel_mps``, acceleration zero."""
    s.on[rows] = True
    s.pos_m[rows] = z_m
    s.vel_mps[rows] = vel_mps
    s.acc_mps2[rows] = 0.0
    cov = np.zeros((rows.size, 3, 3))
    cov[:, 0, 0] = r_var_m2
    cov[:, 1, 1] = INITIAL_VELOCITY_STD_MPS**2
    cov[:, 2, 2] = INITIAL_ACCELERATION_STD_MPS2**2
    s.cov[rows] = cov


def glint_step(
    glint_m: np.ndarray, sigma_m: np.ndarray, h: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """The glint Markov process (N, 3) advanced exactly over h (N,) s."""
    phi = np.exp(-h / GLINT_CORRELATION_S)[:, None]
    w = rng.normal(0.0, 1.0, glint_m.shape)
    return phi * glint_m + np.sqrt(1.0 - phi**2) * sigma_m[:, None] * w


def cross_los(v: np.ndarray, los_hat: np.ndarray) -> np.ndarray:
    """``v`` (N, 3) without its component along the unit vectors ``los_hat`` (N, 3)."""
    return v - np.sum(v * los_hat, axis=-1)[:, None] * los_hat


__all__ = [
    "ACQUISITION_SNR",
    "GLINT_CORRELATION_S",
    "GUIDANCE_CODES",
    "INITIAL_ACCELERATION_STD_MPS2",
    "INITIAL_VELOCITY_STD_MPS",
    "JERK_PSD_M2PS5",
    "MONOPULSE_SLOPE",
    "SeekerState",
    "angle_noise_rad",
    "beamwidth_rad",
    "glint_step",
    "position_noise_m",
    "predict",
    "start",
    "update",
]
