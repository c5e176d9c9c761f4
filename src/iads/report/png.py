"""The report's main figures as PNG files, drawn by headless Chromium (``--png DIR``).

Kaleido would need its own Chrome download, which fails offline; the Debian ``chromium``
(``IADS_CHROMIUM`` names another binary) renders each figure alone in a page of its own size
and screenshots it, the same plotly.js drawing the report shows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from iads.errors import InputError
from iads.report.page import Figure

PNG_SIZE = (1400, 900)
"""Width and height (px) of each PNG when the figure does not set its own height."""
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    "--disable-background-networking",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--virtual-time-budget=5000",
)


def chromium() -> str:
    """The Chromium binary: ``IADS_CHROMIUM``, else ``chromium`` on PATH (InputError if none)."""
    path = os.environ.get("IADS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        raise InputError("needs Chromium to draw PNGs (apt-get install chromium)", field="--png")
    return path


def write_pngs(figures: list[Figure], out_dir: Path) -> list[Path]:
    """``out_dir/<figure id>.png`` for every figure (not the replay's animation: its first
    frame). Returns the paths written."""
    from iads.report.page import plotly_js

    exe = chromium()
    out_dir.mkdir(parents=True, exist_ok=True)
    js = plotly_js(figures)
    written = []
    with tempfile.TemporaryDirectory(prefix="iads-png-") as tmp:
        for fig in figures:
            height = fig.height_px() or PNG_SIZE[1]
            width = PNG_SIZE[0]
            body = fig.to_html(
                full_html=False, include_plotlyjs=False, auto_play=False,
                config={"displaylogo": False, "displayModeBar": False},
                default_width=f"{width}px", default_height=f"{height}px",
            )  # fmt: skip
            page = Path(tmp) / f"{fig.id}.html"
            page.write_text(
                f"<html><head><meta charset='utf-8'><script>{js}</script></head>"
                f"<body style='margin:0;background:#fff'>{body}</body></html>",
                encoding="utf-8",
            )
            target = out_dir / f"{fig.id}.png"
            proc = subprocess.run(
                [exe, *CHROMIUM_FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}",
                 f"--window-size={width},{height}", f"--screenshot={target}", page.as_uri()],
                capture_output=True, text=True, timeout=120, check=False,
            )  # fmt: skip
            if proc.returncode != 0 or not target.is_file():
                raise InputError(
                    f"Chromium could not draw {fig.id} ({proc.stderr.strip()[-200:]})",
                    field="--png",
                )
            written.append(target)
    return written


__all__ = ["PNG_SIZE", "chromium", "write_pngs"]
