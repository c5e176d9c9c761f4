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


def test_only_the_first_main_call_of_a_process_freezes_the_gc():
    # A frozen object is never collected: a program calling main() many times (the tests do)
    # must not keep each call's cyclic garbage.
    code = (
        "import gc, json, iads.cli as c\n"
        "counts = []\n"
        "for _ in range(3):\n"
        "    for _ in range(2000):\n"
        "        a = []; a.append(a)\n"
        "    del a\n"
        "    try:\n"
        "        c.main(['track', '/nonexistent/plots.csv', '--out', '/nonexistent/t.csv'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    counts.append(gc.get_freeze_count())\n"
        "print(json.dumps(counts))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    counts = json.loads(out.stdout.strip().splitlines()[-1])
    assert counts[0] > 0  # the first call froze the start-up modules
    # Later calls freeze nothing (a call that froze again would add thousands of objects,
    # 19,000 on the first repeat when measured); the count may move by an object or two.
    assert max(counts) - counts[0] < 100


def test_the_heap_is_frozen_at_exit_whatever_the_command():
    # the interpreter's final collections then skip it (0.35 s less to exit after a run): the
    # objects a command made after start-up are frozen too, by the time the exit handlers
    # registered before main() run (after main()'s own)
    code = (
        "import atexit, gc, sys, iads.cli as c\n"
        "at_start = []\n"
        "atexit.register(lambda: print(at_start[0], gc.get_freeze_count()))\n"
        "typer_main = c._typer_main\n"
        "def counted(argv):\n"
        "    at_start.append(gc.get_freeze_count())\n"
        "    typer_main(argv)\n"
        "c._typer_main = counted\n"
        "c.main(sys.argv[1:])\n"
    )
    for args in (["--version"], ["validate", "/nonexistent.yaml"]):
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
        start, end = map(int, out.stdout.split()[-2:])
        assert start > 0 and end > start + 1000, (args, start, end)


def test_a_run_does_not_import_scipy_stats():
    # scipy.stats costs 0.5 s or more of every worker's start-up; only Swerling 0 and 4 need it
    small = str(Path(__file__).parents[1] / "examples" / "small.yaml")
    code = (
        "import sys; from iads.scenario import load_scenario; from iads.sim.run import "
        f"run_scenario; run_scenario(load_scenario({small!r}), seed=1, fidelity='fast'); "
        "print('scipy.stats' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", (
        "a fast run of examples/small.yaml imported scipy.stats: a lazy import moved to module "
        "level, or one of its radars or targets now uses a Swerling 0 or 4 law (which need it)"
    )
