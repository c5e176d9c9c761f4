"""Fire planning: which candidate rounds fire at which targets, within the battery's limits.

``plan_fire`` turns a kill-probability matrix into a plan that never exceeds the rounds in the
tubes, the guided-missile channels or the target channels of the engagement radars, with the
doctrine's per-target limit (shoot-look-shoot: one interceptor per target per look; salvo:
``salvo_size``), by weapon-target assignment (``iads.c2.wta``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iads.c2.wta import assign


@dataclass(frozen=True)
class FirePlan:
    """Rows of weapons fired: ``row`` (F,) index into the candidate rows, ``target`` (F,)."""

    row: np.ndarray
    target: np.ndarray


def plan_fire(
    kill_prob: np.ndarray,
    target_value: np.ndarray,
    *,
    free_missile_channels: int,
    free_target_channels: int,
    engaged: np.ndarray | None = None,
    per_target: int = 1,
    method: str = "auto",
) -> FirePlan:
    """Choose which candidate rounds (rows of ``kill_prob`` (R, T)) fire at which targets.

    At most ``free_missile_channels`` rounds in total, at most ``per_target`` per target, and
    new targets (not in ``engaged`` (T,) bool, already holding a target channel) only while
    ``free_target_channels`` last. Rows with all-zero Pk never fire. Pure function.
    """
    p = np.asarray(kill_prob, dtype=float)
    v = np.asarray(target_value, dtype=float)
    n_r, n_t = p.shape
    engaged = np.zeros(n_t, bool) if engaged is None else np.asarray(engaged, bool)
    if n_r == 0 or n_t == 0 or free_missile_channels <= 0:
        return FirePlan(np.empty(0, np.int64), np.empty(0, np.int64))
    if free_target_channels <= 0:
        p = p * engaged[None, :]
    rows = np.flatnonzero(p.max(axis=1) > 0)
    # the best rounds first if there are more than missile channels
    rows = rows[np.argsort(-p[rows].max(axis=1), kind="stable")][:free_missile_channels]
    sub = p[rows]
    a = assign(sub, v, max_per_target=per_target, method=method)
    new_targets = np.setdiff1d(np.unique(a[a >= 0]), np.flatnonzero(engaged))
    if new_targets.size > max(free_target_channels, 0):
        # keep the new targets with the largest value killed, then re-assign on those
        gain = np.array(
            [v[j] * (1 - np.prod(1 - sub[a == j, j])) for j in new_targets], dtype=float
        )
        keep = new_targets[np.argsort(-gain, kind="stable")[:free_target_channels]]
        allowed = engaged.copy()
        allowed[keep] = True
        a = assign(sub * allowed[None, :], v, max_per_target=per_target, method=method)
    fired = a >= 0
    return FirePlan(rows[fired], a[fired])


__all__ = ["FirePlan", "plan_fire"]
