"""The local workers' warm-up: a valid scenario that exercises both fidelities' kernels, run in
the forkserver so that every worker starts with them loaded."""

from __future__ import annotations

import collections

import pytest

from iads.analysis.execute import PRELOAD, process_pool
from iads.analysis.warm import SCENARIO, warm_up
from iads.scenario.load import builtin_catalog
from iads.scenario.model import Scenario
from iads.sim.run import run_scenario
from tests.analysis.helpers import compiled_on_arrival


@pytest.mark.parametrize("fidelity", ["fast", "full"])
def test_the_warm_up_scenario_engages_in_each_fidelity(fidelity):
    # the warm-up is worth its time only if it reaches the engagement kernels (fly-out or
    # time-of-flight tables): detections, tracks, a launch and an intercept
    sc = Scenario.model_validate(SCENARIO)
    sc = sc.model_copy(update={"equipment": builtin_catalog().merged(sc.equipment)})
    kinds = collections.Counter(run_scenario(sc, seed=1, fidelity=fidelity).events["kind"])
    for kind in ("detect", "track", "launch", "intercept"):
        assert kinds[kind] > 0, f"{fidelity}: no {kind} event in the warm-up"


def test_warm_up_raises_nothing():
    warm_up()  # the module swallows errors at import (a head start only): they show here
    assert "iads.analysis.warm" in PRELOAD


def test_workers_arrive_with_the_kernels_compiled():
    # each worker is forked from the warmed forkserver: before running a replication it holds
    # the fly-out and motion kernels (a worker that imported only would hold none)
    got = list(process_pool([0, 1, 2, 3], compiled_on_arrival, workers=2))
    assert len(got) == 4
    for g in got:
        assert g["flyout"] >= 1 and g["motion"] >= 1 and g["states"] >= 1, g
        assert g["frame"] >= 1 and g["predict"] >= 1 and g["looks"] >= 1, g
        assert g["rotated"] >= 1 and g["motion pair"] >= 1 and g["uplink"] >= 1, g
        assert g["scoring frame"] >= 1 and g["homing"] >= 1 and g["intercept"] >= 1, g
        assert g["quiet"] >= 1 and g["picture"] >= 1 and g["scoring labels"] >= 1, g
        assert g["scoring sightings"] >= 1, g
