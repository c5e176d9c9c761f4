# ruff: noqa: E402  (thread limits are set before NumPy is imported)
"""Track-to-track fusion speed: covariance intersection and association, batched vs per pair.

Covariance intersection of K pairs of six-state tracks (position and velocity): ours, batched,
with the trace-optimal weight found per pair, against (a) Stone Soup's
``CovarianceIntersection.merge_components`` called once per pair at the same weights (it has no
weight search) and (b) a per-pair loop of SciPy's ``minimize_scalar`` for the weight plus a
NumPy fuse, the obvious unbatched way. Then the association of N local with N remote tracks.
Median of the repeats; the whole-process wall time is printed at the end.

    python benchmarks/fusion.py [--pairs 2000] [--repeats 3]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import time

PROCESS_T0 = time.perf_counter()

import argparse
import statistics

import numpy as np

from iads.c2.fusion import covariance_intersection, track_to_track_association


def _spd(rng: np.random.Generator, K: int, n: int) -> np.ndarray:
    A = rng.normal(size=(K, n, n))
    return A @ A.swapaxes(1, 2) + 0.05 * np.eye(n)


def _median_s(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _scipy_loop(xa, Pa, xb, Pb):
    from scipy.optimize import minimize_scalar

    out = []
    for k in range(len(xa)):
        Ia, Ib = np.linalg.inv(Pa[k]), np.linalg.inv(Pb[k])
        r = minimize_scalar(
            lambda w, Ia=Ia, Ib=Ib: np.trace(np.linalg.inv(w * Ia + (1 - w) * Ib)),
            bounds=(0, 1),
            method="bounded",
        )
        P = np.linalg.inv(r.x * Ia + (1 - r.x) * Ib)
        out.append(P @ (r.x * Ia @ xa[k] + (1 - r.x) * Ib @ xb[k]))
    return out


def _stonesoup_loop(xa, Pa, xb, Pb, w):
    from stonesoup.mixturereducer.gaussianmixture import CovarianceIntersection
    from stonesoup.types.state import GaussianState

    return [
        CovarianceIntersection.merge_components(
            GaussianState(xa[k][:, None], Pa[k]),
            GaussianState(xb[k][:, None], Pb[k]),
            weights=[w[k], 1 - w[k]],
        )
        for k in range(len(xa))
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    K, n, reps = args.pairs, 6, args.repeats
    Pa, Pb = _spd(rng, K, n), _spd(rng, K, n)
    xa, xb = rng.normal(size=(K, n)), rng.normal(size=(K, n))
    w = covariance_intersection(xa, Pa, xb, Pb).omega
    ours = _median_s(lambda: covariance_intersection(xa, Pa, xb, Pb), reps)
    fixed = _median_s(lambda: covariance_intersection(xa, Pa, xb, Pb, omega=w), reps)
    ss = _median_s(lambda: _stonesoup_loop(xa, Pa, xb, Pb, w), reps)
    sp = _median_s(lambda: _scipy_loop(xa, Pa, xb, Pb), reps)
    print(f"covariance intersection, {K} pairs of {n}-state tracks (median of {reps}):")
    print(f"  iads, weight searched per pair      {ours * 1e3:9.2f} ms")
    print(f"  iads, weight given                  {fixed * 1e3:9.2f} ms")
    print(f"  Stone Soup loop, weight given       {ss * 1e3:9.2f} ms   ({ss / fixed:5.0f}x ours)")
    print(f"  SciPy minimize_scalar loop + fuse   {sp * 1e3:9.2f} ms   ({sp / ours:5.0f}x ours)")
    print("track-to-track association, N local x N remote 6-state tracks of N targets")
    print("in a 100 km box (position sigma 200 m, velocity sigma 20 m/s):")
    for N in (100, 500, 2000):
        truth = np.c_[rng.uniform(-5e4, 5e4, (N, 3)), rng.normal(0, 250, (N, 3))]
        sig = np.r_[[200.0] * 3, [20.0] * 3]
        P = np.broadcast_to(np.diag(sig**2), (N, n, n))
        xl = truth + rng.normal(size=truth.shape) * sig
        xr = (truth + rng.normal(size=truth.shape) * sig)[rng.permutation(N)]
        t = _median_s(lambda xl=xl, xr=xr, P=P: track_to_track_association(xl, P, xr, P), reps)
        print(f"  N = {N:5d}                           {t * 1e3:9.2f} ms")
    print(f"whole process (imports, set-up, all runs): {time.perf_counter() - PROCESS_T0:.2f} s")


if __name__ == "__main__":
    main()
