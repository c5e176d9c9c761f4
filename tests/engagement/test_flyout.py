"""Fly-out: rocket equation, PN against non-manoeuvring and 9 g targets, batching."""

import numpy as np
import pytest

from iads.engagement import flyout as fo

G = 9.80665


def params(itype, n, **update):
    return fo.InterceptorParams.from_types([itype.model_copy(update=update)] * n)


def test_thrust_and_mass_closed_form(interceptors):
    it = interceptors["PAC-3-MSE-class"]
    p = params(it, 4)
    t = np.array([0.0, it.boost_time_s, it.boost_time_s + it.sustain_time_s, 1e3])
    thrust, mass = fo.thrust_and_mass(p, t)
    burnt = it.launch_mass_kg - it.propellant_mass_kg
    assert mass[0] == pytest.approx(it.launch_mass_kg)
    assert mass[3] == pytest.approx(burnt)
    impulse = it.boost_thrust_n * it.boost_time_s + it.sustain_thrust_n * it.sustain_time_s
    assert mass[1] == pytest.approx(
        it.launch_mass_kg - it.propellant_mass_kg * it.boost_thrust_n * it.boost_time_s / impulse
    )
    assert thrust[3] == 0.0


def test_vertical_boost_matches_rocket_equation_with_gravity_loss(interceptors):
    # no drag (tiny area), vertical flight: v(tb) = v0 + Isp ln(m0 / m1) - g tb (Tsiolkovsky)
    it = interceptors["AMRAAM-class"]
    p = params(it, 1, reference_area_m2=1e-12, vertical_launch=True, sustain_time_s=0.0)
    state = fo.launch(np.zeros((1, 3)), np.array([[0.0, 1.0, 1e7]]), p)
    tb = it.boost_time_s
    r = fo.advance(state, p, np.array([[0.0, 0.0, 1e8]]), np.zeros((1, 3)), dt_s=tb)
    isp = it.boost_thrust_n * tb / it.propellant_mass_kg
    m0, m1 = it.launch_mass_kg, it.launch_mass_kg - it.propellant_mass_kg
    expect = fo.LAUNCH_SPEED_MPS + isp * np.log(m0 / m1) - G * tb
    assert np.linalg.norm(r.state.vel_mps[0]) == pytest.approx(expect, rel=1e-4)
    assert r.state.vel_mps[0, :2] == pytest.approx([0.0, 0.0], abs=1e-6)


@pytest.mark.parametrize("name", ["PAC-2-GEM-T-class", "AMRAAM-class", "48N6-class"])
def test_pn_hits_non_manoeuvring_target_within_lethal_radius(interceptors, name):
    it = interceptors[name]
    n = 3
    tgt = np.array([[0.0, 15_000.0, 3_000.0], [8_000.0, 12_000.0, 500.0], [-5_000, 18_000, 6_000]])
    vel = np.array([[0.0, -250.0, 0.0], [-220.0, 0.0, 0.0], [100.0, -200.0, -10.0]])
    rec = fo.fly(np.zeros((n, 3)), params(it, n), tgt, vel)
    assert np.all(rec.outcome == fo.CPA)
    assert np.all(rec.miss_m < 0.2 * it.lethal_radius_m)


def _weave(phase):
    def accel(t_s, pos, vel):
        v_hat = vel / np.linalg.norm(vel, axis=1)[:, None]
        perp = np.column_stack([v_hat[:, 1], -v_hat[:, 0], np.zeros(len(vel))])
        return 9 * G * np.sign(np.sin(2 * np.pi * t_s / 4.0 + phase))[:, None] * perp

    return accel


def test_miss_grows_against_9g_weave(interceptors):
    it = interceptors["PAC-2-GEM-T-class"]
    n = 8
    rng = np.random.default_rng(np.random.SeedSequence(11))
    tgt = np.tile([[0.0, 30_000.0, 5_000.0]], (n, 1))
    vel = np.tile([[0.0, -300.0, 0.0]], (n, 1))
    calm = fo.fly(np.zeros((n, 3)), params(it, n), tgt, vel)
    weave = fo.fly(
        np.zeros((n, 3)), params(it, n), tgt, vel, tgt_accel_fn=_weave(rng.uniform(0, 2 * np.pi, n))
    )
    assert np.all(weave.outcome == fo.CPA)
    assert np.mean(weave.miss_m) > 2.0
    assert np.mean(weave.miss_m) > 10 * np.mean(calm.miss_m)


def test_slower_autopilot_misses_more_against_weave(interceptors):
    it = interceptors["PAC-2-GEM-T-class"]
    n = 6
    rng = np.random.default_rng(np.random.SeedSequence(12))
    tgt = np.tile([[0.0, 30_000.0, 5_000.0]], (n, 1))
    vel = np.tile([[0.0, -300.0, 0.0]], (n, 1))
    fn = _weave(rng.uniform(0, 2 * np.pi, n))
    fast = fo.fly(
        np.zeros((n, 3)), params(it, n, autopilot_time_constant_s=0.1), tgt, vel, tgt_accel_fn=fn
    )
    slow = fo.fly(
        np.zeros((n, 3)), params(it, n, autopilot_time_constant_s=0.6), tgt, vel, tgt_accel_fn=fn
    )
    assert np.mean(slow.miss_m) > np.mean(fast.miss_m)


def test_out_of_reach_times_out_or_slows(interceptors):
    it = interceptors["AMRAAM-class"]
    rec = fo.fly(
        np.zeros((1, 3)), params(it, 1), np.array([[0.0, 200_000.0, 3_000.0]]), np.zeros((1, 3))
    )
    assert rec.outcome[0] in (fo.TIMEOUT, fo.TOO_SLOW)


def test_lateral_limit_is_perpendicular_and_capped():
    rng = np.random.default_rng(np.random.SeedSequence(3))
    cmd = rng.normal(0, 500, (50, 3))
    vel = rng.normal(0, 300, (50, 3))
    cap = np.full(50, 200.0)
    lat = fo.lateral_limit(cmd, vel, cap)
    assert np.all(np.abs(np.sum(lat * vel, axis=1)) < 1e-6 * np.linalg.norm(vel, axis=1))
    assert np.all(np.linalg.norm(lat, axis=1) <= 200.0 + 1e-9)


def test_batched_equals_looped_and_inputs_untouched(interceptors):
    it = interceptors["PAC-3-MSE-class"]
    n = 4
    rng = np.random.default_rng(np.random.SeedSequence(5))
    p = params(it, n)
    state = fo.launch(np.zeros((n, 3)), rng.uniform(5e3, 2e4, (n, 3)), p)
    tgt = rng.uniform(5e3, 2e4, (n, 3))
    tv = rng.normal(0, 200, (n, 3))
    before = state.pos_m.copy()
    batch = fo.advance(state, p, tgt, tv, dt_s=2.0)
    np.testing.assert_array_equal(state.pos_m, before)
    for i in range(n):
        one = fo.advance(state.take([i]), p.take([i]), tgt[[i]], tv[[i]], dt_s=2.0)
        np.testing.assert_allclose(one.state.pos_m[0], batch.state.pos_m[i], rtol=1e-12)


def test_zero_time_step_changes_nothing(interceptors):
    it = interceptors["PAC-3-MSE-class"]
    p = params(it, 2)
    state = fo.launch(np.zeros((2, 3)), np.array([[1e4, 1e4, 3e3], [0, 2e4, 1e3]]), p)
    r = fo.advance(
        state, p, np.array([[1e4, 1e4, 3e3], [0, 2e4, 1e3]]), np.zeros((2, 3)), dt_s=1e-15
    )
    np.testing.assert_allclose(r.state.pos_m, state.pos_m, atol=1e-9)


def test_ground_level_below_the_origin(interceptors):
    # origin 300 m above the ground: the launcher sits at z = -300 m and must not "hit the ground"
    it = interceptors["PAC-3-MSE-class"]
    p = params(it, 1)
    lp = np.array([[0.0, 0.0, -300.0]])
    tgt, tv = np.array([[0.0, 10_000.0, 1_000.0]]), np.zeros((1, 3))
    state = fo.launch(lp, tgt, p)
    r = fo.advance(state, p, tgt, tv, dt_s=0.5, origin_alt_m=300.0)
    assert r.outcome[0] == fo.FLYING
    r_wrong = fo.advance(state, p, tgt, tv, dt_s=0.5)  # taken as 300 m underground
    assert r_wrong.outcome[0] == fo.GROUND
