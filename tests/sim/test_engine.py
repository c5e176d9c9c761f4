"""The engine: periods, edge cases, world clock, event log, random streams."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from iads.sim.engine import Engine, EventLog


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
