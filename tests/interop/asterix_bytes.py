"""A second ASTERIX decoder/encoder for the tests, written from the EUROCONTROL specifications
(CAT062 part 9 edition 1.21, CAT048 part 4 edition 1.32) and sharing no code with
libasterix: data blocks ``CAT, LEN``; records of an FSPEC (FX in bit 1 of each octet) and the
items of the User Application Profile in FRN order. It knows only the items iads writes
(CAT062) or reads (CAT048) and refuses any other."""

from __future__ import annotations

import struct

FT_M = 0.3048
NM_M = 1852.0

CAT062_UAP = {1: "010", 3: "015", 4: "070", 5: "105", 6: "100", 7: "185", 12: "040", 13: "080",
              18: "130", 20: "220"}  # fmt: skip
"""FRN -> item of the CAT062 UAP, for the items iads writes."""


def _s24(b: bytes) -> int:
    v = int.from_bytes(b, "big")
    return v - (1 << 24) if v & 0x800000 else v


def _fspec(data: bytes, pos: int) -> tuple[list[int], int]:
    frns, k = [], 0
    while True:
        octet = data[pos]
        pos += 1
        for bit in range(7):
            if octet & (0x80 >> bit):
                frns.append(7 * k + bit + 1)
        k += 1
        if not octet & 1:
            return frns, pos


def decode_cat062(data: bytes) -> list[dict[str, float]]:
    """Every CAT062 record of ``data`` as SI values (the ``read_cat062`` names)."""
    out = []
    pos = 0
    while pos < len(data):
        cat, length = data[pos], struct.unpack_from(">H", data, pos + 1)[0]
        end = pos + length
        assert cat == 62 and length >= 3 and end <= len(data)
        p = pos + 3
        while p < end:
            frns, p = _fspec(data, p)
            rec: dict[str, float] = {}
            for frn in frns:
                item = CAT062_UAP[frn]  # KeyError: an item iads does not write
                if item == "010":
                    rec["sac"], rec["sic"] = data[p], data[p + 1]
                    p += 2
                elif item == "015":
                    rec["service"] = data[p]
                    p += 1
                elif item == "070":
                    rec["time_s"] = int.from_bytes(data[p : p + 3], "big") / 128.0
                    p += 3
                elif item == "105":
                    lat, lon = struct.unpack_from(">ii", data, p)
                    rec["lat_deg"], rec["lon_deg"] = lat * 180.0 / 2**25, lon * 180.0 / 2**25
                    p += 8
                elif item == "100":
                    rec["x_m"] = _s24(data[p : p + 3]) * 0.5
                    rec["y_m"] = _s24(data[p + 3 : p + 6]) * 0.5
                    p += 6
                elif item == "185":
                    vx, vy = struct.unpack_from(">hh", data, p)
                    rec["vx_mps"], rec["vy_mps"] = vx * 0.25, vy * 0.25
                    p += 4
                elif item == "040":
                    rec["track_number"] = struct.unpack_from(">H", data, p)[0]
                    p += 2
                elif item == "080":
                    octet = data[p]
                    rec["mon"], rec["src"] = octet >> 7, (octet >> 2) & 0b111
                    while data[p] & 1:
                        p += 1
                    p += 1
                elif item == "130":
                    rec["alt_m"] = struct.unpack_from(">h", data, p)[0] * 6.25 * FT_M
                    p += 2
                elif item == "220":
                    rec["vz_mps"] = struct.unpack_from(">h", data, p)[0] * 6.25 * FT_M / 60.0
                    p += 2
            out.append(rec)
        assert p == end
        pos = end
    return out


def encode_cat048_plot(
    sac: int, sic: int, time_s: float, range_m: float, azimuth_deg: float,
    height_m: float | None = None, flight_level: float | None = None,
) -> bytes:  # fmt: skip
    """One CAT048 record: I048/010, 140, 020 (single PSR), 040 and I048/110 (3-D height) or
    I048/090 (flight level)."""
    body = bytes([sac, sic])
    body += int(round(time_s * 128)).to_bytes(3, "big")
    body += bytes([0b0010_0000])  # TYP 1: single PSR detection, no extension
    body += struct.pack(
        ">HH", int(round(range_m / NM_M * 256)), int(round(azimuth_deg / 360 * 65536)) % 65536
    )
    if height_m is not None:
        fspec = bytes([0xF1, 0x01, 0x08])  # FRN 1-4; FRN 19 (I048/110) in the third octet
        body += struct.pack(">h", int(round(height_m / FT_M / 25.0)) & 0x3FFF)
    elif flight_level is not None:
        fspec = bytes([0xF4])  # FRN 1-4 and FRN 6 (I048/090)
        body += struct.pack(">h", int(round(flight_level * 4)) & 0x3FFF)
    else:
        fspec = bytes([0xF0])
    return fspec + body


def datablock(cat: int, records: list[bytes]) -> bytes:
    """``CAT, LEN, records``."""
    payload = b"".join(records)
    return bytes([cat]) + struct.pack(">H", 3 + len(payload)) + payload
