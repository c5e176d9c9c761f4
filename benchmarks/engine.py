"""Motion speed: 10,000 threats for 30 simulated minutes at 0.1 s ticks (a benchmark, not a test).

Builds a scenario with one raid of 10,000 subsonic cruise missiles launched at t = 0 from 470 km
out through a turn point (so every threat flies for the whole 1,800 s), then runs the engine
with the motion system alone and prints simulated seconds per wall second (median of the
repeats) against the target of 2,000x real time on one core. Positions and velocities of all
threats are written to the world's arrays every tick. The plain-NumPy advance runs beside it on
the same trajectories (fewer ticks: it is slow) to show what numba buys.

    python benchmarks/engine.py [--threats 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np

from iads.motion.kernel import advance_numpy, motion_state
from iads.scenario.model import Scenario
from iads.sim.build import build_world, motion_system
from iads.sim.engine import Engine  # noqa: E402

TARGET_X = 2_000.0
DURATION_S = 1_800.0
TICK_S = 0.1


def scenario(n: int) -> Scenario:
    """One raid of ``n`` cruise missiles that fly for more than ``DURATION_S``."""
    return Scenario.model_validate(
        {
            "name": "benchmark",
            "origin": {"lat_deg": -47.45, "lon_deg": -32.05},
            "duration_s": DURATION_S,
            "tick_s": TICK_S,
            "seed": 1,
            "equipment": {
                "threats": {
                    "cm": {
                        "kind": "cruise_missile",
                        "speed_mps": 250.0,
                        "rcs_front_m2": 0.1,
                        "max_lateral_accel_mps2": 30.0,
                    }
                }
            },
            "assets": [{"name": "Base", "position": {"lat_deg": -47.42, "lon_deg": -32.15}}],
            "raids": [
                {
                    "name": "R",
                    "type": "cm",
                    "count": n,
                    "target": "Base",
                    "axis": {"bearing_deg": 135, "spread_deg": 60, "distance_m": 470_000},
                    "ingress": [{"lat_deg": -48.5, "lon_deg": -31.0}],
                    "profile": {"kind": "popup"},
                }
            ],
        }
    )


def run_compiled(world, n_ticks: int) -> float:
    """Wall seconds for ``n_ticks`` of the engine with the motion system alone."""
    world.threats.status[:] = 0
    ms = motion_system(world)
    engine = Engine([ms], TICK_S, n_ticks * TICK_S)
    start = time.perf_counter()
    engine.run(world)
    return time.perf_counter() - start


def run_numpy(world, n_ticks: int) -> float:
    """Wall seconds for ``n_ticks`` of the NumPy advance on the same arrays."""
    th, traj = world.threats, world.trajectories
    status = np.zeros(len(th), np.int8)
    state = motion_state(traj)
    start = time.perf_counter()
    for k in range(n_ticks):
        advance_numpy((k + 1) * TICK_S, status, state, traj, th.pos_m, th.vel_mps)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threats", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--numpy-ticks", type=int, default=600)
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"cpus: {os.cpu_count()}; load average {load:.2f} (other jobs slow the figures)")

    t0 = time.perf_counter()
    world = build_world(scenario(args.threats))
    build_s = time.perf_counter() - t0
    traj = world.trajectories
    n_ticks = int(round(DURATION_S / TICK_S))
    assert np.all(traj.end_time_s > DURATION_S), "every threat must fly the whole run"
    print(
        f"threats: {args.threats:,}; trajectory nodes: {traj.t_s.size:,} "
        f"({traj.t_s.size / args.threats:.0f} per threat); build {build_s:.1f} s"
    )

    run_compiled(world, 10)  # compile / load the cached kernel
    walls = [run_compiled(world, n_ticks) for _ in range(args.repeats)]
    assert np.all(world.threats.active)
    wall = statistics.median(walls)
    rate = DURATION_S / wall
    print(
        f"numba kernel : {n_ticks:,} ticks of {TICK_S} s in {wall:.3f} s wall "
        f"(median of {args.repeats}: {', '.join(f'{w:.3f}' for w in walls)}); "
        f"{wall / n_ticks * 1e6:.1f} us per tick"
    )
    best = DURATION_S / min(walls)
    print(
        f"               {rate:,.0f} simulated s per wall s = {rate / TARGET_X:.2f} x the "
        f"{TARGET_X:,.0f}x target (best run {best:,.0f} = {best / TARGET_X:.2f} x)"
    )

    np_walls = [run_numpy(world, args.numpy_ticks) for _ in range(args.repeats)]
    np_wall = statistics.median(np_walls) * n_ticks / args.numpy_ticks
    np_rate = DURATION_S / np_wall
    print(
        f"plain NumPy  : {np_wall / n_ticks * 1e6:.1f} us per tick (median of "
        f"{args.repeats} x {args.numpy_ticks} ticks); {np_rate:,.0f} simulated s per wall s "
        f"= {np_rate / TARGET_X:.2f} x target; numba is {np_wall / wall:.1f}x faster"
    )


if __name__ == "__main__":
    main()
