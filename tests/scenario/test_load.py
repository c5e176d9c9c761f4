"""Loading valid scenarios: defaults, resolution of catalog types, overrides, extra catalogs."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from pydantic import ValidationError

from iads.errors import InputErrors
from iads.scenario import load_scenario, radar_type
from iads.scenario.load import effective

BASE = Path(__file__).parent / "base.yaml"


def _write(tmp_path: Path, data: dict, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return path


def test_base_loads_with_catalog_types():
    sc = load_scenario(BASE)
    assert sc.name == "Test base"
    assert sc.tick_s == 0.5
    site = sc.batteries[0].radars[0]
    rt = radar_type(sc, site)
    assert rt.role == "acquisition"
    assert rt.instrumented_range_m == 600_000
    assert sc.raids[0].count == 4


def test_scenario_is_frozen():
    sc = load_scenario(BASE)
    with pytest.raises(ValidationError):
        sc.duration_s = 5  # type: ignore[misc]


def test_override_changes_only_that_instance(tmp_path: Path):
    data = yaml.safe_load(BASE.read_text())
    data["batteries"][0]["radars"].append(
        {
            "name": "acq2",
            "type": "91N6E-class",
            "position": {"lat_deg": 40.02, "lon_deg": 20.0},
            "overrides": {"ref_range_m": 123_000, "scan_period_s": 5},
        }
    )
    sc = load_scenario(_write(tmp_path, data))
    first, second = (radar_type(sc, s) for s in sc.batteries[0].radars)
    assert first.ref_range_m != 123_000
    assert second.ref_range_m == 123_000 and second.scan_period_s == 5
    assert second.instrumented_range_m == first.instrumented_range_m


def test_inline_and_file_types(tmp_path: Path):
    (tmp_path / "mine.yaml").write_text(
        yaml.safe_dump(
            {
                "threats": {
                    "glider": {
                        "kind": "drone",
                        "speed_mps": 30,
                        "rcs_front_m2": 0.05,
                        "sources": {"speed_mps": "made up for a test"},
                    }
                }
            }
        )
    )
    data = yaml.safe_load(BASE.read_text())
    data["catalog_files"] = ["mine.yaml"]
    data["equipment"] = {
        "threats": {"kite": {"kind": "drone", "speed_mps": 10, "rcs_front_m2": 0.5}}
    }
    data["raids"][0]["type"] = "glider"
    data["threats"][0]["type"] = "kite"
    sc = load_scenario(_write(tmp_path, data))
    assert sc.equipment.threats["glider"].speed_mps == 30
    assert sc.equipment.threats["kite"].speed_mps == 10
    assert "subsonic-cruise-missile" in sc.equipment.threats


def test_every_error_reported_at_once(tmp_path: Path):
    data = yaml.safe_load(BASE.read_text())
    data["batteries"][0]["radars"][0]["type"] = "nope-radar"
    data["raids"][0]["type"] = "nope-threat"
    data["raids"][0]["target"] = "Nowhere"
    with pytest.raises(InputErrors) as info:
        load_scenario(_write(tmp_path, data))
    assert len(info.value.errors) == 3


def test_error_line_numbers_point_at_the_field(tmp_path: Path):
    text = BASE.read_text().replace("count: 4", "count: -4")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    expected_line = text.splitlines().index("    count: -4") + 1
    with pytest.raises(InputErrors) as info:
        load_scenario(path)
    assert info.value.line == expected_line
    assert info.value.field == "raids[0].count"


def test_duplicate_names_rejected(tmp_path: Path):
    data = yaml.safe_load(BASE.read_text())
    data["raids"].append(dict(data["raids"][0]))
    with pytest.raises(InputErrors, match="repeated: drones"):
        load_scenario(_write(tmp_path, data))


def test_effective_revalidates():
    sc = load_scenario(BASE)
    base = sc.equipment.radars["91N6E-class"]
    with pytest.raises(ValidationError):
        effective(base, {"min_range_m": 700_000})  # beyond instrumented range
    assert math.isclose(effective(base, {"pfa": 1e-4}).pfa, 1e-4)


def test_json_schema_validates_files():
    out = subprocess.run(
        [sys.executable, "-m", "iads.cli", "schema"], capture_output=True, text=True, check=True
    )
    schema = json.loads(out.stdout)
    jsonschema.validate(yaml.safe_load(BASE.read_text()), schema)
    bad = yaml.safe_load(BASE.read_text())
    bad["duration_s"] = "long"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
