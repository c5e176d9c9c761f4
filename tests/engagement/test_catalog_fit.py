"""Catalog fit: the converged fly-out reaches each type's published range and speed.

Published figures: REFERENCE_FIGURES.md and the catalog's sources (48N6 ~250 km, 40N6 ~380 km,
9M96E2 ~120 km at ~1 km/s, PAC-2 GEM-T ~160 km, PAC-3 MSE ~60 km, AMRAAM (surface-launched)
~30 km). Condition (the documented one, docs/engagement.md "Catalog fit"): a stationary
intercept point at 10 km altitude due north of a sea-level launcher; reached means a closest
approach faster than ``min_speed_mps``. Tolerance: the point at 0.95 x the published range is
reached and the one at 1.05 x is not (reach within 5 %); the peak speed within 10 % of
``max_speed_mps``.
"""

import numpy as np

from iads.engagement import flyout as fo
from iads.sensors.geometry import surface_to_enu

TYPES = (
    "48N6-class",
    "40N6-class",
    "9M96E2-class",
    "PAC-2-GEM-T-class",
    "PAC-3-MSE-class",
    "AMRAAM-class",
)
TOLERANCE = 0.05


def test_reach_at_10_km_matches_the_published_range(interceptors):
    types = [interceptors[n] for n in TYPES for _ in (0, 1)]
    ground = np.array([t.max_range_m * f for t in types[::2] for f in (0.95, 1.05)])
    # the point due north at that ground range, 10 km above the spherical earth
    tgt = surface_to_enu(ground, 0.0, np.full(ground.size, 10_001.0))
    rec = fo.fly(
        np.zeros((ground.size, 3)),
        fo.InterceptorParams.from_types(types),
        tgt,
        np.zeros((ground.size, 3)),
        dt_s=1.0,
    )
    mins = np.array([t.min_speed_mps for t in types])
    reached = (rec.outcome == fo.CPA) & (rec.speed_mps >= mins)
    for k, name in enumerate(TYPES):
        near, far = reached[2 * k], reached[2 * k + 1]
        assert near, f"{name} does not reach 0.95 x its published range"
        assert not far, f"{name} reaches beyond 1.05 x its published range"
        peak = max(rec.max_speed_mps[2 * k], rec.max_speed_mps[2 * k + 1])
        published = interceptors[name].max_speed_mps
        assert abs(peak / published - 1.0) < 0.10, (name, peak, published)
