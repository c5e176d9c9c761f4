"""Chi-square survival function and quantile for integer degrees of freedom, without SciPy.

The gate threshold of the tracker is a chi-square quantile with 3 or 4 degrees of freedom;
importing any of SciPy costs 0.3-0.5 s of start-up, more than a whole ``iads track`` run at
100 targets, so the closed forms for integer ``k`` are used (Abramowitz & Stegun 1964, 26.4.4
and 26.4.5)::

    k even:  Q(x) = exp(-x/2) sum_{i=0}^{k/2-1} (x/2)^i / i!
    k odd:   Q(x) = erfc(sqrt(x/2)) + sqrt(2x/pi) exp(-x/2) sum_{i=1}^{(k-1)/2} x^(i-1) / (1 3 .. (2i-1))

and the quantile is found by bisection on ``Q`` (monotone), to the last bits of a double.
Tested against ``scipy.special.chdtri``.
"""

from __future__ import annotations

import functools
import math

__all__ = ["chi2_quantile", "chi2_sf"]


def chi2_sf(x: float, dof: int) -> float:
    """Survival function ``P(X > x)`` of a chi-square variable with integer ``dof >= 1``."""
    if dof < 1 or int(dof) != dof:
        raise ValueError(f"dof must be an integer >= 1, got {dof}")
    if x <= 0.0:
        return 1.0
    half = 0.5 * x
    if dof % 2 == 0:
        term, total = 1.0, 1.0
        for i in range(1, dof // 2):
            term *= half / i
            total += term
        return math.exp(-half) * total
    term, total = 1.0, 0.0
    for i in range(1, (dof - 1) // 2 + 1):
        total += term
        term *= x / (2 * i + 1)
    return math.erfc(math.sqrt(half)) + math.sqrt(2.0 * x / math.pi) * math.exp(-half) * total


@functools.lru_cache(maxsize=64)
def chi2_quantile(probability: float, dof: int) -> float:
    """``x`` with ``P(X <= x) = probability`` for a chi-square variable with integer ``dof``
    (``scipy.stats.chi2.ppf``, ``scipy.special.chdtri(dof, 1 - probability)``); cached."""
    if not 0.0 < probability < 1.0:
        raise ValueError(f"probability must be in (0, 1), got {probability}")
    tail = 1.0 - probability
    lo, hi = 0.0, float(dof) + 10.0
    while chi2_sf(hi, dof) > tail:
        lo, hi = hi, 2.0 * hi
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if chi2_sf(mid, dof) > tail:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
