"""``iads score-tracks TRUTH TRACKS``: tracking metrics as JSON (GOSPA, OSPA, RMSE, purity...);
per-scan GOSPA to CSV (``--per-scan``) and a plot of it (``--plot``) on request."""

from __future__ import annotations

import json
import math
from pathlib import Path

import typer

PLOT_SUFFIXES = (".html", ".png", ".svg", ".pdf")


def plot_per_scan(per_scan: dict, path: Path, cutoff_m: float, p: float) -> None:
    """GOSPA per scan and its missed/false counts: ``.html`` with Plotly (self-contained),
    ``.png``/``.svg``/``.pdf`` with Matplotlib; both imported only here."""
    t = per_scan["time_s"]
    title = f"GOSPA per scan (c = {cutoff_m:g} m, p = {p:g})"
    if path.suffix.lower() == ".html":
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        fig = make_subplots(rows=2, cols=1, shared_xaxes=True, subplot_titles=(title, "counts"))
        fig.add_trace(go.Scatter(x=t, y=per_scan["gospa_m"], name="GOSPA (m)"), row=1, col=1)
        fig.add_trace(go.Scatter(x=t, y=per_scan["n_missed"], name="missed targets"), row=2, col=1)
        fig.add_trace(go.Scatter(x=t, y=per_scan["n_false"], name="false tracks"), row=2, col=1)
        fig.update_xaxes(title_text="time (s)", row=2, col=1)
        fig.write_html(path, include_plotlyjs=True)
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(2, 1, sharex=True, figsize=(8, 5))
    a.plot(t, per_scan["gospa_m"])
    a.set_ylabel("GOSPA (m)")
    a.set_title(title)
    b.plot(t, per_scan["n_missed"], label="missed targets")
    b.plot(t, per_scan["n_false"], label="false tracks")
    b.set_xlabel("time (s)")
    b.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def score_tracks(
    truth: Path = typer.Argument(..., help="Truth file: time_s, target_id, x_m ... vz_mps."),
    tracks: Path = typer.Argument(..., help="Tracks file: time_s, track_id, x_m ... vz_mps."),
    cutoff_m: float = typer.Option(2000.0, help="GOSPA/OSPA cut-off c (m), > 0."),
    p: float = typer.Option(2.0, help="GOSPA/OSPA order p, >= 1."),
    per_scan: Path = typer.Option(
        None,
        "--per-scan",
        help="Also write per-scan GOSPA (.csv/.parquet): time_s, gospa_m, its parts (m^p), "
        "n_missed, n_false, ospa_m.",
    ),
    plot: Path = typer.Option(
        None, "--plot", help="Also draw per-scan GOSPA: .html (Plotly) or .png/.svg/.pdf."
    ),
) -> None:
    """Score TRACKS against TRUTH at every truth time; print the metrics as JSON.

    Each file must hold at most one row per (time_s, id) pair; a repeated one is an error.
    """
    from iads.errors import InputError
    from iads.io.plots import file_kind, read_tracks, read_truth, write_table
    from iads.tracking.metrics import score_tracks as score

    if not (math.isfinite(cutoff_m) and cutoff_m > 0.0):
        raise InputError(f"must be a number > 0, got {cutoff_m:g}", field="--cutoff-m")
    if not (math.isfinite(p) and p >= 1.0):
        raise InputError(f"must be a number >= 1, got {p:g}", field="--p")
    for option, path, kinds in (("--per-scan", per_scan, None), ("--plot", plot, PLOT_SUFFIXES)):
        if path is None:
            continue
        if kinds is None:
            file_kind(path)
        elif path.suffix.lower() not in kinds:
            raise InputError(
                f"unknown plot type {path.suffix or '(none)'!r}; use {', '.join(kinds)}",
                file=str(path),
                field=option,
            )
        parent = path.parent if str(path.parent) else Path(".")
        if not parent.is_dir():
            raise InputError(f"directory {str(parent)!r} does not exist", field=option)
    result = score(read_truth(truth), read_tracks(tracks), cutoff_m=cutoff_m, p=p, per_scan=True)
    rows = result.pop("per_scan")
    if per_scan is not None:
        write_table(per_scan, rows)
    if plot is not None:
        plot_per_scan(rows, plot, cutoff_m, p)
    clean = {
        k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in result.items()
    }
    typer.echo(json.dumps(clean, indent=2))


def register(app: typer.Typer) -> None:
    """Add ``iads score-tracks`` to ``app``."""
    app.command("score-tracks")(score_tracks)
