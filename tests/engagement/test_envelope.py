"""Envelope: PIP against the constant-speed closed form, tables against the full model, edges."""

import numpy as np
import pytest
from scipy.optimize import brentq

from iads.engagement import flyout as fo
from iads.engagement.envelope import (
    feasible,
    intercept_time_constant_speed,
    may_reach,
    planned_kill_probability,
    predicted_intercept,
)
from iads.engagement.tables import FlyoutTable, build_table

RE = fo.EARTH_RADIUS_M


def constant_speed_table(speed_mps, max_ground_m=200_000.0, max_alt_m=30_000.0):
    """A synthetic table whose time of flight is the straight-line distance / speed."""
    g = np.linspace(0.0, max_ground_m, 801)
    h = np.linspace(0.0, max_alt_m, 121)
    gg, hh = np.meshgrid(g, h, indexing="ij")
    z = hh - gg**2 / (2 * RE)  # ENU height of the point at ground g, altitude h
    tof = np.hypot(gg, z) / speed_mps
    return FlyoutTable(g, h, tof, np.full_like(tof, speed_mps))


def test_constant_speed_closed_form_against_root_finder():
    rng = np.random.default_rng(np.random.SeedSequence(21))
    for _ in range(50):
        d = rng.uniform(-50e3, 50e3, 3)
        v = rng.normal(0, 300, 3)
        s = rng.uniform(400, 1500)
        t = intercept_time_constant_speed(d, v, s)
        f = lambda tt, d=d, v=v, s=s: np.linalg.norm(d + v * tt) - s * tt  # noqa: E731
        roots = [
            brentq(f, a, b)
            for a, b in zip(
                np.linspace(1e-9, 1e3, 2000)[:-1], np.linspace(1e-9, 1e3, 2000)[1:], strict=True
            )
            if f(a) * f(b) < 0
        ]
        if roots:
            assert t == pytest.approx(min(roots), rel=1e-7)
        else:
            assert np.isnan(t)


def test_head_on_and_tail_chase_geometry():
    # head-on: closing at s + v; tail chase at s - v; a faster target running away: none
    assert intercept_time_constant_speed([0, 10_000, 0], [0, -200, 0], 800) == pytest.approx(10.0)
    assert intercept_time_constant_speed([0, 12_000, 0], [0, 200, 0], 800) == pytest.approx(20.0)
    assert np.isnan(intercept_time_constant_speed([0, 12_000, 0], [0, 900, 0], 800))


def test_table_pip_matches_closed_form():
    s = 900.0
    tab = constant_speed_table(s)
    rng = np.random.default_rng(np.random.SeedSequence(22))
    lp = np.column_stack([rng.uniform(-5e3, 5e3, (3, 2)), np.zeros(3)])
    tp = np.column_stack([rng.uniform(-60e3, 60e3, (5, 2)), rng.uniform(1e3, 1e4, 5)])
    tv = np.column_stack([rng.normal(0, 250, (5, 2)), np.zeros(5)])
    icpt = predicted_intercept(lp, tp, tv, tab, t_max_s=200.0)
    for w in range(3):
        for j in range(5):
            d = tp[j] - lp[w]
            expect = intercept_time_constant_speed(d, tv[j], s)
            assert icpt.t_s[w, j] == pytest.approx(expect, rel=1e-3, abs=0.05)
            np.testing.assert_allclose(icpt.pip_m[w, j], tp[j] + tv[j] * icpt.t_s[w, j])


def decelerating_table(v0_mps=1_200.0, decay_m=60_000.0):
    """A synthetic table of an interceptor slowing as exp(-s / decay) along the straight path
    s: tof = decay (exp(s / decay) - 1) / v0, curved in range and height like a real one."""
    g = np.linspace(0.0, 150_000.0, 61)
    h = np.linspace(0.0, 30_000.0, 13)
    gg, hh = np.meshgrid(g, h, indexing="ij")
    path = np.hypot(gg, hh)
    tof = decay_m * np.expm1(path / decay_m) / v0_mps
    return FlyoutTable(g, h, tof, v0_mps * np.exp(-path / decay_m))


def test_table_pip_matches_an_independent_root_finder():
    # the refined root of tof(PIP(t)) = t on a coarse, curved table, against SciPy's brentq on
    # the same interpolated equation in the bracket of its first sign change (1e-10 s)
    tab = decelerating_table()
    rng = np.random.default_rng(np.random.SeedSequence(23))
    lp = np.column_stack([rng.uniform(-5e3, 5e3, (2, 2)), np.zeros(2)])
    tp = np.column_stack([rng.uniform(-90e3, 90e3, (40, 2)), rng.uniform(50.0, 2e4, 40)])
    tv = np.column_stack([rng.normal(0, 300, (40, 2)), rng.normal(0, 20, 40)])
    t_max = 300.0
    icpt = predicted_intercept(lp, tp, tv, tab, t_max_s=t_max)
    grid = np.linspace(0.0, t_max, 64)
    checked = 0
    for w in range(2):
        for j in range(40):

            def f(t, w=w, j=j):
                pip = tp[j] + tv[j] * t
                d = pip - lp[w]
                rel = max(fo.altitude_m(pip) - fo.altitude_m(lp[w]), 0.0)
                return float(tab.tof(np.hypot(d[0], d[1]), rel)) - t

            vals = np.array([f(t) for t in grid])
            cross = np.flatnonzero((vals[:-1] > 0) & (vals[1:] <= 0))
            if cross.size == 0:
                assert np.isnan(icpt.t_s[w, j])
                continue
            a, b = grid[cross[0]], grid[cross[0] + 1]
            expect = brentq(f, a, b, xtol=1e-10) if vals[cross[0] + 1] < 0 else b
            assert icpt.t_s[w, j] == pytest.approx(expect, abs=1e-3)
            checked += 1
    assert checked > 20


def test_fast_table_against_full_model(interceptors):
    it = interceptors["AMRAAM-class"]
    tab = build_table(it, np.linspace(500, 40_000, 17), np.linspace(0, 16_000, 5))
    tgt = np.array([[0, 25_000, 3_000], [10_000, 15_000, 8_000], [-6_000, 20_000, 500.0]])
    vel = np.array([[0, -250, 0], [-150, -150, 0], [200, 0, 0.0]])
    icpt = predicted_intercept(np.zeros((1, 3)), tgt, vel, tab, t_max_s=60.0)
    rec = fo.fly(np.zeros((3, 3)), fo.InterceptorParams.from_types([it] * 3), tgt, vel)
    assert np.all(rec.outcome == fo.CPA)
    np.testing.assert_allclose(icpt.t_s[0], rec.tof_s, rtol=0.06)


def test_envelope_edges(interceptors):
    it = interceptors["PAC-2-GEM-T-class"]
    tab = constant_speed_table(1_000.0, max_ground_m=400_000.0)
    lp = np.zeros((1, 3))
    # stationary targets just inside / outside each edge
    g_in, g_out = it.max_range_m - 2_000, it.max_range_m + 2_000
    tp = np.array(
        [
            [0, g_in, 5_000],
            [0, g_out, 5_000],  # max range
            [0, it.min_range_m + 500, 1_000],
            [0, it.min_range_m - 500, 200],  # min range
            [0, 50_000, it.max_altitude_m - 500],
            [0, 50_000, it.max_altitude_m + 500],  # ceiling
            [0, 50_000, it.min_altitude_m + 20],
            [0, 50_000, it.min_altitude_m - 20],  # floor
        ],
        dtype=float,
    )
    tp[:, 2] -= tp[:, 1] ** 2 / (2 * RE)  # put altitudes above the curved earth
    icpt = predicted_intercept(lp, tp, np.zeros_like(tp), tab, t_max_s=400.0)
    ok = feasible(icpt, it.model_copy(update={"max_time_of_flight_s": 400.0}))[0]
    np.testing.assert_array_equal(ok, [True, False, True, False, True, False, True, False])
    # time of flight limit, asset deadline and radar range
    ok_t = feasible(icpt, it.model_copy(update={"max_time_of_flight_s": 100.0}))[0]
    assert ok_t[0] == (icpt.t_s[0, 0] <= 100.0) and not ok_t[0]
    ok_dead = feasible(
        icpt, it.model_copy(update={"max_time_of_flight_s": 400.0}), t_limit_s=np.full(8, 40.0)
    )[0]
    assert not ok_dead[4] and ok_dead[2]
    ok_radar = feasible(
        icpt,
        it.model_copy(update={"max_time_of_flight_s": 400.0}),
        radar_pos_m=np.zeros(3),
        radar_range_m=100_000.0,
    )[0]
    assert not ok_radar[0] and ok_radar[4]


def test_planned_pk_falls_with_target_agility(interceptors):
    it = interceptors["PAC-2-GEM-T-class"]
    pk = planned_kill_probability(
        it, np.array([1000.0, 1000.0, 1000.0, 260.0]), np.array([0.0, 30.0, 90.0, 0.0])
    )
    # closed form (Driels ch. 10): rel R^2 / (R^2 + 2 sigma^2), the type's planning sigma
    r, sig = it.lethal_radius_m, it.miss_sigma_effective_m
    assert pk[0] == pytest.approx(it.reliability * r**2 / (r**2 + 2 * sig**2))
    assert pk[0] > pk[1] > pk[2] and pk[3] < pk[0]
    # the lethal radius of the target class: a cruise missile is a smaller target
    cm = planned_kill_probability(it, 1000.0, 0.0, None, "cruise_missile")
    r_cm = it.lethal_radius_for("cruise_missile")
    assert float(cm) == pytest.approx(it.reliability * r_cm**2 / (r_cm**2 + 2 * sig**2))


def test_reach_screen_against_sampled_segments():
    # the nearest ground range of a segment to the launcher, against 2,001 points along it:
    # within the range, the screen must pass the segment; beyond it by 50 m, rule it out
    rng = np.random.default_rng(np.random.SeedSequence(31))
    lp = rng.uniform(-5e3, 5e3, (3000, 3))
    start = rng.uniform(-120e3, 120e3, (3000, 3))
    end = start + rng.uniform(-60e3, 60e3, (3000, 3))
    end[:50] = start[:50]  # points, not segments
    r_max = rng.uniform(20e3, 90e3, 3000)
    u = np.linspace(0.0, 1.0, 2001)[:, None, None]
    pts = start[None] + u * (end - start)[None]
    nearest = np.hypot(pts[..., 0] - lp[:, 0], pts[..., 1] - lp[:, 1]).min(axis=0)
    may = may_reach(lp, start, end, r_max)
    assert (nearest <= r_max).sum() > 500 and (nearest > r_max + 50.0).sum() > 500
    assert may[nearest <= r_max].all()
    assert not may[nearest > r_max + 50.0].any()
    assert may_reach(lp[:1], np.full((1, 3), np.nan), start[:1], 1e3).all()  # NaN: kept


def test_reach_screen_never_rules_out_a_feasible_intercept(interceptors):
    # PIPs of a real interceptor type against random constant-velocity targets: every
    # feasible pair lies on a segment (position .. position + v t_max) the screen passes
    it = interceptors["PAC-2-GEM-T-class"]
    tab = constant_speed_table(1_000.0, max_ground_m=400_000.0)
    rng = np.random.default_rng(np.random.SeedSequence(32))
    tp = np.column_stack([rng.uniform(-250e3, 250e3, (4000, 2)), rng.uniform(100.0, 20e3, 4000)])
    tv = np.column_stack([rng.uniform(-700, 700, (4000, 2)), rng.uniform(-50, 50, 4000)])
    t_max = it.max_time_of_flight_s
    icpt = predicted_intercept(np.zeros((1, 3)), tp, tv, tab, t_max_s=t_max)
    ok = feasible(icpt, it)[0]
    may = may_reach(np.zeros(3), tp, tp + tv * t_max, it.max_range_m)
    assert ok.sum() > 200 and (~may).sum() > 1000  # both sides are exercised
    assert not (ok & ~may).any()
