"""The scenario file's schema (pydantic v2): what a user writes in YAML.

Units are in the field names; angles in degrees, bearings clockwise from true north.
Equipment is referred to by catalog type name; ``overrides`` change any field of that type for
one instance. Cross-references (types, target assets) are checked by ``iads.scenario.load``.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from iads.config import RunConfig
from iads.scenario.campaign import Campaign
from iads.scenario.common import (
    FlightAltitude,
    Frozen,
    GeoPoint,
    LatLon,
    NonNegativeFloat,
    PositiveFloat,
    Probability,
    StrictNonNegativeFloat,
)
from iads.scenario.equipment import Catalog
from iads.scenario.traffic import Corridor, Traffic

MAX_TICKS = 2_000_000
"""Most simulation ticks a scenario may ask for (duration_s / tick_s): a week at 0.5 s, or
55 hours at 0.1 s; beyond that a run would not finish in any useful time."""
MAX_SEED = 2**63 - 1
"""Largest seed: the store keeps seeds as 64-bit signed integers."""
MAX_ASSET_VALUE = 1e9
"""Largest relative asset value: the weapon-target assignment multiplies values by
probabilities and sums them; 1e9 keeps every sum far from overflow."""
MAX_COST_USD = 1e15
"""Largest cost of an asset (USD)."""


class Asset(Frozen):
    """A defended asset: a city, an airbase, a port."""

    name: str = Field(min_length=1, description="unique asset name; raids and threats target it")
    position: GeoPoint = Field(description="centre of the asset")
    value: PositiveFloat = Field(
        1.0, le=MAX_ASSET_VALUE, description="relative value used by threat evaluation"
    )
    cost_usd: NonNegativeFloat = Field(
        0.0, le=MAX_COST_USD, description="replacement cost, US dollars (display)"
    )
    radius_m: PositiveFloat = Field(500.0, description="a threat within this reaches the asset")


class RadarSite(Frozen):
    """One radar of a battery, placed at a site."""

    name: str = Field(min_length=1, description="unique radar name")
    type: str = Field(description="catalog radar type (`iads catalog` lists them)")
    position: GeoPoint = Field(description="radar site (antenna at antenna_height_m above it)")
    boresight_deg: float = Field(
        0.0, ge=0, lt=360, description="degrees; sector centre, clockwise from north"
    )
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="radar type fields changed for this radar"
    )
    availability: Probability = Field(
        1.0,
        description="probability that the radar works in a replication, sampled once per "
        "replication (steady-state availability A = MTBF / (MTBF + MTTR))",
    )


class LauncherSite(Frozen):
    """``count`` launchers of one type at one site, each loaded with ``loadout``."""

    name: str = Field(min_length=1, description="unique launcher site name")
    type: str = Field(description="catalog launcher type")
    position: GeoPoint = Field(description="launcher site")
    count: int = Field(1, ge=1, description="launchers of this type at the site")
    loadout: dict[str, int] = Field(description="interceptor type -> rounds per launcher")
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="launcher type fields changed for these launchers"
    )
    availability: Probability = Field(
        1.0,
        description="probability that each launcher of the site works in a replication, sampled once per "
        "replication (steady-state availability A = MTBF / (MTBF + MTTR))",
    )

    @model_validator(mode="after")
    def _loadout(self) -> LauncherSite:
        if not self.loadout:
            raise ValueError("loadout needs at least one interceptor type")
        if any(n < 0 for n in self.loadout.values()):
            raise ValueError("loadout counts must be zero or more")
        return self


class CommandPost(Frozen):
    """A battery's fire direction: doctrine and timing."""

    position: GeoPoint | None = Field(
        None, description="command post site (none: at the battery's first radar)"
    )
    doctrine: Literal["shoot_look_shoot", "salvo"] = Field(
        "shoot_look_shoot",
        description="shoot_look_shoot: one round, assess, fire again; salvo: salvo_size rounds "
        "at once",
    )
    salvo_size: int = Field(2, ge=1, le=8, description="rounds per target under salvo doctrine")
    reaction_time_s: NonNegativeFloat = Field(
        10.0, description="s; a track must be held this long before it may be engaged"
    )
    decision_period_s: PositiveFloat = Field(
        1.0, description="s; the command post assigns weapons this often"
    )
    wta: Literal["auto", "exact", "heuristic"] = Field(
        "auto",
        description="weapon-target assignment solver: exact MILP, greedy heuristic, or auto "
        "(exact when small, heuristic when large)",
    )
    min_kill_probability: float = Field(
        0.3, ge=0, le=1, description="planned Pk below which a round is not fired, [0, 1]"
    )
    magazine_reserve: int = Field(
        0, ge=0, le=10_000, description="rounds held back: the post never fires the last ones"
    )
    weapon_choice: Literal["pk", "cost"] = Field(
        "pk",
        description="pk: the assignment alone chooses; cost: a dearer interceptor is not used "
        "where a cheaper one's Pk is within cost_pk_tolerance of it",
    )
    cost_pk_tolerance: float = Field(0.1, ge=0, le=1, description="Pk margin for weapon_choice")
    engage_hostile_aircraft: bool = Field(
        True, description="engage aircraft whether or not they head for a defended asset"
    )
    availability: Probability = Field(
        1.0,
        description="probability that it works in a replication, sampled once per replication "
        "(steady-state availability A = MTBF / (MTBF + MTTR))",
    )


class Battery(Frozen):
    """Radars, launchers and a command post that fight together."""

    name: str = Field(min_length=1, description="unique battery name")
    command_post: CommandPost = Field(
        default_factory=CommandPost, description="fire direction: doctrine and timing"
    )
    radars: list[RadarSite] = Field(min_length=1, description="the battery's radars, one or more")
    launchers: list[LauncherSite] = Field(
        default_factory=list, description="launcher sites (none: a sensor-only battery)"
    )
    stock: dict[str, Annotated[int, Field(ge=0, le=1_000_000)]] | None = Field(
        None,
        description="interceptor type -> rounds on hand at the start, tubes and depot together: "
        "launchers are loaded from it in order, the rest reloads them (none: full tubes and "
        "one reload per launcher)",
    )


class Waypoint(Frozen):
    """A route point; ``speed_mps`` is the speed flown on the leg that ends here."""

    lat_deg: float = Field(ge=-90, le=90, description="degrees, WGS-84")
    lon_deg: float = Field(ge=-180, le=180, description="degrees, WGS-84")
    alt_m: FlightAltitude
    speed_mps: PositiveFloat | None = Field(
        None, description="m/s; ground speed on the leg ending here (none: the type's speed)"
    )


class RouteThreat(Frozen):
    """One threat flying a given route of waypoints."""

    name: str = Field(min_length=1, description="unique threat name")
    type: str = Field(description="catalog threat type")
    launch_time_s: NonNegativeFloat = Field(0.0, description="s; when it leaves the first point")
    target: str | None = Field(None, description="asset name, if the route ends at one")
    waypoints: list[Waypoint] = Field(
        min_length=2, description="route points, first to last (two or more)"
    )


class CruiseProfile(Frozen):
    """Level flight at ``altitude_m`` above the ground all the way to the target."""

    kind: Literal["cruise"] = Field("cruise", description="profile name")
    altitude_m: FlightAltitude


class SeaSkimmingProfile(Frozen):
    """Sea-skimming: level flight a few metres above the sea."""

    kind: Literal["sea_skimming"] = Field(description="profile name")
    altitude_m: FlightAltitude = 10.0


class TerrainFollowingProfile(Frozen):
    """Terrain-hugging at ``clearance_m`` above the ground (flat terrain unless given)."""

    kind: Literal["terrain_following"] = Field(description="profile name")
    clearance_m: FlightAltitude = 50.0


class PopupProfile(Frozen):
    """Low cruise, then a climb to ``popup_altitude_m`` starting ``popup_range_m`` out."""

    kind: Literal["popup"] = Field(description="profile name")
    altitude_m: FlightAltitude = 30.0
    popup_altitude_m: FlightAltitude = 1_500.0
    popup_range_m: PositiveFloat = Field(
        15_000.0, description="m; ground range to the target where the climb starts"
    )


class DiveProfile(Frozen):
    """Cruise at ``altitude_m`` then a terminal dive from ``dive_range_m`` out."""

    kind: Literal["dive"] = Field(description="profile name")
    altitude_m: FlightAltitude = 3_000.0
    dive_range_m: PositiveFloat = Field(
        8_000.0, description="m; ground range to the target where the dive starts"
    )


Profile = Annotated[
    CruiseProfile | SeaSkimmingProfile | TerrainFollowingProfile | PopupProfile | DiveProfile,
    Field(discriminator="kind"),
]


class Axis(Frozen):
    """Launch points spread on an arc ``distance_m`` from the target, around a bearing."""

    bearing_deg: float = Field(ge=0, lt=360, description="from the target, clockwise from north")
    spread_deg: float = Field(
        20.0, ge=0, le=360, description="degrees; width of the arc of launch points"
    )
    distance_m: PositiveFloat = Field(description="m; from the target to the launch arc")


class LaunchArea(Frozen):
    """Launch points drawn uniformly in a disc."""

    center: LatLon = Field(description="centre of the launch disc")
    radius_m: NonNegativeFloat = Field(description="m; radius of the launch disc")


class Raid(Frozen):
    """``count`` threats of one type launched within a time window at one asset."""

    name: str = Field(
        min_length=1,
        description="unique raid name; its threats are NAME-1 ... NAME-n (zero-padded)",
    )
    type: str = Field(description="catalog threat type")
    count: int = Field(ge=1, le=100_000, description="threats in the raid")
    target: str = Field(description="asset name every threat of the raid flies at")
    axis: Axis | None = Field(None, description="launch points on an arc (or launch_area)")
    launch_area: LaunchArea | None = Field(None, description="launch points in a disc (or axis)")
    launch_window_s: tuple[StrictNonNegativeFloat, StrictNonNegativeFloat] = Field(
        (0.0, 0.0), strict=False, description="[start, end] (s); a YAML list"
    )
    profile: Profile = Field(
        default_factory=lambda: CruiseProfile(altitude_m=100.0),
        description="altitude profile, chosen by kind (default: cruise at 100 m)",
    )
    speed_mps: PositiveFloat | None = Field(None, description="overrides the type's speed")
    ingress: list[LatLon] = Field(default_factory=list, description="turn points en route")

    @model_validator(mode="after")
    def _origin(self) -> Raid:
        if (self.axis is None) == (self.launch_area is None):
            raise ValueError("give exactly one of axis or launch_area")
        start, end = self.launch_window_s
        if end < start:
            raise ValueError("launch_window_s must be [start, end] with end >= start")
        return self


class OrbitWaypoint(Waypoint):
    """A point of an airborne sensor's orbit; ``speed_mps`` is flown on the leg ending here."""

    alt_m: FlightAltitude = Field(description="flight altitude, metres above the ground")
    speed_mps: PositiveFloat = Field(description="ground speed on the leg ending here, m/s")


class Sensor(Frozen):
    """A standalone sensor, not part of a battery: a ground early-warning radar, or an airborne
    early-warning radar flying ``route`` in a loop (last waypoint back to the first)."""

    name: str = Field(min_length=1, description="unique among batteries, radars and sensors")
    type: str = Field(description="catalog radar type")
    position: GeoPoint | None = Field(None, description="site of a ground sensor")
    boresight_deg: float = Field(0.0, ge=0, lt=360, description="sector centre, degrees from north")
    overrides: dict[str, Any] = Field(default_factory=dict, description="radar type fields changed")
    availability: Probability = Field(
        1.0,
        description="probability that it works in a replication, sampled once per replication "
        "(steady-state availability A = MTBF / (MTBF + MTTR))",
    )
    route: list[OrbitWaypoint] | None = Field(
        None,
        min_length=2,
        description="airborne sensor: orbit flown in a loop, from the first point",
    )

    @model_validator(mode="after")
    def _where(self) -> Sensor:
        if (self.position is None) == (self.route is None):
            raise ValueError("give exactly one of position (ground sensor) or route (airborne)")
        return self


class Link(Frozen):
    """A one-way data link from a unit (battery or sensor) to a battery."""

    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)

    sender: str = Field(alias="from", description="sending unit: a battery or a sensor name")
    receiver: str = Field(alias="to", description="receiving battery name (sensors only send)")
    latency_s: NonNegativeFloat = Field(description="delay from sending to receipt, s")
    period_s: PositiveFloat = Field(description="reports are sent every period_s seconds")
    capacity: int | None = Field(
        None, gt=0, description="reports per period (excess dropped, oldest first); none: no limit"
    )
    loss_probability: Probability = Field(0.0, description="chance each report is lost, [0, 1]")
    carries: Literal["tracks", "plots"] = Field(
        "tracks", description="tracks: track reports; plots: measurements fused by the receiver"
    )
    relay: bool = Field(False, description="the sender also forwards remote tracks it received")

    @property
    def label(self) -> str:
        """How events refer to this link: ``"sender -> receiver"``."""
        return f"{self.sender} -> {self.receiver}"


class Network(Frozen):
    """How batteries and sensors share the air picture."""

    mode: Literal["networked", "standalone"] = Field(
        "networked", description="standalone: links ignored, every battery fights alone"
    )
    coordination: bool = Field(
        True, description="engagement-status messages deconflict targets across batteries"
    )
    engage_on_remote: bool = Field(
        True, description="a command post may launch on another unit's track"
    )
    links: list[Link] = Field(default_factory=list, description="one-way data links")


class LinkEvent(Frozen):
    """A link lost or restored at ``time_s``."""

    time_s: NonNegativeFloat = Field(description="scenario time, s")
    kind: Literal["link_lost", "link_restored"] = Field(description="what happens to the link")
    link: str = Field(description='"sender -> receiver", as in network.links')

    @property
    def ends(self) -> tuple[str, str] | None:
        """(sender, receiver) named by ``link``, or None if it is not of the form ``a -> b``."""
        parts = self.link.split("->")
        if len(parts) != 2 or not all(p.strip() for p in parts):
            return None
        return parts[0].strip(), parts[1].strip()


class RadarEvent(Frozen):
    """A radar (of a battery) or a standalone sensor switched off or on at ``time_s``."""

    time_s: NonNegativeFloat = Field(description="scenario time, s")
    kind: Literal["radar_off", "radar_on"] = Field(description="what happens to the radar")
    unit: str = Field(description="a battery radar name or a standalone sensor name")


class BatteryEvent(Frozen):
    """A battery destroyed at ``time_s``: its radars, launchers and command post stop."""

    time_s: NonNegativeFloat = Field(description="scenario time, s")
    kind: Literal["battery_destroyed"] = Field(description="what happens to the battery")
    unit: str = Field(description="battery name")


Event = Annotated[LinkEvent | RadarEvent | BatteryEvent, Field(discriminator="kind")]


class TerrainFile(Frozen):
    """Ground elevation for line of sight and terrain-following flight (``iads.terrain``)."""

    file: str = Field(
        min_length=1,
        description="geographic (EPSG:4326) GeoTIFF of elevations in m above sea level, "
        "relative to this file (the terrain extra: pip install 'iads[terrain]')",
    )


class Scenario(Frozen):
    """A whole scenario: where, how long, what defends, what attacks."""

    name: str = Field(min_length=1, description="scenario name shown in summaries and reports")
    description: str = Field("", description="free text")
    origin: GeoPoint = Field(description="origin of the local East-North-Up frame")
    duration_s: float = Field(gt=0, le=7 * 86_400, description="s; simulated time, at most a week")
    tick_s: float = Field(
        0.1, gt=0, le=60, description="s; motion time step (radars and trackers keep their own)"
    )
    seed: int = Field(
        0, ge=0, le=MAX_SEED, description="random seed of the run (iads run --seed overrides)"
    )
    catalog_files: list[str] = Field(
        default_factory=list, description="extra catalog YAML files, relative to this file"
    )
    equipment: Catalog = Field(default_factory=Catalog, description="types defined inline")
    assets: list[Asset] = Field(default_factory=list, description="defended assets")
    batteries: list[Battery] = Field(default_factory=list, description="air-defense batteries")
    threats: list[RouteThreat] = Field(
        default_factory=list, description="single threats and aircraft on given routes"
    )
    raids: list[Raid] = Field(
        default_factory=list, description="groups of threats launched at one asset"
    )
    sensors: list[Sensor] = Field(default_factory=list, description="standalone sensors")
    network: Network | None = Field(None, description="absent: every battery fights alone")
    events: list[Event] = Field(default_factory=list, description="degradation at scenario times")
    traffic: list[Traffic] = Field(
        default_factory=list, description="neutral and friendly aircraft (iads.scenario.traffic)"
    )
    corridors: list[Corridor] = Field(
        default_factory=list, description="air routes for procedural identification"
    )
    terrain: TerrainFile | None = Field(
        None,
        description="ground elevation masking radars' line of sight and followed by "
        "terrain-following threats (none: a smooth earth at sea level)",
    )
    campaign: Campaign | None = Field(
        None,
        description="several raids over days with stocks carried over (iads mc runs it; "
        "iads run flies one raid)",
    )
    settings: RunConfig = Field(
        default_factory=RunConfig,
        description="run settings (tracker, sensors, command posts, end game, scoring); "
        "every field optional",
    )

    @field_validator("tick_s")
    @classmethod
    def _ticks_bounded(cls, tick_s: float, info: ValidationInfo) -> float:
        """At most ``MAX_TICKS`` ticks: the error names ``tick_s`` at its line."""
        duration_s = info.data.get("duration_s")
        if duration_s is None:  # duration_s is itself invalid (its own error)
            return tick_s
        if tick_s > duration_s:
            raise ValueError(f"must not exceed duration_s ({duration_s:g} s)")
        ticks = duration_s / tick_s
        if ticks > MAX_TICKS:
            raise ValueError(
                f"duration_s / tick_s is {ticks:,.0f} ticks; the limit is {MAX_TICKS:,} "
                "(a longer tick_s or a shorter duration_s)"
            )
        return tick_s

    @field_validator("assets", "threats", "raids", "traffic")
    @classmethod
    def _names_unique(cls, items: list, info: ValidationInfo) -> list:
        """Names unique within the list: the error names the list (``assets``) at its line."""
        label = {"assets": "asset", "threats": "threat", "raids": "raid", "traffic": "traffic"}
        _unique(label[info.field_name or ""], items)
        return items

    @field_validator("batteries")
    @classmethod
    def _battery_names_unique(cls, batteries: list[Battery]) -> list[Battery]:
        """Battery names, and radar and launcher names across all batteries, unique."""
        _unique("battery", batteries)
        _unique("radar", [r for b in batteries for r in b.radars])
        _unique("launcher", [sl for b in batteries for sl in b.launchers])
        return batteries


def _unique(label: str, items: list) -> None:
    """Raise ``ValueError`` listing (up to ten) names that ``items`` repeat; linear: 40,000
    assets in milliseconds."""
    counts = Counter(i.name for i in items)
    dupes = sorted(n for n, k in counts.items() if k > 1)
    if dupes:
        shown = ", ".join(dupes[:10]) + (
            f" and {len(dupes) - 10:,} more" if len(dupes) > 10 else ""
        )
        raise ValueError(f"{label} names must be unique; repeated: {shown}")
