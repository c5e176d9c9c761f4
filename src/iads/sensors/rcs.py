"""Radar cross-section: aspect dependence and Swerling fluctuation draws.

Aspect: the angle θ between the target's nose (its velocity) and the line from the target to
the radar; θ = 0 nose-on, π/2 broadside, π tail-on. Between the three catalog figures the RCS
is interpolated in decibels with cos²/sin² weights, a smooth and symmetric first model:

    log σ(θ) = cos²θ · log σ_front + sin²θ · log σ_side      (θ <= π/2)
    log σ(θ) = cos²θ · log σ_rear  + sin²θ · log σ_side      (θ >  π/2)

Fluctuation (Swerling 1959; Richards §7.4): the RCS of one look is the mean times a chi-square
variable of 2K degrees of freedom divided by 2K, with K = 1 (Swerling 1, 2) or 2 (3, 4);
Swerling 1/3 draw once per look (scan-to-scan), 2/4 once per pulse. Conditioned on the pulse
RCS values, a square-law sum of N pulses is noncentral chi-square with noncentrality set by
their *sum*, so for 2/4 the look behaves as a steady target with the mean of the N draws.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.scenario.equipment import ThreatType


def aspect_angle_rad(
    target_pos_m: ArrayLike, target_vel_mps: ArrayLike, radar_pos_m: ArrayLike
) -> NDArray[np.float64]:
    """Angle (rad, [0, π]) between each target's velocity (N, 3) and its line of sight to the
    radar (3,) (ENU, m and m/s). A target at rest is taken as nose-on (θ = 0)."""
    pos = np.asarray(target_pos_m, dtype=float)
    vel = np.asarray(target_vel_mps, dtype=float)
    los = np.asarray(radar_pos_m, dtype=float) - pos
    dot = np.sum(los * vel, axis=-1)
    norm = np.linalg.norm(los, axis=-1) * np.linalg.norm(vel, axis=-1)
    cos = np.where(norm > 0, dot / np.where(norm > 0, norm, 1.0), 1.0)
    return np.arccos(np.clip(cos, -1.0, 1.0))


def aspect_rcs_m2(
    rcs_front_m2: ArrayLike,
    rcs_side_m2: ArrayLike,
    rcs_rear_m2: ArrayLike,
    aspect_rad: ArrayLike,
) -> NDArray[np.float64]:
    """Mean RCS (m^2) at ``aspect_rad``, interpolated in dB (module docstring). Broadcasts."""
    theta = np.asarray(aspect_rad, dtype=float)
    c2 = np.cos(theta) ** 2
    end = np.where(theta <= 0.5 * np.pi, rcs_front_m2, rcs_rear_m2)
    log_rcs = c2 * np.log(end) + (1.0 - c2) * np.log(np.asarray(rcs_side_m2, dtype=float))
    return np.exp(log_rcs)


def threat_rcs_figures(threat: ThreatType) -> tuple[float, float, float]:
    """(front, side, rear) RCS (m^2) of a threat type; missing side/rear default to front."""
    front = threat.rcs_front_m2
    side = threat.rcs_side_m2 if threat.rcs_side_m2 is not None else front
    rear = threat.rcs_rear_m2 if threat.rcs_rear_m2 is not None else front
    return front, side, rear


def fluctuation_factor(
    swerling: ArrayLike, n_pulses: int, rng: np.random.Generator, size: int | None = None
) -> NDArray[np.float64]:
    """Multiplicative RCS factor (mean 1) for one look of ``n_pulses`` pulses.

    Swerling 0: 1. Swerling 1/3: Gamma(K, 1/K), one draw. Swerling 2/4: the mean of
    ``n_pulses`` Gamma(K, 1/K) draws = Gamma(nK, 1/(nK)). K = 1 (cases 1, 2) or 2 (3, 4).
    ``swerling`` broadcasts to ``size`` targets.
    """
    sw = np.asarray(swerling)
    if size is None:
        size = sw.size
    sw = np.broadcast_to(sw, (size,))
    k = np.where(sw >= 3, 2.0, 1.0)
    shape = np.where((sw == 2) | (sw == 4), k * n_pulses, k)
    draw = rng.standard_gamma(shape) / shape
    return np.where(sw == 0, 1.0, draw)


__all__ = ["aspect_angle_rad", "aspect_rcs_m2", "fluctuation_factor", "threat_rcs_figures"]
