"""Pattern propagation factor over a smooth spherical (4/3) earth, and multipath elevation error.

One-way field ratio F (free space: F = 1); the two-way radar SNR scales with F^4.

- Optical (interference) region: direct ray plus one ray reflected at the specular point of the
  4/3 earth (reflection point from Kerr's cubic in trigonometric form), path difference
  ``delta = 2 h1' h2' / d`` with heights above the tangent plane at the reflection point,
  divergence factor ``D = (1 + 2 d1 d2 / (a_e d sin psi))^-1/2`` (Kerr 1951, Propagation of
  Short Radio Waves, sec. 2.12; Blake 1986, Radar Range-Performance Analysis, ch. 6), Fresnel
  reflection coefficient of a smooth flat surface (horizontal polarisation) and the Ament
  roughness factor ``rho_s = exp(-2 (2 pi sigma_h sin psi / lambda)^2)``:
  ``F = |1 + D rho_s Gamma exp(-j 2 pi delta / lambda)|``.
- Diffraction region (at and beyond the radio horizon): the first term of the smooth-earth
  residue series in the form of ITU-R P.526-15 sec. 3.1.1 (eqs. 13-18),
  ``20 log F = F(X) + G(Y1) + G(Y2)``.
- Intermediate region (path difference below ``lambda / 4`` but inside the horizon): linear
  interpolation in dB over ground range between the interference value at the range where
  ``delta = lambda / 4`` and the diffraction value at the radio horizon (Blake's method).

No antenna elevation pattern: the reflected ray is taken to leave the antenna with the direct
ray's gain (worst-case lobing for low targets).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

OPTICAL_LIMIT_WAVELENGTHS = 0.25
"""The interference formula is used while the path difference is at least this many
wavelengths (Blake 1986, ch. 6, uses a limit of this order; engineering choice)."""

WMO_SIGNIFICANT_WAVE_HEIGHT_M = (0.0, 0.05, 0.3, 0.875, 1.875, 3.25, 5.0, 7.5, 11.5, 14.0)
"""Mid-range significant wave height (m) of WMO sea state code 3700 (WMO-No. 306, Manual on
Codes), sea states 0-9 (9: the lower bound, 'over 14 m')."""


def sea_rms_height_m(sea_state: int) -> float:
    """RMS surface height (m) of a sea state: significant wave height / 4 (Gaussian sea)."""
    return WMO_SIGNIFICANT_WAVE_HEIGHT_M[int(sea_state)] / 4.0


def complex_permittivity(eps_r: float, conductivity_s_m: float, wavelength_m: float) -> complex:
    """Relative complex permittivity ``eps_r - j 60 lambda sigma`` (ITU-R P.527)."""
    return complex(eps_r, -60.0 * wavelength_m * conductivity_s_m)


def fresnel_horizontal(grazing_rad: ArrayLike, eps: complex) -> NDArray[np.complex128]:
    """Fresnel reflection coefficient, horizontal polarisation, at grazing angle (rad)."""
    s = np.sin(np.asarray(grazing_rad, dtype=float))
    root = np.sqrt(eps - np.cos(np.asarray(grazing_rad, dtype=float)) ** 2 + 0j)
    return (s - root) / (s + root)


def reflection_geometry(
    h1_m: float, h2_m: ArrayLike, d_m: ArrayLike, a_e_m: float
) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """Specular reflection over a sphere of radius ``a_e_m`` between heights ``h1_m`` (radar)
    and ``h2_m`` (targets) at ground distance ``d_m``: (d1 from the radar, grazing angle (rad),
    path difference (m), divergence factor). Where no reflection point is visible from both
    ends (past the optical region) the grazing angle and path difference are 0, D is 0.

    d1 solves Kerr's cubic ``2 d1^3 - 3 d d1^2 + (d^2 - 2 a_e (h1 + h2)) d1 + 2 a_e h1 d = 0``:
    ``d1 = d/2 + p sin(xi/3)``, ``p = (2/sqrt 3) sqrt(a_e (h1 + h2) + d^2/4)``,
    ``sin xi = 2 a_e d (h1 - h2) / p^3``.
    """
    h2 = np.asarray(h2_m, dtype=float)
    d, d1, d2, h1p, h2p = _specular(h1_m, h2, np.asarray(d_m, dtype=float), a_e_m)
    ok = (h1p > 0) & (h2p > 0) & (d1 > 0)
    psi = np.where(ok, np.arctan2(np.maximum(h1p, 0.0), np.maximum(d1, 1e-9)), 0.0)
    delta = np.where(ok, 2.0 * h1p * h2p / d, 0.0)
    sin_psi = np.maximum(np.sin(psi), 1e-12)
    div = np.where(ok, 1.0 / np.sqrt(1.0 + 2.0 * d1 * d2 / (a_e_m * d * sin_psi)), 0.0)
    return d1, psi, delta, div


def _specular(h1_m: float, h2: NDArray, d_m: NDArray, a_e_m: float):
    """Kerr's reflection point (see :func:`reflection_geometry`): (d clamped to >= 1 mm, d1,
    d2, h1', h2'), heights above the tangent plane at the reflection point (m)."""
    d = np.maximum(d_m, 1e-3)
    p = (2.0 / np.sqrt(3.0)) * np.sqrt(a_e_m * (h1_m + h2) + 0.25 * d * d)
    xi = np.arcsin(np.clip(2.0 * a_e_m * d * (h1_m - h2) / p**3, -1.0, 1.0))
    d1 = np.clip(0.5 * d + p * np.sin(xi / 3.0), 0.0, d)
    d2 = d - d1
    return d, d1, d2, h1_m - d1 * d1 / (2.0 * a_e_m), h2 - d2 * d2 / (2.0 * a_e_m)


def _path_difference(h1_m: float, h2: NDArray, d_m: NDArray, a_e_m: float) -> NDArray:
    """The path difference of :func:`reflection_geometry` alone (m), for the bisection."""
    d, d1, _, h1p, h2p = _specular(h1_m, h2, d_m, a_e_m)
    return np.where((h1p > 0) & (h2p > 0) & (d1 > 0), 2.0 * h1p * h2p / d, 0.0)


def interference_factor(
    h1_m: float,
    h2_m: ArrayLike,
    d_m: ArrayLike,
    wavelength_m: float,
    eps: complex,
    rms_height_m: float,
    a_e_m: float,
) -> tuple[NDArray, NDArray[np.complex128], NDArray]:
    """Two-ray field ratio over the sphere: (|F|, the reflected ray's complex amplitude
    relative to the direct one, grazing angle rad)."""
    _, psi, delta, div = reflection_geometry(h1_m, h2_m, d_m, a_e_m)
    rough = np.exp(-2.0 * (2.0 * np.pi * rms_height_m * np.sin(psi) / wavelength_m) ** 2)
    x = div * rough * fresnel_horizontal(psi, eps) * np.exp(-2j * np.pi * delta / wavelength_m)
    return np.abs(1.0 + x), x, psi


def p526_height_gain_db(y: NDArray, k: float) -> NDArray:
    """G(Y) of ITU-R P.526-15 eqs. (16)-(16b), beta = 1 (dB)."""
    y = np.maximum(np.asarray(y, dtype=float), 1e-12)
    lg = np.log10(y / k)
    out = np.where(
        y > 2.0,
        17.6 * np.sqrt(np.maximum(y - 1.1, 1e-12)) - 5.0 * np.log10(np.maximum(y - 1.1, 1e-12)) - 8,
        np.where(
            y > 10.0 * k,
            20.0 * np.log10(y + 0.1 * y**3),
            np.where(y > k / 10.0, 2.0 + 20.0 * np.log10(k) + 9.0 * lg * (lg + 1.0), 0.0),
        ),
    )
    return np.where(y <= k / 10.0, 2.0 + 20.0 * np.log10(k), out)


def p526_diffraction_db(
    h1_m: float,
    h2_m: ArrayLike,
    d_m: ArrayLike,
    frequency_hz: float,
    eps_r: float,
    conductivity_s_m: float,
    k_factor: float = 4.0 / 3.0,
) -> NDArray:
    """Smooth-earth diffraction field relative to free space, 20 log F (dB, <= 0 beyond the
    horizon), first term, ITU-R P.526-15 eqs. (13)-(18) with beta = 1 (horizontal
    polarisation; also vertical above 300 MHz over sea)."""
    f_mhz = frequency_hz / 1e6
    a_e_km = 6371.0088 * k_factor  # equivalent earth radius in km, as P.526 writes it
    k_h = (
        0.36
        * (a_e_km * f_mhz) ** (-1 / 3)
        * ((eps_r - 1.0) ** 2 + (18_000.0 * conductivity_s_m / f_mhz) ** 2) ** (-0.25)
    )
    x = 2.188 * f_mhz ** (1 / 3) * a_e_km ** (-2 / 3) * np.asarray(d_m, dtype=float) / 1e3
    x = np.maximum(x, 1e-6)
    fx = np.where(
        x >= 1.6, 11.0 + 10.0 * np.log10(x) - 17.6 * x, -20.0 * np.log10(x) - 5.6488 * x**1.425
    )
    cy = 9.575e-3 * f_mhz ** (2 / 3) * a_e_km ** (-1 / 3)
    y1 = cy * h1_m
    y2 = cy * np.asarray(h2_m, dtype=float)
    return np.minimum(fx + p526_height_gain_db(y1, k_h) + p526_height_gain_db(y2, k_h), 0.0)


def propagation_factor(
    h1_m: float,
    h2_m: ArrayLike,
    d_m: ArrayLike,
    frequency_hz: float,
    eps_r: float,
    conductivity_s_m: float,
    rms_height_m: float,
    a_e_m: float,
    compiled: bool = False,
) -> tuple[NDArray, NDArray[np.complex128], NDArray]:
    """One-way pattern propagation factor F (field ratio) from a radar at ``h1_m`` to targets
    at heights ``h2_m`` (m above the surface) and ground distances ``d_m`` (m), over the
    4/3 earth of radius ``a_e_m``; and (for the elevation error) the reflected ray's complex
    relative amplitude (0 outside the optical region) and the grazing angle (rad).
    ``compiled``: the optical-limit bisection by the numba kernel
    (:mod:`iads.sensors.propagation_kernel`; NumPy without numba): the same midpoints, for
    many calls on a few targets each (a simulation's radars)."""
    h2, d = np.broadcast_arrays(
        np.atleast_1d(np.maximum(np.asarray(h2_m, dtype=float), 0.0)),
        np.atleast_1d(np.asarray(d_m, dtype=float)),
    )
    lam = 299_792_458.0 / frequency_hz
    eps = complex_permittivity(eps_r, conductivity_s_m, lam)
    _, psi, delta, div = reflection_geometry(h1_m, h2, d, a_e_m)
    rough = np.exp(-2.0 * (2.0 * np.pi * rms_height_m * np.sin(psi) / lam) ** 2)
    x = div * rough * fresnel_horizontal(psi, eps) * np.exp(-2j * np.pi * delta / lam)
    f = np.abs(1.0 + x)
    limit = OPTICAL_LIMIT_WAVELENGTHS * lam
    low = delta < limit
    if not np.any(low):
        return f, x, psi
    f = f.copy()
    x = np.where(low, 0.0 + 0j, x)
    idx = np.flatnonzero(low)
    hl, dl = h2[idx], d[idx]
    horizon = np.sqrt(2 * a_e_m * h1_m + h1_m**2) + np.sqrt(2 * a_e_m * hl + hl**2)
    beyond = dl >= horizon
    f_db = p526_diffraction_db(h1_m, hl, dl, frequency_hz, eps_r, conductivity_s_m)
    inside = np.flatnonzero(~beyond)  # the interpolated ones; beyond: diffraction alone
    if inside.size:
        hi_, di, hor = hl[inside], dl[inside], horizon[inside]
        # d_opt: where delta = limit (delta decreases with d); bisection on [0, min(d, horizon)]
        d_opt = _optical_limit_range(h1_m, hi_, np.minimum(di, hor), a_e_m, limit, compiled)
        f_opt = interference_factor(h1_m, hi_, d_opt, lam, eps, rms_height_m, a_e_m)[0]
        f_opt_db = 20.0 * np.log10(np.maximum(f_opt, 1e-6))
        f_hor_db = p526_diffraction_db(h1_m, hi_, hor, frequency_hz, eps_r, conductivity_s_m)
        w = np.clip((di - d_opt) / np.maximum(hor - d_opt, 1e-9), 0.0, 1.0)
        f_db[inside] = f_opt_db + w * (f_hor_db - f_opt_db)
    f[idx] = 10.0 ** (f_db / 20.0)
    return f, x, psi


BISECTION_STEPS = 24
"""Halvings of the bracket on the optical-limit range: 6e-8 of the horizon range."""


def _optical_limit_range(
    h1_m: float, h2: NDArray, upper_m: NDArray, a_e_m: float, limit_m: float, compiled: bool
) -> NDArray:
    """The ground range (m) in ``[0, upper_m]`` where the path difference falls to
    ``limit_m`` (it decreases with range), by bisection: the bracket's lower end."""
    kernel = _kernel() if compiled else None
    if kernel is not None:
        h2 = np.ascontiguousarray(h2, dtype=float)
        upper = np.ascontiguousarray(upper_m, dtype=float)
        return kernel(float(h1_m), h2, upper, float(a_e_m), float(limit_m), BISECTION_STEPS)
    lo, hi = np.zeros_like(upper_m), upper_m
    for _ in range(BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        above = _path_difference(h1_m, h2, mid, a_e_m) >= limit_m
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    return lo


def _kernel():
    """The compiled bisection, or None without numba; imported on first use."""
    from iads.sensors import propagation_kernel

    return propagation_kernel.bisect_optical_limit


def multipath_elevation_error_rad(
    reflected: ArrayLike, grazing_rad: ArrayLike, beamwidth_el_rad: float
) -> NDArray:
    """Elevation error (rad) of a monopulse tracker seeing the target and its surface image.

    Two sources in the beam (pointed at the target): the target on the axis and its image
    2 psi below, with complex amplitude ratio ``x g`` (``x`` the reflected ray's relative
    amplitude, ``g`` the one-way Gaussian voltage pattern at 2 psi off axis). The indicated
    angle is the real part of the complex amplitude-weighted centroid (Barton, Modern Radar
    System Analysis, 1988, sec. 10.3): ``e = Re{x g (-2 psi) / (1 + x g)}``, clipped to half a
    beamwidth (the monopulse linear region).
    """
    psi = np.asarray(grazing_rad, dtype=float)
    g = np.exp(-2.0 * np.log(2.0) * (2.0 * psi / beamwidth_el_rad) ** 2)
    xg = np.asarray(reflected) * g
    den = 1.0 + xg
    safe = np.abs(den) > 1e-9
    err = np.where(safe, np.real(xg * (-2.0 * psi) / np.where(safe, den, 1.0)), 0.0)
    half = 0.5 * beamwidth_el_rad
    return np.clip(err, -half, half)


__all__ = [
    "OPTICAL_LIMIT_WAVELENGTHS",
    "WMO_SIGNIFICANT_WAVE_HEIGHT_M",
    "complex_permittivity",
    "fresnel_horizontal",
    "interference_factor",
    "multipath_elevation_error_rad",
    "p526_diffraction_db",
    "p526_height_gain_db",
    "propagation_factor",
    "reflection_geometry",
    "sea_rms_height_m",
]
