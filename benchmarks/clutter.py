"""Cost of surface clutter and Doppler processing in ``observe`` (a benchmark, not a test).

The 92N6E-class engagement radar (X band, pulse-Doppler, 46 m antenna) observes N targets
(default 10,000) in its 90 degree sector, once spread over 5-300 km and 15 m-12 km, once all
low and near (5-40 km, 5-100 m: every one inside the surface horizon, so every one gets a
clutter cell). Three surfaces in one run, side by side: free space, sea without clutter or
Doppler processing (propagation factor only: the model before this change), and sea with
clutter and pulse-Doppler (the default now). CPU time (``time.process_time``) per full-sector
``observe`` call, median of the repeats.

    python benchmarks/clutter.py [--targets 10000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402

from iads.config import EnvironmentSettings  # noqa: E402
from iads.scenario.load import builtin_catalog  # noqa: E402
from iads.sensors.geometry import surface_to_enu  # noqa: E402
from iads.sensors.radar import RadarModel, observe  # noqa: E402


def population(n, rng, r_km, h_m):
    """``n`` targets in the sector 90-180 deg: positions, closing velocities, RCS."""
    ground = np.sqrt(rng.uniform((r_km[0] * 1e3) ** 2, (r_km[1] * 1e3) ** 2, n))
    az = rng.uniform(np.radians(91), np.radians(179), n)
    pos = surface_to_enu(ground, az, rng.uniform(h_m[0], h_m[1], n))
    vel = -pos / np.linalg.norm(pos, axis=1)[:, None] * 240.0
    return pos, vel, 10 ** rng.uniform(-2, 1, n)


def cpu_ms(fn, repeats: int, inner: int = 5) -> float:
    times = []
    for _ in range(repeats):
        t = time.process_time()
        for _ in range(inner):
            fn()
        times.append((time.process_time() - t) / inner)
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    rt = builtin_catalog().radars["92N6E-class"]
    site = [0.0, 0.0, 40.0]
    models = {
        "free space": RadarModel.from_type(rt, site, 135.0),
        "sea, no clutter": RadarModel.from_type(
            rt.model_copy(update={"doppler_processing": "none"}),
            site,
            135.0,
            environment=EnvironmentSettings(clutter=False),
        ),
        "sea, clutter + PD": RadarModel.from_type(
            rt, site, 135.0, environment=EnvironmentSettings()
        ),
    }
    rng = np.random.default_rng(2026)
    pops = {
        "spread 5-300 km": population(args.targets, rng, (5, 300), (15, 12e3)),
        "low 5-40 km": population(args.targets, rng, (5, 40), (5, 100)),
    }
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared machine)")
    print(f"{args.targets:,} targets, one full-sector observe, CPU ms (median of {args.repeats})")
    print(f"{'targets':<18}" + "".join(f"{name:>20}" for name in models) + f"{'clutter/no':>12}")
    for label, (pos, vel, rcs) in pops.items():
        ms = []
        for m in models.values():
            arcs = m.swept_arcs(0.0, m.scan_period_s)
            gen = np.random.default_rng(1)
            call = functools.partial(observe, m, pos, vel, rcs, 0.0, gen, arcs)
            ms.append(cpu_ms(call, args.repeats))
        print(f"{label:<18}" + "".join(f"{x:>20.2f}" for x in ms) + f"{ms[2] / ms[1]:>12.2f}")


if __name__ == "__main__":
    main()
