"""Surface clutter in a radar's resolution cell, and the Doppler (MTI / pulse-Doppler) processing
that rejects it. SI units, angles in radians unless a name says otherwise.

- Sea reflectivity sigma0 (area RCS per unit area): the NRL model of Gregers-Hansen and Mital
  (V. Gregers-Hansen and R. Mital, "An Improved Empirical Model for Radar Sea Clutter
  Reflectivity", NRL/MR/5310--12-9346, Naval Research Laboratory, 2012; IEEE Trans. AES 48(4),
  2012), five coefficients per polarisation fitted to Nathanson's sea clutter tables
  (F. E. Nathanson, Radar Design Principles, 2nd ed., McGraw-Hill 1991): grazing angle
  0.1-60 deg, 0.5-35 GHz, sea states 0-6, stated average error 2.6 dB.
- Land reflectivity: constant gamma, ``sigma0 = gamma sin(psi)``, gamma per terrain at 10 GHz
  scaled ``+5 log10(f / 10 GHz)`` (Nathanson, Reilly and Cohen, Radar Design Principles,
  2nd ed., SciTech 1999; M. W. Long, Radar Reflectivity of Land and Sea, 3rd ed., Artech House
  2001; the table as compiled in MathWorks' ``surfacegamma`` documentation).
- Cell: the slant range gate dR at slant range R projected on the 4/3 earth (ground extent
  ``dR / cos psi``) times the azimuth beam (``theta_az a_e sin(central angle)``); the surface
  point of the gate is found from R in closed form (``surface_geometry``). Main-beam clutter only,
  weighted by the two-way Gaussian elevation pattern between the target and the surface point.
- Doppler processing: an MTI (three-pulse binomial canceller, staggered PRF) has the improvement
  factor of a Gaussian clutter spectrum (``mti_improvement_factor``: exact, and Skolnik's closed
  forms ``I = 2 (f_p / (2 pi sigma_f))^(2(N-1))`` for N = 2, 3 in its limit), capped by the
  radar's stability limit; its velocity response is the canceller's ``|2 sin(pi f_d T)|^(2(N-1))``
  normalised to unit average gain. A pulse-Doppler radar attenuates clutter by its catalog
  figure and suppresses targets whose radial speed is inside its clutter notch (minimum
  detectable velocity).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

SPEED_OF_LIGHT_MPS = 299_792_458.0

NRL_COEFFICIENTS = {
    "H": (-73.0, 20.781, 7.351, 25.65, 0.0054),
    "V": (-50.796, 25.93, 0.7093, 21.588, 0.00211),
}
"""c1..c5 of the NRL sea clutter model (Gregers-Hansen and Mital 2012, optimised to 60 deg)."""

LAND_GAMMA_DB = {
    "flatland": -20.0,
    "farmland": -15.0,
    "wooded_hill": -10.0,
    "woods": -15.0,
    "metropolitan": 0.0,
    "rugged_mountain": 0.0,
}
"""Constant-gamma gamma (dB) at 10 GHz: flatland, farmland, wooded hill from Nathanson, Reilly and
Cohen 1999; woods, metropolitan, rugged mountain from Long 2001 (as tabulated by MathWorks,
``surfacegamma``)."""

CLUTTER_SPREAD_MPS = {"sea": 1.0, "land": 0.22}
"""Standard deviation of the clutter's internal-motion velocity spectrum (m/s): sea echo, windy,
0.75-1.0 m/s (upper value); wooded hills in a 20 knot wind, 0.22 m/s (Skolnik, Introduction to
Radar Systems, 2nd ed., McGraw-Hill 1980, MTI chapter, table of clutter spectral spreads after
Nathanson)."""

SCAN_MODULATION_FACTOR = 0.265
"""Antenna scanning modulation: clutter spectrum sigma_f = 0.265 / t_dwell (Hz) for a Gaussian
beam (Skolnik 1980, MTI chapter; Barton, Radar System Analysis and Modeling, Artech 2005)."""

MTI_CANCELLER_PULSES = 3
"""Pulses of the MTI canceller (binomial weights 1, -2, 1: the double canceller)."""


def nrl_sea_sigma0_db(
    grazing_rad: ArrayLike, frequency_hz: float, sea_state: float, polarisation: str = "H"
) -> NDArray[np.float64]:
    """Sea clutter reflectivity sigma0 (dB m^2/m^2), NRL model (module docstring):
    ``c1 + c2 log10 sin psi + (27.5 + c3 psi_deg) log10 f_GHz / (1 + 0.95 psi_deg)
    + c4 (SS + 1)^(1 / (2 + 0.085 psi_deg + 0.033 SS)) + c5 psi_deg^2``.
    Below 0.1 deg it extrapolates, tending to (sin psi)^2.08 (the interference region)."""
    c1, c2, c3, c4, c5 = NRL_COEFFICIENTS[polarisation]
    psi = np.maximum(np.asarray(grazing_rad, dtype=float), 1e-9)
    psi_deg = np.degrees(psi)
    f_ghz = frequency_hz / 1e9
    ss = float(sea_state)
    return (
        c1
        + c2 * np.log10(np.sin(psi))
        + (27.5 + c3 * psi_deg) * math.log10(f_ghz) / (1.0 + 0.95 * psi_deg)
        + c4 * (ss + 1.0) ** (1.0 / (2.0 + 0.085 * psi_deg + 0.033 * ss))
        + c5 * psi_deg**2
    )


def land_gamma_db(terrain: str, frequency_hz: float) -> float:
    """gamma (dB) of a terrain type at ``frequency_hz``: the 10 GHz value + 5 log10(f / 10 GHz)."""
    return LAND_GAMMA_DB[terrain] + 5.0 * math.log10(frequency_hz / 10e9)


def constant_gamma_sigma0_db(grazing_rad: ArrayLike, gamma_db: float) -> NDArray[np.float64]:
    """Land reflectivity sigma0 = gamma sin(psi) (dB)."""
    psi = np.maximum(np.asarray(grazing_rad, dtype=float), 1e-12)
    return gamma_db + 10.0 * np.log10(np.sin(psi))


def surface_geometry(
    range_m: ArrayLike, antenna_alt_m: float, a_e_m: float
) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """The surface point at slant range ``range_m`` from an antenna ``antenna_alt_m`` above a
    sphere of radius ``a_e_m``: (grazing angle at the surface, elevation of the point seen from
    the antenna (negative), central angle (rad), visible bool). Law of cosines in the triangle
    centre-antenna-point: ``sin psi = (2 a h + h^2 - R^2) / (2 a R)``,
    ``sin el = -(2 a h + h^2 + R^2) / (2 (a + h) R)``. Not visible beyond the horizon
    ``sqrt(2 a h + h^2)`` (psi <= 0)."""
    r = np.maximum(np.asarray(range_m, dtype=float), 1e-3)
    a, h = a_e_m, max(antenna_alt_m, 0.0)
    k = 2.0 * a * h + h * h
    sin_psi = (k - r * r) / (2.0 * a * r)
    visible = sin_psi > 0.0
    psi = np.arcsin(np.clip(sin_psi, 0.0, 1.0))
    el = -np.arcsin(np.clip((k + r * r) / (2.0 * (a + h) * r), -1.0, 1.0))
    # R^2 = h^2 + 4 a (a + h) sin^2(central / 2): stable for small angles and large spheres
    half = np.sqrt(np.clip((r * r - h * h) / (4.0 * a * (a + h)), 0.0, 1.0))
    central = 2.0 * np.arcsin(half)
    return psi, el, central, visible


def cell_area_m2(
    range_resolution_m: float,
    beamwidth_az_rad: float,
    grazing_rad: ArrayLike,
    central_rad: ArrayLike,
    a_e_m: float,
) -> NDArray[np.float64]:
    """Surface area (m^2) of the resolution cell: ground extent of the range gate
    ``dR / cos psi`` times the azimuth beam's cross-range ``theta_az a_e sin(central angle)``
    (pulse-limited: the low-grazing case of surface-based radars)."""
    psi = np.asarray(grazing_rad, dtype=float)
    cross = beamwidth_az_rad * a_e_m * np.sin(np.asarray(central_rad, dtype=float))
    return range_resolution_m / np.cos(psi) * cross


def two_way_pattern(offset_rad: ArrayLike, beamwidth_rad: float) -> NDArray[np.float64]:
    """Two-way power gain of a Gaussian beam ``offset_rad`` off its axis (1 on axis):
    ``exp(-8 ln 2 (offset / theta_3dB)^2)`` (the one-way power pattern squared)."""
    x = np.asarray(offset_rad, dtype=float) / beamwidth_rad
    return np.exp(-8.0 * math.log(2.0) * x * x)


def mti_improvement_factor(
    n_pulses: int, prf_hz: float, sigma_f_hz: ArrayLike, limit: float = np.inf
) -> NDArray[np.float64]:
    """Improvement factor (linear) of an ``n_pulses`` binomial canceller against clutter with a
    Gaussian spectrum of standard deviation ``sigma_f_hz`` (Hz) at PRF ``prf_hz``: signal gain
    averaged over Doppler ``sum w^2`` over the clutter residue
    ``sum_jk w_j w_k rho((j - k) T)``, ``rho(t) = exp(-2 pi^2 sigma_f^2 t^2)``; combined with
    an independent ``limit`` (stability) as ``1 / (1/I + 1/limit)``."""
    w = np.array([(-1.0) ** k * math.comb(n_pulses - 1, k) for k in range(n_pulses)])
    sf = np.atleast_1d(np.asarray(sigma_f_hz, dtype=float))
    lag = np.subtract.outer(np.arange(n_pulses), np.arange(n_pulses)) / prf_hz
    rho = np.exp(-2.0 * np.pi**2 * sf[:, None, None] ** 2 * lag[None] ** 2)
    residue = np.einsum("j,k,ijk->i", w, w, rho)
    i = np.sum(w * w) / np.maximum(residue, 1e-300)
    out = 1.0 / (1.0 / i + 1.0 / limit)
    return out.reshape(np.shape(sigma_f_hz))


def mti_velocity_response(
    radial_speed_mps: ArrayLike,
    wavelength_m: float,
    prf_hz: float,
    n_pulses: int = MTI_CANCELLER_PULSES,
    staggered: bool = True,
) -> NDArray[np.float64]:
    """Signal power gain of a binomial canceller, normalised to unit average over Doppler:
    ``(2 sin(pi f_d / f_p))^(2(N-1)) / C(2(N-1), N-1)`` with ``f_d = 2 v / lambda``. Blind
    speeds at ``k lambda f_p / 2``; ``staggered``: PRF stagger fills them, so the gain is its
    average (1) outside the first response lobe and at most 1 within it."""
    v = np.asarray(radial_speed_mps, dtype=float)
    fd = 2.0 * v / wavelength_m
    m = n_pulses - 1
    g = (2.0 * np.sin(np.pi * fd / prf_hz)) ** (2 * m) / math.comb(2 * m, m)
    if not staggered:
        return g
    # the first lobe rises to unit gain at |f_d| = f_1 < f_p / 2; beyond, stagger averages to 1
    return np.where(np.abs(fd) < _unit_gain_doppler(m, prf_hz), g, 1.0)


def _unit_gain_doppler(m: int, prf_hz: float) -> float:
    """|f_d| (Hz) where the normalised canceller response first reaches 1."""
    s = math.comb(2 * m, m) ** (1.0 / (2 * m)) / 2.0
    return prf_hz * math.asin(min(s, 1.0)) / math.pi


def doppler_notch_response(
    radial_speed_mps: ArrayLike, min_detectable_velocity_mps: float, attenuation: float
) -> NDArray[np.float64]:
    """Pulse-Doppler signal gain: 1 outside the clutter notch, ``1 / attenuation`` (rejected
    with the clutter) for ``|v| < min_detectable_velocity_mps``."""
    v = np.abs(np.asarray(radial_speed_mps, dtype=float))
    return np.where(v < min_detectable_velocity_mps, 1.0 / attenuation, 1.0)


__all__ = [
    "CLUTTER_SPREAD_MPS",
    "LAND_GAMMA_DB",
    "MTI_CANCELLER_PULSES",
    "NRL_COEFFICIENTS",
    "SCAN_MODULATION_FACTOR",
    "cell_area_m2",
    "constant_gamma_sigma0_db",
    "doppler_notch_response",
    "land_gamma_db",
    "mti_improvement_factor",
    "mti_velocity_response",
    "nrl_sea_sigma0_db",
    "surface_geometry",
    "two_way_pattern",
]
