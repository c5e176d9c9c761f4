"""The radar range equation in its two parameterisations.

Physical form (Skolnik, *Introduction to Radar Systems*, 3rd ed., eq. 2.61; Mahafza, *Radar
Systems Analysis and Design Using MATLAB*, eq. 1.56), single-pulse SNR:

    SNR = Pt G^2 λ^2 σ / ((4π)^3 R^4 k T0 B F L)

with Pt peak power (W), G antenna gain (transmit = receive), λ = c / f, σ RCS (m^2), R range
(m), k Boltzmann's constant, T0 = 290 K, B noise bandwidth (Hz), F noise figure, L losses.

Reference form (what analysts quote): ``ref_range_m`` is the range at which a 1 m^2 Swerling-1
target is detected with Pd 0.9 at the radar's Pfa in one look (one dwell of ``n_pulses``
noncoherently integrated pulses). The reference single-pulse SNR is therefore
``SNR_ref = required_snr_db(0.9, pfa, n_pulses, swerling=1)`` (21.1 dB for one pulse at
Pfa 1e-6) and

    SNR(R, σ) = SNR_ref · (R_ref / R)^4 · σ / (1 m^2).

Both forms reduce to one constant per radar, ``snr_db = constant_db + 10 log10 σ - 40 log10 R``
(``snr_constant_db``); when a radar type gives both, the reference form wins (it is the
figure quoted in open sources; the physical figures rarely are).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from iads.scenario.equipment import RadarType
from iads.sensors.detection import required_snr_db

SPEED_OF_LIGHT_MPS = 299_792_458.0
BOLTZMANN_J_PER_K = 1.380649e-23
REFERENCE_TEMPERATURE_K = 290.0
REFERENCE_PD = 0.9
REFERENCE_SWERLING = 1


def db(x: ArrayLike) -> NDArray[np.float64]:
    """10 log10(x)."""
    return 10.0 * np.log10(np.asarray(x, dtype=float))


def undb(x_db: ArrayLike) -> NDArray[np.float64]:
    """10^(x/10)."""
    return 10.0 ** (np.asarray(x_db, dtype=float) / 10.0)


def noise_power_w(bandwidth_hz: ArrayLike, noise_figure_db: ArrayLike = 0.0) -> NDArray:
    """Receiver noise power k T0 B F (W); T0 = 290 K (Skolnik eq. 2.5)."""
    return (
        BOLTZMANN_J_PER_K
        * REFERENCE_TEMPERATURE_K
        * np.asarray(bandwidth_hz, dtype=float)
        * undb(noise_figure_db)
    )


def received_power_w(
    range_m: ArrayLike,
    rcs_m2: ArrayLike,
    peak_power_w: ArrayLike,
    antenna_gain_db: ArrayLike,
    frequency_hz: ArrayLike,
) -> NDArray[np.float64]:
    """Echo power (W) at the receiver, monostatic, no losses:
    Pr = Pt G^2 λ^2 σ / ((4π)^3 R^4) (Skolnik eq. 2.7)."""
    wavelength_m = SPEED_OF_LIGHT_MPS / np.asarray(frequency_hz, dtype=float)
    gain = undb(antenna_gain_db)
    r = np.asarray(range_m, dtype=float)
    return (
        np.asarray(peak_power_w, dtype=float)
        * gain**2
        * wavelength_m**2
        * np.asarray(rcs_m2, dtype=float)
        / ((4.0 * np.pi) ** 3 * r**4)
    )


def snr_db_physical(
    range_m: ArrayLike,
    rcs_m2: ArrayLike,
    peak_power_w: ArrayLike,
    antenna_gain_db: ArrayLike,
    frequency_hz: ArrayLike,
    noise_figure_db: ArrayLike,
    bandwidth_hz: ArrayLike,
    losses_db: ArrayLike,
) -> NDArray[np.float64]:
    """Single-pulse SNR (dB) from the physical radar equation (module docstring).
    Broadcasts over every argument."""
    pr = received_power_w(range_m, rcs_m2, peak_power_w, antenna_gain_db, frequency_hz)
    return db(pr / noise_power_w(bandwidth_hz, noise_figure_db)) - np.asarray(losses_db)


def reference_snr_db(pfa: ArrayLike, n_pulses: ArrayLike = 1) -> NDArray[np.float64]:
    """Single-pulse SNR (dB) at ``ref_range_m`` for 1 m^2: the SNR giving Pd 0.9 against a
    Swerling-1 target with ``n_pulses`` integrated at ``pfa``."""
    return required_snr_db(REFERENCE_PD, pfa, n_pulses, REFERENCE_SWERLING, tol_db=1e-7)


def snr_db_reference(
    range_m: ArrayLike, rcs_m2: ArrayLike, ref_range_m: ArrayLike, ref_snr_db: ArrayLike
) -> NDArray[np.float64]:
    """Single-pulse SNR (dB) from the reference form:
    ``SNR_ref + 40 log10(R_ref / R) + 10 log10(σ / 1 m^2)``."""
    r = np.asarray(range_m, dtype=float)
    return (
        np.asarray(ref_snr_db, dtype=float)
        + 40.0 * np.log10(np.asarray(ref_range_m, dtype=float) / r)
        + db(rcs_m2)
    )


def searched_solid_angle_sr(radar: RadarType) -> float:
    """Solid angle searched each frame (sr): sector width x (sin el_max - sin el_min)."""
    width = np.radians(radar.sector_width_deg) if radar.scan == "sector" else 2.0 * np.pi
    el_lo, el_hi = np.radians(radar.min_elevation_deg), np.radians(radar.max_elevation_deg)
    return float(width * (np.sin(el_hi) - np.sin(el_lo)))


def search_snr_db(
    power_aperture_wm2: ArrayLike,
    frame_time_s: ArrayLike,
    solid_angle_sr: ArrayLike,
    range_m: ArrayLike,
    rcs_m2: ArrayLike,
    noise_figure_db: ArrayLike = 0.0,
    losses_db: ArrayLike = 0.0,
) -> NDArray[np.float64]:
    """Energy SNR (dB) of one look from the search radar equation (Skolnik, Introduction to
    Radar Systems, 3rd ed., McGraw-Hill 2001, the search radar equation; Barton, Radar
    Equations for Modern Radar, Artech House 2013, ch. 1):
    ``SNR = P_av A_e t_f σ / (4π Ω R^4 k T0 F L)``, the radar spreading its average power over
    the solid angle Ω every frame time t_f."""
    num = (
        np.asarray(power_aperture_wm2, dtype=float)
        * np.asarray(frame_time_s, dtype=float)
        * np.asarray(rcs_m2, dtype=float)
    )
    den = (
        4.0
        * np.pi
        * np.asarray(solid_angle_sr, dtype=float)
        * np.asarray(range_m, dtype=float) ** 4
        * BOLTZMANN_J_PER_K
        * REFERENCE_TEMPERATURE_K
        * undb(noise_figure_db)
        * undb(losses_db)
    )
    return db(num / den)


def reference_range_m(radar: RadarType) -> float:
    """The range (m) at which a 1 m^2 Swerling-1 target is detected with Pd 0.9 in one look,
    whichever way the type is parameterised (``ref_range_m`` itself if given)."""
    need = float(reference_snr_db(radar.pfa, radar.n_pulses))
    return float(10.0 ** ((snr_constant_db(radar) - need) / 40.0))


def snr_constant_db(radar: RadarType) -> float:
    """The radar's constant C (dB) in ``snr_db = C + 10 log10 σ - 40 log10 R`` (R in m,
    σ in m^2): the single-pulse SNR a 1 m^2 target would give at 1 m. Precedence:
    ``ref_range_m``, then the search radar equation (``power_aperture_wm2``: the look's energy
    split over ``n_pulses``), then the physical form."""
    if radar.ref_range_m is not None:
        ref = float(reference_snr_db(radar.pfa, radar.n_pulses))
        return ref + 40.0 * np.log10(radar.ref_range_m)
    if radar.power_aperture_wm2 is not None:
        look = search_snr_db(
            radar.power_aperture_wm2,
            radar.scan_period_s,
            searched_solid_angle_sr(radar),
            1.0,
            1.0,
            radar.noise_figure_db,
            radar.losses_db,
        )
        return float(look) - 10.0 * np.log10(radar.n_pulses)
    if radar.peak_power_w is None or radar.antenna_gain_db is None:  # guarded by RadarType
        raise ValueError("radar type needs ref_range_m or peak_power_w and antenna_gain_db")
    return float(
        snr_db_physical(
            1.0,
            1.0,
            radar.peak_power_w,
            radar.antenna_gain_db,
            radar.frequency_hz,
            radar.noise_figure_db,
            radar.bandwidth_hz,
            radar.losses_db,
        )
    )


def snr_db_at(constant_db: float, range_m: ArrayLike, rcs_m2: ArrayLike) -> NDArray:
    """``constant_db + 10 log10 σ - 40 log10 R``: single-pulse SNR (dB). Broadcasts."""
    return constant_db + db(rcs_m2) - 40.0 * np.log10(np.asarray(range_m, dtype=float))


def detection_range_m(
    constant_db: float, rcs_m2: ArrayLike, required_snr_db_: ArrayLike
) -> NDArray[np.float64]:
    """Free-space range (m) at which the SNR falls to ``required_snr_db_``:
    ``R = 10^((C + 10 log10 σ - SNR_req) / 40)``."""
    return 10.0 ** ((constant_db + db(rcs_m2) - np.asarray(required_snr_db_)) / 40.0)


__all__ = [
    "reference_range_m",
    "search_snr_db",
    "searched_solid_angle_sr",
    "BOLTZMANN_J_PER_K",
    "REFERENCE_TEMPERATURE_K",
    "SPEED_OF_LIGHT_MPS",
    "db",
    "detection_range_m",
    "noise_power_w",
    "received_power_w",
    "reference_snr_db",
    "snr_constant_db",
    "snr_db_at",
    "snr_db_physical",
    "snr_db_reference",
    "undb",
]
