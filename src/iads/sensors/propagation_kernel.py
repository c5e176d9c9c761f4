"""The optical-limit bisection of ``propagation.propagation_factor``, compiled (numba, cached on
disk).

For each target inside the radio horizon whose path difference is below the optical limit,
``propagation_factor`` needs the ground range ``d_opt`` at which the path difference equals
that limit (it interpolates in dB between there and the horizon). The NumPy form bisects all
such targets at once, 24 steps of a dozen array calls each on a few dozen values: in a
simulation that is most of the propagation factor's cost. This kernel runs the same bisection
target by target with the same arithmetic (Kerr's reflection point, ``propagation._specular``,
and the path difference ``2 h1' h2' / d``), so every midpoint is the same number; only a
comparison of a path difference within an ulp or two of the limit could go the other way
(NumPy's vectorised ``arcsin`` and ``sin`` may differ from the C library's by an ulp).
"""

from __future__ import annotations

import math

import numpy as np

try:  # numba is optional at run time: without it the NumPy bisection runs
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None

_TWO_OVER_ROOT3 = 2.0 / math.sqrt(3.0)  # the same double as 2.0 / np.sqrt(3.0)


def _path_difference(h1: float, h2: float, d_m: float, a_e: float) -> float:
    """``propagation._path_difference`` of one point (m)."""
    d = max(d_m, 1e-3)
    p = _TWO_OVER_ROOT3 * math.sqrt(a_e * (h1 + h2) + 0.25 * d * d)
    s = 2.0 * a_e * d * (h1 - h2) / math.pow(p, 3.0)
    xi = math.asin(min(max(s, -1.0), 1.0))
    d1 = min(max(0.5 * d + p * math.sin(xi / 3.0), 0.0), d)
    d2 = d - d1
    h1p = h1 - d1 * d1 / (2.0 * a_e)
    h2p = h2 - d2 * d2 / (2.0 * a_e)
    if h1p > 0.0 and h2p > 0.0 and d1 > 0.0:
        return 2.0 * h1p * h2p / d
    return 0.0


def _bisect(h1: float, h2: np.ndarray, upper_m: np.ndarray, a_e: float, limit: float, steps: int):
    """For each target, the lower end of the bracket on ``[0, upper_m]`` after ``steps``
    halvings keeping ``path_difference >= limit`` at its lower end (m)."""
    out = np.empty(h2.size)
    for i in range(h2.size):
        lo, hi = 0.0, upper_m[i]
        for _ in range(steps):
            mid = 0.5 * (lo + hi)
            if _path_difference(h1, h2[i], mid, a_e) >= limit:
                lo = mid
            else:
                hi = mid
        out[i] = lo
    return out


if njit is not None:
    _path_difference = njit(cache=True, nogil=True)(_path_difference)
    bisect_optical_limit = njit(cache=True, nogil=True)(_bisect)
else:  # pragma: no cover
    bisect_optical_limit = None
