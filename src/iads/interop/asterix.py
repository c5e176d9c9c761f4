"""EUROCONTROL ASTERIX through libasterix: CAT048 plots in, CAT062 system tracks out.

Editions: CAT048 1.32 and CAT062 1.21 (libasterix ``Cat_048_1_32``, ``Cat_062_1_21``); the
items read and written are the same in the earlier editions. Units and items:
``docs/interop.md``. ``import asterix.generated`` takes about 1.1 s of CPU, so this module is imported
only by the commands that were asked for ASTERIX.

Plots in (``read_cat048_plots``): per record I048/010 (SAC, SIC: ``sensor_id = 256 SAC +
SIC``), I048/140 (time of day, 1/128 s: ``time_s``), I048/040 (RHO 1/256 NM, THETA
360/2^16 deg: slant range and azimuth) and a height: I048/110 (3-D radar height, 25 ft) or,
without it, I048/090 (flight level, 1/4 FL, taken as a geometric height). The elevation is
the geometric one of that height at that slant range over a sphere of the mean earth radius,
seen from the sensor's height (its ENU ``z``); no refraction.

Tracks out (``write_cat062``): per track update I062/010 (SAC, SIC = unit + 1), I062/015
(service 1), I062/070 (time of track information, 1/128 s: ``time_s`` mod 86400),
I062/105 (WGS-84 latitude/longitude, 180/2^25 deg; only when the frame's origin is known),
I062/100 (x, y, 0.5 m: the ENU east/north of the frame), I062/185 (vx, vy, 0.25 m/s),
I062/130 (geometric altitude, 6.25 ft), I062/220 (rate of climb, 6.25 ft/min), I062/040
(track number: ``track_id`` mod 65536) and I062/080 (MON, SPI 0, MRH 1 geometric, SRC 2
"3-D radar", CNF 0 confirmed).
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from iads.errors import InputError
from iads.geo import MEAN_EARTH_RADIUS_M

FT_M = 0.3048
NM_M = 1852.0
DAY_S = 86_400.0
RECORDS_PER_BLOCK = 200
"""Records per data block (a block is at most 65535 bytes)."""

ASTERIX_SUFFIXES = (".ast", ".asterix", ".ff")
"""File extensions read as ASTERIX (raw data blocks, back to back)."""


def _specs() -> tuple[Any, Any, Any]:
    import asterix.generated as gen
    from asterix.base import Bits, RawDatablock  # noqa: F401

    return gen.Cat_048_1_32, gen.Cat_062_1_21, (Bits, RawDatablock)


def is_asterix(path: str | os.PathLike[str]) -> bool:
    """True if ``path`` has an ASTERIX file extension."""
    return Path(path).suffix.lower() in ASTERIX_SUFFIXES


def _blocks(data: bytes, file: str) -> list[Any]:
    """The raw data blocks of ``data``; InputError if it is not a sequence of them."""
    _, _, (Bits, RawDatablock) = _specs()
    if not data:
        raise InputError("empty file: no ASTERIX data blocks", file=file)
    blocks = RawDatablock.parse(Bits.from_bytes(data))
    if isinstance(blocks, ValueError):
        raise InputError(f"not ASTERIX data blocks ({blocks})", file=file)
    return list(blocks)


def _records(spec: Any, block: Any, file: str, k: int) -> list[Any]:
    recs = spec.cv_uap.parse(block.get_raw_records())
    if isinstance(recs, ValueError):
        raise InputError(
            f"data block {k + 1} (CAT{block.get_category():03d}) is corrupt ({recs})", file=file
        )
    return list(recs)


def _q(item: Any, name: str | None, unit: str) -> float:
    v = item.variation if name is None else item.variation.get_item(name).variation
    return float(v.content.as_quantity(unit))


def elevation_from_height(
    range_m: np.ndarray, height_m: np.ndarray, sensor_height_m: np.ndarray
) -> np.ndarray:
    """Geometric elevation (rad) of a point ``height_m`` above a sphere of the mean earth
    radius at slant range ``range_m`` from a sensor ``sensor_height_m`` above it (law of
    cosines); NaN where no such point exists."""
    r0 = MEAN_EARTH_RADIUS_M + sensor_height_m
    r1 = MEAN_EARTH_RADIUS_M + height_m
    with np.errstate(invalid="ignore", divide="ignore"):
        s = (r1**2 - r0**2 - range_m**2) / (2.0 * r0 * range_m)
    s = np.where(np.abs(s) <= 1.0 + 1e-9, np.clip(s, -1.0, 1.0), np.nan)
    return np.arcsin(s)


def read_cat048_plots(
    path: str | os.PathLike[str], sensors_enu_m: Mapping[int, tuple[float, float, float]]
) -> dict[str, np.ndarray]:
    """Plots of a CAT048 file as the detections columns of ``iads.io.plots.read_detections``
    (``time_s``, ``range_m``, ``azimuth_rad``, ``elevation_rad``, ``sensor_id``). Other
    categories (e.g. CAT034 sector messages) are skipped. ``sensors_enu_m`` gives each
    sensor's ENU position (its ``z`` is its height for the elevation). Time of day rolls over
    at midnight: a time more than 12 h before the previous one is taken as the next day."""
    file = str(path)
    cat048, _, _ = _specs()
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=file) from None
    rows: list[tuple[float, float, float, float, int]] = []
    n_rec = 0
    for k, block in enumerate(_blocks(data, file)):
        if block.get_category() != 48:
            continue
        for rec in _records(cat048, block, file, k):
            n_rec += 1
            where = f"record {n_rec}"
            i010, i140, i040 = rec.get_item("010"), rec.get_item("140"), rec.get_item("040")
            for name, item in (("I048/010", i010), ("I048/140", i140), ("I048/040", i040)):
                if item is None:
                    raise InputError(f"{where} has no {name}", file=file, field=name)
            i110, i090 = rec.get_item("110"), rec.get_item("090")
            if i110 is not None:
                h_m = _q(i110, "3DH", "ft") * FT_M
            elif i090 is not None:
                h_m = _q(i090, "FL", "FL") * 100.0 * FT_M
            else:
                raise InputError(
                    f"{where} has no height (I048/110 or I048/090): 3-D plots are needed",
                    file=file,
                    field="I048/110",
                )
            sac = int(i010.variation.get_item("SAC").variation.content.as_uint())
            sic = int(i010.variation.get_item("SIC").variation.content.as_uint())
            rows.append(
                (
                    _q(i140, None, "s"),
                    _q(i040, "RHO", "NM") * NM_M,
                    _q(i040, "THETA", "°"),
                    h_m,
                    256 * sac + sic,
                )
            )
    if not rows:
        raise InputError("no CAT048 records", file=file)
    arr = np.array(rows, dtype=float)
    t = arr[:, 0]
    back = np.diff(t) < -DAY_S / 2
    t = t + DAY_S * np.concatenate([[0], np.cumsum(back)])
    sid = arr[:, 4].astype(np.int64)
    missing = sorted(set(np.unique(sid).tolist()) - set(sensors_enu_m))
    if missing:
        m = missing[0]
        raise InputError(
            f"no sensor position for SAC {m // 256} SIC {m % 256} (sensor_id {m})",
            file=file,
            field="sensor_id",
        )
    hs = np.array([sensors_enu_m[int(s)][2] for s in sid], dtype=float)
    el = elevation_from_height(arr[:, 1], arr[:, 3], hs)
    bad = np.flatnonzero(~np.isfinite(el))
    if bad.size:
        raise InputError(
            f"record {bad[0] + 1}: height {arr[bad[0], 3]:.0f} m cannot be seen at range "
            f"{arr[bad[0], 1]:.0f} m",
            file=file,
            field="I048/110",
        )
    az = np.deg2rad(np.mod(arr[:, 2], 360.0))
    return {
        "time_s": t,
        "range_m": arr[:, 1],
        "azimuth_rad": az,
        "elevation_rad": el,
        "sensor_id": sid,
    }


def write_cat048_plots(
    path: str | os.PathLike[str],
    det: Mapping[str, np.ndarray],
    sensor_height_m: float,
    sac: int = 0,
    sic: int = 1,
) -> None:
    """Write detections (radians) as CAT048 plots with I048/010, 140, 020 (PSR), 040 and
    110 (3-D height of each plot over the sphere, from ``sensor_height_m``); for tests and
    for feeding other tools."""
    cat048, _, _ = _specs()
    r = np.asarray(det["range_m"], float)
    el = np.asarray(det["elevation_rad"], float)
    r0 = MEAN_EARTH_RADIUS_M + sensor_height_m
    h = np.sqrt(r0**2 + r**2 + 2.0 * r0 * r * np.sin(el)) - MEAN_EARTH_RADIUS_M
    recs = [
        cat048.cv_record.create(
            {
                "010": (("SAC", sac), ("SIC", sic)),
                "140": (float(np.mod(det["time_s"][i], DAY_S)), "s"),
                "020": ((1, 0, 0, 0, 0, 0),),
                "040": (
                    ("RHO", (float(r[i] / NM_M), "NM")),
                    ("THETA", (float(np.rad2deg(det["azimuth_rad"][i]) % 360.0), "°")),
                ),
                "110": (0, (float(h[i] / FT_M), "ft")),
            }
        )
        for i in range(r.size)
    ]
    _write_blocks(path, cat048, recs)


def _write_blocks(path: str | os.PathLike[str], spec: Any, recs: list[Any]) -> None:
    """Records in data blocks of ``RECORDS_PER_BLOCK``, written atomically."""
    chunks = [
        spec.create(recs[i : i + RECORDS_PER_BLOCK]).unparse().to_bytes()
        for i in range(0, len(recs), RECORDS_PER_BLOCK)
    ]
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(b"".join(chunks))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _clip(v: float, lim: float) -> float:
    return float(min(max(v, -lim), lim))


def cat062_records(
    cols: Mapping[str, np.ndarray],
    origin: Any | None = None,
    sac: int = 0,
    mono_sensor: bool = False,
) -> list[Any]:
    """CAT062 records of a tracks table (``time_s``, ``track_id``, ``x_m`` ... ``vz_mps``
    ENU, optional ``battery``/``unit``: SIC = unit + 1). With ``origin`` (an ``Origin``),
    I062/105 is written and I062/130 is the geodetic height; without, I062/130 is ``z_m``."""
    _, cat062, _ = _specs()
    n = len(cols["time_s"])
    unit = np.asarray(cols.get("battery", cols.get("unit", np.zeros(n))), dtype=np.int64)
    x = np.column_stack([np.asarray(cols[c], float) for c in ("x_m", "y_m", "z_m")])
    v = np.column_stack([np.asarray(cols[c], float) for c in ("vx_mps", "vy_mps", "vz_mps")])
    if origin is not None:
        from iads.geo import enu_to_geodetic

        lat, lon, alt = enu_to_geodetic(x, origin) if n else (np.empty(0),) * 3
    else:
        lat = lon = None
        alt = x[:, 2]
    recs = []
    for i in range(n):
        item = {
            "010": (("SAC", sac), ("SIC", int(unit[i]) + 1)),
            "015": 1,
            "070": (float(np.mod(cols["time_s"][i], DAY_S)), "s"),
            "100": (
                ("X", (_clip(x[i, 0], 4.19e6), "m")),
                ("Y", (_clip(x[i, 1], 4.19e6), "m")),
            ),
            "185": (
                ("VX", (_clip(v[i, 0], 8191.0), "m/s")),
                ("VY", (_clip(v[i, 1], 8191.0), "m/s")),
            ),
            "040": int(cols["track_id"][i]) % 65_536,
            "080": ((1 if mono_sensor else 0, 0, 1, 2, 0, 0),),
            "130": (float(min(max(alt[i] / FT_M, -1500.0), 150_000.0)), "ft"),
            "220": (_clip(v[i, 2] / FT_M * 60.0, 204_000.0), "ft/min"),
        }
        if lat is not None:
            item["105"] = (("LAT", (float(lat[i]), "°")), ("LON", (float(lon[i]), "°")))
        recs.append(cat062.cv_record.create(item))
    return recs


def write_cat062(
    path: str | os.PathLike[str],
    cols: Mapping[str, np.ndarray],
    origin: Any | None = None,
    sac: int = 0,
    mono_sensor: bool = False,
) -> int:
    """Write a tracks table as CAT062 (``cat062_records``), atomically; returns the records."""
    _, cat062, _ = _specs()
    recs = cat062_records(cols, origin, sac, mono_sensor)
    _write_blocks(path, cat062, recs)
    return len(recs)


def read_cat062(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """The items ``write_cat062`` writes, back as columns in SI units: ``time_s``, ``sac``,
    ``sic``, ``track_number``, ``x_m``, ``y_m``, ``vx_mps``, ``vy_mps``, ``alt_m``,
    ``vz_mps``, ``lat_deg``, ``lon_deg`` (NaN without I062/105), ``mon``, ``src``."""
    file = str(path)
    _, cat062, _ = _specs()
    out: dict[str, list[float]] = {k: [] for k in _CAT062_COLUMNS}
    for k, block in enumerate(_blocks(Path(path).read_bytes(), file)):
        if block.get_category() != 62:
            continue
        for rec in _records(cat062, block, file, k):
            i010, i105, i080 = rec.get_item("010"), rec.get_item("105"), rec.get_item("080")
            out["time_s"].append(_q(rec.get_item("070"), None, "s"))
            out["sac"].append(i010.variation.get_item("SAC").variation.content.as_uint())
            out["sic"].append(i010.variation.get_item("SIC").variation.content.as_uint())
            out["track_number"].append(rec.get_item("040").variation.content.as_uint())
            out["x_m"].append(_q(rec.get_item("100"), "X", "m"))
            out["y_m"].append(_q(rec.get_item("100"), "Y", "m"))
            out["vx_mps"].append(_q(rec.get_item("185"), "VX", "m/s"))
            out["vy_mps"].append(_q(rec.get_item("185"), "VY", "m/s"))
            out["alt_m"].append(_q(rec.get_item("130"), None, "ft") * FT_M)
            out["vz_mps"].append(_q(rec.get_item("220"), None, "ft/min") * FT_M / 60.0)
            out["lat_deg"].append(math.nan if i105 is None else _q(i105, "LAT", "°"))
            out["lon_deg"].append(math.nan if i105 is None else _q(i105, "LON", "°"))
            out["mon"].append(i080.variation.get_item("MON").variation.content.as_uint())
            out["src"].append(i080.variation.get_item("SRC").variation.content.as_uint())
    ints = {"sac", "sic", "track_number", "mon", "src"}
    return {k: np.array(v, dtype=np.int64 if k in ints else float) for k, v in out.items()}


_CAT062_COLUMNS = (
    "time_s",
    "sac",
    "sic",
    "track_number",
    "x_m",
    "y_m",
    "vx_mps",
    "vy_mps",
    "alt_m",
    "vz_mps",
    "lat_deg",
    "lon_deg",
    "mon",
    "src",
)


def check_out_path(path: Path, option: str) -> None:
    """InputError before any work if ``path`` cannot be an ASTERIX output file."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"directory {str(parent)!r} does not exist", file=str(path), field=option)
    if path.is_dir():
        raise InputError("is a directory, not a file", file=str(path), field=option)


__all__ = [
    "ASTERIX_SUFFIXES",
    "cat062_records",
    "check_out_path",
    "elevation_from_height",
    "is_asterix",
    "read_cat048_plots",
    "read_cat062",
    "write_cat048_plots",
    "write_cat062",
]
