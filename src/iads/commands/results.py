"""``iads results DIR``: show a stored run's summary again; ``--parquet OUT`` exports its tables.
A study directory (``iads mc``/``iads sweep``) shows the study summary. ``--json`` prints JSON.

``render_summary`` and ``run_json`` are shared with ``iads run``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import typer

from iads.errors import printable

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
    return printable(value)


def report_console():
    """A Rich console for summaries (``iads.commands._output.console``): user text literal,
    the terminal's width, or 120 columns when the output is a file or a pipe."""
    from iads.commands._output import console

    return console()


def _t(value: Any) -> str:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    return "-" if math.isnan(x) else f"{x:.1f}"


def spent_note(totals: dict[str, Any]) -> str:
    """A line saying when the run stopped its spent defense's sensing ("" if it did not)."""
    t = totals.get("defense_spent_s")
    if t is None or not math.isfinite(float(t)):
        return ""
    return (
        f"the defense was spent at {float(t):.0f} s (no battery could launch again before the "
        "last arrival): its sensing stopped then, so detected and tracked count what it saw "
        "before (settings: stop_when_spent: false senses to the end)"
    )


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
        title=printable(f"{run.get('scenario_name', '')}  (seed {run.get('seed', '')})"),
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
        ("interceptor_cost_usd", "interceptor cost"),
        ("threat_cost_killed_usd", "cost of threats killed"),
        ("cost_exchange_ratio", "cost exchange (interceptor USD / killed-threat USD)"),
        ("last_arrival_s", "last arrival (s)"),
        ("end_time_s", "simulated time (s)"),
    ]
    from iads.report.format import money

    for key, label in labels:
        if key in totals:
            value = totals[key]
            head.add_row(
                label,
                money(value) if key.endswith("_usd") else _fmt(value, 2 if "ratio" in key else 1),
            )

    if totals.get("interceptor_cost_known") is False:
        head.add_row("note", "interceptor costs unknown: counted as 0")
    if "wall_time_s" in run:
        head.add_row("wall time (s)", _fmt(float(run["wall_time_s"]), 2))
    console.print(head)
    early = ends_early(totals, threats)
    if early:
        console.print(f"note: {early}")
    spent = spent_note(totals)
    if spent:
        console.print(f"note: {spent}")
    why = fate_counts(threats)
    if why:
        console.print(
            "why threats reached their targets: "
            + ", ".join(f"{code.replace('_', ' ')} {k}" for code, k in why.items())
        )

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
        "why",
    ):
        table.add_column(
            col,
            justify="left" if col in ("name", "target", "outcome", "why") else "right",
            no_wrap=True,
            overflow="ellipsis",
            min_width=None if col in ("target", "why") else max(len(col), 6),
            ratio=1 if col in ("target", "why") else None,
        )
    reasons = threats.get("fate_reason", [""] * n)
    for i in range(min(n, max_rows)):
        table.add_row(
            printable(threats["name"][i]),
            printable(threats["target"][i]),
            _t(threats["launch_time_s"][i]),
            _t(threats["first_detect_s"][i]),
            _t(threats["first_track_s"][i]),
            _t(threats.get("first_engage_s", [np.nan] * n)[i]),
            str(int(threats["interceptors"][i])),
            printable(threats["outcome"][i]),
            _t(threats["outcome_time_s"][i]),
            str(reasons[i] or "").replace("_", " "),
        )
    if n > max_rows:
        table.caption = f"first {max_rows} of {n} threats; all are in the store"
    console.print(table)


def ends_early(totals: dict[str, Any], threats: dict[str, Any]) -> str:
    """A note when the run ended before any threat could reach its target (its duration is
    shorter than the earliest planned arrival), else ""."""
    end = totals.get("end_time_s")
    arrive = np.asarray(threats.get("planned_arrival_s", []), dtype=float)
    arrive = arrive[np.isfinite(arrive)]
    if end is None or arrive.size == 0 or not np.isfinite(float(end)):
        return ""
    first = float(arrive.min())
    if float(end) < first and not totals.get("leakers"):
        return (
            f"the run ended at {float(end):,.0f} s, before any threat could arrive (the first "
            f"is due at {first:,.0f} s): raise duration_s to see the raid's outcome"
        )
    return ""


def fate_counts(threats: dict[str, Any]) -> dict[str, int]:
    """Threats that reached their target, counted by fate reason (``iads.sim.fates``),
    commonest first; empty for a store without reasons."""
    codes = threats.get("fate_reason")
    if codes is None:
        return {}
    out: dict[str, int] = {}
    for code, fate in zip(codes, threats["outcome"], strict=True):
        if str(fate) == "reached" and code:
            out[str(code)] = out.get(str(code), 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def check_rows(rows: int) -> int:
    """``--rows`` must be >= 0 (checked here so the error is one line, not a usage dump)."""
    from iads.errors import InputError

    if rows < 0:
        raise InputError(f"must be >= 0, got {rows}", field="--rows")
    return rows


def run_json(stored: dict[str, Any], path: Path) -> str:
    """A stored run's identity and totals as JSON (NaN as null)."""
    import json

    def clean(v: Any) -> Any:
        v = v.item() if hasattr(v, "item") else v
        return None if isinstance(v, float) and not math.isfinite(v) else v

    doc = {
        "run": {k: clean(v) for k, v in stored["run"].items()},
        "summary": {k: clean(v) for k, v in stored["totals"].items()},
        "results": str(path),
    }
    return json.dumps(doc, indent=2, allow_nan=False)


def results(
    run_dir: Path = typer.Argument(
        ..., help="A run directory (iads run --out DIR) or a study directory (iads mc, iads sweep)."
    ),
    parquet: Path = typer.Option(
        None, "--parquet", help="Also export every table to OUTDIR/<table>.parquet."
    ),
    rows: int = typer.Option(MAX_ROWS, help="Per-threat rows to show (>= 0)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
) -> None:
    """Show the summary of a stored run or study again; optionally export a run to Parquet."""

    from iads.io.store import check_parquet_dir, export_parquet, read_summary, results_path
    from iads.io.study_store import is_study

    check_rows(rows)
    if is_study(run_dir) and parquet is None:
        from iads.commands._study import show_study

        show_study(run_dir, as_json)
        return
    if parquet is not None:
        check_parquet_dir(parquet)
    stored = read_summary(run_dir)
    if as_json:
        typer.echo(run_json(stored, results_path(run_dir)))
    else:
        render_summary(report_console(), stored["run"], stored["totals"], stored["threats"], rows)
    if parquet is not None:
        files = export_parquet(run_dir, parquet)
        typer.echo(f"wrote {len(files)} Parquet files to {printable(parquet)}")


def register(app: typer.Typer) -> None:
    """Add ``iads results`` to ``app``."""
    app.command()(results)
