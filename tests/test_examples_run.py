"""The examples run in CI, shortened (``duration_s``) and with the fast interceptor model where
the point is the scenario's structure, not the end game: several battery classes, route
threats among civil airliners, a network, a study."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from iads.scenario import load_scenario
from iads.sim.run import run_scenario

EXAMPLES = Path(__file__).parents[1] / "examples"


def _run(name: str, duration_s: float, engagement: str = "fast"):
    sc = load_scenario(EXAMPLES / name)
    return sc, run_scenario(sc.model_copy(update={"duration_s": duration_s}), engagement=engagement)


def test_layered_defense_has_three_battery_classes_that_all_fight():
    sc, res = _run("layered_defense.yaml", 300.0)
    classes = {tuple(sorted(r.type for r in b.radars)) for b in sc.batteries}
    assert len(sc.batteries) == 3 and len(classes) == 3
    fired = set(res.engagements["battery"])
    assert len(fired) >= 2, fired
    assert res.summary["kills"] > 0


def test_air_corridor_airliners_fly_on_unengaged():
    sc, res = _run("air_corridor.yaml", 400.0, engagement="full")
    th = res.threats
    airliner = np.asarray(th["allegiance"], dtype=object) == "neutral"
    assert airliner.sum() == 3 and set(th["type"][airliner]) == {"airliner-narrowbody"}
    assert res.summary["traffic"] == 3 and res.summary["neutrals_engaged"] == 0
    assert np.all(np.isfinite(th["first_track_s"][airliner]))  # seen and tracked...
    ids = set(th["threat_id"][airliner].tolist())
    assert not ids & set(res.engagements["threat_id"].tolist())  # ...and never fired at
    assert set(th["fate_reason"][airliner]) <= {"passing", "expired"}
    strikers = ~airliner
    assert th["interceptors"][strikers].sum() > 0


def test_integration_study_network_carries_tracks():
    sc, res = _run("integration_study.yaml", 200.0)
    assert sc.network is not None and sc.sensors
    links = res.tables["links"]
    assert int(np.sum(links["rows_sent"])) > 0


def test_saturation_study_sweeps(tmp_path):
    out = tmp_path / "sat"
    cmd = [sys.executable, "-m", "iads.cli", "sweep", str(EXAMPLES / "saturation_study.yaml"),
           "--vary", "raids[name=UAV].count=4,8", "--vary", "duration_s=500", "--runs", "2",
           "--workers", "1", "--fidelity", "fast", "--out", str(out), "--quiet"]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    import duckdb

    con = duckdb.connect(str(out / "study.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT threats, count(*) FROM replications GROUP BY 1").fetchall()
    finally:
        con.close()
    assert sorted(rows) == [(4, 2), (8, 2)]  # two raid sizes, two replications each
