"""``iads track DETECTIONS --out TRACKS``: run the tracker alone on recorded radar plots.

Formats (CSV or Parquet by extension) are those of ``docs/shared DESIGN.md``; plots are grouped
into scans by their exact ``time_s`` (several sensors may share a scan, told apart by
``sensor_id``). The clutter density the tracker assumes is ``--clutter-per-scan`` spread over the
volume the plots span: ``[0, max range] x 2 pi x [min elevation, max elevation]`` (at least
0.05 rad of elevation).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import typer

MIN_ELEVATION_SPAN_RAD = 0.05


def _parse_sensors(values: list[str] | None) -> dict[int, tuple[float, float, float]]:
    """``X,Y,Z`` (sensor 0) or ``ID=X,Y,Z``, repeatable; metres ENU."""
    from iads.errors import InputError

    sensors: dict[int, tuple[float, float, float]] = {}
    for k, text in enumerate(values or ["0,0,0"]):
        key, _, coords = text.rpartition("=")
        try:
            sid = int(key) if key else k
            xyz = tuple(float(v) for v in coords.split(","))
        except ValueError:
            xyz, sid = (), -1
        if len(xyz) != 3 or not all(np.isfinite(xyz)):
            raise InputError(
                f"expected X,Y,Z or ID=X,Y,Z in metres, got {text!r}", field="--sensor-enu"
            )
        sensors[sid] = (xyz[0], xyz[1], xyz[2])
    return sensors


def _check_options(checks: list[tuple[str, float | None, float, float, bool]]) -> None:
    """One-line InputError for the first option out of its range.

    Each check is ``(option, value, low, high, low_open)``: ``value`` (skipped if None) must be
    finite with ``low < value`` (``low_open``) or ``low <= value``, and ``value <= high``. Checked
    here rather than by Typer so that the error is one line naming the option (NaN included).
    """
    from iads.errors import InputError

    for name, value, low, high, low_open in checks:
        if value is None:
            continue
        above = value > low if low_open else value >= low
        if math.isfinite(value) and above and value <= high:
            continue
        if math.isinf(high):
            want = f"{'>' if low_open else '>='} {low:g}"
        else:
            want = f"in {'(' if low_open else '['}{low:g}, {high:g}]"
        raise InputError(f"must be a number {want}, got {value:g}", field=name)


def _check_out(out: Path) -> None:
    """Reject an output path that cannot be written, before any work is done."""
    from iads.errors import InputError
    from iads.io.plots import file_kind

    file_kind(out)  # an unknown output type
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"directory {str(parent)!r} does not exist", file=str(out), field="--out")
    if out.is_dir():
        raise InputError("is a directory, not a file", file=str(out), field="--out")


def _clutter_density(det: dict[str, np.ndarray], clutter_per_scan: float) -> float:
    if det["range_m"].size == 0:
        return 1e-12
    el = det["elevation_rad"]
    span = max(float(el.max() - el.min()), MIN_ELEVATION_SPAN_RAD)
    volume = max(float(det["range_m"].max()), 1.0) * 2.0 * np.pi * span
    return max(clutter_per_scan, 1e-6) / volume


def track(
    detections: Path = typer.Argument(..., help="Detections file (.csv or .parquet)."),
    out: Path = typer.Option(..., "--out", help="Tracks file to write (.csv or .parquet)."),
    sigma_range_m: float = typer.Option(50.0, help="Range noise std (m), > 0."),
    sigma_azimuth_deg: float = typer.Option(0.2, help="Azimuth noise std (deg), > 0."),
    sigma_elevation_deg: float = typer.Option(0.2, help="Elevation noise std (deg), > 0."),
    sigma_range_rate_mps: float = typer.Option(
        None, help="Range-rate noise std (m/s), > 0; uses the range_rate_mps column."
    ),
    pd: float = typer.Option(0.9, help="Probability of detection, in [0.01, 0.999]."),
    clutter_per_scan: float = typer.Option(20.0, help="Mean false plots per scan (>= 0)."),
    sensor_enu: list[str] = typer.Option(  # noqa: B006 - typer needs the list default
        None, "--sensor-enu", help="Sensor position X,Y,Z (m), or ID=X,Y,Z; repeatable."
    ),
    filter: str = typer.Option("imm", "--filter", help="imm (CV + coordinated turn), ekf or ukf."),
    association: str = typer.Option("gnn", "--association", help="gnn or jpda."),
    q_mps2: float = typer.Option(10.0, help="CV acceleration noise level (m/s^2), >= 0."),
    confirmation: str = typer.Option(
        "score", "--confirmation", help="score (sequential likelihood-ratio test) or m_of_n."
    ),
    false_track_probability: float = typer.Option(
        1e-3, help="Score confirmation: chance of confirming a false track, in (0, 1)."
    ),
    confirm_m: int = typer.Option(3, help="m_of_n: confirm with M >= 1 hits ..."),
    confirm_n: int = typer.Option(4, help="... in the last N >= 1 scans."),
    delete_misses: int = typer.Option(3, help="Delete after this many (>= 1) misses in a row."),
    max_tracks: int = typer.Option(100_000, help="Track capacity (>= 0)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
) -> None:
    """Track recorded plots; write one row per confirmed track per scan, atomically.

    \b
    Input columns (CSV or Parquet; one row per plot, scans grouped by exact time_s):
      time_s          scan time, s
      range_m         slant range, m (>= 0)
      azimuth_deg     clockwise from north, deg, [0, 360)
      elevation_deg   above the local horizontal, deg, [-90, 90]
      sensor_id       optional integer, the radar that made the plot (default 0)
      range_rate_mps  optional, m/s, positive opening (used with --sigma-range-rate-mps)
    Output columns: time_s, track_id, x_m, y_m, z_m (ENU, m), vx_mps, vy_mps, vz_mps,
    position_std_m, misses.
    """
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn

    from iads.commands._output import console, progress
    from iads.errors import InputError, printable
    from iads.io.plots import read_detections, write_tracks
    from iads.tracking.measurement import polar_noise_cov
    from iads.tracking.tracker import Tracker, TrackerConfig, scans_from_detections, track_columns

    _check_options(
        [
            ("--sigma-range-m", sigma_range_m, 0.0, math.inf, True),
            ("--sigma-azimuth-deg", sigma_azimuth_deg, 0.0, math.inf, True),
            ("--sigma-elevation-deg", sigma_elevation_deg, 0.0, math.inf, True),
            ("--sigma-range-rate-mps", sigma_range_rate_mps, 0.0, math.inf, True),
            ("--pd", pd, 0.01, 0.999, False),
            ("--clutter-per-scan", clutter_per_scan, 0.0, math.inf, False),
            ("--q-mps2", q_mps2, 0.0, math.inf, False),
            ("--false-track-probability", false_track_probability, 0.0, 0.5, True),
            ("--confirm-m", confirm_m, 1, math.inf, False),
            ("--confirm-n", confirm_n, 1, math.inf, False),
            ("--delete-misses", delete_misses, 1, math.inf, False),
            ("--max-tracks", max_tracks, 0, math.inf, False),
        ]
    )
    _check_out(out)  # reject an unusable output path before doing any work
    det = read_detections(detections)
    sensors = _parse_sensors(sensor_enu)
    missing = sorted(set(np.unique(det["sensor_id"]).tolist()) - set(sensors))
    if missing:
        raise InputError(
            f"no --sensor-enu position for sensor_id {missing[0]}",
            file=str(detections),
            field="sensor_id",
        )
    use_rr = sigma_range_rate_mps is not None
    if use_rr and "range_rate_mps" not in det:
        raise InputError(
            "--sigma-range-rate-mps given but the file has no such column",
            file=str(detections),
            field="range_rate_mps",
        )
    try:
        config = TrackerConfig(
            filter=filter,
            association=association,
            pd=pd,
            clutter_density=_clutter_density(det, clutter_per_scan),
            q_mps2=q_mps2,
            confirmation=confirmation,
            false_track_probability=false_track_probability,
            confirm_m=confirm_m,
            confirm_n=confirm_n,
            delete_misses=delete_misses,
            max_tracks=max_tracks,
            range_rate=use_rr,
        )
    except ValueError as exc:
        raise InputError(str(exc), field="options") from None
    R = polar_noise_cov(
        sigma_range_m,
        np.deg2rad(sigma_azimuth_deg),
        np.deg2rad(sigma_elevation_deg),
        sigma_range_rate_mps,
    )
    tracker = Tracker(config)
    n_scans = int(np.unique(det["time_s"]).size)
    parts = []
    with progress(
        BarColumn(),
        TextColumn("{task.completed:,.0f} / {task.total:,.0f} scans"),
        TimeElapsedColumn(),
        label="tracking",
        disable=quiet or n_scans < 50,
    ) as bar:
        task = bar.add_task("track", total=n_scans)
        for t_s, plots in scans_from_detections(det, R, sensors):
            parts.append(track_columns(tracker.step(t_s, plots), t_s))
            bar.advance(task)
    if parts:
        cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    else:
        cols = track_columns(tracker.state.table, 0.0)
    write_tracks(out, cols)
    if not quiet:
        n_tracks = int(np.unique(cols["track_id"]).size)
        console().print(
            f"{n_scans:,} scans, {det['time_s'].size:,} plots -> "
            f"{n_tracks:,} confirmed tracks, {cols['time_s'].size:,} rows: {printable(out)}"
        )


def register(app: typer.Typer) -> None:
    """Add ``iads track`` to ``app``."""
    app.command()(track)
