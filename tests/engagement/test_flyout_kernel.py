"""The compiled fly-out pass against the NumPy one (the reference, itself checked against closed
forms and converged references in test_flyout*.py): one pass in every branch of the model, and
whole flights with and without seekers."""

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
    unpowered = {"boost_thrust_n": 0.0, "sustain_thrust_n": 0.0}  # no impulse: mass stays
    types[7::50] = [t.model_copy(update=unpowered) for t in types[7::50]]
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


def _copy(seek):
    return None if seek is None else seek.take(np.arange(seek.on.size))


@pytest.mark.parametrize("share_on", [None, 0.0, 0.5, 1.0])
def test_one_pass_equals_the_numpy_pass_in_every_branch(interceptors, share_on):
    """share_on: no seekers (an ideal seeker), or seekers of which that share is locked."""
    rng = np.random.default_rng(11)
    n, dt_s = 600, 0.1
    pr, state, truth, est = _rows(interceptors, n, rng)
    tau = rng.uniform(0.0, 0.09, n)
    # a substep less than 1e-6 s short of the call's end is stretched to it
    tau[:40] = dt_s - np.where(np.arange(40) % 2, fo.H_FINE_S, fo.H_COARSE_S) - 5e-7
    seek = None if share_on is None else _seekers(n, truth, rng, share_on)
    inputs = (rng.uniform(-3e3, 3e3, (n, 3)), rng.uniform(0.0, 3.0, n))  # illuminators, glint
    d = fo._Derived.of(pr)
    steps, origin_alt_m, ground_m = (fo.H_COARSE_S, fo.H_FINE_S), 35.0, 0.0
    seek_np, seek_c = _copy(seek), _copy(seek)
    want = fo._pass_numpy(
        state, tau, truth, est, seek_np, inputs, pr, d, np.random.default_rng(2), dt_s, steps,
        origin_alt_m, ground_m,
    )  # fmt: skip
    kernel = (
        fo._kernel().step_rows,
        fo._kernel().pack_params(pr, d),
        fo._kernel_consts(steps, origin_alt_m, dt_s, ground_m),
    )
    got = fo._pass_compiled(
        kernel, state, tau, truth, est, seek_c, inputs, pr, np.random.default_rng(2)
    )
    names = ("x", "v", "t", "lateral", "h", "passed", "fail")
    for name, w, g in zip(names, want[:7], got[:7], strict=True):
        if w.dtype.kind in "bi":
            assert np.array_equal(w, g), name
        else:
            assert np.max(np.abs(g - w)) <= 1e-11 * (np.max(np.abs(w)) + 1.0), name
    for name, w, g in zip(("t_cpa", "miss", "pos_cpa"), want[7], got[7], strict=True):
        assert np.array_equal(np.isnan(w), np.isnan(g)), name
        assert np.nanmax(np.abs(g - w), initial=0.0) <= 1e-9 * (np.nanmax(np.abs(w)) + 1.0), name
    if seek is not None:
        assert np.array_equal(seek_np.on, seek_c.on)
        for f in ("pos_m", "vel_mps", "acc_mps2", "cov", "glint_m", "h_last_s"):
            w, g = getattr(seek_np, f), getattr(seek_c, f)
            assert np.max(np.abs(g - w)) <= 1e-9 * (np.max(np.abs(w)) + 1.0), f
        if share_on < 1.0:
            assert np.any(seek_np.on & ~seek.on), "no seeker locked in the pass"
        if share_on:
            assert np.any(seek.on), "no locked seeker updated"
    # the cases the rows were drawn for all occur
    h = want[4]
    burnout = pr.boost_time_s + pr.sustain_time_s
    assert np.any(h == fo.H_FINE_S) and np.any(h == fo.H_COARSE_S)
    assert np.any(want[2] == pr.boost_time_s), "no step ended on boost end"
    assert np.any(want[2] == burnout), "no step ended at burnout"
    assert np.any(h == dt_s - tau), "no step ended with the call"
    assert np.any((h == dt_s - tau) & (h > fo.H_COARSE_S)), "no step stretched to the call's end"
    assert np.any(~d.has_impulse), "no unpowered round"
    assert np.any(want[5]), "no closest approach"
    assert set(np.unique(want[6])) >= {fo.FLYING, fo.TOO_SLOW}
    seen = fo._views(truth, est, seek, tau)[0](tau)[0]
    dist = np.linalg.norm(seen - state[0], axis=1)
    assert np.any(dist < pr.terminal_range_m) and np.any(dist > pr.terminal_range_m)
    assert np.any(pr.vertical_launch & (state[2] < burnout)), "no vertical launcher turning"


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
    rec = fo.fly(np.zeros((n, 3)), pr, tp, tv, tgt_accel_fn=_weave, origin_alt_m=20.0, **kw)
    # where the seekers' generator stands after the flights: how many normals they drew
    return rec, (kw["rng"].integers(1 << 62) if seekers else None)


@pytest.mark.parametrize("seekers", [False, True])
def test_whole_flights_match_the_numpy_fly_out(interceptors, monkeypatch, seekers):
    compiled, next_c = _flights(interceptors, seekers)
    monkeypatch.setattr(fo, "USE_COMPILED", False)
    reference, next_r = _flights(interceptors, seekers)
    assert next_c == next_r  # the compiled loop draws the NumPy loop's numbers, no more
    assert np.array_equal(compiled.outcome, reference.outcome)
    assert np.count_nonzero(reference.outcome == fo.CPA) >= 6
    assert fo.TIMEOUT in reference.outcome and fo.TOO_SLOW in reference.outcome
    assert reference.outcome[-2] == fo.CPA  # the command-guided round
    for a, b in ((compiled.miss_m, reference.miss_m), (compiled.tof_s, reference.tof_s)):
        assert np.array_equal(np.isnan(a), np.isnan(b))
        assert np.nanmax(np.abs(a - b)) < 1e-6
    assert np.max(np.abs(compiled.max_speed_mps - reference.max_speed_mps)) < 1e-6


def test_the_switch_selects_the_numpy_pass(numpy_substep):
    assert fo._kernel() is None
