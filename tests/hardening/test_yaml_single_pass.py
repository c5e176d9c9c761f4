"""The scenario reader builds the document in the same pass over libyaml's events that checks
the limits (``yamlio._scan``): the values must be exactly PyYAML's safe loader's (with iads's
YAML 1.2 exponent resolver), the line map the same, and no node tree composed for an ordinary
scenario (the compose pass doubled the cost of 40,000 assets)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from iads.errors import InputError
from iads.scenario import load_scenario, yamlio
from iads.scenario.yamlio import read_yaml

ROOT = Path(__file__).parents[2]
FILES = sorted((ROOT / "examples").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "scenario").glob("*.yaml")
)


def _composed(text: str):
    """What PyYAML's composer and safe constructor give (the reference)."""
    loader = yamlio._Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def _catalog_files() -> list[Path]:
    base = resources.files("iads.catalog")
    return [Path(str(base / name)) for name in ("radars.yaml", "threats.yaml", "interceptors.yaml")]


@pytest.mark.parametrize("path", FILES + _catalog_files(), ids=lambda p: p.name)
def test_shipped_files_read_as_pyyaml_reads_them(path: Path):
    data, _ = read_yaml(path)
    assert data == _composed(path.read_text())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "---\n",
        "5\n",
        "a:\n? b\n",
        "a: '5'\nb: \"1e3\"\nc: 1e3\nd: 1_000\ne: 010\nf: 0o10\ng: .inf\nh: -.NaN\ni: 1:30\n",
        "j: ~\nk: Yes\nl: off\nm: 2024-01-01\nn: !!binary aGVsbG8=\no: ! 5\np: !!str 5\n",
        "q: 99999999999999999999\nr: -0\ns: +5\nt: -0.0\nu: 1.\nv: .5\nw: +.5e-3\nx: 1e+3\n",
        "base: &b {x: 1, y: 2}\nc: {<<: *b, z: 3}\n",
        "a: !!set {x, y}\nb: !!omap [{x: 1}]\nc: !!map {d: 1}\ne: !!seq [1]\n",
        "= : 3\n2: a\n2.5: b\ntrue: c\n",
        "a: &x [1, 2]\nb: *x\nc: &k key\nd: {*k : 1}\n",
        "- 1\n- [2, [3, {x: y}]]\n",
    ],
)
def test_odd_documents_read_as_pyyaml_reads_them(tmp_path: Path, text: str):
    f = tmp_path / "s.yaml"
    f.write_text(text)
    data, _ = read_yaml(f)
    assert data == _composed(text) and type(data) is type(_composed(text))


def test_an_alias_is_its_anchor_object(tmp_path: Path):
    f = tmp_path / "s.yaml"
    f.write_text("a: &x {k: [1]}\nb: *x\n")
    data, lines = read_yaml(f)
    assert data["b"] is data["a"] and lines[("b", "k", 0)] == 1


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1: a\n0x1: b\n", "duplicate key '0x1'"),
        ("true: 1\nyes: 2\n", "duplicate key 'yes'"),
        ("a: 1\n---\nb: 2\n", "found another document"),
        ("a: !!python/object/apply:os.system [ls]\n", "python/object/apply"),
        ("a: !!python/name:os.system ''\n", "python/name"),
        ("a: [1, !!float x]\n", "as !!float"),
    ],
)
def test_refused_in_the_single_pass(tmp_path: Path, text: str, words: str):
    """Two spellings of one key are a duplicate (PyYAML would keep the last silently)."""
    f = tmp_path / "s.yaml"
    f.write_text(text)
    with pytest.raises(InputError, match=words) as info:
        read_yaml(f)
    assert "\n" not in str(info.value) and str(f) in str(info.value)


def test_an_ordinary_scenario_is_not_composed(tmp_path: Path, monkeypatch):
    """One pass: composing the node tree after the event scan cost as much as the parse."""

    def composed(self):
        raise AssertionError("composed a node tree")

    monkeypatch.setattr(yamlio._Loader, "get_single_node", composed)
    scenario = load_scenario(ROOT / "examples" / "coastal_city.yaml")
    assert scenario.assets[0].cost_usd == 2.0e9  # ``2.0e9``: YAML 1.2 exponent, a number


def test_error_lines_survive_in_a_big_file(tmp_path: Path):
    """The per-field line of an error deep in a 5,000-asset scenario."""
    data = yaml.safe_load((ROOT / "examples" / "coastal_city.yaml").read_text())
    data["assets"] += [
        {"name": f"a{i}", "position": {"lat_deg": -47.4, "lon_deg": -32.1}, "value": 1}
        for i in range(5000)
    ]
    data["assets"][4321]["value"] = "high"
    text = yaml.safe_dump(data, sort_keys=False)
    f = tmp_path / "big.yaml"
    f.write_text(text)
    line = text.splitlines().index("  value: high") + 1
    with pytest.raises(InputError, match=r"assets\[4321\]\.value") as info:
        load_scenario(f)
    assert f"{f}:{line}:" in str(info.value)


trees = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        st.text(max_size=8),
        st.dates(),
    ),
    lambda kids: st.one_of(
        st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=6), kids, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(tree=trees, flow=st.sampled_from([None, True, False]))
def test_any_tree_reads_back_as_pyyaml_reads_it(tmp_path_factory, tree, flow):
    text = yaml.safe_dump(tree, default_flow_style=flow, allow_unicode=True)
    f = tmp_path_factory.mktemp("y") / "s.yaml"
    f.write_text(text, encoding="utf-8")
    try:
        expected = _composed(text)
    except yaml.YAMLError:
        with pytest.raises(InputError):
            read_yaml(f)
        return
    data, lines = read_yaml(f)
    assert data == expected
    assert () in lines
