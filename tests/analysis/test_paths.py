"""Scenario fields by path: selection, value lists, re-validation with errors naming the path."""

from __future__ import annotations

import pytest

from iads.analysis.paths import apply_values, parse_values, parse_vary, resolve
from iads.errors import InputError


def test_value_lists_and_ranges():
    assert parse_values("8:512:x2") == [8, 16, 32, 64, 128, 256, 512]
    assert parse_values("0:60:+15") == [0, 15, 30, 45, 60]
    assert parse_values("0:1:0.25") == [0, 0.25, 0.5, 0.75, 1.0]
    assert parse_values("1,2, 4") == [1, 2, 4]
    assert parse_values("true,salvo,1.5") == [True, "salvo", 1.5]
    assert parse_values("[[0, 10], [0, 60]]") == [[0, 10], [0, 60]]
    assert parse_vary("raids[name=CM].count=8,16") == ("raids[name=CM].count", [8, 16])


def test_paths_reach_list_items_by_index_or_name_and_free_mappings(tiny):
    assert resolve(tiny, "raids.0.count") == ("raids", 0, "count")
    assert resolve(tiny, "raids[0].count") == ("raids", 0, "count")
    assert resolve(tiny, "raids[name=cm].count") == ("raids", 0, "count")  # case-insensitive
    sc = apply_values(
        tiny,
        [
            ("raids[name=CM].count", 8),
            ("batteries.0.command_post.doctrine", "salvo"),
            ("batteries[name=Aurel-1].launchers.0.loadout.48N6-class", 2),
            ("raids.0.launch_window_s", [0, 60]),
            ("batteries.0.radars.1.boresight_deg", 300),
        ],
    )
    assert sc.raids[0].count == 8
    assert sc.batteries[0].command_post.doctrine == "salvo"
    assert sc.batteries[0].launchers[0].loadout == {"48N6-class": 2}
    assert sc.raids[0].launch_window_s == (0.0, 60.0)
    assert sc.batteries[0].radars[1].boresight_deg == 300
    assert tiny.raids[0].count == 3  # the base scenario is not changed


@pytest.mark.parametrize(
    "path,value,message",
    [
        ("raids.0.count", 0, "raids.0.count=0: raids[0].count: Input should be greater"),
        ("raids.0.cout", 1, "unknown field 'cout' (fields: name, type, count"),
        ("raids[name=X].count", 1, "no item with name=X (names: CM)"),
        ("raids.4.count", 1, "raids has 1 items, no index 4"),
        ("raids.0.count.x", 1, "is a value (3), not a section"),
        ("raids.0.target", "Nowhere", "unknown asset 'Nowhere'"),
        ("batteries.0.command_post.doctrine", "pray", "doctrine: Input should be"),
        ("settings.nonexistent_field_xyz", 1, "unknown field '"),  # settings may exist later
    ],
)
def test_bad_paths_and_values_name_the_path(tiny, path, value, message):
    with pytest.raises(InputError) as err:
        apply_values(tiny, [(path, value)])
    line = err.value.one_line()
    assert line.startswith("--vary: ") and message in line and "\n" not in line


@pytest.mark.parametrize(
    "text", ["raids.0.count", "=1,2", "raids.0.count=", "raids.0.count=8:1:x2", "a=1:9:x1"]
)
def test_bad_vary_syntax_is_an_input_error(text):
    with pytest.raises(InputError):
        parse_vary(text)
