"""docs/guide.md runs as written: its files are written, its shell blocks run (``iads`` as this
interpreter's ``python -m iads.cli``) and its Python blocks run in one namespace, in order, in a
fresh folder."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

GUIDE = Path(__file__).parents[1] / "docs" / "guide.md"
BLOCK = re.compile(r"(?:<!-- file: (?P<file>[^ ]+) -->\n)?```(?P<lang>\w+)\n(?P<body>.*?)```", re.S)


def blocks() -> list[tuple[str, str | None, str]]:
    return [(m["lang"], m["file"], m["body"]) for m in BLOCK.finditer(GUIDE.read_text())]


def test_guide_has_the_tutorial_steps():
    shell = " ".join(body for lang, _, body in blocks() if lang == "bash")
    for command in ("iads validate", "iads run", "iads report", "iads mc", "iads sweep"):
        assert command in shell, command
    assert any(lang == "python" and "read_results" in body for lang, _, body in blocks())


def test_guide_runs(tmp_path):
    namespace: dict = {}
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for lang, file, body in blocks():
            if file:
                Path(file).write_text(body)
            elif lang == "bash":
                for line in body.strip().splitlines():
                    args = shlex.split(line)
                    assert args[0] == "iads", line
                    out = subprocess.run([sys.executable, "-m", "iads.cli", *args[1:]],
                                         capture_output=True, text=True)  # fmt: skip
                    assert out.returncode == 0, f"{line}\n{out.stdout}\n{out.stderr}"
            elif lang == "python":
                exec(compile(body, str(GUIDE), "exec"), namespace)
    finally:
        os.chdir(cwd)
    assert (tmp_path / "runs" / "first" / "report.html").stat().st_size > 0
    assert (tmp_path / "runs" / "first-sweep" / "report.html").stat().st_size > 0
