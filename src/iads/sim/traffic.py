"""Traffic in the world, and its transponders as a sensor of the defence.

``traffic_plans`` turns the scenario's ``traffic`` entries into flight plans (appended after the
threats, so threat ids and raid draws do not change) with their allegiance and transponders.
``TransponderSystem`` is the physical side of cooperative identification: every
``interrogation_period_s`` each battery's interrogator (at its first radar) interrogates the
sky and its ADS-B receiver listens; every transponder within range and radio line of sight
answers each mode family it has, and broadcasts ADS-B, each with probability ``reliability``.
Reports carry a measured position (IFF: range and azimuth from the interrogator, altitude from
mode C; ADS-B: the aircraft's GNSS position), never the aircraft's identity: the command post
associates them to its tracks by position (``iads.c2.identification``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from iads.channels import Bus
from iads.config import IdentificationSettings
from iads.messages import (
    ADSB,
    FLYING,
    FRIENDLY,
    NEUTRAL,
    REPLY_CIVIL,
    REPLY_SECURE,
    CooperativeReports,
)
from iads.motion.raids import FlightPlan
from iads.scenario.model import Scenario

EARTH_RADIUS_M = 6_371_000.0
K_FACTOR = 4.0 / 3.0
"""Radio horizon: the standard atmosphere's 4/3 earth (ITU-R P.834)."""
MODE_C_SIGMA_M = 30.0
"""Mode C altitude error (m): 100 ft reporting resolution, uniform +-50 ft -> 9 m, plus
altimetry error; a round 30 m."""


@dataclass(frozen=True)
class Transponders:
    """The traffic's transponders, one row per aircraft: ``row`` its row in the world's
    threats, ``civil`` replies in mode 1, 2, 3/A or C, ``secure`` in mode 4 or 5, ``adsb``
    broadcasts, ``reliability`` P(one reply or broadcast is received)."""

    row: np.ndarray
    civil: np.ndarray
    secure: np.ndarray
    adsb: np.ndarray
    reliability: np.ndarray

    def __len__(self) -> int:
        return int(self.row.shape[0])


def traffic_plans(scenario: Scenario) -> tuple[list[FlightPlan], list[int], list[Any]]:
    """Flight plans of every traffic aircraft (entries in file order, a stream's aircraft in
    start order), their allegiance codes, and each aircraft's transponder."""
    plans, allegiance, transponders = [], [], []
    for tr in scenario.traffic:
        code = int(NEUTRAL if tr.allegiance == "neutral" else FRIENDLY)
        for k in range(tr.count):
            plans.append(
                FlightPlan(
                    name=tr.name if tr.count == 1 else f"{tr.name}-{k + 1}",
                    raid="traffic",
                    type_name=tr.type,
                    launch_time_s=tr.start_time_s + k * tr.interval_s,
                    target=None,
                    lat_deg=np.array([w.lat_deg for w in tr.route]),
                    lon_deg=np.array([w.lon_deg for w in tr.route]),
                    leg_speed_mps=np.array([w.speed_mps for w in tr.route[1:]]),
                    waypoint_alt_m=np.array([w.alt_m for w in tr.route]),
                )
            )
            allegiance.append(code)
            transponders.append(tr.transponder)
    return plans, allegiance, transponders


def make_transponders(first_row: int, specs: list[Any]) -> Transponders:
    """The transponder table of ``specs`` (``scenario.traffic.Transponder``), rows from
    ``first_row`` on."""
    modes = [set(s.iff_modes) for s in specs]
    return Transponders(
        row=first_row + np.arange(len(specs), dtype=np.int64),
        civil=np.array([bool(m & {"1", "2", "3", "C"}) for m in modes], dtype=bool),
        secure=np.array([bool(m & {"4", "5"}) for m in modes], dtype=bool),
        adsb=np.array([s.adsb for s in specs], dtype=bool),
        reliability=np.array([s.reliability for s in specs], dtype=float),
    )


def radio_visible(
    site_m: np.ndarray, pos_m: np.ndarray, range_m: float, origin_alt_m: float = 0.0
) -> np.ndarray:
    """(K,) bool: points ``pos_m`` (K, 3) within ``range_m`` of ``site_m`` (3,) and within the
    4/3-earth radio horizon, ``sqrt(2 k R h1) + sqrt(2 k R h2)`` (heights above the sphere)."""
    from iads.sensors.geometry import height_above_earth_m

    d = np.linalg.norm(pos_m - site_m[None, :], axis=1)
    h1 = max(float(height_above_earth_m(site_m[None, :], origin_alt_m)[0]), 0.0)
    h2 = np.maximum(height_above_earth_m(pos_m, origin_alt_m), 0.0)
    horizon = np.sqrt(2 * K_FACTOR * EARTH_RADIUS_M * h1) + np.sqrt(
        2 * K_FACTOR * EARTH_RADIUS_M * h2
    )
    return (d <= range_m) & (d <= horizon)


@dataclass
class TransponderSystem:
    """Interrogations and ADS-B reception for the batteries ``units`` (one interrogator
    each at ``site_m`` (U, 3)), published on ``coop/<unit>`` every ``period_s``."""

    units: list[int]
    site_m: np.ndarray
    transponders: Transponders
    settings: IdentificationSettings
    bus: Bus
    rng: np.random.Generator
    origin_alt_m: float = 0.0
    name: str = "transponders"
    period_s: float = 5.0

    def step(self, world: Any, t_s: float, dt_s: float) -> None:
        del dt_s
        tp, th, s = self.transponders, world.threats, self.settings
        up = tp.row[th.status[tp.row] == FLYING]
        live = np.isin(tp.row, up)
        for u, site in zip(self.units, self.site_m, strict=True):
            k = np.flatnonzero(live)
            if k.size:
                pos = th.pos_m[tp.row[k]]
                k = k[radio_visible(site, pos, s.interrogation_range_m, self.origin_alt_m)]
            parts = [
                self._replies(t_s, u, site, k[tp.civil[k]], REPLY_CIVIL, th),
                self._replies(t_s, u, site, k[tp.secure[k]], REPLY_SECURE, th),
                self._replies(t_s, u, site, k[tp.adsb[k]], ADSB, th),
            ]
            batch = CooperativeReports.concat(parts)
            if not len(batch):
                batch = CooperativeReports()
            self.bus.publish(f"coop/{u}", t_s, batch)

    def _replies(
        self, t_s: float, unit: int, site: np.ndarray, k: np.ndarray, kind: Any, th: Any
    ) -> CooperativeReports:
        tp, s = self.transponders, self.settings
        k = k[self.rng.random(k.size) < tp.reliability[k]]
        if k.size == 0:
            return CooperativeReports()
        truth = th.pos_m[tp.row[k]]
        if kind == ADSB:
            sig = np.full(k.size, s.adsb_sigma_m)
            pos = truth + self.rng.normal(0.0, s.adsb_sigma_m / np.sqrt(3.0), (k.size, 3))
        else:  # range and azimuth from the interrogator, altitude from mode C
            rel = truth - site[None, :]
            rng_h = np.hypot(rel[:, 0], rel[:, 1])
            az = np.arctan2(rel[:, 0], rel[:, 1])
            sig_az = np.radians(s.iff_azimuth_sigma_deg)
            r = rng_h + self.rng.normal(0.0, s.iff_range_sigma_m, k.size)
            a = az + self.rng.normal(0.0, sig_az, k.size)
            z = truth[:, 2] + self.rng.normal(0.0, MODE_C_SIGMA_M, k.size)
            pos = np.column_stack([site[0] + r * np.sin(a), site[1] + r * np.cos(a), z])
            sig = np.sqrt(s.iff_range_sigma_m**2 + (rng_h * sig_az) ** 2 + MODE_C_SIGMA_M**2)
        return CooperativeReports(
            time_s=np.full(k.size, t_s),
            unit=np.full(k.size, unit, np.int64),
            kind=np.full(k.size, kind, np.int8),
            pos_m=pos,
            position_std_m=sig,
            truth_id=th.id[tp.row[k]].astype(np.int64),
        )


__all__ = [
    "Transponders",
    "TransponderSystem",
    "make_transponders",
    "radio_visible",
    "traffic_plans",
]
