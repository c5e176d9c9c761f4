"""The world a run acts on: entity state as NumPy arrays (one row per entity) and site records.

Systems (motion, radars, trackers, command posts, weapons) read and write it in the order the
engine calls them. Positions are ENU metres about ``scenario.origin`` (x east, y north, z up);
times are seconds from scenario start. Threat positions are true ENU of the geodetic point, so
a far threat at constant height lies below the origin's tangent plane (earth curvature).

Stable names (other packages depend on them): ``World.t_s``, ``scenario``, ``log``, ``rng(name)``,
``threats``, ``assets``, ``radars``, ``launchers``, ``batteries``, ``interceptors``;
``ThreatState`` fields. Status values are defined once, in ``iads.messages``.

The world is the ground truth only: what exists and where it is (threats, interceptors in
flight, sites). What the defense perceives and decides travels as messages on a bus
(``iads.channels``), never through the world.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from iads.geo import Origin
from iads.messages import EXPIRED, FLYING, HOSTILE, KILLED, REACHED, STATUS_NAMES, WAITING
from iads.motion.raids import FlightPlan
from iads.motion.trajectory import Trajectories
from iads.scenario.equipment import LauncherType, RadarType, ThreatType
from iads.scenario.model import CommandPost, Scenario
from iads.sim.engine import EventLog
from iads.sim.platforms import Orbit
from iads.vectors import all_of, any_of

if TYPE_CHECKING:
    from iads.engagement.interceptors import InterceptorStore


@dataclass
class ThreatState:
    """All threats, struct-of-arrays, one row per threat (N rows).

    Kinematics (``pos_m``, ``vel_mps``: (N, 3) ENU, m and m/s) hold the truth at ``World.t_s``.
    ``status`` (N,) int8 uses the module constants; ``target_asset`` (N,) is an index into
    ``World.assets`` (-1: none). Signature: ``rcs_*_m2`` (N,) and ``swerling`` (N,) int8.
    ``type_index`` (N,) indexes ``types`` / ``type_names``.
    """

    id: np.ndarray
    name: list[str]
    raid: list[str]
    type_index: np.ndarray
    type_names: list[str]
    types: list[ThreatType]
    pos_m: np.ndarray
    vel_mps: np.ndarray
    status: np.ndarray
    launch_time_s: np.ndarray
    planned_arrival_s: np.ndarray
    target_asset: np.ndarray
    speed_mps: np.ndarray
    rcs_front_m2: np.ndarray
    rcs_side_m2: np.ndarray
    rcs_rear_m2: np.ndarray
    swerling: np.ndarray
    cost_usd: np.ndarray
    max_lateral_accel_mps2: np.ndarray
    vel_prev_mps: np.ndarray | None = None
    """(N, 3) the truth velocities one tick before ``World.t_s`` (m/s; the motion system keeps
    them; None before it has run): the end game's finite-difference threat acceleration."""
    allegiance: np.ndarray | None = None
    """(N,) int8 allegiance code (``iads.messages``) of the truth: ``HOSTILE`` for threats,
    ``NEUTRAL`` / ``FRIENDLY`` for traffic (None: all hostile). Scoring only."""

    @property
    def hostile(self) -> np.ndarray:
        """(N,) bool: real threats (not traffic)."""
        if self.allegiance is None:
            return np.ones(len(self), bool)
        return self.allegiance == HOSTILE

    def __len__(self) -> int:
        return int(self.id.shape[0])

    @property
    def active(self) -> np.ndarray:
        """(N,) bool: threats in flight."""
        return self.status == FLYING

    @property
    def resolved(self) -> np.ndarray:
        """(N,) bool: threats whose outcome is known (killed, reached or expired)."""
        return self.status >= KILLED

    @property
    def type_name(self) -> list[str]:
        """Each threat's type name, (N,) list."""
        return [self.type_names[i] for i in self.type_index]


@dataclass
class AssetState:
    """Defended assets (A rows): ``pos_m`` (A, 3) ENU of the asset's ground point."""

    name: list[str]
    pos_m: np.ndarray
    value: np.ndarray
    cost_usd: np.ndarray
    radius_m: np.ndarray

    def __len__(self) -> int:
        return len(self.name)

    def index(self, name: str) -> int:
        """The row of asset ``name``."""
        return self.name.index(name)


@dataclass(frozen=True)
class RadarRecord:
    """One radar: ``pos_m`` is the antenna phase centre (site + antenna height, ENU, m).

    ``battery``: its battery (-1 for a standalone sensor); ``unit``: the unit whose tracker
    fuses it (``World.units``); ``orbit``: the flight path of an airborne sensor (None:
    fixed; ``pos_m`` is then its position at t = 0)."""

    index: int
    name: str
    battery: int
    type_name: str
    type: RadarType
    site_pos_m: np.ndarray
    pos_m: np.ndarray
    boresight_rad: float
    unit: int = -1
    orbit: Orbit | None = None


@dataclass(frozen=True)
class LauncherRecord:
    """``count`` launchers of one type at one site, each loaded with ``loadout``."""

    index: int
    name: str
    battery: int
    type_name: str
    type: LauncherType
    pos_m: np.ndarray
    count: int
    loadout: dict[str, int]


@dataclass(frozen=True)
class BatteryRecord:
    """A battery: its command post and the indices of its radars and launchers."""

    index: int
    name: str
    command_post: CommandPost
    command_post_pos_m: np.ndarray
    radars: tuple[int, ...]
    launchers: tuple[int, ...]


def stream_key(name: str) -> int:
    """A stable 32-bit key for a component name (CRC-32; Python's ``hash`` varies by process)."""
    return zlib.crc32(name.encode("utf-8"))


@dataclass
class World:
    """The ground truth of a run. ``t_s`` is set by the engine at the start of a tick.

    ``units``: names of the units that hold a track picture: the batteries (index = battery
    index), then the standalone sensors. ``interceptors``: the rounds ordered and flying (``iads.engagement.interceptors``; None
    in an undefended run). ``plans`` and ``trajectories`` are the threats' flight plans and
    precomputed truth paths (row i = threat i).
    """

    scenario: Scenario
    seed: int
    origin: Origin
    threats: ThreatState
    assets: AssetState
    radars: list[RadarRecord]
    launchers: list[LauncherRecord]
    batteries: list[BatteryRecord]
    units: list[str] = field(default_factory=list)
    t_s: float = 0.0
    log: EventLog = field(default_factory=EventLog)
    interceptors: InterceptorStore | None = None
    plans: list[FlightPlan] = field(default_factory=list, repr=False)
    trajectories: Trajectories | None = field(default=None, repr=False)
    transponders: Any = field(default=None, repr=False)
    """The traffic's transponders (``iads.sim.traffic.Transponders``; None: no traffic)."""
    terrain: Any = field(default=None, repr=False)
    """Ground elevation in the local frame (``iads.terrain.LocalTerrain``; None: smooth)."""
    _rngs: dict[str, np.random.Generator] = field(default_factory=dict, repr=False)
    _route_ends: tuple | None = field(default=None, init=False, repr=False, compare=False)
    """``open_route_ends_s``' last answer, the statuses and trajectories it was read from."""

    def rng(self, component: str) -> np.random.Generator:
        """The random stream of ``component``: one Generator per name for the whole run,
        ``SeedSequence(seed, spawn_key=(crc32(name),))``, so streams do not depend on the order
        or number of components."""
        gen = self._rngs.get(component)
        if gen is None:
            seq = np.random.SeedSequence(self.seed, spawn_key=(stream_key(component),))
            gen = self._rngs[component] = np.random.default_rng(seq)
        return gen

    def open_route_ends_s(self) -> tuple[float, float] | None:
        """(earliest, latest) route end (s) of the threats not resolved yet; None when every
        threat is resolved or there are no trajectories. Kept while the threats' statuses
        (changed in place) and the trajectories stay the same (route ends are fixed): the
        motion system's next due time and the spent test's horizon read it every tick."""
        traj = self.trajectories
        if traj is None:
            return None
        key = self.threats.status.tobytes()
        kept = self._route_ends
        if kept is not None and kept[0] is traj and kept[1] == key:
            return kept[2]
        open_ = ~self.threats.resolved
        ends = None
        if any_of(open_):
            e = traj.end_time_s[open_]
            ends = (float(e.min()), float(e.max()))
        self._route_ends = (traj, key, ends)
        return ends

    def finished(self) -> bool:
        """True when every threat is resolved and no interceptor is in the air or queued."""
        if not all_of(self.threats.resolved):
            return False
        return self.interceptors is None or not self.interceptors.busy()


__all__ = [
    "EXPIRED",
    "FLYING",
    "KILLED",
    "REACHED",
    "STATUS_NAMES",
    "WAITING",
    "AssetState",
    "BatteryRecord",
    "LauncherRecord",
    "RadarRecord",
    "ThreatState",
    "World",
    "stream_key",
]
