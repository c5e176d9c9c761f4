"""The tracker end to end on seeded generated scenarios: confirmation, capacity, fusion of
several radars, invariance to plot order, every filter/association setting."""

from __future__ import annotations

import numpy as np
import pytest

from iads.tracking.measurement import polar_noise_cov
from iads.tracking.metrics import gospa, score_tracks
from iads.tracking.scenario_gen import SurveillanceParams, clutter_density, generate
from iads.tracking.tracker import (
    Plots,
    Tracker,
    TrackerConfig,
    scans_from_detections,
    track_columns,
)


def _run(p: SurveillanceParams, seed: int, **kw: object):
    truth, det = generate(p, seed)
    R = polar_noise_cov(p.sigma_range_m, p.sigma_azimuth_rad, p.sigma_elevation_rad)
    cfg = TrackerConfig(
        pd=p.pd,
        clutter_density=clutter_density(p),
        confirmation="m_of_n",
        confirm_m=3,
        confirm_n=4,
        **kw,
    )  # type: ignore[arg-type]
    tracker = Tracker(cfg)
    out = tracker.run(scans_from_detections(det, R, dict(enumerate(p.sensor_pos_m))))
    return truth, det, tracker, out


def _last_scan(truth: dict, out: dict) -> tuple[np.ndarray, np.ndarray]:
    t_end = truth["time_s"].max()
    tp = np.column_stack([truth[c][truth["time_s"] == t_end] for c in ("x_m", "y_m", "z_m")])
    op = np.column_stack([out[c][out["time_s"] == t_end] for c in ("x_m", "y_m", "z_m")])
    return tp, op


def test_clean_scenario_confirms_every_target() -> None:
    p = SurveillanceParams(
        n_targets=12, n_scans=8, pd=0.999999, clutter_per_scan=1e-9, turning_fraction=0.0
    )
    truth, _, _, out = _run(p, 1)
    tp, op = _last_scan(truth, out)
    g = gospa(tp, op, c=2000.0)
    assert (g.n_missed, g.n_false) == (0, 0)
    s = score_tracks(truth, out, cutoff_m=2000.0)
    assert s["time_to_confirm_s"] == pytest.approx(8.0)  # 3 of 4: plots at 0, 4 and 8 s
    assert s["id_switches"] == 0 and s["track_breaks"] == 0
    assert s["track_purity"] == 1.0


@pytest.mark.parametrize(
    ("filt", "association", "initiation"),
    [
        ("ekf", "gnn", "one_point"),
        ("ekf", "jpda", "one_point"),
        ("ukf", "gnn", "one_point"),
        ("imm", "gnn", "one_point"),
        ("ekf", "gnn", "two_point"),
        ("ekf", "jpda", "two_point"),
    ],
)
def test_every_setting_tracks_a_cluttered_scenario(
    filt: str, association: str, initiation: str
) -> None:
    p = SurveillanceParams(n_targets=8, n_scans=12, turning_fraction=0.0)
    truth, _, _, out = _run(p, 2, filter=filt, association=association, initiation=initiation)
    tp, op = _last_scan(truth, out)
    g = gospa(tp, op, c=2000.0)
    assert g.n_missed <= 1 and g.n_false <= 1
    assert score_tracks(truth, out, 2000.0)["position_rmse_m"] < 600.0


def test_capacity_is_respected() -> None:
    p = SurveillanceParams(n_targets=20, n_scans=6)
    _, det = generate(p, 3)
    R = polar_noise_cov(p.sigma_range_m, p.sigma_azimuth_rad, p.sigma_elevation_rad)
    tracker = Tracker(TrackerConfig(max_tracks=7, clutter_density=clutter_density(p)))
    sizes = [len(tracker.step(t, plots)) for t, plots in scans_from_detections(det, R)]
    assert max(sizes) == 7
    ids = tracker.state.table.track_id
    assert ids.size == np.unique(ids).size


def test_two_radars_fused_into_one_picture() -> None:
    # each radar alone sees a target only 55 % of the time; fused, 1 - 0.45^2 = 80 %
    p = SurveillanceParams(
        n_targets=10,
        n_scans=12,
        pd=0.55,
        turning_fraction=0.0,
        sensor_pos_m=((0.0, 0.0, 0.0), (30e3, -20e3, 100.0)),
    )
    truth, det, _, out = _run(p, 4)
    tp, op = _last_scan(truth, out)
    g = gospa(tp, op, c=2000.0)
    assert g.n_missed <= 1
    assert g.n_false == 0  # no duplicate track per radar
    single = SurveillanceParams(**{**p.__dict__, "sensor_pos_m": p.sensor_pos_m[:1]})
    truth1, _, _, out1 = _run(single, 4)
    fused = score_tracks(truth, out, 2000.0)
    alone = score_tracks(truth1, out1, 2000.0)
    assert fused["gospa_m"] < alone["gospa_m"]


def test_plot_order_within_a_scan_does_not_matter() -> None:
    p = SurveillanceParams(n_targets=6, n_scans=8)
    _, det = generate(p, 5)
    R = polar_noise_cov(p.sigma_range_m, p.sigma_azimuth_rad, p.sigma_elevation_rad)
    rng = np.random.default_rng(np.random.SeedSequence([2026, 81]))
    a, b = Tracker(), Tracker()
    for t, plots in scans_from_detections(det, R):
        perm = rng.permutation(len(plots))
        ta = a.step(t, plots)
        tb = b.step(t, plots.take(perm))
        ca, cb = track_columns(ta, t), track_columns(tb, t)
        ka = np.lexsort((ca["y_m"], ca["x_m"]))
        kb = np.lexsort((cb["y_m"], cb["x_m"]))
        np.testing.assert_allclose(ca["x_m"][ka], cb["x_m"][kb], rtol=1e-9)


def test_step_does_not_mutate_plots_and_rejects_time_going_back() -> None:
    z = np.array([[50e3, 1.0, 0.05], [60e3, 2.0, 0.04]])
    plots = Plots.from_polar(
        z[:, 0], z[:, 1], z[:, 2], polar_noise_cov(50, 0.003, 0.003), np.zeros(3)
    )
    before = plots.z.copy()
    tracker = Tracker()
    tracker.step(4.0, plots)
    np.testing.assert_array_equal(plots.z, before)
    with pytest.raises(ValueError, match="time order"):
        tracker.step(3.0, plots)


def test_config_is_validated() -> None:
    with pytest.raises(ValueError, match="association"):
        TrackerConfig(association="mht")
    with pytest.raises(ValueError, match="confirm_m"):
        TrackerConfig(confirm_m=4, confirm_n=3)


def test_confirmed_tracks_choose_plots_first() -> None:
    from dataclasses import replace

    from iads.tracking import management as mgmt
    from iads.tracking.measurement import polar_measure
    from iads.tracking.tracker import TrackerState, tracker_step

    sensor = np.zeros(3)
    R = polar_noise_cov(50.0, 0.0035, 0.0035)
    plot_pos = np.array([40e3, 30e3, 5e3])
    z = polar_measure(plot_pos, sensor)[None, :]
    # confirmed track 120 m from the plot, tentative track exactly on it, same covariance
    x = np.zeros((2, 6))
    x[0, 0:3] = plot_pos + np.array([120.0, 0.0, 0.0])
    x[1, 0:3] = plot_pos
    table = mgmt.initiate_one_point(polar_measure(x, sensor), R, sensor, 1.0, 0.0, first_id=1)
    table = replace(table, x=x, status=np.array([mgmt.CONFIRMED, mgmt.TENTATIVE], np.int8))
    plots = Plots.from_polar(z[:, 0], z[:, 1], z[:, 2], R, sensor)
    for first, winner in ((True, 0), (False, 1)):
        cfg = TrackerConfig(
            filter="ekf", confirmed_first=first, confirmation="m_of_n", confirm_m=3, confirm_n=5
        )
        out = tracker_step(cfg, TrackerState(table=table, t_s=0.0, next_id=3), 0.0, plots)
        assert out.table.misses[winner] == 0
        assert out.table.misses[1 - winner] == 1


def test_docs_quick_start_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "tracking.md").read_text()
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(code, "docs/tracking.md", "exec"), {})
    gospa_m = float(capsys.readouterr().out.strip())
    assert 0.0 < gospa_m < 2000.0 * np.sqrt(10)


def test_range_rate_plots_are_used() -> None:
    p = SurveillanceParams(n_targets=8, n_scans=12, turning_fraction=0.0, sigma_range_rate_mps=2.0)
    truth, det = generate(p, 6)
    R = polar_noise_cov(
        p.sigma_range_m, p.sigma_azimuth_rad, p.sigma_elevation_rad, p.sigma_range_rate_mps
    )
    rows = {}
    for rr in (False, True):
        cfg = TrackerConfig(clutter_density=clutter_density(p), range_rate=rr)
        Rk = R if rr else R[:3, :3]
        out = Tracker(cfg).run(scans_from_detections(det, Rk))
        rows[rr] = score_tracks(truth, out, 2000.0)
    assert rows[True]["targets_never_tracked"] == 0
    # a 2 m/s range rate pins the radial velocity: velocity error drops
    assert rows[True]["velocity_rmse_mps"] < rows[False]["velocity_rmse_mps"]


def test_score_confirms_far_targets_on_the_second_plot() -> None:
    """Default (track score, Wald's SPRT): at 100-150 km a 0.2 deg radar's second plot lands in a
    gate so small against the clutter density that the score passes ln((1 - beta) / alpha) at
    once: every target is confirmed 4 s after its first plot; with M of N (3 of 4) it is 8 s."""
    p = SurveillanceParams(
        n_targets=12,
        n_scans=8,
        pd=0.999999,
        clutter_per_scan=20.0,
        turning_fraction=0.0,
        range_min_m=100e3,
        range_max_m=150e3,
    )
    truth, det = generate(p, 3)
    R = polar_noise_cov(p.sigma_range_m, p.sigma_azimuth_rad, p.sigma_elevation_rad)
    out = Tracker(TrackerConfig(pd=p.pd, clutter_density=clutter_density(p))).run(
        scans_from_detections(det, R)
    )
    s = score_tracks(truth, out, cutoff_m=2000.0)
    assert s["time_to_confirm_s"] == pytest.approx(4.0)
    assert s["targets_never_tracked"] == 0 and s["id_switches"] == 0


def test_score_false_confirmations_within_wald_bound() -> None:
    """Clutter only: Wald's SPRT bound says a false track is confirmed with probability at most
    about alpha / (1 - beta) (Wald 1947; Blackman & Popoli 1999 §6.2); count confirmed tracks
    over tracks started in 4,000 clutter plots (alpha 1e-2 so the count is not zero)."""
    p = SurveillanceParams(n_targets=1, n_scans=100, clutter_per_scan=40.0, pd=0.9)
    _, det = generate(p, 5)
    keep = det["target_id"] < 0  # drop the one target: clutter only
    det = {k: v[keep] for k, v in det.items()}
    R = polar_noise_cov(p.sigma_range_m, p.sigma_azimuth_rad, p.sigma_elevation_rad)
    cfg = TrackerConfig(
        filter="ekf", pd=p.pd, clutter_density=clutter_density(p), false_track_probability=1e-2
    )
    tracker = Tracker(cfg)
    confirmed: set[int] = set()
    for t_s, plots in scans_from_detections(det, R):
        table = tracker.step(t_s, plots)
        confirmed |= set(table.track_id[table.confirmed].tolist())
    started = tracker.state.next_id - 1
    confirmed = len(confirmed)
    assert started > 3000
    assert confirmed / started <= 1e-2 / (1 - 0.1)


@pytest.mark.parametrize("filt", ["ukf", "imm"])
def test_jpda_with_other_filters_is_refused(filt: str) -> None:
    """JPDA's PDA update is on the EKF linearisation: other filters are refused, not silently
    replaced by the EKF update."""
    with pytest.raises(ValueError, match="JPDA"):
        TrackerConfig(filter=filt, association="jpda")


def test_two_radars_on_one_site_are_two_sensors() -> None:
    """A plot's sensor is its sensor_id: two radars at the same position are processed as two
    sensors (a target seen by both gets one track updated twice, not two plots for one scan's
    assignment, where the second would start a duplicate track)."""
    p = SurveillanceParams(n_targets=8, n_scans=10, sensor_pos_m=((0.0, 0.0, 0.0),) * 2)
    truth, det = generate(p, 9)
    R = polar_noise_cov(p.sigma_range_m, p.sigma_azimuth_rad, p.sigma_elevation_rad)
    scans = scans_from_detections(det, R, dict(enumerate(p.sensor_pos_m)))
    out = Tracker(TrackerConfig(pd=p.pd, clutter_density=clutter_density(p))).run(scans)
    tp, op = _last_scan(truth, out)
    g = gospa(tp, op, c=2000.0)
    assert (g.n_missed, g.n_false) == (0, 0)


@pytest.mark.parametrize("filt", ["imm", "ekf"])
def test_compiled_kernels_give_the_numpy_tracks(filt: str) -> None:
    """The whole tracker with the compiled gate and with the NumPy gate, on a cluttered
    scenario: the same tracks (ids, rows) with states equal to rounding."""
    p = SurveillanceParams(n_targets=12, n_scans=25, clutter_per_scan=60)
    _, _, _, ref = _run(p, 13, filter=filt)
    _, _, _, got = _run(p, 13, filter=filt, compiled=True)
    assert len(ref["track_id"]) > 200
    np.testing.assert_array_equal(got["track_id"], ref["track_id"])
    np.testing.assert_array_equal(got["time_s"], ref["time_s"])
    for c in ("x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps"):
        np.testing.assert_allclose(got[c], ref[c], rtol=1e-7, atol=1e-6, err_msg=c)


def test_sensor_groups_follow_np_unique() -> None:
    """A scan's plots split by sensor id in ``np.unique`` order (each sensor's rows in plot
    order, its position from its first plot); one id is one group of every row."""
    from iads.tracking.tracker import Plots, _sensor_groups

    rng = np.random.default_rng(5)
    sid = rng.choice([7, 3, 12], size=40)
    pos = np.array([[0.0, 0.0, 10.0], [5e3, 0.0, 20.0], [0.0, 9e3, 30.0]])[
        np.searchsorted([3, 7, 12], sid)
    ]
    z = np.column_stack(
        [rng.uniform(1e3, 5e4, 40), rng.uniform(0, 6.2, 40), rng.uniform(0, 0.3, 40)]
    )
    plots = Plots(z=z, R=np.broadcast_to(np.eye(3), (40, 3, 3)), sensor_pos_m=pos, sensor_id=sid)
    groups = list(_sensor_groups(plots))
    ids, inverse = np.unique(sid, return_inverse=True)
    assert len(groups) == ids.size
    for k, (sensor, rows) in enumerate(groups):
        np.testing.assert_array_equal(rows, np.flatnonzero(inverse == k))
        np.testing.assert_array_equal(sensor, pos[rows[0]])
    one = Plots(z=z, R=plots.R, sensor_pos_m=pos, sensor_id=np.full(40, 3))
    [(sensor, rows)] = list(_sensor_groups(one))
    np.testing.assert_array_equal(rows, np.arange(40))
    by_pos = Plots(z=z, R=plots.R, sensor_pos_m=pos)  # no ids: one sensor per position
    groups = list(_sensor_groups(by_pos))
    sensors, inverse = np.unique(pos, axis=0, return_inverse=True)
    assert len(groups) == sensors.shape[0] == 3
    for k, (sensor, rows) in enumerate(groups):
        np.testing.assert_array_equal(rows, np.flatnonzero(inverse.ravel() == k))
        np.testing.assert_array_equal(sensor, sensors[k])
    same = Plots(z=z, R=plots.R, sensor_pos_m=np.broadcast_to(pos[0], pos.shape))
    [(sensor, rows)] = list(_sensor_groups(same))
    np.testing.assert_array_equal(rows, np.arange(40))
    np.testing.assert_array_equal(sensor, pos[0])


@pytest.mark.parametrize("n_sensors", [1, 2, 5])
def test_position_groups_are_their_reference(n_sensors: int) -> None:
    """Peeling one sensor's rows off at a time gives the set-and-sort reference's groups
    (keys, order and rows), with -0.0 and 0.0 one position; no plots, no groups; a NaN
    position falls back to the reference, which refuses it as before."""
    from iads.tracking.tracker import (
        Plots,
        _position_groups,
        _position_groups_reference,
        _sensor_groups,
    )

    rng = np.random.default_rng(50 + n_sensors)
    sites = rng.choice([-1.0, 0.0, 2.0], size=(n_sensors, 3)) * 1e3
    sites[0] = [0.0, -0.0, 5.0]
    for m in (0, 1, 40):
        pos = sites[rng.integers(0, n_sensors, m)]
        pos[pos == 0.0] = rng.choice([0.0, -0.0], size=int(np.count_nonzero(pos == 0.0)))
        got, want = _position_groups(pos), _position_groups_reference(pos)
        assert got is not None and len(got) == len(want)
        for (k1, r1), (k2, r2) in zip(got, want, strict=True):
            assert k1 == k2 and r1.dtype == r2.dtype and np.array_equal(r1, r2)
    pos = sites[rng.integers(0, n_sensors, 10)]
    pos[3, 1] = np.nan
    assert _position_groups(pos) is None
    plots = Plots(z=np.zeros((10, 3)), R=np.zeros((10, 3, 3)), sensor_pos_m=pos)
    with pytest.raises(IndexError):
        list(_sensor_groups(plots))
