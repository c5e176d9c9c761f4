# ruff: noqa: E402  (thread limits are set before NumPy is imported)
"""How our tracker's time per scan grows with the number of targets (one core).

The same surveillance scenario as ``tracking_vs_stonesoup.py`` (4 s scans, Pd 0.9, noise
50 m / 0.2 deg / 0.2 deg, 30 % of targets turning at 2 to 4 g) with clutter scaled to 10 % of
the targets (200 clutter plots per scan at 2,000 targets). Prints median, 90th percentile and
worst ms per scan (per scan, the least of 3 runs) after the first 3 scans (when every target is still starting a track), for
EKF + GNN, and at 2,000 targets also for the other settings.

    python benchmarks/tracking_scale.py [--quick]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, before NumPy loads its BLAS

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tracking_vs_stonesoup import our_config, run_ours_best_of

from iads.tracking.metrics import score_tracks
from iads.tracking.scenario_gen import SurveillanceParams, generate

WARM_UP_SCANS = 3


def measure(n_targets: int, clutter: float, n_scans: int, **kw: object) -> dict[str, float]:
    """Times (ms per scan) and GOSPA (c = 2 km) of one run."""
    p = SurveillanceParams(n_targets=n_targets, n_scans=n_scans, clutter_per_scan=clutter)
    truth, det = generate(p, 7 + n_targets)
    t0 = time.perf_counter()
    tracks, times = run_ours_best_of(det, p, our_config(p, **kw))
    wall = time.perf_counter() - t0
    steady = 1e3 * np.asarray(times[WARM_UP_SCANS:])
    return {
        "median": float(np.median(steady)),
        "p90": float(np.percentile(steady, 90)),
        "max": float(steady.max()),
        "first": 1e3 * float(max(times[:WARM_UP_SCANS])),
        "wall": wall,
        "gospa": score_tracks(truth, tracks, 2000.0)["gospa_m"],
        "plots": det["time_s"].size / n_scans,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer scans and sizes")
    args = parser.parse_args()
    n_scans = 10 if args.quick else 20
    sizes = (100, 500, 2000) if args.quick else (100, 250, 500, 1000, 2000, 4000)
    print(
        f"{n_scans} scans of 4 s; clutter = 10 % of targets per scan; ms per scan after "
        f"{WARM_UP_SCANS} warm-up scans; one core.\n"
    )
    head = (
        f"{'targets':>7} | {'plots/scan':>10} | {'median ms':>9} | {'p90 ms':>7} | "
        f"{'max ms':>7} | {'warm-up max':>11} | {'us/target':>9} | {'GOSPA m':>8}"
    )
    print(head)
    print("-" * len(head))
    for n in sizes:
        r = measure(n, 0.1 * n, n_scans)
        print(
            f"{n:>7} | {r['plots']:>10.0f} | {r['median']:>9.1f} | {r['p90']:>7.1f} | "
            f"{r['max']:>7.1f} | {r['first']:>11.1f} | {1e3 * r['median'] / n:>9.1f} | "
            f"{r['gospa']:>8.0f}",
            flush=True,
        )
    print("\n2,000 targets, 200 clutter plots per scan, other settings:")
    for kw in ({"filter": "ukf"}, {"filter": "imm"}, {"association": "jpda"}):
        r = measure(2000, 200.0, n_scans, **kw)
        label = ", ".join(f"{k}={v}" for k, v in kw.items())
        print(
            f"  {label:<18} median {r['median']:6.1f} ms, p90 {r['p90']:6.1f} ms, "
            f"GOSPA {r['gospa']:6.0f} m",
            flush=True,
        )


if __name__ == "__main__":
    main()
