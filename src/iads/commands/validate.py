"""``iads validate``, ``iads schema`` and ``iads catalog``: checking and describing scenarios."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from iads.errors import InputError, InputErrors


def validate(
    files: list[Path] = typer.Argument(..., help="Scenario YAML files to check."),
) -> None:
    """Check scenario files: print OK per file, or every error with file, YAML path and line."""
    import sys

    from iads.scenario import load_scenario

    bad = 0
    for path in files:
        try:
            sc = load_scenario(path)
        except InputError as exc:
            bad += 1
            lines = exc.lines() if isinstance(exc, InputErrors) else [exc.one_line()]
            sys.stderr.write("".join(f"error: {line}\n" for line in lines))
            continue
        n_threats = len(sc.threats) + sum(r.count for r in sc.raids)
        typer.echo(
            f"OK {path}: {len(sc.assets)} assets, {len(sc.batteries)} batteries, "
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


def catalog(
    files: list[Path] = typer.Argument(None, help="Extra catalog files to include."),
    sources: bool = typer.Option(False, "--sources", help="Also print every figure's source."),
) -> None:
    """List the equipment and threat types known to iads (built-in plus FILES)."""
    from rich.console import Console
    from rich.table import Table

    from iads.scenario import builtin_catalog, load_catalog_file

    cat = builtin_catalog()
    for f in files or []:
        cat = cat.merged(load_catalog_file(f))
    console = Console()
    for section in ("radars", "interceptors", "launchers", "threats"):
        table = Table(title=section, show_lines=False)
        table.add_column("type")
        table.add_column("description")
        for name, item in getattr(cat, section).items():
            table.add_row(name, item.description)
            if sources:
                for field, text in item.sources.items():
                    table.add_row("", f"  {field} = {getattr(item, field)!r}: {text}")
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add the commands of this module to ``app``."""
    app.command()(validate)
    app.command()(schema)
    app.command()(catalog)
