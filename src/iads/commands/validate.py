"""``iads validate``, ``iads schema`` and ``iads catalog``: checking and describing scenarios."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from iads.commands import FILES_ANYWHERE_HELP
from iads.errors import InputError, error_lines, printable


def validate(
    files: list[Path] = typer.Argument(..., help="Scenario YAML files to check."),
    files_anywhere: bool = typer.Option(False, "--files-anywhere", help=FILES_ANYWHERE_HELP),
) -> None:
    """Check scenario files: print OK per file, or every error with file, YAML path and line."""
    import sys

    from iads.scenario import load_scenario

    bad = 0
    for path in files:
        try:
            sc = load_scenario(path, catalog_anywhere=files_anywhere)
        except InputError as exc:
            bad += 1
            sys.stderr.write("".join(f"error: {line}\n" for line in error_lines(exc)))
            continue
        n_threats = len(sc.threats) + sum(r.count for r in sc.raids)
        typer.echo(
            f"OK {printable(path)}: {len(sc.assets)} assets, {len(sc.batteries)} batteries, "
            f"{n_threats} threats"
        )
    if bad:
        raise typer.Exit(2)


def schema(
    indent: int = typer.Option(2, help="JSON indentation."),
    markdown: bool = typer.Option(
        False, "--markdown", help="Print the field reference as Markdown (docs/reference.md)."
    ),
) -> None:
    """Print the JSON Schema of scenario files (for editor validation and completion)."""
    from iads.scenario import Scenario

    if markdown:
        from iads.scenario.reference import reference_markdown

        typer.echo(reference_markdown(), nl=False)
        return
    doc = Scenario.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "iads scenario"
    typer.echo(json.dumps(doc, indent=indent))


def _km(m: float | None) -> str:
    return "-" if m is None else f"{m / 1000:,.0f} km"


def key_figures(section: str, item: Any) -> dict[str, str]:
    """The figures ``iads catalog`` shows for one type: range, speed, RCS, cost (as text)."""
    from iads.report.format import money

    cost = money(item.cost_usd) if item.cost_usd else "-"
    if section == "radars":
        from iads.sensors.radar import RadarModel

        # free space, at the type's own timeline (ref_range_m, or the search radar equation)
        d_m = RadarModel.from_type(item, (0.0, 0.0, 0.0)).detection_range_m(1.0, 0.9)
        detect = _km(float(d_m)) + " (1 m², Pd 0.9)" if d_m > 0 else "radar eq."
        return {"role": item.role, "detects": detect, "range": _km(item.instrumented_range_m),
                "scan": f"{item.scan_period_s:g} s", "cost": cost}  # fmt: skip
    if section == "interceptors":
        return {"range": f"{item.min_range_m / 1000:g}-{item.max_range_m / 1000:g} km",
                "altitude": f"{item.min_altitude_m:,.0f} m-{item.max_altitude_m / 1000:g} km",
                "speed": f"{item.max_speed_mps:,.0f} m/s", "cost": cost}  # fmt: skip
    if section == "launchers":
        return {"rounds": str(item.tubes), "fires": ", ".join(item.interceptors),
                "reload": f"{item.reload_time_s / 60:g} min", "cost": cost}  # fmt: skip
    rcs = f"{item.rcs_front_m2:g} m²"
    return {"kind": item.kind, "speed": f"{item.speed_mps:,.0f} m/s", "RCS (front)": rcs,
            "altitude": f"{item.cruise_altitude_m:,.0f} m", "range": _km(item.max_range_m),
            "cost": cost}  # fmt: skip


def catalog(
    files: list[Path] = typer.Argument(None, help="Extra catalog files to include."),
    sources: bool = typer.Option(False, "--sources", help="Also print every figure's source."),
) -> None:
    """List the equipment and threat types known to iads (built-in plus FILES), with their key
    figures: range, speed, RCS, cost."""
    from rich.table import Table

    from iads.commands._output import console as make_console
    from iads.scenario import builtin_catalog, load_catalog_file

    cat = builtin_catalog()
    for f in files or []:
        cat = cat.merged(load_catalog_file(f))
    console = make_console()
    for section in ("radars", "interceptors", "launchers", "threats"):
        entries = getattr(cat, section)
        if not entries:
            continue
        table = Table(title=section, show_lines=False, title_justify="left")
        table.add_column("type", no_wrap=True)
        columns = list(key_figures(section, next(iter(entries.values()))))
        for col in columns:
            table.add_column(col, justify="left" if col in ("role", "kind", "fires") else "right")
        table.add_column("description")
        for name, item in entries.items():
            figures = [printable(str(x)) for x in key_figures(section, item).values()]
            table.add_row(printable(name), *figures, printable(item.description))
            if sources:
                for field, text in item.sources.items():
                    table.add_row(
                        "",
                        *[""] * len(columns),
                        printable(f"{field} = {getattr(item, field)!r}: {text}"),
                    )
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add the commands of this module to ``app``."""
    app.command()(validate)
    app.command()(schema)
    app.command()(catalog)
