"""Shared building blocks of scenario and catalog models.

Every model is frozen and forbids unknown fields, so a typo in a scenario file is an error
rather than a silently ignored setting. NaN and infinity are refused everywhere. Types are
strict: a number field takes a YAML number only (``true``, ``"1e3"`` and ``"5"`` are errors,
not 1.0, 1000 and 5), an integer field an integer only, a text field text only.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict

MAX_ALTITUDE_M = 100_000.0
"""Upper limit of any altitude in a scenario (the edge of space, Karman line)."""


class Frozen(BaseModel):
    """Base of all scenario models: immutable, strict about unknown keys, no NaN or inf."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=True)


PositiveFloat = Annotated[float, Field(gt=0)]
NonNegativeFloat = Annotated[float, Field(ge=0)]
StrictNonNegativeFloat = Annotated[float, Field(ge=0), Strict()]
"""A number >= 0 that stays strict inside a field relaxed with ``strict=False`` (a YAML list
read as a tuple needs that; its items must still be numbers)."""
Probability = Annotated[float, Field(ge=0, le=1)]
Latitude = Annotated[float, Field(ge=-90, le=90, description="degrees, WGS-84")]
Longitude = Annotated[float, Field(ge=-180, le=180, description="degrees, WGS-84")]
SiteAltitude = Annotated[
    float, Field(ge=-500, le=9_000, description="metres above the WGS-84 ellipsoid")
]
FlightAltitude = Annotated[
    float,
    Field(ge=0, le=MAX_ALTITUDE_M, description="metres above the ground (flat earth at 0 m)"),
]


class GeoPoint(Frozen):
    """A site on or near the ground: geodetic latitude/longitude (degrees), altitude (m)."""

    lat_deg: Latitude
    lon_deg: Longitude
    alt_m: SiteAltitude = 0.0


class LatLon(Frozen):
    """A horizontal position: geodetic latitude and longitude in degrees."""

    lat_deg: Latitude
    lon_deg: Longitude
