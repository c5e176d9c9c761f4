"""Range rate from coherent radars: plot sigma, EKF Jacobian, and the tracking gain."""

from __future__ import annotations

import numpy as np

from iads.config import TrackerSettings
from iads.scenario.load import builtin_catalog
from iads.sensors.geometry import surface_to_enu
from iads.sensors.radar import RadarModel, observe
from iads.tracking.measurement import polar_jacobian, polar_measure
from iads.tracking.system import _plots, tracker_config
from iads.tracking.tracker import initial_state, tracker_manage, tracker_update

RADARS = builtin_catalog().radars


def test_coherent_catalog_radars_measure_range_rate():
    assert RADARS["92N6E-class"].measures_range_rate
    assert RADARS["MPQ-65-class"].measures_range_rate
    assert not RADARS["91N6E-class"].measures_range_rate


def test_range_rate_errors_match_their_sigma():
    """Normalised range-rate errors of a 92N6E-class radar have unit standard deviation, and
    the true value is (p - s) . v / |p - s| (closed form)."""
    m = RadarModel.from_type(RADARS["92N6E-class"], [0.0, 0.0, 0.0], boresight_deg=135.0)
    n = 400
    az = np.radians(np.linspace(100.0, 170.0, n))
    pos = surface_to_enu(np.linspace(40e3, 120e3, n), az, 3000.0)
    vel = np.column_stack([-250.0 * np.sin(az), -250.0 * np.cos(az), np.zeros(n)])
    rng = np.random.default_rng(5)
    z = []
    for _ in range(20):
        d = observe(m, pos, vel, 5.0, 0.0, rng, false_alarms=False)
        los = pos[d.truth_id] - m.antenna_pos_m
        true = np.sum(los * vel[d.truth_id], axis=1) / np.linalg.norm(los, axis=1)
        z.append((d.range_rate_mps - true) / d.sigma_range_rate_mps)
    z = np.concatenate(z)
    assert z.size > 4000
    assert abs(np.std(z) - 1.0) < 0.05 and abs(np.mean(z)) < 0.05


def test_range_rate_jacobian_against_converged_central_differences():
    """d(rdot)/dx of the EKF measurement model against central differences, converged
    (step h and h/10 agree to 1e-7 relative)."""
    rng = np.random.default_rng(2)
    s = np.array([100.0, -50.0, 6.0])
    for _ in range(20):
        x = np.concatenate([rng.uniform(-1e5, 1e5, 3) + [0, 0, 2e4], rng.normal(0, 300, 3)])
        H = polar_jacobian(x, s, range_rate=True)[3]

        def num(h: float, x: np.ndarray = x) -> np.ndarray:
            e = np.eye(6) * h
            return np.array(
                [
                    (polar_measure(x + e[i], s, True)[3] - polar_measure(x - e[i], s, True)[3])
                    / (2 * h)
                    for i in range(6)
                ]
            )

        coarse, fine = num(1.0), num(0.1)
        np.testing.assert_allclose(fine, coarse, rtol=1e-6, atol=1e-12)
        np.testing.assert_allclose(H, fine, rtol=1e-6, atol=1e-10)


def _velocity_errors(use_range_rate: bool, seed: int) -> np.ndarray:
    """Radial-velocity error (m/s) of a 92N6E-class track of a 250 m/s target closing from
    120 km, after each of 30 one-second looks (fixed seed)."""
    rt = RADARS["92N6E-class"].model_copy(update={"measures_range_rate": use_range_rate})
    m = RadarModel.from_type(rt, [0.0, 0.0, 0.0], boresight_deg=90.0, sensor_id=0)
    cfg = tracker_config(TrackerSettings(filter="ekf"), [m], 100)
    rng = np.random.default_rng(seed)
    p0 = np.asarray(surface_to_enu(120e3, np.radians(80.0), 5000.0)).reshape(3)
    v = np.array([-240.0, -70.0, 0.0])
    state = initial_state(cfg)
    errs = []
    for k in range(30):
        t = float(k)
        p = p0 + v * t
        det = observe(m, p[None], v[None], 5.0, t, rng, false_alarms=False)
        plots = _plots(det, {0: m.antenna_pos_m}, cfg.range_rate)
        state, hit = tracker_update(cfg, state, t, plots)
        state = tracker_manage(cfg, state, t, hit, np.ones(len(state.table), bool))
        if len(state.table) == 1 and k >= 3:
            u = (p - m.antenna_pos_m) / np.linalg.norm(p - m.antenna_pos_m)
            errs.append(float(np.dot(state.table.x[0, 3:6] - v, u)))
    return np.array(errs)


def test_range_rate_improves_radial_velocity_accuracy():
    """With Doppler in the measurement model the radial-velocity RMS error over 12 fixed
    seeds is clearly smaller than with range and angles alone (measured 1.68 against
    3.46 m/s: the 30 m range gates already give a good radial velocity after a few looks;
    the search dwell's Doppler sigma is ~1.6 m/s at this SNR)."""
    with_rr = np.concatenate([_velocity_errors(True, s) for s in range(12)])
    without = np.concatenate([_velocity_errors(False, s) for s in range(12)])
    assert with_rr.size > 200 and without.size > 200
    rms_with, rms_without = np.sqrt(np.mean(with_rr**2)), np.sqrt(np.mean(without**2))
    assert rms_with < 0.6 * rms_without, (rms_with, rms_without)
