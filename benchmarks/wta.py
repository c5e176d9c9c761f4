"""Weapon-target assignment: heuristic quality against the exact optimum, and speed.

Prints, side by side, the ratio heuristic / exact of the expected surviving value over random
20 x 20 instances (two families: Ahuja et al. 2007's p ~ U(0.6, 0.9), v ~ U(25, 100); and a
harder sparse family, p ~ U(0.1, 0.9) with 30 % infeasible pairs, v ~ U(1, 100)), and the
median wall time of the heuristic on 200 weapons x 100 targets (target < 50 ms); and, first,
typed instances of 50 to 600 weapons against 100 to 400 targets (target: within 3 % of the best
known value in under 100 ms).

Run: python benchmarks/wta.py [--instances 100]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from iads.c2 import assign, surviving_value
from iads.c2.wta import solve_wta


def family(rng: np.random.Generator, kind: str, n_w: int, n_t: int):
    if kind == "ahuja":
        return rng.uniform(0.6, 0.9, (n_w, n_t)), rng.uniform(25, 100, n_t)
    p = rng.uniform(0.1, 0.9, (n_w, n_t))
    p[rng.random((n_w, n_t)) < 0.3] = 0.0
    return p, rng.uniform(1, 100, n_t)


def typed(rng: np.random.Generator, n_w: int, n_t: int):
    """Ahuja et al. values (p ~ U(0.6, 0.9), v ~ U(25, 100)); weapons come in types of 1 to 3
    identical weapons (one Pk row per type, type sizes uniform on {1, 2, 3})."""
    sizes: list[int] = []
    while sum(sizes) < n_w:
        sizes.append(int(rng.integers(1, 4)))
    sizes[-1] -= sum(sizes) - n_w
    p = np.repeat(rng.uniform(0.6, 0.9, (len(sizes), n_t)), sizes, axis=0)
    return p, rng.uniform(25, 100, n_t)


def scale(n_rep: int, limit_s: float) -> None:
    """Typed instances of the issue's range: heuristic value against the exact solver's best
    (its incumbent) and proven bound; heuristic time as the median of 3 calls, wall and CPU
    (CPU time is the steadier figure on a shared machine)."""
    rng = np.random.default_rng(np.random.SeedSequence(9))
    print(
        f"{'W x T (typed)':<14}{'n':>3}{'heur/best':>11}{'worst':>9}{'heur/bound':>12}"
        f"{'proven':>8}{'heur ms':>9}{'heur cpu ms':>13}{'exact med s':>13}"
    )
    for n_w, n_t in [(50, 100), (200, 100), (300, 200), (600, 200), (400, 400), (600, 400)]:
        r_best, r_bound, proven, t_h, c_h, t_e = [], [], [], [], [], []
        for _ in range(n_rep):
            p, v = typed(rng, n_w, n_t)
            walls, cpus = [], []
            for _ in range(3):
                t0, c0 = time.perf_counter(), time.process_time()
                a = assign(p, v, method="heuristic")
                walls.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - c0)
            h = surviving_value(p, v, a)
            t1 = time.perf_counter()
            ex = solve_wta(p, v, time_limit_s=limit_s)
            t2 = time.perf_counter()
            r_best.append(h / ex.value)
            r_bound.append(h / ex.bound if ex.bound > 0 else np.inf)
            proven.append(ex.proven_optimal)
            t_h.append(np.median(walls))
            c_h.append(np.median(cpus))
            t_e.append(t2 - t1)
        print(
            f"{f'{n_w} x {n_t}':<14}{n_rep:>3}{np.median(r_best):>11.5f}{np.max(r_best):>9.5f}"
            f"{np.max(r_bound):>12.5f}{int(np.sum(proven)):>5}/{n_rep:<2}"
            f"{1e3 * np.median(t_h):>9.1f}{1e3 * np.median(c_h):>13.1f}{np.median(t_e):>13.1f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--instances", type=int, default=100)
    ap.add_argument("--scale-instances", type=int, default=2)
    ap.add_argument("--time-limit", type=float, default=20.0, help="exact solver limit, s")
    args = ap.parse_args()
    scale(args.scale_instances, args.time_limit)
    print()
    if args.instances <= 0:
        return
    rng = np.random.default_rng(np.random.SeedSequence(2026))
    print(
        f"{'family (20 x 20)':<22}{'n':>5}{'median ratio':>14}{'worst ratio':>13}"
        f"{'within 1%':>11}{'exact med s':>13}{'heur med ms':>13}"
    )
    for kind in ("ahuja", "sparse"):
        ratios, t_exact, t_heur = [], [], []
        for _ in range(args.instances):
            p, v = family(rng, kind, 20, 20)
            t0 = time.perf_counter()
            e = surviving_value(p, v, assign(p, v, method="exact"))
            t1 = time.perf_counter()
            h = surviving_value(p, v, assign(p, v, method="heuristic"))
            t2 = time.perf_counter()
            ratios.append(h / e)
            t_exact.append(t1 - t0)
            t_heur.append(t2 - t1)
        r = np.array(ratios)
        print(
            f"{kind:<22}{r.size:>5}{np.median(r):>14.5f}{r.max():>13.5f}"
            f"{np.mean(r <= 1.01):>10.0%} {np.median(t_exact):>12.3f}"
            f"{1e3 * np.median(t_heur):>13.2f}"
        )
    print()
    print(f"{'size':<22}{'family':>8}{'median ms':>11}{'max ms':>9}{'target ms':>11}")
    for kind in ("ahuja", "sparse"):
        times = []
        for _ in range(20):
            p, v = family(rng, kind, 200, 100)
            t0 = time.perf_counter()
            assign(p, v, method="heuristic")
            times.append(time.perf_counter() - t0)
        print(
            f"{'200 x 100':<22}{kind:>8}{1e3 * np.median(times):>11.2f}"
            f"{1e3 * np.max(times):>9.2f}{50:>11}"
        )


if __name__ == "__main__":
    main()
