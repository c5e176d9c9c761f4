"""Raid expansion: deterministic per seed, counts, windows and launch geometry respected."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pymap3d.vincenty import vdist

from iads.motion.raids import expand_raid
from iads.scenario.equipment import ThreatType
from iads.scenario.model import Scenario

TTYPE = ThreatType(kind="drone", speed_mps=50.0, rcs_front_m2=0.1)


def _scenario(raid: dict) -> Scenario:
    return Scenario.model_validate(
        {
            "name": "raids",
            "origin": {"lat_deg": -47.45, "lon_deg": -32.05},
            "duration_s": 100,
            "assets": [{"name": "Base", "position": {"lat_deg": -47.42, "lon_deg": -32.15}}],
            "raids": [raid],
        }
    )


AXIS = {
    "name": "R",
    "type": "x",
    "count": 25,
    "target": "Base",
    "axis": {"bearing_deg": 350, "spread_deg": 40, "distance_m": 60_000},
    "launch_window_s": [30, 90],
    "ingress": [{"lat_deg": -47.0, "lon_deg": -32.3}],
}


def _plans(raid: dict, seed: int):
    sc = _scenario(raid)
    return expand_raid(sc.raids[0], sc, TTYPE, np.random.default_rng(seed))


def test_same_seed_same_plans_other_seed_other_plans():
    a, b, c = _plans(AXIS, 5), _plans(AXIS, 5), _plans(AXIS, 6)
    assert [p.launch_time_s for p in a] == [p.launch_time_s for p in b]
    np.testing.assert_array_equal(np.array([p.lat_deg for p in a]), [p.lat_deg for p in b])
    assert [p.launch_time_s for p in a] != [p.launch_time_s for p in c]


def test_axis_counts_window_distance_and_bearing():
    plans = _plans(AXIS, 3)
    assert len(plans) == 25
    assert len({p.name for p in plans}) == 25
    t = np.array([p.launch_time_s for p in plans])
    assert np.all((t >= 30) & (t <= 90)) and np.all(np.diff(t) >= 0)
    for p in plans:
        assert p.lat_deg.size == 3  # launch, ingress point, target
        assert (p.lat_deg[1], p.lon_deg[1]) == (-47.0, -32.3)
        assert (p.lat_deg[-1], p.lon_deg[-1]) == (-47.42, -32.15)
        d, az = vdist(-47.42, -32.15, p.lat_deg[0], p.lon_deg[0])
        assert float(d) == pytest.approx(60_000.0, abs=1e-3)
        off = (float(az) - 350 + 180) % 360 - 180
        assert abs(off) <= 20.0 + 1e-9
        np.testing.assert_allclose(p.leg_speed_mps, 50.0)


def test_launch_area_disc_and_single_launch_time():
    raid = {
        "name": "A",
        "type": "x",
        "count": 200,
        "target": "Base",
        "launch_area": {"center": {"lat_deg": -46.9, "lon_deg": -31.9}, "radius_m": 5_000},
        "speed_mps": 70.0,
    }
    plans = _plans(raid, 11)
    d = np.array([float(vdist(-46.9, -31.9, p.lat_deg[0], p.lon_deg[0])[0]) for p in plans])
    assert d.max() <= 5_000.0 + 1e-6
    # uniform in a disc: P(r < R / 2) = 1/4; 200 draws, 5 sigma band
    frac = np.mean(d < 2_500.0)
    assert abs(frac - 0.25) < 5 * math.sqrt(0.25 * 0.75 / 200)
    assert {p.launch_time_s for p in plans} == {0.0}
    assert plans[0].leg_speed_mps[0] == 70.0
