"""The pyarrow-free CSV path: the same columns as pyarrow's reader, or no answer at all."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from iads.io import plots, small_csv


def _pyarrow_columns(data: bytes) -> dict[str, np.ndarray]:
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(io.BytesIO(data))
    return {name: table[name].to_numpy() for name in table.column_names}


def _columns() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(np.random.SeedSequence([2026, 12, 3]))
    n = 600
    x = np.concatenate([rng.normal(0, 1e5, n - 12), [0.0, -0.0, 4.0, 1e9, 9999999999.0, 1e10,
                        1e16, 1e-5, 1 / 3, 5e-324, 1e300, -2.5]])  # fmt: skip
    return {
        "time_s": np.repeat(np.arange(n // 6) * 4.0, 6),  # whole floats: read back as int64
        "x_m": x,
        "tiny": 10.0 ** rng.uniform(-30, 30, n) * rng.choice([-1, 1], n),
        "sensor_id": rng.integers(-(10**18) + 1, 10**18, n),  # up to 18 digits
    }


@pytest.mark.parametrize("writer", ["small_csv", "pyarrow"])
def test_reads_the_columns_pyarrow_reads(writer: str) -> None:
    cols = _columns()
    if writer == "small_csv":
        text = small_csv.small_csv_text(cols)
        assert text is not None
        data = text.encode()
    else:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        buf = io.BytesIO()
        pacsv.write_csv(pa.table(cols), buf)
        data = buf.getvalue()
    got = small_csv.parse_small_csv(data, 10**6)
    assert got is not None
    ref = _pyarrow_columns(data)
    assert list(got) == list(ref) == list(cols)
    for name, values in ref.items():
        assert got[name].dtype == values.dtype, name
        assert np.array_equal(got[name], values), name
        assert np.array_equal(got[name], cols[name]), name  # exact round trip
        if values.dtype.kind == "f":
            assert np.array_equal(np.signbit(got[name]), np.signbit(values)), name


@pytest.mark.parametrize(
    "text",
    [
        "a,b\n1,2\n3,nan\n",  # nan: pyarrow's null
        "a,b\n1,2\n3,\n",  # empty cell
        "a,b\n1,2\n\n3,4\n",  # blank line (pyarrow skips it)
        'a,b\n1,"2"\n',  # quoted cell
        "a,b\n1,2,3\n",  # ragged
        "a,b\n1, 2\n",  # space
        "a,b\n+1,2\n",  # plus sign
        "a,b\n1,2020-01-01\n",  # timestamp
        "a,a\n1,2\n",  # a name twice
        "a b,c\n1,2\n",  # a name pyarrow reads, not this path
        "a,b\n",  # no data row
        "a,b\n9223372036854775807,1\n",  # 19 digits: pyarrow's call
        "\ufeffa,b\n1,2\n",  # byte-order mark
    ],
)
def test_anything_unusual_is_left_to_pyarrow(text: str) -> None:
    assert small_csv.parse_small_csv(text.encode(), 10**6) is None


def test_limits_leave_the_file_to_pyarrow(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"a,b\n1,2\n3,4\n5,6\n"
    assert small_csv.parse_small_csv(data, 2) is None  # more rows than allowed
    assert small_csv.small_csv_text({"a": np.array(["x"])}) is None  # text column
    monkeypatch.setattr(small_csv, "SMALL_CSV_BYTES", 8)
    assert small_csv.parse_small_csv(data, 10) is None
    assert small_csv.small_csv_text({"a": np.arange(10)}) is None


def test_read_table_takes_the_small_path_and_errors_stay_pyarrows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = tmp_path / "plots.csv"
    plots.write_table(good, _columns())
    assert good.read_text().startswith('"time_s","x_m","tiny","sensor_id"\n')
    calls = []
    monkeypatch.setattr(plots, "_batches", lambda *a: calls.append(a) or (_ for _ in ()).throw(
        AssertionError("pyarrow used")))  # fmt: skip
    assert plots.read_table(good)["sensor_id"].dtype == np.int64
    assert calls == []
    monkeypatch.undo()
    bad = tmp_path / "bad.csv"
    bad.write_text("time_s,range_m,azimuth_deg,elevation_deg\n0,5,abc,1\n")
    with pytest.raises(plots.InputError, match="number"):
        plots.read_detections(bad)
