"""The sweep curve: leak rate against the first varied field, with its confidence band."""

from __future__ import annotations

from pathlib import Path


def write_leak_curve(study_dir: str | Path, html: str | Path) -> Path:
    """Write a self-contained Plotly HTML of leak rate (Wilson band) against the first varied
    path, one line per combination of the other paths; return the file's path."""
    import plotly.graph_objects as go

    from iads.commands._study import load_study
    from iads.errors import InputError

    study = load_study(Path(study_dir))
    paths = [p for p, _ in study["meta"]["vary"]]
    if not paths:
        raise InputError("--plot needs a sweep (--vary)", field="--plot")
    summ, pts = study["summary"], study["points"]
    rate = {
        p: (e, lo, hi)
        for p, m, e, lo, hi in zip(
            summ["point"],
            summ["metric"],
            summ["estimate"],
            summ["ci_low"],
            summ["ci_high"],
            strict=True,
        )
        if m == "leak_rate"
    }
    groups: dict[str, list[int]] = {}
    for i in range(len(pts["point"])):
        key = ", ".join(f"{p}={pts[p][i]}" for p in paths[1:]) or "leak rate"
        groups.setdefault(key, []).append(i)
    fig = go.Figure()
    for name, idx in groups.items():
        x = [pts[paths[0]][i] for i in idx]
        est = [rate.get(pts["point"][i], (None,) * 3) for i in idx]
        fig.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=[e[2] for e in est] + [e[1] for e in est][::-1],
                fill="toself",
                opacity=0.25,
                line={"width": 0},
                name=f"{name}: 95% CI",
                hoverinfo="skip",
            )
        )
        fig.add_trace(go.Scatter(x=x, y=[e[0] for e in est], mode="lines+markers", name=name))
    fig.update_layout(
        title=f"{study['meta']['scenario_name']}: leak rate (leakers / threats)",
        xaxis_title=paths[0],
        yaxis_title="leak rate (fraction of threats)",
        yaxis_range=[0, 1],
    )
    if all(isinstance(v, int | float) and v > 0 for v in pts[paths[0]]):
        vals = sorted(set(pts[paths[0]]))
        if len(vals) > 2 and vals[-1] / vals[0] >= 8:
            fig.update_xaxes(type="log")
    out = Path(html)
    try:
        fig.write_html(out, include_plotlyjs=True)
    except OSError as exc:
        raise InputError(f"cannot write ({exc.strerror})", file=str(out), field="--plot") from None
    return out
