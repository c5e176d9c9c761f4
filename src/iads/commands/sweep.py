"""``iads sweep SCENARIO --vary PATH=VALUES ... --runs N``: a grid study over scenario fields."""

from __future__ import annotations

from pathlib import Path

import typer

from iads.commands import FILES_ANYWHERE_HELP
from iads.commands._head_start import DEFAULT_FIDELITY
from iads.commands.mc import FIDELITY_HELP, SCHEDULER_HELP
from iads.errors import printable

VARY_HELP = (
    "PATH=VALUES, repeatable: raids[name=CM].count=8:512:x2, "
    "batteries.0.command_post.salvo_size=1,2, settings.<field>=..."
)


def sweep(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    files_anywhere: bool = typer.Option(False, "--files-anywhere", help=FILES_ANYWHERE_HELP),
    vary: list[str] = typer.Option(..., "--vary", help=VARY_HELP),
    runs: int = typer.Option(..., "--runs", min=1, help="Replications per grid point."),
    seed: int = typer.Option(
        None, "--seed", min=0, max=2**63 - 1, help="Study seed (default: the scenario's)."
    ),
    workers: int = typer.Option(
        None, "--workers", min=1, help="Local worker processes (default: the CPUs; 1: in-process)."
    ),
    scheduler: str = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
    fidelity: str = typer.Option(DEFAULT_FIDELITY, "--fidelity", help=FIDELITY_HELP),
    out: Path = typer.Option(None, "--out", help="Study directory (default: runs/<stem>-sweep)."),
    resume: bool = typer.Option(False, "--resume", help="Continue the study stored in --out."),
    plot: Path = typer.Option(
        None, "--plot", help="Also write the leak-rate curve with its band to this HTML file."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress or summary."),
) -> None:
    """Run N replications at every point of the grid of --vary values (the same seeds at each
    point) and show leak rate, kills and interceptors per point with confidence intervals."""
    from iads.analysis.study import sweep_spec
    from iads.commands.mc import common_checks, run_and_finish

    sc, out_dir = common_checks(scenario, out, "sweep", files_anywhere)
    run_and_finish(
        sweep_spec(sc, vary, runs, seed, fidelity),
        out_dir,
        workers=workers,
        scheduler=scheduler,
        resume=resume,
        quiet=quiet,
        as_json=as_json,
        command="sweep",
    )
    if plot is not None:
        from iads.analysis.plot import write_leak_curve

        write_leak_curve(out_dir, plot)
        if not as_json and not quiet:
            typer.echo(f"plot: {printable(plot)}")


def register(app: typer.Typer) -> None:
    """Add ``iads sweep`` to ``app``."""
    app.command()(sweep)
