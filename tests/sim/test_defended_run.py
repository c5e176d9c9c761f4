"""A defended run end to end: the chain detect -> track -> engage -> outcome holds per threat."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from iads.scenario import load_scenario
from iads.sim.run import run_scenario

SMALL = Path(__file__).parents[2] / "examples" / "small.yaml"


def test_event_chain_in_order_per_threat():
    sc = load_scenario(SMALL)
    th = run_scenario(sc, seed=11).threats
    engaged = th["interceptors"] > 0
    assert engaged.any(), "the small example's battery engages something"
    assert np.all(np.isnan(th["first_engage_s"][~engaged]))
    for a, b in (("launch_time_s", "first_detect_s"), ("first_detect_s", "first_track_s")):
        ok = np.isfinite(th[b])
        assert np.all(th[a][ok] <= th[b][ok])
    assert np.all(th["first_track_s"][engaged] <= th["first_engage_s"][engaged])
    assert np.all(th["first_engage_s"][engaged] <= th["outcome_time_s"][engaged])
    killed = th["outcome"] == "killed"
    assert np.all(engaged[killed]), "only engaged threats are killed"


def test_never_more_shots_than_rounds_loaded():
    sc = load_scenario(SMALL)
    result = run_scenario(sc, seed=2)
    loaded = sum(s.count * sum(s.loadout.values()) for b in sc.batteries for s in b.launchers)
    assert 0 < result.summary["interceptors_spent"] <= loaded
    assert result.summary["kills"] <= result.summary["interceptors_spent"]


def test_fast_engagement_mode_runs_the_same_chain():
    sc = load_scenario(SMALL)
    fast = run_scenario(sc, seed=11, engagement="fast")
    assert fast.summary["interceptors_spent"] > 0
    th = fast.threats
    engaged = th["interceptors"] > 0
    assert np.all(th["first_track_s"][engaged] <= th["first_engage_s"][engaged])


def test_store_records_how_the_run_was_made(tmp_path):
    from iads.io.store import read_table, write_results

    sc = load_scenario(SMALL)
    ids = set()
    for kwargs, mode in (
        ({}, "full"),
        ({"engagement": "fast"}, "fast"),
        ({"defended": False}, "none"),
    ):
        out = tmp_path / mode
        write_results(run_scenario(sc, seed=1, **kwargs), out)
        runs = read_table(out, "runs")
        assert runs["engagement_mode"].tolist() == [mode]
        assert bool(runs["defended"][0]) == (mode != "none")
        ids.add(str(runs["run_id"][0]))
    assert len(ids) == 3
