"""One self-contained HTML report: plotly.js inlined once, every figure a ``<div>``, tables as
plain HTML; no ``src``/``href`` to anything outside the file, so it opens on an air-gapped
laptop and asks for nothing over the network when viewed.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from iads import __version__
from iads.report.data import RunData, StudyData
from iads.report.format import money, seconds

PLOT_CONFIG = {"displaylogo": False, "responsive": True}
"""Plotly's per-figure config: no logo link (the only link Plotly would draw)."""
BASIC_BUNDLE = Path(__file__).parent / "js" / "plotly-basic.min.js"
"""plotly.js's basic partial bundle (js/README.md): a quarter of the full bundle's size."""
BASIC_TRACES = frozenset({"scatter", "bar", "pie"})
"""The trace types the basic bundle draws; a figure with any other gets the full bundle."""
MAX_FATE_ROWS = 2_000
"""Most rows of the per-threat table in the page (the store keeps every threat)."""
DRAWN_JS = "window.IADS_DRAWN=(window.IADS_DRAWN||0)+1;if(window.iadsCheck)window.iadsCheck();"
"""Run by each figure once plotly.js has drawn it (``to_html``'s post_script): counts it."""
RENDERED_JS = (
    "(function(){var n=document.querySelectorAll('.plotly-graph-div').length;"
    "function check(){if((window.IADS_DRAWN||0)<n)return;window.iadsCheck=null;"
    "requestAnimationFrame(function(){setTimeout(function(){"
    "window.IADS_RENDERED_MS=performance.now();"
    "document.body.setAttribute('data-rendered',String(n));},0);});}"
    "window.iadsCheck=check;check();})();"
)
"""The page's last script: once every figure has drawn (``DRAWN_JS``) and the frame holding
them has been painted, ``window.IADS_RENDERED_MS`` is set (ms from navigation start) and
``body[data-rendered]`` (the figure count): the 'rendered' marker tests and benchmarks wait
for."""

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;
background:#fafafa}
header{background:#1d3557;color:#fff;padding:18px 28px}
header h1{margin:0 0 6px 0;font-size:24px}
header p{margin:2px 0;opacity:.9}
main{padding:8px 28px 40px 28px;max-width:1500px}
section{background:#fff;border:1px solid #ddd;border-radius:6px;margin:18px 0;padding:12px 18px}
h2{font-size:19px;margin:6px 0 8px 0}
p.note{color:#555;font-size:14px;margin:4px 0 10px 0}
table.data{border-collapse:collapse;font-size:13px}
table.data th,table.data td{border-bottom:1px solid #e3e3e3;padding:3px 10px;text-align:left}
table.data td.num{text-align:right;font-variant-numeric:tabular-nums}
table.data th{background:#f0f3f7;position:sticky;top:0}
div.scroll{max-height:520px;overflow:auto}
span.fate{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:5px}
nav a{color:#fff;margin-right:14px;font-size:14px}
"""


@dataclass
class Figure:
    """A figure of the report: its page id, section title, explanation and Plotly figure."""

    id: str
    title: str
    note: str
    figure: Any
    """A plotly ``go.Figure``, or a figure dict (data, layout, frames) written unvalidated."""

    def trace_types(self) -> set[str]:
        """The trace types the figure draws (plotly.js names: scatter, bar, ...)."""
        if isinstance(self.figure, dict):
            return {str(t.get("type", "scatter")) for t in self.figure.get("data", [])}
        return {t.type for t in self.figure.data}

    def height_px(self) -> int | None:
        """The figure's layout height (px), if it sets one."""
        if isinstance(self.figure, dict):
            h = self.figure.get("layout", {}).get("height")
        else:
            h = self.figure.layout.height
        return None if h is None else int(h)

    def to_html(self, **kwargs: Any) -> str:
        """``plotly.io.to_html`` of the figure (``full_html=False`` and the like in kwargs)."""
        import plotly.io as pio

        return pio.to_html(self.figure, validate=False, **kwargs)


def _esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def html_table(head: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    """A plain HTML table (every cell escaped); ``numeric`` columns right-aligned."""
    numeric = numeric or set()
    out = ["<table class='data'><thead><tr>"]
    out += [f"<th>{_esc(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for r in rows:
        cells = [
            f"<td class='num'>{_esc(c)}</td>" if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(r)
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


SUMMARY_LABELS = (
    ("threats", "threats", "n"),
    ("launched", "launched", "n"),
    ("detected", "detected", "n"),
    ("tracked", "tracked", "n"),
    ("kills", "killed", "n"),
    ("leakers", "leakers (reached an asset)", "n"),
    ("expired", "expired", "n"),
    ("unresolved", "still flying at the end", "n"),
    ("interceptors_spent", "interceptors spent", "n"),
    ("interceptors_per_kill", "interceptors per kill", "f"),
    ("interceptor_cost_usd", "interceptor cost", "$"),
    ("threat_cost_killed_usd", "cost of threats killed", "$"),
    ("cost_exchange_ratio", "cost exchange (interceptors / threats killed)", "f"),
    ("leaked_asset_value", "value of assets reached", "f"),
    ("last_arrival_s", "last arrival (s)", "s"),
    ("end_time_s", "simulated time (s)", "s"),
    ("defense_spent_s", "defense spent, sensing stopped (s)", "s"),
)
"""Summary keys shown at the top of a run report: key, label, format."""


def summary_html(run: RunData) -> str:
    """The run's headline figures as a two-column table (costs as money)."""
    rows = []
    for key, label, kind in SUMMARY_LABELS:
        if key not in run.totals:
            continue
        v = run.totals[key]
        if kind == "$":
            text = money(v)
        elif kind == "s":
            text = seconds(v)
        elif kind == "f":
            text = "-" if not np.isfinite(float(v)) else f"{float(v):,.2f}"
        else:
            text = f"{int(v):,}" if isinstance(v, int | float) and np.isfinite(v) else str(v)
        rows.append([_esc(label), text])
    if run.totals.get("interceptor_cost_known") is False:
        rows.append(["note", "interceptor costs unknown: counted as 0"])
    return html_table(["figure", "value"], rows, numeric={1})


def fate_html(run: RunData) -> str:
    """Per threat: name, raid, type, target, fate (coloured), time, shots and why."""
    from iads.report.run_figures import FATE_COLOURS, fate_reasons

    th = run.threats
    reasons, given = fate_reasons(run)
    n = len(th["threat_id"])
    order = np.argsort(np.asarray(th["launch_time_s"], float), kind="stable")[:MAX_FATE_ROWS]
    rows = []
    for i in order:
        fate = str(th["outcome"][i])
        dot = f"<span class='fate' style='background:{FATE_COLOURS.get(fate, '#000')}'></span>"
        rows.append(
            [
                _esc(th["name"][i]),
                _esc(th.get("raid", [""] * n)[i]),
                _esc(th.get("type", [""] * n)[i]),
                _esc(th["target"][i]),
                seconds(th["launch_time_s"][i]),
                dot + _esc(fate),
                seconds(th["outcome_time_s"][i]),
                str(int(th["interceptors"][i])),
                _esc(reasons[i]),
            ]
        )
    why = "reason" if given else "why (read from its timeline)"
    table = html_table(
        ["threat", "raid", "type", "target", "launch (s)", "fate", "at (s)", "shots", why],
        rows,
        numeric={4, 6, 7},
    )
    more = (
        f"<p class='note'>first {len(order)} of {n} threats; all are in the store</p>"
        if n > len(order)
        else ""
    )
    return f"<div class='scroll'>{table}</div>{more}"


def expenditure_html(run: RunData) -> str:
    """Per battery and interceptor type: fired, kills, misses, no outcome, cost, rounds left."""
    from iads.report.run_figures import expenditure

    rows = [
        [_esc(r["battery"]), _esc(r["type"]), str(r["fired"]), str(r["kill"]), str(r["miss"]),
         str(r["open"]), money(r["cost_usd"]),
         "-" if r["rounds_left"] is None else str(r["rounds_left"])]
        for r in expenditure(run)
    ]  # fmt: skip
    return html_table(
        ["battery", "interceptor", "fired", "kills", "misses", "no outcome", "cost",
         "battery rounds left"],
        rows, numeric={2, 3, 4, 5, 6, 7},
    )  # fmt: skip


def study_html(study: StudyData) -> str:
    """The saturation table behind the curve (or the replication count without a sweep)."""
    from iads.report.study_figures import saturation_table

    rows = saturation_table(study)
    n = len(next(iter(study.replications.values())))
    if not rows:
        return f"<p class='note'>{n} replications; no sweep variable (every replication alike).</p>"
    curve = study.sweep[1] if len(study.sweep) > 1 else ""
    head = [study.sweep[0]] + ([curve] if curve else []) + [
        "replications", "mean leakers", "95 % low", "95 % high", "P(leak)", "95 % low",
        "95 % high"]  # fmt: skip

    def f(x: float) -> str:
        return "-" if not np.isfinite(x) else f"{x:.3g}"

    body = [
        [_esc(r["x"])] + ([_esc(r["curve"])] if curve else []) + [str(r["n"])]
        + [f(r[k]) for k in ("mean", "lo", "hi", "p_leak", "p_lo", "p_hi")]
        for r in rows
    ]  # fmt: skip
    k0 = 2 if curve else 1
    return html_table(head, body, numeric=set(range(k0, k0 + 7)))


def figure_div(fig: Figure) -> str:
    """A figure as a ``<div>`` and its drawing script (plotly.js not included)."""
    return fig.to_html(
        full_html=False, include_plotlyjs=False, div_id=fig.id, config=PLOT_CONFIG,
        auto_play=False, post_script=DRAWN_JS,
    )  # fmt: skip


def plotly_js(figures: list[Figure] | None = None, bundle: str = "basic") -> str:
    """plotly.js to inline: the basic bundle when it is the version the Python package draws
    for and every trace of ``figures`` is one it has; else (or with ``bundle="full"``) the full
    bundle the Python package ships."""
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    types = {t for f in figures or [] for t in f.trace_types()}
    if bundle == "basic" and types <= BASIC_TRACES and BASIC_BUNDLE.is_file():
        js = BASIC_BUNDLE.read_text(encoding="utf-8")
        if f"v{get_plotlyjs_version()}" in js[:200]:
            return js
    return get_plotlyjs()


def render(
    title: str,
    subtitle: list[str],
    blocks: list[tuple[str, str, str]],
    plotlyjs: str | None = None,
) -> str:
    """The whole page: ``blocks`` are (anchor id, heading, inner HTML); ``plotlyjs`` the
    library to inline (default: ``plotly_js()``)."""
    js = plotly_js() if plotlyjs is None else plotlyjs
    nav = "".join(f"<a href='#{_esc(a)}-section'>{_esc(h)}</a>" for a, h, _ in blocks)
    sections = "".join(
        f"<section id='{_esc(a)}-section'><h2>{_esc(h)}</h2>{inner}</section>"
        for a, h, inner in blocks
    )
    sub = "".join(f"<p>{_esc(s)}</p>" for s in subtitle)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_esc(title)}</title><style>{CSS}</style>"
        f"<script type='text/javascript'>{js}</script></head><body>"
        f"<header><h1>{_esc(title)}</h1>{sub}<p>iads {__version__}, report written {stamp}</p>"
        f"<nav>{nav}</nav></header><main>{sections}</main>"
        f"<script type='text/javascript'>{RENDERED_JS}</script></body></html>"
    )


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file and ``os.replace``."""
    from iads.io.files import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


__all__ = [
    "DRAWN_JS",
    "Figure",
    "PLOT_CONFIG",
    "RENDERED_JS",
    "expenditure_html",
    "fate_html",
    "figure_div",
    "html_table",
    "plotly_js",
    "render",
    "study_html",
    "summary_html",
    "write_atomic",
]
