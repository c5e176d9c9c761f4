"""Fire planning: never more rounds than missile channels, per-target limit, new targets
only while target channels last; infeasible pairs never fire."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.c2.fire_plan import plan_fire


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 12),
    st.integers(1, 6),
    st.integers(0, 8),
    st.integers(0, 5),
    st.integers(1, 3),
    st.integers(0, 2**31 - 1),
)
def test_plan_fire_respects_channels(n_r, n_t, missiles, targets, per_target, seed):
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    p = rng.uniform(0, 1, (n_r, n_t)) * (rng.random((n_r, n_t)) < 0.7)
    engaged = rng.random(n_t) < 0.3
    o = plan_fire(
        p,
        rng.uniform(1, 10, n_t),
        free_missile_channels=missiles,
        free_target_channels=targets,
        engaged=engaged,
        per_target=per_target,
    )
    assert o.row.size <= missiles
    assert np.unique(o.row).size == o.row.size
    assert np.all(np.bincount(o.target, minlength=n_t) <= per_target)
    new = np.setdiff1d(np.unique(o.target), np.flatnonzero(engaged))
    assert new.size <= targets
    assert np.all(p[o.row, o.target] > 0)
