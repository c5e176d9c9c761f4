"""The example scenarios load, and the small one runs (the no-defense baseline)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from iads.scenario import load_scenario
from iads.sim.run import run_scenario

EXAMPLES = Path(__file__).parents[1] / "examples"


@pytest.mark.parametrize("name", ["small.yaml", "coastal_city.yaml"])
def test_example_loads(name):
    sc = load_scenario(EXAMPLES / name)
    assert sc.batteries and sc.assets


def test_coastal_city_is_the_quick_start_raid():
    sc = load_scenario(EXAMPLES / "coastal_city.yaml")
    assert {a.name for a in sc.assets} == {"Port Aurel", "Vesna Air Base"}
    assert len(sc.batteries) == 1
    radars = {r.type for r in sc.batteries[0].radars}
    assert radars == {"91N6E-class", "92N6E-class"}
    loads = set().union(*(ls.loadout for ls in sc.batteries[0].launchers))
    assert loads == {"48N6-class", "40N6-class"}
    counts = {r.type: r.count for r in sc.raids}
    assert counts == {"subsonic-cruise-missile": 24, "one-way-attack-drone": 40}
    assert len({r.axis.bearing_deg for r in sc.raids}) == 2


def test_small_runs_and_every_threat_reaches_its_target():
    sc = load_scenario(EXAMPLES / "small.yaml")
    res = run_scenario(sc, defended=False)
    assert np.all(res.threats["reached"])
    assert res.end_time_s < sc.duration_s


def test_small_with_the_registered_defense_is_a_pure_function_of_the_seed():
    sc = load_scenario(EXAMPLES / "small.yaml")
    a, b = run_scenario(sc), run_scenario(sc)
    assert list(a.events["kind"]) == list(b.events["kind"])
    for col in ("time_s", "entity_id", "other_id", "x_m", "value"):
        np.testing.assert_array_equal(a.events[col], b.events[col])
    for key, value in a.summary.items():
        other = b.summary[key]
        assert value == other or (value != value and other != other), key  # NaN == NaN
