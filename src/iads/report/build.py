"""Put a report together: read the store, make the figures, write the page.

``build_report`` is what ``iads report`` calls; it returns the figures too, so ``--png`` can draw
the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from iads.report.data import RunData, StudyData, load
from iads.report.page import (
    Figure,
    expenditure_html,
    fate_html,
    figure_div,
    plotly_js,
    render,
    study_html,
    summary_html,
    write_atomic,
)
from iads.report.run_figures import DEFAULT_BANDS_M


@dataclass
class Report:
    """What was written: the page, the store read, and the figures in page order."""

    html_path: Path
    store: Path
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run_blocks(
    run: RunData, rcs_m2: float | None, bands_m: tuple[float, ...]
) -> tuple[list[tuple[str, str, str]], list[Figure], list[str]]:
    """Sections and figures of a run."""
    from iads.commands.results import ends_early
    from iads.report import run_figures as rf

    notes = [run.scenario_note] if run.scenario_note else []
    early = ends_early(run.totals, run.threats)
    if early:
        notes.append(early)
    cov = rf.coverage_of(run, rcs_m2, bands_m)
    figs = [
        Figure("map", "Map", "Sites, defended assets (gold, with their radius), raid axes "
               "(dotted), detection (thin blue) and engagement (thick red) footprints per altitude "
               "band (dash = band; click the legend to show the others), threat paths coloured "
               "by fate, interceptor paths. km east and north of the scenario origin.",
               rf.map_figure(run, cov)),
        Figure("replay", "Replay", "Threats (orange) and interceptors (blue) in the air at the "
               "slider's time; kills and leaks so far. Press Play or drag the slider.",
               rf.replay_figure(run, cov)),
        Figure("timeline", "Engagement timeline", "Each threat's flight from launch to its fate, "
               "with its first detection, first track, the interceptors launched at it, each "
               "shot's result and its arrival; below, the running counts.",
               rf.timeline_figure(run)),
        Figure("expenditure", "Expenditure", "Interceptors fired per battery and type, by "
               "result, and what they cost.", rf.expenditure_figure(run)),
    ]  # fmt: skip
    if cov is not None:
        figs.append(
            Figure("vertical", "Vertical coverage", "Where each radar covers the target named in "
                   "the title (smooth earth, no lobing: docs/sensors.md), with each raid's median "
                   "flight altitude.", rf.vertical_figure(cov, run))
        )  # fmt: skip
    else:
        notes.append("coverage left out: " + (run.scenario_note or "no battery"))
    divs = {f.id: f"<p class='note'>{f.note}</p>{figure_div(f)}" for f in figs}
    blocks = [
        (
            "summary",
            "Summary",
            (f"<p class='note'><b>{early}</b></p>" if early else "") + summary_html(run),
        ),
        ("map", "Map", divs["map"]),
        ("replay", "Replay", divs["replay"]),
        ("timeline", "Engagement timeline", divs["timeline"]),
        ("fates", "Threat fates", fate_html(run)),
        ("expenditure", "Expenditure", divs["expenditure"] + expenditure_html(run)),
    ]
    if "vertical" in divs:
        blocks.append(("vertical", "Vertical coverage", divs["vertical"]))
    return blocks, figs, notes


def study_blocks(study: StudyData) -> tuple[list[tuple[str, str, str]], list[Figure]]:
    """Sections and figures of a study."""
    from iads.report import study_figures as sf

    figs = []
    sat = sf.saturation_figure(study)
    if sat is not None:
        figs.append(Figure("saturation", "Saturation curve", "Leakers against the first sweep "
                           "variable: mean with its Student-t band, and the probability of at "
                           "least one leaker with its Wilson band.", sat))  # fmt: skip
    for make, fid, title in ((sf.leak_figure, "leaks", "Leak distribution"),
                             (sf.spent_figure, "spent", "Interceptors spent")):  # fmt: skip
        fig = make(study)
        if fig is not None:
            figs.append(Figure(fid, title, "Over all replications.", fig))
    inner = study_html(study) + "".join(
        f"<h3>{f.title}</h3><p class='note'>{f.note}</p>{figure_div(f)}" for f in figs
    )
    return [("study", "Study", inner)], figs


def build_report(
    source: str | Path,
    out: Path,
    scenario_file: Path | None = None,
    rcs_m2: float | None = None,
    bands_m: tuple[float, ...] = DEFAULT_BANDS_M,
    bundle: str = "basic",
) -> Report:
    """Write the report of the run or study at ``source`` to ``out`` (atomically); ``bundle``
    "full" inlines the whole of plotly.js instead of its basic bundle (benchmarks compare)."""
    run, study, store = load(source, scenario_file)
    blocks: list[tuple[str, str, str]] = []
    figures: list[Figure] = []
    notes: list[str] = []
    subtitle: list[str] = []
    title = "iads report"
    if run is not None:
        b, f, notes = run_blocks(run, rcs_m2, bands_m)
        blocks += b
        figures += f
        title = f"{run.run.get('scenario_name', '')}"
        subtitle.append(
            f"run {run.run.get('run_id', '')}: seed {run.run.get('seed', '')}, "
            f"interceptors {run.run.get('engagement_mode', '')}, from {store}"
        )
    if study is not None:
        b, f = study_blocks(study)
        blocks += b
        figures += f
        n = len(next(iter(study.replications.values())))
        sweep = ", ".join(study.sweep) or "none"
        subtitle.append(f"study: {n} replications, sweep variables: {sweep}")
        if run is None:
            title = f"Study {Path(source).name}"
    subtitle += notes
    write_atomic(out, render(title, subtitle, blocks, plotly_js(figures, bundle)))
    return Report(out, store, figures, notes)


__all__ = ["Report", "build_report", "run_blocks", "study_blocks"]
