"""Engagement in the simulation: a ``FireControlSystem`` per battery and one ``InterceptorSystem``.

Wiring only; the physics and algorithms are the pure functions of this package. The systems
read the world by duck typing (``iads.sim.world.World``; this module does not import
``iads.sim``):

- ``world.batteries[b]`` (``command_post``, ``radars``, ``launchers``), ``world.radars``,
  ``world.launchers``, ``world.assets``, ``world.threats`` (``pos_m``, ``vel_mps``, ``status``,
  ``id``, ``max_lateral_accel_mps2``), ``world.tracks``, ``world.rng``, ``world.log``,
  ``world.busy``; ``world.interceptors`` is set to this package's ``InterceptorStore``.

The air picture of a battery is ``world.tracks[b]`` when a tracker provides it (a
``TrackTable``-like object with ``x`` and ``confirmed``, or columns ``x_m ... vz_mps``); each
track is matched to the nearest flying threat (truth) within ``TRACK_GATE_M`` (the threat the
interceptor will actually meet). Without tracks the command post falls back to the truth state
of the flying threats inside its radars' coverage (range, elevation and sector): an ideal
tracker, reported as ``picture_source == "truth"``.

Events (kinds read by ``iads.sim.summary``): ``engage`` (entity = threat, other = interceptor,
value = planned Pk, at the launcher), ``intercept`` (value = miss distance m, at closest
approach), then ``kill`` or ``miss`` (value = Pk drawn against, NaN when the interceptor never
reached a closest approach: time-out, too slow, ground, or its target was already gone).

To run engagements in every simulation the lead registers the factory once, after the radar
and tracker factories::

    from iads.sim.build import SYSTEM_FACTORIES
    from iads.engagement.system import engagement_systems
    SYSTEM_FACTORIES.append(engagement_systems)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from iads.engagement import flyout as fo
from iads.engagement.battery import (
    FireOrders,
    LauncherBank,
    fire,
    make_bank,
    plan_fire,
    update_reloads,
    weapon_rows,
)
from iads.engagement.envelope import (
    feasible,
    planned_kill_probability,
    predicted_intercept,
)
from iads.engagement.kill import draw_kills
from iads.engagement.tables import table_for
from iads.engagement.threat_eval import KIND_MANOEUVRE_MPS2, evaluate
from iads.scenario.equipment import InterceptorType

FLYING_THREAT = 1
KILLED_THREAT = 2
LOOK_TIME_S = 2.0
"""Kill assessment: a target whose interceptor reached its outcome is re-engaged this long
after (shoot-look-shoot)."""
TRACK_GATE_M = 3_000.0
UNLIMITED = 10**9


@dataclass
class InterceptorStore:
    """Every interceptor fired in a run, struct-of-arrays (row = interceptor id).

    ``done`` (N,) bool once the interceptor has its outcome; ``threat`` (N,) the threat it
    flies at; ``est_*`` the command post's latest estimate of that threat (midcourse uplink).
    """

    types: list[InterceptorType] = field(default_factory=list)
    type_index: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    battery: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    radar: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
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
    ) -> np.ndarray:
        """Append interceptors of one type; returns their ids. ``arrive_s`` and ``pip_m`` are
        the predicted arrival time and intercept point (used by the fast mode)."""
        n = threat.shape[0]
        ids = np.arange(len(self), len(self) + n)
        k = self.type_id(itype)
        params = fo.InterceptorParams.from_types([itype] * n)
        cat = np.concatenate
        self.type_index = cat([self.type_index, np.full(n, k)])
        self.battery = cat([self.battery, np.full(n, battery)])
        self.radar = cat([self.radar, np.full(n, -1) if radar is None else radar])
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


# --- the air picture -----------------------------------------------------------------------


def _radar_covers(rec: Any, pos_m: np.ndarray) -> np.ndarray:
    """(..., ) bool: points inside the radar's instrumented range, elevation limits, sector."""
    d = np.asarray(pos_m, float) - rec.pos_m
    rng = np.linalg.norm(d, axis=-1)
    ground = np.hypot(d[..., 0], d[..., 1])
    elev = np.degrees(np.arctan2(d[..., 2] + ground**2 / (2 * fo.EARTH_RADIUS_M), ground))
    rt = rec.type
    ok = (rng <= rt.instrumented_range_m) & (rng >= rt.min_range_m)
    ok &= (elev >= rt.min_elevation_deg) & (elev <= rt.max_elevation_deg)
    if rt.scan == "sector" and rt.sector_width_deg < 360:
        az = np.arctan2(d[..., 0], d[..., 1])
        off = np.angle(np.exp(1j * (az - rec.boresight_rad)))
        ok &= np.abs(off) <= np.radians(rt.sector_width_deg) / 2
    return ok


def _tracks_state(tracks: Any, t_s: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Positions and velocities (M, 3) of confirmed tracks, extrapolated to ``t_s``."""
    if hasattr(tracks, "x") and hasattr(tracks, "confirmed"):
        x = np.asarray(tracks.x)[np.asarray(tracks.confirmed)]
        age = t_s - float(getattr(tracks, "t_s", t_s))  # a picture from an earlier frame
        return x[:, :3] + x[:, 3:6] * age, x[:, 3:6]
    if isinstance(tracks, dict) and "x_m" in tracks:
        pos = np.column_stack([tracks["x_m"], tracks["y_m"], tracks["z_m"]]).astype(float)
        vel = np.column_stack([tracks["vx_mps"], tracks["vy_mps"], tracks["vz_mps"]]).astype(float)
        age = t_s - np.asarray(tracks.get("time_s", np.full(len(pos), t_s)), dtype=float)
        return pos + vel * age[:, None], vel
    return None


def battery_picture(
    world: Any, b: int, t_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """(threat ids (T,), positions (T, 3), velocities (T, 3), source "tracks" | "truth")."""
    th = world.threats
    flying = np.flatnonzero(th.status == FLYING_THREAT)
    got = _tracks_state(world.tracks.get(b), t_s) if world.tracks.get(b) is not None else None
    if got is not None:
        pos, vel = got
        if flying.size == 0 or pos.shape[0] == 0:
            return np.empty(0, np.int64), np.empty((0, 3)), np.empty((0, 3)), "tracks"
        d = np.linalg.norm(pos[:, None, :] - th.pos_m[flying][None, :, :], axis=-1)
        near = np.argmin(d, axis=1)
        ok = d[np.arange(pos.shape[0]), near] <= TRACK_GATE_M
        ids, first = np.unique(flying[near[ok]], return_index=True)
        rows = np.flatnonzero(ok)[first]
        return ids, pos[rows], vel[rows], "tracks"
    bat = world.batteries[b]
    seen = np.zeros(flying.size, bool)
    for r in bat.radars:
        seen |= _radar_covers(world.radars[r], th.pos_m[flying])
    ids = flying[seen]
    return ids, th.pos_m[ids].copy(), th.vel_mps[ids].copy(), "truth"


# --- fire control --------------------------------------------------------------------------


@dataclass
class FireControlSystem:
    """One battery's command post: threat evaluation, Pk matrix, assignment, launches.

    ``coordinate`` (default True): batteries share their engagement status over the IADS
    network, so a threat with any battery's interceptor in flight (or judged less than
    ``LOOK_TIME_S`` ago) is not engaged by another; False makes every battery fight alone
    (double engagements then happen).
    """

    battery: int
    name: str
    period_s: float
    command_post: Any
    bank: LauncherBank
    itypes: dict[str, InterceptorType]
    fire_radars: list[Any]
    missile_channels: np.ndarray
    target_channels: np.ndarray
    coordinate: bool = True
    picture_source: str = ""
    first_seen_s: dict[int, float] = field(default_factory=dict)

    @classmethod
    def from_world(cls, world: Any, b: int, catalog_types: dict[str, InterceptorType]):
        bat = world.batteries[b]
        sites = [
            (
                li,
                world.launchers[li].pos_m,
                world.launchers[li].count,
                world.launchers[li].loadout,
                world.launchers[li].type.launch_interval_s,
                world.launchers[li].type.reload_time_s,
            )
            for li in bat.launchers
        ]
        bank = make_bank(sites)
        radars = [world.radars[r] for r in bat.radars]
        fire_radars = [r for r in radars if r.type.max_guided_missiles > 0]
        if fire_radars:
            missiles = np.array([r.type.max_guided_missiles for r in fire_radars])
            targets = np.array([r.type.max_engaged_targets or UNLIMITED for r in fire_radars])
        else:  # no fire-control radar declared: every radar guides without a channel limit
            missiles = np.full(len(radars), UNLIMITED)
            targets = np.full(len(radars), UNLIMITED)
        return cls(
            battery=b,
            name=f"fire_control/{bat.name}",
            period_s=bat.command_post.decision_period_s,
            command_post=bat.command_post,
            bank=bank,
            itypes={n: catalog_types[n] for n in bank.type_names},
            fire_radars=fire_radars or radars,
            missile_channels=missiles,
            target_channels=targets,
        )

    def step(self, world: Any, t_s: float, dt_s: float) -> None:
        store = store_of(world)
        self.bank = update_reloads(self.bank, t_s)
        ids, pos, vel, self.picture_source = battery_picture(world, self.battery, t_s)
        self._report(world, store)
        for i in ids:
            self.first_seen_s.setdefault(int(i), t_s)
        self._uplink(store, ids, pos, vel, t_s)
        if ids.size == 0 or self.bank.rounds.sum() == 0:
            return
        mine = (store.battery == self.battery) & ~store.done
        # shared engagement status: threats another battery is engaging are left to it
        others = ~store.done if self.coordinate else mine
        taken = set(store.threat[others].tolist())
        over = store.done & (store.outcome_time_s > t_s - LOOK_TIME_S)
        if not self.coordinate:
            over &= store.battery == self.battery
        recent = set(store.threat[over].tolist())
        cp = self.command_post
        eligible = np.array(
            [
                t_s - self.first_seen_s[int(i)] >= cp.reaction_time_s - 1e-9
                and int(i) not in taken
                and int(i) not in recent
                for i in ids
            ],
            dtype=bool,
        )
        a = world.assets
        ev = evaluate(pos, vel, a.pos_m, a.radius_m, a.value)
        if len(a) > 0:
            eligible &= ev.asset >= 0
            value = ev.priority
        else:
            value = np.ones(ids.size)
        if not eligible.any():
            return
        sel = np.flatnonzero(eligible)
        per_target = 1 if cp.doctrine == "shoot_look_shoot" else cp.salvo_size
        unit, kind = weapon_rows(self.bank, t_s, per_unit=per_target)
        if unit.size == 0:
            return
        tmax = self._deadline(ev, sel, len(a))
        agility = KIND_MANOEUVRE_MPS2[ev.kind[sel]]  # from the type estimate, not the truth
        pk, pips, tofs = self._pk_matrix(unit, kind, pos[sel], vel[sel], tmax, agility)
        pk[pk < cp.min_kill_probability] = 0.0
        used_m, used_t = self._channels_used(store, mine)
        free = int(np.sum(np.maximum(self.missile_channels - used_m, 0)))
        # a salvo is one "weapon": rounds of one unit and type, Pk 1 - (1 - p)^n
        group = _salvo_groups(unit, kind, per_target)
        n_g = int(group.max()) + 1
        size = np.bincount(group, minlength=n_g)
        first = np.searchsorted(group, np.arange(n_g))
        gpk = 1.0 - (1.0 - pk[first]) ** size[:, None]
        gorders = plan_fire(
            gpk,
            value[sel],
            free_missile_channels=free // per_target,
            free_target_channels=int(np.sum(np.maximum(self.target_channels - used_t, 0))),
            per_target=1,
            method=cp.wta,
        )
        rows = np.flatnonzero(np.isin(group, gorders.row))
        target_of = dict(zip(gorders.row.tolist(), gorders.target.tolist(), strict=True))
        orders = FireOrders(rows, np.array([target_of[g] for g in group[rows]], dtype=np.int64))
        orders, radar = self._allocate_radars(orders, pips, value[sel], used_m, used_t)
        if orders.row.size:
            self._launch(
                world,
                store,
                orders,
                unit,
                kind,
                ids[sel],
                pos[sel],
                vel[sel],
                pk,
                pips,
                tofs,
                t_s,
                radar,
            )

    def _report(self, world: Any, store: InterceptorStore) -> None:
        """Keep this battery's row of ``world.tables["batteries"]`` current: picture source,
        rounds in the tubes and in reserve, interceptors fired, reloads under way."""
        n = len(world.batteries)
        tab = world.tables.get("batteries")
        if tab is None or len(tab["battery"]) != n:
            tab = world.tables["batteries"] = {
                "battery": np.array([b.name for b in world.batteries], dtype=object),
                "picture_source": np.full(n, "", dtype=object),
                "rounds_in_tubes": np.zeros(n, np.int64),
                "rounds_in_reserve": np.zeros(n, np.int64),
                "interceptors_fired": np.zeros(n, np.int64),
                "reloads_under_way": np.zeros(n, np.int64),
            }
        b = self.battery
        tab["picture_source"][b] = self.picture_source
        tab["rounds_in_tubes"][b] = int(self.bank.rounds.sum())
        tab["rounds_in_reserve"][b] = int(self.bank.reserve.sum())
        tab["interceptors_fired"][b] = int(np.count_nonzero(store.battery == b))
        tab["reloads_under_way"][b] = int(np.count_nonzero(np.isfinite(self.bank.reload_done_s)))

    def _channels_used(self, store: InterceptorStore, mine: np.ndarray) -> tuple:
        """Missiles guided and distinct targets held by each fire-control radar, (Rf,) each."""
        n = len(self.fire_radars)
        used_m, used_t = np.zeros(n, np.int64), np.zeros(n, np.int64)
        for k, rec in enumerate(self.fire_radars):
            on = mine & (store.radar == rec.index)
            used_m[k] = np.count_nonzero(on)
            used_t[k] = np.unique(store.threat[on]).size
        return used_m, used_t

    def _allocate_radars(self, orders, pips, value, used_m, used_t):
        """Give each engaged target one fire-control radar that covers its PIPs and has the
        missile and target channels for all its rounds; drop orders no radar can take.
        Returns the kept orders and each kept round's radar index (global)."""
        free_m = self.missile_channels - used_m
        free_t = self.target_channels - used_t
        radar_of_row = np.full(orders.row.size, -1, dtype=np.int64)
        targets = np.unique(orders.target)
        for j in targets[np.argsort(-value[targets], kind="stable")]:
            mine = np.flatnonzero(orders.target == j)
            pts = pips[orders.row[mine], j]
            cover = np.array([_radar_covers(rec, pts).all() for rec in self.fire_radars])
            ok = cover & (free_m >= mine.size) & (free_t >= 1)
            if not ok.any():
                continue
            k = int(np.argmax(np.where(ok, free_m, -1)))
            free_m[k] -= mine.size
            free_t[k] -= 1
            radar_of_row[mine] = self.fire_radars[k].index
        keep = radar_of_row >= 0
        return FireOrders(orders.row[keep], orders.target[keep]), radar_of_row[keep]

    @staticmethod
    def _deadline(ev: Any, sel: np.ndarray, n_assets: int) -> np.ndarray:
        """Latest useful intercept time per target: reaching the asset radius, or the closest
        approach to the asset's centre if later (a threat inside the radius still flies on)."""
        if n_assets == 0:
            return np.full(sel.size, np.inf)
        a = np.maximum(ev.asset[sel], 0)
        t_cpa = ev.t_cpa_s[sel, a]
        t_in = ev.time_to_asset_s[sel]
        return np.fmax(np.where(np.isfinite(t_in), t_in, np.nan), t_cpa)

    def _uplink(self, store: InterceptorStore, ids, pos, vel, t_s: float) -> None:
        """Midcourse command updates: this battery's interceptors get the latest estimates."""
        mine = np.flatnonzero((store.battery == self.battery) & ~store.done)
        if mine.size == 0 or ids.size == 0:
            return
        lookup = {int(i): k for k, i in enumerate(ids)}
        for m in mine:
            k = lookup.get(int(store.threat[m]))
            if k is not None:
                store.est_pos_m[m], store.est_vel_mps[m] = pos[k], vel[k]
                store.est_time_s[m] = t_s

    def _pk_matrix(self, unit, kind, pos, vel, t_limit, agility_mps2):
        """Planned Pk (R, T) and PIPs (R, T, 3) of candidate rounds against targets."""
        n_r, n_t = unit.size, pos.shape[0]
        pk = np.zeros((n_r, n_t))
        pips = np.full((n_r, n_t, 3), np.nan)
        tofs = np.full((n_r, n_t), np.nan)
        site = self.bank.site[unit]
        for s in np.unique(site):
            for k in np.unique(kind[site == s]):
                rows = np.flatnonzero((site == s) & (kind == k))
                itype = self.itypes[self.bank.type_names[k]]
                lp = self.bank.pos_m[unit[rows[0]]][None, :]
                icpt = predicted_intercept(
                    lp, pos, vel, table_for(itype), itype.max_time_of_flight_s
                )
                ok = feasible(icpt, itype, t_limit_s=t_limit)
                ok &= _radar_ok(self.fire_radars, icpt.pip_m)
                p = planned_kill_probability(itype, icpt.speed_mps, agility_mps2[None, :])
                pk[rows] = np.where(ok, p, 0.0)
                pips[rows] = icpt.pip_m
                tofs[rows] = icpt.t_s
        return pk, pips, tofs

    def _launch(self, world, store, orders, unit, kind, tid, pos, vel, pk, pips, tofs, t_s, radar):
        u, k = unit[orders.row], kind[orders.row]
        self.bank, launch_s = fire(self.bank, u, k, t_s)
        for kk in np.unique(k):
            sel = np.flatnonzero(k == kk)
            itype = self.itypes[self.bank.type_names[kk]]
            rows, tgt = orders.row[sel], orders.target[sel]
            params = fo.InterceptorParams.from_types([itype] * sel.size)
            lp = self.bank.pos_m[u[sel]]
            state = fo.launch(lp, pips[rows, tgt], params)
            ids = store.add(
                itype,
                self.battery,
                tid[tgt],
                launch_s[sel],
                state,
                pk[rows, tgt],
                pos[tgt],
                vel[tgt],
                t_s,
                arrive_s=launch_s[sel] + tofs[rows, tgt],
                pip_m=pips[rows, tgt] + vel[tgt] * (launch_s[sel] - t_s)[:, None],
                radar=radar[sel],
            )
            world.log.record(
                "engage", launch_s[sel], tid[tgt], other_id=ids, pos_m=lp, value=pk[rows, tgt]
            )


def _salvo_groups(unit: np.ndarray, kind: np.ndarray, size: int) -> np.ndarray:
    """(R,) group index of each candidate round: consecutive rounds of one unit and type, at
    most ``size`` per group (``weapon_rows`` lists a unit's rounds together)."""
    group = np.zeros(unit.size, dtype=np.int64)
    g, run = 0, 0
    for r in range(1, unit.size):
        run += 1
        if unit[r] != unit[r - 1] or kind[r] != kind[r - 1] or run >= size:
            g, run = g + 1, 0
        group[r] = g
    return group


def _radar_ok(radars: list[Any], pip_m: np.ndarray) -> np.ndarray:
    """(1, T) bool: some fire-control radar covers the PIP (sector included)."""
    ok = np.zeros(pip_m.shape[:-1], bool)
    finite = np.isfinite(pip_m).all(axis=-1)
    safe = np.where(finite[..., None], pip_m, 0.0)
    for rec in radars:
        ok |= _radar_covers(rec, safe)
    return ok & finite


# --- interceptors in flight ----------------------------------------------------------------


@dataclass
class InterceptorSystem:
    """Flies every interceptor each tick, resolves closest approaches, draws kills.

    ``mode="full"`` integrates the 3-DOF fly-out. ``mode="fast"`` (large Monte Carlo studies)
    does not: each interceptor arrives at its predicted intercept point at launch time + table
    time of flight; its terminal homing starts ``terminal_range_m`` / closing speed before and
    can remove a deviation of the target from its constant-velocity prediction made then of up
    to 0.5 (a_m / 3) t_term^2 (a third of the lateral limit: PN's demand against a manoeuvre);
    the miss is the rest of the deviation plus a circular normal error with the planning model's
    sigma (``miss_sigma_m`` (1 + (3 a_t / a_m)^4), see ``envelope``). In the full mode the
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
        live = np.flatnonzero(~store.done & (store.launch_time_s <= t_s + 1e-9))
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
            self._step_fast(world, store, live, t_s, dt_s)
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
            ground_m=-float(getattr(getattr(world, "origin", None), "alt_m", 0.0)),
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
        self, world: Any, store: InterceptorStore, live: np.ndarray, t_s: float, dt_s: float
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
        ratio = 3.0 * th.max_lateral_accel_mps2[store.threat[ids]] / p.max_lateral_accel_mps2
        sigma = p.miss_sigma_m * (1.0 + ratio**4)
        b = int(store.battery[ids[0]])
        rng = world.rng(f"engagement/fast/{world.batteries[b].name}")
        err = rng.normal(0.0, 1.0, (ids.size, 2)) * sigma[:, None]
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


def engagement_systems(
    scenario: Any, world: Any, mode: str = "full", coordinate: bool = True
) -> list[Any]:
    """A ``SYSTEM_FACTORIES`` entry: one fire control per battery with launchers, then the
    interceptor system (``mode`` "full" fly-out or "fast" tables; see ``InterceptorSystem``;
    ``coordinate``: see ``FireControlSystem``)."""
    from iads.scenario.load import interceptor_type

    if mode not in ("full", "fast"):
        raise ValueError(f'mode must be "full" or "fast", got {mode!r}')
    systems: list[Any] = []
    for b, bat in enumerate(world.batteries):
        if not bat.launchers:
            continue
        names = {n for li in bat.launchers for n in world.launchers[li].loadout}
        types = {n: interceptor_type(scenario, n) for n in names}
        fc = FireControlSystem.from_world(world, b, types)
        fc.coordinate = coordinate
        systems.append(fc)
    if systems:
        store_of(world)
        systems.append(InterceptorSystem(mode=mode))
    return systems


def engagement_systems_fast(scenario: Any, world: Any) -> list[Any]:
    """``engagement_systems`` with the fast (table) interceptor mode, for Monte Carlo."""
    return engagement_systems(scenario, world, mode="fast")
