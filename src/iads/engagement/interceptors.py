"""Interceptors in the simulation: the store of every round fired and the system that flies them.

``InterceptorStore`` (``world.interceptors``) holds every interceptor fired in a run as arrays;
``InterceptorSystem`` flies them every tick (full 3-DOF fly-out or the fast table mode),
resolves closest approaches, draws kills with the firing battery's random stream and records
``intercept``, ``kill`` and ``miss`` events. Reads the world by duck typing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from iads.engagement import flyout as fo
from iads.engagement.kill import draw_kills
from iads.engagement.picture import FLYING_THREAT, KILLED_THREAT, origin_alt_of
from iads.scenario.equipment import InterceptorType


@dataclass
class InterceptorStore:
    """Every interceptor fired in a run, struct-of-arrays (row = interceptor id).

    ``done`` (N,) bool once the interceptor has its outcome; ``threat`` (N,) the threat it
    flies at; ``est_*`` the command post's latest estimate of that threat (midcourse uplink).
    ``unit`` (N,) the launcher unit (row of the battery's ``LauncherBank``), ``launcher`` (N,)
    the launcher site (``world.launchers`` index), ``bank_kind`` (N,) the type's column in that
    bank, ``type_name`` (N,) its catalog name, ``radar`` (N,) the fire-control radar
    (``world.radars`` index).
    A salvo's later rounds are queued (``launched`` False until ``launch_time_s``); a queued
    round whose target is gone by then is ``cancelled`` (done, never fired): its round goes
    back to its launcher unit (``returned`` once the fire control has put it back).
    """

    types: list[InterceptorType] = field(default_factory=list)
    type_index: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    battery: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    radar: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    unit: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    bank_kind: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    type_name: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    launcher: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    launched: np.ndarray = field(default_factory=lambda: np.empty(0, bool))
    cancelled: np.ndarray = field(default_factory=lambda: np.empty(0, bool))
    returned: np.ndarray = field(default_factory=lambda: np.empty(0, bool))
    threat: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    launch_time_s: np.ndarray = field(default_factory=lambda: np.empty(0))
    outcome_time_s: np.ndarray = field(default_factory=lambda: np.empty(0))
    done: np.ndarray = field(default_factory=lambda: np.empty(0, bool))
    cost_usd: np.ndarray = field(default_factory=lambda: np.empty(0))
    planned_pk: np.ndarray = field(default_factory=lambda: np.empty(0))
    est_pos_m: np.ndarray = field(default_factory=lambda: np.empty((0, 3)))
    est_vel_mps: np.ndarray = field(default_factory=lambda: np.empty((0, 3)))
    est_time_s: np.ndarray = field(default_factory=lambda: np.empty(0))
    arrive_s: np.ndarray = field(default_factory=lambda: np.empty(0))
    pip_m: np.ndarray = field(default_factory=lambda: np.empty((0, 3)))
    term_pos_m: np.ndarray = field(default_factory=lambda: np.empty((0, 3)))
    term_vel_mps: np.ndarray = field(default_factory=lambda: np.empty((0, 3)))
    term_time_s: np.ndarray = field(default_factory=lambda: np.empty(0))
    term_accel_mps2: np.ndarray = field(default_factory=lambda: np.empty(0))
    state: fo.FlyoutState = field(
        default_factory=lambda: fo.FlyoutState(
            np.empty((0, 3)), np.empty((0, 3)), np.empty(0), np.empty((0, 3))
        )
    )
    params: fo.InterceptorParams | None = None

    def __len__(self) -> int:
        return int(self.threat.shape[0])

    def type_id(self, itype: InterceptorType) -> int:
        for i, t in enumerate(self.types):
            if t == itype:
                return i
        self.types.append(itype)
        return len(self.types) - 1

    def add(
        self,
        itype: InterceptorType,
        battery: int,
        threat: np.ndarray,
        launch_time_s: np.ndarray,
        state: fo.FlyoutState,
        planned_pk: np.ndarray,
        est_pos_m: np.ndarray,
        est_vel_mps: np.ndarray,
        t_s: float,
        arrive_s: np.ndarray | None = None,
        pip_m: np.ndarray | None = None,
        radar: np.ndarray | None = None,
        unit: np.ndarray | None = None,
        launcher: np.ndarray | None = None,
        bank_kind: int = -1,
        type_name: str = "",
    ) -> np.ndarray:
        """Append interceptors of one type; returns their ids. ``arrive_s`` and ``pip_m`` are
        the predicted arrival time and intercept point (used by the fast mode). They are
        queued: ``InterceptorSystem`` launches (or cancels) each at its ``launch_time_s``."""
        n = threat.shape[0]
        ids = np.arange(len(self), len(self) + n)
        k = self.type_id(itype)
        params = fo.InterceptorParams.from_types([itype] * n)
        cat = np.concatenate
        self.type_index = cat([self.type_index, np.full(n, k)])
        self.battery = cat([self.battery, np.full(n, battery)])
        self.radar = cat([self.radar, np.full(n, -1) if radar is None else radar])
        self.unit = cat([self.unit, np.full(n, -1) if unit is None else unit])
        self.bank_kind = cat([self.bank_kind, np.full(n, bank_kind)])
        self.type_name = cat([self.type_name, np.full(n, type_name, dtype=object)])
        self.launcher = cat([self.launcher, np.full(n, -1) if launcher is None else launcher])
        self.launched = cat([self.launched, np.zeros(n, bool)])
        self.cancelled = cat([self.cancelled, np.zeros(n, bool)])
        self.returned = cat([self.returned, np.zeros(n, bool)])
        self.threat = cat([self.threat, threat])
        self.launch_time_s = cat([self.launch_time_s, launch_time_s])
        self.outcome_time_s = cat([self.outcome_time_s, np.full(n, np.nan)])
        self.done = cat([self.done, np.zeros(n, bool)])
        self.cost_usd = cat([self.cost_usd, np.full(n, itype.cost_usd)])
        self.planned_pk = cat([self.planned_pk, planned_pk])
        self.est_pos_m = cat([self.est_pos_m, est_pos_m])
        self.est_vel_mps = cat([self.est_vel_mps, est_vel_mps])
        self.est_time_s = cat([self.est_time_s, np.full(n, t_s)])
        self.arrive_s = cat([self.arrive_s, np.full(n, np.nan) if arrive_s is None else arrive_s])
        self.pip_m = cat([self.pip_m, np.full((n, 3), np.nan) if pip_m is None else pip_m])
        self.term_pos_m = cat([self.term_pos_m, np.full((n, 3), np.nan)])
        self.term_vel_mps = cat([self.term_vel_mps, np.full((n, 3), np.nan)])
        self.term_time_s = cat([self.term_time_s, np.full(n, np.nan)])
        self.term_accel_mps2 = cat([self.term_accel_mps2, np.zeros(n)])
        self.state = fo.FlyoutState.concat([self.state, state])
        self.params = (
            params if self.params is None else fo.InterceptorParams.concat([self.params, params])
        )
        return ids

    def busy(self, _world: Any = None) -> bool:
        """True while any interceptor is still in the air (or waiting on its launcher)."""
        return bool(np.any(~self.done))


def store_of(world: Any) -> InterceptorStore:
    """The world's interceptor store (created on first use, with its ``busy`` predicate)."""
    if not isinstance(world.interceptors, InterceptorStore):
        world.interceptors = InterceptorStore()
        world.busy.append(world.interceptors.busy)
    return world.interceptors


def lateral_accel_mps2(acc_mps2: np.ndarray, vel_mps: np.ndarray) -> np.ndarray:
    """(N,) magnitude of the acceleration (N, 3) across the velocity (N, 3) (m/s^2): the
    manoeuvre part (speed changes along the path are not). Zero where the velocity is 0."""
    a = np.nan_to_num(np.asarray(acc_mps2, dtype=float))
    v = np.nan_to_num(np.asarray(vel_mps, dtype=float))
    speed = np.linalg.norm(v, axis=-1, keepdims=True)
    u = np.divide(v, speed, out=np.zeros_like(v), where=speed > 0)
    lat = np.linalg.norm(a - np.sum(a * u, axis=-1, keepdims=True) * u, axis=-1)
    return np.where(speed[..., 0] > 0, lat, 0.0)


def launch_due(world: Any, store: InterceptorStore, t_s: float) -> None:
    """Rounds whose launch time has come leave (``engage`` event at the launch time), or
    are cancelled when their target is no longer flying (killed, arrived): a queued salvo
    round is not fired at a dead target; the fire control returns it to its launcher."""
    due = np.flatnonzero(~store.done & ~store.launched & (store.launch_time_s <= t_s + 1e-9))
    if due.size == 0:
        return
    gone = world.threats.status[store.threat[due]] != FLYING_THREAT
    off = due[gone]
    store.cancelled[off] = True
    store.done[off] = True
    store.outcome_time_s[off] = store.launch_time_s[off]
    go = due[~gone]
    if go.size:
        store.launched[go] = True
        world.log.record(
            "engage",
            store.launch_time_s[go],
            store.threat[go],
            other_id=go,
            pos_m=store.state.pos_m[go],
            value=store.planned_pk[go],
        )


@dataclass
class InterceptorSystem:
    """Flies every interceptor each tick, resolves closest approaches, draws kills.

    ``mode="full"`` integrates the 3-DOF fly-out. ``mode="fast"`` (large Monte Carlo studies)
    does not: each interceptor arrives at its predicted intercept point at launch time + table
    time of flight; its terminal homing starts ``terminal_range_m`` / closing speed before and
    can remove a deviation of the target from its constant-velocity prediction made then of up
    to 0.5 (a_m / 3) t_term^2 (a third of the lateral limit: PN's demand against a manoeuvre);
    the miss is the rest of the deviation plus a circular normal error with the planning model's
    sigma (``miss_sigma_m`` (1 + (3 a_t / a_m)^4), see ``envelope``), a_t the largest lateral
    acceleration the target shows while the interceptor homes (finite difference of its truth
    velocity), not its type's capability. In the full mode the
    fly-out's miss gets the circular normal error ``miss_sigma_m`` added at closest approach.
    """

    name: str = "interceptors"
    period_s: float = 0.0
    mode: str = "full"
    _prev_vel: np.ndarray | None = None

    def step(self, world: Any, t_s: float, dt_s: float) -> None:
        store = store_of(world)
        th = world.threats
        acc = self._threat_accel(th.vel_mps, dt_s)
        launch_due(world, store, t_s)
        live = np.flatnonzero(~store.done & store.launched)
        if live.size == 0:
            return
        tgt = store.threat[live]
        gone = th.status[tgt] != FLYING_THREAT
        if gone.any():
            self._finish(world, store, live[gone], t_s, "miss", np.nan, None)
        live, tgt = live[~gone], tgt[~gone]
        if live.size == 0:
            return
        if self.mode == "fast":
            self._step_fast(world, store, live, t_s, dt_s, acc)
            return
        est = (
            store.est_pos_m[live]
            + store.est_vel_mps[live] * (t_s - store.est_time_s[live])[:, None]
        )
        r = fo.advance(
            store.state.take(live),
            store.params.take(live),
            th.pos_m[tgt],
            th.vel_mps[tgt],
            acc[tgt],
            dt_s=dt_s,
            est_pos_m=est,
            est_vel_mps=store.est_vel_mps[live],
            rng=world.rng("engagement/seeker"),
            origin_alt_m=origin_alt_of(world),  # heights above sea level; ground at 0
        )
        st = store.state
        st.pos_m[live], st.vel_mps[live] = r.state.pos_m, r.state.vel_mps
        st.t_flight_s[live], st.acc_lat_mps2[live] = r.state.t_flight_s, r.state.acc_lat_mps2
        cpa = np.flatnonzero(r.outcome == fo.CPA)
        if cpa.size:
            ids = live[cpa]
            sigma = store.params.miss_sigma_m[ids]
            err = world.rng("engagement/miss").normal(0.0, 1.0, (ids.size, 2)) * sigma[:, None]
            miss = np.hypot(r.miss_m[cpa] + err[:, 0], err[:, 1])
            self._resolve(world, store, ids, miss, t_s + r.t_cpa_s[cpa], r.pos_cpa_m[cpa])
        failed = np.flatnonzero((r.outcome != fo.CPA) & (r.outcome != fo.FLYING))
        if failed.size:
            self._finish(
                world, store, live[failed], t_s + dt_s, "miss", np.nan, r.state.pos_m[failed]
            )

    def _step_fast(
        self,
        world: Any,
        store: InterceptorStore,
        live: np.ndarray,
        t_s: float,
        dt_s: float,
        acc: np.ndarray,
    ) -> None:
        th = world.threats
        tgt = store.threat[live]
        params = store.params.take(live)
        closing = np.linalg.norm(th.vel_mps[tgt], axis=-1) + 1_000.0
        t_term = params.terminal_range_m / closing
        start = live[
            (store.arrive_s[live] - t_term <= t_s + dt_s) & np.isnan(store.term_pos_m[live, 0])
        ]
        if start.size:  # terminal homing begins: the prediction it must correct from
            store.term_pos_m[start] = th.pos_m[store.threat[start]]
            store.term_vel_mps[start] = th.vel_mps[store.threat[start]]
            store.term_time_s[start] = t_s
        homing = live[~np.isnan(store.term_pos_m[live, 0])]
        if homing.size:  # the largest lateral acceleration the target shows while homing
            tgt_h = store.threat[homing]
            store.term_accel_mps2[homing] = np.maximum(
                store.term_accel_mps2[homing], lateral_accel_mps2(acc[tgt_h], th.vel_mps[tgt_h])
            )
        due = (store.arrive_s[live] < t_s + dt_s) & ~np.isnan(store.term_pos_m[live, 0])
        if not due.any():
            return
        ids, p = live[due], params.take(due)
        tau = np.clip(store.arrive_s[ids] - t_s, 0.0, dt_s)
        truth = th.pos_m[store.threat[ids]] + th.vel_mps[store.threat[ids]] * tau[:, None]
        t_pred = store.arrive_s[ids] - store.term_time_s[ids]
        pred = store.term_pos_m[ids] + store.term_vel_mps[ids] * t_pred[:, None]
        deviation = np.linalg.norm(truth - pred, axis=-1)
        t_h = np.maximum(t_pred, 0.0)
        divert = 0.5 * (p.max_lateral_accel_mps2 / 3.0) * t_h**2
        # the target's shown manoeuvre, not its type's capability (a straight-flying fighter
        # is missed like any straight flyer, as in the full fly-out)
        ratio = 3.0 * store.term_accel_mps2[ids] / p.max_lateral_accel_mps2
        sigma = p.miss_sigma_m * (1.0 + ratio**4)
        err = np.zeros((ids.size, 2))
        for b in np.unique(store.battery[ids]):  # each battery's own stream
            sel = np.flatnonzero(store.battery[ids] == b)
            rng = world.rng(f"engagement/fast/{world.batteries[int(b)].name}")
            err[sel] = rng.normal(0.0, 1.0, (sel.size, 2)) * sigma[sel, None]
        miss = np.hypot(np.maximum(deviation - divert, 0.0) + err[:, 0], err[:, 1])
        self._resolve(world, store, ids, miss, t_s + tau, truth)

    def _threat_accel(self, vel: np.ndarray, dt_s: float) -> np.ndarray:
        """Threat accelerations (N, 3) by finite difference of the truth velocities."""
        v = np.nan_to_num(vel)
        if self._prev_vel is None or self._prev_vel.shape != v.shape:
            acc = np.zeros_like(v)
        else:
            acc = (v - self._prev_vel) / dt_s
        self._prev_vel = v.copy()
        return acc

    def _resolve(self, world, store, ids, miss_m, t_cpa_s, pos_cpa_m) -> None:
        th = world.threats
        tgt = store.threat[ids]
        world.log.record("intercept", t_cpa_s, tgt, other_id=ids, pos_m=pos_cpa_m, value=miss_m)
        killed = np.zeros(ids.size, bool)
        pk = np.zeros(ids.size)
        for b in np.unique(store.battery[ids]):
            sel = np.flatnonzero(store.battery[ids] == b)
            params = store.params.take(ids[sel])
            rng = world.rng(f"engagement/{world.batteries[int(b)].name}")
            killed[sel], pk[sel] = draw_kills(
                miss_m[sel], params.lethal_radius_m, params.reliability, rng
            )
        for i in np.argsort(t_cpa_s, kind="stable"):  # two kills on one threat: the first
            if killed[i] and th.status[tgt[i]] == FLYING_THREAT:
                th.status[tgt[i]] = KILLED_THREAT
            else:
                killed[i] = False
        if killed.any():
            world.log.record(
                "kill",
                t_cpa_s[killed],
                tgt[killed],
                other_id=ids[killed],
                pos_m=pos_cpa_m[killed],
                value=pk[killed],
            )
        if (~killed).any():
            world.log.record(
                "miss",
                t_cpa_s[~killed],
                tgt[~killed],
                other_id=ids[~killed],
                pos_m=pos_cpa_m[~killed],
                value=pk[~killed],
            )
        store.done[ids] = True
        store.outcome_time_s[ids] = t_cpa_s

    def _finish(self, world, store, ids, t_s, kind, value, pos_m) -> None:
        world.log.record(kind, t_s, store.threat[ids], other_id=ids, pos_m=pos_m, value=value)
        store.done[ids] = True
        store.outcome_time_s[ids] = t_s
