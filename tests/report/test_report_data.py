"""Report building blocks against closed forms and published tables.

- Wilson score interval: Newcombe (1998), Stat. Med. 17:857, Table I, method 3 (81/263:
  0.2553-0.3662; 15/148: 0.0624-0.1605; 0/20: 0-0.1611).
- Student-t interval: t(0.975, 4) = 2.776 (any t table), so the data 1..5 give 3 +- 1.963.
- A study store (``replications`` table, the documented layout) gives its sweep variable and a
  saturation curve whose means are the group means; a store without one has no study section.
"""

from __future__ import annotations

import numpy as np
import pytest

from iads.report.data import study_data, sweep_columns
from iads.report.format import money
from iads.report.run_figures import nice_step
from iads.report.stats import mean_interval, wilson_interval
from iads.report.study_figures import saturation_table


@pytest.mark.parametrize(
    ("k", "n", "lo", "hi"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611)],
)
def test_wilson_matches_newcombe_table(k, n, lo, hi):
    _, a, b = wilson_interval(k, n)
    assert a == pytest.approx(lo, abs=6e-5) and b == pytest.approx(hi, abs=6e-5)


def test_student_t_interval_from_the_table_quantile():
    m, lo, hi = mean_interval([1, 2, 3, 4, 5])
    half = 2.776 * np.sqrt(2.5) / np.sqrt(5)
    assert (
        m == 3
        and lo == pytest.approx(3 - half, abs=1e-3)
        and hi == pytest.approx(3 + half, abs=1e-3)
    )


def test_money_and_steps():
    assert money(35000) == "$35,000" and money(7.5e6) == "$7.50 M" and money(2e9) == "$2.00 B"
    assert money(float("nan")) == "-"
    assert nice_step(1000.0, 200) == 10.0 and nice_step(90.0, 200) == 1.0


def test_study_layout_gives_sweep_and_saturation():
    raid = np.repeat([8, 16, 32], 4)
    leak = np.array([0, 0, 1, 0, 1, 2, 0, 1, 4, 5, 3, 6], float)
    reps = {"replication": np.arange(12), "seed": np.arange(12), "raid_size": raid,
            "leakers": leak, "interceptors_spent": leak * 2 + 3}  # fmt: skip
    assert sweep_columns(reps) == ["raid_size"]
    rows = saturation_table(study_data({"replications": reps}))
    assert [r["x"] for r in rows] == [8, 16, 32]
    for r, x in zip(rows, (8, 16, 32), strict=True):
        assert r["mean"] == pytest.approx(leak[raid == x].mean())
        assert r["p_leak"] == pytest.approx((leak[raid == x] > 0).mean())
        assert r["lo"] <= r["mean"] <= r["hi"]
    assert study_data({"runs": {"run_id": np.array(["a"])}}) is None
