"""A baseline study shared by the tests: the tiny scenario, 4 replications, in this process."""

from __future__ import annotations

import pytest

from iads.analysis.study import mc_spec, run_study
from iads.scenario import load_scenario
from tests.analysis.helpers import TINY

RUNS = 4


@pytest.fixture(scope="session")
def tiny():
    return load_scenario(TINY)


@pytest.fixture(scope="session")
def baseline(tiny, tmp_path_factory):
    """A fast-fidelity study of ``RUNS`` replications run serially (the reference)."""
    out = tmp_path_factory.mktemp("baseline") / "study"
    run_study(mc_spec(tiny, RUNS, fidelity="fast"), out, workers=1)
    return out
