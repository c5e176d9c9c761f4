"""CLI polish: one-pass validation, plain help with flags as flags, catalog key figures, money,
and a run that ends before any threat can arrive says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parents[2] / "examples"
COMMANDS = ["validate", "schema", "catalog", "run", "results", "mc", "sweep", "coverage",
            "track", "score-tracks", "report"]  # fmt: skip


def _iads(*args: str, columns: int | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": str(columns)} if columns else None
    return subprocess.run(
        [sys.executable, "-m", "iads.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_validate_reports_schema_and_reference_errors_in_one_pass(tmp_path):
    text = (EXAMPLES / "small.yaml").read_text()
    text = text.replace("duration_s: 200", "duration_s: -5")
    text = text.replace("type: 91N6E-class", "type: 91N6X-class")
    text = text.replace("target: Vesna Air Base\n    axis: {bearing_deg: 135",
                        "target: Vesna Airbase\n    axis: {bearing_deg: 135")  # fmt: skip
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    out = _iads("validate", str(bad))
    assert out.returncode == 2
    lines = out.stderr.splitlines()
    assert all(line.startswith("error: ") for line in lines)
    assert any("duration_s" in line for line in lines)  # schema
    assert any("unknown radar type '91N6X-class'" in line for line in lines)  # reference
    assert any("unknown asset 'Vesna Airbase'" in line for line in lines)  # reference
    assert len(lines) == 3


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_plain_and_flags_are_flags(command):
    out = _iads(command, "--help")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "<bool>" not in text and "`" not in text and "[bold" not in text
    assert "╭" not in text  # no Rich panels: plain text for terminals, pipes and man pages
    if command == "run":
        assert "--no-defense  " in text and "-q, --quiet  " in text


def test_catalog_shows_key_figures():
    out = _iads("catalog", columns=220)
    assert out.returncode == 0
    text = out.stdout
    for figure in ("250 km", "2,000 m/s", "$1.50 M", "0.1 m²", "245 m/s", "230 km (1 m², Pd 0.9)"):
        assert figure in text, figure


def test_run_that_ends_before_arrival_says_so_and_costs_are_money(tmp_path):
    short = tmp_path / "short.yaml"
    short.write_text(
        (EXAMPLES / "small.yaml").read_text().replace("duration_s: 200", "duration_s: 20")
    )
    out = _iads("run", str(short), "--out", str(tmp_path / "run"))
    assert out.returncode == 0, out.stderr
    flat = " ".join(out.stdout.split())
    assert "before any threat could arrive" in flat
    assert "$" in out.stdout and "interceptor cost (USD)" not in out.stdout


def test_full_run_has_no_early_note(tmp_path):
    from iads.commands.results import ends_early

    assert ends_early({"end_time_s": 300.0, "leakers": 0}, {"planned_arrival_s": [100.0]}) == ""
    assert ends_early({"end_time_s": 50.0, "leakers": 0}, {"planned_arrival_s": [100.0]})
