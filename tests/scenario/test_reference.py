"""The field reference: every schema field described, docs/reference.md generated and current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from iads.scenario import Scenario
from iads.scenario.reference import reference_markdown, undocumented_fields, unit_of

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference.md"


def test_every_schema_field_has_a_description():
    missing = undocumented_fields(Scenario.model_json_schema())
    assert missing == [], f"fields without description=: {', '.join(missing)}"


def test_undocumented_fields_finds_a_bare_field():
    schema = {"properties": {"a": {"type": "number"}}, "$defs": {"M": {"properties": {
        "b": {"type": "number", "description": "ok"}, "c": {"type": "number"}}}}}  # fmt: skip
    assert undocumented_fields(schema) == ["Scenario.a", "M.c"]


def test_reference_md_is_current():
    """Regenerate with: iads schema --markdown > docs/reference.md"""
    assert REFERENCE.read_text(encoding="utf-8") == reference_markdown(), (
        "docs/reference.md is stale: run `iads schema --markdown > docs/reference.md`"
    )


def test_reference_covers_every_model_and_field():
    schema = Scenario.model_json_schema()
    text = reference_markdown(schema)
    for name, model in schema["$defs"].items():
        assert f"## {name}\n" in text
        for field in model.get("properties", {}):
            assert f"| `{field}` |" in text


def test_cli_prints_the_reference():
    out = subprocess.run(
        [sys.executable, "-m", "iads.cli", "schema", "--markdown"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == reference_markdown()


def test_units_from_suffixes():
    assert unit_of("max_lateral_accel_mps2") == "m/s²"
    assert unit_of("speed_mps") == "m/s"
    assert unit_of("rcs_front_m2") == "m²"
    assert unit_of("range_m") == "m"
    assert unit_of("boost_thrust_n") == "N"
    assert unit_of("pfa") == ""
    assert unit_of("confirm_m") == ""
