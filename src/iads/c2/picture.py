"""A command post's air picture: the track reports it holds, extrapolated to the decision time.

The picture is built from ``TrackReports`` only (its own tracker's and, in a network, other
units'); nothing here knows the truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from iads.messages import TrackReports
from iads.sensors.geometry import earth_centre_m
from iads.vectors import norm


def level_if_indistinguishable(
    pos_m: np.ndarray,
    vel_mps: np.ndarray,
    vel_cov_m2ps2: np.ndarray,
    origin_alt_m: float = 0.0,
    n_sigma: float = 3.0,
) -> np.ndarray:
    """Velocities (M, 3) with the climb rate removed where it is not significant.

    The climb rate is the velocity's component along the local vertical at the track,
    u = (p - c) / |p - c| with c = ``earth_centre_m(origin_alt_m)`` (the spherical earth of
    the heights; not the ENU z axis, which tilts away from the vertical by r / R_e at ground
    range r). Where |v.u| < ``n_sigma`` sqrt(u^T P_v u) (``vel_cov_m2ps2`` (M, 3, 3) the track
    covariance's velocity block) the level-flight hypothesis is kept (about 99.7 % at 3 sigma
    for a Gaussian estimate) and v.u is removed: the track is extrapolated along the local
    horizontal. Without it the climb-rate noise (about 2 m/s), extrapolated over a 10-20 s time
    of flight, moves a 15 m sea-skimmer's intercept point through a 10 m altitude floor.
    A new array; NaN covariances leave the velocity unchanged.
    """
    pos = np.asarray(pos_m, dtype=float)
    vel = np.array(vel_mps, dtype=float)
    up = pos - earth_centre_m(origin_alt_m)
    up /= norm(up, keepdims=True)
    climb = np.sum(vel * up, axis=-1)
    var = np.einsum("...i,...ij,...j->...", up, np.asarray(vel_cov_m2ps2, dtype=float), up)
    level = np.abs(climb) < n_sigma * np.sqrt(np.maximum(var, 0.0))
    return vel - np.where(level, climb, 0.0)[..., None] * up


@dataclass(frozen=True)
class Picture:
    """Tracks held at ``t_s`` (K rows): ``track_number``, ``source_unit``, extrapolated
    ``pos_m`` / ``vel_mps`` (K, 3) ENU, ``position_std_m`` (K,), ``remote`` (K,) bool (the
    track came from another unit)."""

    t_s: float
    track_number: np.ndarray
    source_unit: np.ndarray
    pos_m: np.ndarray
    vel_mps: np.ndarray
    position_std_m: np.ndarray
    remote: np.ndarray

    def __len__(self) -> int:
        return int(self.track_number.shape[0])


def extrapolate(
    reports: TrackReports,
    t_s: float,
    own_unit: int,
    origin_alt_m: float,
    n_sigma: float,
    compiled: bool = True,
    rows: np.ndarray | None = None,
) -> Picture:
    """The picture at ``t_s`` (s) from the latest ``reports`` (only their rows ``rows``, in
    that order, when given: as from ``reports.select(rows)``): constant velocity from each
    report's time, level flight where the climb rate is not significant, the position sigma
    grown by the velocity sigma times the age. Compiled (``picture_kernel``, the same bits)
    unless ``compiled=False``."""
    out = None
    kernel = _kernel() if compiled else None
    if kernel is not None:
        out = kernel.extrapolate_arrays(
            reports.x,
            reports.P,
            reports.time_s,
            reports.position_std_m,
            t_s,
            origin_alt_m,
            n_sigma,
            rows,
        )
    if out is None:
        if rows is not None:
            reports = reports.select(rows)
        x = reports.x
        vel = level_if_indistinguishable(
            x[:, :3], x[:, 3:6], reports.P[:, 3:6, 3:6], origin_alt_m, n_sigma
        )
        age = (t_s - reports.time_s)[:, None]
        vel_std = np.sqrt(np.trace(reports.P[:, 3:6, 3:6], axis1=1, axis2=2))
        out = (x[:, :3] + vel * age, vel, reports.position_std_m + vel_std * age[:, 0])
        rows = None
    number, source = reports.track_number, reports.source_unit
    if rows is not None:
        number, source = number[rows], source[rows]
    pic = object.__new__(Picture)  # the frozen __init__'s object.__setattr__ per field, skipped
    pic.__dict__.update(
        t_s=float(t_s),
        track_number=number,
        source_unit=source,
        pos_m=out[0],
        vel_mps=out[1],
        position_std_m=out[2],
        remote=source != own_unit,
    )
    return pic


def _kernel() -> Any:
    """The ``picture_kernel`` module, imported on first use (numba loads with it)."""
    global _KERNEL
    if _KERNEL is None:
        from iads.c2 import picture_kernel

        _KERNEL = picture_kernel
    return _KERNEL


_KERNEL: Any = None
"""``picture_kernel`` once imported (None: not yet)."""


__all__ = ["Picture", "extrapolate", "level_if_indistinguishable"]
