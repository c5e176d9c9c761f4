"""`iads --help` must start fast: heavy libraries are imported only by the commands using them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("duckdb", "plotly", "dask", "distributed", "pyarrow", "stonesoup", "numba", "pandas")


def test_cli_import_does_not_load_heavy_libraries():
    code = (
        "import sys, json; import iads.cli; "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_help_lists_commands():
    out = subprocess.run(
        [sys.executable, "-m", "iads.cli", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("validate", "schema", "catalog"):
        assert command in out.stdout


def test_version():
    from iads import __version__

    out = subprocess.run(
        [sys.executable, "-m", "iads.cli", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"iads {__version__}"


def test_usage_errors_exit_2_without_traceback():
    small = str(Path(__file__).parents[1] / "examples" / "small.yaml")
    for args in (["nonsense"], ["run", small, "--seed", "-1"], ["run"]):
        out = subprocess.run(
            [sys.executable, "-m", "iads.cli", *args], capture_output=True, text=True
        )
        assert out.returncode == 2, args
        assert "Traceback" not in out.stderr
