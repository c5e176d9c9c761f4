"""Manoeuvre limited by dynamic pressure, induced drag, Mach-dependent drag."""

import numpy as np
import pytest

from iads.engagement import flyout as fo
from iads.engagement.atmosphere import density_kgpm3, speed_of_sound_mps
from iads.engagement.kill import kill_probability

G = 9.80665


def _one(it):
    return fo.InterceptorParams.from_types([it])


def test_available_acceleration_is_q_s_cn_over_m_in_coast(interceptors):
    # closed form a = q S CN_max / m (coasting: no thrust term), capped by the structure
    it = interceptors["48N6-class"]
    p = _one(it)
    m = it.launch_mass_kg - it.propellant_mass_kg
    for alt, speed in ((45_000.0, 1_500.0), (10_000.0, 1_500.0)):
        rho = float(density_kgpm3(alt))
        a = fo.available_lateral_accel(p, np.array([speed]), np.array([rho]), np.zeros(1), m)
        expect = 0.5 * rho * speed**2 * it.reference_area_m2 * it.normal_force_coefficient_max / m
        assert a[0] == pytest.approx(min(expect, it.max_lateral_accel_mps2), rel=1e-12)
    high = fo.available_lateral_accel(
        p, np.array([1_500.0]), np.array([float(density_kgpm3(45e3))]), np.zeros(1), m
    )
    assert high[0] < G  # at 45 km a 48N6-class airframe pulls less than 1 g


def test_induced_drag_closed_form(interceptors):
    # coasting level at 10 km, pulling a lateral a: along-track deceleration
    # (D0 + N sin alpha) / m with alpha = a m / (q S CN_max / alpha_max), N = m a
    it = interceptors["PAC-2-GEM-T-class"]
    p = _one(it)
    t = np.array([1e3])  # burnt out
    pos = np.array([[0.0, 0.0, 10_000.0]])
    vel = np.array([[0.0, 1_000.0, 0.0]])
    a_lat = 50.0
    acc0 = fo.acceleration(pos, vel, t, np.zeros((1, 3)), p)
    acc1 = fo.acceleration(pos, vel, t, np.array([[a_lat, 0.0, 0.0]]), p)
    h = float(fo.altitude_m(pos)[0])
    m = it.launch_mass_kg - it.propellant_mass_kg
    q_s = 0.5 * float(density_kgpm3(h)) * 1e6 * it.reference_area_m2
    alpha = a_lat * m / (q_s * it.normal_force_coefficient_max / it.max_angle_of_attack_rad)
    induced = m * a_lat * np.sin(alpha) / m  # N sin(alpha) / m, N = m a_lat
    assert acc0[0, 1] - acc1[0, 1] == pytest.approx(induced, rel=1e-3)
    assert acc1[0, 0] == pytest.approx(a_lat)


def test_drag_rises_through_mach_one_and_base_drag_only_in_coast(interceptors):
    p = _one(interceptors["AMRAAM-class"])
    sub = fo.drag_coefficient(p, np.array([0.7]), np.array([True]))
    peak = fo.drag_coefficient(p, np.array([1.2]), np.array([True]))
    coast = fo.drag_coefficient(p, np.array([2.0]), np.array([False]))
    burn = fo.drag_coefficient(p, np.array([2.0]), np.array([True]))
    assert peak[0] > 2 * sub[0]
    assert burn[0] == pytest.approx(p.drag_coefficient[0])  # the catalog value is Mach 2's
    assert coast[0] - burn[0] == pytest.approx(0.25 / 2.0)
    assert float(speed_of_sound_mps(0.0)) == pytest.approx(340.29, abs=0.01)  # US76 table


def test_high_altitude_shot_cannot_steer(interceptors):
    # the same 2 g weaving target approaching at 800 m/s from 90 km, at 12 km and at 45 km:
    # in thin air the airframe's q S CN / m is below a g (test above) and the round misses by
    # kilometres; low, it hits
    it = interceptors["48N6-class"]
    phase = np.array([0.3, 1.4, 2.5, 4.0])
    n = phase.size

    def weave(t_s, pos, vel):
        v_hat = vel / np.linalg.norm(vel, axis=1)[:, None]
        perp = np.column_stack([v_hat[:, 1], -v_hat[:, 0], np.zeros(len(vel))])
        return 2 * G * np.sign(np.sin(2 * np.pi * t_s / 6.0 + phase))[:, None] * perp

    p = fo.InterceptorParams.from_types([it] * n)
    vel = np.tile([[0.0, -800.0, 0.0]], (n, 1))
    pk = {}
    for alt in (12_000.0, 45_000.0):
        tgt = np.tile([[0.0, 90_000.0, alt]], (n, 1))
        rec = fo.fly(np.zeros((n, 3)), p, tgt, vel, tgt_accel_fn=weave, dt_s=0.5)
        assert np.all(rec.outcome == fo.CPA)
        pk[alt] = kill_probability(rec.miss_m, it.lethal_radius_m).mean()
        if alt > 40e3:
            assert np.all(rec.miss_m > 1_000.0)
        else:
            assert np.all(rec.miss_m < 0.1 * it.lethal_radius_m)
    assert pk[12_000.0] > 0.95 and pk[45_000.0] < 0.01
