"""Radar sensor models: detection physics, geometry, measurements, capacity and coverage.

Public functions (pure, NumPy-broadcasting, SI units):

- ``detection_probability(snr_db, pfa, n_pulses=1, swerling=1)``: exact Pd, Swerling 0-4.
- ``radar_horizon_m(antenna_height_m, target_altitude_m)``: line of sight over a 4/3 earth.

Design notes, formulas and references: docs/sensors.md.
"""

from __future__ import annotations

from iads.sensors.detection import (
    albersheim_snr_db,
    detection_probability,
    required_snr_db,
    shnidman_snr_db,
    threshold,
)
from iads.sensors.geometry import radar_horizon_m, range_azimuth_elevation

__all__ = [
    "albersheim_snr_db",
    "detection_probability",
    "radar_horizon_m",
    "range_azimuth_elevation",
    "required_snr_db",
    "shnidman_snr_db",
    "threshold",
]
