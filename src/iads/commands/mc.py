"""``iads mc SCENARIO --runs N``: a Monte Carlo study, stored in DIR/study.duckdb."""

from __future__ import annotations

from pathlib import Path

import typer

from iads.commands import FILES_ANYWHERE_HELP
from iads.commands._head_start import DEFAULT_FIDELITY

SCHEDULER_HELP = "Dask scheduler address (tcp://HOST:PORT): run on that cluster instead."
FIDELITY_HELP = "Model fidelity: 'full', or 'fast' (time-of-flight interceptor tables)."


def common_checks(
    scenario: Path, out: Path | None, default: str, files_anywhere: bool = False
) -> tuple[object, Path]:
    """Load the scenario (``--files-anywhere``: its files may lie outside its folder) and pick
    the output directory (shared with ``iads sweep``)."""
    from iads.errors import InputError
    from iads.io.files import check_out_dir
    from iads.io.study_store import STUDY_FILE
    from iads.scenario import load_scenario

    out_dir = out if out is not None else Path("runs") / f"{scenario.stem}-{default}"
    # before any work; a study already there is for --resume to judge (``run_study``)
    check_out_dir(out_dir, STUDY_FILE, overwrite=True, what="a study")
    if not scenario.is_file():
        raise InputError("file not found", file=str(scenario))
    sc = load_scenario(scenario, catalog_anywhere=files_anywhere)
    return sc, out_dir


def run_and_finish(
    spec: object,
    out_dir: Path,
    *,
    workers: int | None,
    scheduler: str | None,
    resume: bool,
    quiet: bool,
    as_json: bool,
    command: str,
) -> None:
    """Run a study spec into ``out_dir`` with progress, then print its summary (shared with
    ``iads sweep``)."""
    from iads.commands._head_start import default_workers
    from iads.commands._study import run_with_progress

    run_with_progress(
        spec,
        out_dir,
        workers=workers or default_workers(),
        scheduler=scheduler,
        resume=resume,
        quiet=quiet or as_json,
        command=command,
    )
    finish(out_dir, as_json, quiet)


def finish(out_dir: Path, as_json: bool, quiet: bool) -> None:
    """Print the stored study's summary (table or JSON)."""
    from iads.commands._study import show_study

    if as_json:
        show_study(out_dir, True)
    elif not quiet:
        show_study(out_dir, False)


def mc(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    files_anywhere: bool = typer.Option(False, "--files-anywhere", help=FILES_ANYWHERE_HELP),
    runs: int = typer.Option(..., "--runs", min=1, help="Replications."),
    seed: int = typer.Option(
        None, "--seed", min=0, max=2**63 - 1, help="Study seed (default: the scenario's)."
    ),
    workers: int = typer.Option(
        None, "--workers", min=1, help="Local worker processes (default: the CPUs; 1: in-process)."
    ),
    scheduler: str = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
    fidelity: str = typer.Option(DEFAULT_FIDELITY, "--fidelity", help=FIDELITY_HELP),
    out: Path = typer.Option(None, "--out", help="Study directory (default: runs/<stem>-mc)."),
    resume: bool = typer.Option(False, "--resume", help="Continue the study stored in --out."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress or summary."),
) -> None:
    """Run N replications (seeds spawned from the study seed) and summarise them with
    confidence intervals; each finished replication is stored at once."""
    from iads.analysis.study import mc_spec

    sc, out_dir = common_checks(scenario, out, "mc", files_anywhere)
    run_and_finish(
        mc_spec(sc, runs, seed, fidelity),
        out_dir,
        workers=workers,
        scheduler=scheduler,
        resume=resume,
        quiet=quiet,
        as_json=as_json,
        command="mc",
    )


def register(app: typer.Typer) -> None:
    """Add ``iads mc`` to ``app``."""
    app.command()(mc)
