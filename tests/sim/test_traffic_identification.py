"""Civil traffic and identification in whole runs: airliners are real objects (seen, tracked,
never leakers), identification keeps them safe, and degrading it puts them at risk."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from iads.scenario import load_scenario
from iads.sim.run import run_scenario

EXAMPLES = Path(__file__).parents[2] / "examples"

SMALL = """
name: Airway over Harbour
origin: {lat_deg: 40.0, lon_deg: 20.0, alt_m: 0}
duration_s: 420
tick_s: 0.5
seed: 5
assets:
  - {name: Harbour, position: {lat_deg: 40.0, lon_deg: 20.05}, value: 10, radius_m: 2000}
batteries:
  - name: North
    command_post: {reaction_time_s: 8}
    radars:
      - {name: acq, type: 91N6E-class, position: {lat_deg: 40.01, lon_deg: 20.0}}
    launchers:
      - name: l1
        type: 5P85-class
        position: {lat_deg: 40.01, lon_deg: 20.01}
        count: 4
        loadout: {48N6-class: 4}
raids:
  - name: drones
    type: one-way-attack-drone
    count: 3
    target: Harbour
    axis: {bearing_deg: 90, spread_deg: 20, distance_m: 15000}
    launch_window_s: [0, 30]
    profile: {kind: cruise, altitude_m: 200}
corridors:
  - name: A1
    points: [{lat_deg: 40.6, lon_deg: 19.2}, {lat_deg: 39.4, lon_deg: 20.9}]
traffic:
  - name: Lumen Air 7
    allegiance: neutral
    count: 2
    interval_s: 60
    route:
      - {lat_deg: 40.35, lon_deg: 19.55, alt_m: 10000, speed_mps: 230}
      - {lat_deg: 39.4, lon_deg: 20.9, alt_m: 10000, speed_mps: 230}
    transponder: {iff_modes: ["3", "C"], adsb: true, reliability: RELIABILITY}
settings:
  c2:
    identification: {engage: [hostile]}
"""


def _run(tmp_path: Path, reliability: float, adsb: bool = True, iff: bool = True) -> dict:
    text = SMALL.replace("RELIABILITY", str(reliability))
    data = yaml.safe_load(text)
    tp = data["traffic"][0]["transponder"]
    tp["adsb"] = adsb
    tp["iff_modes"] = ["3", "C"] if iff else []
    path = tmp_path / f"s_{reliability}_{adsb}_{iff}.yaml"
    path.write_text(yaml.safe_dump(data))
    res = run_scenario(load_scenario(path))
    return res.summary | {"_threats": res.threats}


@pytest.fixture(scope="module")
def nominal(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("id"), 0.98)


def test_traffic_is_seen_but_not_scored_as_threats(nominal):
    th = nominal["_threats"]
    assert nominal["threats"] == 3 and nominal["traffic"] == 2
    air = th["allegiance"] == "neutral"
    assert (th["first_track_s"][air] > 0).all(), "radars detect and track airliners"
    assert not th["reached"][air].any()
    assert nominal["leakers"] + nominal["kills"] + nominal["expired"] <= 3


def test_identification_keeps_airliners_safe_and_names_the_drones(nominal):
    assert nominal["neutrals_engaged"] == 0
    assert nominal["neutrals_declared_hostile"] == 0
    assert nominal["hostiles_declared"] == 3
    # declared within two interrogation cycles of the first track
    assert 0 <= nominal["time_to_identify_hostile_s"] <= 10.0
    assert nominal["kills"] >= 1


def test_degraded_identification_puts_airliners_at_risk(nominal, tmp_path):
    """Transponders answering one interrogation in ten and no ADS-B: silence reads as
    hostile, so the airliners over the defended area are declared hostile and engaged."""
    bad = _run(tmp_path, 0.1, adsb=False)
    assert bad["neutrals_declared_hostile"] > nominal["neutrals_declared_hostile"]
    assert bad["neutrals_engaged"] > nominal["neutrals_engaged"]


def test_iff_off_with_adsb_still_identifies(nominal, tmp_path):
    """ADS-B alone, with corridor rules, outweighs the silence to interrogation."""
    res = _run(tmp_path, 0.98, iff=False)
    assert res["neutrals_engaged"] == 0


def test_airliner_example_keeps_zero_neutrals_engaged():
    res = run_scenario(load_scenario(EXAMPLES / "airliners.yaml"))
    s = res.summary
    assert s["traffic"] == 9
    assert s["neutrals_engaged"] == 0 and s["friendlies_engaged"] == 0
    assert s["hostiles_declared"] >= 18
    assert s["kills"] >= 15
