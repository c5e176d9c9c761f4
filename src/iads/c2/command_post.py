"""A battery's command post as an engine system: from reports to fire orders.

It reads its inbox only (``iads.messages``): its own tracker's ``TrackReports`` (and, in a
network, other units' reports and ``EngagementStatus``), the ``Launches`` and ``Detonations``
of its own rounds. Every ``decision_period_s`` it

1. updates its commitments (rounds ordered, launched, resolved; kills assessed) and takes
   back rounds it withdrew before launch;
2. extrapolates its picture to now (``picture``) and sends midcourse updates (``Uplinks``)
   for the tracks its rounds fly at, and withdraws queued rounds whose track is gone
   (``Cancels``);
3. evaluates the threat (``threat_eval``), applies doctrine (``doctrine``: reaction time,
   one engagement per track, shoot-look-shoot, magazine reserve, weapon choice), builds the
   planned-Pk matrix of its ready rounds against the eligible tracks (intercept points by
   time of flight, envelope, fire-control radar coverage), assigns weapons to targets
   (``fire_plan``), gives each engaged target a fire-control radar
   with channels free (``fire_channels``), and publishes ``FireOrders``;
4. publishes what it is engaging (``EngagementStatus``) for the network.

A false track is engaged like any other (and wastes rounds); a threat nobody tracks cannot
be engaged.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from iads.c2 import doctrine
from iads.c2.fire_channels import (
    SECTOR_SCREEN_MARGIN_M,
    allocate_radars,
    any_radar_covers,
    channel_limits,
    channels_used,
    sector_may_cover,
    sector_screen_arrays,
)
from iads.c2.fire_plan import plan_fire
from iads.c2.identification import Identifier
from iads.c2.picture import Picture, extrapolate
from iads.c2.shared_picture import CORRELATION_MAX_AGE_S, SharedPicture
from iads.c2.threat_eval import KINDS, evaluate, kind_manoeuvre_mps2
from iads.channels import Bus, Channel
from iads.config import C2Settings
from iads.engagement import flyout as fo
from iads.engagement.battery import (
    LauncherBank,
    fire,
    first_reload_due_s,
    make_bank,
    next_ready_s,
    return_rounds,
    stocked_bank,
    update_reloads,
    weapon_rows,
)
from iads.engagement.envelope import (
    REACH_SCREEN_MARGIN_M,
    feasible,
    may_reach,
    planned_kill_probability,
    predicted_intercept,
)
from iads.engagement.tables import FlyoutTable, table_for
from iads.messages import (
    COMPLETE,
    ENGAGING,
    FRIENDLY,
    HOSTILE,
    NEUTRAL,
    SUSPECT,
    UNKNOWN,
    Cancels,
    CooperativeReports,
    Detonations,
    EngagementStatus,
    FireOrders,
    Launches,
    TrackReports,
    Uplinks,
    empty_column,
)
from iads.scenario.equipment import TARGET_CLASS, InterceptorType
from iads.vectors import all_of, any_of, isin, norm

ORDER_ID_STRIDE = 1_000_000
"""Order ids are ``battery * ORDER_ID_STRIDE + k``: unique in a run."""
REMOTE_MAX_AGE_S = CORRELATION_MAX_AGE_S
"""Remote reports and engagement status older than this (s) are no longer used."""


@dataclass
class Commitments:
    """The rounds a command post has ordered (row = its k-th order), as it knows them from
    its own orders and the ``Launches`` / ``Detonations`` it receives."""

    order_id: np.ndarray = empty_column(np.int64)
    order_time_s: np.ndarray = empty_column()
    track_number: np.ndarray = empty_column(np.int64)
    radar: np.ndarray = empty_column(np.int64)
    unit: np.ndarray = empty_column(np.int64)
    bank_kind: np.ndarray = empty_column(np.int64)
    launch_time_s: np.ndarray = empty_column()
    launched: np.ndarray = empty_column(bool)
    cancelled: np.ndarray = empty_column(bool)
    withdrawn: np.ndarray = empty_column(bool)
    """A cancel was sent (the ``Launches`` that confirms it may not have arrived yet)."""
    returned: np.ndarray = empty_column(bool)
    done: np.ndarray = empty_column(bool)
    outcome_time_s: np.ndarray = empty_column()

    def add(self, orders: FireOrders) -> None:
        n = len(orders)
        new = {
            "order_id": orders.order_id,
            "order_time_s": orders.time_s,
            "track_number": orders.track_number,
            "radar": orders.radar,
            "unit": orders.launcher_unit,
            "bank_kind": orders.bank_kind,
            "launch_time_s": orders.launch_time_s,
            "launched": np.zeros(n, bool),
            "cancelled": np.zeros(n, bool),
            "withdrawn": np.zeros(n, bool),
            "returned": np.zeros(n, bool),
            "done": np.zeros(n, bool),
            "outcome_time_s": np.full(n, np.nan),
        }
        for name, col in new.items():
            setattr(self, name, np.concatenate([getattr(self, name), col]))

    def rows_of(self, order_id: np.ndarray) -> np.ndarray:
        """Rows of ``order_id`` (all this post's: ids are ``battery * ORDER_ID_STRIDE + row``)."""
        return np.asarray(order_id, np.int64) % ORDER_ID_STRIDE


@dataclass
class CommandPost:
    """One battery's command post (see the module docstring). Build with ``from_world``."""

    battery: int
    name: str
    period_s: float
    command_post: Any
    bank: LauncherBank
    itypes: dict[str, InterceptorType]
    fire_radars: list[Any]
    missile_channels: np.ndarray
    target_channels: np.ndarray
    inbox: Channel
    bus: Bus
    settings: C2Settings
    assets: Any
    origin_alt_m: float = 0.0
    coordinate: bool = False
    engage_on_remote: bool = False
    links: list[Channel] = field(default_factory=list)
    """Inboxes of the data links into this post (other units' tracks and status)."""
    shared: SharedPicture | None = None
    """Track-to-track fusion of remote tracks (None: the post fights on its own tracks)."""
    destroyed: bool = False
    commitments: Commitments = field(default_factory=Commitments)
    first_seen_s: dict[int, float] = field(default_factory=dict)
    _reports: dict[int, TrackReports] = field(default_factory=dict)
    _remote: dict[int, TrackReports] = field(default_factory=dict)
    _assessed_killed: set[int] = field(default_factory=set)
    _killed_numbers: np.ndarray | None = None
    """``_assessed_killed`` as an array (None: to be built again from it)."""
    _others: dict[int, EngagementStatus] = field(default_factory=dict)
    _next_order: int = 0
    _last_link_s: float = 0.0
    ran_dry_s: float = float("nan")
    autonomous_from_s: float = float("nan")
    """First time the post had heard nothing over any of its links for ``REMOTE_MAX_AGE_S``
    (NaN: never, or no links)."""
    remote_engagements: int = 0
    """Orders placed on a track held only by another unit (engage on remote)."""
    hold_s: float = 0.0
    """Coordinated networks: orders wait at least this long (s) before launch."""
    deconflicted: int = 0
    """Rounds withdrawn before launch because another unit engaged the target first."""
    handovers: int = 0
    """Rounds handed from a track the picture lost to the track now carrying their target."""
    duplicates_held: int = 0
    """Decisions in which a track was held back as another source's number for a target this
    post engages (``duplicates_of``), counted per track and decision."""
    _heard_s: float = -np.inf
    identifier: Identifier | None = None
    """Identification (None: off; every track is unknown and may be engaged)."""
    roe: np.ndarray | None = None
    """Identity codes the rules of engagement allow (with ``identifier``)."""
    _coop: list[CooperativeReports] = field(default_factory=list)
    _identity: np.ndarray | None = None
    _own_identity: dict[int, int] = field(default_factory=dict)
    """Identity from this post's own evidence by track number (what its reports share)."""
    _shared: tuple[np.ndarray, np.ndarray] | None = None
    """(track numbers, identity codes) the picture's reports carry: own, remote, fused."""
    _reloads_done: tuple[LauncherBank | None, float] = (None, -np.inf)
    """(bank, time (s)): the bank ``update_reloads`` last returned, which it leaves as it is
    until its first reload is due at this time. The time holds only for that bank, straight
    out of ``update_reloads`` (on another, ``first_reload_due_s`` may say inf while an empty
    unit could start a reload). A bank is never modified in place, so any change (a launch,
    rounds back, readiness) is a new object and is looked at afresh."""
    _seen_numbers: np.ndarray | None = None
    """Track numbers of the last picture, all already in ``first_seen_s``."""
    _first_seen: np.ndarray = empty_column()
    """(T,) ``first_seen_s`` of each of ``_seen_numbers`` (s)."""
    _tables: dict[str, FlyoutTable] = field(default_factory=dict)
    """Fly-out tables by interceptor type name (``table_for``, which hashes the type per call)."""
    _type_reach: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """Per bank type index the type's longest flight (s) and ground range (m), keyed by the
    bank's type names (``_within_reach``)."""
    _rounds: tuple[LauncherBank, tuple, tuple[np.ndarray, ...]] | None = None
    """(bank, key, rounds) of the last ``_candidate_rounds``."""
    _reach_rows: tuple[Any, ...] | None = None
    """(bank, unit, kind, terms) of the last ``_reach_terms``."""
    _screen: tuple[tuple[int, ...], tuple[np.ndarray, ...], tuple[Any, ...]] | None = None
    """(the fire-control radars' ids, their ``sector_screen_arrays``, the radars) of the last
    ``_screen_arrays``."""
    _held_rounds: tuple[LauncherBank, int, int] | None = None
    """(bank, rounds held, rounds on launchers) of the last ``_held``."""

    @classmethod
    def from_world(
        cls,
        world: Any,
        b: int,
        types: dict[str, InterceptorType],
        inbox: Channel,
        bus: Bus,
        settings: C2Settings,
    ) -> CommandPost:
        """The command post of battery ``b``: its launchers as a bank, its radars' fire
        channels; it reads ``inbox`` and publishes on ``bus``."""
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
        stock = world.scenario.batteries[b].stock
        if stock is not None:
            bank = stocked_bank(bank, stock)
        fire_radars, missiles, targets = channel_limits([world.radars[r] for r in bat.radars])
        return cls(
            battery=b,
            name=f"command_post/{bat.name}",
            period_s=bat.command_post.decision_period_s,
            command_post=bat.command_post,
            bank=bank,
            itypes={n: types[n] for n in bank.type_names},
            fire_radars=fire_radars,
            missile_channels=missiles,
            target_channels=targets,
            inbox=inbox,
            bus=bus,
            settings=settings,
            assets=world.assets,
            origin_alt_m=float(world.origin.alt_m),
        )

    # --- the decision cycle --------------------------------------------------------------

    def step(self, _world: Any, t_s: float, dt_s: float) -> None:
        del dt_s
        if self.destroyed:
            return
        self._read_inbox(t_s)
        self._read_links(t_s)
        self._take_back()
        if self.bank is not self._reloads_done[0] or t_s >= self._reloads_done[1]:
            self.bank = update_reloads(self.bank, t_s)
            self._reloads_done = (self.bank, first_reload_due_s(self.bank))
        pic = self.picture(t_s)
        seen = self._seen_numbers
        tn = pic.track_number
        if seen is None or seen.shape != tn.shape or any_of(seen != tn):  # np.array_equal's test
            numbers = pic.track_number.tolist()
            for n in numbers:
                self.first_seen_s.setdefault(int(n), t_s)
            self._seen_numbers = pic.track_number.copy()
            self._first_seen = np.array([self.first_seen_s[n] for n in numbers], dtype=float)
        self._identify(_world, pic, t_s)
        self._follow_tracks(pic)
        self._deconflict(pic, t_s)
        self._uplink_and_cancel(pic, t_s)
        self._publish_status(pic, t_s)
        held, ready = self._held()
        if held == 0 and np.isnan(self.ran_dry_s):
            self.ran_dry_s = t_s
        if len(pic) == 0 or ready == 0:
            return
        self._decide(pic, t_s)

    def picture(self, t_s: float) -> Picture:
        """The tracks held, extrapolated to ``t_s`` (s); in a network, fused with the fresh
        remote tracks received; tracks assessed killed left out."""
        reports = TrackReports.concat(list(self._reports.values()))
        if self.shared is not None:
            reports = self.shared.build(reports, _fresh(self._remote, t_s), t_s)
        rows = None  # all
        numbers, identity = reports.track_number, reports.identity
        if self._assessed_killed and len(reports):
            if self._killed_numbers is None:
                self._killed_numbers = np.fromiter(self._assessed_killed, np.int64)
            rows = np.flatnonzero(~isin(numbers, self._killed_numbers))
            numbers, identity = numbers[rows], identity[rows]
        self._shared = (numbers, identity)
        te = self.settings.threat_evaluation
        return extrapolate(
            reports, t_s, self.battery, self.origin_alt_m, te.level_sigmas, rows=rows
        )

    def _read_inbox(self, t_s: float) -> None:
        c = self.commitments
        for msg in self.inbox.receive(t_s):
            if isinstance(msg, TrackReports):
                # an empty report (no source rows) comes from the post's own tracker
                src = int(msg.source_unit[0]) if len(msg) else self.battery
                self._reports[src] = msg
            elif isinstance(msg, CooperativeReports):
                self._coop.append(msg)
            elif isinstance(msg, Launches):
                rows = c.rows_of(msg.order_id)
                c.launched[rows] = ~msg.cancelled
                c.cancelled[rows] = msg.cancelled
                c.done[rows[msg.cancelled]] = True
                c.outcome_time_s[rows[msg.cancelled]] = msg.time_s[msg.cancelled]
            elif isinstance(msg, Detonations):
                rows = c.rows_of(msg.order_id)
                c.done[rows] = True
                c.outcome_time_s[rows] = msg.time_s
                self._assessed_killed.update(msg.track_number[msg.kill_assessed].tolist())
                self._killed_numbers = None

    def _identify(self, world: Any, pic: Picture, t_s: float) -> None:
        """Add the interrogation cycles received to the tracks' identities; note each
        change in the event log (``identify``: entity = track number, other = identity
        code, value = confidence) for scoring."""
        if self.identifier is None:
            return
        for batch in self._coop:
            self.identifier.update(pic, batch)
        self._coop = []
        ident, conf = self.identifier.classify(pic.track_number)
        self._own_identity = dict(zip(pic.track_number.tolist(), ident.tolist(), strict=True))
        ident = self._with_shared(pic.track_number, ident)
        self._identity = ident
        rows = self.identifier.changes(pic.track_number, ident)
        if rows.size and world is not None:
            world.log.record(
                "identify",
                t_s,
                pic.track_number[rows],
                ident[rows].astype(np.int64),
                pic.pos_m[rows],
                conf[rows],
            )

    def own_identities(self, track_number: np.ndarray) -> np.ndarray:
        """(T,) identity codes from this post's own evidence at its last cycle (unknown for
        a track it has not classified): what its tracker's reports carry over the links.
        Own evidence only, so a declaration received is never echoed back as if confirmed."""
        own = self._own_identity  # keyed by Python ints: tolist gives them at once
        return np.array([own.get(t, UNKNOWN) for t in track_number.tolist()], dtype=np.int8)

    def _with_shared(self, track_number: np.ndarray, own: np.ndarray) -> np.ndarray:
        """Own identities, where undeclared (suspect, unknown) completed by the declaration
        the shared picture holds for the track (another unit's, fused by
        ``shared_picture.fuse_identity``)."""
        if self._shared is None or own.size == 0:
            return own
        numbers, shared = self._shared
        if numbers.size == 0:
            return own
        order = np.argsort(numbers, kind="stable")
        k = np.clip(np.searchsorted(numbers[order], track_number), 0, numbers.size - 1)
        hit = numbers[order][k] == track_number
        theirs = np.where(hit, shared[order][k], UNKNOWN).astype(np.int8)
        declared = np.isin(theirs, (HOSTILE, NEUTRAL, FRIENDLY))
        undecided = np.isin(own, (SUSPECT, UNKNOWN))
        return np.where(undecided & declared, theirs, own).astype(np.int8)

    def _read_links(self, t_s: float) -> None:
        """Other units' tracks (by source unit) and engagement status (by unit); relay the
        remote tracks on ``relay/<battery>``; note when the links have gone silent."""
        got = False
        for link in self.links:
            for msg in link.receive(t_s):
                got = True
                if isinstance(msg, TrackReports):
                    for u in np.unique(msg.source_unit):
                        if int(u) != self.battery:
                            self._remote[int(u)] = msg.select(msg.source_unit == u)
                elif isinstance(msg, EngagementStatus) and len(msg):
                    self._others[int(msg.unit[0])] = msg
        if not self.links:
            return
        if got:
            self._last_link_s = self._heard_s = t_s
        elif t_s - self._last_link_s > REMOTE_MAX_AGE_S and np.isnan(self.autonomous_from_s):
            self.autonomous_from_s = t_s
        if self._remote:
            fresh = list(_fresh(self._remote, t_s).values())
            self.bus.publish(f"relay/{self.battery}", t_s, TrackReports.concat(fresh))

    def _take_back(self) -> None:
        """Rounds withdrawn before launch go back to their launcher units, which can fire
        again after their last launch that did leave."""
        c = self.commitments
        if not any_of(c.cancelled):  # most steps: nothing was ever withdrawn
            return
        back = np.flatnonzero(c.cancelled & ~c.returned)
        if back.size == 0:
            return
        nxt = np.zeros(back.size)
        for i, u in enumerate(c.unit[back]):
            left = (c.unit == u) & ~c.cancelled
            if left.any():
                nxt[i] = c.launch_time_s[left].max() + self.bank.launch_interval_s[u]
        self.bank = return_rounds(self.bank, c.unit[back], c.bank_kind[back], nxt)
        c.returned[back] = True

    def _uplink_and_cancel(self, pic: Picture, t_s: float) -> None:
        """Midcourse updates for the tracks its rounds fly at; withdraw queued rounds whose
        track the picture no longer holds."""
        c = self.commitments
        if all_of(c.done):
            return
        args = (c.done, c.launched, c.withdrawn, c.launch_time_s, c.track_number)
        kernel = _compiled("iads.c2.uplink_kernel", "uplink_rows", USE_COMPILED_UPLINK)
        if kernel is None:
            gone, rows, k = uplink_rows_numpy(*args, pic.track_number, t_s)
        else:
            gone, rows, k = kernel.uplink_rows(*args, pic.track_number, float(t_s))
        if gone.size:
            self._withdraw(gone, t_s)
        if rows.size:
            self.bus.publish(
                f"uplinks/{self.battery}",
                t_s,
                Uplinks(
                    time_s=np.full(rows.size, t_s),
                    battery=np.full(rows.size, self.battery, np.int64),
                    order_id=c.order_id[rows],
                    track_number=pic.track_number[k],
                    pos_m=pic.pos_m[k],
                    vel_mps=pic.vel_mps[k],
                    position_std_m=pic.position_std_m[k],
                ),
            )

    def _follow_tracks(self, pic: Picture) -> int:
        """Hand the rounds of tracks the picture no longer holds to the track that now
        carries their target, through the shared picture's correlation: a remote track fused
        into an own one (the picture keeps the own number), or an own track dropped while
        the remote track correlated with it goes on. Without this the round would fly on
        its last update and the target look unengaged (fired at again, by this post or
        another). Returns how many rounds changed track."""
        c = self.commitments
        if self.shared is None or len(pic) == 0:
            return 0
        lost = np.flatnonzero(~c.done & ~np.isin(c.track_number, pic.track_number))
        if lost.size == 0:
            return 0
        pairs = self.shared.correlation.pairs  # (source, remote number) -> (local, time)
        local_of = {remote: local for (_, remote), (local, _) in pairs.items()}
        remote_of = {local: remote for remote, local in local_of.items()}
        held = set(pic.track_number.tolist())
        moved = 0
        for i in lost:
            n = int(c.track_number[i])
            new = local_of.get(n)
            if new is None or new not in held:
                new = remote_of.get(n)
            if new is not None and new in held:
                c.track_number[i] = new
                moved += 1
        self.handovers += moved
        return moved

    def _withdraw(self, rows: np.ndarray, t_s: float) -> int:
        """Cancel the queued rounds ``rows`` (once each); how many were newly withdrawn."""
        c = self.commitments
        rows = rows[~c.withdrawn[rows]]
        if rows.size == 0:
            return 0
        c.withdrawn[rows] = True
        self.bus.publish(
            f"cancels/{self.battery}",
            t_s,
            Cancels(
                time_s=np.full(rows.size, t_s),
                battery=np.full(rows.size, self.battery, np.int64),
                order_id=c.order_id[rows],
            ),
        )
        return int(rows.size)

    def _deconflict(self, pic: Picture, t_s: float) -> None:
        """Coordinated networks: withdraw queued rounds at a target another unit reports
        engaging since earlier (equal times: the lower unit number keeps it). Both posts
        see the same two ``since_s``, so exactly one of them withdraws."""
        if not self.coordinate or len(pic) == 0:
            return
        c = self.commitments
        queued = ~c.done & ~c.launched & ~c.withdrawn & (c.launch_time_s > t_s + 1e-9)
        if not any_of(queued):
            return
        match, o = self._match_others(pic)
        if o is None:
            return
        match &= (o.state == ENGAGING)[None, :]
        rows = np.flatnonzero(queued)
        k = np.flatnonzero(np.isin(pic.track_number, c.track_number[rows]))
        if k.size == 0 or not match[k].any():
            return
        live = ~c.done & ~c.withdrawn
        lose = np.zeros(len(pic), bool)
        for j in k[match[k].any(axis=1)]:
            mine = float(c.order_time_s[live & (c.track_number == pic.track_number[j])].min())
            theirs = match[j]
            earlier = (o.since_s[theirs] < mine) | (
                (o.since_s[theirs] == mine) & (o.unit[theirs] < self.battery)
            )
            lose[j] = bool(earlier.any())
        out = rows[np.isin(c.track_number[rows], pic.track_number[lose])]
        self.deconflicted += self._withdraw(out, t_s)

    def _publish_status(self, pic: Picture, t_s: float) -> None:
        """What this post engages now (tracks with rounds committed) and what completed
        within the look time (nothing to build when no link listens)."""
        topic = f"status/{self.battery}"
        if self.bus.subscribers(topic) == 0:
            return
        c = self.commitments
        look = self.settings.look_time_s
        live = ~c.done & ~c.withdrawn
        recent = c.done & ~c.cancelled & (c.outcome_time_s > t_s - look)
        rows = np.flatnonzero(live | recent)
        tracks = np.unique(c.track_number[rows])
        k = np.flatnonzero(np.isin(pic.track_number, tracks))
        n = k.size
        # per engaged track: rounds still live, and the first order still live or just done
        at = np.searchsorted(tracks, c.track_number[rows])
        counts_all = np.bincount(at[live[rows]], minlength=tracks.size).astype(np.int64)
        since_all = np.full(tracks.size, np.inf)
        np.minimum.at(since_all, at, c.order_time_s[rows])
        j = np.searchsorted(tracks, pic.track_number[k])
        counts, since = counts_all[j], since_all[j]
        self.bus.publish(
            topic,
            t_s,
            EngagementStatus(
                time_s=np.full(n, t_s),
                unit=np.full(n, self.battery, np.int64),
                track_number=pic.track_number[k],
                pos_m=pic.pos_m[k],
                vel_mps=pic.vel_mps[k],
                position_std_m=pic.position_std_m[k],
                state=np.where(counts > 0, ENGAGING, COMPLETE).astype(np.int8),
                interceptors=counts,
                since_s=since,
            ),
        )

    def _match_others(self, pic: Picture) -> tuple[np.ndarray, EngagementStatus | None]:
        """(T, E) which fresh status rows of other units are about which of this picture's
        tracks (same track number, or positions within 3 sigma, at least 500 m), and the
        rows (None when there are none)."""
        if not self._others or len(pic) == 0:
            return np.zeros((len(pic), 0), bool), None
        o = EngagementStatus.concat(list(_fresh(self._others, pic.t_s).values()))
        o = o.select(o.unit != self.battery)
        if len(o) == 0:
            return np.zeros((len(pic), 0), bool), None
        same = pic.track_number[:, None] == o.track_number[None, :]
        near = status_matches(pic.pos_m, pic.position_std_m, pic.t_s, o)
        return same | near, o

    def _taken_by_others(self, pic: Picture) -> np.ndarray:
        """(T,) tracks another unit reports engaging or just completed (coordinated
        networks)."""
        if not self.coordinate:
            return np.zeros(len(pic), bool)
        return self._match_others(pic)[0].any(axis=1)

    def _engaged(self, pic: Picture, t_s: float, one_source: bool) -> tuple[np.ndarray, np.ndarray]:
        """(T,) tracks engaged (a round of this post live at them, or held back as another
        source's number for one: counted in ``duplicates_held``; none when the picture has
        ``one_source``) and (T,) tracks whose outcome came within the look time."""
        c = self.commitments
        engaged = isin(pic.track_number, c.track_number[~c.done])
        over = c.done & ~c.cancelled & (c.outcome_time_s > t_s - self.settings.look_time_s)
        recent = isin(pic.track_number, c.track_number[over])
        if self.settings.hold_dual_designations and not one_source:
            held = engaged | recent
            dup = duplicates_of(pic.pos_m, pic.position_std_m, pic.source_unit, held)
            self.duplicates_held += int(np.count_nonzero(dup))
            engaged = engaged | dup
        return engaged, recent

    def _decide(self, pic: Picture, t_s: float) -> None:
        cp = self.command_post
        c = self.commitments
        live = ~c.done
        # duplicates are counted at every decision; a picture of one source has none, so
        # there the engaged tracks wait until some track is within reach
        one_source = all_of(pic.source_unit == pic.source_unit[0])
        counted = self.settings.hold_dual_designations and not one_source
        if counted:
            engaged, recent = self._engaged(pic, t_s, one_source)
        per_target = doctrine.rounds_per_target(cp.doctrine, cp.salvo_size)
        unit, kind, delay = self._candidate_rounds(t_s, per_target)
        if unit.size == 0:
            return
        if self.coordinate and t_s - self._heard_s <= REMOTE_MAX_AGE_S:
            delay = np.maximum(delay, self.hold_s)  # time for the others' status to arrive
        reach = self._within_reach(unit, kind, delay, pic.pos_m, pic.vel_mps)
        if not any_of(reach):
            return  # no track within reach: every Pk would be 0 (most decisions end here)
        if not counted:
            engaged, recent = self._engaged(pic, t_s, one_source)
        ok = doctrine.eligible(
            t_s,
            self._first_seen,
            cp.reaction_time_s,
            engaged,
            recent,
            np.zeros(len(pic), bool),
            self._taken_by_others(pic),
        )
        if not self.engage_on_remote:
            ok &= ~pic.remote
        if self.identifier is not None and self._identity is not None and self.roe is not None:
            ok &= doctrine.identity_allows(self._identity, self.roe)
        if not any_of(ok & reach):
            return  # every Pk would be 0 (the screen of _pk_matrix, before the evaluation)
        a = self.assets
        height = fo.altitude_m(pic.pos_m, self.origin_alt_m)  # above sea level, for the type
        te = self.settings.threat_evaluation
        ev = evaluate(
            pic.pos_m, pic.vel_mps, a.pos_m, a.radius_m, a.value, altitude_m=height, settings=te
        )
        if len(a) > 0:
            ok &= doctrine.threatening(ev.asset, ev.kind, cp.engage_hostile_aircraft)
            value = np.where(ev.asset >= 0, ev.priority, np.maximum(ev.priority, 1e-3))
        else:
            value = np.ones(len(pic))
        if not ok.any():
            return
        sel = np.flatnonzero(ok)
        tmax = _deadline(ev, sel, len(a))
        agility = kind_manoeuvre_mps2(te)[ev.kind[sel]]  # from the type estimate
        target_class = np.array([TARGET_CLASS[KINDS[k]] for k in ev.kind[sel]], dtype=object)
        pk, pips, tofs = self._pk_matrix(
            unit, kind, delay, pic.pos_m[sel], pic.vel_mps[sel], tmax, agility, target_class
        )
        pk[pk < cp.min_kill_probability] = 0.0
        if not (pk > 0).any():  # nothing can be engaged: the plan would fire no round
            return
        if cp.weapon_choice == "cost":
            cost = np.array([self.itypes[self.bank.type_names[k]].cost_usd for k in kind])
            pk = doctrine.cheapest_adequate(pk, cost, cp.cost_pk_tolerance)
        used_m, used_t = channels_used(self.fire_radars, c.radar[live], c.track_number[live])
        free = int(np.sum(np.maximum(self.missile_channels - used_m, 0)))
        # a salvo is one "weapon": rounds of one unit and type, Pk 1 - prod(1 - p_k) over its
        # rounds that can still make it (each checked at its own launch time)
        group = _salvo_groups(unit, kind, per_target)
        n_g = int(group.max()) + 1
        usable = _leading_feasible(pk, group, n_g)
        gpk = np.ones((n_g, pk.shape[1]))
        np.multiply.at(gpk, group, np.where(usable, 1.0 - pk, 1.0))
        gpk = 1.0 - gpk
        plan = plan_fire(
            gpk,
            value[sel],
            free_missile_channels=free // per_target,
            free_target_channels=int(np.sum(np.maximum(self.target_channels - used_t, 0))),
            per_target=1,
            method=cp.wta,
        )
        target_of = dict(zip(plan.row.tolist(), plan.target.tolist(), strict=True))
        rows = np.array(
            [
                r
                for r in range(unit.size)
                if group[r] in target_of and usable[r, target_of[group[r]]]
            ],
            dtype=np.int64,
        )
        if rows.size == 0:
            return
        tgt = np.array([target_of[g] for g in group[rows]], dtype=np.int64)
        radar = allocate_radars(
            self.fire_radars,
            rows,
            tgt,
            pips,
            value[sel],
            self.missile_channels - used_m,
            self.target_channels - used_t,
            self.origin_alt_m,
        )
        keep = radar >= 0
        if keep.any():
            self._order(
                pic, sel, rows[keep], tgt[keep], radar[keep], unit, kind, delay, pk, pips, tofs, t_s
            )

    def _order(self, pic, sel, rows, tgt, radar, unit, kind, delay, pk, pips, tofs, t_s):
        """Commit the rounds and publish the orders (queued until their launch time)."""
        u, k = unit[rows], kind[rows]
        self.bank, launch_s = fire(self.bank, u, k, t_s, launch_s=t_s + delay[rows])
        n = rows.size
        ids = self.battery * ORDER_ID_STRIDE + self._next_order + np.arange(n, dtype=np.int64)
        self._next_order += n
        track = sel[tgt]
        orders = FireOrders(
            time_s=np.full(n, t_s),
            order_id=ids,
            battery=np.full(n, self.battery, np.int64),
            launcher_unit=u,
            launcher=self.bank.site[u],
            bank_kind=k,
            interceptor_type=np.array([self.bank.type_names[i] for i in k], dtype=object),
            radar=radar,
            track_number=pic.track_number[track],
            launch_time_s=launch_s,
            tof_s=tofs[rows, tgt],
            pip_m=pips[rows, tgt],
            aim_pos_m=pic.pos_m[track],
            aim_vel_mps=pic.vel_mps[track],
            aim_std_m=pic.position_std_m[track],
            planned_pk=pk[rows, tgt],
        )
        self.commitments.add(orders)
        self.remote_engagements += int(np.count_nonzero(pic.remote[track]))
        self.bus.publish(f"orders/{self.battery}", t_s, orders)

    def _candidate_rounds(
        self, t_s: float, per_target: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rounds a decision at ``t_s`` (s) may commit: unit (R,), type (R,) (``weapon_rows``
        within the magazine budget) and launch delay (R,) s (``_row_delays``), not to be
        written (unit and type read-only; the delay stays writable so the compiled screen sees
        the array type it was compiled for). They change only with the bank (never modified in
        place: a change is a new bank) and the units ready to fire, so they are kept for the
        last bank and ready set."""
        bank, reserve = self.bank, self.command_post.magazine_reserve
        key = (per_target, reserve, (bank.next_fire_s <= t_s + 1e-9).tobytes())
        hit = self._rounds
        if hit is not None and hit[0] is bank and hit[1] == key:
            return hit[2]
        unit, kind = weapon_rows(bank, t_s, per_unit=per_target)
        budget = doctrine.rounds_available(int(bank.rounds.sum() + bank.reserve.sum()), reserve)
        rounds = (unit[:budget], kind[:budget], _row_delays(bank, unit[:budget]))
        rounds[0].setflags(write=False)
        rounds[1].setflags(write=False)
        self._rounds = (bank, key, rounds)
        return rounds

    def _reach_terms(self, unit: np.ndarray, kind: np.ndarray) -> tuple[np.ndarray, ...]:
        """Per candidate round its launcher (R, 3) ENU m, its type's longest flight (R,) s,
        ground range (R,) m and that range plus ``REACH_SCREEN_MARGIN_M`` (R,) m; kept for the
        last (bank, ``unit``, ``kind``) arrays (those of ``_candidate_rounds``, read-only)."""
        hit = self._reach_rows
        if hit is not None and hit[0] is self.bank and hit[1] is unit and hit[2] is kind:
            return hit[3]
        reach = self._type_reach.get(self.bank.type_names)
        if reach is None:
            types = [self.itypes[n] for n in self.bank.type_names]
            reach = (
                np.array([t.max_time_of_flight_s for t in types], dtype=float),
                np.array([t.max_range_m for t in types], dtype=float),
            )
            self._type_reach = {self.bank.type_names: reach}
        r_max = reach[1][kind]
        terms = (self.bank.pos_m[unit], reach[0][kind], r_max, r_max + REACH_SCREEN_MARGIN_M)
        self._reach_rows = (self.bank, unit, kind, terms)
        return terms

    def _held(self) -> tuple[int, int]:
        """Rounds the battery holds (on launchers and in reserve) and those on launchers, kept
        for the last bank (a bank is never changed in place: a change is a new bank)."""
        hit = self._held_rounds
        if hit is None or hit[0] is not self.bank:
            ready = int(self.bank.rounds.sum())
            hit = self._held_rounds = (self.bank, ready + int(self.bank.reserve.sum()), ready)
        return hit[1], hit[2]

    def _screen_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``sector_screen_arrays`` of this post's fire-control radars, kept while the list
        holds the same records (by identity: the entry keeps them, so their ids stay theirs)."""
        ids = tuple(map(id, self.fire_radars))
        hit = self._screen
        if hit is None or hit[0] != ids:
            arrays = sector_screen_arrays(self.fire_radars, self.origin_alt_m)
            hit = self._screen = (ids, arrays, tuple(self.fire_radars))
        return hit[1]

    def _within_reach(self, unit, kind, delay_s, pos, vel) -> np.ndarray:
        """(T,) bool: tracks at ``pos`` (T, 3) ENU m moving at ``vel`` (T, 3) m/s against
        which some candidate round (``unit``, ``kind``, ``delay_s`` (R,) s) may have a
        feasible PIP: ``_pk_matrix``'s two screens (the type's ground range from the site, the
        fire-control sectors) on the segments it screens. False: every Pk of the track is 0.
        Compiled (``screen_kernel``) when numba is there, else ``reach_screen_numpy``."""
        lp, t_max, r_max, reach_m = self._reach_terms(unit, kind)  # (R, 3), (R,), (R,), (R,)
        kernel = _compiled("iads.c2.screen_kernel", "tracks_may_pass", USE_COMPILED_SCREEN)
        if kernel is None:
            return reach_screen_numpy(
                self.fire_radars, self.origin_alt_m, lp, delay_s, t_max, r_max, pos, vel
            )
        ants, arcs, ends = self._screen_arrays()
        return kernel.tracks_may_pass(
            lp,
            np.ascontiguousarray(delay_s, float),
            t_max,
            reach_m,
            np.ascontiguousarray(pos, float),
            np.ascontiguousarray(vel, float),
            ants,
            arcs,
            ends,
            SECTOR_SCREEN_MARGIN_M,
        )

    def _pk_matrix(self, unit, kind, delay_s, pos, vel, t_limit, agility_mps2, target_class):
        """Planned Pk (R, T), PIPs (R, T, 3) and times of flight from launch (R, T) of
        candidate rounds against tracks; round r leaves ``delay_s[r]`` after now, so its PIP
        is computed from the track's predicted position then, and its deadline is checked on
        delay + time of flight."""
        n_r, n_t = unit.size, pos.shape[0]
        pk = np.zeros((n_r, n_t))
        pips = np.full((n_r, n_t, 3), np.nan)
        tofs = np.full((n_r, n_t), np.nan)
        batches = []
        for rows, k in _site_kind_rows(self.bank.site[unit].tolist(), kind.tolist()):
            name = self.bank.type_names[k]
            itype = self.itypes[name]
            dl, which = _unique_inverse(delay_s[rows].tolist())
            start = (pos[None] + vel[None] * dl[:, None, None]).reshape(-1, 3)
            v = np.tile(vel, (dl.size, 1))
            batches.append((rows, name, itype, dl, which, start, v))
        if not batches:
            return pk, pips, tofs
        # the PIP lies on start + v t, t in [0, max time of flight]: pairs whose whole segment
        # is outside every fire-control radar's sector cannot be covered (one screen for all)
        may = sector_may_cover(
            self.fire_radars,
            np.concatenate([b[5] for b in batches]),
            np.concatenate([b[5] + b[6] * b[2].max_time_of_flight_s for b in batches]),
            self.origin_alt_m,
        )
        at = 0
        for rows, name, itype, dl, which, start, v in batches:
            cand, at = may[at : at + start.shape[0]], at + start.shape[0]
            lp = self.bank.pos_m[unit[rows[0]]][None, :]
            if cand.any():  # and the segment within the type's ground range of the site
                end = start + v * itype.max_time_of_flight_s
                cand = cand & may_reach(lp[0], start, end, itype.max_range_m)
            if not cand.any():  # Pk 0 and no PIP for the whole batch
                continue
            table = self._tables.get(name)
            if table is None:
                table = self._tables[name] = table_for(itype)
            icpt = predicted_intercept(  # one batch over (delay, target)
                lp,
                start,
                v,
                table,
                itype.max_time_of_flight_s,
                origin_alt_m=self.origin_alt_m,
                candidates=cand,
            )
            limit = (np.asarray(t_limit, float)[None, :] - dl[:, None]).ravel()
            ok = feasible(icpt, itype, t_limit_s=limit)
            if ok.any():
                ok &= any_radar_covers(self.fire_radars, icpt.pip_m, self.origin_alt_m)
            if ok.any():  # most batches have no pair left: their Pk stays 0
                agil = np.tile(agility_mps2, dl.size)[None, :]
                cls = np.tile(target_class, dl.size)[None, :]
                p = planned_kill_probability(itype, icpt.speed_mps, agil, icpt.alt_m, cls)
                pk[rows] = np.where(ok, p, 0.0).reshape(dl.size, n_t)[which]
            pips[rows] = icpt.pip_m.reshape(dl.size, n_t, 3)[which]
            tofs[rows] = icpt.t_s.reshape(dl.size, n_t)[which]
        return pk, pips, tofs

    def earliest_fire_s(self, t_s: float) -> float:
        """The earliest time (s) from ``t_s`` at which this post might launch a round: ``t_s``
        while a round of its is queued or in the air (it may come back) or a launcher holds
        or can start loading one, else the first reload under way to finish; inf when it is
        destroyed or spent for good. A bound for the run's bookkeeping, never a decision."""
        if self.destroyed:
            return np.inf
        if not all_of(self.commitments.done):
            return t_s
        return next_ready_s(self.bank, t_s)

    def report(self) -> dict[str, Any]:
        """This battery's account: rounds left and fired, reloads, when it ran dry."""
        c = self.commitments
        return {
            "rounds_in_tubes": int(self.bank.rounds.sum()),
            "rounds_in_reserve": int(self.bank.reserve.sum()),
            "interceptors_fired": int(np.count_nonzero(c.launched)),
            "reloads_under_way": int(np.count_nonzero(np.isfinite(self.bank.reload_done_s))),
            "magazine_empty_s": self.ran_dry_s,
            "remote_engagements": self.remote_engagements,
            "deconflicted": self.deconflicted,
            "handovers": self.handovers,
            "duplicates_held": self.duplicates_held,
            "autonomous_from_s": self.autonomous_from_s,
            "destroyed": int(self.destroyed),
        }


USE_COMPILED_SCREEN = True
"""Screen decisions with the compiled ``screen_kernel`` when numba is there; False: the NumPy
``reach_screen_numpy`` (the reference; tests switch it)."""


USE_COMPILED_UPLINK = True
"""Find the rounds to uplink and withdraw with the compiled ``uplink_kernel`` when numba is
there; False: the NumPy ``uplink_rows_numpy`` (the reference; tests switch it)."""


def _compiled(module: str, entry: str, use: bool) -> Any:
    """The kernel module ``module``, imported on first use (a run without a decision never
    loads it), or None: switched off (``use`` False) or without numba (its compiled
    ``entry`` is None)."""
    if not use:
        return None
    kernel = _KERNELS.get(module)
    if kernel is None:
        mod = importlib.import_module(module)
        kernel = _KERNELS[module] = mod if getattr(mod, entry) is not None else False
    return kernel or None


_KERNELS: dict[str, Any] = {}
"""Kernel modules once imported, by name (False: no numba)."""


def uplink_rows_numpy(
    done: np.ndarray,
    launched: np.ndarray,
    withdrawn: np.ndarray,
    launch_time_s: np.ndarray,
    track_number: np.ndarray,
    pic_numbers: np.ndarray,
    t_s: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``uplink_kernel.uplink_rows`` in NumPy: of the commitments (C,) (``done``,
    ``launched``, ``withdrawn``, ``launch_time_s`` s, ``track_number``) the rows to withdraw
    (live, not launched, leaving after ``t_s`` (s), track not in the picture's
    ``pic_numbers`` (T,)), the rows to uplink (live, not withdrawn, track held) and the
    picture row of each of those rounds' track."""
    live = ~done
    held = isin(track_number, pic_numbers)
    gone = np.flatnonzero(live & ~launched & ~held & (launch_time_s > t_s + 1e-9))
    rows = np.flatnonzero(live & held & ~withdrawn)
    order = np.argsort(pic_numbers)
    k = order[np.searchsorted(pic_numbers, track_number[rows], sorter=order)]
    return gone, rows, k


def reach_screen_numpy(
    fire_radars: list[Any],
    origin_alt_m: float,
    launcher_m: np.ndarray,
    delay_s: np.ndarray,
    t_max_s: np.ndarray,
    max_range_m: np.ndarray,
    pos_m: np.ndarray,
    vel_mps: np.ndarray,
) -> np.ndarray:
    """``CommandPost._within_reach`` in NumPy: (T,) bool, whether for track j (``pos_m[j]``
    m, ``vel_mps[j]`` m/s) some round r (launcher ``launcher_m[r]`` (3,) ENU m, launch
    ``delay_s[r]`` s from now, longest flight ``t_max_s[r]`` s, ground range
    ``max_range_m[r]`` m) passes ``may_reach`` and ``sector_may_cover`` on the segment from
    the track's position at launch to its position a longest flight later."""
    start = pos_m[None] + vel_mps[None] * delay_s[:, None, None]  # (R, T, 3)
    end = start + vel_mps[None] * t_max_s[:, None, None]
    near = may_reach(launcher_m[:, None, :], start, end, max_range_m[:, None])  # (R, T)
    passed = np.zeros(near.shape, bool)
    if near.any():
        passed[near] = sector_may_cover(fire_radars, start[near], end[near], origin_alt_m)
    return passed.any(axis=0)


STATUS_GATE_SIGMAS = 3.0
"""Correlation gate of another unit's engagement status with an own track (sigmas)."""
STATUS_GATE_MIN_M = 500.0
"""Smallest correlation gate of engagement status with an own track (m)."""


def status_matches(
    pos_m: np.ndarray, position_std_m: np.ndarray, t_s: float, status: EngagementStatus
) -> np.ndarray:
    """(T, E) which ``status`` rows (other units' engagements) are about which of the tracks
    at ``pos_m`` (T, 3, local ENU, m) with sigma ``position_std_m`` (T,) at ``t_s`` (s):
    each status estimate is first carried to ``t_s`` on its own velocity (a status message
    is a latency and a period old: 2 s of a 300 m/s cruise missile is 600 m), then gated at
    ``STATUS_GATE_SIGMAS`` combined sigmas, at least ``STATUS_GATE_MIN_M``."""
    dt = t_s - status.time_s
    there = status.pos_m + status.vel_mps * dt[:, None]
    d = norm(pos_m[:, None, :] - there[None, :, :])
    gate = STATUS_GATE_SIGMAS * np.hypot(position_std_m[:, None], status.position_std_m[None, :])
    return d <= np.maximum(gate, STATUS_GATE_MIN_M)


def duplicates_of(
    pos_m: np.ndarray, position_std_m: np.ndarray, source_unit: np.ndarray, held: np.ndarray
) -> np.ndarray:
    """(T,) tracks of one picture that are another source's number for an object this post
    already engages: within the status gate (``STATUS_GATE_SIGMAS`` combined sigmas, at least
    ``STATUS_GATE_MIN_M``) of a ``held`` track (engaged or in its look time) reported by a
    different source unit. The shared picture's correlation can leave an own and a remote
    track of one drone apart (a dual designation); without this check the post fires at the
    second number while its round at the first is still flying. Tracks of one source are
    never merged here: that source's own tracker keeps them apart. ``pos_m`` (T, 3) ENU m at
    one time, ``position_std_m`` (T,) m."""
    out = np.zeros(source_unit.size, bool)
    h = np.flatnonzero(held)
    if h.size == 0 or (source_unit == source_unit[0]).all():  # one source: none to merge
        return out
    d = norm(pos_m[:, None, :] - pos_m[None, h, :])
    gate = STATUS_GATE_SIGMAS * np.hypot(position_std_m[:, None], position_std_m[None, h])
    other = source_unit[:, None] != source_unit[None, h]
    out = (other & (d <= np.maximum(gate, STATUS_GATE_MIN_M))).any(axis=1)
    out[h] = False
    return out


def _fresh(latest: dict[int, Any], t_s: float) -> dict[int, Any]:
    """The batches of ``latest`` (unit -> its last message) sent within ``REMOTE_MAX_AGE_S``
    of ``t_s`` (s); empty ones left out."""
    return {
        u: m
        for u, m in latest.items()
        if len(m) and t_s - float(m.time_s.max()) <= REMOTE_MAX_AGE_S
    }


def _deadline(ev: Any, sel: np.ndarray, n_assets: int) -> np.ndarray:
    """Latest useful intercept time per target: reaching the asset radius, or the closest
    approach to the asset's centre if later (a threat inside the radius still flies on);
    no limit for tracks that head for no asset."""
    if n_assets == 0:
        return np.full(sel.size, np.inf)
    a = np.maximum(ev.asset[sel], 0)
    t_cpa = ev.t_cpa_s[sel, a]
    t_in = ev.time_to_asset_s[sel]
    out = np.fmax(np.where(np.isfinite(t_in), t_in, np.nan), t_cpa)
    return np.where(ev.asset[sel] >= 0, out, np.inf)


def _site_kind_rows(site: list[int], kind: list[int]) -> list[tuple[np.ndarray, int]]:
    """The candidate rounds (rows) of each (launcher site, interceptor type), in order of site
    then type, with the type index: ``np.unique`` per site and type without its cost."""
    groups: dict[tuple[int, int], list[int]] = {}
    for r, key in enumerate(zip(site, kind, strict=True)):
        groups.setdefault(key, []).append(r)
    return [(np.array(groups[key], dtype=np.int64), key[1]) for key in sorted(groups)]


def _unique_inverse(values: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` for a few floats (no NaN): the sorted
    distinct values and the index of each value among them."""
    distinct = sorted(set(values))
    at = {v: i for i, v in enumerate(distinct)}
    return np.array(distinct, dtype=float), np.array([at[v] for v in values], dtype=np.int64)


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


__all__ = [
    "ORDER_ID_STRIDE",
    "STATUS_GATE_MIN_M",
    "STATUS_GATE_SIGMAS",
    "CommandPost",
    "Commitments",
    "duplicates_of",
    "status_matches",
]
