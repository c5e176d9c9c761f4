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


def _tracks_state(tracks: Any, t_s: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Positions and velocities (M, 3) of confirmed tracks, extrapolated to ``t_s``."""
    if hasattr(tracks, "x") and hasattr(tracks, "confirmed"):
        x = np.asarray(tracks.x)[np.asarray(tracks.confirmed)]
        age = t_s - float(getattr(tracks, "t_s", t_s))  # a picture from an earlier frame
        return x[:, :3] + x[:, 3:6] * age, x[:, 3:6]
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
    got = _tracks_state(world.tracks.get(b), t_s) if world.tracks.get(b) is not None else None
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
