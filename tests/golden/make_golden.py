"""Freeze the examples' outcomes: ``python tests/golden/make_golden.py`` rewrites the JSON files.

Each file holds, for one example and seed, the run's headline totals and every threat's
outcome (detected, tracked, shots, fate). ``test_golden.py`` compares runs against them: a
change of behaviour must show up as a deliberate, reviewed change of these files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
EXAMPLES = HERE.parents[1] / "examples"
CASES = [("small", 1), ("small", 2), ("small", 3), ("coastal_city", 1)]
TOTALS = (
    "threats",
    "detected",
    "tracked",
    "kills",
    "leakers",
    "expired",
    "interceptors_spent",
)


def outcome(example: str, seed: int) -> dict:
    """The frozen view of one run: totals and per-threat outcomes (plain JSON types)."""
    from iads.scenario import load_scenario
    from iads.sim.run import run_scenario

    result = run_scenario(load_scenario(EXAMPLES / f"{example}.yaml"), seed=seed)
    th = result.threats
    return {
        "example": example,
        "seed": seed,
        "totals": {k: int(result.summary[k]) for k in TOTALS if k in result.summary},
        "threats": [
            {
                "name": str(th["name"][i]),
                "detected": bool(np.isfinite(th["first_detect_s"][i])),
                "tracked": bool(np.isfinite(th["first_track_s"][i])),
                "interceptors": int(th["interceptors"][i]),
                "outcome": str(th["outcome"][i]),
            }
            for i in range(len(th["name"]))
        ],
    }


def path_of(example: str, seed: int) -> Path:
    return HERE / f"{example}_seed{seed}.json"


def main() -> None:
    for example, seed in CASES:
        data = outcome(example, seed)
        path_of(example, seed).write_text(json.dumps(data, indent=1) + "\n")
        print(path_of(example, seed).name, data["totals"], file=sys.stderr)


if __name__ == "__main__":
    main()
