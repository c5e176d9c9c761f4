"""Threat evaluation: closest approach to each defended asset, time to go, type, priority.

Every function is batched over tracks x assets and assumes constant velocity over the
prediction (the usual threat-evaluation assumption; Roux and van Vuuren, "Threat evaluation
and weapon assignment decision support: a review of the state of the art", ORiON 23(2), 2007,
section 3, closest point of approach (CPA) and time-to-go parameters).

Priority score of track j (documented in docs/engagement.md):

    priority_j = w(kind_j) * max_a [ value_a * exp(-(max(d_cpa_ja - R_a, 0) / L)^2)
                                              * tau / (tau + t_go_ja) ]

with d_cpa the closest-approach distance (m) and t_go the time (s) to that approach (or to
entering the asset's radius R_a when the track will), L = ``miss_scale_m`` (default 5 km: how
far a passing track still threatens), tau = ``urgency_s`` (default 60 s: urgency halves at one
minute to go) and w the kind weight: value-weighted urgency. The weights and scales are run
settings (``iads.config.ThreatEvaluationSettings``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iads.config import ThreatEvaluationSettings
from iads.vectors import norm

KINDS = ("aircraft", "cruise_missile", "drone", "glide_vehicle")
"""Threat kinds, as in ``ThreatType.kind``; the type estimate is an index into this tuple."""
AIRCRAFT = 0
"""``KINDS`` index of aircraft."""
G_MPS2 = 9.80665


def kind_weights(settings: ThreatEvaluationSettings) -> np.ndarray:
    """(4,) priority weight of each kind in ``KINDS`` order."""
    s = settings
    return np.array(
        [s.weight_aircraft, s.weight_cruise_missile, s.weight_drone, s.weight_glide_vehicle]
    )


def kind_manoeuvre_mps2(settings: ThreatEvaluationSettings) -> np.ndarray:
    """(4,) manoeuvre (m/s^2) the command post assumes of each kind when planning."""
    s = settings
    g = [
        s.manoeuvre_aircraft_g,
        s.manoeuvre_cruise_missile_g,
        s.manoeuvre_drone_g,
        s.manoeuvre_glide_vehicle_g,
    ]
    return np.array(g) * G_MPS2


def closest_approach(
    rel_pos_m: np.ndarray, rel_vel_mps: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Time (s, >= 0) and distance (m) of closest approach under constant relative velocity.

    ``rel_pos_m`` = threat - asset, ``rel_vel_mps`` its rate, shapes (..., 3); returns (...,).
    t* = max(0, -r.v / v.v), d = |r + v t*|.
    """
    vv = np.sum(rel_vel_mps * rel_vel_mps, axis=-1)
    rv = np.sum(rel_pos_m * rel_vel_mps, axis=-1)
    t = np.where(vv > 0, np.maximum(-rv / np.where(vv > 0, vv, 1.0), 0.0), 0.0)
    d = norm(rel_pos_m + rel_vel_mps * t[..., None])
    return t, d


def time_to_radius(
    rel_pos_m: np.ndarray, rel_vel_mps: np.ndarray, radius_m: np.ndarray | float
) -> np.ndarray:
    """First time (s, >= 0) the threat comes within ``radius_m`` of the asset; NaN if never.

    Smallest non-negative root of |r + v t|^2 = R^2 (0 if already inside). Shapes as above.
    """
    vv = np.sum(rel_vel_mps * rel_vel_mps, axis=-1)
    rv = np.sum(rel_pos_m * rel_vel_mps, axis=-1)
    rr = np.sum(rel_pos_m * rel_pos_m, axis=-1)
    r2 = np.asarray(radius_m, dtype=float) ** 2
    disc = rv**2 - vv * (rr - r2)
    safe_vv = np.where(vv > 0, vv, 1.0)
    t_in = (-rv - np.sqrt(np.maximum(disc, 0.0))) / safe_vv
    t = np.where((disc >= 0) & (vv > 0) & (t_in >= 0), t_in, np.nan)
    return np.where(rr <= r2, 0.0, t)


def _approach(
    rel_pos_m: np.ndarray, vel_mps: np.ndarray, radius_m: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``closest_approach`` and ``time_to_radius`` of T tracks against A assets at once, bit
    for bit: ``rel_pos_m`` (T, A, 3) m, the tracks' ``vel_mps`` (T, 3) m/s, ``radius_m`` (A,)
    m; returns the CPA time (s) and distance (m) and the entry time (s, NaN: never), (T, A).
    The sums shared by the two are made once (the per-call cost, not the arithmetic, is what
    a decision of a few dozen tracks pays)."""
    vel = vel_mps[:, None, :]
    vv = np.sum(vel_mps * vel_mps, axis=-1)[:, None]
    rv = np.sum(rel_pos_m * vel, axis=-1)
    moving = vv > 0
    safe_vv = np.where(moving, vv, 1.0)
    t_cpa = np.where(moving, np.maximum(-rv / safe_vv, 0.0), 0.0)
    d_cpa = norm(rel_pos_m + vel * t_cpa[..., None])
    rr = np.sum(rel_pos_m * rel_pos_m, axis=-1)
    r2 = radius_m[None, :] ** 2
    disc = rv**2 - vv * (rr - r2)
    t_first = (-rv - np.sqrt(np.maximum(disc, 0.0))) / safe_vv
    t_in = np.where((disc >= 0) & moving & (t_first >= 0), t_first, np.nan)
    return t_cpa, d_cpa, np.where(rr <= r2, 0.0, t_in)


def classify(
    speed_mps: np.ndarray, altitude_m: np.ndarray, rcs_m2: np.ndarray | None = None
) -> np.ndarray:
    """Type estimate (index into ``KINDS``) from speed, altitude and (if known) RCS.

    Rules, first match wins: speed > 1,200 m/s -> glide vehicle; speed < 90 m/s -> drone;
    altitude < 500 m and RCS <= 1 m^2 (or unknown) and speed < 350 m/s -> cruise missile;
    otherwise aircraft.
    """
    v = np.asarray(speed_mps, dtype=float)
    h = np.asarray(altitude_m, dtype=float)
    small = np.ones_like(v, bool) if rcs_m2 is None else np.asarray(rcs_m2) <= 1.0
    kind = np.zeros(np.broadcast(v, h).shape, dtype=np.int8)
    kind = np.where((h < 500.0) & small & (v < 350.0), 1, kind)
    kind = np.where(v < 90.0, 2, kind)
    return np.where(v > 1_200.0, 3, kind).astype(np.int8)


@dataclass(frozen=True)
class ThreatAssessment:
    """Threat evaluation of T tracks against A assets.

    ``t_cpa_s``, ``d_cpa_m``, ``t_go_s`` (T, A): time and distance of closest approach and time
    to go (to entering the asset radius if the track will, else to the CPA);
    ``asset`` (T,) the most threatened asset (-1 if none within ``miss_scale_m``),
    ``time_to_asset_s`` (T,) time to enter that asset's radius (inf if it will not),
    ``kind`` (T,) type estimate, ``priority`` (T,) the score in the module docstring.
    """

    t_cpa_s: np.ndarray
    d_cpa_m: np.ndarray
    t_go_s: np.ndarray
    asset: np.ndarray
    time_to_asset_s: np.ndarray
    kind: np.ndarray
    priority: np.ndarray


def evaluate(
    track_pos_m: np.ndarray,
    track_vel_mps: np.ndarray,
    asset_pos_m: np.ndarray,
    asset_radius_m: np.ndarray,
    asset_value: np.ndarray,
    altitude_m: np.ndarray | None = None,
    rcs_m2: np.ndarray | None = None,
    settings: ThreatEvaluationSettings | None = None,
) -> ThreatAssessment:
    """Evaluate T tracks ((T, 3) ENU position and velocity) against A assets ((A, 3), (A,),
    (A,)). ``altitude_m`` (T,) is the height above sea level (default: the ENU z, right only
    near an origin at sea level; pass ``flyout.altitude_m(pos, origin_alt_m)``); ``rcs_m2``
    (T,) is optional; ``settings`` the weights and scales (default: the run defaults)."""
    st = ThreatEvaluationSettings() if settings is None else settings
    miss_scale_m, urgency_s = st.miss_scale_m, st.urgency_s
    p = np.asarray(track_pos_m, dtype=float).reshape(-1, 3)
    v = np.asarray(track_vel_mps, dtype=float).reshape(-1, 3)
    a = np.asarray(asset_pos_m, dtype=float).reshape(-1, 3)
    radius = np.asarray(asset_radius_m, dtype=float)
    value = np.asarray(asset_value, dtype=float)
    rel = p[:, None, :] - a[None, :, :]
    t_cpa, d_cpa, t_in = _approach(rel, v, radius)
    t_go = np.where(np.isfinite(t_in), t_in, t_cpa)
    kind = classify(norm(v), p[:, 2] if altitude_m is None else altitude_m, rcs_m2)
    closeness = np.exp(-((np.maximum(d_cpa - radius[None, :], 0.0) / miss_scale_m) ** 2))
    score = value[None, :] * closeness * urgency_s / (urgency_s + t_go)  # (T, A)
    if a.shape[0] == 0:
        empty = np.full(p.shape[0], -1)
        return ThreatAssessment(
            t_cpa, d_cpa, t_go, empty, np.full(p.shape[0], np.inf), kind, np.zeros(p.shape[0])
        )
    best = np.argmax(score, axis=1)
    rows = np.arange(p.shape[0])
    threatened = d_cpa[rows, best] <= radius[best] + miss_scale_m
    asset = np.where(threatened, best, -1)
    t_asset = np.where(np.isfinite(t_in[rows, best]), t_in[rows, best], np.inf)
    priority = kind_weights(st)[kind] * score[rows, best]
    return ThreatAssessment(t_cpa, d_cpa, t_go, asset, t_asset, kind, priority)
