"""Terrain: ground elevation from a GeoTIFF, for line of sight and terrain-following flight.

- ``read_geotiff(path)``: a geographic (latitude/longitude, WGS-84) GeoTIFF of elevations in
  metres above sea level, read with ``tifffile`` (the ``terrain`` extra), georeferenced by its
  ModelPixelScale and ModelTiepoint tags; projected rasters are refused (reproject them to
  EPSG:4326 first, e.g. ``gdalwarp -t_srs EPSG:4326``). No-data cells (the GDAL_NODATA tag,
  or NaN) are taken as sea level. ``write_geotiff`` writes the same form (tests, examples).
- ``ElevationGrid.height_m(lat, lon)``: bilinear elevation (m); 0 outside the grid.
- ``LocalTerrain``: the grid resampled once onto the scenario's local east/north axes, so a
  radar's look can sample its rays quickly. ``clears(...)`` is the path-profile test of
  ITU-R P.526 / P.452 on the 4/3 effective earth: the ray from an antenna at height h1 to a
  target at h2 (both above the sphere) over a ground distance d is, at a fraction f of the way,
  h1 + (h2 - h1) f - f (1 - f) d^2 / (2 k a) above the effective earth (k a the effective
  radius); the target is masked when the terrain rises above the ray anywhere between.

Left out: the geoid (elevations are taken as heights above the ellipsoid), diffraction over the
ridge (a masked target is not seen at all; ``sensors.propagation`` keeps the smooth-earth
diffraction beyond the horizon), vegetation and buildings, and ground clutter from the terrain.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

MODEL_PIXEL_SCALE = 33550
MODEL_TIEPOINT = 33922
GEO_KEY_DIRECTORY = 34735
GDAL_NODATA = 42113
GT_MODEL_TYPE = 1024
"""GeoTIFF key: 1 projected, 2 geographic (latitude/longitude)."""
GT_RASTER_TYPE = 1025
"""GeoTIFF key: 1 pixel is area (tie point at a cell corner), 2 pixel is point (at a centre)."""
MAX_TERRAIN_BYTES = 512 * 2**20
"""Largest terrain file read (bytes)."""
MAX_LOCAL_CELLS = 2048
"""Most cells of the local resampled grid along east or north."""
PROFILE_SAMPLES_MAX = 512
"""Most points sampled along one ray for the line-of-sight test: rays are sampled at the
grid's spacing up to this many points, so features narrower than range / 512 may be missed."""
RADIAL_SAMPLES_MAX = 8192
"""Most points sampled along one azimuth for ``LocalTerrain.masking_height_m`` (coverage
maps): the radial is sampled at the grid's spacing out to the grid's far edge, coarser if that
needs more points."""


class TerrainError(ValueError):
    """A terrain file that cannot be used (the reason in one line)."""


@dataclass(frozen=True)
class ElevationGrid:
    """Elevations ``height_m`` (ny, nx) at cell centres ``lat_deg`` (ny,) increasing and
    ``lon_deg`` (nx,) increasing (degrees, WGS-84)."""

    lat_deg: NDArray[np.float64]
    lon_deg: NDArray[np.float64]
    height_m: NDArray[np.float64]

    def at(self, lat_deg: NDArray, lon_deg: NDArray) -> NDArray[np.float64]:
        """Bilinear elevation (m) at the points; 0 (sea level) outside the grid."""
        return _bilinear(self.lat_deg, self.lon_deg, self.height_m, lat_deg, lon_deg)


def _bilinear(ya: NDArray, xa: NDArray, z: NDArray, y: NDArray, x: NDArray) -> NDArray:
    y, x = np.asarray(y, float), np.asarray(x, float)
    inside = (y >= ya[0]) & (y <= ya[-1]) & (x >= xa[0]) & (x <= xa[-1])
    fy = np.interp(y, ya, np.arange(ya.size, dtype=float))
    fx = np.interp(x, xa, np.arange(xa.size, dtype=float))
    i0 = np.clip(np.floor(fy).astype(np.intp), 0, max(ya.size - 2, 0))
    j0 = np.clip(np.floor(fx).astype(np.intp), 0, max(xa.size - 2, 0))
    i1, j1 = np.minimum(i0 + 1, ya.size - 1), np.minimum(j0 + 1, xa.size - 1)
    wy, wx = fy - i0, fx - j0
    top = z[i0, j0] * (1 - wx) + z[i0, j1] * wx
    bottom = z[i1, j0] * (1 - wx) + z[i1, j1] * wx
    return np.where(inside, top * (1 - wy) + bottom * wy, 0.0)


def _geokeys(values: tuple[int, ...]) -> dict[int, int]:
    """Short-valued keys of a GeoKeyDirectory (header of 4, then 4 shorts a key)."""
    out = {}
    n = values[3] if len(values) >= 4 else 0
    for k in range(n):
        key, location, _count, value = values[4 + 4 * k : 8 + 4 * k]
        if location == 0:
            out[int(key)] = int(value)
    return out


def read_geotiff(path: str | Path) -> ElevationGrid:
    """The elevation grid of a geographic GeoTIFF (module docstring); ``TerrainError`` with
    the reason when the file is not one."""
    try:
        import tifffile
    except ImportError as exc:  # pragma: no cover - the extra is in the test environment
        raise TerrainError("reading terrain needs tifffile: pip install 'iads[terrain]'") from exc
    p = Path(path)
    if not p.is_file():
        raise TerrainError("terrain file not found or not a regular file")
    if p.stat().st_size > MAX_TERRAIN_BYTES:
        raise TerrainError(f"terrain file larger than {MAX_TERRAIN_BYTES // 2**20} MiB")
    log = logging.getLogger("tifffile")
    was, log.disabled = log.disabled, True  # its own messages on a corrupt file: ours instead
    try:
        with tifffile.TiffFile(p) as tif:
            page = tif.pages[0]
            tags = {t.code: t.value for t in page.tags.values()}
            data = page.asarray()
    except Exception as exc:  # tifffile raises many kinds on a corrupt file
        raise TerrainError(f"not a readable TIFF file ({type(exc).__name__})") from None
    finally:
        log.disabled = was
    if data.ndim != 2 or min(data.shape) < 2:
        raise TerrainError(f"terrain must be one band of at least 2 x 2 cells, got {data.shape}")
    if MODEL_PIXEL_SCALE not in tags or MODEL_TIEPOINT not in tags:
        raise TerrainError("not a GeoTIFF: no ModelPixelScale / ModelTiepoint tags")
    keys = _geokeys(tuple(tags.get(GEO_KEY_DIRECTORY, ())))
    if keys.get(GT_MODEL_TYPE, 2) != 2:
        raise TerrainError(
            "terrain must be in geographic coordinates (EPSG:4326); reproject it, for "
            "example with gdalwarp -t_srs EPSG:4326"
        )
    sx, sy = float(tags[MODEL_PIXEL_SCALE][0]), float(tags[MODEL_PIXEL_SCALE][1])
    tie = tags[MODEL_TIEPOINT]
    i0, j0, lon0, lat0 = float(tie[0]), float(tie[1]), float(tie[3]), float(tie[4])
    if not (sx > 0 and sy > 0 and np.isfinite([lon0, lat0]).all()):
        raise TerrainError("GeoTIFF pixel scale must be positive and the tie point finite")
    centre = 0.5 if keys.get(GT_RASTER_TYPE, 1) == 1 else 0.0
    ny, nx = data.shape
    lon = lon0 + (np.arange(nx) - i0 + centre) * sx
    lat = lat0 - (np.arange(ny) - j0 + centre) * sy  # rows run southward
    if lat.min() < -90 or lat.max() > 90 or lon.min() < -180 or lon.max() > 360:
        raise TerrainError("GeoTIFF extent is outside latitude/longitude bounds")
    h = np.asarray(data, dtype=float)
    nodata = tags.get(GDAL_NODATA)
    if nodata is not None:
        try:
            h[h == float(str(nodata).strip("\x00 "))] = 0.0
        except ValueError:
            pass
    h[~np.isfinite(h)] = 0.0
    if np.abs(h).max() > 12_000:
        raise TerrainError("terrain elevations beyond +-12,000 m: not metres above sea level?")
    return ElevationGrid(lat[::-1].copy(), lon, h[::-1].copy())


def write_geotiff(path: str | Path, grid: ElevationGrid) -> None:
    """Write ``grid`` as a geographic (EPSG:4326) float32 GeoTIFF, pixel is point."""
    import tifffile

    lat, lon = grid.lat_deg, grid.lon_deg
    sx, sy = float(lon[1] - lon[0]), float(lat[1] - lat[0])
    keys = (1, 1, 0, 3, GT_MODEL_TYPE, 0, 1, 2, GT_RASTER_TYPE, 0, 1, 2, 2048, 0, 1, 4326)
    tifffile.imwrite(
        path,
        np.asarray(grid.height_m[::-1], dtype=np.float32),
        extratags=[
            (MODEL_PIXEL_SCALE, "d", 3, (sx, sy, 0.0), False),
            (MODEL_TIEPOINT, "d", 6, (0.0, 0.0, 0.0, float(lon[0]), float(lat[-1]), 0.0), False),
            (GEO_KEY_DIRECTORY, "H", len(keys), keys, False),
        ],
    )


@lru_cache(maxsize=4)
def _cached_grid(path: str, mtime_ns: int, size: int) -> ElevationGrid:
    del mtime_ns, size  # the cache key: a changed file is read again
    return read_geotiff(path)


def load_grid(path: str | Path) -> ElevationGrid:
    """``read_geotiff`` once per process per file version."""
    st = Path(path).stat()
    return _cached_grid(str(path), st.st_mtime_ns, st.st_size)


@dataclass(frozen=True)
class LocalTerrain:
    """Elevation on a regular grid of the scenario's local frame: ``east_m`` (nx,),
    ``north_m`` (ny,) increasing, ``height_m`` (ny, nx) above the sphere (m)."""

    east_m: NDArray[np.float64]
    north_m: NDArray[np.float64]
    height_m: NDArray[np.float64]

    @property
    def cell_m(self) -> float:
        return float(min(self.east_m[1] - self.east_m[0], self.north_m[1] - self.north_m[0]))

    def at(self, east_m: NDArray, north_m: NDArray) -> NDArray[np.float64]:
        """Bilinear elevation (m) at local east/north points; 0 outside the grid."""
        return _bilinear(self.north_m, self.east_m, self.height_m, north_m, east_m)

    def clears(
        self,
        antenna_en_m: NDArray,
        antenna_alt_m: float,
        offset_en_m: NDArray,
        ground_m: NDArray,
        target_alt_m: NDArray,
        effective_radius_m: float,
    ) -> NDArray[np.bool_]:
        """(M,) True where the ray from the antenna (east/north ``antenna_en_m`` (2,), height
        ``antenna_alt_m`` above the sphere) to each target (horizontal offset
        ``offset_en_m`` (M, 2) from the antenna, ground distance ``ground_m``, height
        ``target_alt_m`` (M,)) passes above the terrain (module docstring)."""
        m = ground_m.shape[0]
        if m == 0:
            return np.ones(0, bool)
        k = int(np.clip(np.ceil(ground_m.max() / self.cell_m), 2, PROFILE_SAMPLES_MAX))
        f = (np.arange(1, k + 1) / (k + 1))[None, :]  # (1, K) interior points
        e = antenna_en_m[0] + offset_en_m[:, :1] * f
        n = antenna_en_m[1] + offset_en_m[:, 1:2] * f
        ground = self.at(e, n)
        h1, h2 = float(antenna_alt_m), target_alt_m[:, None]
        ray = (
            h1 + (h2 - h1) * f - f * (1.0 - f) * ground_m[:, None] ** 2 / (2.0 * effective_radius_m)
        )
        return np.all(ground < ray, axis=1)

    def masking_height_m(
        self,
        antenna_en_m: NDArray,
        antenna_alt_m: float,
        azimuth_rad: NDArray,
        ground_m: NDArray,
        effective_radius_m: float,
    ) -> NDArray[np.float64]:
        """(A, G) lowest target height above the sphere (m) whose ray from the antenna
        (east/north ``antenna_en_m`` (2,), height ``antenna_alt_m`` above the sphere) clears
        the terrain, at ground distances ``ground_m`` (G,) along azimuths ``azimuth_rad`` (A,)
        (radians clockwise from north); -inf where no terrain lies between.

        The path-profile test of ``clears`` solved for the target height: the ray to height
        h2 at distance g clears terrain t(x) at every x < g iff
        h2 > h1 + g max_{x<g} s(x) + g^2 / (2 k a), with s(x) = (t(x) - h1) / x - x / (2 k a),
        so one running maximum along each radial serves every distance on it. The radial is
        sampled at the grid's spacing (at most ``RADIAL_SAMPLES_MAX`` points) out to the grid's
        farthest corner; beyond the grid the ground is sea level, whose masking is the smooth
        earth's radar horizon (tested separately by the caller)."""
        az = np.asarray(azimuth_rad, dtype=float).ravel()
        g = np.asarray(ground_m, dtype=float).ravel()
        out = np.full((az.size, g.size), -np.inf)
        corners_e = self.east_m[[0, -1, 0, -1]] - antenna_en_m[0]
        corners_n = self.north_m[[0, 0, -1, -1]] - antenna_en_m[1]
        x_max = min(float(np.hypot(corners_e, corners_n).max()), float(g.max(initial=0.0)))
        if az.size == 0 or x_max <= 0.0:
            return out
        step = max(self.cell_m, x_max / RADIAL_SAMPLES_MAX)
        x = np.arange(1, int(np.ceil(x_max / step)) + 1) * step  # (N,) sample distances
        e = antenna_en_m[0] + np.sin(az)[:, None] * x[None, :]
        n = antenna_en_m[1] + np.cos(az)[:, None] * x[None, :]
        h1, ka2 = float(antenna_alt_m), 2.0 * effective_radius_m
        s = (self.at(e, n) - h1) / x - x / ka2  # (A, N) tangent slope of each terrain point
        s_max = np.maximum.accumulate(s, axis=1)
        j = np.searchsorted(x, g, side="left") - 1  # the last sample strictly before g
        has = j >= 0
        jj = np.clip(j, 0, x.size - 1)
        h_min = h1 + g * s_max[:, jj] + g * g / ka2
        out[:, has] = h_min[:, has]
        return out


def local_terrain(grid: ElevationGrid, origin) -> LocalTerrain:
    """``grid`` resampled onto local east/north axes about ``origin`` (``iads.geo.Origin``),
    at about the grid's own spacing (at most ``MAX_LOCAL_CELLS`` a side)."""
    import pymap3d

    lat, lon = grid.lat_deg, grid.lon_deg
    corners_lat = np.array([lat[0], lat[0], lat[-1], lat[-1]])
    corners_lon = np.array([lon[0], lon[-1], lon[0], lon[-1]])
    e, n, _ = pymap3d.geodetic2enu(
        corners_lat, corners_lon, 0.0, origin.lat_deg, origin.lon_deg, origin.alt_m
    )
    step_n = (lat[1] - lat[0]) * 111_320.0
    step_e = (lon[1] - lon[0]) * 111_320.0 * np.cos(np.radians(np.mean(lat)))
    step = max(min(step_n, step_e), 1.0)
    nx = int(np.clip(np.ceil((e.max() - e.min()) / step) + 1, 2, MAX_LOCAL_CELLS))
    ny = int(np.clip(np.ceil((n.max() - n.min()) / step) + 1, 2, MAX_LOCAL_CELLS))
    east = np.linspace(e.min(), e.max(), nx)
    north = np.linspace(n.min(), n.max(), ny)
    ee, nn = np.meshgrid(east, north)
    glat, glon, _ = pymap3d.enu2geodetic(
        ee, nn, np.zeros_like(ee), origin.lat_deg, origin.lon_deg, origin.alt_m
    )
    return LocalTerrain(east, north, grid.at(glat, glon))


__all__ = [
    "MAX_TERRAIN_BYTES",
    "ElevationGrid",
    "LocalTerrain",
    "TerrainError",
    "load_grid",
    "local_terrain",
    "read_geotiff",
    "write_geotiff",
]
