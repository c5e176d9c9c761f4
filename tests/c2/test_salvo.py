"""Salvo rounds queued on a launcher: withdrawn (and given back) once the command post knows
its target is gone."""

import copy

import numpy as np
import pytest
import yaml

from iads.engagement.battery import fire, make_bank, return_rounds, update_reloads
from iads.scenario.load import load_scenario
from iads.sim.run import simulate
from iads.sim.summary import engagement_table, threat_table

from .test_command_post import SCENARIO


def test_fire_at_given_times_and_return_rounds():
    bank = make_bank([(0, np.zeros(3), 1, {"A": 4}, 3.0, 100.0)])
    bank, launch_s = fire(bank, np.zeros(3, int), np.zeros(3, int), 10.0, np.array([10.0, 13, 16]))
    assert launch_s.tolist() == [10.0, 13.0, 16.0]
    assert bank.rounds.tolist() == [[1]] and bank.next_fire_s.tolist() == [19.0]
    # the rounds at 13 s and 16 s are cancelled: back in the tube, the unit free after 10 + 3
    back = return_rounds(bank, np.zeros(2, int), np.zeros(2, int), np.array([13.0, 13.0]))
    assert back.rounds.tolist() == [[3]] and back.next_fire_s.tolist() == [13.0]
    assert bank.rounds.tolist() == [[1]]  # the argument is not mutated


def test_reload_tops_up_to_the_loadout():
    bank = make_bank([(0, np.zeros(3), 1, {"A": 4}, 3.0, 100.0)])
    bank, _ = fire(bank, np.zeros(4, int), np.zeros(4, int), 0.0)
    bank = update_reloads(bank, 1.0)  # empty: the reload starts, done at 101 s
    bank = return_rounds(bank, np.zeros(1, int), np.zeros(1, int), np.array([3.0]))
    bank = update_reloads(bank, 101.0)
    assert bank.rounds.tolist() == [[4]]  # not 5 rounds in 4 tubes
    assert bank.reserve.tolist() == [1]


@pytest.fixture(scope="module")
def salvo_run(tmp_path_factory):
    """Salvos of 4 at a 15 s launch interval: the first round kills before the last leaves."""
    folder = tmp_path_factory.mktemp("salvo")
    mp = pytest.MonkeyPatch()
    mp.setenv("IADS_CACHE_DIR", str(folder / "cache"))
    data = copy.deepcopy(SCENARIO)
    bat = data["batteries"][0]
    bat["command_post"].update(doctrine="salvo", salvo_size=4)
    bat["radars"][0]["overrides"] = {"max_guided_missiles": 8, "max_engaged_targets": 2}
    bat["launchers"][0]["overrides"] = {"launch_interval_s": 15.0}
    bat["launchers"][0]["loadout"] = {"AMRAAM-class": 6}
    data["raids"][0]["count"] = 3
    path = folder / "salvo.yaml"
    path.write_text(yaml.safe_dump(data))
    sc = load_scenario(path)
    world, defense, _ = simulate(sc, engagement="fast")
    mp.undo()
    events = world.log.columns()
    return (
        world,
        defense,
        events,
        threat_table(world, events, defense.scoring),
        engagement_table(world, events, defense.scoring),
    )


def test_no_round_leaves_after_its_target_is_known_gone(salvo_run):
    """The command post learns of a kill from the detonation report and withdraws the rest
    of the salvo at its next decision (1 s): no round leaves later than that."""
    world, _, events, threats, eng = salvo_run
    end = dict(zip(threats["threat_id"].tolist(), threats["outcome_time_s"].tolist(), strict=True))
    assert eng["time_s"].size >= 3
    period = world.scenario.batteries[0].command_post.decision_period_s
    for t, tid in zip(eng["time_s"], eng["threat_id"], strict=True):
        if tid >= 0 and np.isfinite(end[int(tid)]):
            assert t <= end[int(tid)] + period + 1e-6
    # a miss "at launch" (value NaN at the engage time) never happens
    miss = (events["kind"] == "miss") & np.isnan(events["value"])
    launch = dict(zip(eng["interceptor_id"].tolist(), eng["time_s"].tolist(), strict=True))
    for i, t in zip(events["other_id"][miss], events["time_s"][miss], strict=True):
        assert t > launch[int(i)] + 1e-6


def test_cancelled_rounds_go_back_to_the_launcher(salvo_run):
    world, defense, _, _, eng = salvo_run
    store = world.interceptors
    cp = defense.command_posts[0]
    assert store.cancelled.any()  # the scenario does cut salvos short
    assert np.all(cp.commitments.returned[cp.commitments.cancelled])
    assert np.all(store.launched == ~store.cancelled)
    # every round is in a tube, in the reserve or spent (an engage row): none lost, none made up
    row = cp.report()
    held = row["rounds_in_tubes"] + row["rounds_in_reserve"]
    assert held + eng["interceptor_id"].size == 12  # 6 loaded + 6 in reserve
    assert row["interceptors_fired"] == eng["interceptor_id"].size
