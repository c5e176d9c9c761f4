"""``iads score-tracks TRUTH TRACKS``: tracking metrics as JSON (GOSPA, OSPA, RMSE, purity...)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import typer


def score_tracks(
    truth: Path = typer.Argument(..., help="Truth file: time_s, target_id, x_m ... vz_mps."),
    tracks: Path = typer.Argument(..., help="Tracks file: time_s, track_id, x_m ... vz_mps."),
    cutoff_m: float = typer.Option(2000.0, help="GOSPA/OSPA cut-off c (m), > 0."),
    p: float = typer.Option(2.0, help="GOSPA/OSPA order p, >= 1."),
) -> None:
    """Score TRACKS against TRUTH at every truth time; print the metrics as JSON.

    Each file must hold at most one row per (time_s, id) pair; a repeated one is an error.
    """
    from iads.errors import InputError
    from iads.io.plots import read_tracks, read_truth
    from iads.tracking.metrics import score_tracks as score

    if not (math.isfinite(cutoff_m) and cutoff_m > 0.0):
        raise InputError(f"must be a number > 0, got {cutoff_m:g}", field="--cutoff-m")
    if not (math.isfinite(p) and p >= 1.0):
        raise InputError(f"must be a number >= 1, got {p:g}", field="--p")
    result = score(read_truth(truth), read_tracks(tracks), cutoff_m=cutoff_m, p=p)
    clean = {
        k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in result.items()
    }
    typer.echo(json.dumps(clean, indent=2))


def register(app: typer.Typer) -> None:
    """Add ``iads score-tracks`` to ``app``."""
    app.command("score-tracks")(score_tracks)
