"""Confidence intervals against closed forms, a published worked example and SciPy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from iads.analysis.stats import bootstrap_mean_interval, wilson_interval


def test_wilson_matches_newcombe_worked_example():
    # Newcombe (1998), Stat. Med. 17:857, Table I example: 81 of 263 -> 0.2553 to 0.3662.
    lo, hi = wilson_interval(81, 263)
    assert lo == pytest.approx(0.2553, abs=5e-5)
    assert hi == pytest.approx(0.3662, abs=5e-5)


@pytest.mark.parametrize("k,n", [(0, 10), (1, 10), (5, 10), (10, 10), (3, 1000), (997, 1000)])
@pytest.mark.parametrize("level", [0.8, 0.95, 0.99])
def test_wilson_matches_scipy_binomtest(k, n, level):
    ref = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    lo, hi = wilson_interval(k, n, level)
    assert lo == pytest.approx(ref.low, abs=1e-12)
    assert hi == pytest.approx(ref.high, abs=1e-12)


def test_wilson_ends_are_exact_and_empty_is_undefined():
    assert wilson_interval(0, 7)[0] == 0.0
    assert wilson_interval(7, 7)[1] == 1.0
    assert all(math.isnan(v) for v in wilson_interval(0, 0))
    with pytest.raises(ValueError):
        wilson_interval(8, 7)


def test_bootstrap_mean_agrees_with_t_interval_on_normal_data():
    # For normal data the mean's t interval (closed form) is exact; the bootstrap interval
    # must approach it: ends within 5 % of the interval's width at n = 400.
    x = np.random.default_rng(11).normal(50.0, 8.0, 400)
    lo, hi, method = bootstrap_mean_interval(x)
    t_lo, t_hi = stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    width = t_hi - t_lo
    assert method == "bootstrap-bca"
    assert abs(lo - t_lo) < 0.05 * width and abs(hi - t_hi) < 0.05 * width


def test_bootstrap_mean_of_a_proportion_agrees_with_wilson():
    # 0/1 data: the mean is a proportion; at n = 500, p = 0.3 the bootstrap and Wilson intervals
    # agree to within 10 % of the width (both are close to the normal approximation there).
    x = np.zeros(500)
    x[:150] = 1.0
    lo, hi, _ = bootstrap_mean_interval(x)
    w_lo, w_hi = wilson_interval(150, 500)
    assert abs(lo - w_lo) < 0.1 * (w_hi - w_lo) and abs(hi - w_hi) < 0.1 * (w_hi - w_lo)


def test_bootstrap_is_deterministic_and_handles_degenerate_data():
    x = np.random.default_rng(3).exponential(2.0, 40)
    assert bootstrap_mean_interval(x) == bootstrap_mean_interval(x.copy())
    assert bootstrap_mean_interval(np.full(5, 3.0)) == (3.0, 3.0, "exact")
    lo, hi, method = bootstrap_mean_interval(np.array([1.0, np.nan]))
    assert method == "none" and math.isnan(lo) and math.isnan(hi)
    lo, hi, _ = bootstrap_mean_interval(np.array([1.0, 2.0, np.nan, 3.0]))
    assert 1.0 <= lo < 2.0 < hi <= 3.0  # NaN (undefined) values are left out


def test_import_in_background_loads_scipy_stats_in_a_fresh_process():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from iads.analysis.stats import import_in_background\n"
        "assert 'scipy.stats' not in sys.modules\n"
        "t = import_in_background()\n"
        "t.join(60)\n"
        "assert not t.is_alive() and 'scipy.stats' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
