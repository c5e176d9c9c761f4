"""``iads report`` in a real browser: headless Chromium (Playwright) opens the page from disk.

Checks: no console error or page error, no request beyond the file itself, the page's
'rendered' marker (set once every figure has drawn) counting every figure, each figure drawn
with data, and dragging the replay slider changes the time shown and the threat positions.
A screenshot is kept under the test's tmp directory (``report.png``), never committed.
Chromium is required in CI (``CI`` set; .ci/run installs it); elsewhere the test skips.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iads.cli import app

SMALL = Path(__file__).parents[2] / "examples" / "small.yaml"


@pytest.fixture(scope="module")
def browser_exe() -> str:
    path = os.environ.get("IADS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {path}: CI must install it (.ci/run does)")
        pytest.skip(f"Chromium not found at {path} (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    runner = CliRunner()
    res = runner.invoke(app, ["run", str(SMALL), "--out", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["report", str(out)])
    assert res.exit_code == 0, res.output
    return out / "report.html"


def test_report_renders_offline_and_the_replay_slider_moves_time(browser_exe, report, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_exe, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        problems, requests = [], []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri())
        page.wait_for_function("window.IADS_RENDERED_MS !== undefined")  # the page's marker
        ids = page.evaluate("[...document.querySelectorAll('.js-plotly-plot')].map(d => d.id)")
        assert {"map", "replay", "timeline", "expenditure", "vertical"} <= set(ids)
        assert page.get_attribute("body", "data-rendered") == str(len(ids))  # all drawn
        for fid in ids:  # every figure has traces with points, and drew them
            n = page.evaluate(
                f"document.getElementById('{fid}')._fullData.reduce((s, t) => s + "
                "((t.x && t.x.length) || 0), 0)"
            )
            assert n > 0, fid
            assert page.locator(f"#{fid} g.trace").count() > 0, fid
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

        def shown() -> tuple[str, list]:
            label = page.locator("#replay .slider-group > text.slider-label").first
            xs = page.evaluate(
                "(() => { const d = document.getElementById('replay')._fullData;"
                " return [...d.map(t => Array.from(t.x || []))]; })()"
            )
            return label.text_content(), xs

        t0, xs0 = shown()
        assert t0.startswith("t = ")
        page.locator("#replay .slider-rail-rect").scroll_into_view_if_needed()
        grip = page.locator("#replay .slider-grip-rect").bounding_box()
        rail = page.locator("#replay .slider-rail-rect").bounding_box()
        page.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
        page.mouse.down()
        page.mouse.move(rail["x"] + 0.3 * rail["width"], grip["y"] + grip["height"] / 2, steps=8)
        page.mouse.up()
        page.wait_for_timeout(300)
        t1, xs1 = shown()
        assert t1 != t0
        assert float(t1.split()[2]) > float(t0.split()[2])
        assert xs1 != xs0  # the markers moved
        page.screenshot(path=str(tmp_path / "replay.png"))
        browser.close()
    assert problems == []
    assert requests == [report.as_uri()]  # the page itself, nothing else


def test_study_report_draws_its_curve_and_bars_offline(browser_exe, tmp_path):
    """A study store in the documented layout (``replications``: one row per replication,
    sweep columns beside the results): the saturation curve with its bands and the two
    distributions are drawn by the page's plotly.js bundle, with no error or request."""
    duckdb = pytest.importorskip("duckdb")
    sync_api = pytest.importorskip("playwright.sync_api")
    store = tmp_path / "study.duckdb"
    con = duckdb.connect(str(store))
    con.execute(
        "CREATE TABLE replications AS SELECT i AS replication, i AS seed, "
        '(4 * (1 + i % 3)) AS "raids[name=UAV].count", (i % 3) * (i % 2) AS leakers, '
        "3 + i % 5 AS interceptors_spent FROM range(12) t(i)"
    )
    con.close()
    res = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert res.exit_code == 0, res.output
    page_file = tmp_path / "report.html"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_exe, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        problems, requests = [], []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_file.as_uri())
        page.wait_for_function("window.IADS_RENDERED_MS !== undefined")  # the page's marker
        assert page.get_attribute("body", "data-rendered") == "3"  # every figure drawn
        # saturation: 3 raid sizes, a band (filled) and a mean line per panel; bars per size
        assert page.locator("#saturation g.trace").count() == 4
        assert page.locator("#saturation path.js-fill").count() == 2
        assert page.locator("#leaks g.point").count() > 0
        assert page.locator("#spent g.point").count() > 0
        page.screenshot(path=str(tmp_path / "study.png"), full_page=True)
        browser.close()
    assert problems == []
    assert requests == [page_file.as_uri()]
