"""Equipment and threat types: the catalog's schema.

Each type carries its published figures in SI units (unit suffix in every name) and a
``sources`` map from field name to citation and confidence, so every number can be traced.
Types are referred to by name from scenario files; instances may override any field.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from iads.scenario.common import (
    MAX_ALTITUDE_M,
    Frozen,
    NonNegativeFloat,
    PositiveFloat,
    Probability,
)


class EquipmentType(Frozen):
    """Fields shared by every catalog type."""

    description: str = Field("", description="free text shown by `iads catalog`")
    cost_usd: NonNegativeFloat = Field(
        0.0, description="unit cost, US dollars (0: unknown; counted as 0 in cost exchange)"
    )
    sources: dict[str, str] = Field(
        default_factory=dict, description="field name -> citation (source, confidence)"
    )


class RadarType(EquipmentType):
    """A surveillance or fire-control radar.

    Detection is parameterised by the reference form ``ref_range_m`` (the range at which a
    1 m^2 Swerling-1 target is detected with Pd 0.9 at the radar's Pfa in one look, fixed
    whatever the scan), by the search radar equation (``power_aperture_wm2``, with
    ``noise_figure_db`` and ``losses_db``: sensitivity follows the frame time and the solid
    angle searched), or physically (``peak_power_w`` ... ``losses_db``), in that precedence.
    """

    role: Literal["acquisition", "engagement", "multifunction", "gap_filler"] = Field(
        "multifunction",
        description="what the radar is for: acquisition (search), engagement (fire control), "
        "both, or low-altitude gap filler",
    )
    band: str = Field(
        "",
        description="band label for display (IEEE letter, e.g. S); the physics uses frequency_hz",
    )
    frequency_hz: PositiveFloat = Field(
        3.0e9, description="carrier frequency, Hz (wavelength of the radar equation)"
    )
    ref_range_m: PositiveFloat | None = Field(
        None,
        description="m; range at which a 1 m^2 Swerling-1 target is detected with Pd 0.9 at pfa "
        "in one look (instead of peak_power_w and antenna_gain_db)",
    )
    power_aperture_wm2: PositiveFloat | None = Field(
        None,
        description="W m^2; average power x effective receive aperture for the search radar "
        "equation: sensitivity then follows scan_period_s and the solid angle searched",
    )
    search_ceiling_m: PositiveFloat | None = Field(
        None,
        description="m; highest altitude searched: elevation beams above the horizon stop "
        "their range gates at ceiling / sin(elevation) (None: every gate to instrumented range)",
    )
    peak_power_w: PositiveFloat | None = Field(
        None, description="peak transmitted power, W (physical form of the radar equation)"
    )
    antenna_gain_db: float | None = Field(
        None, description="antenna gain, dBi, used on transmit and receive (physical form)"
    )
    noise_figure_db: NonNegativeFloat = Field(3.0, description="receiver noise figure, dB")
    bandwidth_hz: PositiveFloat = Field(1.0e6, description="receiver noise bandwidth, Hz")
    losses_db: NonNegativeFloat = Field(
        6.0, description="total system losses of the radar equation, dB"
    )
    instrumented_range_m: PositiveFloat = Field(
        description="m; largest range the radar reports, whatever the SNR"
    )
    min_range_m: NonNegativeFloat = Field(
        0.0, description="m; blind range: nothing closer is reported"
    )
    scan: Literal["rotating", "sector"] = Field(
        "rotating",
        description="rotating: 360 degree scan; sector: sector_width_deg around the site's "
        "boresight",
    )
    scan_period_s: PositiveFloat = Field(
        10.0, description="s; time for one full scan (revisit time of a point)"
    )
    sector_width_deg: float = Field(
        360.0, gt=0, le=360, description="degrees; width of the scanned sector (scan: sector)"
    )
    beamwidth_az_deg: PositiveFloat = Field(
        1.0, description="degrees; 3 dB azimuth beamwidth (angle accuracy and dwell)"
    )
    beamwidth_el_deg: PositiveFloat = Field(
        1.0, description="degrees; 3 dB elevation beamwidth (angle accuracy)"
    )
    min_elevation_deg: float = Field(
        -2.0, ge=-10, le=90, description="degrees; lowest elevation covered"
    )
    max_elevation_deg: float = Field(
        70.0, ge=-10, le=90, description="degrees; highest elevation covered"
    )
    range_resolution_m: PositiveFloat = Field(
        150.0, description="m; targets closer in range than this merge into one plot"
    )
    pfa: float = Field(
        1e-6, gt=0, lt=1, description="false-alarm probability per resolution cell and look"
    )
    n_pulses: int = Field(1, ge=1, description="pulses integrated noncoherently per look")
    antenna_height_m: NonNegativeFloat = Field(
        10.0, description="m; antenna phase centre above the site (radar horizon)"
    )
    antenna_mast_options_m: list[NonNegativeFloat] = Field(
        default_factory=list,
        description="m; antenna heights of the deployments the type is known in (own vehicle, "
        "mast or tower options); informative: a site picks one with an antenna_height_m "
        "override",
    )
    sigma_range_floor_m: NonNegativeFloat = Field(
        10.0, description="m; smallest 1-sigma range error of a plot (high SNR)"
    )
    sigma_angle_floor_deg: NonNegativeFloat = Field(
        0.05, description="degrees; smallest 1-sigma angle error of a plot (high SNR)"
    )
    measures_range_rate: bool = Field(False, description="plots carry a Doppler range rate")
    doppler_processing: Literal["none", "mti", "pulse_doppler"] = Field(
        "none",
        description="clutter rejection: none (full surface clutter), mti (three-pulse canceller, "
        "staggered PRF, improvement from the clutter spectrum), pulse_doppler (Doppler filters "
        "attenuating clutter by clutter_improvement_db, a notch below "
        "min_detectable_velocity_mps)",
    )
    clutter_improvement_db: NonNegativeFloat = Field(
        0.0,
        le=100,
        description="dB; mti: the stability limit of the improvement factor; pulse_doppler: the "
        "clutter attenuation of the Doppler filters",
    )
    min_detectable_velocity_mps: NonNegativeFloat = Field(
        0.0,
        le=200,
        description="m/s; pulse_doppler: half-width of the clutter notch; slower radial speeds "
        "are rejected with the clutter",
    )
    prf_hz: PositiveFloat | None = Field(
        None,
        description="Hz; mti: pulse repetition frequency (None: range-unambiguous, "
        "c / (2 instrumented_range_m))",
    )
    max_tracks: int = Field(
        100, ge=0, description="targets the radar's track processor holds at once"
    )
    max_engaged_targets: int = Field(
        0, ge=0, description="fire channels: targets guided against at once (0: no limit)"
    )
    max_guided_missiles: int = Field(
        0,
        ge=0,
        description="interceptors guided at once; 0: not a fire-control radar (if no radar of "
        "the battery has any, fire control is unlimited)",
    )

    @model_validator(mode="after")
    def _detection_parameterised(self) -> RadarType:
        physical = self.peak_power_w is not None and self.antenna_gain_db is not None
        if self.ref_range_m is None and self.power_aperture_wm2 is None and not physical:
            raise ValueError(
                "give ref_range_m (1 m^2 at Pd 0.9), power_aperture_wm2 (search radar "
                "equation) or both peak_power_w and antenna_gain_db"
            )
        if self.min_elevation_deg >= self.max_elevation_deg:
            raise ValueError("min_elevation_deg must be below max_elevation_deg")
        if self.min_range_m >= self.instrumented_range_m:
            raise ValueError("min_range_m must be below instrumented_range_m")
        return self


class InterceptorType(EquipmentType):
    """A surface-to-air interceptor: envelope, propulsion, aerodynamics and warhead."""

    guidance: Literal["command", "semi_active", "active", "track_via_missile"] = Field(
        "command",
        description="terminal guidance family: command midcourse on the track, then inside "
        "terminal_range_m the seeker's noise model: active (own transmitter), semi_active "
        "or track_via_missile (ground illuminator: noise grows with its range), command "
        "(ground radar angle noise x its range)",
    )
    min_range_m: NonNegativeFloat = Field(
        1_000.0, description="m; shortest ground range of an intercept from the launcher"
    )
    max_range_m: PositiveFloat = Field(
        description="m; longest ground range of an intercept from the launcher"
    )
    min_altitude_m: NonNegativeFloat = Field(10.0, description="m; lowest intercept altitude")
    max_altitude_m: float = Field(
        gt=0, le=MAX_ALTITUDE_M, description="m; highest intercept altitude"
    )
    max_time_of_flight_s: PositiveFloat = Field(
        120.0, description="s; longest flight before the round self-destructs"
    )
    max_speed_mps: PositiveFloat = Field(
        description="m/s; published top speed (fast-mode average speed and checks of the fly-out)"
    )
    launch_mass_kg: PositiveFloat = Field(
        1_000.0, description="kg; mass at launch, propellant included"
    )
    propellant_mass_kg: NonNegativeFloat = Field(
        500.0, description="kg; propellant burnt in boost and sustain"
    )
    boost_time_s: NonNegativeFloat = Field(5.0, description="s; boost motor burn time")
    boost_thrust_n: NonNegativeFloat = Field(0.0, description="N; boost motor thrust")
    sustain_time_s: NonNegativeFloat = Field(0.0, description="s; sustainer burn time after boost")
    sustain_thrust_n: NonNegativeFloat = Field(0.0, description="N; sustainer thrust")
    reference_area_m2: PositiveFloat = Field(
        0.2, description="m^2; aerodynamic reference area (body cross-section)"
    )
    drag_coefficient: PositiveFloat = Field(
        0.3, description="zero-lift drag coefficient on reference_area_m2"
    )
    max_lateral_accel_mps2: PositiveFloat = Field(
        200.0, description="m/s^2; largest lateral acceleration the airframe pulls"
    )
    navigation_constant: PositiveFloat = Field(
        4.0, description="proportional navigation constant N (dimensionless, 3 to 5)"
    )
    lethal_radius_m: PositiveFloat = Field(
        20.0,
        description="m; Carleton equivalent lethal radius (Pk = reliability x exp(-1) at this "
        "miss) for target classes not in lethal_radius_by_target_m",
    )
    reliability: Probability = Field(
        0.95, description="probability that a round launches and works, [0, 1]"
    )
    vertical_launch: bool = Field(False, description="launched vertically, then turns over")
    loft_gain: NonNegativeFloat = Field(
        0.0, description="midcourse aim height above the target per metre of ground range to go"
    )
    terminal_range_m: PositiveFloat = Field(
        20_000.0,
        description="m; seeker acquisition range: terminal homing (augmented PN on the "
        "seeker's estimate) starts inside it",
    )
    min_speed_mps: PositiveFloat = Field(
        250.0, description="below this speed after burnout the interceptor can no longer fight"
    )
    autopilot_time_constant_s: PositiveFloat = Field(
        0.3, description="first-order lag of the achieved lateral acceleration behind the command"
    )
    seeker_noise_rad: NonNegativeFloat = Field(
        0.002,
        description="rad; 1-sigma angle noise floor of the seeker per sample at high SNR "
        "(command guidance: the ground radar's angle noise)",
    )
    max_angle_of_attack_rad: float = Field(
        0.35,
        gt=0,
        le=1.2,
        description="rad; largest angle of attack the airframe flies (the trim limit): the "
        "normal force q S CN_max and, during burn, the thrust's lateral part T sin(alpha_max) "
        "at this angle bound the lateral acceleration",
    )
    normal_force_coefficient_max: PositiveFloat = Field(
        5.0,
        description="normal force coefficient CN at max_angle_of_attack_rad (on "
        "reference_area_m2); the normal force is taken linear in the angle of attack up to it",
    )
    miss_sigma_m: NonNegativeFloat | None = Field(
        None,
        description="m; 1-sigma miss per axis that fire control's planning Pk and the fast "
        "engagement mode assume (the full fly-out simulates its seeker instead); None: "
        "0.3 x lethal_radius_m",
    )
    seeker_frequency_hz: PositiveFloat = Field(
        10.0e9,
        description="Hz; terminal seeker's carrier (its beamwidth 1.2 lambda / (0.8 body "
        "diameter) sets the angle noise)",
    )
    seeker_rate_hz: PositiveFloat = Field(
        100.0, description="Hz; seeker measurement rate (receiver noise is white per sample)"
    )
    warhead: Literal["blast_fragmentation", "hit_to_kill"] = Field(
        "blast_fragmentation",
        description="kill mechanism; with lethal_radius_by_target_m it sets the Carleton "
        "lethal radius against each target class",
    )
    lethal_radius_by_target_m: dict[
        Literal["aircraft", "cruise_missile", "drone", "ballistic"], PositiveFloat
    ] = Field(
        default_factory=dict,
        description="m; Carleton equivalent lethal radius per target class (aircraft, "
        "cruise_missile, drone, ballistic: glide vehicles and re-entry bodies); a class not "
        "given uses lethal_radius_m",
    )

    def lethal_radius_for(self, target_class: str) -> float:
        """Lethal radius (m) against ``target_class`` (``TARGET_CLASS`` of a threat kind)."""
        return float(self.lethal_radius_by_target_m.get(target_class, self.lethal_radius_m))

    @property
    def miss_sigma_effective_m(self) -> float:
        """``miss_sigma_m``, or 0.3 x ``lethal_radius_m`` when not given."""
        return 0.3 * self.lethal_radius_m if self.miss_sigma_m is None else self.miss_sigma_m

    @model_validator(mode="after")
    def _envelope(self) -> InterceptorType:
        if self.min_range_m >= self.max_range_m:
            raise ValueError("min_range_m must be below max_range_m")
        if self.min_altitude_m >= self.max_altitude_m:
            raise ValueError("min_altitude_m must be below max_altitude_m")
        if self.propellant_mass_kg >= self.launch_mass_kg:
            raise ValueError("propellant_mass_kg must be below launch_mass_kg")
        return self


class LauncherType(EquipmentType):
    """A launcher: how many ready rounds it carries and how fast it fires and reloads."""

    tubes: int = Field(ge=1, description="ready rounds a launcher carries")
    interceptors: list[str] = Field(min_length=1, description="interceptor types it can fire")
    launch_interval_s: NonNegativeFloat = Field(
        3.0, description="s; least time between two launches from one launcher"
    )
    reload_time_s: NonNegativeFloat = Field(
        1_800.0, description="s; time to reload an empty launcher from the battery's reserve"
    )


class ThreatType(EquipmentType):
    """An air threat: kinematics, signature and cost."""

    kind: Literal["cruise_missile", "drone", "aircraft", "glide_vehicle"] = Field(
        description="class of threat (threat evaluation weights and manoeuvre assumptions by kind)"
    )
    speed_mps: PositiveFloat = Field(description="m/s; cruise ground speed")
    cruise_altitude_m: float = Field(
        100.0, ge=0, le=MAX_ALTITUDE_M, description="m above the ground; typical cruise height"
    )
    max_range_m: PositiveFloat = Field(
        1_000_000.0,
        description="m; published range: a threat falls (expires) after flying this far",
    )
    max_lateral_accel_mps2: PositiveFloat = Field(
        20.0, description="m/s^2; largest lateral acceleration in turns at route points"
    )
    rcs_front_m2: PositiveFloat = Field(description="m^2; radar cross-section seen from the nose")
    rcs_side_m2: PositiveFloat | None = Field(
        None, description="m^2; seen from the side (none: rcs_front_m2)"
    )
    rcs_rear_m2: PositiveFloat | None = Field(
        None, description="m^2; seen from the tail (none: rcs_front_m2)"
    )
    swerling: int = Field(
        1, ge=0, le=4, description="Swerling fluctuation case of the RCS, 0 (steady) to 4"
    )
    length_m: PositiveFloat | None = Field(None, description="m; airframe length (display only)")
    warhead_kg: NonNegativeFloat = Field(0.0, description="kg; warhead mass (display only)")


TARGET_CLASS: dict[str, str] = {
    "aircraft": "aircraft",
    "cruise_missile": "cruise_missile",
    "drone": "drone",
    "glide_vehicle": "ballistic",
}
"""Lethality class of each threat kind (``InterceptorType.lethal_radius_by_target_m``)."""

KIND_MODELS: dict[str, type[EquipmentType]] = {
    "radars": RadarType,
    "interceptors": InterceptorType,
    "launchers": LauncherType,
    "threats": ThreatType,
}
"""Catalog sections and the model that validates each entry."""


class Reference(Frozen):
    """A work the catalog cites: sources name it by its key in brackets (``[wiki-s400]``)."""

    title: str = Field(min_length=1, description="title of the work or web page")
    publisher: str = Field(min_length=1, description="publisher (and author where known)")
    date: str = Field(
        min_length=1, description="publication date or year; web pages: 'n.d., accessed YYYY'"
    )
    url: str = Field("", description="address of a web source ('' for print)")
    note: str = Field("", description="free text, e.g. 'claims'")


class Catalog(Frozen):
    """All equipment types known to a scenario, by section and name."""

    references: dict[str, Reference] = Field(
        default_factory=dict, description="works cited by the sources, by key"
    )

    radars: dict[str, RadarType] = Field(default_factory=dict, description="radar types by name")
    interceptors: dict[str, InterceptorType] = Field(
        default_factory=dict, description="interceptor types by name"
    )
    launchers: dict[str, LauncherType] = Field(
        default_factory=dict, description="launcher types by name"
    )
    threats: dict[str, ThreatType] = Field(default_factory=dict, description="threat types by name")

    def merged(self, other: Catalog) -> Catalog:
        """A catalog with ``other``'s entries added; ``other`` wins on equal names."""
        merged = {k: {**getattr(self, k), **getattr(other, k)} for k in KIND_MODELS}
        return Catalog(references={**self.references, **other.references}, **merged)
