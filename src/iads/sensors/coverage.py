"""Coverage: where a radar detects a given target, and where a battery can engage it.

A point (ground range g from the site, altitude h, azimuth az) is *covered* when all of:
the line of sight clears the 4/3 earth, the slant range lies in [min_range, instrumented
range], the apparent elevation lies in the radar's elevation limits, the azimuth lies in its
scan sector, and the single-pulse SNR of a target of RCS σ reaches the SNR that gives the
wanted Pd (exact, ``detection.required_snr_db`` for the target's Swerling case and the
radar's Pfa and pulses). It is *engageable* when, in addition, it lies inside an interceptor
envelope (slant range and altitude limits around a launcher), given as plain numbers.

- ``vertical_coverage``: the classic vertical coverage diagram, for each altitude the
  shortest and longest covered slant range (flat terrain, so independent of azimuth).
- ``footprint``: the horizontal footprint at one altitude on a polar grid (default 1° × 1 km),
  as a boolean grid and as the covered interval [min, max] of ground range per azimuth. With
  ``terrain`` (``iads.terrain.LocalTerrain``) a cell is also masked where the terrain rises
  above the ray to it (the path-profile test the radars use in a run, solved for the lowest
  visible height along each radial: ``LocalTerrain.masking_height_m``).
- ``guides_interceptors``: only a radar that can guide missiles (``max_guided_missiles > 0``)
  has an engagement footprint; an acquisition radar only cues.
- ``footprint_outline`` and ``vertical_outline``: closed polygons to draw them (a sector
  footprint is a wedge closed back to the site, not an open arc).

No lobing, antenna elevation pattern or clutter is modelled, and the vertical diagram is on the
smooth earth (docs/sensors.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.scenario.equipment import RadarType
from iads.sensors import geometry
from iads.sensors.detection import required_snr_db
from iads.sensors.radar import RadarModel, visible
from iads.sensors.radar_equation import snr_db_at

if TYPE_CHECKING:
    from iads.terrain import LocalTerrain

DEFAULT_ALTITUDES_M = np.unique(
    np.concatenate([np.arange(0.0, 1000.0, 25.0), np.arange(1000.0, 30_001.0, 250.0)])
)
"""Altitudes of the vertical coverage diagram: 25 m steps to 1 km, then 250 m to 30 km."""


@dataclass(frozen=True)
class EngagementEnvelope:
    """Interceptor reach around a launcher (ENU m): slant range and altitude limits.

    Flat geometry about the launcher (adequate within an interceptor's reach); altitudes are
    heights above the (flat, 0 m) ground, as in scenario files.
    """

    launcher_pos_m: tuple[float, float, float]
    min_range_m: float
    max_range_m: float
    min_altitude_m: float
    max_altitude_m: float

    def contains(self, pos_m: NDArray[np.float64], altitude_m: ArrayLike) -> NDArray[np.bool_]:
        """True where points (..., 3) ENU at heights ``altitude_m`` lie inside the envelope."""
        d = pos_m - np.asarray(self.launcher_pos_m, dtype=float)
        r = np.sqrt(np.sum(d * d, axis=-1))
        alt = np.asarray(altitude_m, dtype=float)
        return (
            (r >= self.min_range_m)
            & (r <= self.max_range_m)
            & (alt >= self.min_altitude_m)
            & (alt <= self.max_altitude_m)
        )


@dataclass(frozen=True)
class VerticalCoverage:
    """Per altitude (A,): shortest and longest covered slant range and the longest covered
    ground range (m); NaN where the radar does not cover that altitude at all."""

    altitude_m: NDArray[np.float64]
    min_range_m: NDArray[np.float64]
    max_range_m: NDArray[np.float64]
    max_ground_range_m: NDArray[np.float64]


def covered(
    radar: RadarModel,
    ground_range_m: ArrayLike,
    altitude_m: ArrayLike,
    rcs_m2: float,
    required_db: float,
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Covered mask and slant range (m) at ground ranges and altitudes (broadcast together),
    azimuth aside. ``required_db`` is the single-pulse SNR needed (dB)."""
    g = np.asarray(ground_range_m, dtype=float)
    h = np.asarray(altitude_m, dtype=float)
    g, h = np.broadcast_arrays(g, h)
    r, el = geometry.slant_geometry(g, radar.antenna_alt_m, h)
    safe_r = np.maximum(r, 1e-3)
    strong = snr_db_at(radar.snr_constant_db, safe_r, rcs_m2) >= required_db
    return visible(radar, r, el, h) & strong, r


def radial_extent(mask: NDArray[np.bool_], values: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
    """First and last ``values`` (last axis) where ``mask`` is True; NaN where none."""
    any_ = mask.any(axis=-1)
    n = mask.shape[-1]
    first = np.argmax(mask, axis=-1)
    last = n - 1 - np.argmax(mask[..., ::-1], axis=-1)
    lo = np.where(any_, values[first], np.nan)
    hi = np.where(any_, values[last], np.nan)
    return lo, hi


def vertical_coverage(
    radar: RadarModel,
    rcs_m2: float = 1.0,
    pd: float = 0.9,
    swerling: int = 1,
    altitude_m: ArrayLike | None = None,
    range_step_m: float = 100.0,
) -> VerticalCoverage:
    """Vertical coverage diagram of ``radar`` for a target of ``rcs_m2`` at ``pd``
    (ground range sampled every ``range_step_m``; module docstring for the conditions)."""
    alt = DEFAULT_ALTITUDES_M if altitude_m is None else np.asarray(altitude_m, dtype=float)
    need = float(required_snr_db(pd, radar.pfa, radar.n_pulses, swerling))
    g = np.arange(0.0, radar.instrumented_range_m + range_step_m, range_step_m)
    mask, r = covered(radar, g[None, :], alt[:, None], rcs_m2, need)
    any_ = mask.any(axis=1)
    r_hi = np.where(mask, r, -np.inf).max(axis=1)
    r_lo = np.where(mask, r, np.inf).min(axis=1)
    _, g_hi = radial_extent(mask, g)
    return VerticalCoverage(
        altitude_m=alt,
        min_range_m=np.where(any_, r_lo, np.nan),
        max_range_m=np.where(any_, r_hi, np.nan),
        max_ground_range_m=g_hi,
    )


@dataclass(frozen=True)
class Footprint:
    """Horizontal footprint of one radar at one altitude on a polar grid around its site.

    ``azimuth_rad`` (A,) cell centres, ``ground_range_m`` (R,) cell centres, ``detect`` and
    ``engage`` (A, R) masks; ``detect_min_m``/``detect_max_m`` and ``engage_min_m``/
    ``engage_max_m`` (A,) the covered ground-range interval per azimuth (NaN if none).
    """

    altitude_m: float
    azimuth_rad: NDArray[np.float64]
    ground_range_m: NDArray[np.float64]
    detect: NDArray[np.bool_]
    engage: NDArray[np.bool_]
    detect_min_m: NDArray[np.float64]
    detect_max_m: NDArray[np.float64]
    engage_min_m: NDArray[np.float64]
    engage_max_m: NDArray[np.float64]


def footprint(
    radar: RadarModel,
    altitude_m: float,
    rcs_m2: float = 1.0,
    pd: float = 0.9,
    swerling: int = 1,
    envelope: EngagementEnvelope | Sequence[EngagementEnvelope] | None = None,
    azimuth_step_deg: float = 1.0,
    range_step_m: float = 1000.0,
    required_db: float | None = None,
    terrain: LocalTerrain | None = None,
) -> Footprint:
    """Detection (and engagement, if ``envelope`` is given) footprint at ``altitude_m``
    (m above sea level, the sphere).

    Several envelopes (launchers of a battery) engage where any of them reaches. ``terrain``
    (``iads.terrain.LocalTerrain`` in the scenario frame; None: the smooth earth) masks the
    cells whose ray it blocks.

    Grid: azimuth cells of ``azimuth_step_deg`` and ground-range cells of ``range_step_m``
    out to the instrumented range, evaluated at cell centres.
    """
    need = (
        float(required_snr_db(pd, radar.pfa, radar.n_pulses, swerling))
        if required_db is None
        else required_db
    )
    az = np.radians(np.arange(0.5 * azimuth_step_deg, 360.0, azimuth_step_deg))
    g = np.arange(0.5 * range_step_m, radar.instrumented_range_m, range_step_m)
    radial, _ = covered(radar, g, altitude_m, rcs_m2, need)
    sector = geometry.in_sector(az, radar.boresight_rad, radar.sector_width_rad)
    detect = sector[:, None] & radial[None, :]
    if terrain is not None:
        lowest = terrain.masking_height_m(
            radar.antenna_pos_m[:2],
            radar.antenna_alt_m,
            az,
            g,
            geometry.EFFECTIVE_EARTH_RADIUS_M,
        )
        detect &= altitude_m > lowest
    envelopes = [envelope] if isinstance(envelope, EngagementEnvelope) else list(envelope or [])
    engage = np.zeros_like(detect)
    if envelopes:
        site = radar.site_pos_m
        pos = np.empty(detect.shape + (3,))
        pos[..., 0] = site[0] + np.sin(az)[:, None] * g[None, :]
        pos[..., 1] = site[1] + np.cos(az)[:, None] * g[None, :]
        site_alt_m = radar.antenna_alt_m - radar.antenna_height_m
        pos[..., 2] = site[2] - site_alt_m + altitude_m  # frame z of that height above ground
        for env in envelopes:
            engage |= env.contains(pos, altitude_m)
        engage &= detect
    d_lo, d_hi = radial_extent(detect, g)
    e_lo, e_hi = radial_extent(engage, g)
    return Footprint(float(altitude_m), az, g, detect, engage, d_lo, d_hi, e_lo, e_hi)


def guides_interceptors(radar: RadarType) -> bool:
    """True if ``radar`` can guide interceptors (``max_guided_missiles > 0``), the same rule
    the fire control uses to pick its fire-control radars. Only such a radar has an
    engagement footprint; an acquisition radar (``max_guided_missiles == 0``) only cues."""
    return radar.max_guided_missiles > 0


def _runs(valid: NDArray[np.bool_]) -> list[NDArray[np.intp]]:
    """Index runs of consecutive True cells on a circular axis (a run may wrap past the end)."""
    n = valid.size
    if valid.all():
        return [np.arange(n)]
    start = int(np.argmin(valid))  # a False cell: no run crosses it
    order = (start + np.arange(n)) % n
    runs, current = [], []
    for i in order:
        if valid[i]:
            current.append(i)
        elif current:
            runs.append(np.array(current))
            current = []
    if current:
        runs.append(np.array(current))
    return runs


def footprint_outline(
    azimuth_rad: ArrayLike,
    min_range_m: ArrayLike,
    max_range_m: ArrayLike,
    site_radius_m: float = 0.0,
) -> NDArray[np.float64]:
    """Closed outline(s) of a footprint, as (K, 2) east/north offsets from the site (m).

    ``azimuth_rad`` (A,) are equally spaced cell centres covering the full circle (as in
    ``Footprint``); ``min_range_m``/``max_range_m`` (A,) the covered ground-range interval per
    azimuth, NaN where none. Each run of covered azimuths becomes one closed polygon: the
    outer arc, extended half a cell at both ends (the sector's edge), then the inner arc back
    (the site itself where the inner range is at most ``site_radius_m``), then the first point
    again. A sector footprint is therefore a closed wedge site -> arc -> site. A full circle
    is the outer ring, closed, and the inner ring where the inner range exceeds
    ``site_radius_m`` somewhere. Polygons are separated by a row of NaN (a pen lift).
    """
    az = np.asarray(azimuth_rad, dtype=float)
    lo = np.asarray(min_range_m, dtype=float)
    hi = np.asarray(max_range_m, dtype=float)
    valid = np.isfinite(hi)
    if not valid.any():
        return np.empty((0, 2))
    step = 2 * np.pi / az.size
    inner = np.where(np.nan_to_num(lo) <= site_radius_m, 0.0, lo)
    pieces: list[NDArray[np.float64]] = []

    def ring(a: NDArray, r: NDArray) -> NDArray[np.float64]:
        return np.column_stack([np.sin(a) * r, np.cos(a) * r])

    if valid.all():
        closed = np.append(np.arange(az.size), 0)
        pieces.append(ring(az[closed], hi[closed]))
        if (inner > 0).any():
            pieces.append(ring(az[closed], inner[closed]))
    else:
        for idx in _runs(valid):
            a = np.concatenate([[az[idx[0]] - step / 2], az[idx], [az[idx[-1]] + step / 2]])
            outer = ring(a, np.concatenate([[hi[idx[0]]], hi[idx], [hi[idx[-1]]]]))
            r_in = np.concatenate([[inner[idx[0]]], inner[idx], [inner[idx[-1]]]])
            back = np.zeros((1, 2)) if not (r_in > 0).any() else ring(a[::-1], r_in[::-1])
            pieces.append(np.vstack([outer, back, outer[:1]]))
    out: list[NDArray[np.float64]] = []
    for k, piece in enumerate(pieces):
        if k:
            out.append(np.full((1, 2), np.nan))
        out.append(piece)
    return np.vstack(out)


def vertical_outline(vc: VerticalCoverage) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The covered region of a vertical coverage diagram as one closed polygon: slant range
    (m) and altitude (m), (K,) each: up the inner edge (shortest range: the radar's minimum
    range, then the maximum-elevation line), down the outer edge (horizon-limited low,
    detection- or instrumented-range-limited above), back to the start. Altitudes the radar
    does not cover are left out (empty arrays if none)."""
    ok = np.isfinite(vc.max_range_m)
    h = vc.altitude_m[ok]
    if h.size == 0:
        return np.empty(0), np.empty(0)
    r = np.concatenate([vc.min_range_m[ok], vc.max_range_m[ok][::-1], vc.min_range_m[ok][:1]])
    return r, np.concatenate([h, h[::-1], h[:1]])


__all__ = [
    "DEFAULT_ALTITUDES_M",
    "EngagementEnvelope",
    "Footprint",
    "VerticalCoverage",
    "covered",
    "footprint",
    "footprint_outline",
    "guides_interceptors",
    "radial_extent",
    "vertical_coverage",
    "vertical_outline",
]
