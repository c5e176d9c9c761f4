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


def test_simplify_keeps_corners_and_drops_only_points_within_tolerance():
    from iads.report.run_figures import simplify

    t = np.linspace(0.0, 1.0, 1001)
    assert simplify(100 * t, 50 * t, 1.0).tolist() == [0, 1000]  # a straight leg: its ends
    # an L: east 1 km then north 1 km, 1 m samples; the corner is the only inner point kept
    x = np.concatenate([np.arange(0, 1000.0), np.full(1001, 1000.0)])
    y = np.concatenate([np.zeros(1000), np.arange(0, 1001.0)])
    assert simplify(x, y, 5.0).tolist() == [0, 1000, 2000]
    # a sine: every dropped point within tol of the kept polyline (distance to segments)
    xs = np.linspace(0, 10_000.0, 2001)
    ys = 500 * np.sin(xs / 1000)
    keep = simplify(xs, ys, 10.0)
    assert 10 < keep.size < 200
    kx, ky = xs[keep], ys[keep]
    for px, py in zip(xs, ys, strict=True):
        ax, ay, bx, by = kx[:-1], ky[:-1], kx[1:], ky[1:]
        u = np.clip(((px - ax) * (bx - ax) + (py - ay) * (by - ay))
                    / ((bx - ax) ** 2 + (by - ay) ** 2), 0, 1)  # fmt: skip
        d = np.hypot(ax + u * (bx - ax) - px, ay + u * (by - ay) - py).min()
        assert d <= 10.0 + 1e-9


def test_replay_positions_follow_a_constant_velocity_path():
    from iads.report.run_figures import _by_id, positions_on

    # threat 7 flies x = 200 m/s * (t - 10) from t = 10 s to 60 s, y = 1 km; threat 8 is still
    # waiting (starts at 100 s)
    t = np.concatenate([np.arange(10, 61.0, 5.0), [100.0, 110.0]])
    table = {"threat_id": np.array([7] * 11 + [8, 8]), "time_s": t,
             "x_m": np.where(t < 100, 200 * (t - 10), 0.0), "y_m": np.full(t.size, 1000.0)}  # fmt: skip
    ids, xs, ys = positions_on(table, _by_id(table, "threat_id"), np.array([0.0, 12.5, 33.0, 60.0]))
    assert ids == [7, 8]
    assert np.isnan(xs[0]).all()  # nobody in the air before 10 s
    assert xs[1, 0] == pytest.approx(0.2 * 2.5) and xs[2, 0] == pytest.approx(0.2 * 23)
    assert ys[2, 0] == pytest.approx(1.0) and np.isnan(xs[3, 0])  # its last sample: landed
    assert np.isnan(xs[:, 1]).all()


def test_study_bars_count_replications_per_value():
    from iads.report.study_figures import _counts

    x, n = _counts(np.array([0, 2, 2, 5, 2, 0], float))
    assert x.tolist() == [0, 1, 2, 3, 4, 5] and n.tolist() == [2, 0, 3, 0, 0, 1]


def test_page_inlines_the_basic_bundle_unless_a_trace_needs_the_full_one():
    import plotly.graph_objects as go
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    from iads.report.page import Figure, plotly_js

    basic = plotly_js([Figure("a", "a", "", go.Figure(go.Scatter(x=[1], y=[1])))])
    assert f"plotly.js (basic - minified) v{get_plotlyjs_version()}" in basic[:200]
    assert len(basic) < len(get_plotlyjs()) / 3
    heat = Figure("h", "h", "", go.Figure(go.Heatmap(z=[[1, 2]])))
    assert plotly_js([heat]) == get_plotlyjs()
