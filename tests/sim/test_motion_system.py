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
