"""Tracking in the simulation: one ``TrackerSystem`` per battery's command post.

Wiring only (the estimation is ``iads.tracking.tracker``). It reads the world by duck typing
(this package does not import ``iads.sim``): ``world.batteries[b].radars``, ``world.radars``,
``world.detections`` (radar index -> list of ``iads.sensors.radar.Detections``, consumed and
cleared here), ``world.threats`` (``pos_m``, ``active``, ``id``), ``world.log``,
``world.tracks`` (written: battery index -> ``TrackPicture``).

Every ``period_s`` (a frame) the plots of the battery's radars are fused at measurement level,
in time order, each plot with its own sensor position and noise. Rotating and sector radars
look at only part of the sky per tick, so at the end of a frame a track is counted hit or
missed only if some radar's beam swept over it during the frame (within the radar's range);
tracks nobody looked at keep their M-of-N history.

Scoring, not fire control: each confirmed track is matched to the truth threat nearest to it
(optimal assignment, within ``TRUTH_GATE_M`` or 5 position sigmas) among the threats this
battery's radars detected within the last ``SEEN_WINDOW_SCANS`` scans, to log the first
``track`` event of each threat (entity = threat id, other = track id) and to label the
picture. A track is never credited to a threat its battery has not seen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from iads.sensors.capacity import select_within_capacity
from iads.sensors.geometry import in_swept_arc, range_azimuth_elevation
from iads.sensors.radar import Detections, RadarModel
from iads.sensors.system import RadarSystem
from iads.tracking.tracker import (
    Plots,
    TrackerConfig,
    TrackerState,
    initial_state,
    tracker_manage,
    tracker_update,
)

TRUTH_GATE_M = 3_000.0
"""Largest distance (m) at which a track is taken to follow a threat, for scoring."""
SEEN_WINDOW_SCANS = 3
"""A threat can be matched to a track only if one of the battery's radars detected it within
this many of its slowest radar's scan periods."""
TRACK_ID_STRIDE = 1_000_000_000
"""Published track ids are ``battery * TRACK_ID_STRIDE + id``: unique across a run's batteries
(each tracker counts from 1)."""
TENTATIVE_POOL_FACTOR = 20
"""The track processor holds up to this many times the radar's track capacity in tentative
tracks (clutter starts many; the published capacity counts the targets held in the picture)."""


@dataclass(frozen=True)
class TrackPicture:
    """A battery's air picture at ``t_s``: its confirmed tracks (K rows).

    ``x`` (K, 6) ENU state [x, y, z, vx, vy, vz] (m, m/s) and ``P`` (K, 6, 6) at ``t_s``;
    ``track_id`` (K,) unique across the run's batteries (``TRACK_ID_STRIDE``);
    ``truth_id`` (K,) the threat id each track follows (-1: none; for scoring only);
    ``confirmed`` (K,) is all True (a picture holds confirmed tracks only).
    """

    t_s: float
    track_id: NDArray[np.int64]
    x: NDArray[np.float64]
    P: NDArray[np.float64]
    truth_id: NDArray[np.int64]
    t_confirmed_s: NDArray[np.float64]

    @property
    def confirmed(self) -> NDArray[np.bool_]:
        """(K,) all True."""
        return np.ones(self.track_id.shape[0], dtype=bool)

    def __len__(self) -> int:
        return int(self.track_id.shape[0])


class TrackHistory(Mapping):
    """The confirmed tracks of every frame as columns (``world.tables["tracks"]``), appended
    per frame and concatenated only when read (the results store reads it once at the end).

    Columns: ``time_s``, ``battery``, ``track_id``, ``x_m``, ``y_m``, ``z_m``, ``vx_mps``,
    ``vy_mps``, ``vz_mps`` (ENU), ``position_std_m``, ``truth_id`` (-1: none).
    """

    COLUMNS = (
        "time_s",
        "battery",
        "track_id",
        "x_m",
        "y_m",
        "z_m",
        "vx_mps",
        "vy_mps",
        "vz_mps",
        "position_std_m",
        "truth_id",
    )

    def __init__(self) -> None:
        self._chunks: list[dict[str, np.ndarray]] = []
        self._cache: dict[str, np.ndarray] | None = None

    def append(self, battery: int, picture: TrackPicture) -> None:
        """Add the rows of one battery's picture."""
        if len(picture) == 0:
            return
        x, k = picture.x, len(picture)
        self._chunks.append(
            {
                "time_s": np.full(k, picture.t_s),
                "battery": np.full(k, battery, dtype=np.int64),
                "track_id": picture.track_id,
                "x_m": x[:, 0],
                "y_m": x[:, 1],
                "z_m": x[:, 2],
                "vx_mps": x[:, 3],
                "vy_mps": x[:, 4],
                "vz_mps": x[:, 5],
                "position_std_m": np.sqrt(np.trace(picture.P[:, :3, :3], axis1=1, axis2=2)),
                "truth_id": picture.truth_id,
            }
        )
        self._cache = None

    def _columns(self) -> dict[str, np.ndarray]:
        if self._cache is None:
            self._cache = {c: np.concatenate([ch[c] for ch in self._chunks]) for c in self.COLUMNS}
        return self._cache

    def __getitem__(self, name: str) -> np.ndarray:
        return self._columns()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.COLUMNS if self._chunks else ())

    def __len__(self) -> int:
        return len(self.COLUMNS) if self._chunks else 0


def clutter_density(models: list[RadarModel]) -> float:
    """False plots per (m rad^2) of (range, azimuth, elevation) for one look over a volume:
    Pfa per resolution cell over the cell's size, ``Pfa / (dR theta_az theta_el)``; the
    densest of ``models``."""
    return max(
        m.pfa / (m.range_resolution_m * m.beamwidth_az_rad * m.beamwidth_el_rad) for m in models
    )


def _plots(det: Detections, radars: list[Any]) -> Plots:
    n = len(det)
    R = np.zeros((n, 3, 3))
    R[:, 0, 0] = det.sigma_range_m**2
    R[:, 1, 1] = det.sigma_azimuth_rad**2
    R[:, 2, 2] = det.sigma_elevation_rad**2
    antenna_m = np.array([r.pos_m for r in radars]).reshape(-1, 3)  # row = radar index
    return Plots.from_polar(
        det.range_m, det.azimuth_rad, det.elevation_rad, R, antenna_m[det.sensor_id]
    )


def _swept(
    models: list[RadarModel],
    steps_s: tuple[float, ...],
    pos_m: np.ndarray,
    t_s: float,
    dt_s: float,
) -> np.ndarray:
    """(K,) bool: some radar's beam swept over ``pos_m`` (K, 3) in the steps whose plots this
    frame consumed. A radar stepping every ``step`` s acts at multiples of ``step`` and stamps a
    step's plots with its start, so the frame (t - dt, t] holds the steps starting at
    n0 step ... n1 step, which swept [n0 step, (n1 + 1) step)."""
    seen = np.zeros(pos_m.shape[0], dtype=bool)
    for m, step in zip(models, steps_s, strict=True):
        n0 = int(np.floor((t_s - dt_s) / step + 1e-9)) + 1
        n1 = int(np.floor(t_s / step + 1e-9))
        if n1 < n0:
            continue  # this radar did not step during the frame
        rng, az, _ = range_azimuth_elevation(pos_m, m.antenna_pos_m)
        in_range = (rng >= m.min_range_m) & (rng <= m.instrumented_range_m)
        for start, sweep in m.swept_arcs(n0 * step, (n1 - n0 + 1) * step):
            seen |= in_range & in_swept_arc(az, start, sweep)
    return seen


def match_truth(
    track_pos_m: np.ndarray, track_std_m: np.ndarray, truth_pos_m: np.ndarray
) -> np.ndarray:
    """For each track (K, 3) the row of its truth in ``truth_pos_m`` (T, 3) or -1: optimal
    one-to-one assignment on distance, pairs farther than max(TRUTH_GATE_M, 5 sigma) refused."""
    out = np.full(track_pos_m.shape[0], -1, dtype=np.int64)
    if track_pos_m.shape[0] == 0 or truth_pos_m.shape[0] == 0:
        return out
    d = np.linalg.norm(track_pos_m[:, None, :] - truth_pos_m[None, :, :], axis=-1)
    gate = np.maximum(TRUTH_GATE_M, 5.0 * track_std_m)[:, None]
    cost = np.where(d <= gate, d, 1e12)
    rows, cols = linear_sum_assignment(cost)
    ok = cost[rows, cols] < 1e12
    out[rows[ok]] = cols[ok]
    return out


@dataclass
class TrackerSystem:
    """The tracker of battery ``battery`` as an engine ``System``."""

    battery: int
    radar_indices: tuple[int, ...]
    models: list[RadarModel]
    radar_steps_s: tuple[float, ...]
    config: TrackerConfig
    capacity: int
    name: str
    period_s: float = 1.0
    state: TrackerState | None = None
    _tracked: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool), repr=False)
    _last_seen_s: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)

    def step(self, world: Any, t_s: float, dt_s: float) -> None:
        """Fuse the frame's plots (times in (t_s - dt_s, t_s]) and publish the picture."""
        if self.state is None:
            self.state = initial_state(self.config)
        parts = []
        for r in self.radar_indices:
            parts += world.detections.pop(r, [])
        det = Detections.concat(parts)
        self._note_seen(world.threats.id, det)
        n_before_ids = self.state.table.track_id.copy()
        hit_ids: list[np.ndarray] = []
        if len(det):
            order = np.argsort(det.time_s, kind="stable")
            det = det.select(order)
            times = det.time_s
            starts = np.flatnonzero(np.r_[True, times[1:] != times[:-1]])
            ends = np.r_[starts[1:], len(det)]
            for s, e in zip(starts, ends, strict=True):
                plots = _plots(det.select(slice(s, e)), world.radars)
                self.state, hit = tracker_update(self.config, self.state, float(times[s]), plots)
                hit_ids.append(self.state.table.track_id[hit])
        table = self.state.table
        hit = (
            np.isin(table.track_id, np.concatenate(hit_ids))
            if hit_ids
            else np.zeros(len(table), dtype=bool)
        )
        existed = np.isin(table.track_id, n_before_ids)
        looked = _swept(self.models, self.radar_steps_s, table.x[:, :3], t_s, dt_s) | hit
        self.state = tracker_manage(self.config, self.state, t_s, hit, existed & looked)
        picture = self._picture(world, t_s)
        world.tracks[self.battery] = picture
        history = world.tables.setdefault("tracks", TrackHistory())
        if isinstance(history, TrackHistory):
            history.append(self.battery, picture)

    def _note_seen(self, threat_ids: np.ndarray, det: Detections) -> None:
        """Remember when each threat (row of ``threat_ids``) was last in this battery's plots."""
        if self._last_seen_s.shape[0] != threat_ids.shape[0]:
            self._last_seen_s = np.full(threat_ids.shape[0], -np.inf)
        real = det.truth_id >= 0
        order = np.argsort(threat_ids)
        rows = order[np.searchsorted(threat_ids, det.truth_id[real], sorter=order)]
        np.maximum.at(self._last_seen_s, rows, det.time_s[real])

    def _picture(self, world: Any, t_s: float) -> TrackPicture:
        table = self.state.table
        sel = np.flatnonzero(table.confirmed)
        previous = world.tracks.get(self.battery)
        base = self.battery * TRACK_ID_STRIDE
        held = (
            np.isin(table.track_id[sel] + base, previous.track_id)
            if previous is not None
            else np.zeros(sel.size, dtype=bool)
        )
        # the picture holds at most `capacity` targets: those held already, then the oldest
        keep = select_within_capacity(
            table.track_id[sel], self.capacity, -table.t_confirmed_s[sel], held
        )
        sel = sel[keep]
        th = world.threats
        if self._tracked.shape[0] != len(th):
            self._tracked = np.zeros(len(th), dtype=bool)
        window_s = SEEN_WINDOW_SCANS * max(m.scan_period_s for m in self.models)
        flying = np.flatnonzero(th.active & (t_s - self._last_seen_s <= window_s))
        x = table.x[sel]
        match = match_truth(x[:, :3], table.position_std_m[sel], th.pos_m[flying])
        rows = np.full(match.shape[0], -1, dtype=np.int64)
        rows[match >= 0] = flying[match[match >= 0]]
        truth = np.full(match.shape[0], -1, dtype=np.int64)
        truth[rows >= 0] = th.id[rows[rows >= 0]]
        new = np.zeros(match.shape[0], dtype=bool)
        new[rows >= 0] = ~self._tracked[rows[rows >= 0]]
        if new.any():
            self._tracked[rows[new]] = True
            world.log.record(
                "track",
                t_s,
                truth[new],
                other_id=table.track_id[sel][new] + base,
                pos_m=x[new, :3],
                value=table.position_std_m[sel][new],
            )
        return TrackPicture(
            t_s=float(t_s),
            track_id=table.track_id[sel] + base,
            x=x.copy(),
            P=table.P[sel].copy(),
            truth_id=truth.astype(np.int64),
            t_confirmed_s=table.t_confirmed_s[sel].copy(),
        )


def tracker_systems(
    scenario: Any, world: Any, radar_steps_s: dict[int, float], period_s: float = 1.0
) -> list[TrackerSystem]:
    """A ``TrackerSystem`` per battery: IMM (CV + coordinated turn) with GNN, the battery's
    radars fused; the picture holds at most the largest ``max_tracks`` among its radars.
    ``radar_steps_s`` maps each radar index to the period (s) its ``RadarSystem`` steps at."""
    del scenario
    out = []
    for bat in world.batteries:
        idx = tuple(int(i) for i in bat.radars)
        models = [RadarSystem.from_world(world, i).model for i in idx]
        capacity = max(world.radars[i].type.max_tracks for i in idx)
        config = TrackerConfig(
            filter="imm",
            association="gnn",
            clutter_density=clutter_density(models),
            q_mps2=5.0,
            confirm_m=3,
            confirm_n=4,
            delete_misses=3,
            max_tracks=TENTATIVE_POOL_FACTOR * capacity,
            max_speed_mps=3_000.0,
            # one-point tracks from a 10 s rotator grow ~5 km (1 sigma) between looks
            max_position_std_m=max(5_000.0, 1_000.0 * max(m.scan_period_s for m in models)),
        )
        out.append(
            TrackerSystem(
                battery=int(bat.index),
                radar_indices=idx,
                models=models,
                radar_steps_s=tuple(float(radar_steps_s[i]) for i in idx),
                config=config,
                capacity=capacity,
                name=f"tracker/{bat.name}",
                period_s=period_s,
            )
        )
    return out


__all__ = [
    "TrackHistory",
    "TrackPicture",
    "TrackerSystem",
    "clutter_density",
    "match_truth",
    "tracker_systems",
]
