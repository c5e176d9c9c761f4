"""Radar sensor models: detection physics, geometry, measurements, capacity and coverage.

Public functions (pure, NumPy-broadcasting, SI units):

- ``detection_probability(snr_db, pfa, n_pulses=1, swerling=1)``: exact Pd, Swerling 0-4.
- ``radar_horizon_m(antenna_height_m, target_altitude_m)``: line of sight over a 4/3 earth.
- ``RadarModel.from_type(radar_type, site_pos_m, ...)`` and ``observe(model, pos_m, ...)``:
  one radar's plots (``Detections``) for many targets in one step.
- ``vertical_coverage`` and ``footprint``: coverage diagrams.
- ``select_within_capacity``: which tracks or engagements a radar keeps.

The engine adapter ``iads.sensors.system.RadarSystem`` is not imported here (wiring only).
Design notes, formulas and references: docs/sensors.md.
"""

from __future__ import annotations

from iads.sensors.capacity import select_within_capacity
from iads.sensors.coverage import EngagementEnvelope, footprint, vertical_coverage
from iads.sensors.detection import (
    albersheim_snr_db,
    detection_probability,
    required_snr_db,
    shnidman_snr_db,
    threshold,
)
from iads.sensors.geometry import radar_horizon_m, range_azimuth_elevation
from iads.sensors.radar import Detections, RadarModel, look, observe
from iads.sensors.radar_equation import snr_db_physical, snr_db_reference
from iads.sensors.rcs import aspect_angle_rad, aspect_rcs_m2

__all__ = [
    "Detections",
    "EngagementEnvelope",
    "RadarModel",
    "albersheim_snr_db",
    "aspect_angle_rad",
    "aspect_rcs_m2",
    "detection_probability",
    "footprint",
    "look",
    "observe",
    "radar_horizon_m",
    "range_azimuth_elevation",
    "required_snr_db",
    "select_within_capacity",
    "shnidman_snr_db",
    "snr_db_physical",
    "snr_db_reference",
    "threshold",
    "vertical_coverage",
]
