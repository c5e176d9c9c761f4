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
    scenario, or land or sea per point (``mask``); a scenario terrain file masks the line of
    sight but does not set the surface (a smooth surface at sea level under every path)."""

    surface: Literal["sea", "land", "mask"] = Field(
        "sea",
        description="surface under every radar-target path and in every clutter cell; mask: "
        "land or sea per point from the optional global-land-mask package (1 km global mask, "
        "pip install global-land-mask): clutter of the cell and the propagation surface under "
        "the target",
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
        le=10,
        description="dB at 10 GHz, scaled +5 log10(f / 10 GHz); constant-gamma land clutter "
        "sigma0 = gamma sin(grazing), used when land_terrain is custom; -15 dB is farmland "
        "(Nathanson, Reilly and Cohen, Radar Design Principles, 2nd ed., SciTech 1999)",
    )
    land_terrain: Literal[
        "flatland", "farmland", "wooded_hill", "woods", "metropolitan", "rugged_mountain", "custom"
    ] = Field(
        "farmland",
        description="terrain of land clutter: gamma at 10 GHz flatland -20, farmland -15, wooded "
        "hill -10 dB (Nathanson et al. 1999), woods -15, metropolitan 0, rugged mountain 0 dB "
        "(Long, Radar Reflectivity of Land and Sea, 3rd ed., Artech 2001); custom: land_gamma_db",
    )
    sea_clutter_spread_mps: PositiveFloat = Field(
        1.0,
        le=10,
        description="m/s; standard deviation of the sea clutter velocity spectrum (MTI "
        "improvement): 'sea echo, windy' 0.75-1.0 m/s, upper value (Skolnik, Introduction to "
        "Radar Systems, 2nd ed., 1980, MTI chapter, after Nathanson)",
    )
    land_clutter_spread_mps: PositiveFloat = Field(
        0.22,
        le=10,
        description="m/s; standard deviation of the land clutter velocity spectrum: wooded hills "
        "in a 20 knot wind (Skolnik 1980, MTI chapter, after Nathanson)",
    )
    multipath: bool = Field(
        True, description="apply the pattern propagation factor and multipath elevation error"
    )
    clutter: bool = Field(
        True,
        description="add main-beam surface clutter (NRL sea model or constant-gamma land), after "
        "the radar's Doppler processing, to the detection SNR (signal to clutter plus noise)",
    )

    def model_post_init(self, _context: object) -> None:
        if self.surface == "mask":
            import importlib.util

            if importlib.util.find_spec("global_land_mask") is None:
                raise ValueError(
                    "surface 'mask' needs the optional package global-land-mask "
                    "(pip install global-land-mask); use 'sea' or 'land' without it"
                )


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


class IdentificationSettings(Frozen):
    """Identification and rules of engagement (``iads.c2.identification``, ``docs/identification.md``).

    Likelihoods are the defence's model of its sensors, not the truth of the scenario (a
    transponder's real reliability is a scenario field)."""

    enabled: bool | None = Field(
        None, description="null: on when the scenario has traffic or corridors"
    )
    engage: list[Literal["hostile", "suspect", "unknown", "neutral", "friendly"]] = Field(
        default_factory=lambda: ["hostile", "suspect", "unknown"],
        description="rules of engagement: identities a command post may engage",
    )
    interrogation_period_s: PositiveFloat = Field(
        5.0, le=600, description="s; IFF interrogation and ADS-B reception cycle (SSR scan 4-12 s)"
    )
    interrogation_range_m: PositiveFloat = Field(
        370_000.0, description="m; interrogator and ADS-B receiver range (200 NM class)"
    )
    iff_range_sigma_m: PositiveFloat = Field(30.0, description="m; IFF reply range error")
    iff_azimuth_sigma_deg: PositiveFloat = Field(
        0.1, description="deg; IFF reply azimuth error (monopulse SSR class)"
    )
    adsb_sigma_m: PositiveFloat = Field(30.0, description="m; ADS-B position error (NACp 9)")
    gate_sigmas: PositiveFloat = Field(
        4.0, description="a reply is associated with the nearest track within this many sigma"
    )
    assumed_reliability: Probability = Field(
        0.95, description="the defence's model: P(reply | cooperative aircraft interrogated)"
    )
    spoof_probability: Probability = Field(
        0.01, description="the defence's model: P(civil reply or ADS-B | hostile)"
    )
    prior_hostile: Probability = Field(0.5, description="prior P(hostile) of a new track")
    prior_friendly: Probability = Field(0.1, description="prior P(friendly); neutral: the rest")
    conform_hostile: Probability = Field(
        0.1, description="P(track flies by a corridor's rules | hostile), per cycle"
    )
    conform_neutral: Probability = Field(0.9, description="... | neutral")
    conform_friendly: Probability = Field(0.5, description="... | friendly")
    declare_probability: float = Field(
        0.9, gt=0.5, lt=1, description="posterior needed to declare hostile, neutral, friendly"
    )

    def model_post_init(self, _context: object) -> None:
        if self.prior_hostile + self.prior_friendly > 1:
            raise ValueError("prior_hostile + prior_friendly must not exceed 1")


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
    coordination_hold_s: NonNegativeFloat | None = Field(
        None,
        le=600,
        description="s; in a coordinated network each order waits at least this long before "
        "launch, so that other posts' engagement status can arrive and the later of two posts "
        "deciding on one target withdraws (null: the slowest status link into the post, "
        "latency + update period, plus the slowest decision period in the network)",
    )
    hold_dual_designations: bool = Field(
        True,
        description="hold a track of another source within the status gate of a track the "
        "post already engages (a dual designation the shared picture did not fuse); false: "
        "each track number is a target of its own (measured cost in README, Finding)",
    )
    threat_evaluation: ThreatEvaluationSettings = Field(
        default_factory=ThreatEvaluationSettings, description="threat evaluation weights"
    )
    identification: IdentificationSettings = Field(
        default_factory=IdentificationSettings,
        description="identification of tracks from cooperative reports and corridor rules",
    )


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
    glint_fraction: NonNegativeFloat = Field(
        0.15,
        description="per-axis glint sigma of a target as a fraction of its length (Skolnik, "
        "Radar Handbook, 3rd ed., 2008, ch. 9: rms glint of complex targets of order 0.1-0.2 "
        "of the span; confidence low, a figure to sweep)",
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


class FalseTrackFigures(Frozen):
    """The full tracker's confirmed false tracks of one radar, as the fast fidelity draws
    them: a Poisson process of ``rate_per_s``, each with an exponential life, range from the
    radar and speed of the measured means."""

    rate_per_s: NonNegativeFloat = Field(description="1/s; confirmed false tracks started")
    life_s: PositiveFloat = Field(description="s; mean time from confirmation to deletion")
    range_m: PositiveFloat = Field(description="m; mean range from the radar at confirmation")
    speed_mps: PositiveFloat = Field(description="m/s; mean speed of the track's estimate")


MEASURED_FALSE_TRACKS = {
    "91N6E-class": FalseTrackFigures(
        rate_per_s=6.5e-4, life_s=17.0, range_m=154_000.0, speed_mps=1_400.0
    ),
    "92N6E-class": FalseTrackFigures(
        rate_per_s=1.76e-3, life_s=12.6, range_m=28_800.0, speed_mps=744.0
    ),
}
"""Measured by ``benchmarks/false_tracks.py`` (its docstring: small example, radar alone,
empty sky, catalog Pfa 1e-6, full fidelity; the figures and their run counts are in
``docs/studies.md``)."""


class StatisticalSettings(Frozen):
    """The statistical sensing and tracking of the fast fidelity (``iads.sim.statistical``)."""

    false_tracks: dict[str, FalseTrackFigures] = Field(
        default_factory=lambda: dict(MEASURED_FALSE_TRACKS),
        description="false-track figures per radar catalog type, measured from the full "
        "tracker (benchmarks/false_tracks.py)",
    )
    false_tracks_default: FalseTrackFigures = Field(
        default_factory=lambda: MEASURED_FALSE_TRACKS["92N6E-class"],
        description="for radar types not in false_tracks: the 92N6E-class figures (an "
        "assumption for those types, not a measurement; measure them with the benchmark)",
    )


class RunConfig(Frozen):
    """Every setting of a run that is not the scenario itself (all have defaults)."""

    engagement: Literal["full", "fast"] = Field(
        "full",
        description="interceptor fly-out: full 3-DOF integration, or time-of-flight tables",
    )
    sensing: Literal["full", "statistical"] = Field(
        "full",
        description="radars and trackers: plot-level radars and the full tracker, or one "
        "statistical sensing-and-tracking stage per unit (the fast fidelity)",
    )
    statistical: StatisticalSettings = Field(
        default_factory=StatisticalSettings, description="the fast fidelity's figures"
    )
    tracker: TrackerSettings = Field(default_factory=TrackerSettings, description="trackers")
    sensors: SensorSettings = Field(default_factory=SensorSettings, description="radar stepping")
    environment: EnvironmentSettings = Field(
        default_factory=EnvironmentSettings, description="surface and sea state (propagation)"
    )
    c2: C2Settings = Field(default_factory=C2Settings, description="command posts")
    end_game: EndGameSettings = Field(
        default_factory=EndGameSettings, description="interceptor terminal phase"
    )
    scoring: ScoringSettings = Field(
        default_factory=ScoringSettings, description="scoring tracks against truth (analysis)"
    )
    stop_when_spent: bool = Field(
        True,
        description="once no round is in the air and no battery can launch again before the "
        "last threat's route ends, stop sensing, tracking and fire control and run the threats "
        "to their ends alone: kills, leaks, rounds and fate reasons as a full run, but no "
        "detections, tracks, identifications or link traffic after that time (the links table "
        "and a post's autonomous_from_s cover the run until then); false for tracking and "
        "network studies that want the whole air picture",
    )


__all__ = [
    "C2Settings",
    "EndGameSettings",
    "IdentificationSettings",
    "FalseTrackFigures",
    "EnvironmentSettings",
    "RunConfig",
    "ScoringSettings",
    "SensorSettings",
    "StatisticalSettings",
    "ThreatEvaluationSettings",
    "TrackerSettings",
]
