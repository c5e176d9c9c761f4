"""Radar coverage for fire control: range, sector and the 4/3-earth radar horizon; the
sector screen of a PIP's segment."""

from types import SimpleNamespace

import numpy as np

from iads.c2.fire_channels import radar_covers, sector_may_cover
from iads.scenario.load import builtin_catalog
from iads.sensors.geometry import surface_to_enu


def radar(boresight_deg=0.0, **update):
    rtype = builtin_catalog().radars["Sentinel-class"].model_copy(update=update)
    return SimpleNamespace(
        pos_m=np.array([0.0, 0.0, 10.0]), type=rtype, boresight_rad=np.radians(boresight_deg)
    )


def test_horizon_against_the_tangent_rule():
    # 4/3 earth horizon for antenna 10 m, target 15 m: sqrt(2 a h1) + sqrt(2 a h2) ~ 29 km
    a = 4.0 / 3.0 * 6_371_008.8
    horizon = np.sqrt(2 * a * 10) + np.sqrt(2 * a * 15)
    ground = np.array([0.9, 1.1]) * horizon
    pts = surface_to_enu(ground, np.zeros(2), np.full(2, 15.0))
    ok = radar_covers(radar(instrumented_range_m=200e3, min_elevation_deg=-5.0), pts)
    np.testing.assert_array_equal(ok, [True, False])


def test_range_and_sector():
    r = radar(
        boresight_deg=90.0,
        scan="sector",
        sector_width_deg=90.0,
        instrumented_range_m=50e3,
        min_elevation_deg=-5.0,
    )
    pts = np.array([[20e3, 0.0, 3e3], [-20e3, 0.0, 3e3], [60e3, 0.0, 3e3], [20e3, 19e3, 3e3]])
    np.testing.assert_array_equal(radar_covers(r, pts), [True, False, False, True])


def test_sector_screen_never_rules_out_a_covered_point():
    # segments at random around a 90-degree sector radar (and one of 200 degrees, which the
    # screen never rules out): where any of 400 points along a segment is covered, the screen
    # must let it through; it must rule out most segments wholly behind the radar
    rng = np.random.default_rng(7)
    for width, boresight in ((90.0, 135.0), (60.0, 10.0), (200.0, 10.0)):  # 10: across north
        r = radar(
            boresight_deg=boresight,
            scan="sector",
            sector_width_deg=width,
            instrumented_range_m=80e3,
            min_elevation_deg=-5.0,
        )
        start = np.column_stack([rng.uniform(-60e3, 60e3, (2000, 2)), np.full(2000, 2e3)])
        end = start + np.column_stack([rng.uniform(-30e3, 30e3, (2000, 2)), np.zeros(2000)])
        s = np.linspace(0.0, 1.0, 400)[:, None, None]
        covered = radar_covers(r, start[None] + s * (end - start)[None]).any(axis=0)
        may = sector_may_cover([r], start, end, 0.0)
        assert covered.sum() > 300
        assert not (covered & ~may).any()
        if width < 180.0:
            assert (~may).sum() > 0.5 * (~covered).sum()  # it screens, not only passes
        else:
            assert may.all()
    rot = radar(instrumented_range_m=80e3)  # rotating: every azimuth is scanned
    assert sector_may_cover([rot], start, end, 0.0).all()
    assert not sector_may_cover([], start, end, 0.0).any()  # no radar covers nothing


def test_compiled_decision_screen_answers_as_the_numpy_screens():
    # many small random decisions (rounds at two sites against tracks, some tracks NaN, some
    # standing still) under sector radars, a rotating radar and none: the compiled screen
    # says of every track what the NumPy screens say, and what they say of it alone; both
    # answers occur, and decisions where some tracks pass and others not
    from iads.c2 import screen_kernel
    from iads.c2.command_post import reach_screen_numpy
    from iads.c2.fire_channels import SECTOR_SCREEN_MARGIN_M, sector_screen_arrays
    from iads.engagement.envelope import REACH_SCREEN_MARGIN_M

    rng = np.random.default_rng(41)
    sector = radar(
        boresight_deg=120.0, scan="sector", sector_width_deg=70.0, instrumented_range_m=80e3
    )
    narrow = radar(boresight_deg=350.0, scan="sector", sector_width_deg=40.0)
    batteries = ([sector], [sector, narrow], [radar()], [])
    said, mixed = {True: 0, False: 0}, 0
    for k in range(1200):
        fire = batteries[k % len(batteries)]
        n_r, n_t = int(rng.integers(1, 7)), int(rng.integers(0, 30))
        lp = np.column_stack([rng.uniform(-5e3, 5e3, (n_r, 2)), np.zeros(n_r)])
        delay = rng.choice([0.0, 2.0, 4.5], n_r)
        t_max = rng.uniform(20.0, 200.0, n_r)
        r_max = rng.uniform(10e3, 120e3, n_r)
        pos = np.column_stack([rng.uniform(-250e3, 250e3, (n_t, 2)), rng.uniform(0, 9e3, n_t)])
        vel = rng.uniform(-400.0, 400.0, (n_t, 3))
        vel[rng.random(n_t) < 0.1] = 0.0
        pos[rng.random(n_t) < 0.05] = np.nan
        want = reach_screen_numpy(fire, 0.0, lp, delay, t_max, r_max, pos, vel)
        ants, arcs, ends = sector_screen_arrays(fire, 0.0)
        got = screen_kernel.tracks_may_pass(
            lp, delay, t_max, r_max + REACH_SCREEN_MARGIN_M, pos, vel, ants, arcs, ends,
            SECTOR_SCREEN_MARGIN_M,
        )  # fmt: skip
        assert got.dtype == bool and got.shape == (n_t,)
        assert np.array_equal(got, want), k
        for j in range(n_t):  # per track: the screen of that track alone (a pair reads its own)
            alone = reach_screen_numpy(
                fire, 0.0, lp, delay, t_max, r_max, pos[j : j + 1], vel[j : j + 1]
            )
            assert alone[0] == want[j], (k, j)
        said[bool(want.any())] += 1
        mixed += 0 < want.sum() < n_t
    assert said[True] > 200 and said[False] > 200 and mixed > 50
