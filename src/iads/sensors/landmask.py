"""Land or sea under the surface around a radar, from the optional ``global-land-mask`` package
(a 1 km global mask; ``settings.environment.surface: mask``).

The mask is sampled once per radar at build time on a polar grid about the site (1 degree of
azimuth x 1 km of ground range out to ``LAND_GRID_RANGE_M``); a look reads it per target by
azimuth and ground range (``is_land``). Outside the grid the surface is sea.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

LAND_GRID_STEP_M = 1_000.0
"""Ground-range step of the polar grid (m): the mask's own resolution (about 1 km)."""
LAND_GRID_AZIMUTH_STEP_RAD = float(np.radians(1.0))
LAND_GRID_RANGE_M = 120_000.0
"""Farthest ground range sampled (m): beyond every surface-based antenna's surface horizon and
the low-target horizon where the propagation factor matters."""


def land_grid(origin: object, site_pos_m: NDArray) -> NDArray[np.bool_]:
    """(n_azimuth, n_range) bool: land at the centre of each polar cell about ``site_pos_m``
    (true ENU, m) in the scenario frame of ``origin`` (``lat_deg``, ``lon_deg``, ``alt_m``)."""
    from global_land_mask import globe  # optional dependency, checked when settings load

    from iads.geo import enu_to_geodetic

    n_az = int(round(2 * np.pi / LAND_GRID_AZIMUTH_STEP_RAD))
    n_r = int(np.ceil(LAND_GRID_RANGE_M / LAND_GRID_STEP_M))
    az = (np.arange(n_az) + 0.5) * LAND_GRID_AZIMUTH_STEP_RAD
    d = (np.arange(n_r) + 0.5) * LAND_GRID_STEP_M
    dd, aa = np.meshgrid(d, az)
    site = np.asarray(site_pos_m, dtype=float).reshape(3)
    enu = np.column_stack(
        [
            site[0] + dd.ravel() * np.sin(aa.ravel()),
            site[1] + dd.ravel() * np.cos(aa.ravel()),
            np.zeros(dd.size),
        ]
    )
    lat, lon, _ = enu_to_geodetic(enu, origin)
    lon = (np.asarray(lon) + 180.0) % 360.0 - 180.0
    return np.asarray(globe.is_land(np.asarray(lat), lon), dtype=bool).reshape(n_az, n_r)


def is_land(
    grid: NDArray[np.bool_], azimuth_rad: NDArray, ground_range_m: NDArray
) -> NDArray[np.bool_]:
    """Land under points at ``azimuth_rad`` (clockwise from north) and ``ground_range_m`` from
    the grid's site (nearest cell; sea beyond the grid)."""
    n_az, n_r = grid.shape
    i = np.floor(np.mod(azimuth_rad, 2 * np.pi) / LAND_GRID_AZIMUTH_STEP_RAD).astype(np.intp)
    j = np.floor(np.asarray(ground_range_m) / LAND_GRID_STEP_M).astype(np.intp)
    inside = (j >= 0) & (j < n_r)
    return np.where(inside, grid[np.minimum(i, n_az - 1), np.clip(j, 0, n_r - 1)], False)


__all__ = [
    "LAND_GRID_AZIMUTH_STEP_RAD",
    "LAND_GRID_RANGE_M",
    "LAND_GRID_STEP_M",
    "is_land",
    "land_grid",
]
