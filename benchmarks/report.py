"""Report size and speed (issue 13): the reference example's ``iads report`` page.

Runs ``examples/coastal_city.yaml`` once (``--seed``, full fidelity) into a temporary
directory, then, ``--repeats`` times each, prints the median of:

- size of report.html (target < 10 MB);
- write time: ``build_report`` (read the store, make every figure, write the page; the code
  ``iads report`` runs), target < 5 s;
- render time in headless Chromium (Playwright, /usr/bin/chromium or $IADS_CHROMIUM): from
  navigation to every figure drawn (each ``.js-plotly-plot`` has its SVG), a fresh page each
  time, target < 3 s.

    python benchmarks/report.py [--repeats 5] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
REFERENCE = ROOT / "examples" / "coastal_city.yaml"
TARGETS = {"size_mb": 10.0, "write_s": 5.0, "render_s": 3.0}


def _render_times(html: Path, repeats: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    exe = os.environ.get("IADS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        for _ in range(repeats):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            start = time.perf_counter()
            page.goto(html.as_uri())
            page.wait_for_function(
                "[...document.querySelectorAll('.js-plotly-plot')].length > 0 && "
                "[...document.querySelectorAll('.js-plotly-plot')]"
                ".every(d => d.querySelector('.main-svg'))",
                timeout=60_000,
            )
            out.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from iads.io.store import write_results
    from iads.report.build import build_report
    from iads.scenario import load_scenario
    from iads.sim.run import run_scenario

    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp) / "run"
        t0 = time.perf_counter()
        write_results(run_scenario(load_scenario(REFERENCE), seed=args.seed), run_dir)
        print(f"reference run {REFERENCE.name} seed {args.seed}: {time.perf_counter() - t0:.1f} s")
        html = Path(tmp) / "report.html"
        writes = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            build_report(run_dir, html)
            writes.append(time.perf_counter() - start)
        size_mb = html.stat().st_size / 1e6
        renders = _render_times(html, args.repeats)
    figures = {
        "size_mb": size_mb,
        "write_s": statistics.median(writes),
        "render_s": statistics.median(renders),
    }
    print(f"{'figure':<10} {'median':>9} {'target':>8} {'ratio':>6}  (n = {args.repeats})")
    for key, value in figures.items():
        target = TARGETS[key]
        print(f"{key:<10} {value:>9.2f} {target:>8.1f} {value / target:>6.2f}"
              f"  {'ok' if value < target else 'MISSED'}")  # fmt: skip
    print(f"write times (s): {', '.join(f'{x:.2f}' for x in writes)}")
    print(f"render times (s): {', '.join(f'{x:.2f}' for x in renders)}")


if __name__ == "__main__":
    main()
