"""Statistical sensing and tracking: the fast fidelity's stand-in for radars plus tracker.

One ``StatisticalTracker`` per unit replaces that unit's ``RadarSystem``s and its
``TrackerSystem`` (``settings.sensing == "statistical"``; ``iads mc --fidelity fast``). Each
frame (``tracker.period_s``) it:

1. draws, for every radar of the unit that is on, one detection per look of every active
   threat in the arcs the beam swept, with the same code as the plot-level radar: visibility
   (``radar.look``: 4/3-earth horizon, range and elevation limits, sector), aspect RCS,
   Swerling fluctuation (``rcs.fluctuation_factor``), the radar equation and the exact
   square-law detector statistic against the radar's threshold (``radar.square_law_sum``). So
   the per-look Pd is the full model's. No plot positions, no false-alarm plots. The looks
   are drawn ``DRAW_AHEAD_FRAMES`` frames at a time on the threats' truth paths
   (``Trajectories.states_at``, the motion kernel's segments) and a frame keeps those of the
   threats still in flight then (one frame at a time for an airborne radar). A frame is
   processed at its start, so when a radar looks several times a frame (its step shorter than
   the frame) its later looks may still see a threat killed within that frame;
2. keeps at most one track per threat, with the full tracker's management rules and run
   settings: a tentative track starts on a detection, a frame counts a hit or a miss only when
   a look swept over the track's position (``tracking.system.looked_at``), confirmation at
   ``confirm_m`` hits of the last ``confirm_n`` scored frames, a tentative track that cannot
   reach that is dropped, a confirmed one after ``delete_misses`` consecutive misses;
3. on each hit, the track's state becomes truth + an error drawn from the steady-state
   posterior covariance of a CV Kalman filter (``tracking.steady_state.posterior_cv``, the
   DARE solved with ``scipy.linalg.solve_discrete_are``) per axis of the plot's frame (range,
   cross-range in azimuth and in elevation), with ``tracker.q_mps2``, the look's thermal
   measurement noise (``sensors.measure`` at its SNR, as the plot-level radar) and the radar's
   revisit (its scan period, at least the frame); of several detections in a frame, the most
   accurate. Between hits state and covariance are predicted with the CV model, so the report
   lags a manoeuvring threat as a filter does;
4. starts confirmed false tracks as a Poisson process per radar at the full tracker's
   measured rate (run setting ``statistical.false_tracks`` by radar type, measured by
   ``benchmarks/false_tracks.py``): range from the radar exponential with the measured mean,
   azimuth uniform over the sector, elevation uniform within the limits, an isotropic velocity
   of exponential speed with the measured mean, an exponential life with the measured mean;
   never updated, predicted with the CV model, deleted when their life ends;
5. publishes the confirmed tracks as ``TrackReports`` on ``tracks/<unit>`` within the unit's
   capacity (``sensors.capacity.select_within_capacity``, as the full tracker).

Perception stays truth-free downstream: the command post reads ``TrackReports`` only. Truth is
read here in place of the radar's echo (as the plot-level radar reads it); the Scoring recorder
still gets ``Detections`` (true geometry, ``truth_id``) on ``plots/<radar>`` for the detect
events and track labels; nothing that decides reads them.

Left out (the calibration test, ``tests/sim/test_statistical.py``, bounds what this costs):
unresolved targets (every threat is resolved), track swaps, duplicate and broken tracks of one
threat, the larger covariance of a young track (steady state from the first hit), the
correlation of errors between successive updates, the covariance-growth deletion, the IMM's
manoeuvre response (CV prediction only), plot-level fusion over data links (a unit fed plots
over a link draws its own detections from the sending radar, without the link's latency or
loss), and the dependence of false tracks on the real targets around them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from iads.channels import Bus, Channel
from iads.config import RunConfig
from iads.messages import Detections, Looks, TrackReports, built
from iads.sensors import measure
from iads.sensors.capacity import select_within_capacity
from iads.sensors.geometry import TWO_PI
from iads.sensors.radar import (
    RadarModel,
    interference,
    look,
    points_in_arcs_flat,
    square_law_sum,
)
from iads.sensors.radar_equation import snr_db_at
from iads.sensors.rcs import aspect_angle_rad, aspect_rcs_m2, fluctuation_factor
from iads.tracking.steady_state import posterior_cv
from iads.tracking.system import TRACK_ID_STRIDE, _identities, looked_at
from iads.vectors import any_of, filled, isin, norm

_COLUMNS = ("number", "truth_row", "hits", "n_scans", "misses", "confirmed", "t_confirmed_s")


@dataclass
class Sightings:
    """One frame's detections of a unit, best per threat: ``row`` (D,) threat rows, and the
    state error drawn for each, ``error`` (D, 6) ENU (m, m/s) with ``P`` (D, 6, 6)."""

    row: np.ndarray
    error: np.ndarray
    P: np.ndarray


USE_COMPILED_FRAME = True
"""A frame's track bookkeeping in one compiled call (``statistical_kernel.track_frame``);
False: step by step (``StatisticalTracker._manage_steps``, the same bits)."""

DRAW_AHEAD_FRAMES = 60
"""Frames of a radar's detections drawn at once (``StatisticalTracker._draw_ahead``): the
per-call cost of the radar model is paid once per 60 frames (30 before: a coastal fast run 7 %
slower). It sets only the order of the draws in the random stream, not their distribution;
the draws for a threat killed within the 60 frames are wasted work, never used."""


class FrameArcs(NamedTuple):
    """The arcs a radar's beam swept in one frame: ``model`` the radar, ``time_s`` (A,) the
    start of each arc's look (s), ``start_rad`` and ``sweep_rad`` (A,) each arc ``[start,
    start + sweep)`` clockwise from north (a sweep of 2 pi: every azimuth)."""

    model: RadarModel
    time_s: np.ndarray
    start_rad: np.ndarray
    sweep_rad: np.ndarray


@dataclass
class _Draws:
    """A radar's detections drawn ahead for the frames ``t0_s + k period_s`` (s), k <
    ``n_frames``, by ``model``: one entry per detection, in frame order (``offsets`` (F + 1,)
    bound each frame's entries), ``row`` the threat and ``truth_id`` its id, ``time_s`` the
    look's time, the measured geometry (m, rad), ``snr_db`` (over the look's pulses),
    ``sigma`` (E, 3) the thermal position noise (m, along range and across in azimuth and
    elevation; the angles' as ``sigma_azimuth_rad``, ``sigma_elevation_rad``), the state
    ``error`` (E, 6) and covariance ``P`` (E, 6, 6) drawn for it, ``score`` its sum of
    position variances (m^2); the arcs the looks swept, ``arc_time_s``, ``arc_start_rad``,
    ``arc_sweep_rad`` (A,) (``FrameArcs``), frame f's in ``arc_offsets[f]:arc_offsets[f + 1]``."""

    model: RadarModel
    t0_s: float
    period_s: float
    offsets: np.ndarray
    arc_offsets: list[int]
    arc_time_s: np.ndarray
    arc_start_rad: np.ndarray
    arc_sweep_rad: np.ndarray
    row: np.ndarray
    time_s: np.ndarray
    range_m: np.ndarray
    azimuth_rad: np.ndarray
    elevation_rad: np.ndarray
    snr_db: np.ndarray
    truth_id: np.ndarray
    sigma: np.ndarray
    sigma_azimuth_rad: np.ndarray
    sigma_elevation_rad: np.ndarray
    error: np.ndarray
    P: np.ndarray
    score: np.ndarray

    def frame_of(self, t_s: float, model: RadarModel) -> int | None:
        """The frame drawn for ``t_s`` (s) by the same ``model``, or None (draw anew)."""
        if model is not self.model:
            return None
        f = int(round((t_s - self.t0_s) / self.period_s))
        if not 0 <= f < self.n_frames or abs(self.t0_s + f * self.period_s - t_s) > 1e-6:
            return None
        return f

    @property
    def n_frames(self) -> int:
        """Frames drawn."""
        return len(self.arc_offsets) - 1

    def arcs(self, f: int) -> FrameArcs:
        """The arcs swept in frame ``f`` (views)."""
        lo, hi = self.arc_offsets[f], self.arc_offsets[f + 1]
        return FrameArcs(
            self.model,
            self.arc_time_s[lo:hi],
            self.arc_start_rad[lo:hi],
            self.arc_sweep_rad[lo:hi],
        )


def _position_sigma_m(model: RadarModel, range_m: np.ndarray, snr_look: np.ndarray) -> np.ndarray:
    """(D, 3) thermal position noise (m) of looks at ``range_m`` (D,) with SNR ``snr_look``
    (D,; linear, over the look's pulses): along the line of sight, and across it in azimuth and
    in elevation (``sensors.measure``, as the plot-level radar)."""
    return np.stack(
        [
            measure.sigma_thermal(model.range_resolution_m, snr_look, model.sigma_range_floor_m),
            range_m
            * measure.sigma_angle_rad(
                model.beamwidth_az_rad, snr_look, model.sigma_angle_floor_rad
            ),
            range_m
            * measure.sigma_angle_rad(
                model.beamwidth_el_rad, snr_look, model.sigma_angle_floor_rad
            ),
        ],
        axis=1,
    )


def _frame_axes(los_m: np.ndarray) -> np.ndarray:
    """(D, 3, 3) rotations whose columns are the unit vectors along the line of sight, across
    it horizontally and across it in elevation (ENU)."""
    u = los_m / norm(los_m, keepdims=True)
    h = np.stack([u[:, 1], -u[:, 0], np.zeros(len(u))], axis=1)
    length = norm(h, keepdims=True)
    h = np.where(length > 1e-9, h / np.maximum(length, 1e-12), np.array([1.0, 0.0, 0.0]))
    return np.stack([u, h, np.cross(u, h)], axis=2)


def draw_track_error(
    sigma_m: np.ndarray, axes: np.ndarray, revisit_s: np.ndarray, q_mps2: float, rng
) -> tuple[np.ndarray, np.ndarray]:
    """A state error (D, 6) and its covariance (D, 6, 6) in ENU for position noise ``sigma_m``
    (D, 3) along the columns of ``axes`` (D, 3, 3), revisit ``revisit_s`` (D,): per axis the
    steady-state posterior of a CV filter, rotated to ENU."""
    d = sigma_m.shape[0]
    T = np.repeat(revisit_s[:, None], 3, axis=1)
    pp, pv, vv = posterior_cv(sigma_m.ravel(), T.ravel(), q_mps2)
    pp, pv, vv = pp.reshape(d, 3), pv.reshape(d, 3), vv.reshape(d, 3)
    z = rng.standard_normal((2, d, 3))
    ep = np.sqrt(pp) * z[0]  # per axis: [p, v] ~ N(0, [[pp, pv], [pv, vv]])
    ev = pv / np.sqrt(pp) * z[0] + np.sqrt(np.maximum(vv - pv**2 / pp, 0.0)) * z[1]
    err = np.concatenate([np.einsum("dij,dj->di", axes, ep), np.einsum("dij,dj->di", axes, ev)], 1)
    from iads.sim.statistical_kernel import rotated_covariance  # numba: loaded on first use

    return err, rotated_covariance(axes, pp, pv, vv)


@dataclass
class StatisticalTracker:
    """A unit's statistical sensing and tracking as an engine ``System`` (module docstring).

    ``radars`` maps radar index -> its ``RadarSystem`` (read for ``model``, ``on`` and the
    platform; never stepped); ``models`` the radars this unit tracks from (id -> model)."""

    unit: int
    radars: dict[int, Any]
    models: dict[int, RadarModel]
    settings: RunConfig
    capacity: int
    name: str
    bus: Bus
    rng: np.random.Generator
    period_s: float = 1.0
    radar_step_s: dict[int, float] = field(default_factory=dict)
    radar_types: dict[int, str] = field(default_factory=dict)
    """Radar index -> catalog type name (the key of the false-track rates)."""
    links: list[Channel] = field(default_factory=list)
    platforms: dict[int, Any] = field(default_factory=dict)
    lag_s: float = 0.0
    false_tracks_started: int = 0
    _t: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _x: np.ndarray = field(default_factory=lambda: np.empty((0, 6)), repr=False)
    _P: np.ndarray = field(default_factory=lambda: np.empty((0, 6, 6)), repr=False)
    _t_upd: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _expires_s: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _next_id: int = 1
    _reported: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64), repr=False)
    _draws: dict[int, _Draws] = field(default_factory=dict, repr=False)
    _kernel: Any = field(default=None, init=False, repr=False, compare=False)
    """``sim.statistical_kernel``: the frame's compiled bookkeeping."""
    _cv_kernel: Any = field(default=None, init=False, repr=False, compare=False)
    """``tracking.cv_kernel``: the reports' CV prediction."""
    _arc_radars: tuple | None = field(default=None, init=False, repr=False, compare=False)
    """``_packed_arcs``' radar figures and the models they were read from."""
    _false_mean: dict[int, tuple[Any, float]] = field(default_factory=dict, repr=False)
    """Per radar its false-track figures and mean false tracks a frame (fixed for the run)."""
    identity_of: Any = None
    """The unit's command post's own identities stamped on the reports (``TrackerSystem``)."""

    def __post_init__(self) -> None:
        # numba's kernels, loaded with the run (not the module); looked up on their modules
        # each frame, cheaper than an import per call
        from iads.sim import statistical_kernel
        from iads.tracking import cv_kernel

        self._kernel, self._cv_kernel = statistical_kernel, cv_kernel
        ints = {"number": np.int64, "truth_row": np.int64, "hits": np.uint32}
        for c in _COLUMNS:
            dtype = ints.get(c, bool if c == "confirmed" else np.int64)
            self._t[c] = np.empty(0, dtype=float if c == "t_confirmed_s" else dtype)

    @property
    def topic(self) -> str:
        """Where its reports are published."""
        return f"tracks/{self.unit}"

    # --- sensing --------------------------------------------------------------------------

    def _observe(self, world: Any, t_s: float, sid: int) -> tuple[_Draws, np.ndarray, FrameArcs]:
        """One frame of radar ``sid``: its draws, the entries of its detections of the
        threats in flight and the arcs its looks swept (from the draws made ahead)."""
        rs = self.radars[sid]
        rs.move_to(t_s)
        self.models[sid] = rs.model
        d = self._draws.get(sid)
        f = None if d is None else d.frame_of(t_s, rs.model)
        if f is None:
            d = self._draw_ahead(world, sid, t_s)
            self._draws[sid] = d
            f = 0
        lo, hi = int(d.offsets[f]), int(d.offsets[f + 1])
        sel = lo + world.threats.active[d.row[lo:hi]].nonzero()[0]  # killed, arrived: gone
        if sel.size:
            self._publish_plots(sid, t_s, d, sel)
        return d, sel, d.arcs(f)

    def _draw_ahead(self, world: Any, sid: int, t_s: float) -> _Draws:
        """Radar ``sid``'s detections of every threat that may fly in the next
        ``DRAW_AHEAD_FRAMES`` frames from ``t_s`` (s), drawn at once on the threats' truth paths
        at each look's time (one frame for an airborne radar, whose antenna moves, or a world
        without paths, where the threats in flight are extrapolated over the frame)."""
        rs, th, traj = self.radars[sid], world.threats, world.trajectories
        model = rs.model
        step = self.radar_step_s.get(sid, self.period_s)
        n_sub = max(1, int(round(self.period_s / step)))
        n_f = 1 if rs.platform is not None or traj is None else DRAW_AHEAD_FRAMES
        frame_t = t_s + np.arange(n_f) * self.period_s
        t_look = (frame_t[:, None] + np.arange(n_sub)[None, :] * step).ravel()
        arc_look, arc_start, arc_sweep = model.swept_arcs_flat(t_look, step)
        if traj is None:
            rows = np.flatnonzero(th.active)
            dt = (t_look - t_s)[:, None, None]
            pos = th.pos_m[rows][None] + th.vel_mps[rows][None] * dt
            vel = np.broadcast_to(th.vel_mps[rows][None], pos.shape)
        else:
            t_end = float(t_look[-1]) + step
            rows = np.flatnonzero(
                ~th.resolved & (traj.start_time_s <= t_end) & (traj.end_time_s >= t_s)
            )
            pos, vel = traj.states_at(rows, t_look)
        n_l, n_r = t_look.size, rows.size
        row = np.tile(rows, n_l)
        lk, hit, snr = draw_detections(
            model,
            pos.reshape(-1, 3),
            vel.reshape(-1, 3),
            (th.rcs_front_m2[row], th.rcs_side_m2[row], th.rcs_rear_m2[row]),
            th.swerling[row],
            None,
            self.rng,
            in_arcs=points_in_arcs_flat(model, pos, arc_look, arc_start, arc_sweep).ravel(),
        )
        idx = lk.index[hit]
        rng_m, snr_look = lk.range_m[hit], snr[hit] * model.n_pulses
        sigma = _position_sigma_m(model, rng_m, snr_look)
        revisit = np.full(idx.size, max(model.scan_period_s, self.period_s))
        axes = _frame_axes(pos.reshape(-1, 3)[idx] - model.antenna_pos_m)
        err, P = draw_track_error(sigma, axes, revisit, self.settings.tracker.q_mps2, self.rng)
        look_of = idx // max(n_r, 1)
        return _Draws(
            model=model,
            t0_s=t_s,
            period_s=self.period_s,
            offsets=np.searchsorted(look_of // n_sub, np.arange(n_f + 1)),
            **_frame_arcs(t_look, arc_look, arc_start, arc_sweep, n_sub),
            row=row[idx],
            time_s=t_look[look_of],
            range_m=rng_m,
            azimuth_rad=lk.azimuth_rad[hit],
            elevation_rad=lk.elevation_rad[hit],
            snr_db=10.0 * np.log10(snr_look),
            truth_id=th.id[row[idx]].astype(np.int64),
            sigma=sigma,
            sigma_azimuth_rad=sigma[:, 1] / rng_m,
            sigma_elevation_rad=sigma[:, 2] / rng_m,
            error=err,
            P=P,
            score=np.sum(sigma**2, axis=1),
        )

    def _publish_plots(self, sid: int, t_s: float, d: _Draws, sel: np.ndarray) -> None:
        """Plots with the true geometry, for the Scoring recorder only (truth labels)."""
        m = sel.size
        self.bus.publish(
            f"plots/{sid}",
            t_s,
            built(
                Detections,
                {
                    "time_s": d.time_s[sel],
                    "range_m": d.range_m[sel],
                    "azimuth_rad": d.azimuth_rad[sel],
                    "elevation_rad": d.elevation_rad[sel],
                    "range_rate_mps": filled(m, np.nan),
                    "snr_db": d.snr_db[sel],
                    "truth_id": d.truth_id[sel],
                    "sensor_id": filled(m, sid, np.int64),
                    "sigma_range_m": d.sigma[sel, 0],
                    "sigma_azimuth_rad": d.sigma_azimuth_rad[sel],
                    "sigma_elevation_rad": d.sigma_elevation_rad[sel],
                    "sigma_range_rate_mps": filled(m, np.nan),
                },
            ),
        )

    # --- tracking -------------------------------------------------------------------------

    def step(self, world: Any, t_s: float, dt_s: float) -> None:
        """Sense, manage the tracks and publish the unit's reports at ``t_s`` (s)."""
        del dt_s
        for link in self.links:  # plots over links: drawn here from the sending radar instead
            link.receive(t_s)
        picks, swept = [], []
        for sid in list(self.models):
            if sid in self.radars and self.radars[sid].on:
                d, sel, arcs = self._observe(world, t_s, sid)
                if sel.size:
                    picks.append((d, sel))
                swept.append(arcs)
        self._manage(world, t_s, _best(picks), swept)
        self._start_false_tracks(t_s)
        self.bus.publish(self.topic, t_s, self._reports(t_s))

    def _manage(self, world: Any, t_s: float, seen: Sightings, swept: list[FrameArcs]) -> None:
        """Score the held tracks on the frame's sightings and looks, update the hit ones,
        delete the lost ones and start tracks on the sightings no track holds."""
        th, tk = world.threats, self.settings.tracker
        framed = None
        if USE_COMPILED_FRAME:
            framed = self._kernel.track_frame(
                self._x,
                self._P,
                self._t_upd,
                t_s,
                self._packed_arcs(swept),
                self._t,
                (seen.row, seen.error, seen.P),
                th.pos_m,
                th.vel_mps,
                self._expires_s,
                (tk.confirm_m, tk.confirm_n, tk.delete_misses),
            )
        k_of, gone, fresh = framed or self._manage_steps(world, t_s, seen, swept)
        if any_of(gone):
            self._keep(~gone)
        k = fresh.nonzero()[0]
        if k.size:
            new = seen.row[k]
            truth = np.concatenate([th.pos_m[new], th.vel_mps[new]], axis=1)
            self._add(new, truth + seen.error[k], seen.P[k], t_s, confirmed=False)

    def _manage_steps(
        self, world: Any, t_s: float, seen: Sightings, swept: list[FrameArcs]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``statistical_kernel.track_frame`` step by step (its reference, and the form
        without numba): the looked tracks, the scoring, the hit tracks updated."""
        tr, tk = self._t, self.settings.tracker
        th = world.threats
        looked = np.zeros(len(self._x), dtype=bool)
        if len(self._x):
            est = self._x[:, :3] + self._x[:, 3:] * (t_s - self._t_upd)[:, None]  # CV
            _mark_looked(swept, est, looked)
        k_of, gone, fresh = self._kernel.manage_frame(
            tr,
            seen.row,
            len(th),
            looked,
            self._expires_s,
            t_s,
            tk.confirm_m,
            tk.confirm_n,
            tk.delete_misses,
        )
        rows = (k_of >= 0).nonzero()[0]
        if rows.size:
            k = k_of[rows]
            truth = np.concatenate([th.pos_m[seen.row[k]], th.vel_mps[seen.row[k]]], axis=1)
            self._x[rows] = truth + seen.error[k]
            self._P[rows] = seen.P[k]
            self._t_upd[rows] = t_s
        return k_of, gone, fresh

    def _packed_arcs(self, swept: list[FrameArcs]) -> tuple[np.ndarray, ...]:
        """The frame's arcs as ``track_frame`` reads them, of the radars that swept some arc:
        antennas (R, 3) ENU m, range limits (R,) m, offsets (R + 1,) into the arcs' starts
        and sweeps (A,) rad. The radars' figures are kept while their models stay the same
        objects (a radar that moves or changes mode has a new model)."""
        live = [a for a in swept if a.start_rad.size]
        key = tuple(id(a.model) for a in live)
        kept = self._arc_radars
        if kept is None or kept[0] != key:
            models = [a.model for a in live]  # held: their ids stay theirs
            antenna = np.array([m.antenna_pos_m for m in models], dtype=float).reshape(-1, 3)
            lo = np.array([m.min_range_m for m in models], dtype=float)
            hi = np.array([m.instrumented_range_m for m in models], dtype=float)
            kept = self._arc_radars = (key, models, antenna, lo, hi)
        ends = [0]
        for a in live:
            ends.append(ends[-1] + a.start_rad.size)
        offsets = np.array(ends, dtype=np.int64)
        if not live:
            return kept[2], kept[3], kept[4], offsets, _NO_ARCS, _NO_ARCS
        start = np.concatenate([a.start_rad for a in live])
        sweep = np.concatenate([a.sweep_rad for a in live])
        return kept[2], kept[3], kept[4], offsets, start, sweep

    def _keep(self, mask: np.ndarray) -> None:
        for c in _COLUMNS:
            self._t[c] = self._t[c][mask]
        self._x, self._P = self._x[mask], self._P[mask]
        self._t_upd, self._expires_s = self._t_upd[mask], self._expires_s[mask]

    def _add(self, truth_row, x, P, t_s: float, confirmed: bool, expires_s=None) -> None:
        n = len(truth_row)
        new = {
            "number": np.arange(self._next_id, self._next_id + n, dtype=np.int64),
            "truth_row": np.asarray(truth_row, dtype=np.int64),
            "hits": np.ones(n, dtype=np.uint32),
            "n_scans": np.ones(n, dtype=np.int64),
            "misses": np.zeros(n, dtype=np.int64),
            "confirmed": np.full(n, confirmed),
            "t_confirmed_s": np.full(n, t_s if confirmed else np.nan),
        }
        self._next_id += n
        for c in _COLUMNS:
            self._t[c] = np.concatenate([self._t[c], new[c].astype(self._t[c].dtype)])
        self._x = np.concatenate([self._x, x])
        self._P = np.concatenate([self._P, P])
        self._t_upd = np.concatenate([self._t_upd, np.full(n, t_s)])
        ends = np.full(n, np.inf) if expires_s is None else expires_s
        self._expires_s = np.concatenate([self._expires_s, ends])

    def _start_false_tracks(self, t_s: float) -> None:
        st = self.settings.statistical
        for sid, model in self.models.items():
            if sid not in self.radars or not self.radars[sid].on:
                continue
            mean = self._false_mean.get(sid)
            if mean is None:
                fig = st.false_tracks.get(self.radar_types.get(sid, ""), st.false_tracks_default)
                mean = self._false_mean[sid] = (fig, fig.rate_per_s * self.period_s)
            fig = mean[0]
            n = int(self.rng.poisson(mean[1]))
            if n == 0:
                continue
            x, P = _false_states(model, n, fig, self.settings, self.rng)
            life = self.rng.exponential(fig.life_s, n)
            self._add(np.full(n, -1), x, P, t_s, confirmed=True, expires_s=t_s + life)
            self.false_tracks_started += n

    def _predicted(self, t_s: float, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """States and covariances of the held tracks ``rows`` predicted to ``t_s`` (s) with the
        CV model: x = F x, P = F P F' + Q (``tracking.cv_kernel``)."""
        return self._cv_kernel.cv_predict_rows(
            self._x, self._P, self._t_upd, rows, t_s, self.settings.tracker.q_mps2
        )

    def _reports(self, t_s: float) -> TrackReports:
        tr = self._t
        sel = tr["confirmed"].nonzero()[0]
        base = self.unit * TRACK_ID_STRIDE
        if sel.size > self.capacity:  # within capacity every confirmed track is reported
            held = isin(tr["number"][sel] + base, self._reported)
            keep = select_within_capacity(
                tr["number"][sel], self.capacity, -tr["t_confirmed_s"][sel], held
            )
            sel = sel[keep]
        numbers = tr["number"][sel] + base
        self._reported = numbers
        x, P = self._predicted(t_s, sel)
        k = sel.size
        return built(
            TrackReports,
            {
                "time_s": filled(k, float(t_s)),
                "source_unit": filled(k, self.unit, np.int64),
                "track_number": numbers.astype(np.int64),
                "x": x,
                "P": P,
                "quality": np.bitwise_count(tr["hits"][sel]).astype(float),
                "identity": _identities(self.identity_of, numbers),
                "t_confirmed_s": tr["t_confirmed_s"][sel].copy(),
            },
        )


def draw_detections(
    model: RadarModel,
    pos_m: np.ndarray,
    vel_mps: np.ndarray,
    rcs_m2: tuple[np.ndarray, np.ndarray, np.ndarray],
    swerling: np.ndarray,
    arcs: list[tuple[float, float]] | None,
    rng: np.random.Generator,
    in_arcs: np.ndarray | None = None,
):
    """One look of ``model`` at targets ``pos_m``, ``vel_mps`` (N, 3) (true ENU) with front,
    side and rear mean RCS (m^2) and Swerling cases (N,): the visible targets (``radar.look``),
    which of them are detected (M,) bool and their per-pulse SNR (M,) linear. The radar's own
    chain: aspect RCS, fluctuation, radar equation, propagation factor, clutter and Doppler
    processing, square-law statistic against its threshold (every target resolved).
    ``in_arcs`` (N,) bool instead of ``arcs``: the points of many looks at once, each already
    told whether its look's beam swept it (``radar.points_in_arcs``)."""
    lk = look(model, pos_m, arcs, in_arcs)
    idx = lk.index
    if idx.size == 0:
        return lk, np.zeros(0, dtype=bool), np.zeros(0)
    aspect = aspect_angle_rad(pos_m[idx], vel_mps[idx], model.antenna_pos_m)
    rcs = aspect_rcs_m2(rcs_m2[0][idx], rcs_m2[1][idx], rcs_m2[2][idx], aspect)
    fluct = fluctuation_factor(np.asarray(swerling)[idx], model.n_pulses, rng, size=idx.size)
    snr = 10.0 ** (snr_db_at(model.snr_constant_db, lk.apparent_range_m, rcs * fluct) / 10)
    if model.multipath or model.clutter or model.doppler_processing != "none":
        # the full radar's propagation factor, clutter and Doppler processing (radar.observe)
        f4_db, _, factor = interference(model, lk, pos_m, vel_mps)
        snr = snr * 10.0 ** (f4_db / 10.0) * factor
    hit = square_law_sum(model.n_pulses, snr, rng) > model.threshold
    return lk, hit, snr


def _frame_arcs(
    t_look: np.ndarray, look: np.ndarray, start: np.ndarray, sweep: np.ndarray, n_sub: int
) -> dict[str, Any]:
    """The ``_Draws`` arc fields: look k at ``t_look[k]`` (s) swept the arcs j with
    ``look[j] == k`` (in look order, ``geometry.swept_arcs_flat``), ``n_sub`` consecutive
    looks a frame."""
    n_frames = t_look.size // n_sub
    return {
        "arc_offsets": np.searchsorted(look // n_sub, np.arange(n_frames + 1)).tolist(),
        "arc_time_s": t_look[look],
        "arc_start_rad": start,
        "arc_sweep_rad": sweep,
    }


def _mark_looked(swept: list[FrameArcs], pos_m: np.ndarray, looked: np.ndarray) -> None:
    """Set ``looked`` (K,) where some arc of ``swept`` covered ``pos_m`` (K, 3) ENU within its
    radar's range limits (``tracking.system.looked_at``; compiled, its NumPy form without
    numba)."""
    from iads.tracking.looks_kernel import mark_swept  # numba: loaded on first use

    for m, time_s, start, sweep in swept:
        if start.size == 0:
            continue
        lo, hi = m.min_range_m, m.instrumented_range_m
        if not mark_swept(pos_m, m.antenna_pos_m, lo, hi, start, sweep, looked):
            n = start.size
            sid = np.full(n, m.sensor_id, dtype=np.int64)
            looks = Looks(time_s, np.zeros(n), sid, start, sweep)
            looked |= looked_at({m.sensor_id: m}, looks, pos_m, compiled=False)


_NO_ARCS = np.empty(0)
"""No arc swept (shared, never written; left writable: a read-only array is another type to
numba, a second compiled ``track_frame``)."""
_NO_SIGHTINGS = Sightings(np.empty(0, np.int64), np.empty((0, 6)), np.empty((0, 6, 6)))
"""A frame without detections (shared: its arrays have no rows to write; writable, as
``_NO_ARCS``)."""


def _best(picks: list[tuple[_Draws, np.ndarray]]) -> Sightings:
    """The frame's sightings from the entries ``sel`` of each radar's draws (radar order):
    per threat the detection with the smallest sum of position variances (the first of
    equals)."""
    if not picks:
        return _NO_SIGHTINGS
    if len(picks) == 1:
        d, sel = picks[0]
        row, score = d.row[sel], d.score[sel]
    else:
        row = np.concatenate([d.row[sel] for d, sel in picks])
        score = np.concatenate([d.score[sel] for d, sel in picks])
    if row.size == 1:
        first = np.zeros(1, dtype=np.int64)
    else:
        order = np.lexsort((score, row))
        rows = row[order]
        lead = np.empty(rows.size, dtype=bool)  # the first of each threat's run
        lead[0] = True
        np.not_equal(rows[1:], rows[:-1], out=lead[1:])
        first = order[lead]
    if len(picks) == 1:
        k = sel[first]
        return Sightings(row[first], d.error[k], d.P[k])
    error = np.concatenate([d.error[sel] for d, sel in picks])
    P = np.concatenate([d.P[sel] for d, sel in picks])
    return Sightings(row[first], error[first], P[first])


def _false_states(model: RadarModel, n: int, fig: Any, settings: RunConfig, rng) -> tuple:
    """``n`` false-track states (n, 6) and covariances: range exponential with the measured
    mean (within the radar's range limits), azimuth uniform over its sector, elevation uniform
    within its limits, an isotropic velocity of exponential speed with the measured mean (at
    most the tracker's ``max_speed_mps``)."""
    r = np.clip(rng.exponential(fig.range_m, n), model.min_range_m, model.instrumented_range_m)
    half = 0.5 * model.sector_width_rad
    if model.sector_width_rad >= TWO_PI:
        az = rng.uniform(0.0, TWO_PI, n)
    else:
        az = model.boresight_rad + rng.uniform(-half, half, n)
    el = rng.uniform(model.min_elevation_rad, model.max_elevation_rad, n)
    los = np.stack([np.sin(az) * np.cos(el), np.cos(az) * np.cos(el), np.sin(el)], axis=1)
    pos = model.antenna_pos_m + r[:, None] * los
    d = rng.standard_normal((n, 3))
    d /= norm(d, keepdims=True)
    speed = np.minimum(rng.exponential(fig.speed_mps, n), settings.tracker.max_speed_mps)
    vel = d * speed[:, None]
    snr = np.full(n, float(model.threshold))  # at the detection threshold
    sigma = _position_sigma_m(model, r, snr)
    revisit = np.full(n, model.scan_period_s)
    _, P = draw_track_error(
        sigma, _frame_axes(pos - model.antenna_pos_m), revisit, settings.tracker.q_mps2, rng
    )
    return np.concatenate([pos, vel], axis=1), P


__all__ = ["Sightings", "StatisticalTracker", "draw_detections", "draw_track_error"]
