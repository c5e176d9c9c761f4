"""The local workers' head start: which arguments ask for local workers, read before Typer."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from iads.commands import _head_start as head_start
from iads.commands._head_start import start_workers_if_asked, study_options, wants_local_workers


def test_study_options_reads_both_forms_and_keeps_the_last():
    args = ["mc", "s.yaml", "--runs", "8", "--workers=3", "--runs=12", "--fidelity", "fast"]
    assert study_options(args) == {"--runs": "12", "--workers": "3", "--fidelity": "fast"}
    assert study_options(["sweep", "s.yaml", "--vary", "a=1,2", "--runs", "4"]) == {"--runs": "4"}


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["run", "s.yaml", "--runs", "8"],
        ["mc", "--help"],
        ["mc", "s.yaml", "-h"],
        ["mc", "--runs"],
    ],
)
def test_study_options_gives_up_on_other_commands_help_and_a_missing_value(args):
    assert study_options(args) is None


@pytest.mark.parametrize(
    ("args", "cpus", "expected"),
    [
        (["mc", "s.yaml", "--runs", "8", "--workers", "2"], 1, (True, "full")),
        (["mc", "s.yaml", "--runs", "8", "--fidelity", "fast"], 2, (True, "fast")),
        (["mc", "s.yaml", "--runs", "8"], 1, (False, "full")),  # default workers: the CPUs
        (["mc", "s.yaml", "--runs", "1", "--workers", "2"], 2, (False, "full")),
        (["mc", "s.yaml", "--runs", "8", "--workers", "1"], 2, (False, "full")),
        (["mc", "s.yaml", "--runs", "8", "--scheduler", "tcp://127.0.0.1:1"], 2, (False, None)),
        (["mc", "s.yaml", "--runs", "eight", "--workers", "2"], 2, (False, None)),
        (["mc", "s.yaml", "--workers", "2"], 2, (False, None)),  # Typer reports the missing --runs
        (["sweep", "s.yaml", "--vary", "a=1,2", "--runs", "3"], 4, (True, "full")),
    ],
)
def test_wants_local_workers(monkeypatch, args, cpus, expected):
    monkeypatch.setattr(head_start, "default_workers", lambda: cpus)
    assert wants_local_workers(args) == expected


def test_the_forkserver_starts_only_when_asked(monkeypatch):
    import iads.analysis.execute as execute

    started = []
    monkeypatch.setattr(execute, "start_local_workers", started.append)
    start_workers_if_asked(["mc", "s.yaml", "--runs", "4", "--workers", "2", "--fidelity=fast"])
    start_workers_if_asked(["mc", "s.yaml", "--runs", "4", "--workers", "1"])
    start_workers_if_asked(["mc", "--help"])
    assert started == ["fast"]


def test_the_scan_imports_nothing_heavy():
    code = (
        "import json, sys; from iads.commands._head_start import wants_local_workers;"
        "wants_local_workers(['mc', 's.yaml', '--runs', '4', '--workers', '1']);"
        "print(json.dumps([m for m in ('typer', 'numpy', 'pydantic', 'rich') if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
