"""Interceptor paths recorded by the run (``iads.sim.recorder``) and the scenario kept with it.

Checked against what else the run says: each path starts at its launcher's site (scenario
position through ``geodetic_to_enu``) at its ``engage`` time, ends at its ``intercept`` event,
never flies faster than its type's catalog ``max_speed_mps`` between samples, and the stored
scenario JSON validates back into the very scenario that was run (same hash).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from iads.geo import Origin, geodetic_to_enu
from iads.scenario import Scenario, load_scenario
from iads.scenario.load import interceptor_type
from iads.sim.run import run_scenario, scenario_json

SMALL = Path(__file__).parents[2] / "examples" / "small.yaml"


@pytest.fixture(scope="module")
def run():
    sc = load_scenario(SMALL)
    return sc, run_scenario(sc)


def test_paths_start_at_the_launcher_and_end_at_the_intercept(run):
    sc, res = run
    paths = res.tables["interceptor_paths"]
    eng = res.engagements
    assert set(paths["interceptor_id"]) == set(eng["interceptor_id"])
    origin = Origin.of(sc.origin)
    sites = {s.name: s for b in sc.batteries for s in b.launchers}
    ev = res.events
    for k, iid in enumerate(eng["interceptor_id"]):
        sel = paths["interceptor_id"] == iid
        t = paths["time_s"][sel]
        p = np.column_stack([paths[c][sel] for c in ("x_m", "y_m", "z_m")])
        assert np.all(np.diff(t) > 0)
        assert set(paths["threat_id"][sel]) == {eng["threat_id"][k]}
        site = sites[eng["launcher"][k]].position
        start = geodetic_to_enu(site.lat_deg, site.lon_deg, site.alt_m, origin)[0]
        np.testing.assert_allclose(p[0], start, atol=1.0)
        assert t[0] == pytest.approx(eng["launch_time_s"][k])
        hit = (ev["kind"] == "intercept") & (ev["other_id"] == iid)
        if eng["threat_id"][k] < 0:  # fired at a false track: it meets nothing
            assert hit.sum() == 0
            continue
        assert hit.sum() == 1
        np.testing.assert_allclose(p[-1], [ev[c][hit][0] for c in ("x_m", "y_m", "z_m")])
        assert t[-1] == ev["time_s"][hit][0]
        speed = np.linalg.norm(np.diff(p, axis=0), axis=1) / np.diff(t)
        vmax = interceptor_type(sc, eng["interceptor_type"][k]).max_speed_mps
        assert speed.max() <= 1.01 * vmax
        assert speed.max() > 0.2 * vmax  # it did fly: not a stationary launcher position
        assert sel.sum() >= (t[-1] - t[0]) // 1.0  # sampled every second in flight


def test_the_stored_scenario_is_the_one_that_ran(run):
    sc, res = run
    back = Scenario.model_validate_json(res.scenario_json)
    assert back == sc
    assert res.scenario_hash == hashlib.sha256(scenario_json(back).encode()).hexdigest()


def test_undefended_run_has_no_interceptor_paths():
    sc = load_scenario(SMALL)
    res = run_scenario(sc, defended=False)
    assert "interceptor_paths" not in res.tables
