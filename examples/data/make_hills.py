"""Write ``hills.tif``, the small synthetic terrain of ``examples/hills.yaml`` (and its tests).

A north-south ridge 13 km east of the scenario origin (crest 500 m) with a pass 6 km north of
the origin where it falls to 50 m, and a 700 m hill 9 km west; sea level elsewhere. 0.005 deg
cells (about 560 m north, 380 m east) over -47.75..-47.15 N, -32.45..-31.65 E: a geographic
(EPSG:4326) float32 GeoTIFF, 121 x 161 cells. Deterministic: ``python
examples/data/make_hills.py`` rewrites the same file (``tests/test_terrain.py`` checks it).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from iads.terrain import ElevationGrid, write_geotiff

HERE = Path(__file__).parent
LAT_DEG = np.linspace(-47.75, -47.15, 121)
LON_DEG = np.linspace(-32.45, -31.65, 161)
RIDGE_LON_DEG, RIDGE_HALF_WIDTH_DEG, RIDGE_CREST_M = -31.875, 0.025, 500.0
PASS_LAT_DEG, PASS_HALF_WIDTH_DEG, PASS_FLOOR = -47.395, 0.02, 0.1
HILL_LAT_DEG, HILL_LON_DEG, HILL_RADIUS_DEG, HILL_M = -47.45, -32.17, 0.02, 700.0


def heights_m(lat_deg: np.ndarray, lon_deg: np.ndarray) -> np.ndarray:
    """Elevation (m above sea level) at the points (degrees)."""
    ridge = RIDGE_CREST_M * np.exp(-(((lon_deg - RIDGE_LON_DEG) / RIDGE_HALF_WIDTH_DEG) ** 2))
    notch = 1.0 - (1.0 - PASS_FLOOR) * np.exp(
        -(((lat_deg - PASS_LAT_DEG) / PASS_HALF_WIDTH_DEG) ** 2)
    )
    r2 = (lat_deg - HILL_LAT_DEG) ** 2 + ((lon_deg - HILL_LON_DEG) * 0.676) ** 2
    hill = HILL_M * np.exp(-r2 / HILL_RADIUS_DEG**2)
    return ridge * notch + hill


def grid() -> ElevationGrid:
    lat, lon = np.meshgrid(LAT_DEG, LON_DEG, indexing="ij")
    return ElevationGrid(LAT_DEG, LON_DEG, heights_m(lat, lon).astype(np.float32).astype(float))


def main() -> None:
    write_geotiff(HERE / "hills.tif", grid())


if __name__ == "__main__":
    main()
