"""Weapon-target assignment: heuristic quality against the exact optimum, and speed.

Prints, side by side, the ratio heuristic / exact of the expected surviving value over random
20 x 20 instances (two families: Ahuja et al. 2007's p ~ U(0.6, 0.9), v ~ U(25, 100); and a
harder sparse family, p ~ U(0.1, 0.9) with 30 % infeasible pairs, v ~ U(1, 100)), and the
median wall time of the heuristic on 200 weapons x 100 targets (target < 50 ms).

Run: python benchmarks/wta.py [--instances 100]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from iads.engagement import assign, surviving_value


def family(rng: np.random.Generator, kind: str, n_w: int, n_t: int):
    if kind == "ahuja":
        return rng.uniform(0.6, 0.9, (n_w, n_t)), rng.uniform(25, 100, n_t)
    p = rng.uniform(0.1, 0.9, (n_w, n_t))
    p[rng.random((n_w, n_t)) < 0.3] = 0.0
    return p, rng.uniform(1, 100, n_t)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--instances", type=int, default=100)
    args = ap.parse_args()
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
