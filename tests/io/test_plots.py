"""Detection/track files: round trips in CSV and Parquet, and one clear error per bad file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from iads.errors import InputError
from iads.io.plots import (
    read_detections,
    read_table,
    read_tracks,
    read_truth,
    write_detections,
    write_table,
    write_tracks,
)


def _detections(n: int = 20) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(np.random.SeedSequence([2026, 61]))
    return {
        "time_s": np.repeat(np.arange(n // 4) * 4.0, 4),
        "range_m": rng.uniform(1e3, 1e5, n),
        "azimuth_rad": rng.uniform(0, 2 * np.pi, n),
        "elevation_rad": rng.uniform(0, 0.5, n),
        "sensor_id": rng.integers(0, 3, n),
        "snr_db": rng.uniform(10, 20, n),
    }


@pytest.mark.parametrize("ext", ["csv", "parquet"])
def test_detections_round_trip(tmp_path: Path, ext: str) -> None:
    det = _detections()
    path = tmp_path / f"det.{ext}"
    write_detections(path, det)
    raw = read_table(path)
    assert list(raw)[:4] == ["time_s", "range_m", "azimuth_deg", "elevation_deg"]
    np.testing.assert_allclose(raw["azimuth_deg"], np.rad2deg(det["azimuth_rad"]), rtol=1e-12)
    back = read_detections(path)
    for name in ("time_s", "range_m", "azimuth_rad", "elevation_rad", "snr_db"):
        np.testing.assert_allclose(back[name], det[name], rtol=1e-12, err_msg=name)
    np.testing.assert_array_equal(back["sensor_id"], det["sensor_id"])


@pytest.mark.parametrize("ext", ["csv", "parquet"])
def test_tracks_and_truth_round_trip(tmp_path: Path, ext: str) -> None:
    cols = {
        "vz_mps": np.zeros(3),
        "quality": np.ones(3),
        "time_s": np.arange(3.0),
        "track_id": np.array([1, 2, 3]),
        "x_m": np.arange(3.0),
        "y_m": np.ones(3),
        "z_m": np.ones(3),
        "vx_mps": np.ones(3),
        "vy_mps": np.ones(3),
    }
    path = tmp_path / f"tracks.{ext}"
    write_tracks(path, cols)
    back = read_tracks(path)
    assert list(back)[:8] == [
        "time_s",
        "track_id",
        "x_m",
        "y_m",
        "z_m",
        "vx_mps",
        "vy_mps",
        "vz_mps",
    ]
    assert back["track_id"].dtype == np.int64
    np.testing.assert_allclose(back["quality"], 1.0)
    truth = dict(cols, target_id=cols["track_id"])
    del truth["track_id"]
    write_table(tmp_path / f"truth.{ext}", truth)
    np.testing.assert_array_equal(read_truth(tmp_path / f"truth.{ext}")["target_id"], [1, 2, 3])


def _write_csv(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("time_s,range_m,azimuth_deg\n0,1,2\n", "elevation_deg", "missing column"),
        ("time_s,range_m,azimuth_deg,elevation_deg\n0,-5,2,1\n", "range_m", ">= 0"),
        ("time_s,range_m,azimuth_deg,elevation_deg\n0,5,360,1\n", "azimuth_deg", "[0, 360)"),
        ("time_s,range_m,azimuth_deg,elevation_deg\n0,5,-1,1\n", "azimuth_deg", "[0, 360)"),
        ("time_s,range_m,azimuth_deg,elevation_deg\n0,5,1,91\n", "elevation_deg", "[-90, 90]"),
        ("time_s,range_m,azimuth_deg,elevation_deg\n0,5,1,1\n1,,2,3\n", "range_m", "row 2"),
        ("time_s,range_m,azimuth_deg,elevation_deg\n0,5,abc,1\n", "azimuth_deg", "number"),
    ],
)
def test_bad_detections_name_file_and_column(
    tmp_path: Path, text: str, field: str, words: str
) -> None:
    path = _write_csv(tmp_path / "bad.csv", text)
    with pytest.raises(InputError) as info:
        read_detections(path)
    err = info.value
    assert err.field == field
    assert err.file == str(path)
    assert words in err.reason
    assert "\n" not in err.one_line()


def test_corrupt_and_unknown_files(tmp_path: Path) -> None:
    bad = tmp_path / "det.parquet"
    bad.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(InputError, match="cannot read parquet"):
        read_detections(bad)
    with pytest.raises(InputError, match="unknown file type"):
        read_detections(tmp_path / "det.xlsx")
    with pytest.raises(InputError, match="not found"):
        read_detections(tmp_path / "missing.csv")


def test_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow.parquet as pq

    def half_write(table, where, **kwargs):  # writes some bytes, then fails
        Path(where).write_bytes(b"PAR1 partial")
        raise OSError("disk full")

    monkeypatch.setattr(pq, "write_table", half_write)
    path = tmp_path / "out.parquet"
    with pytest.raises(InputError, match=r"cannot write \(disk full\)"):
        write_table(path, {"a": np.array([1, 2])})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ext", ["csv", "parquet"])
def test_files_are_read_in_batches_up_to_a_row_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ext: str
) -> None:
    """Several batches (CSV blocks, Parquet row groups) make the same columns as one; more
    rows than ``MAX_ROWS`` are refused with the limit in the error, before memory runs out."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from iads.io import plots

    n = 30_000
    t = np.repeat(np.arange(n // 3, dtype=float), 3)
    table = pa.table({"time_s": t, "range_m": 1e4 + np.arange(n), "azimuth_deg": t % 360,
                      "elevation_deg": np.full(n, 2.0), "sensor_id": np.arange(n) % 4})  # fmt: skip
    f = tmp_path / f"plots.{ext}"
    if ext == "csv":
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, f)

        def small_blocks(p, kind):  # 64 KiB blocks: many batches from a small file
            import pyarrow.csv as pacsv

            convert = pacsv.ConvertOptions(timestamp_parsers=[])
            reader = pacsv.open_csv(
                p, read_options=pacsv.ReadOptions(block_size=1 << 16), convert_options=convert
            )
            return reader.schema.names, reader

        monkeypatch.setattr(plots, "_batches", small_blocks)
        monkeypatch.setattr(plots, "SMALL_CSV_BYTES", 0)  # pyarrow's reader, not the fast path
    else:
        pq.write_table(table, f, row_group_size=4_000)
    cols = plots.read_table(f)
    assert np.array_equal(cols["range_m"], 1e4 + np.arange(n))
    assert np.array_equal(cols["sensor_id"], np.arange(n) % 4)
    monkeypatch.setattr(plots, "MAX_ROWS", n - 1)
    with pytest.raises(InputError, match=f"more than {n - 1:,} rows"):
        plots.read_table(f)
