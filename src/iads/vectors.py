"""Small vector helpers for hot paths (many calls on a few rows each)."""

from __future__ import annotations

import numpy as np


def norm(a: np.ndarray, keepdims: bool = False) -> np.ndarray:
    """Euclidean length over the last axis of a real array (units of ``a``).

    The very sum ``np.linalg.norm(a, axis=-1)`` makes for real vectors (bit for bit), without
    its argument handling, which costs more than the sum on a few rows.
    """
    return np.sqrt(np.add.reduce(a * a, axis=-1, keepdims=keepdims))


def finite_or_zero(a: np.ndarray) -> np.ndarray:
    """``a`` with NaN as 0 and infinities as the largest finite values (``np.nan_to_num``);
    ``a`` itself when every value is finite already (callers must not write to the result)."""
    return a if np.isfinite(a).all() else np.nan_to_num(a)


__all__ = ["finite_or_zero", "norm"]
