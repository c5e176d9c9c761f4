"""``iads run SCENARIO [--seed N] [--out DIR] [--fidelity full|fast]``: one run, stored in
DIR/results.duckdb."""

from __future__ import annotations

from pathlib import Path

import typer

from iads.commands import FILES_ANYWHERE_HELP


def run(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    files_anywhere: bool = typer.Option(False, "--files-anywhere", help=FILES_ANYWHERE_HELP),
    seed: int = typer.Option(
        None, "--seed", min=0, max=2**63 - 1, help="Random seed (default: the scenario's)."
    ),
    out: Path = typer.Option(
        None, "--out", help="Output directory (default: runs/<scenario file stem>)."
    ),
    rows: int = typer.Option(30, help="Per-threat rows to show in the summary (>= 0)."),
    no_defense: bool = typer.Option(
        False, "--no-defense", help="Motion only: the undefended baseline."
    ),
    engagement: str = typer.Option(
        "full",
        "--engagement",
        help="Interceptor model: 'full' point-mass fly-out, or 'fast' time-of-flight tables.",
    ),
    fidelity: str = typer.Option(
        None,
        "--fidelity",
        help="Study fidelity (overrides --engagement): 'full', or 'fast' (time-of-flight "
        "tables and statistical sensing and tracking), as iads mc --fidelity.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace the run already stored in --out (refused otherwise)."
    ),
    dis: str = typer.Option(
        None, "--dis", help="Stream DIS v7 PDUs over UDP to HOST:PORT (docs/interop.md)."
    ),
    realtime: bool = typer.Option(False, "--realtime", help="Pace the --dis stream to the clock."),
    asterix_out: Path = typer.Option(
        None, "--asterix-out", help="Also write the system tracks as ASTERIX CAT062."
    ),
) -> None:
    """Run a scenario once; write DIR/results.duckdb atomically and print a summary."""
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn

    from iads.commands._output import progress, text
    from iads.commands.results import check_rows, render_summary, report_console, run_json
    from iads.errors import InputError
    from iads.io.files import check_out_dir
    from iads.io.store import RESULTS_FILE, read_summary, write_results
    from iads.scenario import load_scenario
    from iads.sim.run import run_scenario

    check_rows(rows)
    if engagement not in ("full", "fast"):
        raise InputError(f"must be 'full' or 'fast', got {engagement!r}", field="--engagement")
    if fidelity not in (None, "full", "fast"):
        raise InputError(f"must be 'full' or 'fast', got {fidelity!r}", field="--fidelity")
    out_dir = out if out is not None else Path("runs") / scenario.stem
    check_out_dir(out_dir, RESULTS_FILE, overwrite=overwrite)  # before any work
    interop = None
    if dis is not None or realtime or asterix_out is not None:
        from iads.interop.run_outputs import RunInterop

        interop = RunInterop(dis, realtime, asterix_out)
        interop.check()
    if not scenario.is_file():
        raise InputError("file not found", file=str(scenario))
    sc = load_scenario(scenario, catalog_anywhere=files_anywhere)
    with progress(
        BarColumn(),
        TextColumn("{task.completed:,.0f} / {task.total:,.0f} s simulated"),
        TimeElapsedColumn(),
        disable=quiet or as_json,
    ) as bar:
        task = bar.add_task(text(sc.name), total=sc.duration_s)
        result = run_scenario(
            sc,
            seed,
            progress=lambda t: bar.update(task, completed=t),
            defended=not no_defense,
            engagement=engagement,
            fidelity=fidelity,
            attach=interop.attach if interop else None,
        )
    path = write_results(result, out_dir)
    if interop is not None:
        from iads.geo import Origin

        note = interop.finish(result, Origin.of(sc.origin))
        interop.close()
        if note and not (as_json or quiet):
            typer.echo(note)
    if as_json:
        typer.echo(run_json(read_summary(out_dir), path))
        return
    if quiet:
        return
    stored = read_summary(out_dir)
    console = report_console()
    render_summary(console, stored["run"], stored["totals"], stored["threats"], rows)
    console.print(f"results: {text(path)}")


def register(app: typer.Typer) -> None:
    """Add ``iads run`` to ``app``."""
    app.command()(run)
