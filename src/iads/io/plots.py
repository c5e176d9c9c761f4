"""Detection, track and truth files (CSV or Parquet, chosen by the file extension).

Formats are fixed in docs ``shared/DESIGN.md`` ("File formats at the boundary"):

* detections: ``time_s, range_m, azimuth_deg, elevation_deg`` and optionally ``sensor_id``,
  ``range_rate_mps``, ``snr_db``; azimuth in degrees clockwise from north in [0, 360).
* tracks: ``time_s, track_id, x_m, y_m, z_m, vx_mps, vy_mps, vz_mps`` (local ENU), more columns
  may follow.
* truth: ``time_s, target_id, x_m, y_m, z_m, vx_mps, vy_mps, vz_mps``.

Degrees exist only here: :func:`read_detections` returns radians (``azimuth_rad``,
``elevation_rad``) and :func:`write_detections` takes radians. Every problem is raised as
:class:`iads.errors.InputError` naming the file and the column. Writes are atomic (temporary file
in the same directory, then ``os.replace``), so a failed write never leaves a partial file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from iads.errors import InputError

__all__ = [
    "DETECTION_COLUMNS",
    "TRACK_COLUMNS",
    "TRUTH_COLUMNS",
    "file_kind",
    "read_detections",
    "read_table",
    "read_tracks",
    "read_truth",
    "write_detections",
    "write_table",
    "write_tracks",
]

DETECTION_COLUMNS = ("time_s", "range_m", "azimuth_deg", "elevation_deg")
DETECTION_OPTIONAL = ("range_rate_mps", "snr_db")
TRACK_COLUMNS = ("time_s", "track_id", "x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps")
TRUTH_COLUMNS = ("time_s", "target_id", "x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps")

_CSV = (".csv",)
_PARQUET = (".parquet", ".pq")


def file_kind(path: str | os.PathLike[str]) -> str:
    """ "csv" or "parquet" from the file extension, else InputError."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in _CSV:
        return "csv"
    if suffix in _PARQUET:
        return "parquet"
    raise InputError(
        f"unknown file type {suffix or '(none)'!r}; use .csv, .parquet or .pq", file=str(path)
    )


def read_table(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Read a CSV or Parquet file into a dict of NumPy columns (no validation of content)."""
    import pyarrow as pa

    p = Path(path)
    kind = file_kind(p)
    if not p.is_file():
        raise InputError("file not found", file=str(p))
    try:
        if kind == "csv":
            import pyarrow.csv as pacsv

            table = pacsv.read_csv(p)
        else:
            import pyarrow.parquet as pq

            table = pq.read_table(p)
    except (pa.ArrowException, OSError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot read {kind} file ({reason})", file=str(p)) from exc
    return {name: _column_array(table.column(name)) for name in table.column_names}


def _column_array(column: object) -> np.ndarray:
    """One Arrow column as a NumPy array. Numeric columns without nulls are read from the
    Arrow buffer directly: pyarrow's ``to_numpy`` imports pandas (a third of a second at
    start-up), which ``iads track`` does not otherwise need."""
    import pyarrow as pa

    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    kind = arr.type
    if (pa.types.is_integer(kind) or pa.types.is_floating(kind)) and arr.null_count == 0:
        dtype = np.dtype(kind.to_pandas_dtype())
        if len(arr) == 0:
            return np.empty(0, dtype)
        values = np.frombuffer(arr.buffers()[1], dtype=dtype, count=len(arr), offset=arr.offset)
        return values.copy()
    return np.asarray(arr.to_numpy(zero_copy_only=False))


def _numeric(
    cols: Mapping[str, np.ndarray],
    name: str,
    file: str,
    *,
    integer: bool = False,
    allow_nan: bool = False,
) -> np.ndarray:
    raw = cols[name]
    try:
        values = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("values must be numbers", file=file, field=name) from None
    if not allow_nan and values.size and not np.all(np.isfinite(values)):
        row = int(np.flatnonzero(~np.isfinite(values))[0])
        raise InputError(
            f"missing or non-finite value at data row {row + 1}", file=file, field=name
        )
    if integer:
        if values.size and np.any(values != np.round(values)):
            raise InputError("values must be integers", file=file, field=name)
        return values.astype(np.int64)
    return values


def _require(cols: Mapping[str, np.ndarray], names: Sequence[str], file: str) -> None:
    for name in names:
        if name not in cols:
            have = ", ".join(cols) or "none"
            raise InputError(f"missing column (columns found: {have})", file=file, field=name)


def _check_range(
    values: np.ndarray, name: str, file: str, lo: float, hi: float, hi_open: bool, what: str
) -> None:
    bad = (values < lo) | ((values >= hi) if hi_open else (values > hi))
    if np.any(bad):
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"value {float(values[row]):g} at data row {row + 1} is not {what}",
            file=file,
            field=name,
        )


def read_detections(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Read and validate a detections file.

    Returns columns ``time_s`` (s), ``range_m`` (m), ``azimuth_rad`` (clockwise from north,
    [0, 2 pi)), ``elevation_rad``, ``sensor_id`` (int64, 0 if absent) and, if present,
    ``range_rate_mps`` and ``snr_db``; rows keep the file's order.
    """
    file = str(path)
    cols = read_table(path)
    _require(cols, DETECTION_COLUMNS, file)
    time_s = _numeric(cols, "time_s", file)
    range_m = _numeric(cols, "range_m", file)
    az_deg = _numeric(cols, "azimuth_deg", file)
    el_deg = _numeric(cols, "elevation_deg", file)
    _check_range(range_m, "range_m", file, 0.0, np.inf, False, "a range >= 0 m")
    _check_range(az_deg, "azimuth_deg", file, 0.0, 360.0, True, "an azimuth in [0, 360) deg")
    _check_range(el_deg, "elevation_deg", file, -90.0, 90.0, False, "an elevation in [-90, 90] deg")
    n = time_s.shape[0]
    out = {
        "time_s": time_s,
        "range_m": range_m,
        "azimuth_rad": np.deg2rad(az_deg),
        "elevation_rad": np.deg2rad(el_deg),
        "sensor_id": (
            _numeric(cols, "sensor_id", file, integer=True)
            if "sensor_id" in cols
            else np.zeros(n, dtype=np.int64)
        ),
    }
    for name in DETECTION_OPTIONAL:
        if name in cols:
            out[name] = _numeric(cols, name, file)
    return out


def read_tracks(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Read and validate a tracks file (all columns kept; required ones as float/int64)."""
    return _read_states(path, TRACK_COLUMNS, "track_id")


def read_truth(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Read and validate a truth file (``time_s, target_id, x_m ... vz_mps``)."""
    return _read_states(path, TRUTH_COLUMNS, "target_id")


def _read_states(
    path: str | os.PathLike[str], names: Sequence[str], id_name: str
) -> dict[str, np.ndarray]:
    file = str(path)
    cols = read_table(path)
    _require(cols, names, file)
    out = dict(cols)
    for name in names:
        out[name] = _numeric(cols, name, file, integer=(name == id_name))
    _reject_duplicates(out["time_s"], out[id_name], id_name, file)
    return out


def _reject_duplicates(time_s: np.ndarray, ids: np.ndarray, id_name: str, file: str) -> None:
    """InputError naming the first data row whose ``(time_s, id)`` pair came earlier."""
    n = time_s.shape[0]
    if n < 2:
        return
    order = np.lexsort((np.arange(n), ids, time_s))  # stable: earlier rows first in each pair
    same = (time_s[order][1:] == time_s[order][:-1]) & (ids[order][1:] == ids[order][:-1])
    if not np.any(same):
        return
    later = order[1:][same]  # rows that repeat an earlier one
    row = int(later.min())
    first = int(order[:-1][same][np.argmin(later)])
    raise InputError(
        f"duplicate (time_s, {id_name}) = ({float(time_s[row]):g}, {int(ids[row])}) at data row "
        f"{row + 1} (first at data row {first + 1})",
        file=file,
        field=id_name,
    )


def write_table(path: str | os.PathLike[str], columns: Mapping[str, np.ndarray]) -> None:
    """Write columns to CSV or Parquet (by extension), atomically (temp file + os.replace)."""
    import pyarrow as pa

    p = Path(path)
    kind = file_kind(p)
    table = pa.Table.from_arrays(
        [_arrow_array(np.asarray(v)) for v in columns.values()], names=list(columns)
    )
    directory = p.parent if str(p.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"directory {str(directory)!r} does not exist", file=str(p))
    if p.is_dir():
        raise InputError("is a directory, not a file", file=str(p))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(f"cannot write ({exc.strerror or exc})", file=str(p)) from None
    os.close(fd)
    try:
        if kind == "csv":
            import pyarrow.csv as pacsv

            pacsv.write_csv(table, tmp)
        else:
            import pyarrow.parquet as pq

            pq.write_table(table, tmp)
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _arrow_array(values: np.ndarray) -> object:
    """A NumPy column as an Arrow array; numeric ones wrap the buffer (``pa.array`` imports
    pandas, a third of a second that ``iads track`` would otherwise spend at exit)."""
    import pyarrow as pa

    if values.ndim == 1 and values.dtype.kind in "iuf":
        data = np.ascontiguousarray(values)
        return pa.Array.from_buffers(
            pa.from_numpy_dtype(data.dtype), data.size, [None, pa.py_buffer(data)]
        )
    return pa.array(values)


def write_detections(path: str | os.PathLike[str], columns: Mapping[str, np.ndarray]) -> None:
    """Write detections given in radians (``azimuth_rad``, ``elevation_rad``) as degrees."""
    az_deg = np.mod(np.rad2deg(np.asarray(columns["azimuth_rad"], dtype=float)), 360.0)
    az_deg = np.where(az_deg >= 360.0, 0.0, az_deg)
    out: dict[str, np.ndarray] = {
        "time_s": np.asarray(columns["time_s"], dtype=float),
        "range_m": np.asarray(columns["range_m"], dtype=float),
        "azimuth_deg": az_deg,
        "elevation_deg": np.rad2deg(np.asarray(columns["elevation_rad"], dtype=float)),
    }
    for name in ("sensor_id", *DETECTION_OPTIONAL):
        if name in columns:
            out[name] = np.asarray(columns[name])
    for name, values in columns.items():
        if name not in out and name not in ("azimuth_rad", "elevation_rad"):
            out[name] = np.asarray(values)
    write_table(path, out)


def write_tracks(path: str | os.PathLike[str], columns: Mapping[str, np.ndarray]) -> None:
    """Write tracks; the required columns come first, in the fixed order, then any others."""
    missing = [c for c in TRACK_COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"track columns missing: {missing}")
    ordered = {c: np.asarray(columns[c]) for c in TRACK_COLUMNS}
    ordered.update({k: np.asarray(v) for k, v in columns.items() if k not in ordered})
    write_table(path, ordered)
