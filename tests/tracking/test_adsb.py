"""ADS-B trajectories as truth: units (ft, kt, ft/min), interpolation to scan times, ENU frame
(against pymap3d's geodetic2enu), gaps and aircraft on the ground, one-line errors."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pymap3d
import pytest

from iads.errors import InputError
from iads.geo import Origin
from iads.tracking.adsb import adsb_truth, read_adsb

T0_MS = 1_533_101_250_000  # 2018-08-01 05:27:30 UTC, as in traffic's samples


def _records(path: Path) -> None:
    """Two aircraft in traffic's JSON layout: 'a' flies east at 300 kt, FL300, climbing
    1200 ft/min, one report every 10 s (a 60 s gap after 40 s); 'b' taxis at 20 ft."""
    rows = []
    for k, dt_s in enumerate([0, 10, 20, 30, 40, 100]):
        rows.append(
            {
                "timestamp": T0_MS + 1000 * dt_s,
                "icao24": "4b1814",
                "latitude": 47.0,
                "longitude": 8.0 + 0.02 * k,
                "altitude": 30000.0 + 200.0 * k,
                "groundspeed": 300.0,
                "track": 90.0,
                "vertical_rate": 1200.0,
                "callsign": "SWR1",
            }
        )
    for dt_s in (0, 10, 20):
        rows.append(
            {
                "timestamp": T0_MS + 1000 * dt_s,
                "icao24": "4b0000",
                "latitude": 47.45,
                "longitude": 8.55,
                "altitude": 20.0,
                "groundspeed": 10.0,
                "track": 0.0,
                "vertical_rate": None,
                "callsign": "TAXI",
            }
        )
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump(rows, fh)


def test_units_and_enu_truth(tmp_path: Path) -> None:
    f = tmp_path / "flights.json.gz"
    _records(f)
    a = read_adsb(f)
    first = int(np.flatnonzero(a["icao24"] == "4b1814")[0])  # rows sorted by aircraft
    assert a["alt_m"][first] == pytest.approx(30000 * 0.3048)
    assert a["groundspeed_mps"][first] == pytest.approx(300 * 1852 / 3600)
    assert a["vertical_rate_mps"][first] == pytest.approx(1200 * 0.3048 / 60)
    origin = Origin(47.0, 8.0, 0.0)
    times = T0_MS / 1e3 + np.array([5.0, 25.0, 45.0, 70.0])
    truth = adsb_truth(a, origin, times)
    # only 'a', only at 5 s and 25 s: 45 s and 70 s fall in the 60 s gap, 'b' is on the ground
    assert truth["icao24"].tolist() == ["4b1814", "4b1814"]
    assert truth["time_s"].tolist() == [0.0, 20.0]
    for k, t in enumerate((5.0, 25.0)):
        lon = 8.0 + 0.02 * t / 10.0
        alt = (30000.0 + 20.0 * t) * 0.3048
        e, n, u = pymap3d.geodetic2enu(47.0, lon, alt, 47.0, 8.0, 0.0)
        assert truth["x_m"][k] == pytest.approx(e, abs=1e-6)
        assert truth["y_m"][k] == pytest.approx(n, abs=1e-6)
        assert truth["z_m"][k] == pytest.approx(u, abs=1e-6)
    assert truth["vx_mps"] == pytest.approx(np.full(2, 300 * 1852 / 3600))
    assert truth["vy_mps"] == pytest.approx(np.zeros(2), abs=1e-9)
    assert truth["vz_mps"] == pytest.approx(np.full(2, 6.096))


def test_track_interpolated_as_a_vector(tmp_path: Path) -> None:
    """Across north (350 deg -> 10 deg) the velocity points north, not south."""
    f = tmp_path / "f.csv"
    f.write_text(
        "time_s,icao24,latitude,longitude,altitude,groundspeed,track\n"
        "0,abc,47,8,10000,200,350\n10,abc,47.01,8,10000,200,10\n"
    )
    truth = adsb_truth(read_adsb(f), Origin(47.0, 8.0), np.array([5.0]))
    assert truth["vx_mps"][0] == pytest.approx(0.0, abs=1e-9)
    assert truth["vy_mps"][0] == pytest.approx(200 * 1852 / 3600 * np.cos(np.deg2rad(10)))


def test_iso_timestamps(tmp_path: Path) -> None:
    f = tmp_path / "f.csv"
    f.write_text(
        "timestamp,icao24,latitude,longitude,altitude,groundspeed,track\n"
        "2018-08-01T05:27:30Z,abc,47,8,10000,200,90\n2018-08-01T05:27:40Z,abc,47,8.01,10000,200,90\n"
    )
    a = read_adsb(f)
    assert a["time_s"].tolist() == [T0_MS / 1e3, T0_MS / 1e3 + 10.0]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("time_s,icao24,latitude,longitude,altitude,groundspeed\n0,a,47,8,1,1\n", "track"),
        ("icao24,latitude,longitude,altitude,groundspeed,track\na,47,8,1,1,1\n", "timestamp"),
        (
            "time_s,icao24,latitude,longitude,altitude,groundspeed,track\n0,a,97,8,1,1,1\n",
            "latitude",
        ),
    ],
)
def test_bad_file_names_the_column(tmp_path: Path, text: str, field: str) -> None:
    f = tmp_path / "f.csv"
    f.write_text(text)
    with pytest.raises(InputError) as info:
        read_adsb(f)
    assert field in str(info.value) and str(f) in str(info.value)


@pytest.mark.parametrize(
    ("column", "value", "shown"),
    [
        ("timestamp", "1e300", "1e+297 s"),
        ("time_s", "-2e10", "-2e+10 s"),
        ("time", "9.3e15", "9.3e+12 s"),
    ],
)
def test_time_beyond_the_limit_names_column_and_row(tmp_path: Path, column, value, shown) -> None:
    """A stray huge time was read, then made a 300-digit scan count in ``iads observe``."""
    f = tmp_path / "f.csv"
    f.write_text(
        f"{column},icao24,latitude,longitude,altitude,groundspeed,track\n"
        f"1533101250,abc,47,8,10000,200,90\n{value},abc,47,8.01,10000,200,90\n"
    )
    with pytest.raises(InputError) as info:
        read_adsb(f)
    text = str(info.value)
    assert f"{column}: value at data row 2 is {shown}" in text and "limit of 1e+10 s" in text
    assert str(f) in text and "\n" not in text


# ---------------------------------------------------------------- cleaning and bad data

HEADER = "icao24,callsign,timestamp,latitude,longitude,altitude,groundspeed,track\n"
T0_S = 1_780_000_000  # epoch seconds (2026-05-28)


def _east(n: int = 20, dt_s: float = 5.0, kt: float = 450.0, icao: str = "abc") -> list[str]:
    """Reports of one aircraft flying east along 47 N at ``kt`` knots (positions agree with
    the ground speed), FL300, one every ``dt_s``; the longitude step is v dt / (R cos lat)."""
    v = kt * 1852 / 3600
    dlon = np.degrees(v * dt_s / (6_371_008.8 * np.cos(np.radians(47.0))))
    return [
        f"{icao},SWR1,{T0_S + dt_s * k:.0f},47.0,{8.0 + dlon * k:.7f},30000,{kt:g},90"
        for k in range(n)
    ]


def _write(tmp_path: Path, rows: list[str], name: str = "f.csv") -> Path:
    f = tmp_path / name
    f.write_text(HEADER + "\n".join(rows) + "\n")
    return f


def _error(f: Path, **kw: object) -> str:
    with pytest.raises(InputError) as info:
        read_adsb(f, **kw)
    text = str(info.value)
    assert "\n" not in text and str(f) in text
    return text


def test_epoch_seconds_and_milliseconds_and_zone_offsets(tmp_path: Path) -> None:
    rows = _east(3)
    ms = [r.replace(f",{T0_S + 5 * k}.", ",X.") for k, r in enumerate(rows)]
    del ms
    f = _write(tmp_path, rows)
    assert read_adsb(f)["time_s"].tolist() == [T0_S, T0_S + 5.0, T0_S + 10.0]
    g = _write(tmp_path, [r.replace(str(T0_S + 5 * k), str((T0_S + 5 * k) * 1000))
                          for k, r in enumerate(rows)], "g.csv")  # fmt: skip
    assert read_adsb(g)["time_s"].tolist() == [T0_S, T0_S + 5.0, T0_S + 10.0]
    iso = tmp_path / "iso.csv"
    iso.write_text(
        "time,icao24,latitude,longitude,altitude,groundspeed,track\n"
        "2026-05-28T22:26:40+02:00,a,47,8,30000,450,90\n2026-05-28T20:26:50,a,47,8.001,30000,450,90\n"
    )
    # 22:26:40 at UTC+2 is 20:26:40 UTC; a time without a zone is UTC
    assert np.diff(read_adsb(iso)["time_s"]).tolist() == [10.0]


def test_unsorted_duplicates_and_missing_values_are_cleaned(tmp_path: Path) -> None:
    rows = _east(10)
    shuffled = [rows[k] for k in (3, 0, 1, 2, 5, 4, 6, 7, 8, 9)]
    shuffled.insert(4, rows[2].replace("30000", "31000"))  # same time again: first kept
    shuffled.append(rows[9].replace(",30000,", ",,"))  # no altitude: dropped
    notes: list[str] = []
    a = read_adsb(_write(tmp_path, shuffled), notes=notes)
    assert np.all(np.diff(a["time_s"]) == 5.0) and a["time_s"].size == 10
    assert np.all(a["alt_m"] == pytest.approx(30000 * 0.3048))
    assert a["row"][:4].tolist() == [2, 3, 4, 1]  # data rows of the file, for messages
    joined = " | ".join(notes)
    assert "1 rows with no altitude dropped" in joined
    assert "1 repeated (icao24, time) reports dropped" in joined
    assert "sorted" in joined


@pytest.mark.parametrize(
    ("edit", "field", "row"),
    [
        (lambda r: r.replace(",30000,", ",FL300,"), "altitude", "'FL300' at data row 4"),
        (lambda r: r.replace(",47.0,", ",47.0.1,"), "latitude", "'47.0.1' at data row 4"),
        (lambda r: r.replace(f",{T0_S + 15}", ",yesterday"), "timestamp", "data row 4"),
        (lambda r: r.replace(",30000,", ",900000,"), "altitude", "data row 4"),
        (lambda r: r.replace(",450,", ",-3,"), "groundspeed", "data row 4"),
        (lambda r: r.replace(",47.0,", ",91.0,"), "latitude", "data row 4"),
        (lambda r: r.replace(",30000,", ",inf,"), "altitude", "data row 4"),
    ],
)
def test_corrupt_row_names_column_and_row(tmp_path: Path, edit, field: str, row: str) -> None:
    rows = _east(6)
    rows[3] = edit(rows[3])
    text = _error(_write(tmp_path, rows))
    assert f": {field}: " in text and row in text


def test_lone_position_jump_dropped_and_persistent_jump_refused(tmp_path: Path) -> None:
    rows = _east(10)
    rows[5] = rows[5].replace(",47.0,", ",48.0,")  # 111 km off for one report
    notes: list[str] = []
    a = read_adsb(_write(tmp_path, rows), notes=notes)
    assert a["time_s"].size == 9 and np.all(a["lat_deg"] == 47.0)
    assert any("lone position jumps" in n for n in notes)
    rows = _east(10)
    rows[5:] = [r.replace(",47.0,", ",48.0,") for r in rows[5:]]  # the track moves 111 km
    text = _error(_write(tmp_path, rows, "g.csv"))
    assert "data rows 5 and 6" in text and ": latitude: " in text


def test_wrong_units_detected_from_the_positions(tmp_path: Path) -> None:
    # m/s in the file read as knots: 231 m/s recorded as "231"; positions move at 231 m/s
    rows = [r.replace(",450,", ",231.5,") for r in _east(20)]
    text = _error(_write(tmp_path, rows))
    assert ": groundspeed: " in text and "use units si" in text
    assert read_adsb(_write(tmp_path, rows, "ok.csv"), units="si")["time_s"].size == 20
    # knots read as m/s
    text = _error(_write(tmp_path, _east(20), "kt.csv"), units="si")
    assert "use units published" in text
    a = read_adsb(_write(tmp_path, _east(20), "kt2.csv"))
    assert a["groundspeed_mps"][0] == pytest.approx(450 * 1852 / 3600)


def test_si_units_read_as_given(tmp_path: Path) -> None:
    rows = [r.replace(",30000,", ",9144,").replace(",450,", ",231.5,") for r in _east(20)]
    a = read_adsb(_write(tmp_path, rows), units="si")
    assert a["alt_m"][0] == 9144.0 and a["groundspeed_mps"][0] == 231.5


def test_non_utf8_file_is_one_line_error(tmp_path: Path) -> None:
    f = tmp_path / "latin.csv"
    rows = _east(4)
    rows[2] = rows[2].replace("SWR1", "Z\xfcrich")
    f.write_bytes((HEADER + "\n".join(rows) + "\n").encode("latin-1"))
    text = _error(f)
    assert ": callsign: value at data row 3 is not UTF-8 text" in text
    j = tmp_path / "latin.json"
    j.write_bytes(b'[{"icao24": "\xfc"}]')
    assert "cannot read JSON records" in _error(j)


def test_segments_split_at_gaps_and_never_interpolate_across(tmp_path: Path) -> None:
    from iads.tracking.adsb import flight_segments

    rows = _east(30)
    del rows[10:16]  # a 35 s gap between 45 s and 80 s
    a = read_adsb(_write(tmp_path, rows))
    one = flight_segments(a, step_s=10.0, max_gap_s=60.0)
    two = flight_segments(a, step_s=10.0, max_gap_s=30.0)
    assert len(one) == 1 and len(two) == 2
    assert (two[0].time_s - T0_S).tolist() == [0, 10, 20, 30, 40, 45]
    assert two[1].time_s[0] - T0_S == 80.0
    # interpolation is linear between reports
    lon = a["lon_deg"]
    assert two[0].lon_deg[1] == pytest.approx(lon[2])
    assert one[0].lon_deg[5] == pytest.approx(lon[9] + (lon[10] - lon[9]) * 5 / 35)
    low = flight_segments(a, step_s=10.0, max_gap_s=60.0, min_alt_m=20_000.0)
    assert low == []
