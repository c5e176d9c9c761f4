"""Message batches: select and concat build them without the frozen __init__ (messages.built),
which holds only while no message type runs a __post_init__ or has non-init fields."""

from __future__ import annotations

import dataclasses

import numpy as np

from iads import messages


def _types():
    todo, out = list(messages.Batch.__subclasses__()), []
    while todo:
        c = todo.pop()
        out.append(c)
        todo.extend(c.__subclasses__())
    return out


def test_no_message_type_needs_its_init():
    import iads.sim.run  # noqa: F401 - every message type in use is defined by now

    assert len(_types()) >= 10
    for cls in _types():
        assert not hasattr(cls, "__post_init__"), cls
        assert all(f.init for f in dataclasses.fields(cls)), cls
        assert "__slots__" not in cls.__dict__, cls


def test_select_and_concat_are_the_constructed_batches():
    rng = np.random.default_rng(2)
    k = 6
    r = messages.TrackReports(
        time_s=np.arange(k, dtype=float),
        source_unit=np.zeros(k, dtype=np.int64),
        track_number=np.arange(k, dtype=np.int64) + 10,
        x=rng.normal(size=(k, 6)),
        P=np.broadcast_to(np.eye(6), (k, 6, 6)).copy(),
        quality=np.ones(k),
        identity=np.zeros(k, dtype=np.int8),
        t_confirmed_s=np.zeros(k),
    )
    _ = r.position_std_m  # cached: must not carry over to a selection
    mask = np.array([True, False, True, True, False, True])
    got = r.select(mask)
    want = messages.TrackReports(**{n: getattr(r, n)[mask] for n in messages._names(type(r))})
    for n in messages._names(type(r)):
        a, b = getattr(got, n), getattr(want, n)
        assert a.dtype == b.dtype and np.array_equal(a, b), n
    assert "position_std_m" not in got.__dict__
    np.testing.assert_array_equal(got.position_std_m, np.sqrt(np.full(4, 3.0)))
    both = messages.TrackReports.concat([got, r.select(~mask)])
    assert type(both) is messages.TrackReports and len(both) == k
    np.testing.assert_array_equal(both.track_number, [10, 12, 13, 15, 11, 14])
