"""Precomputed truth trajectories: piecewise-linear in time, all threats in flat arrays.

A threat's trajectory is a run of nodes ``(t_s, pos_m)`` between which it flies in a straight
line at constant velocity; threat ``i`` owns nodes ``first[i] .. last[i]`` (CSR layout). Routes
are sampled densely enough (``route.DEFAULT_STEP_M``, ``route.ARC_STEP_RAD``) that the polyline
stays within a fraction of a metre of the geodesic and the turn arcs, and every knot of the
altitude profile is a node, so climbs and dives are exact. Time along the path is the horizontal
distance over the ground speed: on a climb or dive the 3-D speed is the ground speed over
cos(flight-path angle).

The per-tick advance (``iads.motion.kernel``) then only has to move a cursor along these arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from iads.geo import Origin, geodetic_to_enu
from iads.motion.profiles import ProfileModel, profile_knots
from iads.motion.route import RoutePath
from iads.scenario.model import TerrainFollowingProfile


@dataclass(frozen=True)
class Trajectory:
    """One threat's nodes: ``t_s`` (M,) increasing, ``pos_m`` (M, 3) ENU, ``lat_deg``,
    ``lon_deg``, ``alt_m`` (M,) the same points in geodetic form."""

    t_s: np.ndarray
    pos_m: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    alt_m: np.ndarray

    @property
    def length_m(self) -> float:
        """3-D length of the polyline (m)."""
        return float(np.sum(np.linalg.norm(np.diff(self.pos_m, axis=0), axis=1)))


def _insert(s_m: np.ndarray, extra_m: np.ndarray) -> np.ndarray:
    inside = extra_m[(extra_m > s_m[0]) & (extra_m < s_m[-1])]
    return np.unique(np.concatenate([s_m, inside]))


TERRAIN_STEP_M = 250.0
"""Node spacing of a terrain-following path over terrain (m), at least the terrain's own."""


def _nodes(
    path: RoutePath,
    launch_time_s: float,
    profile: ProfileModel | None,
    waypoint_alt_m: np.ndarray | None,
    max_distance_m: float,
    terrain: Any = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(t_s, lat_deg, lon_deg, alt_m) of the nodes of one path; a terrain-following profile
    over ``terrain`` (``iads.terrain.ElevationGrid``) keeps its clearance above the ground."""
    s_path = path.s_m
    total_m = float(s_path[-1])
    follow = terrain is not None and isinstance(profile, TerrainFollowingProfile)
    if profile is not None:
        knots_m, knot_alt_m = profile_knots(profile)
        s = _insert(s_path, total_m - knots_m)
        if follow:  # dense enough to follow the ground
            s = _insert(s, np.arange(0.0, total_m, TERRAIN_STEP_M))
        alt = np.interp(total_m - s, knots_m, knot_alt_m)
    else:
        if waypoint_alt_m is None:
            raise ValueError("give a profile or waypoint altitudes")
        s = _insert(s_path, path.waypoint_s_m)
        alt = np.interp(s, path.waypoint_s_m, np.asarray(waypoint_alt_m, dtype=float))
    if max_distance_m < total_m:
        keep = s < max_distance_m
        alt = np.append(alt[keep], np.interp(max_distance_m, s, alt))
        s = np.append(s[keep], max_distance_m)
    lon_unwrapped = np.unwrap(path.lon_deg, period=360.0)
    lat = np.interp(s, s_path, path.lat_deg)
    lon = (np.interp(s, s_path, lon_unwrapped) + 180.0) % 360.0 - 180.0
    if follow:
        alt = alt + terrain.at(lat, lon)
    # ground speed of the segment ending at each node: that of the path segment containing it
    seg = np.clip(np.searchsorted(s_path, s, side="left"), 1, max(s_path.size - 1, 1))
    speed = path.speed_mps[np.minimum(seg, s_path.size - 1)]
    t = launch_time_s + np.cumsum(np.diff(s, prepend=s[0]) / speed)  # dt = ds / v_ground
    return t, lat, lon, alt


def build_trajectory(
    path: RoutePath,
    launch_time_s: float,
    origin: Origin,
    profile: ProfileModel | None = None,
    waypoint_alt_m: np.ndarray | None = None,
    max_distance_m: float = np.inf,
) -> Trajectory:
    """Time-parameterise ``path`` and give it heights.

    Heights come from ``profile`` (a function of distance to go) or, if it is None, linearly
    from ``waypoint_alt_m`` (W,) between waypoints. The path is cut at ``max_distance_m``
    (fuel). Returns the nodes from launch to the end of the path.
    """
    return build_trajectories(
        [path], [launch_time_s], origin, [profile], [waypoint_alt_m], [max_distance_m]
    )[0]


def build_trajectories(
    paths: Sequence[RoutePath],
    launch_time_s: Sequence[float],
    origin: Origin,
    profiles: Sequence[ProfileModel | None],
    waypoint_alt_m: Sequence[np.ndarray | None],
    max_distance_m: Sequence[float],
    terrain: Any = None,
) -> list[Trajectory]:
    """``build_trajectory`` for many paths, with one geodetic -> ENU conversion for all;
    terrain-following paths follow ``terrain`` (``iads.terrain.ElevationGrid``, or None)."""
    nodes = [
        _nodes(p, t0, prof, alts, dmax, terrain)
        for p, t0, prof, alts, dmax in zip(
            paths, launch_time_s, profiles, waypoint_alt_m, max_distance_m, strict=True
        )
    ]
    if not nodes:
        return []
    lat = np.concatenate([n[1] for n in nodes])
    lon = np.concatenate([n[2] for n in nodes])
    alt = np.concatenate([n[3] for n in nodes])
    pos = geodetic_to_enu(lat, lon, alt, origin)
    out, start = [], 0
    for t, la, lo, al in nodes:
        stop = start + t.size
        out.append(Trajectory(t, pos[start:stop], la, lo, al))
        start = stop
    return out


@dataclass(frozen=True)
class Trajectories:
    """All threats' nodes in flat arrays (M nodes in all, N threats).

    ``t_s`` (M,), ``pos_m`` (M, 3) ENU, ``vel_mps`` (M, 3): velocity on the segment that starts
    at each node (zero at each threat's last node); ``first``, ``last`` (N,) int64: node range
    of each threat. ``table`` is the same data laid out for the per-tick kernel.
    """

    t_s: np.ndarray
    pos_m: np.ndarray
    vel_mps: np.ndarray
    first: np.ndarray
    last: np.ndarray

    @cached_property
    def table(self) -> SegmentTable:
        """The nodes laid out for the per-tick kernel (see ``SegmentTable``)."""
        return segment_table(self)

    @property
    def end_time_s(self) -> np.ndarray:
        """(N,) time each route ends (s)."""
        return self.t_s[self.last]

    @property
    def start_time_s(self) -> np.ndarray:
        """(N,) launch time (s)."""
        return self.t_s[self.first]

    def positions_at(self, i: int, t_s: np.ndarray) -> np.ndarray:
        """Threat ``i``'s positions (K, 3) at times ``t_s`` (K,), clipped to its route."""
        lo, hi = int(self.first[i]), int(self.last[i]) + 1
        tt = self.t_s[lo:hi]
        t = np.clip(np.asarray(t_s, dtype=float), tt[0], tt[-1])
        return np.column_stack([np.interp(t, tt, self.pos_m[lo:hi, k]) for k in range(3)])

    def states_at(self, rows: np.ndarray, t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions and velocities (L, R, 3) ENU (m, m/s) of threats ``rows`` (R,) at times
        ``t_s`` (L,), on the segment each time falls in (as the per-tick kernel: before its
        launch a threat's first segment is extended back, after its end it stays at the end).
        Compiled (``motion.states_kernel``) when numba is present; ``states_at_numpy`` is the
        same in NumPy."""
        from iads.motion.states_kernel import states_at_compiled

        out = states_at_compiled(
            self.t_s, self.pos_m, self.vel_mps, self.first, self.last, rows, t_s
        )
        return self.states_at_numpy(rows, t_s) if out is None else out

    def states_at_numpy(self, rows: np.ndarray, t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``states_at`` with NumPy array operations: the reference and the fallback."""
        t = np.asarray(t_s, dtype=float)
        pos = np.empty((t.size, len(rows), 3))
        vel = np.empty((t.size, len(rows), 3))
        for c, i in enumerate(rows):
            lo, hi = int(self.first[i]), int(self.last[i]) + 1
            j = lo + np.clip(np.searchsorted(self.t_s[lo:hi], t, side="right") - 1, 0, hi - lo - 1)
            v = self.vel_mps[j]
            pos[:, c] = self.pos_m[j] + v * (t - self.t_s[j])[:, None]
            vel[:, c] = v
        return pos, vel


@dataclass(frozen=True)
class SegmentTable:
    """All segments, one 64-byte row each, in order of start time (then threat).

    ``rows`` (M, 8): ``t_j``, ``t_{j+1}`` (infinite at a threat's last node), ``q = p_j - v_j
    t_j`` (3), ``v_j`` (3), so that ``p(t) = q + v t`` on the segment; ``owner`` (M,) int64: the
    threat of each row. In time order, the segments that threats enter during one tick are the
    next few rows of the table: the kernel reads them as a stream instead of looking up (and
    missing the cache on) one scattered row per threat (see docs/engine.md).
    """

    rows: np.ndarray
    owner: np.ndarray


def segment_table(traj: Trajectories) -> SegmentTable:
    """Build the time-ordered segment table of ``traj``."""
    m = traj.t_s.shape[0]
    order = np.argsort(traj.t_s, kind="stable")  # row r holds node order[r]
    t_next = np.full(m, np.inf)
    t_next[:-1] = traj.t_s[1:]
    t_next[traj.last] = np.inf
    owner = np.repeat(np.arange(traj.first.shape[0]), traj.last - traj.first + 1)
    rows = np.empty((m, 8))
    rows[:, 0] = traj.t_s[order]
    rows[:, 1] = t_next[order]
    rows[:, 2:5] = (traj.pos_m - traj.vel_mps * traj.t_s[:, None])[order]
    rows[:, 5:8] = traj.vel_mps[order]
    return SegmentTable(rows, owner[order].astype(np.int64))


def pack(trajectories: Sequence[Trajectory]) -> Trajectories:
    """Concatenate single trajectories into the flat layout, dropping zero-duration segments."""
    ts, ps, vs, first, last = [], [], [], [], []
    offset = 0
    for tr in trajectories:
        keep = np.concatenate([[True], np.diff(tr.t_s) > 0])
        t, p = tr.t_s[keep], tr.pos_m[keep]
        v = np.zeros_like(p)
        if t.size > 1:
            v[:-1] = np.diff(p, axis=0) / np.diff(t)[:, None]  # v = dp / dt per segment
        ts.append(t)
        ps.append(p)
        vs.append(v)
        first.append(offset)
        offset += t.size
        last.append(offset - 1)
    if not ts:
        return Trajectories(
            np.empty(0),
            np.empty((0, 3)),
            np.empty((0, 3)),
            np.empty(0, np.int64),
            np.empty(0, np.int64),
        )
    return Trajectories(
        np.concatenate(ts),
        np.concatenate(ps),
        np.concatenate(vs),
        np.asarray(first, dtype=np.int64),
        np.asarray(last, dtype=np.int64),
    )


__all__ = [
    "SegmentTable",
    "Trajectories",
    "Trajectory",
    "build_trajectories",
    "build_trajectory",
    "pack",
    "segment_table",
]
