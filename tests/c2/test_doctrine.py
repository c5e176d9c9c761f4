"""Doctrine rules, against hand-worked cases."""

import numpy as np

from iads.c2 import doctrine


def test_rounds_per_target():
    assert doctrine.rounds_per_target("shoot_look_shoot", 4) == 1
    assert doctrine.rounds_per_target("salvo", 3) == 3


def test_eligible_needs_every_condition():
    n = 6
    first = np.array([0.0, 5.0, 0.0, 0.0, 0.0, 0.0])  # track 1 seen only 5 s ago
    flags = np.zeros((4, n), bool)
    flags[0, 2] = True  # engaged
    flags[1, 3] = True  # outcome within the look time
    flags[2, 4] = True  # assessed killed
    flags[3, 5] = True  # taken by another unit
    ok = doctrine.eligible(10.0, first, 8.0, *flags)
    assert ok.tolist() == [True, False, False, False, False, False]
    # reaction time reached exactly counts
    assert doctrine.eligible(13.0, first[1:2], 8.0, *np.zeros((4, 1), bool)).tolist() == [True]


def test_threatening_and_aircraft_anywhere():
    asset = np.array([0, -1, -1])
    kind = np.array([1, 0, 2])  # cruise missile, aircraft, drone
    assert doctrine.threatening(asset, kind, True).tolist() == [True, True, False]
    assert doctrine.threatening(asset, kind, False).tolist() == [True, False, False]


def test_rounds_available_keeps_the_reserve():
    assert doctrine.rounds_available(10, 3) == 7
    assert doctrine.rounds_available(2, 3) == 0


def test_cheapest_adequate_keeps_dear_rounds_for_hard_targets():
    # rows: two cheap rounds ($1M) and one dear ($4M); targets: easy, hard for the cheap one
    pk = np.array([[0.8, 0.2], [0.7, 0.0], [0.85, 0.9]])
    cost = np.array([1e6, 1e6, 4e6])
    out = doctrine.cheapest_adequate(pk, cost, tolerance=0.1)
    # against the easy target the dear round adds 0.05 <= 0.1 over the best cheap one: dropped;
    # against the hard one it adds 0.7: kept. Cheap rounds are never dropped.
    np.testing.assert_array_equal(out, [[0.8, 0.2], [0.7, 0.0], [0.0, 0.9]])
    assert np.array_equal(doctrine.cheapest_adequate(pk, cost, tolerance=0.0)[2], [0.85, 0.9])
