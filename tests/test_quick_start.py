"""The README's Quick start runs: the reference scenario, defended, through the CLI."""

from __future__ import annotations

import sys
from pathlib import Path

from iads.io.store import read_summary
from iads.scenario import load_scenario

COASTAL = Path(__file__).parents[1] / "examples" / "coastal_city.yaml"


def test_quick_start_reference_run(tmp_path, monkeypatch):
    from iads import cli

    out = tmp_path / "coastal"
    monkeypatch.setattr(sys, "argv", ["iads", "run", str(COASTAL), "--out", str(out), "-q"])
    try:
        cli.main()
    except SystemExit as exc:
        assert exc.code in (0, None)
    totals = read_summary(out)["totals"]
    sc = load_scenario(COASTAL)
    n = sum(r.count for r in sc.raids) + len(sc.threats)
    loaded = sum(s.count * sum(s.loadout.values()) for b in sc.batteries for s in b.launchers)
    assert totals["threats"] == n == 64
    # every threat is seen before it arrives, or was not yet when the spent defense stopped
    # sensing (no battery could launch again before the last arrival)
    th = read_summary(out)["threats"]
    spent_s = totals.get("defense_spent_s")
    spent_s = float("inf") if spent_s is None else float(spent_s)
    unseen = [
        t
        for t, d in zip(th["outcome_time_s"], th["first_detect_s"], strict=True)
        if d is None or d != d  # NULL or NaN: never detected
    ]
    assert totals["detected"] == n - len(unseen)
    assert all(t > spent_s for t in unseen)
    assert totals["kills"] + totals["leakers"] + totals["expired"] == n
    assert 0 < totals["interceptors_spent"] <= loaded
    assert totals["kills"] <= totals["interceptors_spent"]
