"""CLI commands, one module each.

Every module here defines ``register(app: typer.Typer) -> None``; ``iads.cli`` discovers them, so
adding a command never touches the CLI's core. Modules import heavy libraries (DuckDB, Plotly,
Dask, SciPy submodules) inside the command functions, keeping ``iads --help`` fast.
"""

FILES_ANYWHERE_HELP = (
    "Let catalog_files, terrain.file and recorded traffic files be absolute or outside the "
    "scenario's folder (refused otherwise)."
)
"""Help of ``--files-anywhere`` (validate, run, coverage, mc, sweep): the explicit flag that lifts
the rule that files a scenario names lie inside its folder (``load_scenario(catalog_anywhere)``)."""
