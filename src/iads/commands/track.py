"""``iads track DETECTIONS --out TRACKS``: run the tracker alone on recorded radar plots.

Formats (CSV or Parquet by extension) are those of ``docs/shared DESIGN.md``; plots are grouped
into scans by their exact ``time_s`` (several sensors may share a scan, told apart by
``sensor_id``). The clutter density the tracker assumes is ``--clutter-per-scan`` spread over the
volume the plots span: ``[0, max range] x 2 pi x [min elevation, max elevation]`` (at least
0.05 rad of elevation).
"""

from __future__ import annotations

import functools
import math
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import typer

MIN_ELEVATION_SPAN_RAD = 0.05
VELOCITY_STD_MPS = 200.0  # per-axis prior of a new track's velocity: aircraft up to ~Mach 1


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


SENSOR_COLUMNS = ("sensor_id", "x_m", "y_m", "z_m")
NOISE_COLUMNS = ("sigma_range_m", "sigma_azimuth_deg", "sigma_elevation_deg")


def read_sensors(
    path: Path, default_noise: tuple[float, float, float, float | None]
) -> dict[int, tuple[tuple[float, float, float], tuple[float, float, float, float | None]]]:
    """A sensors file (CSV or Parquet), one row per ``sensor_id``: ``x_m, y_m, z_m`` (ENU, m)
    and optionally ``sigma_range_m``, ``sigma_azimuth_deg``, ``sigma_elevation_deg``,
    ``sigma_range_rate_mps`` (a missing column takes the command's option). Returns
    ``{sensor_id: (position, (sigma_range_m, sigma_azimuth_deg, sigma_elevation_deg,
    sigma_range_rate_mps))}``; every problem is a one-line InputError naming the column."""
    from iads.errors import InputError
    from iads.io.plots import read_table

    file = str(path)
    cols = read_table(path)
    for name in SENSOR_COLUMNS:
        if name not in cols:
            have = ", ".join(cols) or "none"
            raise InputError(f"missing column (columns found: {have})", file=file, field=name)
    names = (*SENSOR_COLUMNS, *NOISE_COLUMNS, "sigma_range_rate_mps")
    unknown = sorted(set(cols) - set(names))
    if unknown:
        raise InputError(f"unknown column (known: {', '.join(names)})", file=file, field=unknown[0])
    values: dict[str, np.ndarray] = {}
    for k, name in enumerate(names):
        if name not in cols:
            default = default_noise[k - len(SENSOR_COLUMNS)]
            values[name] = np.full(len(cols["sensor_id"]), np.nan if default is None else default)
            continue
        try:
            v = np.asarray(cols[name], dtype=float)
        except (TypeError, ValueError):
            raise InputError("values must be numbers", file=file, field=name) from None
        bad = ~np.isfinite(v) if k < len(SENSOR_COLUMNS) + 3 else np.isinf(v)
        if k >= len(SENSOR_COLUMNS):
            bad |= v <= 0.0
        if np.any(bad):
            row = int(np.flatnonzero(bad)[0])
            want = "a finite number" if k < len(SENSOR_COLUMNS) else "a number > 0"
            raise InputError(
                f"value {v[row]:g} at data row {row + 1} is not {want}", file=file, field=name
            )
        values[name] = v
    ids = values["sensor_id"]
    if np.any(ids != np.round(ids)):
        raise InputError("values must be integers", file=file, field="sensor_id")
    uniq, counts = np.unique(ids, return_counts=True)
    if np.any(counts > 1):
        raise InputError(
            f"sensor_id {int(uniq[counts > 1][0])} appears twice", file=file, field="sensor_id"
        )
    if ids.size == 0:
        raise InputError("no sensors", file=file, field="sensor_id")
    rr = values["sigma_range_rate_mps"]
    if np.isnan(rr).any() and not np.isnan(rr).all():
        raise InputError(
            "give a range-rate noise for every sensor or for none",
            file=file,
            field="sigma_range_rate_mps",
        )
    out = {}
    for i in range(ids.size):
        pos = (float(values["x_m"][i]), float(values["y_m"][i]), float(values["z_m"][i]))
        noise = tuple(float(values[c][i]) for c in NOISE_COLUMNS)
        out[int(ids[i])] = (pos, (*noise, None if np.isnan(rr[i]) else float(rr[i])))
    return out


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


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values; ``np.unique(values)`` without options imports ``numpy.ma``
    (30-50 ms of start-up) to check for a masked array."""
    v = np.sort(np.asarray(values).ravel())
    return v[np.r_[True, v[1:] != v[:-1]]] if v.size else v


def plots_clutter_density(det: dict[str, np.ndarray], clutter_per_scan: float) -> float:
    """The clutter density (plots per m rad^2) ``iads track`` assumes: ``clutter_per_scan``
    spread over ``[0, max range] x 2 pi x elevation span`` of the plots ``det`` (radians)."""
    if det["range_m"].size == 0:
        return 1e-12
    el = det["elevation_rad"]
    span = max(float(el.max() - el.min()), MIN_ELEVATION_SPAN_RAD)
    volume = max(float(det["range_m"].max()), 1.0) * 2.0 * np.pi * span
    return max(clutter_per_scan, 1e-6) / volume


#: ``iads track``'s parameters: Typer declarations (``--flag`` names, help) of each argument of
#: :func:`track`, whose signature holds the types and defaults. :func:`register` builds the
#: Typer command from the two; ``iads.cli`` parses plain arguments from the same table without
#: importing Typer (whose option conversion imports Pydantic: 0.2 s, more than a 100-target
#: run).
PARAMETERS: dict[str, tuple[tuple[str, ...], str]] = {
    "detections": ((), "Detections file (.csv, .parquet, or ASTERIX CAT048 .ast)."),
    "out": (("--out",), "Tracks file to write (.csv or .parquet)."),
    "sigma_range_m": ((), "Range noise std (m), > 0."),
    "sigma_azimuth_deg": ((), "Azimuth noise std (deg), > 0."),
    "sigma_elevation_deg": ((), "Elevation noise std (deg), > 0."),
    "sigma_range_rate_mps": (
        (),
        "Range-rate noise std (m/s), > 0; uses the range_rate_mps column.",
    ),
    "pd": ((), "Probability of detection, in [0.01, 0.999]."),
    "clutter_per_scan": ((), "Mean false plots per scan (>= 0)."),
    "sensor_enu": (("--sensor-enu",), "Sensor position X,Y,Z (m), or ID=X,Y,Z; repeatable."),
    "sensors_file": (
        ("--sensors",),
        "Sensors file (.csv/.parquet): sensor_id, x_m, y_m, z_m and optional "
        "sigma_range_m, sigma_azimuth_deg, sigma_elevation_deg, sigma_range_rate_mps per "
        "sensor (missing noise columns take the --sigma-* values); replaces --sensor-enu.",
    ),
    "filter": (("--filter",), "imm (CV + coordinated turn), ekf or ukf."),
    "association": (("--association",), "gnn or jpda."),
    "q_mps2": ((), "CV acceleration noise level (m/s^2), >= 0."),
    "confirmation": (
        ("--confirmation",),
        "score (sequential likelihood-ratio test) or m_of_n.",
    ),
    "false_track_probability": (
        (),
        "Score confirmation: chance of confirming a false track, in (0, 0.5].",
    ),
    "true_track_rejection": (
        (),
        "Score confirmation: chance of deleting a true new track, in (0, 0.5].",
    ),
    "velocity_std_mps": ((), "Velocity prior of a new track, std per axis (m/s), > 0."),
    "confirm_m": ((), "m_of_n: confirm with M >= 1 hits ..."),
    "confirm_n": ((), "... in the last N >= 1 scans."),
    "delete_misses": ((), "Delete after this many (>= 1) misses in a row."),
    "max_tracks": ((), "Track capacity (>= 0)."),
    "quiet": (("--quiet", "-q"), "No progress bar or summary."),
    "asterix_out": (
        ("--asterix-out",),
        "Also write the tracks as ASTERIX CAT062 (docs/interop.md).",
    ),
}
ARGUMENTS = ("detections",)  # positional; every other parameter is an option


def track(
    detections: Path,
    out: Path,
    sigma_range_m: float = 50.0,
    sigma_azimuth_deg: float = 0.2,
    sigma_elevation_deg: float = 0.2,
    sigma_range_rate_mps: float | None = None,
    pd: float = 0.9,
    clutter_per_scan: float = 20.0,
    sensor_enu: list[str] | None = None,
    sensors_file: Path | None = None,
    filter: str = "imm",
    association: str = "gnn",
    q_mps2: float = 10.0,
    confirmation: str = "score",
    false_track_probability: float = 1e-2,
    true_track_rejection: float = 0.05,
    velocity_std_mps: float = VELOCITY_STD_MPS,
    confirm_m: int = 3,
    confirm_n: int = 4,
    delete_misses: int = 3,
    max_tracks: int = 100_000,
    quiet: bool = False,
    asterix_out: Path | None = None,
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
    or an ASTERIX CAT048 file (.ast, .asterix, .ff; sensor_id = 256 SAC + SIC).
    Output columns: time_s, track_id, x_m, y_m, z_m (ENU, m), vx_mps, vy_mps, vz_mps,
    position_std_m, misses.
    """
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
            ("--true-track-rejection", true_track_rejection, 0.0, 0.5, True),
            ("--velocity-std-mps", velocity_std_mps, 0.0, math.inf, True),
            ("--confirm-m", confirm_m, 1, math.inf, False),
            ("--confirm-n", confirm_n, 1, math.inf, False),
            ("--delete-misses", delete_misses, 1, math.inf, False),
            ("--max-tracks", max_tracks, 0, math.inf, False),
        ]
    )
    _check_out(out)  # reject an unusable output path before doing any work
    if asterix_out is not None:
        from iads.interop.asterix import check_out_path

        check_out_path(asterix_out, "--asterix-out")
    default_noise = (sigma_range_m, sigma_azimuth_deg, sigma_elevation_deg, sigma_range_rate_mps)
    if sensors_file is not None:
        if sensor_enu:
            raise InputError(
                "give sensor positions in the --sensors file only", field="--sensor-enu"
            )
        table = read_sensors(sensors_file, default_noise)
        where = "--sensors file"
    else:
        table = {k: (v, default_noise) for k, v in _parse_sensors(sensor_enu).items()}
        where = "--sensor-enu position"
    if detections.suffix.lower() in (".ast", ".asterix", ".ff"):  # ASTERIX CAT048 plots
        from iads.interop.asterix import read_cat048_plots

        det = read_cat048_plots(detections, {k: v[0] for k, v in table.items()})
    else:
        det = read_detections(detections)
    missing = sorted(set(_distinct(det["sensor_id"]).tolist()) - set(table))
    if missing:
        raise InputError(
            f"no {where} for sensor_id {missing[0]}",
            file=str(detections),
            field="sensor_id",
        )
    sensors = {k: v[0] for k, v in table.items()}
    use_rr = all(v[1][3] is not None for v in table.values())
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
            clutter_density=plots_clutter_density(det, clutter_per_scan),
            q_mps2=q_mps2,
            confirmation=confirmation,
            false_track_probability=false_track_probability,
            true_track_rejection=true_track_rejection,
            velocity_std_mps=velocity_std_mps,
            confirm_m=confirm_m,
            confirm_n=confirm_n,
            delete_misses=delete_misses,
            max_tracks=max_tracks,
            range_rate=use_rr,
        )
    except ValueError as exc:
        raise InputError(str(exc), field="options") from None
    R = {
        k: polar_noise_cov(sr, np.deg2rad(saz), np.deg2rad(sel), srr if use_rr else None)
        for k, (_, (sr, saz, sel, srr)) in table.items()
    }
    tracker = Tracker(config)
    n_scans = int(_distinct(det["time_s"]).size)
    parts = []
    scans = scans_from_detections(det, R, sensors)
    if quiet or n_scans < 50 or not sys.stderr.isatty():  # no bar: Rich not even imported
        for t_s, plots in scans:
            parts.append(track_columns(tracker.step(t_s, plots), t_s))
    else:
        from rich.progress import BarColumn, TextColumn, TimeElapsedColumn

        from iads.commands._output import progress

        with progress(
            BarColumn(),
            TextColumn("{task.completed:,.0f} / {task.total:,.0f} scans"),
            TimeElapsedColumn(),
            label="tracking",
        ) as bar:
            task = bar.add_task("track", total=n_scans)
            for t_s, plots in scans:
                parts.append(track_columns(tracker.step(t_s, plots), t_s))
                bar.advance(task)
    if parts:
        cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    else:
        cols = track_columns(tracker.state.table, 0.0)
    write_tracks(out, cols)
    if asterix_out is not None:
        from iads.interop.asterix import write_cat062

        write_cat062(asterix_out, cols, mono_sensor=len(table) == 1)
    if not quiet:
        from iads.commands._output import console

        n_tracks = int(_distinct(cols["track_id"]).size)
        console().print(
            f"{n_scans:,} scans, {det['time_s'].size:,} plots -> "
            f"{n_tracks:,} confirmed tracks, {cols['time_s'].size:,} rows: {printable(out)}"
        )


def typer_command() -> Callable[..., None]:
    """:func:`track` with Typer's declarations (:data:`PARAMETERS`) as its defaults."""
    import inspect
    import typing

    import typer

    hints = typing.get_type_hints(track)
    params = []
    for name, param in inspect.signature(track).parameters.items():
        decls, help_text = PARAMETERS[name]
        default = ... if param.default is inspect.Parameter.empty else param.default
        info = (typer.Argument if name in ARGUMENTS else typer.Option)(
            default, *decls, help=help_text
        )
        kind = hints[name]
        if typing.get_origin(kind) in (typing.Union, types.UnionType):  # X | None -> X
            kind = next(a for a in typing.get_args(kind) if a is not type(None))
        params.append(param.replace(default=info, annotation=kind))

    @functools.wraps(track)
    def command(**kwargs: object) -> None:
        track(**kwargs)  # type: ignore[arg-type]

    command.__signature__ = inspect.Signature(params, return_annotation=None)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    del command.__wrapped__  # Typer reads the signature set here, not track's
    return command


def register(app: typer.Typer) -> None:
    """Add ``iads track`` to ``app``."""
    app.command("track")(typer_command())
