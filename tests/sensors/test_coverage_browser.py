"""``iads coverage`` plot in a real browser: headless Chromium renders DIR/coverage.html offline.

The page is opened with every host name mapped to "not found" and with Chromium's network log
on; the plot must still render (plotly.js inlined) and the page must ask for nothing over
http(s). A control page that does load a remote image shows that the log would catch it.
Chromium is required in CI (set ``CI``; .ci/run installs it); elsewhere the tests skip.
``IADS_CHROMIUM`` names another Chromium binary.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iads.cli import app
from iads.scenario import load_scenario
from iads.scenario.load import radar_type

SMALL = Path(__file__).parents[2] / "examples" / "small.yaml"
BANDS_M = (25.0, 10_000.0)
WINDOW = (1400, 1000)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    f"--window-size={WINDOW[0]},{WINDOW[1]}",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no host resolves: a remote load would fail
    "--virtual-time-budget=5000",  # let the page's scripts finish before the dump
)


@pytest.fixture(scope="module")
def chromium() -> str:
    # IADS_CHROMIUM: another Chromium build (a path); by default the one on PATH
    path = os.environ.get("IADS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        reason = f"Chromium not found at {path} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI must install it (.ci/run does)")
        pytest.skip(f"{reason}; the browser test of the coverage plot needs it")
    return path


@pytest.fixture(scope="module")
def plot(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("coverage")
    bands = ",".join(f"{b:g}" for b in BANDS_M)
    res = CliRunner().invoke(app, ["coverage", str(SMALL), "--out", str(out), "--bands-m", bands])
    assert res.exit_code == 0, res.output
    return out / "coverage.html"


def _run(chromium: str, tmp: Path, page: Path, *extra: str) -> tuple[str, list[str]]:
    """Open ``page`` in headless Chromium; return stdout and the http(s) URLs the page
    itself asked for (from the network log; Chromium's own background requests have no
    file:// page behind them and are left out)."""
    netlog = tmp / "netlog.json"
    proc = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={tmp / 'profile'}", f"--log-net-log={netlog}",
         *extra, page.as_uri()],
        capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    log = json.loads(netlog.read_text())
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    asked = [
        e["params"]["url"]
        for e in log["events"]
        if e["type"] == start_job
        and "file://" in e["params"].get("network_isolation_key", "")
        and e["params"]["url"].startswith(("http:", "https:"))
    ]
    return proc.stdout, asked


class _Tags(HTMLParser):
    """Every tag's attributes that could load something."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.loads += [(tag, v or "") for k, v in attrs if k in ("src", "href", "srcset")]


def _expected_legend(sc) -> Counter:
    """Legend entries the plot must show, from the scenario: per radar its group title and
    range-height region, a detection entry per band, an engagement entry per band only for a
    radar that guides missiles (catalog ``max_guided_missiles`` > 0); then the sites."""
    want: Counter = Counter()
    for battery in sc.batteries:
        for site in battery.radars:
            rtype = radar_type(sc, site)
            want[f"{site.name} ({site.type}, {rtype.role})"] += 1
            want["range-height"] += 1
            for band in BANDS_M:
                want[f"detection at {band:g} m"] += 1
                if rtype.max_guided_missiles > 0:
                    want[f"engagement at {band:g} m"] += 1
    want.update(["Sites", "launchers", "defended assets"])
    return want


def test_coverage_plot_renders_offline_in_chromium(chromium, plot, tmp_path):
    dom, asked = _run(chromium, tmp_path, plot, "--dump-dom")
    assert asked == []  # the page asked for nothing over the network
    tags = _Tags()
    tags.feed(plot.read_text(encoding="utf-8"))
    assert [t for t in tags.loads if not t[1].startswith(("#", "data:"))] == []
    assert "main-svg" in dom  # plotly.js ran and drew its SVG
    sc = load_scenario(SMALL)
    want = _expected_legend(sc)
    legend = [html.unescape(t) for t in re.findall(r'class="legendtext"[^>]*>([^<]*)<', dom)]
    assert Counter(legend) == want
    # one drawn scatter trace per legend item, plus per radar its low-altitude region and its
    # site marker (neither in the legend), less the legend group titles
    n_radars = sum(len(b.radars) for b in sc.batteries)
    n_traces = sum(want.values()) - (n_radars + 1) + 2 * n_radars
    assert len(re.findall(r'class="trace scatter', dom)) == n_traces
    drawn = dom.split('class="infolayer"')[0]  # the plot area, without the legend
    lines = re.findall(r'<path class="js-line" d="([^"]*)"', drawn)
    assert len(lines) >= n_traces - n_radars - 2  # site markers have none; a gap splits one
    # every region and footprint is drawn as closed outlines (a sector as a wedge back to the
    # site, never an open arc): each sub-path ends where it starts (within a pixel: plotly
    # thins the points it draws)
    for d in lines:
        for sub in d.split("M")[1:]:
            points = [tuple(map(float, p.split(","))) for p in sub.rstrip("Z").split("L")]
            gap_px = max(abs(a - b) for a, b in zip(points[0], points[-1], strict=True))
            assert len(points) > 3 and gap_px < 1.0, d[:80]
    labels = [html.unescape(t) for t in re.findall(r'class="annotation-text[^>]*>([^<]*)<', dom)]
    for name in [r.name for b in sc.batteries for r in b.radars + b.launchers] + [
        a.name for a in sc.assets
    ]:
        assert name in labels, name
    assert re.search(r"slant range \(km\)", dom) and re.search(r"north of origin \(km\)", dom)


def test_network_log_would_catch_a_remote_load(chromium, tmp_path):
    """Control: a page that loads a remote image and script is caught by the same check."""
    page = tmp_path / "remote.html"
    page.write_text(
        '<html><body><img src="http://example.invalid/a.png">'
        '<script src="https://cdn.example.invalid/plotly.js"></script></body></html>'
    )
    _, asked = _run(chromium, tmp_path, page, "--dump-dom")
    assert set(asked) == {"http://example.invalid/a.png", "https://cdn.example.invalid/plotly.js"}


def test_screenshot_shows_each_radar_in_its_own_colour_in_both_panels(chromium, plot, tmp_path):
    image = pytest.importorskip("PIL.Image")
    np = pytest.importorskip("numpy")
    from plotly.colors import qualitative

    png = tmp_path / "coverage.png"
    _, asked = _run(chromium, tmp_path, plot, f"--screenshot={png}")
    assert asked == []
    rgb = np.asarray(image.open(png).convert("RGB"), dtype=int)
    assert rgb.shape == (WINDOW[1], WINDOW[0], 3)
    left, right = rgb[:, : WINDOW[0] // 3], rgb[:, WINDOW[0] // 3 :]
    # radars in the order of the scenario take the first colours of Plotly's palette
    for colour in qualitative.Plotly[:2]:
        want = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        for panel in (left, right):
            assert (np.abs(panel - want).max(axis=-1) < 25).sum() > 200, colour
