"""Track management: M-of-N against an explicit sliding-window count, deletion rules,
initiation covariances against closed forms, capacity."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.tracking import management as mgmt
from iads.tracking.measurement import polar_measure, polar_noise_cov, polar_to_cartesian

from .conftest import make_rng


def _one_track() -> mgmt.TrackTable:
    z = np.array([[50e3, 1.0, 0.05]])
    R = polar_noise_cov(50.0, 0.0035, 0.0035)
    return mgmt.initiate_one_point(z, R, np.zeros(3), 300.0, 0.0, first_id=7)


@settings(max_examples=80, deadline=None)
@given(
    history=st.lists(st.booleans(), min_size=1, max_size=12),
    m=st.integers(1, 4),
    extra=st.integers(0, 3),
)
def test_m_of_n_matches_sliding_window(history: list[bool], m: int, extra: int) -> None:
    n = m + extra
    table = mgmt.confirm(_one_track(), m, n, 0.0)  # created with one hit at scan 0
    full = [True]
    confirmed = m == 1
    for k, hit in enumerate(history, start=1):
        table = mgmt.record_scan(table, [hit], float(k))
        table = mgmt.confirm(table, m, n, float(k))
        full.append(hit)
        was = confirmed
        confirmed = confirmed or sum(full[-n:]) >= m  # reference: explicit window count
        assert bool(table.confirmed[0]) == confirmed
        if confirmed and not was:
            assert table.t_confirmed_s[0] == k
        hopeless = not confirmed and sum(full[-n:]) + max(n - len(full), 0) < m
        dead = mgmt.deletion_mask(table, m, n, delete_misses=99, max_position_std_m=1e9)
        assert bool(dead[0]) == hopeless
        if hopeless:
            break


def test_confirmed_track_deleted_after_consecutive_misses() -> None:
    table = mgmt.confirm(_one_track(), 1, 1, 0.0)
    for k, hit in enumerate([False, False, True, False, False], start=1):
        table = mgmt.record_scan(table, [hit], float(k))
        assert not mgmt.deletion_mask(table, 1, 1, 3, 1e9)[0]
    table = mgmt.record_scan(table, [False], 6.0)
    assert mgmt.deletion_mask(table, 1, 1, 3, 1e9)[0]
    assert table.misses[0] == 3
    assert table.t_update_s[0] == 3.0


def test_covariance_growth_deletes() -> None:
    table = mgmt.confirm(_one_track(), 1, 1, 0.0)
    std = float(table.position_std_m[0])
    assert not mgmt.deletion_mask(table, 1, 1, 3, std * 1.01)[0]
    assert mgmt.deletion_mask(table, 1, 1, 3, std * 0.99)[0]


def test_one_point_initiation_closed_form() -> None:
    rng = make_rng(71)
    sensor = np.array([10.0, -20.0, 5.0])
    pos = rng.uniform(-5e4, 5e4, (5, 3))
    z = polar_measure(pos, sensor)
    R = polar_noise_cov(50.0, 0.003, 0.004)
    t = mgmt.initiate_one_point(z, R, sensor, 250.0, 12.0, first_id=100)
    np.testing.assert_allclose(t.x[:, 0:3], pos, atol=1e-6)
    np.testing.assert_array_equal(t.x[:, 3:6], 0.0)
    np.testing.assert_array_equal(t.track_id, np.arange(100, 105))
    # position block = J R J' (first order); for range-only noise it is sigma_r^2 u u'
    Rr = polar_noise_cov(50.0, 0.0, 0.0)
    t2 = mgmt.initiate_one_point(z, Rr, sensor, 250.0, 12.0, first_id=0)
    u = (pos - sensor) / np.linalg.norm(pos - sensor, axis=1)[:, None]
    np.testing.assert_allclose(t2.P[:, 0:3, 0:3], 2500.0 * u[:, :, None] * u[:, None, :], atol=1e-6)
    np.testing.assert_allclose(t.P[:, 3:6, 3:6], np.broadcast_to(250.0**2 * np.eye(3), (5, 3, 3)))
    assert np.all(t.status == mgmt.TENTATIVE) and np.all(t.hits == 1)


def test_two_point_differencing_closed_form() -> None:
    sensor = np.zeros(3)
    p1 = np.array([[30e3, 40e3, 3e3], [-60e3, 10e3, 5e3]])
    v = np.array([[200.0, -100.0, 0.0], [-150.0, 0.0, 10.0]])
    dt = 4.0
    p2 = p1 + v * dt
    R = polar_noise_cov(50.0, 0.0035, 0.0035)
    _, C1 = polar_to_cartesian(polar_measure(p1, sensor), sensor, R)
    _, C2 = polar_to_cartesian(polar_measure(p2, sensor), sensor, R)
    far = np.array([[0.0, -90e3, 1e3]])  # no partner within 1000 m/s * 4 s
    table, used = mgmt.initiate_two_point(
        p1, C1, 0.0, np.vstack([p2, far]), np.concatenate([C2, C2[:1]]), dt, 1000.0, 1
    )
    assert sorted(used.tolist()) == [0, 1]
    order = np.argsort(used)
    np.testing.assert_allclose(table.x[order, 3:6], v, atol=1e-9)
    np.testing.assert_allclose(table.P[order][:, 3:6, 3:6], (C1 + C2) / dt**2, rtol=1e-12)
    np.testing.assert_allclose(table.P[order][:, 0:3, 3:6], C2 / dt, rtol=1e-12)
    assert np.all(table.n_scans == 2)


def test_select_concat_do_not_mutate() -> None:
    a = _one_track()
    b = mgmt.initiate_one_point(np.array([[20e3, 2.0, 0.1]]), np.eye(3), np.zeros(3), 1.0, 0.0, 8)
    x_before = a.x.copy()
    c = mgmt.concat(a, b)
    assert len(c) == 2 and c.track_id.tolist() == [7, 8]
    d = mgmt.select(c, np.array([False, True]))
    d.x[0, 0] = -1.0
    np.testing.assert_array_equal(a.x, x_before)
    assert c.x[1, 0] != -1.0


@pytest.mark.parametrize("bits", [0b1011, 0b1111, 0b0001])
def test_window_hits_popcount(bits: int) -> None:
    t = mgmt.TrackTable(
        **{**mgmt.select(_one_track(), [0]).__dict__, "hits": np.array([bits], np.uint32)}
    )
    m = bin(bits & 0b111).count("1")
    assert bool(mgmt.confirm(t, m, 3, 0.0).confirmed[0])
    assert not bool(mgmt.confirm(t, m + 1, 3, 0.0).confirmed[0])


def test_tentative_deleted_after_consecutive_misses_when_asked() -> None:
    table = _one_track()
    table = mgmt.record_scan(table, [False], 1.0)
    assert not mgmt.deletion_mask(table, 3, 32, 3, 1e9, tentative_delete_misses=2)[0]
    table = mgmt.record_scan(table, [True], 2.0)
    table = mgmt.record_scan(table, [False], 3.0)
    assert not mgmt.deletion_mask(table, 3, 32, 3, 1e9, tentative_delete_misses=2)[0]
    table = mgmt.record_scan(table, [False], 4.0)
    assert mgmt.deletion_mask(table, 3, 32, 3, 1e9, tentative_delete_misses=2)[0]
    assert not mgmt.deletion_mask(table, 3, 32, 3, 1e9)[0]  # 2 of 5 so far: still possible


def test_record_scan_only_for_scored_tracks() -> None:
    table = mgmt.concat(_one_track(), _one_track())
    out = mgmt.record_scan(table, [False, True], 4.0, scored=[False, True])
    assert out.hits.tolist() == [1, 3] and out.n_scans.tolist() == [1, 2]
    assert out.misses.tolist() == [0, 0] and out.t_update_s.tolist() == [0.0, 4.0]
    out = mgmt.record_scan(out, [False, False], 8.0, scored=[True, False])
    assert out.hits.tolist() == [2, 3] and out.misses.tolist() == [1, 0]


def test_evolve_is_dataclasses_replace_for_the_tracker_records():
    # the same fields and values as dataclasses.replace, the original untouched, unknown
    # names and score=None refused (TrackTable's __post_init__ would fill the score)
    import dataclasses

    from iads.tracking.management import evolve
    from iads.tracking.tracker import TrackerState

    t = mgmt.concat(_one_track(), _one_track())
    for changes in ({}, {"x": t.x + 1.0}, {"score": np.arange(2.0), "extra": {"a": np.ones(2)}}):
        got, want = evolve(t, **changes), dataclasses.replace(t, **changes)
        assert type(got) is mgmt.TrackTable and got is not t
        for f in dataclasses.fields(mgmt.TrackTable):
            a, b = getattr(got, f.name), getattr(want, f.name)
            assert (
                (a.keys() == b.keys())
                if isinstance(a, dict)
                else np.array_equal(a, b, equal_nan=True)
            )
    assert np.array_equal(t.x, mgmt.concat(_one_track(), _one_track()).x)
    s = TrackerState(table=t, t_s=1.0)
    assert evolve(s, t_s=2.0) == dataclasses.replace(s, t_s=2.0)
    with pytest.raises(TypeError):
        evolve(t, bogus=1)
    with pytest.raises(TypeError):
        evolve(t, score=None)


def _random_table(rng: np.random.Generator, n: int) -> mgmt.TrackTable:
    return mgmt.TrackTable(
        x=rng.normal(size=(n, 6)),
        P=rng.normal(size=(n, 6, 6)),
        track_id=rng.permutation(n).astype(np.int64),
        status=rng.integers(0, 2, n).astype(np.int8),
        hits=rng.integers(0, 2**32, n, dtype=np.uint32),
        n_scans=rng.integers(0, 9, n),
        misses=rng.integers(0, 9, n),
        t_created_s=rng.random(n),
        t_update_s=rng.random(n),
        t_confirmed_s=np.where(rng.random(n) < 0.5, np.nan, rng.random(n)),
        score=rng.normal(size=n),
        extra={"mu": rng.random((n, 2)), "mode_P": rng.random((n, 2, 7, 7))},
    )


def _same_table(got: mgmt.TrackTable, want: mgmt.TrackTable) -> None:
    assert type(got) is mgmt.TrackTable and got.__dict__.keys() == want.__dict__.keys()
    for f in dataclasses.fields(mgmt.TrackTable):
        a, b = getattr(got, f.name), getattr(want, f.name)
        if isinstance(a, dict):
            assert a.keys() == b.keys()
            for k in a:
                assert a[k].dtype == b[k].dtype and np.array_equal(a[k], b[k])
        else:
            assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)


@pytest.mark.parametrize("n", [0, 1, 7])
def test_select_and_concat_are_the_tables_init_builds(n: int) -> None:
    # built without TrackTable's __init__: the same fields, dtypes and values as the
    # reference forms, for masks, indices and slices; a mask of the wrong length refused
    rng = make_rng(40, n)
    a, b = _random_table(rng, n), _random_table(rng, 3)
    mask = rng.random(n) < 0.5
    for index in (mask, np.flatnonzero(mask), slice(1, None), np.zeros(min(n, 2), np.int64)):
        idx = index if isinstance(index, slice) else np.asarray(index)
        want = mgmt.TrackTable(
            **{f: getattr(a, f)[idx] for f in mgmt._ROW_FIELDS},
            extra={k: v[idx] for k, v in a.extra.items()},
        )
        _same_table(mgmt.select(a, index), want)
    want = mgmt.TrackTable(
        **{f: np.concatenate([getattr(a, f), getattr(b, f)]) for f in mgmt._ROW_FIELDS},
        extra={k: np.concatenate([a.extra[k], b.extra[k]]) for k in a.extra},
    )
    _same_table(mgmt.concat(a, b), want)
    with pytest.raises(IndexError):
        mgmt.select(a, np.ones(n + 1, dtype=bool))
    with pytest.raises(dataclasses.FrozenInstanceError):
        mgmt.select(a, mask).x = a.x


@pytest.mark.parametrize(
    "rows",
    [[], [3], [0, 2, 5], [5, 2], [2, 2, 4], [-1, 5], [-6, 0], [0, 1, 2, 3, 4, 5]],
)
def test_add_score_is_add_at(rows: list[int]) -> None:
    # distinct increasing rows take the fancy-index path: the same sums as np.add.at, which
    # repeated, unordered or negative rows still use
    rng = make_rng(41, len(rows))
    table = _random_table(rng, 6)
    delta = rng.normal(size=len(rows))
    want = table.score.copy()
    np.add.at(want, np.asarray(rows, dtype=np.int64), delta)
    got = mgmt.add_score(table, rows, delta)
    assert np.array_equal(got.score, want)
    want = table.score.copy()
    np.add.at(want, np.asarray(rows, dtype=np.int64), 0.5)
    assert np.array_equal(mgmt.add_score(table, rows, 0.5).score, want)
    with pytest.raises(IndexError):
        mgmt.add_score(table, [1, 6], [1.0, 1.0])


@pytest.mark.parametrize("k", [0, 1, 5])
def test_one_point_initiation_is_its_reference_form(k: int) -> None:
    # the table built without __init__ (filled columns, the cached velocity block) against
    # TrackTable(...) of np.full columns and np.eye
    rng = make_rng(42, k)
    z = np.column_stack([rng.uniform(1e3, 9e4, k), rng.uniform(0, 6.3, k), rng.uniform(0, 1, k)])
    R = polar_noise_cov(rng.uniform(10, 50, k), 1e-3, 2e-3)
    s = rng.normal(size=3)
    pos, C = polar_to_cartesian(z, s, R)
    x = np.zeros((k, 6))
    x[:, 0:3] = pos
    P = np.zeros((k, 6, 6))
    P[:, 0:3, 0:3] = C
    P[:, 3:6, 3:6] = np.eye(3) * 250.0**2
    want = mgmt.TrackTable(
        x=x,
        P=P,
        track_id=9 + np.arange(k, dtype=np.int64),
        status=np.full(k, mgmt.TENTATIVE, np.int8),
        hits=np.ones(k, np.uint32),
        n_scans=np.ones(k, np.int64),
        misses=np.zeros(k, np.int64),
        t_created_s=np.full(k, 4.5),
        t_update_s=np.full(k, 4.5),
        t_confirmed_s=np.full(k, np.nan),
        score=np.zeros(k),
    )
    _same_table(mgmt.initiate_one_point(z, R, s, 250.0, 4.5, 9), want)
    got = mgmt.initiate_one_point(z, R, s, 250.0, 4.5, 9)
    got.P[:, 3, 3] = 0.0  # the cached block is copied in, never shared
    _same_table(mgmt.initiate_one_point(z, R, s, 250.0, 4.5, 9), want)
