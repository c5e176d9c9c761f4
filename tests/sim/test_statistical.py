"""The fast fidelity's statistical sensing and tracking (``iads.sim.statistical``).

- The steady-state covariance table against ``scipy.linalg.solve_discrete_are`` solved
  directly for each case and against the Kalman covariance recursion iterated to convergence
  (P- = F P+ F' + Q, P+ = P- - P- H' (H P- H' + R)^-1 H P-, Bar-Shalom et al. 2001 §5.2.3).
- Per-look detection: the draw against the exact Swerling 0, 1 and 3 Pd (binomial test).
- Calibration: both fidelities on the small example over the same seeds; leak rate (per
  threat), kills and interceptors spent (per replication) must agree: the 95 % interval of the
  difference contains 0 (Newcombe 1998 method 10, from the two Wilson intervals, for the leak
  rate; Welch's t interval for the means).
"""

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from scipy.linalg import solve_discrete_are

from iads.analysis.stats import wilson_interval
from iads.scenario.load import load_scenario
from iads.sim.run import run_scenario
from iads.tracking.models import cv_process_noise, cv_transition
from iads.tracking.steady_state import posterior_cv, solve_cv_posterior

EXAMPLES = Path(__file__).parents[2] / "examples"

SEEDS = range(1, 21)


def _riccati_converged(sigma_m: float, T_s: float, q_mps2: float) -> np.ndarray:
    F = cv_transition(T_s)[np.ix_([0, 3], [0, 3])]
    Q = cv_process_noise(T_s, q_mps2)[np.ix_([0, 3], [0, 3])]
    H = np.array([[1.0, 0.0]])
    P = np.diag([1e12, 1e12])
    for _ in range(20_000):
        prior = F @ P @ F.T + Q
        S = prior[0, 0] + sigma_m**2
        post = prior - prior @ H.T @ H @ prior / S
        if np.allclose(post, P, rtol=1e-12, atol=0):
            break
        P = post
    return P


@pytest.mark.parametrize(
    ("sigma_m", "T_s", "q_mps2"), [(30.0, 1.0, 5.0), (1500.0, 10.0, 5.0), (5.0, 0.5, 50.0)]
)
def test_steady_state_matches_converged_kalman_recursion(sigma_m, T_s, q_mps2):
    pp, pv, vv = posterior_cv([sigma_m], [T_s], q_mps2)
    P = _riccati_converged(sigma_m, T_s, q_mps2)
    np.testing.assert_allclose([pp[0], pv[0], vv[0]], [P[0, 0], P[0, 1], P[1, 1]], rtol=1e-3)


def _dare_posterior(lam2: float) -> np.ndarray:
    """(a, b, c) from scipy.linalg.solve_discrete_are (the reference library), T = sigma = 1."""
    F = np.array([[1.0, 1.0], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    Q = lam2 * np.array([[1.0 / 3.0, 0.5], [0.5, 1.0]])
    prior = solve_discrete_are(F.T, H.T, Q, np.eye(1))
    post = prior - prior @ H.T @ H @ prior / (prior[0, 0] + 1.0)
    return np.array([post[0, 0], post[0, 1], post[1, 1]])


# scipy's DARE loses digits at the ill-conditioned end: at lam2 = 1e8 its posterior
# cross-covariance is 9.5e-9 (relative) from a 50-digit mpmath Riccati recursion run to
# convergence (1.26794910143151), the doubling's 2.3e-9. The tolerance covers the reference's
# error, not ours; a 1e-6 slip in the doubling would still fail.
DARE_RTOL = 3e-8


def test_doubling_matches_scipy_dare():
    lam2 = np.logspace(-8, 8, 17)
    direct = np.array([_dare_posterior(v) for v in lam2])
    np.testing.assert_allclose(solve_cv_posterior(lam2), direct, rtol=DARE_RTOL)


def test_doubling_at_the_ill_conditioned_end_matches_a_50_digit_recursion():
    # P+ for lam2 = 1e8 (T = sigma = 1) from the Kalman recursion in 50-digit arithmetic
    # (mpmath), iterated 400 times from P = 1e6 I to convergence.
    reference = [0.99999998392305076, 1.2679491014315112, 28867517.851785484]
    np.testing.assert_allclose(solve_cv_posterior(np.array([1e8]))[0], reference, rtol=5e-9)


def test_table_matches_direct_dare_solutions():
    lam2 = np.logspace(-7.5, 7.5, 31) * 1.37  # between the table's nodes
    direct = np.array([_dare_posterior(v) for v in lam2])
    sigma = 1.0 / np.sqrt(lam2)  # q = T = 1: lam2 = 1 / sigma^2
    pp, pv, vv = posterior_cv(sigma, np.ones_like(lam2), 1.0)
    got = np.stack([pp, pv, vv], axis=1) / sigma[:, None] ** 2
    np.testing.assert_allclose(got, direct, rtol=1e-4)


def _runs(fidelity: str):
    sc = load_scenario(EXAMPLES / "small.yaml")
    return [run_scenario(sc, seed=s, fidelity=fidelity).summary for s in SEEDS]


@pytest.fixture(scope="module")
def both():
    return {f: _runs(f) for f in ("full", "fast")}


def _newcombe_difference(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float]:
    """95 % interval of p1 - p2 from the two Wilson intervals (Newcombe 1998, method 10)."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1)
    l2, u2 = wilson_interval(k2, n2)
    d = p1 - p2
    return (
        d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


def test_leak_rate_agrees(both):
    full, fast = both["full"], both["fast"]
    k1, n1 = sum(s["leakers"] for s in full), sum(s["threats"] for s in full)
    k2, n2 = sum(s["leakers"] for s in fast), sum(s["threats"] for s in fast)
    low, high = _newcombe_difference(k1, n1, k2, n2)
    assert low <= 0.0 <= high, (k1, n1, k2, n2, low, high)


@pytest.mark.parametrize("key", ["kills", "interceptors_spent"])
def test_means_agree(both, key):
    a = np.array([s[key] for s in both["full"]], dtype=float)
    b = np.array([s[key] for s in both["fast"]], dtype=float)
    if np.all(a == a[0]) and np.all(b == b[0]):
        assert a[0] == b[0], key  # no spread: the values must be equal
        return
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert ci.low <= 0.0 <= ci.high, (key, a.mean(), b.mean(), ci)


@pytest.mark.parametrize("swerling", [0, 1, 3])
def test_detection_draws_have_the_exact_swerling_pd(swerling):
    """Per look the draw detects with the exact Pd of ``sensors.detection`` (binomial test)."""
    from iads.scenario.load import builtin_catalog
    from iads.sensors.detection import detection_probability
    from iads.sensors.radar import RadarModel
    from iads.sensors.radar_equation import snr_db_at
    from iads.sim.statistical import draw_detections

    radar = builtin_catalog().radars["92N6E-class"]
    model = RadarModel.from_type(radar, [0.0, 0.0, 0.0], boresight_deg=0.0)
    n = 4000
    r_m = float(model.detection_range_m(1.0, pd=0.5, swerling=max(swerling, 1)))
    pos = np.tile([0.0, r_m, 3000.0], (n, 1))
    vel = np.tile([0.0, -250.0, 0.0], (n, 1))
    ones = np.ones(n)
    arcs = model.swept_arcs(0.0, model.scan_period_s)
    lk, hit, _ = draw_detections(
        model, pos, vel, (ones, ones, ones), np.full(n, swerling), arcs, np.random.default_rng(5)
    )
    assert lk.index.size == n
    snr_db = snr_db_at(model.snr_constant_db, lk.apparent_range_m[0], 1.0)
    pd = float(detection_probability(snr_db, model.pfa, model.n_pulses, swerling))
    assert 0.2 < pd < 0.95
    assert stats.binomtest(int(hit.sum()), n, pd).pvalue > 1e-3, (hit.mean(), pd)


def test_detections_drawn_ahead_stop_at_a_kill_and_start_at_launch():
    """Detections are drawn 60 frames ahead on the truth paths; a threat killed (or arrived)
    within them has no plot after it, and none before its launch (one look a frame here: with
    several, the later looks of a frame may follow a kill within that frame)."""
    from iads.sim.run import simulate

    plots: list[tuple[float, int]] = []

    def attach(world, defense):
        for r in range(len(world.radars)):
            defense.bus.subscribe(
                f"plots/{r}",
                lambda t, d: plots.extend(zip(d.time_s.tolist(), d.truth_id.tolist(), strict=True)),
            )
        return []

    sc = load_scenario(EXAMPLES / "small.yaml")
    world, _, end_s = simulate(sc, seed=4, fidelity="fast", attach=attach)
    events = world.log.columns()
    over = {}
    for kind in ("kill", "reach", "expire"):
        sel = events["kind"] == kind
        for t, i in zip(events["time_s"][sel], events["entity_id"][sel], strict=True):
            over[int(i)] = min(over.get(int(i), np.inf), float(t))
    assert any(events["kind"] == "kill") and plots
    launch = world.threats.launch_time_s
    for t, i in plots:  # the outcome's time is within the tick that set it
        assert launch[i] - 1e-9 <= t <= over.get(i, end_s) + sc.tick_s, (t, i)


def test_draws_ahead_keep_each_frame_with_sub_looks_an_airborne_sensor_and_a_radar_off(
    tmp_path, monkeypatch
):
    """Frames of 2 s with radar steps of 1 s (two looks a frame), an airborne sensor (drawn
    one frame at a time), a radar off from 21 s to 37 s and launches over 120 s: every entry
    of a frame is at one of that frame's look times, at the range of the truth path then, and
    a frame keeps only threats in flight."""
    import yaml

    import iads.sim.statistical as st
    from iads.sim.run import simulate

    doc = yaml.safe_load((EXAMPLES / "small.yaml").read_text())
    for raid in doc["raids"]:
        raid["launch_window_s"], raid["count"] = [0, 120], 6
    doc["sensors"] = [
        {
            "name": "AEW",
            "type": "91N6E-class",
            "route": [
                {"lat_deg": -47.30, "lon_deg": -32.30, "alt_m": 9000, "speed_mps": 200},
                {"lat_deg": -47.30, "lon_deg": -31.90, "alt_m": 9000, "speed_mps": 200},
            ],
        }
    ]
    doc.setdefault("settings", {}).setdefault("tracker", {})["period_s"] = 2.0
    path = tmp_path / "check.yaml"
    path.write_text(yaml.safe_dump(doc))
    sc = load_scenario(path)
    problems, draws, kept = [], [], []
    draw, observe = st.StatisticalTracker._draw_ahead, st.StatisticalTracker._observe

    def checked_draw(self, world, sid, t_s):
        d = draw(self, world, sid, t_s)
        draws.append((d.n_frames, self.radars[sid].platform is not None))
        for f in range(d.n_frames):
            lo, hi = int(d.offsets[f]), int(d.offsets[f + 1])
            times = np.unique(d.arcs(f).time_s)
            if times.size != 2 or abs(times[0] - (t_s + f * self.period_s)) > 1e-9:
                problems.append(("looks of the frame", sid, t_s, f, times))
            if not np.all(np.isin(d.time_s[lo:hi], times)):
                problems.append(("entry outside its frame", sid, t_s, f))
            for e in range(lo, hi):
                p, _ = world.trajectories.states_at(d.row[e : e + 1], d.time_s[e : e + 1])
                r = np.linalg.norm(p[0, 0] - d.model.antenna_pos_m)
                if abs(r - d.range_m[e]) > 1e-6 * r:
                    problems.append(("range", sid, t_s, f, r, d.range_m[e]))
        return d

    def checked_observe(self, world, t_s, sid):
        d, sel, arcs = observe(self, world, t_s, sid)
        kept.append(sel.size)
        if not np.all(world.threats.active[d.row[sel]]):
            problems.append(("not in flight", sid, t_s))
        if arcs.time_s.size and abs(arcs.time_s.min() - t_s) > 1e-9:
            problems.append(("looks of another frame", sid, t_s))
        if arcs.model is not self.radars[sid].model:
            problems.append(("arcs of another model", sid, t_s))
        return d, sel, arcs

    monkeypatch.setattr(st.StatisticalTracker, "_draw_ahead", checked_draw)
    monkeypatch.setattr(st.StatisticalTracker, "_observe", checked_observe)

    class Toggle:  # radar 0 off at 21 s, on again at 37 s
        name, period_s = "toggle", 1.0

        def __init__(self, defense):
            self.defense = defense

        def step(self, world, t_s, dt_s):
            if abs(t_s - 21.0) < 1e-6 or abs(t_s - 37.0) < 1e-6:
                self.defense.radars[0].on = t_s > 30.0

    simulate(sc, seed=5, fidelity="fast", attach=lambda w, d: [Toggle(d)])
    assert problems == []
    assert any(air for _, air in draws) and any(n == st.DRAW_AHEAD_FRAMES for n, _ in draws)
    assert sum(kept) > 0


def test_looked_at_without_numba_marks_the_same_tracks(monkeypatch):
    """``_mark_looked``'s NumPy fallback (``looked_at``) and the compiled arc test agree,
    through a partial arc, an arc across north and a full turn."""
    import iads.sim.statistical as st
    from iads.scenario.equipment import RadarType
    from iads.sensors.radar import RadarModel
    from iads.tracking import looks_kernel

    rtype = RadarType(ref_range_m=100e3, instrumented_range_m=150e3, min_range_m=5e3)
    m1 = RadarModel.from_type(rtype, [0.0, 0.0, 0.0], sensor_id=2)
    m2 = RadarModel.from_type(rtype, [40e3, 0.0, 0.0], sensor_id=5)
    swept = [
        st.FrameArcs(m1, np.zeros(2), np.array([6.0, 1.0]), np.array([0.6, 0.3])),
        st.FrameArcs(m2, np.zeros(1), np.array([2.0]), np.array([2 * np.pi])),
    ]
    pos = np.random.default_rng(3).uniform(-2e5, 2e5, (300, 3)) * [1.0, 1.0, 0.02]
    fast = np.zeros(300, dtype=bool)
    st._mark_looked(swept, pos, fast)
    monkeypatch.setattr(looks_kernel, "_swept_compiled", None)
    slow = np.zeros(300, dtype=bool)
    st._mark_looked(swept, pos, slow)
    assert np.array_equal(fast, slow) and 30 < fast.sum() < 270


def test_reports_keep_held_tracks_then_the_earliest_confirmed_within_capacity():
    """Capacity 2: of four confirmed tracks the two confirmed first are reported; a track
    confirmed earlier still, later, does not displace a reported one; tentative tracks and
    tracks within capacity are all reported as held."""
    from iads.channels import Bus
    from iads.config import RunConfig
    from iads.sim.statistical import StatisticalTracker
    from iads.tracking.system import TRACK_ID_STRIDE

    st = StatisticalTracker(
        unit=1,
        radars={},
        models={},
        settings=RunConfig(),
        capacity=2,
        name="t",
        bus=Bus(),
        rng=np.random.default_rng(0),
    )
    x, P = np.zeros((1, 6)), np.eye(6)[None]
    for t_conf in (5.0, 3.0, 4.0, 9.0):  # numbers 1..4
        st._add(np.array([-1]), x, P, t_conf, confirmed=True)
    st._add(np.array([7]), x, P, 1.0, confirmed=False)  # tentative: never reported
    base = TRACK_ID_STRIDE
    first = st._reports(10.0)
    assert sorted(first.track_number.tolist()) == [base + 2, base + 3]
    st._add(np.array([-1]), x, P, 0.5, confirmed=True)  # number 6, confirmed earliest
    assert sorted(st._reports(11.0).track_number.tolist()) == [base + 2, base + 3]
    st.capacity = 10
    assert sorted(st._reports(12.0).track_number.tolist()) == [base + n for n in (1, 2, 3, 4, 6)]


def test_published_plots_and_reports_are_whole_batches():
    """The plots and reports the fast fidelity publishes (built without ``__init__``) hold
    every field of their type, each with one row per plot or track, and equal the batch the
    constructor makes of the same columns; the plots measure no range rate."""
    import dataclasses

    from iads.messages import Detections, TrackReports
    from iads.sim.run import simulate

    seen: dict[type, list] = {Detections: [], TrackReports: []}

    def attach(world, defense):
        def keep(_t, batch):
            seen[type(batch)].append(batch)

        for r in range(len(world.radars)):
            defense.bus.subscribe(f"plots/{r}", keep)
        for u in range(len(world.units)):
            defense.bus.subscribe(f"tracks/{u}", keep)
        return []

    simulate(load_scenario(EXAMPLES / "small.yaml"), seed=4, fidelity="fast", attach=attach)
    for cls, batches in seen.items():
        assert any(len(b) for b in batches), cls
        for b in batches:
            cols = {f.name: getattr(b, f.name) for f in dataclasses.fields(cls)}
            assert {len(c) for c in cols.values()} == {len(b)}, cls
            again = cls(**cols)
            for name, col in cols.items():
                np.testing.assert_array_equal(getattr(again, name), col)
    for d in seen[Detections]:
        assert np.isnan(d.range_rate_mps).all() and np.isnan(d.sigma_range_rate_mps).all()
        assert (d.sigma_azimuth_rad * d.range_m > 0).all() and (d.truth_id >= 0).all()


def test_best_sighting_is_each_threats_most_accurate_first_of_equals():
    """Of one frame's detections by several radars, each threat's is the one with the
    smallest sum of position variances, the first (radar order, then entry order) of equals."""
    from types import SimpleNamespace

    from iads.sim.statistical import _best

    rng = np.random.default_rng(11)
    for trial in range(60):
        picks, flat = [], []
        for _ in range(int(rng.integers(1, 4))):
            e = int(rng.integers(1, 9))
            d = SimpleNamespace(
                row=rng.integers(0, 5, e),
                score=rng.choice([1.0, 2.0, 3.0], e),  # ties on purpose
                error=rng.normal(size=(e, 6)),
                P=rng.normal(size=(e, 6, 6)),
            )
            sel = np.sort(rng.choice(e, int(rng.integers(1, e + 1)), replace=False))
            picks.append((d, sel))
            flat += [(int(d.row[i]), float(d.score[i]), d.error[i], d.P[i]) for i in sel]
        want = {}
        for row, score, err, P in flat:  # the first strictly better wins
            if row not in want or score < want[row][0]:
                want[row] = (score, err, P)
        got = _best(picks)
        assert got.row.tolist() == sorted(want), trial
        for k, row in enumerate(got.row.tolist()):
            np.testing.assert_array_equal(got.error[k], want[row][1])
            np.testing.assert_array_equal(got.P[k], want[row][2])
    assert _best([]).row.size == 0


class _Threats:
    def __init__(self, pos, vel):
        self.pos_m, self.vel_mps = pos, vel

    def __len__(self):
        return self.pos_m.shape[0]


def _frame_case(seed):
    """A tracker with random held tracks (false ones too), sightings, one to three radars'
    arcs (one with none, one all round) and the threats, for ``seed``."""
    from types import SimpleNamespace

    import iads.sim.statistical as st
    from iads.channels import Bus
    from iads.config import RunConfig

    rng = np.random.default_rng(seed)
    n_threats, n = 25, int(rng.integers(0, 30))
    tracker = st.StatisticalTracker(
        unit=0, radars={}, models={}, settings=RunConfig(), capacity=99, name="t", bus=Bus(),
        rng=np.random.default_rng(0),
    )  # fmt: skip
    if n:
        rows = rng.integers(-1, n_threats, n)
        x = rng.normal(0, 2e4, (n, 6)) * np.array([1, 1, 0.1, 0.01, 0.01, 0.001])
        tracker._add(rows, x, rng.normal(size=(n, 6, 6)), 1.0, confirmed=False)
        tracker._t_upd = rng.uniform(0, 9, n)
        tracker._t["confirmed"][:] = rng.random(n) < 0.5
        tracker._t["hits"][:] = rng.integers(0, 2**32, n, dtype=np.uint32)
        tracker._expires_s = rng.uniform(5, 15, n)
    swept = []
    for r in range(int(rng.integers(1, 4))):
        model = SimpleNamespace(
            antenna_pos_m=rng.normal(0, 500, 3), min_range_m=200.0,
            instrumented_range_m=float(rng.uniform(1e4, 4e4)), sensor_id=r,
        )  # fmt: skip
        k = [0, 1, 3, 5][int(rng.integers(0, 4))]
        start = rng.uniform(0, 2 * np.pi, k)
        sweep = rng.uniform(0, 2, k)
        if r == 1 and k:
            sweep[0] = 2 * np.pi
        swept.append(st.FrameArcs(model, np.full(k, 10.0), start, sweep))
    d = int(rng.integers(0, 10))
    seen = st.Sightings(
        rng.permutation(n_threats)[:d].astype(np.int64),
        rng.normal(size=(d, 6)),
        rng.normal(size=(d, 6, 6)),
    )
    pos, vel = rng.normal(0, 1e4, (n_threats, 3)), rng.normal(0, 200, (n_threats, 3))
    return tracker, SimpleNamespace(threats=_Threats(pos, vel)), seen, swept


def test_a_compiled_frame_is_the_frame_step_by_step(monkeypatch):
    """``statistical_kernel.track_frame`` against ``_manage_steps`` (and ``_mark_looked``) on
    ``_frame_case``s: every column, state and covariance alike, bit for bit; the cases hold
    hits, deletions and new tracks."""
    import iads.sim.statistical as st

    updated = deleted = started = 0
    for seed in range(16):
        monkeypatch.setattr(st, "USE_COMPILED_FRAME", True)
        tracker, world, seen, swept = _frame_case(seed)
        before = len(tracker._x)
        tracker._manage(world, 10.0, seen, swept)
        monkeypatch.setattr(st, "USE_COMPILED_FRAME", False)
        other, world, seen, swept = _frame_case(seed)
        other._manage(world, 10.0, seen, swept)
        for name in ("_x", "_P", "_t_upd", "_expires_s"):
            got, want = getattr(tracker, name), getattr(other, name)
            np.testing.assert_array_equal(got, want, err_msg=f"{seed} {name}")
        for c in tracker._t:
            np.testing.assert_array_equal(tracker._t[c], other._t[c], err_msg=f"{seed} {c}")
        new = int(np.count_nonzero(tracker._t["number"] > before))
        updated += int(np.count_nonzero(tracker._t_upd[tracker._t["number"] <= before] == 10.0))
        started += new
        deleted += before - (len(tracker._x) - new)
    assert updated > 0 and deleted > 0 and started > 0


def test_a_run_is_the_same_with_the_frame_compiled_or_step_by_step(monkeypatch):
    import iads.sim.statistical as st

    sc = load_scenario(EXAMPLES / "small.yaml")
    runs = []
    for compiled in (True, False):
        monkeypatch.setattr(st, "USE_COMPILED_FRAME", compiled)
        runs.append(run_scenario(sc, seed=5, fidelity="fast"))
    a, b = runs
    assert len(a.events["time_s"]) > 0 and a.summary["tracked"] > 0
    for table in ("events", "threats", "engagements"):
        for k, v in getattr(a, table).items():
            np.testing.assert_array_equal(v, getattr(b, table)[k], err_msg=f"{table} {k}")
    for k, v in a.tables["tracks"].items():
        np.testing.assert_array_equal(v, b.tables["tracks"][k], err_msg=k)
