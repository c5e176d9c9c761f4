"""Confidence intervals for the study curves (scipy.special only: cheap to import).

- ``mean_interval``: Student-t interval of a mean, ``mean +- t(1 - a/2, n-1) s / sqrt(n)``;
- ``wilson_interval``: Wilson score interval of a proportion (Wilson 1927; Newcombe 1998,
  "Two-sided confidence intervals for the single proportion", Stat. Med. 17, method 3).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

CONFIDENCE = 0.95
"""Two-sided confidence level of the report's bands."""


def mean_interval(x: ArrayLike, level: float = CONFIDENCE) -> tuple[float, float, float]:
    """Mean of ``x`` and its Student-t interval (lo, hi); NaN bounds with fewer than 2 values."""
    from scipy.special import stdtrit

    v = np.asarray(x, dtype=float)
    v = v[np.isfinite(v)]
    n = v.size
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    m = float(v.mean())
    if n < 2:
        return m, float("nan"), float("nan")
    half = float(stdtrit(n - 1, 0.5 + level / 2)) * float(v.std(ddof=1)) / np.sqrt(n)
    return m, m - half, m + half


def wilson_interval(k: int, n: int, level: float = CONFIDENCE) -> tuple[float, float, float]:
    """Proportion ``k / n`` and its Wilson score interval (lo, hi); NaN if ``n`` is 0."""
    from scipy.special import ndtri

    if n <= 0:
        return float("nan"), float("nan"), float("nan")
    p = k / n
    z = float(ndtri(0.5 + level / 2))
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return p, max(0.0, centre - half), min(1.0, centre + half)


__all__ = ["CONFIDENCE", "mean_interval", "wilson_interval"]
