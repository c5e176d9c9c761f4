"""Property-based tests (hypothesis) over the scenario loader and the plot reader, through the
CLI entry point: any input gives exit 0 or 2, exit 2 with one-line ``error:`` messages only,
never a traceback, and nothing left in the output folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iads import cli

BASE = yaml.safe_load((Path(__file__).parents[1] / "scenario" / "base.yaml").read_text())
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)


def _cli(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["iads", *args])
    with pytest.raises(SystemExit) as info:
        cli.main()
    code = info.value.code if isinstance(info.value.code, int) else 0
    return code, capsys.readouterr().err


def _judge(code: int, err: str) -> None:
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 2:
        lines = err.splitlines()
        assert lines and all(ln.startswith("error: ") for ln in lines), err


def _mutate(data: dict, path: list, value):
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


FIELDS = [
    ["name"],
    ["duration_s"],
    ["tick_s"],
    ["seed"],
    ["origin", "lat_deg"],
    ["assets", 0, "name"],
    ["assets", 0, "value"],
    ["batteries", 0, "radars", 0, "type"],
    ["batteries", 0, "launchers", 0, "count"],
    ["raids", 0, "count"],
    ["raids", 0, "launch_window_s"],
    ["threats", 0, "waypoints", 0, "alt_m"],
]


@SETTINGS
@given(field=st.sampled_from(FIELDS), value=scalars)
def test_scenario_field_mutations(tmp_path, monkeypatch, capsys, field, value):
    import copy

    data = copy.deepcopy(BASE)
    _mutate(data, field, value)
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(data))
    _judge(*_cli(monkeypatch, capsys, "validate", str(f)))


@SETTINGS
@given(text=st.text(max_size=400))
def test_scenario_any_text(tmp_path, monkeypatch, capsys, text):
    f = tmp_path / "s.yaml"
    f.write_text(text, encoding="utf-8", errors="surrogatepass")
    _judge(*_cli(monkeypatch, capsys, "validate", str(f)))


cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "x", "2024-01-01T00:00:00", "true", "1e308", '"', "\xff"]),
)
columns = st.lists(
    st.sampled_from(["time_s", "range_m", "azimuth_deg", "elevation_deg", "sensor_id", "x"]),
    min_size=1,
    max_size=6,
)


@SETTINGS
@given(header=columns, rows=st.lists(st.lists(cells, min_size=1, max_size=6), max_size=8))
def test_plot_files(tmp_path_factory, monkeypatch, capsys, header, rows):
    tmp = tmp_path_factory.mktemp("plots")
    f = tmp / "plots.csv"
    f.write_text(
        ",".join(header) + "\n" + "".join(",".join(r) + "\n" for r in rows), errors="replace"
    )
    out = tmp / "out"
    out.mkdir()
    code, err = _cli(monkeypatch, capsys, "track", str(f), "--out", str(out / "t.csv"), "-q")
    _judge(code, err)
    if code == 2:
        assert list(out.iterdir()) == []
