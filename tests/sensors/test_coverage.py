"""Coverage: vertical diagram limits and horizontal footprints."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.scenario.equipment import RadarType
from iads.sensors import radar_horizon_m
from iads.sensors.coverage import (
    EngagementEnvelope,
    footprint,
    footprint_outline,
    guides_interceptors,
    vertical_coverage,
    vertical_outline,
)
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


def test_only_radars_that_guide_missiles_have_an_engagement_footprint():
    acquisition = RadarType(ref_range_m=1e5, instrumented_range_m=2e5, role="acquisition")
    engagement = RadarType(
        ref_range_m=1e5, instrumented_range_m=2e5, role="engagement", max_guided_missiles=12
    )
    assert not guides_interceptors(acquisition)
    assert guides_interceptors(engagement)
    # the role alone does not decide: a multifunction radar guiding nothing cannot engage
    assert not guides_interceptors(RadarType(ref_range_m=1e5, instrumented_range_m=2e5))


def _polygons(points):
    """Split a NaN-separated outline into its closed pieces."""
    breaks = np.flatnonzero(np.isnan(points[:, 0]))
    return np.split(points, breaks)


def test_sector_outline_is_a_wedge_closed_at_the_site_even_across_north():
    az = np.radians(np.arange(0.5, 360.0, 1.0))
    in_sector = (az < np.radians(45.0)) | (az > np.radians(315.0))  # boresight 0°, 90° wide
    hi = np.where(in_sector, 150e3, np.nan)
    lo = np.where(in_sector, 500.0, np.nan)
    ring = footprint_outline(az, lo, hi, site_radius_m=1000.0)
    (wedge,) = _polygons(ring)  # one wedge, not two pieces split at north
    np.testing.assert_array_equal(wedge[0], wedge[-1])  # closed
    r = np.hypot(wedge[:, 0], wedge[:, 1])
    at_site = r < 1e-6
    assert at_site.sum() == 1  # site -> arc -> site
    np.testing.assert_allclose(r[~at_site], 150e3)
    bearing = np.degrees(np.arctan2(wedge[~at_site, 0], wedge[~at_site, 1]))
    assert bearing.min() == pytest.approx(-45.0) and bearing.max() == pytest.approx(45.0)
    # the arc runs monotonically from one edge to the other, then to the site and back to
    # its start (no spiral, no jump)
    k = int(np.flatnonzero(at_site)[0])
    assert k == wedge.shape[0] - 2
    step = np.diff(np.unwrap(np.arctan2(wedge[:k, 0], wedge[:k, 1])))
    assert np.all((step > 0) & (step < np.radians(1.01)))


def test_annular_sector_and_full_ring_outlines():
    az = np.radians(np.arange(0.5, 360.0, 1.0))
    sector = (az > np.radians(90.0)) & (az < np.radians(180.0))
    piece = footprint_outline(
        az, np.where(sector, 5e3, np.nan), np.where(sector, 40e3, np.nan), 1000.0
    )
    r = np.hypot(piece[:, 0], piece[:, 1])
    assert set(np.round(r, 6)) == {5e3, 40e3}  # inner arc kept: the interceptor's min range
    np.testing.assert_array_equal(piece[0], piece[-1])
    full = footprint_outline(az, np.full(360, 3e3), np.full(360, 60e3), 1000.0)
    outer, inner = _polygons(full)
    inner = inner[1:]  # drop the NaN pen lift
    np.testing.assert_allclose(np.hypot(outer[:, 0], outer[:, 1]), 60e3)
    np.testing.assert_allclose(np.hypot(inner[:, 0], inner[:, 1]), 3e3)
    np.testing.assert_array_equal(outer[0], outer[-1])
    assert footprint_outline(az, np.full(360, np.nan), np.full(360, np.nan)).shape == (0, 2)


def test_vertical_outline_is_the_closed_covered_region():
    radar = _model()
    vc = vertical_coverage(radar, altitude_m=[0.0, 1000.0, 10_000.0, 200_000.0])
    r, h = vertical_outline(vc)
    assert np.isnan(vc.max_range_m[-1])  # 200 km up: never covered (elevation and range)
    assert h.max() == 10_000.0  # uncovered altitudes are left out
    assert (r[0], h[0]) == (r[-1], h[-1])
    np.testing.assert_allclose(r[:3], vc.min_range_m[:3])  # up the inner edge
    np.testing.assert_allclose(r[3:6], vc.max_range_m[:3][::-1])  # down the outer edge


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), min_size=12, max_size=12), st.integers(0, 359))
def test_outline_has_one_closed_polygon_per_run_of_covered_azimuths(cells, shift):
    """Random 30°-blocks of coverage rotated by ``shift`` degrees: one closed polygon per
    circular run, every vertex on the outer range, on the inner range or at the site."""
    covered_ = np.roll(np.repeat(cells, 30), shift)
    az = np.radians(np.arange(0.5, 360.0, 1.0))
    hi = np.where(covered_, 80e3, np.nan)
    lo = np.where(covered_, 6e3, np.nan)
    ring = footprint_outline(az, lo, hi, site_radius_m=1000.0)
    blocks = np.asarray(cells)
    if blocks.all():
        runs = 1
    else:
        runs = int(np.sum(blocks & ~np.roll(blocks, 1)))  # starts of circular runs
    pieces = [p[~np.isnan(p[:, 0])] for p in _polygons(ring)] if ring.size else []
    assert len(pieces) == (2 * runs if blocks.all() else runs)  # a full ring has its inner ring
    for piece in pieces:
        np.testing.assert_array_equal(piece[0], piece[-1])
        r = np.round(np.hypot(piece[:, 0], piece[:, 1]), 6)
        assert set(r) <= {6e3, 80e3}
