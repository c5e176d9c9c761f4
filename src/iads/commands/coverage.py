"""``iads coverage SCENARIO``: vertical coverage diagrams and horizontal footprints of every radar.

Writes DIR/coverage.duckdb (tables ``vertical_coverage`` and ``footprint``, atomically) and
DIR/coverage.html (self-contained Plotly, works offline), and prints the detection range of each
radar per altitude band. Physics in ``iads.sensors.coverage``; notes in docs/sensors.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import typer

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
    """Every radar site with its model and its battery's engagement envelopes."""
    from iads.geo import Origin, geodetic_to_enu
    from iads.scenario.load import interceptor_type, launcher_type, radar_type
    from iads.sensors.coverage import EngagementEnvelope
    from iads.sensors.radar import RadarModel

    origin = Origin.of(sc.origin)

    def enu(p: Any) -> np.ndarray:
        return geodetic_to_enu(p.lat_deg, p.lon_deg, p.alt_m, origin)[0]

    out = []
    for battery in sc.batteries:
        envelopes = []
        for site in battery.launchers:
            launcher = launcher_type(sc, site)
            for name in site.loadout:
                if name not in launcher.interceptors:
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
            out.append(
                {
                    "radar": site.name,
                    "battery": battery.name,
                    "type": site.type,
                    "model": model,
                    "envelopes": envelopes,
                    "position": site.position,
                }
            )
    return out


def compute(
    sc: Any, rcs_m2: float, pd: float, bands_m: list[float], swerling: int = 1
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The two result tables (columns) for scenario ``sc``."""
    from iads.geo import Origin, enu_to_geodetic
    from iads.sensors.coverage import footprint, vertical_coverage
    from iads.sensors.detection import required_snr_db

    origin = Origin.of(sc.origin)
    vert: dict[str, list] = {k: [] for k in ("radar", "battery", "type")}
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
        for k in ("radar", "battery", "type"):
            vert[k] += [s[k]] * n
        add(
            vcols,
            altitude_m=vc.altitude_m,
            min_range_m=vc.min_range_m,
            max_range_m=vc.max_range_m,
            max_ground_range_m=vc.max_ground_range_m,
        )
        need = float(required_snr_db(pd, m.pfa, m.n_pulses, swerling))
        for band in bands_m:
            fp = footprint(m, band, rcs_m2, pd, swerling, s["envelopes"], required_db=need)
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
    """Write ``tables`` to out_dir/coverage.duckdb atomically (temp file, then os.replace)."""
    import duckdb
    import pyarrow as pa

    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / DB_FILE
    tmp = out_dir / f".{DB_FILE}.tmp-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp))
        try:
            for name, cols in tables.items():
                table = pa.table(
                    {
                        k: pa.array(list(v) if v.dtype == object else v, from_pandas=True)
                        for k, v in cols.items()
                    }
                )  # from_pandas: NaN (no coverage) is stored as NULL
                con.register("_src", table)
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _src')
                con.unregister("_src")
        finally:
            con.close()
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return final


def write_html(out_dir: Path, title: str, vtab: dict, ftab: dict) -> Path:
    """A self-contained offline HTML: vertical coverage and footprints (plain Scatter)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            "Vertical coverage (slant range)",
            "Detection (solid) and engagement (dashed) footprints per band (ENU)",
        ),
    )
    radars = list(dict.fromkeys(vtab["radar"]))
    for name in radars:
        sel = vtab["radar"] == name
        for col, dash in (("max_range_m", None), ("min_range_m", "dot")):
            fig.add_trace(
                go.Scatter(
                    x=vtab[col][sel] / 1e3,
                    y=vtab["altitude_m"][sel] / 1e3,
                    mode="lines",
                    name=f"{name} ({col.split('_')[0]})",
                    legendgroup=name,
                    line={"dash": dash},
                ),
                row=1,
                col=1,
            )
        for band in np.unique(ftab["altitude_m"]):
            f = (ftab["radar"] == name) & (ftab["altitude_m"] == band)
            for kind, dash in (("detect", None), ("engage", "dash")):
                xs, ys = ftab[f"{kind}_edge_x_m"][f], ftab[f"{kind}_edge_y_m"][f]
                if not np.isfinite(xs).any():
                    continue
                fig.add_trace(
                    go.Scatter(
                        x=np.append(xs, xs[:1]) / 1e3,  # closed ring; NaN leaves gaps
                        y=np.append(ys, ys[:1]) / 1e3,
                        mode="lines",
                        name=f"{name} {kind} @ {band:g} m",
                        legendgroup=name,
                        line={"dash": dash},
                    ),
                    row=1,
                    col=2,
                )
    fig.update_xaxes(title_text="slant range (km)", row=1, col=1)
    fig.update_yaxes(title_text="altitude (km)", row=1, col=1)
    fig.update_xaxes(title_text="east (km)", row=1, col=2)
    fig.update_yaxes(title_text="north (km)", scaleanchor="x2", row=1, col=2)
    fig.update_layout(title=title, height=650)
    final = out_dir / HTML_FILE
    tmp = out_dir / f".{HTML_FILE}.tmp-{os.getpid()}"
    try:
        fig.write_html(str(tmp), include_plotlyjs=True, full_html=True)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return final


def coverage(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
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
    from rich.console import Console
    from rich.table import Table

    from iads.errors import InputError
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
    sc = load_scenario(scenario)
    out_dir = out if out is not None else Path("runs") / scenario.stem
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("--out must be a directory, not a file", file=str(out_dir))
    vtab, ftab = compute(sc, rcs_m2, pd, bands, swerling)
    path = write_store(out_dir, {"vertical_coverage": vtab, "footprint": ftab})
    html = None if no_html else write_html(out_dir, f"{sc.name}: coverage", vtab, ftab)

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
    console = Console()
    console.print(table)
    console.print(f"results: {path}" + (f"\nplot: {html}" if html else ""))


def register(app: typer.Typer) -> None:
    """Add ``iads coverage`` to ``app``."""
    app.command()(coverage)
