"""Track and guidance capacity: which candidates a radar keeps when it has too many.

A radar tracks at most ``max_tracks`` targets and guides at most ``max_guided_missiles``
interceptors at once (``max_engaged_targets`` targets under engagement). The rule is
deterministic: items already held keep their slot (a radar does not drop a firm track for a
newcomer of equal standing), then the highest priority, then the lowest id.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def select_within_capacity(
    ids: ArrayLike,
    capacity: int,
    priority: ArrayLike | None = None,
    held: ArrayLike | None = None,
) -> NDArray[np.bool_]:
    """Mask (same shape as ``ids``) of the candidates kept under ``capacity``.

    ``ids`` (N,) int, unique; ``priority`` (N,) float, higher first (default all equal);
    ``held`` (N,) bool, items holding a slot already. Order of keeping: held first, then
    priority descending, then id ascending. Never keeps more than ``capacity`` (>= 0) items.
    """
    ids_a = np.asarray(ids)
    n = ids_a.shape[0]
    if capacity < 0:
        raise ValueError("capacity must be zero or more")
    prio = np.zeros(n) if priority is None else np.asarray(priority, dtype=float)
    hold = np.zeros(n, dtype=bool) if held is None else np.asarray(held, dtype=bool)
    keep = np.zeros(n, dtype=bool)
    if n <= capacity:
        keep[:] = True
        return keep
    order = np.lexsort((ids_a, -prio, ~hold))  # last key is primary: held first
    keep[order[:capacity]] = True
    return keep


def free_slots(capacity: int, in_use: int) -> int:
    """How many more items fit: max(capacity - in_use, 0)."""
    return max(int(capacity) - int(in_use), 0)


__all__ = ["free_slots", "select_within_capacity"]
