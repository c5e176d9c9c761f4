"""IEEE 1278.1-2012 (DIS version 7) Entity State, Fire and Detonation PDUs, and a run recorder
that streams them over UDP.

A small encoder for exactly these three PDUs (``struct``, big-endian, as the standard's
field tables, section 7.2.2 and 7.3.2/7.3.3; ``docs/interop.md`` has the layout):

- Entity State 144 bytes (no variable parameters), Fire 96, Detonation 104 (none).
- Positions in the geocentric world frame (WGS-84 ECEF, m, float64), velocities in it
  (m/s, float32), orientation as the standard's Euler angles psi, theta, phi (rad) of the
  body frame (x forward, y right, z down) from the world frame, rotations Z, Y', X''.
- Timestamps relative (bit 0 clear): simulation time past the hour in units of
  3600 s / 2^31, shifted left one bit.
- Entity types from SISO-REF-010 (kind, domain, country 0 "other", category; the rest 0).

``DisStream`` is a recorder of the run: an engine ``System`` that reads the truth (threats,
interceptors, sites) every ``period_s`` and a subscriber of the bus's ``launches/b`` and
``detonations/b``; it publishes nothing and no stage reads what it sends.
"""

from __future__ import annotations

import ipaddress
import math
import socket
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pymap3d

PROTOCOL_VERSION = 7
"""IEEE 1278.1-2012 (SISO-REF-010 protocol version 7)."""
PDU_ENTITY_STATE = 1
PDU_FIRE = 2
PDU_DETONATION = 3
FAMILY_ENTITY_INFORMATION = 1
FAMILY_WARFARE = 2
ENTITY_STATE_BYTES = 144
FIRE_BYTES = 96
DETONATION_BYTES = 104

# PDU status (v7, 5.3.3.1 / SISO-REF-010 UID 213): bits 1-2 the LVC indicator, 3 = constructive.
PDU_STATUS_CONSTRUCTIVE = 3 << 1

# Force ID (SISO-REF-010 UID 6)
FORCE_OTHER, FORCE_FRIENDLY, FORCE_OPPOSING, FORCE_NEUTRAL = 0, 1, 2, 3

# Entity kind (UID 7), platform domain (UID 8), munition domain (UID 14)
KIND_PLATFORM, KIND_MUNITION = 1, 2
DOMAIN_LAND, DOMAIN_AIR = 1, 2
MUNITION_ANTI_AIR, MUNITION_TACTICAL = 1, 11
# Munition category (UID 15), air platform category (UID 9), land platform category (UID 10)
MUNITION_GUIDED = 1
AIR_OTHER, AIR_ATTACK_STRIKE, AIR_SURVEILLANCE_C2 = 0, 2, 8
AIR_UNMANNED, AIR_NON_COMBATANT_COMMERCIAL = 50, 57
LAND_AIR_DEFENSE_EQUIPMENT, LAND_FIELD_COMMAND_POST = 28, 39
COUNTRY_OTHER = 0

# Munition descriptor (UID 60, 61), detonation result (UID 62), dead reckoning (UID 44)
WARHEAD_HE_BLAST_FRAGMENTATION = 1620
FUSE_PROXIMITY = 3000
DETONATION_ENTITY_PROXIMATE = 2
DETONATION_DETONATION = 5
DEAD_RECKONING_FPW = 2
"""Dead reckoning DRM(F, P, W): constant velocity, world coordinates."""
APPEARANCE_DESTROYED = 3 << 3
"""Generic appearance (UID 31-33), bits 3-4 damage: 3 = destroyed."""

ENTITY_TYPES: dict[str, tuple[int, int, int, int]] = {
    # name: (kind, domain, country, category)
    "cruise_missile": (KIND_MUNITION, MUNITION_TACTICAL, COUNTRY_OTHER, MUNITION_GUIDED),
    "glide_vehicle": (KIND_MUNITION, MUNITION_TACTICAL, COUNTRY_OTHER, MUNITION_GUIDED),
    "drone": (KIND_PLATFORM, DOMAIN_AIR, COUNTRY_OTHER, AIR_UNMANNED),
    "aircraft": (KIND_PLATFORM, DOMAIN_AIR, COUNTRY_OTHER, AIR_ATTACK_STRIKE),
    "neutral_aircraft": (KIND_PLATFORM, DOMAIN_AIR, COUNTRY_OTHER, AIR_NON_COMBATANT_COMMERCIAL),
    "friendly_aircraft": (KIND_PLATFORM, DOMAIN_AIR, COUNTRY_OTHER, AIR_OTHER),
    "interceptor": (KIND_MUNITION, MUNITION_ANTI_AIR, COUNTRY_OTHER, MUNITION_GUIDED),
    "radar": (KIND_PLATFORM, DOMAIN_LAND, COUNTRY_OTHER, LAND_AIR_DEFENSE_EQUIPMENT),
    "airborne_radar": (KIND_PLATFORM, DOMAIN_AIR, COUNTRY_OTHER, AIR_SURVEILLANCE_C2),
    "launcher": (KIND_PLATFORM, DOMAIN_LAND, COUNTRY_OTHER, LAND_AIR_DEFENSE_EQUIPMENT),
    "command_post": (KIND_PLATFORM, DOMAIN_LAND, COUNTRY_OTHER, LAND_FIELD_COMMAND_POST),
}
"""SISO-REF-010 entity types (kind, domain, country, category) of what iads sends;
subcategory, specific and extra are 0. Fictional forces: country 0 (other)."""

NO_ENTITY = (0, 0, 0)
THREAT_BASE = 1
INTERCEPTOR_BASE = 30_001
SITE_BASE = 60_001
MAX_ENTITY = 65_534

_HEADER = ">BBBBIHBB"
_ENTITY_ID = "HHH"
_ENTITY_TYPE = "BBHBBBB"
_ES = (
    ">BBBBIHBB"
    + "HHH"
    + "BB"
    + _ENTITY_TYPE * 2
    + "3f"
    + "3d"
    + "3f"
    + "I"
    + "B15s3f3f"
    + "B11s"
    + "I"
)
_FIRE = ">BBBBIHBB" + "HHH" * 4 + "I" + "3d" + _ENTITY_TYPE + "HHHH" + "3f" + "f"
_DETONATION = ">BBBBIHBB" + "HHH" * 4 + "3f" + "3d" + _ENTITY_TYPE + "HHHH" + "3f" + "BBH"
assert struct.calcsize(_ES) == ENTITY_STATE_BYTES
assert struct.calcsize(_FIRE) == FIRE_BYTES
assert struct.calcsize(_DETONATION) == DETONATION_BYTES

EntityId = tuple[int, int, int]
EntityType = tuple[int, int, int, int]


def dis_timestamp(t_s: float) -> int:
    """The relative DIS timestamp of simulation time ``t_s`` (s): the time past the hour in
    units of 3600 / 2^31 s, in bits 31-1, bit 0 = 0 (relative)."""
    past_hour = math.fmod(t_s, 3600.0)
    units = min(int(past_hour / 3600.0 * 2**31), 2**31 - 1)
    return units << 1


def _header(pdu_type: int, family: int, t_s: float, length: int, exercise: int) -> tuple:
    return (
        PROTOCOL_VERSION,
        exercise,
        pdu_type,
        family,
        dis_timestamp(t_s),
        length,
        PDU_STATUS_CONSTRUCTIVE,
        0,
    )


def _etype(t: EntityType) -> tuple[int, ...]:
    return (t[0], t[1], t[2], t[3], 0, 0, 0)


def marking(text: str) -> bytes:
    """11 ASCII bytes of ``text`` (others replaced by '?'), NUL padded."""
    raw = text.encode("ascii", "replace")[:11]
    return raw.ljust(11, b"\0")


def entity_state_pdu(
    entity: EntityId,
    force: int,
    etype: EntityType,
    t_s: float,
    pos_ecef_m: np.ndarray,
    vel_ecef_mps: np.ndarray,
    euler_rad: np.ndarray,
    name: str,
    appearance: int = 0,
    exercise: int = 1,
) -> bytes:
    """One Entity State PDU (144 bytes): ECEF position (m), velocity (m/s), Euler angles
    psi, theta, phi (rad), dead reckoning DRM(F,P,W) with zero acceleration."""
    return struct.pack(
        _ES,
        *_header(PDU_ENTITY_STATE, FAMILY_ENTITY_INFORMATION, t_s, ENTITY_STATE_BYTES, exercise),
        *entity,
        force,
        0,
        *_etype(etype),
        *_etype((0, 0, 0, 0)),
        *(float(v) for v in vel_ecef_mps),
        *(float(v) for v in pos_ecef_m),
        *(float(v) for v in euler_rad),
        appearance,
        DEAD_RECKONING_FPW,
        b"",
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        1,  # character set: ASCII
        marking(name),
        0,
    )


def fire_pdu(
    firing: EntityId,
    target: EntityId,
    munition: EntityId,
    event: EntityId,
    t_s: float,
    pos_ecef_m: np.ndarray,
    munition_type: EntityType,
    vel_ecef_mps: np.ndarray,
    range_m: float,
    exercise: int = 1,
) -> bytes:
    """One Fire PDU (96 bytes): a round of ``munition_type`` leaving ``pos_ecef_m`` (m) with
    ``vel_ecef_mps`` (m/s); ``range_m`` the fire-control range to the aim point."""
    return struct.pack(
        _FIRE,
        *_header(PDU_FIRE, FAMILY_WARFARE, t_s, FIRE_BYTES, exercise),
        *firing,
        *target,
        *munition,
        *event,
        0,  # fire mission index: none
        *(float(v) for v in pos_ecef_m),
        *_etype(munition_type),
        WARHEAD_HE_BLAST_FRAGMENTATION,
        FUSE_PROXIMITY,
        1,
        0,
        *(float(v) for v in vel_ecef_mps),
        float(range_m),
    )


def detonation_pdu(
    firing: EntityId,
    target: EntityId,
    munition: EntityId,
    event: EntityId,
    t_s: float,
    vel_ecef_mps: np.ndarray,
    pos_ecef_m: np.ndarray,
    munition_type: EntityType,
    offset_entity_m: np.ndarray,
    result: int,
    exercise: int = 1,
) -> bytes:
    """One Detonation PDU (104 bytes): at ``pos_ecef_m`` (m), ``offset_entity_m`` the point
    in the target's body frame (m; zeros without a target), ``result`` (SISO UID 62)."""
    return struct.pack(
        _DETONATION,
        *_header(PDU_DETONATION, FAMILY_WARFARE, t_s, DETONATION_BYTES, exercise),
        *firing,
        *target,
        *munition,
        *event,
        *(float(v) for v in vel_ecef_mps),
        *(float(v) for v in pos_ecef_m),
        *_etype(munition_type),
        WARHEAD_HE_BLAST_FRAGMENTATION,
        FUSE_PROXIMITY,
        1,
        0,
        *(float(v) for v in offset_entity_m),
        result,
        0,
        0,
    )


# --- frames ------------------------------------------------------------------------------


def _enu_basis(lat_deg: np.ndarray, lon_deg: np.ndarray) -> tuple[np.ndarray, ...]:
    """(N, 3) unit vectors east, north, up in ECEF at each geodetic point."""
    la, lo = np.deg2rad(lat_deg), np.deg2rad(lon_deg)
    e = np.stack([-np.sin(lo), np.cos(lo), np.zeros_like(lo)], axis=-1)
    n = np.stack([-np.sin(la) * np.cos(lo), -np.sin(la) * np.sin(lo), np.cos(la)], axis=-1)
    u = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)
    return e, n, u


def body_axes_ecef(
    lat_deg: np.ndarray, lon_deg: np.ndarray, vel_enu_mps: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(N, 3) body x (along the velocity; level north when at rest), y (right, no roll) and
    z (down) axes in ECEF at geodetic points (deg) for local ENU velocities (m/s)."""
    v = np.atleast_2d(np.asarray(vel_enu_mps, dtype=float))
    e, n, u = _enu_basis(np.atleast_1d(lat_deg), np.atleast_1d(lon_deg))
    heading = np.arctan2(v[:, 0], v[:, 1])
    pitch = np.arctan2(v[:, 2], np.hypot(v[:, 0], v[:, 1]))
    ch, sh = np.cos(heading)[:, None], np.sin(heading)[:, None]
    cp, sp = np.cos(pitch)[:, None], np.sin(pitch)[:, None]
    x = cp * (ch * n + sh * e) + sp * u
    y = ch * e - sh * n
    z = np.cross(x, y)
    return x, y, z


def euler_angles(lat_deg: np.ndarray, lon_deg: np.ndarray, vel_enu_mps: np.ndarray) -> np.ndarray:
    """(N, 3) DIS Euler angles psi, theta, phi (rad) of bodies flying along ``vel_enu_mps``
    (no roll): the rotations about Z, Y', X'' taking the ECEF axes onto the body axes."""
    x, y, z = body_axes_ecef(lat_deg, lon_deg, vel_enu_mps)
    psi = np.arctan2(x[:, 1], x[:, 0])
    theta = np.arctan2(-x[:, 2], np.hypot(x[:, 0], x[:, 1]))
    phi = np.arctan2(y[:, 2], z[:, 2])
    return np.column_stack([psi, theta, phi])


@dataclass(frozen=True)
class Geo:
    """ENU (about ``lat0, lon0, h0``) to geodetic and ECEF conversions through pymap3d."""

    lat0_deg: float
    lon0_deg: float
    h0_m: float

    def ecef(self, enu_m: np.ndarray) -> np.ndarray:
        """(N, 3) ECEF (m) of ENU points (m)."""
        p = np.atleast_2d(np.asarray(enu_m, dtype=float))
        x, y, z = pymap3d.enu2ecef(
            p[:, 0].copy(), p[:, 1].copy(), p[:, 2].copy(), self.lat0_deg, self.lon0_deg, self.h0_m
        )
        return np.column_stack([x, y, z])

    def ecef_vector(self, enu: np.ndarray) -> np.ndarray:
        """(N, 3) ECEF components of ENU vectors (the origin's axes)."""
        v = np.atleast_2d(np.asarray(enu, dtype=float))
        x, y, z = pymap3d.enu2uvw(
            v[:, 0].copy(), v[:, 1].copy(), v[:, 2].copy(), self.lat0_deg, self.lon0_deg
        )
        return np.column_stack([x, y, z])

    def geodetic(self, enu_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Latitudes, longitudes (deg) of ENU points (m)."""
        p = np.atleast_2d(np.asarray(enu_m, dtype=float))
        lat, lon, _ = pymap3d.enu2geodetic(
            p[:, 0].copy(), p[:, 1].copy(), p[:, 2].copy(), self.lat0_deg, self.lon0_deg, self.h0_m
        )
        return np.atleast_1d(lat), np.atleast_1d(lon)

    def local_vectors(self, enu_m: np.ndarray, vec_enu: np.ndarray) -> np.ndarray:
        """(N, 3) vectors given in the origin's ENU axes, in the local ENU axes at each point
        (for headings and pitch far from the origin)."""
        lat, lon = self.geodetic(enu_m)
        w = self.ecef_vector(vec_enu)
        e, n, u = _enu_basis(lat, lon)
        return np.column_stack([(w * e).sum(1), (w * n).sum(1), (w * u).sum(1)])


# --- address -------------------------------------------------------------------------------


def parse_address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` with an IPv4 literal (or ``localhost``) and a port in 1..65535; raises
    ValueError with a one-line reason. No name lookup (no network at run time)."""
    host, sep, port_text = text.rpartition(":")
    if not sep or not host:
        raise ValueError(f"expected HOST:PORT (e.g. 127.0.0.1:3000), got {text!r}")
    if host == "localhost":
        host = "127.0.0.1"
    try:
        addr = ipaddress.IPv4Address(host)
    except ValueError:
        raise ValueError(f"host must be an IPv4 address, got {host!r}") from None
    try:
        port = int(port_text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise ValueError(f"port must be an integer in 1..65535, got {port_text!r}")
    return str(addr), port


def open_sender(address: tuple[str, int]) -> socket.socket:
    """A UDP socket connected to ``address`` (broadcast allowed); OSError if unusable."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.connect(address)
    except OSError:
        sock.close()
        raise
    return sock


# --- the run recorder ----------------------------------------------------------------------

DIS_PERIOD_S = 1.0
"""Entity State PDUs of every entity once per this simulation time (s); receivers dead
reckon between (DRM(F,P,W))."""


class DisStream:
    """An engine ``System`` (and bus subscriber) sending the run as DIS PDUs to ``send``.

    ``send(pdu_bytes)`` is called for each PDU; ``realtime`` paces the run to the wall clock
    (simulation second = wall second from the first step). Reads truth, writes nothing."""

    name = "dis_stream"

    def __init__(
        self,
        world: Any,
        send: Callable[[bytes], None],
        period_s: float = DIS_PERIOD_S,
        realtime: bool = False,
        exercise: int = 1,
        site: int = 1,
        application: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.world = world
        self.send = send
        self.period_s = period_s
        self.realtime = realtime
        self.exercise = exercise
        self.site, self.app = site, application
        self._clock, self._sleep = clock, sleep
        self._wall0: float | None = None
        o = world.origin
        self.geo = Geo(o.lat_deg, o.lon_deg, o.alt_m)
        self.pdus_sent = {PDU_ENTITY_STATE: 0, PDU_FIRE: 0, PDU_DETONATION: 0}
        n_threats = len(world.threats)
        if n_threats > INTERCEPTOR_BASE - THREAT_BASE:
            raise ValueError(f"DIS: {n_threats} threats exceed the entity numbers kept for them")
        self._sites = self._site_table()
        if len(self._sites) > MAX_ENTITY - SITE_BASE + 1:
            raise ValueError(f"DIS: {len(self._sites)} sites exceed the entity numbers for them")
        self._dead_sent = np.zeros(n_threats, bool)
        self._event = 0

    # ids and types
    def eid(self, number: int) -> EntityId:
        return (self.site, self.app, int(number))

    def threat_id(self, i: int) -> EntityId:
        return self.eid(THREAT_BASE + int(i))

    def interceptor_id(self, k: int) -> EntityId:
        number = INTERCEPTOR_BASE + int(k)
        if number >= SITE_BASE:
            raise ValueError("DIS: more interceptors than entity numbers kept for them")
        return self.eid(number)

    def threat_type(self, i: int) -> tuple[int, EntityType]:
        """(force, entity type) of threat row ``i`` (traffic by its allegiance)."""
        from iads.messages import FRIENDLY, NEUTRAL

        th = self.world.threats
        alleg = None if th.allegiance is None else int(th.allegiance[i])
        if alleg == int(NEUTRAL):
            return FORCE_NEUTRAL, ENTITY_TYPES["neutral_aircraft"]
        if alleg == int(FRIENDLY):
            return FORCE_FRIENDLY, ENTITY_TYPES["friendly_aircraft"]
        kind = th.types[int(th.type_index[i])].kind
        return FORCE_OPPOSING, ENTITY_TYPES.get(kind, ENTITY_TYPES["aircraft"])

    def _site_table(self) -> list[tuple[str, str, Any]]:
        """(name, type key, radar record or ENU position) of every site."""
        w = self.world
        rows: list[tuple[str, str, Any]] = []
        for r in w.radars:
            rows.append((r.name, "airborne_radar" if r.orbit is not None else "radar", r))
        for lr in w.launchers:
            rows.append((lr.name, "launcher", np.asarray(lr.pos_m, float)))
        for b in w.batteries:
            rows.append((b.name, "command_post", np.asarray(b.command_post_pos_m, float)))
        return rows

    def site_id(self, kind: str, index: int) -> EntityId:
        """The entity of radar / launcher / command post ``index``."""
        w = self.world
        offset = {
            "radar": 0,
            "launcher": len(w.radars),
            "command_post": len(w.radars) + len(w.launchers),
        }
        return self.eid(SITE_BASE + offset[kind] + int(index))

    # engine System
    def step(self, world: Any, t_s: float, dt_s: float) -> None:
        """Entity State of every site, threat in flight and interceptor in the air at ``t_s``;
        with ``realtime``, first wait until the wall clock reaches ``t_s``."""
        if self.realtime:
            now = self._clock()
            if self._wall0 is None:
                self._wall0 = now - t_s
            wait = self._wall0 + t_s - now
            if wait > 0:
                self._sleep(wait)
        self._send_sites(t_s)
        self._send_threats(t_s)
        self._send_interceptors(t_s)

    def _emit(self, pdu: bytes) -> None:
        self.send(pdu)
        self.pdus_sent[pdu[2]] += 1

    def _entity_states(
        self,
        t_s: float,
        ids: list[EntityId],
        forces: list[int],
        types: list[EntityType],
        names: list[str],
        pos_enu: np.ndarray,
        vel_enu: np.ndarray,
        appearance: list[int] | None = None,
    ) -> None:
        if not ids:
            return
        pos_ecef = self.geo.ecef(pos_enu)
        vel_ecef = self.geo.ecef_vector(vel_enu)
        lat, lon = self.geo.geodetic(pos_enu)
        euler = euler_angles(lat, lon, self.geo.local_vectors(pos_enu, vel_enu))
        for k, ent in enumerate(ids):
            self._emit(
                entity_state_pdu(
                    ent,
                    forces[k],
                    types[k],
                    t_s,
                    pos_ecef[k],
                    vel_ecef[k],
                    euler[k],
                    names[k],
                    0 if appearance is None else appearance[k],
                    self.exercise,
                )
            )

    def _send_sites(self, t_s: float) -> None:
        ids, types, names, pos = [], [], [], []
        n_radars = len(self.world.radars)
        for k, (name, key, where) in enumerate(self._sites):
            if k < n_radars:
                rec = where
                p = rec.orbit.position_at(t_s) if rec.orbit is not None else rec.pos_m
            else:
                p = where
            ids.append(self.eid(SITE_BASE + k))
            types.append(ENTITY_TYPES[key])
            names.append(name)
            pos.append(np.asarray(p, float).reshape(3))
        vel = np.zeros((len(ids), 3))
        for k, (_, key, where) in enumerate(self._sites[:n_radars]):
            if key == "airborne_radar":
                dt = 0.5
                vel[k] = (where.orbit.position_at(t_s + dt) - where.orbit.position_at(t_s - dt)) / (
                    2 * dt
                )
        self._entity_states(
            t_s, ids, [FORCE_FRIENDLY] * len(ids), types, names, np.array(pos).reshape(-1, 3), vel
        )

    def _send_threats(self, t_s: float) -> None:
        from iads.messages import FLYING, KILLED

        th = self.world.threats
        live = np.flatnonzero(th.status == FLYING)
        dead = np.flatnonzero((th.status == KILLED) & ~self._dead_sent)
        rows = np.concatenate([live, dead])
        if rows.size == 0:
            return
        self._dead_sent[dead] = True
        ft = [self.threat_type(int(i)) for i in rows]
        pos = np.asarray(th.pos_m[rows], float)
        vel = np.asarray(th.vel_mps[rows], float)
        vel[live.size :] = 0.0
        ok = np.isfinite(pos).all(axis=1) & np.isfinite(vel).all(axis=1)
        idx = np.flatnonzero(ok)
        self._entity_states(
            t_s,
            [self.threat_id(rows[k]) for k in idx],
            [ft[k][0] for k in idx],
            [ft[k][1] for k in idx],
            [th.name[int(rows[k])] for k in idx],
            pos[ok],
            vel[ok],
            [0 if k < live.size else APPEARANCE_DESTROYED for k in idx],
        )

    def _send_interceptors(self, t_s: float) -> None:
        store = self.world.interceptors
        if store is None or len(store) == 0:
            return
        live = np.flatnonzero(store.launched & ~store.done)
        if live.size == 0:
            return
        pos = np.asarray(store.state.pos_m[live], float).reshape(-1, 3)
        vel = np.asarray(store.state.vel_mps[live], float).reshape(-1, 3)
        if getattr(self.world.scenario.settings, "engagement", "full") == "fast":
            # time-of-flight tables do not move the rounds: show the straight launch-to-aim
            # line flown at constant speed, as the interceptor paths of the report do
            start = np.array([self.world.launchers[int(j)].pos_m for j in store.launcher[live]])
            tof = np.maximum(store.arrive_s[live] - store.launch_time_s[live], 1e-9)
            vel = (np.asarray(store.pip_m[live], float) - start) / tof[:, None]
            frac = np.clip(t_s - store.launch_time_s[live], 0.0, tof)
            pos = start + vel * frac[:, None]
        ok = np.isfinite(pos).all(axis=1) & np.isfinite(vel).all(axis=1)
        live, pos, vel = live[ok], pos[ok], vel[ok]
        self._entity_states(
            t_s,
            [self.interceptor_id(k) for k in live],
            [FORCE_FRIENDLY] * live.size,
            [ENTITY_TYPES["interceptor"]] * live.size,
            [str(store.type_name[k]) for k in live],
            pos,
            vel,
        )

    # bus subscribers
    def subscribe(self, bus: Any, batteries: int) -> None:
        """Listen to ``launches/b`` and ``detonations/b`` of every battery."""
        for b in range(batteries):
            bus.subscribe(f"launches/{b}", self.on_launches)
            bus.subscribe(f"detonations/{b}", self.on_detonations)

    def _event_id(self, order_id: int) -> EntityId:
        return self.eid(int(order_id) % 65_536)

    def on_launches(self, t_s: float, batch: Any) -> None:
        """A Fire PDU per round that left its launcher (target: no entity, the round flies
        at a track, not at a known object)."""
        store = self.world.interceptors
        for j in range(len(batch)):
            if bool(batch.cancelled[j]):
                continue
            k = int(batch.interceptor_id[j])
            launcher = int(store.launcher[k])
            pos = np.asarray(self.world.launchers[launcher].pos_m, float)
            vel = (
                np.asarray(store.state.vel_mps[k], float)
                if len(store.state.vel_mps) > k
                else np.zeros(3)
            )
            if not np.isfinite(vel).all():
                vel = np.zeros(3)
            rng = float(np.linalg.norm(np.asarray(store.pip_m[k], float) - pos))
            self._emit(
                fire_pdu(
                    self.site_id("launcher", launcher),
                    NO_ENTITY,
                    self.interceptor_id(k),
                    self._event_id(batch.order_id[j]),
                    float(batch.time_s[j]),
                    self.geo.ecef(pos)[0],
                    ENTITY_TYPES["interceptor"],
                    self.geo.ecef_vector(vel)[0],
                    rng if math.isfinite(rng) else 0.0,
                    self.exercise,
                )
            )

    def on_detonations(self, t_s: float, batch: Any) -> None:
        """A Detonation PDU per interceptor outcome: against the object it met (entity
        proximate detonation, the point in that object's body frame) or none (detonation)."""
        store = self.world.interceptors
        th = self.world.threats
        for j in range(len(batch)):
            k = int(batch.interceptor_id[j])
            pos = np.asarray(batch.pos_m[j], float)
            vel = (
                np.asarray(store.state.vel_mps[k], float)
                if len(store.state.vel_mps) > k
                else np.zeros(3)
            )
            if not np.isfinite(vel).all():
                vel = np.zeros(3)
            target = int(batch.target_truth_id[j])
            offset = np.zeros(3)
            if target >= 0 and np.isfinite(th.pos_m[target]).all():
                tpos = np.asarray(th.pos_m[target], float)
                lat, lon = self.geo.geodetic(tpos)
                x, y, z = body_axes_ecef(
                    lat, lon, self.geo.local_vectors(tpos, np.asarray(th.vel_mps[target], float))
                )
                d = self.geo.ecef(pos)[0] - self.geo.ecef(tpos)[0]
                offset = np.array([d @ x[0], d @ y[0], d @ z[0]])
                target_id, result = self.threat_id(target), DETONATION_ENTITY_PROXIMATE
            else:
                target_id, result = NO_ENTITY, DETONATION_DETONATION
            self._emit(
                detonation_pdu(
                    self.site_id("launcher", int(store.launcher[k])),
                    target_id,
                    self.interceptor_id(k),
                    self._event_id(batch.order_id[j]),
                    float(batch.time_s[j]),
                    self.geo.ecef_vector(vel)[0],
                    self.geo.ecef(pos)[0],
                    ENTITY_TYPES["interceptor"],
                    offset,
                    result,
                    self.exercise,
                )
            )


__all__ = [
    "DETONATION_BYTES",
    "ENTITY_STATE_BYTES",
    "ENTITY_TYPES",
    "FIRE_BYTES",
    "DisStream",
    "Geo",
    "body_axes_ecef",
    "detonation_pdu",
    "dis_timestamp",
    "entity_state_pdu",
    "euler_angles",
    "fire_pdu",
    "open_sender",
    "parse_address",
]
