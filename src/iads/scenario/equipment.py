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

    description: str = ""
    cost_usd: NonNegativeFloat = 0.0
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

    role: Literal["acquisition", "engagement", "multifunction", "gap_filler"] = "multifunction"
    band: str = ""
    frequency_hz: PositiveFloat = 3.0e9
    ref_range_m: PositiveFloat | None = None
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
    peak_power_w: PositiveFloat | None = None
    antenna_gain_db: float | None = None
    noise_figure_db: NonNegativeFloat = 3.0
    bandwidth_hz: PositiveFloat = 1.0e6
    losses_db: NonNegativeFloat = 6.0
    instrumented_range_m: PositiveFloat
    min_range_m: NonNegativeFloat = 0.0
    scan: Literal["rotating", "sector"] = "rotating"
    scan_period_s: PositiveFloat = 10.0
    sector_width_deg: float = Field(360.0, gt=0, le=360)
    beamwidth_az_deg: PositiveFloat = 1.0
    beamwidth_el_deg: PositiveFloat = 1.0
    min_elevation_deg: float = Field(-2.0, ge=-10, le=90)
    max_elevation_deg: float = Field(70.0, ge=-10, le=90)
    range_resolution_m: PositiveFloat = 150.0
    pfa: float = Field(1e-6, gt=0, lt=1)
    n_pulses: int = Field(1, ge=1)
    antenna_height_m: NonNegativeFloat = 10.0
    sigma_range_floor_m: NonNegativeFloat = 10.0
    sigma_angle_floor_deg: NonNegativeFloat = 0.05
    measures_range_rate: bool = False
    max_tracks: int = Field(100, ge=0)
    max_engaged_targets: int = Field(0, ge=0)
    max_guided_missiles: int = Field(0, ge=0)

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

    guidance: Literal["command", "semi_active", "active", "track_via_missile"] = "command"
    min_range_m: NonNegativeFloat = 1_000.0
    max_range_m: PositiveFloat
    min_altitude_m: NonNegativeFloat = 10.0
    max_altitude_m: float = Field(gt=0, le=MAX_ALTITUDE_M)
    max_time_of_flight_s: PositiveFloat = 120.0
    max_speed_mps: PositiveFloat
    launch_mass_kg: PositiveFloat = 1_000.0
    propellant_mass_kg: NonNegativeFloat = 500.0
    boost_time_s: NonNegativeFloat = 5.0
    boost_thrust_n: NonNegativeFloat = 0.0
    sustain_time_s: NonNegativeFloat = 0.0
    sustain_thrust_n: NonNegativeFloat = 0.0
    reference_area_m2: PositiveFloat = 0.2
    drag_coefficient: PositiveFloat = 0.3
    max_lateral_accel_mps2: PositiveFloat = 200.0
    navigation_constant: PositiveFloat = 4.0
    lethal_radius_m: PositiveFloat = 20.0
    reliability: Probability = 0.95
    vertical_launch: bool = Field(False, description="launched vertically, then turns over")
    loft_gain: NonNegativeFloat = Field(
        0.0, description="midcourse aim height above the target per metre of ground range to go"
    )
    terminal_range_m: PositiveFloat = Field(
        20_000.0, description="range to the target where terminal homing (augmented PN) starts"
    )
    min_speed_mps: PositiveFloat = Field(
        250.0, description="below this speed after burnout the interceptor can no longer fight"
    )
    autopilot_time_constant_s: PositiveFloat = Field(
        0.3, description="first-order lag of the achieved lateral acceleration behind the command"
    )
    seeker_noise_rad: NonNegativeFloat = Field(
        0.002, description="1-sigma angle noise of the terminal target measurement (rad)"
    )
    miss_sigma_m: NonNegativeFloat | None = Field(
        None,
        description="1-sigma miss per axis from what the point-mass fly-out leaves out (glint, "
        "radome, fuze timing); None: 0.3 x lethal_radius_m",
    )

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

    tubes: int = Field(ge=1)
    interceptors: list[str] = Field(min_length=1, description="interceptor types it can fire")
    launch_interval_s: NonNegativeFloat = 3.0
    reload_time_s: NonNegativeFloat = 1_800.0


class ThreatType(EquipmentType):
    """An air threat: kinematics, signature and cost."""

    kind: Literal["cruise_missile", "drone", "aircraft", "glide_vehicle"]
    speed_mps: PositiveFloat
    cruise_altitude_m: float = Field(100.0, ge=0, le=MAX_ALTITUDE_M)
    max_range_m: PositiveFloat = 1_000_000.0
    max_lateral_accel_mps2: PositiveFloat = 20.0
    rcs_front_m2: PositiveFloat
    rcs_side_m2: PositiveFloat | None = None
    rcs_rear_m2: PositiveFloat | None = None
    swerling: int = Field(1, ge=0, le=4)
    length_m: PositiveFloat | None = None
    warhead_kg: NonNegativeFloat = 0.0


KIND_MODELS: dict[str, type[EquipmentType]] = {
    "radars": RadarType,
    "interceptors": InterceptorType,
    "launchers": LauncherType,
    "threats": ThreatType,
}
"""Catalog sections and the model that validates each entry."""


class Catalog(Frozen):
    """All equipment types known to a scenario, by section and name."""

    radars: dict[str, RadarType] = Field(default_factory=dict)
    interceptors: dict[str, InterceptorType] = Field(default_factory=dict)
    launchers: dict[str, LauncherType] = Field(default_factory=dict)
    threats: dict[str, ThreatType] = Field(default_factory=dict)

    def merged(self, other: Catalog) -> Catalog:
        """A catalog with ``other``'s entries added; ``other`` wins on equal names."""
        return Catalog(**{k: {**getattr(self, k), **getattr(other, k)} for k in KIND_MODELS})
