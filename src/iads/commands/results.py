"""``iads results DIR``: show a stored run's summary again; ``--parquet OUT`` exports its tables.

``render_summary`` is shared with ``iads run``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import typer

MAX_ROWS = 30
"""Per-threat rows shown before the table is cut (the store holds them all)."""


def _fmt(value: Any, digits: int = 1) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:,.{digits}f}"
    return str(value)


def report_console():
    """A Rich console for summaries: the terminal's width, or 120 columns when the output is a
    file or a pipe (Rich's default of 80 would cut the per-threat table)."""
    import sys

    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=120)


def _t(value: Any) -> str:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    return "-" if math.isnan(x) else f"{x:.1f}"


def render_summary(
    console: Any,
    run: dict[str, Any],
    totals: dict[str, Any],
    threats: dict[str, Any],
    max_rows: int = MAX_ROWS,
) -> None:
    """Print a run's headline totals and its per-threat table (first ``max_rows`` rows)."""
    from rich.table import Table

    head = Table(
        title=f"{run.get('scenario_name', '')}  (seed {run.get('seed', '')})",
        show_header=False,
        title_justify="left",
    )
    head.add_column("figure")
    head.add_column("value", justify="right")
    labels = [
        ("threats", "threats"),
        ("launched", "launched"),
        ("detected", "detected"),
        ("tracked", "tracked"),
        ("kills", "killed"),
        ("leakers", "leakers (reached an asset)"),
        ("expired", "expired"),
        ("unresolved", "still flying at the end"),
        ("interceptors_spent", "interceptors spent"),
        ("interceptors_per_kill", "interceptors per kill"),
        ("interceptor_cost_usd", "interceptor cost (USD)"),
        ("threat_cost_killed_usd", "cost of threats killed (USD)"),
        ("cost_exchange_ratio", "cost exchange (interceptors / threats killed)"),
        ("last_arrival_s", "last arrival (s)"),
        ("end_time_s", "simulated time (s)"),
    ]
    for key, label in labels:
        if key in totals:
            head.add_row(label, _fmt(totals[key], 2 if key.endswith("ratio") else 1))
    if totals.get("interceptor_cost_known") is False:
        head.add_row("note", "interceptor costs unknown: counted as 0")
    if "wall_time_s" in run:
        head.add_row("wall time (s)", _fmt(float(run["wall_time_s"]), 2))
    console.print(head)

    n = len(threats.get("threat_id", []))
    table = Table(title=f"threats ({n}); times in s", title_justify="left")
    for col in (
        "name",
        "target",
        "launch",
        "detect",
        "track",
        "engage",
        "shots",
        "outcome",
        "time",
    ):
        table.add_column(
            col,
            justify="left" if col in ("name", "target", "outcome") else "right",
            no_wrap=True,
            overflow="ellipsis",
            min_width=None if col == "target" else max(len(col), 6),
            ratio=1 if col == "target" else None,
        )
    for i in range(min(n, max_rows)):
        table.add_row(
            str(threats["name"][i]),
            str(threats["target"][i]),
            _t(threats["launch_time_s"][i]),
            _t(threats["first_detect_s"][i]),
            _t(threats["first_track_s"][i]),
            _t(threats.get("first_engage_s", [np.nan] * n)[i]),
            str(int(threats["interceptors"][i])),
            str(threats["outcome"][i]),
            _t(threats["outcome_time_s"][i]),
        )
    if n > max_rows:
        table.caption = f"first {max_rows} of {n} threats; all are in the store"
    console.print(table)


def check_rows(rows: int) -> int:
    """``--rows`` must be >= 0 (checked here so the error is one line, not a usage dump)."""
    from iads.errors import InputError

    if rows < 0:
        raise InputError(f"must be >= 0, got {rows}", field="--rows")
    return rows


def results(
    run_dir: Path = typer.Argument(..., help="A run directory made by `iads run --out DIR`."),
    parquet: Path = typer.Option(
        None, "--parquet", help="Also export every table to OUTDIR/<table>.parquet."
    ),
    rows: int = typer.Option(MAX_ROWS, help="Per-threat rows to show (>= 0)."),
) -> None:
    """Show the summary of a stored run again, and optionally export its tables to Parquet."""

    from iads.io.store import check_parquet_dir, export_parquet, read_summary

    check_rows(rows)
    if parquet is not None:
        check_parquet_dir(parquet)
    stored = read_summary(run_dir)
    render_summary(report_console(), stored["run"], stored["totals"], stored["threats"], rows)
    if parquet is not None:
        files = export_parquet(run_dir, parquet)
        typer.echo(f"wrote {len(files)} Parquet files to {parquet}")


def register(app: typer.Typer) -> None:
    """Add ``iads results`` to ``app``."""
    app.command()(results)
