"""``iads observe TRAJECTORIES --radar TYPE --site LAT,LON,ALT --out DETECTIONS``: radar plots
of recorded (or any) aircraft trajectories through the simulation's radar model.

The trajectories (ADS-B CSV, Parquet or JSON; ``iads.tracking.adsb``) are read and cleaned,
interpolated to the radar's scan times (one full scan every ``scan_period_s`` of the catalog
type, from the file's first report) in the local ENU frame of the site, and observed with
``iads.sensors.radar.observe``: the same radar equation, 4/3-earth horizon, Swerling
fluctuation and detector, resolution merging, SNR-dependent noise and false alarms as
``iads run`` (the run settings' default surface), the RCS of a catalog threat-section type by
aspect. Every plot of a scan carries the scan time (a snapshot scan, the model ``iads track``
reads). Outputs are the detections format of ``iads track``, plus on request the truth (inside
the radar's coverage) for ``iads score-tracks`` and a sensors file (antenna position, median
measurement noise) for ``iads track --sensors``. Times are seconds from the first scan.
"""

from __future__ import annotations

import math
from pathlib import Path

import typer


def _parse_site(text: str) -> tuple[float, float, float]:
    from iads.errors import InputError

    try:
        lat, lon, alt = (float(v) for v in text.split(","))
    except ValueError:
        raise InputError(
            f"expected LAT,LON,ALT (deg, deg, m), got {text!r}", field="--site"
        ) from None
    if not (math.isfinite(alt) and -500.0 <= alt <= 9_000.0):
        raise InputError(f"altitude must be in [-500, 9000] m, got {alt:g}", field="--site")
    if not (math.isfinite(lat) and abs(lat) <= 90.0 and math.isfinite(lon) and abs(lon) <= 180):
        raise InputError(f"latitude or longitude out of range in {text!r}", field="--site")
    return lat, lon, alt


def observe_command(
    trajectories: Path = typer.Argument(
        ..., help="Trajectory file: ADS-B CSV, Parquet or JSON (icao24, timestamp, latitude, ...)."
    ),
    radar: str = typer.Option(..., "--radar", help="Catalog radar type (`iads catalog`)."),
    site: str = typer.Option(
        ..., "--site", help="Radar site LAT,LON,ALT (deg, deg, m above the ellipsoid)."
    ),
    out: Path = typer.Option(..., "--out", help="Detections file to write (.csv or .parquet)."),
    truth_out: Path = typer.Option(
        None, "--truth", help="Also write the truth inside the radar's coverage (.csv/.parquet)."
    ),
    sensors_out: Path = typer.Option(
        None, "--sensors-out", help="Also write a sensors file for `iads track --sensors`."
    ),
    target_type: str = typer.Option(
        "airliner-narrowbody", "--target-type", help="Catalog threat-section type (RCS)."
    ),
    units: str = typer.Option(
        "published", "--units", help="published (ft, kt, ft/min) or si (m, m/s)."
    ),
    boresight_deg: float = typer.Option(0.0, help="Sector radars: boresight, deg from north."),
    max_gap_s: float = typer.Option(
        30.0, help="Longest gap between reports interpolated across (s), > 0."
    ),
    min_alt_m: float = typer.Option(300.0, help="Reports below this altitude (m) are left out."),
    false_alarms: bool = typer.Option(True, help="Draw false alarms over the scanned cells."),
    free_space: bool = typer.Option(
        False, "--free-space", help="No surface: no multipath (default: the run settings' sea)."
    ),
    seed: int = typer.Option(0, help="Random seed (plots are a function of file and seed)."),
    catalog: list[Path] = typer.Option(  # noqa: B006 - typer needs the list default
        None, "--catalog", help="Extra catalog YAML file(s); later ones win."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary."),
) -> None:
    """Observe TRAJECTORIES with one radar; write its plots (and truth and sensors on request).

    \b
    Output columns: time_s (s from the first scan), range_m, azimuth_deg (clockwise from
    north, [0, 360)), elevation_deg, sensor_id (0), snr_db, range_rate_mps (radars that
    measure it), truth_id (-1: false alarm; else the truth's target_id). ENU frame: origin at
    the site; the antenna is antenna_height_m above it.
    """
    import numpy as np

    from iads.commands.track import _check_options, _check_out
    from iads.config import RunConfig
    from iads.errors import InputError, printable
    from iads.geo import Origin
    from iads.io.plots import write_detections, write_table
    from iads.scenario.load import _unknown, builtin_catalog, load_catalog_file
    from iads.sensors.radar import RadarModel, look, observe
    from iads.sensors.rcs import aspect_angle_rad, aspect_rcs_m2
    from iads.tracking.adsb import UNITS, adsb_truth, read_adsb

    _check_options(
        [
            ("--max-gap-s", max_gap_s, 0.0, math.inf, True),
            ("--min-alt-m", min_alt_m, -1_500.0, 100_000.0, False),
            ("--boresight-deg", boresight_deg, -360.0, 360.0, False),
        ]
    )
    if units not in UNITS:
        raise InputError(f"must be {' or '.join(UNITS)}, got {units!r}", field="--units")
    lat0, lon0, alt0 = _parse_site(site)
    for path, option in ((out, "--out"), (truth_out, "--truth"), (sensors_out, "--sensors-out")):
        if path is not None:
            try:
                _check_out(path)
            except InputError as exc:
                raise InputError(exc.reason, file=exc.file, field=option) from None
    cat = builtin_catalog()
    for extra in catalog or []:
        cat = cat.merged(load_catalog_file(extra))
    if radar not in cat.radars:
        raise InputError(_unknown("radar", radar, cat.radars), field="--radar")
    if target_type not in cat.threats:
        raise InputError(_unknown("threat", target_type, cat.threats), field="--target-type")
    rtype, ttype = cat.radars[radar], cat.threats[target_type]
    notes: list[str] = []
    adsb = read_adsb(trajectories, units=units, notes=notes)
    if adsb["time_s"].size == 0:
        raise InputError("no usable reports", file=str(trajectories))
    origin = Origin(lat0, lon0, alt0)
    model = RadarModel.from_type(
        rtype,
        np.zeros(3),
        boresight_deg,
        sensor_id=0,
        origin_alt_m=alt0,
        environment=None if free_space else RunConfig().environment,
    )
    period = model.scan_period_s
    t_first, t_last = float(adsb["time_s"].min()), float(adsb["time_s"].max())
    n_scans = int(np.floor((t_last - t_first) / period)) + 1
    if n_scans > 10_000_000:
        raise InputError(
            f"{n_scans:,} scans of {period:g} s; cut the file to under 10 million scans",
            file=str(trajectories),
        )
    times = t_first + period * np.arange(n_scans)
    truth = adsb_truth(adsb, origin, times, max_gap_s=max_gap_s, min_alt_m=min_alt_m)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    arcs = model.swept_arcs(0.0, period)
    rcs_front = ttype.rcs_front_m2
    rcs_side = ttype.rcs_side_m2 or rcs_front
    rcs_rear = ttype.rcs_rear_m2 or rcs_front
    t_rel = truth["time_s"]
    bounds = np.searchsorted(t_rel, period * np.arange(n_scans + 1) - 1e-9 * period)
    pos_all = np.column_stack([truth[c] for c in ("x_m", "y_m", "z_m")])
    vel_all = np.column_stack([truth[c] for c in ("vx_mps", "vy_mps", "vz_mps")])
    seen = np.zeros(t_rel.size, dtype=bool)
    parts = []
    for k in range(n_scans):
        rows = np.arange(bounds[k], bounds[k + 1])
        pos, vel = pos_all[rows], vel_all[rows]
        aspect = aspect_angle_rad(pos, vel, model.antenna_pos_m)
        rcs = aspect_rcs_m2(
            np.full(rows.size, rcs_front),
            np.full(rows.size, rcs_side),
            np.full(rows.size, rcs_rear),
            aspect,
        )
        seen[rows[look(model, pos, arcs).index]] = True
        parts.append(
            observe(
                model,
                pos,
                vel,
                rcs,
                period * k,
                rng,
                arcs,
                swerling=ttype.swerling,
                truth_id=truth["target_id"][rows],
                false_alarms=false_alarms,
            )
        )
    from iads.messages import Detections

    det = Detections.concat(parts) if parts else Detections()
    cols = {
        "time_s": det.time_s,
        "range_m": det.range_m,
        "azimuth_rad": det.azimuth_rad,
        "elevation_rad": det.elevation_rad,
        "sensor_id": det.sensor_id,
        "snr_db": det.snr_db,
    }
    if model.measures_range_rate:
        cols["range_rate_mps"] = det.range_rate_mps
    cols["truth_id"] = det.truth_id
    write_detections(out, cols)
    real = det.truth_id >= 0
    pd_seen = float(real.sum() / max(int(seen.sum()), 1))
    clutter = float((~real).sum() / n_scans)
    if truth_out is not None:
        write_table(truth_out, {c: v[seen] for c, v in truth.items()})
    if sensors_out is not None:

        def median(values: np.ndarray, floor: float) -> float:
            return float(np.median(values[real])) if np.any(real) else floor

        ant = model.antenna_pos_m
        sensors = {
            "sensor_id": np.array([0]),
            "x_m": np.array([ant[0]]),
            "y_m": np.array([ant[1]]),
            "z_m": np.array([ant[2]]),
            "sigma_range_m": np.array([median(det.sigma_range_m, model.sigma_range_floor_m)]),
            "sigma_azimuth_deg": np.degrees(
                [median(det.sigma_azimuth_rad, model.sigma_angle_floor_rad)]
            ),
            "sigma_elevation_deg": np.degrees(
                [median(det.sigma_elevation_rad, model.sigma_angle_floor_rad)]
            ),
        }
        if model.measures_range_rate:
            sensors["sigma_range_rate_mps"] = np.array([median(det.sigma_range_rate_mps, 0.1)])
        write_table(sensors_out, sensors)
    if not quiet:
        for note in notes:
            typer.echo(f"note: {printable(trajectories)}: {note}")
        n_targets = int(np.unique(truth["target_id"][seen]).size)
        typer.echo(
            f"{n_scans:,} scans of {period:g} s from epoch {t_first:.0f} s, {n_targets} aircraft "
            f"in coverage, {det.time_s.size:,} plots (Pd {pd_seen:.2f} of the covered truth, "
            f"{clutter:.1f} false alarms per scan): {printable(out)}"
        )
        if sensors_out is not None:
            typer.echo(
                f"  iads track {printable(out)} --sensors {printable(sensors_out)} "
                f"--pd {min(max(round(pd_seen, 3), 0.01), 0.999):g} --clutter-per-scan "
                f"{max(clutter, 0.1):.1f} --out tracks.csv"
            )


def register(app: typer.Typer) -> None:
    """Add ``iads observe`` to ``app``."""
    app.command("observe")(observe_command)
