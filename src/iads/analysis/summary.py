"""The study summary: per grid point, proportions with Wilson intervals and the mean of every
numeric run-summary figure with a bootstrap interval. Labels say their units.

Proportions:

- ``leak_rate``: leakers / threats, pooled over the point's replications (Wilson interval with
  one trial per threat; threats of one raid are not independent trials, so read it as the
  per-threat rate, and ``p_no_leak`` for the per-raid view);
- ``kill_rate``: kills / threats (Wilson, as above);
- ``p_no_leak``: the fraction of replications with no leaker (Wilson, one trial per
  replication: these are independent).

Every other numeric column of ``replications`` (every key of the run summary) gets its mean
over the replications where it is defined (``n`` counts them) with a bootstrap interval.
Wall time is not summarised: the summary is a pure function of the study's results.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from iads.analysis.stats import CONFIDENCE, bootstrap_mean_interval, wilson_interval

LABELS: dict[str, tuple[str, str]] = {
    "leak_rate": ("leak rate (leakers / threats)", "fraction of threats"),
    "kill_rate": ("kill rate (kills / threats)", "fraction of threats"),
    "p_no_leak": ("raids with no leaker", "fraction of replications"),
    "threats": ("threats", "count"),
    "launched": ("threats launched", "count"),
    "detected": ("threats detected (until sensing stopped)", "count"),
    "tracked": ("threats tracked (until sensing stopped)", "count"),
    "defense_spent_s": ("defense spent: no launch possible, sensing stopped", "s"),
    "kills": ("threats killed", "count"),
    "leakers": ("leakers (reached an asset)", "count"),
    "expired": ("expired", "count"),
    "unresolved": ("still flying at the end", "count"),
    "interceptors_spent": ("interceptors spent", "rounds"),
    "interceptors_per_kill": ("interceptors per kill", "rounds per kill"),
    "interceptor_cost_usd": ("interceptor cost", "USD"),
    "threat_cost_killed_usd": ("cost of threats killed", "USD"),
    "threat_cost_total_usd": ("cost of all threats", "USD"),
    "cost_exchange_ratio": (
        "cost exchange (interceptors' cost / killed threats' cost)",
        "ratio of USD to USD",
    ),
    "leaked_asset_value": ("value of the assets reached", "asset value points"),
    "last_arrival_s": ("last arrival", "s"),
    "end_time_s": ("simulated time", "s"),
    "waves": ("raids flown (campaign waves)", "count"),
    "first_empty_wave": ("first wave after which a battery held no round", "wave"),
}
"""Label and unit of each known metric; others get their key and a unit from its suffix."""
_SUFFIX_UNITS = {
    "_usd": "USD",
    "_s": "s",
    "_m": "m",
    "_mps": "m/s",
    "_deg": "deg",
    "_rad": "rad",
    "_ratio": "ratio",
}
NOT_SUMMARISED = ("point", "rep", "seed", "wall_time_s")
"""Columns of ``replications`` that are identities or not deterministic."""
SUMMARY_COLUMNS = ("point", "metric", "label", "unit", "n", "estimate", "ci_low", "ci_high")


def label_unit(key: str) -> tuple[str, str]:
    """(label, unit) of a metric."""
    if key in LABELS:
        return LABELS[key]
    for suffix, unit in _SUFFIX_UNITS.items():
        if key.endswith(suffix):
            return key, unit
    return key, ""


def _floats(col: Any) -> np.ndarray | None:
    """A column as floats (NULL -> NaN), or None if it is not numeric (text, booleans)."""
    vals = list(np.asarray(col, dtype=object))
    present = [v for v in vals if v is not None]
    if not present:
        return None
    if any(isinstance(v, bool | np.bool_ | str) for v in present):
        return None
    try:
        return np.array([np.nan if v is None else float(v) for v in vals], dtype=float)
    except (TypeError, ValueError):
        return None


def _row(point: int, metric: str, n: int, est: float, lo: float, hi: float, method: str):
    label, unit = label_unit(metric)
    return (point, metric, label, unit, n, est, lo, hi, method)


def _proportion(point: int, metric: str, k: float, n: float) -> tuple:
    k_i, n_i = int(round(k)), int(round(n))
    lo, hi = wilson_interval(k_i, n_i, CONFIDENCE)
    est = k_i / n_i if n_i else math.nan
    return _row(point, metric, n_i, est, lo, hi, "wilson")


def summarize(replications: dict[str, Any]) -> dict[str, list[Any]]:
    """The summary rows (columns ``SUMMARY_COLUMNS`` + ``method``) of a ``replications`` table."""
    points = np.asarray(replications.get("point", []), dtype=np.int64)
    rows: list[tuple] = []
    numeric = {
        k: f
        for k, v in replications.items()
        if k not in NOT_SUMMARISED and (f := _floats(v)) is not None
    }
    for p in np.unique(points):
        sel = points == p
        if {"leakers", "threats"} <= numeric.keys():
            leak, thr = numeric["leakers"][sel], numeric["threats"][sel]
            ok = np.isfinite(leak) & np.isfinite(thr)
            rows.append(_proportion(int(p), "leak_rate", leak[ok].sum(), thr[ok].sum()))
            if "kills" in numeric:
                kills = numeric["kills"][sel]
                ok2 = ok & np.isfinite(kills)
                rows.append(_proportion(int(p), "kill_rate", kills[ok2].sum(), thr[ok2].sum()))
            rows.append(_proportion(int(p), "p_no_leak", np.count_nonzero(leak[ok] == 0), ok.sum()))
        for key, vals in numeric.items():
            x = vals[sel]
            x = x[np.isfinite(x)]
            est = float(x.mean()) if x.size else math.nan
            lo, hi, method = bootstrap_mean_interval(x)
            rows.append(_row(int(p), key, int(x.size), est, lo, hi, method))
    names = (*SUMMARY_COLUMNS, "method")
    return {name: [r[i] for r in rows] for i, name in enumerate(names)}


def summary_records(summary: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Summary rows as dicts, NaN as None (for JSON)."""
    keys = list(summary)
    n = len(summary[keys[0]]) if keys else 0
    out = []
    for i in range(n):
        rec = {}
        for k in keys:
            v = summary[k][i]
            if isinstance(v, np.generic):
                v = v.item()
            rec[k] = None if isinstance(v, float) and not math.isfinite(v) else v
        out.append(rec)
    return out


__all__ = ["LABELS", "NOT_SUMMARISED", "SUMMARY_COLUMNS", "label_unit", "summarize"]
