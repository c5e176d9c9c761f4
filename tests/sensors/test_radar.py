"""observe(): detection rates, noise statistics, false alarms, resolution, horizon, sectors."""

from __future__ import annotations

import numpy as np
import pytest

from iads.scenario.equipment import RadarType
from iads.sensors import detection_probability, radar_horizon_m
from iads.sensors.geometry import surface_to_enu
from iads.sensors.measure import MONOPULSE_SLOPE
from iads.sensors.radar import RadarModel, look, observe
from iads.sensors.radar_equation import snr_db_at


def _radar(**kw) -> RadarModel:
    fields = dict(
        ref_range_m=150e3,
        instrumented_range_m=300e3,
        scan_period_s=4.0,
        beamwidth_az_deg=1.0,
        beamwidth_el_deg=2.0,
        range_resolution_m=150.0,
        antenna_height_m=10.0,
        min_elevation_deg=-2.0,
    )
    site_m = kw.pop("site_m", (0.0, 0.0, 0.0))
    origin_alt_m = kw.pop("origin_alt_m", 0.0)
    fields.update(kw)
    return RadarModel.from_type(
        RadarType(**fields), list(site_m), sensor_id=7, origin_alt_m=origin_alt_m
    )


def _ring(n: int, ground_m: float, height_m: float) -> np.ndarray:
    """n targets on a circle, at the centres of 360/n-degree sectors (distinct cells)."""
    az = np.radians((np.arange(n) + 0.5) * 360.0 / n)
    return surface_to_enu(ground_m, az, height_m)


def _rng(*key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(list(key)))


@pytest.mark.parametrize(("case", "n_pulses"), [(0, 1), (1, 1), (2, 4), (3, 1), (4, 8)])
def test_detection_rate_equals_exact_pd(case, n_pulses):
    radar = _radar(n_pulses=n_pulses)
    pos = _ring(300, 170e3, 5000.0)
    rng = _rng(3, case)
    lk = look(radar, pos, radar.swept_arcs(0.0, radar.scan_period_s))
    assert lk.index.size == 300
    snr_db = snr_db_at(radar.snr_constant_db, lk.apparent_range_m, 1.0)
    pd = float(np.mean(detection_probability(snr_db, radar.pfa, n_pulses, case)))
    scans = 80
    hits = sum(
        len(
            observe(
                radar, pos, np.zeros_like(pos), 1.0, 0.0, rng, swerling=case, false_alarms=False
            )
        )
        for _ in range(scans)
    )
    trials = 300 * scans
    assert hits / trials == pytest.approx(pd, abs=4.5 * np.sqrt(pd * (1 - pd) / trials))


def test_noise_statistics_match_sigmas():
    radar = _radar(sigma_range_floor_m=5.0, sigma_angle_floor_deg=0.02, measures_range_rate=True)
    pos = _ring(300, 60e3, 3000.0)
    vel = np.tile([100.0, -50.0, 0.0], (300, 1))
    rng = _rng(4)
    lk = look(radar, pos, radar.swept_arcs(0.0, radar.scan_period_s))
    true_r, true_az, true_el = lk.range_m, lk.azimuth_rad, lk.elevation_rad
    errs = {"r": [], "az": [], "el": [], "rr": []}
    sig = {"r": [], "az": [], "el": [], "rr": []}
    los = pos - radar.antenna_pos_m
    true_rr = np.sum(los * vel, axis=1) / np.linalg.norm(los, axis=1)
    for _ in range(40):
        d = observe(radar, pos, vel, 1.0, 0.0, rng, swerling=0, false_alarms=False)
        i = d.truth_id
        errs["r"].append(d.range_m - true_r[i])
        errs["az"].append(np.mod(d.azimuth_rad - true_az[i] + np.pi, 2 * np.pi) - np.pi)
        errs["el"].append(d.elevation_rad - true_el[i])
        errs["rr"].append(d.range_rate_mps - true_rr[i])
        for k, s in (
            ("r", d.sigma_range_m),
            ("az", d.sigma_azimuth_rad),
            ("el", d.sigma_elevation_rad),
        ):
            sig[k].append(s)
        # expected sigmas from the formulas, recomputed here from the reported SNR
        chi = 10 ** (d.snr_db / 10)
        np.testing.assert_allclose(
            d.sigma_range_m, np.sqrt(5.0**2 + 150.0**2 / (2 * chi)), rtol=1e-12
        )
        np.testing.assert_allclose(
            d.sigma_azimuth_rad,
            np.sqrt(np.radians(0.02) ** 2 + (np.radians(1.0) / MONOPULSE_SLOPE) ** 2 / (2 * chi)),
            rtol=1e-12,
        )
    for k in ("r", "az", "el"):
        z = np.concatenate(errs[k]) / np.concatenate(sig[k])
        assert abs(z.mean()) < 4 / np.sqrt(z.size)
        assert z.std() == pytest.approx(1.0, abs=0.04)
    rr = np.concatenate(errs["rr"])
    assert abs(rr.mean()) < 0.1 and rr.std() < 2.0


def test_false_alarm_count_is_pfa_times_cells():
    radar = _radar(
        pfa=1e-4,
        instrumented_range_m=30e3,
        range_resolution_m=300.0,
        min_elevation_deg=0.0,
        max_elevation_deg=10.0,
    )
    # 100 range gates x 360 beams x 5 elevation beams = 180,000 cells
    cells = (30e3 / 300.0) * 360.0 * (10.0 / 2.0)
    rng = _rng(5)
    counts = []
    far = surface_to_enu(1e6, 0.0, 0.0)[None, :]  # nothing real in view
    for _ in range(300):
        d = observe(radar, far, np.zeros((1, 3)), 1.0, 0.0, rng)
        assert np.all(d.truth_id == -1)
        counts.append(len(d))
        assert np.all((d.range_m >= 0) & (d.range_m <= 30e3))
    counts = np.array(counts)
    expected = 1e-4 * cells
    assert counts.mean() == pytest.approx(expected, abs=4 * np.sqrt(expected / counts.size))
    assert counts.var() == pytest.approx(expected, rel=0.25)  # Poisson: variance = mean


def test_false_alarms_only_in_swept_arc():
    radar = _radar(pfa=1e-3, instrumented_range_m=20e3)
    d = observe(
        radar,
        np.empty((0, 3)),
        np.empty((0, 3)),
        1.0,
        0.0,
        _rng(6),
        arcs=[(np.radians(350.0), np.radians(20.0))],
    )
    assert len(d) > 50  # about 133 gates x 20 beams x 36 elevation beams x 1e-3 = 96
    az = np.degrees(d.azimuth_rad)
    assert np.all((az >= 350.0) | (az < 10.0))


def test_two_targets_in_one_cell_give_one_plot():
    radar = _radar(sigma_range_floor_m=0.0)
    base = surface_to_enu(50e3, np.radians(30.4), 2000.0)
    same_cell = surface_to_enu(50e3 + 40.0, np.radians(30.5), 2000.0)  # 40 m, 0.1° apart
    other = surface_to_enu(50e3 + 400.0, np.radians(30.5), 2000.0)  # 400 m: resolved
    pos = np.stack([base, same_cell, other])
    rcs = np.array([1.0, 4.0, 1.0])
    d = observe(radar, pos, np.zeros((3, 3)), rcs, 0.0, _rng(7), swerling=0, false_alarms=False)
    assert sorted(d.truth_id.tolist()) == [1, 2]  # the stronger of the pair labels the plot
    merged = d.range_m[d.truth_id == 1][0]
    lk = look(radar, pos, radar.swept_arcs(0.0, 4.0))
    centroid = (1.0 * lk.range_m[0] + 4.0 * lk.range_m[1]) / 5.0
    assert merged == pytest.approx(centroid, abs=5 * d.sigma_range_m[d.truth_id == 1][0])


def test_drone_at_50_m_first_seen_near_its_horizon():
    # Skolnik §8.2: antenna 10 m, drone 50 m -> about 4.12 (sqrt 10 + sqrt 50) = 42.2 km
    radar = _radar(ref_range_m=150e3, scan_period_s=2.0)
    horizon = float(radar_horizon_m(radar.antenna_alt_m, 50.0))
    assert horizon == pytest.approx(4120 * (np.sqrt(10) + np.sqrt(50)), rel=0.002)
    rng = _rng(8)
    speed, dt = 60.0, 0.1
    first = None
    ranges = []
    for k in range(int(1500 / dt)):
        t = k * dt
        ground = 60e3 - speed * t
        pos = surface_to_enu(ground, np.radians(45.0), 50.0)[None, :]
        d = observe(
            radar,
            pos,
            np.zeros((1, 3)),
            0.1,
            t,
            rng,
            arcs=radar.swept_arcs(t, dt),
            false_alarms=False,
        )
        if len(d):
            true_range = float(np.linalg.norm(pos[0] - radar.antenna_pos_m))
            ranges.append(true_range)
            if first is None:
                first = true_range
        if ground < 30e3:
            break
    assert first is not None
    assert max(ranges) <= horizon + 1.0
    assert first > horizon - 2 * radar.scan_period_s * speed - 50.0


def test_sector_scan_sees_only_its_sector():
    radar = RadarModel.from_type(
        RadarType(
            ref_range_m=150e3,
            instrumented_range_m=200e3,
            scan="sector",
            sector_width_deg=90.0,
            scan_period_s=2.0,
            beamwidth_az_deg=1.0,
        ),
        [0.0, 0.0, 0.0],
        boresight_deg=90.0,
    )
    pos = _ring(360, 40e3, 3000.0)
    seen = set()
    rng = _rng(9)
    dt = 0.1
    for k in range(40):
        d = observe(
            radar,
            pos,
            np.zeros_like(pos),
            10.0,
            k * dt,
            rng,
            arcs=radar.swept_arcs(k * dt, dt),
            swerling=0,
            false_alarms=False,
        )
        seen.update(d.truth_id.tolist())
    az_seen = np.array(sorted(seen)) + 0.5  # ring index i sits at azimuth i + 0.5 degrees
    assert az_seen.min() >= 45.0 and az_seen.max() <= 135.0
    assert len(seen) == 90


def test_batched_look_equals_looped():
    radar = _radar()
    rng = _rng(10)
    pos = surface_to_enu(
        rng.uniform(1e3, 250e3, 200), rng.uniform(0, 2 * np.pi, 200), rng.uniform(0, 15e3, 200)
    )
    arcs = [(0.3, 2.0)]
    batched = look(radar, pos, arcs)
    rows = []
    for i in range(200):
        one = look(radar, pos[i : i + 1], arcs)
        if one.index.size:
            rows.append((i, one.range_m[0], one.azimuth_rad[0], one.elevation_rad[0]))
    assert batched.index.tolist() == [r[0] for r in rows]
    np.testing.assert_allclose(batched.range_m, [r[1] for r in rows], rtol=1e-13)
    np.testing.assert_allclose(batched.azimuth_rad, [r[2] for r in rows], rtol=1e-13)
    np.testing.assert_allclose(batched.elevation_rad, [r[3] for r in rows], rtol=1e-13)


def test_observe_does_not_mutate_and_is_reproducible():
    radar = _radar(measures_range_rate=True)
    pos = _ring(50, 80e3, 1000.0)
    vel = np.ones_like(pos)
    before = pos.copy(), vel.copy()
    a = observe(radar, pos, vel, 1.0, 0.0, _rng(11))
    b = observe(radar, pos, vel, 1.0, 0.0, _rng(11))
    np.testing.assert_array_equal(pos, before[0])
    np.testing.assert_array_equal(vel, before[1])
    np.testing.assert_array_equal(a.range_m, b.range_m)
    np.testing.assert_array_equal(a.truth_id, b.truth_id)


def test_detections_round_trip_through_the_plot_file(tmp_path):
    from iads.io.plots import read_detections, write_detections

    radar = _radar(measures_range_rate=True)
    pos = _ring(40, 60e3, 2000.0)
    d = observe(radar, pos, np.ones_like(pos), 1.0, 12.5, _rng(14))
    write_detections(tmp_path / "plots.csv", d.columns())
    back = read_detections(tmp_path / "plots.csv")
    np.testing.assert_allclose(back["range_m"], d.range_m)
    np.testing.assert_allclose(back["azimuth_rad"], d.azimuth_rad, atol=1e-12)
    np.testing.assert_array_equal(back["sensor_id"], d.sensor_id)


@pytest.mark.parametrize(
    "offset_m,origin_alt_m", [(0.0, 0.0), (50e3, 0.0), (150e3, 0.0), (150e3, 300.0)]
)
def test_look_agrees_with_visible_on_the_4_3_earth(offset_m, origin_alt_m):
    # look() fuses the geometry for speed; it must select what visible() selects from the
    # generic helpers (height_and_ground_range + slant_geometry), with the same apparent range,
    # wherever the radar stands relative to the scenario origin
    from iads.sensors.geometry import height_and_ground_range, slant_geometry
    from iads.sensors.radar import visible

    site = surface_to_enu(offset_m, np.radians(60.0), 0.0, origin_alt_m=origin_alt_m)
    radar = _radar(
        min_range_m=2000.0, max_elevation_deg=40.0, site_m=site, origin_alt_m=origin_alt_m
    )
    rng = _rng(15)
    n = 5000
    pos = surface_to_enu(
        rng.uniform(0, 320e3 + offset_m, n),
        rng.uniform(0, 2 * np.pi, n),
        rng.uniform(0, 30e3, n),
        origin_alt_m=origin_alt_m,
    )
    lk = look(radar, pos, radar.swept_arcs(0.0, radar.scan_period_s))
    h, h_r, ground = height_and_ground_range(pos, radar.antenna_pos_m, radar.earth_centre_m)
    r_app, el_app = slant_geometry(ground, h_r, h)
    expected = np.flatnonzero(visible(radar, r_app, el_app, h))
    assert 1000 < expected.size < n
    np.testing.assert_array_equal(lk.index, expected)
    np.testing.assert_allclose(lk.apparent_range_m, r_app[expected], rtol=1e-9)


@pytest.mark.parametrize(
    ("kw", "step"),
    [({}, 0.7), ({"scan": "sector", "sector_width_deg": 120.0}, 0.7), ({}, 2.5)],
    ids=["rotating, narrow arcs", "sector, fly-back in two arcs", "rotating, wide arcs"],
)
def test_points_of_many_looks_are_seen_as_by_each_look_alone(kw, step):
    """``look`` with ``points_in_arcs`` over a batch of looks equals ``look`` of each look on
    its own points (indices, geometry): narrow arcs at once, a sector's fly-back as two arcs of
    one look, arcs of half a turn or more look by look."""
    from iads.sensors.radar import points_in_arcs, points_in_arcs_flat

    radar = _radar(**kw)
    rng = np.random.default_rng(3)
    n_look, n = 12, 200
    pos = surface_to_enu(
        rng.uniform(1e3, 320e3, (n_look, n)),
        rng.uniform(0, 2 * np.pi, (n_look, n)),
        rng.uniform(0, 12e3, (n_look, n)),
    )
    arcs = [radar.swept_arcs(k * step, step) for k in range(n_look)]
    if "scan" in kw:
        assert any(len(a) == 2 for a in arcs)
    batch = look(radar, pos.reshape(-1, 3), None, points_in_arcs(radar, pos, arcs).ravel())
    flat = radar.swept_arcs_flat(np.arange(n_look) * step, step)
    np.testing.assert_array_equal(
        points_in_arcs_flat(radar, pos, *flat), points_in_arcs(radar, pos, arcs)
    )
    idx, rng_m, az = [], [], []
    for k in range(n_look):
        one = look(radar, pos[k], arcs[k])
        idx.append(one.index + k * n)
        rng_m.append(one.range_m)
        az.append(one.azimuth_rad)
    np.testing.assert_array_equal(batch.index, np.concatenate(idx))
    np.testing.assert_array_equal(batch.range_m, np.concatenate(rng_m))
    np.testing.assert_array_equal(batch.azimuth_rad, np.concatenate(az))
    assert 0 < batch.index.size < n_look * n
    # a look without arcs sees nothing, whichever path the others take
    none = points_in_arcs(radar, pos[:2], [arcs[0], []])
    assert not none[1].any()
    np.testing.assert_array_equal(none[0], points_in_arcs(radar, pos[:1], arcs[:1])[0])


def test_search_beams_are_the_measure_beams_shared_read_only():
    """The model's beams are ``measure.search_beams`` of its parameters, computed once (the
    same arrays each frame) and read-only, so no caller can change another frame's beams."""
    from dataclasses import replace

    from iads.sensors import measure

    m = _radar()
    beams = m.search_beams()
    want = measure.search_beams(
        (m.min_range_m, m.instrumented_range_m),
        m.range_resolution_m,
        (m.min_elevation_rad, m.max_elevation_rad),
        m.beamwidth_el_rad,
        m.search_ceiling_m,
    )
    for got, ref in zip(beams, want, strict=True):
        np.testing.assert_array_equal(got, ref)
        assert not got.flags.writeable
    assert all(a is b for a, b in zip(m.search_beams(), beams, strict=True))
    higher = replace(m, max_elevation_rad=m.max_elevation_rad + 0.3).search_beams()
    assert higher[0].size > beams[0].size  # other parameters, other beams


def test_observe_takes_the_rcs_as_a_function_of_the_targets_in_the_look():
    # the RCS given as a function is asked only for the targets in the look (sorted indices
    # of the rows passed) and gives the plots an array of those values gives, bit for bit;
    # with no target in the look it is not asked at all
    radar = _radar(measures_range_rate=True)
    pos = _ring(60, 70e3, 1500.0)
    vel = np.ones_like(pos)
    rcs = np.random.default_rng(3).uniform(0.05, 5.0, 60)
    asked: list[np.ndarray] = []

    def rcs_of(idx):
        asked.append(idx.copy())
        return rcs[idx]

    arcs = [(0.2, 1.5)]
    a = observe(radar, pos, vel, rcs, 0.0, _rng(5), arcs)
    b = observe(radar, pos, vel, rcs_of, 0.0, _rng(5), arcs)
    for name, col in a.columns().items():
        np.testing.assert_array_equal(col, getattr(b, name), err_msg=name)
    want = look(radar, pos, arcs).index
    assert len(asked) == 1 and np.array_equal(asked[0], want) and 0 < want.size < 60
    asked.clear()
    observe(radar, pos[:0], vel[:0], rcs_of, 0.0, _rng(5), arcs)
    assert asked == []


@pytest.mark.parametrize("doppler", [False, True])
def test_false_alarm_columns_are_constant_and_typed(doppler: bool) -> None:
    """False-alarm plots (no targets): the constant columns as ``np.full`` makes them."""
    from iads.sensors.radar import range_rate_sigma_mps

    kw = {"pfa": 1e-4}
    if doppler:
        kw["measures_range_rate"] = True
    radar = _radar(**kw)
    det = observe(radar, np.empty((0, 3)), np.empty((0, 3)), np.empty(0), 12.5, _rng(5))
    m = len(det)
    assert m > 10
    want = {
        "time_s": np.full(m, 12.5),
        "truth_id": np.full(m, -1, dtype=np.int64),
        "sensor_id": np.full(m, 7, dtype=np.int64),
        "sigma_range_m": np.full(m, radar.range_resolution_m / np.sqrt(12.0)),
        "sigma_azimuth_rad": np.full(m, radar.beamwidth_az_rad / np.sqrt(12.0)),
        "sigma_elevation_rad": np.full(m, radar.beamwidth_el_rad / np.sqrt(12.0)),
    }
    if radar.measures_range_rate:
        snr = 10.0 ** (det.snr_db / 10.0)
        np.testing.assert_allclose(det.sigma_range_rate_mps, range_rate_sigma_mps(radar, snr))
    else:
        want["range_rate_mps"] = np.full(m, np.nan)
        want["sigma_range_rate_mps"] = np.full(m, np.nan)
    for name, column in want.items():
        np.testing.assert_array_equal(getattr(det, name), column, strict=True)
