"""The multi-target tracker: predict, gate, associate, update, manage; batched over tracks.

One call of :func:`tracker_step` processes one scan time: all tracks are predicted to ``t_s``
with the constant-velocity model (or the IMM), then each sensor's plots are processed in turn
(sequential measurement-level fusion: each plot is used in polar form with its own sensor
position and noise ``R``; Bar-Shalom, Willett & Tian 2011 §7.4): gating with a k-d tree and the
Mahalanobis test, clusters, GNN or JPDA, EKF/UKF update, then initiation from the plots left
over. After all sensors, the M-of-N logic confirms tracks and the deletion rules prune them.

:class:`Tracker` is a thin stateful wrapper for callers that prefer ``tracker.step(t, plots)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from iads.tracking import association as assoc
from iads.tracking import management as mgmt
from iads.tracking.chi2 import chi2_quantile
from iads.tracking.imm import (
    ImmParams,
    imm_combine,
    imm_init,
    imm_predict_combine,
    imm_update_modes_polar,
)
from iads.tracking.kalman import ekf_update_polar, kf_predict
from iads.tracking.measurement import polar_to_cartesian
from iads.tracking.models import cv_process_noise, cv_transition
from iads.tracking.ukf import ukf_update_polar
from iads.vectors import all_of, take_rows

if TYPE_CHECKING:  # annotations only: numpy.typing is not loaded at run time
    from numpy.typing import ArrayLike, NDArray


__all__ = [
    "Plots",
    "Tracker",
    "TrackerConfig",
    "TrackerState",
    "initial_state",
    "scans_from_detections",
    "tracker_manage",
    "tracker_step",
    "tracker_update",
    "track_columns",
]


@dataclass(frozen=True)
class TrackerConfig:
    """Tracker settings, validated once (SI units).

    ``clutter_density`` is in plots per m rad^2 (range x azimuth x elevation) for one sensor's
    scan; ``q_mps2`` the CV acceleration noise level (see ``cv_process_noise``);
    ``gate_probability`` the probability that the true plot falls in the gate (chi-square).
    ``confirmed_first``: with GNN, confirmed tracks are assigned first and tentative tracks
    share the plots left over (Blackman & Popoli 1999 §9.3), so a young track never takes a
    plot from an established one. ``tentative_delete_misses`` (optional) also drops a tentative
    track after that many consecutive misses; with ``confirm_n`` large this gives the rule "M
    hits before K misses in a row" (Stone Soup's ``MultiMeasurementInitiator`` with an
    ``UpdateTimeStepsDeleter(K)``). ``compiled``: gate, predict and update (IMM) with the
    numba kernels (``association.gate``, ``imm.imm_predict_combine``,
    ``imm.imm_update_modes_polar``: values equal to rounding), for long runs with many tracks.
    """

    filter: str = "imm"
    association: str = "gnn"
    gate_probability: float = 0.9999
    pd: float = 0.9
    clutter_density: float = 5e-5
    q_mps2: float = 10.0
    confirm_m: int = 3
    confirm_n: int = 4
    delete_misses: int = 3
    max_position_std_m: float = 5000.0
    max_tracks: int = 100_000
    initiation: str = "one_point"
    velocity_std_mps: float = 300.0
    max_speed_mps: float = 1000.0
    range_rate: bool = False
    imm: ImmParams = ImmParams()
    confirmed_first: bool = True
    tentative_delete_misses: int | None = None
    confirmation: str = "score"
    false_track_probability: float = 1e-2
    true_track_rejection: float = 0.05
    compiled: bool = False

    def __post_init__(self) -> None:
        checks = [
            (self.filter in ("ekf", "ukf", "imm"), "filter must be 'ekf', 'ukf' or 'imm'"),
            (self.association in ("gnn", "jpda"), "association must be 'gnn' or 'jpda'"),
            (
                self.confirmation in ("score", "m_of_n"),
                "confirmation must be 'score' or 'm_of_n'",
            ),
            (
                0.0 < self.false_track_probability < 1.0 and 0.0 < self.true_track_rejection < 1.0,
                "false_track_probability and true_track_rejection must be in (0, 1)",
            ),
            (
                self.initiation in ("one_point", "two_point"),
                "initiation must be 'one_point' or 'two_point'",
            ),
            (0.0 < self.gate_probability < 1.0, "gate_probability must be in (0, 1)"),
            (0.0 < self.pd < 1.0, "pd must be in (0, 1)"),
            (self.clutter_density > 0.0, "clutter_density must be > 0"),
            (self.q_mps2 >= 0.0, "q_mps2 must be >= 0"),
            (1 <= self.confirm_m <= self.confirm_n <= 32, "need 1 <= confirm_m <= confirm_n <= 32"),
            (self.delete_misses >= 1, "delete_misses must be >= 1"),
            (
                self.tentative_delete_misses is None or self.tentative_delete_misses >= 1,
                "tentative_delete_misses must be >= 1",
            ),
            (self.max_tracks >= 0, "max_tracks must be >= 0"),
            (self.velocity_std_mps > 0.0 and self.max_speed_mps > 0.0, "speeds must be > 0"),
            (
                self.association == "gnn" or self.filter == "ekf",
                "JPDA updates on the EKF linearisation: use filter 'ekf' with JPDA",
            ),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    @property
    def score_thresholds(self) -> tuple[float, float]:
        """(confirm, delete) thresholds on the track score (Wald's SPRT)."""
        return mgmt.score_thresholds(self.false_track_probability, self.true_track_rejection)

    @property
    def miss_score(self) -> float:
        """Score increment of a scan without a plot, ``ln(1 - Pd Pg)``."""
        return float(np.log1p(-self.pd * self.gate_probability))

    @property
    def gate_d2(self) -> float:
        """Gate threshold on ``nu' S^-1 nu`` (chi-square quantile, m degrees of freedom)."""
        return _chi2_quantile(self.gate_probability, 4 if self.range_rate else 3)


def _chi2_quantile(probability: float, dof: int) -> float:
    """Chi-square quantile ``chi2.ppf(probability, dof)`` (:func:`iads.tracking.chi2.chi2_quantile`,
    closed forms: importing SciPy for it costs more than a 100-target run), cached."""
    return chi2_quantile(float(probability), int(dof))


@dataclass(frozen=True)
class FilterOps:
    """The filter behind the tracker: how to predict, update and start tracks."""

    empty: Callable[[TrackerConfig], mgmt.TrackTable]
    predict: Callable[[mgmt.TrackTable, float, TrackerConfig], mgmt.TrackTable]
    update: Callable[..., mgmt.TrackTable]
    adopt: Callable[[mgmt.TrackTable, TrackerConfig], mgmt.TrackTable]


def _cv_predict(table: mgmt.TrackTable, dt_s: float, config: TrackerConfig) -> mgmt.TrackTable:
    F = cv_transition(dt_s)
    Q = cv_process_noise(dt_s, config.q_mps2)
    x, P = kf_predict(table.x, table.P, F, Q)  # x = F x, P = F P F' + Q
    return mgmt.evolve(table, x=x, P=P)


def _polar_update(fn: Callable) -> Callable[..., mgmt.TrackTable]:
    def update(
        table: mgmt.TrackTable,
        ti: np.ndarray,
        z: np.ndarray,
        R: np.ndarray,
        sensor: np.ndarray,
        config: TrackerConfig,
    ) -> mgmt.TrackTable:
        if ti.size == 0:
            return table
        x_new, P_new, _, _ = fn(table.x[ti], table.P[ti], z, R, sensor, config.range_rate)
        x = table.x.copy()
        P = table.P.copy()
        x[ti], P[ti] = x_new, P_new
        return mgmt.evolve(table, x=x, P=P)

    return update


def _cv_empty(config: TrackerConfig) -> mgmt.TrackTable:
    return mgmt.empty_table(6)


def _same(table: mgmt.TrackTable, config: TrackerConfig) -> mgmt.TrackTable:
    return table


def _imm_empty(config: TrackerConfig) -> mgmt.TrackTable:
    r = config.imm.n_modes
    return mgmt.empty_table(6, {"mu": (r,), "mode_x": (r, 7), "mode_P": (r, 7, 7)})


def _with_modes(
    table: mgmt.TrackTable, mu: np.ndarray, mx: np.ndarray, mP: np.ndarray
) -> mgmt.TrackTable:
    x7, P7 = imm_combine(mu, mx, mP)
    extra = {"mu": mu, "mode_x": mx, "mode_P": mP}
    return mgmt.evolve(table, x=x7[:, :6], P=P7[:, :6, :6], extra=extra)


def _imm_predict(table: mgmt.TrackTable, dt_s: float, config: TrackerConfig) -> mgmt.TrackTable:
    e = table.extra
    mu, mx, mP, x7, P7 = imm_predict_combine(
        e["mu"], e["mode_x"], e["mode_P"], dt_s, config.imm, config.compiled
    )
    extra = {"mu": mu, "mode_x": mx, "mode_P": mP}
    return mgmt.evolve(table, x=x7[:, :6], P=P7[:, :6, :6], extra=extra)


def _imm_update(
    table: mgmt.TrackTable,
    ti: np.ndarray,
    z: np.ndarray,
    R: np.ndarray,
    sensor: np.ndarray,
    config: TrackerConfig,
) -> mgmt.TrackTable:
    if ti.size == 0:
        return table
    e = table.extra
    mu_i, mx_i, mP_i = imm_update_modes_polar(
        take_rows(e["mu"], ti),
        take_rows(e["mode_x"], ti),
        take_rows(e["mode_P"], ti),
        z,
        R,
        sensor,
        config.range_rate,
        config.compiled,
    )
    mu, mx, mP = e["mu"].copy(), e["mode_x"].copy(), e["mode_P"].copy()
    mu[ti], mx[ti], mP[ti] = mu_i, mx_i, mP_i
    x7, P7 = imm_combine(mu_i, mx_i, mP_i)  # only the updated rows change their combination
    x, P = table.x.copy(), table.P.copy()
    x[ti], P[ti] = x7[:, :6], P7[:, :6, :6]
    return mgmt.evolve(table, x=x, P=P, extra={"mu": mu, "mode_x": mx, "mode_P": mP})


def _imm_adopt(table: mgmt.TrackTable, config: TrackerConfig) -> mgmt.TrackTable:
    mu, mx, mP = imm_init(table.x, table.P, config.imm)
    return mgmt.evolve(table, extra={"mu": mu, "mode_x": mx, "mode_P": mP})


FILTERS: dict[str, FilterOps] = {
    "imm": FilterOps(_imm_empty, _imm_predict, _imm_update, _imm_adopt),
    "ekf": FilterOps(_cv_empty, _cv_predict, _polar_update(ekf_update_polar), _same),
    "ukf": FilterOps(_cv_empty, _cv_predict, _polar_update(ukf_update_polar), _same),
}


@dataclass(frozen=True)
class Plots:
    """One scan's plots from one or several sensors (M rows).

    ``z`` (M, m): range_m, azimuth_rad (clockwise from north), elevation_rad[, range_rate_mps];
    ``R`` (M, m, m) noise covariance of each plot; ``sensor_pos_m`` (M, 3) ENU position of the
    sensor that made each plot; ``sensor_id`` (M,) int64, the sensor of each plot (two radars on
    one site are two sensors). Without ``sensor_id``, plots with equal positions are one sensor.
    """

    z: NDArray[np.float64]
    R: NDArray[np.float64]
    sensor_pos_m: NDArray[np.float64]
    sensor_id: NDArray[np.int64] | None = None

    def __len__(self) -> int:
        return int(self.z.shape[0])

    @classmethod
    def from_polar(
        cls,
        range_m: ArrayLike,
        azimuth_rad: ArrayLike,
        elevation_rad: ArrayLike,
        R: ArrayLike,
        sensor_pos_m: ArrayLike,
        range_rate_mps: ArrayLike | None = None,
        sensor_id: ArrayLike | None = None,
    ) -> Plots:
        """Build from columns; ``R`` (m, m) or (M, m, m), ``sensor_pos_m`` (3,) or (M, 3),
        ``sensor_id`` None or (M,)."""
        cols = [range_m, azimuth_rad, elevation_rad]
        if range_rate_mps is not None:
            cols.append(range_rate_mps)
        z = np.column_stack([np.asarray(c, dtype=float) for c in cols])
        m = z.shape[1]
        R = np.broadcast_to(np.asarray(R, dtype=float)[..., :m, :m], (z.shape[0], m, m))
        s = np.broadcast_to(np.asarray(sensor_pos_m, dtype=float), (z.shape[0], 3))
        ids = None
        if sensor_id is not None:
            ids = np.broadcast_to(np.asarray(sensor_id, dtype=np.int64), (z.shape[0],)).copy()
        return cls(z, R.copy(), s.copy(), ids)

    def take(self, index: ArrayLike) -> Plots:
        """Rows ``index`` as new plots."""
        ids = None if self.sensor_id is None else self.sensor_id[index]
        return Plots(
            take_rows(self.z, index),
            take_rows(self.R, index),
            take_rows(self.sensor_pos_m, index),
            ids,
        )


@dataclass(frozen=True)
class TrackerState:
    """Everything the tracker carries between scans."""

    table: mgmt.TrackTable
    t_s: float | None = None
    next_id: int = 1
    pending_pos_m: NDArray[np.float64] | None = None
    pending_cov_m2: NDArray[np.float64] | None = None
    pending_t_s: float | None = None


def initial_state(config: TrackerConfig) -> TrackerState:
    """A tracker with no tracks."""
    return TrackerState(table=FILTERS[config.filter].empty(config))


def _predict(
    ops: FilterOps, table: mgmt.TrackTable, dt_s: float, config: TrackerConfig
) -> mgmt.TrackTable:
    if dt_s <= 0.0 or len(table) == 0:
        return table
    return ops.predict(table, dt_s, config)


def _gnn_update(
    ops: FilterOps,
    table: mgmt.TrackTable,
    plots: Plots,
    sensor: np.ndarray,
    g: assoc.Gate,
    config: TrackerConfig,
) -> tuple[mgmt.TrackTable, np.ndarray, np.ndarray]:
    cost = assoc.gate_pair_cost(g, config.pd, config.clutter_density, config.gate_probability)
    if config.confirmed_first:  # confirmed tracks choose first, tentative ones take the rest
        first = table.confirmed[g.track]
        plot_for_track = assoc.gnn(
            len(table), len(plots), g.track[first], g.plot[first], cost[first]
        )
        taken = np.zeros(len(plots), dtype=bool)
        taken[plot_for_track[plot_for_track >= 0]] = True
        second = ~first & ~taken[g.plot]
        later = assoc.gnn(len(table), len(plots), g.track[second], g.plot[second], cost[second])
        plot_for_track = np.where(plot_for_track >= 0, plot_for_track, later)
    else:
        plot_for_track = assoc.gnn(len(table), len(plots), g.track, g.plot, cost)
    ti = np.flatnonzero(plot_for_track >= 0)
    pj = plot_for_track[ti]
    pair_of_track = np.full(len(table), -1, dtype=np.int64)  # the gate row of each taken pair
    taken_pair = plot_for_track[g.track] == g.plot
    pair_of_track[g.track[taken_pair]] = np.flatnonzero(taken_pair)
    table = mgmt.add_score(table, ti, -0.5 * cost[pair_of_track[ti]])  # + ln LR of the plot
    table = ops.update(table, ti, plots.z[pj], plots.R[pj], sensor, config)
    hit = np.zeros(len(table), dtype=bool)
    hit[ti] = True
    used = np.zeros(len(plots), dtype=bool)
    used[pj] = True
    return table, hit, used


_GATE_FIELDS = ("track", "plot", "d2", "nu", "S", "H", "logdet_S")


def _jpda_update(
    table: mgmt.TrackTable, plots: Plots, g: assoc.Gate, config: TrackerConfig
) -> tuple[mgmt.TrackTable, np.ndarray, np.ndarray]:
    """JPDA weights, then the PDA update of every track (:func:`association.pda_update`)."""
    n = len(table)
    cost = assoc.gate_pair_cost(g, config.pd, config.clutter_density, config.gate_probability)
    lr = np.exp(-0.5 * cost)
    if config.confirmed_first:  # confirmed tracks first; tentative ones share the other plots
        first = table.confirmed[g.track]
        b1, beta0 = assoc.jpda(n, len(plots), g.track[first], g.plot[first], lr[first])
        taken = np.bincount(g.plot[first], weights=b1, minlength=len(plots)) >= 0.5
        second = ~first & ~taken[g.plot]
        b2, beta0_t = assoc.jpda(n, len(plots), g.track[second], g.plot[second], lr[second])
        keep = first | second
        beta = np.zeros(len(g))
        beta[first], beta[second] = b1, b2
        beta0 = np.where(table.confirmed, beta0, beta0_t)
        g = assoc.Gate(*(getattr(g, f)[keep] for f in _GATE_FIELDS))
        beta = beta[keep]
    else:
        beta, beta0 = assoc.jpda(n, len(plots), g.track, g.plot, lr)
    # a plot in a confirmed track's gate, or mostly explained by tracks, starts no track
    used = np.bincount(g.plot, weights=beta, minlength=len(plots)) >= 0.5
    used[g.plot[table.confirmed[g.track]]] = True
    hit = (1.0 - beta0) >= 0.5
    if len(g) == 0:
        return table, hit, used
    # PDA score: ln(1 - Pd Pg + sum_j Pd g_j / lambda) = miss term + ln(1 + sum_j LR_j)
    lr_kept = np.exp(
        -0.5 * assoc.gate_pair_cost(g, config.pd, config.clutter_density, config.gate_probability)
    )
    total = np.bincount(g.track, weights=lr_kept, minlength=n)
    rows = np.flatnonzero(total > 0)
    table = mgmt.add_score(table, rows, np.log1p(total[rows]))
    x, P = assoc.pda_update(table.x, table.P, g, beta, beta0)
    return mgmt.evolve(table, x=x, P=P), hit, used


def _initiate(
    ops: FilterOps,
    state: TrackerState,
    plots: Plots,
    sensor: np.ndarray,
    t_s: float,
    config: TrackerConfig,
) -> tuple[mgmt.TrackTable, int]:
    room = max(config.max_tracks - len(state.table), 0)
    plots = plots.take(slice(0, min(room, len(plots))))
    new = mgmt.initiate_one_point(
        plots.z, plots.R, sensor, config.velocity_std_mps, t_s, state.next_id
    )
    return ops.adopt(new, config), state.next_id + len(new)


def _initiate_two_point(
    ops: FilterOps,
    state: TrackerState,
    pos: np.ndarray,
    cov: np.ndarray,
    t_s: float,
    config: TrackerConfig,
) -> TrackerState:
    table, next_id = state.table, state.next_id
    leftover = np.ones(pos.shape[0], dtype=bool)
    if state.pending_pos_m is not None and state.pending_t_s is not None:
        new, used = mgmt.initiate_two_point(
            state.pending_pos_m,
            state.pending_cov_m2,
            state.pending_t_s,
            pos,
            cov,
            t_s,
            config.max_speed_mps,
            next_id,
        )
        room = max(config.max_tracks - len(table), 0)
        new = mgmt.select(new, slice(0, room))
        leftover[used[:room]] = False
        table = mgmt.concat(table, ops.adopt(new, config))
        next_id += len(new)
    return mgmt.evolve(
        state,
        table=table,
        next_id=next_id,
        pending_pos_m=pos[leftover],
        pending_cov_m2=cov[leftover],
        pending_t_s=t_s,
    )


def _sensor_groups(plots: Plots) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    if len(plots) == 0:
        return
    if plots.sensor_id is not None:  # the sensor is the id, whatever its position
        first = plots.sensor_id[0]
        if np.all(plots.sensor_id == first):  # the usual case: one radar's plots
            yield plots.sensor_pos_m[0], np.arange(len(plots))
            return
        for sid in sorted(set(plots.sensor_id.tolist())):  # np.unique's order, a few ids
            rows = np.flatnonzero(plots.sensor_id == sid)
            yield plots.sensor_pos_m[rows[0]], rows
        return
    pos = plots.sensor_pos_m
    groups = _position_groups(pos)
    if groups is None:  # a NaN position: the reference form (which refuses it)
        groups = _position_groups_reference(pos)
    for _key, rows in groups:
        yield pos[rows[0]], rows


def _position_groups(pos: np.ndarray) -> list[tuple[tuple[float, ...], np.ndarray]] | None:
    """The rows of ``pos`` (M, 3) with equal positions, in the order of the positions (as
    :func:`_position_groups_reference`), by peeling one sensor's rows off at a time: a frame
    has a few sensors, so no set of M tuples; None when a position is not equal to itself."""
    groups = []
    left = np.arange(pos.shape[0])
    rest = pos
    while left.size:
        same = (rest == rest[0]).all(axis=1)
        if not same[0]:
            return None
        groups.append((tuple(rest[0].tolist()), left[same]))
        if all_of(same):
            break
        left, rest = left[~same], rest[~same]
    groups.sort(key=lambda group: group[0])
    return groups


def _position_groups_reference(pos: np.ndarray) -> list[tuple[tuple[float, ...], np.ndarray]]:
    """The rows of ``pos`` (M, 3) with equal positions, in np.unique(axis=0)'s order."""
    return [
        (key, np.flatnonzero(np.all(pos == key, axis=1)))
        for key in sorted(set(map(tuple, pos.tolist())))
    ]


def tracker_update(
    config: TrackerConfig, state: TrackerState, t_s: float, plots: Plots
) -> tuple[TrackerState, NDArray[np.bool_]]:
    """Predict every track to ``t_s`` (s), associate and update with ``plots``, and start
    tentative tracks from the plots left over; no hit/miss bookkeeping (see
    :func:`tracker_manage`). Returns the new state and a hit mask over its table's rows (rows
    created here count as hit). Rows are only appended: the rows before keep their index."""
    ops = FILTERS[config.filter]
    if state.t_s is not None and t_s < state.t_s:
        raise ValueError(f"scans must come in time order: {t_s} s after {state.t_s} s")
    dt = 0.0 if state.t_s is None else t_s - state.t_s
    table = _predict(ops, state.table, dt, config)
    n_before = len(table)
    hit = np.zeros(n_before, dtype=bool)
    state = mgmt.evolve(state, table=table, t_s=t_s)
    leftovers: list[tuple[np.ndarray, Plots]] = []
    for sensor, rows in _sensor_groups(plots):
        group = plots.take(rows)
        table = state.table
        g = assoc.gate(
            table.x,
            table.P,
            group.z,
            group.R,
            sensor,
            config.gate_d2,
            config.range_rate,
            config.compiled,
        )
        if config.association == "jpda":
            table, h, used = _jpda_update(table, group, g, config)
        else:
            table, h, used = _gnn_update(ops, table, group, sensor, g, config)
        hit |= h[:n_before]
        state = mgmt.evolve(state, table=table)
        rest = group.take(np.flatnonzero(~used))
        if config.initiation == "one_point":
            new, next_id = _initiate(ops, state, rest, sensor, t_s, config)
            state = mgmt.evolve(state, table=mgmt.concat(state.table, new), next_id=next_id)
        else:
            leftovers.append((sensor, rest))
    if config.initiation == "two_point":
        pos, cov = _converted(leftovers)
        state = _initiate_two_point(ops, state, pos, cov, t_s, config)
    hit_all = np.ones(len(state.table), dtype=bool)
    hit_all[:n_before] = hit
    return state, hit_all


def tracker_manage(
    config: TrackerConfig,
    state: TrackerState,
    t_s: float,
    hit: ArrayLike,
    record: ArrayLike,
) -> TrackerState:
    """End of a scan at ``t_s`` (s): for the rows in ``record`` (N,) bool (the tracks the scan
    looked at, not those it started) shift in ``hit`` (N,) bool, then confirm (M of N) and
    delete. Rows not recorded keep their history: a track outside every sensor's sweep is
    neither hit nor missed. With ``config.compiled`` and M-of-N confirmation the steps run as
    one compiled pass (``manage_kernel.manage_scan``, the same values bit for bit)."""
    if config.compiled and config.confirmation != "score":
        done = _manage_in_one_pass(config, state.table, t_s, hit, record)
        if done is not None:
            return mgmt.evolve(state, table=done)
    return _manage_steps(config, state, t_s, hit, record)


_MANAGED = ("hits", "n_scans", "misses", "t_update_s", "score", "status", "t_confirmed_s")


def _manage_in_one_pass(
    config: TrackerConfig, table: mgmt.TrackTable, t_s: float, hit: ArrayLike, record: ArrayLike
) -> mgmt.TrackTable | None:
    """The kept tracks after ``manage_kernel.manage_scan``; None without numba."""
    from iads.tracking.manage_kernel import manage_scan  # numba: loaded on first use

    done = manage_scan(
        {f: getattr(table, f) for f in _MANAGED},
        np.ascontiguousarray(table.P),
        np.asarray(hit, dtype=bool),
        np.asarray(record, dtype=bool),
        t_s,
        config.miss_score,
        config.confirm_m,
        config.confirm_n,
        config.delete_misses,
        config.max_position_std_m,
        config.tentative_delete_misses,
    )
    if done is None:  # pragma: no cover - without numba
        return None
    cols, keep = done
    return mgmt.select(mgmt.evolve(table, **cols), keep)


def _manage_steps(
    config: TrackerConfig,
    state: TrackerState,
    t_s: float,
    hit: ArrayLike,
    record: ArrayLike,
) -> TrackerState:
    """:func:`tracker_manage` step by step in NumPy (the reference of the compiled pass)."""
    table = mgmt.record_scan(state.table, hit, t_s, scored=record)  # rows keep their order
    record = np.asarray(record, dtype=bool)
    rows = np.flatnonzero(record)
    table = mgmt.add_score(table, rows, np.full(rows.size, config.miss_score))
    floor = None
    if config.confirmation == "score":
        upper, floor = config.score_thresholds
        table = mgmt.confirm_by_score(table, upper, t_s)
    else:
        table = mgmt.confirm(table, config.confirm_m, config.confirm_n, t_s)
    dead = mgmt.deletion_mask(
        table,
        config.confirm_m,
        config.confirm_n,
        config.delete_misses,
        config.max_position_std_m,
        config.tentative_delete_misses,
        floor,
    )
    return mgmt.evolve(state, table=mgmt.select(table, ~dead))


def tracker_step(
    config: TrackerConfig, state: TrackerState, t_s: float, plots: Plots
) -> TrackerState:
    """Process one full scan of plots at time ``t_s`` (s) and return the new tracker state."""
    n_before = len(state.table)
    state, hit = tracker_update(config, state, t_s, plots)
    record = np.arange(len(state.table)) < n_before  # new tracks carry their own history
    return tracker_manage(config, state, t_s, hit, record)


def _converted(leftovers: list[tuple[np.ndarray, Plots]]) -> tuple[np.ndarray, np.ndarray]:
    pos = [np.empty((0, 3))]
    cov = [np.empty((0, 3, 3))]
    for sensor, p in leftovers:
        a, b = polar_to_cartesian(p.z, sensor, p.R)
        pos.append(a.reshape(-1, 3))
        cov.append(b.reshape(-1, 3, 3))
    return np.concatenate(pos), np.concatenate(cov)


def track_columns(table: mgmt.TrackTable, t_s: float) -> dict[str, np.ndarray]:
    """Output rows (DESIGN.md tracks format) of the confirmed tracks at time ``t_s``."""
    sel = mgmt.select(table, table.confirmed)
    x = sel.x
    return {
        "time_s": np.full(len(sel), float(t_s)),
        "track_id": sel.track_id.copy(),
        "x_m": x[:, 0],
        "y_m": x[:, 1],
        "z_m": x[:, 2],
        "vx_mps": x[:, 3],
        "vy_mps": x[:, 4],
        "vz_mps": x[:, 5],
        "position_std_m": sel.position_std_m,
        "misses": sel.misses.copy(),
    }


def scans_from_detections(
    det: Mapping[str, np.ndarray],
    R: ArrayLike,
    sensor_pos_m: Mapping[int, ArrayLike] | ArrayLike = (0.0, 0.0, 0.0),
) -> Iterator[tuple[float, Plots]]:
    """Group detection columns (``time_s, range_m, azimuth_rad, elevation_rad`` and optional
    ``sensor_id``, ``range_rate_mps``) into scans by exact time, in time order.

    ``R`` (m, m) is used for every plot, or a mapping from ``sensor_id`` to each sensor's
    (m, m) noise covariance (the same m for all); ``sensor_pos_m`` is one ENU position (3,) for
    all plots or a mapping from ``sensor_id`` to positions.
    """
    t = np.asarray(det["time_s"], dtype=float)
    ids = np.asarray(det.get("sensor_id", np.zeros(t.size, np.int64)))
    if isinstance(R, Mapping):
        keys = np.array(sorted(int(k) for k in R), dtype=np.int64)
        stack = np.stack([np.asarray(R[int(k)], dtype=float) for k in keys])
        R = stack[np.searchsorted(keys, ids)] if t.size else stack[:0]
    if isinstance(sensor_pos_m, Mapping):
        table = {int(k): np.asarray(v, dtype=float) for k, v in sensor_pos_m.items()}
        pos = np.array([table[int(i)] for i in ids]).reshape(-1, 3)
    else:
        pos = np.broadcast_to(np.asarray(sensor_pos_m, dtype=float), (t.size, 3))
    rr = det.get("range_rate_mps") if np.asarray(R).shape[-1] == 4 else None
    if t.size == 0:
        return
    order = np.argsort(t, kind="stable")
    ts = t[order]
    starts = np.flatnonzero(np.r_[True, ts[1:] != ts[:-1]])
    ends = np.r_[starts[1:], ts.size]
    rng, az, el = (np.asarray(det[k]) for k in ("range_m", "azimuth_rad", "elevation_rad"))
    for s, e in zip(starts, ends, strict=True):  # one scan at a time: memory bound by a scan
        k = order[s:e]
        rr_k = None if rr is None else np.asarray(rr)[k]
        R_k = R[k] if np.ndim(R) == 3 else R  # per-plot covariances (sensors file) or one
        yield float(ts[s]), Plots.from_polar(rng[k], az[k], el[k], R_k, pos[k], rr_k, ids[k])


class Tracker:
    """Stateful convenience wrapper: ``tracker.step(t_s, plots)`` returns the track table."""

    def __init__(self, config: TrackerConfig | None = None) -> None:
        self.config = config or TrackerConfig()
        self.state = initial_state(self.config)

    def step(self, t_s: float, plots: Plots) -> mgmt.TrackTable:
        """Process one scan; returns the whole track table (tentative and confirmed)."""
        self.state = tracker_step(self.config, self.state, t_s, plots)
        return self.state.table

    def run(self, scans: Iterable[tuple[float, Plots]]) -> dict[str, np.ndarray]:
        """Process scans in order; the confirmed tracks after each scan, as columns."""
        parts = []
        for t_s, plots in scans:
            parts.append(track_columns(self.step(t_s, plots), t_s))
        if not parts:
            return track_columns(self.state.table, 0.0)
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
