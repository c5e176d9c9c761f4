"""Report size and speed (issue 13): the reference example's ``iads report`` page.

Runs ``examples/coastal_city.yaml`` once (``--seed``, full fidelity) into a temporary
directory, then, ``--repeats`` times each, prints the median of:

- size of report.html (target < 10 MB);
- write time: ``build_report`` (read the store, make every figure, write the page; the code
  ``iads report`` runs), target < 5 s;
- render time in headless Chromium (Playwright, /usr/bin/chromium or $IADS_CHROMIUM): from
  navigation to every figure drawn (each ``.js-plotly-plot`` has its SVG), a fresh page each
  time, target < 3 s.

Wall times on a shared machine are inflated by load, so CPU times are printed beside them:
the writer's ``time.process_time`` and the renderer process's CPU time (Chrome's
``Performance.getMetrics`` ProcessTime), with ``os.getloadavg`` at the start and end.
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
from pathlib import Path

ROOT = Path(__file__).parents[1]
REFERENCE = ROOT / "examples" / "coastal_city.yaml"
TARGETS = {"size_mb": 10.0, "write_s": 5.0, "render_s": 3.0}


WAIT_DRAWN = (
    "[...document.querySelectorAll('.js-plotly-plot')].length > 0 && "
    "[...document.querySelectorAll('.js-plotly-plot')]"
    ".every(d => d.querySelector('.main-svg'))"
)


def _render_times(pages: list[Path], repeats: int) -> dict[Path, tuple[list, list]]:
    """Per page: wall and renderer CPU seconds to every figure drawn, ``repeats`` fresh
    pages each, the pages taken in turn."""
    from playwright.sync_api import sync_playwright

    exe = os.environ.get("IADS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    out: dict[Path, tuple[list, list]] = {p: ([], []) for p in pages}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        for _ in range(repeats):
            for html in pages:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                cdp = page.context.new_cdp_session(page)
                cdp.send("Performance.enable")

                def cpu(cdp=cdp) -> float:
                    metrics = cdp.send("Performance.getMetrics")["metrics"]
                    return next(m["value"] for m in metrics if m["name"] == "ProcessTime")

                cpu0 = cpu()
                start = time.perf_counter()
                page.goto(html.as_uri())
                page.wait_for_function(WAIT_DRAWN, timeout=120_000)
                out[html][0].append(time.perf_counter() - start)
                out[html][1].append(cpu() - cpu0)
                page.close()
        browser.close()
    return out


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
        renders = _render_times(list(pages.values()), args.repeats)
    med = statistics.median
    for b in bundles:
        render_wall, render_cpu = renders[pages[b]]
        figures = {"size_mb": sizes[b], "write_s": med(writes[b][0]), "render_s": med(render_wall)}
        cpu = {"write_s": med(writes[b][1]), "render_s": med(render_cpu)}
        print(f"\nplotly.js {b} bundle{' (the report)' if b == 'basic' else ' (comparison)'}")
        print(f"{'figure':<10} {'median':>9} {'cpu':>7} {'target':>8} {'ratio':>6}"
              f"  (n = {args.repeats})")  # fmt: skip
        for key, value in figures.items():
            target = TARGETS[key]
            c = f"{cpu[key]:>7.2f}" if key in cpu else f"{'':>7}"
            print(f"{key:<10} {value:>9.2f} {c} {target:>8.1f} {value / target:>6.2f}"
                  f"  {'ok' if value < target else 'MISSED'}")  # fmt: skip
        print(f"write times (s): {', '.join(f'{x:.2f}' for x in writes[b][0])}")
        print(f"render times (s): {', '.join(f'{x:.2f}' for x in render_wall)}")
        print(f"render cpu (s): {', '.join(f'{x:.2f}' for x in render_cpu)}")
    print(f"\nend: {_load()}")


if __name__ == "__main__":
    main()
