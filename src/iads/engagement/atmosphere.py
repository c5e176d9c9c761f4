"""U.S. Standard Atmosphere 1976: temperature, pressure, density and speed of sound by altitude.

Source: U.S. Standard Atmosphere, 1976 (NOAA-S/T 76-1562, NASA-TM-X-74335), Part 1, sections
1.2-1.3: seven layers of linear temperature in geopotential altitude from 0 to 84.852 km,
hydrostatic pressure in each layer (eqs. 33a/33b), density from the ideal gas law (eq. 42).
Geometric altitude z (m) is converted to geopotential altitude H = r0 z / (r0 + z) (eq. 18).

Above 86 km (geometric) the model is held at the 86 km values scaled by an exponential with
a 6 km scale height: the interceptors of this package never fly there, it only keeps the
function total. Below 0 m the lowest layer is extended (valid to about -2 km).
"""

from __future__ import annotations

import numpy as np

G0_MPS2 = 9.80665
"""Standard gravity (m/s^2)."""
R_AIR_J_PER_KG_K = 8314.32 / 28.9644
"""Specific gas constant of air, R* / M0 (J/(kg K)), 1976 values."""
GAMMA_AIR = 1.4
"""Ratio of specific heats of air."""
EARTH_RADIUS_US76_M = 6_356_766.0
"""Effective earth radius r0 used to convert geometric to geopotential altitude (m)."""

_H_BASE_M = np.array([0.0, 11_000.0, 20_000.0, 32_000.0, 47_000.0, 51_000.0, 71_000.0, 84_852.0])
_LAPSE_K_PER_M = np.array([-6.5e-3, 0.0, 1.0e-3, 2.8e-3, 0.0, -2.8e-3, -2.0e-3])
_T0_K = 288.15
_P0_PA = 101_325.0
_TOP_SCALE_HEIGHT_M = 6_000.0


def _layer_bases() -> tuple[np.ndarray, np.ndarray]:
    """Temperature (K) and pressure (Pa) at the base of each layer, by integrating upwards."""
    t_k = np.empty(8)
    p_pa = np.empty(8)
    t_k[0], p_pa[0] = _T0_K, _P0_PA
    for i in range(7):
        dh = _H_BASE_M[i + 1] - _H_BASE_M[i]
        lapse = _LAPSE_K_PER_M[i]
        t_k[i + 1] = t_k[i] + lapse * dh
        if lapse == 0.0:
            # P = Pb exp(-g0 (H - Hb) / (R Tb))             (eq. 33b)
            p_pa[i + 1] = p_pa[i] * np.exp(-G0_MPS2 * dh / (R_AIR_J_PER_KG_K * t_k[i]))
        else:
            # P = Pb (Tb / T)^(g0 / (R L))                   (eq. 33a)
            p_pa[i + 1] = p_pa[i] * (t_k[i] / t_k[i + 1]) ** (G0_MPS2 / (R_AIR_J_PER_KG_K * lapse))
    return t_k, p_pa


_T_BASE_K, _P_BASE_PA = _layer_bases()


def geopotential_altitude_m(z_m: np.ndarray | float) -> np.ndarray:
    """Geopotential altitude H (m) of geometric altitude ``z_m`` (m), any shape (eq. 18)."""
    z = np.asarray(z_m, dtype=float)
    return EARTH_RADIUS_US76_M * z / (EARTH_RADIUS_US76_M + z)


def temperature_pressure(z_m: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Temperature (K) and pressure (Pa) at geometric altitude ``z_m`` (m), any shape."""
    h = np.minimum(geopotential_altitude_m(z_m), _H_BASE_M[-1])
    i = np.clip(np.searchsorted(_H_BASE_M, h, side="right") - 1, 0, 6)
    tb, pb, lapse, dh = _T_BASE_K[i], _P_BASE_PA[i], _LAPSE_K_PER_M[i], h - _H_BASE_M[i]
    t_k = tb + lapse * dh
    iso = lapse == 0.0
    safe_lapse = np.where(iso, 1.0, lapse)
    p_grad = pb * (tb / t_k) ** (G0_MPS2 / (R_AIR_J_PER_KG_K * safe_lapse))
    p_iso = pb * np.exp(-G0_MPS2 * dh / (R_AIR_J_PER_KG_K * tb))
    p_pa = np.where(iso, p_iso, p_grad)
    # above the model top: exponential decay, only to keep the function defined
    z = np.asarray(z_m, dtype=float)
    z_top = EARTH_RADIUS_US76_M * _H_BASE_M[-1] / (EARTH_RADIUS_US76_M - _H_BASE_M[-1])
    p_pa = p_pa * np.exp(-np.maximum(z - z_top, 0.0) / _TOP_SCALE_HEIGHT_M)
    return t_k, p_pa


def density_kgpm3(z_m: np.ndarray | float) -> np.ndarray:
    """Air density (kg/m^3) at geometric altitude ``z_m`` (m), any shape: rho = P / (R T)."""
    t_k, p_pa = temperature_pressure(z_m)
    return p_pa / (R_AIR_J_PER_KG_K * t_k)  # eq. 42


def speed_of_sound_mps(z_m: np.ndarray | float) -> np.ndarray:
    """Speed of sound (m/s) at geometric altitude ``z_m`` (m): a = sqrt(gamma R T) (eq. 50)."""
    t_k, _ = temperature_pressure(z_m)
    return np.sqrt(GAMMA_AIR * R_AIR_J_PER_KG_K * t_k)
