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
    assert a["alt_m"][0] == pytest.approx(30000 * 0.3048)
    assert a["groundspeed_mps"][0] == pytest.approx(300 * 1852 / 3600)
    assert a["vertical_rate_mps"][0] == pytest.approx(1200 * 0.3048 / 60)
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
