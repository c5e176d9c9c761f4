"""Detection, track and truth files (CSV or Parquet, chosen by the file extension).

Formats are fixed in docs ``shared/DESIGN.md`` ("File formats at the boundary"):

* detections: ``time_s, range_m, azimuth_deg, elevation_deg`` and optionally ``sensor_id``,
  ``range_rate_mps``, ``snr_db``; azimuth in degrees clockwise from north in [0, 360).
* tracks: ``time_s, track_id, x_m, y_m, z_m, vx_mps, vy_mps, vz_mps`` (local ENU), more columns
  may follow.
* truth: ``time_s, target_id, x_m, y_m, z_m, vx_mps, vy_mps, vz_mps``.

Limits (documented in ``docs/hardening.md``): files up to ``MAX_FILE_BYTES``, at most
``MAX_PER_SCAN`` plots per scan (or tracks/targets per time), times within ``MAX_TIME_S``,
ids within ``MAX_ID``, distances within ``MAX_DISTANCE_M``, speeds within ``MAX_SPEED_MPS``;
a header must name each column once; timestamps and text are refused, not read as numbers.

Degrees exist only here: :func:`read_detections` returns radians (``azimuth_rad``,
``elevation_rad``) and :func:`write_detections` takes radians. Every problem is raised as
:class:`iads.errors.InputError` naming the file and the column. Writes are atomic (temporary file
in the same directory, then ``os.replace``), so a failed write never leaves a partial file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from iads.errors import InputError
from iads.io.small_csv import SMALL_CSV_BYTES, parse_small_csv, small_csv_text

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

MAX_FILE_BYTES = 2 << 30
"""Largest detections, tracks or truth file read (2 GiB; about 30 million CSV plots)."""
MAX_PER_SCAN = 5_000
"""Most plots in one scan, and most tracks or truth targets at one time: association and
scoring cost grows with the square of it (50,000 plots in one scan need about 20 GB)."""
MAX_TIME_S = 1e10
"""Largest magnitude of a time (s), about 317 years: beyond 9.2e9 s, times in nanoseconds
no longer fit 64 bits."""
MAX_ID = 2**53
"""Largest magnitude of an id (``sensor_id``, ``track_id``, ``target_id``): the largest
integer every step (float64 columns) keeps exactly."""
MAX_DISTANCE_M = 1e9
"""Largest magnitude of a range or a position coordinate (m)."""
MAX_SPEED_MPS = 1e6
"""Largest magnitude of a velocity component or a range rate (m/s)."""

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


MAX_ROWS = 20_000_000
"""Most rows (plots, track or truth states) in one file: read in batches, the columns of 20
million rows take 0.8-1.3 GB as NumPy arrays, and tracking or scoring them needs about as much
again, within a 4 GiB memory cap. A larger file is refused once that many rows are read, with
this limit in the error, before memory runs out; split it by time."""


def _batches(p: Path, kind: str):
    """The file's column names and an iterator of Arrow record batches (CSV streamed in
    blocks of about 16 MiB, Parquet by row groups): memory holds one batch beyond the
    columns already converted, never the whole file as Arrow plus NumPy."""
    if kind == "csv":
        import pyarrow.csv as pacsv

        # timestamps stay text (refused as non-numbers), never numbers in disguise
        convert = pacsv.ConvertOptions(timestamp_parsers=[])
        reader = pacsv.open_csv(
            p, read_options=pacsv.ReadOptions(block_size=16 << 20), convert_options=convert
        )
        return reader.schema.names, reader
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(p)
    return pf.schema_arrow.names, pf.iter_batches(batch_size=1 << 20)


def read_table(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Read a CSV or Parquet file into a dict of NumPy columns (no validation of content),
    batch by batch, refusing more than ``MAX_ROWS`` rows. A small plain all-numeric CSV is
    parsed without importing pyarrow (``iads.io.small_csv``: the same columns)."""
    from iads.io.files import check_regular, read_regular

    p = Path(path)
    kind = file_kind(p)
    size = check_regular(p, MAX_FILE_BYTES, what=f"{kind} file")
    if kind == "csv" and size <= SMALL_CSV_BYTES:
        small = parse_small_csv(read_regular(p, MAX_FILE_BYTES, what="csv file"), MAX_ROWS)
        if small is not None:
            return small
    import pyarrow as pa

    parts: dict[str, list[np.ndarray]] = {}
    rows = 0
    try:
        names, batches = _batches(p, kind)  # decoding a non-UTF-8 header fails here
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise InputError("column appears twice in the header", file=str(p), field=name)
            seen.add(name)
        parts = {name: [] for name in names}
        for batch in batches:
            rows += batch.num_rows
            if rows > MAX_ROWS:
                raise InputError(
                    f"more than {MAX_ROWS:,} rows; the limit keeps a run within memory "
                    "(split the file by time)",
                    file=str(p),
                )
            for name, col in zip(names, batch.columns, strict=True):
                try:
                    parts[name].append(_column_array(col))
                except (pa.ArrowException, ValueError, TypeError):  # nested or exotic
                    values = np.empty(len(col), dtype=object)
                    values[:] = col.to_pylist()
                    parts[name].append(values)
    except InputError:
        raise
    except (pa.ArrowException, OSError, ValueError, UnicodeError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot read {kind} file ({reason[:200]})", file=str(p)) from None
    return {name: _concat(chunks) for name, chunks in parts.items()}


def _concat(chunks: list[np.ndarray]) -> np.ndarray:
    """One column from its batches (empty: a float64 column of no rows)."""
    if not chunks:
        return np.empty(0, np.float64)
    if len(chunks) == 1:
        return chunks[0]
    kinds = {c.dtype for c in chunks}
    if len(kinds) > 1 and any(c.dtype == object for c in chunks):
        return np.concatenate([c.astype(object) for c in chunks])
    return np.concatenate(chunks)


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
    raw = np.asarray(cols[name])
    if raw.dtype.kind not in "iuf" and not (raw.dtype == object and raw.size == 0):
        kind = {"M": "timestamps", "m": "durations", "b": "true/false"}.get(raw.dtype.kind, "text")
        raise InputError(f"values must be numbers, not {kind}", file=file, field=name)
    if raw.dtype.kind == "u" and raw.size and int(raw.max()) > MAX_ID:
        raise InputError(
            f"value {int(raw.max())} is beyond the limit of {MAX_ID:g}", file=file, field=name
        )
    values = raw.astype(np.float64)
    if not allow_nan and values.size and not np.all(np.isfinite(values)):
        row = int(np.flatnonzero(~np.isfinite(values))[0])
        raise InputError(
            f"missing or non-finite value at data row {row + 1}", file=file, field=name
        )
    limit = _LIMITS.get(name, MAX_ID if integer else MAX_DISTANCE_M)
    big = np.abs(values) > limit
    if values.size and np.any(big):
        row = int(np.flatnonzero(big)[0])
        raise InputError(
            f"value {float(values[row]):g} at data row {row + 1} is beyond the limit of "
            f"{limit:g} in magnitude",
            file=file,
            field=name,
        )
    if integer:
        if values.size and np.any(values != np.round(values)):
            raise InputError("values must be integers", file=file, field=name)
        return values.astype(np.int64)
    return values


_LIMITS = {
    "time_s": MAX_TIME_S,
    "range_rate_mps": MAX_SPEED_MPS,
    "vx_mps": MAX_SPEED_MPS,
    "vy_mps": MAX_SPEED_MPS,
    "vz_mps": MAX_SPEED_MPS,
    "snr_db": 1e4,
}
"""Magnitude limits by column; other numbers are distances (MAX_DISTANCE_M) or ids (MAX_ID)."""


def _check_per_time(time_s: np.ndarray, file: str, what: str) -> None:
    """InputError if more than ``MAX_PER_SCAN`` rows share one ``time_s``."""
    if time_s.size <= MAX_PER_SCAN:
        return
    ts, counts = np.unique(time_s, return_counts=True)
    k = int(np.argmax(counts))
    if counts[k] > MAX_PER_SCAN:
        raise InputError(
            f"{int(counts[k]):,} {what} at time {float(ts[k]):g} s; the limit is "
            f"{MAX_PER_SCAN:,} per time",
            file=file,
            field="time_s",
        )


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
    _check_per_time(time_s, file, "plots")
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
    _check_per_time(out["time_s"], file, "rows")
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
    """Write columns to CSV or Parquet (by extension), atomically (temp file + os.replace).
    Small all-numeric CSV is written without importing pyarrow (``iads.io.small_csv``)."""
    p = Path(path)
    kind = file_kind(p)
    text = small_csv_text(columns) if kind == "csv" else None
    table = None
    if text is None:
        import pyarrow as pa

        table = pa.Table.from_arrays(
            [_arrow_array(np.asarray(v)) for v in columns.values()], names=list(columns)
        )
    directory = p.parent if str(p.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"directory {str(directory)!r} does not exist", file=str(p))
    if p.is_dir():
        raise InputError("is a directory, not a file", file=str(p))
    from iads.io.files import atomic_path

    try:
        with atomic_path(p, make_dirs=False) as tmp:
            if text is not None:
                tmp.write_text(text, encoding="utf-8")
            elif kind == "csv":
                import pyarrow.csv as pacsv

                pacsv.write_csv(table, tmp)
            else:
                import pyarrow.parquet as pq

                pq.write_table(table, tmp)
    except OSError as exc:
        raise InputError(f"cannot write ({exc.strerror or exc})", file=str(p)) from None


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
