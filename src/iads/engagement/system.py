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

The engine wires these systems through ``iads.sim.defense.defense_systems`` (after the radars
and trackers). Do not also append ``engagement_systems`` to ``SYSTEM_FACTORIES``: every battery
would then have two command posts firing from two copies of its launchers. For Monte Carlo
studies, ``engagement_systems(scenario, world, mode="fast")`` (or ``engagement_systems_fast``)
uses the table fly-out.
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
    return_rounds,
    update_reloads,
    weapon_rows,
)
from iads.engagement.envelope import (
    feasible,
    planned_kill_probability,
    predicted_intercept,
)
from iads.engagement.interceptors import (
    InterceptorStore,
    InterceptorSystem,
    launch_due,
    store_of,
)
from iads.engagement.picture import battery_picture, origin_alt_of, radar_covers
from iads.engagement.tables import table_for
from iads.engagement.threat_eval import KIND_MANOEUVRE_MPS2, evaluate
from iads.scenario.equipment import InterceptorType

LOOK_TIME_S = 2.0
"""Kill assessment: a target whose interceptor reached its outcome is re-engaged this long
after (shoot-look-shoot)."""
UNLIMITED = 10**9


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
    origin_alt_m: float = 0.0
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
            origin_alt_m=origin_alt_of(world),
        )

    def step(self, world: Any, t_s: float, dt_s: float) -> None:
        store = store_of(world)
        self._take_back(store)
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
        height = fo.altitude_m(pos, self.origin_alt_m)  # above sea level, for the type
        ev = evaluate(pos, vel, a.pos_m, a.radius_m, a.value, altitude_m=height)
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
        delay = _row_delays(self.bank, unit)
        pk, pips, tofs = self._pk_matrix(unit, kind, delay, pos[sel], vel[sel], tmax, agility)
        pk[pk < cp.min_kill_probability] = 0.0
        used_m, used_t = self._channels_used(store, mine)
        free = int(np.sum(np.maximum(self.missile_channels - used_m, 0)))
        # a salvo is one "weapon": rounds of one unit and type, Pk 1 - prod(1 - p_k) over its
        # rounds that can still make it (each checked at its own launch time: the leading run
        # of feasible rounds, so the launch times stay those the PIPs were computed for)
        group = _salvo_groups(unit, kind, per_target)
        n_g = int(group.max()) + 1
        usable = _leading_feasible(pk, group, n_g)
        gpk = np.ones((n_g, pk.shape[1]))
        np.multiply.at(gpk, group, np.where(usable, 1.0 - pk, 1.0))
        gpk = 1.0 - gpk
        gorders = plan_fire(
            gpk,
            value[sel],
            free_missile_channels=free // per_target,
            free_target_channels=int(np.sum(np.maximum(self.target_channels - used_t, 0))),
            per_target=1,
            method=cp.wta,
        )
        target_of = dict(zip(gorders.row.tolist(), gorders.target.tolist(), strict=True))
        rows = np.array(
            [
                r
                for r in range(unit.size)
                if group[r] in target_of and usable[r, target_of[group[r]]]
            ],
            dtype=np.int64,
        )
        orders = FireOrders(rows, np.array([target_of[g] for g in group[rows]], dtype=np.int64))
        orders, radar = self._allocate_radars(orders, pips, value[sel], used_m, used_t)
        if orders.row.size:
            self._launch(
                world,
                store,
                orders,
                unit,
                kind,
                delay,
                ids[sel],
                pos[sel],
                vel[sel],
                pk,
                pips,
                tofs,
                t_s,
                radar,
            )

    def _take_back(self, store: InterceptorStore) -> None:
        """Rounds of this battery cancelled before launch (their target died or arrived while
        they were queued) go back to their launcher units, which can fire again after their
        last launch that did leave."""
        back = np.flatnonzero(store.cancelled & ~store.returned & (store.battery == self.battery))
        if back.size == 0:
            return
        units = store.unit[back]
        nxt = np.zeros(back.size)
        for i, u in enumerate(units):
            left = (store.battery == self.battery) & (store.unit == u) & ~store.cancelled
            if left.any():
                nxt[i] = store.launch_time_s[left].max() + self.bank.launch_interval_s[u]
        self.bank = return_rounds(self.bank, units, store.bank_kind[back], nxt)
        store.returned[back] = True

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
        tab["interceptors_fired"][b] = int(
            np.count_nonzero((store.battery == b) & ~store.cancelled)
        )
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
            cover = np.array(
                [radar_covers(rec, pts, self.origin_alt_m).all() for rec in self.fire_radars]
            )
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

    def _pk_matrix(self, unit, kind, delay_s, pos, vel, t_limit, agility_mps2):
        """Planned Pk (R, T), PIPs (R, T, 3) and times of flight from launch (R, T) of
        candidate rounds against targets; round r leaves ``delay_s[r]`` after now, so its PIP
        is computed from the target's predicted position then, and its deadline is checked on
        delay + time of flight."""
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
                dl, which = np.unique(delay_s[rows], return_inverse=True)
                icpt = predicted_intercept(  # one batch over (delay, target)
                    lp,
                    (pos[None] + vel[None] * dl[:, None, None]).reshape(-1, 3),
                    np.tile(vel, (dl.size, 1)),
                    table_for(itype),
                    itype.max_time_of_flight_s,
                    origin_alt_m=self.origin_alt_m,
                )
                limit = (np.asarray(t_limit, float)[None, :] - dl[:, None]).ravel()
                ok = feasible(icpt, itype, t_limit_s=limit)
                ok &= _radar_ok(self.fire_radars, icpt.pip_m, self.origin_alt_m)
                agil = np.tile(agility_mps2, dl.size)[None, :]
                p = np.where(ok, planned_kill_probability(itype, icpt.speed_mps, agil), 0.0)
                pk[rows] = p.reshape(dl.size, n_t)[which]
                pips[rows] = icpt.pip_m.reshape(dl.size, n_t, 3)[which]
                tofs[rows] = icpt.t_s.reshape(dl.size, n_t)[which]
        return pk, pips, tofs

    def _launch(
        self, world, store, orders, unit, kind, delay, tid, pos, vel, pk, pips, tofs, t_s, radar
    ):
        """Commit the ordered rounds; each is queued until its launch time, when the
        ``InterceptorSystem`` launches it (``engage`` event) or cancels it (target gone)."""
        u, k = unit[orders.row], kind[orders.row]
        self.bank, launch_s = fire(self.bank, u, k, t_s, launch_s=t_s + delay[orders.row])
        for kk in np.unique(k):
            sel = np.flatnonzero(k == kk)
            itype = self.itypes[self.bank.type_names[kk]]
            rows, tgt = orders.row[sel], orders.target[sel]
            params = fo.InterceptorParams.from_types([itype] * sel.size)
            lp = self.bank.pos_m[u[sel]]
            state = fo.launch(lp, pips[rows, tgt], params)
            store.add(
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
                pip_m=pips[rows, tgt],
                radar=radar[sel],
                unit=u[sel],
                launcher=self.bank.site[u[sel]],
                bank_kind=int(kk),
                type_name=self.bank.type_names[kk],
            )
        # the rounds leaving now get their ``engage`` event at once; later ones at launch
        launch_due(world, store, t_s)


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


def _row_delays(bank: LauncherBank, unit: np.ndarray) -> np.ndarray:
    """(R,) launch delay (s) of each candidate round: a ready unit's k-th round leaves
    ``k * launch_interval_s`` after now (``weapon_rows`` lists a unit's rounds together)."""
    delay = np.zeros(unit.size)
    for r in range(1, unit.size):
        if unit[r] == unit[r - 1]:
            delay[r] = delay[r - 1] + bank.launch_interval_s[unit[r]]
    return delay


def _leading_feasible(pk: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """(R, T) bool: round r counts against target j when it and every earlier round of its
    salvo group have Pk > 0 against j (the salvo is cut at its first round that cannot make
    it: rounds leave in order, so later ones would otherwise leave earlier than planned)."""
    ok = pk > 0
    out = np.zeros_like(ok)
    for g in range(n_groups):
        rows = np.flatnonzero(group == g)
        out[rows] = np.cumprod(ok[rows], axis=0).astype(bool)
    return out


def _radar_ok(radars: list[Any], pip_m: np.ndarray, origin_alt_m: float) -> np.ndarray:
    """(1, T) bool: some fire-control radar covers the PIP (sector included)."""
    ok = np.zeros(pip_m.shape[:-1], bool)
    finite = np.isfinite(pip_m).all(axis=-1)
    safe = np.where(finite[..., None], pip_m, 0.0)
    for rec in radars:
        ok |= radar_covers(rec, safe, origin_alt_m)
    return ok & finite


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


__all__ = [
    "FireControlSystem",
    "InterceptorStore",
    "InterceptorSystem",
    "battery_picture",
    "engagement_systems",
    "engagement_systems_fast",
    "store_of",
]
