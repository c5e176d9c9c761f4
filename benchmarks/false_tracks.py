"""The full tracker's confirmed false tracks per radar type: the source of the fast fidelity's
false-track settings (``settings.statistical``, ``iads.sim.statistical``).

For each radar type of the small example (``examples/small.yaml``), that radar alone in its
battery, an empty sky (the raids launch after the run ends) and the full fidelity (plot-level
radar, false alarms at the catalog Pfa, the full tracker and its M-of-N confirmation), it
counts the confirmed tracks (every one is false) over ``--seeds`` runs of ``--duration`` s and
prints per type: the rate of false tracks (1/s, with its exact Poisson 95 % interval), their
mean reported life (s), mean range from the radar at confirmation (m) and mean speed (m/s).

    python benchmarks/false_tracks.py [--duration 1800] [--seeds 4]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

ROOT = Path(__file__).parents[1]


def measure(radar: int, duration_s: float, seeds: int) -> dict[str, float | str]:
    """False-track figures of radar ``radar`` of the small example's battery, alone."""
    from iads.analysis.paths import apply_values
    from iads.scenario import load_scenario
    from iads.sim.run import simulate

    sc = load_scenario(ROOT / "examples" / "small.yaml")
    bat = sc.batteries[0]
    sc = sc.model_copy(
        update={"batteries": [bat.model_copy(update={"radars": [bat.radars[radar]]})]}
    )
    late = [2 * duration_s, 2 * duration_s + 10]
    sc = apply_values(
        sc,
        [
            ("raids[name=CM].launch_window_s", late),
            ("raids[name=UAV].launch_window_s", late),
            ("duration_s", duration_s),
        ],
    )
    life, rng_m, speed = [], [], []
    for seed in range(1, seeds + 1):
        sim = simulate(sc, seed=seed, fidelity="full")
        hist = sim.defense.scoring.history
        if not len(hist):
            continue
        ids, t = np.asarray(hist["track_id"]), np.asarray(hist["time_s"])
        ant = sim.defense.radars[0].model.antenna_pos_m
        for tid in np.unique(ids):
            rows = np.flatnonzero(ids == tid)
            first = rows[np.argmin(t[rows])]
            life.append(float(np.ptp(t[rows])))
            pos = np.array([hist["x_m"][first], hist["y_m"][first], hist["z_m"][first]])
            rng_m.append(float(np.linalg.norm(pos - ant)))
            speed.append(float(np.linalg.norm([hist[f"v{c}_mps"][first] for c in "xyz"])))
    from scipy.stats import chi2

    n, exposure = len(life), duration_s * seeds
    return {
        "type": bat.radars[radar].type,
        "n": n,
        "rate_per_s": n / exposure,
        "rate_low": chi2.ppf(0.025, 2 * n) / 2 / exposure if n else 0.0,
        "rate_high": chi2.ppf(0.975, 2 * n + 2) / 2 / exposure,
        "life_s": float(np.mean(life)) if n else float("nan"),
        "range_m": float(np.mean(rng_m)) if n else float("nan"),
        "speed_mps": float(np.mean(speed)) if n else float("nan"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=1800.0, help="s per run")
    ap.add_argument("--seeds", type=int, default=4, help="runs per radar type")
    args = ap.parse_args()
    print(f"empty sky, {args.seeds} runs x {args.duration:.0f} s per radar, full fidelity")
    print(f"{'type':14s} {'n':>3s} {'rate 1/s':>9s} {'95 % CI':>20s} {'life s':>7s}", end="")
    print(f" {'range m':>9s} {'speed m/s':>9s}")
    for radar in (0, 1):
        m = measure(radar, args.duration, args.seeds)
        ci = f"[{m['rate_low']:.2e}, {m['rate_high']:.2e}]"
        print(
            f"{m['type']:14s} {m['n']:3d} {m['rate_per_s']:9.2e} {ci:>20s} {m['life_s']:7.1f} "
            f"{m['range_m']:9.0f} {m['speed_mps']:9.0f}"
        )


if __name__ == "__main__":
    main()
