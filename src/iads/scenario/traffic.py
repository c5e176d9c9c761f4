"""Civil and friendly air traffic, and the air-traffic rules identification uses (scenario file).

``traffic[]``: aircraft that are not threats. They are real objects of the world (radars see
them, interceptors can hit them) but are never scored as threats or leakers. Each entry flies
its ``route`` from ``start_time_s``; ``count`` > 1 generates a stream of aircraft on the same
route, one every ``interval_s`` (scheduled traffic along an air route), named ``NAME-1``, ...

``corridors[]``: published air routes (centre line, width, altitude and speed band) that the
command posts' procedural identification rules compare tracks with (``iads.c2.identification``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from iads.scenario.common import (
    FlightAltitude,
    Frozen,
    LatLon,
    NonNegativeFloat,
    PositiveFloat,
    Probability,
)

IffMode = Literal["1", "2", "3", "C", "4", "5"]
"""IFF / SSR modes: 1, 2 (military), 3/A and C (civil identity and altitude), 4 and 5
(cryptographically secured military)."""


class TrafficWaypoint(Frozen):
    """A route point of an aircraft: ``alt_m`` above the ground, ``speed_mps`` the ground speed
    on the leg ending here (the first point's speed is ignored)."""

    lat_deg: float = Field(ge=-90, le=90, description="latitude, degrees (WGS-84)")
    lon_deg: float = Field(ge=-180, le=180, description="longitude, degrees (WGS-84)")
    alt_m: FlightAltitude
    speed_mps: PositiveFloat = Field(description="ground speed on the leg ending here, m/s")


class Transponder(Frozen):
    """What the aircraft's transponder answers and broadcasts."""

    iff_modes: list[IffMode] = Field(
        default_factory=lambda: ["3", "C"], description="modes it replies to (empty: IFF off)"
    )
    adsb: bool = Field(True, description="broadcasts ADS-B position reports")
    reliability: Probability = Field(
        0.98, description="probability that one interrogation or broadcast is received"
    )


class Traffic(Frozen):
    """A neutral (civil) or friendly aircraft, or a stream of them on one route."""

    name: str = Field(min_length=1, description="unique aircraft name (a stream adds #k)")
    type: str = Field("airliner-narrowbody", description="catalog threat-section type (RCS)")
    allegiance: Literal["neutral", "friendly"] = Field(
        description="neutral (civil) or friendly; truth, never read by a decision"
    )
    start_time_s: NonNegativeFloat = Field(0.0, description="s; when the first aircraft starts")
    route: list[TrafficWaypoint] = Field(min_length=2, description="flown from the first point")
    transponder: Transponder = Field(
        default_factory=Transponder, description="what the aircraft answers and broadcasts"
    )
    count: int = Field(1, ge=1, le=10_000, description="aircraft flying this route")
    interval_s: PositiveFloat = Field(600.0, description="s between successive aircraft")


class Corridor(Frozen):
    """A published air route: centre line through ``points``, ``width_m`` wide, flown between
    ``min_alt_m`` and ``max_alt_m`` at ground speeds in [``min_speed_mps``,
    ``max_speed_mps``], in either direction unless ``one_way``."""

    name: str = Field(min_length=1, description="corridor (airway) name")
    points: list[LatLon] = Field(min_length=2, description="centre line, in order")
    width_m: PositiveFloat = Field(20_000.0, description="m; full width about the centre line")
    min_alt_m: FlightAltitude = Field(3_000.0, description="m; lowest flight altitude")
    max_alt_m: FlightAltitude = Field(13_000.0, description="m; highest flight altitude")
    min_speed_mps: PositiveFloat = Field(120.0, description="m/s; lowest ground speed")
    max_speed_mps: PositiveFloat = Field(300.0, description="m/s; highest ground speed")
    one_way: bool = Field(False, description="flown only from the first point to the last")

    @model_validator(mode="after")
    def _bands(self) -> Corridor:
        if self.max_alt_m < self.min_alt_m:
            raise ValueError("max_alt_m must be >= min_alt_m")
        if self.max_speed_mps < self.min_speed_mps:
            raise ValueError("max_speed_mps must be >= min_speed_mps")
        return self


__all__ = ["Corridor", "IffMode", "Traffic", "TrafficWaypoint", "Transponder"]
