"""``iads make-plots OUT_DIR``: a seeded synthetic surveillance scenario as files that
``iads track`` and ``iads score-tracks`` read directly (``plots``, ``truth``, ``sensors``)."""

from __future__ import annotations

import math
from pathlib import Path

import typer


def make_plots(
    out_dir: Path = typer.Argument(..., help="Folder to write plots, truth and sensors into."),
    targets: int = typer.Option(100, help="Number of targets (>= 1)."),
    scans: int = typer.Option(25, help="Number of scans (>= 1)."),
    seed: int = typer.Option(1, help="Random seed (truth and plots are a function of it)."),
    scan_period_s: float = typer.Option(4.0, help="Time between scans (s), > 0."),
    pd: float = typer.Option(0.9, help="Probability of detection, in [0.01, 0.999]."),
    clutter_per_scan: float = typer.Option(20.0, help="Mean false plots per scan (>= 0)."),
    sigma_range_m: float = typer.Option(50.0, help="Range noise std (m), > 0."),
    sigma_azimuth_deg: float = typer.Option(0.2, help="Azimuth noise std (deg), > 0."),
    sigma_elevation_deg: float = typer.Option(0.2, help="Elevation noise std (deg), > 0."),
    sigma_range_rate_mps: float = typer.Option(
        None, help="Range-rate noise std (m/s), > 0: adds a range_rate_mps column."
    ),
    turning_fraction: float = typer.Option(0.3, help="Share of targets making a 2-4 g turn."),
    radar: list[str] = typer.Option(  # noqa: B006 - typer needs the list default
        None, "--radar", help="Radar position X,Y,Z (m, ENU); repeatable (default 0,0,0)."
    ),
    fmt: str = typer.Option("csv", "--format", help="csv or parquet."),
) -> None:
    """Write OUT_DIR/plots.<fmt> (time_s, sensor_id, range_m, azimuth_deg, elevation_deg,
    target_id -1 for clutter), truth.<fmt> (time_s, target_id, x_m ... vz_mps, ENU) and
    sensors.<fmt> (sensor_id, x_m, y_m, z_m and the noise), then print the commands that track
    and score them."""
    import numpy as np

    from iads.commands.track import _check_options, _parse_sensors
    from iads.errors import InputError
    from iads.io.plots import write_detections, write_table
    from iads.tracking.scenario_gen import SurveillanceParams, generate

    _check_options(
        [
            ("--targets", targets, 1, math.inf, False),
            ("--scans", scans, 1, math.inf, False),
            ("--scan-period-s", scan_period_s, 0.0, math.inf, True),
            ("--pd", pd, 0.01, 0.999, False),
            ("--clutter-per-scan", clutter_per_scan, 0.0, math.inf, False),
            ("--sigma-range-m", sigma_range_m, 0.0, math.inf, True),
            ("--sigma-azimuth-deg", sigma_azimuth_deg, 0.0, math.inf, True),
            ("--sigma-elevation-deg", sigma_elevation_deg, 0.0, math.inf, True),
            ("--sigma-range-rate-mps", sigma_range_rate_mps, 0.0, math.inf, True),
            ("--turning-fraction", turning_fraction, 0.0, 1.0, False),
        ]
    )
    if fmt not in ("csv", "parquet"):
        raise InputError(f"must be csv or parquet, got {fmt!r}", field="--format")
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("is not a folder", file=str(out_dir))
    sites = _parse_sensors(radar)
    p = SurveillanceParams(
        n_targets=targets,
        n_scans=scans,
        scan_period_s=scan_period_s,
        pd=pd,
        clutter_per_scan=clutter_per_scan,
        sigma_range_m=sigma_range_m,
        sigma_azimuth_rad=float(np.deg2rad(sigma_azimuth_deg)),
        sigma_elevation_rad=float(np.deg2rad(sigma_elevation_deg)),
        turning_fraction=turning_fraction,
        sensor_pos_m=tuple(sites[k] for k in sorted(sites)),
        sigma_range_rate_mps=sigma_range_rate_mps,
    )
    truth, det = generate(p, seed)
    ids = np.array(sorted(sites), dtype=np.int64)
    det["sensor_id"] = ids[det["sensor_id"]]  # generator index -> the given sensor id
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {k: out_dir / f"{k}.{fmt}" for k in ("plots", "truth", "sensors")}
    write_detections(paths["plots"], det)
    write_table(paths["truth"], {k: v for k, v in truth.items() if k != "turning"})
    pos = np.array([sites[k] for k in ids], dtype=float).reshape(-1, 3)
    sensors = {
        "sensor_id": ids,
        "x_m": pos[:, 0],
        "y_m": pos[:, 1],
        "z_m": pos[:, 2],
        "sigma_range_m": np.full(ids.size, sigma_range_m),
        "sigma_azimuth_deg": np.full(ids.size, sigma_azimuth_deg),
        "sigma_elevation_deg": np.full(ids.size, sigma_elevation_deg),
    }
    if sigma_range_rate_mps is not None:
        sensors["sigma_range_rate_mps"] = np.full(ids.size, sigma_range_rate_mps)
    write_table(paths["sensors"], sensors)
    typer.echo(
        f"{det['time_s'].size:,} plots of {targets} targets, {scans} scans, seed {seed}: "
        f"{out_dir}\n"
        f"  iads track {paths['plots']} --sensors {paths['sensors']} --pd {pd:g} "
        f"--clutter-per-scan {clutter_per_scan:g} --out {out_dir / 'tracks.parquet'}\n"
        f"  iads score-tracks {paths['truth']} {out_dir / 'tracks.parquet'} --cutoff-m 5000 --p 1"
    )


def register(app: typer.Typer) -> None:
    """Add ``iads make-plots`` to ``app``."""
    app.command("make-plots")(make_plots)
