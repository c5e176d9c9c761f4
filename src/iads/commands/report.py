"""``iads report RUN_OR_STUDY [--out report.html] [--png DIR]``: one offline HTML report.

The page is self-contained (plotly.js inlined, no request of any kind when viewed): a map of
sites, assets, raid axes, footprints, threat and interceptor paths; a replay; the engagement
timeline; each threat's fate and why; per-battery expenditure; vertical coverage; and for a
study its saturation curve, leak distribution and interceptors spent. Layout in
``iads.report``; notes in docs/report.md.
"""

from __future__ import annotations

from pathlib import Path

import typer

from iads.errors import printable

HTML_FILE = "report.html"


def report(
    source: Path = typer.Argument(
        ..., metavar="RUN_OR_STUDY", help="A run or study directory (or its .duckdb store)."
    ),
    out: Path = typer.Option(
        None, "--out", help="HTML file to write (default: RUN_OR_STUDY/report.html)."
    ),
    png: Path = typer.Option(
        None, "--png", help="Also write the main figures as PNG files into this directory."
    ),
    scenario: Path = typer.Option(
        None, "--scenario", help="Scenario file, for a store that does not hold its scenario."
    ),
    rcs_m2: float = typer.Option(
        None, "--rcs-m2", help="Target RCS of the coverage (m²; default: the run's smallest)."
    ),
    bands_m: str = typer.Option(
        "25,100,1000,10000", "--bands-m", help="Altitude bands of the footprints (m)."
    ),
) -> None:
    """Write a self-contained HTML report of a run or a study (opens offline)."""
    import math
    import time

    from iads.commands.coverage import _parse_bands
    from iads.errors import InputError
    from iads.io.files import check_out_dir
    from iads.report.build import build_report

    if rcs_m2 is not None and not (rcs_m2 > 0 and math.isfinite(rcs_m2)):
        raise InputError("must be a positive area in m^2, like 1 or 0.01", field="--rcs-m2")
    bands = tuple(_parse_bands(bands_m))
    if scenario is not None and not scenario.is_file():
        raise InputError("file not found", file=str(scenario), field="--scenario")
    if out is None:
        base = source if source.is_dir() else source.parent
        out = base / HTML_FILE
    if out.exists() and out.is_dir():
        raise InputError("must be a file name, not a directory", file=str(out), field="--out")
    check_out_dir(out.parent, out.name, overwrite=True, field="--out")
    if png is not None:
        check_out_dir(png, "", overwrite=True, field="--png")
    if png is not None and png.exists() and not png.is_dir():
        raise InputError("must be a directory, not a file", file=str(png), field="--png")
    start = time.perf_counter()
    rep = build_report(source, out, scenario, rcs_m2, bands)
    took = time.perf_counter() - start
    size_mb = out.stat().st_size / 1e6
    typer.echo(f"report: {printable(out)} ({size_mb:.1f} MB, {took:.1f} s)")
    for note in rep.notes:
        typer.echo(f"note: {printable(note)}")
    if png is not None:
        from iads.report.png import write_pngs

        for path in write_pngs(rep.figures, png):
            typer.echo(f"png: {printable(path)}")


def register(app: typer.Typer) -> None:
    """Add ``iads report`` to ``app``."""
    app.command()(report)
