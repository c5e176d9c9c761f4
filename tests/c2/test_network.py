"""Two point-defence batteries side by side: networked with engagement status they never have
rounds in the air at one threat together; with every link lost from the start they fight
exactly like standalone batteries."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from iads.scenario.load import load_scenario
from iads.sim.run import run_scenario

from .test_command_post import SCENARIO


def _two_batteries(tmp_path, network=None, events=()):
    data = copy.deepcopy(SCENARIO)
    second = copy.deepcopy(data["batteries"][0])
    second["name"] = "N2"
    for site in second["radars"] + second["launchers"]:
        site["name"] = site["name"].replace("N1", "N2")
        site["position"]["lon_deg"] += 0.01
    data["batteries"].append(second)
    data["raids"][0]["count"] = 6
    if network is not None:
        data["network"] = network
    data["events"] = list(events)
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_scenario(path)


LINKS = [
    {"from": "N1", "to": "N2", "latency_s": 0.5, "period_s": 1.0},
    {"from": "N2", "to": "N1", "latency_s": 0.5, "period_s": 1.0},
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("net")
    mp = pytest.MonkeyPatch()
    mp.setenv("IADS_CACHE_DIR", str(tmp / "cache"))
    coordinated = run_scenario(
        _two_batteries(tmp, {"mode": "networked", "coordination": True, "links": LINKS}),
        engagement="fast",
    )
    lost = run_scenario(
        _two_batteries(
            tmp,
            {"mode": "networked", "coordination": True, "links": LINKS},
            [
                {"time_s": 0, "kind": "link_lost", "link": "N1 -> N2"},
                {"time_s": 0, "kind": "link_lost", "link": "N2 -> N1"},
            ],
        ),
        engagement="fast",
    )
    standalone = run_scenario(_two_batteries(tmp), engagement="fast")
    mp.undo()
    return coordinated, lost, standalone


def test_coordination_cuts_double_engagements(runs):
    """Engagement status over the links stops most double engagements. Not all: two posts
    that decide on one track in the same second, before either's status has crossed the link
    (0.5 s), both fire (a real race; an intent hold before launch is not modelled yet)."""
    coordinated, _, standalone = runs
    eng = coordinated.engagements
    assert len(np.unique(eng["battery"])) == 2, "both batteries fought"
    assert coordinated.summary["double_engagements"] < standalone.summary["double_engagements"]
    assert coordinated.tables["links"]["rows_sent"].sum() > 0


def test_standalone_batteries_fight_alone(runs):
    """Without a network two batteries know nothing of each other's engagements: both fight,
    and they engage some threats together."""
    _, _, standalone = runs
    assert len(np.unique(standalone.engagements["battery"])) == 2
    assert standalone.summary["double_engagements"] > 0
    assert "links" not in standalone.tables


def test_all_links_lost_behaves_like_standalone(runs):
    _, lost, standalone = runs
    for key in ("kills", "leakers", "interceptors_spent", "double_engagements"):
        assert lost.summary[key] == standalone.summary[key]
    assert list(lost.threats["outcome"]) == list(standalone.threats["outcome"])
    np.testing.assert_array_equal(
        lost.engagements["launch_time_s"], standalone.engagements["launch_time_s"]
    )
    assert lost.tables["links"]["rows_sent"].sum() == 0
    assert list(lost.tables["degradation"]["kind"]) == ["link_lost", "link_lost"]
