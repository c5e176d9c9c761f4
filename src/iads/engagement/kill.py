"""Kill probability of one interceptor from its miss distance (a Carleton damage function).

The warhead's effect on a target at miss distance r (m) is modelled by the Carleton damage
function (Driels, *Weaponeering*, 2nd ed., AIAA 2013, ch. 9 "Damage functions"; the circular
form of D(x, y) = exp(-(x^2 + y^2) / R^2)), scaled by the interceptor's reliability (fuze,
warhead and guidance all working):

    Pk(r) = reliability * exp(-(r / R)^2),        R = lethal_radius_m

R is the *equivalent* lethal radius: the Carleton function covers the same lethal area as a
cookie-cutter of radius R (integral of exp(-r^2/R^2) over the plane = pi R^2). At r = R the
conditional kill probability is exp(-1) = 0.37; at r = 2R it is 0.018.

When the miss is a circular normal with standard deviation sigma per axis (the usual
fast-mode assumption), the expected kill probability has the closed form

    E[Pk] = reliability * R^2 / (R^2 + 2 sigma^2)

(Driels ch. 10, single-weapon probability of damage with the Carleton function).
"""

from __future__ import annotations

import numpy as np


def kill_probability(
    miss_m: np.ndarray | float,
    lethal_radius_m: np.ndarray | float,
    reliability: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Pk = reliability * exp(-(miss / R)^2); inputs broadcast together; miss in metres."""
    miss = np.asarray(miss_m, dtype=float)
    r = np.asarray(lethal_radius_m, dtype=float)
    return np.asarray(reliability, dtype=float) * np.exp(-((miss / r) ** 2))


def expected_kill_probability(
    sigma_miss_m: np.ndarray | float,
    lethal_radius_m: np.ndarray | float,
    reliability: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Mean Pk when the miss is circular normal with per-axis std ``sigma_miss_m`` (m).

    E[Pk] = reliability * R^2 / (R^2 + 2 sigma^2); broadcasts over all inputs.
    """
    r2 = np.asarray(lethal_radius_m, dtype=float) ** 2
    s2 = np.asarray(sigma_miss_m, dtype=float) ** 2
    return np.asarray(reliability, dtype=float) * r2 / (r2 + 2.0 * s2)


def draw_kills(
    miss_m: np.ndarray,
    lethal_radius_m: np.ndarray | float,
    reliability: np.ndarray | float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw kill outcomes for a batch of intercepts: returns (killed (N,) bool, Pk (N,))."""
    pk = kill_probability(miss_m, lethal_radius_m, reliability)
    pk = np.broadcast_to(pk, np.shape(miss_m))
    return rng.random(pk.shape) < pk, pk


def salvo_kill_probability(pk: np.ndarray, axis: int = -1) -> np.ndarray:
    """Probability that at least one of independent shots kills: 1 - prod(1 - pk) along axis."""
    return 1.0 - np.prod(1.0 - np.asarray(pk, dtype=float), axis=axis)
