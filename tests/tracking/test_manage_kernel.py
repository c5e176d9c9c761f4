"""The compiled end of a scan (``manage_kernel``) against the NumPy steps, bit for bit."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from iads.tracking import management as mgmt
from iads.tracking import tracker as trk
from iads.tracking.tracker import TrackerConfig, TrackerState

pytest.importorskip("numba")


def _table(rng: np.random.Generator, n: int) -> mgmt.TrackTable:
    """Tracks of every kind: young and old, tentative and confirmed, long histories with the
    top bit set (the shift drops it), spreads around the deletion limit, a NaN covariance."""
    x = rng.normal(0.0, 1e4, (n, 6))
    A = rng.normal(0.0, 1.0, (n, 6, 6))
    P = A @ np.swapaxes(A, 1, 2) * rng.choice([1e2, 1e6, 1e7], n)[:, None, None]
    if n:
        P[0] = np.nan
    status = rng.choice([mgmt.TENTATIVE, mgmt.CONFIRMED], n).astype(np.int8)
    hits = rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32)
    hits[: n // 4] |= np.uint32(1 << 31)
    t_conf = np.where(status == mgmt.CONFIRMED, rng.uniform(0.0, 50.0, n), np.nan)
    return mgmt.TrackTable(
        x=x,
        P=P,
        track_id=np.arange(n, dtype=np.int64) + 1,
        status=status,
        hits=hits,
        n_scans=rng.integers(1, 8, n),
        misses=rng.integers(0, 5, n),
        t_created_s=rng.uniform(0.0, 50.0, n),
        t_update_s=rng.uniform(0.0, 50.0, n),
        t_confirmed_s=t_conf,
        score=rng.normal(0.0, 5.0, n),
        extra={"mu": rng.uniform(0.0, 1.0, (n, 2)), "mode_P": rng.normal(size=(n, 2, 7, 7))},
    )


def _same(a: mgmt.TrackTable, b: mgmt.TrackTable) -> None:
    for f in dataclasses.fields(mgmt.TrackTable):
        u, v = getattr(a, f.name), getattr(b, f.name)
        if f.name == "extra":
            assert u.keys() == v.keys()
            for k in u:
                np.testing.assert_array_equal(u[k], v[k], strict=True)
        else:
            np.testing.assert_array_equal(u, v, strict=True)


@pytest.mark.parametrize("tentative_delete_misses", [None, 2])
@pytest.mark.parametrize("n", [0, 1, 40, 300])
def test_compiled_manage_equals_steps(n: int, tentative_delete_misses: int | None) -> None:
    rng = np.random.default_rng(n + 7 * (tentative_delete_misses or 0))
    config = TrackerConfig(
        confirmation="m_of_n",
        compiled=True,
        confirm_m=2,
        confirm_n=3,
        max_position_std_m=4000.0,
        tentative_delete_misses=tentative_delete_misses,
    )
    state = TrackerState(table=_table(rng, n), t_s=10.0)
    for t_s in (12.5, 14.0):  # the second scan on the first one's result
        k = len(state.table)
        hit, record = rng.random(k) < 0.5, rng.random(k) < 0.8
        ref = trk._manage_steps(config, state, t_s, hit, record)
        got = trk.tracker_manage(config, state, t_s, hit, record)
        _same(got.table, ref.table)
        if n >= 40 and t_s == 12.5:  # not trivial: some deleted, some confirmed, some kept
            assert 0 < len(ref.table) < n
            assert (ref.table.t_confirmed_s == t_s).any()
        state = ref


def test_score_confirmation_runs_the_steps() -> None:
    """Score confirmation is not compiled: the steps' result, whatever the flag."""
    rng = np.random.default_rng(3)
    config = TrackerConfig(confirmation="score", compiled=True)
    state = TrackerState(table=_table(rng, 50), t_s=1.0)
    hit, record = rng.random(50) < 0.5, np.ones(50, dtype=bool)
    _same(
        trk.tracker_manage(config, state, 2.0, hit, record).table,
        trk._manage_steps(config, state, 2.0, hit, record).table,
    )
