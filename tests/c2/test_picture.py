"""Tracks of level flyers are extrapolated level: climb-rate noise does not sink the PIP."""

import numpy as np
import pytest

from iads.c2.picture import extrapolate, level_if_indistinguishable
from iads.engagement.flyout import altitude_m
from iads.messages import TrackReports
from iads.sensors.geometry import EARTH_RADIUS_M, surface_to_enu

SIGMA_VZ = 2.2  # m/s, the tracker's vz standard deviation on a sea-skimmer in small.yaml


def _skimmer(vz_noise_mps, origin_alt_m=0.0, height_m=15.0, ground_m=15_000.0):
    """A 250 m/s sea-skimmer ``ground_m`` north of the origin at ``height_m``, flying south
    along the local horizontal; its track report has ``vz_noise_mps`` added to the vertical
    speed."""
    pos = surface_to_enu(ground_m, 0.0, height_m, origin_alt_m)
    theta = ground_m / EARTH_RADIUS_M
    vel = -250.0 * np.array([0.0, np.cos(theta), -np.sin(theta)])  # local horizontal
    x = np.concatenate([pos, vel + [0.0, 0.0, vz_noise_mps]])[None, :]
    cov = np.diag([30.0**2, 30.0**2, 5.0**2, 4.0**2, 4.0**2, SIGMA_VZ**2])[None]
    reports = TrackReports(
        time_s=np.zeros(1),
        source_unit=np.zeros(1, np.int64),
        track_number=np.ones(1, np.int64),
        x=x,
        P=cov,
        quality=np.full(1, 4.0),
        identity=np.full(1, 2, np.int8),
        t_confirmed_s=np.zeros(1),
    )
    return reports, pos, vel


def _picture(reports, origin_alt_m=0.0):
    pic = extrapolate(reports, 0.0, 0, origin_alt_m, 3.0)
    return pic.pos_m, pic.vel_mps


@pytest.mark.parametrize("origin_alt_m", [0.0, 300.0])
@pytest.mark.parametrize("noise", [-1.5 * SIGMA_VZ, 0.0, 2.0 * SIGMA_VZ])
def test_level_track_extrapolates_at_its_height(noise, origin_alt_m):
    reports, pos, vel = _skimmer(noise, origin_alt_m)
    p, v = _picture(reports, origin_alt_m)
    t = 13.0  # about the 48N6 time of flight to this PIP
    h = altitude_m(p + v * t, origin_alt_m)[0]
    # along the local horizontal the height grows as d^2 / 2 (R_e + h): 0.83 m at 3.25 km
    d = 250.0 * t
    assert h == pytest.approx(15.0 + d**2 / (2 * (EARTH_RADIUS_M + 15.0)), abs=0.05)
    assert h >= 10.0  # above the 48N6 floor, as the true threat is


def test_significant_climb_is_kept():
    reports, _, vel = _skimmer(-4.0 * SIGMA_VZ)  # a dive 4 sigma from level
    _, v = _picture(reports)
    np.testing.assert_allclose(v[0], vel + [0.0, 0.0, -4.0 * SIGMA_VZ])


def test_removes_the_component_along_the_local_vertical():
    rng = np.random.default_rng(np.random.SeedSequence(7))
    pos = rng.uniform(-50e3, 50e3, (20, 3))
    vel = rng.normal(0.0, 200.0, (20, 3))
    cov = np.broadcast_to(np.eye(3) * 1e6, (20, 3, 3))  # every climb rate insignificant
    out = level_if_indistinguishable(pos, vel, cov)
    up = pos - np.array([0.0, 0.0, -EARTH_RADIUS_M])
    up /= np.linalg.norm(up, axis=1, keepdims=True)
    np.testing.assert_allclose(np.sum(out * up, axis=1), 0.0, atol=1e-9)
    np.testing.assert_allclose(out + np.sum(vel * up, axis=1)[:, None] * up, vel)
    np.testing.assert_array_equal(level_if_indistinguishable(pos, vel, cov * 0.0), vel)


def test_a_picture_built_without_its_init_holds_every_field():
    """``extrapolate`` builds the frozen Picture without its ``__init__``: that holds only
    while it has no ``__post_init__`` and every field is set there (this fails otherwise)."""
    import dataclasses

    from iads.c2.picture import Picture

    assert not hasattr(Picture, "__post_init__")
    assert all(f.init for f in dataclasses.fields(Picture))
    k = 3
    reports = TrackReports(
        time_s=np.zeros(k),
        source_unit=np.array([0, 1, 0]),
        track_number=np.arange(k) + 5,
        x=np.arange(k * 6, dtype=float).reshape(k, 6),
        P=np.broadcast_to(np.eye(6), (k, 6, 6)).copy(),
        quality=np.ones(k),
        identity=np.zeros(k, dtype=np.int8),
        t_confirmed_s=np.zeros(k),
    )
    pic = extrapolate(reports, 2.0, 0, 0.0, 3.0)
    assert set(vars(pic)) == {f.name for f in dataclasses.fields(Picture)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        pic.t_s = 1.0
