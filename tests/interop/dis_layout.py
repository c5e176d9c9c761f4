"""An independent, table-driven DIS v7 decoder for the tests: each field's byte offset and
type written down by hand from IEEE 1278.1-2012 (header 5.3.3.1 / 6.2.66, Entity State
7.2.2, Fire 7.3.2, Detonation 7.3.3, records 6.2.28 entity identifier, 6.2.30 entity type,
6.2.32 event identifier, 6.2.19 munition descriptor, 6.2.98 world coordinates, 6.2.95 vector,
6.2.33 Euler angles, 6.2.29 dead reckoning parameters, 6.2.53 entity marking). It shares no
code with ``iads.interop.dis``: the encoder packs one format string per PDU, this reads one
field at a time at its stated offset."""

from __future__ import annotations

import struct

HEADER = [
    (0, "protocol_version", "B"),
    (1, "exercise_id", "B"),
    (2, "pdu_type", "B"),
    (3, "protocol_family", "B"),
    (4, "timestamp", "I"),
    (8, "length", "H"),
    (10, "pdu_status", "B"),
    (11, "padding", "B"),
]


def _id(offset: int, name: str) -> list[tuple[int, str, str]]:
    return [
        (offset, f"{name}.site", "H"),
        (offset + 2, f"{name}.app", "H"),
        (offset + 4, f"{name}.number", "H"),
    ]


def _etype(offset: int, name: str) -> list[tuple[int, str, str]]:
    return [
        (offset, f"{name}.kind", "B"),
        (offset + 1, f"{name}.domain", "B"),
        (offset + 2, f"{name}.country", "H"),
        (offset + 4, f"{name}.category", "B"),
        (offset + 5, f"{name}.subcategory", "B"),
        (offset + 6, f"{name}.specific", "B"),
        (offset + 7, f"{name}.extra", "B"),
    ]


def _vec(offset: int, name: str, code: str) -> list[tuple[int, str, str]]:
    size = struct.calcsize(">" + code)
    return [(offset + k * size, f"{name}.{a}", code) for k, a in enumerate("xyz")]


ENTITY_STATE = [
    *HEADER,
    *_id(12, "entity"),
    (18, "force_id", "B"),
    (19, "n_variable_parameters", "B"),
    *_etype(20, "type"),
    *_etype(28, "alt_type"),
    *_vec(36, "velocity", "f"),
    *_vec(48, "location", "d"),
    (72, "psi", "f"),
    (76, "theta", "f"),
    (80, "phi", "f"),
    (84, "appearance", "I"),
    (88, "dr.algorithm", "B"),
    (89, "dr.other", "15s"),
    *_vec(104, "dr.acceleration", "f"),
    *_vec(116, "dr.angular_velocity", "f"),
    (128, "marking.charset", "B"),
    (129, "marking.text", "11s"),
    (140, "capabilities", "I"),
]
ENTITY_STATE_LENGTH = 144

FIRE = [
    *HEADER,
    *_id(12, "firing"),
    *_id(18, "target"),
    *_id(24, "munition"),
    *_id(30, "event"),
    (36, "fire_mission_index", "I"),
    *_vec(40, "location", "d"),
    *_etype(64, "munition_type"),
    (72, "warhead", "H"),
    (74, "fuse", "H"),
    (76, "quantity", "H"),
    (78, "rate", "H"),
    *_vec(80, "velocity", "f"),
    (92, "range", "f"),
]
FIRE_LENGTH = 96

DETONATION = [
    *HEADER,
    *_id(12, "firing"),
    *_id(18, "target"),
    *_id(24, "munition"),
    *_id(30, "event"),
    *_vec(36, "velocity", "f"),
    *_vec(48, "location", "d"),
    *_etype(72, "munition_type"),
    (80, "warhead", "H"),
    (82, "fuse", "H"),
    (84, "quantity", "H"),
    (86, "rate", "H"),
    *_vec(88, "entity_location", "f"),
    (100, "result", "B"),
    (101, "n_variable_parameters", "B"),
    (102, "padding2", "H"),
]
DETONATION_LENGTH = 104

LAYOUTS = {
    1: (ENTITY_STATE, ENTITY_STATE_LENGTH),
    2: (FIRE, FIRE_LENGTH),
    3: (DETONATION, DETONATION_LENGTH),
}


def covered_bytes(layout: list[tuple[int, str, str]]) -> list[int]:
    """How many fields cover each byte (each must be exactly 1: no gap, no overlap)."""
    n = max(off + struct.calcsize(">" + code) for off, _, code in layout)
    cover = [0] * n
    for off, _, code in layout:
        for b in range(off, off + struct.calcsize(">" + code)):
            cover[b] += 1
    return cover


def decode(pdu: bytes) -> dict[str, object]:
    """Fields of one PDU by its type's table; ValueError on a wrong length."""
    layout, length = LAYOUTS[pdu[2]]
    if len(pdu) != length:
        raise ValueError(f"PDU type {pdu[2]}: {len(pdu)} bytes, expected {length}")
    return {name: struct.unpack_from(">" + code, pdu, off)[0] for off, name, code in layout}
