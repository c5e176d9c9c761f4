"""CLI commands, one module each.

Every module here defines ``register(app: typer.Typer) -> None``; ``iads.cli`` discovers them, so
adding a command never touches the CLI's core. Modules import heavy libraries (DuckDB, Plotly,
Dask, SciPy submodules) inside the command functions, keeping ``iads --help`` fast.
"""
