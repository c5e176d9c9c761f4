"""Truth matching of the scoring recorder: the gated-matching shortcut against the solver."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from iads.sim.scoring import match_truth


def _solved(tracks, std, truth, gate_m):
    d = np.linalg.norm(tracks[:, None, :] - truth[None, :, :], axis=-1)
    cost = np.where(d <= np.maximum(gate_m, 5.0 * std)[:, None], d, 1e12)
    rows, cols = linear_sum_assignment(cost)
    out = np.full(tracks.shape[0], -1, dtype=np.int64)
    ok = cost[rows, cols] < 1e12
    out[rows[ok]] = cols[ok]
    return out


@pytest.mark.parametrize("spread_m", [200.0, 2_000.0])
def test_match_truth_is_the_optimal_assignment(spread_m):
    # spread 200 m: tracks mostly near their own truth only (the shortcut); 2 km: shared gates
    rng = np.random.default_rng(int(spread_m))
    shortcut = 0
    for _ in range(40):
        truth = rng.uniform(0, 20_000, (int(rng.integers(1, 12)), 3))
        n = int(rng.integers(1, 12))
        tracks = truth[rng.integers(0, truth.shape[0], n)] + rng.normal(0, spread_m, (n, 3))
        tracks[rng.random(n) < 0.2] = rng.uniform(0, 60_000, 3)  # false tracks
        std = rng.uniform(20.0, 400.0, n)
        got = match_truth(tracks, std, truth, 1_000.0)
        assert np.array_equal(got, _solved(tracks, std, truth, 1_000.0))
        d = np.linalg.norm(tracks[:, None] - truth[None], axis=-1)
        inside = d <= np.maximum(1_000.0, 5.0 * std)[:, None]
        shortcut += inside.sum(axis=1).max() <= 1 and inside.sum(axis=0).max() <= 1
    assert 0 < shortcut < 40  # both paths were taken


class _Threats:
    def __init__(self, pos_m):
        self.pos_m = np.asarray(pos_m, dtype=float)
        self.active = np.ones(len(self.pos_m), dtype=bool)
        self.id = np.arange(len(self.pos_m))

    def __len__(self):
        return len(self.pos_m)


class _World:
    def __init__(self, pos_m):
        self.threats = _Threats(pos_m)
        self.events = []
        self.log = self

    def record(self, kind, t_s, ids, **kw):
        self.events.append((kind, t_s, list(ids)))


@pytest.mark.parametrize("shift", [0, -10])
def test_track_labels_follow_the_reported_frames(shift):
    # label_at(n, t) is the label of track n's last reported frame at or before t (its first
    # label before then): checked against the recorded tracks table, frame by frame, through
    # label switches, a track missing frames and coming back under another label, and an
    # empty frame; the track numbers are shifted by ``shift`` (negative ones are labelled too)
    from iads.config import ScoringSettings
    from iads.messages import TrackReports
    from iads.sim.scoring import Scoring

    truth = np.array([[0.0, 0.0, 1e3], [50e3, 0.0, 1e3], [0.0, 50e3, 1e3]])
    world = _World(truth)
    scoring = Scoring(world, ScoringSettings(), unit_radars={}, scan_period_s={})
    far = np.array([90e3, 90e3, 1e3])  # matches no threat: label -1
    frames = [
        {5: truth[0], 6: truth[1]},
        {5: truth[1]},
        {5: truth[1], 6: truth[2], 7: far},
        {},
        {5: truth[0], 7: truth[2]},
        {5: truth[0], 6: far, 7: truth[2]},
    ]
    for t, frame in enumerate(frames):
        keys = sorted(frame, reverse=True)  # not in order
        numbers = np.array(keys, dtype=np.int64) + shift
        x = np.zeros((numbers.size, 6))
        if numbers.size:
            x[:, :3] = [frame[n] for n in keys]
        scoring.on_tracks(
            float(t),
            TrackReports(
                time_s=np.full(numbers.size, float(t)),
                source_unit=np.zeros(numbers.size, dtype=np.int64),
                track_number=numbers,
                x=x,
                P=np.broadcast_to(np.eye(6) * 100.0, (numbers.size, 6, 6)).copy(),
                quality=np.ones(numbers.size),
                identity=np.zeros(numbers.size, dtype=np.int8),
                t_confirmed_s=np.zeros(numbers.size),
            ),
        )
    tab = scoring.history
    cols = (tab["time_s"].tolist(), tab["track_id"].tolist(), tab["truth_id"].tolist())
    rows = list(zip(*cols, strict=True))
    assert len(rows) == sum(len(f) for f in frames)
    for n in (5 + shift, 6 + shift, 7 + shift):
        mine = [(t, tid) for t, tn, tid in rows if tn == n]
        for t in np.arange(-0.5, len(frames) + 0.5, 0.5):
            before = [tid for tt, tid in mine if tt <= t + 1e-9]
            expected = before[-1] if before else mine[0][1]
            assert scoring.label_at(n, float(t)) == expected, (n, t)
    assert scoring.label_at(5 + shift, 1.0) == 1 and scoring.label_at(6 + shift, 2.0) == 2
    assert scoring.label_at(7 + shift, 2.0) == -1 and scoring.label_at(7 + shift, 5.0) == 2
    assert scoring.label_at(5 + shift, 0.0) == 0  # labelled from the unit's first frame


def test_compiled_frame_screen_labels_as_the_numpy_form(monkeypatch):
    # the recorder's labels with the compiled screen, gate and bookkeeping (scoring_kernel's
    # frame_gate and frame_labels) equal those of its NumPy forms, frame by frame, with threats leaving the window and
    # dying, overlapping gates (the solver) and a frame whose threats are all screened out
    from iads.config import ScoringSettings
    from iads.messages import TrackReports
    from iads.sim import scoring_kernel
    from iads.sim.scoring import Scoring

    def labels(compiled: bool):
        if not compiled:
            monkeypatch.setattr(scoring_kernel, "frame_gate", lambda *a, **k: None)
            monkeypatch.setattr(scoring_kernel, "frame_labels", lambda *a, **k: None)
        rng = np.random.default_rng(7)
        truth = np.cumsum(rng.uniform(500.0, 2_500.0, (25, 3)), axis=0)
        world = _World(truth)
        scoring = Scoring(world, ScoringSettings(), unit_radars={0: (0,)}, scan_period_s={0: 5.0})
        for t in range(30):
            world.threats.active[rng.integers(0, 25)] = False  # a death a frame
            if t >= 27:  # every threat gone: the screen leaves none to match
                world.threats.active[:] = False
            seen = rng.random(25) < 0.5
            scoring._last_seen_s[0][seen] = float(t)
            k = int(rng.integers(1, 15))
            x = np.zeros((k, 6))
            x[:, :3] = truth[rng.integers(0, 25, k)] + rng.normal(0, 600.0, (k, 3))
            scoring.on_tracks(
                float(t),
                TrackReports(
                    time_s=np.full(k, float(t)),
                    source_unit=np.zeros(k, dtype=np.int64),
                    track_number=np.arange(k, dtype=np.int64),
                    x=x,
                    P=np.broadcast_to(np.eye(6) * rng.uniform(1e3, 1e5), (k, 6, 6)).copy(),
                    quality=np.ones(k),
                    identity=np.zeros(k, dtype=np.int8),
                    t_confirmed_s=np.zeros(k),
                ),
            )
        monkeypatch.undo()
        return scoring.history["truth_id"], world.events

    got, got_events = labels(True)
    want, want_events = labels(False)
    assert np.array_equal(got, want) and got_events == want_events
    assert (got >= 0).sum() >= 50 and (got == -1).sum() >= 25


def test_the_recorder_notes_plots_alike_with_either_form(monkeypatch):
    # a run's detect events (times, threats, radars, positions, SNR) with the compiled
    # plot_sightings and with its NumPy form, scoring.sightings
    from iads.analysis.warm import SCENARIO
    from iads.scenario.load import builtin_catalog
    from iads.scenario.model import Scenario
    from iads.sim import scoring_kernel
    from iads.sim.run import run_scenario

    sc = Scenario.model_validate(SCENARIO)
    sc = sc.model_copy(update={"equipment": builtin_catalog().merged(sc.equipment)})

    def detects():
        ev = run_scenario(sc, seed=1, fidelity="full").events
        keep = ev["kind"] == "detect"
        return {k: v[keep] for k, v in ev.items()}

    compiled = detects()
    monkeypatch.setattr(scoring_kernel, "plot_sightings", lambda *a, **k: None)
    numpy_form = detects()
    assert compiled["time_s"].size >= 2
    for k, v in compiled.items():
        assert np.array_equal(v, numpy_form[k]), k


def test_track_history_columns_are_the_frames_concatenated():
    from iads.messages import TrackReports
    from iads.sim.scoring import TrackHistory

    rng = np.random.default_rng(4)
    hist, frames = TrackHistory(), []
    assert len(hist) == 0 and list(hist) == []
    with pytest.raises(KeyError):
        hist["time_s"]
    for k in (3, 0, 2, 4):
        r = TrackReports(
            time_s=np.full(k, float(len(frames))),
            source_unit=rng.integers(0, 3, k),
            track_number=rng.integers(0, 99, k),
            x=rng.normal(size=(k, 6)),
            P=np.broadcast_to(np.eye(6) * rng.uniform(1, 9), (k, 6, 6)).copy(),
            quality=np.ones(k),
            identity=np.zeros(k, dtype=np.int8),
            t_confirmed_s=np.zeros(k),
        )
        tid = rng.integers(-1, 9, k)
        hist.append(r, tid)
        frames.append((r, tid))
        assert hist["time_s"].size == sum(len(f[0]) for f in frames)  # read between frames
    cat = np.concatenate
    want = {
        "time_s": cat([r.time_s for r, _ in frames]),
        "battery": cat([r.source_unit for r, _ in frames]),
        "track_id": cat([r.track_number for r, _ in frames]),
        "position_std_m": cat(
            [np.sqrt(np.trace(r.P[:, :3, :3], axis1=1, axis2=2)) for r, _ in frames]
        ),
        "truth_id": cat([t for _, t in frames]),
    }
    for k, name in enumerate(("x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps")):
        want[name] = cat([r.x[:, k] for r, _ in frames])
    assert list(hist) == list(TrackHistory.COLUMNS) and set(want) == set(hist)
    for name, col in want.items():
        assert hist[name].dtype == col.dtype, name
        np.testing.assert_array_equal(hist[name], col, err_msg=name)
