"""Routes: geodesic legs (checked with pymap3d's Vincenty), coordinated turns (closed forms)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pymap3d.vincenty import vdist

from iads.geo import Origin, enu_to_geodetic
from iads.motion.route import plan_route, plan_routes
from iads.motion.trajectory import build_trajectory
from iads.scenario.model import CruiseProfile

ORIGIN = Origin(-47.45, -32.05, 0.0)


def _heading(p: np.ndarray) -> np.ndarray:
    d = np.diff(p[:, :2], axis=0)
    return np.unwrap(np.arctan2(d[:, 0], d[:, 1]))


def test_straight_leg_stays_on_the_geodesic_at_the_leg_speed():
    a, b = (-46.8, -31.2), (-47.45, -32.05)
    path = plan_route(np.array([a[0], b[0]]), np.array([a[1], b[1]]), np.array([245.0]), 30.0)
    tr = build_trajectory(path, 10.0, ORIGIN, CruiseProfile(altitude_m=50.0))
    total = float(vdist(*a, *b)[0])
    assert path.length_m == pytest.approx(total, abs=1e-3)
    for i in range(1, tr.t_s.size - 1, 5):
        d1 = float(vdist(*a, tr.lat_deg[i], tr.lon_deg[i])[0])
        d2 = float(vdist(tr.lat_deg[i], tr.lon_deg[i], *b)[0])
        assert d1 + d2 - total == pytest.approx(0.0, abs=1e-3)  # no cross-track excursion
        assert d1 == pytest.approx(245.0 * (tr.t_s[i] - 10.0), abs=1e-3)  # ground speed
    # midway between nodes too: interpolated ENU position back to geodetic
    mid = 0.5 * (tr.pos_m[3] + tr.pos_m[4])
    lat, lon, alt = enu_to_geodetic(mid, ORIGIN)
    d1 = float(vdist(*a, lat[0], lon[0])[0])
    d2 = float(vdist(lat[0], lon[0], *b)[0])
    assert d1 + d2 - total < 0.05
    assert alt[0] == pytest.approx(50.0, abs=0.2)  # polyline sag, see route.DEFAULT_STEP_M
    assert tr.t_s[-1] - 10.0 == pytest.approx(total / 245.0, rel=1e-9)


@pytest.mark.parametrize("speed_mps,accel_mps2", [(245.0, 30.0), (50.0, 10.0)])
def test_coordinated_turn_rate_is_a_over_v_and_never_exceeds_the_limit(speed_mps, accel_mps2):
    # a right turn of about 90 degrees at the middle waypoint
    lat = np.array([-47.6, -47.3, -47.3])
    lon = np.array([-32.0, -32.0, -31.55])
    path = plan_route(lat, lon, np.array([speed_mps, speed_mps]), accel_mps2)
    assert path.tight_turns == 0
    tr = build_trajectory(path, 0.0, Origin(-47.3, -32.0), CruiseProfile(altitude_m=100.0))
    psi = _heading(tr.pos_m)
    rate = np.diff(psi) / np.diff(tr.t_s[:-1])
    on_arc = np.abs(rate) > 1e-3
    assert on_arc.sum() >= 20
    # omega = a / v between chords on the arc; the chords joining arc and legs turn by half
    # a step, so the rate is never above a / v anywhere
    np.testing.assert_allclose(rate[on_arc][1:-1], accel_mps2 / speed_mps, rtol=1e-3)
    assert np.max(np.abs(rate)) <= accel_mps2 / speed_mps * 1.001
    total_turn = psi[-1] - psi[0]
    assert total_turn == pytest.approx(math.radians(90), abs=math.radians(1.0))
    # lateral acceleration from the circumradius of consecutive nodes: v^2 / R <= a_max
    p = tr.pos_m[:, :2]
    a_, b_, c_ = p[:-2], p[1:-1], p[2:]
    ab, bc, ca = (np.linalg.norm(x, axis=1) for x in (b_ - a_, c_ - b_, a_ - c_))
    u, w = b_ - a_, c_ - a_
    cross = np.abs(u[:, 0] * w[:, 1] - u[:, 1] * w[:, 0])
    with np.errstate(divide="ignore"):
        radius = ab * bc * ca / (2 * cross)
    lateral = speed_mps**2 / radius
    assert np.max(lateral) <= accel_mps2 * 1.005
    assert np.max(lateral) == pytest.approx(accel_mps2, rel=0.01)


def test_turn_too_tight_for_its_legs_is_flagged():
    lat = np.array([-47.30, -47.29, -47.29])
    lon = np.array([-32.0, -32.0, -31.98])
    path = plan_route(lat, lon, np.array([245.0, 245.0]), 20.0)
    assert path.tight_turns == 1


def test_speed_changes_per_leg():
    lat = np.array([-47.0, -47.2, -47.4])
    lon = np.array([-32.0, -32.0, -32.0])
    path = plan_route(lat, lon, np.array([100.0, 200.0]), 20.0)
    tr = build_trajectory(path, 0.0, ORIGIN, waypoint_alt_m=np.array([1000.0, 1000.0, 500.0]))
    d1 = float(vdist(lat[0], lon[0], lat[1], lon[1])[0])
    d2 = float(vdist(lat[1], lon[1], lat[2], lon[2])[0])
    assert tr.t_s[-1] == pytest.approx(d1 / 100.0 + d2 / 200.0, rel=1e-6)
    assert tr.alt_m[-1] == pytest.approx(500.0, abs=1e-6)
    i = np.argmin(np.abs(tr.t_s - d1 / 100.0))
    assert tr.alt_m[i] == pytest.approx(1000.0, abs=1e-3)


def test_batched_routes_equal_route_by_route():
    routes = [
        (np.array([-47.6, -47.3, -47.3]), np.array([-32.0, -32.0, -31.55]), np.array([245.0] * 2)),
        (np.array([-46.8, -47.45]), np.array([-31.2, -32.05]), np.array([50.0])),
        (
            np.array([-46.8, -47.0, -47.2, -47.1, -47.45]),
            np.array([-31.2, -31.9, -31.7, -32.3, -32.05]),
            np.array([245.0, 200, 150, 100]),
        ),
    ]
    accel = np.array([30.0, 10.0, 20.0])
    batched = plan_routes(
        [r[0] for r in routes], [r[1] for r in routes], [r[2] for r in routes], accel
    )
    for r, a_max, b in zip(routes, accel, batched, strict=True):
        one = plan_route(*r, float(a_max))
        for name in ("lat_deg", "lon_deg", "s_m", "speed_mps", "waypoint_s_m"):
            np.testing.assert_allclose(getattr(b, name), getattr(one, name), rtol=0, atol=1e-9)


def test_path_length_with_a_turn_is_legs_minus_the_cut_corner():
    # fillet of radius r = v^2 / a cutting a corner of heading change dpsi:
    # L = d1 + d2 - 2 r tan(dpsi / 2) + r dpsi
    lat = np.array([-47.0, -47.4, -47.1])
    lon = np.array([-31.5, -31.9, -32.4])
    v, a = 245.0, 30.0
    path = plan_route(lat, lon, np.array([v, v]), a)
    d1, az_a = (float(x) for x in vdist(lat[0], lon[0], lat[1], lon[1]))
    d2, az_b = (float(x) for x in vdist(lat[1], lon[1], lat[2], lon[2]))
    _, back = (float(x) for x in vdist(lat[1], lon[1], lat[0], lon[0]))
    dpsi = math.radians((az_b - (back + 180.0) + 180.0) % 360.0 - 180.0)
    r = v**2 / a
    expected = d1 + d2 - 2 * r * math.tan(abs(dpsi) / 2) + r * abs(dpsi)
    assert path.length_m == pytest.approx(expected, abs=0.5)
    assert path.waypoint_s_m[1] == pytest.approx(
        d1 - r * math.tan(abs(dpsi) / 2) + 0.5 * r * abs(dpsi), abs=0.5
    )
