"""``InterceptorSystem.next_due_s`` keeps the store's part between steps: it must be what a
fresh look at the store gives, at every call of a run, in both modes."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from iads.channels import Bus, Channel
from iads.config import EndGameSettings
from iads.engagement.interceptors import InterceptorSystem
from iads.scenario.load import load_scenario
from iads.sim.engine import EPS_S, EventLog
from iads.sim.run import simulate

from .test_interceptor_store import _orders

SMALL = Path(__file__).parents[2] / "examples" / "small.yaml"


@pytest.mark.parametrize("mode", ["fast", "full"])
def test_kept_due_time_is_a_fresh_ones(monkeypatch, mode):
    kept = InterceptorSystem.next_due_s
    calls = {"n": 0, "kept": 0, "finite": 0}

    def checked(self, world, t_s):
        calls["kept"] += self._due is not None
        got = kept(self, world, t_s)
        saved, self._due = self._due, None  # forget it: a fresh look
        fresh = kept(self, world, t_s)
        self._due = saved
        assert got == fresh or (np.isnan(got) and np.isnan(fresh)), (t_s, got, fresh)
        calls["n"] += 1
        calls["finite"] += bool(np.isfinite(got))
        return got

    monkeypatch.setattr(InterceptorSystem, "next_due_s", checked)
    world, _, _ = simulate(load_scenario(SMALL), seed=1, engagement=mode)
    ev = world.log.columns()
    assert np.count_nonzero(ev["kind"] == "intercept") >= 3  # rounds flew and ended
    assert calls["kept"] > calls["n"] // 3  # the kept part was used, often
    assert calls["finite"] > 10


@pytest.mark.parametrize("mode", ["fast", "full"])
def test_launches_skipped_only_when_none_is_due(monkeypatch, mode):
    """``step`` skips the launch test when the kept part shows no launch can be due: then
    the test itself must find none (every round queued launches later)."""
    kept = InterceptorSystem._none_to_launch
    calls = {"skipped": 0, "n": 0}

    def checked(due, store, t_s):
        skip = kept(due, store, t_s)
        queued = ~store.done & ~store.launched
        if skip:
            assert not np.any(queued & (store.launch_time_s <= t_s + 1e-9)), t_s
        calls["skipped"] += skip
        calls["n"] += 1
        return skip

    monkeypatch.setattr(InterceptorSystem, "_none_to_launch", staticmethod(checked))
    world, _, _ = simulate(load_scenario(SMALL), seed=1, engagement=mode)
    assert np.count_nonzero(world.log.columns()["kind"] == "engage") >= 3
    assert calls["skipped"] > 0


def test_rounds_queued_for_later_launch_at_their_times(interceptors):
    """Two rounds ordered at 0 s to launch at 0.55 and 2.05 s, the system stepped as the
    engine does (when ``next_due_s`` says, asking it before and after each step): each
    leaves at the first tick at or after its time, the kept part notwithstanding."""
    name = "48N6-class"
    inbox = Channel("orders")
    system = InterceptorSystem(
        inbox=inbox,
        bus=Bus(),
        types={name: interceptors[name]},
        launcher_pos_m=np.zeros((2, 3)),
        battery_names=["A"],
        settings=EndGameSettings(),
        mode="fast",
    )
    orders = _orders(2, name, 0)
    orders.launch_time_s[:] = [0.55, 2.05]
    inbox.send(0.0, orders)
    threats = SimpleNamespace(
        pos_m=np.zeros((1, 3)), vel_mps=np.zeros((1, 3)), vel_prev_mps=None, status=np.ones(1)
    )
    world = SimpleNamespace(interceptors=None, threats=threats, log=EventLog())
    launched_at = {}
    for k in range(40):
        t_s = 0.1 * k
        if system.next_due_s(world, t_s) <= t_s + EPS_S:
            system.step(world, t_s, 0.1)
            system.next_due_s(world, t_s)
        for i in np.flatnonzero(world.interceptors.launched):
            launched_at.setdefault(int(i), k)
    assert launched_at == {0: 6, 1: 21}
