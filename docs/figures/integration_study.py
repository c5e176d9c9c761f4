"""Draw the integration study's figure from its study store (the README's finding).

    iads sweep examples/integration_study.yaml --vary network.mode=networked,standalone \
        --runs 20 --out runs/integration
    python docs/figures/integration_study.py runs/integration docs/figures/integration_study.png

Reads the ``summary`` table (estimates with 95 % intervals: bootstrap BCa for means) and draws
networked against standalone side by side. Needs matplotlib (not a dependency of iads).
"""

from __future__ import annotations

import sys
from pathlib import Path

METRICS = [
    ("leakers", "leakers"),
    ("kills", "kills"),
    ("interceptors_spent", "interceptors spent"),
    ("rounds_at_false_tracks", "rounds at false tracks"),
    ("double_engagements", "double engagements"),
]


def main(study: Path, out: Path) -> None:
    import duckdb
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    con = duckdb.connect(str(study / "study.duckdb"), read_only=True)
    labels = dict(con.sql("select point, label from points").fetchall())
    rows = con.sql("select point, metric, estimate, ci_low, ci_high from summary").fetchall()
    con.close()
    val = {(p, m): (e, lo, hi) for p, m, e, lo, hi in rows}
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4.4), gridspec_kw={"width_ratios": [3, 1]})
    width = 0.38
    for k, point in enumerate(sorted(labels)):
        name = labels[point].split("=", 1)[-1]
        xs = [i + (k - 0.5) * width for i in range(len(METRICS))]
        est = [val[(point, m)][0] for m, _ in METRICS]
        err = [
            [val[(point, m)][0] - val[(point, m)][1] for m, _ in METRICS],
            [val[(point, m)][2] - val[(point, m)][0] for m, _ in METRICS],
        ]
        ax.bar(xs, est, width, yerr=err, capsize=3, label=name)
        e, lo, hi = val[(point, "detect_to_engage_s")]
        bx.bar([k], [e], 0.6, yerr=[[e - lo], [hi - e]], capsize=3, label=name)
    ax.set_xticks(range(len(METRICS)), [t for _, t in METRICS], rotation=20, ha="right")
    ax.set_ylabel("per raid of 40 threats (mean, 95 % CI)")
    ax.legend()
    bx.set_xticks([0, 1], [labels[p].split("=", 1)[-1] for p in sorted(labels)])
    bx.set_ylabel("detection to first engagement, s")
    fig.suptitle("Port Aurel integration study: 20 seeds per arm, full fidelity")
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
