"""Replication seeds spawned from one study seed (NumPy ``SeedSequence.spawn``).

Replication ``i`` of a study with seed ``S`` gets the seed drawn from
``SeedSequence(S).spawn(...)[i]``: it depends on ``(S, i)`` only, not on how many replications
the study has, so a study can be extended or resumed. Each seed is a plain non-negative 63-bit
integer (it fits a signed 64-bit column) and is what ``iads run --seed`` takes, so any single
replication can be re-run on its own.
"""

from __future__ import annotations

import numpy as np


def replication_seed(study_seed: int, index: int) -> int:
    """The seed of replication ``index`` (0-based) of a study seeded ``study_seed``."""
    child = np.random.SeedSequence(int(study_seed), spawn_key=(int(index),))
    return int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))


def replication_seeds(study_seed: int, n: int) -> list[int]:
    """The seeds of replications ``0 .. n-1`` (see ``replication_seed``)."""
    children = np.random.SeedSequence(int(study_seed)).spawn(int(n))
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


__all__ = ["replication_seed", "replication_seeds"]
