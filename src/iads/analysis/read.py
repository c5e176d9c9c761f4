"""Stored results as pandas DataFrames (the ``analysis`` extra brings pandas)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _types_mapper() -> Any:
    import pandas as pd
    import pyarrow as pa

    mapping = {
        pa.int8(): pd.Int8Dtype(),
        pa.int16(): pd.Int16Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.uint8(): pd.UInt8Dtype(),
        pa.uint16(): pd.UInt16Dtype(),
        pa.uint32(): pd.UInt32Dtype(),
        pa.uint64(): pd.UInt64Dtype(),
        pa.float32(): pd.Float32Dtype(),
        pa.float64(): pd.Float64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
        pa.string(): pd.StringDtype(),
        pa.large_string(): pd.StringDtype(),
    }
    return mapping.get


def read_results(path: str | Path) -> dict[str, Any]:
    """Every table of a study directory (``study.duckdb``) or a run directory
    (``results.duckdb``) as a pandas DataFrame, by table name.

    Columns use pandas' nullable dtypes (Int64, Float64, boolean, string), so a value missing
    in the store (SQL NULL) is ``pd.NA``, distinct from a NaN or a number.
    """
    try:
        import pandas  # noqa: F401
    except ImportError:
        from iads.errors import InputError

        raise InputError("read_results needs pandas: pip install 'iads[analysis]'") from None
    from iads.io.store import _open_store, _table_names
    from iads.io.study_store import is_study, open_study

    mapper = _types_mapper()
    ctx = open_study(path) if is_study(path) else _open_store(path)
    out: dict[str, Any] = {}
    with ctx as opened:
        con = opened[0] if isinstance(opened, tuple) else opened
        for name in _table_names(con):
            rel = con.sql(f'SELECT * FROM "{name}"')
            table = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
            out[name] = table.to_pandas(types_mapper=mapper)
    return out


__all__ = ["read_results"]
