"""Radars in the simulation: one ``RadarSystem`` per radar, stepping at its own period.

Wiring only (the physics is in ``radar.observe``). It reads the truth by duck typing (it does
not import ``iads.sim``, so the sensor package stays below the engine):

- ``world.radars[i]``: ``index``, ``name``, ``type`` (effective ``RadarType``), ``site_pos_m``,
  ``pos_m`` (antenna), ``boresight_rad``; ``world.origin.alt_m``;
- ``world.threats``: ``pos_m``, ``vel_mps`` (N, 3), ``active`` (N,), ``id``, ``rcs_front_m2``,
  ``rcs_side_m2``, ``rcs_rear_m2``, ``swerling`` (N,); ``world.rng(name)``.

Each step sweeps the beam over the arc covered during [t, t + dt), observes the active
threats (aspect RCS toward this radar, Swerling fluctuation of their type) and publishes what
it saw on the bus (``iads.channels.Bus``): the plots (``iads.messages.Detections``) on
``plots/<radar index>`` and the arcs it swept (``iads.messages.Looks``) on
``looks/<radar index>``. A radar switched off (``on`` False) publishes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from iads.channels import Bus
from iads.messages import Looks
from iads.sensors.geometry import EARTH_RADIUS_M
from iads.sensors.radar import RadarModel, observe
from iads.sensors.rcs import aspect_angle_rad, aspect_rcs_m2
from iads.vectors import filled


@dataclass
class RadarSystem:
    """One radar as an engine ``System``: ``name``, ``period_s`` and ``step``.

    ``period_s`` 0 acts every tick (the beam sweeps continuously, so every tick matters).
    """

    radar_index: int
    model: RadarModel
    name: str
    period_s: float = 0.0
    false_alarms: bool = True
    bus: Bus = field(default_factory=Bus, repr=False)
    on: bool = True
    platform: Any = None
    """An airborne sensor's flight path (``position_at(t_s)`` -> ENU m), or None (fixed)."""

    @classmethod
    def from_world(
        cls, world: Any, radar_index: int, period_s: float = 0.0, bus: Bus | None = None
    ) -> RadarSystem:
        """The system of ``world.radars[radar_index]``, publishing on ``bus``."""
        rec = world.radars[radar_index]
        env = world.scenario.settings.environment
        grid = None
        if env.surface == "mask":
            from iads.sensors.landmask import land_grid

            grid = land_grid(world.origin, rec.site_pos_m)
        model = RadarModel.from_type(
            rec.type,
            rec.site_pos_m,
            float(np.degrees(rec.boresight_rad)),
            sensor_id=int(rec.index),
            origin_alt_m=float(world.origin.alt_m),
            antenna_pos_m=rec.pos_m,
            environment=env,
            land_grid=grid,
        )
        model = replace(model, compiled=True)  # thousands of small propagation calls a run
        if getattr(world, "terrain", None) is not None:
            model = replace(model, terrain=world.terrain)
        platform = getattr(rec, "orbit", None)
        return cls(
            int(rec.index),
            model,
            f"radar/{rec.name}",
            period_s,
            bus=bus or Bus(),
            platform=platform,
        )

    def move_to(self, t_s: float) -> None:
        """Put an airborne sensor's antenna where its platform is at ``t_s`` (s)."""
        if self.platform is not None:
            self.model = model_at(self.model, self.platform.position_at(t_s))

    def step(self, world: Any, t_s: float, dt_s: float) -> None:
        """Observe the active threats over the arc swept during [t_s, t_s + dt_s)."""
        if not self.on:
            return
        self.move_to(t_s)
        th = world.threats
        rows = np.flatnonzero(th.active)
        pos = th.pos_m[rows]
        vel = th.vel_mps[rows]
        antenna = self.model.antenna_pos_m

        def rcs(idx: np.ndarray) -> np.ndarray:  # the aspect RCS of the targets in the look
            r = rows[idx]
            aspect = aspect_angle_rad(pos[idx], vel[idx], antenna)
            return aspect_rcs_m2(th.rcs_front_m2[r], th.rcs_side_m2[r], th.rcs_rear_m2[r], aspect)

        arcs = self.model.swept_arcs(t_s, dt_s)
        plots = observe(
            self.model,
            pos,
            vel,
            rcs,
            t_s,
            world.rng(self.name),
            arcs,
            swerling=th.swerling[rows],
            truth_id=rows,
            false_alarms=self.false_alarms,
        )
        k = len(arcs)
        looks = Looks(
            time_s=filled(k, float(t_s)),
            duration_s=filled(k, float(dt_s)),
            sensor_id=filled(k, self.radar_index, np.int64),
            start_rad=np.array([a for a, _ in arcs], dtype=float),
            sweep_rad=np.array([w for _, w in arcs], dtype=float),
        )
        self.bus.publish(f"looks/{self.radar_index}", t_s, looks)
        if len(plots) == 0:
            return
        real = plots.truth_id >= 0
        ids = np.full(real.shape, -1, dtype=np.int64)  # false alarms: -1 (no threats at all ok)
        ids[real] = th.id[plots.truth_id[real]]
        plots = replace(plots, truth_id=ids)
        self.bus.publish(f"plots/{self.radar_index}", t_s, plots)


def model_at(model: RadarModel, antenna_pos_m: np.ndarray) -> RadarModel:
    """``model`` with its antenna (and site) moved to ``antenna_pos_m`` (3,) true ENU (m)."""
    pos = np.asarray(antenna_pos_m, dtype=float).reshape(3)
    alt = float(np.linalg.norm(pos - model.earth_centre_m) - EARTH_RADIUS_M)
    return replace(model, antenna_pos_m=pos, site_pos_m=pos, antenna_alt_m=alt)


__all__ = ["RadarSystem", "model_at"]
