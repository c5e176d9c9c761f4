"""The interceptor store's kept parameters of the rounds in flight (``flying_params``): the
same rows and packing the fly-out would take itself, renewed when rows change or are added."""

from __future__ import annotations

import numpy as np
import pytest

from iads.engagement import flyout as fo
from iads.engagement.interceptors import InterceptorStore
from iads.messages import FireOrders


def _orders(n: int, name: str, first_id: int) -> FireOrders:
    rng = np.random.default_rng(first_id)
    pip = rng.uniform(-3e4, 3e4, (n, 3)) + [0.0, 0.0, 3e4]
    return FireOrders(
        time_s=np.zeros(n),
        order_id=first_id + np.arange(n),
        battery=np.zeros(n, np.int64),
        launcher_unit=np.zeros(n, np.int64),
        launcher=np.arange(n),
        bank_kind=np.zeros(n, np.int64),
        interceptor_type=np.full(n, name, dtype=object),
        radar=np.zeros(n, np.int64),
        track_number=np.arange(n),
        launch_time_s=np.zeros(n),
        tof_s=np.full(n, 30.0),
        pip_m=pip,
        aim_pos_m=pip,
        aim_vel_mps=np.zeros((n, 3)),
        aim_std_m=np.full(n, 50.0),
        planned_pk=np.full(n, 0.8),
    )


def test_flying_params_are_the_rows_params_and_their_packing(interceptors) -> None:
    pytest.importorskip("numba")
    names = sorted(interceptors)[:2]
    store = InterceptorStore()
    for k, name in enumerate(names):
        store.add(_orders(3, name, 10 * k), interceptors[name], np.zeros((3, 3)))
    rows = np.array([0, 2, 4, 5])
    params, packed = store.flying_params(rows)
    want = store.params.take(rows)
    for f in fo._PARAM_NAMES:
        np.testing.assert_array_equal(getattr(params, f), getattr(want, f))
    np.testing.assert_array_equal(packed, fo.packed_params(want))
    again = store.flying_params(rows.copy())
    assert again[0] is params and again[1] is packed  # kept for the same rows
    other = store.flying_params(rows[1:])
    assert len(other[0]) == 3 and other[1].shape[0] == 3
    store.add(_orders(2, names[0], 50), interceptors[names[0]], np.zeros((2, 3)))
    renewed, _ = store.flying_params(rows[1:])
    assert renewed is not other[0]  # rows added: taken again
    np.testing.assert_array_equal(
        renewed.launch_mass_kg, store.params.take(rows[1:]).launch_mass_kg
    )
