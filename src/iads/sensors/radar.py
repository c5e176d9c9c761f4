"""One radar observing many targets: a batched, seeded ``observe``.

Per step the beam sweeps one or two azimuth arcs (``geometry.swept_arc``). Every target in
those arcs is checked against the radar's limits (line of sight over the 4/3 earth, minimum and
instrumented range, elevation limits); the survivors get a look SNR from the radar equation
with their aspect RCS and a Swerling fluctuation draw; unresolved targets are merged per
resolution cell; each cell's detector statistic is drawn exactly (square-law sum of
``n_pulses``: noncentral chi-square, ``Generator.noncentral_chisquare``) and compared with the
threshold for the radar's Pfa. Detected cells become plots with SNR-dependent noise; Poisson
false alarms over the swept cells are added with ``truth_id = -1``.

Marginally this is the exact Swerling Pd of ``detection.detection_probability`` (tested).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.config import EnvironmentSettings
from iads.messages import Detections
from iads.scenario.equipment import RadarType
from iads.sensors import clutter, geometry, landmask, measure, propagation
from iads.sensors.detection import required_snr_db, threshold
from iads.sensors.radar_equation import (
    SPEED_OF_LIGHT_MPS,
    detection_range_m,
    snr_constant_db,
    snr_db_at,
)
from iads.sensors.rcs import fluctuation_factor
from iads.vectors import filled

RANGE_RATE_FLOOR_MPS = 0.1
"""Floor of the range-rate error (m/s)."""

FALSE_ALARM_RANGE_RATE_SPAN_MPS = 2_000.0
"""A false alarm's range rate is uniform over +-half this (m/s): the Doppler window the
radar processes (engineering choice; the tracker's clutter density uses the same span)."""


@dataclass(frozen=True)
class RadarModel:
    """Everything ``observe`` needs about one radar at one site, precomputed, SI units.

    Build with ``RadarModel.from_type(radar_type, site_pos_m, ...)``. Positions are the
    scenario's true ENU (``geometry`` module docstring): ``site_pos_m`` the site's ground
    point, ``antenna_pos_m`` the antenna phase centre, ``antenna_alt_m`` its height above the
    spherical earth centred at ``earth_centre_m``.
    """

    sensor_id: int
    site_pos_m: NDArray[np.float64]
    antenna_pos_m: NDArray[np.float64]
    antenna_alt_m: float
    earth_centre_m: NDArray[np.float64]
    antenna_height_m: float
    snr_constant_db: float
    pfa: float
    n_pulses: int
    threshold: float
    frequency_hz: float
    instrumented_range_m: float
    min_range_m: float
    min_elevation_rad: float
    max_elevation_rad: float
    range_resolution_m: float
    beamwidth_az_rad: float
    beamwidth_el_rad: float
    sigma_range_floor_m: float
    sigma_angle_floor_rad: float
    measures_range_rate: bool
    scan_period_s: float
    sector_width_rad: float
    boresight_rad: float
    search_ceiling_m: float | None = None
    """Highest altitude searched (m; None: every range gate to the instrumented range)."""
    multipath: bool = False
    """Apply the pattern propagation factor F^4 and the multipath elevation error
    (``propagation``); False: free space (``from_type`` without ``environment``)."""
    surface_eps_r: float = 70.0
    surface_conductivity_s_m: float = 5.0
    surface_rms_height_m: float = 0.0
    terrain: Any = None
    """Ground elevation masking the line of sight (``iads.terrain.LocalTerrain``; None: the
    smooth earth alone)."""
    clutter: bool = False
    """Add main-beam surface clutter (``clutter``) to the detection interference."""
    surface: str = "sea"
    sea_state: float = 3.0
    land_gamma_db: float = -15.0
    """gamma (dB) of constant-gamma land clutter at this radar's frequency."""
    doppler_processing: str = "none"
    clutter_attenuation: float = 1.0
    """Clutter power attenuation of the Doppler processing (linear; 1: none)."""
    min_detectable_velocity_mps: float = 0.0
    prf_hz: float = 1_000.0
    land_grid: NDArray[np.bool_] | None = field(default=None, compare=False, repr=False)
    """surface 'mask': land under each polar cell about the site (``landmask.land_grid``)."""
    land_eps_r: float = 15.0
    land_conductivity_s_m: float = 1e-3
    land_rms_height_m: float = 1.0
    compiled: bool = False
    """Compute the propagation factor's optical-limit bisection with numba
    (``propagation_factor(..., compiled=True)``: the same midpoints); set by the simulation's
    radar systems, which call it thousands of times on a few targets."""

    @classmethod
    def from_type(
        cls,
        radar: RadarType,
        site_pos_m: ArrayLike,
        boresight_deg: float = 0.0,
        sensor_id: int = 0,
        *,
        origin_alt_m: float = 0.0,
        antenna_pos_m: ArrayLike | None = None,
        environment: EnvironmentSettings | None = None,
        land_grid: NDArray[np.bool_] | None = None,
    ) -> RadarModel:
        """The model of ``radar`` (an effective catalog type) at ``site_pos_m`` (true ENU of
        the ground point, m) in a frame whose origin is ``origin_alt_m`` above the earth.
        ``antenna_pos_m`` defaults to ``antenna_height_m`` above the site along the local
        vertical. ``environment`` (the run's surface): None is free space, no clutter."""
        width = np.radians(radar.sector_width_deg) if radar.scan == "sector" else 2 * np.pi
        site = np.array(site_pos_m, dtype=float).reshape(3)
        centre = geometry.earth_centre_m(origin_alt_m)
        if antenna_pos_m is None:
            up = (site - centre) / np.linalg.norm(site - centre)
            antenna = site + radar.antenna_height_m * up
        else:
            antenna = np.array(antenna_pos_m, dtype=float).reshape(3)
        return cls(
            sensor_id=sensor_id,
            site_pos_m=site,
            antenna_pos_m=antenna,
            antenna_alt_m=float(np.linalg.norm(antenna - centre) - geometry.EARTH_RADIUS_M),
            earth_centre_m=centre,
            antenna_height_m=radar.antenna_height_m,
            snr_constant_db=snr_constant_db(radar),
            pfa=radar.pfa,
            n_pulses=radar.n_pulses,
            threshold=float(threshold(radar.pfa, radar.n_pulses)),
            frequency_hz=radar.frequency_hz,
            instrumented_range_m=radar.instrumented_range_m,
            min_range_m=radar.min_range_m,
            min_elevation_rad=np.radians(radar.min_elevation_deg),
            max_elevation_rad=np.radians(radar.max_elevation_deg),
            range_resolution_m=radar.range_resolution_m,
            beamwidth_az_rad=np.radians(radar.beamwidth_az_deg),
            beamwidth_el_rad=np.radians(radar.beamwidth_el_deg),
            sigma_range_floor_m=radar.sigma_range_floor_m,
            sigma_angle_floor_rad=np.radians(radar.sigma_angle_floor_deg),
            measures_range_rate=radar.measures_range_rate,
            scan_period_s=radar.scan_period_s,
            sector_width_rad=float(width),
            boresight_rad=float(np.radians(boresight_deg)),
            search_ceiling_m=radar.search_ceiling_m,
            **_surface(environment),
            **_doppler(radar, environment),
            land_grid=land_grid,
        )

    @property
    def dwell_s(self) -> float:
        """Time the beam spends on one target per scan (s): a rotator (elevation beams formed
        at once, stacked) dwells scan_period x theta_az / 2 pi; a sector (phased-array) radar
        steps its beam through every azimuth and elevation position of the frame in turn,
        so the frame time is shared by (sector / theta_az) x (elevation beams) positions."""
        share = min(self.beamwidth_az_rad / self.sector_width_rad, 1.0)
        if self.sector_width_rad < 2 * np.pi - 1e-9:
            span = self.max_elevation_rad - self.min_elevation_rad
            share /= max(span / self.beamwidth_el_rad, 1.0)
        return self.scan_period_s * share

    def swept_arcs(self, t_s: float, dt_s: float) -> list[tuple[float, float]]:
        """Arcs (start_rad, sweep_rad) swept during [t_s, t_s + dt_s)."""
        return geometry.swept_arc(
            t_s, dt_s, self.scan_period_s, self.sector_width_rad, self.boresight_rad
        )

    def swept_arcs_flat(
        self, t_s: NDArray[np.float64], dt_s: float
    ) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]]:
        """``swept_arcs`` of the looks ``[t_s[k], t_s[k] + dt_s)`` as flat arrays (the look
        of each arc, its start, its sweep: ``geometry.swept_arcs_flat``)."""
        return geometry.swept_arcs_flat(
            t_s, dt_s, self.scan_period_s, self.sector_width_rad, self.boresight_rad
        )

    def detection_range_m(self, rcs_m2: ArrayLike = 1.0, pd: float = 0.9, swerling: int = 1):
        """Free-space range (m) at which a target of ``rcs_m2`` is detected with ``pd`` in one
        look (exact Swerling Pd; horizon, elevation and instrumented limits not applied)."""
        need = required_snr_db(pd, self.pfa, self.n_pulses, swerling)
        return detection_range_m(self.snr_constant_db, rcs_m2, need)

    def search_beams(self) -> tuple[NDArray, NDArray, NDArray, NDArray]:
        """The elevation beams searched each frame (``measure.search_beams``; read-only
        arrays, computed once for each set of parameters)."""
        return _search_beams(
            (self.min_range_m, self.instrumented_range_m),
            self.range_resolution_m,
            (self.min_elevation_rad, self.max_elevation_rad),
            self.beamwidth_el_rad,
            self.search_ceiling_m,
        )

    def cells_per_rad(self) -> float:
        """Resolution cells searched per radian of azimuth swept (range cells of every
        elevation beam, up to the search ceiling, / θ_az)."""
        return float(self.search_beams()[3].sum() / self.beamwidth_az_rad)


@functools.lru_cache(maxsize=256)
def _search_beams(*args: Any) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """``measure.search_beams(*args)`` with its arrays read-only: one radar's beams are the
    same every frame."""
    beams = measure.search_beams(*args)
    for a in beams:
        a.setflags(write=False)
    return beams


def _surface(env: EnvironmentSettings | None) -> dict:
    """RadarModel surface fields of a run's environment (free space when None)."""
    if env is None:
        return {}
    sea = env.surface != "land"  # 'mask': sea unless the grid says land (per target)
    return {
        "land_eps_r": env.land_permittivity,
        "land_conductivity_s_m": env.land_conductivity_s_m,
        "land_rms_height_m": env.land_rms_height_m,
        "multipath": env.multipath,
        "surface_eps_r": env.sea_permittivity if sea else env.land_permittivity,
        "surface_conductivity_s_m": env.sea_conductivity_s_m if sea else env.land_conductivity_s_m,
        "surface_rms_height_m": propagation.sea_rms_height_m(env.sea_state)
        if sea
        else env.land_rms_height_m,
    }


def _doppler(radar: RadarType, env: EnvironmentSettings | None) -> dict:
    """RadarModel clutter and Doppler fields: the surface's gamma at this frequency and the
    clutter attenuation of the radar's processing (``clutter`` module docstring)."""
    prf = radar.prf_hz or SPEED_OF_LIGHT_MPS / (2.0 * radar.instrumented_range_m)
    out: dict = {"doppler_processing": radar.doppler_processing, "prf_hz": float(prf)}
    if env is None:
        return out
    limit = 10.0 ** (radar.clutter_improvement_db / 10.0)
    sea = env.surface == "sea"
    gamma = (
        env.land_gamma_db + 5.0 * np.log10(radar.frequency_hz / 10e9)
        if env.land_terrain == "custom"
        else clutter.land_gamma_db(env.land_terrain, radar.frequency_hz)
    )
    attenuation = 1.0
    if radar.doppler_processing == "mti":
        spread = env.sea_clutter_spread_mps if sea else env.land_clutter_spread_mps
        sigma_f = 2.0 * spread * radar.frequency_hz / SPEED_OF_LIGHT_MPS
        dwell = _dwell_s(radar)
        sigma_scan = clutter.SCAN_MODULATION_FACTOR / dwell
        total = float(np.hypot(sigma_f, sigma_scan))
        attenuation = float(
            clutter.mti_improvement_factor(clutter.MTI_CANCELLER_PULSES, prf, total, limit)
        )
    elif radar.doppler_processing == "pulse_doppler":
        attenuation = limit
    out.update(
        clutter=env.clutter,
        surface=env.surface,
        sea_state=float(env.sea_state),
        land_gamma_db=float(gamma),
        clutter_attenuation=attenuation,
        min_detectable_velocity_mps=radar.min_detectable_velocity_mps,
    )
    return out


def _dwell_s(radar: RadarType) -> float:
    """Time on target per scan (s), as ``RadarModel.dwell_s``."""
    width = np.radians(radar.sector_width_deg) if radar.scan == "sector" else 2 * np.pi
    share = min(np.radians(radar.beamwidth_az_deg) / width, 1.0)
    if radar.scan == "sector" and width < 2 * np.pi - 1e-9:
        span = radar.max_elevation_deg - radar.min_elevation_deg
        share /= max(span / radar.beamwidth_el_deg, 1.0)
    return radar.scan_period_s * share


def visible(
    radar: RadarModel,
    range_m: NDArray,
    elevation_rad: NDArray,
    altitude_m: NDArray,
) -> NDArray[np.bool_]:
    """Targets the radar can see at all, from their apparent (4/3-earth) slant range and
    elevation and their height above the earth: line of sight (range within the radar
    horizon), range in [min_range, instrumented_range], elevation within the limits."""
    los = range_m <= geometry.radar_horizon_m(radar.antenna_alt_m, altitude_m)
    in_range = (range_m >= radar.min_range_m) & (range_m <= radar.instrumented_range_m)
    in_el = (elevation_rad >= radar.min_elevation_rad) & (elevation_rad <= radar.max_elevation_rad)
    return los & in_range & in_el


def _in_arcs(east_m: NDArray, north_m: NDArray, arcs: list[tuple[float, float]]) -> NDArray:
    mask = np.zeros(east_m.shape, dtype=bool)
    for start, sweep in arcs:
        mask |= geometry.in_swept_arc_en(east_m, north_m, start, sweep)
    return mask


def points_in_arcs(
    radar: RadarModel, pos_m: NDArray, arcs: list[list[tuple[float, float]]]
) -> NDArray[np.bool_]:
    """(L, N) bool: which of the points ``pos_m`` (L, N, 3) true ENU (m) lie in the arcs the
    beam swept in each of L looks (``arcs[l]``, as ``RadarModel.swept_arcs``)."""
    flat = [(k, start, sweep) for k, per in enumerate(arcs) for start, sweep in per]
    look = np.array([f[0] for f in flat], dtype=np.intp)
    start = np.array([f[1] for f in flat], dtype=float)
    sweep = np.array([f[2] for f in flat], dtype=float)
    return points_in_arcs_flat(radar, pos_m, look, start, sweep)


def points_in_arcs_flat(
    radar: RadarModel, pos_m: NDArray, look: NDArray, start_rad: NDArray, sweep_rad: NDArray
) -> NDArray[np.bool_]:
    """``points_in_arcs`` with the arcs as flat arrays (``geometry.swept_arcs_flat``): arc j
    of look ``look[j]`` (in look order, every look with at least one arc) swept
    ``[start_rad[j], start_rad[j] + sweep_rad[j])``."""
    de = pos_m[..., 0] - radar.antenna_pos_m[0]
    dn = pos_m[..., 1] - radar.antenna_pos_m[1]
    n_looks = de.shape[0]
    e, n = de.reshape(n_looks, -1), dn.reshape(n_looks, -1)
    first = np.r_[True, look[1:] != look[:-1]].nonzero()[0] if look.size else look
    narrow = np.all((sweep_rad >= 0.0) & (sweep_rad < np.pi))
    if not narrow or first.size != n_looks:  # a wide arc, or a look without arcs
        mask = np.zeros(e.shape, dtype=bool)
        for k, a, w in zip(look.tolist(), start_rad.tolist(), sweep_rad.tolist(), strict=True):
            mask[k] |= geometry.in_swept_arc_en(e[k], n[k], a, w)
        return mask.reshape(de.shape)
    # every arc narrow: ``in_swept_arc_en``'s two products per bound, for all arcs at once
    # (the same scalar cosines and sines, so the same booleans), then OR-ed per look
    end = start_rad + sweep_rad
    e, n = e[look], n[look]
    after_start = e * np.cos(start_rad)[:, None] - n * np.sin(start_rad)[:, None] >= 0.0
    before_end = n * np.sin(end)[:, None] - e * np.cos(end)[:, None] > 0.0
    return np.logical_or.reduceat(after_start & before_end, first, axis=0).reshape(de.shape)


@dataclass(frozen=True)
class Look:
    """Targets a radar sees in one step (deterministic geometry), all (M,):
    ``index`` into the target arrays; straight-line ``range_m``, ``azimuth_rad`` and
    geometric ``elevation_rad`` (ENU axes, what is measured); ``apparent_range_m`` on the
    4/3 earth (what the radar equation uses)."""

    index: NDArray[np.intp]
    range_m: NDArray[np.float64]
    azimuth_rad: NDArray[np.float64]
    elevation_rad: NDArray[np.float64]
    apparent_range_m: NDArray[np.float64]
    ground_range_m: NDArray[np.float64] | None = None
    """Distance along the earth's surface (m)."""
    target_alt_m: NDArray[np.float64] | None = None
    """Height above the spherical earth (m)."""


def look(
    radar: RadarModel,
    pos_m: ArrayLike,
    arcs: list[tuple[float, float]] | None,
    in_arcs: NDArray[np.bool_] | None = None,
) -> Look:
    """Targets (positions (N, 3) true ENU, m) inside the swept ``arcs`` that the radar can
    see (``visible`` on the 4/3 effective earth), with their measured geometry. ``in_arcs``
    (N,) bool replaces ``arcs`` when the caller has told which points the beam swept (points
    of several looks at once, each against its own look's arcs: ``points_in_arcs``)."""
    pos = np.asarray(pos_m, dtype=float).reshape(-1, 3)
    ant = radar.antenna_pos_m
    de, dn = pos[:, 0] - ant[0], pos[:, 1] - ant[1]
    idx = np.flatnonzero(_in_arcs(de, dn, arcs) if in_arcs is None else in_arcs)
    de, dn, du = de[idx], dn[idx], pos[idx, 2] - ant[2]
    horiz = np.hypot(de, dn)
    r = np.hypot(horiz, du)
    # heights above the sphere and central angle from r^2 = dρ^2 + 4 ρ ρ_a sin^2(θ/2)
    rho = np.linalg.norm(pos[idx] - radar.earth_centre_m, axis=1)  # from the earth's centre
    re_m, a_m = geometry.EARTH_RADIUS_M, geometry.EFFECTIVE_EARTH_RADIUS_M
    rho_a = re_m + radar.antenna_alt_m
    d_rho = rho - rho_a
    sin2 = np.clip((r - d_rho) * (r + d_rho) / (4.0 * rho * rho_a), 0.0, 1.0)
    h_t = rho - re_m
    # the same ground distance and heights on the 4/3 earth (geometry.slant_geometry, fused):
    # R^2 = dh^2 + 4 r1 r2 sin^2(θ_eff/2), sin el = (dh (r1 + r2) - R^2) / (2 r1 R)
    half_angle = np.arcsin(np.sqrt(sin2))  # half the central angle
    s_eff = np.sin(half_angle * (re_m / a_m))
    r1, r2, dh = a_m + radar.antenna_alt_m, a_m + h_t, d_rho
    r_app2 = dh * dh + 4.0 * r1 * r2 * s_eff * s_eff
    r_app = np.sqrt(r_app2)
    num, den = dh * (r1 + r2) - r_app2, 2.0 * r1 * r_app
    horizon = geometry.radar_horizon_m(radar.antenna_alt_m, h_t)
    keep = (
        (r_app <= horizon)  # line of sight over the 4/3 earth
        & (r_app >= radar.min_range_m)
        & (r_app <= radar.instrumented_range_m)
        & (num >= np.sin(radar.min_elevation_rad) * den)
        & (num <= np.sin(radar.max_elevation_rad) * den)
    )
    if radar.terrain is not None and keep.any():  # masked by the ground between
        k = np.flatnonzero(keep)
        keep[k] = radar.terrain.clears(
            ant[:2],
            radar.antenna_alt_m,
            np.column_stack([de[k], dn[k]]),
            2.0 * re_m * half_angle[k],
            h_t[k],
            a_m,
        )
    de, dn, du, horiz = de[keep], dn[keep], du[keep], horiz[keep]
    az = np.mod(np.arctan2(de, dn), 2 * np.pi)
    return Look(
        idx[keep],
        r[keep],
        az,
        np.arctan2(du, horiz),
        r_app[keep],
        2.0 * re_m * half_angle[keep],
        h_t[keep],
    )


def propagation_loss(radar: RadarModel, lk: Look) -> tuple[NDArray, NDArray]:
    """(40 log F in dB, multipath elevation error in rad) of the looked-at targets: the
    two-way pattern propagation factor over the 4/3 earth and the monopulse error from the
    surface image (``propagation``); zeros in free space."""
    if not radar.multipath or lk.index.size == 0:
        z = np.zeros(lk.index.size)
        return z, z
    if radar.surface == "mask" and radar.land_grid is not None:
        land = _land_under(radar, lk)
        f = np.ones(land.size)
        refl = np.zeros(land.size, dtype=complex)
        psi = np.zeros(land.size)
        for sel, eps, cond, rough in (
            (land, radar.land_eps_r, radar.land_conductivity_s_m, radar.land_rms_height_m),
            (
                ~land,
                radar.surface_eps_r,
                radar.surface_conductivity_s_m,
                radar.surface_rms_height_m,
            ),
        ):
            if np.any(sel):
                f[sel], refl[sel], psi[sel] = propagation.propagation_factor(
                    max(radar.antenna_alt_m, 0.0),
                    lk.target_alt_m[sel],
                    lk.ground_range_m[sel],
                    radar.frequency_hz,
                    eps,
                    cond,
                    rough,
                    geometry.EFFECTIVE_EARTH_RADIUS_M,
                    radar.compiled,
                )
    else:
        f, refl, psi = propagation.propagation_factor(
            max(radar.antenna_alt_m, 0.0),
            lk.target_alt_m,
            lk.ground_range_m,
            radar.frequency_hz,
            radar.surface_eps_r,
            radar.surface_conductivity_s_m,
            radar.surface_rms_height_m,
            geometry.EFFECTIVE_EARTH_RADIUS_M,
            radar.compiled,
        )
    gain_db = 40.0 * np.log10(np.maximum(f, 1e-10))
    err = propagation.multipath_elevation_error_rad(refl, psi, radar.beamwidth_el_rad)
    return gain_db, err


def clutter_to_noise(radar: RadarModel, lk: Look) -> NDArray:
    """Per-pulse clutter-to-noise ratio (linear, before Doppler processing) in the resolution
    cell of each looked-at target: the surface point at the target's apparent slant range on
    the 4/3 earth, its sigma0 (NRL sea model or constant gamma) times the cell area, through
    the radar equation and the two-way Gaussian elevation pattern between the target and that
    point (main beam only). Zero beyond the antenna's surface horizon and in free space."""
    out = np.zeros(lk.index.size)
    if not radar.clutter or lk.index.size == 0:
        return out
    a_e = geometry.EFFECTIVE_EARTH_RADIUS_M
    h = max(radar.antenna_alt_m, 0.0)
    r = lk.apparent_range_m
    near = np.flatnonzero(r < np.sqrt(2.0 * a_e * h + h * h))
    if near.size == 0:
        return out
    rn = r[near]
    psi, el_s, central, vis = clutter.surface_geometry(rn, h, a_e)
    land = _land_under(radar, lk)
    s0_db = np.where(
        land[near],
        clutter.constant_gamma_sigma0_db(psi, radar.land_gamma_db),
        clutter.nrl_sea_sigma0_db(psi, radar.frequency_hz, radar.sea_state, "H"),
    )
    area = clutter.cell_area_m2(radar.range_resolution_m, radar.beamwidth_az_rad, psi, central, a_e)
    ht = np.maximum(lk.target_alt_m[near], 0.0)
    sin_el_t = ((a_e + ht) ** 2 - (a_e + h) ** 2 - rn * rn) / (2.0 * (a_e + h) * rn)
    el_t = np.arcsin(np.clip(sin_el_t, -1.0, 1.0))
    cnr_db = radar.snr_constant_db + s0_db + 10.0 * np.log10(area) - 40.0 * np.log10(rn)
    pattern = clutter.two_way_pattern(el_t - el_s, radar.beamwidth_el_rad)
    out[near] = np.where(vis, 10.0 ** (cnr_db / 10.0) * pattern, 0.0)
    return out


def _land_under(radar: RadarModel, lk: Look) -> NDArray[np.bool_]:
    """Land under each looked-at target's ground point: the surface setting, or the land mask
    grid (surface 'mask')."""
    if radar.surface == "mask" and radar.land_grid is not None:
        return landmask.is_land(radar.land_grid, lk.azimuth_rad, lk.ground_range_m)
    return np.full(lk.index.size, radar.surface == "land")


def doppler_gain(radar: RadarModel, radial_speed_mps: ArrayLike) -> NDArray:
    """Signal power gain of the radar's Doppler processing at each radial speed (m/s):
    the staggered three-pulse canceller's response (mti), the clutter notch (pulse_doppler),
    or 1 (none). Clutter attenuation is ``radar.clutter_attenuation``."""
    v = np.asarray(radial_speed_mps, dtype=float)
    if radar.doppler_processing == "mti":
        lam = SPEED_OF_LIGHT_MPS / radar.frequency_hz
        return clutter.mti_velocity_response(v, lam, radar.prf_hz)
    if radar.doppler_processing == "pulse_doppler":
        return clutter.doppler_notch_response(
            v, radar.min_detectable_velocity_mps, max(radar.clutter_attenuation, 1.0)
        )
    return np.ones(v.shape)


def interference(
    radar: RadarModel, lk: Look, pos_m: NDArray, vel_mps: NDArray
) -> tuple[NDArray, NDArray, NDArray]:
    """Per looked-at target: (two-way propagation gain 40 log F dB, multipath elevation error
    rad, signal power gain of the Doppler processing over the interference-to-noise ratio
    ``1 + CNR / attenuation``, linear). The per-pulse signal-to-clutter-plus-noise ratio is the
    free-space SNR x 10^(gain_db/10) x that factor; the detector's CFAR threshold is set on the
    noise plus residual clutter, so Pfa is kept (clutter as Gaussian noise)."""
    f4_db, el_err = propagation_loss(radar, lk)
    m = lk.index.size
    if radar.doppler_processing == "none" and not radar.clutter:
        return f4_db, el_err, np.ones(m)
    gain = np.ones(m)
    if radar.doppler_processing != "none" and m:
        los = pos_m[lk.index] - radar.antenna_pos_m
        rdot = np.sum(los * vel_mps[lk.index], axis=1) / np.maximum(lk.range_m, 1e-9)
        gain = doppler_gain(radar, rdot)
    cnr = clutter_to_noise(radar, lk)
    return f4_db, el_err, gain / (1.0 + cnr / radar.clutter_attenuation)


def observe(
    radar: RadarModel,
    pos_m: ArrayLike,
    vel_mps: ArrayLike,
    rcs_m2: ArrayLike | Callable[[np.ndarray], np.ndarray],
    t_s: float,
    rng: np.random.Generator,
    arcs: list[tuple[float, float]] | None = None,
    *,
    swerling: ArrayLike = 1,
    truth_id: ArrayLike | None = None,
    false_alarms: bool = True,
) -> Detections:
    """Plots of one radar step over targets at ``pos_m`` (N, 3) (true ENU, m) with
    ``vel_mps`` (N, 3) and mean RCS ``rcs_m2`` (N,) (aspect applied: ``rcs.aspect_rcs_m2``),
    or a function of the indices (M,) of the targets in the look returning their mean RCS (M,)
    (computed only when some target is in the look).

    ``arcs``: azimuth arcs swept in this step (default: the whole scan, 360° or the sector);
    ``swerling`` per target (0-4); ``truth_id`` labels (default 0..N-1). Random draws come
    from ``rng`` only; inputs are not modified.
    """
    pos = np.asarray(pos_m, dtype=float).reshape(-1, 3)
    n = pos.shape[0]
    ids = np.arange(n, dtype=np.int64) if truth_id is None else np.asarray(truth_id, np.int64)
    if arcs is None:
        arcs = radar.swept_arcs(0.0, radar.scan_period_s)
    lk = look(radar, pos, arcs)
    idx, r, az_v, el = lk.index, lk.range_m, lk.azimuth_rad, lk.elevation_rad
    if idx.size == 0:
        plots = Detections()
        if not false_alarms:
            return plots
        return _false_alarm_plots(radar, t_s, rng, arcs)

    sw = np.broadcast_to(np.asarray(swerling), (n,))[idx]
    if callable(rcs_m2):  # computed for the targets in the look only
        rcs = np.asarray(rcs_m2(idx), dtype=float)
    else:
        rcs = np.broadcast_to(np.asarray(rcs_m2, dtype=float), (n,))[idx]
    fluct = fluctuation_factor(sw, radar.n_pulses, rng, size=idx.size)
    snr_db = snr_db_at(radar.snr_constant_db, lk.apparent_range_m, rcs * fluct)  # per pulse
    el_err = None
    if radar.multipath or radar.clutter or radar.doppler_processing != "none":
        vel_all = np.asarray(vel_mps, dtype=float).reshape(-1, 3)
        f4_db, el_err, factor = interference(radar, lk, pos, vel_all)
        snr_db = snr_db + f4_db + 10.0 * np.log10(np.maximum(factor, 1e-30))
        el = el + el_err  # the surface image pulls the monopulse elevation
    power = 10.0 ** (snr_db / 10.0)

    group, n_groups = measure.resolution_groups(
        r, az_v, el, radar.range_resolution_m, radar.beamwidth_az_rad, radar.beamwidth_el_rad
    )
    best, snr, r_c, az_c, el_c = measure.merge_unresolved(group, n_groups, power, r, az_v, el)
    n_p = radar.n_pulses
    y = square_law_sum(n_p, snr, rng)
    hit = y > radar.threshold
    best, snr, r_c, az_c, el_c = best[hit], snr[hit], r_c[hit], az_c[hit], el_c[hit]
    target = idx[best]

    rr = np.full(target.size, np.nan)
    if radar.measures_range_rate and target.size:
        vel = np.asarray(vel_mps, dtype=float).reshape(-1, 3)[target]
        los = pos[target] - radar.antenna_pos_m
        rr = np.sum(los * vel, axis=1) / r[best]  # Ṙ = (p - s)·v / |p - s|
    bias = None if el_err is None else el_err[best]
    plots = _noisy_plots(radar, t_s, rng, snr * n_p, r_c, az_c, el_c, rr, ids[target], bias)
    if not false_alarms:
        return plots
    return Detections.concat([plots, _false_alarm_plots(radar, t_s, rng, arcs)])


def square_law_sum(n_pulses: int, snr: NDArray, rng: np.random.Generator) -> NDArray:
    """Draw the detector statistic: the sum of ``n_pulses`` square-law outputs (unit noise)
    of a steady echo of per-pulse SNR ``snr`` (linear, (M,)).

    2y is noncentral chi-square with 2N dof and noncentrality 2N·SNR (Richards §6.3.1),
    i.e. one complex sample carrying all the signal plus N-1 noise-only ones:
    ``y = ((sqrt(2N·SNR) + g1)^2 + g2^2) / 2 + Gamma(N-1, 1)``, g1, g2 ~ N(0, 1).
    """
    m = snr.shape[0]
    g = rng.standard_normal((2, m))
    y = 0.5 * ((np.sqrt(2.0 * n_pulses * snr) + g[0]) ** 2 + g[1] ** 2)
    if n_pulses > 1:
        y = y + rng.standard_gamma(float(n_pulses - 1), m)
    return y


def _noisy_plots(
    radar: RadarModel,
    t_s: float,
    rng: np.random.Generator,
    snr_look: NDArray,
    range_m: NDArray,
    azimuth_rad: NDArray,
    elevation_rad: NDArray,
    range_rate_mps: NDArray,
    truth_id: NDArray,
    elevation_bias_rad: NDArray | None = None,
) -> Detections:
    """Add SNR-dependent Gaussian errors (module ``measure``) to true plot positions. The
    reported elevation sigma includes the multipath error ``elevation_bias_rad`` (already in
    the plot's elevation) in root sum of squares, so the tracker weighs low plots less."""
    m = range_m.size
    s_r = measure.sigma_thermal(radar.range_resolution_m, snr_look, radar.sigma_range_floor_m)
    s_az = measure.sigma_angle_rad(radar.beamwidth_az_rad, snr_look, radar.sigma_angle_floor_rad)
    s_el = measure.sigma_angle_rad(radar.beamwidth_el_rad, snr_look, radar.sigma_angle_floor_rad)
    e_el = s_el
    if elevation_bias_rad is not None:
        s_el = np.hypot(s_el, elevation_bias_rad)
    e = rng.standard_normal((4 if radar.measures_range_rate else 3, m))
    rr = range_rate_mps
    s_rr = np.full(m, np.nan)
    if radar.measures_range_rate:
        s_rr = range_rate_sigma_mps(radar, snr_look)
        rr = rr + e[3] * s_rr
    return Detections(
        time_s=np.full(m, float(t_s)),
        range_m=np.abs(range_m + e[0] * s_r),
        azimuth_rad=np.mod(azimuth_rad + e[1] * s_az, 2 * np.pi),
        elevation_rad=elevation_rad + e[2] * e_el,
        range_rate_mps=rr,
        snr_db=10.0 * np.log10(snr_look),
        truth_id=truth_id.astype(np.int64),
        sensor_id=np.full(m, radar.sensor_id, dtype=np.int64),
        sigma_range_m=s_r,
        sigma_azimuth_rad=s_az,
        sigma_elevation_rad=s_el,
        sigma_range_rate_mps=s_rr,
    )


def range_rate_sigma_mps(radar: RadarModel, snr_look: ArrayLike) -> NDArray:
    """Range-rate 1-sigma (m/s) of a Doppler measurement at look SNR ``snr_look`` (linear):
    ``sqrt(0.1^2 + dv^2 / (2 SNR))``, Doppler resolution ``dv = lambda / (2 T_dwell)``
    (Skolnik 2001, sec. 6.3, the same form as range and angle)."""
    dv = SPEED_OF_LIGHT_MPS / radar.frequency_hz / (2.0 * radar.dwell_s)
    return measure.sigma_thermal(dv, np.asarray(snr_look, dtype=float), RANGE_RATE_FLOOR_MPS)


def _false_alarm_plots(
    radar: RadarModel, t_s: float, rng: np.random.Generator, arcs: list[tuple[float, float]]
) -> Detections:
    """Poisson false alarms over the cells swept by ``arcs``, with threshold-level SNR."""
    r, az, el = measure.false_alarms_in_beams(
        rng, radar.pfa, radar.search_beams(), radar.min_range_m, arcs, radar.beamwidth_az_rad
    )
    m = r.size
    # noise exceeding the threshold: y = T + Exp(1) (exact for N = 1, close for N > 1)
    excess = radar.threshold + rng.exponential(size=m) - radar.n_pulses
    snr_look = np.maximum(excess, 1e-3)
    s_r = filled(m, radar.range_resolution_m / np.sqrt(12.0))
    s_az = filled(m, radar.beamwidth_az_rad / np.sqrt(12.0))
    s_el = filled(m, radar.beamwidth_el_rad / np.sqrt(12.0))
    half = 0.5 * FALSE_ALARM_RANGE_RATE_SPAN_MPS
    rr = rng.uniform(-half, half, m) if radar.measures_range_rate else filled(m, np.nan)
    # the radar reports a noise plot's Doppler with the sigma its SNR implies
    s_rr = range_rate_sigma_mps(radar, snr_look) if radar.measures_range_rate else filled(m, np.nan)
    return Detections(
        time_s=filled(m, float(t_s)),
        range_m=r,
        azimuth_rad=az,
        elevation_rad=el,
        range_rate_mps=rr,
        snr_db=10.0 * np.log10(snr_look),
        truth_id=filled(m, -1, np.int64),
        sensor_id=filled(m, radar.sensor_id, np.int64),
        sigma_range_m=s_r,
        sigma_azimuth_rad=s_az,
        sigma_elevation_rad=s_el,
        sigma_range_rate_mps=s_rr,
    )


__all__ = [
    "FALSE_ALARM_RANGE_RATE_SPAN_MPS",
    "RANGE_RATE_FLOOR_MPS",
    "Detections",
    "Look",
    "RadarModel",
    "clutter_to_noise",
    "doppler_gain",
    "interference",
    "look",
    "observe",
    "points_in_arcs",
    "points_in_arcs_flat",
    "propagation_loss",
    "range_rate_sigma_mps",
    "square_law_sum",
    "visible",
]
