"""A battery's air picture: which threats its command post sees, where, how fast.

``world.tracks[b]`` when a tracker provides it (a ``TrackTable``-like object with ``x`` and
``confirmed``, optionally ``t_s``; or DESIGN.md track columns ``x_m ... vz_mps``), each track
matched to the nearest flying threat (truth) within ``TRACK_GATE_M``: the object the interceptor
will actually meet. Without tracks: the truth state of the flying threats inside the battery's
radar coverage (range, elevation, sector and the radar horizon over a 4/3 earth), an ideal
tracker reported as source ``"truth"``. Reads the world by duck typing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from iads.sensors.geometry import earth_centre_m
from iads.sensors.radar import RadarModel, look

FLYING_THREAT = 1
"""``iads.sim.world.FLYING`` (this package does not import the engine)."""
KILLED_THREAT = 2
"""``iads.sim.world.KILLED``."""
TRACK_GATE_M = 3_000.0
"""Largest distance (m) between a track and the threat it is taken to be."""


def origin_alt_of(world: Any) -> float:
    """Height (m) of the world's scenario origin above sea level (``world.origin.alt_m``;
    0 when the world has no origin): where the spherical earth lies under the ENU frame."""
    return float(getattr(getattr(world, "origin", None), "alt_m", 0.0))


_MODELS: dict[tuple[int, float], tuple[Any, Any]] = {}


def _radar_model(rec: Any, origin_alt_m: float) -> Any:
    """The sensor model of radar record ``rec`` (cached per record and origin height)."""
    key = (id(rec), float(origin_alt_m))
    hit = _MODELS.get(key)
    if hit is None or hit[0] is not rec:
        if len(_MODELS) > 256:  # one entry per radar of the worlds in use; keep it bounded
            _MODELS.clear()
        model = RadarModel.from_type(
            rec.type,
            getattr(rec, "site_pos_m", rec.pos_m),
            float(np.degrees(rec.boresight_rad)),
            origin_alt_m=origin_alt_m,
            antenna_pos_m=rec.pos_m,
        )
        hit = _MODELS[key] = (rec, model)
    return hit[1]


def radar_covers(rec: Any, pos_m: np.ndarray, origin_alt_m: float = 0.0) -> np.ndarray:
    """(...,) bool: points (..., 3) the radar ``rec`` can see anywhere in its scan: the same
    test its simulated radar applies (``iads.sensors.radar.look``: line of sight over the 4/3
    earth, minimum and instrumented range, elevation limits, sector), so fire control and the
    radar never disagree. ``origin_alt_m`` places the earth under the ENU frame."""
    pos = np.asarray(pos_m, dtype=float)
    flat = pos.reshape(-1, 3)
    model = _radar_model(rec, origin_alt_m)
    seen = look(model, flat, model.swept_arcs(0.0, model.scan_period_s))
    ok = np.zeros(flat.shape[0], dtype=bool)
    ok[seen.index] = True
    return ok.reshape(pos.shape[:-1])


LEVEL_SIGMAS = 3.0
"""A track's climb rate within this many standard deviations of 0 is taken as level flight."""


def level_if_indistinguishable(
    pos_m: np.ndarray,
    vel_mps: np.ndarray,
    vel_cov_m2ps2: np.ndarray,
    origin_alt_m: float = 0.0,
    n_sigma: float = LEVEL_SIGMAS,
) -> np.ndarray:
    """Velocities (M, 3) with the climb rate removed where it is not significant.

    The climb rate is the velocity's component along the local vertical at the track,
    u = (p - c) / |p - c| with c = ``earth_centre_m(origin_alt_m)`` (the spherical earth of
    the heights; not the ENU z axis, which tilts away from the vertical by r / R_e at ground
    range r). Where |v.u| < ``n_sigma`` sqrt(u^T P_v u) (``vel_cov_m2ps2`` (M, 3, 3) the track
    covariance's velocity block) the level-flight hypothesis is kept (about 99.7 % for a
    Gaussian estimate) and v.u is removed: the track is extrapolated along the local
    horizontal (its height then grows only by d^2 / 2 R_e, 0.8 m after 3.2 km). Without it
    the climb-rate noise (about 2 m/s), extrapolated over a 10-20 s time of flight, moves a
    15 m sea-skimmer's PIP through a 10 m altitude floor. A new array; NaN covariances
    leave the velocity unchanged.
    """
    pos = np.asarray(pos_m, dtype=float)
    vel = np.array(vel_mps, dtype=float)
    up = pos - earth_centre_m(origin_alt_m)
    up /= np.linalg.norm(up, axis=-1, keepdims=True)
    climb = np.sum(vel * up, axis=-1)
    var = np.einsum("...i,...ij,...j->...", up, np.asarray(vel_cov_m2ps2, dtype=float), up)
    level = np.abs(climb) < n_sigma * np.sqrt(np.maximum(var, 0.0))
    return vel - np.where(level, climb, 0.0)[..., None] * up


def _tracks_state(
    tracks: Any, t_s: float, origin_alt_m: float = 0.0
) -> tuple[np.ndarray, np.ndarray] | None:
    """Positions and velocities (M, 3) of confirmed tracks, extrapolated to ``t_s``; with a
    covariance ``P`` (M, 6, 6), level flight when the climb rate is not significant
    (``level_if_indistinguishable``)."""
    if hasattr(tracks, "x") and hasattr(tracks, "confirmed"):
        keep = np.asarray(tracks.confirmed)
        x = np.asarray(tracks.x)[keep]
        vel = x[:, 3:6]
        cov = getattr(tracks, "P", None)
        if cov is not None and np.shape(cov)[0] == keep.shape[0]:
            pv = np.asarray(cov)[keep][:, 3:6, 3:6]
            vel = level_if_indistinguishable(x[:, :3], vel, pv, origin_alt_m)
        age = t_s - float(getattr(tracks, "t_s", t_s))  # a picture from an earlier frame
        return x[:, :3] + vel * age, vel
    if isinstance(tracks, dict) and "x_m" in tracks:
        pos = np.column_stack([tracks["x_m"], tracks["y_m"], tracks["z_m"]]).astype(float)
        vel = np.column_stack([tracks["vx_mps"], tracks["vy_mps"], tracks["vz_mps"]]).astype(float)
        age = t_s - np.asarray(tracks.get("time_s", np.full(len(pos), t_s)), dtype=float)
        return pos + vel * age[:, None], vel
    return None


def battery_picture(
    world: Any, b: int, t_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """(threat ids (T,), positions (T, 3), velocities (T, 3), source "tracks" | "truth")."""
    th = world.threats
    flying = np.flatnonzero(th.status == FLYING_THREAT)
    tracks = world.tracks.get(b)
    got = None if tracks is None else _tracks_state(tracks, t_s, origin_alt_of(world))
    if got is not None:
        pos, vel = got
        if flying.size == 0 or pos.shape[0] == 0:
            return np.empty(0, np.int64), np.empty((0, 3)), np.empty((0, 3)), "tracks"
        d = np.linalg.norm(pos[:, None, :] - th.pos_m[flying][None, :, :], axis=-1)
        near = np.argmin(d, axis=1)
        ok = d[np.arange(pos.shape[0]), near] <= TRACK_GATE_M
        ids, first = np.unique(flying[near[ok]], return_index=True)
        rows = np.flatnonzero(ok)[first]
        return ids, pos[rows], vel[rows], "tracks"
    bat = world.batteries[b]
    seen = np.zeros(flying.size, bool)
    origin_alt = origin_alt_of(world)
    for r in bat.radars:
        seen |= radar_covers(world.radars[r], th.pos_m[flying], origin_alt)
    ids = flying[seen]
    return ids, th.pos_m[ids].copy(), th.vel_mps[ids].copy(), "truth"
