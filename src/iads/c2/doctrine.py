"""Doctrine as pure functions: who may be engaged, with how many rounds, with which weapon.

Everything here takes arrays about the command post's own picture and commitments and returns
arrays; nothing reads the world.
"""

from __future__ import annotations

import numpy as np

from iads.c2.threat_eval import AIRCRAFT


def rounds_per_target(doctrine: str, salvo_size: int) -> int:
    """Rounds fired at a target per decision: one for shoot-look-shoot (fire, assess, fire
    again), ``salvo_size`` for a salvo."""
    return 1 if doctrine == "shoot_look_shoot" else int(salvo_size)


def eligible(
    t_s: float,
    first_seen_s: np.ndarray,
    reaction_time_s: float,
    engaged: np.ndarray,
    recently_assessed: np.ndarray,
    killed: np.ndarray,
    taken_by_others: np.ndarray,
) -> np.ndarray:
    """(T,) bool: tracks that may be engaged now: held at least ``reaction_time_s`` (s) since
    the command post first saw them (``first_seen_s`` (T,)), with no round of this post
    committed (``engaged``), none whose outcome came less than the look time ago
    (``recently_assessed``: shoot-look-shoot waits to see), not assessed killed, and not
    engaged by another unit (``taken_by_others``, coordinated networks only)."""
    held = t_s - np.asarray(first_seen_s, float) >= reaction_time_s - 1e-9
    return held & ~engaged & ~recently_assessed & ~killed & ~taken_by_others


def threatening(asset: np.ndarray, kind: np.ndarray, engage_aircraft: bool) -> np.ndarray:
    """(T,) bool: tracks worth engaging: heading for a defended asset (``asset`` >= 0, from
    threat evaluation), or aircraft (type estimate) anywhere when ``engage_aircraft``
    (hostile aircraft are engaged whether or not they head for an asset)."""
    out = np.asarray(asset) >= 0
    if engage_aircraft:
        out = out | (np.asarray(kind) == AIRCRAFT)
    return out


def identity_allows(identity: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """(T,) bool: rules of engagement: tracks whose identity code (``iads.messages``) is
    one of the ``allowed`` codes."""
    return np.isin(np.asarray(identity), np.asarray(allowed))


def rounds_available(rounds_left: int, magazine_reserve: int) -> int:
    """Rounds the post may commit now: what it holds (tubes and reloads) less the reserve it
    keeps back (``magazine_reserve``), never negative."""
    return max(int(rounds_left) - int(magazine_reserve), 0)


def cheapest_adequate(pk: np.ndarray, cost_usd: np.ndarray, tolerance: float) -> np.ndarray:
    """Weapon choice by cost: ``pk`` (R, T) with, for each target, every round zeroed whose
    Pk is no better than ``tolerance`` above that of a cheaper round that can engage it
    (``cost_usd`` (R,)): an expensive interceptor is kept for the targets only it can kill
    well. Pure; a new array."""
    p = np.asarray(pk, dtype=float)
    c = np.asarray(cost_usd, dtype=float)
    out = p.copy()
    best_cheaper = np.zeros(p.shape[1])  # best Pk among strictly cheaper rounds, per target
    for level in np.unique(c):  # one pass per price level (a few interceptor types)
        rows = c == level
        sub = p[rows]
        dominated = (sub > 0) & (best_cheaper > 0) & (sub <= best_cheaper + tolerance)
        out[rows] = np.where(dominated, 0.0, sub)
        best_cheaper = np.maximum(best_cheaper, sub.max(axis=0, initial=0.0))
    return out


__all__ = [
    "cheapest_adequate",
    "eligible",
    "identity_allows",
    "rounds_available",
    "rounds_per_target",
    "threatening",
]
