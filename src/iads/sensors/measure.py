"""Measurement errors, false alarms and finite resolution.

Thermal accuracy (Skolnik, *Introduction to Radar Systems*, 3rd ed., §6.3; Barton,
*Radar System Analysis and Modeling*, §9.2): with the look's SNR χ (linear, after integration)

    σ_R  = ΔR / sqrt(2χ)                    ΔR = range resolution (m)
    σ_θ  = θ_3dB / (k_m sqrt(2χ))           k_m ≈ 1.6, monopulse / beam-splitting slope
    σ_Ṙ  = Δv / sqrt(2χ)                    Δv = λ / (2 T_dwell), the dwell's Doppler resolution

each combined with a bias-free floor (calibration, quantisation) as a root sum of squares:
σ = sqrt(σ_floor^2 + σ_thermal^2).

False alarms: each resolution cell of the volume swept in a step exceeds the threshold with
probability Pfa, independently, so their count is Poisson(Pfa · cells) (the binomial limit),
placed uniformly over the swept cells (uniform in range, azimuth and elevation).

Resolution: targets in the same resolution cell (range gate ΔR × azimuth beam × elevation
beam, on a fixed grid) are unresolved. Their echo powers add and they give one plot at the
power-weighted centroid, labelled with the strongest target.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

MONOPULSE_SLOPE = 1.6
"""k_m in σ_θ = θ_3dB / (k_m sqrt(2χ)) (Barton §9.2; Sherman, *Monopulse Principles*)."""


def sigma_thermal(resolution: ArrayLike, snr: ArrayLike, floor: ArrayLike = 0.0) -> NDArray:
    """sqrt(floor^2 + (resolution / sqrt(2 snr))^2): the SNR-dependent error of a measurement
    whose resolution is ``resolution`` (same unit out), ``snr`` linear. Broadcasts."""
    snr_a = np.maximum(np.asarray(snr, dtype=float), 1e-12)
    res = np.asarray(resolution, dtype=float)
    fl = np.asarray(floor, dtype=float)
    return np.sqrt(fl * fl + res * res / (2.0 * snr_a))


def sigma_angle_rad(
    beamwidth_rad: ArrayLike,
    snr: ArrayLike,
    floor_rad: ArrayLike = 0.0,
    slope: float = MONOPULSE_SLOPE,
) -> NDArray[np.float64]:
    """Angle error (rad): sqrt(floor^2 + (θ_3dB / (k_m sqrt(2 snr)))^2)."""
    return sigma_thermal(np.asarray(beamwidth_rad, dtype=float) / slope, snr, floor_rad)


def resolution_cells(
    range_span_m: float,
    range_resolution_m: float,
    azimuth_span_rad: float,
    beamwidth_az_rad: float,
    elevation_span_rad: float,
    beamwidth_el_rad: float,
) -> float:
    """Number of resolution cells in a volume: range gates × azimuth beams × elevation beams
    (at least one beam in elevation)."""
    n_range = max(range_span_m, 0.0) / range_resolution_m
    n_az = max(azimuth_span_rad, 0.0) / beamwidth_az_rad
    n_el = max(elevation_span_rad / beamwidth_el_rad, 1.0)
    return n_range * n_az * n_el


def search_beams(
    range_limits_m: tuple[float, float],
    range_resolution_m: float,
    elevation_limits_rad: tuple[float, float],
    beamwidth_el_rad: float,
    ceiling_m: float | None = None,
) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """The elevation beams of a search frame: (low edge rad, high edge rad, last range
    searched m, range cells of the beam per azimuth beam). Beams stack up from the lower
    limit (the last one possibly partial, at least one beam); with a ``ceiling_m`` a beam
    centred above the horizon searches range only to ``ceiling / sin(centre)``."""
    lo, hi = elevation_limits_rad
    n = max(int(np.ceil((hi - lo) / beamwidth_el_rad - 1e-9)), 1)
    edge_lo = lo + beamwidth_el_rad * np.arange(n)
    edge_hi = (
        np.minimum(edge_lo + beamwidth_el_rad, hi)
        if (hi - lo) >= beamwidth_el_rad
        else (np.array([hi]))
    )
    weight = (edge_hi - edge_lo) / beamwidth_el_rad if (hi - lo) >= beamwidth_el_rad else np.ones(1)
    r_max = np.full(n, float(range_limits_m[1]))
    if ceiling_m is not None:
        centre = 0.5 * (edge_lo + edge_hi)
        up = centre > 0
        r_max[up] = np.minimum(r_max[up], ceiling_m / np.sin(centre[up]))
    cells = np.maximum(r_max - range_limits_m[0], 0.0) / range_resolution_m * weight
    return edge_lo, edge_hi, r_max, cells


def false_alarms_in_beams(
    rng: np.random.Generator,
    pfa: float,
    beams: tuple[NDArray, NDArray, NDArray, NDArray],
    min_range_m: float,
    arcs: list[tuple[float, float]],
    beamwidth_az_rad: float,
) -> tuple[NDArray, NDArray, NDArray]:
    """False alarms over the cells a frame searches in the swept ``arcs``: count
    Poisson(pfa x cells), each in a beam drawn by its cell count, uniform in that beam's
    elevation and range span and in the arcs. (range_m, azimuth_rad, elevation_rad)."""
    edge_lo, edge_hi, r_max, cells = beams
    swept = sum(sweep for _, sweep in arcs)
    per_az = cells.sum()
    count = int(rng.poisson(pfa * per_az * swept / beamwidth_az_rad))
    if count == 0:
        empty = np.empty(0)
        return empty, empty.copy(), empty.copy()
    k = np.minimum(
        np.searchsorted(np.cumsum(cells), rng.uniform(0.0, per_az, count), side="right"),
        cells.size - 1,
    )
    elevation_rad = rng.uniform(edge_lo[k], edge_hi[k])
    range_m = rng.uniform(min_range_m, r_max[k])
    return range_m, _azimuths_in_arcs(rng, arcs, count), elevation_rad


def _azimuths_in_arcs(
    rng: np.random.Generator, arcs: list[tuple[float, float]], count: int
) -> NDArray:
    """``count`` azimuths (rad) uniform over the swept ``arcs`` ((start_rad, sweep_rad))."""
    widths = np.array([sweep for _, sweep in arcs], dtype=float)
    starts = np.array([start for start, _ in arcs], dtype=float)
    u = rng.uniform(0.0, widths.sum(), count)
    which = np.minimum(np.searchsorted(np.cumsum(widths), u, side="right"), len(arcs) - 1)
    offset = u - np.concatenate(([0.0], np.cumsum(widths)[:-1]))[which]
    return np.mod(starts[which] + offset, 2.0 * np.pi)


def resolution_groups(
    range_m: ArrayLike,
    azimuth_rad: ArrayLike,
    elevation_rad: ArrayLike,
    range_resolution_m: float,
    beamwidth_az_rad: float,
    beamwidth_el_rad: float,
) -> tuple[NDArray[np.intp], int]:
    """Group index of every target's resolution cell, and the number of groups.

    Cells are a fixed grid: range gate floor(R / ΔR), azimuth beam floor(az / θ_az),
    elevation beam floor((el + π/2) / θ_el). Targets sharing all three are unresolved.
    """
    r_bin = np.floor(np.asarray(range_m) / range_resolution_m).astype(np.int64)
    n_az = int(np.ceil(2.0 * np.pi / beamwidth_az_rad)) + 1
    n_el = int(np.ceil(np.pi / beamwidth_el_rad)) + 1
    az_bin = np.floor(np.asarray(azimuth_rad) / beamwidth_az_rad).astype(np.int64)
    el_bin = np.floor((np.asarray(elevation_rad) + 0.5 * np.pi) / beamwidth_el_rad)
    key = (r_bin * n_az + az_bin) * n_el + el_bin.astype(np.int64)
    order = np.argsort(key)
    new_cell = np.ones(key.size, dtype=bool)
    new_cell[1:] = key[order][1:] != key[order][:-1]
    group = np.empty(key.size, dtype=np.intp)
    group[order] = np.cumsum(new_cell) - 1
    return group, int(new_cell.sum())


def merge_unresolved(
    group: NDArray[np.intp],
    n_groups: int,
    power: NDArray[np.float64],
    range_m: NDArray[np.float64],
    azimuth_rad: NDArray[np.float64],
    elevation_rad: NDArray[np.float64],
) -> tuple[NDArray[np.intp], NDArray, NDArray, NDArray, NDArray]:
    """One plot per group: (index of the strongest member, summed power, power-weighted
    range, azimuth and elevation). Azimuths are averaged as offsets from the strongest
    member, so a cell across north does not average to south."""
    power = np.asarray(power, dtype=float)
    if n_groups == group.size:  # every target resolved: nothing to merge (the usual case)
        strongest = np.empty(n_groups, dtype=np.intp)
        strongest[group] = np.arange(group.size)
        return (
            strongest,
            power[strongest],
            range_m[strongest],
            azimuth_rad[strongest],
            (elevation_rad[strongest]),
        )
    counts = np.bincount(group, minlength=n_groups)
    strongest = np.zeros(n_groups, dtype=np.intp)
    single = counts[group] == 1
    strongest[group[single]] = np.flatnonzero(single)
    # only the (few) unresolved cells need the weighted centroid
    multi = np.flatnonzero(~single)
    g = group[multi]
    p = power[multi]
    order = np.lexsort((-p, g))  # by group, strongest first
    first = np.ones(order.size, dtype=bool)
    first[1:] = g[order][1:] != g[order][:-1]
    heads = multi[order[first]]
    cells = group[heads]
    strongest[cells] = heads
    total = power[strongest]
    r, az, el = range_m[strongest], azimuth_rad[strongest], elevation_rad[strongest]
    sums = np.bincount(g, weights=p, minlength=n_groups)
    w = p / sums[g]
    total[cells] = sums[cells]
    r[cells] = np.bincount(g, weights=w * range_m[multi], minlength=n_groups)[cells]
    d_az = np.mod(azimuth_rad[multi] - azimuth_rad[strongest[g]] + np.pi, 2 * np.pi) - np.pi
    az_mean = np.bincount(g, weights=w * d_az, minlength=n_groups)[cells]
    az[cells] = np.mod(azimuth_rad[heads] + az_mean, 2 * np.pi)
    el[cells] = np.bincount(g, weights=w * elevation_rad[multi], minlength=n_groups)[cells]
    return strongest, total, r, az, el


__all__ = [
    "MONOPULSE_SLOPE",
    "merge_unresolved",
    "resolution_cells",
    "resolution_groups",
    "sigma_angle_rad",
    "sigma_thermal",
]
