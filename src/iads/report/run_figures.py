"""The figures of a run's report (Plotly, plain Scatter/Bar traces only: nothing fetched).

Positions are drawn in km east and north of the scenario origin (the run's ENU frame), the
frame the coverage diagrams use; hover labels give names and times. No geographic basemap:
scenarios are set in fictional places, and Plotly's geo and tile maps fetch from outside
servers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from iads.report.data import Columns, RunData
from iads.report.format import money

FATE_COLOURS = {
    "killed": "#2ca02c",
    "reached": "#d62728",
    "expired": "#7f7f7f",
    "flying": "#ff7f0e",
    "waiting": "#bcbd22",
}
"""Colour of each threat outcome (``threats.outcome``); "reached" is a leaker."""
FATE_LABELS = {
    "killed": "killed",
    "reached": "leaked (reached an asset)",
    "expired": "expired (route ended)",
    "flying": "still flying at the end",
    "waiting": "not launched",
}
INTERCEPTOR_COLOURS = {"kill": "#1f77b4", "miss": "#9467bd", "": "#17becf"}
BAND_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
MAP_POINTS_PER_PATH = 200
"""Most points drawn per path on the map (evenly thinned; the store keeps them all)."""
MAP_TOLERANCE_M = 25.0
"""Paths on the map and replay are simplified (Ramer-Douglas-Peucker) to this many metres:
well under a pixel at the map's scale (>= 100 m a pixel for a 100 km map 1000 px wide), and
a straight leg of a thousand samples draws as its two ends."""
REPLAY_MAX_FRAMES = 100
"""Most frames in the replay; the step is the smallest 1-2-5 step that stays under it. Each
frame is a slider step whose label plotly.js measures when it draws: 143 steps cost the
reference report about 0.25 s of the browser's CPU, a fifth of its render (the reference's
47 min replay in 50 s steps, 57 frames; the timeline gives exact times)."""
REPLAY_NAMED_THREATS = 300
"""Above this many threats the replay markers carry no names (keeps the file small)."""
TIMELINE_MAX_THREATS = 150
"""Most threats given a row of their own in the timeline (the first launched)."""
DEFAULT_BANDS_M = (25.0, 100.0, 1_000.0, 10_000.0)
"""Altitude bands of the footprints on the map (m), as ``iads coverage``."""
COVERAGE_PD = 0.9
"""Detection probability that counts as covered on the map and diagrams."""


@dataclass
class Coverage:
    """Coverage of the run's scenario: ``iads.commands.coverage.compute`` tables and sites."""

    vertical: Columns
    footprint: Columns
    sites: Columns
    rcs_m2: float
    swerling: int
    label: str


def coverage_of(
    run: RunData, rcs_m2: float | None = None, bands_m: tuple[float, ...] = DEFAULT_BANDS_M
) -> Coverage | None:
    """Footprints and vertical diagrams of the run's radars for the hardest target in the run
    (the smallest front RCS among its threat types, with that type's Swerling case) unless
    ``rcs_m2`` is given (then Swerling 1). None when the scenario is not known."""
    from iads.commands.coverage import compute, site_table
    from iads.scenario.load import threat_type
    from iads.terrain import TerrainError

    sc = run.scenario
    if sc is None:
        return None
    if rcs_m2 is None:
        types = sorted({str(t) for t in run.threats.get("type", [])})
        known = [(threat_type(sc, t).rcs_front_m2, threat_type(sc, t).swerling, t) for t in types]
        if known:
            rcs, swerling, name = min(known)
            label = f"{rcs:g} m² Swerling {swerling} ({name}, the smallest front RCS in the run)"
        else:
            rcs, swerling, label = 1.0, 1, "1 m² Swerling 1"
    else:
        rcs, swerling, label = rcs_m2, 1, f"{rcs_m2:g} m² Swerling 1"
    if not sc.batteries:
        return None
    label = f"{label} at Pd {COVERAGE_PD:g}"
    try:
        vtab, ftab = compute(sc, rcs, COVERAGE_PD, list(bands_m), swerling)
        if sc.terrain is not None:
            label += ", footprints masked by the scenario terrain"
    except (OSError, TerrainError):  # the run's terrain file moved or changed since the run
        vtab, ftab = compute(sc, rcs, COVERAGE_PD, list(bands_m), swerling, use_terrain=False)
        label += ", smooth earth (the scenario's terrain file is not readable now)"
    return Coverage(vtab, ftab, site_table(sc), rcs, swerling, label)


def _by_id(table: Columns, key: str) -> dict[int, np.ndarray]:
    """Row indices of ``table`` per ``key`` value, each sorted by time."""
    if table is None or len(table.get(key, ())) == 0:
        return {}
    ids = np.asarray(table[key], dtype=np.int64)
    order = np.lexsort((np.asarray(table["time_s"], float), ids))
    ids = ids[order]
    cuts = np.flatnonzero(np.diff(ids)) + 1
    return {int(ids[g[0]]): g for g in np.split(order, cuts)} if ids.size else {}


def simplify(x: np.ndarray, y: np.ndarray, tol: float) -> np.ndarray:
    """Indices of the points of the polyline (x, y) kept by Ramer-Douglas-Peucker at ``tol``
    (same units): every dropped point lies within ``tol`` of the kept polyline. Ends kept."""
    n = len(x)
    if n <= 2:
        return np.arange(n)
    keep = np.zeros(n, bool)
    keep[[0, n - 1]] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        dx, dy = x[b] - x[a], y[b] - y[a]
        px, py = x[a + 1 : b] - x[a], y[a + 1 : b] - y[a]
        norm = math.hypot(dx, dy)
        if norm > 0:
            d = np.abs(dx * py - dy * px) / norm
        else:
            d = np.hypot(px, py)
        k = int(np.argmax(d))
        if d[k] > tol:
            m = a + 1 + k
            keep[m] = True
            stack += [(a, m), (m, b)]
    return np.flatnonzero(keep)


def _joined(
    table: Columns, groups: list[np.ndarray], thin: int | None = MAP_POINTS_PER_PATH
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """x, y (km) of several paths in one trace, a NaN pen-lift between them, each simplified
    to ``MAP_TOLERANCE_M`` and then thinned to at most ``thin`` points; the row of each point
    (-1 at the lifts), for hover labels."""
    xs, ys, rows = [], [], []
    x_all, y_all = np.asarray(table["x_m"], float), np.asarray(table["y_m"], float)
    for g in groups:
        g = g[simplify(x_all[g], y_all[g], MAP_TOLERANCE_M)]
        if thin is not None and g.size > thin:
            g = g[np.unique(np.linspace(0, g.size - 1, thin).round().astype(int))]
        xs += [x_all[g] / 1e3, [np.nan]]
        ys += [y_all[g] / 1e3, [np.nan]]
        rows += list(g) + [-1]
    if not xs:
        return np.empty(0), np.empty(0), []
    return np.concatenate(xs), np.concatenate(ys), rows


def threat_index(run: RunData) -> dict[int, int]:
    """threat_id -> row of ``run.threats``."""
    return {int(t): i for i, t in enumerate(run.threats["threat_id"])}


def interceptor_paths(run: RunData) -> Columns:
    """Interceptor paths (``interceptor_paths`` table), or for an older store the straight line
    from each ``engage`` event (launcher) to the interceptor's last intercept/miss/kill event."""
    if run.interceptor_paths is not None and len(run.interceptor_paths["time_s"]):
        return run.interceptor_paths
    ev = run.events
    kind = np.asarray(ev["kind"], dtype=object)
    sel = np.isin(kind, ("engage", "intercept", "miss", "kill"))
    return {
        "interceptor_id": np.asarray(ev["other_id"])[sel].astype(np.int64),
        "threat_id": np.asarray(ev["entity_id"])[sel].astype(np.int64),
        "time_s": np.asarray(ev["time_s"], float)[sel],
        "x_m": np.asarray(ev["x_m"], float)[sel],
        "y_m": np.asarray(ev["y_m"], float)[sel],
        "z_m": np.asarray(ev["z_m"], float)[sel],
    }


def _interceptor_result(run: RunData) -> dict[int, str]:
    eng = run.engagements
    return {
        int(i): str(r) for i, r in zip(eng["interceptor_id"], eng.get("result", []), strict=False)
    }


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _raid_axes(fig: Any, run: RunData) -> None:
    """Each raid's launch arc (``axis``: distance and spread around a bearing from its target,
    the geodesic the raid expansion uses) or launch disc, and a line from its middle to the
    target, named after the raid."""
    import plotly.graph_objects as go

    from iads.geo import Origin, geodesic_direct, geodetic_to_enu

    sc = run.scenario
    origin = Origin.of(sc.origin)
    assets = {a.name: a for a in sc.assets}
    first = True
    for raid in sc.raids:
        target = assets.get(raid.target)
        if target is None:
            continue
        tgt = geodetic_to_enu(target.position.lat_deg, target.position.lon_deg, 0.0, origin)[0]
        if raid.axis is not None:
            ax = raid.axis
            b = np.radians(ax.bearing_deg + np.linspace(-ax.spread_deg / 2, ax.spread_deg / 2, 41))
            lat, lon = geodesic_direct(
                target.position.lat_deg, target.position.lon_deg, ax.distance_m, b
            )
        else:
            area = raid.launch_area
            b = np.radians(np.linspace(0.0, 360.0, 73))
            lat, lon = geodesic_direct(area.center.lat_deg, area.center.lon_deg, area.radius_m, b)
        arc = geodetic_to_enu(np.asarray(lat), np.asarray(lon), np.zeros(np.size(lat)), origin)
        mid = arc[len(arc) // 2] if raid.axis is not None else arc.mean(axis=0)
        x = np.concatenate([arc[:, 0], [np.nan, mid[0], tgt[0]]]) / 1e3
        y = np.concatenate([arc[:, 1], [np.nan, mid[1], tgt[1]]]) / 1e3
        fig.add_trace(
            go.Scatter(
                x=x, y=y, mode="lines", line={"color": "#8c564b", "width": 1.5, "dash": "dot"},
                name="raid axes", legendgroup="raids", showlegend=first,
                hovertemplate=f"raid {raid.name}: {raid.count} x {raid.type} at {raid.target}"
                "<extra></extra>",
            )
        )  # fmt: skip
        fig.add_annotation(
            x=mid[0] / 1e3, y=mid[1] / 1e3, text=raid.name, showarrow=False,
            font={"color": "#8c564b", "size": 12}, bgcolor="rgba(255,255,255,0.7)",
        )  # fmt: skip
        first = False


def _sites(fig: Any, run: RunData, cov: Coverage | None) -> None:
    import plotly.graph_objects as go

    if cov is None:
        return
    s = cov.sites
    kinds = np.asarray(s["kind"])
    for kind, symbol, colour, size, label in (
        ("radar", "triangle-up", "#111", 11, "radars"),
        ("launcher", "square", "#555", 10, "launchers"),
        ("asset", "star", "gold", 16, "defended assets"),
    ):
        sel = kinds == kind
        if not sel.any():
            continue
        text = [
            f"{n} ({b}, {t})" if kind != "asset" else str(n)
            for n, b, t in zip(s["name"][sel], s["battery"][sel], s["type"][sel], strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=np.asarray(s["x_m"])[sel] / 1e3, y=np.asarray(s["y_m"])[sel] / 1e3,
                mode="markers", name=label, legendgroup="sites", legendgrouptitle_text="Sites",
                text=text, hovertemplate="%{text}<extra></extra>",
                marker={"symbol": symbol, "size": size, "color": colour,
                        "line": {"color": "black", "width": 1}},
            )
        )  # fmt: skip
    sc = run.scenario
    theta = np.linspace(0, 2 * np.pi, 61)
    xs, ys = [], []
    for name, x, y in zip(s["name"][kinds == "asset"], s["x_m"][kinds == "asset"],
                          s["y_m"][kinds == "asset"], strict=True):  # fmt: skip
        r = next(a.radius_m for a in sc.assets if a.name == name)
        xs += [(x + r * np.sin(theta)) / 1e3, [np.nan]]
        ys += [(y + r * np.cos(theta)) / 1e3, [np.nan]]
    if xs:
        fig.add_trace(
            go.Scatter(
                x=np.concatenate(xs), y=np.concatenate(ys), mode="lines", fill="toself",
                fillcolor="rgba(255,215,0,0.25)", line={"color": "#b8860b", "width": 1},
                name="asset radius", legendgroup="sites", hoverinfo="skip",
            )
        )  # fmt: skip


def _footprints(fig: Any, cov: Coverage | None) -> None:
    """Detection (thin) and engagement (thick) footprint per radar and band; dash = band."""
    import plotly.graph_objects as go

    from iads.sensors.coverage import footprint_outline

    if cov is None:
        return
    f = cov.footprint
    where = {n: (x, y) for n, x, y in zip(cov.sites["name"], cov.sites["x_m"], cov.sites["y_m"],
                                           strict=True)}  # fmt: skip
    bands = np.unique(f["altitude_m"])
    for b, band in enumerate(bands):
        for kind, width, colour, label in (
            ("detect", 1.2, "#1f77b4", "detection"),
            ("engage", 3.0, "#d62728", "engagement"),
        ):
            xs, ys = [], []
            for radar in dict.fromkeys(f["radar"]):
                sel = (f["radar"] == radar) & (f["altitude_m"] == band)
                ring = footprint_outline(
                    np.radians(f["azimuth_deg"][sel]),
                    f[f"{kind}_min_range_m"][sel],
                    f[f"{kind}_max_range_m"][sel],
                    site_radius_m=1000.0,
                )
                if ring.size:
                    x0, y0 = where.get(radar, (0.0, 0.0))
                    xs += [(x0 + ring[:, 0]) / 1e3, [np.nan]]
                    ys += [(y0 + ring[:, 1]) / 1e3, [np.nan]]
            if not xs:
                continue
            fig.add_trace(
                go.Scatter(
                    x=np.concatenate(xs), y=np.concatenate(ys), mode="lines",
                    line={"color": colour, "width": width,
                          "dash": BAND_DASHES[b % len(BAND_DASHES)]},
                    opacity=0.8 if kind == "detect" else 0.5,
                    name=f"{label} at {band:g} m", legendgroup=f"band{b}",
                    legendgrouptitle_text=f"Coverage at {band:g} m" if kind == "detect" else None,
                    visible=True if b in (0, len(bands) - 1) else "legendonly",
                    hovertemplate=f"{label} footprint at {band:g} m<extra></extra>",
                )
            )  # fmt: skip


def _threat_paths(fig: Any, run: RunData) -> None:
    import plotly.graph_objects as go

    th = run.threats
    row = threat_index(run)
    groups = _by_id(run.paths, "threat_id")
    outcome = np.asarray(th["outcome"], dtype=object)
    for fate, colour in FATE_COLOURS.items():
        ids = [t for t in groups if outcome[row[t]] == fate] if groups else []
        if not ids:
            continue
        x, y, rows = _joined(run.paths, [groups[t] for t in ids])
        pid = np.asarray(run.paths["threat_id"])
        text = [str(th["name"][row[int(pid[r])]]) if r >= 0 else "" for r in rows]
        fig.add_trace(
            go.Scatter(
                x=x, y=y, mode="lines", line={"color": colour, "width": 1.6},
                name=f"{FATE_LABELS[fate]} ({len(ids)})", legendgroup="threats",
                legendgrouptitle_text="Threat paths", text=text,
                hovertemplate="%{text}<br>%{x:.1f} km E, %{y:.1f} km N<extra></extra>",
            )
        )  # fmt: skip


def _interceptor_traces(fig: Any, run: RunData) -> None:
    import plotly.graph_objects as go

    ip = interceptor_paths(run)
    groups = _by_id(ip, "interceptor_id")
    result = _interceptor_result(run)
    for res, label in (("kill", "killed its threat"), ("miss", "missed"), ("", "no outcome")):
        ids = [i for i in groups if result.get(i, "") == res]
        if not ids:
            continue
        x, y, _ = _joined(ip, [groups[i] for i in ids])
        fig.add_trace(
            go.Scatter(
                x=x, y=y, mode="lines",
                line={"color": INTERCEPTOR_COLOURS[res], "width": 1.2,
                      "dash": "solid" if res == "kill" else "dot"},
                name=f"{label} ({len(ids)})", legendgroup="interceptors",
                legendgrouptitle_text="Interceptor paths", hoverinfo="skip",
            )
        )  # fmt: skip
    ev = run.events
    kind = np.asarray(ev["kind"], dtype=object)
    for k, symbol, colour, label in (("kill", "x", "#2ca02c", "kills"),
                                     ("reach", "star-triangle-up", "#d62728", "leaks")):  # fmt: skip
        sel = kind == k
        if not sel.any():
            continue
        fig.add_trace(
            go.Scatter(
                x=np.asarray(ev["x_m"])[sel] / 1e3, y=np.asarray(ev["y_m"])[sel] / 1e3,
                mode="markers", name=label, legendgroup="interceptors",
                customdata=np.asarray(ev["time_s"])[sel],
                marker={"symbol": symbol, "size": 10, "color": colour,
                        "line": {"color": "black", "width": 1}},
                hovertemplate=f"{label[:-1]} at %{{customdata:.1f}} s<extra></extra>",
            )
        )  # fmt: skip


def _extent_km(run: RunData, cov: Coverage | None, with_coverage: bool) -> tuple[list, list]:
    xs = [np.asarray(run.paths["x_m"], float)]
    ys = [np.asarray(run.paths["y_m"], float)]
    if cov is not None:
        xs.append(np.asarray(cov.sites["x_m"], float))
        ys.append(np.asarray(cov.sites["y_m"], float))
        if with_coverage:
            xs.append(np.asarray(cov.footprint["detect_edge_x_m"], float))
            ys.append(np.asarray(cov.footprint["detect_edge_y_m"], float))
    x = np.concatenate(xs) / 1e3
    y = np.concatenate(ys) / 1e3
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    if not x.size:
        return [-10, 10], [-10, 10]
    pad = 0.05 * max(np.ptp(x), np.ptp(y), 2.0)
    return [x.min() - pad, x.max() + pad], [y.min() - pad, y.max() + pad]


def _map_layout(fig: Any, title: str, xr: list, yr: list, height: int = 800) -> None:
    fig.update_xaxes(title_text="east of origin (km)", range=xr, zeroline=False)
    fig.update_yaxes(
        title_text="north of origin (km)", range=yr, scaleanchor="x", scaleratio=1, zeroline=False
    )
    fig.update_layout(
        title=title,
        height=height,
        hovermode="closest",
        legend={"groupclick": "toggleitem", "tracegroupgap": 8, "font": {"size": 11}},
        plot_bgcolor="#f4f8fb",
        margin={"t": 60, "l": 60, "r": 20, "b": 50},
    )


def map_figure(run: RunData, cov: Coverage | None) -> Any:
    """Sites, defended assets, raid axes, detection and engagement footprints per altitude
    band, threat paths coloured by fate, interceptor paths, kills and leaks."""
    import plotly.graph_objects as go

    fig = go.Figure()
    _footprints(fig, cov)
    if run.scenario is not None:
        _raid_axes(fig, run)
    _threat_paths(fig, run)
    _interceptor_traces(fig, run)
    _sites(fig, run, cov)
    xr, yr = _extent_km(run, cov, with_coverage=False)
    what = f"; footprints for {cov.label}" if cov is not None else ""
    _map_layout(fig, f"Map: paths and coverage{what}", xr, yr)
    return fig


def nice_step(span_s: float, max_frames: int = REPLAY_MAX_FRAMES, least_s: float = 1.0) -> float:
    """The smallest step of 1, 2 or 5 x 10^k s (at least ``least_s``) that covers ``span_s``
    in at most ``max_frames`` frames."""
    need = max(span_s / max(max_frames - 1, 1), least_s)
    k = math.floor(math.log10(need))
    for m in (1, 2, 5, 10):
        step = m * 10.0**k
        if step >= need - 1e-9:
            return step
    return 10.0 ** (k + 1)


def positions_on(
    table: Columns, groups: dict[int, np.ndarray], times_s: np.ndarray
) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Ids of the paths in ``groups`` and their (x, y) in km at each of ``times_s``, shape
    (times, paths), linearly interpolated between samples; NaN where a path is not under way
    (before its first sample or from its last on). One interpolation per path."""
    ids = list(groups)
    xs = np.full((len(times_s), len(ids)), np.nan)
    ys = np.full_like(xs, np.nan)
    t_all = np.asarray(table["time_s"], float)
    x_all = np.asarray(table["x_m"], float) / 1e3
    y_all = np.asarray(table["y_m"], float) / 1e3
    for j, key in enumerate(ids):
        g = groups[key]
        t = t_all[g]
        on = (t[0] <= times_s) & (times_s < t[-1])
        xs[on, j] = np.interp(times_s[on], t, x_all[g])
        ys[on, j] = np.interp(times_s[on], t, y_all[g])
    return ids, xs, ys


def positions_at(table: Columns, groups: dict[int, np.ndarray], t_s: float) -> tuple:
    """Ids and (x, y) in km of every path in ``groups`` that is under way at ``t_s`` (its first
    sample <= t < its last), linearly interpolated between samples."""
    ids, xs, ys = positions_on(table, groups, np.array([float(t_s)]))
    on = np.isfinite(xs[0])
    return [k for k, o in zip(ids, on, strict=True) if o], xs[0, on], ys[0, on]


def replay_times(run: RunData) -> np.ndarray:
    """Frame times (s): from the first launch to the end of the run on a ``nice_step`` grid."""
    t = np.asarray(run.paths["time_s"], float)
    t0 = float(np.floor(t.min())) if t.size else 0.0
    t1 = float(run.run.get("end_time_s", t.max() if t.size else 0.0))
    step = nice_step(max(t1 - t0, 1.0))
    t0 = step * math.floor(t0 / step)
    return np.arange(t0, t1 + 0.5 * step, step)


def _km(v: np.ndarray) -> list[float]:
    """Coordinates (km) for the page: rounded to the metre, the JSON kept short."""
    return np.round(np.asarray(v, float), 3).tolist()


def replay_figure(run: RunData, cov: Coverage | None) -> dict[str, Any]:
    """A replay: threats and interceptors in the air at each frame time, kills and leaks so
    far, over faint full paths and the sites; play button and time slider (Plotly frames).

    Returned as a plain figure dict (data, layout, frames): the frames carry only the x, y
    (and names) of the four moving traces and are written without plotly's per-object
    validation, which made up most of the report's write time."""
    import plotly.graph_objects as go

    th = run.threats
    row = threat_index(run)
    tgroups = _by_id(run.paths, "threat_id")
    ip = interceptor_paths(run)
    igroups = _by_id(ip, "interceptor_id")
    named = len(row) <= REPLAY_NAMED_THREATS
    outcome = np.asarray(th["outcome"], dtype=object)
    t_out = np.asarray(th["outcome_time_s"], float)
    px, py = np.asarray(run.paths["x_m"], float), np.asarray(run.paths["y_m"], float)

    fig = go.Figure()
    x, y, _ = _joined(run.paths, list(tgroups.values()))
    fig.add_trace(
        go.Scatter(x=x, y=y, mode="lines", line={"color": "rgba(120,120,120,0.25)", "width": 1},
                   name="threat paths", hoverinfo="skip")
    )  # fmt: skip
    _sites(fig, run, cov)
    dynamic = len(fig.data)
    times = replay_times(run)
    tids, tx, ty = positions_on(run.paths, tgroups, times)
    _, ix, iy = positions_on(ip, igroups, times)
    names = np.array([str(th["name"][row[k]]) for k in tids], dtype=object)
    done = {}  # per fate: end points (km) and the time each is reached
    for fate in ("killed", "reached"):
        keys = [k for k in tgroups if outcome[row[k]] == fate]
        done[fate] = (
            np.array([px[tgroups[k][-1]] / 1e3 for k in keys]),
            np.array([py[tgroups[k][-1]] / 1e3 for k in keys]),
            np.array([t_out[row[k]] for k in keys], float),
        )

    def frame_data(k: int) -> list[dict[str, Any]]:
        on, ion = np.isfinite(tx[k]), np.isfinite(ix[k])
        out = [
            {"x": _km(tx[k, on]), "y": _km(ty[k, on])},
            {"x": _km(ix[k, ion]), "y": _km(iy[k, ion])},
        ]
        if named:
            out[0]["text"] = names[on].tolist()
        for fate in ("killed", "reached"):
            ex, ey, et = done[fate]
            so_far = et <= times[k]
            out.append({"x": _km(ex[so_far]), "y": _km(ey[so_far])})
        return out

    first = frame_data(0)
    fig.add_trace(
        go.Scatter(
            x=first[0]["x"], y=first[0]["y"], mode="markers", name="threats in the air",
            text=first[0].get("text"), hovertemplate="%{text}<extra></extra>" if named else None,
            hoverinfo=None if named else "skip",
            marker={"size": 8, "color": "#ff7f0e", "line": {"color": "black", "width": 1}},
        )
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=first[1]["x"], y=first[1]["y"], mode="markers", name="interceptors in the air",
            marker={"size": 6, "color": "#1f77b4", "symbol": "diamond"}, hoverinfo="skip",
        )
    )  # fmt: skip
    for j, (fate, symbol, label) in enumerate((("killed", "x", "killed so far"),
                                               ("reached", "star-triangle-up", "leaked so far"))):  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=first[2 + j]["x"], y=first[2 + j]["y"], mode="markers", name=label,
                marker={"symbol": symbol, "size": 10, "color": FATE_COLOURS[fate],
                        "line": {"color": "black", "width": 1}}, hoverinfo="skip",
            )
        )  # fmt: skip
    idx = list(range(dynamic, dynamic + 4))
    still = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate",
             "transition": {"duration": 0}}  # fmt: skip
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons", "direction": "left", "x": 0.0, "y": -0.08,
                "xanchor": "left", "yanchor": "top", "showactive": False,
                "buttons": [
                    {"label": "Play", "method": "animate",
                     "args": [None, {"frame": {"duration": 120, "redraw": False},
                                     "fromcurrent": True, "transition": {"duration": 0},
                                     "mode": "immediate"}]},
                    {"label": "Pause", "method": "animate", "args": [[None], still]},
                ],
            }
        ],
        sliders=[
            {
                "active": 0, "x": 0.12, "len": 0.88, "y": -0.05, "yanchor": "top",
                "currentvalue": {"prefix": "t = ", "suffix": " s", "visible": True},
                "steps": [{"label": f"{t:g}", "method": "animate",
                           "args": [[f"{t:g}"], still]} for t in times],
            }
        ],
    )  # fmt: skip
    xr, yr = _extent_km(run, cov, with_coverage=False)
    _map_layout(fig, "Replay: who is in the air (drag the slider or press Play)", xr, yr, 760)
    fig.update_layout(margin={"b": 130})
    out = fig.to_plotly_json()
    out["frames"] = [
        {"name": f"{t:g}", "data": frame_data(k), "traces": idx} for k, t in enumerate(times)
    ]
    return out


def fate_reasons(run: RunData) -> tuple[list[str], bool]:
    """Why each threat met its fate: the threats table's ``reason`` where the run gives one,
    else read from its timeline (detect, track, engage times and shots); and whether any
    reason came from the run itself."""
    th = run.threats
    n = len(th["threat_id"])
    given = th.get("reason")
    eng = run.engagements
    shots: dict[int, list[str]] = {}
    for t, r in zip(eng["threat_id"], eng.get("result", [""] * len(eng["threat_id"])),
                    strict=True):  # fmt: skip
        shots.setdefault(int(t), []).append(str(r))
    out = []
    for i in range(n):
        if given is not None and str(given[i]) not in ("", "None", "nan"):
            out.append(str(given[i]))
            continue
        fate = str(th["outcome"][i])
        det, trk = float(th["first_detect_s"][i]), float(th["first_track_s"][i])
        res = shots.get(int(th["threat_id"][i]), [])
        kills, misses = res.count("kill"), res.count("miss")
        if fate == "killed":
            out.append(
                f"killed by shot {res.index('kill') + 1} of {len(res)}" if kills else "killed"
            )
        elif fate in ("reached", "flying"):
            where = "reached its target" if fate == "reached" else "still flying"
            if not np.isfinite(det):
                out.append(f"{where}: never detected")
            elif not np.isfinite(trk):
                out.append(f"{where}: detected at {det:.0f} s, never tracked")
            elif not res:
                out.append(f"{where}: tracked from {trk:.0f} s, never engaged")
            else:
                pend = len(res) - kills - misses
                out.append(
                    f"{where}: {len(res)} shot(s), {misses} missed"
                    + (f", {pend} without outcome" if pend else "")
                )
        elif fate == "expired":
            out.append("route ended away from any asset")
        else:
            out.append("not launched before the end of the run")
    return out, given is not None


def timeline_figure(run: RunData) -> Any:
    """Per threat (first ``TIMELINE_MAX_THREATS`` launched): its flight from launch to outcome
    coloured by fate, first detection, first track, each interceptor launch, each shot's
    result, its arrival; below, the running counts of detected, tracked, launched, killed and
    leaked."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    th = run.threats
    n = len(th["threat_id"])
    end = float(run.run.get("end_time_s", np.nan))
    launch = np.asarray(th["launch_time_s"], float)
    order = np.argsort(launch, kind="stable")[:TIMELINE_MAX_THREATS]
    names = [str(th["name"][i]) for i in order]
    shown = {int(th["threat_id"][i]): str(th["name"][i]) for i in order}
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.72, 0.28],
                        vertical_spacing=0.05)  # fmt: skip
    t_out = np.asarray(th["outcome_time_s"], float)
    outcome = np.asarray(th["outcome"], dtype=object)
    for fate, colour in FATE_COLOURS.items():
        rows = [i for i in order if outcome[i] == fate]
        if not rows:
            continue
        xs, ys = [], []
        for i in rows:
            stop = t_out[i] if np.isfinite(t_out[i]) else end
            xs += [launch[i], stop, None]
            ys += [str(th["name"][i])] * 2 + [None]
        fig.add_trace(
            go.Scatter(x=xs, y=ys, mode="lines", line={"color": colour, "width": 5},
                       opacity=0.45, name=FATE_LABELS[fate], legendgroup="fate",
                       hoverinfo="skip"), row=1, col=1,
        )  # fmt: skip

    def marks(t: np.ndarray, who: list[str], symbol: str, colour: str, label: str) -> None:
        ok = np.isfinite(t)
        if not ok.any():
            return
        fig.add_trace(
            go.Scatter(
                x=t[ok], y=np.asarray(who, dtype=object)[ok], mode="markers", name=label,
                marker={"symbol": symbol, "size": 9, "color": colour,
                        "line": {"color": "black", "width": 1}},
                hovertemplate=f"%{{y}}: {label} at %{{x:.1f}} s<extra></extra>",
            ),
            row=1, col=1,
        )  # fmt: skip

    marks(np.asarray(th["first_detect_s"], float)[order], names, "circle-open", "#1f77b4",
          "first detection")  # fmt: skip
    marks(np.asarray(th["first_track_s"], float)[order], names, "diamond", "#17becf",
          "first track")  # fmt: skip
    eng = run.engagements
    sel = [k for k, t in enumerate(eng["threat_id"]) if int(t) in shown]
    lt = np.asarray(eng.get("launch_time_s", eng["time_s"]), float)
    marks(lt[sel], [shown[int(eng["threat_id"][k])] for k in sel], "triangle-up", "#9467bd",
          "interceptor launch")  # fmt: skip
    ev = run.events
    kind = np.asarray(ev["kind"], dtype=object)
    for k, symbol, colour, label in (("kill", "x", "#2ca02c", "kill"),
                                     ("miss", "x-thin-open", "#7f7f7f", "miss"),
                                     ("reach", "star", "#d62728", "leak")):  # fmt: skip
        s = np.flatnonzero((kind == k) & np.isin(ev["entity_id"], list(shown)))
        marks(np.asarray(ev["time_s"], float)[s],
              [shown[int(e)] for e in np.asarray(ev["entity_id"])[s]], symbol, colour, label)  # fmt: skip
    # running counts
    det = np.asarray(th["first_detect_s"], float)
    trk = np.asarray(th["first_track_s"], float)
    killed_t = t_out[outcome == "killed"]
    leak_t = t_out[outcome == "reached"]
    for t, colour, label in ((det, "#1f77b4", "detected"), (trk, "#17becf", "tracked"),
                             (lt, "#9467bd", "interceptors launched"),
                             (killed_t, "#2ca02c", "killed"), (leak_t, "#d62728", "leaked")):  # fmt: skip
        t = np.sort(t[np.isfinite(t)])
        if not t.size:
            continue
        fig.add_trace(
            go.Scatter(x=np.concatenate([[0.0], t, [end]]),
                       y=np.concatenate([[0], np.arange(1, t.size + 1), [t.size]]),
                       mode="lines", line={"color": colour, "shape": "hv"}, name=label,
                       legendgroup="counts", legendgrouptitle_text="Running counts",
                       hovertemplate=f"{label}: %{{y}} by %{{x:.0f}} s<extra></extra>"),
            row=2, col=1,
        )  # fmt: skip
    more = f" (first {len(order)} of {n} launched)" if n > len(order) else ""
    fig.update_yaxes(categoryorder="array", categoryarray=names[::-1], row=1, col=1,
                     tickfont={"size": 10})  # fmt: skip
    fig.update_yaxes(title_text="count", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title_text="time from scenario start (s)", row=2, col=1)
    fig.update_layout(
        title=f"Engagement timeline{more}", height=max(520, 160 + 16 * len(order) + 200),
        hovermode="closest", legend={"font": {"size": 11}}, margin={"t": 60},
    )  # fmt: skip
    return fig


def expenditure(run: RunData) -> list[dict[str, Any]]:
    """Per battery and interceptor type: fired, kills, misses, without outcome, cost (USD), and
    the battery's rounds left (``batteries`` table) when stored."""
    eng = run.engagements
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    n = len(eng["interceptor_id"])
    bat = eng.get("battery", np.full(n, "", dtype=object))
    typ = eng.get("interceptor_type", np.full(n, "", dtype=object))
    res = eng.get("result", np.full(n, "", dtype=object))
    cost = np.asarray(eng.get("cost_usd", np.zeros(n)), float)
    for b, t, r, c in zip(bat, typ, res, cost, strict=True):
        row = rows.setdefault(
            (str(b), str(t)), {"fired": 0, "kill": 0, "miss": 0, "open": 0, "cost_usd": 0.0}
        )
        row["fired"] += 1
        row["kill" if r == "kill" else "miss" if r == "miss" else "open"] += 1
        row["cost_usd"] += c if np.isfinite(c) else 0.0
    left = {}
    if run.batteries is not None and "battery" in run.batteries:
        b = run.batteries
        for i, name in enumerate(b["battery"]):
            left[str(name)] = int(b.get("rounds_in_tubes", [0] * len(b["battery"]))[i]) + int(
                b.get("rounds_in_reserve", [0] * len(b["battery"]))[i]
            )
    out = [{"battery": b, "type": t, **v} for (b, t), v in rows.items()]
    for name in left:
        if not any(r["battery"] == name for r in out):
            out.append({"battery": name, "type": "", "fired": 0, "kill": 0, "miss": 0,
                        "open": 0, "cost_usd": 0.0})  # fmt: skip
    for r in out:
        r["rounds_left"] = left.get(r["battery"])
    return out


def expenditure_figure(run: RunData) -> Any:
    """Interceptors fired per battery and type, split by result, and what they cost."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    rows = expenditure(run)
    labels = [f"{r['battery']}<br>{r['type']}" if r["type"] else r["battery"] for r in rows]
    fig = make_subplots(rows=1, cols=2, column_widths=[0.6, 0.4], horizontal_spacing=0.12,
                        subplot_titles=("Interceptors fired, by result", "Cost of interceptors"))  # fmt: skip
    for key, colour, label in (("kill", "#2ca02c", "killed its threat"),
                               ("miss", "#9467bd", "missed"),
                               ("open", "#17becf", "no outcome")):  # fmt: skip
        fig.add_trace(go.Bar(x=labels, y=[r[key] for r in rows], name=label,
                             marker_color=colour), row=1, col=1)  # fmt: skip
    if any(r["rounds_left"] is not None for r in rows):
        seen: set[str] = set()
        lx, ly = [], []
        for lab, r in zip(labels, rows, strict=True):
            if r["rounds_left"] is not None and r["battery"] not in seen:
                seen.add(r["battery"])
                lx.append(lab)
                ly.append(r["rounds_left"])
        fig.add_trace(go.Scatter(x=lx, y=ly, mode="markers", name="battery rounds left",
                                 marker={"symbol": "line-ew-open", "size": 28, "color": "black",
                                         "line": {"width": 3}}), row=1, col=1)  # fmt: skip
    fig.add_trace(
        go.Bar(x=labels, y=[r["cost_usd"] for r in rows], name="cost",
               text=[money(r["cost_usd"]) for r in rows], textposition="auto",
               marker_color="#8c564b", showlegend=False,
               hovertemplate="%{x}: %{text}<extra></extra>"),
        row=1, col=2,
    )  # fmt: skip
    fig.update_layout(barmode="stack", title="Expenditure per battery", height=440)
    fig.update_yaxes(title_text="interceptors", row=1, col=1)
    fig.update_yaxes(title_text="USD", row=1, col=2)
    return fig


def vertical_figure(cov: Coverage, run: RunData) -> Any:
    """Vertical coverage diagram of every radar (covered region in slant range and altitude),
    full height and the low altitudes, with each raid's median flight altitude."""
    import plotly.graph_objects as go
    from plotly.colors import qualitative
    from plotly.subplots import make_subplots

    from iads.sensors.coverage import VerticalCoverage, vertical_outline

    v = cov.vertical
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.08,
                        subplot_titles=("Range-height diagram", "Low altitudes: the horizon"))  # fmt: skip
    palette = list(qualitative.Plotly) + list(qualitative.Dark24)
    low_top = 2.0
    for i, name in enumerate(dict.fromkeys(v["radar"])):
        sel = v["radar"] == name
        vc = VerticalCoverage(*(np.asarray(v[k][sel], float) for k in
                                ("altitude_m", "min_range_m", "max_range_m",
                                 "max_ground_range_m")))  # fmt: skip
        r, h = vertical_outline(vc)
        colour = palette[i % len(palette)]
        for col in (1, 2):
            fig.add_trace(
                go.Scatter(x=r / 1e3, y=h / 1e3, mode="lines", fill="toself",
                           fillcolor=_rgba(colour, 0.12), line={"color": colour, "width": 2},
                           name=f"{name} ({v['type'][sel][0]})", legendgroup=name,
                           showlegend=col == 1,
                           hovertemplate=f"{name}<br>%{{x:.1f}} km, %{{y:.2f}} km altitude"
                           "<extra></extra>"),
                row=1, col=col,
            )  # fmt: skip
    raids = np.asarray(run.threats.get("raid", []), dtype=object)
    row = threat_index(run)
    pid = np.asarray(run.paths["threat_id"])
    z = np.asarray(run.paths["z_m"], float)
    alt = np.asarray(run.paths.get("alt_m", z), float)
    for raid in dict.fromkeys(raids):
        ids = [t for t, i in row.items() if raids[i] == raid]
        a = alt[np.isin(pid, ids)]
        if not a.size:
            continue
        med = float(np.median(a)) / 1e3
        low_top = max(low_top, 1.3 * med) if med < 5 else low_top
        for col in (1, 2):
            fig.add_hline(y=med, line={"color": "#8c564b", "dash": "dot", "width": 1},
                          annotation_text=f"{raid} ({med * 1e3:.0f} m)",
                          annotation_font={"size": 10, "color": "#8c564b"}, row=1, col=col)  # fmt: skip
    fig.update_xaxes(title_text="slant range (km)", rangemode="tozero")
    fig.update_yaxes(title_text="altitude (km)", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(range=[0, low_top], row=1, col=2)
    fig.update_layout(title=f"Vertical coverage for {cov.label}", height=480,
                      hovermode="closest")  # fmt: skip
    return fig


__all__ = [
    "Coverage",
    "FATE_COLOURS",
    "coverage_of",
    "expenditure",
    "expenditure_figure",
    "fate_reasons",
    "interceptor_paths",
    "map_figure",
    "nice_step",
    "positions_at",
    "positions_on",
    "simplify",
    "replay_figure",
    "replay_times",
    "timeline_figure",
    "vertical_figure",
]
