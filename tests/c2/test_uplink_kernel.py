"""The compiled pass over the commitments (rounds to withdraw, rounds to uplink and their
tracks' picture rows) answers as its NumPy form."""

from pathlib import Path

import numpy as np
import pytest

from iads.c2 import uplink_kernel
from iads.c2.command_post import uplink_rows_numpy

pytestmark = pytest.mark.skipif(uplink_kernel.njit is None, reason="numba not installed")


def test_compiled_uplink_rows_are_the_numpy_forms():
    # random commitments (some done, launched, withdrawn, leaving before, at or after now)
    # against pictures holding some of their tracks (numbers unique, in any order; none)
    rng = np.random.default_rng(7)
    seen = {"gone": 0, "rows": 0, "neither": 0}
    for trial in range(2000):
        n_c, n_t = int(rng.integers(0, 12)), int(rng.integers(0, 15))
        t_s = float(rng.choice([0.0, 100.0, 100.25]))
        pool = rng.permutation(40)
        pic = pool[:n_t].astype(np.int64)
        args = (
            rng.random(n_c) < 0.4,
            rng.random(n_c) < 0.4,
            rng.random(n_c) < 0.2,
            t_s + rng.choice([-1.0, 0.0, 5e-10, 2e-9, 3.0], n_c),
            rng.choice(pool[: n_t + 5], n_c).astype(np.int64) if n_c else np.zeros(0, np.int64),
        )
        want = uplink_rows_numpy(*args, pic, t_s)
        got = uplink_kernel.uplink_rows(*args, pic, t_s)
        for a, b in zip(got, want, strict=True):
            assert a.dtype == np.int64 and np.array_equal(a, b), trial
        assert np.array_equal(pic[got[2]], args[4][got[1]])
        seen["gone"] += got[0].size > 0
        seen["rows"] += got[1].size > 0
        seen["neither"] += got[0].size == got[1].size == 0
    assert min(seen.values()) > 200


def test_a_run_is_the_same_with_either_form(monkeypatch):
    # the reference example, where rounds fly on uplinks and queued rounds are withdrawn
    from iads.c2 import command_post as cp_module
    from iads.scenario import load_scenario
    from iads.sim.run import run_scenario

    sc = load_scenario(Path(__file__).parents[2] / "examples" / "coastal_city.yaml")
    compiled = run_scenario(sc, seed=3, fidelity="fast")
    monkeypatch.setattr(cp_module, "USE_COMPILED_UPLINK", False)
    plain = run_scenario(sc, seed=3, fidelity="fast")
    assert plain.summary["interceptors_spent"] > 0
    for table in ("events", "threats", "engagements"):
        a, b = getattr(compiled, table), getattr(plain, table)
        for col in a:
            x, y = np.asarray(a[col]), np.asarray(b[col])
            assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), (table, col)
