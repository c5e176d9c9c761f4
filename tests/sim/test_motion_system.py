"""The motion system's next due time follows the threats' statuses (its kept answer too)."""

from pathlib import Path

import numpy as np

from iads.scenario.load import load_scenario
from iads.sim.build import build_world, motion_system
from iads.sim.world import FLYING, KILLED

SMALL = Path(__file__).parents[2] / "examples" / "small.yaml"


def test_next_due_is_the_earliest_open_route_end_after_each_status_change() -> None:
    world = build_world(load_scenario(SMALL), seed=1)
    motion = motion_system(world)
    th, ends = world.threats, world.trajectories.end_time_s
    order = np.argsort(ends, kind="stable")
    assert np.unique(ends).size > 2  # routes end at different times: the answer moves
    th.status[:] = FLYING
    for k, row in enumerate(order):
        want = float(ends[order[k:]].min())
        assert motion.next_due_s(world, 0.0) == want
        assert motion.next_due_s(world, 5.0) == want  # asked again: the kept answer
        th.status[row] = KILLED  # in place, as the interceptors do
    assert motion.next_due_s(world, 0.0) == np.inf
    th.status[order[-1]] = FLYING  # back in flight (another world state): seen anew
    assert motion.next_due_s(world, 0.0) == float(ends[order[-1]])


def test_a_step_pair_is_the_two_steps_bit_for_bit() -> None:
    """Through every launch and route end of the example: the truth, the kept velocities,
    the statuses and the events are those of two steps."""
    sc = load_scenario(SMALL)
    worlds = [build_world(sc, seed=2) for _ in range(2)]
    systems = [motion_system(w) for w in worlds]
    for w, m in zip(worlds, systems, strict=True):
        m.place(w, 0.0)
    tick, k = 0.1, 0
    end = float(worlds[0].trajectories.end_time_s.max()) + 1.0
    while k * tick < end:
        t1, t2 = k * tick, (k + 1) * tick
        systems[0].step_pair(worlds[0], t1, t2, tick)
        systems[1].step(worlds[1], t1, tick)
        systems[1].step(worlds[1], t2, tick)
        a, b = worlds[0].threats, worlds[1].threats
        for name in ("pos_m", "vel_mps", "vel_prev_mps", "status"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
        k += 3  # a gap between pairs, as the engine's
    ev = [w.log.columns() for w in worlds]
    assert "launch" in set(ev[0]["kind"])
    assert (ev[0]["kind"] != "launch").any()  # some route ended
    for name in ev[0]:
        np.testing.assert_array_equal(ev[0][name], ev[1][name], err_msg=name)


def test_open_route_ends_are_read_anew_for_other_trajectories() -> None:
    """``World.open_route_ends_s`` (motion's due time, the spent test's horizon) is kept per
    statuses and trajectories: the same statuses over other trajectories are read anew."""
    import dataclasses

    world = build_world(load_scenario(SMALL), seed=1)
    world.threats.status[:] = FLYING
    ends = world.trajectories.end_time_s
    assert world.open_route_ends_s() == (float(ends.min()), float(ends.max()))
    later = dataclasses.replace(world.trajectories, t_s=world.trajectories.t_s + 100.0)
    world.trajectories = later
    assert world.open_route_ends_s() == (float(ends.min()) + 100.0, float(ends.max()) + 100.0)
    world.threats.status[:] = KILLED
    assert world.open_route_ends_s() is None
