"""The corpus of broken scenarios: one clear line per error, exit code 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from iads.errors import InputError, InputErrors
from iads.scenario import load_scenario

BAD = sorted((Path(__file__).parent / "bad").glob("*.yaml"))


def _expected(path: Path) -> str:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect: "), path
    return first.removeprefix("# expect: ")


def _run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "iads.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def test_corpus_is_not_empty():
    assert len(BAD) >= 20


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_scenario_raises_input_error_naming_field(path: Path):
    with pytest.raises(InputError) as info:
        load_scenario(path)
    exc = info.value
    lines = exc.lines() if isinstance(exc, InputErrors) else [exc.one_line()]
    joined = "\n".join(lines)
    assert _expected(path) in joined
    assert all(line.startswith(str(path)) for line in lines), "every line names the file"
    assert all("\n" not in line for line in lines)


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_cli_validate_exit_2_without_traceback(path: Path, monkeypatch, capsys):
    from iads import cli

    monkeypatch.setattr(sys, "argv", ["iads", "validate", str(path)])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert _expected(path) in err
    assert all(line.startswith("error: ") for line in err.strip().splitlines())


def test_missing_file_subprocess(tmp_path: Path):
    result = _run_cli("validate", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.yaml'}: file not found"


def test_several_files_report_every_error(tmp_path: Path):
    good = Path(__file__).parent / "base.yaml"
    result = _run_cli("validate", str(good), str(BAD[0]), str(BAD[1]))
    assert result.returncode == 2
    assert f"OK {good}" in result.stdout
    assert str(BAD[0]) in result.stderr and str(BAD[1]) in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_cli_run_leaves_no_output(path: Path, tmp_path: Path, monkeypatch, capsys):
    from iads import cli

    out = tmp_path / "run"
    monkeypatch.setattr(sys, "argv", ["iads", "run", str(path), "--out", str(out)])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and _expected(path) in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
