"""Readiness: units drawn up with their availability, once per replication, from the seed."""

import copy

import numpy as np
import pytest
import yaml

from iads.engagement.battery import make_bank
from iads.scenario.load import load_scenario
from iads.sim.build import build_world
from iads.sim.defense import build_defense
from iads.sim.readiness import withhold_units
from iads.sim.run import run_scenario
from tests.c2.test_command_post import SCENARIO


def _scenario(tmp_path, radar=1.0, launcher=1.0, post=1.0, count=1):
    data = copy.deepcopy(SCENARIO)
    bat = data["batteries"][0]
    bat["radars"][0]["availability"] = radar
    bat["launchers"][0].update(availability=launcher, count=count)
    bat["command_post"]["availability"] = post
    path = tmp_path / f"ready-{radar}-{launcher}-{post}-{count}.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_scenario(path)


def _readiness(scenario, seed):
    world = build_world(scenario, seed)
    return build_defense(scenario, world, scenario.settings)


def test_fraction_up_matches_the_availability(tmp_path, monkeypatch):
    """Over 400 replications each unit is up a fraction A of them, within 4 binomial sd."""
    monkeypatch.setenv("IADS_CACHE_DIR", str(tmp_path / "cache"))
    sc = _scenario(tmp_path, radar=0.7, launcher=0.4, post=0.9, count=3)
    n = 400
    ups = np.array([_readiness(sc, seed).readiness["up"] for seed in range(n)])
    table = _readiness(sc, 0).readiness
    assert list(table["kind"]) == ["radar"] + ["launcher"] * 3 + ["command_post"]
    for col, a in enumerate(table["availability"]):
        assert abs(ups[:, col].mean() - a) <= 4 * np.sqrt(a * (1 - a) / n)
    # units are independent: launcher pairs agree as often as independence predicts
    both = (ups[:, 1] & ups[:, 2]).mean()
    assert abs(both - 0.16) <= 4 * np.sqrt(0.16 * 0.84 / n)


def test_same_seed_same_draws_and_state_applied(tmp_path, monkeypatch):
    monkeypatch.setenv("IADS_CACHE_DIR", str(tmp_path / "cache"))
    sc = _scenario(tmp_path, radar=0.5, launcher=0.5, post=0.5, count=3)
    for seed in range(12):
        a, b = _readiness(sc, seed), _readiness(sc, seed)
        np.testing.assert_array_equal(a.readiness["up"], b.readiness["up"])
        up = a.readiness["up"]
        assert a.radars[0].on == up[0]
        cp = a.command_posts[0]
        np.testing.assert_array_equal(cp.bank.rounds.sum(axis=1) > 0, up[1:4])
        assert cp.destroyed == (not up[4])


def test_a_battery_whose_only_radar_is_down_never_fires(tmp_path, monkeypatch):
    monkeypatch.setenv("IADS_CACHE_DIR", str(tmp_path / "cache"))
    run = run_scenario(_scenario(tmp_path, radar=0.0), engagement="fast")
    assert run.summary["detected"] == 0 and run.summary["interceptors_spent"] == 0
    assert list(run.tables["readiness"]["up"]) == [False, True, True]


def test_withheld_launchers_lose_rounds_and_their_reload_share():
    bank = make_bank([(0, np.zeros(3), 3, {"A": 4, "B": 2}, 2.0, 600.0)], reloads_per_unit=1)
    out = withhold_units(bank, np.array([1]))
    np.testing.assert_array_equal(out.rounds, [[4, 2], [0, 0], [4, 2]])
    np.testing.assert_array_equal(out.reserve, [8, 4])
    assert withhold_units(bank, np.array([], np.int64)) is bank


@pytest.mark.parametrize("bad", [1.5, -0.1])
def test_availability_outside_zero_one_is_refused(tmp_path, bad):
    from iads.errors import InputErrors

    with pytest.raises(InputErrors, match="availability"):
        _scenario(tmp_path, radar=bad)
