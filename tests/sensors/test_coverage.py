"""Coverage: vertical diagram limits and horizontal footprints."""

from __future__ import annotations

import numpy as np
import pytest

from iads.scenario.equipment import RadarType
from iads.sensors import radar_horizon_m
from iads.sensors.coverage import EngagementEnvelope, footprint, vertical_coverage
from iads.sensors.detection import required_snr_db
from iads.sensors.radar import RadarModel
from iads.sensors.radar_equation import detection_range_m


def _model(**kw) -> RadarModel:
    fields = dict(
        ref_range_m=150e3, instrumented_range_m=400e3, antenna_height_m=10.0, max_elevation_deg=60.0
    )
    fields.update(kw)
    return RadarModel.from_type(RadarType(**fields), [0.0, 0.0, 0.0], boresight_deg=0.0)


def test_vertical_coverage_limits():
    radar = _model()
    vc = vertical_coverage(
        radar, rcs_m2=1.0, pd=0.9, altitude_m=[25.0, 100.0, 10_000.0], range_step_m=50.0
    )
    # low: horizon-limited (4/3 earth); high: the reference range (1 m², Pd 0.9, Swerling 1)
    np.testing.assert_allclose(vc.max_range_m[:2], radar_horizon_m(10.0, [25.0, 100.0]), atol=60.0)
    assert vc.max_range_m[2] == pytest.approx(150e3, abs=60.0)
    # cone of silence: at 10 km altitude nothing above 60° elevation -> min slant ~ h/sin 60°
    assert vc.min_range_m[2] == pytest.approx(10e3 / np.sin(np.radians(60.0)), rel=0.01)


def test_vertical_coverage_scales_with_rcs_and_pd():
    radar = _model(instrumented_range_m=1000e3)
    alt = [20_000.0]
    r1 = vertical_coverage(radar, 1.0, 0.9, altitude_m=alt, range_step_m=50).max_range_m[0]
    r16 = vertical_coverage(radar, 16.0, 0.9, altitude_m=alt, range_step_m=50).max_range_m[0]
    assert r16 / r1 == pytest.approx(2.0, rel=0.002)  # R ∝ σ^(1/4)
    r05 = vertical_coverage(radar, 1.0, 0.5, altitude_m=alt, range_step_m=50).max_range_m[0]
    need = required_snr_db([0.9, 0.5], 1e-6, 1, 1)
    expected = detection_range_m(radar.snr_constant_db, 1.0, need[1])
    assert r05 == pytest.approx(expected, abs=60.0)


def test_footprint_sector_and_engagement():
    radar = RadarModel.from_type(
        RadarType(
            ref_range_m=100e3, instrumented_range_m=200e3, scan="sector", sector_width_deg=120.0
        ),
        [0.0, 0.0, 0.0],
        boresight_deg=90.0,
    )
    env = EngagementEnvelope((0.0, 0.0, 0.0), 3e3, 40e3, 10.0, 20e3)
    fp = footprint(radar, 1000.0, rcs_m2=1.0, pd=0.9, envelope=env)
    assert fp.detect.shape == (360, 200)
    az = np.degrees(fp.azimuth_rad)
    inside = (az > 30.0) & (az < 150.0)
    assert fp.detect[inside].any(axis=1).all()
    assert not fp.detect[(az < 29.0) | (az > 151.0)].any()
    assert np.nanmax(fp.detect_max_m) == pytest.approx(
        min(100e3, float(radar_horizon_m(radar.antenna_alt_m, 1000.0))), abs=1000.0
    )
    assert np.nanmax(fp.engage_max_m) == pytest.approx(40e3 - 500.0, abs=1000.0)
    assert np.all(fp.engage <= fp.detect)


def test_model_detection_range_matches_reference_range():
    radar = _model()
    assert radar.detection_range_m(1.0, 0.9, 1) == pytest.approx(150e3, rel=1e-6)
    assert radar.detection_range_m(16.0, 0.9, 1) == pytest.approx(300e3, rel=1e-6)
