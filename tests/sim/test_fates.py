"""Fate reasons: a crafted scenario (tests/sim/data/fates.yaml) built so that each cell lets
its threats through for one known reason, checked against that construction."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from iads.scenario import load_scenario
from iads.sim.fates import FATE_REASONS
from iads.sim.run import run_scenario

SCENARIO = Path(__file__).parent / "data" / "fates.yaml"


@pytest.fixture(scope="module")
def result():
    return run_scenario(load_scenario(SCENARIO))


def _by_name(result) -> dict[str, tuple[str, str]]:
    th = result.threats
    return {
        str(n): (str(c), str(t))
        for n, c, t in zip(th["name"], th["fate_reason"], th["reason"], strict=True)
    }


def test_each_cell_fails_for_its_reason(result):
    why = _by_name(result)
    # A: the fighter's path stays 45 km from the launchers, the interceptor reaches 30 km
    assert why["Raider"][0] == "out_of_envelope"
    # B: 2 rounds in the tubes + 2 reloads, magazine_reserve 4: nothing may be fired
    assert why["B-1"][0] == "reserve_held"
    # C: no radar within 100 km, sea-skimming under every horizon
    assert why["C-1"][0] == why["C-2"][0] == "never_detected"
    # D: one ready round (its reload takes 30 min) for three missiles
    assert why["D-2"][0] == why["D-3"][0] == "magazine_empty"
    assert why["D-1"][0] in ("killed", "engaged_missed")


def test_reasons_are_known_codes_with_text(result):
    th = result.threats
    assert set(th["fate_reason"]) <= set(FATE_REASONS)
    assert all(str(t) for t in th["reason"])
    leaked = th["outcome"] == "reached"
    assert all(str(t).startswith("reached its target: ") for t in th["reason"][leaked])


def test_reasons_agree_with_the_tables(result):
    th = result.threats
    code = np.asarray(th["fate_reason"], dtype=object)
    assert np.all(np.isnan(th["first_detect_s"][code == "never_detected"]))
    engaged = np.isin(code, ["engaged_missed", "engaged_too_late", "killed"])
    assert np.all(th["interceptors"][~engaged] == 0)
    assert np.all(th["interceptors"][code == "engaged_missed"] > 0)


def test_summary_prints_reasons(tmp_path, result):
    from rich.console import Console

    from iads.commands.results import fate_counts, render_summary

    counts = fate_counts(result.threats)
    assert counts["never_detected"] == 2 and counts["magazine_empty"] == 2
    console = Console(record=True, width=140)
    render_summary(console, {"scenario_name": "x"}, result.summary, result.threats)
    text = console.export_text()
    assert "why threats reached their targets: " in text and "reserve held" in text
