"""The compiled fly-out substep against the NumPy one (the reference, itself checked against
closed forms and converged references in test_flyout*.py): one substep in every branch of the
model, and whole flights with and without seekers."""

import numpy as np
import pytest

from iads.engagement import flyout as fo
from iads.engagement import seeker as sk


@pytest.fixture
def numpy_substep(monkeypatch):
    monkeypatch.setattr(fo, "USE_COMPILED", False)


def _rows(interceptors, n, rng):
    """Random interceptor states over boost, sustain, coast and the thrust changes, vertical
    launchers in their turnover, targets near and far (terminal and midcourse guidance)."""
    names = sorted(interceptors)
    types = [interceptors[names[i % len(names)]] for i in range(n)]
    pr = fo.InterceptorParams.from_types(types)
    burnout = pr.boost_time_s + pr.sustain_time_s
    pick = rng.integers(0, 5, n)
    t = np.select(
        [pick == 0, pick == 1, pick == 2, pick == 3],
        [
            rng.uniform(0.0, 1.0, n) * pr.boost_time_s,
            pr.boost_time_s - rng.uniform(0.0, 0.004, n),  # the step ends on a thrust change
            pr.boost_time_s + rng.uniform(0.0, 1.0, n) * pr.sustain_time_s,
            burnout - rng.uniform(0.0, 0.004, n),
        ],
        burnout + rng.uniform(0.0, 30.0, n),
    )
    x = np.column_stack(
        [rng.uniform(-5e3, 5e3, n), rng.uniform(-5e3, 5e3, n), rng.uniform(50.0, 20e3, n)]
    )
    speed = rng.uniform(50.0, 1500.0, n)
    el = rng.uniform(-0.3, 1.5, n)
    az = rng.uniform(0, 2 * np.pi, n)
    v = speed[:, None] * np.column_stack(
        [np.sin(az) * np.cos(el), np.cos(az) * np.cos(el), np.sin(el)]
    )
    al = rng.normal(0.0, 30.0, (n, 3))
    rng_to = np.exp(rng.uniform(np.log(300.0), np.log(150e3), n))
    d = rng.normal(size=(n, 3))
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    p_t = x + rng_to[:, None] * d
    v_t = rng.normal(0.0, 200.0, (n, 3))
    a_t = rng.normal(0.0, 20.0, (n, 3))
    e_p = p_t + rng.normal(0.0, 300.0, (n, 3))
    e_v = v_t + rng.normal(0.0, 20.0, (n, 3))
    return pr, (x, v, t, al), (p_t, v_t, a_t), (e_p, e_v)


def _seekers(n, truth, rng, share_on):
    s = sk.SeekerState.empty(n)
    s.on[:] = rng.uniform(size=n) < share_on
    s.pos_m[:] = truth[0] + rng.normal(0.0, 5.0, (n, 3))
    s.vel_mps[:] = truth[1] + rng.normal(0.0, 2.0, (n, 3))
    s.acc_mps2[:] = truth[2] + rng.normal(0.0, 1.0, (n, 3))
    return s


@pytest.mark.parametrize("share_on", [0.0, 0.5, 1.0])
def test_one_substep_equals_the_numpy_substep_in_every_branch(interceptors, share_on):
    rng = np.random.default_rng(11)
    n = 600
    pr, state, truth, est = _rows(interceptors, n, rng)
    tau = rng.uniform(0.0, 0.09, n)
    remaining = 0.1 - tau
    seek = _seekers(n, truth, rng, share_on) if share_on else None
    d = fo._Derived.of(pr)
    steps = (fo.H_COARSE_S, fo.H_FINE_S)
    origin_alt_m = 35.0
    want = fo._substep(
        state, *fo._views(truth, est, seek, tau), pr, tau, remaining, steps, origin_alt_m, d
    )
    x, v, t, al = state
    got = [np.empty_like(x), np.empty_like(v), np.empty_like(t), np.empty_like(al)]
    got.append(np.empty_like(t))
    fo._compiled_substep()(
        x, v, t, al, tau, remaining, *fo._seen_quadratic(truth, seek, tau), *est,
        fo._kernel_params(pr, d), fo._kernel_consts(steps, origin_alt_m),
        fo._RHO_GRID_M, fo._LOG_RHO, fo._SOUND_MPS, fo.DRAG_MACH, fo.DRAG_SHAPE, *got,
    )  # fmt: skip
    for name, w, g in zip(("x", "v", "t", "lateral", "h"), want, got, strict=True):
        scale = np.max(np.abs(w)) + 1.0
        assert np.max(np.abs(g - w)) <= 1e-11 * scale, name
    # the cases the rows were drawn for all occur
    h = want[4]
    burnout = pr.boost_time_s + pr.sustain_time_s
    assert np.any(h == fo.H_FINE_S) and np.any(h == fo.H_COARSE_S)
    assert np.any(np.isclose(want[2], pr.boost_time_s, atol=0)), "no step ended on boost end"
    assert np.any(np.isclose(want[2], burnout, atol=0)), "no step ended at burnout"
    assert np.any(np.isclose(h, remaining, atol=0)), "no step ended with the call"
    seen = fo._views(truth, est, seek, tau)[0](tau)[0]
    dist = np.linalg.norm(seen - x, axis=1)
    assert np.any(dist < pr.terminal_range_m) and np.any(dist > pr.terminal_range_m)
    assert np.any(pr.vertical_launch & (t < burnout)), "no vertical launcher turning over"


def _weave(t_s, pos, vel):
    v_hat = vel / np.linalg.norm(vel, axis=1)[:, None]
    perp = np.column_stack([v_hat[:, 1], -v_hat[:, 0], np.zeros(len(vel))])
    return 5 * 9.80665 * np.sign(np.sin(2 * np.pi * t_s / 5.0)) * perp


def _flights(interceptors, seekers: bool):
    rng = np.random.default_rng(4)
    names = sorted(interceptors)
    types = [interceptors[names[i % len(names)]] for i in range(2 * len(names))]
    types += [  # command guidance (the ground radar's error), and a round that times out
        interceptors["48N6-class"].model_copy(update={"guidance": "command"}),
        interceptors["PAC-3-MSE-class"].model_copy(update={"max_time_of_flight_s": 6.0}),
    ]
    n = len(types)
    pr = fo.InterceptorParams.from_types(types)
    tp = np.column_stack(
        [rng.uniform(-30e3, 30e3, n), rng.uniform(10e3, 50e3, n), rng.uniform(30.0, 12e3, n)]
    )
    tv = np.column_stack([rng.uniform(-200, 200, n), rng.uniform(-300, -150, n), np.zeros(n)])
    kw = {}
    if seekers:
        illuminators = rng.uniform(-2e3, 2e3, (n, 3)) * [1.0, 1.0, 0.0]
        kw = {"rng": np.random.default_rng(9), "glint_sigma_m": np.full(n, 1.5)}
        kw["illuminator_pos_m"] = illuminators
    return fo.fly(np.zeros((n, 3)), pr, tp, tv, tgt_accel_fn=_weave, origin_alt_m=20.0, **kw)


@pytest.mark.parametrize("seekers", [False, True])
def test_whole_flights_match_the_numpy_fly_out(interceptors, monkeypatch, seekers):
    compiled = _flights(interceptors, seekers)
    monkeypatch.setattr(fo, "USE_COMPILED", False)
    reference = _flights(interceptors, seekers)
    assert np.array_equal(compiled.outcome, reference.outcome)
    assert np.count_nonzero(reference.outcome == fo.CPA) >= 6
    assert fo.TIMEOUT in reference.outcome and fo.TOO_SLOW in reference.outcome
    assert reference.outcome[-2] == fo.CPA  # the command-guided round
    for a, b in ((compiled.miss_m, reference.miss_m), (compiled.tof_s, reference.tof_s)):
        assert np.array_equal(np.isnan(a), np.isnan(b))
        assert np.nanmax(np.abs(a - b)) < 1e-6
    assert np.max(np.abs(compiled.max_speed_mps - reference.max_speed_mps)) < 1e-6


def test_the_switch_selects_the_numpy_substep(numpy_substep):
    assert fo._compiled_substep() is None
