"""Horizon, slant geometry over a 4/3 earth, scan sectors."""

from __future__ import annotations

import numpy as np
import pymap3d
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymap3d.vincenty import vreckon

from iads.sensors import radar_horizon_m
from iads.sensors.geometry import (
    EFFECTIVE_EARTH_RADIUS_M,
    beam_azimuth_rad,
    earth_centre_m,
    height_and_ground_range,
    in_sector,
    in_swept_arc,
    in_swept_arc_en,
    line_of_sight,
    range_azimuth_elevation,
    slant_geometry,
    surface_to_enu,
    swept_arc,
    swept_arcs_flat,
)


@pytest.mark.parametrize("h1", [2.0, 10.0, 30.0])
@pytest.mark.parametrize("h2", [0.0, 25.0, 50.0, 100.0, 1000.0])
def test_horizon_rule_of_thumb(h1, h2):
    # Skolnik §8.2: R ≈ 4.12 km (sqrt(h1) + sqrt(h2)), heights in metres
    expected_m = 4120.0 * (np.sqrt(h1) + np.sqrt(h2))
    assert radar_horizon_m(h1, h2) == pytest.approx(expected_m, rel=0.002)


def test_horizon_broadcasts_and_grows():
    r = radar_horizon_m(np.array([[10.0], [20.0]]), np.array([0.0, 50.0, 10_000.0]))
    assert r.shape == (2, 3)
    assert np.all(np.diff(r, axis=1) > 0)
    assert np.all(r[1] > r[0])


def test_slant_geometry_zero_curvature_limit():
    # with an enormous earth the geometry is flat: R = hypot(d, dh), el = atan(dh / d)
    d, h1, h2 = 20_000.0, 10.0, 3000.0
    r, el = slant_geometry(d, h1, h2, effective_radius_m=1e15)
    assert r == pytest.approx(np.hypot(d, h2 - h1), rel=1e-9)
    assert el == pytest.approx(np.arctan2(h2 - h1, d), abs=1e-9)


def test_slant_geometry_matches_pymap3d_on_a_sphere():
    # on a true sphere (pymap3d with a spherical ellipsoid) the target's elevation from the
    # site equals our slant geometry with radius = earth radius
    ell = pymap3d.Ellipsoid(6_371_000.0, 6_371_000.0)
    lat0, lon0, h1 = 10.0, 20.0, 15.0
    d, h2 = 80_000.0, 2_000.0
    lat, lon = vreckon(lat0, lon0, d, 45.0, ell)
    az, el, srange = pymap3d.geodetic2aer(lat, lon, h2, lat0, lon0, h1, ell, deg=True)
    r, el_ours = slant_geometry(d, h1, h2, effective_radius_m=6_371_000.0)
    assert r == pytest.approx(srange, rel=1e-6)
    assert np.degrees(el_ours) == pytest.approx(el, abs=1e-5)
    assert az == pytest.approx(45.0, abs=0.5)


def test_grazing_ray_has_horizon_range():
    # a target exactly at the horizon of a ground-level antenna: the ray is tangent to the
    # effective earth at the radar, so the slant range is the horizon and the elevation is 0
    h2 = 1000.0
    a = EFFECTIVE_EARTH_RADIUS_M
    d = a * np.arccos(a / (a + h2))
    r, el = slant_geometry(d, 0.0, h2)
    assert r == pytest.approx(radar_horizon_m(0.0, h2), rel=1e-9)
    assert el == pytest.approx(0.0, abs=1e-9)
    assert line_of_sight(r * (1 - 1e-9), 0.0, h2)
    assert not line_of_sight(r * 1.001, 0.0, h2)


def test_range_azimuth_elevation_convention():
    site = np.array([100.0, 200.0, 0.0])
    offsets = np.array(
        [[0.0, 1000.0, 0.0], [1000.0, 0.0, 0.0], [0.0, -1000.0, 0.0], [-1000.0, 0.0, 1000.0]]
    )
    r, az, el = range_azimuth_elevation(site + offsets, site)
    np.testing.assert_allclose(np.degrees(az), [0.0, 90.0, 180.0, 270.0], atol=1e-9)
    np.testing.assert_allclose(np.degrees(el), [0.0, 0.0, 0.0, 45.0], atol=1e-9)
    np.testing.assert_allclose(r, [1000.0, 1000.0, 1000.0, 1000.0 * np.sqrt(2)])


def test_curved_enu_matches_pymap3d():
    # a point 150 km away at 2 km height, built on the sphere, against pymap3d's ENU of the
    # same geodetic point on a spherical "ellipsoid" of the same radius
    from iads.sensors.geometry import EARTH_RADIUS_M

    ell = pymap3d.Ellipsoid(EARTH_RADIUS_M, EARTH_RADIUS_M)
    lat0, lon0, alt0 = 30.0, 10.0, 120.0
    lat, lon = vreckon(lat0, lon0, 150e3, 60.0, ell)
    e, n, u = pymap3d.geodetic2enu(lat, lon, 2000.0, lat0, lon0, alt0, ell)
    p = surface_to_enu(150e3, np.radians(60.0), 2000.0, origin_alt_m=alt0)
    np.testing.assert_allclose(p, [e, n, u], atol=0.05)
    h, h0, ground = height_and_ground_range(p, np.zeros(3), earth_centre_m(alt0))
    assert h == pytest.approx(2000.0, abs=1e-6)
    assert h0 == pytest.approx(alt0, abs=1e-6)
    assert ground == pytest.approx(150e3, rel=1e-9)


@settings(deadline=None)
@given(st.floats(0, 360), st.floats(1, 360), st.floats(0, 360))
def test_in_sector_property(az_deg, width_deg, centre_deg):
    inside = in_sector(np.radians(az_deg), np.radians(centre_deg), np.radians(width_deg))
    diff = (az_deg - centre_deg + 180.0) % 360.0 - 180.0
    if abs(abs(diff) - width_deg / 2) > 1e-6:
        assert bool(inside) == (abs(diff) <= width_deg / 2 or width_deg >= 360)


def test_rotating_scan_covers_each_azimuth_once_per_period():
    period, dt = 4.0, 0.1
    az = np.radians(np.arange(0.0, 360.0, 0.37))
    hits = np.zeros(az.shape, dtype=int)
    first = np.full(az.shape, np.nan)
    for k in range(int(round(2 * period / dt))):
        t = k * dt
        for start, sweep in swept_arc(t, dt, period):
            seen = in_swept_arc(az, start, sweep)
            hits += seen
            first = np.where(seen & np.isnan(first), t, first)
    assert np.all(hits == 2)
    # azimuth θ is first seen when the beam reaches it: t ≈ θ / ω
    np.testing.assert_allclose(
        first, np.floor(az / (2 * np.pi) * period / dt + 1e-9) * dt, atol=dt + 1e-9
    )


def test_sector_scan_revisit_period():
    period, dt, width, bore = 2.0, 0.15, np.radians(90.0), np.radians(30.0)
    az = np.radians(np.linspace(-14.0, 74.0, 45))
    outside = np.radians(np.array([100.0, 200.0, 300.0]))
    times = [[] for _ in az]
    hits_outside = 0
    for k in range(int(round(6 * period / dt))):
        t = k * dt
        for start, sweep in swept_arc(t, dt, period, width, bore):
            seen = in_swept_arc(az, start, sweep)
            for i in np.flatnonzero(seen):
                times[i].append(t)
            hits_outside += int(in_swept_arc(outside, start, sweep).sum())
    assert hits_outside == 0
    for ts in times:
        revisits = np.diff(ts)
        assert len(ts) >= 5
        assert np.all(np.abs(revisits - period) <= dt + 1e-9)


def test_beam_azimuth_sector_sawtooth():
    bore, width, period = np.radians(90.0), np.radians(60.0), 3.0
    az = beam_azimuth_rad(np.array([0.0, 1.5, 2.999999, 3.0]), period, width, bore)
    np.testing.assert_allclose(np.degrees(az), [60.0, 90.0, 120.0, 60.0], atol=1e-3)


def test_swept_arc_from_east_north_matches_azimuth_test():
    rng = np.random.default_rng(np.random.SeedSequence(13))
    e, n = rng.normal(size=(2, 20_000)) * 1e5
    az = np.mod(np.arctan2(e, n), 2 * np.pi)
    for start, sweep in [(0.1, 0.05), (6.25, 0.2), (3.0, 3.0), (1.0, 4.0)]:
        np.testing.assert_array_equal(
            in_swept_arc_en(e, n, start, sweep), in_swept_arc(az, start % (2 * np.pi), sweep)
        )
    # consecutive narrow arcs of a rotating scan see every point exactly once per period
    hits = np.zeros(e.size, dtype=int)
    for k in range(40):
        for start, sweep in swept_arc(k * 0.1, 0.1, 4.0):
            hits += in_swept_arc_en(e, n, start, sweep)
    assert np.all(hits == 1)


def test_height_from_coordinates_is_height_above_earth_bit_for_bit():
    from iads.sensors.geometry import height_above_earth_enu_m, height_above_earth_m

    rng = np.random.default_rng(np.random.SeedSequence(1012))
    p = rng.uniform(-3e5, 3e5, (200, 3)) * [1.0, 1.0, 0.1]
    for origin in (0.0, 1234.5):
        want = height_above_earth_m(p, origin)
        got = height_above_earth_enu_m(p[:, 0], p[:, 1], p[:, 2], origin)
        assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("sector_deg", [360.0, 120.0, 30.0])
@pytest.mark.parametrize("dt_s", [0.1, 0.7, 2.5, 12.0])
def test_swept_arcs_flat_are_swept_arcs_bit_for_bit(sector_deg, dt_s):
    rng = np.random.default_rng(int(sector_deg + 10 * dt_s))
    period, width, bore = 6.0, np.radians(sector_deg), rng.uniform(0.0, 2 * np.pi)
    t = np.r_[np.arange(40) * dt_s, rng.uniform(0.0, 900.0, 60)]
    look, start, sweep = swept_arcs_flat(t, dt_s, period, width, bore)
    ref = [
        (k, a, w)
        for k, x in enumerate(t)
        for a, w in swept_arc(float(x), dt_s, period, width, bore)
    ]
    assert look.tolist() == [k for k, _, _ in ref]
    assert start.tolist() == [a for _, a, _ in ref]  # == on floats: the same bits
    assert sweep.tolist() == [w for _, _, w in ref]
