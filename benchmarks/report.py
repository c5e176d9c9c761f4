"""Report size and speed (issue 13): the reference example's ``iads report`` page.

Runs ``examples/coastal_city.yaml`` once (``--seed``, full fidelity) into a temporary
directory, then, ``--repeats`` times each, prints the median of:

- size of report.html (target < 10 MB);
- write time: ``build_report`` (read the store, make every figure, write the page; the code
  ``iads report`` runs), target < 5 s;
- render time in headless Chromium (Playwright, /usr/bin/chromium or $IADS_CHROMIUM): from
  navigation start to the page's 'rendered' marker (``window.IADS_RENDERED_MS``, set by the
  page once every figure's ``Plotly.newPlot`` has resolved and that frame was painted; read in
  the page, so Playwright's polling is not counted), each time in a fresh browser context (a
  renderer process of its own: no script compiled by an earlier page), target < 3 s. The wall
  time from ``goto`` to the marker as Playwright sees it is printed too, and the browser's
  start-up (a fresh browser each repeat) apart from both;

Wall times on a shared machine are inflated by load, so CPU times are printed beside them:
the writer's ``time.process_time`` and the renderer process's CPU time (Chrome's
``Performance.getMetrics`` ProcessTime, with its script, layout, style and task durations as
the breakdown), with ``os.getloadavg`` at the start and end.
``--compare-full`` also writes the page with the whole of plotly.js (4.8 MB) instead of its
basic bundle and renders both, interleaved, so the two are measured under the same load.
``--run-dir DIR`` reuses a run directory (``iads run examples/coastal_city.yaml --seed 1``)
instead of running the reference again (minutes under load).

    python benchmarks/report.py [--repeats 5] [--seed 1] [--compare-full] [--run-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).parents[1]
REFERENCE = ROOT / "examples" / "coastal_city.yaml"
TARGETS = {"size_mb": 10.0, "write_s": 5.0, "render_s": 3.0}


WAIT_RENDERED = "window.IADS_RENDERED_MS !== undefined"
"""The page's 'rendered' marker (``iads.report.page.RENDERED_JS``): set once every figure's
``Plotly.newPlot`` (and its frames) has resolved and the frame holding them was painted."""
METRICS = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")
"""Chrome's ``Performance.getMetrics`` durations (s) printed as the render's breakdown."""


@dataclass
class Renders:
    """Per page, one entry a repeat: in-page time to the marker (s from navigation start),
    wall time from ``goto`` to the marker seen by Playwright (s), renderer CPU (s), and
    Chrome's metric durations (s)."""

    in_page: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)


def _render_times(pages: list[Path], repeats: int) -> tuple[dict[Path, Renders], list[float]]:
    """Per page, ``repeats`` renders, each in a fresh browser context (a renderer process of
    its own: nothing compiled or cached by an earlier page), the pages taken in turn; and the
    browser's start-up time (s) per repeat (a fresh browser each, timed apart)."""
    from playwright.sync_api import sync_playwright

    exe = os.environ.get("IADS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    out = {p: Renders() for p in pages}
    launches: list[float] = []
    with sync_playwright() as p:
        for _ in range(repeats):
            t0 = time.perf_counter()
            browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
            launches.append(time.perf_counter() - t0)
            for html in pages:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Performance.enable")

                def metrics(cdp=cdp) -> dict[str, float]:
                    got = cdp.send("Performance.getMetrics")["metrics"]
                    return {m["name"]: m["value"] for m in got}

                m0 = metrics()
                start = time.perf_counter()
                page.goto(html.as_uri())
                page.wait_for_function(WAIT_RENDERED, timeout=120_000, polling=10)
                r = out[html]
                r.wall.append(time.perf_counter() - start)
                r.in_page.append(page.evaluate("window.IADS_RENDERED_MS") / 1e3)
                m1 = metrics()
                r.cpu.append(m1["ProcessTime"] - m0["ProcessTime"])
                for k in METRICS:
                    r.metrics.setdefault(k, []).append(m1[k] - m0.get(k, 0.0))
                context.close()
            browser.close()
    return out, launches


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--compare-full", action="store_true")
    parser.add_argument("--run-dir", type=Path, default=None)
    args = parser.parse_args()

    from iads.io.store import write_results
    from iads.report.build import build_report
    from iads.scenario import load_scenario
    from iads.sim.run import run_scenario

    print(f"start: {_load()} (1-, 5-, 15-minute averages; {os.cpu_count()} cores)")
    bundles = ("basic", "full") if args.compare_full else ("basic",)
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = args.run_dir
        if run_dir is None:
            run_dir = Path(tmp) / "run"
            t0 = time.perf_counter()
            write_results(run_scenario(load_scenario(REFERENCE), seed=args.seed), run_dir)
            print(f"reference run {REFERENCE.name} seed {args.seed}: "
                  f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
        else:
            print(f"reference run read from {run_dir}")
        pages = {b: Path(tmp) / f"report-{b}.html" for b in bundles}
        writes: dict[str, tuple[list, list]] = {b: ([], []) for b in bundles}
        build_report(run_dir, pages["basic"])  # imports and caches warm, as in one iads report
        for _ in range(args.repeats):
            for b in bundles:
                start, cpu0 = time.perf_counter(), time.process_time()
                build_report(run_dir, pages[b], bundle=b)
                writes[b][0].append(time.perf_counter() - start)
                writes[b][1].append(time.process_time() - cpu0)
        sizes = {b: pages[b].stat().st_size / 1e6 for b in bundles}
        renders, launches = _render_times(list(pages.values()), args.repeats)
    med = statistics.median
    for b in bundles:
        r = renders[pages[b]]
        figures = {"size_mb": sizes[b], "write_s": med(writes[b][0]), "render_s": med(r.in_page)}
        cpu = {"write_s": med(writes[b][1]), "render_s": med(r.cpu)}
        print(f"\nplotly.js {b} bundle{' (the report)' if b == 'basic' else ' (comparison)'}")
        print(f"{'figure':<10} {'median':>9} {'cpu':>7} {'target':>8} {'ratio':>6}"
              f"  (n = {args.repeats})")  # fmt: skip
        for key, value in figures.items():
            target = TARGETS[key]
            c = f"{cpu[key]:>7.2f}" if key in cpu else f"{'':>7}"
            print(f"{key:<10} {value:>9.2f} {c} {target:>8.1f} {value / target:>6.2f}"
                  f"  {'ok' if value < target else 'MISSED'}")  # fmt: skip
        print(f"write times (s): {', '.join(f'{x:.2f}' for x in writes[b][0])}")
        print(f"render, navigation to 'rendered' marker, in page (s): "
              f"{', '.join(f'{x:.2f}' for x in r.in_page)}")  # fmt: skip
        print(f"render, goto to marker seen by Playwright (s): "
              f"{', '.join(f'{x:.2f}' for x in r.wall)}")  # fmt: skip
        print(f"render cpu, renderer process (s): {', '.join(f'{x:.2f}' for x in r.cpu)}")
        print("render breakdown, medians (s): "
              + ", ".join(f"{k.removesuffix('Duration').lower()} {med(v):.2f}"
                          for k, v in r.metrics.items()))  # fmt: skip
    print(f"\nbrowser start-up (s, not in render): {', '.join(f'{x:.2f}' for x in launches)}"
          f"; median {med(launches):.2f}")  # fmt: skip
    print(f"\nend: {_load()}")


if __name__ == "__main__":
    main()
