"""Fire channels and radar allocation: which fire-control radar can guide which rounds.

A fire-control radar guides at most ``max_guided_missiles`` rounds and holds at most
``max_engaged_targets`` targets at once (its fire channels), and can only guide toward points
it can see. Coverage is the radar model's own visibility test (``iads.sensors.radar.look``),
so fire control and the simulated radar never disagree.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from iads.sensors.radar import RadarModel, look

UNLIMITED = 10**9
"""Channel count standing for "no limit"."""

_MODELS: dict[tuple[int, float], tuple[Any, Any]] = {}


def _radar_model(rec: Any, origin_alt_m: float) -> RadarModel:
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
    """(...,) bool: points (..., 3) ENU the radar record ``rec`` can see anywhere in its scan
    (line of sight over the 4/3 earth, range and elevation limits, sector)."""
    pos = np.asarray(pos_m, dtype=float)
    flat = pos.reshape(-1, 3)
    model = _radar_model(rec, origin_alt_m)
    seen = look(model, flat, model.swept_arcs(0.0, model.scan_period_s))
    ok = np.zeros(flat.shape[0], dtype=bool)
    ok[seen.index] = True
    return ok.reshape(pos.shape[:-1])


def any_radar_covers(radars: list[Any], pip_m: np.ndarray, origin_alt_m: float) -> np.ndarray:
    """(...,) bool: some radar of ``radars`` covers the point (NaN points: False)."""
    ok = np.zeros(pip_m.shape[:-1], bool)
    finite = np.isfinite(pip_m).all(axis=-1)
    safe = np.where(finite[..., None], pip_m, 0.0)
    for rec in radars:
        ok |= radar_covers(rec, safe, origin_alt_m)
    return ok & finite


def channel_limits(radars: list[Any]) -> tuple[list[Any], np.ndarray, np.ndarray]:
    """The fire-control radars of a battery (those that guide missiles; all its radars,
    unlimited, when none is declared) with their missile and target channels (Rf,) each."""
    fire = [r for r in radars if r.type.max_guided_missiles > 0]
    if not fire:
        n = len(radars)
        return list(radars), np.full(n, UNLIMITED), np.full(n, UNLIMITED)
    missiles = np.array([r.type.max_guided_missiles for r in fire])
    targets = np.array([r.type.max_engaged_targets or UNLIMITED for r in fire])
    return fire, missiles, targets


def channels_used(
    fire_radars: list[Any], radar: np.ndarray, track: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Rounds guided and distinct tracks held by each fire-control radar, (Rf,) each, from
    the radar index and track number of each live commitment."""
    n = len(fire_radars)
    used_m, used_t = np.zeros(n, np.int64), np.zeros(n, np.int64)
    for k, rec in enumerate(fire_radars):
        on = radar == rec.index
        used_m[k] = np.count_nonzero(on)
        used_t[k] = np.unique(track[on]).size
    return used_m, used_t


def allocate_radars(
    fire_radars: list[Any],
    order_row: np.ndarray,
    order_target: np.ndarray,
    pips_m: np.ndarray,
    value: np.ndarray,
    free_m: np.ndarray,
    free_t: np.ndarray,
    origin_alt_m: float,
) -> np.ndarray:
    """(F,) the fire-control radar index (global) of each ordered round (``order_row``,
    ``order_target``), or -1 where none can take it: each engaged target (highest ``value``
    first) gets one radar that covers all its rounds' PIPs (``pips_m`` (R, T, 3)) and has
    missile and target channels free (``free_m``, ``free_t`` (Rf,), not modified)."""
    free_m, free_t = free_m.copy(), free_t.copy()
    out = np.full(order_row.size, -1, dtype=np.int64)
    targets = np.unique(order_target)
    for j in targets[np.argsort(-value[targets], kind="stable")]:
        mine = np.flatnonzero(order_target == j)
        pts = pips_m[order_row[mine], j]
        cover = np.array([radar_covers(r, pts, origin_alt_m).all() for r in fire_radars])
        ok = cover & (free_m >= mine.size) & (free_t >= 1)
        if not ok.any():
            continue
        k = int(np.argmax(np.where(ok, free_m, -1)))
        free_m[k] -= mine.size
        free_t[k] -= 1
        out[mine] = fire_radars[k].index
    return out


__all__ = [
    "UNLIMITED",
    "allocate_radars",
    "any_radar_covers",
    "channel_limits",
    "channels_used",
    "radar_covers",
]
