"""Interceptors in the simulation: the rounds fired, and the one place truth meets perception.

``InterceptorStore`` (``world.interceptors``) holds every round ordered in a run as arrays: the
physical missile (fly-out state) and the order it flies (battery, track number, aim estimate).
``InterceptorSystem`` reads the command posts' orders, cancels and midcourse updates from its
inbox, launches rounds at their launch time (``engage`` event, ``Launches`` message), and
flies them every tick toward the track estimate they were given.

The end game: once a round is within its terminal range of the aim point, its seeker or its
fire-control radar searches a basket around the aim point (``acquisition_sigmas`` track
sigmas, at least ``acquisition_floor_m``) and acquires the real object nearest the aim
point there (the only read of truth by the defense's side). A round fired at a false track
finds nothing, flies out its aim point and is lost (``miss``, target -1). After acquisition
it homes on the object: the fly-out's terminal guidance against the true state, the kill
drawn from the miss distance with the firing battery's random stream. Outcomes go out as
``Detonations`` (with the kill assessment the engaging radar makes) and as ``intercept``,
``kill`` and ``miss`` events (entity = the threat met, -1 none; other = interceptor id).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from iads.channels import Bus, Channel
from iads.config import EndGameSettings
from iads.engagement import flyout as fo
from iads.engagement.homing_kernel import quiet_homing_tick, record_homing
from iads.engagement.kill import draw_kills
from iads.messages import (
    FLYING,
    KILLED,
    Cancels,
    Detonations,
    FireOrders,
    Launches,
    Uplinks,
    empty_column,
)
from iads.scenario.equipment import TARGET_CLASS, InterceptorType
from iads.vectors import all_of, any_of, finite_or_zero, norm

GLINT_DEFAULT_LENGTH_M = 5.0
"""Target length (m) for glint when the threat type gives no ``length_m``."""


@dataclass
class InterceptorStore:
    """Every round ordered in a run, struct-of-arrays (row = interceptor id). Rows are only
    appended and ``launch_time_s`` is never rewritten, and only ``InterceptorSystem.step``
    writes the store: its kept due time relies on all three.

    Order: ``order_id``, ``battery``, ``track_number`` (the track it was fired at), ``radar``
    (fire-control radar, ``world.radars`` index), ``unit`` / ``bank_kind`` (its launcher unit
    and type column in the battery's bank), ``launcher`` (site), ``type_name``,
    ``launch_time_s``, ``planned_pk``, ``pip_m``, ``arrive_s`` (planned arrival).
    Aim: ``est_pos_m`` / ``est_vel_mps`` / ``est_std_m`` at ``est_time_s`` (the latest uplink).
    End game: ``target`` the threat acquired (-1: none yet or none found). Flags: ``launched``,
    ``cancelled`` (withdrawn before launch), ``done`` (outcome known, ``outcome_time_s``).
    """

    types: list[InterceptorType] = field(default_factory=list)
    type_index: np.ndarray = empty_column(np.int64)
    order_id: np.ndarray = empty_column(np.int64)
    battery: np.ndarray = empty_column(np.int64)
    track_number: np.ndarray = empty_column(np.int64)
    radar: np.ndarray = empty_column(np.int64)
    unit: np.ndarray = empty_column(np.int64)
    bank_kind: np.ndarray = empty_column(np.int64)
    type_name: np.ndarray = empty_column(object)
    launcher: np.ndarray = empty_column(np.int64)
    launched: np.ndarray = empty_column(bool)
    cancelled: np.ndarray = empty_column(bool)
    done: np.ndarray = empty_column(bool)
    target: np.ndarray = empty_column(np.int64)
    launch_time_s: np.ndarray = empty_column()
    outcome_time_s: np.ndarray = empty_column()
    cost_usd: np.ndarray = empty_column()
    planned_pk: np.ndarray = empty_column()
    est_pos_m: np.ndarray = empty_column(float, (3,))
    est_vel_mps: np.ndarray = empty_column(float, (3,))
    est_std_m: np.ndarray = empty_column()
    est_time_s: np.ndarray = empty_column()
    arrive_s: np.ndarray = empty_column()
    pip_m: np.ndarray = empty_column(float, (3,))
    term_pos_m: np.ndarray = empty_column(float, (3,))
    term_vel_mps: np.ndarray = empty_column(float, (3,))
    term_time_s: np.ndarray = empty_column()
    term_accel_mps2: np.ndarray = empty_column()
    state: fo.FlyoutState = field(
        default_factory=lambda: fo.FlyoutState(
            np.empty((0, 3)), np.empty((0, 3)), np.empty(0), np.empty((0, 3))
        )
    )
    params: fo.InterceptorParams | None = None
    _flying: tuple | None = field(default=None, repr=False, compare=False)
    """The last ``flying_params``: (rows as bytes, their parameters, packed for the kernel)."""

    def __len__(self) -> int:
        return int(self.order_id.shape[0])

    def flying_params(self, rows: np.ndarray) -> tuple[fo.InterceptorParams, np.ndarray | None]:
        """The parameters of ``rows`` and the same packed for the compiled fly-out
        (``fo.packed_params``; None without numba). The rows in flight change only at launches
        and ends, so the last answer is kept and given again for the same rows."""
        key = rows.tobytes()
        if self._flying is None or self._flying[0] != key:
            params = self.params.take(rows)
            self._flying = (key, params, fo.packed_params(params))
        return self._flying[1], self._flying[2]

    def type_id(self, itype: InterceptorType) -> int:
        for i, t in enumerate(self.types):
            if t == itype:
                return i
        self.types.append(itype)
        return len(self.types) - 1

    def add(
        self, orders: FireOrders, itype: InterceptorType, launcher_pos_m: np.ndarray
    ) -> np.ndarray:
        """Queue ``orders`` (all of type ``itype``, from launchers at ``launcher_pos_m``
        (n, 3)); returns their interceptor ids."""
        n = len(orders)
        ids = np.arange(len(self), len(self) + n)
        params = fo.InterceptorParams.from_types([itype] * n)
        state = fo.launch(launcher_pos_m, orders.pip_m, params)
        cat = np.concatenate
        new = {
            "type_index": np.full(n, self.type_id(itype)),
            "order_id": orders.order_id,
            "battery": orders.battery,
            "track_number": orders.track_number,
            "radar": orders.radar,
            "unit": orders.launcher_unit,
            "bank_kind": orders.bank_kind,
            "type_name": orders.interceptor_type.astype(object),
            "launcher": orders.launcher,
            "launched": np.zeros(n, bool),
            "cancelled": np.zeros(n, bool),
            "done": np.zeros(n, bool),
            "target": np.full(n, -1, np.int64),
            "launch_time_s": orders.launch_time_s,
            "outcome_time_s": np.full(n, np.nan),
            "cost_usd": np.full(n, itype.cost_usd),
            "planned_pk": orders.planned_pk,
            "est_pos_m": orders.aim_pos_m,
            "est_vel_mps": orders.aim_vel_mps,
            "est_std_m": orders.aim_std_m,
            "est_time_s": orders.time_s,
            "arrive_s": orders.launch_time_s + orders.tof_s,
            "pip_m": orders.pip_m,
            "term_pos_m": np.full((n, 3), np.nan),
            "term_vel_mps": np.full((n, 3), np.nan),
            "term_time_s": np.full(n, np.nan),
            "term_accel_mps2": np.zeros(n),
        }
        for name, col in new.items():
            setattr(self, name, cat([getattr(self, name), col]))
        self.state = fo.FlyoutState.concat([self.state, state])
        self.params = (
            params if self.params is None else fo.InterceptorParams.concat([self.params, params])
        )
        self._flying = None  # new rows: the parameters of any rows are taken anew
        return ids

    def busy(self) -> bool:
        """True while any round is in the air or waiting on its launcher."""
        return not all_of(self.done)

    def aim_at(self, rows: np.ndarray, t_s: float) -> np.ndarray:
        """(n, 3) the aim estimate of ``rows`` extrapolated to ``t_s`` (constant velocity)."""
        age = (t_s - self.est_time_s[rows])[:, None]
        return self.est_pos_m[rows] + self.est_vel_mps[rows] * age


def lateral_accel_mps2(acc_mps2: np.ndarray, vel_mps: np.ndarray) -> np.ndarray:
    """(N,) magnitude of the acceleration (N, 3) across the velocity (N, 3) (m/s^2): the
    manoeuvre part (speed changes along the path are not). Zero where the velocity is 0."""
    a = finite_or_zero(np.asarray(acc_mps2, dtype=float))
    v = finite_or_zero(np.asarray(vel_mps, dtype=float))
    speed = norm(v, keepdims=True)
    u = np.divide(v, speed, out=np.zeros_like(v), where=speed > 0)
    lat = norm(a - np.sum(a * u, axis=-1, keepdims=True) * u)
    return np.where(speed[..., 0] > 0, lat, 0.0)


def acquire(
    aim_pos_m: np.ndarray,
    basket_m: np.ndarray,
    threat_pos_m: np.ndarray,
    flying: np.ndarray,
) -> np.ndarray:
    """(n,) the threat row each seeker acquires: the flying threat nearest its aim point
    (n, 3) within its basket radius (n,) (m), or -1 when the basket is empty."""
    out = np.full(aim_pos_m.shape[0], -1, dtype=np.int64)
    rows = np.flatnonzero(flying)
    if rows.size == 0 or aim_pos_m.shape[0] == 0:
        return out
    d = norm(aim_pos_m[:, None, :] - threat_pos_m[rows][None, :, :])
    near = np.argmin(d, axis=1)
    ok = d[np.arange(d.shape[0]), near] <= basket_m
    out[ok] = rows[near[ok]]
    return out


@dataclass
class InterceptorSystem:
    """Launches, flies and resolves every round (acts every tick); see the module docstring.

    ``mode="full"`` integrates the 3-DOF fly-out. ``mode="fast"`` (large studies) does not:
    a round arrives at its predicted intercept point at launch time + table time of flight;
    its terminal homing starts ``terminal_range_m`` / closing speed before, when it acquires
    as above, and can remove a deviation of the target from its constant-velocity prediction
    made then of up to 0.5 (a_m / 3) t_term^2 (a third of the lateral limit: PN's demand
    against a manoeuvre); the miss is the rest of the deviation plus a circular normal error
    with the planning model's sigma (``miss_sigma_m`` (1 + (3 a_t / a_m)^4), see
    ``envelope``), a_t the largest lateral acceleration the target shows while the round
    homes. In the full mode the fly-out's miss gets the circular normal error
    ``miss_sigma_m`` added at closest approach.
    """

    inbox: Channel
    bus: Bus
    types: dict[str, InterceptorType]
    launcher_pos_m: np.ndarray
    battery_names: list[str]
    settings: EndGameSettings
    kill_assessment_probability: float = 1.0
    origin_alt_m: float = 0.0
    name: str = "interceptors"
    period_s: float = 0.0
    mode: str = "full"
    _dt_s: float = float("inf")
    """The step of the last call (s): the engine's tick."""

    _due: tuple | None = field(default=None, repr=False, compare=False)
    """``next_due_s``'s part from the store, kept from its last call: (the store, its length,
    the summary ``_store_due``). ``step`` drops it: the store changes only in ``step``."""

    def next_due_s(self, world: Any, t_s: float) -> float:
        """Now while a round flies (fast mode: once its terminal phase may start); else the
        next message's delivery or the next queued launch (s; inf: nothing to do). The
        engine skips the ticks before.

        The engine asks before and after each step, and again at the next tick it runs; the
        store's part is the same each time until ``step`` runs again (only ``step`` writes
        the store, and the part does not depend on ``t_s``, see ``_store_due``), so it is
        kept and only the inbox (written by others) is asked anew."""
        store = world.interceptors
        t = self.inbox.next_delivery_s()
        if store is None or len(store) == 0:
            return t
        due = self._due
        if due is None or due[0] is not store or due[1] != len(store):
            due = self._due = (store, len(store), self._store_due(store))
        now, start_s, launch_s = due[2]
        if now:
            return t_s
        if start_s is not None:
            t = min(t, max(t_s, start_s))
        if launch_s is not None:
            t = min(t, launch_s)
        return t

    def _store_due(self, store: InterceptorStore) -> tuple[bool, float | None, float | None]:
        """The store's part of ``next_due_s``, free of the clock: (True: a round flies in the
        full mode, due every tick; the fast mode's earliest terminal start, ``_terminal_s``,
        None: nothing flies; the earliest queued launch (s), None: none queued)."""
        waiting = ~store.done
        flying = waiting & store.launched
        queued = waiting & ~store.launched
        launch_s = float(store.launch_time_s[queued].min()) if any_of(queued) else None
        if not any_of(flying):
            return False, None, launch_s
        if self.mode != "fast":
            return True, None, launch_s
        return False, self._terminal_s(store, flying), launch_s

    def _terminal_s(self, store: InterceptorStore, live: np.ndarray) -> float:
        """Fast mode: before its terminal phase a round in the air (``live``: rows, or a mask
        over the store) does nothing a tick (it is at its aim point at ``arrive_s``, no
        target locked); the earliest tick at which a round's terminal phase may start (s;
        -inf once one has, it then homes every tick: ``next_due_s`` takes the later of it
        and now). The step's own test (``_step_fast``) decides; this only never comes later."""
        if not math.isfinite(self._dt_s) or any_of(np.isfinite(store.term_time_s[live])):
            return -np.inf
        closing = norm(store.est_vel_mps[live]) + 1_000.0
        start_s = store.arrive_s[live] - store.params.terminal_range_m[live] / closing - self._dt_s
        return float(start_s.min()) - 1e-6

    def step(self, world: Any, t_s: float, dt_s: float) -> None:
        self._dt_s = dt_s
        kept, self._due = self._due, None  # the store changes below
        store = store_of(world)
        read = self._read_inbox(store, t_s)
        if len(store) == 0:
            return
        th = world.threats
        # nothing read and nothing launched: the queue is as ``kept`` saw it
        same_queue = read == 0 and self._none_to_launch(kept, store, t_s)
        if not same_queue:
            self._launch_due(world, store, t_s)
        elif self.mode == "fast" and quiet_homing_tick(store, th, FLYING, t_s, dt_s):
            # only the homing rounds' records moved (compiled: ``_step_fast``'s tests and
            # record in its arithmetic); the store's part of next_due_s is as below
            self._due = (store, len(store), (False, -math.inf, kept[2][2]))
            return
        live = (store.launched & ~store.done).nonzero()[0]
        if live.size == 0:
            return
        tgt = store.target[live]
        locked = tgt >= 0
        if any_of(locked):
            ended = th.status[tgt[locked]] != FLYING
            if any_of(ended):  # its object died or arrived first
                gone = np.zeros(live.size, bool)
                gone[locked] = ended
                self._finish(world, store, live[gone], t_s, None)
                live = live[~gone]
                if live.size == 0:
                    return
        if self.mode == "fast":
            homes = self._step_fast(world, store, live, t_s, dt_s)
            if homes and same_queue:  # the store's part of next_due_s, as a fresh look finds it
                self._due = (store, len(store), (False, -math.inf, kept[2][2]))
            return
        self._acquire_in_terminal(world, store, live, t_s)
        tgt = store.target[live]
        locked = tgt >= 0
        aim = store.aim_at(live, t_s)
        t_pos = np.where(locked[:, None], th.pos_m[np.maximum(tgt, 0)], aim)
        t_vel = np.where(locked[:, None], th.vel_mps[np.maximum(tgt, 0)], store.est_vel_mps[live])
        t_acc = np.where(locked[:, None], self._threat_accel(th, dt_s, np.maximum(tgt, 0)), 0.0)
        params, packed = store.flying_params(live)
        r = fo.advance(
            store.state.take(live),
            params,
            t_pos,
            t_vel,
            t_acc,
            dt_s=dt_s,
            est_pos_m=aim,
            est_vel_mps=store.est_vel_mps[live],
            rng=world.rng("engagement/seeker"),
            origin_alt_m=self.origin_alt_m,
            illuminator_pos_m=self._illuminators(world, store, live),
            glint_sigma_m=np.where(locked, self._glint_sigma_m(th, tgt), 0.0),
            packed_params=packed,
        )
        st = store.state
        st.pos_m[live], st.vel_mps[live] = r.state.pos_m, r.state.vel_mps
        st.t_flight_s[live], st.acc_lat_mps2[live] = r.state.t_flight_s, r.state.acc_lat_mps2
        if r.state.seeker is not None:  # the seekers' filters persist between ticks
            if st.seeker is None:
                store.state = replace(st, seeker=st.seekers())
            store.state.seeker.put(live, r.state.seeker)
        cpa = np.flatnonzero((r.outcome == fo.CPA) & locked)
        if cpa.size:  # the miss of the simulated end game: seeker noise, glint, lag, limits
            ids = live[cpa]
            self._resolve(world, store, ids, r.miss_m[cpa], t_s + r.t_cpa_s[cpa], r.pos_cpa_m[cpa])
        # past its aim point with nothing acquired (a false track), or failed in flight
        lost = np.flatnonzero(((r.outcome == fo.CPA) & ~locked) | (r.outcome > fo.CPA))
        if lost.size:
            self._finish(world, store, live[lost], t_s + dt_s, r.state.pos_m[lost])

    # --- messages ------------------------------------------------------------------------

    def _read_inbox(self, store: InterceptorStore, t_s: float) -> int:
        """Orders, midcourse updates and cancels delivered by ``t_s``; returns how many."""
        batches = self.inbox.receive(t_s)
        for msg in batches:
            if isinstance(msg, FireOrders):
                for name in np.unique(msg.interceptor_type):
                    part = msg.select(msg.interceptor_type == name)
                    store.add(part, self.types[str(name)], self.launcher_pos_m[part.launcher])
            elif isinstance(msg, Uplinks):
                self._uplink(store, msg)
            elif isinstance(msg, Cancels):
                self._cancel(store, msg, t_s)
        return len(batches)

    @staticmethod
    def _uplink(store: InterceptorStore, up: Uplinks) -> None:
        """Midcourse updates: the battery's latest estimate of each round's track (rows by
        ``order_id``; the track a round flies at may have been handed over)."""
        live = np.flatnonzero(~store.done)
        if live.size == 0 or len(up) == 0:
            return
        key = {int(o): k for k, o in enumerate(up.order_id)}
        for m in live:
            k = key.get(int(store.order_id[m]))
            if k is not None:
                store.est_pos_m[m], store.est_vel_mps[m] = up.pos_m[k], up.vel_mps[k]
                store.est_std_m[m], store.est_time_s[m] = up.position_std_m[k], up.time_s[k]
                store.track_number[m] = up.track_number[k]

    def _cancel(self, store: InterceptorStore, msg: Cancels, t_s: float) -> None:
        rows = np.flatnonzero(np.isin(store.order_id, msg.order_id) & ~store.launched)
        rows = rows[~store.done[rows]]
        if rows.size == 0:
            return
        store.cancelled[rows] = store.done[rows] = True
        store.outcome_time_s[rows] = t_s
        self._publish_launches(store, rows, t_s, cancelled=True)

    def _publish_launches(
        self, store: InterceptorStore, rows: np.ndarray, t_s: float, cancelled: bool
    ) -> None:
        for b in np.unique(store.battery[rows]):
            sel = rows[store.battery[rows] == b]
            self.bus.publish(
                f"launches/{int(b)}",
                t_s,
                Launches(
                    time_s=np.full(sel.size, float(t_s)),
                    order_id=store.order_id[sel],
                    interceptor_id=sel.astype(np.int64),
                    battery=store.battery[sel],
                    launcher_unit=store.unit[sel],
                    bank_kind=store.bank_kind[sel],
                    track_number=store.track_number[sel],
                    cancelled=np.full(sel.size, cancelled),
                ),
            )

    @staticmethod
    def _none_to_launch(kept: tuple | None, store: InterceptorStore, t_s: float) -> bool:
        """True when ``next_due_s``'s kept part (``kept``, from before this step) shows that
        no queued round can launch at ``t_s``: its earliest queued launch was later (or none
        was queued) and no round was added since (same length: a cancel or a launch only
        takes rounds off the queue, and launch times are never written again)."""
        if kept is None or kept[0] is not store or kept[1] != len(store):
            return False
        launch_s = kept[2][2]
        return launch_s is None or launch_s > t_s + 1e-9

    def _launch_due(self, world: Any, store: InterceptorStore, t_s: float) -> None:
        """Rounds whose launch time has come leave (``engage`` event at the launch time;
        entity = the track fired at)."""
        due = np.flatnonzero(~store.done & ~store.launched & (store.launch_time_s <= t_s + 1e-9))
        if due.size == 0:
            return
        store.launched[due] = True
        world.log.record(
            "engage",
            store.launch_time_s[due],
            store.track_number[due],
            other_id=due,
            pos_m=store.state.pos_m[due],
            value=store.planned_pk[due],
        )
        self._publish_launches(store, due, t_s, cancelled=False)

    # --- end game ------------------------------------------------------------------------

    def _basket_m(self, store: InterceptorStore, rows: np.ndarray) -> np.ndarray:
        s = self.settings
        return np.maximum(s.acquisition_floor_m, s.acquisition_sigmas * store.est_std_m[rows])

    def _acquire_in_terminal(
        self, world: Any, store: InterceptorStore, live: np.ndarray, t_s: float
    ) -> None:
        """Rounds within terminal range of their aim point that hold no object search."""
        searching = live[store.target[live] < 0]
        if searching.size == 0:
            return
        aim = store.aim_at(searching, t_s)
        near = norm(aim - store.state.pos_m[searching]) < store.params.terminal_range_m[searching]
        rows = searching[near]
        if rows.size:
            th = world.threats
            store.target[rows] = acquire(
                aim[near], self._basket_m(store, rows), th.pos_m, th.status == FLYING
            )

    def _step_fast(
        self, world: Any, store: InterceptorStore, live: np.ndarray, t_s: float, dt_s: float
    ) -> bool:
        """Fast mode, the rounds ``live`` in the air: terminal phases that begin (acquisition
        and the prediction to correct from), the homing rounds' record of their target's
        manoeuvre, and the rounds at their aim point resolved. Each is computed on its own
        rows only (row by row the same arithmetic, so the same bits as on all rows).

        Returns True when every round of ``live`` flies on and one is in its terminal phase:
        then ``_store_due`` would find the terminal start -inf (the caller keeps that)."""
        th = world.threats
        term_s = store.term_time_s[live]
        pre = np.isnan(term_s)
        if any_of(pre):  # rounds whose terminal homing may begin now
            cand = live[pre]
            closing = norm(store.est_vel_mps[cand]) + 1_000.0
            t_term = store.params.terminal_range_m[cand] / closing  # one column, not take()'s 40
            start = cand[store.arrive_s[cand] - t_term <= t_s + dt_s]
            if start.size:  # terminal homing begins: acquire, and the prediction to correct from
                found = acquire(
                    store.aim_at(start, t_s),
                    self._basket_m(store, start),
                    th.pos_m,
                    th.status == FLYING,
                )
                store.target[start] = found
                store.term_time_s[start] = t_s
                ok = start[found >= 0]
                store.term_pos_m[ok] = th.pos_m[store.target[ok]]
                store.term_vel_mps[ok] = th.vel_mps[store.target[ok]]
                term_s = store.term_time_s[live]
        self._record_homing(th, store, live, dt_s)
        homing = np.isfinite(term_s)
        due = (store.arrive_s[live] < t_s + dt_s) & homing
        if not any_of(due):
            return any_of(homing)
        ids = live[due]
        lost = ids[store.target[ids] < 0]
        if lost.size:  # nothing in the basket: the round flies out its aim point
            self._finish(world, store, lost, float(np.max(store.arrive_s[lost])), None)
        ids = ids[store.target[ids] >= 0]
        if ids.size == 0:
            return False
        p = store.params.take(ids)
        tgt = store.target[ids]
        tau = np.clip(store.arrive_s[ids] - t_s, 0.0, dt_s)
        truth = th.pos_m[tgt] + th.vel_mps[tgt] * tau[:, None]
        t_pred = store.arrive_s[ids] - store.term_time_s[ids]
        pred = store.term_pos_m[ids] + store.term_vel_mps[ids] * t_pred[:, None]
        deviation = norm(truth - pred)
        t_h = np.maximum(t_pred, 0.0)
        divert = 0.5 * (p.max_lateral_accel_mps2 / 3.0) * t_h**2
        # the target's shown manoeuvre, not its type's capability
        ratio = 3.0 * store.term_accel_mps2[ids] / p.max_lateral_accel_mps2
        sigma = p.miss_sigma_m * (1.0 + ratio**4)
        err = np.zeros((ids.size, 2))
        for b in np.unique(store.battery[ids]):  # each battery's own stream
            sel = np.flatnonzero(store.battery[ids] == b)
            rng = world.rng(f"engagement/fast/{self.battery_names[int(b)]}")
            err[sel] = rng.normal(0.0, 1.0, (sel.size, 2)) * sigma[sel, None]
        miss = np.hypot(np.maximum(deviation - divert, 0.0) + err[:, 0], err[:, 1])
        self._resolve(world, store, ids, miss, t_s + tau, truth)
        return False

    def _record_homing(
        self, th: Any, store: InterceptorStore, live: np.ndarray, dt_s: float, compiled=True
    ) -> None:
        """Fast mode: each homing round of ``live`` (target locked) keeps the largest lateral
        acceleration its target shows while it homes (``term_accel_mps2``, m/s^2), from the
        threats' accelerations over the last tick (``dt_s``, s). Compiled when numba is there
        (``homing_kernel``, the same bits); ``compiled=False``: the NumPy form."""
        if compiled and record_homing(
            live, store.target, th.vel_mps, th.vel_prev_mps, dt_s, store.term_accel_mps2
        ):
            return
        homing = live[store.target[live] >= 0]
        if homing.size:
            tgt = store.target[homing]
            store.term_accel_mps2[homing] = np.maximum(
                store.term_accel_mps2[homing],
                lateral_accel_mps2(self._threat_accel(th, dt_s, tgt), th.vel_mps[tgt]),
            )

    def _illuminators(self, world: Any, store: InterceptorStore, rows: np.ndarray) -> np.ndarray:
        """(n, 3) the fire-control radar of each round (its illuminator), at the launcher
        when it has none."""
        out = store.state.pos_m[rows] * 0.0 + self.launcher_pos_m[store.launcher[rows]]
        radars = getattr(world, "radars", None) or []
        for k, ri in enumerate(store.radar[rows]):
            if 0 <= ri < len(radars):
                out[k] = radars[int(ri)].pos_m
        return out

    def _glint_sigma_m(self, th: Any, tgt: np.ndarray) -> np.ndarray:
        """(n,) per-axis glint sigma (m) of the threats ``tgt`` (-1: 0):
        ``settings.end_game.glint_fraction`` x the type's length (``GLINT_DEFAULT_LENGTH_M``
        when the catalog gives none)."""
        out = np.zeros(tgt.size)
        for k, row in enumerate(tgt):
            if row >= 0:
                length = th.types[int(th.type_index[row])].length_m
                out[k] = self.settings.glint_fraction * (
                    GLINT_DEFAULT_LENGTH_M if length is None else length
                )
        return out

    @staticmethod
    def _threat_accel(th: Any, dt_s: float, rows: np.ndarray | None = None) -> np.ndarray:
        """Threat accelerations (N, 3), or of ``rows`` only (n, 3), by finite difference of
        the truth velocities over the last tick (``vel_prev_mps``, kept by the motion system;
        zero before it has run). Element by element, so a row's is the same either way."""
        v = th.vel_mps if rows is None else th.vel_mps[rows]
        v = finite_or_zero(v)
        if th.vel_prev_mps is None:
            return np.zeros_like(v)
        prev = th.vel_prev_mps if rows is None else th.vel_prev_mps[rows]
        return (v - finite_or_zero(prev)) / dt_s

    def _resolve(self, world, store, ids, miss_m, t_cpa_s, pos_cpa_m) -> None:
        """Closest approach to the acquired object: draw kills, report detonations."""
        th = world.threats
        tgt = store.target[ids]
        world.log.record("intercept", t_cpa_s, tgt, other_id=ids, pos_m=pos_cpa_m, value=miss_m)
        killed = np.zeros(ids.size, bool)
        pk = np.zeros(ids.size)
        lethal = np.array(
            [
                store.types[int(store.type_index[i])].lethal_radius_for(
                    TARGET_CLASS[th.types[int(th.type_index[j])].kind]
                )
                for i, j in zip(ids, tgt, strict=True)
            ]
        ).reshape(ids.size)
        for b in np.unique(store.battery[ids]):
            sel = np.flatnonzero(store.battery[ids] == b)
            params = store.params.take(ids[sel])
            rng = world.rng(f"engagement/{self.battery_names[int(b)]}")
            killed[sel], pk[sel] = draw_kills(miss_m[sel], lethal[sel], params.reliability, rng)
        for i in np.argsort(t_cpa_s, kind="stable"):  # two kills on one threat: the first
            if killed[i] and th.status[tgt[i]] == FLYING:
                th.status[tgt[i]] = KILLED
            else:
                killed[i] = False
        for kind, sel in (("kill", killed), ("miss", ~killed)):
            if any_of(sel):
                world.log.record(
                    kind,
                    t_cpa_s[sel],
                    tgt[sel],
                    other_id=ids[sel],
                    pos_m=pos_cpa_m[sel],
                    value=pk[sel],
                )
        assess = world.rng("engagement/kill_assessment").random(ids.size)
        assessed = killed & (assess < self.kill_assessment_probability)
        self._detonate(store, ids, t_cpa_s, pos_cpa_m, miss_m, assessed)

    def _finish(self, world, store, ids, t_s, pos_m) -> None:
        """Rounds that end without a closest approach to an object (nothing acquired, their
        object gone, time-out, too slow, ground): ``miss`` with value NaN."""
        pos = store.state.pos_m[ids] if pos_m is None else pos_m
        world.log.record("miss", t_s, store.target[ids], other_id=ids, pos_m=pos, value=np.nan)
        t = np.broadcast_to(np.asarray(t_s, float), ids.shape)
        self._detonate(store, ids, t, pos, np.full(ids.size, np.nan), np.zeros(ids.size, bool))

    def _detonate(self, store, ids, t_s, pos_m, miss_m, assessed) -> None:
        store.done[ids] = True
        store.outcome_time_s[ids] = t_s
        for b in np.unique(store.battery[ids]):
            sel = np.flatnonzero(store.battery[ids] == b)
            rows = ids[sel]
            self.bus.publish(
                f"detonations/{int(b)}",
                float(np.max(t_s[sel])),
                Detonations(
                    time_s=np.asarray(t_s, float)[sel],
                    order_id=store.order_id[rows],
                    interceptor_id=rows.astype(np.int64),
                    battery=store.battery[rows],
                    track_number=store.track_number[rows],
                    pos_m=np.asarray(pos_m, float)[sel],
                    miss_m=np.asarray(miss_m, float)[sel],
                    kill_assessed=np.asarray(assessed, bool)[sel],
                    target_truth_id=store.target[rows],
                ),
            )


def store_of(world: Any) -> InterceptorStore:
    """The world's interceptor store (created on first use)."""
    if world.interceptors is None:
        world.interceptors = InterceptorStore()
    return world.interceptors


__all__ = [
    "InterceptorStore",
    "InterceptorSystem",
    "acquire",
    "lateral_accel_mps2",
    "store_of",
]
