"""Civil and friendly air traffic, and the air-traffic rules identification uses (scenario file).

``traffic[]``: aircraft that are not threats. They are real objects of the world (radars see
them, interceptors can hit them) but are never scored as threats or leakers. Each entry flies
its ``route`` from ``start_time_s``; ``count`` > 1 generates a stream of aircraft on the same
route, one every ``interval_s`` (scheduled traffic along an air route), named ``NAME-1``, ...
An entry with ``file`` instead of a route imports recorded trajectories (ADS-B, OpenSky / the
``traffic`` library): the loader (``iads.scenario.recorded``) replaces it by one routed entry
per continuous piece of each aircraft's flight, named ``NAME/ICAO24`` (``-k`` for the k-th
piece), so a loaded scenario holds the resampled routes themselves.

``corridors[]``: published air routes (centre line, width, altitude and speed band) that the
command posts' procedural identification rules compare tracks with (``iads.c2.identification``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

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
    file: str | None = Field(
        None,
        description="recorded trajectories instead of a route: ADS-B CSV, Parquet or JSON "
        "(icao24, callsign, timestamp, latitude, longitude, altitude, groundspeed, track; "
        "docs/trajectories.md), relative to this scenario's folder",
    )
    route: list[TrafficWaypoint] = Field(
        default_factory=list,
        validate_default=True,
        description="flown from the first point (at least 2; none with file)",
    )
    transponder: Transponder = Field(
        default_factory=Transponder, description="what the aircraft answers and broadcasts"
    )
    count: int = Field(1, ge=1, le=10_000, description="aircraft flying this route")
    interval_s: PositiveFloat = Field(600.0, description="s between successive aircraft")
    units: Literal["published", "si"] = Field(
        "published",
        description="file: published (altitude ft, ground speed kt, as OpenSky and traffic "
        "publish them) or si (m, m/s)",
    )
    time_offset_s: float = Field(
        0.0,
        description="file: scenario time of the file's first report (s); negative skips the "
        "start of the recording",
    )
    aircraft: list[str] = Field(
        default_factory=list, description="file: icao24 addresses to import (empty: all)"
    )
    resample_s: PositiveFloat = Field(
        10.0, le=600.0, description="file: s between route points resampled from the reports"
    )
    max_gap_s: PositiveFloat = Field(
        60.0,
        description="file: longest gap between reports flown through (s); a longer one "
        "ends the piece of flight (no interpolation across it)",
    )
    min_alt_m: FlightAltitude = Field(
        300.0, description="file: reports below this altitude (m) are on the ground: left out"
    )

    @field_validator("route")
    @classmethod
    def _route_or_file(cls, route: list[TrafficWaypoint], info: ValidationInfo) -> list:
        has_file = info.data.get("file") is not None
        if has_file and route:
            raise ValueError("give a route or a file, not both")
        if not has_file and len(route) < 2:
            raise ValueError("a route needs at least 2 points (or give file)")
        return route

    @model_validator(mode="after")
    def _file_options(self) -> Traffic:
        if self.file is not None:
            if self.count != 1:
                raise ValueError("count applies to a route, not to a file")
            if not self.file.strip() or "\0" in self.file:
                raise ValueError("file must be a file name")
        return self


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
