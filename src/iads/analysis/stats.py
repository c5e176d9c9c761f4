"""Confidence intervals for study results.

- ``wilson_interval``: the Wilson score interval of a binomial proportion (Wilson 1927; Brown,
  Cai and DasGupta 2001 recommend it over the Wald interval for small n or p near 0 or 1).
- ``bootstrap_mean_interval``: a bootstrap interval of a mean (Efron and Tibshirani 1993,
  BCa, ch. 14), by ``scipy.stats.bootstrap`` with a fixed generator so a summary is a pure
  function of its data.

``scipy.stats`` is imported inside the function that needs it (it costs 0.5 s or more).
"""

from __future__ import annotations

import math
import threading
import warnings

import numpy as np

CONFIDENCE = 0.95
"""Confidence level of every interval in a study summary."""
BOOTSTRAP_RESAMPLES = 9_999
"""Bootstrap resamples per interval (Efron and Tibshirani 1993 suggest >= 1,000 for intervals)."""
BOOTSTRAP_SEED = 20_260_101
"""Seed of the bootstrap's generator: the same data always give the same interval."""


def wilson_interval(
    successes: int, trials: int, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Wilson score interval ``(low, high)`` of a proportion ``successes / trials``.

    ``(nan, nan)`` when ``trials`` is 0. Bounds are clipped to [0, 1].
    """
    from scipy.special import ndtri

    k, n = int(successes), int(trials)
    if n <= 0:
        return (math.nan, math.nan)
    if not 0 <= k <= n:
        raise ValueError(f"successes must be in [0, trials], got {k} of {n}")
    z = float(ndtri(0.5 + confidence / 2.0))
    p = k / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denom
    low = 0.0 if k == 0 else max(0.0, centre - half)  # exact at the ends (no rounding residue)
    high = 1.0 if k == n else min(1.0, centre + half)
    return (low, high)


def bootstrap_mean_interval(
    values: np.ndarray,
    confidence: float = CONFIDENCE,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> tuple[float, float, str]:
    """Bootstrap interval ``(low, high, method)`` of the mean of ``values`` (NaN dropped).

    BCa; percentile where BCa is undefined (all jackknife means equal). Fewer than two values:
    ``(nan, nan, "none")``; all values equal: that value twice (``"exact"``).
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size < 2:
        return (math.nan, math.nan, "none")
    if np.ptp(x) == 0.0:
        return (float(x[0]), float(x[0]), "exact")
    from scipy.stats import bootstrap

    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = bootstrap(
                (x,),
                np.mean,
                confidence_level=confidence,
                n_resamples=n_resamples,
                method=method,
                rng=np.random.default_rng(seed),
                batch=max(1, min(n_resamples, 4_000_000 // x.size)),
            )
        lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
        if math.isfinite(lo) and math.isfinite(hi):
            return (lo, hi, "bootstrap-" + method.lower())
    return (math.nan, math.nan, "none")


def import_in_background() -> threading.Thread:
    """Start importing ``scipy.stats`` (0.5 s or more) in a thread, and return the thread: a
    study whose replications run in other processes imports it while it waits for them, not
    after the last one (``bootstrap_mean_interval`` then finds it imported). Not a daemon: a
    process that stops early (Ctrl-C, an error) waits for the import to end (about 0.5 s).
    Start it after anything that sets the environment (``execute.start_local_workers``):
    the import reads it (BLAS threads) while the main thread would write it."""

    def load() -> None:
        import scipy.stats  # noqa: F401 - imported for its side effect: it is loaded

    thread = threading.Thread(target=load, name="iads-import-scipy-stats")
    thread.start()
    return thread


__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "BOOTSTRAP_SEED",
    "CONFIDENCE",
    "bootstrap_mean_interval",
    "import_in_background",
    "wilson_interval",
]
