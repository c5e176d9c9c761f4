"""The compiled swept-arc test of ``looked_at`` against its NumPy form and a per-pair check."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iads.messages import Looks
from iads.scenario.equipment import RadarType
from iads.sensors.geometry import in_swept_arc
from iads.sensors.radar import RadarModel
from iads.tracking.system import looked_at


def _models():
    a = RadarType(ref_range_m=100e3, instrumented_range_m=150e3, scan_period_s=6.0)
    b = RadarType(ref_range_m=80e3, instrumented_range_m=120e3, min_range_m=20e3, scan_period_s=2.0)
    return {
        3: RadarModel.from_type(a, [0.0, 0.0, 0.0], sensor_id=3),
        8: RadarModel.from_type(b, [30e3, -10e3, 0.0], sensor_id=8),
    }


def _looks(rng, full_turn: bool) -> Looks:
    sid = np.array([3, 3, 8, 8, 8])
    start = rng.uniform(0.0, 2 * math.pi, sid.size)
    start[0] = 2 * math.pi - 0.05  # an arc across north
    sweep = rng.uniform(0.0, 1.5, sid.size)
    if full_turn:
        sweep[2] = 2 * math.pi
    n = sid.size
    return Looks(np.zeros(n), np.full(n, 0.5), sid, start, sweep)


def _reference(models, looks, pos):
    """Per (look, position): in its radar's range limits and in its arc (``in_swept_arc``)."""
    out = np.zeros(len(pos), dtype=bool)
    for k, p in enumerate(pos):
        for sid, start, sweep in zip(
            looks.sensor_id, looks.start_rad, looks.sweep_rad, strict=True
        ):
            m = models[int(sid)]
            d = p - m.antenna_pos_m
            r = float(np.linalg.norm(d))
            az = math.atan2(d[0], d[1]) % (2 * math.pi)
            if m.min_range_m <= r <= m.instrumented_range_m and in_swept_arc(az, start, sweep):
                out[k] = True
    return out


@pytest.mark.parametrize("full_turn", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_compiled_equals_numpy_and_the_per_pair_test(seed, full_turn):
    rng = np.random.default_rng(seed)
    models = _models()
    looks = _looks(rng, full_turn)
    pos = rng.uniform(-160e3, 160e3, (400, 3)) * np.array([1.0, 1.0, 0.05])
    pos[:3] = [[0.0, 0.0, 0.0], [30e3, 10e3, 0.0], [np.nan, 0.0, 0.0]]  # on an antenna, NaN
    fast = looked_at(models, looks, pos)
    slow = looked_at(models, looks, pos, compiled=False)
    assert np.array_equal(fast, slow)
    assert np.array_equal(fast, _reference(models, looks, pos))
    assert 20 < fast.sum() < 380  # both outcomes occur


def test_no_positions():
    rng = np.random.default_rng(0)
    assert looked_at(_models(), _looks(rng, False), np.empty((0, 3))).shape == (0,)
