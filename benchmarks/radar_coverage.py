"""Coverage speed: footprints of 10 radar sites on a 1° x 1 km polar grid (a benchmark, not a test).

Ten sites of the built-in catalog's radar types (instrumented ranges 40-600 km), four altitude
bands (25 m, 100 m, 1 km, 10 km), detection and engagement footprints on the 1° x 1 km polar
grid, plus the vertical coverage diagram of each site. Prints the median wall time beside the
target of 5 s on one core.

    python benchmarks/radar_coverage.py [--sites 10] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402

from iads.scenario.load import builtin_catalog  # noqa: E402
from iads.sensors.coverage import EngagementEnvelope, footprint, vertical_coverage  # noqa: E402
from iads.sensors.radar import RadarModel  # noqa: E402

TARGET_S = 5.0
BANDS_M = (25.0, 100.0, 1_000.0, 10_000.0)


def sites(n: int) -> list[RadarModel]:
    """``n`` radars of the catalog's types, 30 km apart on a line."""
    types = list(builtin_catalog().radars.values())
    return [
        RadarModel.from_type(types[i % len(types)], [30e3 * i, 0.0, 0.0], 45.0 * i, i)
        for i in range(n)
    ]


def run(models: list[RadarModel]) -> int:
    cells = 0
    for m in models:
        env = EngagementEnvelope(tuple(m.site_pos_m), 3e3, 150e3, 10.0, 25e3)
        vertical_coverage(m, 1.0, 0.9)
        for band in BANDS_M:
            fp = footprint(m, band, 1.0, 0.9, envelope=env)
            cells += fp.detect.size
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    models = sites(args.sites)
    cells = run(models)
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        run(models)
        times.append(time.perf_counter() - start)
    t = statistics.median(times)
    print(
        f"{args.sites} sites x {len(BANDS_M)} bands, 1 deg x 1 km grid: {cells:,} cells "
        f"(+ vertical diagrams, {np.mean([m.instrumented_range_m for m in models]) / 1e3:.0f} "
        "km mean instrumented range)"
    )
    print(f"{'task':<34}{'seconds':>9}{'target':>8}{'ratio':>8}")
    print(f"{'coverage (median)':<34}{t:>9.3f}{TARGET_S:>8.1f}{TARGET_S / t:>8.1f}")


if __name__ == "__main__":
    main()
