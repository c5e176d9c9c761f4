"""Replication seeds: spawned by NumPy's SeedSequence, independent of the study size."""

from __future__ import annotations

import numpy as np

from iads.analysis.seeds import replication_seed, replication_seeds


def test_seeds_are_the_spawned_children_of_the_study_seed():
    children = np.random.SeedSequence(42).spawn(5)
    expected = [int(c.generate_state(1, np.uint64)[0]) >> 1 for c in children]
    assert replication_seeds(42, 5) == expected
    assert [replication_seed(42, i) for i in range(5)] == expected


def test_seeds_do_not_depend_on_the_number_of_replications():
    assert replication_seeds(7, 3) == replication_seeds(7, 10)[:3]
    assert replication_seeds(7, 3) != replication_seeds(8, 3)


def test_seeds_are_distinct_plain_non_negative_63_bit_ints():
    seeds = replication_seeds(0, 2000)
    assert len(set(seeds)) == 2000
    assert all(type(s) is int and 0 <= s < 2**63 for s in seeds)
