"""Standalone sensors, network links and degradation events: parsing and cross-references."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from iads.errors import InputErrors
from iads.scenario import load_scenario, radar_type
from iads.scenario.model import (
    BatteryEvent,
    Link,
    LinkEvent,
    Network,
    OrbitWaypoint,
    RadarEvent,
    Sensor,
)
from iads.scenario.network_checks import relay_cycles

BASE = Path(__file__).parent / "network_base.yaml"


def _data() -> dict:
    return yaml.safe_load(BASE.read_text())


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _link(a: str, b: str, relay: bool = True, carries: str = "tracks") -> dict:
    return {"from": a, "to": b, "latency_s": 1, "period_s": 1, "relay": relay, "carries": carries}


def _with_batteries(data: dict, names: list[str]) -> dict:
    for name in names:
        data["batteries"].append(
            {
                "name": name,
                "radars": [
                    {
                        "name": f"{name} r",
                        "type": "91N6E-class",
                        "position": {"lat_deg": 40.3, "lon_deg": 20.3},
                    }
                ],
            }
        )
    return data


def _errors(tmp_path: Path, data: dict) -> list[str]:
    with pytest.raises(InputErrors) as info:
        load_scenario(_write(tmp_path, data))
    return info.value.lines()


def test_network_base_parses_every_new_field():
    sc = load_scenario(BASE)
    ground, aew = sc.sensors
    assert ground.position is not None and ground.route is None
    assert aew.position is None and len(aew.route) == 2
    assert aew.route[0].alt_m == 9000 and aew.route[1].speed_mps == 200
    assert radar_type(sc, aew).antenna_height_m == 0
    assert radar_type(sc, ground).antenna_height_m != 0
    net = sc.network
    assert net.mode == "networked" and net.coordination and net.engage_on_remote
    first, second, third, fourth = net.links
    assert (first.sender, first.receiver, first.latency_s, first.capacity) == (
        "North EW",
        "Aurel-1",
        2.0,
        200,
    )
    assert first.label == "North EW -> Aurel-1"
    assert second.carries == "plots" and second.capacity is None and not second.relay
    assert third.relay and fourth.loss_probability == 0.05
    kinds = [type(e) for e in sc.events]
    assert kinds == [LinkEvent, LinkEvent, RadarEvent, RadarEvent, BatteryEvent]
    assert sc.events[1].ends == ("North EW", "Aurel-1")  # spaces around the arrow optional


def test_defaults_mean_no_network():
    sc = load_scenario(Path(__file__).parent / "base.yaml")
    assert sc.network is None and sc.sensors == [] and sc.events == []
    assert Network().mode == "networked" and Network().links == []


def test_link_by_python_name_or_yaml_alias():
    by_alias = Link.model_validate({"from": "a", "to": "b", "latency_s": 0, "period_s": 1})
    assert by_alias == Link(sender="a", receiver="b", latency_s=0, period_s=1)


def test_orbit_waypoint_needs_speed_and_flight_altitude():
    with pytest.raises(ValueError, match="speed_mps"):
        OrbitWaypoint.model_validate({"lat_deg": 40, "lon_deg": 20, "alt_m": 9000})
    # 12 km is a flight altitude, above the 9 km ceiling of a ground site
    assert OrbitWaypoint(lat_deg=40, lon_deg=20, alt_m=12_000, speed_mps=180).alt_m == 12_000
    with pytest.raises(ValueError, match="exactly one of position"):
        Sensor.model_validate({"name": "s", "type": "t"})


def test_three_unit_relay_cycle_named_in_link_order(tmp_path: Path):
    data = _with_batteries(_data(), ["C-3"])
    data["events"] = []
    data["network"]["links"] = [
        _link("North EW", "Aurel-1"),
        _link("Brasa-2", "C-3"),
        _link("C-3", "Aurel-1"),
        _link("Aurel-1", "Brasa-2"),
    ]
    lines = _errors(tmp_path, data)
    assert len(lines) == 1
    assert "network.links[1].relay: " in lines[0]
    assert lines[0].endswith(
        "Brasa-2 -> C-3 -> Aurel-1 -> Brasa-2; set relay: false on one of them"
    )


def test_separate_relay_cycles_each_reported_once(tmp_path: Path):
    data = _with_batteries(_data(), ["C-3", "D-4"])
    data["network"]["links"] = [
        _link("Aurel-1", "Brasa-2"),
        _link("Brasa-2", "Aurel-1"),
        _link("C-3", "D-4"),
        _link("D-4", "C-3"),
        _link("Aurel-1", "C-3"),  # joins the two groups one way only: still two cycles
    ]
    data["events"] = []
    lines = _errors(tmp_path, data)
    assert len(lines) == 2
    assert lines[0].endswith("Aurel-1 -> Brasa-2 -> Aurel-1; set relay: false on one of them")
    assert "network.links[2].relay" in lines[1] and "C-3 -> D-4 -> C-3" in lines[1]


@pytest.mark.parametrize(
    "links",
    [
        # one link of the loop does not relay: forwarding stops there
        [("Aurel-1", "Brasa-2", True, "tracks"), ("Brasa-2", "Aurel-1", False, "tracks")],
        # plots are fused into the receiver's own tracks, not forwarded as remote tracks
        [("Aurel-1", "Brasa-2", True, "plots"), ("Brasa-2", "Aurel-1", True, "tracks")],
        # a chain, not a loop
        [("North EW", "Aurel-1", True, "tracks"), ("Aurel-1", "Brasa-2", True, "tracks")],
    ],
)
def test_networks_without_relay_cycle_accepted(tmp_path: Path, links):
    data = _data()
    data["network"]["links"] = [_link(*spec) for spec in links]
    data["events"] = []
    sc = load_scenario(_write(tmp_path, data))
    assert relay_cycles(sc.network.links) == []


def test_relay_cycles_on_links_directly():
    links = [
        Link(sender=a, receiver=b, latency_s=0, period_s=1, relay=True)
        for a, b in [("A", "B"), ("B", "C"), ("C", "D"), ("D", "B"), ("C", "A")]
    ]
    # one strongly connected group {A, B, C, D}: one cycle, the shortest through A
    assert relay_cycles(links) == [[0, 1, 4]]


def test_standalone_mode_still_checks_links(tmp_path: Path):
    data = _data()
    data["network"]["mode"] = "standalone"
    data["network"]["links"][0]["to"] = "Nowhere"
    lines = _errors(tmp_path, data)
    assert any("network.links[0].to: unknown battery 'Nowhere'" in line for line in lines)


def test_every_network_problem_reported_at_once(tmp_path: Path):
    data = _data()
    data["network"]["links"][0]["from"] = "Ghost"
    data["network"]["links"][1]["to"] = "North EW"
    data["events"][2]["unit"] = "Ghost radar"
    data["events"][4]["time_s"] = 5000
    data["sensors"][1]["type"] = "no-such-radar"
    lines = _errors(tmp_path, data)
    fields = [line.split(": ")[1] for line in lines]
    assert fields == [
        "sensors[1].type",
        "network.links[0].from",
        "network.links[1].to",
        # links[0] is now "Ghost -> Aurel-1": the events naming "North EW -> Aurel-1" are
        # refused too, since no such link is left
        "events[0].link",
        "events[1].link",
        "events[2].unit",
        "events[4].time_s",
    ]


def test_error_line_points_at_the_link(tmp_path: Path):
    text = BASE.read_text().replace(
        "latency_s: 0.5, period_s: 1.0, relay", "latency_s: -1, period_s: 1.0, relay"
    )
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(InputErrors) as info:
        load_scenario(path)
    expected = 1 + next(i for i, line in enumerate(text.splitlines()) if "latency_s: -1" in line)
    assert (info.value.field, info.value.line) == ("network.links[2].latency_s", expected)


def test_cli_validate_refuses_relay_cycle_exit_2(tmp_path: Path):
    data = _data()
    data["network"]["links"][3]["relay"] = True
    path = _write(tmp_path, data)
    result = subprocess.run(
        [sys.executable, "-m", "iads.cli", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {path}:")
    assert "network.links[2].relay: " in line and "Brasa-2 -> Aurel-1 -> Brasa-2" in line


def test_json_schema_documents_and_accepts_network():
    out = subprocess.run(
        [sys.executable, "-m", "iads.cli", "schema"], capture_output=True, text=True, check=True
    )
    schema = json.loads(out.stdout)
    jsonschema.validate(_data(), schema)
    defs = schema["$defs"]
    for model in ("Sensor", "Link", "Network", "LinkEvent", "RadarEvent", "BatteryEvent"):
        props = defs[model]["properties"]
        undocumented = [k for k, v in props.items() if k != "kind" and "description" not in v]
        assert not undocumented, (model, undocumented)
    assert set(defs["Link"]["properties"]) >= {"from", "to", "latency_s", "period_s", "capacity"}
    bad = _data()
    bad["network"]["links"][0]["loss_probability"] = 1.5
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
