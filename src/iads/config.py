"""Run settings: every constant a study may vary, in one frozen, validated ``RunConfig``.

A run is a pure function of (scenario, settings, seed). The settings live in the scenario
file under ``settings:`` (all optional: the defaults below) and can be replaced through the API
(``run_scenario(..., settings=RunConfig(...))``) or a sweep path (``settings.tracker.q_mps2``),
never by patching module constants. Each field states its unit and where its default comes
from; ``iads schema`` documents them all.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

PositiveFloat = Annotated[float, Field(gt=0)]
NonNegativeFloat = Annotated[float, Field(ge=0)]
Probability = Annotated[float, Field(ge=0, le=1)]


class Frozen(BaseModel):
    """Settings are immutable, refuse unknown keys, NaN and infinity (as scenario models;
    defined here so that the scenario package can import the settings)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class TrackerSettings(Frozen):
    """The battery and sensor trackers (``iads.tracking``)."""

    period_s: PositiveFloat = Field(
        1.0,
        le=60,
        description="s; each tracker fuses the plots received this often (a frame). Engineering "
        "choice: a typical track-processor update rate (Blackman and Popoli 1999, ch. 1).",
    )
    filter: Literal["imm", "ekf", "ukf"] = Field(
        "imm", description="state estimator: CV + coordinated-turn IMM, or a single model"
    )
    association: Literal["gnn", "jpda"] = Field(
        "gnn", description="plot-to-track association: global nearest neighbour or JPDA"
    )
    q_mps2: PositiveFloat = Field(
        5.0,
        le=1_000,
        description="m/s^2; white-acceleration process noise of the CV model (about half the "
        "largest manoeuvre expected of cruise missiles, Bar-Shalom et al. 2001, sec. 6.3.2)",
    )
    confirmation: Literal["m_of_n", "score"] = Field(
        "m_of_n",
        description="track confirmation in the engine: M of N looks, or the sequential "
        "track-score test (Blackman and Popoli 1999, sec. 6.2; iads track's default, not yet "
        "measured against the ~100 false alarms a second of an engine run)",
    )
    false_track_probability: Probability = Field(
        1e-3, description="score confirmation: probability of confirming a false track"
    )
    confirm_m: int = Field(3, ge=1, le=20, description="M of the M-of-N confirmation rule")
    confirm_n: int = Field(4, ge=1, le=20, description="N of the M-of-N confirmation rule")
    delete_misses: int = Field(
        3, ge=1, le=50, description="consecutive missed looks that delete a track"
    )
    max_speed_mps: PositiveFloat = Field(
        3_000.0, description="m/s; two-point initiation refuses plot pairs implying more"
    )
    tentative_pool_factor: int = Field(
        20,
        ge=1,
        le=1_000,
        description="tentative tracks held, as a multiple of the radar's published track "
        "capacity (clutter starts many; the capacity counts the picture's targets)",
    )

    def model_post_init(self, _context: object) -> None:
        if self.confirm_m > self.confirm_n:
            raise ValueError("confirm_m must not exceed confirm_n")


class SensorSettings(Frozen):
    """How radars are stepped in the engine (``iads.sensors``)."""

    radar_max_step_s: PositiveFloat = Field(
        1.0,
        le=60,
        description="s; longest radar step: a radar observes every min(this, scan period)",
    )


class EnvironmentSettings(Frozen):
    """The surface under the radars: propagation (multipath, diffraction) and clutter
    (``iads.sensors.propagation``, ``iads.sensors.clutter``). One surface for the whole
    scenario (no terrain map yet)."""

    surface: Literal["sea", "land"] = Field(
        "sea", description="surface under every radar-target path and in every clutter cell"
    )
    sea_state: int = Field(
        3,
        ge=0,
        le=8,
        description="WMO sea state code 3700 (0 calm ... 8 very high); default 3, 'slight' "
        "(0.5-1.25 m significant wave height), a common open-sea condition",
    )
    sea_permittivity: PositiveFloat = Field(
        70.0, description="relative permittivity of sea water (ITU-R P.527-6, Fig. 1, ~3 GHz)"
    )
    sea_conductivity_s_m: PositiveFloat = Field(
        5.0, description="S/m; conductivity of sea water (ITU-R P.527-6, average sea water)"
    )
    land_permittivity: PositiveFloat = Field(
        15.0, description="relative permittivity of medium dry ground (ITU-R P.527-6)"
    )
    land_conductivity_s_m: PositiveFloat = Field(
        1e-3, description="S/m; conductivity of medium dry ground (ITU-R P.527-6)"
    )
    land_rms_height_m: NonNegativeFloat = Field(
        1.0,
        le=100,
        description="m; rms height of the land surface for the Ament roughness factor "
        "(engineering choice: open farmland with hedges and buildings)",
    )
    land_gamma_db: float = Field(
        -15.0,
        ge=-40,
        le=0,
        description="dB; constant-gamma land clutter sigma0 = gamma sin(grazing); -15 dB is "
        "the value for wooded/farmland terrain of Barton, Radar Equations for Modern Radar "
        "(Artech House, 2013), sec. 9.2 (range of published values about -20 to -5 dB)",
    )
    multipath: bool = Field(
        True, description="apply the pattern propagation factor and multipath elevation error"
    )
    clutter: bool = Field(True, description="add surface clutter to the detection SNR (SCNR)")


class ThreatEvaluationSettings(Frozen):
    """Threat evaluation (``iads.c2.threat_eval``): value-weighted urgency."""

    miss_scale_m: PositiveFloat = Field(
        5_000.0, description="m; how far a passing track still threatens an asset"
    )
    urgency_s: PositiveFloat = Field(
        60.0, description="s; urgency halves at this time to go (Roux and van Vuuren 2007)"
    )
    weight_aircraft: NonNegativeFloat = Field(0.8, description="priority weight of aircraft")
    weight_cruise_missile: NonNegativeFloat = Field(1.0, description="... of cruise missiles")
    weight_drone: NonNegativeFloat = Field(0.6, description="... of drones")
    weight_glide_vehicle: NonNegativeFloat = Field(1.0, description="... of glide vehicles")
    manoeuvre_aircraft_g: NonNegativeFloat = Field(
        8.0, description="g; manoeuvre the command post assumes of aircraft when planning"
    )
    manoeuvre_cruise_missile_g: NonNegativeFloat = Field(3.0, description="g; of cruise missiles")
    manoeuvre_drone_g: NonNegativeFloat = Field(1.0, description="g; of drones")
    manoeuvre_glide_vehicle_g: NonNegativeFloat = Field(5.0, description="g; of glide vehicles")
    level_sigmas: PositiveFloat = Field(
        3.0,
        description="a track's climb rate within this many standard deviations of zero is "
        "taken as level flight when predicting intercept points",
    )


class C2Settings(Frozen):
    """Command posts (``iads.c2``)."""

    look_time_s: NonNegativeFloat = Field(
        2.0,
        le=600,
        description="s; kill assessment: after an interceptor's outcome its target may be "
        "engaged again this long after (shoot-look-shoot)",
    )
    kill_assessment_probability: Probability = Field(
        1.0,
        description="probability that the engaging radar sees a kill as a kill (else the "
        "command post keeps the dead track until it drops)",
    )
    threat_evaluation: ThreatEvaluationSettings = Field(default_factory=ThreatEvaluationSettings)


class EndGameSettings(Frozen):
    """Where perception meets truth: the interceptor's terminal phase (``iads.engagement``)."""

    acquisition_sigmas: PositiveFloat = Field(
        4.0,
        description="the seeker or terminal radar acquires the real object nearest the aim "
        "point within this many track position sigmas (or the basket floor)",
    )
    acquisition_floor_m: PositiveFloat = Field(
        500.0, description="m; smallest acquisition basket radius"
    )


class ScoringSettings(Frozen):
    """Scoring tracks against truth (analysis only; never feeds a decision)."""

    truth_gate_m: PositiveFloat = Field(
        3_000.0, description="m; largest distance at which a track is taken to follow a threat"
    )
    seen_window_scans: PositiveFloat = Field(
        3.0,
        description="a track is credited only to a threat its unit's radars detected within "
        "this many of its slowest radar's scan periods",
    )


class RunConfig(Frozen):
    """Every setting of a run that is not the scenario itself (all have defaults)."""

    engagement: Literal["full", "fast"] = Field(
        "full",
        description="interceptor fly-out: full 3-DOF integration, or time-of-flight tables",
    )
    tracker: TrackerSettings = Field(default_factory=TrackerSettings)
    sensors: SensorSettings = Field(default_factory=SensorSettings)
    environment: EnvironmentSettings = Field(default_factory=EnvironmentSettings)
    c2: C2Settings = Field(default_factory=C2Settings)
    end_game: EndGameSettings = Field(default_factory=EndGameSettings)
    scoring: ScoringSettings = Field(default_factory=ScoringSettings)


__all__ = [
    "C2Settings",
    "EndGameSettings",
    "EnvironmentSettings",
    "RunConfig",
    "ScoringSettings",
    "SensorSettings",
    "ThreatEvaluationSettings",
    "TrackerSettings",
]
