"""The built-in radar types make physical sense to the sensor models."""

from __future__ import annotations

import pytest

from iads.scenario.load import builtin_catalog
from iads.sensors.radar import RadarModel

RADARS = builtin_catalog().radars


@pytest.mark.parametrize("name", sorted(RADARS))
def test_radar_type_is_consistent(name):
    rt = RADARS[name]
    model = RadarModel.from_type(rt, [0.0, 0.0, 0.0])
    # a 1 m^2 target is detected inside the instrumented range; engaged <= tracked
    assert model.detection_range_m(1.0, 0.9, 1) < rt.instrumented_range_m
    assert rt.max_engaged_targets <= rt.max_tracks
    assert rt.max_guided_missiles >= rt.max_engaged_targets or rt.max_guided_missiles == 0
    # the angle-error floor is a fraction of a beamwidth
    assert rt.sigma_angle_floor_deg < rt.beamwidth_az_deg
    for field in ("ref_range_m", "instrumented_range_m", "scan_period_s", "beamwidth_az_deg"):
        if getattr(rt, field) is not None:
            assert field in rt.sources, f"{name}.{field} has no source"
