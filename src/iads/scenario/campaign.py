"""A campaign: the scenario's raid flown again and again over days, with stocks carried over.

Each wave is one run of the scenario (its raids, threats, traffic and events) with its own
seed; between waves the batteries' interceptor stocks (tubes and depot together) carry over,
less what they fired, plus what is resupplied; a battery lost before a wave stays out until its
repair time has passed, and its stock is lost with it. Readiness (each unit's
``availability``) is drawn afresh for every wave: waves are assumed further apart than the
units' repair times. Cross-references are checked by ``check_campaign``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from pydantic import Field

from iads.scenario.common import Frozen, PositiveFloat

PathKey = tuple[str | int, ...]
Report = Callable[[str, PathKey], None]

MAX_WAVES = 365
"""Most waves a campaign may have (a year of daily raids)."""
MAX_RESUPPLY_PER_DAY = 100_000
"""Largest resupply of one interceptor type to one battery (rounds a day)."""


Rounds = Annotated[int, Field(ge=0, le=MAX_RESUPPLY_PER_DAY)]


class BatteryLoss(Frozen):
    """A battery lost before a wave (struck between raids) and its repair."""

    battery: str = Field(min_length=1, description="battery name")
    wave: int = Field(ge=1, description="the first wave the battery misses (1: the first raid)")
    repair_h: PositiveFloat | None = Field(
        None,
        description="h from the start of the wave it is lost to its return, with an empty "
        "stock that resupply refills (none: never repaired)",
    )


class Campaign(Frozen):
    """Several raids over days: the scenario's raid flown ``waves`` times, ``interval_h``
    apart, with interceptor stocks carried over and resupplied."""

    waves: int = Field(ge=1, le=MAX_WAVES, description="raids flown, one run each")
    interval_h: PositiveFloat = Field(
        24.0,
        description="h between the starts of two waves; tubes are reloaded from the stock "
        "before each wave (the interval is assumed longer than any reload)",
    )
    resupply_per_day: dict[str, dict[str, Rounds]] = Field(
        default_factory=dict,
        description="battery name -> interceptor type -> rounds delivered a day (fractions of "
        "a day's delivery carry over to the next interval)",
    )
    losses: list[BatteryLoss] = Field(
        default_factory=list, description="batteries lost before a wave, and their repair"
    )


def check_campaign(sc: object, err: Report) -> None:
    """Campaign and stock cross-references: known batteries and interceptor types the
    battery's launchers load, resupply counts in bounds, losses within the waves."""
    batteries = {b.name: b for b in getattr(sc, "batteries", [])}
    for b, bat in enumerate(getattr(sc, "batteries", [])):
        if bat.stock is None:
            continue
        loaded = {n for site in bat.launchers for n in site.loadout}
        for name in bat.stock:
            if name not in loaded:
                err(
                    f"stock of {name!r}, which no launcher of battery {bat.name!r} loads "
                    f"(loaded: {', '.join(sorted(loaded)) or 'none'})",
                    ("batteries", b, "stock", name),
                )
    camp = getattr(sc, "campaign", None)
    if camp is None:
        return
    for name, per_type in camp.resupply_per_day.items():
        loc: PathKey = ("campaign", "resupply_per_day", name)
        bat = batteries.get(name)
        if bat is None:
            err(f"unknown battery {name!r} (known: {', '.join(sorted(batteries))})", loc)
            continue
        loaded = {n for site in bat.launchers for n in site.loadout}
        for itype in per_type:
            if itype not in loaded:
                err(f"battery {name!r} loads no {itype!r}", (*loc, itype))
    for i, loss in enumerate(camp.losses):
        loc = ("campaign", "losses", i)
        if loss.battery not in batteries:
            err(
                f"unknown battery {loss.battery!r} (known: {', '.join(sorted(batteries))})",
                (*loc, "battery"),
            )
        if loss.wave > camp.waves:
            err(f"wave {loss.wave} is after the last wave ({camp.waves})", (*loc, "wave"))


__all__ = ["MAX_RESUPPLY_PER_DAY", "MAX_WAVES", "BatteryLoss", "Campaign", "check_campaign"]
