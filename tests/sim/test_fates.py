"""Fate reasons: a crafted scenario (tests/sim/data/fates.yaml) built so that each cell lets
its threats through for one known reason, checked against that construction."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from iads.scenario import load_scenario
from iads.sim.fates import _BLOCKERS, FATE_REASONS, _Battery
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


def _battery(launch_s, ready0, total, reload_s, reserve=0, destroyed_s=np.inf, end_s=None,
             tid=None, missiles=None, targets=None) -> _Battery:  # fmt: skip
    """A battery state set by hand: rounds launched at ``launch_s`` (s, table order), in the
    air until ``end_s`` (s, inf: never met), at threats ``tid``."""
    bat = object.__new__(_Battery)
    t0 = np.asarray(launch_s, float)
    bat.name, bat.reaction_s, bat.reserve = "X", 0.0, reserve
    bat.launch_s = np.sort(t0)
    t1 = np.full(t0.size, np.inf) if end_s is None else np.asarray(end_s, float)
    bat.flight = (t0, t1, np.zeros(t0.size, np.int64) if tid is None else np.asarray(tid))
    bat.ready0, bat.total, bat.reload_s = ready0, total, reload_s
    bat.missiles, bat.targets, bat.destroyed_s = missiles, targets, destroyed_s
    bat._steps = None
    return bat


def _probe_times(bat: _Battery, extra=()) -> np.ndarray:
    """Every time at which the state may change, either side of it, and a grid (s)."""
    t0, t1, _ = bat.flight
    edges = np.concatenate([t0, t1, t0 + bat.reload_s, [bat.destroyed_s], list(extra)])
    edges = edges[np.isfinite(edges)]
    grid = np.linspace(-5.0, (edges.max() if edges.size else 0.0) + 5.0, 997)
    return np.concatenate(
        [edges, np.nextafter(edges, -np.inf), np.nextafter(edges, np.inf), grid, [-1e9, 1e9]]
    )


def _agree(bat: _Battery, t: np.ndarray) -> None:
    want = [bat.blocker(float(x)) for x in t]
    got = bat.blockers(t)
    assert got.dtype.kind == "i" and got.shape == t.shape
    assert [None if k < 0 else _BLOCKERS[k] for k in got.tolist()] == want


def test_blockers_at_reload_and_channel_edges():
    # 2 in the tubes, 2 spare, reload 10 s: empty from the 2nd launch (1 s) until 11 s
    bat = _battery([0.0, 1.0], 2, 4, 10.0, end_s=[5.0, 8.0], missiles=1, targets=1)
    t = np.array([-1.0, 0.0, 0.5, 1.0, 10.999, 11.0, 12.0])
    assert [bat.blocker(float(x)) for x in t] == [
        None, "no_fire_channel", "no_fire_channel", "magazine_empty", "magazine_empty",
        None, None,
    ]  # fmt: skip
    _agree(bat, t)
    # a round up over [5, 8) s with one channel: busy from 5 s, free again at 8 s
    bat = _battery([5.0], 4, 4, 0.0, end_s=[8.0], missiles=1, targets=1)
    _agree(bat, np.array([4.999, 5.0, 7.999, 8.0, np.nextafter(8.0, 0.0)]))
    assert bat.blocker(5.0) == "no_fire_channel" and bat.blocker(8.0) is None
    # the reserve, then the last round, then destroyed
    bat = _battery([1.0, 2.0, 3.0], 3, 3, 0.0, reserve=1, destroyed_s=4.0)
    assert [bat.blocker(x) for x in (0.0, 2.0, 3.0, 4.0)] == [
        None, "reserve_held", "magazine_empty", "battery_destroyed",
    ]  # fmt: skip
    _agree(bat, _probe_times(bat))


@pytest.mark.parametrize("seed", range(300))
def test_blockers_match_blocker(seed):
    """The step table against ``blocker`` time by time, with ties: launches on a half-second
    grid, reloads landing on launches, zero-length flights, rounds never met."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 30))
    launch = rng.integers(0, 80, n) / 2.0
    ready0 = int(rng.integers(1, 7))
    total = ready0 + int(rng.integers(0, 2 * ready0 + 1))
    dur = rng.choice([0.0, 0.5, 1.0, 2.5, 7.0, np.inf], n)
    wide = rng.random() < 0.7
    bat = _battery(
        launch,
        ready0,
        total,
        float(rng.choice([0.0, 0.5, 1.5, 3.0, 10.0])),
        reserve=int(rng.integers(0, 4)),
        destroyed_s=float(rng.choice([np.inf, rng.integers(0, 90) / 2.0])),
        end_s=launch + dur,
        tid=rng.integers(0, 5, n),
        missiles=int(rng.integers(1, 5)) if wide else None,
        targets=int(rng.choice([1, 2, 3, 10**9])) if wide else None,
    )
    _agree(bat, _probe_times(bat))
    _agree(bat, np.array([np.inf, -np.inf, 3.0]))  # not all finite: time by time


def test_blockers_fall_back_when_the_table_does_not_hold():
    # a round "met" before its launch: the step table is not used, the answers still agree
    bat = _battery([2.0, 3.0], 1, 2, 1.0, end_s=[1.0, 9.0], tid=[0, 1], missiles=1, targets=1)
    assert not bat._exact()
    _agree(bat, _probe_times(bat))
    assert bat._steps is None  # answered time by time: the table was never built
