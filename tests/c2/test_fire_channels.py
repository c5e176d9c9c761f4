"""Radar coverage for fire control: range, sector and the 4/3-earth radar horizon."""

from types import SimpleNamespace

import numpy as np

from iads.c2.fire_channels import radar_covers
from iads.scenario.load import builtin_catalog
from iads.sensors.geometry import surface_to_enu


def radar(boresight_deg=0.0, **update):
    rtype = builtin_catalog().radars["Sentinel-class"].model_copy(update=update)
    return SimpleNamespace(
        pos_m=np.array([0.0, 0.0, 10.0]), type=rtype, boresight_rad=np.radians(boresight_deg)
    )


def test_horizon_against_the_tangent_rule():
    # 4/3 earth horizon for antenna 10 m, target 15 m: sqrt(2 a h1) + sqrt(2 a h2) ~ 29 km
    a = 4.0 / 3.0 * 6_371_008.8
    horizon = np.sqrt(2 * a * 10) + np.sqrt(2 * a * 15)
    ground = np.array([0.9, 1.1]) * horizon
    pts = surface_to_enu(ground, np.zeros(2), np.full(2, 15.0))
    ok = radar_covers(radar(instrumented_range_m=200e3, min_elevation_deg=-5.0), pts)
    np.testing.assert_array_equal(ok, [True, False])


def test_range_and_sector():
    r = radar(
        boresight_deg=90.0,
        scan="sector",
        sector_width_deg=90.0,
        instrumented_range_m=50e3,
        min_elevation_deg=-5.0,
    )
    pts = np.array([[20e3, 0.0, 3e3], [-20e3, 0.0, 3e3], [60e3, 0.0, 3e3], [20e3, 19e3, 3e3]])
    np.testing.assert_array_equal(radar_covers(r, pts), [True, False, False, True])
