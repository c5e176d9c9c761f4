"""Stopping a spent defense (``RunConfig.stop_when_spent``): the run with it must reach the
same kills, leaks, rounds and fate reasons as the run that senses to the end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from iads.commands.results import spent_note
from iads.scenario import load_scenario
from iads.scenario.model import Scenario
from iads.sim.run import run_scenario

EXAMPLES = Path(__file__).parents[2] / "examples"

SITE = {"lat_deg": -47.445, "lon_deg": -32.075, "alt_m": 40}


def _scenario(tmp_path, reload_time_s: float, events=(), post=None, extra=None) -> Scenario:
    """One battery with two rounds in its tubes and one reload, against a raid at 0-10 s and
    a second one launched at 400-410 s, both from 25 km at sea; scenario ``events``; ``post``:
    command-post fields changed; ``extra``: top-level fields added (sensors, network)."""

    def raid(name: str, window: list[float]) -> dict:
        return {
            "name": name,
            "type": "subsonic-cruise-missile",
            "count": 3,
            "target": "Vesna Air Base",
            "axis": {"bearing_deg": 135, "spread_deg": 20, "distance_m": 25_000},
            "launch_window_s": window,
            "profile": {"kind": "sea_skimming", "altitude_m": 15},
        }

    doc = {
        "name": "spent",
        "origin": {"lat_deg": -47.45, "lon_deg": -32.05, "alt_m": 0},
        "duration_s": 900,
        "tick_s": 0.1,
        "seed": 3,
        "assets": [
            {
                "name": "Vesna Air Base",
                "position": {"lat_deg": -47.42, "lon_deg": -32.15, "alt_m": 20},
                "radius_m": 800,
            }
        ],
        "batteries": [
            {
                "name": "Aurel-1",
                "command_post": {"doctrine": "shoot_look_shoot", "salvo_size": 2, **(post or {})},
                "radars": [
                    {"name": "acq", "type": "91N6E-class", "position": SITE},
                    {"name": "eng", "type": "92N6E-class", "position": SITE, "boresight_deg": 120},
                ],  # fmt: skip
                "launchers": [
                    {
                        "name": "L",
                        "type": "5P85-class",
                        "overrides": {"reload_time_s": reload_time_s},
                        "position": SITE,
                        "count": 1,
                        "loadout": {"48N6-class": 2},
                    }
                ],
            }
        ],
        "raids": [raid("A", [0, 10]), raid("B", [400, 410])],
        "events": list(events),
        **(extra or {}),
    }
    tag = f"{reload_time_s:.0f}_{len(events)}_{len(post or {})}_{len(extra or {})}"
    path = tmp_path / f"spent_{tag}.yaml"
    path.write_text(json.dumps(doc))  # JSON is YAML
    return load_scenario(path)


def _runs(tmp_path, reload_time_s: float, events=(), attach=None, post=None, extra=None):
    sc = _scenario(tmp_path, reload_time_s, events, post, extra)
    return [
        run_scenario(
            sc,
            fidelity="fast",
            settings=sc.settings.model_copy(update={"stop_when_spent": f}),
            attach=attach,
        )
        for f in (False, True)
    ]


def _same_outcomes(full, cut, skip=()) -> None:
    for k in full.engagements:
        np.testing.assert_array_equal(full.engagements[k], cut.engagements[k], err_msg=k)
    for k in ("outcome", "outcome_time_s", "interceptors", "fate_reason", "reason"):
        assert np.asarray(full.threats[k]).tolist() == np.asarray(cut.threats[k]).tolist(), k
    for k in ("kills", "leakers", "interceptors_spent", "unresolved"):
        assert full.summary[k] == cut.summary[k], k
    assert full.end_time_s == cut.end_time_s
    for k, v in full.tables["batteries"].items():
        if k not in skip:
            np.testing.assert_array_equal(v, cut.tables["batteries"][k], err_msg=k)
    # no round flies after the spent time: the paths of the rounds are whole without their
    # recorder stepped on
    fired = full.summary["interceptors_spent"] > 0
    assert (len(full.tables["interceptor_paths"]["time_s"]) > 0) == fired
    for k, v in full.tables["interceptor_paths"].items():
        np.testing.assert_array_equal(v, cut.tables["interceptor_paths"][k], err_msg=k)


@pytest.fixture(scope="module")
def slow(tmp_path_factory):
    return _runs(tmp_path_factory.mktemp("slow"), 3600.0)


def test_a_defense_that_cannot_reload_in_time_stops_sensing_with_the_same_outcomes(slow):
    full, cut = slow
    assert np.isnan(full.summary["defense_spent_s"])
    spent_s = cut.summary["defense_spent_s"]
    assert spent_s < 400.0  # spent before raid B was launched
    assert spent_s >= np.nanmax(full.engagements["outcome_time_s"])  # after the last round
    _same_outcomes(full, cut)
    # raid B met an empty magazine, and was tracked in the run that sensed to the end
    b = np.asarray(full.threats["launch_time_s"]) >= 400.0
    assert set(np.asarray(full.threats["fate_reason"])[b]) == {"magazine_empty"}
    assert np.isfinite(np.asarray(full.threats["first_track_s"])[b]).all()
    # ... and neither detected nor tracked in the run that stopped
    ev_t, ev_k = cut.events["time_s"], cut.events["kind"]
    assert not np.any((ev_t > spent_s) & np.isin(ev_k, ["detect", "track", "engage"]))
    assert np.isnan(np.asarray(cut.threats["first_track_s"])[b]).all()
    assert cut.summary["tracked"] < full.summary["tracked"]
    # the run summary says so, and only when it happened
    assert f"spent at {spent_s:.0f} s" in spent_note(cut.summary)
    assert spent_note(full.summary) == "" and spent_note({"defense_spent_s": None}) == ""


def test_the_spent_time_survives_the_results_store(slow, tmp_path):
    import duckdb

    from iads.io.store import RESULTS_FILE, read_summary, write_results

    full, cut = slow
    for name, res in (("full", full), ("cut", cut)):
        write_results(res, tmp_path / name)
    spent_s = read_summary(tmp_path / "cut")["totals"]["defense_spent_s"]
    assert spent_s == pytest.approx(cut.summary["defense_spent_s"], abs=1e-9)
    # never spent: stored as NULL, read back as NaN (not 0, not -1)
    never = read_summary(tmp_path / "full")["totals"]["defense_spent_s"]
    assert isinstance(never, float) and np.isnan(never)
    con = duckdb.connect(str(tmp_path / "full" / RESULTS_FILE), read_only=True)
    try:
        (stored,) = con.execute(
            "SELECT value FROM summary WHERE key = 'defense_spent_s'"
        ).fetchone()
    finally:
        con.close()
    assert stored is None  # SQL NULL in the file itself
    assert spent_note(read_summary(tmp_path / "cut")["totals"]) == spent_note(cut.summary)
    assert spent_note(read_summary(tmp_path / "full")["totals"]) == ""


def test_a_reload_due_before_the_last_arrival_keeps_the_defense_running(tmp_path):
    full, cut = _runs(tmp_path, 150.0)
    b = np.asarray(full.engagements["launch_time_s"]) >= 400.0
    assert b.any()  # the reloaded rounds were fired at raid B
    _same_outcomes(full, cut)
    spent_s = cut.summary["defense_spent_s"]
    assert np.isnan(spent_s) or spent_s >= np.nanmax(full.engagements["outcome_time_s"])


def test_a_threat_the_full_run_never_sees_gets_the_same_fate_either_way(tmp_path):
    """Both radars off at 380 s, after the defense is spent and before raid B: the run that
    senses to the end never detects raid B, the run that stops never looks. Both judge it
    from the time the defense was spent (its launch, later): an empty magazine."""
    off = [{"time_s": 380.0, "kind": "radar_off", "unit": r} for r in ("acq", "eng")]
    full, cut = _runs(tmp_path, 3600.0, off)
    b = np.asarray(full.threats["launch_time_s"]) >= 400.0
    assert np.isnan(np.asarray(full.threats["first_detect_s"])[b]).all()  # never seen
    _same_outcomes(full, cut)
    assert set(np.asarray(full.threats["fate_reason"])[b]) == {"magazine_empty"}
    reasons = np.asarray(full.threats["reason"])[b]
    assert all("after the defense was spent" in r for r in reasons), reasons
    # the run that sensed to the end noted the same time, without stopping at it
    assert np.isnan(full.summary["defense_spent_s"]) and cut.summary["defense_spent_s"] < 380


def test_a_destroyed_battery_is_spent_though_its_tubes_are_full(tmp_path):
    """Reloads in time (150 s) keep the defense running, but the battery destroyed at 200 s
    can never launch again: the run is spent from then, and the outcomes do not change."""
    kill = [{"time_s": 200.0, "kind": "battery_destroyed", "unit": "Aurel-1"}]
    full, cut = _runs(tmp_path, 150.0, kill)
    spent_s = cut.summary["defense_spent_s"]
    assert 200.0 <= spent_s < 202.0
    assert not np.any(np.asarray(full.engagements["launch_time_s"]) >= 200.0)
    _same_outcomes(full, cut)


def test_a_command_post_down_for_the_replication_is_spent_from_the_start(tmp_path):
    """A post that is down (readiness) never decides and nothing repairs it: though its tubes
    hold rounds, the defense is spent at the first tick, and the outcomes do not change."""
    full, cut = _runs(tmp_path, 150.0, post={"availability": 0.0})
    assert full.summary["interceptors_spent"] == 0
    assert full.summary["tracked"] > 0  # the run that senses to the end tracks the raids
    assert cut.summary["defense_spent_s"] == 0.0
    assert cut.summary["tracked"] == 0
    assert "never_tracked" not in set(np.asarray(cut.threats["fate_reason"]).tolist())
    _same_outcomes(full, cut)


class _Clock:
    """A read-only recorder attached to the run: the times it was stepped at."""

    name = "clock"
    period_s = 1.0

    def __init__(self) -> None:
        self.times: list[float] = []

    def step(self, _world, t_s: float, _dt_s: float) -> None:
        self.times.append(round(t_s, 6))


def test_attached_recorders_are_stepped_to_the_end_after_the_defense_is_spent(tmp_path):
    clocks: list[_Clock] = []

    def attach(_world, _defense):
        clocks.append(_Clock())
        return [clocks[-1]]

    full, cut = _runs(tmp_path, 3600.0, attach=attach)
    assert cut.summary["defense_spent_s"] < 400.0
    assert clocks[1].times == clocks[0].times  # every second to the end, in both runs
    assert clocks[0].times[-1] >= full.end_time_s - 1.0
    _same_outcomes(full, cut)


def test_a_link_lost_after_the_spent_time_is_applied_but_its_effect_on_the_posts_is_not_seen(
    tmp_path,
):
    """A forward radar reports to the battery over a link lost at 380 s, after the defense is
    spent. Both runs apply the event (the degradation table) and reach the same outcomes; as
    documented, only the run that senses to the end sees the post go autonomous and counts
    the link's traffic after the spent time."""
    ew = {"lat_deg": -47.55, "lon_deg": -31.95, "alt_m": 200}
    extra = {
        "sensors": [{"name": "EW", "type": "91N6E-class", "position": ew}],
        "network": {
            "mode": "networked",
            "links": [{"from": "EW", "to": "Aurel-1", "latency_s": 2.0, "period_s": 2.0}],
        },
    }
    lost = [{"time_s": 380.0, "kind": "link_lost", "link": "EW -> Aurel-1"}]
    full, cut = _runs(tmp_path, 3600.0, lost, extra=extra)
    assert cut.summary["defense_spent_s"] < 380.0  # spent before the link is lost
    _same_outcomes(full, cut, skip=("autonomous_from_s",))
    for k, v in full.tables["degradation"].items():
        assert np.asarray(v).tolist() == np.asarray(cut.tables["degradation"][k]).tolist(), k
    assert full.tables["degradation"]["kind"].tolist() == ["link_lost"]
    aut_full = full.tables["batteries"]["autonomous_from_s"][0]
    aut_cut = cut.tables["batteries"]["autonomous_from_s"][0]
    assert 380.0 < aut_full < 400.0 and np.isnan(aut_cut)  # the cut run's posts stopped first
    # traffic counted until the spent time only: the rows the lost link dropped are the full
    # run's alone (the cut run's radar had nothing to report by then)
    links_full, links_cut = full.tables["links"], cut.tables["links"]
    assert links_full["rows_lost"].sum() > 0 and links_cut["rows_lost"].sum() == 0
    assert links_cut["rows_sent"].sum() <= links_full["rows_sent"].sum()


def test_the_horizon_follows_the_threats_statuses():
    """``Defense.spent``'s horizon (the last open route end, at most the duration) is kept
    while the statuses stay and taken anew after each change made in place."""
    from iads.sim.build import build_world
    from iads.sim.defense import build_defense
    from iads.sim.world import FLYING, KILLED

    sc = load_scenario(EXAMPLES / "small.yaml")
    world = build_world(sc, seed=1)
    defense = build_defense(sc, world, sc.settings)
    th, ends = world.threats, world.trajectories.end_time_s
    assert np.unique(ends).size > 2
    th.status[:] = FLYING
    for row in np.argsort(-ends, kind="stable"):  # the latest route end resolved first
        want = min(float(ends[th.status == FLYING].max()), float(sc.duration_s))
        assert defense._horizon_s(world) == want
        assert defense._horizon_s(world) == want  # asked again: the kept answer
        th.status[row] = KILLED
    assert defense._horizon_s(world) is None and not defense.spent(world, 0.0)
