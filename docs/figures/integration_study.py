"""Draw the integration study's figure from its study store (the README's finding).

    iads sweep examples/integration_study.yaml --vary network.mode=networked,standalone \
        --runs 20 --out runs/integration
    python docs/figures/integration_study.py runs/integration docs/figures/integration_study.png

Reads the ``summary`` table (estimates with 95 % intervals: bootstrap BCa for means) and draws
networked against standalone side by side; prints where each battery's rounds went (by the
unit whose track it fired on) and the leakers by threat type. Needs matplotlib (not a
dependency of iads).
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
    breakdown(study)


TRACK_ID_STRIDE = 1_000_000_000
"""Track numbers are unit * stride + number (``iads.tracking.system``)."""


def breakdown(study: Path) -> None:
    """Per arm: each battery's rounds by the unit whose track it fired on (kill rate, share
    at false tracks, median miss), and leakers per raid by threat type."""
    import duckdb

    con = duckdb.connect(str(study / "study.duckdb"), read_only=True)
    units = {}
    for (label,) in con.sql("select distinct battery from engagements").fetchall():
        units[label] = label
    reps = dict(con.sql("select point, count(*) from replications group by point").fetchall())
    labels = dict(con.sql("select point, label from points").fetchall())
    rows = con.execute(
        f"""select point, battery, track_id // {TRACK_ID_STRIDE} as unit, count(*),
                   avg(case when result = 'kill' then 1.0 else 0 end),
                   avg(case when threat_id < 0 then 1.0 else 0 end), median(miss_distance_m)
            from engagements group by all order by point, battery, unit"""
    ).fetchall()
    print(
        "arm, battery, on tracks of unit, rounds per raid, kill rate, at false tracks, median miss m"
    )
    for point, bat, unit, n, kill, false, miss in rows:
        arm = labels[point].split("=", 1)[-1]
        print(
            f"{arm:10s} {bat:10s} {unit:3d} {n / reps[point]:6.2f} {kill:6.2f} {false:6.2f} {miss:8.1f}"
        )
    rows = con.execute(
        """select point, type, sum(case when outcome = 'reached' then 1 else 0 end)
           from threats group by all order by point, type"""
    ).fetchall()
    print("arm, threat type, leakers per raid")
    for point, kind, n in rows:
        print(f"{labels[point].split('=', 1)[-1]:10s} {kind:26s} {n / reps[point]:6.2f}")
    con.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
