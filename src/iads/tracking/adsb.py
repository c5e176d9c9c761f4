"""Real aircraft trajectories (ADS-B) as truth for tracker benchmarks.

An ADS-B trajectory file has one row per report: ``icao24`` (the aircraft), a time, ``latitude``
and ``longitude`` (deg, WGS 84), ``altitude`` (ft), ``groundspeed`` (kt), ``track`` (deg
clockwise from true north) and optionally ``vertical_rate`` (ft/min): the OpenSky Network's and
the ``traffic`` library's column names and units. The time is ``time_s`` (s) or ``timestamp``
(Unix epoch, milliseconds when numeric as in ``traffic``'s JSON samples, or ISO 8601 text).
Files are CSV or Parquet, or JSON records (``.json``/``.json.gz``, the layout of ``traffic``'s
samples).

:func:`adsb_truth` interpolates every aircraft to the scan times (linear in latitude,
longitude, altitude; velocity from ground speed and track, interpolated as a vector) in the
local ENU frame of an origin, giving a truth table that
:func:`iads.tracking.scenario_gen.plots_from_truth` turns into radar plots.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import numpy as np

from iads.errors import InputError
from iads.geo import Origin, geodetic_to_enu

__all__ = ["FT_M", "KT_MPS", "adsb_truth", "read_adsb"]

FT_M = 0.3048  # international foot, m
KT_MPS = 1852.0 / 3600.0  # knot, m/s
FPM_MPS = FT_M / 60.0  # foot per minute, m/s
_NUMERIC = ("latitude", "longitude", "altitude", "groundspeed", "track")


def _read_records(path: Path) -> dict[str, np.ndarray]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            rows = json.load(fh)
    except (OSError, ValueError, EOFError) as exc:
        raise InputError(f"cannot read JSON records ({exc})", file=str(path)) from None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise InputError("expected a JSON list of records", file=str(path))
    names = {k for r in rows[:1] for k in r}
    return {k: np.array([r.get(k) for r in rows], dtype=object) for k in names}


def _seconds(cols: dict[str, np.ndarray], file: str) -> np.ndarray:
    if "time_s" in cols:
        return _floats(cols["time_s"], "time_s", file)
    if "timestamp" not in cols:
        raise InputError("missing column time_s or timestamp", file=file, field="timestamp")
    raw = cols["timestamp"]
    if np.asarray(raw).dtype.kind == "M":
        return np.asarray(raw).astype("datetime64[ns]").astype(np.int64) / 1e9
    try:
        return _floats(raw, "timestamp", file) / 1e3  # epoch milliseconds
    except InputError:
        pass
    try:
        text = [str(v).replace("Z", "").split("+")[0] for v in raw]
        return np.array(text, dtype="datetime64[ns]").astype(np.int64) / 1e9
    except ValueError:
        raise InputError(
            "timestamps must be epoch milliseconds or ISO 8601", file=file, field="timestamp"
        ) from None


def _floats(values: np.ndarray, name: str, file: str) -> np.ndarray:
    try:
        out = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError("values must be numbers", file=file, field=name) from None
    return out


def read_adsb(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Read an ADS-B trajectory file; returns SI columns ``time_s`` (s), ``icao24`` (str),
    ``lat_deg``, ``lon_deg``, ``alt_m``, ``groundspeed_mps``, ``track_rad`` and
    ``vertical_rate_mps`` (0 where absent). Rows with a missing number are dropped."""
    from iads.io.plots import read_table

    p = Path(path)
    file = str(p)
    name = p.name.lower()
    if name.endswith((".json", ".json.gz")):
        if not p.is_file():
            raise InputError("file not found", file=file)
        cols = _read_records(p)
    else:
        cols = read_table(p)
    for col in ("icao24", *_NUMERIC):
        if col not in cols:
            have = ", ".join(sorted(cols)) or "none"
            raise InputError(f"missing column (columns found: {have})", file=file, field=col)
    t = _seconds(cols, file)
    lat, lon, alt_ft, gs_kt, track_deg = (_floats(cols[c], c, file) for c in _NUMERIC)
    vr = (
        _floats(cols["vertical_rate"], "vertical_rate", file)
        if "vertical_rate" in cols
        else np.zeros_like(t)
    )
    vr = np.where(np.isfinite(vr), vr, 0.0)
    ok = np.isfinite(t) & np.isfinite(lat) & np.isfinite(lon) & np.isfinite(alt_ft)
    ok &= np.isfinite(gs_kt) & np.isfinite(track_deg)
    icao = np.array([str(v) for v in cols["icao24"]], dtype=object)
    bad_lat = ok & (np.abs(lat) > 90.0)
    if np.any(bad_lat):
        row = int(np.flatnonzero(bad_lat)[0])
        raise InputError(
            f"latitude {lat[row]:g} at data row {row + 1} is outside [-90, 90]",
            file=file,
            field="latitude",
        )
    return {
        "time_s": t[ok],
        "icao24": icao[ok],
        "lat_deg": lat[ok],
        "lon_deg": lon[ok],
        "alt_m": alt_ft[ok] * FT_M,
        "groundspeed_mps": gs_kt[ok] * KT_MPS,
        "track_rad": np.deg2rad(track_deg[ok]),
        "vertical_rate_mps": vr[ok] * FPM_MPS,
    }


def adsb_truth(
    adsb: dict[str, np.ndarray],
    origin: Origin,
    times_s: np.ndarray,
    max_gap_s: float = 30.0,
    min_alt_m: float = 300.0,
) -> dict[str, np.ndarray]:
    """Truth at ``times_s`` (scan times, s, on the file's clock) in the ENU frame of
    ``origin``: ``time_s`` (re-based so the first scan is 0), ``target_id`` (index of the
    aircraft in sorted ``icao24`` order), ``x_m ... vz_mps``, and ``icao24``.

    An aircraft is present at a scan time between two of its reports at most ``max_gap_s``
    apart and, interpolated, at least ``min_alt_m`` up (aircraft on the ground are not air
    targets). Position: linear in latitude, longitude and altitude; velocity: the ground
    velocity vector ``groundspeed (sin track, cos track)`` and the vertical rate, interpolated
    linearly (the ENU axes are parallel to the local north/east within the region of a radar).
    """
    times_s = np.asarray(times_s, dtype=float)
    names = np.unique(adsb["icao24"])
    out: dict[str, list[np.ndarray]] = {
        k: [] for k in ("time_s", "target_id", "lat", "lon", "alt", "ve", "vn", "vu")
    }
    codes = np.searchsorted(names, adsb["icao24"])
    order = np.lexsort((adsb["time_s"], codes))
    codes_sorted = codes[order]
    bounds = np.searchsorted(codes_sorted, np.arange(names.size + 1))
    for k in range(names.size):
        rows = order[bounds[k] : bounds[k + 1]]
        t = adsb["time_s"][rows]
        keep = np.r_[True, np.diff(t) > 0]  # one report per time
        rows, t = rows[keep], t[keep]
        if t.size < 2:
            continue
        inside = (times_s >= t[0]) & (times_s <= t[-1])
        ts = times_s[inside]
        j = np.clip(np.searchsorted(t, ts, side="right"), 1, t.size - 1)
        short = (t[j] - t[j - 1]) <= max_gap_s
        ts = ts[short]
        if ts.size == 0:
            continue

        def at(values: np.ndarray, ts: np.ndarray = ts, t: np.ndarray = t) -> np.ndarray:
            return np.interp(ts, t, values)

        gs = adsb["groundspeed_mps"][rows]
        trk = adsb["track_rad"][rows]
        alt = at(adsb["alt_m"][rows])
        up = alt >= min_alt_m
        out["time_s"].append(ts[up])
        out["target_id"].append(np.full(int(up.sum()), k, dtype=np.int64))
        out["lat"].append(at(adsb["lat_deg"][rows])[up])
        out["lon"].append(at(adsb["lon_deg"][rows])[up])
        out["alt"].append(alt[up])
        out["ve"].append(at(gs * np.sin(trk))[up])
        out["vn"].append(at(gs * np.cos(trk))[up])
        out["vu"].append(at(adsb["vertical_rate_mps"][rows])[up])
    cat = {k: np.concatenate(v) if v else np.empty(0) for k, v in out.items()}
    enu = (
        geodetic_to_enu(cat["lat"], cat["lon"], cat["alt"], origin)
        if cat["lat"].size
        else np.empty((0, 3))
    )
    t0 = times_s.min() if times_s.size else 0.0
    order = np.lexsort((cat["target_id"], cat["time_s"]))
    return {
        "time_s": (cat["time_s"] - t0)[order],
        "target_id": cat["target_id"].astype(np.int64)[order],
        "x_m": enu[order, 0],
        "y_m": enu[order, 1],
        "z_m": enu[order, 2],
        "vx_mps": cat["ve"][order],
        "vy_mps": cat["vn"][order],
        "vz_mps": cat["vu"][order],
        "icao24": names[cat["target_id"].astype(np.int64)][order],
    }
