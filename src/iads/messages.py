"""Messages between the stages, and the status values every stage shares (defined once).

The bottom of the package: it imports NumPy only. Every message type is a frozen
struct-of-arrays ``Batch`` (one row per report, all columns the same length) with the same
``select`` / ``concat`` / ``columns`` / ``empty``. Stages never share state: a radar publishes
``Detections`` and ``Looks``, a tracker ``TrackReports``, a command post ``FireOrders``,
``Uplinks`` and ``EngagementStatus``, the weapons ``Launches`` and ``Detonations``; channels
(``iads.channels``) carry them with latency and loss. Frames: ENU metres about the scenario
origin; times in seconds from the scenario start; ``unit`` is a unit index (battery or
standalone sensor, ``iads.sim.world.World.units``); track numbers are unique in a run.

Truth labels (``Detections.truth_id``, ``Detonations.target_truth_id``) exist for scoring and
the event log only: no decision reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache, cached_property
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray

# --- status values (one definition each) ---------------------------------------------------

WAITING = np.int8(0)
"""Threat not launched yet (position NaN)."""
FLYING = np.int8(1)
"""Threat in flight: the only status radars see."""
KILLED = np.int8(2)
"""Threat destroyed by an interceptor (the end game sets it)."""
REACHED = np.int8(3)
"""Threat reached an asset: a leaker."""
EXPIRED = np.int8(4)
"""Threat's route ended away from any asset (or out of fuel)."""
STATUS_NAMES = ("waiting", "flying", "killed", "reached", "expired")
"""Threat status code -> name."""

HOSTILE = np.int8(0)
SUSPECT = np.int8(1)
UNKNOWN = np.int8(2)
NEUTRAL = np.int8(3)
FRIENDLY = np.int8(4)
ALLEGIANCE_NAMES = ("hostile", "suspect", "unknown", "neutral", "friendly")
"""Track identity code -> name (STANAG 1241 standard identities, pending and assumed friend
folded into unknown and friendly)."""

REPLY_CIVIL = np.int8(0)
"""Cooperative report: an IFF reply in a civil or plain military mode (1, 2, 3/A, C)."""
REPLY_SECURE = np.int8(1)
"""Cooperative report: a cryptographically secured IFF reply (mode 4 or 5)."""
ADSB = np.int8(2)
"""Cooperative report: an ADS-B position broadcast."""
REPORT_KIND_NAMES = ("reply_civil", "reply_secure", "adsb")

ENGAGING = np.int8(0)
"""Engagement status: interceptors committed to the track (queued or in flight)."""
COMPLETE = np.int8(1)
"""Engagement status: the last interceptor's outcome is known (``Detonations``)."""
ENGAGEMENT_NAMES = ("engaging", "complete")


def empty_column(dtype: Any = float, shape: tuple[int, ...] = ()) -> Any:
    """A dataclass field defaulting to an empty column of ``dtype`` with row ``shape``."""
    return field(default_factory=lambda: np.empty((0, *shape), dtype=dtype))


def _empty(shape: tuple[int, ...] = (), dtype: Any = float) -> Any:
    return empty_column(dtype, shape)


@cache
def _names(cls: type) -> tuple[str, ...]:
    """The field names of dataclass ``cls``, in order (``fields`` rebuilds them per call)."""
    return tuple(f.name for f in fields(cls))


def built(cls: type, cols: dict[str, Any]) -> Any:
    """A batch of ``cls`` holding ``cols`` (every field, unchecked), as ``cls(**cols)`` makes
    it (the message types have no ``__post_init__``) without the frozen ``__init__``'s
    per-field ``object.__setattr__``: a select, a concat or a frame's batch on a few rows paid
    more for those than for its arrays. For hot paths only; elsewhere call ``cls(...)``."""
    obj = object.__new__(cls)
    obj.__dict__.update(cols)
    return obj


class Batch:
    """Base of the message types: a frozen dataclass of equal-length array columns."""

    def __len__(self) -> int:
        return int(getattr(self, _names(type(self))[0]).shape[0])

    @classmethod
    def empty(cls) -> Self:
        """A batch with no rows."""
        return cls()

    @classmethod
    def concat(cls, parts: list[Self]) -> Self:
        """All rows of ``parts``, in order."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls()
        if len(parts) == 1:
            return parts[0]
        return built(cls, {n: np.concatenate([getattr(p, n) for p in parts]) for n in _names(cls)})

    def select(self, mask: ArrayLike) -> Self:
        """The rows where ``mask`` (bool or index array) selects."""
        cols = self.__dict__
        return built(type(self), {n: cols[n][mask] for n in _names(type(self))})

    def columns(self) -> dict[str, NDArray]:
        """Every field as a column."""
        return {n: getattr(self, n) for n in _names(type(self))}


@dataclass(frozen=True)
class Detections(Batch):
    """Radar plots (M rows) of one or more radar steps.

    ``azimuth_rad`` clockwise from north in [0, 2 pi), ``elevation_rad`` above the radar's
    horizontal, ``range_rate_mps`` positive when opening (NaN when not measured), ``snr_db``
    the look's integrated SNR (dB), ``sensor_id`` the radar, ``sigma_*`` the 1-sigma errors.
    ``truth_id``: the threat that caused the plot (-1: false alarm); scoring only.
    ``sigma_range_rate_mps`` is NaN on the rows of radars that do not measure range rate.
    """

    time_s: NDArray[np.float64] = _empty()
    range_m: NDArray[np.float64] = _empty()
    azimuth_rad: NDArray[np.float64] = _empty()
    elevation_rad: NDArray[np.float64] = _empty()
    range_rate_mps: NDArray[np.float64] = _empty()
    snr_db: NDArray[np.float64] = _empty()
    truth_id: NDArray[np.int64] = _empty(dtype=np.int64)
    sensor_id: NDArray[np.int64] = _empty(dtype=np.int64)
    sigma_range_m: NDArray[np.float64] = _empty()
    sigma_azimuth_rad: NDArray[np.float64] = _empty()
    sigma_elevation_rad: NDArray[np.float64] = _empty()
    sigma_range_rate_mps: NDArray[np.float64] = _empty()
    """1-sigma range-rate error (m/s); NaN where the radar does not measure range rate."""


@dataclass(frozen=True)
class Looks(Batch):
    """Which sensor swept which azimuth arc when (L rows): ``sensor_id`` swept
    [``start_rad``, ``start_rad + sweep_rad``) clockwise from north during
    [``time_s``, ``time_s + duration_s``), out to its instrumented range. A tracker counts a
    track as looked at (hit or miss) only when a look covered it."""

    time_s: NDArray[np.float64] = _empty()
    duration_s: NDArray[np.float64] = _empty()
    sensor_id: NDArray[np.int64] = _empty(dtype=np.int64)
    start_rad: NDArray[np.float64] = _empty()
    sweep_rad: NDArray[np.float64] = _empty()


@dataclass(frozen=True)
class TrackReports(Batch):
    """A unit's tracks (K rows) at ``time_s``: ``x`` (K, 6) ENU [x, y, z, vx, vy, vz] (m, m/s)
    and ``P`` (K, 6, 6) its covariance; ``source_unit`` the unit that holds the track and
    ``track_number`` its number (unique in the run); ``quality`` the number of plots the track
    has taken; ``identity`` an allegiance code; ``t_confirmed_s`` when it was confirmed."""

    time_s: NDArray[np.float64] = _empty()
    source_unit: NDArray[np.int64] = _empty(dtype=np.int64)
    track_number: NDArray[np.int64] = _empty(dtype=np.int64)
    x: NDArray[np.float64] = _empty((6,))
    P: NDArray[np.float64] = _empty((6, 6))
    quality: NDArray[np.float64] = _empty()
    identity: NDArray[np.int8] = _empty(dtype=np.int8)
    t_confirmed_s: NDArray[np.float64] = _empty()

    @cached_property
    def position_std_m(self) -> NDArray[np.float64]:
        """(K,) sqrt(trace) of the position covariance (m); computed once per batch (the
        tracker's reports are read by the scoring and the post each frame), read-only."""
        P = self.P  # the diagonal summed in np.trace's order: (P00 + P11) + P22
        std = np.sqrt(P[:, 0, 0] + P[:, 1, 1] + P[:, 2, 2])
        std.setflags(write=False)
        return std


@dataclass(frozen=True)
class CooperativeReports(Batch):
    """What one interrogation and ADS-B reception cycle of battery ``unit`` received (C
    rows; an empty batch: the cycle ran and nothing answered): at ``time_s`` a report of
    ``kind`` (``REPLY_CIVIL`` / ``REPLY_SECURE`` / ``ADSB``) placing its transponder at
    ``pos_m`` (C, 3) ENU with ``position_std_m`` (sqrt of the covariance trace, m).
    ``truth_id``: the aircraft that sent it; scoring only."""

    time_s: NDArray[np.float64] = _empty()
    unit: NDArray[np.int64] = _empty(dtype=np.int64)
    kind: NDArray[np.int8] = _empty(dtype=np.int8)
    pos_m: NDArray[np.float64] = _empty((3,))
    position_std_m: NDArray[np.float64] = _empty()
    truth_id: NDArray[np.int64] = _empty(dtype=np.int64)


@dataclass(frozen=True)
class EngagementStatus(Batch):
    """What a command post is engaging (E rows): its ``unit``, the ``track_number`` in its own
    picture, the target estimate ``pos_m`` / ``vel_mps`` (E, 3) at ``time_s`` and its
    position sigma (m), the ``state`` (``ENGAGING`` / ``COMPLETE``), the interceptors
    committed and ``since_s``, when the unit ordered its first round still live on the track
    (the tie-break of coordinated networks: the earlier engagement keeps the target). Other
    units correlate these to their own tracks to avoid double engagement."""

    time_s: NDArray[np.float64] = _empty()
    unit: NDArray[np.int64] = _empty(dtype=np.int64)
    track_number: NDArray[np.int64] = _empty(dtype=np.int64)
    pos_m: NDArray[np.float64] = _empty((3,))
    vel_mps: NDArray[np.float64] = _empty((3,))
    position_std_m: NDArray[np.float64] = _empty()
    state: NDArray[np.int8] = _empty(dtype=np.int8)
    interceptors: NDArray[np.int64] = _empty(dtype=np.int64)
    since_s: NDArray[np.float64] = _empty()


@dataclass(frozen=True)
class FireOrders(Batch):
    """Rounds a command post commits (F rows): launcher ``unit`` of battery ``battery`` (rows
    of its launcher bank, at launcher site ``launcher``), ``interceptor_type`` (catalog name),
    leaving at ``launch_time_s`` toward ``pip_m`` (F, 3) to arrive ``tof_s`` later, guided by
    fire-control radar ``radar``; ``order_id`` is unique in the run and names the round in
    every later message; aimed at ``track_number`` whose estimate at ``time_s`` is
    ``aim_pos_m`` / ``aim_vel_mps`` with sigma ``aim_std_m``; ``planned_pk`` the planning Pk."""

    time_s: NDArray[np.float64] = _empty()
    order_id: NDArray[np.int64] = _empty(dtype=np.int64)
    battery: NDArray[np.int64] = _empty(dtype=np.int64)
    launcher_unit: NDArray[np.int64] = _empty(dtype=np.int64)
    launcher: NDArray[np.int64] = _empty(dtype=np.int64)
    bank_kind: NDArray[np.int64] = _empty(dtype=np.int64)
    interceptor_type: NDArray[np.object_] = _empty(dtype=object)
    radar: NDArray[np.int64] = _empty(dtype=np.int64)
    track_number: NDArray[np.int64] = _empty(dtype=np.int64)
    launch_time_s: NDArray[np.float64] = _empty()
    tof_s: NDArray[np.float64] = _empty()
    pip_m: NDArray[np.float64] = _empty((3,))
    aim_pos_m: NDArray[np.float64] = _empty((3,))
    aim_vel_mps: NDArray[np.float64] = _empty((3,))
    aim_std_m: NDArray[np.float64] = _empty()
    planned_pk: NDArray[np.float64] = _empty()


@dataclass(frozen=True)
class Uplinks(Batch):
    """Midcourse updates (U rows, one per round in flight): battery ``battery``'s latest
    estimate at ``time_s`` (``pos_m``, ``vel_mps`` (U, 3), sigma ``position_std_m``) of
    ``track_number``, the track round ``order_id`` now flies at (it can differ from the track
    it was fired at: a remote track fused into an own one hands the round over)."""

    time_s: NDArray[np.float64] = _empty()
    battery: NDArray[np.int64] = _empty(dtype=np.int64)
    order_id: NDArray[np.int64] = _empty(dtype=np.int64)
    track_number: NDArray[np.int64] = _empty(dtype=np.int64)
    pos_m: NDArray[np.float64] = _empty((3,))
    vel_mps: NDArray[np.float64] = _empty((3,))
    position_std_m: NDArray[np.float64] = _empty()


@dataclass(frozen=True)
class Cancels(Batch):
    """Orders a command post withdraws before launch (C rows): ``order_id`` of ``battery``
    (its track dropped, or was assessed killed, before the round left)."""

    time_s: NDArray[np.float64] = _empty()
    battery: NDArray[np.int64] = _empty(dtype=np.int64)
    order_id: NDArray[np.int64] = _empty(dtype=np.int64)


@dataclass(frozen=True)
class Launches(Batch):
    """Rounds that left their launcher (N rows), or were cancelled before (``cancelled``:
    the command post withdrew the order; the round goes back to its launcher unit)."""

    time_s: NDArray[np.float64] = _empty()
    order_id: NDArray[np.int64] = _empty(dtype=np.int64)
    interceptor_id: NDArray[np.int64] = _empty(dtype=np.int64)
    battery: NDArray[np.int64] = _empty(dtype=np.int64)
    launcher_unit: NDArray[np.int64] = _empty(dtype=np.int64)
    bank_kind: NDArray[np.int64] = _empty(dtype=np.int64)
    track_number: NDArray[np.int64] = _empty(dtype=np.int64)
    cancelled: NDArray[np.bool_] = _empty(dtype=bool)


@dataclass(frozen=True)
class Detonations(Batch):
    """Interceptor outcomes (D rows): at ``time_s`` interceptor ``interceptor_id`` of
    ``battery``, fired at ``track_number``, ended at ``pos_m`` with ``miss_m`` to the object
    it met (NaN: it met none). ``kill_assessed``: what the engaging radar reports (a kill
    seen as a kill); ``target_truth_id``: the real object met (-1: none), scoring only."""

    time_s: NDArray[np.float64] = _empty()
    order_id: NDArray[np.int64] = _empty(dtype=np.int64)
    interceptor_id: NDArray[np.int64] = _empty(dtype=np.int64)
    battery: NDArray[np.int64] = _empty(dtype=np.int64)
    track_number: NDArray[np.int64] = _empty(dtype=np.int64)
    pos_m: NDArray[np.float64] = _empty((3,))
    miss_m: NDArray[np.float64] = _empty()
    kill_assessed: NDArray[np.bool_] = _empty(dtype=bool)
    target_truth_id: NDArray[np.int64] = _empty(dtype=np.int64)


__all__ = [
    "ADSB",
    "built",
    "ALLEGIANCE_NAMES",
    "REPLY_CIVIL",
    "REPLY_SECURE",
    "REPORT_KIND_NAMES",
    "CooperativeReports",
    "COMPLETE",
    "ENGAGEMENT_NAMES",
    "ENGAGING",
    "EXPIRED",
    "FLYING",
    "FRIENDLY",
    "HOSTILE",
    "KILLED",
    "NEUTRAL",
    "REACHED",
    "STATUS_NAMES",
    "SUSPECT",
    "UNKNOWN",
    "WAITING",
    "Batch",
    "empty_column",
    "Cancels",
    "Detections",
    "Detonations",
    "EngagementStatus",
    "FireOrders",
    "Launches",
    "Looks",
    "TrackReports",
    "Uplinks",
]
