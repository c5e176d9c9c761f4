"""Radar observation speed: one radar over 10,000 targets with clutter (a benchmark, not a test).

One S-band surveillance radar of the built-in catalog (91N6E-class: 600 km instrumented range,
1° beams, Pfa 1e-6, so about 17 false alarms per scan) observes 10,000 Swerling-1 targets spread
over 20-300 km and 30 m-12 km (true ENU on the curved earth). Two ways of driving it:

- full scan: one ``observe`` call over the whole 360° (what a coverage or Monte Carlo study does);
- ticked: the engine's way, 100 calls of 0.1 s each sweeping 3.6° of a 10 s scan.

Prints scans per second (median of the repeats, and the best repeat, since the machine is
shared) beside the target of 200 on one core.

    python benchmarks/sensors.py [--targets 10000] [--repeats 7]
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
from iads.sensors.geometry import surface_to_enu  # noqa: E402
from iads.sensors.radar import RadarModel, observe  # noqa: E402

TARGET_SCANS_PER_S = 200.0


def targets(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` targets: positions (true ENU), velocities and mean RCS."""
    ground = np.sqrt(rng.uniform(20e3**2, 300e3**2, n))
    pos = surface_to_enu(ground, rng.uniform(0, 2 * np.pi, n), rng.uniform(30.0, 12e3, n))
    vel = rng.normal(0.0, 150.0, (n, 3))
    rcs = 10 ** rng.uniform(-2, 1, n)
    return pos, vel, rcs


def timings(fn, repeats: int) -> tuple[float, float]:
    """(median, best) wall time of ``fn`` over ``repeats`` calls (s)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--free-space",
        action="store_true",
        help="no surface (no propagation factor): the model before issue 11",
    )
    args = parser.parse_args()

    from iads.config import EnvironmentSettings

    rtype = builtin_catalog().radars["91N6E-class"]
    env = None if args.free_space else EnvironmentSettings()
    radar = RadarModel.from_type(rtype, [0.0, 0.0, 0.0], environment=env)
    rng = np.random.default_rng(np.random.SeedSequence(2026))
    pos, vel, rcs = targets(args.targets, rng)
    full = radar.swept_arcs(0.0, radar.scan_period_s)

    def one_full_scan() -> int:
        return len(observe(radar, pos, vel, rcs, 0.0, rng, full))

    dt = 0.1
    steps = [radar.swept_arcs(k * dt, dt) for k in range(round(radar.scan_period_s / dt))]

    def one_ticked_scan() -> int:
        return sum(len(observe(radar, pos, vel, rcs, 0.0, rng, arcs)) for arcs in steps)

    plots = one_full_scan()
    fa = np.mean(
        [
            np.sum(observe(radar, pos[:0], vel[:0], rcs[:0], 0.0, rng, full).truth_id < 0)
            for _ in range(20)
        ]
    )
    inner = 10
    full_med, full_best = timings(lambda: [one_full_scan() for _ in range(inner)], args.repeats)
    tick_med, tick_best = timings(one_ticked_scan, args.repeats)
    print(f"radar {rtype.description[:60]}...")
    print("surface: " + ("none (free space)" if env is None else "sea, sea state 3 (F^4)"))
    print(f"{args.targets:,} targets, {plots:,} plots per scan, {fa:.1f} false alarms per scan")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared machine)")
    print(f"{'mode':<24}{'ms/scan':>9}{'scans/s':>9}{'best/s':>8}{'target':>8}{'ratio':>7}")
    for name, med, best in (
        ("full scan (1 call)", full_med / inner, full_best / inner),
        ("ticked (100 x 0.1 s)", tick_med, tick_best),
    ):
        rate = 1.0 / med
        print(
            f"{name:<24}{med * 1e3:>9.2f}{rate:>9.0f}{1.0 / best:>8.0f}"
            f"{TARGET_SCANS_PER_S:>8.0f}{rate / TARGET_SCANS_PER_S:>7.2f}"
        )
    print("scans/s and ratio from the median; best/s from the fastest repeat")


if __name__ == "__main__":
    main()
