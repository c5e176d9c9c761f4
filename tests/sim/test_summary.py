"""Summary figures worked by hand: first-detection range and double engagements."""

from types import SimpleNamespace

import numpy as np

from iads.sim.summary import _first_detect_range_m, double_engagements


def _events(rows):
    """Event columns from (time_s, kind, entity_id, x, y, z) rows."""
    t, kind, ent, x, y, z = zip(*rows, strict=True)
    return {
        "time_s": np.array(t, float),
        "kind": np.array(kind, dtype=object),
        "entity_id": np.array(ent, np.int64),
        "x_m": np.array(x, float),
        "y_m": np.array(y, float),
        "z_m": np.array(z, float),
    }


def test_first_detection_range_is_to_the_target_at_the_earliest_detection():
    world = SimpleNamespace(
        threats=SimpleNamespace(target_asset=np.array([0, 1, -1, 0])),
        assets=SimpleNamespace(pos_m=np.array([[0.0, 0, 0], [1000.0, 0, 0]])),
    )
    events = _events(
        [
            (20.0, "detect", 0, 3000, 4000, 0),  # later detection, by another radar
            (10.0, "detect", 0, 6000, 8000, 0),  # first: 10 km from asset 0
            (5.0, "track", 1, 0, 0, 0),
            (12.0, "detect", 1, 1000, 0, 500),  # 500 m above asset 1
            (3.0, "detect", 2, 5, 5, 5),  # no target asset
        ]
    )
    out = _first_detect_range_m(world, events, 4)
    np.testing.assert_allclose(out[:2], [10_000.0, 500.0])
    assert np.isnan(out[2]) and np.isnan(out[3])


def test_double_engagement_needs_two_batteries_in_the_air_together():
    eng = {
        "threat_id": np.array([0, 0, 1, 1, 2, 2, -1]),
        "battery": np.array(["A", "B", "A", "B", "A", "A", "B"], dtype=object),
        "launch_time_s": np.array([0.0, 5.0, 0.0, 30.0, 0.0, 1.0, 0.0]),
        "outcome_time_s": np.array([20.0, 25.0, 20.0, 50.0, np.nan, 9.0, 9.0]),
    }
    # threat 0 overlaps (5 < 20); threat 1 is sequential; threat 2 is one battery's salvo
    assert double_engagements(eng) == 1
    eng["outcome_time_s"][2] = np.nan  # A's round at threat 1 flies on to the end
    assert double_engagements(eng) == 2
