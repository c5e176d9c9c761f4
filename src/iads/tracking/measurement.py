"""Polar radar measurements: range, azimuth, elevation and optional range rate.

Conventions (ENU frame of the scenario; the sensor sits at ``sensor_pos_m``):

- ``range_m`` = |p - s|
- ``azimuth_rad`` = atan2(east, north), clockwise from north, in [0, 2 pi)
- ``elevation_rad`` = atan2(up, horizontal distance), in [-pi/2, pi/2]
- ``range_rate_mps`` = (p - s) . v / range (positive when opening; the sensor is static)

Measurement vectors ``z`` are (..., 3) or (..., 4) with those columns, in that order. Every
function broadcasts over leading axes and returns new arrays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # annotations only: numpy.typing is not loaded at run time
    from numpy.typing import ArrayLike, NDArray


RANGE, AZIMUTH, ELEVATION, RANGE_RATE = 0, 1, 2, 3
TWO_PI = 2.0 * np.pi


def _relative(pos_or_state: ArrayLike, sensor_pos_m: ArrayLike) -> NDArray[np.float64]:
    x = np.asarray(pos_or_state, dtype=float)
    return x[..., 0:3] - np.asarray(sensor_pos_m, dtype=float)


def polar_measure(
    pos_or_state: ArrayLike, sensor_pos_m: ArrayLike, range_rate: bool = False
) -> NDArray[np.float64]:
    """Noise-free polar measurement of positions or states.

    ``pos_or_state`` (..., >=3) ENU position first (m), then velocity (m/s) when
    ``range_rate``; ``sensor_pos_m`` (3,) or (..., 3). Returns ``z`` (..., 3) or (..., 4):
    range_m, azimuth_rad in [0, 2 pi), elevation_rad[, range_rate_mps].
    """
    x = np.asarray(pos_or_state, dtype=float)
    d = _relative(x, sensor_pos_m)
    rho = np.hypot(d[..., 0], d[..., 1])
    r = np.hypot(rho, d[..., 2])
    az = np.mod(np.arctan2(d[..., 0], d[..., 1]), TWO_PI)  # atan2(east, north)
    az = np.where(az >= TWO_PI, 0.0, az)  # mod can round -tiny up to exactly 2 pi
    el = np.arctan2(d[..., 2], rho)
    cols = [r, az, el]
    if range_rate:
        if x.shape[-1] < 6:
            raise ValueError("range_rate needs states with velocity (..., >=6), got positions")
        cols.append(np.einsum("...i,...i->...", d, x[..., 3:6]) / r)  # rdot = d.v / r
    return np.stack(cols, axis=-1)


def polar_jacobian(
    x: ArrayLike, sensor_pos_m: ArrayLike, range_rate: bool = False
) -> NDArray[np.float64]:
    """Jacobian ``H = d polar_measure / d x`` (..., m, n) at states ``x`` (..., n), n >= 6.

    Columns past the first six (a turn rate, for instance) are zero. Derivation as in
    Bar-Shalom 2001 §10.3: with d = p - s, rho = |d_xy|, r = |d|::

        dr/dp   = d / r
        daz/dp  = [d_y, -d_x, 0] / rho^2
        del/dp  = [-d_z d_x / (r^2 rho), -d_z d_y / (r^2 rho), rho / r^2]
        drdot/dp = (v - rdot d / r) / r,   drdot/dv = d / r
    """
    x = np.asarray(x, dtype=float)
    d = _relative(x, sensor_pos_m)
    dx, dy, dz = d[..., 0], d[..., 1], d[..., 2]
    rho2 = dx**2 + dy**2
    rho = np.sqrt(rho2)
    r2 = rho2 + dz**2
    r = np.sqrt(r2)
    m = 4 if range_rate else 3
    n = x.shape[-1]
    H = np.zeros(np.broadcast_shapes(x.shape[:-1], d.shape[:-1]) + (m, n))
    H[..., 0, 0:3] = d / r[..., None]
    H[..., 1, 0] = dy / rho2
    H[..., 1, 1] = -dx / rho2
    H[..., 2, 0] = -dz * dx / (r2 * rho)
    H[..., 2, 1] = -dz * dy / (r2 * rho)
    H[..., 2, 2] = rho / r2
    if range_rate:
        v = x[..., 3:6]
        rdot = np.einsum("...i,...i->...", d, v) / r
        H[..., 3, 0:3] = (v - rdot[..., None] * d / r[..., None]) / r[..., None]
        H[..., 3, 3:6] = d / r[..., None]
    return H


def wrap_angle(angle_rad: ArrayLike) -> NDArray[np.float64]:
    """Wrap angles to (-pi, pi]."""
    return np.pi - np.mod(np.pi - np.asarray(angle_rad, dtype=float), TWO_PI)


def polar_residual(z: ArrayLike, zhat: ArrayLike) -> NDArray[np.float64]:
    """Innovation ``nu = z - zhat`` (..., m) with the azimuth difference wrapped to (-pi, pi]."""
    nu = np.asarray(z, dtype=float) - np.asarray(zhat, dtype=float)
    nu[..., AZIMUTH] = wrap_angle(nu[..., AZIMUTH])
    return nu


def polar_noise_cov(
    sigma_range_m: ArrayLike,
    sigma_azimuth_rad: ArrayLike,
    sigma_elevation_rad: ArrayLike,
    sigma_range_rate_mps: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Diagonal measurement covariance ``R`` (..., m, m), m = 3 or 4 (with range rate).

    Sigmas are standard deviations (scalars or arrays that broadcast); R holds their squares.
    """
    sig = [sigma_range_m, sigma_azimuth_rad, sigma_elevation_rad]
    if sigma_range_rate_mps is not None:
        sig.append(sigma_range_rate_mps)
    s = np.stack(np.broadcast_arrays(*[np.asarray(v, dtype=float) for v in sig]), axis=-1)
    m = s.shape[-1]
    R = np.zeros(s.shape + (m,))
    idx = np.arange(m)
    R[..., idx, idx] = s**2
    return R


def polar_to_cartesian(
    z: ArrayLike, sensor_pos_m: ArrayLike, R: ArrayLike, method: str = "first_order"
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Converted measurement: ENU position (..., 3) and its covariance (..., 3, 3).

    ``z`` (..., >=3) range_m, azimuth_rad, elevation_rad (a range-rate column is ignored);
    ``R`` (3, 3) / (..., 3, 3) or the 4x4 with range rate (its top-left 3x3 block is used).

    ``method="first_order"`` (default): ``p = s + r [sin az cos el, cos az cos el, sin el]`` and
    the linearised covariance ``C = J R J'``, ``J = dp/d(r, az, el)`` at the measurement (Lerro &
    Bar-Shalom, "Tracking with debiased consistent converted measurements versus EKF", IEEE TAES
    29(3), 1993). Consistent while the conversion bias is small, i.e.
    ``r sigma_angle^2 / sigma_r < 0.4`` (their criterion; 50 km, 0.2 deg, 50 m gives 0.012).

    ``method="unbiased"``: the unbiased converted measurement of Mo Longbin, Song Xiaoquan et
    al., "Unbiased converted measurements for tracking", IEEE TAES 34(3), 1998 (3-D form),
    for independent errors (the diagonal of R is used): with ``l_a = exp(-sigma_az^2 / 2)``,
    ``l_e = exp(-sigma_el^2 / 2)``::

        u = s + r [sin az cos el / (l_a l_e), cos az cos el / (l_a l_e), sin el / l_e]
        C = E[(u - p)(u - p)' | z] = (u-s)(u-s)' - (u-s) m' - m (u-s)' + (r^2 + sr^2) E[g g' | z]

    with ``m = E[p - s | z] = r [l_a l_e sin az cos el, l_a l_e cos az cos el, l_e sin el]``
    and ``g = [sin a cos e, cos a cos e, sin e]`` of the true angles given the measured ones
    (``E[cos 2a | z] = l_a^4 cos 2az`` etc.). Use it beyond the first-order criterion (long
    range, coarse angles). Both are meant for track initiation; update with the EKF/UKF.
    """
    if method not in ("first_order", "unbiased"):
        raise ValueError(f"method must be 'first_order' or 'unbiased', got {method!r}")
    z = np.asarray(z, dtype=float)
    R = np.asarray(R, dtype=float)[..., 0:3, 0:3]
    r, az, el = z[..., RANGE], z[..., AZIMUTH], z[..., ELEVATION]
    sa, ca, se, ce = np.sin(az), np.cos(az), np.sin(el), np.cos(el)
    s = np.asarray(sensor_pos_m, dtype=float)
    if method == "unbiased":
        return _unbiased_conversion(r, az, el, s, R)
    J = np.zeros(z.shape[:-1] + (3, 3))  # filled entry by entry: no stacked temporaries
    J[..., 0, 0], J[..., 1, 0], J[..., 2, 0] = sa * ce, ca * ce, se  # dp/dr
    J[..., 0, 1], J[..., 1, 1] = r * ca * ce, -r * sa * ce  # dp/daz
    J[..., 0, 2], J[..., 1, 2], J[..., 2, 2] = -r * sa * se, -r * ca * se, r * ce  # dp/del
    g = J[..., :, 0]
    C = J @ R @ np.swapaxes(J, -1, -2)  # C = J R J'
    return s + r[..., None] * g, 0.5 * (C + np.swapaxes(C, -1, -2))


def _unbiased_conversion(r, az, el, s, R):
    """Mo Longbin et al. 1998 unbiased conversion (see :func:`polar_to_cartesian`)."""
    var_r, var_a, var_e = R[..., 0, 0], R[..., 1, 1], R[..., 2, 2]
    la, le = np.exp(-var_a / 2.0), np.exp(-var_e / 2.0)  # E[cos w] for w ~ N(0, var)
    sa, ca, se, ce = np.sin(az), np.cos(az), np.sin(el), np.cos(el)
    d = r[..., None] * np.stack([sa * ce / (la * le), ca * ce / (la * le), se / le], axis=-1)
    m = r[..., None] * np.stack([la * le * sa * ce, la * le * ca * ce, le * se], axis=-1)
    # moments of the true angles given the measured ones
    ss_a = (1.0 - la**4 * np.cos(2 * az)) / 2.0  # E[sin^2 a]
    cc_a = (1.0 + la**4 * np.cos(2 * az)) / 2.0  # E[cos^2 a]
    sc_a = la**4 * np.sin(2 * az) / 2.0  # E[sin a cos a]
    cc_e = (1.0 + le**4 * np.cos(2 * el)) / 2.0  # E[cos^2 e]
    ss_e = (1.0 - le**4 * np.cos(2 * el)) / 2.0  # E[sin^2 e]
    sc_e = le**4 * np.sin(2 * el) / 2.0  # E[sin e cos e]
    Egg = np.empty(r.shape + (3, 3))
    Egg[..., 0, 0], Egg[..., 1, 1], Egg[..., 2, 2] = ss_a * cc_e, cc_a * cc_e, ss_e
    Egg[..., 0, 1] = Egg[..., 1, 0] = sc_a * cc_e
    Egg[..., 0, 2] = Egg[..., 2, 0] = la * sa * sc_e
    Egg[..., 1, 2] = Egg[..., 2, 1] = la * ca * sc_e
    dm = d[..., :, None] * m[..., None, :]
    C = d[..., :, None] * d[..., None, :] - dm - np.swapaxes(dm, -1, -2)
    C = C + (r**2 + var_r)[..., None, None] * Egg
    return s + d, 0.5 * (C + np.swapaxes(C, -1, -2))
