"""The engine: periods, edge cases, world clock, event log, random streams."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from iads.sim.engine import EPS_S, Engine, EventLog, _first_tick


@dataclass
class Recorder:
    name: str
    period_s: float
    calls: list[tuple[float, float]] = field(default_factory=list)

    def step(self, world, t_s, dt_s):
        self.calls.append((round(t_s, 9), round(dt_s, 9)))
        world.order.append(self.name)


@dataclass
class FakeWorld:
    t_s: float = -1.0
    order: list[str] = field(default_factory=list)


def test_each_system_acts_at_its_own_period_in_order():
    every, half, one = Recorder("every", 0.0), Recorder("half", 0.5), Recorder("one", 1.0)
    world = FakeWorld()
    end = Engine([every, half, one], tick_s=0.1, duration_s=2.0).run(world)
    assert end == pytest.approx(2.0)
    assert len(every.calls) == 20
    assert [t for t, _ in half.calls] == [0.0, 0.5, 1.0, 1.5]
    assert {dt for _, dt in half.calls} == {0.5}
    assert [t for t, _ in one.calls] == [0.0, 1.0]
    assert world.order[:3] == ["every", "half", "one"]
    assert world.t_s == pytest.approx(2.0)


def test_zero_duration_and_one_tick():
    rec = Recorder("r", 0.0)
    world = FakeWorld()
    assert Engine([rec], tick_s=0.1, duration_s=0.0).run(world) == 0.0
    assert rec.calls == [] and world.t_s == 0.0
    rec2 = Recorder("r", 0.0)
    assert Engine([rec2], tick_s=0.1, duration_s=0.1).run(FakeWorld()) == pytest.approx(0.1)
    assert rec2.calls == [(0.0, 0.1)]
    with pytest.raises(ValueError):
        Engine([rec], tick_s=0.0, duration_s=1.0)


def test_stop_ends_the_run_early_and_progress_is_reported():
    rec = Recorder("r", 0.0)
    seen = []
    end = Engine([rec], 0.5, 100.0, stop=lambda w, t: t >= 2.0).run(FakeWorld(), seen.append)
    assert end == pytest.approx(2.5)
    assert len(rec.calls) == 5
    assert seen[-1] == pytest.approx(2.5)


def test_a_run_stopped_and_resumed_at_first_tick_steps_as_one_uninterrupted_run():
    whole = [Recorder("every", 0.0), Recorder("half", 0.5)]
    Engine(whole, tick_s=0.1, duration_s=3.0).run(FakeWorld())
    parts = [Recorder("every", 0.0), Recorder("half", 0.5)]
    world = FakeWorld()
    t_s = Engine(parts, 0.1, 3.0, stop=lambda w, t: t >= 1.2 - 1e-9).run(world)
    assert t_s == pytest.approx(1.3)
    end = Engine(parts, 0.1, 3.0).run(world, first_tick=round(t_s / 0.1))
    assert end == pytest.approx(3.0) and world.t_s == pytest.approx(3.0)
    for a, b in zip(whole, parts, strict=True):
        assert a.calls == b.calls


def test_clock_does_not_drift_over_many_ticks():
    rec = Recorder("r", 60.0)
    Engine([rec], tick_s=0.1, duration_s=3600.0).run(FakeWorld())
    assert [t for t, _ in rec.calls] == [60.0 * k for k in range(60)]


def test_event_log_columns_sorted_by_time_and_broadcast():
    log = EventLog()
    log.record("b", np.array([3.0, 1.0]), np.array([7, 8]), other_id=2, value=0.5)
    log.record("a", 2.0, 9, pos_m=np.array([1.0, 2.0, 3.0]))
    log.record("empty", 0.0, np.empty(0, np.int64))
    cols = log.columns()
    assert list(cols["time_s"]) == [1.0, 2.0, 3.0]
    assert list(cols["kind"]) == ["b", "a", "b"]
    assert list(cols["entity_id"]) == [8, 9, 7]
    assert list(cols["other_id"]) == [2, -1, 2]
    assert cols["x_m"][1] == 1.0 and np.isnan(cols["x_m"][0])
    assert len(log) == 3
    empty = EventLog().columns()
    assert empty["time_s"].shape == (0,) and empty["entity_id"].dtype == np.int64


@dataclass
class Lazy(Recorder):
    due: list[float] = field(default_factory=list)

    def next_due_s(self, world, t_s):
        return min(self.due, default=float("inf"))  # work waits until a step does it

    def step(self, world, t_s, dt_s):
        super().step(world, t_s, dt_s)
        self.due = [d for d in self.due if d > t_s + 1e-9]


@dataclass
class Follower(Recorder):
    follows_clock: bool = True
    ends: list[float] = field(default_factory=list)

    def next_due_s(self, world, t_s):
        return min((e for e in self.ends if e > t_s), default=float("inf"))


def test_idle_ticks_are_skipped_and_the_followers_stepped_through_the_gap():
    runs = {}
    for skip in (False, True):
        lazy = Lazy("lazy", 0.0, due=[0.35, 0.37, 1.2])
        one = Recorder("one", 1.0)
        motion = Follower("motion", 0.0, ends=[0.84])
        end = Engine([one, lazy, motion], tick_s=0.1, duration_s=2.0, skip_idle=skip).run(
            FakeWorld()
        )
        runs[skip] = (end, one.calls, [t for t, _ in lazy.calls], motion)
    (end0, one0, lazy0, motion0), (end1, one1, lazy1, motion1) = runs[False], runs[True]
    assert end1 == end0 and one1 == one0
    assert lazy1 == [0.4, 1.2]  # the first tick at or after each due time (0.35 and 0.37)
    assert lazy0 == lazy1
    steps = [t for t, _ in motion1.calls]
    # ticks run: 0 and 10 (one), 4 and 12 (lazy), 8 (its step must cover the route end at
    # 0.84); the follower takes the step of each tick run and those of the two ticks before
    # the next one run
    assert steps == [0.0, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.8, 1.9]
    assert len(motion1.calls) < len(motion0.calls) == 20


def test_skipping_is_off_when_a_period_zero_system_cannot_say_when_it_is_due():
    every = Recorder("every", 0.0)
    motion = Follower("motion", 0.0)
    Engine([every, motion], tick_s=0.1, duration_s=1.0).run(FakeWorld())
    assert len(every.calls) == len(motion.calls) == 10


def test_a_follower_not_at_the_end_is_stepped_every_tick_and_the_others_keep_their_period():
    motion, one = Follower("motion", 0.0), Recorder("one", 1.0)
    Engine([motion, one], tick_s=0.1, duration_s=2.0).run(FakeWorld())
    assert one.calls == [(0.0, 1.0), (1.0, 1.0)]
    assert len(motion.calls) == 20


def test_a_stop_that_changes_at_a_tick_run_ends_the_run_in_the_same_state():
    @dataclass
    class Flag(Recorder):
        hit: bool = False

        def step(self, world, t_s, dt_s):
            super().step(world, t_s, dt_s)
            self.hit = t_s >= 1.5 - 1e-9

    out = []
    for skip in (False, True):
        flag, motion = Flag("flag", 0.5), Follower("motion", 0.0)
        end = Engine(
            [flag, motion],
            tick_s=0.1,
            duration_s=5.0,
            stop=lambda w, t, f=flag: f.hit,
            skip_idle=skip,
        ).run(FakeWorld())
        out.append((end, motion.calls[-1]))
    assert out[0] == out[1] == (pytest.approx(1.6), (1.5, 0.1))


@dataclass
class Snapshots:
    """A read-only recorder: the truth positions and the velocities one tick back."""

    name: str
    period_s: float
    rows: list = field(default_factory=list)

    def step(self, world, t_s, dt_s):
        th = world.threats
        prev = np.full_like(th.vel_mps, np.nan) if th.vel_prev_mps is None else th.vel_prev_mps
        self.rows.append(np.concatenate([th.pos_m, th.vel_mps, prev], axis=1))


def _tables(run):
    out = {f"events.{k}": v for k, v in run.events.items()}
    for name, table in run.tables.items():
        out.update({f"{name}.{k}": np.asarray(v) for k, v in table.items()})
    out.update({f"threats.{k}": np.asarray(v) for k, v in run.threats.items()})
    out.update({f"engagements.{k}": np.asarray(v) for k, v in run.engagements.items()})
    return out


def _same(a, b) -> list[str]:
    bad = sorted(a.keys() ^ b.keys())
    for k in a.keys() & b.keys():
        x, y = a[k], b[k]
        if x.dtype == object or y.dtype == object:
            ok = x.shape == y.shape and list(x.ravel()) == list(y.ravel())
        else:
            ok = x.shape == y.shape and np.array_equal(x, y, equal_nan=x.dtype.kind == "f")
        if not ok:
            bad.append(k)
    return bad


def _networked_with_events(tmp_path):
    from tests.c2.test_network import LINKS, _two_batteries

    return _two_batteries(
        tmp_path,
        {"mode": "networked", "coordination": True, "links": LINKS},
        [
            {"time_s": 31.3, "kind": "link_lost", "link": "N1 -> N2"},
            {"time_s": 47.05, "kind": "radar_off", "unit": "N2 radar"},
            {"time_s": 58.0, "kind": "radar_on", "unit": "N2 radar"},
            {"time_s": 75.0, "kind": "battery_destroyed", "unit": "N1"},
        ],
    )


@pytest.mark.parametrize(
    "case",
    ["small-full", "small-fast", "networked-events-full", "networked-events-fast"],
)
def test_a_run_is_the_same_with_and_without_skipping_idle_ticks(case, tmp_path, monkeypatch):
    """Bit for bit: every event, table, threat and engagement column and the end time."""
    import functools

    import iads.sim.run as run_module
    from iads.scenario.load import load_scenario

    monkeypatch.setenv("IADS_CACHE_DIR", str(tmp_path / "cache"))
    name, fidelity = case.rsplit("-", 1)
    root = Path(__file__).parents[2]
    sc = (
        _networked_with_events(tmp_path)
        if name == "networked-events"
        else load_scenario(root / "examples" / f"{name}.yaml")
    )
    gaps = []

    class Counting(Engine):
        def _next_tick(self, world, k, *args):
            nxt = super()._next_tick(world, k, *args)
            gaps.append(nxt - k)
            return nxt

    runs, snaps, worlds = [], [], []

    def attach(world, _defense, snap):
        worlds.append(world)
        return [snap]

    for skip in (False, True):
        monkeypatch.setattr(run_module, "Engine", functools.partial(Counting, skip_idle=skip))
        snap = Snapshots("snapshots", 0.7)
        runs.append(
            run_module.run_scenario(
                sc, seed=3, fidelity=fidelity, attach=functools.partial(attach, snap=snap)
            )
        )
        snaps.append(snap.rows)
    np.testing.assert_array_equal(snaps[0], snaps[1])  # the truth as the systems saw it
    # the rounds' own record: when each began its terminal phase (fast) and ended
    a, b = (w.interceptors for w in worlds)
    np.testing.assert_array_equal(a.term_time_s, b.term_time_s)
    np.testing.assert_array_equal(a.outcome_time_s, b.outcome_time_s)
    assert len(a) > 0
    assert max(gaps) >= 5  # it did skip (ticks of 0.1 s, nothing due for 0.5 s or more)
    assert runs[0].end_time_s == runs[1].end_time_s
    assert len(runs[0].events["time_s"]) > 0
    assert _same(_tables(runs[0]), _tables(runs[1])) == []


def _first_tick_by_search(t_due_s, tick_s, k_min, reach_s=0.0, slack_s=0.0):
    """``engine._first_tick`` without its shortcut for a time due already: the search."""
    if not math.isfinite(t_due_s):
        return 2**62
    j = max(k_min, math.ceil((t_due_s - reach_s - slack_s) / tick_s) - 1)
    while j * tick_s + reach_s + slack_s < t_due_s:
        j += 1
    return j


def test_first_tick_shortcut_gives_the_searchs_tick():
    """Due times on, just off and far from tick boundaries (and before ``k_min``), with the
    engine's reaches and slacks: the shortcut's tick is the search's."""
    rng = np.random.default_rng(7)
    ulp = np.nextafter
    cases = 0
    for tick in (0.1, 0.05, 1.0, 0.3, 1 / 3):
        for _ in range(400):
            k_min = int(rng.integers(0, 200_000))
            for reach, slack in ((0.0, EPS_S), (tick, 0.0), (0.0, 0.0)):
                edge = k_min * tick + reach + slack
                for t_due in (
                    edge,
                    ulp(edge, np.inf),
                    ulp(edge, -np.inf),
                    edge - tick * rng.uniform(0, 3),
                    edge + tick * rng.uniform(0, 3),
                    k_min * tick,
                    -np.inf,
                    np.inf,
                ):
                    got = _first_tick(float(t_due), tick, k_min, reach_s=reach, slack_s=slack)
                    want = _first_tick_by_search(float(t_due), tick, k_min, reach, slack)
                    assert got == want, (t_due, tick, k_min, reach, slack)
                    cases += got == k_min
    assert cases > 1000  # the shortcut answered often
