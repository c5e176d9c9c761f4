"""Numbers as people read them: money, times, counts (light; no heavy imports)."""

from __future__ import annotations

import math
from typing import Any


def money(usd: Any) -> str:
    """US dollars as money: ``$35,000``, ``$7.50 M``, ``$2.00 B``; ``-`` if unknown (NaN)."""
    try:
        x = float(usd)
    except (TypeError, ValueError):
        return str(usd)
    if not math.isfinite(x):
        return "-"
    sign = "-" if x < 0 else ""
    x = abs(x)
    if x >= 1e9:
        return f"{sign}${x / 1e9:,.2f} B"
    if x >= 1e6:
        return f"{sign}${x / 1e6:,.2f} M"
    return f"{sign}${x:,.0f}"


def seconds(value: Any, digits: int = 1) -> str:
    """A time in seconds with ``digits`` decimals, ``-`` if unknown (None or NaN)."""
    if value is None:
        return "-"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    return "-" if not math.isfinite(x) else f"{x:,.{digits}f}"


__all__ = ["money", "seconds"]
