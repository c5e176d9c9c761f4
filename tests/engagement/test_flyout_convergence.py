"""Fly-out converged in its step: the substeps in use against ones ten times smaller (a
converged reference, Heun being second order), and the fast tables against the flown model."""

import numpy as np
import pytest

from iads.engagement import flyout as fo
from iads.engagement import tables
from iads.sensors.geometry import surface_to_enu

G = 9.80665
FINE = {"h_coarse_s": fo.H_COARSE_S / 10, "h_fine_s": fo.H_FINE_S / 10}


def _shots(interceptors, cases):
    types = [interceptors[name] for name, _, _ in cases]
    ground = np.array([g for _, g, _ in cases])
    alt = np.array([h for _, _, h in cases])
    tgt = surface_to_enu(ground, 0.0, alt + 1.0)
    return fo.InterceptorParams.from_types(types), tgt


def test_time_of_flight_converged_in_the_step(interceptors):
    # the 48N6-class shot (200 km, 10 km) among others: vertical launch, lofted,
    # dual pulse, direct
    cases = [
        ("48N6-class", 200e3, 10e3),
        ("PAC-3-MSE-class", 40e3, 8e3),
        ("AMRAAM-class", 25e3, 5e3),
    ]
    p, tgt = _shots(interceptors, cases)
    n = len(cases)
    use = fo.fly(np.zeros((n, 3)), p, tgt, np.zeros((n, 3)), dt_s=1.0)
    ref = fo.fly(np.zeros((n, 3)), p, tgt, np.zeros((n, 3)), dt_s=1.0, **FINE)
    assert np.all(use.outcome == fo.CPA) and np.all(ref.outcome == fo.CPA)
    np.testing.assert_allclose(use.tof_s, ref.tof_s, rtol=0.01)
    np.testing.assert_allclose(use.speed_mps, ref.speed_mps, rtol=0.01)
    # a clean shot at a stationary point misses by centimetres at either step
    assert np.all(use.miss_m < 0.1) and np.all(ref.miss_m < 0.1)


def test_miss_against_a_weave_converged_in_the_step(interceptors):
    it = interceptors["PAC-2-GEM-T-class"]
    phase = np.array([0.3, 1.4, 2.5, 4.0])
    n = phase.size

    def weave(t_s, pos, vel):  # 5 g square wave across the velocity, period 4 s
        v_hat = vel / np.linalg.norm(vel, axis=1)[:, None]
        perp = np.column_stack([v_hat[:, 1], -v_hat[:, 0], np.zeros(len(vel))])
        return 5 * G * np.sign(np.sin(2 * np.pi * t_s / 4.0 + phase))[:, None] * perp

    p = fo.InterceptorParams.from_types([it] * n)
    tgt = np.tile([[0.0, 30_000.0, 5_000.0]], (n, 1))
    vel = np.tile([[0.0, -300.0, 0.0]], (n, 1))
    use = fo.fly(np.zeros((n, 3)), p, tgt, vel, tgt_accel_fn=weave)
    ref = fo.fly(np.zeros((n, 3)), p, tgt, vel, tgt_accel_fn=weave, **FINE)
    assert np.all(use.outcome == fo.CPA)
    np.testing.assert_allclose(use.tof_s, ref.tof_s, rtol=0.01)
    assert use.miss_m.mean() > 0.3  # the weave is felt
    # within 1 %, or 2 cm where the miss is below 2 m (after the issue 11 loft refit one
    # round misses by 0.28 m and converges to 1.03 cm; the smallest lethal radius is 2.1 m)
    assert np.all(np.abs(use.miss_m - ref.miss_m) <= np.maximum(0.01 * ref.miss_m, 0.02))


@pytest.mark.parametrize("name", ["AMRAAM-class", "PAC-2-GEM-T-class"])
def test_table_agrees_with_the_flown_model_off_its_grid(interceptors, name):
    it = interceptors[name]
    tab = tables.table_for(it)  # built by the simulation's integrator (or its cache)
    reach = tables.max_reach_m(tab, 0.3 * it.max_altitude_m)
    ground = np.array([0.3, 0.5, 0.7, 0.9]) * reach
    alt = np.array([0.15, 0.3, 0.45, 0.2]) * it.max_altitude_m
    tgt = surface_to_enu(ground, 0.0, alt + 1.0)
    n = ground.size
    rec = fo.fly(np.zeros((n, 3)), fo.InterceptorParams.from_types([it] * n), tgt, np.zeros((n, 3)))
    assert np.all(rec.outcome == fo.CPA)
    np.testing.assert_allclose(tab.tof(ground, alt), rec.tof_s, rtol=0.02)
    np.testing.assert_allclose(tab.speed(ground, alt), rec.speed_mps, rtol=0.02)


def test_turnover_limited_by_thrust_vectoring(interceptors):
    # just off the rail (30 m/s) the airframe has almost no dynamic pressure: the lateral
    # acceleration is what the thrust gives at the largest angle of attack, T sin(alpha) / m,
    # not the structural 20 g the old turnover commanded
    it = interceptors["48N6-class"]
    p = fo.InterceptorParams.from_types([it])
    thrust, mass = fo.thrust_and_mass(p, np.zeros(1))
    rho = 1.225
    a = fo.available_lateral_accel(p, np.array([30.0]), np.array([rho]), thrust, mass)
    q = 0.5 * rho * 30.0**2
    expect = (
        q * it.reference_area_m2 * it.normal_force_coefficient_max
        + it.boost_thrust_n * np.sin(it.max_angle_of_attack_rad)
    ) / it.launch_mass_kg
    assert a[0] == pytest.approx(expect, rel=1e-12)
    assert a[0] < 0.3 * it.max_lateral_accel_mps2
