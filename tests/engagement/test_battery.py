"""Battery: never fires more rounds than it holds, never guides more than its channels."""

import numpy as np
import pytest

from iads.c2.fire_plan import plan_fire
from iads.engagement.battery import (
    fire,
    first_reload_due_s,
    make_bank,
    next_ready_s,
    update_reloads,
    weapon_rows,
)


def bank(count=2, load=None, interval=3.0, reload=600.0, reloads=1):
    load = {"A": 4, "B": 1} if load is None else load
    return make_bank([(0, np.zeros(3), count, load, interval, reload)], reloads_per_unit=reloads)


def test_make_bank_and_rows():
    b = bank()
    assert b.type_names == ("A", "B") and b.n_units == 2
    np.testing.assert_array_equal(b.rounds, [[4, 1], [4, 1]])
    np.testing.assert_array_equal(b.reserve, [8, 2])
    u, k = weapon_rows(b, 0.0, per_unit=3)
    np.testing.assert_array_equal(u, [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(k, [0, 0, 0, 0, 0, 0])


def test_fire_staggers_and_refuses_overdraw():
    b = bank(count=1)
    b2, t = fire(b, np.array([0, 0]), np.array([0, 1]), 10.0)
    np.testing.assert_allclose(t, [10.0, 13.0])
    np.testing.assert_array_equal(b2.rounds, [[3, 0]])
    assert weapon_rows(b2, 15.9, 2)[0].size == 0  # busy until 16 s
    assert weapon_rows(b2, 16.0, 2)[0].size == 2
    with pytest.raises(ValueError, match="exceed the rounds"):
        fire(b2, np.array([0]), np.array([1]), 20.0)
    np.testing.assert_array_equal(b.rounds, [[4, 1]])  # input untouched


def test_reload_from_reserve_only():
    b = bank(count=1, load={"A": 2}, reload=100.0, reloads=1)
    b, _ = fire(b, np.array([0, 0]), np.array([0, 0]), 0.0)
    b = update_reloads(b, 5.0)
    assert b.reload_done_s[0] == pytest.approx(105.0)
    assert update_reloads(b, 104.0).rounds[0, 0] == 0
    b = update_reloads(b, 105.0)
    assert b.rounds[0, 0] == 2 and b.reserve[0] == 0
    b, _ = fire(b, np.array([0, 0]), np.array([0, 0]), 200.0)
    b = update_reloads(b, 300.0)
    assert np.isnan(b.reload_done_s[0]) and b.rounds[0, 0] == 0  # reserve exhausted


def test_battery_never_fires_more_than_it_holds():
    rng = np.random.default_rng(np.random.SeedSequence(31))
    b = bank(count=3, load={"A": 2, "B": 2}, interval=1.0, reload=20.0, reloads=1)
    held = int(b.rounds.sum() + b.reserve.sum())
    fired = 0
    for step in range(200):
        t = float(step)
        b = update_reloads(b, t)
        u, k = weapon_rows(b, t, per_unit=2)
        p = rng.uniform(0, 1, (u.size, 5))
        orders = plan_fire(
            p, np.ones(5), free_missile_channels=4, free_target_channels=3, per_target=2
        )
        b, _ = fire(b, u[orders.row], k[orders.row], t)
        fired += orders.row.size
        assert np.all(b.rounds >= 0)
    assert fired == held  # everything was eventually fired, and never more


def test_reserve_is_pooled_across_units():
    # two units of 2 rounds, a pool of 2 x 2; unit 0 fires everything, unit 1 never fires:
    # unit 0 is reloaded twice (the pool is the battery's), and never a third time
    b = bank(count=2, load={"A": 2}, reload=100.0, reloads=1)
    np.testing.assert_array_equal(b.reserve, [4])
    t = 0.0
    for reload in range(3):
        b, _ = fire(b, np.array([0, 0]), np.array([0, 0]), t)
        b = update_reloads(b, t + 10.0)
        b = update_reloads(b, t + 110.0)
        t += 200.0
        assert b.rounds[0, 0] == (2 if reload < 2 else 0)
    assert b.reserve[0] == 0 and b.rounds[1, 0] == 2


def test_partial_salvos():
    # salvo of 4 from a unit holding 3 A and 1 B: one salvo of 3 A and one of 1 B, not 4 mixed
    from iads.c2.command_post import _salvo_groups

    b = bank(count=1, load={"A": 3, "B": 1})
    u, k = weapon_rows(b, 0.0, per_unit=4)
    np.testing.assert_array_equal(k, [0, 0, 0, 1])
    np.testing.assert_array_equal(_salvo_groups(u, k, 4), [0, 0, 0, 1])


def test_reloads_return_the_bank_itself_when_nothing_changes():
    b = bank(count=2, load={"A": 2}, reload=100.0, reloads=0)
    assert update_reloads(b, 1.0) is b  # full tubes
    b, _ = fire(b, np.array([0, 0]), np.array([0, 0]), 0.0)
    assert update_reloads(b, 5.0) is b  # unit 0 empty, but no reserve to reload from
    b = bank(count=1, load={"A": 2}, reload=100.0, reloads=1)
    b, _ = fire(b, np.array([0, 0]), np.array([0, 0]), 0.0)
    started = update_reloads(b, 5.0)
    assert started is not b and started.reload_done_s[0] == 105.0
    assert update_reloads(started, 50.0) is started  # under way, not yet due
    done = update_reloads(started, 105.0)
    assert done.rounds[0, 0] == 2 and b.rounds[0, 0] == 0  # the input untouched


def test_bank_arrays_are_read_only():
    """The command post's caches take an unchanged bank object as unchanged contents."""
    b, _ = fire(bank(count=1), np.array([0]), np.array([0]), 0.0)  # a bank from replace
    for name in ("rounds", "reserve", "next_fire_s", "reload_done_s", "loadout", "pos_m"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(b, name)[0] = 0
    with pytest.raises(ValueError, match="read-only"):
        bank().rounds[0, 0] -= 1  # straight from make_bank
    fresh = b.rounds.copy()
    fresh[0, 0] = 9  # a copy is the caller's to change
    assert b.rounds[0, 0] == 3


def test_first_reload_due_s_is_the_earliest_reload_under_way():
    b = bank(count=2, load={"A": 1}, reload=100.0, reloads=1)
    assert first_reload_due_s(b) == np.inf  # none under way
    b, _ = fire(b, np.array([0]), np.array([0]), 0.0)
    b = update_reloads(b, 5.0)  # unit 0 reloads until 105 s
    b, _ = fire(b, np.array([1]), np.array([0]), 20.0)
    b = update_reloads(b, 30.0)  # unit 1 until 130 s
    assert first_reload_due_s(b) == 105.0  # exact: the command post's cache compares with it
    assert update_reloads(b, 105.0) is not b  # the reload is done at that very time
    assert update_reloads(b, np.nextafter(105.0, 0.0)) is b  # and nothing to do just before
    assert update_reloads(b, 104.0) is b


def test_next_ready_s_is_now_while_rounds_or_a_reload_can_start_else_the_first_reload_due():
    b = bank(count=2, load={"A": 1}, reload=600.0, reloads=1)  # 2 units of 1, reserve 2
    assert next_ready_s(b, 5.0) == 5.0
    b, _ = fire(b, np.array([0, 1]), np.array([0, 0]), 10.0)
    assert next_ready_s(b, 11.0) == 11.0  # empty, reserve left: the next update starts a reload
    b = update_reloads(b, 12.0)
    assert next_ready_s(b, 13.0) == pytest.approx(612.0)
    b = update_reloads(b, 612.0)  # both reloaded, the reserve spent
    b, _ = fire(b, np.array([0, 1]), np.array([0, 0]), 620.0)
    assert next_ready_s(update_reloads(b, 621.0), 621.0) == np.inf
