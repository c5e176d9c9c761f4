"""Small all-numeric CSV files without pyarrow: what ``iads track`` reads and writes.

Importing pyarrow costs ``iads track`` about as much CPU as tracking a 100-target, 25-scan
file (its whole-process speed is mostly start-up: benchmarks/tracking_vs_stonesoup.py). A file
under :data:`SMALL_CSV_BYTES` whose header is plain names and whose every data cell is a plain
decimal number (``-12``, ``3.5``, ``1e-05``; no quotes, no blanks, no ``nan``) is read here, to
the very columns pyarrow's reader gives (int64 where every cell of the column is an integer,
else float64; both parsers round correctly). Anything else returns None and the caller reads
the file with pyarrow as before, so its inference and its errors stay the only ones: this is
a fast path, never a second dialect.

Writing is the same idea: numeric columns only, laid out as ``pyarrow.csv.write_csv`` lays
them out (quoted header, ints as digits, whole floats below 1e10 as digits, ``nan``, ``inf``),
other floats as Python's shortest text that reads back exactly (pyarrow picks the exponent
form at other magnitudes: ``1e-05`` here is its ``0.00001``). Either reader gets the same
values and column types from a file whichever wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np

SMALL_CSV_BYTES = 2 << 20
"""Largest CSV read or written here (2 MiB, about 25,000 plots): above it, pyarrow's parser
(streamed in blocks, multithreaded) pays for its import."""
_NUMBER = r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_NAME = re.compile(r'"?([A-Za-z_][A-Za-z0-9_.\[\]=-]*)"?')
_NOT_INTEGER = re.compile(r"[.eE]")
_LONG_INTEGER = re.compile(r"\d{19}")


def parse_small_csv(data: bytes, max_rows: int) -> dict[str, np.ndarray] | None:
    """The columns of the CSV file ``data``, or None when it is not a small, plain,
    all-numeric file with at least one data row and at most ``max_rows`` (pyarrow then reads
    it, and raises the errors)."""
    if len(data) > SMALL_CSV_BYTES:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeError:
        return None
    text = text.replace("\r\n", "\n")
    head, _, body = text.partition("\n")
    names = []
    for cell in head.split(","):
        m = _NAME.fullmatch(cell)
        if m is None or (cell.startswith('"') != cell.endswith('"')):
            return None
        names.append(m.group(1))
    if not body or len(set(names)) != len(names):
        return None
    if not body.endswith("\n"):
        body += "\n"
    k = len(names)
    row = _NUMBER + (f"(?:,{_NUMBER}){{{k - 1}}}" if k > 1 else "")
    if re.fullmatch(f"(?:{row}\n)+", body) is None:
        return None
    cells = body.replace("\n", ",").split(",")
    cells.pop()  # after the last newline
    if len(cells) // k > max_rows:
        return None
    out: dict[str, np.ndarray] = {}
    for j, name in enumerate(names):
        texts = cells[j::k]
        joined = ",".join(texts)  # every cell is a plain number (the match above):
        if _NOT_INTEGER.search(joined) is None:  # an integer unless it has . e or E
            if _LONG_INTEGER.search(joined) is not None:
                return None  # 19 digits or more: int64, uint64 or float is pyarrow's call
            out[name] = np.array(list(map(int, texts)), dtype=np.int64)
        else:  # float() rounds correctly, as pyarrow's parser does
            out[name] = np.array(list(map(float, texts)), dtype=np.float64)
    return out


def small_csv_text(columns: Mapping[str, np.ndarray]) -> str | None:
    """``columns`` as CSV text, as pyarrow writes them; None when a column is not a 1-D
    integer or float array, the columns differ in length, or the text would not be small."""
    arrays = [np.asarray(v) for v in columns.values()]
    if not arrays or any(a.ndim != 1 or a.dtype.kind not in "iuf" for a in arrays):
        return None
    n = arrays[0].size
    if any(a.size != n for a in arrays) or n * len(arrays) * 20 > SMALL_CSV_BYTES:
        return None
    if any(not _NAME.fullmatch(name) or '"' in name for name in columns):
        return None
    texts = [list(map(str, a.tolist())) if a.dtype.kind in "iu" else _floats(a) for a in arrays]
    head = ",".join(f'"{name}"' for name in columns)
    return head + "\n" + "".join(",".join(r) + "\n" for r in zip(*texts, strict=True))


def _floats(a: np.ndarray) -> list[str]:
    """:func:`_float` of every value of ``a``, the common case (a fraction, finite) at C speed:
    ``repr``, patched at the cells :func:`_float` writes otherwise (a column of whole
    numbers, as ``time_s``, as integers)."""
    values = a.tolist()
    with np.errstate(invalid="ignore"):
        other = ~np.isfinite(a) | ((np.abs(a) < 1e10) & (a == np.trunc(a)))
    if not other.any():
        return list(map(repr, values))
    if other.all() and np.isfinite(a).all() and not np.signbit(a[a == 0]).any():
        return list(map(str, a.astype(np.int64).tolist()))  # whole numbers, no -0
    texts = list(map(repr, values))
    for i in np.flatnonzero(other).tolist():
        texts[i] = _float(values[i])
    return texts


def _float(v: float) -> str:
    """A float as CSV text: whole numbers below 1e10 without a fraction (``4``, ``-0``; as
    pyarrow writes them, so the column reads back as the same type), ``nan``, ``inf``,
    ``-inf``, else the shortest text that reads back exactly."""
    if v != v:
        return "nan"
    if v in (_INF, -_INF):
        return "inf" if v > 0 else "-inf"
    if v.is_integer() and abs(v) < 1e10:
        return "-0" if v == 0 and repr(v)[0] == "-" else str(int(v))
    return repr(v)


_INF = float("inf")


__all__ = ["SMALL_CSV_BYTES", "parse_small_csv", "small_csv_text"]
