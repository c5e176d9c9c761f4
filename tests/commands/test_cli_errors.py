"""Bad options and files for ``iads track``, ``iads score-tracks`` and ``iads run --rows``.

Each case runs the CLI in-process and expects exit code 2, exactly one ``error:`` line naming
the option or file, no traceback, and no output (or temporary file) left behind.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

SMALL = Path(__file__).parents[2] / "examples" / "small.yaml"

DETECTIONS = """time_s,range_m,azimuth_deg,elevation_deg
0,10000,45,2
1,10100,45.1,2
2,10200,45.2,2
3,10300,45.3,2
"""

STATE_HEADER = "time_s,{id},x_m,y_m,z_m,vx_mps,vy_mps,vz_mps\n"


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: object):
    """Run ``iads ARGS`` in-process; return (exit code, stdout, stderr)."""
    from iads.cli import main

    monkeypatch.setattr(sys, "argv", ["iads", *map(str, args)])
    with pytest.raises(SystemExit) as info:
        main()
    out = capsys.readouterr()
    return int(info.value.code or 0), out.out, out.err


def _one_error(code: int, err: str, *words: str) -> str:
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


def _tree(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def _states(path: Path, id_name: str, rows: list[tuple[float, int]]) -> Path:
    text = STATE_HEADER.format(id=id_name)
    text += "".join(f"{t},{i},{1000.0 * i},0,1000,100,0,0\n" for t, i in rows)
    path.write_text(text)
    return path


@pytest.fixture
def det(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "det.csv").write_text(DETECTIONS)
    return d / "det.csv"


def test_good_input_tracks(monkeypatch, capsys, tmp_path: Path, det: Path) -> None:
    """Control: the same detections and a writable --out succeed."""
    out = tmp_path / "z.csv"
    code, _, err = _cli(monkeypatch, capsys, "track", det, "--out", out, "-q")
    assert code == 0, err
    assert out.is_file()


def test_track_out_in_missing_directory(monkeypatch, capsys, tmp_path: Path, det: Path) -> None:
    out = tmp_path / "nonexistent" / "dir" / "z.csv"
    code, _, err = _cli(monkeypatch, capsys, "track", det, "--out", out)
    _one_error(code, err, "--out", str(out), "does not exist")
    assert _tree(tmp_path) == ["in", "in/det.csv"]


def test_track_out_is_a_directory(monkeypatch, capsys, tmp_path: Path, det: Path) -> None:
    out = tmp_path / "z.csv"
    out.mkdir()
    code, _, err = _cli(monkeypatch, capsys, "track", det, "--out", out)
    _one_error(code, err, "--out", str(out), "directory")
    assert _tree(tmp_path) == ["in", "in/det.csv", "z.csv"]


@pytest.mark.parametrize(
    "option",
    ["--sigma-range-m", "--sigma-azimuth-deg", "--sigma-elevation-deg", "--sigma-range-rate-mps"],
)
@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_track_noise_must_be_positive(
    monkeypatch, capsys, tmp_path: Path, det: Path, option: str, value: str
) -> None:
    out = tmp_path / "z.csv"
    code, _, err = _cli(monkeypatch, capsys, "track", det, "--out", out, option, value)
    line = _one_error(code, err, option, "> 0")
    assert value.lstrip("-") in line
    assert not out.exists()
    assert _tree(tmp_path) == ["in", "in/det.csv"]


def test_track_all_noise_zero(monkeypatch, capsys, tmp_path: Path, det: Path) -> None:
    out = tmp_path / "z.csv"
    args = ["--sigma-range-m", "0", "--sigma-azimuth-deg", "0", "--sigma-elevation-deg", "0"]
    code, _, err = _cli(monkeypatch, capsys, "track", det, "--out", out, *args)
    _one_error(code, err, "--sigma-range-m", "> 0")
    assert not out.exists()


@pytest.mark.parametrize(
    ("option", "value", "want"),
    [
        ("--clutter-per-scan", "nan", ">= 0"),
        ("--clutter-per-scan", "-1", ">= 0"),
        ("--pd", "nan", "in [0.01, 0.999]"),
        ("--pd", "5", "in [0.01, 0.999]"),
        ("--q-mps2", "-1", ">= 0"),
        ("--confirm-m", "0", ">= 1"),
        ("--confirm-n", "0", ">= 1"),
        ("--delete-misses", "0", ">= 1"),
        ("--max-tracks", "-1", ">= 0"),
    ],
)
def test_track_options_out_of_range(
    monkeypatch, capsys, tmp_path, det, option: str, value: str, want: str
) -> None:
    code, _, err = _cli(
        monkeypatch, capsys, "track", det, "--out", tmp_path / "z.csv", option, value
    )
    _one_error(code, err, option, want, f"got {value}")
    assert _tree(tmp_path) == ["in", "in/det.csv"]


def test_plain_number_in_range_error(monkeypatch, capsys, tmp_path: Path) -> None:
    det = tmp_path / "det.csv"
    det.write_text(DETECTIONS + "4,-500.0,45.4,2\n")
    code, _, err = _cli(monkeypatch, capsys, "track", det, "--out", tmp_path / "z.csv")
    line = _one_error(code, err, str(det), "range_m", "value -500 at data row 5")
    assert "np." not in line and "float64" not in line
    assert _tree(tmp_path) == ["det.csv"]


def test_plain_number_in_azimuth_error(monkeypatch, capsys, tmp_path: Path) -> None:
    det = tmp_path / "det.csv"
    det.write_text(DETECTIONS + "4,10400,360.5,2\n")
    code, _, err = _cli(monkeypatch, capsys, "track", det, "--out", tmp_path / "z.csv")
    _one_error(code, err, "azimuth_deg", "value 360.5 at data row 5")


def test_score_tracks_control(monkeypatch, capsys, tmp_path: Path) -> None:
    truth = _states(tmp_path / "truth.csv", "target_id", [(0, 1), (0, 2), (1, 1), (1, 2)])
    tracks = _states(tmp_path / "tracks.csv", "track_id", [(0, 7), (0, 8), (1, 7), (1, 8)])
    code, out, err = _cli(monkeypatch, capsys, "score-tracks", truth, tracks)
    assert code == 0, err
    assert '"' in out  # JSON printed


def test_score_tracks_duplicate_track_rows(monkeypatch, capsys, tmp_path: Path) -> None:
    truth = _states(tmp_path / "truth.csv", "target_id", [(0, 1), (1, 1)])
    tracks = _states(
        tmp_path / "tracks.csv", "track_id", [(0, 7), (0, 8), (1, 7), (1, 8), (1, 7), (0, 8)]
    )
    code, out, err = _cli(monkeypatch, capsys, "score-tracks", truth, tracks)
    line = _one_error(code, err, str(tracks), "track_id", "duplicate")
    # the first row (in file order) that repeats an earlier one is data row 5: (1, 7) of row 3
    assert "(1, 7)" in line and "data row 5" in line and "data row 3" in line
    assert out == ""


def test_score_tracks_duplicate_truth_rows(monkeypatch, capsys, tmp_path: Path) -> None:
    truth = _states(tmp_path / "truth.csv", "target_id", [(0.5, 3), (0.5, 3)])
    tracks = _states(tmp_path / "tracks.csv", "track_id", [(0.5, 7)])
    code, out, err = _cli(monkeypatch, capsys, "score-tracks", truth, tracks)
    line = _one_error(code, err, str(truth), "target_id", "duplicate")
    assert "(0.5, 3)" in line and "data row 2" in line
    assert out == ""


@pytest.mark.parametrize(("option", "value"), [("--cutoff-m", "0"), ("--p", "0.5"), ("--p", "nan")])
def test_score_tracks_bad_options(monkeypatch, capsys, tmp_path, option: str, value: str) -> None:
    truth = _states(tmp_path / "truth.csv", "target_id", [(0, 1)])
    tracks = _states(tmp_path / "tracks.csv", "track_id", [(0, 7)])
    code, _, err = _cli(monkeypatch, capsys, "score-tracks", truth, tracks, option, value)
    _one_error(code, err, option)


def test_run_negative_rows(monkeypatch, capsys, tmp_path: Path) -> None:
    out = tmp_path / "run"
    code, stdout, err = _cli(monkeypatch, capsys, "run", SMALL, "--out", out, "--rows", "-3")
    _one_error(code, err, "--rows", "-3")
    assert stdout == ""
    assert not out.exists()
