"""Tracking in the simulation: one ``TrackerSystem`` per unit that holds a track picture.

Wiring only (the estimation is ``iads.tracking.tracker``). A tracker reads nothing but its
inbox (``iads.channels.Channel``): the plots (``Detections``) and looks (``Looks``) its radars
published. Every ``period_s`` (a frame) it fuses the plots received at measurement level, in
time order, each plot with its own sensor's position and noise; then it scores the frame: a
track counts a hit or a miss only if one of the looks received swept over it (within that
radar's range), so a track seen every 10 s by a rotator does not collect nine misses between
looks. It publishes its confirmed tracks, at most ``capacity`` (the largest published track
capacity of its radars: tracks already reported keep their slot, then the oldest), as
``TrackReports`` on ``tracks/<unit>``.

It never sees the truth: scoring tracks against threats is a recorder (``iads.sim.scoring``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from iads.channels import Bus, Channel
from iads.config import TrackerSettings
from iads.messages import UNKNOWN, Detections, Looks, TrackReports
from iads.sensors.capacity import select_within_capacity
from iads.sensors.geometry import TWO_PI, range_azimuth_elevation
from iads.sensors.radar import FALSE_ALARM_RANGE_RATE_SPAN_MPS, RadarModel
from iads.sensors.system import model_at
from iads.tracking.tracker import (
    Plots,
    TrackerConfig,
    TrackerState,
    initial_state,
    tracker_manage,
    tracker_update,
)
from iads.vectors import filled, isin, take_rows

TRACK_ID_STRIDE = 1_000_000_000
"""Published track numbers are ``unit * TRACK_ID_STRIDE + id``: unique across a run's units
(each tracker counts from 1)."""


def clutter_density(models: list[RadarModel]) -> float:
    """False plots per (m rad^2) of (range, azimuth, elevation) for one look over a volume:
    Pfa per resolution cell over the cell's size, ``Pfa / (dR theta_az theta_el)``; the
    densest of ``models``. If any radar measures range rate the plots are 4-D and the density
    is also per (m/s), over the false alarms' range-rate span."""
    density = max(
        m.pfa / (m.range_resolution_m * m.beamwidth_az_rad * m.beamwidth_el_rad) for m in models
    )
    if any(m.measures_range_rate for m in models):
        density /= FALSE_ALARM_RANGE_RATE_SPAN_MPS
    return density


def tracker_config(settings: TrackerSettings, models: list[RadarModel], capacity: int):
    """The ``TrackerConfig`` of a unit's tracker: the run settings, the clutter density of its
    densest radar, a tentative pool ``tentative_pool_factor`` times its capacity, and a
    covariance-growth limit that lets one-point tracks of a slow rotator live between looks
    (they grow about 1 km (1 sigma) per second of revisit), and the compiled kernels (a run gates
    and predicts hundreds of tentative tracks a frame)."""
    return TrackerConfig(
        filter=settings.filter,
        association=settings.association,
        clutter_density=clutter_density(models),
        q_mps2=settings.q_mps2,
        confirmation=settings.confirmation,
        false_track_probability=settings.false_track_probability,
        confirm_m=settings.confirm_m,
        confirm_n=settings.confirm_n,
        delete_misses=settings.delete_misses,
        max_tracks=settings.tentative_pool_factor * capacity,
        max_speed_mps=settings.max_speed_mps,
        max_position_std_m=max(5_000.0, 1_000.0 * max(m.scan_period_s for m in models)),
        range_rate=any(m.measures_range_rate for m in models),
        compiled=True,
    )


UNMEASURED_RANGE_RATE_SIGMA_MPS = FALSE_ALARM_RANGE_RATE_SPAN_MPS / np.sqrt(2.0 * np.pi)
"""Range-rate sigma (m/s) given to plots of radars without Doppler in a unit that has one
(with range rate 0): their 4-D likelihood then carries the same 1/span factor as the clutter
density, so they compete fairly with clutter; the pull toward 0 is weak (~800 m/s sigma)."""


def _plots(det: Detections, antenna_m: dict[int, np.ndarray], range_rate: bool = False) -> Plots:
    """Tracker plots of ``det``; with ``range_rate`` 4-D (range, az, el, range rate), rows
    without a Doppler measurement given range rate 0 with ``UNMEASURED_RANGE_RATE_SIGMA_MPS``."""
    n = len(det)
    m = 4 if range_rate else 3
    R = np.zeros((n, m, m))
    R[:, 0, 0] = det.sigma_range_m**2
    R[:, 1, 1] = det.sigma_azimuth_rad**2
    R[:, 2, 2] = det.sigma_elevation_rad**2
    rr = None
    if range_rate:
        s_rr = det.sigma_range_rate_mps
        have = np.isfinite(s_rr) & np.isfinite(det.range_rate_mps)
        R[:, 3, 3] = np.where(have, s_rr, UNMEASURED_RANGE_RATE_SIGMA_MPS) ** 2
        rr = np.where(have, det.range_rate_mps, 0.0)
    ids = np.fromiter(antenna_m, dtype=np.int64)
    pos = np.array([antenna_m[int(i)] for i in ids]).reshape(-1, 3)  # one row per sensor
    order = np.argsort(ids)
    sensor = pos[order[np.searchsorted(ids, det.sensor_id, sorter=order)]]
    return Plots.from_polar(det.range_m, det.azimuth_rad, det.elevation_rad, R, sensor, rr)


def looked_at(
    models: dict[int, RadarModel], looks: Looks, pos_m: np.ndarray, compiled: bool = True
) -> np.ndarray:
    """(K,) bool: some look swept over ``pos_m`` (K, 3) within its radar's range limits.
    Compiled (``tracking.looks_kernel``) when numba is present; ``compiled=False`` runs the
    NumPy form (the reference)."""
    seen = np.zeros(pos_m.shape[0], dtype=bool)
    if pos_m.shape[0] == 0:
        return seen
    mark_swept = None
    if compiled:
        from iads.tracking.looks_kernel import mark_swept  # numba: loaded on first use
    for sid in sorted(set(looks.sensor_id.tolist())):  # a few radars: np.unique's order
        m = models[sid]
        rows = looks.sensor_id == sid
        start, sweep = looks.start_rad[rows], looks.sweep_rad[rows]
        if mark_swept is not None:
            lo, hi = m.min_range_m, m.instrumented_range_m
            if mark_swept(pos_m, m.antenna_pos_m, lo, hi, start, sweep, seen):
                continue
        rng, az, _ = range_azimuth_elevation(pos_m, m.antenna_pos_m)
        in_range = (rng >= m.min_range_m) & (rng <= m.instrumented_range_m)
        if np.any(sweep >= TWO_PI):  # a full turn: every azimuth
            seen |= in_range
            continue
        # ``in_swept_arc`` of every look at once: [start, start + sweep) clockwise
        swept = np.mod(az[None, :] - start[:, None], TWO_PI) < sweep[:, None]
        seen |= in_range & swept.any(axis=0)
    return seen


@dataclass
class TrackerSystem:
    """The tracker of unit ``unit`` as an engine ``System``, reading ``inbox`` and
    publishing on ``bus``; ``models`` maps each of its radars' ids to its sensor model."""

    unit: int
    models: dict[int, RadarModel]
    config: TrackerConfig
    capacity: int
    name: str
    inbox: Channel
    bus: Bus
    period_s: float = 1.0
    links: list[Channel] = field(default_factory=list)
    """Further inboxes: data links carrying other units' plots (measurement-level fusion)."""
    platforms: dict[int, Any] = field(default_factory=dict)
    """Airborne sensors' flight paths (id -> ``position_at(t_s)``): their own navigation."""
    lag_s: float = 0.0
    """Fixed lag (s): the frame at t fuses the plots of times up to t - lag, so that plots
    arriving over a link with that much delay still come in time order (their reports are
    stamped with that time; the command post extrapolates them)."""
    late_plots: int = 0
    """Plots that arrived after the frame of their time (dropped: no out-of-sequence update)."""
    _buffer: list = field(default_factory=list, repr=False)
    state: TrackerState | None = None
    _reported: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64), repr=False)
    identity_of: Any = None
    """The unit's command post's own identities (``CommandPost.own_identities``: track numbers
    -> identity codes) stamped on the reports, so links share them; None: unknown."""

    @property
    def topic(self) -> str:
        """Where its reports are published."""
        return f"tracks/{self.unit}"

    def step(self, _world: object, t_s: float, dt_s: float) -> None:
        """Fuse the frame's plots and publish the unit's track reports at ``t_s`` (s)."""
        del dt_s
        if self.state is None:
            self.state = initial_state(self.config)
        received = self._buffer + self.inbox.receive(t_s)
        for link in self.links:
            received += link.receive(t_s)
        t_s = t_s - self.lag_s  # the frame's time: everything up to it has arrived
        det = Detections.concat([m for m in received if isinstance(m, Detections)])
        looks = Looks.concat([m for m in received if isinstance(m, Looks)])
        later_d, later_l = det.time_s > t_s + 1e-9, looks.time_s > t_s + 1e-9
        self._buffer = [det.select(later_d), looks.select(later_l)] if self.lag_s > 0 else []
        det, looks = det.select(~later_d), looks.select(~later_l)
        if self.state.t_s is not None and len(det):
            late = det.time_s < self.state.t_s - 1e-9
            self.late_plots += int(late.sum())
            det = det.select(~late)
        n_before = len(self.state.table)
        hits: list[np.ndarray] = []  # tracker_update only appends rows: masks over a prefix
        if len(det):
            det = det.select(np.argsort(det.time_s, kind="stable"))
            times = det.time_s
            starts = np.flatnonzero(np.r_[True, times[1:] != times[:-1]])
            ends = np.r_[starts[1:], len(det)]
            antenna = {sid: m.antenna_pos_m for sid, m in self.models.items()}
            for s, e in zip(starts, ends, strict=True):
                for sid, orbit in self.platforms.items():
                    antenna[sid] = orbit.position_at(float(times[s]))
                plots = _plots(det.select(slice(s, e)), antenna, self.config.range_rate)
                self.state, hit = tracker_update(self.config, self.state, float(times[s]), plots)
                hits.append(hit)
        table = self.state.table
        hit = np.zeros(len(table), dtype=bool)
        for h in hits:
            hit[: h.size] |= h
        existed = np.arange(len(table)) < n_before
        models = self.models
        if self.platforms:  # where the airborne sensors are now
            models = {
                sid: model_at(m, self.platforms[sid].position_at(t_s))
                if sid in self.platforms
                else m
                for sid, m in models.items()
            }
        looked = looked_at(models, looks, table.x[:, :3], self.config.compiled) | hit
        self.state = tracker_manage(self.config, self.state, t_s, hit, existed & looked)
        self.bus.publish(self.topic, t_s, self._reports(t_s))

    def _reports(self, t_s: float) -> TrackReports:
        table = self.state.table
        sel = np.flatnonzero(table.confirmed)
        base = self.unit * TRACK_ID_STRIDE
        held = isin(table.track_id[sel] + base, self._reported)
        keep = select_within_capacity(
            table.track_id[sel], self.capacity, -table.t_confirmed_s[sel], held
        )
        sel = sel[keep]
        numbers = table.track_id[sel] + base
        self._reported = numbers
        k = sel.size
        return TrackReports(
            time_s=filled(k, float(t_s)),
            source_unit=filled(k, self.unit, np.int64),
            track_number=numbers.astype(np.int64),
            x=take_rows(table.x, sel),  # integer rows: copies
            P=take_rows(table.P, sel),
            quality=np.bitwise_count(table.hits[sel]).astype(float),
            identity=_identities(self.identity_of, numbers),
            t_confirmed_s=table.t_confirmed_s[sel],
        )


def _identities(identity_of: Any, numbers: np.ndarray) -> np.ndarray:
    """Identity codes of the track ``numbers``: from ``identity_of`` (a command post's own
    identification), else unknown."""
    if identity_of is None:
        return np.full(numbers.size, UNKNOWN, dtype=np.int8)
    return np.asarray(identity_of(numbers), dtype=np.int8)


def tracker_system(
    unit: int,
    name: str,
    models: dict[int, RadarModel],
    capacity: int,
    settings: TrackerSettings,
    bus: Bus,
    period_s: float,
    platforms: dict[int, Any] | None = None,
) -> TrackerSystem:
    """A unit's tracker fusing the radars ``models`` (id -> model): an inbox subscribed to
    their plots and looks (no latency: they are wired to the unit's track processor);
    ``platforms`` the flight paths of its airborne radars."""
    inbox = Channel(f"{name}/inbox", replace_pending=False)
    for sid in models:
        bus.subscribe(f"plots/{sid}", inbox.send)
        bus.subscribe(f"looks/{sid}", inbox.send)
    config = tracker_config(settings, list(models.values()), capacity)
    return TrackerSystem(
        unit=unit,
        models=models,
        config=config,
        capacity=capacity,
        name=name,
        inbox=inbox,
        bus=bus,
        period_s=period_s,
        platforms=dict(platforms or {}),
    )


__all__ = [
    "TRACK_ID_STRIDE",
    "TrackerSystem",
    "clutter_density",
    "looked_at",
    "tracker_config",
    "tracker_system",
]
