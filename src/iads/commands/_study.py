"""What ``iads mc``, ``iads sweep`` and ``iads results STUDY`` share: running a study with a
progress display, and showing or printing (``--json``) its summary."""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import typer

from iads.errors import duckdb_interrupted, printable

PROGRESS_LOG_S = 10.0
"""Without a terminal, a progress line goes to stderr at most this often (and at the ends)."""


class _Rate:
    """A Rich column: replications per minute."""

    def __new__(cls):
        from rich.progress import ProgressColumn
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task: Any) -> Text:
                speed = task.finished_speed or task.speed
                return Text("-- rep/min" if speed is None else f"{speed * 60:,.1f} rep/min")

        return Rate()


def run_with_progress(
    spec: Any,
    out: Path,
    *,
    workers: int,
    scheduler: str | None,
    resume: bool,
    quiet: bool,
    command: str,
) -> Any:
    """Run ``spec`` into ``out`` with a Rich progress bar (rate and ETA) on a terminal, or a
    line now and then otherwise; on Ctrl-C say how to resume and exit 130."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from iads.analysis.study import run_study
    from iads.commands._output import console
    from iads.commands._output import progress as make_progress
    from iads.errors import Interrupted

    err = console(stderr=True)
    state: dict[str, Any] = {"done": 0, "total": spec.total, "last_log": -math.inf}
    state["t0"] = time.monotonic()
    bar = make_progress(
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        speed_estimate_period=600.0,
        disable=quiet,
    )
    log = not quiet and not err.is_terminal
    task = bar.add_task(printable(spec.base.name), total=spec.total)

    def progress(done: int, total: int) -> None:
        # log the start, the first replication stored (it shows the rate), then now and then
        if "start" not in state:  # a resumed study: the rate counts this session's work only
            bar.reset(task, total=total, completed=done)
        start = state.setdefault("start", done)
        first = state["last_log"] == -math.inf or state["done"] == start < done
        state["done"] = done
        bar.update(task, completed=done, total=total)
        now = time.monotonic()
        if log and (first or done == total or now - state["last_log"] >= PROGRESS_LOG_S):
            state["last_log"] = now
            mins = (now - state["t0"]) / 60.0
            sys.stderr.write(f"{done} / {total} replications ({mins:.1f} min)\n")
            sys.stderr.flush()

    try:
        with bar:
            return run_study(
                spec, out, workers=workers, scheduler=scheduler, resume=resume, progress=progress
            )
    except (KeyboardInterrupt, Interrupted, RuntimeError) as exc:
        if isinstance(exc, RuntimeError) and not duckdb_interrupted(exc):
            raise
        code = exc.code if isinstance(exc, Interrupted) else 130
        raise Interrupted(
            f"{state['done']} of {state['total']} replications are stored in {out}; "
            f"continue with the same `iads {command} ...` plus --resume",
            code=code,
        ) from None


def _clean(v: Any) -> Any:
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def load_study(study_dir: Path) -> dict[str, Any]:
    """A study's identity, points, replication count and summary (computed from the stored
    replications, so a partial study has one too)."""
    from iads.analysis.summary import summarize
    from iads.io.study_store import open_study, read_columns, read_meta

    with open_study(study_dir) as con:
        meta = read_meta(con)
        points = read_columns(con, "points", order="point")
        names = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        reps = (
            read_columns(con, "replications", order="point, rep") if "replications" in names else {}
        )
    summary = summarize(reps) if reps else {}
    n_points = len(points.get("point", []))
    return {
        "meta": meta,
        "points": points,
        "done": len(reps.get("point", [])),
        "total": int(meta["runs"]) * n_points,
        "summary": summary,
    }


def study_json(study: dict[str, Any], path: Path) -> str:
    """The study (identity, progress, points, summary rows) as JSON; NaN/NULL as null."""
    from iads.analysis.summary import summary_records

    meta = {
        k: _clean(v) for k, v in study["meta"].items() if k not in ("scenario_json", "vary_json")
    }
    pts = study["points"]
    keys = list(pts)
    points = [{k: _clean(pts[k][i]) for k in keys} for i in range(len(pts.get("point", [])))]
    doc = {
        "study": meta,
        "store": str(path),
        "replications": {"done": study["done"], "total": study["total"]},
        "points": points,
        "summary": summary_records(study["summary"]) if study["summary"] else [],
    }
    return json.dumps(doc, indent=2, allow_nan=False)


def _num(v: Any, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "-"
    x = float(v)
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.2f}" if abs(x) >= 1 else f"{x:.{digits}f}"


def _ci(lo: Any, hi: Any) -> str:
    return "-" if _num(lo) == "-" else f"{_num(lo)}–{_num(hi)}"


def render_study(console: Any, study: dict[str, Any]) -> None:
    """Print a study summary: every metric for one point, a row per point for a sweep."""
    from rich.table import Table

    from iads.analysis.stats import CONFIDENCE
    from iads.commands._output import text as escape

    meta, summ = study["meta"], study["summary"]
    title = (
        f"{meta['scenario_name']}: {meta['kind']} of {study['done']} / {study['total']} "
        f"replications (fidelity {meta['fidelity']}, seed {meta['seed']})"
    )
    level = f"{CONFIDENCE:.0%} CI"
    if not summ:
        console.print(escape(title) + "; nothing stored yet")
        return
    rows = list(zip(*[summ[k] for k in summ], strict=True))
    col = {k: i for i, k in enumerate(summ)}
    if meta["kind"] != "sweep":
        table = Table(title=escape(title), title_justify="left")
        for name in ("figure", "unit", "estimate", level, "n", "method"):
            table.add_column(
                name, justify="left" if name in ("figure", "unit", "method") else "right"
            )
        for r in rows:
            table.add_row(
                escape(r[col["label"]]),
                r[col["unit"]],
                _num(r[col["estimate"]]),
                _ci(r[col["ci_low"]], r[col["ci_high"]]),
                str(r[col["n"]]),
                r[col["method"]],
            )
        console.print(table)
        return
    metrics = [
        ("leak_rate", "leak rate"),
        ("p_no_leak", "raids with no leaker"),
        ("kills", "threats killed"),
        ("interceptors_spent", "interceptors spent (rounds)"),
        ("cost_exchange_ratio", "cost exchange (USD/USD)"),
    ]
    table = Table(title=escape(title + f"; estimate [{level}]"), title_justify="left")
    paths = [p for p, _ in meta["vary"]]
    for p in paths:
        table.add_column(escape(p), justify="right", overflow="fold")
    table.add_column("n", justify="right")
    for _, head in metrics:
        table.add_column(head, justify="right")
    pts = study["points"]
    by = {(r[col["point"]], r[col["metric"]]): r for r in rows}
    for i, point in enumerate(pts["point"]):
        cells = [escape(str(_clean(pts[p][i]))) for p in paths]
        first = by.get((point, "threats"))
        cells.append(str(first[col["n"]]) if first else "0")
        for key, _ in metrics:
            r = by.get((point, key))
            cells.append(
                "-"
                if r is None
                else f"{_num(r[col['estimate']])} [{_ci(r[col['ci_low']], r[col['ci_high']])}]"
            )
        table.add_row(*cells)
    console.print(table)
    console.print(
        "leak rate: leakers / threats (Wilson); others: mean per replication (bootstrap BCa)"
    )


def show_study(study_dir: Path, as_json: bool) -> None:
    """``iads results STUDY``: the summary of a stored study (or its JSON)."""
    from iads.commands.results import report_console
    from iads.io.study_store import study_path

    study = load_study(study_dir)
    if as_json:
        typer.echo(study_json(study, study_path(study_dir)))
        return
    console = report_console()
    render_study(console, study)
    console.print(f"study: {printable(study_path(study_dir))}")
