"""Altitude profiles: heights held, pop-up and dive geometry against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pymap3d.vincenty import vdist

from iads.geo import Origin, enu_to_geodetic
from iads.motion.profiles import POPUP_CLIMB_RAD, profile_altitude_m
from iads.motion.route import plan_route
from iads.motion.trajectory import build_trajectory
from iads.scenario.model import (
    CruiseProfile,
    DiveProfile,
    PopupProfile,
    SeaSkimmingProfile,
    TerrainFollowingProfile,
)

START = (-46.9, -31.4)
TARGET = (-47.42, -32.15)
ORIGIN = Origin(-47.45, -32.05, 0.0)


def _fly(profile):
    path = plan_route(
        np.array([START[0], TARGET[0]]), np.array([START[1], TARGET[1]]), np.array([245.0]), 30.0
    )
    return build_trajectory(path, 0.0, ORIGIN, profile)


def _to_go(tr) -> np.ndarray:
    return np.array(
        [
            float(vdist(la, lo, *TARGET)[0])
            if abs(la - TARGET[0]) + abs(lo - TARGET[1]) > 1e-12
            else 0.0
            for la, lo in zip(tr.lat_deg, tr.lon_deg, strict=True)
        ]
    )


@pytest.mark.parametrize(
    "profile,height_m",
    [
        (CruiseProfile(altitude_m=120.0), 120.0),
        (SeaSkimmingProfile(kind="sea_skimming"), 10.0),
        (TerrainFollowingProfile(kind="terrain_following", clearance_m=60.0), 60.0),
    ],
)
def test_level_profiles_hold_their_height(profile, height_m):
    tr = _fly(profile)
    np.testing.assert_allclose(tr.alt_m, height_m, atol=1e-6)
    # between nodes too (geodetic height of the interpolated ENU point)
    mid = 0.5 * (tr.pos_m[:-1] + tr.pos_m[1:])
    _, _, alt = enu_to_geodetic(mid, ORIGIN)
    np.testing.assert_allclose(alt, height_m, atol=0.25)


def test_popup_climbs_at_popup_range_then_dives_onto_the_target():
    prof = PopupProfile(
        kind="popup", altitude_m=30.0, popup_altitude_m=1_500.0, popup_range_m=15_000.0
    )
    tr = _fly(prof)
    to_go = _to_go(tr)
    low = to_go > 15_000.0 + 1.0
    np.testing.assert_allclose(tr.alt_m[low], 30.0, atol=1e-6)
    apex_to_go = 15_000.0 - (1_500.0 - 30.0) / math.tan(POPUP_CLIMB_RAD)
    i_apex = int(np.argmax(tr.alt_m))
    assert tr.alt_m[i_apex] == pytest.approx(1_500.0, abs=1e-6)
    assert to_go[i_apex] == pytest.approx(apex_to_go, abs=1.0)
    i_start = int(np.argmin(np.abs(to_go - 15_000.0)))
    assert to_go[i_start] == pytest.approx(15_000.0, abs=1.0)
    assert tr.alt_m[i_start] == pytest.approx(30.0, abs=1e-6)
    # climb at 30 degrees: height gained over ground covered
    climb = (tr.alt_m[i_apex] - tr.alt_m[i_start]) / (to_go[i_start] - to_go[i_apex])
    assert climb == pytest.approx(math.tan(POPUP_CLIMB_RAD), rel=1e-3)
    assert tr.alt_m[-1] == pytest.approx(0.0, abs=1e-9)
    assert to_go[-1] == pytest.approx(0.0, abs=1e-3)


def test_dive_starts_at_dive_range_and_reaches_the_target():
    prof = DiveProfile(kind="dive", altitude_m=3_000.0, dive_range_m=8_000.0)
    tr = _fly(prof)
    to_go = _to_go(tr)
    np.testing.assert_allclose(tr.alt_m[to_go > 8_001.0], 3_000.0, atol=1e-6)
    diving = to_go < 7_999.0
    np.testing.assert_allclose(tr.alt_m[diving], 3_000.0 * to_go[diving] / 8_000.0, atol=0.5)
    assert tr.alt_m[-1] == pytest.approx(0.0, abs=1e-9)
    # the end point is the target's ground point
    lat, lon, alt = enu_to_geodetic(tr.pos_m[-1], ORIGIN)
    assert float(vdist(lat[0], lon[0], *TARGET)[0]) < 1e-3
    assert alt[0] == pytest.approx(0.0, abs=1e-3)


def test_profile_function_closed_forms():
    prof = DiveProfile(kind="dive", altitude_m=2_000.0, dive_range_m=4_000.0)
    np.testing.assert_allclose(
        profile_altitude_m(prof, [0.0, 2_000.0, 4_000.0, 9e5]), [0.0, 1_000.0, 2_000.0, 2_000.0]
    )
