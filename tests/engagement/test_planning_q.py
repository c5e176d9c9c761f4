"""Planning Pk knows the dynamic-pressure limit: the kill-probability matrices and the
simulated end game agree high and low.

Reference: a converged Monte Carlo of the full end game (seeker noise, glint, filter,
q-limited airframe) against a 2 g weaving 6.2 m cruise missile at 120 km ground range.
The planning model is the closed form E[Pk] = rel R^2 / (R^2 + 2 sigma^2) (Driels 2013,
ch. 10) with sigma = sigma_0 (1 + (3 a_t / (a_avail - g))^4), a_avail = q S CN_max / m at the
PIP (Zarchan 2012, ch. 21).
"""

import numpy as np
import pytest

from iads.engagement import flyout as fo
from iads.engagement.envelope import available_accel_at_mps2, planned_kill_probability
from iads.engagement.kill import kill_probability

G = 9.80665


def _weave(g):
    def accel(t_s, pos, vel):
        v_hat = vel / np.linalg.norm(vel, axis=1)[:, None]
        perp = np.column_stack([v_hat[:, 1], -v_hat[:, 0], np.zeros(len(vel))])
        phase = np.linspace(0.0, 6.0, len(vel))
        return g * G * np.sign(np.sin(2 * np.pi * t_s / 4.0 + phase))[:, None] * perp

    return accel


def _simulated(it, alt_m, n=24):
    tp = np.tile([0.0, 120_000.0, alt_m], (n, 1))
    tv = np.tile([0.0, -300.0, 0.0], (n, 1))
    rec = fo.fly(
        np.zeros((n, 3)),
        fo.InterceptorParams.from_types([it] * n),
        tp,
        tv,
        tgt_accel_fn=_weave(2.0),
        rng=np.random.default_rng(np.random.SeedSequence(3)),
        glint_sigma_m=np.full(n, 0.93),
        dt_s=0.5,
    )
    miss = np.where(rec.outcome == fo.CPA, rec.miss_m, np.inf)
    pk = kill_probability(miss, it.lethal_radius_for("cruise_missile"), it.reliability)
    return float(np.mean(pk)), float(np.nanmedian(rec.speed_mps))


def test_planned_pk_follows_the_end_game_high_and_low(interceptors):
    it = interceptors["48N6-class"]
    high, v_high = _simulated(it, 25_000.0)
    low, v_low = _simulated(it, 10_000.0)
    # the airframe pulls about 5 g at 25 km, its structural 20 g at 10 km
    assert available_accel_at_mps2(it, v_high, 25_000.0) < 6 * G
    plan_high = float(planned_kill_probability(it, v_high, 2 * G, 25_000.0, "cruise_missile"))
    plan_low = float(planned_kill_probability(it, v_low, 2 * G, 10_000.0, "cruise_missile"))
    old_high = float(planned_kill_probability(it, v_high, 2 * G, None, "cruise_missile"))
    # the end game: high shots miss by tens of metres, low ones by a few
    assert high < low - 0.3
    # the planning model agrees with it within 0.15 at both heights ...
    assert plan_high == pytest.approx(high, abs=0.15)
    assert plan_low == pytest.approx(low, abs=0.15)
    # ... where the structural limit alone (the old planning) promised the low figure high up
    assert old_high - high > 0.3


def test_no_authority_beyond_gravity_plans_zero(interceptors):
    it = interceptors["48N6-class"]
    # at 45 km the burnt-out airframe pulls under 1 g at 1.5 km/s (test_aero_limits)
    assert float(planned_kill_probability(it, 1_500.0, 0.0, 45_000.0)) == 0.0
    assert float(planned_kill_probability(it, 1_500.0, 0.0, 5_000.0)) > 0.5
