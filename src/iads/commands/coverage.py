"""``iads coverage SCENARIO``: vertical coverage diagrams and horizontal footprints of every radar.

Writes DIR/coverage.duckdb (tables ``vertical_coverage`` and ``footprint``, atomically) and
DIR/coverage.html (self-contained Plotly, works offline), and prints the detection range of each
radar per altitude band. Physics in ``iads.sensors.coverage``; notes in docs/sensors.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import typer

from iads.commands import FILES_ANYWHERE_HELP

DB_FILE = "coverage.duckdb"
HTML_FILE = "coverage.html"


def _parse_bands(text: str) -> list[float]:
    from iads.errors import InputError

    try:
        bands = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InputError(
            f"must be comma-separated heights in metres, like 25,100,1000; got {text!r}",
            field="--bands-m",
        ) from None
    if not bands or any(not np.isfinite(b) or b < 0 or b > 100_000 for b in bands):
        raise InputError("heights must lie between 0 and 100000 m", field="--bands-m")
    return sorted(set(bands))


def _sites(sc: Any) -> list[dict[str, Any]]:
    """Every radar site with its model and, if it can guide interceptors, its battery's
    engagement envelopes (an acquisition radar gets none: it has no engagement footprint)."""
    from iads.geo import Origin, geodetic_to_enu
    from iads.scenario.load import interceptor_type, launcher_type, radar_type
    from iads.sensors.coverage import EngagementEnvelope, guides_interceptors
    from iads.sensors.radar import RadarModel

    origin = Origin.of(sc.origin)

    def enu(p: Any) -> np.ndarray:
        return geodetic_to_enu(p.lat_deg, p.lon_deg, p.alt_m, origin)[0]

    out = []
    for battery in sc.batteries:
        envelopes = []
        for site in battery.launchers:
            launcher = launcher_type(sc, site)
            for name, rounds in site.loadout.items():
                if name not in launcher.interceptors or rounds <= 0:
                    continue
                it = interceptor_type(sc, name)
                envelopes.append(
                    EngagementEnvelope(
                        tuple(enu(site.position)),
                        it.min_range_m,
                        it.max_range_m,
                        it.min_altitude_m,
                        it.max_altitude_m,
                    )
                )
        for site in battery.radars:
            rtype = radar_type(sc, site)
            model = RadarModel.from_type(
                rtype,
                enu(site.position),
                site.boresight_deg,
                sensor_id=len(out),
                origin_alt_m=origin.alt_m,
            )
            guides = guides_interceptors(rtype)
            out.append(
                {
                    "radar": site.name,
                    "battery": battery.name,
                    "type": site.type,
                    "role": rtype.role,
                    "guides": guides,
                    "model": model,
                    "envelopes": envelopes if guides else [],
                    "position": site.position,
                }
            )
    return out


def site_table(sc: Any) -> dict[str, np.ndarray]:
    """Radars, launchers and defended assets of ``sc``: name, kind, battery, type, ENU x/y (m)
    and latitude/longitude (deg), for the map of the footprints."""
    from iads.geo import Origin, geodetic_to_enu

    origin = Origin.of(sc.origin)
    rows: list[tuple[str, str, str, str, Any]] = []
    for battery in sc.batteries:
        rows += [(r.name, "radar", battery.name, r.type, r.position) for r in battery.radars]
        rows += [(s.name, "launcher", battery.name, s.type, s.position) for s in battery.launchers]
    rows += [(a.name, "asset", "", "", a.position) for a in sc.assets]
    xy = np.array(
        [geodetic_to_enu(p.lat_deg, p.lon_deg, p.alt_m, origin)[0][:2] for *_, p in rows]
    ).reshape(-1, 2)
    tab = {
        k: np.array([r[i] for r in rows], dtype=object)
        for i, k in enumerate(("name", "kind", "battery", "type"))
    }
    tab["x_m"], tab["y_m"] = xy[:, 0], xy[:, 1]
    tab["lat_deg"] = np.array([r[4].lat_deg for r in rows], dtype=float)
    tab["lon_deg"] = np.array([r[4].lon_deg for r in rows], dtype=float)
    return tab


def compute(
    sc: Any,
    rcs_m2: float,
    pd: float,
    bands_m: list[float],
    swerling: int = 1,
    use_terrain: bool = True,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The two result tables (columns) for scenario ``sc``. With a scenario ``terrain`` file
    (and ``use_terrain``) the footprints are masked by it as the radars are in a run; the
    vertical diagram stays on the smooth earth (it has no azimuth)."""
    from iads.geo import Origin, enu_to_geodetic
    from iads.sensors.coverage import footprint, vertical_coverage
    from iads.sensors.detection import required_snr_db

    origin = Origin.of(sc.origin)
    terrain = None
    if use_terrain and sc.terrain is not None:
        from iads.terrain import load_grid, local_terrain

        terrain = local_terrain(load_grid(sc.terrain.file), origin)
    vert: dict[str, list] = {k: [] for k in ("radar", "battery", "type", "role")}
    foot: dict[str, list] = {k: [] for k in ("radar", "battery")}
    vcols: dict[str, list[np.ndarray]] = {}
    fcols: dict[str, list[np.ndarray]] = {}

    def add(cols: dict[str, list[np.ndarray]], **kw: np.ndarray) -> None:
        for k, v in kw.items():
            cols.setdefault(k, []).append(np.asarray(v))

    for s in _sites(sc):
        m = s["model"]
        vc = vertical_coverage(m, rcs_m2, pd, swerling)
        n = vc.altitude_m.size
        for k in ("radar", "battery", "type", "role"):
            vert[k] += [s[k]] * n
        vcols.setdefault("guides", []).append(np.full(n, s["guides"]))
        add(
            vcols,
            altitude_m=vc.altitude_m,
            min_range_m=vc.min_range_m,
            max_range_m=vc.max_range_m,
            max_ground_range_m=vc.max_ground_range_m,
        )
        need = float(required_snr_db(pd, m.pfa, m.n_pulses, swerling))
        for band in bands_m:
            fp = footprint(
                m, band, rcs_m2, pd, swerling, s["envelopes"], required_db=need, terrain=terrain
            )
            a = fp.azimuth_rad.size
            foot["radar"] += [s["radar"]] * a
            foot["battery"] += [s["battery"]] * a
            outer = np.nan_to_num(fp.detect_max_m)
            e = m.site_pos_m[0] + np.sin(fp.azimuth_rad) * outer
            nn = m.site_pos_m[1] + np.cos(fp.azimuth_rad) * outer
            lat, lon, _ = enu_to_geodetic(np.column_stack([e, nn, np.zeros(a)]), origin)
            has = np.isfinite(fp.detect_max_m)
            reach = np.nan_to_num(fp.engage_max_m)
            can = np.isfinite(fp.engage_max_m)
            add(
                fcols,
                altitude_m=np.full(a, band),
                azimuth_deg=np.degrees(fp.azimuth_rad),
                detect_min_range_m=fp.detect_min_m,
                detect_max_range_m=fp.detect_max_m,
                engage_min_range_m=fp.engage_min_m,
                engage_max_range_m=fp.engage_max_m,
                detect_edge_x_m=np.where(has, e, np.nan),
                detect_edge_y_m=np.where(has, nn, np.nan),
                detect_edge_lat_deg=np.where(has, lat, np.nan),
                detect_edge_lon_deg=np.where(has, lon, np.nan),
                engage_edge_x_m=np.where(
                    can, m.site_pos_m[0] + np.sin(fp.azimuth_rad) * reach, np.nan
                ),
                engage_edge_y_m=np.where(
                    can, m.site_pos_m[1] + np.cos(fp.azimuth_rad) * reach, np.nan
                ),
            )
    vtab = {k: np.array(v, dtype=object) for k, v in vert.items()}
    vtab.update({k: np.concatenate(v) for k, v in vcols.items()})
    ftab = {k: np.array(v, dtype=object) for k, v in foot.items()}
    ftab.update({k: np.concatenate(v) for k, v in fcols.items()})
    for tab in (vtab, ftab):
        n = len(next(iter(tab.values())))
        tab["rcs_m2"] = np.full(n, rcs_m2)
        tab["pd"] = np.full(n, pd)
    return vtab, ftab


def write_store(out_dir: Path, tables: dict[str, dict[str, np.ndarray]]) -> Path:
    """Write ``tables`` to out_dir/coverage.duckdb atomically (``iads.io.store``)."""
    import pyarrow as pa

    from iads.io.store import write_duckdb_atomic

    arrow = {
        name: pa.table(
            {
                k: pa.array(list(v) if v.dtype == object else v, from_pandas=True)
                for k, v in cols.items()
            }
        )  # from_pandas: NaN (no coverage) is stored as NULL
        for name, cols in tables.items()
    }
    return write_duckdb_atomic(out_dir / DB_FILE, arrow)


BAND_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
"""Line dash of each altitude band in the footprint panel (lowest band first)."""


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _zoom_top_m(vtab: dict, radars: list[str]) -> float:
    """Top of the low-altitude panel: a little above where the highest-reaching radar's
    horizon-limited edge meets its range limit."""
    tops = []
    for name in radars:
        sel = (vtab["radar"] == name) & np.isfinite(vtab["max_range_m"])
        h, r = vtab["altitude_m"][sel], vtab["max_range_m"][sel]
        if r.size:
            tops.append(h[r >= 0.99 * r.max()].min())
    top = 1.3 * max(tops, default=1000.0)
    return float(np.clip(np.ceil(top / 500.0) * 500.0, 500.0, vtab["altitude_m"].max()))


def _site_labels(fig: Any, sites: dict, span_m: float, panel_px: float = 650.0) -> None:
    """Name every site with a callout on the footprint panel. Sites within 4 % of the panel
    span of an earlier one (a battery's radars and launchers sit within a few km) share its
    anchor: their names are stacked 20 px apart beside it (``panel_px`` pixels across
    ``span_m``, to place them)."""
    anchors: list[tuple[float, float, int]] = []  # x_m, y_m, names so far
    for name, x, y in zip(sites["name"], sites["x_m"], sites["y_m"], strict=True):
        near = [
            i for i, (ax, ay, _) in enumerate(anchors) if np.hypot(ax - x, ay - y) < 0.04 * span_m
        ]
        if near:
            i = near[0]
        else:
            anchors.append((x, y, 0))
            i = len(anchors) - 1
        x0, y0, k = anchors[i]
        anchors[i] = (x0, y0, k + 1)
        scale = panel_px / span_m
        fig.add_annotation(
            x=x / 1e3, y=y / 1e3, xref="x2", yref="y2", text=name, showarrow=True,
            arrowhead=0, arrowwidth=1, ax=45 - (x - x0) * scale, ay=-22 - 20 * k + (y - y0) * scale,
            font={"size": 11, "color": "#222"}, bgcolor="rgba(255,255,255,0.7)",
            xanchor="left",
        )  # fmt: skip


def write_html(
    out_dir: Path, title: str, vtab: dict, ftab: dict, sites: dict | None = None
) -> Path:
    """A self-contained offline HTML (plotly.js inlined, plain Scatter traces only).

    Left: the range-height diagram of every radar (covered region in slant range and
    altitude, km), full height above and the low altitudes below. Right: the detection
    (thin) and engagement (thick, only radars that guide interceptors) footprints per
    altitude band (km east/north of the scenario origin), band told by line dash, with the
    sites. One colour per radar in both panels; one legend group per radar.
    """
    import plotly.graph_objects as go
    from plotly.colors import qualitative
    from plotly.subplots import make_subplots

    from iads.sensors.coverage import VerticalCoverage, footprint_outline, vertical_outline

    top_km = float(np.max(vtab["altitude_m"])) / 1e3
    fig = make_subplots(
        rows=2,
        cols=2,
        specs=[[{}, {"rowspan": 2}], [{}, None]],
        column_widths=[0.42, 0.58],
        row_heights=[0.6, 0.4],
        horizontal_spacing=0.08,
        vertical_spacing=0.1,
        subplot_titles=(
            f"Range-height diagram (covered region; computed to {top_km:g} km)",
            "Footprints: detection (thin), engagement (thick); dash = altitude band",
            "Low altitudes: the radar horizon",
        ),
    )
    radars = list(dict.fromkeys(vtab["radar"]))
    palette = list(qualitative.Plotly) + list(qualitative.Dark24)
    bands = np.unique(ftab["altitude_m"])
    sites = sites or {"name": [], "kind": [], "x_m": [], "y_m": []}
    where = {n: (x, y) for n, x, y in zip(sites["name"], sites["x_m"], sites["y_m"], strict=True)}
    zoom_m = _zoom_top_m(vtab, radars)
    range_top_km = 0.0
    for i, name in enumerate(radars):
        colour = palette[i % len(palette)]
        sel = vtab["radar"] == name
        kind = f"{vtab['type'][sel][0]}, {vtab['role'][sel][0]}"
        group = {"legendgroup": name, "legendgrouptitle_text": f"{name} ({kind})"}
        vc = VerticalCoverage(*(vtab[k][sel] for k in ("altitude_m", "min_range_m",
                                                      "max_range_m", "max_ground_range_m")))  # fmt: skip
        r_m, h_m = vertical_outline(vc)
        range_top_km = max(range_top_km, float(np.nanmax(r_m, initial=0.0)) / 1e3)
        for row, show in ((1, True), (2, False)):
            fig.add_trace(
                go.Scatter(
                    x=r_m / 1e3, y=h_m / 1e3, mode="lines", fill="toself",
                    fillcolor=_rgba(colour, 0.12), line={"color": colour, "width": 2},
                    name="range-height", showlegend=show, **group,
                    hovertemplate=f"{name}<br>%{{x:.1f}} km slant range, "
                    "%{y:.2f} km altitude<extra></extra>",
                ),
                row=row,
                col=1,
            )  # fmt: skip
        if r_m.size:
            top = h_m.max()
            k = np.argmin(np.abs(h_m[: r_m.size // 2 + 1] - (0.85 - 0.12 * i) * top))
            j = r_m.size - 1 - k  # the outer edge at that altitude
            fig.add_annotation(
                x=r_m[j] / 1e3, y=h_m[j] / 1e3, xref="x", yref="y", text=name,
                font={"color": colour, "size": 12}, ax=-50, ay=-18, arrowcolor=colour,
                bgcolor="rgba(255,255,255,0.75)",
            )  # fmt: skip
        x0, y0 = where.get(name, (0.0, 0.0))
        for b, band in enumerate(bands):
            f = (ftab["radar"] == name) & (ftab["altitude_m"] == band)
            dash = BAND_DASHES[b % len(BAND_DASHES)]
            for kind_, width, opacity in (("detect", 1.5, 1.0), ("engage", 3.5, 0.55)):
                ring = footprint_outline(
                    np.radians(ftab["azimuth_deg"][f]),
                    ftab[f"{kind_}_min_range_m"][f],
                    ftab[f"{kind_}_max_range_m"][f],
                    site_radius_m=1000.0,
                )
                if not ring.size:
                    continue
                label = "detection" if kind_ == "detect" else "engagement"
                fig.add_trace(
                    go.Scatter(
                        x=(x0 + ring[:, 0]) / 1e3, y=(y0 + ring[:, 1]) / 1e3, mode="lines",
                        line={"color": colour, "width": width, "dash": dash},
                        opacity=opacity, name=f"{label} at {band:g} m", **group,
                        hovertemplate=f"{name}: {label} at {band:g} m<br>"
                        "%{x:.1f} km east, %{y:.1f} km north<extra></extra>",
                    ),
                    row=1,
                    col=2,
                )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=[x0 / 1e3], y=[y0 / 1e3], mode="markers", name="radar site",
                marker={"symbol": "triangle-up", "size": 13, "color": colour,
                        "line": {"color": "black", "width": 1}},
                showlegend=False, **group, hovertemplate=f"{name}<extra></extra>",
            ),
            row=1,
            col=2,
        )  # fmt: skip
    for kind_, symbol, label in (("launcher", "square", "launchers"),
                                 ("asset", "star", "defended assets")):  # fmt: skip
        sel = np.asarray(sites["kind"]) == kind_
        if not sel.any():
            continue
        fig.add_trace(
            go.Scatter(
                x=np.asarray(sites["x_m"])[sel] / 1e3, y=np.asarray(sites["y_m"])[sel] / 1e3,
                mode="markers", name=label, legendgroup="sites",
                legendgrouptitle_text="Sites", text=np.asarray(sites["name"])[sel],
                marker={"symbol": symbol, "size": 12 if kind_ == "launcher" else 15,
                        "color": "#444" if kind_ == "launcher" else "gold",
                        "line": {"color": "black", "width": 1}},
                hovertemplate="%{text}<extra></extra>",
            ),
            row=1,
            col=2,
        )  # fmt: skip
    span_m = 2e3 * max(range_top_km, 1.0)
    _site_labels(fig, sites, span_m)
    x_range = [0.0, 1.08 * max(range_top_km, 1.0)]
    fig.update_xaxes(title_text="slant range (km)", range=x_range, row=1, col=1)
    fig.update_yaxes(title_text="altitude (km)", rangemode="tozero", row=1, col=1)
    fig.update_xaxes(title_text="slant range (km)", range=x_range, row=2, col=1)
    fig.update_yaxes(title_text="altitude (km)", range=[0.0, zoom_m / 1e3], row=2, col=1)
    fig.update_xaxes(title_text="east of origin (km)", row=1, col=2)
    fig.update_yaxes(title_text="north of origin (km)", scaleanchor="x2", row=1, col=2)
    fig.update_layout(
        title=title,
        height=900,
        legend={"groupclick": "toggleitem", "tracegroupgap": 10, "font": {"size": 11}},
        hovermode="closest",
        margin={"t": 90},
    )
    from iads.io.files import atomic_path

    final = out_dir / HTML_FILE
    with atomic_path(final) as tmp:
        fig.write_html(
            str(tmp), include_plotlyjs=True, full_html=True, config={"displaylogo": False}
        )
    return final


def coverage(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    files_anywhere: bool = typer.Option(False, "--files-anywhere", help=FILES_ANYWHERE_HELP),
    rcs_m2: float = typer.Option(1.0, "--rcs-m2", help="Target RCS (m^2)."),
    pd: float = typer.Option(0.9, "--pd", help="Detection probability that counts as covered."),
    bands_m: str = typer.Option(
        "25,100,1000,10000", "--bands-m", help="Altitude bands for the footprints (m)."
    ),
    swerling: int = typer.Option(1, "--swerling", help="Target Swerling case 0-4."),
    out: Path = typer.Option(
        None, "--out", help="Output directory (default: runs/<scenario file stem>)."
    ),
    no_html: bool = typer.Option(False, "--no-html", help="Skip the HTML plot."),
) -> None:
    """Coverage of every radar: vertical diagram and footprints per altitude band."""
    from rich.table import Table

    from iads.commands._output import console as make_console
    from iads.commands._output import text
    from iads.errors import InputError
    from iads.io.files import check_out_dir
    from iads.scenario import load_scenario

    if not scenario.is_file():
        raise InputError("file not found", file=str(scenario))
    if not (rcs_m2 > 0 and np.isfinite(rcs_m2)):
        raise InputError("must be a positive area in m^2, like 1 or 0.01", field="--rcs-m2")
    if not 0 < pd < 1:
        raise InputError("must lie strictly between 0 and 1, like 0.9", field="--pd")
    if swerling not in (0, 1, 2, 3, 4):
        raise InputError("must be 0, 1, 2, 3 or 4", field="--swerling")
    bands = _parse_bands(bands_m)
    out_dir = out if out is not None else Path("runs") / scenario.stem
    check_out_dir(out_dir, DB_FILE, overwrite=True, what="a coverage store")  # before any work
    sc = load_scenario(scenario, catalog_anywhere=files_anywhere)
    if not sc.batteries and not sc.sensors:
        raise InputError(
            "no radars to cover: the scenario has no batteries and no sensors",
            file=str(scenario),
            field="batteries",
        )
    vtab, ftab = compute(sc, rcs_m2, pd, bands, swerling)
    sites = site_table(sc)
    path = write_store(out_dir, {"vertical_coverage": vtab, "footprint": ftab, "sites": sites})
    title = f"{sc.name}: coverage of a {rcs_m2:g} m² target at Pd {pd:g} (Swerling {swerling})"
    if sc.terrain is not None:
        title += "; footprints masked by the scenario terrain"
    html = None if no_html else write_html(out_dir, title, vtab, ftab, sites)

    table = Table(
        title=f"Detection ground range (km), {rcs_m2:g} m², Pd {pd:g}, Swerling {swerling}"
    )
    table.add_column("radar")
    table.add_column("type")
    for band in bands:
        table.add_column(f"{band:g} m", justify="right")
    for name in dict.fromkeys(ftab["radar"]):
        row = [name, str(vtab["type"][vtab["radar"] == name][0])]
        for band in bands:
            sel = (ftab["radar"] == name) & (ftab["altitude_m"] == band)
            r = ftab["detect_max_range_m"][sel]
            row.append(f"{np.nanmax(r) / 1e3:.1f}" if np.isfinite(r).any() else "-")
        table.add_row(*row)
    console = make_console()
    console.print(table)
    console.print(f"results: {text(path)}" + (f"\nplot: {text(html)}" if html else ""))


def register(app: typer.Typer) -> None:
    """Add ``iads coverage`` to ``app``."""
    app.command()(coverage)
