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


SECTOR_SCREEN_MARGIN_M = 1.0
"""Margin (m) by which both ends of a segment must lie beyond one edge of a radar's sector for
``sector_may_cover`` to rule the segment out (float rounding of points on it is far below)."""


def sector_may_cover(
    radars: list[Any], start_m: np.ndarray, end_m: np.ndarray, origin_alt_m: float
) -> np.ndarray:
    """(P,) bool: False only where no point of the segment from ``start_m`` to ``end_m``
    ((P, 3) ENU, m) lies in the azimuth arcs some radar of ``radars`` scans (the arcs
    ``radar_covers`` tests). A screen, conservative by construction: an arc of sweep under pi
    is the intersection of two half-planes through the antenna, each test linear in the
    point's east/north offset, so a segment whose two ends both lie beyond one of them (by
    ``SECTOR_SCREEN_MARGIN_M``) has no point in that arc. Wider arcs are never ruled out."""
    may = np.zeros(start_m.shape[0], bool)
    for rec in radars:
        ant, arcs = _screen_terms(rec, origin_alt_m)
        if arcs is None:
            return np.ones(start_m.shape[0], bool)
        e0, n0 = start_m[:, 0] - ant[0], start_m[:, 1] - ant[1]
        e1, n1 = end_m[:, 0] - ant[0], end_m[:, 1] - ant[1]
        m = -SECTOR_SCREEN_MARGIN_M
        for c, s, ce, se in arcs:
            before_start = (e0 * c - n0 * s < m) & (e1 * c - n1 * s < m)
            after_end = (n0 * se - e0 * ce < m) & (n1 * se - e1 * ce < m)
            may |= ~(before_start | after_end)
    return may


def sector_screen_arrays(
    radars: list[Any], origin_alt_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``sector_may_cover``'s terms as arrays for the compiled screen
    (``screen_kernel.tracks_may_pass``): the antennas (Q, 3) ENU m, every scanned arc's cos
    and sin of its start and end azimuths (A, 4), and each radar's end row in it (Q,); no
    radars and ``[-1]`` when some radar has an arc of pi or more (never ruled out)."""
    ants, arcs, ends = [], [], []
    for rec in radars:
        ant, rec_arcs = _screen_terms(rec, origin_alt_m)
        if rec_arcs is None:
            return np.empty((0, 3)), np.empty((0, 4)), np.array([-1], dtype=np.int64)
        ants.append(ant)
        arcs.extend(rec_arcs)
        ends.append(len(arcs))
    return (
        np.array(ants, dtype=float).reshape(-1, 3),
        np.array(arcs, dtype=float).reshape(-1, 4),
        np.array(ends, dtype=np.int64),
    )


_SCREENS: dict[tuple[int, float], tuple[Any, Any, Any]] = {}


def _screen_terms(rec: Any, origin_alt_m: float) -> tuple[np.ndarray, list[tuple] | None]:
    """Radar record ``rec``'s antenna position (3,) ENU m and, per scanned arc, the cosine and
    sine of its start and end azimuths (None: an arc of sweep pi or more, never ruled out);
    cached per record and origin height, as ``_radar_model``."""
    model = _radar_model(rec, origin_alt_m)
    key = (id(rec), float(origin_alt_m))
    hit = _SCREENS.get(key)
    if hit is None or hit[0] is not model:
        if len(_SCREENS) > 256:
            _SCREENS.clear()
        arcs: list[tuple] | None = []
        for start, sweep in model.swept_arcs(0.0, model.scan_period_s):
            if sweep >= np.pi:
                arcs = None
                break
            arcs.append(
                (np.cos(start), np.sin(start), np.cos(start + sweep), np.sin(start + sweep))
            )
        hit = _SCREENS[key] = (model, model.antenna_pos_m, arcs)
    return hit[1], hit[2]


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
    "SECTOR_SCREEN_MARGIN_M",
    "UNLIMITED",
    "allocate_radars",
    "any_radar_covers",
    "channel_limits",
    "channels_used",
    "radar_covers",
    "sector_may_cover",
]
