"""Fast interceptor mode against straight-flying, manoeuvre-capable targets: it must miss them
like the full fly-out does (the closed-form residual miss), not as if they were weaving."""

from pathlib import Path

import numpy as np
import pytest
import yaml

from iads.engagement.interceptors import InterceptorSystem, lateral_accel_mps2
from iads.scenario.load import builtin_catalog, load_scenario
from iads.sim.run import simulate

SMALL = Path(__file__).parents[2] / "examples" / "small.yaml"


def _fighters(tmp_path_factory, mode):
    """20 fighters (88 m/s^2 capability) cruising straight at 6 km against small.yaml's
    S-300-class battery (6 launchers, 12 missile channels), seed 1: (intercepts, kills,
    median miss m)."""
    world = _fighters_world(tmp_path_factory, mode)
    ev = world.log.columns()
    miss = ev["value"][ev["kind"] == "intercept"]
    return miss.size, int(np.count_nonzero(ev["kind"] == "kill")), float(np.median(miss))


def _fighters_world(tmp_path_factory, mode, profile=None):
    """The world after ``_fighters``'s run (``profile``: the raid's, instead of a cruise)."""
    folder = tmp_path_factory.mktemp(f"fighters_{mode}")
    mp = pytest.MonkeyPatch()
    mp.setenv("IADS_CACHE_DIR", str(folder / "cache"))
    data = yaml.safe_load(SMALL.read_text())
    data["raids"] = [
        {
            "name": "F",
            "type": "fighter",
            "count": 20,
            "target": "Vesna Air Base",
            "axis": {"bearing_deg": 135, "spread_deg": 40, "distance_m": 90_000},
            "launch_window_s": [0, 60],
            "profile": profile or {"kind": "cruise", "altitude_m": 6_000},
        }
    ]
    bat = data["batteries"][0]
    bat["launchers"][0]["count"] = 6
    bat["radars"][1]["overrides"] = {"max_guided_missiles": 12, "max_engaged_targets": 6}
    data.update(duration_s=500, seed=1)
    path = folder / "fighters.yaml"
    path.write_text(yaml.safe_dump(data))
    sc = load_scenario(path)
    world, _, _ = simulate(sc, engagement=mode)
    mp.undo()
    return world


@pytest.fixture(scope="module")
def closed_form():
    """48N6: expected Carleton Pk rel R^2 / (R^2 + 2 sigma^2) and the Rayleigh median miss
    sigma sqrt(2 ln 2) for a straight flyer (residual miss only)."""
    t = builtin_catalog().interceptors["48N6-class"]
    r, s = t.lethal_radius_m, t.miss_sigma_effective_m
    return t.reliability * r**2 / (r**2 + 2 * s**2), s * np.sqrt(2 * np.log(2))


def test_fast_and_full_agree_on_straight_fighters(tmp_path_factory, closed_form):
    # about 20 intercepts per mode at Pk ~0.89: a kill fraction's binomial sd is ~0.07, a
    # difference of two ~0.13, so 0.25 is ~2 sd; the median miss of 20 Rayleigh draws has a
    # relative sd of ~16 %, so 35 % is ~2 sd. The old fast mode (sigma widened by the type's
    # 88 m/s^2 capability) gave 0.29 and 32.6 m against the full mode's 0.76 and 8.0 m.
    pk, median = closed_form
    got = {mode: _fighters(tmp_path_factory, mode) for mode in ("full", "fast")}
    frac = {mode: kills / n for mode, (n, kills, _) in got.items()}
    for mode, (n, _, _med) in got.items():
        assert n >= 12, mode
        assert frac[mode] == pytest.approx(pk, abs=0.2), mode
    # the fast mode draws the planning sigma: its median is the closed form's. The full end
    # game (issue 11) simulates its seeker, whose glint grows with the fighter's 15 m length
    # (2.25 m per axis against the 0.93 m of the cruise missile the catalog sigma was derived
    # on), so its median is larger, though still far inside the 25 m lethal radius
    assert got["fast"][2] == pytest.approx(median, rel=0.35)
    assert median < got["full"][2] < 4.0 * median
    assert abs(frac["fast"] - frac["full"]) <= 0.25


def test_lateral_acceleration_is_across_the_velocity():
    vel = np.array([[200.0, 0.0, 0.0], [0.0, 100.0, 0.0], [0.0, 0.0, 0.0]])
    acc = np.array([[30.0, 40.0, 0.0], [5.0, -9.0, 12.0], [1.0, 1.0, 1.0]])
    np.testing.assert_allclose(lateral_accel_mps2(acc, vel), [40.0, 13.0, 0.0])


DIVE = {"kind": "dive", "altitude_m": 6_000, "dive_range_m": 45_000}
"""The fighters dive from 6 km over their last 45 km: they manoeuvre while the rounds fly."""


@pytest.mark.parametrize("profile", [None, DIVE], ids=["straight", "diving"])
def test_fast_rounds_skipped_before_their_terminal_phase_start_it_at_the_same_tick(
    tmp_path_factory, monkeypatch, profile
):
    """The fast mode's rounds are not stepped before their terminal phase may start; the
    reference steps them every tick while they fly (as before): the same terminal starts,
    outcomes and events. The fighters' rounds fly 10 s and more before it starts."""
    with monkeypatch.context() as mp:
        mp.setattr(InterceptorSystem, "_terminal_s", lambda self, store, live: -np.inf)
        ref = _fighters_world(tmp_path_factory, "fast", profile)
    new = _fighters_world(tmp_path_factory, "fast", profile)
    if profile is not None:  # the targets turned down while rounds flew at them
        ev = new.log.columns()
        hit = ev["kind"] == "intercept"
        assert np.count_nonzero(hit) >= 6
        assert np.max(ev["z_m"][hit]) < 5_950.0  # every one met below the cruise height: diving
    a, b = ref.interceptors, new.interceptors
    started = a.term_time_s - a.launch_time_s
    assert np.nanmax(started) > 5.0  # terminal phases that begin well after launch
    np.testing.assert_array_equal(a.term_time_s, b.term_time_s)
    np.testing.assert_array_equal(a.outcome_time_s, b.outcome_time_s)
    ea, eb = ref.log.columns(), new.log.columns()
    for k in ea:
        np.testing.assert_array_equal(ea[k], eb[k], err_msg=k)


@pytest.mark.parametrize("profile", [None, DIVE], ids=["straight", "diving"])
def test_quiet_homing_ticks_compiled_change_nothing(tmp_path_factory, monkeypatch, profile):
    """The compiled quiet tick (``homing_kernel.quiet_homing_tick``) against the ordinary
    path on every tick: the same records to the bit, terminal starts, outcomes and events;
    and it does take most homing ticks (it is not a path never taken)."""
    import iads.engagement.interceptors as interceptors

    with monkeypatch.context() as mp:
        mp.setattr(interceptors, "quiet_homing_tick", lambda *args: False)
        ref = _fighters_world(tmp_path_factory, "fast", profile)
    taken = []
    real = interceptors.quiet_homing_tick

    def counted(*args):
        taken.append(real(*args))
        return taken[-1]

    with monkeypatch.context() as mp:
        mp.setattr(interceptors, "quiet_homing_tick", counted)
        new = _fighters_world(tmp_path_factory, "fast", profile)
    assert sum(taken) > 100 and sum(taken) > 0.5 * len(taken)
    a, b = ref.interceptors, new.interceptors
    assert np.isfinite(a.term_time_s).sum() >= 6  # rounds that homed, each raising a record
    if profile is not None:
        assert np.nanmax(a.term_accel_mps2) > 1.0  # the dive shows in the records
    np.testing.assert_array_equal(
        a.term_accel_mps2.view(np.int64), b.term_accel_mps2.view(np.int64)
    )
    np.testing.assert_array_equal(a.term_time_s, b.term_time_s)
    np.testing.assert_array_equal(a.outcome_time_s, b.outcome_time_s)
    ea, eb = ref.log.columns(), new.log.columns()
    for k in ea:
        np.testing.assert_array_equal(ea[k], eb[k], err_msg=k)
