"""Real aircraft trajectories (ADS-B): reading, cleaning, resampling.

An ADS-B trajectory file has one row per report: ``icao24`` (the aircraft), optionally
``callsign``, a time, ``latitude`` and ``longitude`` (deg, WGS 84), ``altitude``, ``groundspeed``,
``track`` (deg clockwise from true north) and optionally ``vertical_rate``: the OpenSky
Network's and the ``traffic`` library's column names. Units (``units``): ``published`` (the
default; feet, knots, feet per minute, as those sources publish them) or ``si`` (m, m/s, m/s).
The time is ``time_s`` (s, any origin), or ``timestamp`` / ``time``: ISO 8601 text (a zone
offset is applied; no zone is UTC), a Parquet timestamp, or a number of seconds since the Unix
epoch (numbers above ``EPOCH_MS_ABOVE`` are milliseconds, as in ``traffic``'s JSON samples).
Files are CSV or Parquet, or JSON records (``.json``/``.json.gz``, the layout of ``traffic``'s
samples).

Cleaning (:func:`read_adsb`, every step counted in ``notes``): rows missing a time, position,
altitude, ground speed or track are dropped; rows are sorted by aircraft and time; a repeated
(aircraft, time) keeps its first row; a single report that jumps away and back (implied speed
above ``MAX_IMPLIED_SPEED_MPS`` to both neighbours) is dropped. Refused with one
:class:`iads.errors.InputError` naming file, column and data row: text where a number belongs,
latitudes, longitudes, altitudes or speeds out of range, a remaining jump, and ground speeds
that disagree with the reports' own positions by the knot / m/s factor (wrong ``units``).
Gaps are never bridged by more than ``max_gap_s`` (:func:`adsb_truth`, :func:`flight_segments`).

:func:`adsb_truth` interpolates every aircraft to scan times in the local ENU frame of an
origin (a truth table for :func:`iads.tracking.scenario_gen.plots_from_truth` or ``iads
observe``); :func:`flight_segments` resamples each aircraft's continuous pieces of flight on a
fixed step (scenario import, ``iads.scenario.recorded``).
"""

from __future__ import annotations

import datetime
import gzip
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from iads.errors import InputError
from iads.geo import Origin, geodetic_to_enu

__all__ = [
    "EPOCH_MS_ABOVE",
    "FT_M",
    "KT_MPS",
    "MAX_IMPLIED_SPEED_MPS",
    "MAX_TIME_S",
    "UNITS",
    "FlightSegment",
    "adsb_truth",
    "flight_segments",
    "read_adsb",
]

FT_M = 0.3048  # international foot, m
KT_MPS = 1852.0 / 3600.0  # knot, m/s
FPM_MPS = FT_M / 60.0  # foot per minute, m/s
UNITS = ("published", "si")
"""``published``: altitude ft, ground speed kt, vertical rate ft/min; ``si``: m, m/s, m/s."""
EPOCH_MS_ABOVE = 1e11
"""A numeric timestamp above this is epoch milliseconds, else epoch seconds: 1e11 s is the
year 5138, 1e11 ms is March 1973, before any ADS-B."""
MAX_TIME_S = 1e10
"""Largest report time in magnitude (s, epoch seconds or ``time_s``), the limit of the plot
files (``iads.io.plots.MAX_TIME_S``): the year 2286; beyond 9.2e9 s nanosecond times overflow
64 bits, and a stray 1e300 would make every later span and scan count meaningless."""
MAX_IMPLIED_SPEED_MPS = 1_000.0
"""Fastest speed (m/s, about Mach 3) implied by two successive reports of one aircraft that is
accepted; a faster one is a corrupt position (a lone spike is dropped, anything else refused)."""
ALT_RANGE_M = (-1_500.0, 30_000.0)
"""Accepted altitudes (m): the Dead Sea shore to above any airliner or business jet."""
MAX_GROUNDSPEED_MPS = 1_000.0
"""Fastest accepted ground speed (m/s)."""
UNIT_CHECK_PAIRS = 5
"""Successive-report pairs (1 to 60 s apart, faster than 30 m/s) needed to compare the ground
speed column with the reports' positions."""
_NUMERIC = ("latitude", "longitude", "altitude", "groundspeed", "track")
_EARTH_M = 6_371_008.8  # mean earth radius (m), for the implied-speed checks only


def _read_records(path: Path) -> dict[str, np.ndarray]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            rows = json.load(fh)
    except (OSError, ValueError, EOFError) as exc:  # UnicodeDecodeError is a ValueError
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise InputError(f"cannot read JSON records ({reason})", file=str(path)) from None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise InputError("expected a JSON list of records", file=str(path))
    names = {k for r in rows[:1] for k in r}
    out = {}
    for k in names:
        values = np.empty(len(rows), dtype=object)
        values[:] = [r.get(k) for r in rows]
        out[k] = values
    return out


def _missing(v: object) -> bool:
    return (
        v is None
        or (isinstance(v, float) and math.isnan(v))
        or (isinstance(v, str) and v.strip().lower() in ("", "nan", "null", "none"))
    )


def _floats(values: np.ndarray, name: str, file: str) -> np.ndarray:
    """A column as float64 (NaN where missing); text that is not a number, true/false and
    infinities are refused naming the first bad data row."""
    raw = np.asarray(values)
    if raw.dtype.kind in "iuf":
        out = raw.astype(np.float64)
    elif raw.dtype.kind in "bMm":
        what = {"b": "true/false", "M": "timestamps", "m": "durations"}[raw.dtype.kind]
        raise InputError(f"values must be numbers, not {what}", file=file, field=name)
    else:
        out = np.empty(raw.size)
        for k, v in enumerate(raw):
            if _missing(v):
                out[k] = np.nan
                continue
            try:
                if isinstance(v, bool):
                    raise ValueError
                out[k] = float(v)
            except (TypeError, ValueError):
                text = str(v)[:40]
                raise InputError(
                    f"value {text!r} at data row {k + 1} is not a number", file=file, field=name
                ) from None
    inf = np.isinf(out)
    if np.any(inf):
        row = int(np.flatnonzero(inf)[0])
        raise InputError(f"infinite value at data row {row + 1}", file=file, field=name)
    return out


def _epoch(x: np.ndarray) -> np.ndarray:
    return np.where(x > EPOCH_MS_ABOVE, x / 1e3, x)


def _seconds(cols: dict[str, np.ndarray], file: str) -> np.ndarray:
    """Report times (s): ``time_s`` as given, or ``timestamp`` / ``time`` from the epoch;
    InputError naming column and row for a time beyond ``MAX_TIME_S`` in magnitude."""
    name = next((n for n in ("time_s", "timestamp", "time") if n in cols), None)
    if name is None:
        raise InputError("missing column time_s, timestamp or time", file=file, field="timestamp")
    out = _raw_seconds(cols, name, file)
    far = np.abs(out) > MAX_TIME_S  # NaN compares False: a missing time is cleaned later
    if far.any():
        row = int(np.flatnonzero(far)[0])
        raise InputError(
            f"value at data row {row + 1} is {out[row]:.6g} s, beyond the limit of "
            f"{MAX_TIME_S:g} s in magnitude (epoch seconds or milliseconds)",
            file=file,
            field=name,
        )
    return out


def _raw_seconds(cols: dict[str, np.ndarray], name: str, file: str) -> np.ndarray:
    if name == "time_s":
        return _floats(cols["time_s"], "time_s", file)
    raw = np.asarray(cols[name])
    if raw.dtype.kind == "M":
        ns = raw.astype("datetime64[ns]")
        return np.where(np.isnat(ns), np.nan, ns.astype(np.int64) / 1e9)
    if raw.dtype.kind in "iuf":
        return _epoch(_floats(raw, name, file))
    out = np.empty(raw.size)
    for k, v in enumerate(raw):
        if _missing(v):
            out[k] = np.nan
        elif isinstance(v, datetime.datetime):
            d = v if v.tzinfo else v.replace(tzinfo=datetime.UTC)
            out[k] = d.timestamp()
        elif isinstance(v, int | float) and not isinstance(v, bool):
            out[k] = _epoch(np.float64(v))
        else:
            text = str(v).strip()
            try:
                out[k] = _epoch(np.float64(float(text)))
                continue
            except ValueError:
                pass
            try:
                d = datetime.datetime.fromisoformat(text)
            except ValueError:
                raise InputError(
                    f"value {text[:40]!r} at data row {k + 1} is neither epoch seconds nor "
                    "ISO 8601",
                    file=file,
                    field=name,
                ) from None
            d = d if d.tzinfo else d.replace(tzinfo=datetime.UTC)
            out[k] = d.timestamp()
    if np.any(np.isinf(out)):
        row = int(np.flatnonzero(np.isinf(out))[0])
        raise InputError(f"infinite value at data row {row + 1}", file=file, field=name)
    return out


def _texts(values: np.ndarray, name: str, file: str) -> np.ndarray:
    """A text column as str objects ('' where missing), stripped; bytes that are not UTF-8
    (Arrow reads such a CSV column as binary) are refused naming the first data row."""
    out = np.empty(len(values), dtype=object)
    for k, v in enumerate(values):
        if isinstance(v, bytes):
            try:
                v = v.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError(
                    f"value at data row {k + 1} is not UTF-8 text (save the file as UTF-8)",
                    file=file,
                    field=name,
                ) from None
        out[k] = "" if _missing(v) else str(v).strip()
    return out


def _refuse_outside(
    values: np.ndarray, rows: np.ndarray, lo: float, hi: float, name: str, file: str, hint: str
) -> None:
    bad = (values < lo) | (values > hi)
    if np.any(bad):
        k = int(np.flatnonzero(bad)[np.argmin(rows[bad])])
        raise InputError(
            f"value at data row {int(rows[k])} is {values[k]:g}, outside [{lo:g}, {hi:g}]{hint}",
            file=file,
            field=name,
        )


def _distance_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray):
    """Great-circle distance on the mean sphere (m; haversine), for checks only."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2 - lon1)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * _EARTH_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _implied_speed(c: dict[str, np.ndarray], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Speed (m/s) between reports ``a`` and ``b`` (same aircraft, later ``b``); inf if at
    one time in two places."""
    d = _distance_m(c["lat_deg"][a], c["lon_deg"][a], c["lat_deg"][b], c["lon_deg"][b])
    dt = c["time_s"][b] - c["time_s"][a]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(dt > 0, d / dt, np.where(d > 0, np.inf, 0.0))


def _take(c: dict[str, np.ndarray], keep: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[keep] for k, v in c.items()}


def read_adsb(
    path: str | os.PathLike[str],
    *,
    units: str = "published",
    notes: list[str] | None = None,
) -> dict[str, np.ndarray]:
    """Read and clean an ADS-B trajectory file (module docstring: columns, units, cleaning).

    Returns SI columns sorted by aircraft then time: ``time_s`` (s), ``icao24``, ``callsign``
    (str, '' if none), ``lat_deg``, ``lon_deg``, ``alt_m``, ``groundspeed_mps``, ``track_rad``,
    ``vertical_rate_mps`` (0 where absent) and ``row`` (the report's data row in the file,
    from 1). What cleaning did is appended to ``notes`` as sentences."""
    from iads.io.plots import read_table

    if units not in UNITS:
        raise InputError(f"unknown units {units!r}; use {' or '.join(UNITS)}", field="units")
    p = Path(path)
    file = str(p)
    if p.name.lower().endswith((".json", ".json.gz")):
        from iads.io.files import check_regular
        from iads.io.plots import MAX_FILE_BYTES

        check_regular(p, MAX_FILE_BYTES, what="JSON file")
        cols = _read_records(p)
    else:
        cols = read_table(p)
    for col in ("icao24", *_NUMERIC):
        if col not in cols:
            have = ", ".join(sorted(cols)) or "none"
            raise InputError(f"missing column (columns found: {have})", file=file, field=col)
    si = units == "si"
    t = _seconds(cols, file)
    lat, lon, alt, gs, trk = (_floats(cols[c], c, file) for c in _NUMERIC)
    vr = (
        _floats(cols["vertical_rate"], "vertical_rate", file)
        if "vertical_rate" in cols
        else np.zeros_like(t)
    )
    icao = _texts(cols["icao24"], "icao24", file)
    n = t.size
    c = {
        "time_s": t,
        "icao24": icao,
        "callsign": _texts(cols["callsign"], "callsign", file)
        if "callsign" in cols
        else np.full(n, "", object),
        "lat_deg": lat,
        "lon_deg": lon,
        "alt_m": alt if si else alt * FT_M,
        "groundspeed_mps": gs if si else gs * KT_MPS,
        "track_rad": np.deg2rad(trk),
        "vertical_rate_mps": np.where(np.isfinite(vr), vr if si else vr * FPM_MPS, 0.0),
        "row": np.arange(1, n + 1, dtype=np.int64),
    }
    notes = notes if notes is not None else []
    ok = icao != ""
    for name, v in (("time", t), *zip(_NUMERIC, (lat, lon, alt, gs, trk), strict=True)):
        gone = ok & ~np.isfinite(v)
        if np.any(gone):
            notes.append(f"{int(gone.sum())} rows with no {name} dropped")
        ok &= np.isfinite(v)
    if np.any(icao == ""):
        notes.append(f"{int((icao == '').sum())} rows with no icao24 dropped")
    c = _take(c, ok)
    alt_unit = "m" if si else "ft"
    speed_unit = "m/s" if si else "kt"
    _refuse_outside(c["lat_deg"], c["row"], -90, 90, "latitude", file, "")
    _refuse_outside(c["lon_deg"], c["row"], -180, 180, "longitude", file, "")
    lo, hi = ALT_RANGE_M
    scale = 1.0 if si else 1.0 / FT_M
    _refuse_outside(
        c["alt_m"] * scale, c["row"], lo * scale, hi * scale, "altitude", file,
        f" {alt_unit} (units: {units}; check the file's units)",
    )  # fmt: skip
    scale = 1.0 if si else 1.0 / KT_MPS
    _refuse_outside(
        c["groundspeed_mps"] * scale, c["row"], 0.0, MAX_GROUNDSPEED_MPS * scale,
        "groundspeed", file, f" {speed_unit} (units: {units}; check the file's units)",
    )  # fmt: skip
    _, code = np.unique(c["icao24"], return_inverse=True)
    order = np.lexsort((c["row"], c["time_s"], code))
    if np.any(np.diff(order) < 0):
        notes.append("rows sorted by aircraft and time")
    c, code = _take(c, order), code[order]
    dup = np.r_[False, (code[1:] == code[:-1]) & (c["time_s"][1:] == c["time_s"][:-1])]
    if np.any(dup):
        notes.append(f"{int(dup.sum())} repeated (icao24, time) reports dropped (first kept)")
        c, code = _take(c, ~dup), code[~dup]
    c, code = _drop_spikes(c, code, notes)
    _check_jumps(c, code, file)
    _check_speed_units(c, code, file, units)
    return c


def _drop_spikes(
    c: dict[str, np.ndarray], code: np.ndarray, notes: list[str]
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Drop lone reports that jump away and back: too fast from the previous report and to
    the next, while previous to next is not."""
    n = code.size
    if n < 3:
        return c, code
    k = np.arange(1, n - 1)
    same = (code[k - 1] == code[k]) & (code[k + 1] == code[k])
    k = k[same]
    vmax = MAX_IMPLIED_SPEED_MPS
    spike = (
        (_implied_speed(c, k - 1, k) > vmax)
        & (_implied_speed(c, k, k + 1) > vmax)
        & (_implied_speed(c, k - 1, k + 1) <= vmax)
    )
    if not np.any(spike):
        return c, code
    notes.append(f"{int(spike.sum())} lone position jumps (faster than {vmax:g} m/s) dropped")
    keep = np.ones(n, dtype=bool)
    keep[k[spike]] = False
    return _take(c, keep), code[keep]


def _check_jumps(c: dict[str, np.ndarray], code: np.ndarray, file: str) -> None:
    a = np.flatnonzero(code[1:] == code[:-1])
    v = _implied_speed(c, a, a + 1)
    bad = v > MAX_IMPLIED_SPEED_MPS
    if np.any(bad):
        k = int(a[np.flatnonzero(bad)[0]])
        raise InputError(
            f"aircraft {c['icao24'][k]} moves {v[bad][0]:.0f} m/s between data rows "
            f"{int(c['row'][k])} and {int(c['row'][k + 1])} (more than "
            f"{MAX_IMPLIED_SPEED_MPS:g} m/s: a corrupt position or time)",
            file=file,
            field="latitude",
        )


def _check_speed_units(c: dict[str, np.ndarray], code: np.ndarray, file: str, units: str) -> None:
    """Refuse ground speeds that disagree with the positions by a unit factor."""
    a = np.flatnonzero(code[1:] == code[:-1])
    dt = c["time_s"][a + 1] - c["time_s"][a]
    v = _implied_speed(c, a, a + 1)
    use = (dt >= 1.0) & (dt <= 60.0) & (v > 30.0)
    if int(use.sum()) < UNIT_CHECK_PAIRS:
        return
    gs = 0.5 * (c["groundspeed_mps"][a] + c["groundspeed_mps"][a + 1])
    ratio = float(np.median(gs[use] / v[use]))
    if 0.7 <= ratio <= 1.4:
        return
    if units == "published" and 0.4 <= ratio < 0.7:
        hint = "the column looks like m/s, not knots: use units si"
    elif units == "si" and 1.4 < ratio <= 2.5:
        hint = "the column looks like knots, not m/s: use units published"
    else:
        hint = "check the file's units and times"
    raise InputError(
        f"ground speeds are {ratio:.2f} x the speed between the reports' positions "
        f"(median of {int(use.sum())} pairs; units: {units}); {hint}",
        file=file,
        field="groundspeed",
    )


@dataclass(frozen=True)
class FlightSegment:
    """One continuous piece of one aircraft's flight, resampled: ``time_s`` (s, the file's
    clock), ``lat_deg``, ``lon_deg``, ``alt_m`` (m, as reported) (K,), K >= 2."""

    icao24: str
    callsign: str
    time_s: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    alt_m: np.ndarray


def flight_segments(
    adsb: dict[str, np.ndarray],
    step_s: float,
    max_gap_s: float,
    min_alt_m: float = 0.0,
) -> list[FlightSegment]:
    """Each aircraft's flight in ``adsb`` (from :func:`read_adsb`) cut into continuous pieces
    (successive reports at most ``max_gap_s`` apart, every report at least ``min_alt_m`` up)
    and resampled every ``step_s`` from the piece's first report, plus its last report:
    linear in latitude, longitude and altitude. Nothing is interpolated across a longer gap
    or below ``min_alt_m``; a piece of one report is left out. Aircraft in ``icao24`` order."""
    out: list[FlightSegment] = []
    names, code = np.unique(adsb["icao24"], return_inverse=True)
    order = np.lexsort((adsb["time_s"], code))
    code = code[order]
    cols = {k: np.asarray(adsb[k])[order] for k in ("time_s", "lat_deg", "lon_deg", "alt_m")}
    calls = np.asarray(adsb["callsign"])[order] if "callsign" in adsb else None
    up = cols["alt_m"] >= min_alt_m
    t = cols["time_s"]
    brk = np.r_[True, (code[1:] != code[:-1]) | (np.diff(t) > max_gap_s) | (np.diff(t) <= 0)]
    brk |= np.r_[True, up[1:] != up[:-1]]
    starts = np.flatnonzero(brk)
    ends = np.r_[starts[1:], t.size]
    for s, e in zip(starts, ends, strict=True):
        if e - s < 2 or not up[s]:
            continue
        ts = t[s:e]
        grid = ts[0] + step_s * np.arange(int(np.floor((ts[-1] - ts[0]) / step_s)) + 1)
        if ts[-1] - grid[-1] > 1e-6 * step_s:
            grid = np.r_[grid, ts[-1]]
        lon = np.unwrap(cols["lon_deg"][s:e], period=360.0)
        call = ""
        if calls is not None:
            named = [x for x in calls[s:e] if x]
            call = max(set(named), key=named.count) if named else ""
        out.append(
            FlightSegment(
                icao24=str(names[code[s]]),
                callsign=call,
                time_s=grid,
                lat_deg=np.interp(grid, ts, cols["lat_deg"][s:e]),
                lon_deg=(np.interp(grid, ts, lon) + 180.0) % 360.0 - 180.0,
                alt_m=np.interp(grid, ts, cols["alt_m"][s:e]),
            )
        )
    return out


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
