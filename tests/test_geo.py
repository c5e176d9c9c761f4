"""Geodesy against pymap3d (reference) and published worked examples."""

from __future__ import annotations

import math

import numpy as np
import pymap3d
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymap3d.vincenty import vdist, vreckon

from iads.geo import (
    MEAN_EARTH_RADIUS_M,
    Origin,
    azimuth_elevation_range,
    ecef_to_geodetic,
    enu_to_geodetic,
    geodesic_direct,
    geodesic_inverse,
    geodesic_points,
    geodetic_to_enu,
)

ORIGIN = Origin(-47.45, -32.05, 12.0)


def _dms(d: float, m: float, s: float) -> float:
    return math.copysign(abs(d) + m / 60 + s / 3600, d)


def test_enu_matches_pymap3d_pointwise_and_round_trips():
    rng = np.random.default_rng(1)
    lat = ORIGIN.lat_deg + rng.uniform(-2, 2, 50)
    lon = ORIGIN.lon_deg + rng.uniform(-3, 3, 50)
    alt = rng.uniform(0, 20_000, 50)
    enu = geodetic_to_enu(lat, lon, alt, ORIGIN)
    for i in range(0, 50, 7):
        ref = pymap3d.geodetic2enu(lat[i], lon[i], alt[i], *vars(ORIGIN).values())
        np.testing.assert_allclose(enu[i], ref, atol=1e-6)
    back = enu_to_geodetic(enu, ORIGIN)
    np.testing.assert_allclose(back[0], lat, atol=1e-9)
    np.testing.assert_allclose(back[1], lon, atol=1e-9)
    np.testing.assert_allclose(back[2], alt, atol=1e-4)


def test_ecef_to_geodetic_inverts_pymap3ds_forward_transform():
    # geodetic -> ECEF is closed form in pymap3d; the inverse (Heikkinen) must recover the
    # point, from below sea level to 300 km, at every latitude (pymap3d's own inverse is good
    # to about 1e-9 deg)
    rng = np.random.default_rng(4)
    lat = np.r_[rng.uniform(-89.99, 89.99, 5000), -90.0, 90.0, 0.0]
    lon = np.r_[rng.uniform(-180, 180, 5000), 10.0, -170.0, 180.0]
    alt = np.r_[rng.uniform(-500, 3e5, 5000), 0.0, 1e4, -100.0]
    x, y, z = pymap3d.geodetic2ecef(lat, lon, alt)
    got = ecef_to_geodetic(x, y, z)
    np.testing.assert_allclose(got[0], lat, atol=1e-11)
    np.testing.assert_allclose(((got[1] - lon + 180) % 360) - 180, 0.0, atol=1e-11)
    np.testing.assert_allclose(got[2], alt, atol=1e-6)
    ref = pymap3d.ecef2geodetic(x.copy(), y.copy(), z.copy())
    np.testing.assert_allclose(got[0], ref[0], atol=1e-8)
    np.testing.assert_allclose(got[2], ref[2], atol=1e-6)


def test_enu_to_geodetic_far_from_the_origin_matches_pymap3d():
    rng = np.random.default_rng(5)
    enu = np.column_stack(
        [rng.uniform(-1e6, 1e6, 2000), rng.uniform(-1e6, 1e6, 2000), rng.uniform(-1e5, 2e5, 2000)]
    )
    got = enu_to_geodetic(enu, ORIGIN)
    ref = pymap3d.enu2geodetic(*(enu[:, k].copy() for k in range(3)), *vars(ORIGIN).values())
    np.testing.assert_allclose(got[0], ref[0], atol=1e-8)
    np.testing.assert_allclose(got[1], ref[1], atol=1e-11)
    np.testing.assert_allclose(got[2], ref[2], atol=1e-6)
    lat, lon, alt = enu_to_geodetic(enu[0], ORIGIN)  # one point: (1,) each
    assert lat.shape == lon.shape == alt.shape == (1,)


def test_inputs_are_not_mutated():
    enu = np.array([[1e-12, 5.0, -1e-13], [100.0, 0.0, 0.0]])
    keep = enu.copy()
    enu_to_geodetic(enu, ORIGIN)
    azimuth_elevation_range(enu)
    np.testing.assert_array_equal(enu, keep)


def test_far_point_at_constant_height_lies_below_the_tangent_plane():
    # closed form on a sphere: drop = d^2 / (2 R) for d << R
    origin = Origin(0.0, 0.0, 0.0)
    d_m = 300_000.0
    lat, lon = geodesic_direct(0.0, 0.0, d_m, math.pi / 2)
    z = geodetic_to_enu(lat, lon, 0.0, origin)[0, 2]
    assert z < 0
    assert z == pytest.approx(-(d_m**2) / (2 * MEAN_EARTH_RADIUS_M), rel=0.02)


def test_vincenty_worked_example_flinders_peak_to_buninyong():
    # Vincenty (1975) / Geoscience Australia worked example (GRS80 ~ WGS-84 to < 1 mm here):
    # distance 54,972.271 m, forward azimuth 306 52' 05.37"
    lat1, lon1 = _dms(-37, 57, 3.72030), _dms(144, 25, 29.52440)
    lat2, lon2 = _dms(-37, 39, 10.15610), _dms(143, 55, 35.38390)
    dist, az1, _ = geodesic_inverse(lat1, lon1, lat2, lon2)
    assert float(dist) == pytest.approx(54_972.271, abs=2e-3)
    assert math.degrees(float(az1)) % 360 == pytest.approx(_dms(306, 52, 5.37), abs=1e-4)


def test_inverse_matches_pymap3d_vdist_and_direct_inverts_it():
    rng = np.random.default_rng(7)
    lat1 = rng.uniform(-70, 70, 30)
    lon1 = rng.uniform(-180, 180, 30)
    lat2 = np.clip(lat1 + rng.uniform(-10, 10, 30), -89, 89)
    lon2 = (lon1 + rng.uniform(-10, 10, 30) + 180) % 360 - 180
    dist, az1, az2 = geodesic_inverse(lat1, lon1, lat2, lon2)
    for i in range(30):  # pymap3d's vdist, one pair at a time (its scalar form is the reference)
        ref_d, ref_az = vdist(lat1[i], lon1[i], lat2[i], lon2[i])
        assert dist[i] == pytest.approx(float(ref_d), abs=1e-3)
        assert math.degrees(az1[i]) % 360 == pytest.approx(float(ref_az) % 360, abs=1e-7)
    la, lo = geodesic_direct(lat1, lon1, dist, az1)
    np.testing.assert_allclose(la, lat2, atol=1e-9)
    np.testing.assert_allclose((lo - lon2 + 180) % 360 - 180, 0, atol=1e-9)
    # arrival azimuth: the back azimuth from point 2 reversed
    _, back, _ = geodesic_inverse(lat2, lon2, lat1, lon1)
    np.testing.assert_allclose(np.cos(az2 - back - np.pi), 1.0, atol=1e-12)


def test_geodesic_points_lie_on_the_geodesic():
    total = float(vdist(-47.0, -31.0, -48.5, -33.0)[0])
    s = np.linspace(0, total, 11)
    lat, lon = geodesic_points(-47.0, -31.0, -48.5, -33.0, s)
    for la, lo, si in zip(lat, lon, s, strict=True):
        a = float(vdist(-47.0, -31.0, la, lo)[0]) if si > 0 else 0.0
        b = float(vdist(la, lo, -48.5, -33.0)[0]) if si < total else 0.0
        assert a == pytest.approx(si, abs=1e-3)
        assert a + b == pytest.approx(total, abs=1e-3)
    ref = vreckon(-47.0, -31.0, 100_000.0, float(vdist(-47.0, -31.0, -48.5, -33.0)[1]))
    lat1, lon1 = geodesic_points(-47.0, -31.0, -48.5, -33.0, np.array([100_000.0]))
    assert lat1[0] == pytest.approx(float(np.ravel(ref[0])[0]), abs=1e-9)
    ref_lon = (float(np.ravel(ref[1])[0]) + 180.0) % 360.0 - 180.0
    assert lon1[0] == pytest.approx(ref_lon, abs=1e-9)
    assert -180.0 <= lon.min() and lon.max() < 180.0


def test_azimuth_is_clockwise_from_north():
    az, el, rng = azimuth_elevation_range(np.array([[1.0, 0, 0], [0, 1.0, 0], [-1.0, 0, 1.0]]))
    np.testing.assert_allclose(az, [math.pi / 2, 0.0, 1.5 * math.pi])
    np.testing.assert_allclose(el, [0, 0, math.pi / 4])
    np.testing.assert_allclose(rng, [1, 1, math.sqrt(2)])


@settings(max_examples=40, deadline=None)
@given(
    lat=st.floats(-80, 80),
    lon=st.floats(-180, 179.999),
    dist=st.floats(1.0, 2e6),
    az=st.floats(-math.pi, math.pi),
)
def test_direct_then_inverse_returns_distance_and_azimuth(lat, lon, dist, az):
    lat2, lon2 = geodesic_direct(lat, lon, dist, az)
    d, az1, _ = geodesic_inverse(lat, lon, lat2, lon2)
    assert float(d) == pytest.approx(dist, abs=1e-3)
    assert math.cos(float(az1) - az) == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-3, 3), st.floats(-3, 3), st.floats(0, 30_000)), min_size=1, max_size=6
    )
)
def test_batched_enu_equals_looped(points):
    lat = ORIGIN.lat_deg + np.array([p[0] for p in points])
    lon = ORIGIN.lon_deg + np.array([p[1] for p in points])
    alt = np.array([p[2] for p in points])
    batched = geodetic_to_enu(lat, lon, alt, ORIGIN)
    looped = np.vstack(
        [geodetic_to_enu(a, b, c, ORIGIN) for a, b, c in zip(lat, lon, alt, strict=True)]
    )
    np.testing.assert_allclose(batched, looped, rtol=0, atol=1e-9)
