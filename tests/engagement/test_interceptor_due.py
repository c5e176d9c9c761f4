"""``InterceptorSystem.next_due_s`` keeps the store's part between steps: it must be what a
fresh look at the store gives, at every call of a run, in both modes."""

from pathlib import Path

import numpy as np
import pytest

from iads.engagement.interceptors import InterceptorSystem
from iads.scenario.load import load_scenario
from iads.sim.run import simulate

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
