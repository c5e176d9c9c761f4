"""The figures of a study's report, from its ``replications`` table (``iads.report.data``).

- saturation curve: mean leakers per replication against the first sweep variable, with the
  Student-t 95 % band of the mean, and the probability of at least one leaker with its Wilson
  95 % band; one curve per value of the second sweep variable, if any;
- leak distribution: how many replications had 0, 1, 2 ... leakers;
- interceptors spent: histogram over replications.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from iads.report.data import StudyData
from iads.report.stats import CONFIDENCE, mean_interval, wilson_interval

MAX_CURVES = 8
"""Most curves (values of the second sweep variable) on one saturation plot."""


def _numeric(col: np.ndarray) -> np.ndarray | None:
    try:
        v = np.asarray(col, dtype=float)
    except (TypeError, ValueError):
        return None
    return v if np.isfinite(v).all() else None


def saturation_table(study: StudyData) -> list[dict[str, Any]]:
    """One row per (sweep value, curve): n, mean leakers and its interval, P(any leaker) and
    its interval. Empty when the study has no sweep variable."""
    reps = study.replications
    if not study.sweep or "leakers" not in reps:
        return []
    xname = study.sweep[0]
    x = reps[xname]
    group = reps[study.sweep[1]] if len(study.sweep) > 1 else np.full(len(x), "", dtype=object)
    leak = np.asarray(reps["leakers"], float)
    xnum = _numeric(x)
    rows = []
    for g in list(dict.fromkeys(group.tolist()))[:MAX_CURVES]:
        for xv in sorted(set(x[group == g].tolist()), key=lambda v: (str(type(v)), v)):
            sel = (group == g) & (x == xv)
            m, lo, hi = mean_interval(leak[sel])
            k = int((leak[sel] > 0).sum())
            p, plo, phi = wilson_interval(k, int(sel.sum()))
            rows.append(
                {"x": float(xv) if xnum is not None else str(xv), "curve": g,
                 "n": int(sel.sum()), "mean": m, "lo": lo, "hi": hi,
                 "p_leak": p, "p_lo": plo, "p_hi": phi}
            )  # fmt: skip
    return rows


def saturation_figure(study: StudyData) -> Any | None:
    """Mean leakers and P(at least one leaker) against the first sweep variable, with bands."""
    import plotly.graph_objects as go
    from plotly.colors import qualitative
    from plotly.subplots import make_subplots

    rows = saturation_table(study)
    if not rows:
        return None
    pct = f"{CONFIDENCE:.0%}"
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1, subplot_titles=(
        f"Leakers per replication (mean, {pct} t band)",
        f"P(at least one leaker) ({pct} Wilson band)"))  # fmt: skip
    curves = list(dict.fromkeys(r["curve"] for r in rows))
    for c, curve in enumerate(curves):
        rs = [r for r in rows if r["curve"] == curve]
        colour = qualitative.Plotly[c % len(qualitative.Plotly)]
        label = f"{study.sweep[1]} = {curve}" if len(study.sweep) > 1 else "leakers"
        x = [r["x"] for r in rs]
        for col, (m, lo, hi) in ((1, ("mean", "lo", "hi")), (2, ("p_leak", "p_lo", "p_hi"))):
            lo_v = [r[lo] if np.isfinite(r[lo]) else r[m] for r in rs]
            hi_v = [r[hi] if np.isfinite(r[hi]) else r[m] for r in rs]
            fig.add_trace(
                go.Scatter(x=x + x[::-1], y=hi_v + lo_v[::-1], fill="toself", mode="lines",
                           line={"width": 0}, fillcolor=colour, opacity=0.2, hoverinfo="skip",
                           showlegend=False, legendgroup=str(curve)),
                row=1, col=col,
            )  # fmt: skip
            fig.add_trace(
                go.Scatter(x=x, y=[r[m] for r in rs], mode="lines+markers",
                           line={"color": colour}, name=label, legendgroup=str(curve),
                           showlegend=col == 1, customdata=[[r["n"], r[lo], r[hi]] for r in rs],
                           hovertemplate="%{x}: %{y:.3g} [%{customdata[1]:.3g}, "
                           "%{customdata[2]:.3g}], n = %{customdata[0]}<extra></extra>"),
                row=1, col=col,
            )  # fmt: skip
    fig.update_xaxes(title_text=study.sweep[0])
    fig.update_yaxes(title_text="leakers", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="probability", range=[0, 1.02], row=1, col=2)
    fig.update_layout(title="Saturation curve", height=460)
    return fig


def _counts(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each whole number from min to max of ``v`` (floored) and how many values fall on it."""
    k = np.floor(v[np.isfinite(v)]).astype(np.int64)
    if not k.size:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.arange(k.min(), k.max() + 1), np.bincount(k - k.min())


def _hist_figure(study: StudyData, column: str, title: str, unit: str) -> Any | None:
    """Replications per whole-number value of ``column`` (bars one wide; Bar, not Histogram,
    so the report's basic plotly.js bundle draws it)."""
    import plotly.graph_objects as go

    reps = study.replications
    if column not in reps:
        return None
    v = np.asarray(reps[column], float)
    fig = go.Figure()
    if study.sweep and len(set(reps[study.sweep[0]].tolist())) <= MAX_CURVES:
        key = reps[study.sweep[0]]
        for xv in sorted(set(key.tolist())):
            x, n = _counts(v[key == xv])
            fig.add_trace(go.Bar(x=x, y=n, width=1, name=f"{study.sweep[0]} = {xv}",
                                 opacity=0.6))  # fmt: skip
        fig.update_layout(barmode="overlay")
    else:
        x, n = _counts(v)
        fig.add_trace(go.Bar(x=x, y=n, width=1, name=column))
    fig.update_xaxes(title_text=unit)
    fig.update_yaxes(title_text="replications")
    fig.update_layout(title=f"{title} ({v.size} replications)", height=400, bargap=0)
    return fig


def leak_figure(study: StudyData) -> Any | None:
    """Leakers per replication: the distribution over replications."""
    return _hist_figure(study, "leakers", "Leak distribution", "leakers in a replication")


def spent_figure(study: StudyData) -> Any | None:
    """Interceptors spent per replication: the distribution over replications."""
    return _hist_figure(
        study, "interceptors_spent", "Interceptors spent", "interceptors in a replication"
    )


__all__ = ["leak_figure", "saturation_figure", "saturation_table", "spent_figure"]
