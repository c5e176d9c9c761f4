"""Seeded surveillance scenarios for tracker tests and benchmarks: truth and radar plots.

Targets stay 20 to 150 km from every radar for the whole scenario (candidates that leave the
volume are drawn again), fly straight at constant speed
and altitude, and a share of them perform one horizontal coordinated turn at 2 to 4 g part way
through. Each radar scans every ``scan_period_s``; every plot of a scan carries the scan time.
A target inside ``[range_min_m, range_max_m]`` is detected with probability ``pd``; detections
carry Gaussian polar noise. Clutter is Poisson (mean ``clutter_per_scan``) and uniform in range,
azimuth and elevation over the surveillance volume (:func:`clutter_density`).

Everything is a pure function of ``(params, seed)``: random numbers come from
``numpy.random.SeedSequence(seed)``, spawned into independent streams for truth and for each
radar, so adding a radar does not change the truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from iads.tracking.measurement import polar_measure
from iads.tracking.models import ct_predict

__all__ = ["SurveillanceParams", "clutter_density", "generate", "plots_from_truth"]

G_MPS2 = 9.80665


@dataclass(frozen=True)
class SurveillanceParams:
    """Scenario settings (SI units; angles in radians)."""

    n_targets: int = 10
    n_scans: int = 20
    scan_period_s: float = 4.0
    pd: float = 0.9
    clutter_per_scan: float = 20.0
    sigma_range_m: float = 50.0
    sigma_azimuth_rad: float = float(np.deg2rad(0.2))
    sigma_elevation_rad: float = float(np.deg2rad(0.2))
    range_min_m: float = 20e3
    range_max_m: float = 150e3
    elevation_max_rad: float = 0.5
    altitude_m: tuple[float, float] = (1000.0, 10000.0)
    speed_mps: tuple[float, float] = (150.0, 300.0)
    turning_fraction: float = 0.3
    turn_g: tuple[float, float] = (2.0, 4.0)
    turn_duration_s: tuple[float, float] = (12.0, 32.0)
    sensor_pos_m: tuple[tuple[float, float, float], ...] = field(default=((0.0, 0.0, 0.0),))
    sigma_range_rate_mps: float | None = None  # None: no range-rate column


def clutter_density(params: SurveillanceParams) -> float:
    """Clutter plots per unit measurement volume (1 / (m rad^2)) of one radar's scan."""
    volume = (params.range_max_m - params.range_min_m) * 2 * np.pi * params.elevation_max_rad
    return params.clutter_per_scan / volume


def _initial_states(p: SurveillanceParams, rng: np.random.Generator) -> np.ndarray:
    n = p.n_targets
    rho = np.sqrt(rng.uniform(p.range_min_m**2, p.range_max_m**2, n))  # uniform over the area
    bearing = rng.uniform(0, 2 * np.pi, n)
    heading = rng.uniform(0, 2 * np.pi, n)
    speed = rng.uniform(*p.speed_mps, n)
    x = np.zeros((n, 7))
    x[:, 0] = rho * np.sin(bearing)
    x[:, 1] = rho * np.cos(bearing)
    x[:, 2] = rng.uniform(*p.altitude_m, n)
    x[:, 3] = speed * np.sin(heading)
    x[:, 4] = speed * np.cos(heading)
    return x


def _trajectories(
    p: SurveillanceParams, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """States (n_scans, n, 7) at the scan times of n candidate targets, and turning flags."""
    x = _initial_states(replace(p, n_targets=n), rng)
    duration_s = p.n_scans * p.scan_period_s
    turning = rng.random(n) < p.turning_fraction
    accel = rng.uniform(*p.turn_g, n) * G_MPS2
    sign = rng.choice([-1.0, 1.0], n)
    turn_len = rng.uniform(*p.turn_duration_s, n)
    turn_on = rng.uniform(0.2, 0.6, n) * duration_s
    omega = np.where(turning, sign * accel / np.hypot(x[:, 3], x[:, 4]), 0.0)  # w = a / v
    dt = 0.5  # s, integration step (CT is exact; the step only resolves turn on/off times)
    out = np.empty((p.n_scans, n, 7))
    t = 0.0
    for k in range(p.n_scans):
        t_scan = k * p.scan_period_s
        while t < t_scan - 1e-9:
            h = min(dt, t_scan - t)
            in_turn = (t >= turn_on) & (t < turn_on + turn_len)
            x[:, 6] = np.where(in_turn, omega, 0.0)
            x = ct_predict(x, h)
            t += h
        out[k] = x
    return out, turning


def _truth(p: SurveillanceParams, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Targets that stay inside [range_min_m, range_max_m] of every radar (rejection)."""
    sensors = np.asarray(p.sensor_pos_m, dtype=float)
    kept_x, kept_turn = [], []
    have = 0
    while have < p.n_targets:
        x, turning = _trajectories(p, 2 * (p.n_targets - have) + 8, rng)
        d = np.linalg.norm(x[:, :, None, 0:3] - sensors, axis=-1)  # (scans, n, sensors)
        ok = np.all((d >= p.range_min_m) & (d <= p.range_max_m), axis=(0, 2))
        kept_x.append(x[:, ok])
        kept_turn.append(turning[ok])
        have += int(ok.sum())
    x = np.concatenate(kept_x, axis=1)[:, : p.n_targets]
    turning = np.concatenate(kept_turn)[: p.n_targets]
    n = p.n_targets
    times = np.arange(p.n_scans) * p.scan_period_s
    a = np.concatenate(
        [np.column_stack([np.full(n, t), np.arange(n), x[k, :, :6]]) for k, t in enumerate(times)]
    )
    names = ("time_s", "target_id", "x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps")
    out = {name: a[:, i] for i, name in enumerate(names)}
    out["target_id"] = out["target_id"].astype(np.int64)
    out["turning"] = np.tile(turning, p.n_scans)
    return out


def _plots(
    p: SurveillanceParams, truth: dict[str, np.ndarray], sensor_id: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    sensor = np.asarray(p.sensor_pos_m[sensor_id], dtype=float)
    states = np.column_stack([truth[c] for c in ("x_m", "y_m", "z_m")])
    z = polar_measure(states, sensor)
    visible = (z[:, 0] >= p.range_min_m) & (z[:, 0] <= p.range_max_m)
    detected = visible & (rng.random(z.shape[0]) < p.pd)
    sig = np.array([p.sigma_range_m, p.sigma_azimuth_rad, p.sigma_elevation_rad])
    zt = z[detected] + rng.normal(size=(int(detected.sum()), 3)) * sig
    t_t = truth["time_s"][detected]
    tid = truth["target_id"][detected]
    times = np.unique(truth["time_s"])
    n_clutter = rng.poisson(p.clutter_per_scan, times.size)
    t_c = np.repeat(times, n_clutter)
    m = t_c.size
    zc = np.column_stack(
        [
            rng.uniform(p.range_min_m, p.range_max_m, m),
            rng.uniform(0, 2 * np.pi, m),
            rng.uniform(0, p.elevation_max_rad, m),
        ]
    )
    t_all = np.concatenate([t_t, t_c])
    z_all = np.concatenate([zt, zc])
    z_all[:, 0] = np.abs(z_all[:, 0])
    z_all[:, 1] = np.mod(z_all[:, 1], 2 * np.pi)
    order = np.lexsort((rng.random(t_all.size), t_all))  # shuffle plots within each scan
    out = {
        "time_s": t_all[order],
        "sensor_id": np.full(t_all.size, sensor_id, dtype=np.int64),
        "range_m": z_all[order, 0],
        "azimuth_rad": z_all[order, 1],
        "elevation_rad": z_all[order, 2],
        "target_id": np.concatenate([tid, np.full(m, -1, dtype=np.int64)])[order],
    }
    if p.sigma_range_rate_mps is not None:  # drawn last: the other columns do not change
        full = np.column_stack(
            [truth[c] for c in ("x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps")]
        )
        rdot = polar_measure(full[detected], sensor, range_rate=True)[:, 3]
        rdot = rdot + rng.normal(size=rdot.size) * p.sigma_range_rate_mps
        rdot_c = rng.uniform(-p.speed_mps[1], p.speed_mps[1], m)
        out["range_rate_mps"] = np.concatenate([rdot, rdot_c])[order]
    return out


def generate(
    params: SurveillanceParams, seed: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Truth and detections of a surveillance scenario.

    Returns ``(truth, detections)``. ``truth`` columns: ``time_s, target_id, x_m, y_m, z_m,
    vx_mps, vy_mps, vz_mps, turning`` at every scan time (ENU, m, m/s). ``detections``:
    ``time_s, sensor_id, range_m, azimuth_rad, elevation_rad, target_id`` (-1 for clutter),
    sorted by time then sensor, plots shuffled within a scan.
    """
    ss = np.random.SeedSequence(seed)
    truth_ss, *sensor_ss = ss.spawn(1 + len(params.sensor_pos_m))
    truth = _truth(params, np.random.default_rng(truth_ss))
    parts = [_plots(params, truth, k, np.random.default_rng(s)) for k, s in enumerate(sensor_ss)]
    det = {name: np.concatenate([d[name] for d in parts]) for name in parts[0]}
    order = np.lexsort((det["sensor_id"], det["time_s"]))
    return truth, {name: v[order] for name, v in det.items()}


def plots_from_truth(
    params: SurveillanceParams, truth: dict[str, np.ndarray], seed: int
) -> dict[str, np.ndarray]:
    """Radar plots of any truth (for example real trajectories, see ``tracking.adsb``) through
    the same sensor model as :func:`generate`: every radar of ``params`` at every truth time,
    detection with probability ``pd`` inside its range limits, polar noise, Poisson clutter.

    ``truth`` needs ``time_s, target_id, x_m, y_m, z_m`` (and ``vx_mps ... vz_mps`` with range
    rate), ENU m. Returns detections as :func:`generate` does.
    """
    sensor_ss = np.random.SeedSequence(seed).spawn(len(params.sensor_pos_m))
    parts = [_plots(params, truth, k, np.random.default_rng(s)) for k, s in enumerate(sensor_ss)]
    det = {name: np.concatenate([d[name] for d in parts]) for name in parts[0]}
    order = np.lexsort((det["sensor_id"], det["time_s"]))
    return {name: v[order] for name, v in det.items()}
