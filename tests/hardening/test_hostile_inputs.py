"""Hostile scenario inputs get one ``error:`` line and exit 2, fast, with bounded memory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from iads.errors import InputError
from iads.scenario import load_scenario
from iads.scenario.yamlio import read_yaml

BASE = Path(__file__).parents[1] / "scenario" / "base.yaml"


def _bomb(levels: int = 9) -> str:
    text = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, levels):
        prev, cur = chr(96 + i), chr(97 + i)
        text += f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
    return text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (_bomb(), "aliases expand to more than"),
        ("a: &a [*a]\n", "refers to the node that contains it"),
        ("a: " + "[" * 1000 + "]" * 1000 + "\n", "nested deeper than"),
        ("".join("  " * i + f"k{i}:\n" for i in range(1000)) + "  " * 1000 + "x: 1\n", "deeper"),
        ("? [a, b]\n: 1\n", "mapping key must be a plain name"),
        ("{[a]: 1}\n", "mapping key must be a plain name"),
        ("a: &k [1]\n*k : 2\n", "mapping key must be a plain name"),
        ("a: !!int abc\n", "cannot read 'abc' as !!int"),
        ("a: 1" + "0" * 5000 + "\n", "as !!int"),
        ("a: !!timestamp soon\n", "as !!timestamp"),
        ("a: !!bool maybe\n", "as !!bool"),
        ("a: *nowhere\n", "undefined alias 'nowhere'"),
        ("a: &x 1\nb: &x 2\n", "duplicate anchor 'x'"),
        ("a: &k b\n*k : 2\nb: 3\n", "duplicate key 'b'"),
    ],
    ids=[
        "alias-bomb",
        "self-alias",
        "deep-flow",
        "deep-block",
        "complex-key",
        "flow-key",
        "alias-key",
        "bad-int",
        "int-5000-digits",
        "bad-timestamp",
        "bad-bool",
        "undefined-alias",
        "duplicate-anchor",
        "alias-key-duplicate",
    ],  # fmt: skip
)
def test_yaml_that_explodes_is_refused(tmp_path: Path, text: str, words: str):
    f = tmp_path / "s.yaml"
    f.write_text(text)
    with pytest.raises(InputError, match=words):
        read_yaml(f)


def test_limits_are_counted_through_aliases(tmp_path: Path):
    """An alias stands for the nodes it names: the line map and the limits see the expanded
    document, while the parse sees a few bytes."""
    from iads.scenario import yamlio

    f = tmp_path / "s.yaml"
    levels = "".join(f"l{i}: &l{i} {{x: *l{i - 1}}}\n" for i in range(1, yamlio.MAX_YAML_DEPTH + 2))
    f.write_text("l0: &l0 1\n" + levels)
    with pytest.raises(InputError, match="aliases nest deeper than 64 levels"):
        read_yaml(f)
    f.write_text("[" * yamlio.MAX_YAML_DEPTH + "]" * yamlio.MAX_YAML_DEPTH + "\n")
    nested: list = []
    for _ in range(yamlio.MAX_YAML_DEPTH - 1):
        nested = [nested]
    assert read_yaml(f)[0] == nested  # 64 levels are read
    f.write_text("a: &p {x: 1, y: {z: 2}}\nb: [*p, *p]\n")
    data, lines = read_yaml(f)
    assert data["b"][1]["y"]["z"] == 2
    assert lines[("b", 1, "y", "z")] == 1 and lines[("b", 1)] == 1 and lines[("b",)] == 2


def test_small_aliases_still_work(tmp_path: Path):
    f = tmp_path / "s.yaml"
    f.write_text("a: &l {x: 1}\nb: *l\n")
    data, lines = read_yaml(f)
    assert data == {"a": {"x": 1}, "b": {"x": 1}} and lines[("b",)] == 2


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom", "fifo", "dir"])
def test_scenario_that_is_not_a_regular_file(tmp_path: Path, target: str):
    link = tmp_path / "s.yaml"
    if target == "fifo":
        os.mkfifo(tmp_path / "p")
        link.symlink_to(tmp_path / "p")
    elif target == "dir":
        link.mkdir()
    else:
        link.symlink_to(target)
    with pytest.raises(InputError, match="expected a regular YAML file"):
        load_scenario(link)


@pytest.mark.parametrize("name", ["/dev/zero", "../outside.yaml", "/etc/hostname"])
def test_catalog_files_stay_inside_the_scenario_folder(tmp_path: Path, name: str):
    data = yaml.safe_load(BASE.read_text())
    data["catalog_files"] = [name]
    (tmp_path / "outside.yaml").write_text("radars: {}\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    f = sub / "s.yaml"
    f.write_text(yaml.safe_dump(data))
    with pytest.raises(InputError, match="catalog_files"):
        load_scenario(f)


@pytest.mark.parametrize(
    ("field", "text"),
    [("tick_s", "true"), ("duration_s", '"1e3"'), ("seed", "true"), ("tick_s", "'0.5'")],
)
def test_numbers_are_strict(tmp_path: Path, field: str, text: str):
    lines = [ln for ln in BASE.read_text().splitlines() if not ln.startswith(f"{field}:")]
    f = tmp_path / "s.yaml"
    f.write_text("\n".join([*lines, f"{field}: {text}"]) + "\n")
    with pytest.raises(InputError, match=field):
        load_scenario(f)


def test_raid_count_true_is_refused(tmp_path: Path):
    data = yaml.safe_load(BASE.read_text())
    data["raids"][0]["count"] = True
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(data))
    with pytest.raises(InputError, match=r"raids\[0\]\.count"):
        load_scenario(f)


def test_unsigned_exponent_is_a_number(tmp_path: Path):
    """YAML 1.2 reads 6e2 as 600.0 (PyYAML alone would read text)."""
    f = tmp_path / "s.yaml"
    f.write_text(BASE.read_text().replace("duration_s: 600", "duration_s: 6e2"))
    assert load_scenario(f).duration_s == 600.0


def test_battery_with_no_threats_runs(tmp_path: Path, monkeypatch, capsys):
    """No threats at all (``raids: []``): radars see only false alarms; the run ends, exit 0."""
    import sys

    from iads import cli

    data = yaml.safe_load(BASE.read_text())
    data.update(duration_s=20, tick_s=1.0, threats=[], raids=[])
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(data))
    out = tmp_path / "run"
    monkeypatch.setattr(sys, "argv", ["iads", "run", str(f), "--out", str(out), "-q"])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code in (0, None), capsys.readouterr().err
    assert (out / "results.duckdb").is_file()


def test_tick_limit_and_repeated_names_name_their_field(tmp_path: Path):
    """A bound over two fields is reported at ``tick_s`` (its line), repeated names at the
    list that repeats them, not at the top level of the file."""
    from iads.errors import InputErrors

    text = BASE.read_text()
    f = tmp_path / "s.yaml"
    f.write_text(text.replace("tick_s: 0.5", "tick_s: 1.0e-6"))
    line = text.splitlines().index("tick_s: 0.5") + 1
    with pytest.raises(InputError, match=r"limit is 2,000,000") as info:
        load_scenario(f)
    assert (info.value.field, info.value.line) == ("tick_s", line)
    data = yaml.safe_load(text)
    data["assets"].append(dict(data["assets"][0]))
    f.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(InputErrors, match="asset names must be unique") as info:
        load_scenario(f)
    assert info.value.field == "assets"


@pytest.mark.parametrize("command", ["validate", "run"])
def test_files_anywhere_is_the_explicit_flag(tmp_path: Path, monkeypatch, capsys, command: str):
    """A catalog file outside the scenario's folder is refused unless the user says
    ``--files-anywhere``; the flag lets the file be read (and its types be used)."""
    import sys

    from iads import cli

    data = yaml.safe_load(BASE.read_text())
    data.update(duration_s=10, tick_s=1.0)
    (tmp_path / "outside.yaml").write_text("radars: {}\n")
    data["catalog_files"] = [str(tmp_path / "outside.yaml")]
    sub = tmp_path / "sub"
    sub.mkdir()
    f = sub / "s.yaml"
    f.write_text(yaml.safe_dump(data))
    extra = ["--out", str(tmp_path / "run"), "-q"] if command == "run" else []

    def cli_code(*flags: str) -> int:
        monkeypatch.setattr(sys, "argv", ["iads", command, str(f), *extra, *flags])
        with pytest.raises(SystemExit) as info:
            cli.main()
        return info.value.code if isinstance(info.value.code, int) else 0

    assert cli_code() == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "catalog_files[0]: must be a path relative" in err
    assert cli_code("--files-anywhere") == 0, capsys.readouterr().err
