"""Terrain: GeoTIFF georeferencing, the path-profile line-of-sight test against its closed
form (a knife-edge ridge on the 4/3 earth), masking inside a run and terrain-following flight."""

from __future__ import annotations

import copy
import subprocess
import sys

import numpy as np
import pytest
import yaml

from iads.geo import Origin
from iads.sensors.geometry import EFFECTIVE_EARTH_RADIUS_M
from iads.terrain import (
    ElevationGrid,
    LocalTerrain,
    TerrainError,
    local_terrain,
    read_geotiff,
    write_geotiff,
)


def _grid(height_fn, lat=(-47.8, -47.2), lon=(-32.6, -31.6), n=(121, 201)):
    la = np.linspace(*lat, n[0])
    lo = np.linspace(*lon, n[1])
    ll, oo = np.meshgrid(la, lo, indexing="ij")
    return ElevationGrid(la, lo, height_fn(ll, oo))


def test_geotiff_round_trip_keeps_elevations_and_georeferencing(tmp_path):
    g = _grid(lambda la, lo: 100.0 * (la + 48.0) + 10.0 * (lo + 33.0))
    path = tmp_path / "t.tif"
    write_geotiff(path, g)
    back = read_geotiff(path)
    np.testing.assert_allclose(back.lat_deg, g.lat_deg, atol=1e-9)
    np.testing.assert_allclose(back.lon_deg, g.lon_deg, atol=1e-9)
    np.testing.assert_allclose(back.height_m, g.height_m, atol=1e-3)  # float32 on disk
    # a plane is reproduced exactly by bilinear interpolation between the cells
    lat, lon = np.array([-47.5123, -47.3]), np.array([-32.0456, -31.9])
    np.testing.assert_allclose(
        back.at(lat, lon), 100.0 * (lat + 48.0) + 10.0 * (lon + 33.0), atol=1e-3
    )
    assert back.at(np.array([-10.0]), np.array([0.0]))[0] == 0.0  # outside: sea level


def test_a_tiff_without_georeferencing_or_projected_is_refused(tmp_path):
    import tifffile

    plain = tmp_path / "plain.tif"
    tifffile.imwrite(plain, np.zeros((4, 4), np.float32))
    with pytest.raises(TerrainError, match="not a GeoTIFF"):
        read_geotiff(plain)
    projected = tmp_path / "utm.tif"
    keys = (1, 1, 0, 1, 1024, 0, 1, 1)  # GTModelTypeGeoKey = 1: projected
    tifffile.imwrite(
        projected,
        np.zeros((4, 4), np.float32),
        extratags=[
            (33550, "d", 3, (30.0, 30.0, 0.0), False),
            (33922, "d", 6, (0, 0, 0, 500000.0, 4000000.0, 0), False),
            (34735, "H", len(keys), keys, False),
        ],
    )
    with pytest.raises(TerrainError, match="geographic"):
        read_geotiff(projected)
    junk = tmp_path / "junk.tif"
    junk.write_bytes(b"II*\x00garbage")
    with pytest.raises(TerrainError, match="not a readable TIFF"):
        read_geotiff(junk)


RIDGE_HALF_WIDTH_M = 300.0


def _ridge_terrain(ridge_east_m: float, height_m: float) -> LocalTerrain:
    east = np.arange(-1_000.0, 60_001.0, 50.0)
    north = np.arange(-5_000.0, 5_001.0, 50.0)
    h = np.zeros((north.size, east.size))
    h[:, np.abs(east - ridge_east_m) <= RIDGE_HALF_WIDTH_M] = height_m  # a flat-topped ridge
    return LocalTerrain(east, north, h)


def test_ridge_masking_matches_the_closed_form_on_the_4_3_earth():
    """Ray height at ground distance x of d: h1 + (h2 - h1) x/d - x (d - x) / (2 k a); a
    target is seen iff that exceeds the ridge top at both of its edges. Targets 8 m above and
    below the altitude that just grazes it must fall on either side (the ray is sampled every
    ~98 m here, d / 512, and the grazing height moves 0.037 m per metre of edge position)."""
    d1, d, h1, ridge = 20_000.0, 50_000.0, 10.0, 300.0
    terrain = _ridge_terrain(d1, ridge)
    ka = EFFECTIVE_EARTH_RADIUS_M
    # h2 at which the ray grazes each edge of the top (the inner 50 m cells of it: bilinear
    # interpolation slopes the last cell); the higher one decides
    edges = np.array([d1 - RIDGE_HALF_WIDTH_M, d1 + RIDGE_HALF_WIDTH_M])
    graze = float(np.max(h1 + (ridge - h1 + edges * (d - edges) / (2 * ka)) * d / edges))
    h2 = np.array([graze + 8.0, graze - 8.0, 5_000.0, 0.5 * ridge])
    ok = terrain.clears(np.array([0.0, 0.0]), h1, np.tile([d, 0.0], (4, 1)), np.full(4, d), h2, ka)
    assert ok.tolist() == [True, False, True, False]
    flat = LocalTerrain(terrain.east_m, terrain.north_m, np.zeros_like(terrain.height_m))
    # smooth sea-level ground hides nothing the radar horizon does not (targets within it)
    assert flat.clears(np.zeros(2), h1, np.tile([d, 0.0], (4, 1)), np.full(4, d),
                       np.full(4, 200.0), ka).all()  # fmt: skip


def test_local_terrain_resamples_the_grid_in_the_scenario_frame():
    g = _grid(lambda la, lo: 50.0 * (la + 48.0) ** 2 + 0.0 * lo)
    origin = Origin(-47.45, -32.05, 0.0)
    local = local_terrain(g, origin)
    import pymap3d

    e = np.array([0.0, 12_000.0, -20_000.0])
    n = np.array([0.0, -8_000.0, 15_000.0])
    lat, lon, _ = pymap3d.enu2geodetic(e, n, np.zeros(3), -47.45, -32.05, 0.0)
    np.testing.assert_allclose(local.at(e, n), g.at(lat, lon), atol=0.05)


HILL = {"lat": -47.45, "lon": -31.90, "radius_deg": 0.03, "height_m": 600.0}


def _hill(la, lo):
    r2 = ((la - HILL["lat"]) ** 2 + ((lo - HILL["lon"]) * 0.68) ** 2) / HILL["radius_deg"] ** 2
    return HILL["height_m"] * np.exp(-r2)


def _scenario(tmp_path, terrain: bool, profile=None):
    from tests.c2.test_command_post import SCENARIO

    data = copy.deepcopy(SCENARIO)
    data["raids"][0].update(
        count=3,
        axis={"bearing_deg": 90, "spread_deg": 4, "distance_m": 30_000},
        profile=profile or {"kind": "cruise", "altitude_m": 100},
    )
    if terrain:
        write_geotiff(tmp_path / "hill.tif", _grid(_hill))
        data["terrain"] = {"file": "hill.tif"}
    path = tmp_path / f"hill_{terrain}.yaml"
    path.write_text(yaml.safe_dump(data))
    from iads.scenario.load import load_scenario

    return load_scenario(path)


def test_a_hill_between_radar_and_raid_delays_detection(tmp_path, monkeypatch):
    """Three cruise missiles at 100 m from 30 km east fly over a 600 m hill 11 km east of the
    radar: with the terrain they are first seen once past its crest, not at the horizon."""
    from iads.sim.run import run_scenario

    monkeypatch.setenv("IADS_CACHE_DIR", str(tmp_path / "cache"))
    flat = run_scenario(_scenario(tmp_path, False), engagement="fast", defended=True)
    hill = run_scenario(_scenario(tmp_path, True), engagement="fast", defended=True)
    r_flat = flat.threats["first_detect_range_m"]
    r_hill = hill.threats["first_detect_range_m"]
    assert np.all(np.isfinite(r_flat)) and r_flat.min() > 20_000.0
    assert np.all(r_hill < 12_000.0), r_hill  # only behind the crest, seen from its own side
    assert np.all(r_hill < r_flat - 8_000.0)


def test_terrain_following_threats_keep_their_clearance_over_the_hill(tmp_path):
    from iads.sim.build import build_world

    prof = {"kind": "terrain_following", "clearance_m": 60}
    world = build_world(_scenario(tmp_path, True, prof))
    tr = world.trajectories
    grid = _grid(_hill)
    import pymap3d

    o = world.origin
    lat, lon, alt = pymap3d.enu2geodetic(
        tr.pos_m[:, 0], tr.pos_m[:, 1], tr.pos_m[:, 2], o.lat_deg, o.lon_deg, o.alt_m
    )
    agl = alt - grid.at(lat, lon)
    over = grid.at(lat, lon) > 100.0
    assert over.sum() > 10  # the paths cross the hill with nodes on its slopes
    np.testing.assert_allclose(agl[over], 60.0, atol=1.0)
    assert alt[over].max() > 600.0  # they climbed over it


def test_bad_terrain_entries_get_one_line_naming_the_field(tmp_path):
    from tests.c2.test_command_post import SCENARIO

    cases = {"missing.yaml": "nothere.tif", "abs.yaml": "/etc/passwd", "up.yaml": "../x.tif"}
    (tmp_path / "notgeo.tif").write_bytes(b"II*\x00junk")
    cases["junk.yaml"] = "notgeo.tif"
    for name, file in cases.items():
        data = copy.deepcopy(SCENARIO)
        data["terrain"] = {"file": file}
        (tmp_path / name).write_text(yaml.safe_dump(data))
        res = subprocess.run(
            [sys.executable, "-m", "iads.cli", "validate", str(tmp_path / name)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
        assert res.returncode == 2, (name, res.stderr)
        assert len(lines) == 1 and lines[0].startswith("error:"), (name, res.stderr)
        assert "terrain.file" in lines[0], (name, res.stderr)


def test_masking_height_matches_the_ridge_closed_form_and_the_smooth_earth_horizon():
    """``masking_height_m`` (the coverage maps' terrain test) against two closed forms on the
    4/3 earth (k a): (1) behind a flat-topped ridge of height H whose near edge is at e, the
    lowest visible target at ground distance g is on the ray grazing that edge,
    h1 + (H - h1 + e (g - e) / (2 k a)) g / e (the edge is a grid and sample point here, so
    the match is exact to rounding); (2) over sea-level ground the lowest visible height is
    (g / sqrt(2 k a) - sqrt(h1))^2 beyond the antenna's own horizon, i.e. the radar horizon
    sqrt(2 k a h1) + sqrt(2 k a h2) (Skolnik 2001, sec. 8.2), and 0 inside it. The run's
    path-profile test (``clears``) agrees either side of the ridge's shadow line."""
    d1, h1, ridge = 20_000.0, 10.0, 300.0
    terrain = _ridge_terrain(d1, ridge)
    ka = EFFECTIVE_EARTH_RADIUS_M
    e = d1 - RIDGE_HALF_WIDTH_M
    g = np.array([25_000.0, 40_000.0, 55_000.0])
    shadow = h1 + (ridge - h1 + e * (g - e) / (2 * ka)) * g / e
    got = terrain.masking_height_m(np.zeros(2), h1, np.array([np.pi / 2]), g, ka)[0]
    np.testing.assert_allclose(got, shadow, atol=0.01)
    # in front of the ridge nothing is masked by it (ground at 0 within the antenna horizon)
    near = terrain.masking_height_m(np.zeros(2), h1, np.array([np.pi / 2]), np.array([5e3]), ka)
    assert near[0, 0] <= 0.0
    # the run's per-ray test on the same ground: 2 m above the shadow line seen, 2 m below not
    for k, d in enumerate(g):
        h2 = np.array([shadow[k] + 2.0, shadow[k] - 2.0])
        ok = terrain.clears(np.zeros(2), h1, np.tile([d, 0.0], (2, 1)), np.full(2, d), h2, ka)
        assert ok.tolist() == [True, False], d
    # sea-level ground out to 60 km: the smooth-earth radar horizon
    flat = LocalTerrain(terrain.east_m, terrain.north_m, np.zeros_like(terrain.height_m))
    g = np.array([5_000.0, 20_000.0, 35_000.0, 50_000.0])
    got = flat.masking_height_m(np.zeros(2), h1, np.array([np.pi / 2]), g, ka)[0]
    own = np.sqrt(2 * ka * h1)  # 13.0 km
    want = np.where(g > own, (g / np.sqrt(2 * ka) - np.sqrt(h1)) ** 2, 0.0)
    np.testing.assert_allclose(got[g > own], want[g > own], rtol=1e-3)
    assert np.all(got[g <= own] <= 1e-9)


def test_coverage_footprint_is_masked_by_the_scenario_terrain(tmp_path):
    """``iads coverage`` on the hill scenario: at 100 m the Sentinel-class footprint ends
    before the 600 m hill 11 km east (behind it the lowest visible height is kilometres) and is
    the smooth earth's elsewhere (west: 39.5 km, where a 1 m^2 target falls below Pd 0.9, inside
    the 49.5 km radar horizon of the 4 m antenna to 100 m); the edge toward the hill is where
    the run's own line-of-sight test flips."""
    from iads.commands.coverage import _sites, compute
    from iads.sensors.geometry import radar_horizon_m
    from iads.sensors.radar import look

    hill, flat = _scenario(tmp_path, True), _scenario(tmp_path, False)
    _, f_hill = compute(hill, 1.0, 0.9, [100.0])
    _, f_flat = compute(flat, 1.0, 0.9, [100.0])
    az = f_hill["azimuth_deg"]
    east, west = np.argmin(np.abs(az - 90.5)), np.argmin(np.abs(az - 270.5))
    edge = f_hill["detect_max_range_m"][east]
    assert 5_000.0 < edge < 11_000.0, edge
    assert f_flat["detect_max_range_m"][east] > 35_000.0
    assert f_hill["detect_max_range_m"][west] == f_flat["detect_max_range_m"][west]
    assert f_flat["detect_max_range_m"][west] < float(radar_horizon_m(4.0, 100.0))
    # the run's look (terrain on the radar model) sees half a cell inside the edge, not 2 km on
    from dataclasses import replace

    from iads.geo import Origin
    from iads.sensors.geometry import surface_to_enu
    from iads.terrain import load_grid

    model = _sites(hill)[0]["model"]
    model = replace(
        model, terrain=local_terrain(load_grid(hill.terrain.file), Origin.of(hill.origin))
    )
    site = model.site_pos_m
    a = np.radians(az[east])
    pts = np.vstack(
        [
            surface_to_enu(r, a, 100.0) + np.array([site[0], site[1], 0.0])
            for r in (edge - 500.0, edge + 2e3)
        ]
    )
    seen = look(model, pts, [(0.0, 2 * np.pi)]).index.tolist()
    assert seen == [0], seen


def test_shipped_synthetic_terrain_and_its_example(monkeypatch, tmp_path):
    """``examples/data/hills.tif`` is what ``examples/data/make_hills.py`` writes (a 500 m
    ridge 13.2 km east with a pass 6 km north, a 700 m hill 9 km west), and
    ``examples/hills.yaml`` on it: at 100 m the coverage footprint stops before the ridge's
    crest, reaches past it through the pass, stops before the hill and is the smooth earth's
    39.5 km over the sea to the south; in a run the terrain-following cruise missiles are first
    seen coming over the crest (inside 15 km), against beyond 20 km with the terrain removed."""
    import importlib.util
    from pathlib import Path

    from iads.commands.coverage import compute
    from iads.scenario.load import load_scenario
    from iads.sim.run import run_scenario

    root = Path(__file__).parents[1] / "examples"
    spec = importlib.util.spec_from_file_location("make_hills", root / "data" / "make_hills.py")
    make_hills = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_hills)
    shipped, made = read_geotiff(root / "data" / "hills.tif"), make_hills.grid()
    np.testing.assert_allclose(shipped.lat_deg, made.lat_deg, atol=1e-9)
    np.testing.assert_allclose(shipped.lon_deg, made.lon_deg, atol=1e-9)
    np.testing.assert_array_equal(shipped.height_m, made.height_m)  # float32 both
    assert shipped.height_m.max() == pytest.approx(700.0, abs=1.0)

    sc = load_scenario(root / "hills.yaml")
    _, fp = compute(sc, 1.0, 0.9, [100.0])
    az, edge = fp["azimuth_deg"], fp["detect_max_range_m"]

    def at(a: float) -> float:
        return float(edge[np.argmin(np.abs(az - a))])

    assert at(90.5) < 13_200.0  # the crest, 13.2 km east
    assert max(at(a) for a in np.arange(60.5, 70.0)) > 20_000.0  # through the pass
    assert at(270.5) < 9_000.0  # the hill, 9 km west
    assert at(180.5) == 39_500.0  # sea: the 1 m^2 Pd 0.9 range of the smooth earth

    monkeypatch.setenv("IADS_CACHE_DIR", str(tmp_path / "cache"))
    hills = run_scenario(sc, engagement="fast")
    flat = run_scenario(sc.model_copy(update={"terrain": None}), engagement="fast")
    assert np.all(hills.threats["first_detect_range_m"] < 15_000.0)
    assert np.all(flat.threats["first_detect_range_m"] > 20_000.0)


def test_terrain_following_between_the_nodes_as_flown(tmp_path):
    """The flown position (linear between path nodes 250 m apart, as the motion kernel moves
    the threats) keeps the clearance too: sampled every 0.5 s over the hill it stays within
    2 m of 60 m (measured 1.4 m). Bound: the nodes' own error (within 1 m, the test above:
    geodetic heights through the scenario's spherical frame) plus the chord's: a chord of length
    L under terrain of curvature h'' departs from it by at most h'' L^2 / 8, here about
    1.1e-4 / m x 250^2 / 8 = 0.9 m (the hill's peak curvature 2 H / r^2 with H 600 m, r 3.3 km),
    and the earth's L^2 / (8 R), 1 mm."""
    import pymap3d

    from iads.sim.build import build_world

    world = build_world(_scenario(tmp_path, True, {"kind": "terrain_following", "clearance_m": 60}))
    tr, o, grid = world.trajectories, world.origin, _grid(_hill)
    worst = 0.0
    for i in range(tr.first.size):
        t = np.arange(tr.start_time_s[i], tr.end_time_s[i], 0.5)
        p = tr.positions_at(i, t)
        lat, lon, alt = pymap3d.enu2geodetic(
            p[:, 0], p[:, 1], p[:, 2], o.lat_deg, o.lon_deg, o.alt_m
        )
        ground = grid.at(lat, lon)
        over = ground > 100.0
        assert over.sum() > 50
        worst = max(worst, float(np.max(np.abs(alt[over] - ground[over] - 60.0))))
    assert worst < 2.0, worst
